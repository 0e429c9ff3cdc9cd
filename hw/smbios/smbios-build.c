/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SMBIOS table set of a machine: user files first, then the generated
 * structures in QEMU's order (types 0, 1, 2, 3, 4, 8, 9, 11, 16, 17, 19,
 * 32, 41, 127) with QEMU's handles and field values, and the entry point
 * type the configuration asks for.
 */

#include "prelude.h"

#include <string.h>

#include "hw/smbios/smbios.h"
#include "smbios-internal.h"
#include "util/error.h"

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define TiB (1024ull * 1024ull * MiB)

/* Formatted-area lengths (SMBIOS 2.8 layouts, type 4 also 3.0). */
#define T0_LEN 24
#define T1_LEN 27
#define T2_LEN 15
#define T3_LEN 22
#define T4_LEN_V28 42
#define T4_LEN_V30 48
#define T8_LEN 9
#define T9_LEN 17
#define T11_LEN 5
#define T16_LEN 23
#define T17_LEN 40
#define T19_LEN 31
#define T32_LEN 11
#define T41_LEN 11
#define T127_LEN 4

/* Handles, as QEMU numbers them. */
#define T0_HANDLE 0x0000
#define T1_HANDLE 0x0100
#define T2_HANDLE 0x0200
#define T3_HANDLE 0x0300
#define T4_HANDLE 0x0400
#define T8_HANDLE 0x0000
#define T8_HANDLE_MOVED 0x0800
#define T9_HANDLE 0x0900
#define T11_HANDLE 0x0e00
#define T16_HANDLE 0x1000
#define T17_HANDLE 0x1100
#define T19_HANDLE 0x1300
#define T32_HANDLE 0x2000
#define T41_HANDLE 0x2900
#define T127_HANDLE 0x7f00

/*
 * Type 4 handles run from 0x400 up to where type 8's begin, type 17's
 * from 0x1100 up to where type 19's begin.
 */
#define T4_MAX_COUNT (T8_HANDLE_MOVED - T4_HANDLE)
#define T17_MAX_COUNT (T19_HANDLE - T17_HANDLE)

/* Everything one build needs, so the per-type helpers stay short. */
typedef struct SmbiosBuild {
    const MachineProperties *cfg;
    const SmbiosConfig *s;
    const SmbiosMachineInfo *info;
    SmbiosTableSet set;
    bool ep64;
    bool from_file[256]; /* a user file supplies this type */
    int64_t sockets;
    int64_t cores_per_socket;
    int64_t threads_per_socket;
} SmbiosBuild;

static bool add_str(SmbiosStruct *st, guint off, const char *value,
                    GError **errp)
{
    guint8 index;

    if (!smbios_struct_add_string(st, value, &index, errp)) {
        return false;
    }
    smbios_struct_set_u8(st, off, index);
    return true;
}

/* Adds strings to consecutive (offset, value) pairs; stops at offset 0. */
static bool add_strs(SmbiosStruct *st, GError **errp, ...)
{
    va_list ap;
    bool ok = true;

    va_start(ap, errp);
    for (guint off = va_arg(ap, guint); off != 0 && ok;
         off = va_arg(ap, guint)) {
        ok = add_str(st, off, va_arg(ap, const char *), errp);
    }
    va_end(ap);
    return ok;
}

static bool finish(SmbiosBuild *b, SmbiosStruct *st, bool ok)
{
    if (!ok) {
        smbios_struct_clear(st);
        return false;
    }
    smbios_struct_end(st, &b->set);
    return true;
}

static void parse_release(const char *release, guint8 *major, guint8 *minor)
{
    g_auto(GStrv) parts = NULL;
    guint64 maj = 0, min = 0;

    *major = 0;
    *minor = 0;
    if (release == NULL) {
        return;
    }
    /* Validated at set time ("MAJOR.MINOR", each 0..255). */
    parts = g_strsplit(release, ".", 3);
    if (g_strv_length(parts) == 2 &&
        g_ascii_string_to_unsigned(parts[0], 10, 0, 255, &maj, NULL) &&
        g_ascii_string_to_unsigned(parts[1], 10, 0, 255, &min, NULL)) {
        *major = maj;
        *minor = min;
    }
}

