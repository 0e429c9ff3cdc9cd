/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whole-configuration validation.  Every error names the member path it
 * is about ("smbios.type4.max-speed: ..."), using QEMU's wording for the
 * problem itself where QEMU has one.
 */

#include "prelude.h"

#include "hw/core/machine-config.h"
#include "hw/core/machine-smp.h"
#include "hw/core/machine-type.h"
#include "hw/core/rtc-base.h"
#include "hw/smbios/smbios.h"
#include "machine-config-internal.h"
#include "util/error.h"

#define FW_CFG_MAX_NAME 55
#define FW_CFG_FILE_SLOTS 32
#define ACPI_HEADER_SIZE 36
#define ACPI_TABLE_MAX 65535
#define SMBIOS_HEADER_SIZE 4

bool machine_config_fail(GError **errp, const char *path, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "%s: %s", path, msg);
    return false;
}

/* Strict RFC 4648 base64 (g_base64_decode accepts anything). */
static bool is_base64(const char *s)
{
    gsize len = strlen(s), pad = 0;

    if (len % 4 != 0) {
        return false;
    }
    for (gsize i = 0; i < len; i++) {
        char c = s[i];

        if (c == '=') {
            pad++;
            if (i < len - 2) {
                return false;
            }
        } else if (pad > 0 || !(g_ascii_isalnum(c) || c == '+' || c == '/')) {
            return false;
        }
    }
    return pad <= 2;
}

static GBytes *decode_base64(const char *s)
{
    gsize len = 0;
    guchar *data = g_base64_decode(s, &len);

    return g_bytes_new_take(data, len);
}

static bool check_boot_devices(const char *path, const char *devices,
                               GError **errp)
{
    guint32 seen = 0;

    for (const char *p = devices; *p != '\0'; p++) {
        if (*p < 'a' || *p > 'p') {
            return machine_config_fail(errp, path, "Invalid boot device '%c'",
                                       *p);
        }
        if (seen & (1u << (*p - 'a'))) {
            return machine_config_fail(errp, path,
                                       "Boot device '%c' was given twice", *p);
        }
        seen |= 1u << (*p - 'a');
    }
    return true;
}

static bool check_boot(const BootConfiguration *boot, GError **errp)
{
    if (boot == NULL) {
        return true;
    }
    if (boot->order != NULL &&
        !check_boot_devices("boot.order", boot->order, errp)) {
        return false;
    }
    if (boot->once != NULL &&
        !check_boot_devices("boot.once", boot->once, errp)) {
        return false;
    }
    if (boot->has_splash_time &&
        (boot->splash_time < 0 || boot->splash_time > 65535)) {
        return machine_config_fail(
            errp, "boot.splash-time",
            "splash-time is invalid,it should be a value between 0 "
            "and 65535");
    }
    if (boot->has_reboot_timeout &&
        (boot->reboot_timeout < -1 || boot->reboot_timeout > 65535)) {
        return machine_config_fail(
            errp, "boot.reboot-timeout",
            "reboot timeout is invalid,it should be a value between "
            "-1 and 65535");
    }
    return true;
}

static bool check_release(const char *release, GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(release, ".", -1);
    guint64 v;

    if (g_strv_length(parts) != 2) {
        return machine_config_fail(errp, "smbios.type0.release",
                                   "Invalid release");
    }
    for (int i = 0; i < 2; i++) {
        if (!g_ascii_string_to_unsigned(parts[i], 10, 0, 255, &v, NULL)) {
            return machine_config_fail(errp, "smbios.type0.release",
                                       "Invalid release");
        }
    }
    return true;
}

/*
 * Checks one binary SMBIOS structure: a header, a formatted area that fits,
 * and a string set ending in a double NUL.  Returns the structure type.
 */
