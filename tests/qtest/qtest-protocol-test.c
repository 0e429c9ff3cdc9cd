/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol through the real binary, driven by libqtest: guest
 * RAM on the pc board (the 4 GiB split included), unassigned memory and
 * ports, the virtual clock, I/O APIC interception, the -qtest-log format
 * and malformed requests that must leave the session (and QMP) working.
 * Skipped, with the reason, while the daemon does not accept -qtest.
 */
#include "prelude.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>

#include "libqtest.h"

static QTestState *start_or_skip(const char *args)
{
    g_autoptr(GError) err = NULL;
    QTestState *s =
        qtest_init_full(qtest_binary(), args, QTEST_INIT_QTEST, &err);

    if (s == NULL) {
        g_autofree char *why = g_strdup_printf(
            "daemon does not answer on -qtest: %s", err->message);

        g_test_skip(why);
    }
    return s;
}

static void assert_reply(QTestState *s, const char *req, const char *expect)
{
    g_autofree char *rsp = qtest_command(s, "%s", req);

    if (!g_str_equal(rsp, expect)) {
        g_test_message("request '%s'", req);
    }
    g_assert_cmpstr(rsp, ==, expect);
}

static void test_ram(void)
{
    QTestState *s = start_or_skip("-M pc -nodefaults -m 128");
    guint8 pattern[4096], back[4096];
    g_autofree char *b64 = NULL;
    g_autofree char *req = NULL;

    if (s == NULL) {
        return;
    }
    qtest_writeq(s, 0x1000, 0x1122334455667788ULL);
    g_assert_cmphex(qtest_readq(s, 0x1000), ==, 0x1122334455667788ULL);
    g_assert_cmphex(qtest_readl(s, 0x1004), ==, 0x11223344);
    g_assert_cmphex(qtest_readw(s, 0x1002), ==, 0x5566);
    g_assert_cmphex(qtest_readb(s, 0x1007), ==, 0x11);
    /* memory order is little-endian */
    qtest_memread(s, 0x1000, back, 2);
    g_assert_cmphex(back[0], ==, 0x88);
    g_assert_cmphex(back[1], ==, 0x77);

    for (gsize i = 0; i < sizeof(pattern); i++) {
        pattern[i] = (guint8)(i * 13 + (i >> 8));
    }
    qtest_memwrite(s, 0x20000, pattern, sizeof(pattern));
    qtest_memread(s, 0x20000, back, sizeof(back));
    g_assert_cmpmem(back, sizeof(back), pattern, sizeof(pattern));

    /* base64 both ways */
    b64 = g_base64_encode(pattern, sizeof(pattern));
    req = g_strdup_printf("b64write 0x30000 0x1000 %s", b64);
    assert_reply(s, req, "OK");
    {
        g_autofree char *rsp = qtest_command(s, "b64read 0x30000 0x1000");

        g_assert_true(g_str_has_prefix(rsp, "OK "));
        g_assert_cmpstr(rsp + 3, ==, b64);
    }
    assert_reply(s, "memset 0x30000 0x10 0xa5", "OK");
    assert_reply(s, "read 0x3000e 4", "OK 0xa5a5d0dd");

    /* the last bytes of RAM, then nothing: unassigned memory reads 0 */
    qtest_writel(s, 0x7fffffc, 0xcafef00d);
    g_assert_cmphex(qtest_readl(s, 0x7fffffc), ==, 0xcafef00d);
    assert_reply(s, "read 0x7fffffe 4", "OK 0xfeca0000");
    qtest_writel(s, 0x8000000, 0x12345678);
    g_assert_cmphex(qtest_readl(s, 0x8000000), ==, 0);
    qtest_quit(s);
}

static void test_ram_above_4g(void)
{
    QTestState *s = start_or_skip("-M pc -nodefaults -m 4G");

    if (s == NULL) {
        return;
    }
    /* from 3.5 GiB on, 3 GiB stay below 4 GiB and the rest moves up */
    qtest_writel(s, 0xbffffffc, 0x11111111);
    g_assert_cmphex(qtest_readl(s, 0xbffffffc), ==, 0x11111111);
    qtest_writel(s, 0xc0000000, 0x22222222);
    g_assert_cmphex(qtest_readl(s, 0xc0000000), ==, 0);
    qtest_writel(s, 0x100000000ULL, 0x33333333);
    g_assert_cmphex(qtest_readl(s, 0x100000000ULL), ==, 0x33333333);
    qtest_writel(s, 0x13ffffffcULL, 0x44444444);
    g_assert_cmphex(qtest_readl(s, 0x13ffffffcULL), ==, 0x44444444);
    qtest_writel(s, 0x140000000ULL, 0x55555555);
    g_assert_cmphex(qtest_readl(s, 0x140000000ULL), ==, 0);
    qtest_quit(s);
}

