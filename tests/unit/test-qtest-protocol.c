/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the qtest request interpreter: every request against RAM,
 * a port device, the manual virtual clock and GPIO devices, with the
 * exact reply for valid and malformed input (a table per area).  The same
 * interpreter runs behind -qtest in the daemon.
 */

#include "prelude.h"

#include <string.h>

#include "hw/core/qdev.h"
#include "qom/object-tree.h"
#include "system/clock.h"
#include "system/memory.h"
#include "system/qtest-internal.h"
#include "util/error.h"

/* ---- fixtures: a register device on ports 0x510-0x513, GPIO devices ---- */

static guint8 port_regs[4];

static uint64_t regs_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)port_regs[addr + i] << (8 * i);
    }
    return v;
}

static void regs_write(void *opaque, uint64_t addr, uint64_t value,
                       unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        port_regs[addr + i] = (guint8)(value >> (8 * i));
    }
}

static const MemoryRegionOps regs_ops = {
    .read = regs_read,
    .write = regs_write,
};

#define TYPE_GPIO_A "test-gpio-a"
#define TYPE_GPIO_B "test-gpio-b"

/* A: 4 unnamed inputs; input n drives output n & 1 (2 outputs). */
typedef struct GpioA {
    DeviceState parent_obj;
    IRQState *out[2];
} GpioA;

/* B: a named input list "named" of 2 lines that remembers levels. */
typedef struct GpioB {
    DeviceState parent_obj;
    int levels[2];
} GpioB;

static void gpio_a_in(void *opaque, int n, int level)
{
    GpioA *a = opaque;

    irq_set_level(a->out[n & 1], level);
}

static void gpio_a_init(Object *obj)
{
    GpioA *a = (GpioA *)obj;

    qdev_init_gpio_in(DEVICE(obj), gpio_a_in, 4);
    qdev_init_gpio_out(DEVICE(obj), a->out, 2);
}

static void gpio_b_in(void *opaque, int n, int level)
{
    ((GpioB *)opaque)->levels[n] = level;
}

static void gpio_b_init(Object *obj)
{
    qdev_init_gpio_in_named(DEVICE(obj), gpio_b_in, "named", 2);
}

static const TypeInfo gpio_a_info = {
    .name = TYPE_GPIO_A,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(GpioA),
    .instance_init = gpio_a_init,
};

static const TypeInfo gpio_b_info = {
    .name = TYPE_GPIO_B,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(GpioB),
    .instance_init = gpio_b_init,
};

typedef struct Fixture {
    QTestSession s;
    GString *out;
    GString *log;
    MemoryRegion *ram;
    GpioA *a;
    GpioB *b;
} Fixture;

static void fx_send(void *opaque, const char *line, gsize len)
{
    g_string_append_len(((Fixture *)opaque)->out, line, (gssize)len);
}

static void fx_log(void *opaque, char kind, const char *text, gsize len)
{
    Fixture *f = opaque;

    g_string_append_printf(f->log, "%c ", kind);
    g_string_append_len(f->log, text, (gssize)len);
    g_string_append_c(f->log, '\n');
}

static const QTestSessionOps fx_ops = {
    .send = fx_send,
    .log = fx_log,
};

static void fixture_setup(Fixture *f, gconstpointer data)
{
    static bool registered;
    g_autoptr(GError) err = NULL;
    g_autoptr(MemoryRegion) regs = NULL;
    Object *machine;

    if (!registered) {
        registered = true;
        qdev_register_types();
        type_register_static(&gpio_a_info);
        type_register_static(&gpio_b_info);
    }
    qemu_clock_reset();
    qemu_clock_set_virtual_manual(true);
    memset(port_regs, 0, sizeof(port_regs));

    f->out = g_string_new(NULL);
    f->log = g_string_new(NULL);
    f->ram = memory_region_new_ram("ram", 0x100000, false, &err);
    g_assert_no_error(err);
    memory_region_add_subregion(memory_system_get(), 0, f->ram);
    regs = memory_region_new_io("regs", 4, &regs_ops, NULL);
    memory_region_add_subregion(memory_io_get(), 0x510, regs);

    machine = container_get(object_get_root(), "/machine");
    f->a = (GpioA *)object_new(TYPE_GPIO_A);
    f->b = (GpioB *)object_new(TYPE_GPIO_B);
    g_assert_nonnull(
        object_property_add_child(machine, "gpio-a", OBJECT(f->a), NULL));
    g_assert_nonnull(
        object_property_add_child(machine, "gpio-b", OBJECT(f->b), NULL));
    /* A's output 1 feeds B's named input 0 */
    qdev_connect_gpio_out(DEVICE(f->a), 1,
                          qdev_get_gpio_in_named(DEVICE(f->b), "named", 0));
    qtest_session_init(&f->s, &fx_ops, f, address_space_memory_get(),
                       address_space_io_get());
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    qtest_session_finalize(&f->s);
    object_unref(OBJECT(f->a));
    object_unref(OBJECT(f->b));
    object_root_reset();
    memory_region_unref(f->ram);
    memory_system_reset();
    qemu_clock_reset();
    g_string_free(f->out, TRUE);
    g_string_free(f->log, TRUE);
}