static bool build_type0(SmbiosBuild *b, GError **errp)
{
    const SmbiosType0 *t = b->s->type0;
    SmbiosStruct st;
    guint8 ext2 = 0x04, major, minor;

    if (t == NULL || b->from_file[0]) {
        return true;
    }
    smbios_struct_begin(&st, 0, T0_LEN, T0_HANDLE);
    smbios_struct_set_u16(&st, 6, 0xe800); /* where SeaBIOS starts */
    smbios_struct_set_u64(&st, 10, 0x08);  /* characteristics unsupported */
    if (t->has_uefi && t->uefi) {
        ext2 |= 0x08;
    }
    if (!t->has_vm || t->vm) {
        ext2 |= 0x10;
    }
    smbios_struct_set_u8(&st, 19, ext2);
    parse_release(t->release, &major, &minor);
    smbios_struct_set_u8(&st, 20, major);
    smbios_struct_set_u8(&st, 21, minor);
    smbios_struct_set_u8(&st, 22, 0xff); /* no embedded controller */
    smbios_struct_set_u8(&st, 23, 0xff);
    return finish(
        b, &st,
        add_strs(&st, errp, 4, t->vendor, 5, t->version, 8, t->date, 0));
}

static bool build_type1(SmbiosBuild *b, GError **errp)
{
    const SmbiosType1 *t = b->s->type1;
    SmbiosStruct st;
    guint8 uuid[16];

    if (b->from_file[1]) {
        return true;
    }
    if (!smbios_uuid_parse(b->cfg->uuid, uuid, errp)) {
        return false;
    }
    smbios_struct_begin(&st, 1, T1_LEN, T1_HANDLE);
    memcpy(st.fmt + 8, uuid, sizeof(uuid));
    smbios_struct_set_u8(&st, 24, 0x06); /* woken by power switch */
    if (t == NULL) {
        return finish(b, &st,
                      add_strs(&st, errp, 4, "QEMU", 5, b->info->machine_desc,
                               6, b->info->machine_name, 0));
    }
    return finish(b, &st,
                  add_strs(&st, errp, 4, t->manufacturer, 5, t->product, 6,
                           t->version, 7, t->serial, 25, t->sku, 26, t->family,
                           0));
}

static bool build_type2(SmbiosBuild *b, GError **errp)
{
    const SmbiosType2 *t = b->s->type2;
    SmbiosStruct st;

    if (t == NULL || b->from_file[2]) {
        return true;
    }
    smbios_struct_begin(&st, 2, T2_LEN, T2_HANDLE);
    smbios_struct_set_u8(&st, 9, 0x01); /* hosting board */
    smbios_struct_set_u16(&st, 11, T3_HANDLE);
    smbios_struct_set_u8(&st, 13, 0x0a); /* motherboard */
    return finish(b, &st,
                  add_strs(&st, errp, 4, t->manufacturer, 5, t->product, 6,
                           t->version, 7, t->serial, 8, t->asset, 10,
                           t->location, 0));
}

static bool build_type3(SmbiosBuild *b, GError **errp)
{
    const SmbiosType3 *t = b->s->type3;
    SmbiosStruct st;

    if (b->from_file[3]) {
        return true;
    }
    smbios_struct_begin(&st, 3, T3_LEN, T3_HANDLE);
    smbios_struct_set_u8(&st, 5, 0x01);  /* other */
    smbios_struct_set_u8(&st, 9, 0x03);  /* boot-up state safe */
    smbios_struct_set_u8(&st, 10, 0x03); /* power supply safe */
    smbios_struct_set_u8(&st, 11, 0x03); /* thermal safe */
    smbios_struct_set_u8(&st, 12, 0x02); /* security unknown */
    if (t == NULL) {
        return finish(
            b, &st,
            add_strs(&st, errp, 4, "QEMU", 6, b->info->machine_name, 0));
    }
    return finish(b, &st,
                  add_strs(&st, errp, 4, t->manufacturer, 6, t->version, 7,
                           t->serial, 8, t->asset, 21, t->sku, 0));
}