static int check_smbios_blob(const char *path, GBytes *bytes, GError **errp)
{
    gsize len;
    const guint8 *p = g_bytes_get_data(bytes, &len);
    gsize formatted, i;

    if (len < SMBIOS_HEADER_SIZE) {
        machine_config_fail(
            errp, path, "SMBIOS structure is shorter than its 4-byte header");
        return -1;
    }
    formatted = p[1];
    if (formatted < SMBIOS_HEADER_SIZE || formatted > len) {
        machine_config_fail(
            errp, path,
            "SMBIOS structure length %zu does not fit its %zu bytes", formatted,
            len);
        return -1;
    }
    /* The string set: strings end at NUL, the set at an empty string. */
    for (i = formatted; i + 1 < len; i++) {
        if (p[i] == 0 && p[i + 1] == 0) {
            break;
        }
    }
    if (i + 1 >= len) {
        machine_config_fail(
            errp, path,
            "SMBIOS structure does not end with a double NUL terminator");
        return -1;
    }
    if (i + 2 != len) {
        machine_config_fail(errp, path,
                            "SMBIOS structure has %zu trailing bytes",
                            len - (i + 2));
        return -1;
    }
    return p[0];
}

static bool smbios_type_has_fields(const SmbiosConfig *s, int type)
{
    switch (type) {
    case 0:
        return s->type0 != NULL;
    case 1:
        return s->type1 != NULL;
    case 2:
        return s->type2 != NULL;
    case 3:
        return s->type3 != NULL;
    case 4:
        return s->type4 != NULL;
    case 8:
        return s->type8 != NULL;
    case 9:
        return s->type9 != NULL;
    case 11:
        return s->type11 != NULL;
    case 17:
        return s->type17 != NULL;
    case 41:
        return s->type41 != NULL;
    default:
        return false;
    }
}

static bool check_smbios(const SmbiosConfig *s, const SMPConfiguration *smp,
                         GError **errp)
{
    guint index = 0, type4_blobs = 0;

    if (s == NULL) {
        return true;
    }
    if (s->type0 != NULL && s->type0->release != NULL &&
        !check_release(s->type0->release, errp)) {
        return false;
    }
    if (s->type4 != NULL) {
        if (s->type4->has_max_speed && s->type4->max_speed > 65535) {
            return machine_config_fail(
                errp, "smbios.type4.max-speed",
                "SMBIOS CPU speed is too large (> 65535)");
        }
        if (s->type4->has_current_speed && s->type4->current_speed > 65535) {
            return machine_config_fail(
                errp, "smbios.type4.current-speed",
                "SMBIOS CPU speed is too large (> 65535)");
        }
    }
    if (s->has_entry_point_type &&
        s->entry_point_type == SMBIOS_ENTRY_POINT_TYPE_32 &&
        (smp->cores > 255 || smp->threads > 255)) {
        return machine_config_fail(
            errp, "smbios.entry-point-type",
            "SMBIOS 2.0 doesn't support number of processor "
            "cores/threads more than 255, use -machine "
            "smbios-entry-point-type=64 option to enable SMBIOS 3.0 "
            "support");
    }
    for (FileDataList *l = s->files; l != NULL; l = l->next, index++) {
        g_autofree char *path = g_strdup_printf("smbios.files[%u]", index);
        g_autoptr(GBytes) bytes = NULL;
        int type;

        if (l->value->data == NULL || !is_base64(l->value->data)) {
            return machine_config_fail(errp, path, "data is not valid base64");
        }
        bytes = decode_base64(l->value->data);
        type = check_smbios_blob(path, bytes, errp);
        if (type < 0) {
            return false;
        }
        if (smbios_type_has_fields(s, type)) {
            return machine_config_fail(
                errp, path,
                "can't load type %d struct, fields already specified!", type);
        }
        type4_blobs += type == 4;
    }
    if (type4_blobs > 0 && type4_blobs != smp->sockets) {
        return machine_config_fail(errp, "smbios.files",
                                   "Expected %" G_GINT64_FORMAT
                                   " SMBIOS Type 4 tables, got %u instead",
                                   smp->sockets, type4_blobs);
    }
    return true;
}

