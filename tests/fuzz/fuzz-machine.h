/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Checks shared by the machine configuration fuzz targets: what must
 * hold of the stored configuration after any successful set, whichever
 * front-end (machine-set, the command line) made it.
 */

#include "prelude.h"

/**
 * fuzz_machine_config_text:
 * Returns: (transfer full): the stored configuration as JSON text, to
 * compare before and after a set that failed.
 */
char *fuzz_machine_config_text(void);

/**
 * fuzz_machine_check_committed:
 *
 * Asserts that the stored configuration passes the whole-configuration
 * check again (a commit never stores what the check refuses), and that
 * query-machine-config's answer keeps its promise: the -M line rendered
 * from the configuration with defaults filled in reads back, through
 * keyval_parse() and the keyval-mode visitor, to that same configuration.
 */
void fuzz_machine_check_committed(void);

/**
 * fuzz_machine_check_outcome:
 * @ok: what the set returned
 * @err: (nullable): its error
 * @before: fuzz_machine_config_text() taken before the set
 * @warnings: the warnings the set produced
 *
 * Asserts the all-or-nothing contract: a failed set has a non-empty
 * error, no warnings, and left the stored configuration byte for byte as
 * it was; a successful one has no error.
 *
 * Returns: (transfer full): fuzz_machine_config_text() after the set
 */
char *fuzz_machine_check_outcome(bool ok, const GError *err, const char *before,
                                 const GPtrArray *warnings);
