/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /machine QOM object and its types.  Every compound property is a
 * view of the machine configuration (include/hw/core/machine.h).
 */

#include "prelude.h"

#include "hw/core/machine-config.h"
#include "hw/core/machine-type.h"
#include "hw/core/machine.h"
#include "qom/object-property.h"
#include "qom/object-tree.h"
#include "util/error.h"
#include "util/report.h"

typedef struct MachineMember {
    const char *name;
    const char *type;
    const char *description;
} MachineMember;

/*
 * "type" is not here: every QOM object already has a read-only "type"
 * property (its QOM type name); the machine type is set with machine-set.
 */
static const MachineMember machine_members[] = {
    {"smp", "SMPConfiguration", "CPU topology"},
    {"memory", "MemorySizeConfiguration", "Memory size configuration"},
    {"boot", "BootConfiguration", "Boot configuration"},
    {"uuid", "str", "Machine UUID, used by fw_cfg and SMBIOS"},
    {"smbios", "SmbiosConfig", "SMBIOS tables and entry point"},
    {"rtc", "RtcConfig", "Real-time clock base, clock and drift fix"},
    {"fw-cfg", "[FwCfgItem]", "User fw_cfg files"},
    {"acpitable", "[AcpiTableConfig]", "User ACPI tables"},
    {"semihosting-config", "SemihostingConfig", "Semihosting configuration"},
    {"accel", "AccelConfig", "Accelerator"},
    {"cpu", "str", "CPU model"},
    {"kernel", "str", "Linux kernel image booted directly"},
    {"initrd", "str", "Initial RAM disk for the kernel"},
    {"append", "str", "Kernel command line"},
    {"firmware", "str", "Firmware image"},
    {"option-rom", "[OptionRom]", "Extra option ROMs"},
    {"usb", "bool", "Whether the machine has a USB controller"},
    {"dump-guest-core", "bool", "Include guest RAM in core dumps"},
    {"memory-backend", "str", "Memory backend object providing guest RAM"},
    {"aux-ram-share", "bool", "Put the machine's RAM in a shared memfd"},
};

static Object *machine_obj;

/*
 * What an unset member reads as: QEMU's qom-get never answers null, so an
 * unset member reads as its type's empty value.  The UUID reads as the
 * all-zero UUID, as query-uuid reports it; other strings as "", booleans
 * as false, lists as [] and structures as {}.  Writing that value back may set
 * the member (an explicit zero UUID) or be refused (an empty file name).
 */
static JsonNode *machine_member_unset_value(ObjectProperty *prop)
{
    JsonNode *node;

    if (g_str_equal(prop->name, "uuid")) {
        return json_node_init_string(json_node_alloc(),
                                     "00000000-0000-0000-0000-000000000000");
    }
    if (g_str_equal(prop->type, "str")) {
        return json_node_init_string(json_node_alloc(), "");
    }
    if (g_str_equal(prop->type, "bool")) {
        /* the defaults: no USB controller, guest RAM in core dumps */
        return json_node_init_boolean(
            json_node_alloc(), g_str_equal(prop->name, "dump-guest-core"));
    }
    if (prop->type[0] == '[') {
        node = json_node_new(JSON_NODE_ARRAY);
        json_node_take_array(node, json_array_new());
        return node;
    }
    node = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(node, json_object_new());
    return node;
}

static JsonNode *machine_member_get(Object *obj, ObjectProperty *prop,
                                    GError **errp)
{
    g_autoptr(MachineProperties) full =
        machine_config_fill_defaults(machine_config_get());
    g_autoptr(JsonNode) json = machine_config_to_json(full);
    JsonObject *members = json_node_get_object(json);

    if (!json_object_has_member(members, prop->name)) {
        return machine_member_unset_value(prop);
    }
    return json_node_copy(json_object_get_member(members, prop->name));
}

static bool machine_member_set(Object *obj, ObjectProperty *prop,
                               JsonNode *value, GError **errp)
{
    g_autoptr(JsonObject) patch_obj = json_object_new();
    g_autoptr(JsonNode) patch = json_node_new(JSON_NODE_OBJECT);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);

    json_object_set_member(patch_obj, prop->name, json_node_copy(value));
    json_node_set_object(patch, patch_obj);
    if (!machine_config_set_json(patch, false, warnings, errp)) {
        return false;
    }
    for (guint i = 0; i < warnings->len; i++) {
        qmpd_warn("%s", (char *)g_ptr_array_index(warnings, i));
    }
    return true;
}

static void machine_class_init(ObjectClass *klass, const void *data)
{
    for (gsize i = 0; i < G_N_ELEMENTS(machine_members); i++) {
        const MachineMember *m = &machine_members[i];
        ObjectProperty *prop = object_class_property_add(
            klass, m->name, m->type, machine_member_get, machine_member_set,
            NULL);

        object_property_set_description(prop, m->description);
    }
}

static const TypeInfo machine_type_info = {
    .name = TYPE_MACHINE,
    .parent = "object",
    .instance_size = sizeof(MachineState),
    .class_init = machine_class_init,
};

/* One QOM type per machine type; type infos must outlive the process. */
static TypeInfo machine_type_infos[8];

void machine_types_register(void)
{
    static bool registered;

    if (registered) {
        return;
    }
    registered = true;
    type_register_static(&machine_type_info);
    for (guint i = 0; machine_type_nth(i) != NULL; i++) {
        TypeInfo *info = &machine_type_infos[i];

        g_assert(i < G_N_ELEMENTS(machine_type_infos));
        info->name = machine_type_nth(i)->qom_type;
        info->parent = TYPE_MACHINE;
        type_register_static(info);
    }
}

Object *machine_object_get(void)
{
    return machine_obj;
}

Object *machine_object_sync(GError **errp)
{
    const MachineProperties *cfg = machine_config_get();
    const char *wanted = TYPE_MACHINE;
    Object *obj;

    machine_types_register();
    if (cfg->type != NULL) {
        const MachineType *mt = machine_type_lookup(cfg->type, errp);

        if (mt == NULL) {
            return NULL;
        }
        wanted = mt->qom_type;
    }
    if (machine_obj != NULL &&
        g_str_equal(object_get_typename(machine_obj), wanted)) {
        return machine_obj;
    }
    obj = object_new(wanted);
    if (machine_obj != NULL) {
        object_unparent(machine_obj);
        machine_obj = NULL;
    }
    if (object_property_add_child(object_get_root(), "machine", obj, errp) ==
        NULL) {
        object_unref(obj);
        return NULL;
    }
    /* The root holds the reference now. */
    object_unref(obj);
    machine_obj = obj;
    return obj;
}

bool machine_print_properties(const char *type_name, GString *out,
                              GError **errp)
{
    const MachineType *mt = machine_type_lookup(type_name, errp);

    if (mt == NULL) {
        return false;
    }
    g_string_append_printf(out, "%s-machine options:\n", mt->name);
    g_string_append(out, "  type=<str> - Machine type (set with -M TYPE)\n");
    for (gsize i = 0; i < G_N_ELEMENTS(machine_members); i++) {
        const MachineMember *m = &machine_members[i];

        g_string_append_printf(out, "  %s=<%s> - %s\n", m->name, m->type,
                               m->description);
    }
    return true;
}
