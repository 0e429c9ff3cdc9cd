/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A scratch folder for the fuzz targets whose inputs name files (the
 * machine configuration reads fw_cfg items, ACPI tables, SMBIOS blobs and
 * OEM strings while it is set).
 *
 * Contract:
 * - Between fuzz_files_enter() and fuzz_files_leave() the current folder
 *   is the scratch folder, so a relative name resolves inside it.  It
 *   holds only the sample files listed in fuzz-files.c, made once per
 *   process and removed at exit.
 * - A target runs an input only when it is confined: it cannot name
 *   anything outside the scratch folder (no absolute path, no "..").
 *   Opening an arbitrary host path could block (a FIFO, a terminal),
 *   never end (/dev/zero), change the host (/dev/watchdog) or make the
 *   result depend on the machine the fuzzer runs on.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"

/** fuzz_files_enter: makes the scratch folder the current folder. */
void fuzz_files_enter(void);

/** fuzz_files_leave: returns to the folder the process started in. */
void fuzz_files_leave(void);

/**
 * fuzz_files_text_is_confined:
 * @text: option text (keyval or QemuOpts syntax, several options)
 * @len: its length
 *
 * Conservative: refuses any "..", and any "/" that does not follow a
 * letter, digit, '_', '-' or '.', so no value, list element (after ','
 * or ':') or option argument can start with "/".  "opt/name" passes.
 *
 * Returns: true when @text names no file outside the scratch folder.
 */
bool fuzz_files_text_is_confined(const char *text, gsize len);

/**
 * fuzz_files_json_is_confined:
 * @node: (transfer none): a JSON value
 *
 * Returns: true when no string anywhere in @node starts with "/" or
 * contains "..", whatever member it sits in.
 */
bool fuzz_files_json_is_confined(JsonNode *node);