static void test_machine_none(void)
{
    QTestState *s = start_or_skip("-M none -nodefaults -m 16");

    if (s == NULL) {
        return;
    }
    qtest_writeq(s, 0xfffff8, 0x0102030405060708ULL);
    g_assert_cmphex(qtest_readq(s, 0xfffff8), ==, 0x0102030405060708ULL);
    g_assert_cmphex(qtest_readq(s, 0x1000000), ==, 0);
    /* no I/O APIC on the none machine */
    assert_reply(s, "irq_intercept_in ioapic", "FAIL Unknown device");
    qtest_quit(s);
}

static void test_ports(void)
{
    QTestState *s = start_or_skip("-M none -nodefaults");

    if (s == NULL) {
        return;
    }
    /* nothing decodes these: the bus floats high */
    qtest_outb(s, 0x80, 0x12);
    g_assert_cmphex(qtest_inb(s, 0x80), ==, 0xff);
    g_assert_cmphex(qtest_inw(s, 0x1234), ==, 0xffff);
    g_assert_cmphex(qtest_inl(s, 0xfffc), ==, 0xffffffff);
    assert_reply(s, "inb 0x80", "OK 0x00ff");
    assert_reply(s, "inl 0x80", "OK 0xffffffff");
    assert_reply(s, "outb 0x10000 0",
                 "FAIL port address '0x10000' out of range");
    qtest_quit(s);
}

static void test_clock(void)
{
    QTestState *s = start_or_skip("-M none -nodefaults");

    if (s == NULL) {
        return;
    }
    /* under qtest the virtual clock starts at 0 and only qtest moves it */
    g_assert_cmpint(qtest_clock_step(s, 1000), ==, 1000);
    g_usleep(20 * 1000);
    g_assert_cmpint(qtest_clock_step(s, 1), ==, 1001);
    assert_reply(s, "clock_set 5000", "OK 5000");
    assert_reply(s, "clock_set 4000", "FAIL 5000");
    assert_reply(s, "clock_step 0", "FAIL could not advance time");
    assert_reply(s, "clock_step",
                 "FAIL cannot advance clock to the next deadline because "
                 "there is no pending deadline");
    qtest_quit(s);
}

static void test_ioapic_irqs(void)
{
    QTestState *s = start_or_skip("-M pc -nodefaults");
    unsigned base;

    if (s == NULL) {
        return;
    }
    assert_reply(s, "irq_intercept_in /machine/nothing", "FAIL Unknown device");
    assert_reply(s, "irq_intercept_in ioapic", "OK");
    assert_reply(s, "irq_intercept_in /machine/i440fx/ioapic", "OK");
    base = qtest_irq_lines(s);
    assert_reply(s, "set_irq_in ioapic unnamed-gpio-in 8 1", "OK");
    g_assert_cmpuint(qtest_irq_lines(s), ==, base + 1);
    /* no change, no line */
    assert_reply(s, "set_irq_in ioapic unnamed-gpio-in 8 1", "OK");
    g_assert_cmpuint(qtest_irq_lines(s), ==, base + 1);
    assert_reply(s, "set_irq_in ioapic unnamed-gpio-in 8 0", "OK");
    g_assert_cmpuint(qtest_irq_lines(s), ==, base + 2);
    assert_reply(s, "set_irq_in ioapic unnamed-gpio-in 24 1",
                 "FAIL no input GPIO 'unnamed-gpio-in' number 24");
    g_assert_cmpuint(qtest_irq_lines(s), ==, base + 2);
    qtest_quit(s);
}

