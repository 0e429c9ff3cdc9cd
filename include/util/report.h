/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Warnings for the operator, on standard error, prefixed with the program
 * name ("qmpd: warning: ...").  Only the places that turn results into
 * output (main, command handlers) call this; everything else returns
 * warnings to them.
 */

#include "prelude.h"

/** qmpd_report_set_prog_name: the prefix, normally basename(argv[0]). */
void qmpd_report_set_prog_name(const char *name);

/** qmpd_warn: prints one warning line. */
void qmpd_warn(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
