/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Private helpers of the ACPI builder: the linker/loader script writer.
 */

#include "prelude.h"

/* Appends an ALLOCATE command: @file goes to @zone, aligned to @align. */
void acpi_loader_allocate(GByteArray *loader, const char *file, guint32 align,
                          guint8 zone);

/*
 * Appends an ADD_POINTER command: the @size-byte little-endian value at
 * @offset in @dest gets the address of @src added to it.
 */
void acpi_loader_add_pointer(GByteArray *loader, const char *dest,
                             const char *src, guint32 offset, guint8 size);

/*
 * Appends an ADD_CHECKSUM command: the byte at @offset in @file is fixed
 * so that the @length bytes from @start sum to 0.
 */
void acpi_loader_add_checksum(GByteArray *loader, const char *file,
                              guint32 offset, guint32 start, guint32 length);

/* Pads the script with empty (ignored) commands to a multiple of 4 KiB. */
GBytes *acpi_loader_finish(GByteArray *loader);
