/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the 16550A register logic through fake clock, timer, IRQ
 * line and backend.
 */

#include "prelude.h"

#include "hw/char/serial.h"

typedef struct Fake {
    SerialState uart;
    int64_t clock;
    int64_t deadline;
    bool irq;
    unsigned accept_calls;
    GByteArray *out;
} Fake;

static int64_t fake_clock(void *opaque)
{
    return ((Fake *)opaque)->clock;
}

static void fake_irq(void *opaque, bool level)
{
    Fake *f = opaque;

    g_assert_true(f->irq != level);
    f->irq = level;
}

static void fake_timer(void *opaque, int64_t deadline)
{
    ((Fake *)opaque)->deadline = deadline;
}

static void fake_transmit(void *opaque, uint8_t byte)
{
    g_byte_array_append(((Fake *)opaque)->out, &byte, 1);
}

static void fake_accept(void *opaque)
{
    ((Fake *)opaque)->accept_calls++;
}

static const SerialOps fake_ops = {
    .clock_ns = fake_clock,
    .set_irq = fake_irq,
    .timer_mod = fake_timer,
    .transmit = fake_transmit,
    .accept_input = fake_accept,
};

static Fake *fake_new(void)
{
    Fake *f = g_new0(Fake, 1);

    f->deadline = INT64_MAX;
    f->out = g_byte_array_new();
    serial_init(&f->uart, &fake_ops, f);
    return f;
}

static void fake_free(Fake *f)
{
    g_byte_array_unref(f->out);
    g_free(f);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Fake, fake_free)

static uint8_t rd(Fake *f, unsigned reg)
{
    uint8_t v = serial_ioport_read(&f->uart, reg);

    g_assert_true(serial_check_invariants(&f->uart));
    return v;
}

static void wr(Fake *f, unsigned reg, uint8_t value)
{
    serial_ioport_write(&f->uart, reg, value);
    g_assert_true(serial_check_invariants(&f->uart));
}

static void rx(Fake *f, const char *bytes, gsize len)
{
    g_assert_cmpuint(len, <=, serial_can_receive(&f->uart));
    serial_receive(&f->uart, (const uint8_t *)bytes, len);
    g_assert_true(serial_check_invariants(&f->uart));
}

static void test_reset_values(void)
{
    g_autoptr(Fake) f = fake_new();
    static const uint8_t want[8] = {0x00, 0x00, 0x01, 0x00,
                                    0x00, 0x60, 0xb0, 0x00};

    for (unsigned i = 1; i < 8; i++) {
        g_assert_cmphex(rd(f, i), ==, want[i]);
    }
    wr(f, UART_LCR, UART_LCR_DLAB);
    g_assert_cmphex(rd(f, UART_DLL), ==, 12);
    g_assert_cmphex(rd(f, UART_DLM), ==, 0);
    wr(f, UART_DLL, 0x01);
    wr(f, UART_DLM, 0x02);
    g_assert_cmphex(f->uart.divider, ==, 0x0201);
    /* With DLAB set, offsets 0 and 1 never reach THR and IER. */
    g_assert_cmpuint(f->out->len, ==, 0);
    g_assert_cmphex(f->uart.ier, ==, 0);
    wr(f, UART_LCR, 0x03);
    g_assert_cmphex(rd(f, UART_LCR), ==, 0x03);
    wr(f, UART_SCR, 0xa5);
    g_assert_cmphex(rd(f, UART_SCR), ==, 0xa5);
    g_assert_false(f->irq);
}

static void test_transmit(void)
{
    g_autoptr(Fake) f = fake_new();
    static const uint8_t bytes[] = {'h', 'i', 0x00, 0xff, '\n', 0x1b};

    for (gsize i = 0; i < sizeof(bytes); i++) {
        wr(f, UART_THR, bytes[i]);
        g_assert_cmphex(rd(f, UART_LSR), ==, 0x60);
    }
    g_assert_cmpmem(f->out->data, f->out->len, bytes, sizeof(bytes));
    /* No interrupt without IER. */
    g_assert_false(f->irq);
}

static void test_thre_interrupt(void)
{
    g_autoptr(Fake) f = fake_new();

    /* Enabling THRE interrupts with THR empty raises one at once. */
    wr(f, UART_IER, UART_IER_THRI);
    g_assert_true(f->irq);
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x02);
    g_assert_false(f->irq);
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x01);
    wr(f, UART_THR, 'x');
    g_assert_true(f->irq);
    /* Disabling the source lowers the line; enabling again re-arms it. */
    wr(f, UART_IER, 0);
    g_assert_false(f->irq);
    wr(f, UART_IER, UART_IER_THRI);
    g_assert_true(f->irq);
}

