/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for devices and boards: the "device" type (realize, GPIO
 * lists), interrupt lines, and board initialization (RAM layout of pc and
 * none, the I/O APIC routing, memory backends, errors that leave nothing
 * behind).
 */

#include "prelude.h"

#include "hw/core/irq.h"
#include "hw/core/machine-board.h"
#include "hw/core/qdev.h"
#include "hw/i386/pc.h"
#include "qom/memory-backend.h"
#include "qom/object-property.h"
#include "qom/object-tree.h"
#include "qom/user-creatable.h"
#include "system/memory.h"
#include "util/error.h"

/* ---- device and lines ---- */

#define TYPE_TEST_DEV "test-dev"

typedef struct TestDev {
    DeviceState parent_obj;
    IRQState *out[2];
    int last_n, last_level, calls;
    bool fail_realize;
    int realized_count;
} TestDev;

static void test_dev_in(void *opaque, int n, int level)
{
    TestDev *d = opaque;

    d->last_n = n;
    d->last_level = level;
    d->calls++;
}

static bool test_dev_realize(DeviceState *dev, GError **errp)
{
    TestDev *d = (TestDev *)dev;

    if (d->fail_realize) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "refused");
        return false;
    }
    d->realized_count++;
    return true;
}

static void test_dev_unrealize(DeviceState *dev)
{
    ((TestDev *)dev)->realized_count--;
}

static void test_dev_init(Object *obj)
{
    qdev_init_gpio_in(DEVICE(obj), test_dev_in, 3);
    qdev_init_gpio_in_named(DEVICE(obj), test_dev_in, "aux", 1);
    qdev_init_gpio_out(DEVICE(obj), ((TestDev *)obj)->out, 2);
}

static void test_dev_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = test_dev_realize;
    dc->unrealize = test_dev_unrealize;
}

static const TypeInfo test_dev_info = {
    .name = TYPE_TEST_DEV,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(TestDev),
    .instance_init = test_dev_init,
    .class_init = test_dev_class_init,
};

static void register_types(void)
{
    static bool done;

    if (!done) {
        done = true;
        qdev_register_types();
        pc_register_types();
        type_register_static(&test_dev_info);
    }
}

static void observe(void *opaque, int n, int level)
{
    g_string_append_printf(opaque, "%d=%d ", n, level);
}

static void test_device(void)
{
    g_autoptr(Object) a = NULL;
    g_autoptr(Object) b = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GString) seen = g_string_new(NULL);
    TestDev *da, *db;

    register_types();
    g_assert_true(object_class_is_abstract(object_class_by_name(TYPE_DEVICE)));
    a = object_new(TYPE_TEST_DEV);
    b = object_new(TYPE_TEST_DEV);
    da = (TestDev *)a;
    db = (TestDev *)b;

    /* realize fails, the device stays unrealized */
    da->fail_realize = true;
    g_assert_false(object_property_set_bool(a, "realized", true, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "refused");
    g_assert_false(qdev_is_realized(DEVICE(a)));
    g_assert_cmpint(da->realized_count, ==, 0);
    da->fail_realize = false;
    g_assert_true(qdev_realize(DEVICE(a), NULL));
    g_assert_true(qdev_realize(DEVICE(a), NULL));
    g_assert_cmpint(da->realized_count, ==, 1);
    g_assert_true(object_property_get_bool(a, "realized", NULL));

    /* A's output 1 drives B's input 2 */
    g_assert_null(
        qdev_connect_gpio_out(DEVICE(a), 1, qdev_get_gpio_in(DEVICE(b), 2)));
    irq_raise(da->out[1]);
    g_assert_cmpint(db->last_n, ==, 2);
    g_assert_cmpint(db->last_level, ==, 1);
    /* an unconnected output is a no-op */
    irq_raise(da->out[0]);
    g_assert_cmpint(db->calls, ==, 1);

    /* an observer sees what the handler sees, after it */
    irq_intercept(qdev_get_gpio_in(DEVICE(b), 2), observe, seen);
    g_assert_true(irq_is_intercepted(qdev_get_gpio_in(DEVICE(b), 2)));
    irq_pulse(da->out[1]);
    irq_set_level(qdev_get_gpio_in(DEVICE(b), 2), 7);
    g_assert_cmpstr(seen->str, ==, "2=1 2=0 2=1 ");
    g_assert_cmpint(db->calls, ==, 4);
    irq_intercept(qdev_get_gpio_in(DEVICE(b), 2), NULL, NULL);
    irq_lower(da->out[1]);
    g_assert_cmpstr(seen->str, ==, "2=1 2=0 2=1 ");

    /* named lists */
    irq_raise(qdev_get_gpio_in_named(DEVICE(b), "aux", 0));
    g_assert_cmpint(db->last_n, ==, 0);
    g_assert_nonnull(qdev_get_gpio_list(DEVICE(b), "aux"));
    g_assert_null(qdev_get_gpio_list(DEVICE(b), "nope"));
    g_assert_cmpuint(qdev_get_gpio_lists(DEVICE(b))->len, ==, 2);
    g_assert_cmpint(irq_get_n(qdev_get_gpio_in(DEVICE(b), 1)), ==, 1);

    qdev_unrealize(DEVICE(a));
    g_assert_cmpint(da->realized_count, ==, 0);
}

