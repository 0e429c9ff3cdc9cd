/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CMOS RTC through the real binary: time in every rtc.base and
 * rtc.clock, a date set by the guest reading back after clock_step,
 * periodic and alarm interrupts at exact virtual times, RTC_CHANGE, the
 * pc CMOS bytes, and a CMOS comparison with qemu-system-x86_64.
 */
#include "prelude.h"

#include "libqtest.h"

#define NS G_GINT64_CONSTANT(1000000000)

static QTestState *start_or_skip(const char *extra)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *args = g_strdup_printf("-M pc -nodefaults %s", extra);
    QTestState *s =
        qtest_init_full(qtest_binary(), args, QTEST_INIT_QTEST, &err);

    if (s == NULL) {
        g_autofree char *why = g_strdup_printf(
            "daemon does not run a pc board under qtest: %s", err->message);

        g_test_skip(why);
        return NULL;
    }
    qtest_outb(s, 0x70, 0x0d);
    if (qtest_inb(s, 0x71) != 0x80) {
        g_test_skip("no RTC at port 0x70 (pc board not wired yet)");
        qtest_quit(s);
        return NULL;
    }
    return s;
}

static uint8_t cmos(QTestState *s, uint8_t index)
{
    qtest_outb(s, 0x70, index);
    return qtest_inb(s, 0x71);
}

static void cmos_set(QTestState *s, uint8_t index, uint8_t value)
{
    qtest_outb(s, 0x70, index);
    qtest_outb(s, 0x71, value);
}

static int bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 0x0f);
}

/* The time the registers show (BCD, 24-hour: the power-on mode). */
static int64_t cmos_time(QTestState *s)
{
    g_autoptr(GDateTime) dt = NULL;
    int sec = bcd(cmos(s, 0x00));
    int year = bcd(cmos(s, 0x32)) * 100 + bcd(cmos(s, 0x09));

    dt = g_date_time_new_utc(year, bcd(cmos(s, 0x08)), bcd(cmos(s, 0x07)),
                             bcd(cmos(s, 0x04)), bcd(cmos(s, 0x02)), sec);
    g_assert_nonnull(dt);
    return g_date_time_to_unix(dt);
}

static void test_time_modes(void)
{
    static const char *const clocks[] = {"host", "rt", "vm"};
    static const char *const bases[] = {"utc", "localtime",
                                        "2006-06-17T16:01:21"};

    for (gsize c = 0; c < G_N_ELEMENTS(clocks); c++) {
        for (gsize b = 0; b < G_N_ELEMENTS(bases); b++) {
            g_autofree char *args = g_strdup_printf(
                "-M rtc.base=%s,rtc.clock=%s", bases[b], clocks[c]);
            QTestState *s = start_or_skip(args);
            g_autoptr(GDateTime) now = g_date_time_new_now_local();
            int64_t want, got;

            if (s == NULL) {
                return;
            }
            if (b == 0) {
                want = g_date_time_to_unix(now);
            } else if (b == 1) {
                want = g_date_time_to_unix(now) +
                       g_date_time_get_utc_offset(now) / G_USEC_PER_SEC;
            } else {
                want = 1150560081;
            }
            got = cmos_time(s);
            g_test_message("base %s clock %s: %" PRId64 " vs %" PRId64,
                           bases[b], clocks[c], got, want);
            if (b == 2 && c == 2) {
                /* The virtual clock has not moved at all. */
                g_assert_cmpint(got, ==, want);
            } else {
                g_assert_cmpint(got, >=, want - 5);
                g_assert_cmpint(got, <=, want + 5);
            }
            qtest_quit(s);
        }
    }
}

static void test_vm_clock_steps(void)
{
    QTestState *s =
        start_or_skip("-M rtc.base=2026-02-13T12:34:56,rtc.clock=vm");

    if (s == NULL) {
        return;
    }
    g_assert_cmphex(cmos(s, 0x00), ==, 0x56);
    qtest_clock_step(s, NS - 1);
    g_assert_cmphex(cmos(s, 0x00), ==, 0x56);
    qtest_clock_step(s, 1);
    g_assert_cmphex(cmos(s, 0x00), ==, 0x57);
    qtest_clock_step(s, 3600 * NS);
    g_assert_cmphex(cmos(s, 0x04), ==, 0x13);
    g_assert_cmphex(cmos(s, 0x06), ==, 0x06);
    g_assert_cmphex(cmos(s, 0x37), ==, 0x20);
    qtest_quit(s);
}