static void test_log(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *log = g_build_filename(dir, "qtest.log", NULL);
    g_autofree char *args =
        g_strdup_printf("-M none -nodefaults -qtest-log %s", log);
    QTestState *s = start_or_skip(args);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (s == NULL) {
        qtest_remove_tmpdir(dir);
        return;
    }
    assert_reply(s, "outb 0x80 0x1", "OK");
    assert_reply(s, "nope", "FAIL Unknown command 'nope'");
    qtest_quit(s);
    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    /* [I t] OPENED, then [R +t] request / [S +t] reply pairs */
    g_assert_true(g_regex_match_simple("^\\[I [0-9]+\\.[0-9]{6}\\] OPENED$",
                                       lines[0], 0, 0));
    g_assert_true(strstr(text, "] outb 0x80 0x1\n[S +") != NULL);
    g_assert_true(g_regex_match_simple(
        "\\[R \\+[0-9]+\\.[0-9]{6}\\] nope\n\\[S \\+[0-9]+\\.[0-9]{6}\\] "
        "FAIL Unknown command 'nope'\n",
        text, G_REGEX_MULTILINE, 0));
    qtest_remove_tmpdir(dir);
}

static void test_bad_input_keeps_session(void)
{
    static const char *const bad[][2] = {
        {"outb", "FAIL usage: outb ADDR VALUE"},
        {"readl zz", "FAIL invalid number 'zz'"},
        {"read 0 0x4000001",
         "FAIL size '0x4000001' exceeds the limit of 0x4000000 bytes"},
        {"write 0 4 0xqq", "FAIL invalid hex data"},
        {"write 0 4 0", "ERR invalid argument size"},
        {"b64write 0 4 ****", "FAIL invalid base64 data"},
        {"read 0xffffffffffffffff 2",
         "FAIL address range '0xffffffffffffffff' + '2' wraps around"},
        {"set_irq_in nothing x 0 1", "FAIL Unknown device"},
        {"bogus", "FAIL Unknown command 'bogus'"},
    };
    QTestState *s = start_or_skip("-M pc -nodefaults -m 16");

    if (s == NULL) {
        return;
    }
    qtest_writel(s, 0, 0x600df00d);
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        assert_reply(s, bad[i][0], bad[i][1]);
    }
    /* nothing changed and both channels still answer */
    g_assert_cmphex(qtest_readl(s, 0), ==, 0x600df00d);
    qtest_qmp_assert_success(s, "{\"execute\": \"query-status\"}");
    qtest_quit(s);
}

static void test_line_limit(void)
{
    /* QTEST_MAX_LINE: a hex write of 64 MiB plus 256 bytes */
    const gsize max_line = ((gsize)64 << 20) * 2 + 256;
    QTestState *s = start_or_skip("-M none -nodefaults");
    g_autofree char *huge = NULL;

    if (s == NULL) {
        return;
    }
    huge = g_malloc(max_line + 2);
    memset(huge, 'x', max_line + 1);
    huge[max_line + 1] = '\0';
    {
        g_autofree char *rsp = qtest_command(s, "%s", huge);

        /* do not let a failure print the echo of 128 MiB */
        g_assert_cmpuint(strlen(rsp), <, 100);
        g_assert_cmpstr(rsp, ==, "FAIL request line too long");
    }
    /* the rest of the line was dropped; the next one is served */
    assert_reply(s, "endianness", "OK little");
    qtest_quit(s);
}

/* ---- the daemon started by hand: chardev:ID, reconnects, errors ---- */

static GSocketConnection *connect_retry(const char *path)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GSocketAddress) addr = g_unix_socket_address_new(path);

    for (int i = 0; i < 500; i++) {
        GSocketConnection *conn = g_socket_client_connect(
            client, G_SOCKET_CONNECTABLE(addr), NULL, NULL);

        if (conn != NULL) {
            return conn;
        }
        g_usleep(10 * 1000);
    }
    g_error("could not connect to %s", path);
}

/* Sends @req and returns the reply line, without its newline. */
static char *raw_request(GSocketConnection *conn, const char *req)
{
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
    g_autoptr(GDataInputStream) in = g_data_input_stream_new(
        g_io_stream_get_input_stream(G_IO_STREAM(conn)));
    g_autoptr(GError) err = NULL;
    g_autofree char *line = g_strconcat(req, "\n", NULL);
    char *rsp;

    g_filter_input_stream_set_close_base_stream(G_FILTER_INPUT_STREAM(in),
                                                FALSE);
    g_assert_true(
        g_output_stream_write_all(out, line, strlen(line), NULL, NULL, &err));
    g_assert_no_error(err);
    /* one byte at a time, so nothing beyond the reply is consumed */
    g_buffered_input_stream_set_buffer_size(G_BUFFERED_INPUT_STREAM(in), 1);
    rsp = g_data_input_stream_read_line(in, NULL, NULL, &err);
    g_assert_no_error(err);
    g_assert_nonnull(rsp);
    return rsp;
}