static bool build_type4_one(SmbiosBuild *b, const SmbiosType4 *t,
                            int64_t socket, GError **errp)
{
    SmbiosStruct st;
    uint64_t id = t->processor_id;
    uint16_t family = t->has_processor_family ? t->processor_family : 1;
    g_autofree char *sock = NULL;
    const char *version = t->version;

    smbios_struct_begin(&st, 4, b->ep64 ? T4_LEN_V30 : T4_LEN_V28,
                        T4_HANDLE + socket);
    smbios_struct_set_u8(&st, 5, 0x03); /* central processor */
    /* Family codes from 0xfe up live only in the family 2 word. */
    smbios_struct_set_u8(&st, 6, family < 0xfe ? family : 0xfe);
    if (id == 0) {
        id = (uint64_t)b->info->cpuid_features << 32 | b->info->cpuid_signature;
    }
    smbios_struct_set_u64(&st, 8, id);
    smbios_struct_set_u16(&st, 20, t->has_max_speed ? t->max_speed : 2000);
    smbios_struct_set_u16(&st, 22,
                          t->has_current_speed ? t->current_speed : 2000);
    smbios_struct_set_u8(&st, 24, 0x41);    /* populated, enabled */
    smbios_struct_set_u8(&st, 25, 0x01);    /* upgrade: other */
    smbios_struct_set_u16(&st, 26, 0xffff); /* no cache structures */
    smbios_struct_set_u16(&st, 28, 0xffff);
    smbios_struct_set_u16(&st, 30, 0xffff);
    smbios_struct_set_u8(&st, 35, MIN(b->cores_per_socket, 0xff));
    smbios_struct_set_u8(&st, 36, MIN(b->cores_per_socket, 0xff));
    smbios_struct_set_u8(&st, 37, MIN(b->threads_per_socket, 0xff));
    smbios_struct_set_u16(&st, 38, 0x02); /* characteristics unknown */
    smbios_struct_set_u16(&st, 40, family);
    if (b->ep64) {
        smbios_struct_set_u16(&st, 42, MIN(b->cores_per_socket, 0xffff));
        smbios_struct_set_u16(&st, 44, MIN(b->cores_per_socket, 0xffff));
        smbios_struct_set_u16(&st, 46, MIN(b->threads_per_socket, 0xffff));
    }
    /* QEMU prints the socket number in hex, padded to two columns. */
    sock = g_strdup_printf("%s%2" G_GINT64_MODIFIER "x",
                           t->sock_pfx != NULL ? t->sock_pfx : "CPU", socket);
    if (version == NULL) {
        version = b->info->machine_name;
    }
    return finish(b, &st,
                  add_strs(&st, errp, 4, sock, 7,
                           t->manufacturer != NULL ? t->manufacturer : "QEMU",
                           16, version, 32, t->serial, 33, t->asset, 34,
                           t->part, 0));
}

static bool build_type4(SmbiosBuild *b, GError **errp)
{
    static const SmbiosType4 empty;
    const SmbiosType4 *t = b->s->type4 != NULL ? b->s->type4 : &empty;

    if (b->from_file[4]) {
        return true;
    }
    /* One structure per socket: bounded before the loop, as for type 17. */
    if (b->sockets > T4_MAX_COUNT) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "%" G_GINT64_FORMAT
                    " sockets need more SMBIOS processor structures than "
                    "the %u that fit between handles 0x%x and 0x%x",
                    b->sockets, T4_MAX_COUNT, T4_HANDLE, T8_HANDLE_MOVED);
        return false;
    }
    for (int64_t i = 0; i < b->sockets; i++) {
        if (!build_type4_one(b, t, i, errp)) {
            return false;
        }
    }
    return true;
}

