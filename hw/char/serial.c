/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 16550A UART register logic: divisor latch, receive FIFO with trigger
 * levels and character timeout, line and modem status, interrupt
 * identification and loopback.
 */

#include "prelude.h"

#include "hw/char/serial.h"

#define NS_PER_S G_GINT64_CONSTANT(1000000000)

static bool fifo_enabled(const SerialState *s)
{
    return s->fcr & UART_FCR_ENABLE;
}

static unsigned rx_capacity(const SerialState *s)
{
    return fifo_enabled(s) ? SERIAL_FIFO_SIZE : 1;
}

static unsigned rx_trigger(const SerialState *s)
{
    static const unsigned levels[4] = {1, 4, 8, 14};

    return fifo_enabled(s) ? levels[s->fcr >> 6] : 1;
}

/* Four character times at the current line settings. */
static int64_t timeout_ns(const SerialState *s)
{
    unsigned bits = 1 + 5 + (s->lcr & 0x03) + ((s->lcr & 0x08) ? 1 : 0) +
                    ((s->lcr & 0x04) ? 2 : 1);
    int64_t divider = s->divider ? s->divider : 1;

    return 4 * (int64_t)bits * NS_PER_S * divider / SERIAL_BASE_BAUD;
}

/* The interrupt the IIR reports now (low four bits). */
static uint8_t identify(const SerialState *s)
{
    uint8_t errors = UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI;

    if ((s->ier & UART_IER_RLSI) && (s->lsr & errors)) {
        return UART_IIR_RLSI;
    }
    if ((s->ier & UART_IER_RDI) && s->rx_count >= rx_trigger(s)) {
        return UART_IIR_RDI;
    }
    if ((s->ier & UART_IER_RDI) && s->timeout_pending) {
        return UART_IIR_CTI;
    }
    if ((s->ier & UART_IER_THRI) && s->thr_pending) {
        return UART_IIR_THRI;
    }
    if ((s->ier & UART_IER_MSI) && (s->msr & 0x0f)) {
        return UART_IIR_MSI;
    }
    return UART_IIR_NO_INT;
}

static void update_irq(SerialState *s)
{
    bool level = identify(s) != UART_IIR_NO_INT;

    if (level != s->irq_level) {
        s->irq_level = level;
        s->ops->set_irq(s->opaque, level);
    }
}

/* Restarts the character timeout while the FIFO holds data. */
static void restart_timeout(SerialState *s)
{
    if (fifo_enabled(s) && s->rx_count > 0) {
        s->ops->timer_mod(s->opaque,
                          s->ops->clock_ns(s->opaque) + timeout_ns(s));
    } else {
        s->ops->timer_mod(s->opaque, INT64_MAX);
    }
}

static void rx_clear(SerialState *s)
{
    bool was_full = serial_can_receive(s) == 0;

    s->rx_head = 0;
    s->rx_count = 0;
    s->lsr &= ~UART_LSR_DR;
    s->timeout_pending = false;
    s->ops->timer_mod(s->opaque, INT64_MAX);
    if (was_full && serial_can_receive(s) > 0) {
        s->ops->accept_input(s->opaque);
    }
}

static void rx_push(SerialState *s, uint8_t byte)
{
    if (s->rx_count >= rx_capacity(s)) {
        s->lsr |= UART_LSR_OE;
        return;
    }
    s->rx_fifo[(s->rx_head + s->rx_count) % SERIAL_FIFO_SIZE] = byte;
    s->rx_count++;
    s->lsr |= UART_LSR_DR;
}

static uint8_t rx_pop(SerialState *s)
{
    bool was_full = serial_can_receive(s) == 0;
    uint8_t byte;

    if (s->rx_count == 0) {
        /* Reading an empty receiver shows the last byte again. */
        return s
            ->rx_fifo[(s->rx_head + SERIAL_FIFO_SIZE - 1) % SERIAL_FIFO_SIZE];
    }
    byte = s->rx_fifo[s->rx_head];
    s->rx_head = (s->rx_head + 1) % SERIAL_FIFO_SIZE;
    s->rx_count--;
    if (s->rx_count == 0) {
        s->lsr &= ~UART_LSR_DR;
    }
    s->timeout_pending = false;
    restart_timeout(s);
    if (was_full && serial_can_receive(s) > 0) {
        s->ops->accept_input(s->opaque);
    }
    return byte;
}