static void test_set_date(void)
{
    QTestState *s =
        start_or_skip("-M rtc.base=2026-02-13T12:34:56,rtc.clock=vm");
    g_autoptr(JsonObject) ev = NULL;
    JsonObject *data;

    if (s == NULL) {
        return;
    }
    qtest_clock_step(s, 2 * NS);
    cmos_set(s, 0x0b, 0x82);
    cmos_set(s, 0x09, 0x30);
    cmos_set(s, 0x08, 0x01);
    cmos_set(s, 0x07, 0x01);
    cmos_set(s, 0x04, 0x08);
    cmos_set(s, 0x02, 0x00);
    cmos_set(s, 0x00, 0x00);
    cmos_set(s, 0x0b, 0x02);
    ev = qtest_qmp_eventwait_ref(s, "RTC_CHANGE");
    data = json_object_get_object_member(ev, "data");
    /* 2030-01-01T08:00:00 minus 2026-02-13T12:34:58 */
    g_assert_cmpint(json_object_get_int_member(data, "offset"), ==,
                    1893484800 - 1770986098);
    g_assert_true(g_str_has_prefix(
        json_object_get_string_member(data, "qom-path"), "/machine/"));
    qtest_clock_step(s, 5 * NS);
    g_assert_cmpint(cmos_time(s), ==, 1893484805);
    qtest_quit(s);
}

static void test_periodic_irq(void)
{
    QTestState *s =
        start_or_skip("-M rtc.base=2026-02-13T12:34:56,rtc.clock=vm");
    g_autofree char *rsp = NULL;
    unsigned lines;
    int64_t t;

    if (s == NULL) {
        return;
    }
    rsp = qtest_command(s, "irq_intercept_in ioapic");
    g_assert_cmpstr(rsp, ==, "OK");
    /* 2 Hz periodic interrupt: the virtual clock starts at 0. */
    cmos_set(s, 0x0a, 0x2f);
    cmos_set(s, 0x0b, 0x42);
    lines = qtest_irq_lines(s);
    t = qtest_clock_step_next(s);
    g_assert_cmpint(t, ==, NS / 2);
    g_assert_cmphex(cmos(s, 0x0c), ==, 0xc0);
    /* raise at the tick, lower on the read of C */
    g_assert_cmpuint(qtest_irq_lines(s), ==, lines + 2);
    t = qtest_clock_step_next(s);
    g_assert_cmpint(t, ==, NS);
    g_assert_cmphex(cmos(s, 0x0c), ==, 0xd0);
    qtest_quit(s);
}

static void test_alarm_irq(void)
{
    QTestState *s =
        start_or_skip("-M rtc.base=2026-02-13T12:34:56,rtc.clock=vm");
    g_autofree char *rsp = NULL;
    int64_t t;

    if (s == NULL) {
        return;
    }
    rsp = qtest_command(s, "irq_intercept_in ioapic");
    g_assert_cmpstr(rsp, ==, "OK");
    cmos_set(s, 0x0a, 0x20);
    cmos_set(s, 0x01, 0x00);
    cmos_set(s, 0x03, 0x35);
    cmos_set(s, 0x05, 0x12);
    cmos_set(s, 0x0b, 0x22);
    t = qtest_clock_step_next(s);
    g_assert_cmpint(t, ==, 4 * NS);
    g_assert_cmphex(cmos(s, 0x0c), ==, 0xb0);
    qtest_quit(s);
}

static void test_reset_reinjection(void)
{
    QTestState *s =
        start_or_skip("-M rtc.base=utc,rtc.clock=vm,rtc.driftfix=slew");

    if (s == NULL) {
        return;
    }
    qtest_qmp_assert_success(s, "{\"execute\": \"rtc-reset-reinjection\"}");
    qtest_quit(s);
}

static void test_pc_cmos_bytes(void)
{
    static const struct {
        uint8_t index, value;
    } want[] = {
        {0x14, 0x06}, {0x15, 0x80}, {0x16, 0x02}, {0x17, 0xff},
        {0x18, 0xff}, {0x30, 0xff}, {0x31, 0xff}, {0x34, 0x00},
        {0x35, 0x0f}, {0x38, 0x00}, {0x3d, 0x32}, {0x5f, 0x01},
    };
    QTestState *s = start_or_skip("-m 256 -smp 2 -boot order=cd "
                                  "-M rtc.base=utc,rtc.clock=vm");

    if (s == NULL) {
        return;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++) {
        g_assert_cmphex(cmos(s, want[i].index), ==, want[i].value);
    }
    qtest_quit(s);
}

