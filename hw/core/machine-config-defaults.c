/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The complete view of a configuration: every default and derived value
 * filled in, as query-machine-config reports it.  Defaults follow QEMU's
 * pc machine (qemu-facts.md sections 2, 5, 6, 7).
 */

#include "prelude.h"

#include "hw/core/machine-config.h"
#include "hw/core/machine-smp.h"
#include "hw/core/machine-type.h"
#include "machine-config-internal.h"
#include "qapi-visit.h"
#include "qapi/clone.h"

#define SET_DEFAULT(obj, member, value) \
    do {                                \
        if (!(obj)->has_##member) {     \
            (obj)->has_##member = true; \
            (obj)->member = (value);    \
        }                               \
    } while (0)

#define SET_DEFAULT_STR(obj, member, value)  \
    do {                                     \
        if ((obj)->member == NULL) {         \
            (obj)->member = g_strdup(value); \
        }                                    \
    } while (0)

static void fill_memory(MachineProperties *cfg, const MachineType *mt)
{
    MemorySizeConfiguration *mem = cfg->memory;

    if (mem == NULL) {
        mem = cfg->memory = g_new0(MemorySizeConfiguration, 1);
    }
    mem->size = machine_config_ram_size(mem, mt);
    mem->has_size = true;
    SET_DEFAULT(mem, max_size, mem->size);
    SET_DEFAULT(mem, slots, 0);
}

static void fill_boot(MachineProperties *cfg, const MachineType *mt)
{
    BootConfiguration *boot = cfg->boot;

    if (boot == NULL) {
        boot = cfg->boot = g_new0(BootConfiguration, 1);
    }
    if (mt->default_boot_order != NULL) {
        SET_DEFAULT_STR(boot, order, mt->default_boot_order);
    }
    SET_DEFAULT(boot, menu, false);
    SET_DEFAULT(boot, strict, false);
    SET_DEFAULT(boot, reboot_timeout, -1);
}

/*
 * The SMBIOS types the user's files supply.  The builder generates none
 * of those, and fields for them next to a file are an error, so the
 * complete view must not invent default fields for them either.
 */
static void smbios_file_types(const SmbiosConfig *s, bool ret[256])
{
    memset(ret, 0, 256 * sizeof(bool));
    for (FileDataList *l = s->files; l != NULL; l = l->next) {
        gsize len = 0;
        g_autofree guchar *raw = NULL;

        if (l->value->data == NULL) {
            continue;
        }
        raw = g_base64_decode(l->value->data, &len);
        if (len > 0) {
            ret[raw[0]] = true;
        }
    }
}