static bool build_type8(SmbiosBuild *b, GError **errp)
{
    guint handle = T8_HANDLE, i = 0;

    if (b->from_file[8]) {
        return true;
    }
    /*
     * QEMU numbers type 8 from 0, which collides with type 0's handle;
     * qmpd moves them out of the way only when type 0 is present.
     */
    if (b->s->type0 != NULL && !b->from_file[0]) {
        handle = T8_HANDLE_MOVED;
    }
    for (SmbiosType8List *l = b->s->type8; l != NULL; l = l->next, i++) {
        const SmbiosType8 *t = l->value;
        SmbiosStruct st;

        smbios_struct_begin(&st, 8, T8_LEN, handle + i);
        smbios_struct_set_u8(&st, 7, t->connector_type);
        smbios_struct_set_u8(&st, 8, t->port_type);
        if (!finish(b, &st,
                    add_strs(&st, errp, 4, t->internal_reference, 6,
                             t->external_reference, 0))) {
            return false;
        }
    }
    return true;
}

static bool no_pci_device(int type, const char *pcidev, const char *name,
                          GError **errp)
{
    /* qmpd's machines have no PCI devices a table could point at yet. */
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "No PCI device %s for SMBIOS type %d entry %s", pcidev, type,
                name != NULL ? name : "");
    return false;
}

static bool build_type9(SmbiosBuild *b, GError **errp)
{
    guint i = 0;

    if (b->from_file[9]) {
        return true;
    }
    for (SmbiosType9List *l = b->s->type9; l != NULL; l = l->next, i++) {
        const SmbiosType9 *t = l->value;
        SmbiosStruct st;

        if (t->pcidev != NULL) {
            return no_pci_device(9, t->pcidev, t->slot_designation, errp);
        }
        smbios_struct_begin(&st, 9, T9_LEN, T9_HANDLE + i);
        smbios_struct_set_u8(&st, 5, t->slot_type);
        smbios_struct_set_u8(&st, 6, t->slot_data_bus_width);
        smbios_struct_set_u8(&st, 7, t->current_usage);
        smbios_struct_set_u8(&st, 8, t->slot_length);
        smbios_struct_set_u16(&st, 9, t->slot_id);
        smbios_struct_set_u8(&st, 11, t->slot_characteristics1);
        smbios_struct_set_u8(&st, 12, t->slot_characteristics2);
        /* No PCI address: the spec's "not applicable" values. */
        smbios_struct_set_u16(&st, 13, 0xffff);
        smbios_struct_set_u8(&st, 15, 0xff);
        smbios_struct_set_u8(&st, 16, 0xff);
        if (!finish(b, &st, add_str(&st, 4, t->slot_designation, errp))) {
            return false;
        }
    }
    return true;
}

static bool build_type11(SmbiosBuild *b, GError **errp)
{
    SmbiosStruct st;
    guint8 index = 0;

    if (b->s->type11 == NULL || b->s->type11->values == NULL ||
        b->from_file[11]) {
        return true;
    }
    smbios_struct_begin(&st, 11, T11_LEN, T11_HANDLE);
    for (strList *l = b->s->type11->values; l != NULL; l = l->next) {
        if (!smbios_struct_add_string(&st, l->value, &index, errp)) {
            smbios_struct_clear(&st);
            return false;
        }
    }
    smbios_struct_set_u8(&st, 4, index);
    return finish(b, &st, true);
}

static uint64_t ram_size(const SmbiosBuild *b)
{
    const MemorySizeConfiguration *mem = b->cfg->memory;

    return mem != NULL && mem->has_size ? mem->size : 0;
}

static uint64_t dimm_count(const SmbiosBuild *b)
{
    uint64_t size = ram_size(b), dimm = b->info->dimm_size;

    /* Rounded up without adding to @size, which may be near 2^64. */
    return size / dimm + (size % dimm != 0);
}