static void test_receive_no_fifo(void)
{
    g_autoptr(Fake) f = fake_new();

    g_assert_cmpuint(serial_can_receive(&f->uart), ==, 1);
    wr(f, UART_IER, UART_IER_RDI);
    rx(f, "a", 1);
    g_assert_cmpuint(serial_can_receive(&f->uart), ==, 0);
    g_assert_true(f->irq);
    g_assert_cmphex(rd(f, UART_LSR), ==, 0x61);
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x04);
    g_assert_cmphex(rd(f, UART_RBR), ==, 'a');
    g_assert_cmpuint(f->accept_calls, ==, 1);
    g_assert_false(f->irq);
    g_assert_cmphex(rd(f, UART_LSR), ==, 0x60);
    /* No FIFO, no character timeout timer. */
    g_assert_cmpint(f->deadline, ==, INT64_MAX);
}

static void test_fifo_trigger(void)
{
    static const struct {
        uint8_t fcr;
        unsigned trigger;
    } cases[] = {
        {0x01, 1},
        {0x41, 4},
        {0x81, 8},
        {0xc1, 14},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(Fake) f = fake_new();
        g_autofree char *data = g_strnfill(SERIAL_FIFO_SIZE, 'q');

        wr(f, UART_FCR, cases[i].fcr);
        wr(f, UART_IER, UART_IER_RDI);
        g_assert_cmpuint(serial_can_receive(&f->uart), ==, SERIAL_FIFO_SIZE);
        rx(f, data, cases[i].trigger - 1);
        g_assert_cmphex(rd(f, UART_IIR), ==, 0xc1);
        g_assert_false(f->irq);
        rx(f, data, 1);
        g_assert_cmphex(rd(f, UART_IIR), ==, 0xc4);
        g_assert_true(f->irq);
        g_assert_cmpuint(serial_can_receive(&f->uart), ==,
                         SERIAL_FIFO_SIZE - cases[i].trigger);
    }
}

static void test_fifo_order_and_flow(void)
{
    g_autoptr(Fake) f = fake_new();
    const char *data = "0123456789abcdef";

    wr(f, UART_FCR, 0x01);
    f->accept_calls = 0;
    rx(f, data, 10);
    rx(f, data + 10, 6);
    g_assert_cmpuint(serial_can_receive(&f->uart), ==, 0);
    g_assert_cmpuint(f->accept_calls, ==, 0);
    for (int i = 0; i < 16; i++) {
        g_assert_cmphex(rd(f, UART_RBR), ==, data[i]);
    }
    /* Room appeared once, when the full FIFO gave up its first byte. */
    g_assert_cmpuint(f->accept_calls, ==, 1);
    g_assert_cmphex(rd(f, UART_LSR), ==, 0x60);
    /* FCR bit 1 empties the receive FIFO. */
    rx(f, data, 5);
    wr(f, UART_FCR, 0x03);
    g_assert_cmphex(rd(f, UART_LSR), ==, 0x60);
    g_assert_cmpuint(serial_can_receive(&f->uart), ==, 16);
    /* Turning the FIFO off also empties it. */
    rx(f, data, 3);
    wr(f, UART_FCR, 0x00);
    g_assert_cmphex(rd(f, UART_LSR), ==, 0x60);
    g_assert_cmpuint(serial_can_receive(&f->uart), ==, 1);
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x01);
}

static void test_char_timeout(void)
{
    static const struct {
        uint16_t divider;
        uint8_t lcr;
        int64_t timeout_ns;
    } cases[] = {
        /* 4 chars of 10 bits at 9600 baud */
        {12, 0x03, 4166666},
        /* 4 chars of 12 bits (8 data, parity, 2 stop) at 115200 baud */
        {1, 0x0f, 416666},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(Fake) f = fake_new();

        wr(f, UART_LCR, UART_LCR_DLAB);
        wr(f, UART_DLL, (uint8_t)cases[i].divider);
        wr(f, UART_LCR, cases[i].lcr);
        wr(f, UART_FCR, 0xc1);
        wr(f, UART_IER, UART_IER_RDI);
        f->clock = 1000;
        rx(f, "abc", 3);
        g_assert_cmpint(f->deadline, ==, 1000 + cases[i].timeout_ns);
        g_assert_false(f->irq);
        f->clock = f->deadline;
        serial_timer_cb(&f->uart);
        g_assert_true(f->irq);
        g_assert_cmphex(rd(f, UART_IIR), ==, 0xcc);
        /* Reading data clears the timeout and restarts the wait. */
        g_assert_cmphex(rd(f, UART_RBR), ==, 'a');
        g_assert_false(f->irq);
        g_assert_cmpint(f->deadline, ==, f->clock + cases[i].timeout_ns);
        g_assert_cmphex(rd(f, UART_RBR), ==, 'b');
        g_assert_cmphex(rd(f, UART_RBR), ==, 'c');
        g_assert_cmpint(f->deadline, ==, INT64_MAX);
        /* A late expiry with an empty FIFO raises nothing. */
        serial_timer_cb(&f->uart);
        g_assert_false(f->irq);
    }
}