static bool check_fw_cfg(const FwCfgItemList *items, const MachineType *mt,
                         GPtrArray *warnings, GError **errp)
{
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    guint index = 0;

    if (items != NULL && !mt->has_fw_cfg) {
        return machine_config_fail(errp, "fw-cfg",
                                   "fw_cfg device not available");
    }
    for (const FwCfgItemList *l = items; l != NULL; l = l->next, index++) {
        const FwCfgItem *item = l->value;
        g_autofree char *path = g_strdup_printf("fw-cfg[%u]", index);
        int sources = (item->string != NULL && item->string[0] != '\0') +
                      (item->data != NULL) +
                      (item->gen_id != NULL && item->gen_id[0] != '\0');

        if (item->name[0] == '\0' || sources != 1) {
            return machine_config_fail(
                errp, path,
                "name, plus exactly one of file, string and gen_id, "
                "are needed");
        }
        if (strlen(item->name) > FW_CFG_MAX_NAME) {
            return machine_config_fail(errp, path,
                                       "name too long (max. 55 char)");
        }
        if (item->gen_id != NULL) {
            /* No fw_cfg data-generator object type exists yet. */
            return machine_config_fail(errp, path, "Cannot find object ID '%s'",
                                       item->gen_id);
        }
        if (item->data != NULL && !is_base64(item->data)) {
            return machine_config_fail(errp, path, "data is not valid base64");
        }
        if (g_hash_table_contains(names, item->name) ||
            machine_type_has_fw_cfg_file(mt, item->name)) {
            return machine_config_fail(
                errp, path, "duplicate fw_cfg file name: %s", item->name);
        }
        g_hash_table_add(names, item->name);
        if (!g_str_has_prefix(item->name, "opt/") && warnings != NULL) {
            g_ptr_array_add(warnings,
                            g_strdup_printf("%s: externally provided fw_cfg "
                                            "item names should be prefixed "
                                            "with \"opt/\"",
                                            path));
        }
    }
    if (index + machine_type_fw_cfg_file_count(mt) > FW_CFG_FILE_SLOTS) {
        return machine_config_fail(
            errp, "fw-cfg",
            "too many fw_cfg files: the device has %d file slots and "
            "the machine uses %u",
            FW_CFG_FILE_SLOTS, machine_type_fw_cfg_file_count(mt));
    }
    return true;
}

static bool check_acpi_field(const char *path, const char *value, gsize max,
                             GError **errp)
{
    if (value != NULL && strlen(value) > max) {
        return machine_config_fail(errp, path, "must be at most %zu characters",
                                   max);
    }
    return true;
}

static bool check_acpitable(const AcpiTableConfigList *tables,
                            const MachineType *mt, GError **errp)
{
    guint index = 0;

    if (tables != NULL && !mt->has_acpi) {
        return machine_config_fail(errp, "acpitable",
                                   "this machine has no ACPI tables");
    }
    for (const AcpiTableConfigList *l = tables; l != NULL;
         l = l->next, index++) {
        const AcpiTableConfig *t = l->value;
        g_autofree char *path = g_strdup_printf("acpitable[%u]", index);
        g_autofree char *p_sig = g_strdup_printf("%s.sig", path);
        g_autofree char *p_oem = g_strdup_printf("%s.oem-id", path);
        g_autofree char *p_tid = g_strdup_printf("%s.oem-table-id", path);
        g_autofree char *p_asl = g_strdup_printf("%s.asl-compiler-id", path);
        g_autoptr(GBytes) bytes = NULL;
        gsize size;

        if ((t->file != NULL) == (t->data != NULL)) {
            return machine_config_fail(
                errp, path, "'-acpitable' requires one of 'data' or 'file'");
        }
        if (!check_acpi_field(p_sig, t->sig, 4, errp) ||
            !check_acpi_field(p_oem, t->oem_id, 6, errp) ||
            !check_acpi_field(p_tid, t->oem_table_id, 8, errp) ||
            !check_acpi_field(p_asl, t->asl_compiler_id, 4, errp)) {
            return false;
        }
        if (t->blob == NULL || !is_base64(t->blob)) {
            return machine_config_fail(errp, path, "blob is not valid base64");
        }
        bytes = decode_base64(t->blob);
        size = g_bytes_get_size(bytes);
        if (t->file != NULL && size < ACPI_HEADER_SIZE) {
            return machine_config_fail(
                errp, path,
                "ACPI table claiming to have header is too short, "
                "available: %zu, expected: 36",
                size);
        }
        if (t->data != NULL) {
            size += ACPI_HEADER_SIZE;
        }
        if (size > ACPI_TABLE_MAX) {
            return machine_config_fail(
                errp, path, "ACPI table too big, requested: %zu, max: 65535",
                size);
        }
    }
    return true;
}