static bool build_type16(SmbiosBuild *b, GError **errp)
{
    SmbiosStruct st;
    uint64_t size = ram_size(b);

    if (b->from_file[16]) {
        return true;
    }
    smbios_struct_begin(&st, 16, T16_LEN, T16_HANDLE);
    smbios_struct_set_u8(&st, 4, 0x01); /* location other */
    smbios_struct_set_u8(&st, 5, 0x03); /* system memory */
    smbios_struct_set_u8(&st, 6, 0x06); /* multi-bit ECC */
    if (size < 2 * TiB) {
        smbios_struct_set_u32(&st, 7, size / KiB);
    } else {
        smbios_struct_set_u32(&st, 7, 0x80000000u);
        smbios_struct_set_u64(&st, 15, size);
    }
    smbios_struct_set_u16(&st, 11, 0xfffe); /* no error information */
    smbios_struct_set_u16(&st, 13, MIN(dimm_count(b), 0xffff));
    return finish(b, &st, true);
}

static bool build_type17(SmbiosBuild *b, GError **errp)
{
    const SmbiosType17 *t = b->s->type17;
    static const SmbiosType17 empty;
    uint64_t n = dimm_count(b), size = ram_size(b);

    if (b->from_file[17]) {
        return true;
    }
    /*
     * One structure per DIMM, so the RAM size sets the trip count: refuse
     * before the loop what the handle range cannot number.  The machine
     * limits keep real configurations far below this.
     */
    if (n > T17_MAX_COUNT) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "RAM size 0x%" PRIx64 " needs %" PRIu64
                    " SMBIOS memory devices, more than the %u that fit "
                    "between handles 0x%x and 0x%x",
                    size, n, T17_MAX_COUNT, T17_HANDLE, T19_HANDLE);
        return false;
    }
    if (t == NULL) {
        t = &empty;
    }
    for (uint64_t i = 0; i < n; i++) {
        SmbiosStruct st;
        uint64_t chunk = i + 1 < n ? b->info->dimm_size
                                   : (size - 1) % b->info->dimm_size + 1;
        uint64_t mb = (chunk + MiB - 1) / MiB;
        g_autofree char *loc =
            g_strdup_printf("%s %" G_GUINT64_FORMAT,
                            t->loc_pfx != NULL ? t->loc_pfx : "DIMM", i);

        smbios_struct_begin(&st, 17, T17_LEN, T17_HANDLE + i);
        smbios_struct_set_u16(&st, 4, T16_HANDLE);
        smbios_struct_set_u16(&st, 6, 0xfffe); /* no error information */
        smbios_struct_set_u16(&st, 8, 0xffff); /* widths unknown */
        smbios_struct_set_u16(&st, 10, 0xffff);
        if (mb < 0x7fff) {
            smbios_struct_set_u16(&st, 12, mb);
        } else {
            smbios_struct_set_u16(&st, 12, 0x7fff);
            smbios_struct_set_u32(&st, 28, mb);
        }
        smbios_struct_set_u8(&st, 14, 0x09);  /* DIMM */
        smbios_struct_set_u8(&st, 18, 0x07);  /* RAM */
        smbios_struct_set_u16(&st, 19, 0x02); /* detail: other */
        smbios_struct_set_u16(&st, 21, t->speed);
        smbios_struct_set_u16(&st, 32, t->speed);
        if (!finish(b, &st,
                    add_strs(&st, errp, 16, loc, 17, t->bank, 23,
                             t->manufacturer != NULL ? t->manufacturer : "QEMU",
                             24, t->serial, 25, t->asset, 26, t->part, 0))) {
            return false;
        }
    }
    return true;
}

