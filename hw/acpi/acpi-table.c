/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User ACPI tables: from an acpitable configuration item to the finished
 * table bytes (header template or file header, overrides, length and
 * checksum), and QEMU's legacy blob that carries all of them.
 */

#include "prelude.h"

#include <string.h>

#include "hw/acpi/acpi-table.h"
#include "util/error.h"

/* Header field offsets. */
#define HDR_SIG 0
#define HDR_LENGTH 4
#define HDR_REV 8
#define HDR_OEM_ID 10
#define HDR_OEM_TABLE_ID 16
#define HDR_OEM_REV 24
#define HDR_ASL_ID 28
#define HDR_ASL_REV 32

guint8 acpi_checksum(const guint8 *p, gsize len)
{
    guint8 sum = 0;

    for (gsize i = 0; i < len; i++) {
        sum += p[i];
    }
    return -sum;
}

static void put_le32(guint8 *p, guint32 v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p, &v, sizeof(v));
}

static guint32 get_le32(const guint8 *p)
{
    guint32 v;

    memcpy(&v, p, sizeof(v));
    return GUINT32_FROM_LE(v);
}

/* Copies without terminator, zero-padded to the field width, like QEMU. */
static bool set_field(guint8 *hdr, guint off, gsize width, const char *name,
                      const char *value, GError **errp)
{
    gsize len;

    if (value == NULL) {
        return true;
    }
    len = strlen(value);
    if (len > width) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "ACPI table %s '%s' is longer than %zu characters", name,
                    value, width);
        return false;
    }
    memset(hdr + off, 0, width);
    memcpy(hdr + off, value, len);
    return true;
}

static bool has_header_override(const AcpiTableConfig *t)
{
    return t->sig != NULL || t->has_rev || t->oem_id != NULL ||
           t->oem_table_id != NULL || t->has_oem_rev ||
           t->asl_compiler_id != NULL || t->has_asl_compiler_rev;
}

static void fill_template(guint8 *hdr)
{
    memcpy(hdr + HDR_SIG, "QEMU", 4);
    hdr[HDR_REV] = 1;
    memcpy(hdr + HDR_OEM_ID, "QEMUQE", 6);
    memcpy(hdr + HDR_OEM_TABLE_ID, "QEMUQEMU", 8);
    put_le32(hdr + HDR_OEM_REV, 1);
    memcpy(hdr + HDR_ASL_ID, "QEMU", 4);
    put_le32(hdr + HDR_ASL_REV, 1);
}

GBytes *acpi_table_build(const AcpiTableConfig *t, GPtrArray *warnings,
                         GError **errp)
{
    g_autofree guint8 *body = NULL;
    g_autofree guint8 *table = NULL;
    gsize body_len = 0, size;
    bool is_file;

    g_return_val_if_fail(t != NULL, NULL);

    is_file = t->file != NULL;
    if (is_file == (t->data != NULL)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "'-acpitable' requires one of 'data' or 'file'");
        return NULL;
    }
    if (t->blob == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "ACPI table bytes were not loaded");
        return NULL;
    }
    body = g_base64_decode(t->blob, &body_len);
    if (is_file && body_len < ACPI_TABLE_HEADER_SIZE) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "ACPI table claiming to have header is too short, "
                    "available: %zu, expected: %d",
                    body_len, ACPI_TABLE_HEADER_SIZE);
        return NULL;
    }
    size = is_file ? body_len : body_len + ACPI_TABLE_HEADER_SIZE;
    if (size > ACPI_TABLE_MAX_SIZE) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "ACPI table too big, requested: %zu, max: %d", size,
                    ACPI_TABLE_MAX_SIZE);
        return NULL;
    }
    table = g_malloc0(size);
    if (is_file) {
        memcpy(table, body, body_len);
    } else {
        fill_template(table);
        memcpy(table + ACPI_TABLE_HEADER_SIZE, body, body_len);
    }
    if (!set_field(table, HDR_SIG, 4, "signature", t->sig, errp) ||
        !set_field(table, HDR_OEM_ID, 6, "OEM id", t->oem_id, errp) ||
        !set_field(table, HDR_OEM_TABLE_ID, 8, "OEM table id", t->oem_table_id,
                   errp) ||
        !set_field(table, HDR_ASL_ID, 4, "ASL compiler id", t->asl_compiler_id,
                   errp)) {
        return NULL;
    }
    if (t->has_rev) {
        table[HDR_REV] = t->rev;
    }
    if (t->has_oem_rev) {
        put_le32(table + HDR_OEM_REV, t->oem_rev);
    }
    if (t->has_asl_compiler_rev) {
        put_le32(table + HDR_ASL_REV, t->asl_compiler_rev);
    }
    if (warnings != NULL && !is_file && !has_header_override(t)) {
        g_ptr_array_add(warnings,
                        g_strdup("ACPI table: no headers are specified"));
    }
    if (warnings != NULL && is_file && get_le32(table + HDR_LENGTH) != size) {
        g_ptr_array_add(warnings,
                        g_strdup_printf("ACPI table has wrong length, header "
                                        "says %" G_GUINT32_FORMAT
                                        ", actual size %zu bytes",
                                        get_le32(table + HDR_LENGTH), size));
    }
    put_le32(table + HDR_LENGTH, size);
    table[ACPI_TABLE_CHECKSUM_OFFSET] = 0;
    table[ACPI_TABLE_CHECKSUM_OFFSET] = acpi_checksum(table, size);
    return g_bytes_new_take(g_steal_pointer(&table), size);
}

GPtrArray *acpi_user_tables_build(const AcpiTableConfigList *tables,
                                  GPtrArray *warnings, GError **errp)
{
    g_autoptr(GPtrArray) out =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    guint index = 0;

    for (const AcpiTableConfigList *l = tables; l != NULL;
         l = l->next, index++) {
        g_autoptr(GError) err = NULL;
        GBytes *table = acpi_table_build(l->value, warnings, &err);

        if (table == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "acpitable[%u]: %s", index, err->message);
            return NULL;
        }
        g_ptr_array_add(out, table);
    }
    return g_steal_pointer(&out);
}

GBytes *acpi_legacy_blob_build(GPtrArray *tables)
{
    GByteArray *blob = g_byte_array_new();
    guint16 v;

    v = GUINT16_TO_LE(tables->len);
    g_byte_array_append(blob, (const guint8 *)&v, 2);
    for (guint i = 0; i < tables->len; i++) {
        gsize len;
        const guint8 *p = g_bytes_get_data(tables->pdata[i], &len);

        v = GUINT16_TO_LE(len);
        g_byte_array_append(blob, (const guint8 *)&v, 2);
        g_byte_array_append(blob, p, len);
    }
    return g_byte_array_free_to_bytes(blob);
}
