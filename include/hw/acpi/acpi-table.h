/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * User ACPI tables ("acpitable" configuration items) and the ACPI table
 * header they share with every other table.
 *
 * Contract:
 * - The 36-byte header: signature[4], le32 length, revision, checksum,
 *   oem_id[6], oem_table_id[8], le32 oem_revision, asl_compiler_id[4],
 *   le32 asl_compiler_revision.  A table's bytes sum to 0 mod 256.
 * - A user table is built as QEMU builds it: "data" bodies get QEMU's
 *   default header template, "file" blobs bring their own; every header
 *   field given overrides the template or the file's value; the length
 *   is rewritten to the real size and the checksum recomputed.
 * - Pure functions; warnings are handed back for the caller to report.
 */

#include "prelude.h"
#include "qapi-types.h"

#define ACPI_TABLE_HEADER_SIZE 36
#define ACPI_TABLE_MAX_SIZE 65535
#define ACPI_TABLE_CHECKSUM_OFFSET 9

/**
 * acpi_checksum:
 * Returns: the byte that, stored in a checksum field that holds 0 now,
 * makes the @len bytes at @p sum to 0 mod 256.
 */
guint8 acpi_checksum(const guint8 *p, gsize len);

/**
 * acpi_table_build:
 * @t: (transfer none): one acpitable item, its bytes in @t->blob (base64)
 * @warnings: (nullable): receives char * notices, QEMU's texts ("ACPI
 *     table: no headers are specified", "ACPI table has wrong length,
 *     header says N, actual size M bytes")
 *
 * Returns: (transfer full): the finished table, or NULL with an error for
 * a missing or invalid blob, a "file" table shorter than its header
 * (QEMU's "ACPI table claiming to have header is too short, ..."), a
 * table over 65535 bytes, or a header field longer than its width.
 */
GBytes *acpi_table_build(const AcpiTableConfig *t, GPtrArray *warnings,
                         GError **errp);

/**
 * acpi_user_tables_build:
 * @tables: (nullable) (transfer none): the configuration's acpitable list
 * @warnings: (nullable): as for acpi_table_build()
 *
 * Returns: (transfer full): a GPtrArray of GBytes, one per item in order
 * (empty for none), or NULL with the first item's error prefixed by its
 * member path ("acpitable[1]: ...").
 */
GPtrArray *acpi_user_tables_build(const AcpiTableConfigList *tables,
                                  GPtrArray *warnings, GError **errp);

/**
 * acpi_legacy_blob_build:
 * @tables: (transfer none): GBytes tables as acpi_user_tables_build()
 *     returns them
 *
 * Returns: (transfer full): QEMU's arch fw_cfg item 0x8000 content: le16
 * table count, then le16 size and the bytes of each table.
 */
GBytes *acpi_legacy_blob_build(GPtrArray *tables);
