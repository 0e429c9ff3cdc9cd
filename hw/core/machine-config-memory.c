/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory member of the configuration: QEMU's rounding of the RAM size
 * and its rules for size, max-size and slots, plus each machine's limits.
 * Everything sized from RAM later (SMBIOS memory devices, e820 entries,
 * RAM blocks) relies on these limits having been checked first.
 */

#include "prelude.h"

#include "machine-config-internal.h"
#include "util/error.h"

#define GiB (G_GUINT64_CONSTANT(1) << 30)

/*
 * The pc-i440fx memory map of QEMU 7.2 (observed through its errors): RAM
 * from 3.5 GiB on keeps only 3 GiB below 4 GiB; the rest starts at
 * 4 GiB.  A larger max-size adds a hotplug area at the next GiB boundary,
 * max-size - size long plus 1 GiB per slot, and the 64-bit PCI window
 * (2 GiB) follows at the next GiB boundary.
 */
#define PC_LOWMEM_SPLIT G_GUINT64_CONSTANT(0xe0000000)
#define PC_LOWMEM_AFTER_SPLIT G_GUINT64_CONSTANT(0xc0000000)
#define PC_HIGHMEM_START (4 * GiB)
#define PC_SLOT_ALIGN GiB
#define PC_PCI_HOLE64_SIZE (2 * GiB)
/*
 * qemu64 is an AMD model: a map that reaches the HyperTransport range
 * moves everything above 4 GiB to 1 TiB, beyond its 40 address bits.
 */
#define PC_AMD_HT_START G_GUINT64_CONSTANT(0xfd00000000)
#define PC_RELOCATED_HIGHMEM_START (G_GUINT64_CONSTANT(1) << 40)
#define PC_PHYS_BITS 40
#define PC_MAX_ADDRESS ((G_GUINT64_CONSTANT(1) << PC_PHYS_BITS) - 1)
/* ACPI memory hotplug describes at most this many slots. */
#define PC_MAX_RAM_SLOTS 256

/*
 * Saturating arithmetic: an address past 2^64 is past every limit, so
 * only its being too large matters, not its exact value.
 */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
    uint64_t r;

    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t align_up(uint64_t value, uint64_t align)
{
    return sat_add(value, align - 1) & ~(align - 1);
}

uint64_t machine_config_ram_size(const MemorySizeConfiguration *mem,
                                 const MachineType *mt)
{
    uint64_t size =
        mem != NULL && mem->has_size ? mem->size : mt->default_ram_size;

    return align_up(size, MACHINE_RAM_ALIGN);
}

/* The last byte of the 64-bit PCI window, RAM above 4 GiB at @highmem. */
static uint64_t pc_last_address(uint64_t size, uint64_t max_size,
                                uint64_t slots, uint64_t highmem)
{
    uint64_t low = size >= PC_LOWMEM_SPLIT ? PC_LOWMEM_AFTER_SPLIT : size;
    uint64_t end = sat_add(highmem, size - low);

    if (max_size > size) {
        uint64_t hotplug =
            sat_add(max_size - size, sat_mul(slots, PC_SLOT_ALIGN));

        end = sat_add(align_up(end, GiB), hotplug);
    }
    return sat_add(align_up(end, GiB), PC_PCI_HOLE64_SIZE - 1);
}

static bool check_pc_memory_map(uint64_t size, uint64_t max_size,
                                uint64_t slots, GError **errp)
{
    const char *path = max_size > size ? "memory.max-size" : "memory.size";
    uint64_t last = pc_last_address(size, max_size, slots, PC_HIGHMEM_START);

    if (last >= PC_AMD_HT_START) {
        last =
            pc_last_address(size, max_size, slots, PC_RELOCATED_HIGHMEM_START);
        if (last > PC_MAX_ADDRESS) {
            return machine_config_fail(errp, path,
                                       "Address space limit 0x%" PRIx64
                                       " < 0x%" PRIx64
                                       " phys-bits too low (%d)",
                                       PC_MAX_ADDRESS, last, PC_PHYS_BITS);
        }
    }
    if (max_size > size && slots > PC_MAX_RAM_SLOTS) {
        return machine_config_fail(
            errp, "memory.slots",
            "unsupported amount of memory slots: %" PRIu64, slots);
    }
    return true;
}

bool machine_config_check_memory(const MemorySizeConfiguration *mem,
                                 const MachineType *mt, GError **errp)
{
    uint64_t size = machine_config_ram_size(mem, mt);
    uint64_t max_size, slots;

    if (mem == NULL) {
        return true;
    }
    max_size = mem->has_max_size ? mem->max_size : size;
    slots = mem->has_slots ? mem->slots : 0;
    if (max_size < size) {
        return machine_config_fail(
            errp, "memory.max-size",
            "invalid value of maxmem: maximum memory size (0x%" PRIx64
            ") must be at least the initial memory size (0x%" PRIx64 ")",
            max_size, size);
    }
    if (slots > 0) {
        if (!mem->has_max_size) {
            return machine_config_fail(errp, "memory.slots",
                                       "slots specified but no max-size");
        }
        if (max_size == size) {
            return machine_config_fail(
                errp, "memory.slots",
                "invalid value of maxmem: memory slots were specified "
                "but maximum memory size (0x%" PRIx64
                ") is equal to the initial memory size (0x%" PRIx64 ")",
                max_size, size);
        }
    }
    if (mt->has_pc_memory_map &&
        !check_pc_memory_map(size, max_size, slots, errp)) {
        return false;
    }
    if (size > mt->max_ram_size) {
        return machine_config_fail(errp, "memory.size",
                                   "ram size 0x%" PRIx64
                                   " is above the 0x%" PRIx64
                                   " bytes this machine supports",
                                   size, mt->max_ram_size);
    }
    return true;
}