static bool check_rtc(const RtcConfig *rtc, const MachineType *mt,
                      GError **errp)
{
    g_autoptr(GError) err = NULL;

    if (rtc == NULL || rtc->base == NULL) {
        return true;
    }
    if (!rtc_base_parse(rtc->base, NULL, &err)) {
        return machine_config_fail(errp, "rtc.base", "%s", err->message);
    }
    return true;
}

/*
 * The guest-boot members are paths and names QEMU interprets when it
 * starts; what can be known now is that they say something.
 */
static bool check_guest_boot(const MachineProperties *cfg, GError **errp)
{
    static const struct {
        const char *member;
        size_t offset;
    } paths[] = {
        {"cpu", offsetof(MachineProperties, cpu)},
        {"kernel", offsetof(MachineProperties, kernel)},
        {"initrd", offsetof(MachineProperties, initrd)},
        {"firmware", offsetof(MachineProperties, firmware)},
        {"memory-backend", offsetof(MachineProperties, memory_backend)},
    };
    guint i = 0;

    for (gsize k = 0; k < G_N_ELEMENTS(paths); k++) {
        const char *value =
            *(const char *const *)((const char *)cfg + paths[k].offset);

        if (value != NULL && value[0] == '\0') {
            return machine_config_fail(errp, paths[k].member,
                                       "must not be empty");
        }
    }
    if (cfg->accel != NULL && cfg->accel->has_thread &&
        (!cfg->accel->has_type || cfg->accel->type != ACCEL_TYPE_TCG)) {
        return machine_config_fail(
            errp, "accel.thread", "only the tcg accelerator has a thread mode");
    }
    if (cfg->accel != NULL && cfg->accel->binary != NULL &&
        cfg->accel->binary[0] == '\0') {
        return machine_config_fail(errp, "accel.binary", "must not be empty");
    }
    for (OptionRomList *l = cfg->option_rom; l != NULL; l = l->next, i++) {
        g_autofree char *path = g_strdup_printf("option-rom[%u]", i);

        if (l->value->file[0] == '\0') {
            return machine_config_fail(errp, path, "file must not be empty");
        }
        if (l->value->has_bootindex && l->value->bootindex < 0) {
            return machine_config_fail(errp, path,
                                       "bootindex must not be negative");
        }
    }
    return true;
}

bool machine_config_check(const MachineProperties *cfg, GPtrArray *warnings,
                          GError **errp)
{
    const MachineType *mt = machine_type_default();
    SMPConfiguration smp;
    g_autoptr(GError) err = NULL;

    if (cfg->type != NULL) {
        mt = machine_type_lookup(cfg->type, &err);
        if (mt == NULL) {
            return machine_config_fail(errp, "type", "%s", err->message);
        }
    }
    if (!machine_smp_resolve(cfg->smp, mt, &smp, &err)) {
        return machine_config_fail(errp, "smp", "%s", err->message);
    }
    if (cfg->uuid != NULL && !g_uuid_string_is_valid(cfg->uuid)) {
        return machine_config_fail(errp, "uuid", "Fail to parse UUID string");
    }
    if (!machine_config_check_memory(cfg->memory, mt, errp) ||
        !check_boot(cfg->boot, errp) ||
        !check_smbios(cfg->smbios, &smp, errp) ||
        !check_fw_cfg(cfg->fw_cfg, mt, warnings, errp) ||
        !check_acpitable(cfg->acpitable, mt, errp) ||
        !check_rtc(cfg->rtc, mt, errp) || !check_guest_boot(cfg, errp)) {
        return false;
    }
    /*
     * Whatever the table builder would refuse at machine initialization
     * (the 64 KiB limit on the whole table set, a missing PCI device) is
     * refused now.
     */
    if (mt->has_smbios && cfg->smbios != NULL) {
        g_autoptr(MachineProperties) full = machine_config_fill_defaults(cfg);

        g_free(full->type);
        full->type = g_strdup(mt->name);
        return smbios_check_size(full, errp);
    }
    return true;
}
