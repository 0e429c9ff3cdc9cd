/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The "isa-serial" device: a 16550A UART on the pc board's I/O ports and
 * ISA interrupts, talking to a chardev.
 *
 * Contract:
 * - Port N (0 to 3) sits at 0x3f8, 0x2f8, 0x3e8, 0x2e8 with ISA IRQ 4, 3,
 *   4, 3, as on PC compatibles; the device is added as
 *   /machine/unattached/device[N].
 * - The UART is the chardev's frontend: bytes the guest transmits go to
 *   chardev_write_all() (queued, never dropped), and input is read only
 *   as fast as the receive FIFO drains (the chardev's can_read flow
 *   control), so no input byte is lost either.
 * - The character timeout runs on the virtual clock.
 */

#include "chardev/char.h"
#include "prelude.h"
#include "qom/object.h"

#define TYPE_ISA_SERIAL "isa-serial"
#define SERIAL_MAX_ISA_PORTS 4

/**
 * serial_isa_iobase / serial_isa_irq:
 * Returns: the I/O base and ISA IRQ of port @index (0 to 3).
 */
uint16_t serial_isa_iobase(int index);
int serial_isa_irq(int index);

/**
 * serial_create_isa:
 * @machine: (transfer none): the /machine object
 * @index: port number, 0 to SERIAL_MAX_ISA_PORTS - 1
 * @chr: (transfer none) (nullable): the backend; NULL leaves the port
 *     unconnected (output discarded, no input)
 * @id: (nullable): the device id (-device ...,id=ID): the UART goes to
 *     /machine/peripheral/ID instead of /machine/unattached/device[N]
 *
 * Creates, wires and realizes the UART after the pc board exists.
 * Errors: "index N is out of range for ISA serial ports" (QEMU's limit),
 * "the pc board has no ISA interrupt N", the chardev being busy ("chardev
 * 'x' is busy").  Nothing is left behind on failure.
 */
bool serial_create_isa(Object *machine, int index, Chardev *chr, const char *id,
                       GError **errp);

/** serial_register_types: registers "isa-serial" (idempotent). */
void serial_register_types(void);