typedef struct Exchange {
    const char *request;
    const char *reply; /* everything sent, '\n'-separated, no final '\n' */
} Exchange;

static void run(Fixture *f, const Exchange *ex, gsize n)
{
    for (gsize i = 0; i < n; i++) {
        g_autofree char *line = g_strdup(ex[i].request);
        g_autofree char *expect = NULL;

        g_string_truncate(f->out, 0);
        qtest_session_process(&f->s, line, strlen(line));
        expect =
            *ex[i].reply ? g_strconcat(ex[i].reply, "\n", NULL) : g_strdup("");
        if (!g_str_equal(f->out->str, expect)) {
            g_test_message("request '%s'", ex[i].request);
        }
        g_assert_cmpstr(f->out->str, ==, expect);
    }
}

/* ---- cases ---- */

static void test_ports(Fixture *f, gconstpointer data)
{
    static const Exchange ex[] = {
        {"endianness", "OK little"},
        {"outb 0x80 0x12", "OK"},
        {"inb 0x80", "OK 0x00ff"},
        {"inl 0x80", "OK 0xffffffff"},
        {"outw 0x510 0x1234", "OK"},
        {"inw 0x510", "OK 0x1234"},
        {"inb 0x511", "OK 0x0012"},
        {"outl 0x510 0xdeadbeef", "OK"},
        {"inl 0x510", "OK 0xdeadbeef"},
        /* values are truncated to the access size, as in QEMU */
        {"outb 0x510 0x1ff", "OK"},
        {"inb 0x510", "OK 0x00ff"},
        {"inb 65535", "OK 0x00ff"},
        {"inb 0177", "OK 0x00ff"},
        {"outb 0x10000 1", "FAIL port address '0x10000' out of range"},
        {"inw 0x10000", "FAIL port address '0x10000' out of range"},
        {"outb", "FAIL usage: outb ADDR VALUE"},
        {"outb 0x80", "FAIL usage: outb ADDR VALUE"},
        {"inl", "FAIL usage: inl ADDR"},
        {"outb x 1", "FAIL invalid number 'x'"},
        {"outb 0x80 -1", "FAIL invalid number '-1'"},
        {"outb 0x80 0x1g", "FAIL invalid number '0x1g'"},
        {"outb 0x80 ", "FAIL invalid number ''"},
        {"inb 99999999999999999999999",
         "FAIL invalid number '99999999999999999999999'"},
    };

    run(f, ex, G_N_ELEMENTS(ex));
    /* the failures changed nothing */
    g_assert_cmphex(port_regs[0], ==, 0xff);
    g_assert_cmphex(port_regs[1], ==, 0xbe);
}

