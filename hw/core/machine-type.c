/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of machine types.  "pc" models QEMU's pc-i440fx-7.2 layout
 * (the Debian 12 reference), so its versioned name is the one a guest and
 * a migration stream see.
 */

#include "prelude.h"

#include "hw/core/machine-type.h"
#include "util/error.h"

static const MachineType machine_types[] = {
    {
        .name = "pc-i440fx-7.2",
        .alias = "pc",
        .qom_type = "pc-i440fx-7.2-machine",
        .desc = "Standard PC (i440FX + PIIX, 1996)",
        .is_default = true,
        .default_ram_size = 128 * 1024 * 1024,
        .max_ram_size = G_GUINT64_CONSTANT(1) << 40,
        .has_pc_memory_map = true,
        .max_cpus = 255,
        .default_boot_order = "cad",
        .default_cpu_model = "qemu64",
        .has_fw_cfg = true,
        .has_smbios = true,
        .has_acpi = true,
        .has_rtc = true,
    },
    {
        .name = "none",
        .qom_type = "none-machine",
        .desc = "empty machine",
        .default_ram_size = 0,
        .max_ram_size = G_GUINT64_CONSTANT(1) << 40,
        .max_cpus = 1,
    },
};

const MachineType *machine_type_find(const char *name)
{
    g_return_val_if_fail(name != NULL, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(machine_types); i++) {
        const MachineType *mt = &machine_types[i];

        if (g_str_equal(mt->name, name) ||
            (mt->alias != NULL && g_str_equal(mt->alias, name))) {
            return mt;
        }
    }
    return NULL;
}

const MachineType *machine_type_lookup(const char *name, GError **errp)
{
    const MachineType *mt = machine_type_find(name);

    if (mt == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "unsupported machine type: \"%s\"", name);
    }
    return mt;
}

const MachineType *machine_type_default(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(machine_types); i++) {
        if (machine_types[i].is_default) {
            return &machine_types[i];
        }
    }
    g_assert_not_reached();
}

void machine_type_print_list(GString *out)
{
    g_string_append(out, "Supported machines are:\n");
    for (gsize i = 0; i < G_N_ELEMENTS(machine_types); i++) {
        const MachineType *mt = &machine_types[i];

        if (mt->alias != NULL) {
            g_string_append_printf(out, "%-20s %s (alias of %s)\n", mt->alias,
                                   mt->desc, mt->name);
        }
        g_string_append_printf(out, "%-20s %s%s\n", mt->name, mt->desc,
                               mt->is_default ? " (default)" : "");
    }
}

/*
 * fw_cfg files the pc machine publishes (QEMU 7.2 with -nodefaults under
 * qtest; see qemu-facts.md 16.4).  User items must not collide with them.
 */
static const char *const pc_fw_cfg_files[] = {
    "bios-geometry",
    "bootorder",
    "etc/acpi/rsdp",
    "etc/acpi/tables",
    "etc/boot-fail-wait",
    "etc/boot-menu-wait",
    "etc/e820",
    "etc/smbios/smbios-anchor",
    "etc/smbios/smbios-tables",
    "etc/system-states",
    "etc/table-loader",
    "etc/tpm/log",
};

bool machine_type_has_fw_cfg_file(const MachineType *mt, const char *name)
{
    if (!mt->has_fw_cfg) {
        return false;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(pc_fw_cfg_files); i++) {
        if (g_str_equal(pc_fw_cfg_files[i], name)) {
            return true;
        }
    }
    return false;
}

guint machine_type_fw_cfg_file_count(const MachineType *mt)
{
    return mt->has_fw_cfg ? G_N_ELEMENTS(pc_fw_cfg_files) : 0;
}

const MachineType *machine_type_nth(guint n)
{
    return n < G_N_ELEMENTS(machine_types) ? &machine_types[n] : NULL;
}
