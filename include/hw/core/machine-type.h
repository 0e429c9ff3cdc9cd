/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The machine types qmpd knows, with the facts the configuration needs
 * about each: defaults, limits and which on-board devices exist.
 */

#include "prelude.h"

typedef struct MachineType {
    const char *name;  /* full, versioned name, e.g. "pc-i440fx-7.2" */
    const char *alias; /* short name, e.g. "pc", or NULL */
    const char
        *qom_type; /* QOM type of /machine, e.g. "pc-i440fx-7.2-machine" */
    const char *desc;
    bool is_default;
    uint64_t default_ram_size;
    /*
     * Largest memory.size (after rounding) the machine accepts: qmpd
     * backs at most 1 TiB of RAM in one block (RAM_BLOCK_MAX_SIZE).
     */
    uint64_t max_ram_size;
    /*
     * RAM, the memory hotplug area and the 64-bit PCI window are placed
     * as QEMU's pc-i440fx does with its qemu64 CPU (40 physical address
     * bits), and must fit there; memory slots stop at 256.
     */
    bool has_pc_memory_map;
    int max_cpus;
    const char *default_boot_order; /* NULL: no boot order */
    const char *default_cpu_model;  /* NULL: no CPU model */
    bool has_fw_cfg;
    bool has_smbios;
    bool has_acpi;
    bool has_rtc;
} MachineType;

/**
 * machine_type_find:
 * @name: a full name or an alias
 *
 * Returns: (transfer none) (nullable): the machine type.
 */
const MachineType *machine_type_find(const char *name);

/**
 * machine_type_lookup:
 * Like machine_type_find(), failing with QEMU's text
 * "unsupported machine type: \"NAME\"" for an unknown name.
 */
const MachineType *machine_type_lookup(const char *name, GError **errp);

/** machine_type_default: Returns: (transfer none): the default type (pc). */
const MachineType *machine_type_default(void);

/**
 * machine_type_print_list:
 * Appends the -M help text ("Supported machines are:" and one line per
 * type, aliases first) to @out.
 */
void machine_type_print_list(GString *out);

/**
 * machine_type_has_fw_cfg_file:
 * Returns: true when @name is a fw_cfg file the machine publishes itself
 * (user items may not reuse it).
 */
bool machine_type_has_fw_cfg_file(const MachineType *mt, const char *name);

/** machine_type_fw_cfg_file_count: files the machine publishes itself. */
guint machine_type_fw_cfg_file_count(const MachineType *mt);

/** machine_type_nth: Returns: (nullable): the @n-th type, for iteration. */
const MachineType *machine_type_nth(guint n);