static void test_memory(Fixture *f, gconstpointer data)
{
    static const Exchange ex[] = {
        {"writeq 0x1000 0x1122334455667788", "OK"},
        {"read 0x1000 8", "OK 0x8877665544332211"},
        {"b64read 0x1000 8", "OK iHdmVUQzIhE="},
        {"readl 0x1000", "OK 0x0000000055667788"},
        {"readw 0x1001", "OK 0x0000000000006677"},
        {"readb 0x1007", "OK 0x0000000000000011"},
        {"readq 0x1000", "OK 0x1122334455667788"},
        {"writeb 0x1000 0x1ff", "OK"},
        {"readb 0x1000", "OK 0x00000000000000ff"},
        {"writew 0x1000 0x3344", "OK"},
        {"writel 0x1004 0x5566", "OK"},
        {"read 0x1000 0x8", "OK 0x4433665566550000"},
        /* odd digits: the incomplete pair is zero, as in QEMU */
        {"write 0x1000 2 0x123", "OK"},
        {"read 0x1000 4", "OK 0x12006655"},
        {"write 0x1000 4 0xAbCd", "OK"},
        {"read 0x1000 4", "OK 0xabcd0000"},
        {"write 0x1000 4 0xzz", "FAIL invalid hex data"},
        {"write 0x1000 4 1234", "FAIL invalid hex data"},
        {"write 0x1000 4 0x", "ERR invalid argument size"},
        {"write 0x1000 4", "FAIL usage: write ADDR SIZE 0xDATA"},
        {"read 0x1000 4", "OK 0xabcd0000"},
        {"b64write 0x1000 3 AQID", "OK"},
        {"read 0x1000 4", "OK 0x01020300"},
        {"b64write 0x1000 2 AQID", "OK"},
        {"b64write 0x1001 4 qw", "ERR invalid argument size"},
        {"b64write 0x1001 4 qw=", "FAIL invalid base64 data"},
        {"b64write 0x1001 4 !!!!", "FAIL invalid base64 data"},
        {"b64write 0x1001 4 A===", "FAIL invalid base64 data"},
        {"b64write 0x1001 4 AQIDB", "FAIL invalid base64 data"},
        {"read 0x1000 4", "OK 0x01020300"},
        /* fewer bytes than SIZE: the rest is zero */
        {"b64write 0x1000 4 qw", "ERR invalid argument size"},
        {"b64write 0x1000 4 q80", "OK"},
        {"read 0x1000 4", "OK 0xabcd0000"},
        {"memset 0x1000 3 0x5a", "OK"},
        {"read 0x1000 5", "OK 0x5a5a5a0066"},
        {"memset 0x1000 0 0x11", "OK"},
        {"read 0x1000 1", "OK 0x5a"},
        {"read 0x1000 0", "FAIL size must not be zero"},
        {"b64read 0x1000 0", "OK "},
        {"read 0x1000 0x4000001",
         "FAIL size '0x4000001' exceeds the limit of 0x4000000 bytes"},
        {"b64read 0 0xffffffffffffffff",
         "FAIL size '0xffffffffffffffff' exceeds the limit of 0x4000000 "
         "bytes"},
        {"memset 0 0x10000000001 0",
         "FAIL size '0x10000000001' exceeds the limit of 0x10000000000 "
         "bytes"},
        {"read 0xffffffffffffffff 2",
         "FAIL address range '0xffffffffffffffff' + '2' wraps around"},
        {"readq 0xfffffffffffffffc",
         "FAIL address '0xfffffffffffffffc' wraps around"},
        {"writew 0xffffffffffffffff 1",
         "FAIL address '0xffffffffffffffff' wraps around"},
        {"readb 0xffffffffffffffff", "OK 0x0000000000000000"},
        /* beyond RAM reads zeroes, as QEMU's unassigned memory */
        {"readl 0x100000", "OK 0x0000000000000000"},
        {"read 0xffffe 4", "OK 0x00000000"},
        {"writel 0xffffe 0xffffffff", "OK"},
        {"read 0xffffc 4", "OK 0x0000ffff"},
    };

    run(f, ex, G_N_ELEMENTS(ex));
    g_assert_true(strstr(f->log->str,
                         "I b64write: size 0x4 but 2 bytes decoded") != NULL);
    g_assert_true(strstr(f->log->str, "R writeq 0x1000 0x1122334455667788\n") !=
                  NULL);
    /* writes dirtied page 1 (0x1000) and the last page only */
    g_assert_true(ram_block_is_dirty(memory_region_get_ram_block(f->ram), 0x1));
    g_assert_true(
        ram_block_is_dirty(memory_region_get_ram_block(f->ram), 0xff));
    g_assert_cmpuint(ram_block_dirty_count(memory_region_get_ram_block(f->ram)),
                     ==, 2);
}

static void test_large_transfer(Fixture *f, gconstpointer data)
{
    g_autoptr(GString) req = g_string_new("b64write 0x10 0x40000 ");
    g_autofree guint8 *bytes = g_malloc(0x40000);
    g_autofree char *hexreq = NULL;
    guint8 *host = ram_block_get_host(memory_region_get_ram_block(f->ram));

    for (gsize i = 0; i < 0x40000; i++) {
        bytes[i] = (guint8)(i * 7 + (i >> 8));
    }
    qtest_base64_append(req, bytes, 0x40000);
    qtest_session_process(&f->s, req->str, req->len);
    g_assert_cmpstr(f->out->str, ==, "OK\n");
    g_assert_cmpmem(host + 0x10, 0x40000, bytes, 0x40000);

    /* b64read gives the same text back */
    g_string_truncate(f->out, 0);
    hexreq = g_strdup("b64read 0x10 0x40000");
    qtest_session_process(&f->s, hexreq, strlen(hexreq));
    g_assert_true(g_str_has_prefix(f->out->str, "OK "));
    g_string_truncate(f->out, f->out->len - 1);
    g_assert_cmpstr(f->out->str + 3, ==,
                    req->str + strlen("b64write 0x10 0x40000 "));
}

