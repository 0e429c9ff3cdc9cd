/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "serial" migration section: a 16550A's registers, receive FIFO and
 * interrupt state, validated on a copy before they replace the live UART.
 */

#include "prelude.h"

#include <string.h>

#include "hw/char/serial-vmstate.h"
#include "migration/savevm.h"
#include "migration/vmstate.h"
#include "util/error.h"

#define SERIAL_SECTION "serial"

static const VMStateField serial_fields[] = {
    VMSTATE_UINT16(divider, SerialState),
    VMSTATE_UINT8(ier, SerialState),
    VMSTATE_UINT8(lcr, SerialState),
    VMSTATE_UINT8(mcr, SerialState),
    VMSTATE_UINT8(lsr, SerialState),
    VMSTATE_UINT8(msr, SerialState),
    VMSTATE_UINT8(scr, SerialState),
    VMSTATE_UINT8(fcr, SerialState),
    VMSTATE_UINT8_ARRAY(rx_fifo, SerialState, SERIAL_FIFO_SIZE),
    VMSTATE_UINT32(rx_head, SerialState),
    VMSTATE_UINT32(rx_count, SerialState),
    VMSTATE_BOOL(thr_pending, SerialState),
    VMSTATE_BOOL(timeout_pending, SerialState),
    VMSTATE_BOOL(irq_level, SerialState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_serial = {
    .name = SERIAL_SECTION,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = serial_fields,
};

static void serial_save(MigStream *ms, void *opaque)
{
    vmstate_save(ms, &vmstate_serial, opaque);
}

static bool serial_load(MigStream *ms, void *opaque, int version_id)
{
    SerialState *s = opaque;
    SerialState copy = *s;

    if (!vmstate_load(ms, &vmstate_serial, &copy, version_id)) {
        return false;
    }
    /* Bounds first: the invariant check indexes the FIFO. */
    if (copy.rx_head >= SERIAL_FIFO_SIZE || copy.rx_count > SERIAL_FIFO_SIZE ||
        !serial_check_invariants(&copy)) {
        mig_stream_set_error(ms, "serial: inconsistent state in the "
                                 "migration stream");
        return false;
    }
    *s = copy;
    s->ops->set_irq(s->opaque, s->irq_level);
    s->ops->accept_input(s->opaque);
    return true;
}

static void serial_describe(JsonBuilder *jb, void *opaque)
{
    vmstate_describe(jb, &vmstate_serial, opaque);
}

static const SaveVMHandlers serial_handlers = {
    .save_state = serial_save,
    .load_state = serial_load,
    .describe = serial_describe,
};

bool serial_vmstate_register(SerialState *s, int index, GError **errp)
{
    g_return_val_if_fail(s != NULL && index >= 0, false);
    return savevm_register(SERIAL_SECTION, (uint32_t)index,
                           vmstate_serial.version_id, SAVEVM_PRIORITY_DEFAULT,
                           &serial_handlers, s, errp);
}

void serial_vmstate_unregister(int index)
{
    savevm_unregister(SERIAL_SECTION, (uint32_t)index);
}
