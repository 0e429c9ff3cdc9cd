/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The ACPI content a pc machine publishes through fw_cfg, built the way
 * QEMU publishes it so that SeaBIOS and OVMF install it unchanged:
 *
 *   etc/acpi/tables   FACS, DSDT, FACP, APIC, the user tables, RSDT;
 *                     padded to a multiple of 128 KiB
 *   etc/acpi/rsdp     RSDP revision 0 (20 bytes, OEM "BOCHS ")
 *   etc/table-loader  the linker/loader script: 128-byte commands
 *                     (ALLOCATE, ADD_POINTER, ADD_CHECKSUM), padded
 *                     with empty commands to a multiple of 4 KiB
 *   arch key 0x8000   the legacy blob of user tables
 *
 * Contract:
 * - Pointers between tables hold offsets into etc/acpi/tables; the
 *   loader script tells the firmware to add the blob's final address.
 * - Unlike QEMU, which leaves the checksums of its own tables 0 for the
 *   firmware to compute, every checksum is already valid here (the
 *   loader recomputes them after patching pointers either way).
 * - The tables describe a minimal machine (no HPET, WAET or PCI bus):
 *   the DSDT holds the fw_cfg device (_HID "QEMU0002").
 */

#include "prelude.h"
#include "qapi-types.h"

/* Loader command layout (QEMU's docs/specs, "linker/loader"). */
#define ACPI_LOADER_ENTRY_SIZE 128
#define ACPI_LOADER_FILE_SIZE 56
#define ACPI_LOADER_ALLOCATE 1
#define ACPI_LOADER_ADD_POINTER 2
#define ACPI_LOADER_ADD_CHECKSUM 3
#define ACPI_LOADER_ZONE_HIGH 1
#define ACPI_LOADER_ZONE_FSEG 2

#define ACPI_BUILD_TABLES_FILE "etc/acpi/tables"
#define ACPI_BUILD_RSDP_FILE "etc/acpi/rsdp"
#define ACPI_BUILD_LOADER_FILE "etc/table-loader"
#define ACPI_BUILD_LEGACY_KEY 0x8000

/* Machine facts the tables describe (pc: PIIX4 power management). */
typedef struct AcpiMachineInfo {
    guint16 fw_cfg_io_base; /* 0x510 */
    guint16 pm_io_base;     /* 0x600 */
    guint16 gpe0_io_base;   /* 0xafe0 */
    guint16 sci_irq;        /* 9 */
} AcpiMachineInfo;

/* The four blobs; each (transfer full) once acpi_build() succeeded. */
typedef struct AcpiBuildResult {
    GBytes *tables;
    GBytes *rsdp;
    GBytes *loader;
    GBytes *legacy_blob;
} AcpiBuildResult;

/**
 * acpi_machine_info_pc:
 * @ret: (out): QEMU pc's values
 */
void acpi_machine_info_pc(AcpiMachineInfo *ret);

/**
 * acpi_build:
 * @cfg: (transfer none): a configuration with defaults filled in (the
 *     topology in "smp" resolved)
 * @info: (transfer none): machine facts
 * @ret: (out): set only on success; release with acpi_build_result_clear()
 * @errp: a user table's error, prefixed with its member path
 *
 * Builds everything the pc machine publishes for ACPI.
 *
 * Returns: true on success.
 */
bool acpi_build(const MachineProperties *cfg, const AcpiMachineInfo *info,
                AcpiBuildResult *ret, GError **errp);

/**
 * acpi_build_result_clear:
 * Drops the blobs of @r (which may be partly set or zeroed).
 */
void acpi_build_result_clear(AcpiBuildResult *r);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(AcpiBuildResult, acpi_build_result_clear)