/*
 * Runs BINARY ARGS -qtest stdio, reads all 128 CMOS bytes through ports
 * 0x70/0x71, then kills it (neither binary exits at end of input).
 */
static bool dump_cmos(const char *binary, const char *args, uint8_t out[128],
                      GError **errp)
{
    g_autoptr(GString) script = g_string_new(NULL);
    g_autofree char *cmd = g_strdup_printf(
        "%s %s -qtest stdio -qtest-log none -display none", binary, args);
    g_auto(GStrv) argv = NULL;
    g_autoptr(GSubprocess) p = NULL;
    g_autoptr(GDataInputStream) in = NULL;
    int replies = 0, n = 0;

    if (!g_shell_parse_argv(cmd, NULL, &argv, errp)) {
        return false;
    }
    for (int i = 0; i < 128; i++) {
        g_string_append_printf(script, "outb 0x70 0x%x\ninb 0x71\n", i);
    }
    p = g_subprocess_newv((const char *const *)argv,
                          G_SUBPROCESS_FLAGS_STDIN_PIPE |
                              G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                          errp);
    if (p == NULL) {
        return false;
    }
    if (!g_output_stream_write_all(g_subprocess_get_stdin_pipe(p), script->str,
                                   script->len, NULL, NULL, errp)) {
        g_subprocess_force_exit(p);
        return false;
    }
    in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(p));
    while (replies < 256) {
        g_autofree char *line =
            g_data_input_stream_read_line(in, NULL, NULL, NULL);

        if (line == NULL) {
            break;
        }
        if (!g_str_has_prefix(line, "OK")) {
            continue;
        }
        replies++;
        if (g_str_has_prefix(line, "OK 0x") && n < 128) {
            out[n++] = (uint8_t)g_ascii_strtoull(line + 3, NULL, 16);
        }
    }
    g_subprocess_force_exit(p);
    g_subprocess_wait(p, NULL, NULL);
    if (n != 128) {
        g_set_error(errp, G_IO_ERROR, G_IO_ERROR_FAILED,
                    "%s gave %d of 128 CMOS bytes", binary, n);
        return false;
    }
    return true;
}

static bool differs_by_design(int i)
{
    /* A: UIP depends on the instant; C: flags depend on elapsed time. */
    return i == 0x0a || i == 0x0c;
}

static void test_differential(void)
{
    const char *ref = g_getenv("QMPD_REFERENCE_BINARY");
    const char *base = "-M pc -nodefaults -S -m 128 "
                       "-rtc base=2026-02-13T12:34:56,clock=vm";
    g_autofree char *found = NULL;
    g_autofree char *mine_args = NULL;
    g_autoptr(GError) err = NULL;
    uint8_t theirs[128], mine[128];

    if (ref == NULL) {
        found = g_find_program_in_path("qemu-system-x86_64");
        ref = found;
    }
    if (ref == NULL) {
        g_test_skip("qemu-system-x86_64 is not installed");
        return;
    }
    if (!dump_cmos(ref, base, theirs, &err)) {
        g_autofree char *why =
            g_strdup_printf("reference did not answer: %s", err->message);

        g_test_skip(why);
        return;
    }
    mine_args = g_strdup_printf("%s -accel qtest", base);
    if (!dump_cmos(qtest_binary(), mine_args, mine, &err) ||
        mine[0x0d] != 0x80) {
        g_autofree char *why = g_strdup_printf(
            "qmpd has no wired RTC under -qtest stdio: %s",
            err != NULL ? err->message : "register D is not 0x80");

        g_test_skip(why);
        return;
    }
    for (int i = 0; i < 128; i++) {
        if (!differs_by_design(i) && mine[i] != theirs[i]) {
            g_test_message("CMOS 0x%02x: qmpd 0x%02x, QEMU 0x%02x", i, mine[i],
                           theirs[i]);
        }
    }
    for (int i = 0; i < 128; i++) {
        if (!differs_by_design(i)) {
            g_assert_cmphex(mine[i], ==, theirs[i]);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/rtc/time/modes", test_time_modes);
    g_test_add_func("/rtc/time/vm-clock-steps", test_vm_clock_steps);
    g_test_add_func("/rtc/time/set-date", test_set_date);
    g_test_add_func("/rtc/irq/periodic", test_periodic_irq);
    g_test_add_func("/rtc/irq/alarm", test_alarm_irq);
    g_test_add_func("/rtc/qmp/reset-reinjection", test_reset_reinjection);
    g_test_add_func("/rtc/cmos/pc-bytes", test_pc_cmos_bytes);
    g_test_add_func("/rtc/cmos/differential", test_differential);
    return g_test_run();
}
