/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc board: RAM split around the PCI hole below 4 GiB, and a minimal
 * I/O APIC device that gives ISA interrupt lines somewhere to go (its
 * input GPIOs are what qtest intercepts).
 */

#include "prelude.h"

#include "hw/core/qdev.h"
#include "hw/i386/pc.h"
#include "qom/object-tree.h"
#include "system/memory.h"
#include "util/error.h"

typedef struct IOAPICState {
    DeviceState parent_obj;
    uint32_t levels; /* one bit per pin */
} IOAPICState;

#define IOAPIC(obj) OBJECT_CHECK(IOAPICState, (obj), TYPE_IOAPIC)

static void ioapic_set_irq(void *opaque, int n, int level)
{
    IOAPICState *s = IOAPIC(opaque);
    /* the ISA timer is wired to input 0 but the I/O APIC uses pin 2 */
    int pin = n == 0 ? 2 : n;

    if (level) {
        s->levels |= 1u << pin;
    } else {
        s->levels &= ~(1u << pin);
    }
}

int ioapic_get_pin_level(DeviceState *ioapic, int pin)
{
    g_return_val_if_fail(pin >= 0 && pin < IOAPIC_NUM_PINS, 0);
    return (IOAPIC(ioapic)->levels >> pin) & 1;
}

static void ioapic_instance_init(Object *obj)
{
    qdev_init_gpio_in(DEVICE(obj), ioapic_set_irq, IOAPIC_NUM_PINS);
}

static void ioapic_reset(DeviceState *dev)
{
    IOAPIC(dev)->levels = 0;
}

static void ioapic_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->reset = ioapic_reset;
    dc->desc = "I/O APIC (interrupt routing only)";
}

static const TypeInfo ioapic_type_info = {
    .name = TYPE_IOAPIC,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(IOAPICState),
    .instance_init = ioapic_instance_init,
    .class_init = ioapic_class_init,
};

void pc_register_types(void)
{
    static bool registered;

    if (!registered) {
        registered = true;
        qdev_register_types();
        type_register_static(&ioapic_type_info);
    }
}

/*
 * Maps RAM as QEMU's pc-i440fx does: all of it at 0 when it fits below
 * 3.5 GiB; otherwise the first 3 GiB at 0 (the split is gigabyte
 * aligned) and the rest from 4 GiB up.
 */
static void pc_map_ram(MachineBoard *b, MemoryRegion *ram)
{
    uint64_t below = b->ram_size >= PC_MAX_RAM_BELOW_4G ? PC_RAM_BELOW_4G_SPLIT
                                                        : b->ram_size;
    g_autoptr(MemoryRegion) low =
        memory_region_new_alias("ram-below-4g", ram, 0, below);

    machine_board_map(b, 0, low);
    if (b->ram_size > below) {
        g_autoptr(MemoryRegion) high = memory_region_new_alias(
            "ram-above-4g", ram, below, b->ram_size - below);

        machine_board_map(b, G_GUINT64_CONSTANT(1) << 32, high);
    }
}

bool pc_board_init(MachineBoard *b, GError **errp)
{
    g_autoptr(Object) host = NULL;
    g_autoptr(Object) ioapic = NULL;

    g_return_val_if_fail(b != NULL && b->machine != NULL, false);
    pc_register_types();

    /*
     * QEMU's I/O APIC is /machine/i440fx/ioapic, a child of the PCI host
     * bridge; a plain container stands in for the bridge here.
     */
    host = object_new(TYPE_CONTAINER);
    ioapic = object_new(TYPE_IOAPIC);
    if (!machine_board_add_child(b, b->machine, "i440fx", host, errp) ||
        !machine_board_add_child(b, host, "ioapic", ioapic, errp) ||
        !qdev_realize(DEVICE(ioapic), errp)) {
        return false;
    }
    if (b->ram != NULL) {
        pc_map_ram(b, b->ram);
    }
    b->ioapic = DEVICE(ioapic);
    return true;
}

IRQState *pc_isa_get_irq(int n)
{
    MachineBoard *b = machine_board_get();

    g_return_val_if_fail(n >= 0 && n < ISA_NUM_IRQS, NULL);
    if (b == NULL || b->ioapic == NULL) {
        return NULL;
    }
    return qdev_get_gpio_in(b->ioapic, n);
}