static bool build_type19(SmbiosBuild *b, GError **errp)
{
    if (b->from_file[19]) {
        return true;
    }
    for (guint i = 0; i < b->info->n_regions; i++) {
        uint64_t start = b->info->regions[i].start;
        uint64_t end = start + b->info->regions[i].size - 1;
        SmbiosStruct st;

        smbios_struct_begin(&st, 19, T19_LEN, T19_HANDLE + i);
        if (start / KiB < G_MAXUINT32 && end / KiB < G_MAXUINT32) {
            smbios_struct_set_u32(&st, 4, start / KiB);
            smbios_struct_set_u32(&st, 8, end / KiB);
        } else {
            /* Beyond 4 TiB only the extended byte addresses work. */
            smbios_struct_set_u32(&st, 4, G_MAXUINT32);
            smbios_struct_set_u32(&st, 8, G_MAXUINT32);
            smbios_struct_set_u64(&st, 15, start);
            smbios_struct_set_u64(&st, 23, end);
        }
        smbios_struct_set_u16(&st, 12, T16_HANDLE);
        smbios_struct_set_u8(&st, 14, 1); /* partition width */
        if (!finish(b, &st, true)) {
            return false;
        }
    }
    return true;
}

static bool build_simple(SmbiosBuild *b, guint8 type, guint8 len,
                         guint16 handle)
{
    SmbiosStruct st;

    if (b->from_file[type]) {
        return true;
    }
    smbios_struct_begin(&st, type, len, handle);
    return finish(b, &st, true);
}

static bool build_type41(SmbiosBuild *b, GError **errp)
{
    guint i = 0;

    if (b->from_file[41]) {
        return true;
    }
    for (SmbiosType41List *l = b->s->type41; l != NULL; l = l->next, i++) {
        const SmbiosType41 *t = l->value;
        SmbiosStruct st;
        guint8 kind = t->has_kind ? t->kind + 1 : 1;

        if (t->pcidev != NULL) {
            return no_pci_device(41, t->pcidev, t->designation, errp);
        }
        smbios_struct_begin(&st, 41, T41_LEN, T41_HANDLE + i);
        /* Bit 7 marks the device enabled; kinds count from 1. */
        smbios_struct_set_u8(&st, 5, 0x80 | kind);
        smbios_struct_set_u8(&st, 6, t->has_instance ? t->instance : 1);
        if (!finish(b, &st, add_str(&st, 4, t->designation, errp))) {
            return false;
        }
    }
    return true;
}

static bool add_user_files(SmbiosBuild *b, GError **errp)
{
    guint index = 0, type4 = 0;

    for (FileDataList *l = b->s->files; l != NULL; l = l->next, index++) {
        g_autofree guint8 *raw = NULL;
        gsize len = 0;
        g_autoptr(GError) err = NULL;
        int type;

        if (l->value->data == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "SMBIOS file %u has no data", index);
            return false;
        }
        raw = g_base64_decode(l->value->data, &len);
        type = smbios_blob_check(raw, len, &err);
        if (type < 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "SMBIOS file %u: %s", index, err->message);
            return false;
        }
        b->from_file[type] = true;
        type4 += type == 4;
        g_byte_array_append(b->set.data, raw, len);
        b->set.count++;
        b->set.max_struct = MAX(b->set.max_struct, len);
    }
    if (type4 > 0 && type4 != b->sockets) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Expected %" G_GINT64_FORMAT
                    " SMBIOS Type 4 tables, got %u instead",
                    b->sockets, type4);
        return false;
    }
    return true;
}

static void topology(SmbiosBuild *b)
{
    const SMPConfiguration *smp = b->cfg->smp;
    int64_t dies = 1, clusters = 1, cores = 1, threads = 1;

    b->sockets = 1;
    if (smp != NULL) {
        b->sockets = smp->has_sockets ? smp->sockets : 1;
        dies = smp->has_dies ? smp->dies : 1;
        clusters = smp->has_clusters ? smp->clusters : 1;
        cores = smp->has_cores ? smp->cores : 1;
        threads = smp->has_threads ? smp->threads : 1;
    }
    b->cores_per_socket = dies * clusters * cores;
    b->threads_per_socket = b->cores_per_socket * threads;
}

