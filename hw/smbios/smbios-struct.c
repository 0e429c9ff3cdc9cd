/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMBIOS byte-level pieces: writing one structure (formatted area plus
 * string set), checking a user-supplied structure, the 2.1 and 3.0 entry
 * points, the UUID wire order and the pc machine's memory layout.
 */

#include "prelude.h"

#include <string.h>

#include "hw/smbios/smbios.h"
#include "smbios-internal.h"
#include "util/error.h"

#define EP21_LEN 31
#define EP30_LEN 24
#define GiB (1ull << 30)

void smbios_struct_begin(SmbiosStruct *s, guint8 type, guint8 len,
                         guint16 handle)
{
    g_assert(len >= SMBIOS_HEADER_LEN && len <= SMBIOS_MAX_FORMATTED);
    memset(s->fmt, 0, sizeof(s->fmt));
    s->len = len;
    s->strings = g_byte_array_new();
    s->n_strings = 0;
    s->fmt[0] = type;
    s->fmt[1] = len;
    smbios_struct_set_u16(s, 2, handle);
}

bool smbios_struct_add_string(SmbiosStruct *s, const char *value,
                              guint8 *ret_index, GError **errp)
{
    if (value == NULL || value[0] == '\0') {
        *ret_index = 0;
        return true;
    }
    if (s->n_strings == 255) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "SMBIOS type %u structure has more than 255 strings",
                    s->fmt[0]);
        return false;
    }
    g_byte_array_append(s->strings, (const guint8 *)value, strlen(value) + 1);
    *ret_index = ++s->n_strings;
    return true;
}

void smbios_struct_set_u8(SmbiosStruct *s, guint off, guint8 v)
{
    g_assert(off < s->len);
    s->fmt[off] = v;
}

void smbios_struct_set_u16(SmbiosStruct *s, guint off, guint16 v)
{
    g_assert(off + 2 <= s->len);
    v = GUINT16_TO_LE(v);
    memcpy(s->fmt + off, &v, sizeof(v));
}

void smbios_struct_set_u32(SmbiosStruct *s, guint off, guint32 v)
{
    g_assert(off + 4 <= s->len);
    v = GUINT32_TO_LE(v);
    memcpy(s->fmt + off, &v, sizeof(v));
}

void smbios_struct_set_u64(SmbiosStruct *s, guint off, guint64 v)
{
    g_assert(off + 8 <= s->len);
    v = GUINT64_TO_LE(v);
    memcpy(s->fmt + off, &v, sizeof(v));
}

void smbios_struct_end(SmbiosStruct *s, SmbiosTableSet *set)
{
    static const guint8 nul[2] = {0, 0};
    gsize start = set->data->len;
    gsize size;

    g_byte_array_append(set->data, s->fmt, s->len);
    if (s->n_strings == 0) {
        /* An empty string set is still two NULs. */
        g_byte_array_append(set->data, nul, 2);
    } else {
        g_byte_array_append(set->data, s->strings->data, s->strings->len);
        g_byte_array_append(set->data, nul, 1);
    }
    size = set->data->len - start;
    set->max_struct = MAX(set->max_struct, size);
    set->count++;
    smbios_struct_clear(s);
}

void smbios_struct_clear(SmbiosStruct *s)
{
    g_clear_pointer(&s->strings, g_byte_array_unref);
    s->n_strings = 0;
}

int smbios_blob_check(const guint8 *p, gsize len, GError **errp)
{
    gsize i;

    if (len < SMBIOS_HEADER_LEN) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "SMBIOS structure is shorter than its 4-byte header");
        return -1;
    }
    if (p[1] < SMBIOS_HEADER_LEN || p[1] > len) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "SMBIOS structure length %u does not fit its %zu bytes",
                    p[1], len);
        return -1;
    }
    for (i = p[1]; i + 1 < len; i++) {
        if (p[i] == 0 && p[i + 1] == 0) {
            break;
        }
    }
    if (i + 1 >= len) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "SMBIOS structure does not end with a double NUL "
                    "terminator");
        return -1;
    }
    if (i + 2 != len) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "SMBIOS structure has %zu trailing bytes", len - (i + 2));
        return -1;
    }
    return p[0];
}

