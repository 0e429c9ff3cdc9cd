/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the pc machine publishes through fw_cfg: the well-known keys, the
 * x86 arch keys, the etc/ files QEMU 7.2's pc-i440fx machine has under
 * -nodefaults, the SMBIOS and ACPI blobs and every user fw-cfg item.
 */

#include "prelude.h"

#include <string.h>

#include "hw/acpi/acpi-build.h"
#include "hw/core/machine-board.h"
#include "hw/core/machine-type.h"
#include "hw/core/qdev.h"
#include "hw/i386/pc.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/smbios/smbios.h"
#include "util/error.h"

/* QEMU's hpet_fw_config: u8 count + 8 packed 15-byte entries. */
#define PC_HPET_FW_CFG_SIZE (1 + 8 * 15)
#define E820_ENTRY_SIZE 20
#define E820_RAM 1
#define E820_RESERVED 2
/*
 * QEMU 7.2 reserves the AMD HyperTransport window for its default CPU
 * (qemu64 has the AMD vendor string and 40 physical address bits).
 */
#define PC_AMD_HT_START G_GUINT64_CONSTANT(0xfd00000000)
#define PC_AMD_HT_SIZE G_GUINT64_CONSTANT(0x300000000)

/* S0 .. S5: bit 7 = offered, low bits = the SLP_TYP value (S3, S4 on). */
static const uint8_t pc_system_states[6] = {0x80, 0x00, 0x00, 0x81, 0x82, 0x80};

static GBytes *le_bytes(uint64_t value, gsize width)
{
    uint8_t buf[8];

    for (gsize i = 0; i < width; i++) {
        buf[i] = (uint8_t)(value >> (8 * i));
    }
    return g_bytes_new(buf, width);
}

static guint apic_id_bits(int64_t count)
{
    guint bits = 0;

    while (count > 1 && ((int64_t)1 << bits) < count) {
        bits++;
    }
    return bits;
}

/*
 * One more than the APIC ID of the last possible CPU: x86 packs thread,
 * core, die and socket numbers into bit fields just wide enough for each
 * count, so sparse topologies leave holes.  Clusters do not appear in
 * x86 APIC IDs; they count as more cores here.
 */
static uint32_t pc_apic_id_limit(const SMPConfiguration *smp)
{
    int64_t threads = smp->has_threads ? smp->threads : 1;
    int64_t cores = (smp->has_cores ? smp->cores : 1) *
                    (smp->has_clusters ? smp->clusters : 1);
    int64_t dies = smp->has_dies ? smp->dies : 1;
    int64_t last = (smp->has_maxcpus ? smp->maxcpus : smp->cpus) - 1;
    guint tbits = apic_id_bits(threads);
    guint cbits = apic_id_bits(cores);
    guint dbits = apic_id_bits(dies);
    uint64_t id;

    if (last < 0) {
        last = 0;
    }
    id = (uint64_t)(last % threads) |
         (uint64_t)((last / threads) % cores) << tbits |
         (uint64_t)((last / (threads * cores)) % dies) << (tbits + cbits) |
         (uint64_t)(last / (threads * cores * dies)) << (tbits + cbits + dbits);
    return (uint32_t)id + 1;
}

static void e820_append(GByteArray *out, uint64_t addr, uint64_t len,
                        uint32_t type)
{
    uint8_t ent[E820_ENTRY_SIZE];

    for (int i = 0; i < 8; i++) {
        ent[i] = (uint8_t)(addr >> (8 * i));
        ent[8 + i] = (uint8_t)(len >> (8 * i));
    }
    for (int i = 0; i < 4; i++) {
        ent[16 + i] = (uint8_t)(type >> (8 * i));
    }
    g_byte_array_append(out, ent, sizeof(ent));
}

