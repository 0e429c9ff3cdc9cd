/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Private glue between the region tree (memory.c) and the access path
 * (memory-dispatch.c): the region and address-space structures and the
 * flat view.
 */

#include "prelude.h"
#include "system/memory.h"

typedef enum MemoryRegionKind {
    MR_KIND_CONTAINER,
    MR_KIND_IO,
    MR_KIND_RAM,
    MR_KIND_ALIAS,
} MemoryRegionKind;

struct MemoryRegion {
    guint ref;
    char *name;
    MemoryRegionKind kind;
    uint64_t size; /* UINT64_MAX: the whole space */
    bool enabled;
    bool readonly;
    /* io */
    const MemoryRegionOps *ops;
    void *opaque;
    /* ram */
    RamBlock *block;
    uint8_t *host;
    /* alias */
    MemoryRegion *alias;
    uint64_t alias_offset;
    /* placement in a container */
    MemoryRegion *container;
    uint64_t addr;
    int priority;
    /* container: render order (priority descending, newest first) */
    GPtrArray *subregions;
};

/* One piece of the flat view: AS addresses [start, last] show @mr. */
typedef struct FlatRange {
    uint64_t start;
    uint64_t last;
    MemoryRegion *mr; /* a leaf (RAM or I/O); no reference held */
    uint64_t offset;  /* offset in @mr of @start */
} FlatRange;

struct AddressSpace {
    char *name;
    MemoryRegion *root;
    uint8_t fill;
    GArray *flat; /* FlatRange, sorted by start */
    uint64_t flat_generation;
};

/**
 * memory_flat_view:
 * Returns: (transfer none): the current flat view of @as, rebuilt when the
 * region tree changed since it was last built.  Valid until the next
 * change of any region tree.
 */
GArray *memory_flat_view(AddressSpace *as);

/**
 * memory_flat_lookup:
 * @ret_next: (out): when no range holds @addr, the start of the next range
 *            above it, or 0 when there is none (0 cannot follow @addr)
 *
 * Returns: (transfer none) (nullable): the range holding @addr.
 */
const FlatRange *memory_flat_lookup(GArray *flat, uint64_t addr,
                                    uint64_t *ret_next);

/** memory_region_last: Returns: the region's last offset (size - 1). */
static inline uint64_t memory_region_last(const MemoryRegion *mr)
{
    return mr->size == MEMORY_REGION_SIZE_FULL ? UINT64_MAX : mr->size - 1;
}
