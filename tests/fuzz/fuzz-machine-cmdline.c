/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the machine options of the command line: the input is
 * one option per line, "-NAME" or "-NAME ARGUMENT" (split at the first
 * space; empty lines are skipped).  The options go through the real
 * command-line parser (system/cmdline.c: legacy sugar and -M keyval into
 * configuration fragments), then the fragments are merged, decoded and
 * set by cmdline_configure_machine() as at start-up, on an empty
 * configuration each run.
 */

#include "prelude.h"

#include <string.h>

#include "fuzz-files.h"
#include "fuzz-machine.h"
#include "fuzz.h"
#include "hw/core/machine-config.h"
#include "hw/core/machine.h"
#include "system/cmdline.h"

/* Splits @text into an argument vector after a program name. */
static GPtrArray *split_options(char *text)
{
    static char prog_name[] = "qmpd";
    GPtrArray *argv = g_ptr_array_new();
    char *line = text;

    g_ptr_array_add(argv, prog_name);
    while (line != NULL) {
        char *next = strchr(line, '\n');
        char *space;

        if (next != NULL) {
            *next++ = '\0';
        }
        if (*line != '\0') {
            space = strchr(line, ' ');
            if (space != NULL) {
                *space = '\0';
            }
            g_ptr_array_add(argv, line);
            if (space != NULL) {
                g_ptr_array_add(argv, space + 1);
            }
        }
        line = next;
    }
    g_ptr_array_add(argv, NULL);
    return argv;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) argv = NULL;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(QmpdCmdline) cl = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    bool ok;

    if (!fuzz_files_text_is_confined((const char *)data, size)) {
        return 0;
    }
    text = g_strndup((const char *)data, size);
    argv = split_options(text);
    machine_config_reset();
    before = fuzz_machine_config_text();

    /* -smbios type=11,path= reads its file while parsing */
    fuzz_files_enter();
    cl = cmdline_parse(argv->len - 1, (char **)argv->pdata, &err);
    g_assert_true((cl == NULL) == (err != NULL));
    if (cl != NULL && cl->machine_help) {
        g_autoptr(GString) out = g_string_new(NULL);

        /* main() prints this and exits without configuring */
        if (cl->machine_help_type != NULL) {
            machine_print_properties(cl->machine_help_type, out, NULL);
        }
        fuzz_files_leave();
        return 0;
    }
    ok = cl != NULL && cmdline_configure_machine(cl, warnings, &err);
    fuzz_files_leave();

    after = fuzz_machine_check_outcome(ok, err, before, warnings);
    if (!ok) {
        return 0;
    }
    g_assert_nonnull(machine_object_sync(NULL));
    fuzz_machine_check_committed();
    machine_config_reset();
    return 0;
}