static void count_cb(void *opaque)
{
    (*(int *)opaque)++;
}

static void test_clock(Fixture *f, gconstpointer data)
{
    static const Exchange before_timer[] = {
        {"clock_step",
         "FAIL cannot advance clock to the next deadline because there is no "
         "pending deadline"},
        {"clock_step 100", "OK 100"},
        {"clock_step 0", "FAIL could not advance time"},
        {"clock_step -5", "FAIL could not advance time"},
        {"clock_step x", "FAIL invalid number 'x'"},
        {"clock_step 9223372036854775807", "OK 9223372036854775807"},
    };
    static const Exchange with_timer[] = {
        {"clock_set 50", "FAIL 100"},
        {"clock_set 100", "OK 100"},
        {"clock_step", "OK 1500"},
        {"clock_set 2000", "OK 2000"},
        {"clock_set", "FAIL usage: clock_set NS"},
        {"clock_set -1", "FAIL 2000"},
    };
    QEMUTimer *t;
    int fired = 0;

    run(f, before_timer, 5);
    t = timer_new_ns(QEMU_CLOCK_VIRTUAL, count_cb, &fired);
    timer_mod(t, 1500);
    run(f, with_timer, G_N_ELEMENTS(with_timer));
    g_assert_false(timer_pending(t));
    g_assert_cmpint(fired, ==, 1);
    timer_free(t);
    run(f, &before_timer[5], 1);

    /* without the qtest accelerator the clock requests do not exist */
    qemu_clock_set_virtual_manual(false);
    {
        static const Exchange no_accel[] = {
            {"clock_step 1", "FAIL Unknown command 'clock_step'"},
            {"clock_set 1", "FAIL Unknown command 'clock_set'"},
        };

        run(f, no_accel, G_N_ELEMENTS(no_accel));
    }
}

static void test_irq_in(Fixture *f, gconstpointer data)
{
    static const Exchange ex[] = {
        {"set_irq_in test-gpio-b named 0 1", "FAIL Unknown device"},
        {"irq_intercept_in nothing", "FAIL Unknown device"},
        {"irq_intercept_in /machine", "FAIL Unknown device"},
        {"irq_intercept_in gpio-b",
         "FAIL Interception of named in-GPIOs not yet supported"},
        {"irq_intercept_out gpio-b", "FAIL No intercepts installed"},
        {"irq_intercept_in gpio-a", "OK"},
        {"irq_intercept_in /machine/gpio-a", "OK"},
        {"irq_intercept_out gpio-a", "OK"},
        {"irq_intercept_in gpio-b", "FAIL IRQ intercept already enabled"},
        {"set_irq_in gpio-a unnamed-gpio-in 1 1", "IRQ raise 1\nOK"},
        {"set_irq_in gpio-a unnamed-gpio-in 1 5", "OK"},
        {"set_irq_in gpio-a unnamed-gpio-in 3 1", "IRQ raise 3\nOK"},
        {"set_irq_in gpio-a unnamed-gpio-in 1 0", "IRQ lower 1\nOK"},
        {"set_irq_in gpio-a unnamed-gpio-in 4 1",
         "FAIL no input GPIO 'unnamed-gpio-in' number 4"},
        {"set_irq_in gpio-a foo 0 1", "FAIL no input GPIO 'foo' number 0"},
        {"set_irq_in gpio-a unnamed-gpio-in x 1", "FAIL invalid number 'x'"},
        {"set_irq_in gpio-a unnamed-gpio-in 0",
         "FAIL usage: set_irq_in QOM-PATH NAME NUM LEVEL"},
        /* B is not intercepted: no IRQ line */
        {"set_irq_in gpio-b named 1 1", "OK"},
    };

    run(f, ex, G_N_ELEMENTS(ex));
    /* interception observes; A still forwarded every level to B */
    g_assert_cmpint(f->b->levels[0], ==, 0);
    g_assert_cmpint(f->b->levels[1], ==, 1);
    /* a new peer starts from low levels */
    qtest_session_reset_irq_levels(&f->s);
    {
        static const Exchange again[] = {
            {"set_irq_in gpio-a unnamed-gpio-in 3 1", "IRQ raise 3\nOK"},
        };

        run(f, again, 1);
    }
}