static void test_loopback(void)
{
    g_autoptr(Fake) f = fake_new();

    wr(f, UART_MCR, UART_MCR_LOOP);
    g_assert_cmpuint(serial_can_receive(&f->uart), ==, 0);
    /* All modem inputs drop: every delta bit but TERI is set. */
    g_assert_cmphex(rd(f, UART_MSR), ==, 0x0b);
    g_assert_cmphex(rd(f, UART_MSR), ==, 0x00);
    wr(f, UART_MCR, UART_MCR_LOOP | 0x0f);
    g_assert_cmphex(rd(f, UART_MSR), ==, 0xfb);
    wr(f, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
    g_assert_cmphex(rd(f, UART_MSR), ==, 0x2d);
    wr(f, UART_FCR, 0x01);
    for (const char *p = "loop"; *p != '\0'; p++) {
        wr(f, UART_THR, (uint8_t)*p);
    }
    g_assert_cmpuint(f->out->len, ==, 0);
    for (const char *p = "loop"; *p != '\0'; p++) {
        g_assert_cmphex(rd(f, UART_RBR), ==, (uint8_t)*p);
    }
    /* Leaving loopback polls the backend again and restores the line. */
    f->accept_calls = 0;
    wr(f, UART_MCR, 0);
    g_assert_cmpuint(f->accept_calls, ==, 1);
    g_assert_cmphex(rd(f, UART_MSR) & 0xf0, ==, 0xb0);
    wr(f, UART_THR, 'z');
    g_assert_cmpmem(f->out->data, f->out->len, "z", 1);
}

static void test_overrun(void)
{
    g_autoptr(Fake) f = fake_new();

    wr(f, UART_MCR, UART_MCR_LOOP);
    wr(f, UART_IER, UART_IER_RLSI | UART_IER_RDI);
    wr(f, UART_THR, '1');
    wr(f, UART_THR, '2');
    g_assert_true(f->irq);
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x06);
    g_assert_cmphex(rd(f, UART_LSR), ==, 0x63);
    /* Reading LSR cleared OE; the received byte is next in line. */
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x04);
    g_assert_cmphex(rd(f, UART_RBR), ==, '1');
    g_assert_false(f->irq);
}

static void test_priority(void)
{
    g_autoptr(Fake) f = fake_new();

    wr(f, UART_MCR, UART_MCR_LOOP);
    rd(f, UART_MSR);
    wr(f, UART_IER, 0x0f);
    /* THRE (raised by enabling) and nothing else yet. */
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x02);
    /* Modem status: lowest. */
    wr(f, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x00);
    /* THRE beats modem status, received data beats THRE. */
    wr(f, UART_THR, 'a');
    g_assert_cmphex(f->uart.rx_count, ==, 1);
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x04);
    wr(f, UART_THR, 'b');
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x06);
    g_assert_cmphex(rd(f, UART_LSR), ==, 0x63);
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x04);
    g_assert_cmphex(rd(f, UART_RBR), ==, 'a');
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x02);
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x00);
    g_assert_cmphex(rd(f, UART_MSR), ==, 0x11);
    g_assert_cmphex(rd(f, UART_IIR), ==, 0x01);
    g_assert_false(f->irq);
}

static void test_reset(void)
{
    g_autoptr(Fake) f = fake_new();

    wr(f, UART_FCR, 0x01);
    wr(f, UART_IER, 0x0f);
    rx(f, "xyz", 3);
    g_assert_true(f->irq);
    serial_reset(&f->uart);
    g_assert_true(serial_check_invariants(&f->uart));
    g_assert_false(f->irq);
    g_assert_cmpint(f->deadline, ==, INT64_MAX);
    g_assert_cmphex(rd(f, UART_LSR), ==, 0x60);
    g_assert_cmphex(rd(f, UART_IER), ==, 0x00);
    g_assert_cmpuint(serial_can_receive(&f->uart), ==, 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/serial/reset-values", test_reset_values);
    g_test_add_func("/hw/serial/transmit", test_transmit);
    g_test_add_func("/hw/serial/irq/thre", test_thre_interrupt);
    g_test_add_func("/hw/serial/irq/priority", test_priority);
    g_test_add_func("/hw/serial/rx/no-fifo", test_receive_no_fifo);
    g_test_add_func("/hw/serial/rx/fifo-trigger", test_fifo_trigger);
    g_test_add_func("/hw/serial/rx/order-and-flow", test_fifo_order_and_flow);
    g_test_add_func("/hw/serial/rx/char-timeout", test_char_timeout);
    g_test_add_func("/hw/serial/loopback", test_loopback);
    g_test_add_func("/hw/serial/overrun", test_overrun);
    g_test_add_func("/hw/serial/reset", test_reset);
    return g_test_run();
}
