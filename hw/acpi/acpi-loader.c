/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The linker/loader script ("etc/table-loader"): fixed 128-byte commands
 * telling the firmware where to place fw_cfg blobs, which pointers inside
 * them to relocate and which checksums to fix afterwards.
 */

#include "prelude.h"

#include <string.h>

#include "acpi-internal.h"
#include "hw/acpi/acpi-build.h"

#define LOADER_ALIGN 4096

static guint8 *new_entry(GByteArray *loader, guint32 command)
{
    guint8 *e;
    guint32 v = GUINT32_TO_LE(command);

    g_byte_array_set_size(loader, loader->len + ACPI_LOADER_ENTRY_SIZE);
    e = loader->data + loader->len - ACPI_LOADER_ENTRY_SIZE;
    memset(e, 0, ACPI_LOADER_ENTRY_SIZE);
    memcpy(e, &v, 4);
    return e;
}

static void put_name(guint8 *p, const char *file)
{
    /* The last byte of the field stays NUL. */
    g_assert(strlen(file) < ACPI_LOADER_FILE_SIZE);
    memcpy(p, file, strlen(file));
}

static void put_le32(guint8 *p, guint32 v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p, &v, 4);
}

void acpi_loader_allocate(GByteArray *loader, const char *file, guint32 align,
                          guint8 zone)
{
    guint8 *e = new_entry(loader, ACPI_LOADER_ALLOCATE);

    put_name(e + 4, file);
    put_le32(e + 60, align);
    e[64] = zone;
}

void acpi_loader_add_pointer(GByteArray *loader, const char *dest,
                             const char *src, guint32 offset, guint8 size)
{
    guint8 *e = new_entry(loader, ACPI_LOADER_ADD_POINTER);

    put_name(e + 4, dest);
    put_name(e + 60, src);
    put_le32(e + 116, offset);
    e[120] = size;
}

void acpi_loader_add_checksum(GByteArray *loader, const char *file,
                              guint32 offset, guint32 start, guint32 length)
{
    guint8 *e = new_entry(loader, ACPI_LOADER_ADD_CHECKSUM);

    put_name(e + 4, file);
    put_le32(e + 60, offset);
    put_le32(e + 64, start);
    put_le32(e + 68, length);
}

GBytes *acpi_loader_finish(GByteArray *loader)
{
    guint used = loader->len;
    guint len = (used + LOADER_ALIGN - 1) / LOADER_ALIGN * LOADER_ALIGN;

    /* Command 0 is skipped by the firmware, so zero padding is inert. */
    if (len == 0) {
        len = LOADER_ALIGN;
    }
    g_byte_array_set_size(loader, len);
    memset(loader->data + used, 0, len - used);
    return g_byte_array_free_to_bytes(loader);
}
