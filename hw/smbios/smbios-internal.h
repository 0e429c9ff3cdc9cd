/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Private helpers shared by the SMBIOS builder files: the table set under
 * construction and one structure being written.
 */

#include "prelude.h"

#define SMBIOS_HEADER_LEN 4
#define SMBIOS_MAX_FORMATTED 64

/* The concatenated structures and the numbers the entry point needs. */
typedef struct SmbiosTableSet {
    GByteArray *data;
    guint count;
    gsize max_struct;
} SmbiosTableSet;

/* One structure: its formatted area and its string set. */
typedef struct SmbiosStruct {
    guint8 fmt[SMBIOS_MAX_FORMATTED];
    guint8 len;
    GByteArray *strings;
    guint n_strings;
} SmbiosStruct;

/* Starts a structure of @len formatted bytes, zeroed, with its header. */
void smbios_struct_begin(SmbiosStruct *s, guint8 type, guint8 len,
                         guint16 handle);

/*
 * Appends @value to the string set and returns its index, or 0 for NULL
 * or "" (QEMU gives every non-empty string its own index, duplicates
 * included).  Fails past 255 strings.
 */
bool smbios_struct_add_string(SmbiosStruct *s, const char *value,
                              guint8 *ret_index, GError **errp);

void smbios_struct_set_u8(SmbiosStruct *s, guint off, guint8 v);
void smbios_struct_set_u16(SmbiosStruct *s, guint off, guint16 v);
void smbios_struct_set_u32(SmbiosStruct *s, guint off, guint32 v);
void smbios_struct_set_u64(SmbiosStruct *s, guint off, guint64 v);

/* Appends the finished structure to @set and frees its string set. */
void smbios_struct_end(SmbiosStruct *s, SmbiosTableSet *set);

/* Frees the string set of a structure abandoned on an error path. */
void smbios_struct_clear(SmbiosStruct *s);

/*
 * Validates one user-supplied structure (header, formatted length, string
 * set ending in a double NUL, nothing after it) and returns its type.
 */
int smbios_blob_check(const guint8 *p, gsize len, GError **errp);

/* Builds the entry point for a finished table set. */
GBytes *smbios_entry_point_build(const SmbiosTableSet *set, bool ep64);