/* Modem status lines as MCR drives them in loopback, else a live line. */
static uint8_t modem_lines(const SerialState *s)
{
    uint8_t m = s->mcr;

    if (!(m & UART_MCR_LOOP)) {
        return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    }
    return ((m & UART_MCR_RTS) ? UART_MSR_CTS : 0) |
           ((m & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
           ((m & UART_MCR_OUT1) ? UART_MSR_RI : 0) |
           ((m & UART_MCR_OUT2) ? UART_MSR_DCD : 0);
}

static void update_msr(SerialState *s)
{
    uint8_t old = s->msr & 0xf0;
    uint8_t now = modem_lines(s);
    uint8_t delta = s->msr & 0x0f;

    if ((old ^ now) & UART_MSR_CTS) {
        delta |= UART_MSR_DCTS;
    }
    if ((old ^ now) & UART_MSR_DSR) {
        delta |= UART_MSR_DDSR;
    }
    if ((old & UART_MSR_RI) && !(now & UART_MSR_RI)) {
        delta |= UART_MSR_TERI;
    }
    if ((old ^ now) & UART_MSR_DCD) {
        delta |= UART_MSR_DDCD;
    }
    s->msr = now | delta;
}

static void write_thr(SerialState *s, uint8_t value)
{
    if (s->mcr & UART_MCR_LOOP) {
        rx_push(s, value);
        restart_timeout(s);
    } else {
        s->ops->transmit(s->opaque, value);
    }
    /* The byte left at once: THR is empty again. */
    s->thr_pending = true;
}

static void write_fcr(SerialState *s, uint8_t value)
{
    bool toggled = ((s->fcr ^ value) & UART_FCR_ENABLE) != 0;

    if (toggled || (value & UART_FCR_CLEAR_RX)) {
        rx_clear(s);
    }
    /* The transmit FIFO is always empty: nothing to clear. */
    s->fcr = value & (UART_FCR_ENABLE | 0xc0);
    if (!fifo_enabled(s)) {
        s->fcr = 0;
    }
    if (toggled) {
        s->ops->accept_input(s->opaque);
    }
}

static void write_mcr(SerialState *s, uint8_t value)
{
    bool was_loop = s->mcr & UART_MCR_LOOP;

    s->mcr = value & 0x1f;
    update_msr(s);
    if (was_loop && !(s->mcr & UART_MCR_LOOP)) {
        s->ops->accept_input(s->opaque);
    }
}

void serial_ioport_write(SerialState *s, unsigned offset, uint8_t value)
{
    g_return_if_fail(s != NULL);

    switch (offset & 7) {
    case UART_THR:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | value;
        } else {
            write_thr(s, value);
        }
        break;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (uint16_t)((s->divider & 0x00ff) | (value << 8));
        } else {
            /* Enabling THRE interrupts while THR is empty raises one. */
            if (!(s->ier & UART_IER_THRI) && (value & UART_IER_THRI)) {
                s->thr_pending = true;
            }
            s->ier = value & 0x0f;
        }
        break;
    case UART_FCR:
        write_fcr(s, value);
        break;
    case UART_LCR:
        s->lcr = value;
        break;
    case UART_MCR:
        write_mcr(s, value);
        break;
    case UART_LSR:
    case UART_MSR:
        /* factory test registers: ignored */
        break;
    case UART_SCR:
        s->scr = value;
        break;
    }
    update_irq(s);
}

uint8_t serial_ioport_read(SerialState *s, unsigned offset)
{
    uint8_t v = 0;

    g_return_val_if_fail(s != NULL, 0xff);

    switch (offset & 7) {
    case UART_RBR:
        v = (s->lcr & UART_LCR_DLAB) ? (uint8_t)s->divider : rx_pop(s);
        break;
    case UART_IER:
        v = (s->lcr & UART_LCR_DLAB) ? (uint8_t)(s->divider >> 8) : s->ier;
        break;
    case UART_IIR:
        v = identify(s);
        if (v == UART_IIR_THRI) {
            s->thr_pending = false;
        }
        if (fifo_enabled(s)) {
            v |= UART_IIR_FIFO;
        }
        break;
    case UART_LCR:
        v = s->lcr;
        break;
    case UART_MCR:
        v = s->mcr;
        break;
    case UART_LSR:
        v = s->lsr;
        s->lsr &= ~(UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI);
        break;
    case UART_MSR:
        v = s->msr;
        s->msr &= 0xf0;
        break;
    case UART_SCR:
        v = s->scr;
        break;
    }
    update_irq(s);
    return v;
}

gsize serial_can_receive(const SerialState *s)
{
    g_return_val_if_fail(s != NULL, 0);

    if (s->mcr & UART_MCR_LOOP) {
        return 0;
    }
    return rx_capacity(s) - s->rx_count;
}

void serial_receive(SerialState *s, const uint8_t *buf, gsize len)
{
    g_return_if_fail(s != NULL && (buf != NULL || len == 0));

    if (len == 0) {
        return;
    }
    for (gsize i = 0; i < len; i++) {
        rx_push(s, buf[i]);
    }
    s->timeout_pending = false;
    restart_timeout(s);
    update_irq(s);
}

void serial_timer_cb(SerialState *s)
{
    g_return_if_fail(s != NULL);

    if (fifo_enabled(s) && s->rx_count > 0) {
        s->timeout_pending = true;
    }
    update_irq(s);
}

void serial_init(SerialState *s, const SerialOps *ops, void *opaque)
{
    g_return_if_fail(s != NULL && ops != NULL);

    memset(s, 0, sizeof(*s));
    s->ops = ops;
    s->opaque = opaque;
    s->divider = 12;
    s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
}

void serial_reset(SerialState *s)
{
    const SerialOps *ops;
    void *opaque;
    bool level;

    g_return_if_fail(s != NULL);

    ops = s->ops;
    opaque = s->opaque;
    level = s->irq_level;
    serial_init(s, ops, opaque);
    ops->timer_mod(opaque, INT64_MAX);
    if (level) {
        ops->set_irq(opaque, false);
    }
    ops->accept_input(opaque);
}

bool serial_check_invariants(const SerialState *s)
{
    return s->rx_count <= rx_capacity(s) && s->rx_head < SERIAL_FIFO_SIZE &&
           ((s->lsr & UART_LSR_DR) != 0) == (s->rx_count > 0) &&
           s->irq_level == (identify(s) != UART_IIR_NO_INT) &&
           (s->lsr & (UART_LSR_THRE | UART_LSR_TEMT)) ==
               (UART_LSR_THRE | UART_LSR_TEMT);
}