static void test_reconnect(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *sock = g_build_filename(dir, "qt.sock", NULL);
    g_autofree char *log = g_build_filename(dir, "qt.log", NULL);
    g_autofree char *chardev =
        g_strdup_printf("socket,id=qt,path=%s,server=on,wait=off", sock);
    const char *argv[] = {qtest_binary(), "-M",    "none",   "-nodefaults",
                          "-chardev",     chardev, "-qtest", "chardev:qt",
                          "-qtest-log",   log,     NULL};
    g_autoptr(GError) err = NULL;
    g_autoptr(GSubprocess) proc =
        g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDERR_SILENCE, &err);
    g_autofree char *text = NULL;

    g_assert_no_error(err);
    /* the clock carries over peers; a vanished peer is no reason to exit */
    for (int round = 0; round < 3; round++) {
        g_autoptr(GSocketConnection) conn = connect_retry(sock);
        g_autofree char *a = raw_request(conn, "clock_step 10");
        g_autofree char *b = raw_request(conn, "endianness");
        g_autofree char *want = g_strdup_printf("OK %d", 10 * (round + 1));

        g_assert_cmpstr(a, ==, want);
        g_assert_cmpstr(b, ==, "OK little");
        g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
    }
    /* SIGTERM ends it with status 0 */
    g_subprocess_send_signal(proc, SIGTERM);
    g_assert_true(g_subprocess_wait(proc, NULL, &err));
    g_assert_true(g_subprocess_get_if_exited(proc));
    g_assert_cmpint(g_subprocess_get_exit_status(proc), ==, 0);

    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    {
        guint opened = 0;

        for (const char *p = text; (p = strstr(p, "] OPENED\n")) != NULL; p++) {
            opened++;
        }
        g_assert_cmpuint(opened, ==, 3);
    }
    g_assert_nonnull(strstr(text, "] CLOSED\n"));
    qtest_remove_tmpdir(dir);
}

static void test_startup_errors(void)
{
    static const struct {
        const char *args;
        const char *error; /* the end of the first stderr line */
    } cases[] = {
        {"-qtest none", "-qtest none: No backend specified"},
        {"-qtest chardev:nope",
         "-qtest chardev:nope: Chardev 'nope' not found"},
        {"-qtest stdio -qtest-log /nonexistent/dir/log",
         "-qtest stdio: cannot open qtest log '/nonexistent/dir/log': No such "
         "file or directory"},
        {"-accel nope",
         "-accel nope: Parameter 'accel.type' does not accept value 'nope'"},
        {"-M accel=nope",
         "-M accel=nope: Parameter 'accel.type' does not accept value 'nope'"},
        {"-accel tcg -M accel=qtest",
         "The -accel and \"-machine accel=\" options are incompatible"},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *cmd = g_strdup_printf("'%s' -M none -nodefaults %s",
                                               qtest_binary(), cases[i].args);
        g_autofree char *out = NULL, *errtext = NULL;
        g_autoptr(GError) err = NULL;
        int status = 0;

        g_assert_true(
            g_spawn_command_line_sync(cmd, &out, &errtext, &status, &err));
        g_assert_no_error(err);
        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), ==, 1);
        g_strchomp(errtext);
        if (!g_str_has_suffix(errtext, cases[i].error)) {
            g_test_message("stderr: %s", errtext);
        }
        g_assert_true(g_str_has_suffix(errtext, cases[i].error));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qtest/protocol/ram", test_ram);
    g_test_add_func("/qtest/protocol/ram-above-4g", test_ram_above_4g);
    g_test_add_func("/qtest/protocol/machine-none", test_machine_none);
    g_test_add_func("/qtest/protocol/ports", test_ports);
    g_test_add_func("/qtest/protocol/clock", test_clock);
    g_test_add_func("/qtest/protocol/ioapic-irqs", test_ioapic_irqs);
    g_test_add_func("/qtest/protocol/log", test_log);
    g_test_add_func("/qtest/protocol/bad-input", test_bad_input_keeps_session);
    g_test_add_func("/qtest/protocol/line-limit", test_line_limit);
    g_test_add_func("/qtest/protocol/reconnect", test_reconnect);
    g_test_add_func("/qtest/protocol/startup-errors", test_startup_errors);
    return g_test_run();
}
