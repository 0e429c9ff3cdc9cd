/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The pc board (i440fx): RAM layout around the 4 GiB boundary and the
 * interrupt routing that on-board ISA devices use.
 *
 * Contract: ISA IRQ n (0-15) reaches input n of the "ioapic" device;
 * the I/O APIC itself routes its input 0 to pin 2, as QEMU's does, so
 * qtest's "irq_intercept_in ioapic" reports the PIT as IRQ 0.  Devices of
 * later issues get their line with pc_isa_get_irq() (RTC: 8, COM1: 4).
 */

#include "hw/core/irq.h"
#include "hw/core/machine-board.h"
#include "prelude.h"

#define TYPE_IOAPIC "ioapic"
#define IOAPIC_NUM_PINS 24
#define ISA_NUM_IRQS 16

/* RAM at or above this size is split (QEMU's max-ram-below-4g default). */
#define PC_MAX_RAM_BELOW_4G G_GUINT64_CONSTANT(0xe0000000)
/* ... and then this much stays below 4 GiB (gigabyte alignment). */
#define PC_RAM_BELOW_4G_SPLIT G_GUINT64_CONSTANT(0xc0000000)

/**
 * pc_board_init:
 * @b: the board being built (type, RAM region and /machine are set)
 *
 * Maps RAM (all at 0 below 3.5 GiB, else 3 GiB at 0 and the rest at
 * 4 GiB, as QEMU's pc-i440fx) and creates /machine/i440fx/ioapic.  On
 * failure the caller's machine_board_cleanup path releases what was
 * recorded in @b.
 */
bool pc_board_init(MachineBoard *b, GError **errp);

/**
 * pc_isa_get_irq:
 * @n: ISA IRQ number, 0 to 15
 *
 * Returns: (transfer none) (nullable): the line that ISA IRQ @n drives,
 * NULL when no pc board exists.
 */
IRQState *pc_isa_get_irq(int n);

/**
 * ioapic_get_pin_level:
 * Returns: the level of I/O APIC pin @pin (after the 0 -> 2 remapping).
 */
int ioapic_get_pin_level(DeviceState *ioapic, int pin);

/** pc_register_types: registers "ioapic" (idempotent). */
void pc_register_types(void);
