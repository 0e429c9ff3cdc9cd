/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replays the scenario files of tests/qtest/scenarios/: each NAME.qtest
 * is fed to "$QMPD_BINARY ARGS -qtest stdio -qtest-log none" on standard
 * input, and everything the daemon prints must equal NAME.out byte for
 * byte; the daemon must then exit with status 0 (end of input ends a
 * stdio scenario).  ARGS come from the file's "#! ..." line (default
 * "-M pc -nodefaults").  $QMPD_SCENARIO_DIR names the folder.
 */
#include "prelude.h"

#include <string.h>

#include "libqtest.h"

#define DEFAULT_ARGS "-M pc -nodefaults"

static const char *scenario_dir(void)
{
    const char *dir = g_getenv("QMPD_SCENARIO_DIR");

    if (dir == NULL) {
        g_error("Environment variable QMPD_SCENARIO_DIR required");
    }
    return dir;
}

/* The arguments named by the first "#! " line of @script. */
static char *scenario_args(const char *script)
{
    g_auto(GStrv) lines = g_strsplit(script, "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++) {
        if (g_str_has_prefix(lines[i], "#! ")) {
            return g_strdup(lines[i] + 3);
        }
    }
    return g_strdup(DEFAULT_ARGS);
}

/* Logs the first line where @got and @want differ. */
static void explain_difference(const char *got, const char *want)
{
    g_auto(GStrv) g = g_strsplit(got, "\n", -1);
    g_auto(GStrv) w = g_strsplit(want, "\n", -1);

    for (guint i = 0;; i++) {
        if (g[i] == NULL || w[i] == NULL || !g_str_equal(g[i], w[i])) {
            g_test_message("first difference at output line %u: got '%s', "
                           "expected '%s'",
                           i + 1, g[i] ? g[i] : "(end)", w[i] ? w[i] : "(end)");
            return;
        }
    }
}

static void run_scenario(gconstpointer data)
{
    const char *name = data;
    g_autofree char *base = g_build_filename(scenario_dir(), name, NULL);
    g_autofree char *in_path = g_strconcat(base, ".qtest", NULL);
    g_autofree char *out_path = g_strconcat(base, ".out", NULL);
    g_autofree char *script = NULL, *want = NULL, *args = NULL;
    g_autofree char *got = NULL, *err_text = NULL, *cmdline = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GSubprocess) proc = NULL;
    g_auto(GStrv) argv = NULL;

    g_assert_true(g_file_get_contents(in_path, &script, NULL, NULL));
    g_assert_true(g_file_get_contents(out_path, &want, NULL, NULL));
    args = scenario_args(script);
    cmdline = g_strdup_printf("'%s' %s -qtest stdio -qtest-log none",
                              qtest_binary(), args);
    g_assert_true(g_shell_parse_argv(cmdline, NULL, &argv, &err));
    g_assert_no_error(err);

    proc = g_subprocess_newv((const char *const *)argv,
                             G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                 G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                 G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &err);
    g_assert_no_error(err);
    g_assert_true(g_subprocess_communicate_utf8(proc, script, NULL, &got,
                                                &err_text, &err));
    g_assert_no_error(err);

    if (g_subprocess_get_if_exited(proc) &&
        g_subprocess_get_exit_status(proc) != 0 && (got == NULL || !*got)) {
        g_autofree char *why =
            g_strdup_printf("daemon refused '%s': %s", args,
                            err_text ? g_strstrip(err_text) : "");

        g_test_skip(why);
        return;
    }
    if (!g_str_equal(got, want)) {
        explain_difference(got, want);
    }
    g_assert_cmpstr(got, ==, want);
    g_assert_true(g_subprocess_get_if_exited(proc));
    g_assert_cmpint(g_subprocess_get_exit_status(proc), ==, 0);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    const char *entry;

    g_test_init(&argc, &argv, NULL);
    dir = g_dir_open(scenario_dir(), 0, &err);
    g_assert_no_error(err);
    while ((entry = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(entry, ".qtest")) {
            g_ptr_array_add(names, g_strndup(entry, strlen(entry) - 6));
        }
    }
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = g_strdup_printf(
            "/qtest/scenario/%s", (char *)g_ptr_array_index(names, i));

        g_test_add_data_func(path, g_ptr_array_index(names, i), run_scenario);
    }
    return g_test_run();
}
