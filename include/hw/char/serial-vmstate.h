/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Migration of a 16550A's guest-visible state as the "serial" section,
 * one instance per ISA port index.
 *
 * Contract:
 * - The device registers when it is realized and unregisters when it is
 *   unrealized.
 * - Loading validates the state (serial_check_invariants(), FIFO bounds)
 *   before touching the live UART, then drives its IRQ line to the
 *   loaded level and lets the backend deliver input again.  A pending
 *   character timeout is kept as a flag; its timer is not re-armed.
 */

#include "hw/char/serial.h"
#include "prelude.h"

/**
 * serial_vmstate_register:
 * @s: (transfer none): the realized UART; valid until unregistered
 * @index: the port number, used as instance id
 *
 * Errors: "section 'serial' instance N is already registered".
 */
bool serial_vmstate_register(SerialState *s, int index, GError **errp);

/** serial_vmstate_unregister: undoes the registration of port @index. */
void serial_vmstate_unregister(int index);
