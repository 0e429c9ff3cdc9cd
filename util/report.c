/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Operator-facing warning lines on standard error.
 */

#include "prelude.h"

#include <stdio.h>

#include "util/report.h"

static char *prog_name;

void qmpd_report_set_prog_name(const char *name)
{
    g_free(prog_name);
    prog_name = g_strdup(name);
}

void qmpd_warn(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: warning: %s\n", prog_name ? prog_name : "qmpd", msg);
}
