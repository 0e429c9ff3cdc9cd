/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * 16550A UART: the eight registers, the 16-byte receive FIFO, line and
 * modem status, the interrupt priority logic and loopback, independent of
 * buses, timers and chardevs.
 *
 * Contract:
 * - The device reaches the outside world only through SerialOps: the
 *   virtual clock and one timer (for the FIFO character timeout), the IRQ
 *   line, a byte sink for transmitted bytes and a "room again" callback
 *   for flow control.  serial_create_isa() wires them to a chardev.
 * - The transmitter is infinitely fast: a byte written to THR is handed to
 *   SerialOps.transmit at once (the chardev queues it and never drops it),
 *   so LSR always shows THRE and TEMT and the THRE interrupt is pending
 *   again right after each write.
 * - Receiving never loses bytes: the backend asks serial_can_receive()
 *   (free FIFO space; one byte without FIFO; nothing in loopback mode)
 *   before delivering, and the device calls SerialOps.accept_input when the
 *   guest has made room.  Only loopback, where the guest feeds itself,
 *   can overrun (LSR.OE).
 * - Interrupt identification, highest priority first: line status (IER
 *   bit 2, LSR errors) 0x06; received data at the trigger level (IER bit
 *   0) 0x04; character timeout (IER bit 0, FIFO mode: data waited four
 *   character times without activity) 0x0c; THR empty (IER bit 1) 0x02;
 *   modem status (IER bit 3, MSR delta bits) 0x00; none 0x01.  The IRQ
 *   line is high exactly while an interrupt is identified.  As in QEMU,
 *   MCR.OUT2 does not gate the line.
 *
 * State (all of it guest-visible, for migration later): divider, ier, lcr,
 * mcr, lsr, msr, scr, fcr, rx_fifo/rx_head/rx_count, thr_pending,
 * timeout_pending, irq_level.
 */

#include "prelude.h"

#define SERIAL_FIFO_SIZE 16
/* Base clock divided by the divisor latch gives the baud rate. */
#define SERIAL_BASE_BAUD 115200

#define UART_RBR 0 /* read, DLAB=0 */
#define UART_THR 0 /* write, DLAB=0 */
#define UART_DLL 0 /* DLAB=1 */
#define UART_IER 1 /* DLAB=0 */
#define UART_DLM 1 /* DLAB=1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI 0x01
#define UART_IER_THRI 0x02
#define UART_IER_RLSI 0x04
#define UART_IER_MSI 0x08

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_CTI 0x0c
#define UART_IIR_FIFO 0xc0

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

typedef struct SerialOps {
    /* The virtual clock, nanoseconds. */
    int64_t (*clock_ns)(void *opaque);
    void (*set_irq)(void *opaque, bool level);
    /* Arms the timer at @deadline_ns; INT64_MAX cancels. */
    void (*timer_mod)(void *opaque, int64_t deadline_ns);
    /* One transmitted byte for the backend. */
    void (*transmit)(void *opaque, uint8_t byte);
    /* serial_can_receive() went up from 0: poll the backend again. */
    void (*accept_input)(void *opaque);
} SerialOps;

typedef struct SerialState {
    uint16_t divider;
    uint8_t ier;
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr;
    uint8_t msr;
    uint8_t scr;
    uint8_t fcr;
    uint8_t rx_fifo[SERIAL_FIFO_SIZE];
    unsigned rx_head;
    unsigned rx_count;
    bool thr_pending;
    bool timeout_pending;
    bool irq_level;
    /* wiring */
    const SerialOps *ops;
    void *opaque;
} SerialState;

/**
 * serial_init:
 * @s: caller-owned storage
 * @ops: (transfer none): must outlive @s; every callback is required
 *
 * Puts the UART in its reset state: no interrupts enabled, FIFO off,
 * LSR = THRE|TEMT, MSR = DCD|DSR|CTS (a connected line), divisor 12.
 */
void serial_init(SerialState *s, const SerialOps *ops, void *opaque);

/** serial_reset: back to the state serial_init() gives; IRQ lowered. */
void serial_reset(SerialState *s);

/**
 * serial_ioport_read:
 * @offset: register offset 0..7
 *
 * Returns: the register byte, with the read's side effects (RBR pops the
 * FIFO, IIR acknowledges THRE, LSR and MSR clear their event bits).
 */
uint8_t serial_ioport_read(SerialState *s, unsigned offset);

/** serial_ioport_write: @offset: register offset 0..7. */
void serial_ioport_write(SerialState *s, unsigned offset, uint8_t value);

/**
 * serial_can_receive:
 * Returns: how many bytes the receiver takes now (0 in loopback mode).
 */
gsize serial_can_receive(const SerialState *s);

/**
 * serial_receive:
 * Bytes from the line; at most serial_can_receive() of them (any excess
 * is an overrun: dropped, LSR.OE set).
 */
void serial_receive(SerialState *s, const uint8_t *buf, gsize len);

/** serial_timer_cb: the timer armed through SerialOps.timer_mod expired. */
void serial_timer_cb(SerialState *s);

/**
 * serial_check_invariants:
 * Returns: true when the state is consistent (FIFO bounds, DR matches the
 * FIFO, the IRQ line matches the identified interrupt).
 */
bool serial_check_invariants(const SerialState *s);