/* etc/e820: le64 address, le64 length, le32 type per entry. */
static GBytes *pc_e820(uint64_t ram_size)
{
    GByteArray *out = g_byte_array_new();
    uint64_t below =
        ram_size >= PC_MAX_RAM_BELOW_4G ? PC_RAM_BELOW_4G_SPLIT : ram_size;

    e820_append(out, PC_AMD_HT_START, PC_AMD_HT_SIZE, E820_RESERVED);
    if (below > 0) {
        e820_append(out, 0, below, E820_RAM);
    }
    if (ram_size > below) {
        e820_append(out, G_GUINT64_CONSTANT(1) << 32, ram_size - below,
                    E820_RAM);
    }
    return g_byte_array_free_to_bytes(out);
}

/* The UUID as fw_cfg key 0x02 carries it: RFC 4122 (string) byte order. */
static GBytes *pc_uuid(const char *uuid, GError **errp)
{
    guint8 wire[16];
    guint8 rfc[16];

    if (!smbios_uuid_parse(uuid, wire, errp)) {
        return NULL;
    }
    /* SMBIOS stores the first three fields little-endian: swap back. */
    for (int i = 0; i < 4; i++) {
        rfc[i] = wire[3 - i];
    }
    rfc[4] = wire[5];
    rfc[5] = wire[4];
    rfc[6] = wire[7];
    rfc[7] = wire[6];
    memcpy(rfc + 8, wire + 8, 8);
    return g_bytes_new(rfc, sizeof(rfc));
}

static bool add_key(FwCfgState *s, uint16_t key, GBytes *data, GError **errp)
{
    g_autoptr(GBytes) owned = data;

    return fw_cfg_add_bytes(s, key, owned, errp);
}

static bool add_file(FwCfgState *s, const char *name, GBytes *data,
                     GError **errp)
{
    g_autoptr(GBytes) owned = data;

    return fw_cfg_add_file(s, name, owned, errp);
}

static bool pc_fw_cfg_add_keys(FwCfgState *s, const MachineProperties *cfg,
                               GError **errp)
{
    uint32_t limit = pc_apic_id_limit(cfg->smp);
    GBytes *uuid = pc_uuid(cfg->uuid, errp);

    if (uuid == NULL) {
        return false;
    }
    /* NUMA: node count 0, then one node id per APIC id, all 0. */
    return add_key(s, FW_CFG_UUID, uuid, errp) &&
           add_key(s, FW_CFG_RAM_SIZE, le_bytes(cfg->memory->size, 8), errp) &&
           add_key(s, FW_CFG_NOGRAPHIC, le_bytes(0, 2), errp) &&
           add_key(s, FW_CFG_NB_CPUS, le_bytes((uint64_t)cfg->smp->cpus, 2),
                   errp) &&
           add_key(s, FW_CFG_MAX_CPUS, le_bytes(limit, 2), errp) &&
           add_key(s, FW_CFG_NUMA,
                   g_bytes_new_take(g_malloc0(8 * ((gsize)limit + 1)),
                                    8 * ((gsize)limit + 1)),
                   errp) &&
           add_key(s, FW_CFG_BOOT_MENU,
                   le_bytes(cfg->boot->has_menu && cfg->boot->menu, 2), errp) &&
           add_key(s, FW_CFG_IRQ0_OVERRIDE, le_bytes(1, 4), errp) &&
           add_key(s, FW_CFG_HPET,
                   g_bytes_new_take(g_malloc0(PC_HPET_FW_CFG_SIZE),
                                    PC_HPET_FW_CFG_SIZE),
                   errp);
}

static bool pc_fw_cfg_add_boot(FwCfgState *s, const MachineProperties *cfg,
                               GError **errp)
{
    const BootConfiguration *boot = cfg->boot;
    int64_t timeout = boot->has_reboot_timeout ? boot->reboot_timeout : -1;

    if (!add_file(s, "bootorder", g_bytes_new(NULL, 0), errp) ||
        !add_file(s, "bios-geometry", g_bytes_new(NULL, 0), errp) ||
        !add_file(s, "etc/boot-fail-wait",
                  le_bytes((uint32_t)(int32_t)timeout, 4), errp)) {
        return false;
    }
    if (boot->has_splash_time &&
        !add_file(s, "etc/boot-menu-wait",
                  le_bytes((uint16_t)boot->splash_time, 2), errp)) {
        return false;
    }
    return add_file(s, "etc/e820", pc_e820(cfg->memory->size), errp) &&
           add_file(
               s, "etc/system-states",
               g_bytes_new_static(pc_system_states, sizeof(pc_system_states)),
               errp) &&
           add_file(s, "etc/tpm/log", g_bytes_new(NULL, 0), errp);
}

