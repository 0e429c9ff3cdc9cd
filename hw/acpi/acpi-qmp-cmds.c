/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands of the ACPI tables: query-acpi-tables, which shows the user
 * tables of the current configuration the way the guest will get them.
 */

#include "prelude.h"

#include <string.h>

#include "hw/acpi/acpi-table.h"
#include "hw/core/machine-config.h"
#include "qapi-commands.h"

/* A fixed-width header field, without the NUL padding. */
static char *header_string(const guint8 *p, gsize width)
{
    gsize len = 0;

    while (len < width && p[len] != '\0') {
        len++;
    }
    return g_strndup((const char *)p, len);
}

static guint32 header_le32(const guint8 *p)
{
    guint32 v;

    memcpy(&v, p, sizeof(v));
    return GUINT32_FROM_LE(v);
}

static AcpiTableInfo *table_info(GBytes *table)
{
    gsize len;
    const guint8 *p = g_bytes_get_data(table, &len);
    AcpiTableInfo *info = g_new0(AcpiTableInfo, 1);

    /* acpi_table_build() never returns less than a header. */
    g_assert(len >= ACPI_TABLE_HEADER_SIZE);
    info->signature = header_string(p, 4);
    info->length = header_le32(p + 4);
    info->revision = p[8];
    info->checksum = p[ACPI_TABLE_CHECKSUM_OFFSET];
    info->oem_id = header_string(p + 10, 6);
    info->oem_table_id = header_string(p + 16, 8);
    info->oem_revision = header_le32(p + 24);
    info->asl_compiler_id = header_string(p + 28, 4);
    info->asl_compiler_revision = header_le32(p + 32);
    info->data = g_base64_encode(p, len);
    return info;
}

AcpiTableInfoList *qmp_query_acpi_tables(GError **errp)
{
    const MachineProperties *cfg = machine_config_get();
    g_autoptr(GPtrArray) tables = NULL;
    AcpiTableInfoList *head = NULL, **tail = &head;

    tables = acpi_user_tables_build(cfg->acpitable, NULL, errp);
    if (tables == NULL) {
        return NULL;
    }
    for (guint i = 0; i < tables->len; i++) {
        AcpiTableInfoList *node = g_new0(AcpiTableInfoList, 1);

        node->value = table_info(tables->pdata[i]);
        *tail = node;
        tail = &node->next;
    }
    return head;
}