static void put_le16(guint8 *p, guint16 v)
{
    p[0] = v & 0xff;
    p[1] = v >> 8;
}

static void put_le32(guint8 *p, guint32 v)
{
    put_le16(p, v & 0xffff);
    put_le16(p + 2, v >> 16);
}

/*
 * Checksums and the table address stay 0, as QEMU leaves them: the
 * firmware copies the tables to their final place, then fills in the
 * address and both checksums.
 */
GBytes *smbios_entry_point_build(const SmbiosTableSet *set, bool ep64)
{
    guint8 *ep;

    if (ep64) {
        ep = g_malloc0(EP30_LEN);
        memcpy(ep, "_SM3_", 5);
        ep[6] = EP30_LEN;
        ep[7] = 3; /* SMBIOS 3.0 */
        ep[8] = 0;
        ep[9] = 0;  /* docrev */
        ep[10] = 1; /* entry point revision */
        put_le32(ep + 12, set->data->len);
        return g_bytes_new_take(ep, EP30_LEN);
    }
    ep = g_malloc0(EP21_LEN);
    memcpy(ep, "_SM_", 4);
    ep[5] = EP21_LEN;
    ep[6] = 2; /* SMBIOS 2.8 */
    ep[7] = 8;
    put_le16(ep + 8, MIN(set->max_struct, 0xffff));
    memcpy(ep + 16, "_DMI_", 5);
    put_le16(ep + 22, set->data->len);
    put_le16(ep + 28, set->count);
    ep[30] = 0x28; /* BCD revision */
    return g_bytes_new_take(ep, EP21_LEN);
}

bool smbios_uuid_parse(const char *uuid, guint8 ret[16], GError **errp)
{
    guint8 raw[16];
    guint n = 0;

    if (uuid == NULL) {
        memset(ret, 0, 16);
        return true;
    }
    if (!g_uuid_string_is_valid(uuid)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "Invalid UUID '%s'",
                    uuid);
        return false;
    }
    for (const char *p = uuid; *p != '\0' && n < 16; p++) {
        if (*p == '-') {
            continue;
        }
        raw[n++] = g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]);
        p++;
    }
    /* time_low, time_mid and time_hi_and_version go little-endian. */
    ret[0] = raw[3];
    ret[1] = raw[2];
    ret[2] = raw[1];
    ret[3] = raw[0];
    ret[4] = raw[5];
    ret[5] = raw[4];
    ret[6] = raw[7];
    ret[7] = raw[6];
    memcpy(ret + 8, raw + 8, 8);
    return true;
}

void smbios_machine_info_pc(SmbiosMachineInfo *ret, const char *name,
                            const char *desc, uint64_t ram_size)
{
    uint64_t below = ram_size;

    memset(ret, 0, sizeof(*ret));
    ret->machine_name = name;
    ret->machine_desc = desc;
    ret->cpuid_signature = SMBIOS_QEMU64_CPUID_SIGNATURE;
    ret->cpuid_features = SMBIOS_QEMU64_CPUID_FEATURES;
    ret->dimm_size = SMBIOS_PC_DIMM_SIZE;
    /*
     * i440fx keeps the PCI hole below 4 GiB; from 3.5 GiB of RAM on, the
     * low part shrinks to 3 GiB so that the high part starts 1 GiB
     * aligned (QEMU's gigabyte alignment for pc-i440fx-1.7 and newer).
     */
    if (ram_size >= 0xe0000000ull) {
        below = 3 * GiB;
    }
    if (below > 0) {
        ret->regions[ret->n_regions].start = 0;
        ret->regions[ret->n_regions].size = below;
        ret->n_regions++;
    }
    if (ram_size > below) {
        ret->regions[ret->n_regions].start = 4 * GiB;
        ret->regions[ret->n_regions].size = ram_size - below;
        ret->n_regions++;
    }
}
