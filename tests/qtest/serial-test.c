/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 16550A through the real binary: bytes written to COM1 reach the
 * chardev byte for byte, loopback returns them, and the THRE interrupt
 * shows on ISA IRQ 4.
 */
#include "prelude.h"

#include "libqtest.h"

#define COM1 0x3f8

static QTestState *start_or_skip(const char *out_path)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *args = g_strdup_printf(
        "-M pc -nodefaults -chardev file,id=ser0,path=%s -serial chardev:ser0",
        out_path);
    QTestState *s =
        qtest_init_full(qtest_binary(), args, QTEST_INIT_QTEST, &err);

    if (s == NULL) {
        g_autofree char *why = g_strdup_printf(
            "daemon does not run -serial under qtest: %s", err->message);

        g_test_skip(why);
        return NULL;
    }
    if (qtest_inb(s, COM1 + 5) != 0x60) {
        g_test_skip("no UART at 0x3f8 (pc board not wired yet)");
        qtest_quit(s);
        return NULL;
    }
    return s;
}

static void test_output_bytes(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *path = g_build_filename(dir, "out", NULL);
    static const uint8_t bytes[] = {'h', 'i', '\n', 0x00, 0xff, 0x1b, 0x80};
    g_autofree char *data = NULL;
    gsize len = 0;
    QTestState *s = start_or_skip(path);

    if (s == NULL) {
        qtest_remove_tmpdir(dir);
        return;
    }
    for (gsize i = 0; i < sizeof(bytes); i++) {
        qtest_outb(s, COM1, bytes[i]);
        g_assert_cmphex(qtest_inb(s, COM1 + 5), ==, 0x60);
    }
    qtest_quit(s);
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpmem(data, len, bytes, sizeof(bytes));
    qtest_remove_tmpdir(dir);
}

static void test_loopback_and_irq(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *path = g_build_filename(dir, "out", NULL);
    g_autofree char *rsp = NULL;
    g_autofree char *data = NULL;
    gsize len = 0;
    unsigned lines;
    QTestState *s = start_or_skip(path);

    if (s == NULL) {
        qtest_remove_tmpdir(dir);
        return;
    }
    rsp = qtest_command(s, "irq_intercept_in ioapic");
    g_assert_cmpstr(rsp, ==, "OK");
    qtest_outb(s, COM1 + 2, 0x07);
    qtest_outb(s, COM1 + 4, 0x10);
    for (const char *p = "loop"; *p != '\0'; p++) {
        qtest_outb(s, COM1, (uint8_t)*p);
    }
    g_assert_cmphex(qtest_inb(s, COM1 + 5), ==, 0x61);
    for (const char *p = "loop"; *p != '\0'; p++) {
        g_assert_cmphex(qtest_inb(s, COM1), ==, (uint8_t)*p);
    }
    g_assert_cmphex(qtest_inb(s, COM1 + 5), ==, 0x60);
    /* Enabling THRE interrupts with THR empty raises IRQ 4 ... */
    lines = qtest_irq_lines(s);
    qtest_outb(s, COM1 + 1, 0x02);
    g_assert_cmpuint(qtest_irq_lines(s), ==, lines + 1);
    /* ... and identifying it acknowledges it. */
    g_assert_cmphex(qtest_inb(s, COM1 + 2), ==, 0xc2);
    g_assert_cmpuint(qtest_irq_lines(s), ==, lines + 2);
    qtest_quit(s);
    /* Nothing reached the chardev while in loopback. */
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 0);
    qtest_remove_tmpdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/serial/output-bytes", test_output_bytes);
    g_test_add_func("/serial/loopback-and-irq", test_loopback_and_irq);
    return g_test_run();
}