static void fill_smbios(MachineProperties *cfg, const MachineType *mt)
{
    SmbiosConfig *s = cfg->smbios;
    const char *version = mt->name;
    bool from_file[256];

    if (!mt->has_smbios) {
        return;
    }
    if (s == NULL) {
        s = cfg->smbios = g_new0(SmbiosConfig, 1);
    }
    smbios_file_types(s, from_file);
    SET_DEFAULT(s, entry_point_type, SMBIOS_ENTRY_POINT_TYPE_AUTO);
    if (s->type0 != NULL) {
        SET_DEFAULT(s->type0, uefi, false);
        SET_DEFAULT(s->type0, vm, true);
    }
    if (s->type1 == NULL && !from_file[1]) {
        s->type1 = g_new0(SmbiosType1, 1);
    }
    if (s->type1 != NULL) {
        SET_DEFAULT_STR(s->type1, manufacturer, "QEMU");
        SET_DEFAULT_STR(s->type1, product, mt->desc);
        SET_DEFAULT_STR(s->type1, version, version);
    }
    if (s->type2 != NULL) {
        SET_DEFAULT_STR(s->type2, manufacturer, "QEMU");
        SET_DEFAULT_STR(s->type2, product, mt->desc);
        SET_DEFAULT_STR(s->type2, version, version);
    }
    if (s->type3 == NULL && !from_file[3]) {
        s->type3 = g_new0(SmbiosType3, 1);
    }
    if (s->type3 != NULL) {
        SET_DEFAULT_STR(s->type3, manufacturer, "QEMU");
        SET_DEFAULT_STR(s->type3, version, version);
    }
    if (s->type4 == NULL && !from_file[4]) {
        s->type4 = g_new0(SmbiosType4, 1);
    }
    if (s->type4 != NULL) {
        SET_DEFAULT_STR(s->type4, sock_pfx, "CPU");
        SET_DEFAULT_STR(s->type4, manufacturer, "QEMU");
        SET_DEFAULT_STR(s->type4, version, version);
        SET_DEFAULT(s->type4, processor_family, 1);
        SET_DEFAULT(s->type4, processor_id, 0);
        SET_DEFAULT(s->type4, max_speed, 2000);
        SET_DEFAULT(s->type4, current_speed, 2000);
    }
    for (SmbiosType8List *l = s->type8; l != NULL; l = l->next) {
        SET_DEFAULT(l->value, connector_type, 0);
        SET_DEFAULT(l->value, port_type, 0);
    }
    for (SmbiosType9List *l = s->type9; l != NULL; l = l->next) {
        SmbiosType9 *t = l->value;

        SET_DEFAULT(t, slot_type, 0);
        SET_DEFAULT(t, slot_data_bus_width, 0);
        SET_DEFAULT(t, current_usage, 0);
        SET_DEFAULT(t, slot_length, 0);
        SET_DEFAULT(t, slot_id, 0);
        SET_DEFAULT(t, slot_characteristics1, 0);
        SET_DEFAULT(t, slot_characteristics2, 0);
    }
    /* OEM strings exist only with at least one string. */
    if (s->type11 != NULL && s->type11->values == NULL) {
        g_clear_pointer(&s->type11, qapi_free_SmbiosType11);
    }
    if (s->type17 == NULL && !from_file[17]) {
        s->type17 = g_new0(SmbiosType17, 1);
    }
    if (s->type17 != NULL) {
        SET_DEFAULT_STR(s->type17, loc_pfx, "DIMM");
        SET_DEFAULT_STR(s->type17, manufacturer, "QEMU");
        SET_DEFAULT(s->type17, speed, 0);
    }
    for (SmbiosType41List *l = s->type41; l != NULL; l = l->next) {
        SET_DEFAULT(l->value, kind, SMBIOS_TYPE41_KIND_OTHER);
        SET_DEFAULT(l->value, instance, 1);
    }
}

static void fill_rtc(MachineProperties *cfg, const MachineType *mt)
{
    RtcConfig *rtc = cfg->rtc;

    if (!mt->has_rtc && rtc == NULL) {
        return;
    }
    if (rtc == NULL) {
        rtc = cfg->rtc = g_new0(RtcConfig, 1);
    }
    SET_DEFAULT_STR(rtc, base, "utc");
    SET_DEFAULT(rtc, clock, RTC_CLOCK_HOST);
    SET_DEFAULT(rtc, driftfix, RTC_DRIFT_FIX_NONE);
}

static void fill_semihosting(MachineProperties *cfg)
{
    SemihostingConfig *sh = cfg->semihosting_config;

    if (sh == NULL) {
        return;
    }
    SET_DEFAULT(sh, enable, true);
    SET_DEFAULT(sh, target, SEMIHOSTING_TARGET_AUTO);
    SET_DEFAULT(sh, userspace, false);
}

static void fill_accel(MachineProperties *cfg, const MachineType *mt)
{
    if (cfg->accel == NULL) {
        cfg->accel = g_new0(AccelConfig, 1);
    }
    SET_DEFAULT(cfg->accel, type, ACCEL_TYPE_QTEST);
    if (mt->default_cpu_model != NULL) {
        SET_DEFAULT_STR(cfg, cpu, mt->default_cpu_model);
    }
}

MachineProperties *machine_config_fill_defaults(const MachineProperties *cfg)
{
    MachineProperties *full = QAPI_CLONE(MachineProperties, cfg);
    const MachineType *mt = NULL;
    SMPConfiguration smp;

    if (full->type != NULL) {
        mt = machine_type_find(full->type);
    }
    if (mt == NULL) {
        mt = machine_type_default();
    }
    if (machine_smp_resolve(full->smp, mt, &smp, NULL)) {
        qapi_free_SMPConfiguration(full->smp);
        full->smp = g_memdup2(&smp, sizeof(smp));
    }
    fill_memory(full, mt);
    fill_boot(full, mt);
    fill_smbios(full, mt);
    fill_rtc(full, mt);
    fill_semihosting(full);
    fill_accel(full, mt);
    return full;
}