/* One pass over every structure for the given entry point type. */
static bool build_set(SmbiosBuild *b, bool ep64, GError **errp)
{
    b->ep64 = ep64;
    g_clear_pointer(&b->set.data, g_byte_array_unref);
    b->set.data = g_byte_array_new();
    b->set.count = 0;
    b->set.max_struct = 0;
    memset(b->from_file, 0, sizeof(b->from_file));

    return add_user_files(b, errp) && build_type0(b, errp) &&
           build_type1(b, errp) && build_type2(b, errp) &&
           build_type3(b, errp) && build_type4(b, errp) &&
           build_type8(b, errp) && build_type9(b, errp) &&
           build_type11(b, errp) && build_type16(b, errp) &&
           build_type17(b, errp) && build_type19(b, errp) &&
           build_simple(b, 32, T32_LEN, T32_HANDLE) && build_type41(b, errp) &&
           build_simple(b, 127, T127_LEN, T127_HANDLE);
}

/* Whether a 2.1 entry point can describe the set just built. */
static bool fits_21(const SmbiosBuild *b, GError **errp)
{
    if (b->cores_per_socket > 255 || b->threads_per_socket > 255) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "SMBIOS 2.0 doesn't support number of processor "
                    "cores/threads more than 255, use -machine "
                    "smbios-entry-point-type=64 option to enable SMBIOS 3.0 "
                    "support");
        return false;
    }
    if (b->set.data->len > SMBIOS_TABLES_MAX_21) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "SMBIOS 2.1 table length %u exceeds 65535",
                    b->set.data->len);
        return false;
    }
    return true;
}

bool smbios_build(const MachineProperties *cfg, const SmbiosMachineInfo *info,
                  GBytes **ret_tables, GBytes **ret_anchor, GError **errp)
{
    SmbiosBuild b = {.cfg = cfg, .s = cfg->smbios, .info = info};
    SmbiosEntryPointType ep = SMBIOS_ENTRY_POINT_TYPE_AUTO;
    bool ok;

    g_return_val_if_fail(cfg != NULL && cfg->smbios != NULL, false);
    g_return_val_if_fail(info != NULL && info->dimm_size > 0, false);
    g_return_val_if_fail(ret_tables != NULL && ret_anchor != NULL, false);

    if (cfg->smbios->has_entry_point_type) {
        ep = cfg->smbios->entry_point_type;
    }
    topology(&b);
    ok = build_set(&b, ep == SMBIOS_ENTRY_POINT_TYPE_64, errp);
    if (ok && ep == SMBIOS_ENTRY_POINT_TYPE_32) {
        ok = fits_21(&b, errp);
    } else if (ok && ep == SMBIOS_ENTRY_POINT_TYPE_AUTO && !fits_21(&b, NULL)) {
        /* "auto" falls back to 3.0, whose type 4 layout is longer. */
        ok = build_set(&b, true, errp);
    }
    if (!ok) {
        g_clear_pointer(&b.set.data, g_byte_array_unref);
        return false;
    }
    *ret_anchor = smbios_entry_point_build(&b.set, b.ep64);
    *ret_tables = g_byte_array_free_to_bytes(b.set.data);
    return true;
}

bool smbios_check_size(const MachineProperties *cfg, GError **errp)
{
    SmbiosMachineInfo info;
    g_autoptr(GBytes) tables = NULL;
    g_autoptr(GBytes) anchor = NULL;
    g_autoptr(GError) err = NULL;
    const char *name = cfg->type != NULL ? cfg->type : "pc";

    g_return_val_if_fail(cfg != NULL, false);

    if (cfg->smbios == NULL) {
        return true;
    }
    smbios_machine_info_pc(&info, name, name,
                           cfg->memory != NULL ? cfg->memory->size : 0);
    if (!smbios_build(cfg, &info, &tables, &anchor, &err)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "smbios: %s",
                    err->message);
        return false;
    }
    if (g_bytes_get_size(tables) > SMBIOS_TABLES_MAX_21) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "smbios: SMBIOS table length %zu exceeds 65535",
                    g_bytes_get_size(tables));
        return false;
    }
    return true;
}