/* ---- boards ---- */

static char *dump_memory(void)
{
    g_autoptr(GString) out = g_string_new(NULL);

    address_space_dump(address_space_memory_get(), out);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static Object *machine_container(void)
{
    return container_get(object_get_root(), "/machine");
}

static void board_teardown(void)
{
    machine_board_cleanup();
    object_root_reset();
    memory_system_reset();
}

static void test_layouts(void)
{
    static const struct {
        const char *type;
        uint64_t ram;
        const char *dump;
    } cases[] = {
        {"pc", 128 << 20, "0000000000000000-0000000007ffffff ram pc.ram @0\n"},
        {"pc-i440fx-7.2", G_GUINT64_CONSTANT(0xdff00000),
         "0000000000000000-00000000dfefffff ram pc.ram @0\n"},
        {"pc", G_GUINT64_CONSTANT(0xe0000000),
         "0000000000000000-00000000bfffffff ram pc.ram @0\n"
         "0000000100000000-000000011fffffff ram pc.ram @c0000000\n"},
        {"none", 0, ""},
        {"none", 16 << 20, "0000000000000000-0000000000ffffff ram ram @0\n"},
    };

    register_types();
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autofree char *dump = NULL;

        g_assert_true(machine_board_init(cases[i].type, cases[i].ram,
                                         machine_container(), &err));
        g_assert_no_error(err);
        dump = dump_memory();
        g_assert_cmpstr(dump, ==, cases[i].dump);
        g_assert_cmpuint(machine_board_get()->ram_size, ==, cases[i].ram);
        board_teardown();
        /* cleanup unmapped everything */
        g_free(dump);
        dump = dump_memory();
        g_assert_cmpstr(dump, ==, "");
        memory_system_reset();
    }
}

static void test_ioapic(void)
{
    g_autoptr(GError) err = NULL;
    bool ambiguous = false;
    DeviceState *ioapic;

    register_types();
    g_assert_null(pc_isa_get_irq(8));
    g_assert_true(machine_board_init("pc", 1 << 20, machine_container(), &err));
    ioapic = DEVICE(object_resolve_path("ioapic", &ambiguous));
    g_assert_true(OBJECT(ioapic) ==
                  object_resolve_path("/machine/i440fx/ioapic", NULL));
    g_assert_true(ioapic == machine_board_get()->ioapic);

    irq_raise(pc_isa_get_irq(8));
    g_assert_cmpint(ioapic_get_pin_level(ioapic, 8), ==, 1);
    /* ISA IRQ 0 lands on pin 2 */
    irq_raise(pc_isa_get_irq(0));
    g_assert_cmpint(ioapic_get_pin_level(ioapic, 0), ==, 0);
    g_assert_cmpint(ioapic_get_pin_level(ioapic, 2), ==, 1);
    irq_lower(pc_isa_get_irq(8));
    g_assert_cmpint(ioapic_get_pin_level(ioapic, 8), ==, 0);
    board_teardown();
    g_assert_null(object_resolve_path("/machine/i440fx/ioapic", NULL));
}

