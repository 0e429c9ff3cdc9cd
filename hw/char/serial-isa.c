/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "isa-serial" device: a 16550A on the pc board's COM ports, wired to
 * a chardev with flow control on input and lossless output.
 */

#include "prelude.h"

#include "hw/char/serial-isa.h"
#include "hw/char/serial-vmstate.h"
#include "hw/char/serial.h"
#include "hw/core/qdev.h"
#include "hw/i386/pc.h"
#include "qom/object-tree.h"
#include "system/clock.h"
#include "system/memory.h"
#include "util/error.h"

typedef struct SerialISADevice {
    DeviceState parent_obj;
    SerialState uart;
    /* set before realize */
    int index;
    Chardev *chr;
    /* wiring */
    IRQState *irq;
    QEMUTimer *timer;
    MemoryRegion *io;
} SerialISADevice;

#define SERIAL_ISA(obj) OBJECT_CHECK(SerialISADevice, (obj), TYPE_ISA_SERIAL)

static const uint16_t isa_iobase[SERIAL_MAX_ISA_PORTS] = {0x3f8, 0x2f8, 0x3e8,
                                                          0x2e8};
static const int isa_irq[SERIAL_MAX_ISA_PORTS] = {4, 3, 4, 3};

uint16_t serial_isa_iobase(int index)
{
    g_return_val_if_fail(index >= 0 && index < SERIAL_MAX_ISA_PORTS, 0);
    return isa_iobase[index];
}

int serial_isa_irq(int index)
{
    g_return_val_if_fail(index >= 0 && index < SERIAL_MAX_ISA_PORTS, -1);
    return isa_irq[index];
}

static int64_t serial_clock_cb(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void serial_set_irq_cb(void *opaque, bool level)
{
    irq_set_level(((SerialISADevice *)opaque)->irq, level);
}

static void serial_timer_mod_cb(void *opaque, int64_t deadline)
{
    SerialISADevice *s = opaque;

    if (s->timer == NULL) {
        return;
    }
    if (deadline == INT64_MAX) {
        timer_del(s->timer);
    } else {
        timer_mod(s->timer, deadline);
    }
}

static void serial_transmit_cb(void *opaque, uint8_t byte)
{
    SerialISADevice *s = opaque;
    g_autoptr(GError) err = NULL;

    if (s->chr == NULL) {
        return;
    }
    if (!chardev_write_all(s->chr, &byte, 1, &err)) {
        /* A dead backend is the host's problem; the guest sees a wire. */
        g_debug("serial%d: %s", s->index, err->message);
    }
}

static void serial_accept_input_cb(void *opaque)
{
    SerialISADevice *s = opaque;

    if (s->chr != NULL) {
        chardev_accept_input(s->chr);
    }
}

static const SerialOps serial_ops = {
    .clock_ns = serial_clock_cb,
    .set_irq = serial_set_irq_cb,
    .timer_mod = serial_timer_mod_cb,
    .transmit = serial_transmit_cb,
    .accept_input = serial_accept_input_cb,
};

static gsize serial_chr_can_read(void *opaque)
{
    return serial_can_receive(&((SerialISADevice *)opaque)->uart);
}

static void serial_chr_read(void *opaque, const guint8 *buf, gsize len)
{
    serial_receive(&((SerialISADevice *)opaque)->uart, buf, len);
}

static void serial_chr_event(void *opaque, ChardevEvent event)
{
}

static const ChardevHandlers serial_chr_handlers = {
    .can_read = serial_chr_can_read,
    .read = serial_chr_read,
    .event = serial_chr_event,
};

static void serial_timer_expired(void *opaque)
{
    serial_timer_cb(&((SerialISADevice *)opaque)->uart);
}

static uint64_t serial_io_read(void *opaque, uint64_t addr, unsigned size)
{
    return serial_ioport_read(&((SerialISADevice *)opaque)->uart,
                              (unsigned)addr);
}

static void serial_io_write(void *opaque, uint64_t addr, uint64_t value,
                            unsigned size)
{
    serial_ioport_write(&((SerialISADevice *)opaque)->uart, (unsigned)addr,
                        (uint8_t)value);
}

static const MemoryRegionOps serial_io_ops = {
    .read = serial_io_read,
    .write = serial_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

static bool serial_realize(DeviceState *dev, GError **errp)
{
    SerialISADevice *s = SERIAL_ISA(dev);

    serial_init(&s->uart, &serial_ops, s);
    if (s->chr != NULL &&
        !chardev_set_handlers(s->chr, &serial_chr_handlers, s, errp)) {
        return false;
    }
    if (!serial_vmstate_register(&s->uart, s->index, errp)) {
        if (s->chr != NULL) {
            chardev_set_handlers(s->chr, NULL, NULL, NULL);
        }
        return false;
    }
    s->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, serial_timer_expired, s);
    s->io = memory_region_new_io("serial", 8, &serial_io_ops, s);
    memory_region_add_subregion(memory_io_get(), isa_iobase[s->index], s->io);
    return true;
}

static void serial_unrealize(DeviceState *dev)
{
    SerialISADevice *s = SERIAL_ISA(dev);

    serial_vmstate_unregister(s->index);
    if (s->chr != NULL) {
        chardev_set_handlers(s->chr, NULL, NULL, NULL);
    }
    memory_region_del_subregion(memory_io_get(), s->io);
    g_clear_pointer(&s->io, memory_region_unref);
    g_clear_pointer(&s->timer, timer_free);
    irq_set_level(s->irq, 0);
}

static void serial_dev_reset(DeviceState *dev)
{
    serial_reset(&SERIAL_ISA(dev)->uart);
}

static void serial_instance_init(Object *obj)
{
    qdev_init_gpio_out(DEVICE(obj), &SERIAL_ISA(obj)->irq, 1);
}

static void serial_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = serial_realize;
    dc->unrealize = serial_unrealize;
    dc->reset = serial_dev_reset;
    dc->desc = "16550A UART on an ISA port";
}

static const TypeInfo serial_type_info = {
    .name = TYPE_ISA_SERIAL,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(SerialISADevice),
    .instance_init = serial_instance_init,
    .class_init = serial_class_init,
};

void serial_register_types(void)
{
    static bool registered;

    if (!registered) {
        registered = true;
        qdev_register_types();
        type_register_static(&serial_type_info);
    }
}

bool serial_create_isa(Object *machine, int index, Chardev *chr, const char *id,
                       GError **errp)
{
    g_autoptr(Object) obj = NULL;
    IRQState *irq;

    g_return_val_if_fail(machine != NULL, false);
    if (index < 0 || index >= SERIAL_MAX_ISA_PORTS) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "index %d is out of range for ISA serial ports", index);
        return false;
    }
    irq = pc_isa_get_irq(isa_irq[index]);
    if (irq == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "the pc board has no ISA interrupt %d", isa_irq[index]);
        return false;
    }
    serial_register_types();
    obj = object_new(TYPE_ISA_SERIAL);
    SERIAL_ISA(obj)->index = index;
    SERIAL_ISA(obj)->chr = chr;
    if (object_property_add_child(
            container_get(machine, id != NULL ? "/peripheral" : "/unattached"),
            id != NULL ? id : "device[*]", obj, errp) == NULL) {
        return false;
    }
    if (!qdev_realize(DEVICE(obj), errp)) {
        object_unparent(obj);
        return false;
    }
    qdev_connect_gpio_out(DEVICE(obj), 0, irq);
    return true;
}