static bool pc_fw_cfg_add_tables(FwCfgState *s, const MachineProperties *cfg,
                                 const MachineType *mt, GError **errp)
{
    SmbiosMachineInfo sinfo;
    AcpiMachineInfo ainfo;
    g_auto(AcpiBuildResult) acpi = {0};
    GBytes *tables = NULL;
    GBytes *anchor = NULL;

    smbios_machine_info_pc(&sinfo, mt->name, mt->desc, cfg->memory->size);
    if (!smbios_build(cfg, &sinfo, &tables, &anchor, errp)) {
        return false;
    }
    if (!add_file(s, "etc/smbios/smbios-tables", tables, errp)) {
        g_bytes_unref(anchor);
        return false;
    }
    if (!add_file(s, "etc/smbios/smbios-anchor", anchor, errp)) {
        return false;
    }
    acpi_machine_info_pc(&ainfo);
    if (!acpi_build(cfg, &ainfo, &acpi, errp)) {
        return false;
    }
    return fw_cfg_add_file(s, ACPI_BUILD_TABLES_FILE, acpi.tables, errp) &&
           fw_cfg_add_file(s, ACPI_BUILD_RSDP_FILE, acpi.rsdp, errp) &&
           fw_cfg_add_file(s, ACPI_BUILD_LOADER_FILE, acpi.loader, errp) &&
           fw_cfg_add_bytes(s, FW_CFG_ACPI_TABLES, acpi.legacy_blob, errp);
}

static bool pc_fw_cfg_add_user(FwCfgState *s, const FwCfgItemList *items,
                               GError **errp)
{
    guint index = 0;

    for (const FwCfgItemList *l = items; l != NULL; l = l->next, index++) {
        const FwCfgItem *item = l->value;
        GBytes *data;

        if (item->string != NULL && item->string[0] != '\0') {
            data = g_bytes_new(item->string, strlen(item->string));
        } else if (item->data != NULL) {
            gsize len = 0;
            guchar *raw = g_base64_decode(item->data, &len);

            data = g_bytes_new_take(raw, len);
        } else {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "fw-cfg[%u]: item '%s' has no content", index,
                        item->name);
            return false;
        }
        if (!add_file(s, item->name, data, errp)) {
            g_prefix_error(errp, "fw-cfg[%u]: ", index);
            return false;
        }
    }
    return true;
}

bool pc_fw_cfg_create(Object *machine, const MachineProperties *cfg,
                      GError **errp)
{
    MachineBoard *board = machine_board_get();
    const MachineType *mt;
    g_autoptr(Object) obj = NULL;
    FwCfgState *s;

    g_return_val_if_fail(machine != NULL && cfg != NULL, false);
    g_return_val_if_fail(
        cfg->smp != NULL && cfg->memory != NULL && cfg->boot != NULL, false);

    mt = cfg->type != NULL ? machine_type_find(cfg->type) : NULL;
    if (mt == NULL || !mt->has_fw_cfg || board == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "fw_cfg device not available");
        return false;
    }
    fw_cfg_register_types();
    obj = object_new(TYPE_FW_CFG_IO);
    s = FW_CFG(obj);
    if (!pc_fw_cfg_add_keys(s, cfg, errp) ||
        !pc_fw_cfg_add_boot(s, cfg, errp) ||
        !pc_fw_cfg_add_tables(s, cfg, mt, errp) ||
        !pc_fw_cfg_add_user(s, cfg->fw_cfg, errp)) {
        return false;
    }
    /* The board unparents it (and so unmaps its ports) at cleanup. */
    if (!machine_board_add_child(board, machine, "fw_cfg", obj, errp)) {
        return false;
    }
    return qdev_realize(DEVICE(obj), errp);
}