static void test_errors(void)
{
    static const struct {
        const char *type;
        uint64_t ram;
        const char *error;
    } cases[] = {
        {"nope", 1 << 20, "unsupported machine type: \"nope\""},
        {"pc", RAM_BLOCK_MAX_SIZE + 1,
         "cannot set up guest memory 'pc.ram': invalid RAM size "
         "0x10000000001 (must be 1 to 0x10000000000 bytes)"},
    };
    g_autoptr(GError) err = NULL;

    register_types();
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) e = NULL;
        g_autofree char *dump = NULL;

        g_assert_false(machine_board_init(cases[i].type, cases[i].ram,
                                          machine_container(), &e));
        g_assert_error(e, QMPD_ERROR, QMPD_ERROR_GENERIC);
        g_assert_cmpstr(e->message, ==, cases[i].error);
        g_assert_null(machine_board_get());
        dump = dump_memory();
        g_assert_cmpstr(dump, ==, "");
        g_assert_null(object_resolve_path("/machine/i440fx", NULL));
    }

    g_assert_true(machine_board_init("pc", 1 << 20, machine_container(), &err));
    g_assert_false(machine_board_init("none", 0, machine_container(), &err));
    g_assert_cmpstr(err->message, ==, "machine already initialized");
    g_assert_cmpstr(machine_board_get()->type_name, ==, "pc-i440fx-7.2");
    board_teardown();
}

static Object *new_backend(const char *type, const char *id, uint64_t size,
                           bool share)
{
    g_autoptr(JsonObject) props = json_object_new();
    g_autoptr(GError) err = NULL;
    Object *obj;

    json_object_set_int_member(props, "size", (gint64)size);
    json_object_set_boolean_member(props, "share", share);
    obj = object_add_from_json(type, id, props, &err);
    g_assert_no_error(err);
    return obj;
}

static void test_backend(void)
{
    g_autoptr(GError) err = NULL;
    Object *memfd, *ram;
    RamBlock *rb;

    register_types();
    memfd = new_backend(TYPE_MEMORY_BACKEND_MEMFD, "mem0", 2 << 20, true);
    ram = new_backend(TYPE_MEMORY_BACKEND_RAM, "mem1", 2 << 20, false);

    g_assert_false(machine_board_init_with_backend("pc", 4 << 20, memfd,
                                                   machine_container(), &err));
    g_assert_cmpstr(err->message, ==,
                    "memory backend size 0x200000 does not match the "
                    "machine's memory size 0x400000");
    g_assert_false(memory_backend_is_mapped(memfd));
    g_clear_error(&err);

    g_assert_true(machine_board_init_with_backend("pc", 2 << 20, memfd,
                                                  machine_container(), &err));
    g_assert_no_error(err);
    rb = memory_region_get_ram_block(machine_board_get()->ram);
    g_assert_true(ram_block_is_shared(rb));
    g_assert_true(memory_backend_is_mapped(memfd));
    /* in use: object-del refuses it */
    g_assert_false(object_del("mem0", &err));
    g_clear_error(&err);
    machine_board_cleanup();
    g_assert_false(memory_backend_is_mapped(memfd));

    g_assert_true(machine_board_init_with_backend("none", 2 << 20, ram,
                                                  machine_container(), &err));
    rb = memory_region_get_ram_block(machine_board_get()->ram);
    g_assert_false(ram_block_is_shared(rb));
    board_teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/qdev/device", test_device);
    g_test_add_func("/hw/board/layouts", test_layouts);
    g_test_add_func("/hw/board/ioapic", test_ioapic);
    g_test_add_func("/hw/board/errors", test_errors);
    g_test_add_func("/hw/board/backend", test_backend);
    return g_test_run();
}
