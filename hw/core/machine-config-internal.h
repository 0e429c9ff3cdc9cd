/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Shared between the files of the machine configuration: the form of a
 * check error, and the memory member's derived value and rules
 * (machine-config-memory.c), which both the check and the defaults need.
 */

#include "hw/core/machine-type.h"
#include "prelude.h"
#include "qapi-types.h"

/**
 * machine_config_fail:
 * @path: the member the error is about, e.g. "memory.max-size"
 *
 * Sets @errp to "PATH: MESSAGE", the form of every check error.
 *
 * Returns: false, so that a check can "return machine_config_fail(...)".
 */
bool machine_config_fail(GError **errp, const char *path, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* QEMU keeps guest RAM a multiple of 8 KiB, rounding memory.size up. */
#define MACHINE_RAM_ALIGN G_GUINT64_CONSTANT(8192)

/**
 * machine_config_ram_size:
 * @mem: (nullable): the memory member of a configuration
 * @mt: the machine type whose default applies when @mem has no size
 *
 * Returns: the RAM size the machine gets: memory.size or the default,
 * rounded up to MACHINE_RAM_ALIGN (the largest multiple when rounding up
 * would wrap; the check refuses such a size anyway).
 */
uint64_t machine_config_ram_size(const MemorySizeConfiguration *mem,
                                 const MachineType *mt);

/**
 * machine_config_check_memory:
 * @mem: (nullable): the memory member of a configuration
 * @mt: the machine type it is for
 *
 * Checks the member against QEMU's rules, all of them on the rounded
 * size: max-size at least the size, slots only with a larger max-size,
 * then the machine's limits (the pc memory map, the slot count, the
 * largest RAM block).  Constant time, whatever the values.  Errors name
 * the member path, e.g. "memory.max-size: ...".
 *
 * Returns: true when the machine can be built with this memory.
 */
bool machine_config_check_memory(const MemorySizeConfiguration *mem,
                                 const MachineType *mt, GError **errp);