static void test_irq_out(Fixture *f, gconstpointer data)
{
    static const Exchange ex[] = {
        {"irq_intercept_out gpio-a nosuch", "FAIL No intercepts installed"},
        {"irq_intercept_out gpio-a", "OK"},
        {"set_irq_in gpio-a unnamed-gpio-in 1 1", "IRQ raise 1\nOK"},
        {"set_irq_in gpio-a unnamed-gpio-in 2 1", "IRQ raise 0\nOK"},
        {"set_irq_in gpio-a unnamed-gpio-in 3 0", "IRQ lower 1\nOK"},
    };

    run(f, ex, G_N_ELEMENTS(ex));
    /* the intercepted output still drives B */
    g_assert_cmpint(f->b->levels[0], ==, 0);
    qtest_session_finalize(&f->s);
    /* finalizing reconnects the original target */
    irq_set_level(f->a->out[1], 1);
    g_assert_cmpint(f->b->levels[0], ==, 1);
    qtest_session_init(&f->s, &fx_ops, f, address_space_memory_get(),
                       address_space_io_get());
}

static void test_lines(Fixture *f, gconstpointer data)
{
    static const Exchange ex[] = {
        {"", ""},
        {"# a comment", ""},
        {"\r", ""},
        {"endianness\r", "OK little"},
        {"bogus 1 2", "FAIL Unknown command 'bogus'"},
        {" endianness", "FAIL Unknown command ''"},
        {"endianness extra words", "OK little"},
        {"module_load block foo", "FAIL"},
        {"module_load", "FAIL usage: module_load TYPE NAME"},
    };
    char nul_line[] = "inb\0 0x80";

    run(f, ex, G_N_ELEMENTS(ex));
    g_string_truncate(f->out, 0);
    qtest_session_process(&f->s, nul_line, sizeof(nul_line) - 1);
    g_assert_cmpstr(f->out->str, ==, "FAIL request contains a NUL byte\n");
}

static void test_codecs(void)
{
    static const struct {
        const char *text;
        const char *bytes; /* hex, or NULL when invalid */
    } b64[] = {
        {"", ""},           {"AQ==", "01"},     {"AQ", "01"},
        {"AQI=", "0102"},   {"AQID", "010203"}, {"/+/+", "ffeffe"},
        {"A", NULL},        {"AQ=A", NULL},     {"A=Q=", NULL},
        {"AQID====", NULL}, {"AQ\nID", NULL},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(b64); i++) {
        guint8 out[16];
        gsize len = 0;
        bool ok =
            qtest_base64_decode(b64[i].text, strlen(b64[i].text), out, &len);
        g_autoptr(GString) hex = g_string_new(NULL);

        g_assert_cmpint(ok, ==, b64[i].bytes != NULL);
        if (ok) {
            g_autoptr(GString) back = g_string_new(NULL);

            qtest_hex_append(hex, out, len);
            g_assert_cmpstr(hex->str, ==, b64[i].bytes);
            qtest_base64_append(back, out, len);
            /* re-encoding pads */
            g_assert_true(g_str_has_prefix(back->str, b64[i].text));
        }
    }
    for (gsize n = 0; n < 40; n++) {
        guint8 data[40], round[48];
        g_autoptr(GString) enc = g_string_new(NULL);
        g_autofree char *ref = NULL;
        gsize len = 0;

        for (gsize i = 0; i < n; i++) {
            data[i] = (guint8)(i * 37 + n);
        }
        qtest_base64_append(enc, data, n);
        ref = g_base64_encode(data, n);
        g_assert_cmpstr(enc->str, ==, ref);
        g_assert_true(qtest_base64_decode(enc->str, enc->len, round, &len));
        g_assert_cmpmem(round, len, data, n);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) \
    g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/system/qtest/ports", test_ports);
    ADD("/system/qtest/memory", test_memory);
    ADD("/system/qtest/large-transfer", test_large_transfer);
    ADD("/system/qtest/clock", test_clock);
    ADD("/system/qtest/irq-in", test_irq_in);
    ADD("/system/qtest/irq-out", test_irq_out);
    ADD("/system/qtest/lines", test_lines);
#undef ADD
    g_test_add_func("/system/qtest/codecs", test_codecs);
    return g_test_run();
}
