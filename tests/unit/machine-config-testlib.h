/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Helpers shared by the machine configuration tests (test-machine-config,
 * test-machine-legacy, test-machine-render).  Test cases name the scratch
 * folder of input files as "@D"; machine_test_make_files() fills it before
 * g_test_run() and machine_test_remove_files() empties it afterwards.
 * Every helper fails the running test on an unexpected error.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"
#include "qapi-types.h"

/*
 * A 40-byte ACPI table (a 36-byte header and a 4-byte body): the contents
 * of "@D/t1.aml" and "@D/t2.aml".
 */
extern const guint8 machine_test_acpi_table[40];

/**
 * machine_test_make_files:
 *
 * Creates the scratch folder and writes the files the test cases name:
 * fw.bin, body.aml, t1.aml, t2.aml, short.aml (a truncated ACPI header),
 * oem.txt, oem-nul.txt (holding a NUL), smbios1.bin, smbios-short.bin and
 * the folder a-dir.  Call once from main(), before g_test_run().
 */
void machine_test_make_files(void);

/**
 * machine_test_remove_files:
 *
 * Removes every file in the scratch folder, then the folder.  Call once
 * from main() after g_test_run().
 */
void machine_test_remove_files(void);

/**
 * machine_test_expand_dir:
 * @text: a string that may name the scratch folder as "@D"
 *
 * Returns: (transfer full): @text with each "@D" replaced by the scratch
 * folder's path.
 */
char *machine_test_expand_dir(const char *text);

/**
 * machine_test_tmp_path:
 * @name: a file name inside the scratch folder
 *
 * Returns: (transfer full): the path of @name in the scratch folder.
 */
char *machine_test_tmp_path(const char *name);

/**
 * machine_test_write_tmp:
 * @name: a file name inside the scratch folder
 * @data: the bytes to write
 * @len: how many
 *
 * Creates or replaces @name in the scratch folder with @data.  The file is
 * removed by machine_test_remove_files().
 */
void machine_test_write_tmp(const char *name, const void *data, gsize len);

/**
 * machine_test_json_text:
 * @node: (transfer none): a JSON tree
 *
 * Returns: (transfer full): @node as compact JSON text.
 */
char *machine_test_json_text(JsonNode *node);

/**
 * machine_test_config_text:
 * @cfg: (transfer none): a configuration
 *
 * Returns: (transfer full): @cfg as compact JSON text, for messages and
 * exact comparisons.
 */
char *machine_test_config_text(const MachineProperties *cfg);

/**
 * machine_test_decode_twin:
 * @twin: an -M option value, such as "type=pc,smp.cpus=2"
 *
 * Decodes @twin the way the command line does (keyval with the implied
 * key "type").
 *
 * Returns: (transfer full): the decoded configuration.
 */
MachineProperties *machine_test_decode_twin(const char *twin);

/**
 * machine_test_decode_legacy:
 * @option: a legacy option name without the dash, such as "smbios"
 * @arg: its argument
 *
 * Decodes one legacy option the way the command line does.
 *
 * Returns: (transfer full): the decoded configuration.
 */
MachineProperties *machine_test_decode_legacy(const char *option,
                                              const char *arg);

/**
 * machine_test_assert_same:
 * @what: the case, for the failure message
 * @legacy: (transfer none): the configuration from the legacy spelling
 * @twin: (transfer none): the configuration from the -M spelling
 *
 * Fails the test unless @legacy and @twin are equal and not empty: an
 * empty decode on both sides would prove nothing.
 */
void machine_test_assert_same(const char *what, const MachineProperties *legacy,
                              const MachineProperties *twin);

/**
 * machine_test_set_json:
 * @json: a machine-set patch as JSON text; "@D" names the scratch folder
 * @warnings: (nullable): receives the warnings as strings
 * @errp: set when decoding or applying the patch fails
 *
 * Decodes @json as machine-set does and applies it with
 * machine_config_set().  Decoding errors are returned like set errors:
 * both must leave the configuration alone.  @json itself must be valid
 * JSON.
 *
 * Returns: true when the patch was applied.
 */
bool machine_test_set_json(const char *json, GPtrArray *warnings,
                           GError **errp);

/**
 * machine_test_set_base:
 *
 * Resets the configuration, then applies the base configuration the
 * error table starts from: type pc, smp.cpus 2, rtc.base utc, one fw_cfg
 * item "opt/base" and an SMBIOS type 1 serial.
 */
void machine_test_set_base(void);
