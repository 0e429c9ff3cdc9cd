/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * SMBIOS table builder: turns a filled machine configuration into the two
 * fw_cfg files a pc machine publishes, "etc/smbios/smbios-tables" (the
 * structures) and "etc/smbios/smbios-anchor" (the entry point).
 *
 * Contract:
 * - Pure functions: no global state, nothing is published here.  The
 *   input is a configuration with defaults filled in
 *   (machine_config_fill_defaults()); absent optional strings simply
 *   become string index 0.
 * - The bytes follow QEMU 7.2's pc machine (pc-i440fx-7.2): structure
 *   layouts, handles, string order, no string de-duplication, and an entry
 *   point whose checksums and table address are left 0 for the firmware
 *   to fix up once it has placed the tables.  docs/system/firmware-tables.md
 *   lists where qmpd differs on purpose.
 * - Errors use QEMU's texts where QEMU has one.
 */

#include "prelude.h"
#include "qapi-types.h"

/* Most RAM regions a machine describes with type 19 structures. */
#define SMBIOS_MAX_MEM_REGIONS 8

/*
 * CPUID leaf 1 EAX/EDX of QEMU's qemu64 model as TCG reports them (QEMU
 * 7.2, observed through fw_cfg): family 15, model 107, stepping 1.
 */
#define SMBIOS_QEMU64_CPUID_SIGNATURE 0x00060fb1u
#define SMBIOS_QEMU64_CPUID_FEATURES 0x078bfbfdu

/* QEMU 7.2 splits RAM into type 17 "DIMMs" of at most 16 GiB. */
#define SMBIOS_PC_DIMM_SIZE (16ull << 30)

/* Largest table set a 2.1 entry point (and qmpd's pc machine) allows. */
#define SMBIOS_TABLES_MAX_21 0xffffu

typedef struct SmbiosMemRegion {
    uint64_t start;
    uint64_t size;
} SmbiosMemRegion;

/*
 * What the configuration does not say and the machine does.  The strings
 * are borrowed; the struct is a plain value.
 */
typedef struct SmbiosMachineInfo {
    const char *machine_name; /* versioned, e.g. "pc-i440fx-7.2" */
    const char *machine_desc; /* e.g. "Standard PC (i440FX + PIIX, 1996)" */
    SmbiosMemRegion regions[SMBIOS_MAX_MEM_REGIONS]; /* type 19, in order */
    guint n_regions;
    uint32_t cpuid_signature; /* type 4 processor ID when it is 0 */
    uint32_t cpuid_features;
    uint64_t dimm_size; /* type 17 chunk size, > 0 */
} SmbiosMachineInfo;

/**
 * smbios_machine_info_pc:
 * @ret: (out): filled in completely
 * @name: (transfer none): versioned machine type name, kept by pointer
 * @desc: (transfer none): machine description, kept by pointer
 * @ram_size: guest RAM in bytes
 *
 * Describes QEMU's pc-i440fx layout: RAM below 4 GiB up to 3.5 GiB, or
 * only 3 GiB there (1 GiB aligned) once RAM reaches 3.5 GiB, the rest from
 * 4 GiB; the qemu64 CPUID values; 16 GiB DIMMs.
 */
void smbios_machine_info_pc(SmbiosMachineInfo *ret, const char *name,
                            const char *desc, uint64_t ram_size);

/**
 * smbios_build:
 * @cfg: (transfer none): a configuration with defaults filled in; its
 *     "smbios" member must be present
 * @info: (transfer none): machine facts
 * @ret_tables: (out) (transfer full): the structures, user files first,
 *     ending with the type 127 end-of-table structure
 * @ret_anchor: (out) (transfer full): the 31-byte 2.1 ("_SM_") or 24-byte
 *     3.0 ("_SM3_") entry point, chosen by smbios.entry-point-type ("auto"
 *     takes 2.1 when the tables fit its limits)
 * @errp: e.g. "SMBIOS 2.1 table length 70000 exceeds 65535", QEMU's text
 *     for more than 255 cores or threads with a 32-bit entry point, a type
 *     4 file count that differs from the socket count, a malformed file,
 *     or more sockets (over 1024) or 16 GiB memory devices (over 512) than
 *     the structure handles can number
 *
 * Builds the SMBIOS tables.  The outputs are set only on success.  The
 * structure counts that follow values (one type 4 per socket, one type 17
 * per 16 GiB of RAM) are checked before anything is built, so the time
 * and memory a call takes are bounded whatever @cfg holds.
 *
 * Returns: true on success.
 */
bool smbios_build(const MachineProperties *cfg, const SmbiosMachineInfo *info,
                  GBytes **ret_tables, GBytes **ret_anchor, GError **errp);

/**
 * smbios_check_size:
 * @cfg: (transfer none): a configuration with defaults filled in
 *
 * Runs the whole build for the pc machine (name taken from @cfg's "type",
 * RAM from "memory.size") so that machine-set can refuse at set time what
 * the build would refuse later, and enforces that the table set fits in
 * 65535 bytes whatever the entry point type, as the pc firmware needs.
 * Does nothing when @cfg has no "smbios" member.  Errors are the builder's
 * texts prefixed with the member path "smbios: ".
 *
 * Returns: true when the tables can be built.
 */
bool smbios_check_size(const MachineProperties *cfg, GError **errp);

/**
 * smbios_uuid_parse:
 * @uuid: (nullable): a UUID string, NULL for none
 * @ret: (out): 16 bytes in SMBIOS wire order (first three fields
 *     little-endian), all zero when @uuid is NULL
 *
 * Returns: false with an error for a malformed @uuid.
 */
bool smbios_uuid_parse(const char *uuid, guint8 ret[16], GError **errp);
