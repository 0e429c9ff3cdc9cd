/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest line protocol as libqtest drives it: the daemon started with
 * -qtest unix:SOCK -accel qtest connects back, answers endianness, steps
 * the virtual clock and rejects unknown requests.  Skipped, with the
 * reason, while the daemon does not accept -qtest.
 */
#include "prelude.h"

#include "libqtest.h"

static QTestState *start_or_skip(void)
{
    g_autoptr(GError) err = NULL;
    QTestState *s = qtest_init_full(qtest_binary(), "-M none -nodefaults",
                                    QTEST_INIT_QTEST, &err);

    if (!s) {
        g_autofree char *why = g_strdup_printf(
            "daemon does not answer on -qtest: %s", err->message);

        g_test_skip(why);
    }
    return s;
}

static void test_endianness(void)
{
    QTestState *s = start_or_skip();
    g_autofree char *rsp = NULL;

    if (!s) {
        return;
    }
    rsp = qtest_command(s, "endianness");
    g_assert_cmpstr(rsp, ==, "OK little");
    qtest_quit(s);
}

static void test_clock_step(void)
{
    QTestState *s = start_or_skip();
    int64_t t0, t1;

    if (!s) {
        return;
    }
    t0 = qtest_clock_step(s, 1000);
    t1 = qtest_clock_step(s, 250);
    g_assert_cmpint(t0, >=, 1000);
    g_assert_cmpint(t1 - t0, ==, 250);
    qtest_quit(s);
}

static void test_unknown_command(void)
{
    QTestState *s = start_or_skip();
    g_autofree char *rsp = NULL;
    g_autofree char *again = NULL;

    if (!s) {
        return;
    }
    rsp = qtest_command(s, "bogus 1 2");
    g_assert_cmpstr(rsp, ==, "FAIL Unknown command 'bogus'");
    /* The channel keeps working, and QMP beside it. */
    again = qtest_command(s, "endianness");
    g_assert_cmpstr(again, ==, "OK little");
    qtest_qmp_assert_success(s, "{\"execute\": \"query-status\"}");
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qtest/channel/endianness", test_endianness);
    g_test_add_func("/qtest/channel/clock-step", test_clock_step);
    g_test_add_func("/qtest/channel/unknown-command", test_unknown_command);
    return g_test_run();
}
