/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Memory regions and address spaces: what a guest (or qtest, or a later
 * accelerator's MMIO/PIO exits) reaches at a physical address.
 *
 * Contract:
 * - A MemoryRegion is RAM (host memory from a RamBlock), I/O (read/write
 *   callbacks), a container (subregions only) or an alias (a window onto
 *   another region).  Regions are reference counted; a container holds a
 *   reference to each subregion, an alias to the region it shows.
 * - Subregions sit at an offset in their container with a priority.
 *   Where they overlap, the higher priority wins; at equal priority the
 *   one added last wins.  Space a container leaves empty shows whatever a
 *   lower-priority sibling of the container puts there.
 * - An AddressSpace looks at a root region through a flat view, a sorted
 *   list of non-overlapping ranges that is rebuilt lazily after any
 *   change of the region tree.  Lookups are a binary search.
 * - Bytes cross the API in guest memory order; the target (x86) is
 *   little-endian.  An access to an I/O region is cut into pieces the
 *   region accepts (MemoryRegionOps.valid), then each piece is widened or
 *   split into the sizes the callbacks implement (MemoryRegionOps.impl),
 *   as QEMU's memory core does:
 *     1. piece size = largest power of two <= the remaining length, at
 *        most valid.max_access_size and, unless valid.unaligned, at most
 *        the natural alignment of the address;
 *     2. a piece smaller than valid.min_access_size, or misaligned when
 *        !valid.unaligned, is invalid: reads give the address space's
 *        unassigned value, writes are dropped;
 *     3. a valid piece of size S is performed with callbacks of size
 *        clamp(S, impl.min, impl.max) at consecutive addresses (a wider
 *        callback's extra bytes are dropped on read and zero on write).
 *   Values passed to callbacks are in the region's endianness.
 * - Unassigned addresses read as the address space's fill byte (QEMU:
 *   0x00 for system memory, 0xff for the x86 I/O ports) and ignore writes.
 * - Writes to RAM through an address space set the RamBlock's dirty bits.
 * - Everything runs on the main thread; callbacks may change the region
 *   tree (the change takes effect at the next access).
 */

#include "prelude.h"
#include "system/ram.h"

typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;

/* A region of UINT64_MAX bytes spans the whole 64-bit space. */
#define MEMORY_REGION_SIZE_FULL UINT64_MAX

typedef enum DeviceEndian {
    DEVICE_NATIVE_ENDIAN, /* the target's: little-endian on x86 */
    DEVICE_LITTLE_ENDIAN,
    DEVICE_BIG_ENDIAN,
} DeviceEndian;

typedef enum MemTxResult {
    MEMTX_OK,
    /* some byte hit no region (it read as the fill value) */
    MEMTX_DECODE_ERROR,
    /* some piece broke the region's access rules and was dropped */
    MEMTX_ACCESS_ERROR,
} MemTxResult;

typedef struct MemoryAccessRules {
    unsigned min_access_size; /* bytes; 0 means 1 */
    unsigned max_access_size; /* bytes; 0 means 4 */
    bool unaligned;
} MemoryAccessRules;

typedef struct MemoryRegionOps {
    /* @addr is relative to the region; @size is 1, 2, 4 or 8. */
    uint64_t (*read)(void *opaque, uint64_t addr, unsigned size);
    void (*write)(void *opaque, uint64_t addr, uint64_t value, unsigned size);
    DeviceEndian endianness;
    /* what the guest may do; other accesses are invalid */
    MemoryAccessRules valid;
    /* what the callbacks handle; the core adapts valid accesses */
    MemoryAccessRules impl;
} MemoryRegionOps;

/* ---- regions ---- */

/**
 * memory_region_new_container:
 * @name: for debugging and error texts
 * @size: bytes, or MEMORY_REGION_SIZE_FULL
 *
 * Returns: (transfer full): an empty container.
 */
MemoryRegion *memory_region_new_container(const char *name, uint64_t size);

/**
 * memory_region_new_io:
 * @ops: (transfer none): callbacks and access rules; must outlive the
 *       region (static data)
 * @opaque: passed to the callbacks
 *
 * Returns: (transfer full): an I/O region of @size bytes.
 */
MemoryRegion *memory_region_new_io(const char *name, uint64_t size,
                                   const MemoryRegionOps *ops, void *opaque);

/**
 * memory_region_new_ram:
 * @name: the RAM's name, e.g. "pc.ram"
 * @size: bytes, as ram_block_new() accepts
 * @shared: back it with a memfd (see ram_block_new())
 * @errp: "cannot set up guest memory 'NAME': REASON" when the block
 *        cannot be created
 *
 * Returns: (transfer full): a RAM region over a new block, or NULL.
 */
MemoryRegion *memory_region_new_ram(const char *name, uint64_t size,
                                    bool shared, GError **errp);

/**
 * memory_region_new_ram_from_block:
 * @block: (transfer none): the region takes its own reference
 *
 * Returns: (transfer full): a RAM region spanning all of @block.
 */
MemoryRegion *memory_region_new_ram_from_block(const char *name,
                                               RamBlock *block);

/**
 * memory_region_new_alias:
 * @orig: (transfer none): the region shown (the alias takes a reference)
 * @offset: where in @orig the window starts
 * @size: the window's size; @offset + @size must fit in @orig
 *
 * Returns: (transfer full): the alias.
 */
MemoryRegion *memory_region_new_alias(const char *name, MemoryRegion *orig,
                                      uint64_t offset, uint64_t size);

/** memory_region_ref: Returns: (transfer full): @mr, one more reference. */
MemoryRegion *memory_region_ref(MemoryRegion *mr);

/**
 * memory_region_unref:
 * @mr: (nullable): drops one reference; the last one releases the
 *      region's subregions, alias target and RAM block
 */
void memory_region_unref(MemoryRegion *mr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MemoryRegion, memory_region_unref)

/**
 * memory_region_add_subregion:
 * @container: a container region
 * @offset: where @sub starts inside @container
 * @sub: (transfer none): a region without a container (a reference is
 *       taken)
 *
 * Maps @sub at priority 0.  Adding a region that already has a container
 * is a programmer error.
 */
void memory_region_add_subregion(MemoryRegion *container, uint64_t offset,
                                 MemoryRegion *sub);

/**
 * memory_region_add_subregion_overlap:
 * @priority: higher wins where subregions overlap
 *
 * Like memory_region_add_subregion() with an explicit priority.
 */
void memory_region_add_subregion_overlap(MemoryRegion *container,
                                         uint64_t offset, MemoryRegion *sub,
                                         int priority);

/**
 * memory_region_del_subregion:
 * Unmaps @sub from @container, dropping the container's reference.
 */
void memory_region_del_subregion(MemoryRegion *container, MemoryRegion *sub);

/**
 * memory_region_set_enabled:
 * A disabled region (and everything inside it) is invisible in every
 * address space.  Regions start enabled.
 */
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);

/**
 * memory_region_set_readonly:
 * Writes to a read-only RAM region are dropped (ROM).  Ignored for other
 * kinds.
 */
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);

/** memory_region_get_name: Returns: (transfer none): the name. */
const char *memory_region_get_name(const MemoryRegion *mr);

/** memory_region_get_size: Returns: the size (UINT64_MAX: full space). */
uint64_t memory_region_get_size(const MemoryRegion *mr);

/**
 * memory_region_get_ram_block:
 * Returns: (transfer none) (nullable): the block of a RAM region, NULL for
 * other kinds (aliases are not followed).
 */
RamBlock *memory_region_get_ram_block(const MemoryRegion *mr);

/* ---- address spaces ---- */

/**
 * address_space_new:
 * @root: (transfer none): the region seen at address 0 (a reference is
 *        taken)
 * @unassigned_fill: the byte unassigned addresses read as
 *
 * Returns: (transfer full): the address space; free it with
 * address_space_free().
 */
AddressSpace *address_space_new(const char *name, MemoryRegion *root,
                                uint8_t unassigned_fill);

/** address_space_free: @as: (nullable): releases @as and its root. */
void address_space_free(AddressSpace *as);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AddressSpace, address_space_free)

/** address_space_get_root: Returns: (transfer none): the root region. */
MemoryRegion *address_space_get_root(const AddressSpace *as);

/**
 * address_space_rw:
 * @buf: @len bytes in guest memory order, read into or written from
 * @len: any length; the range may wrap past the top of the address
 *       space only if the caller wants that (addresses are modulo 2^64)
 *
 * Performs the access as the header comment describes.  Never fails
 * hard: problems only show in the result.
 *
 * Returns: MEMTX_OK, or the worst problem met.
 */
MemTxResult address_space_rw(AddressSpace *as, uint64_t addr, void *buf,
                             uint64_t len, bool is_write);

/** address_space_read: address_space_rw() reading. */
MemTxResult address_space_read(AddressSpace *as, uint64_t addr, void *buf,
                               uint64_t len);

/** address_space_write: address_space_rw() writing. */
MemTxResult address_space_write(AddressSpace *as, uint64_t addr,
                                const void *buf, uint64_t len);

/**
 * address_space_set:
 * Writes @len copies of @byte from @addr (qtest's memset), in chunks so
 * that a large length allocates nothing large.
 */
MemTxResult address_space_set(AddressSpace *as, uint64_t addr, uint8_t byte,
                              uint64_t len);

/**
 * address_space_get_ram_ptr:
 * @ret_avail: (out): bytes of RAM contiguous from @addr
 *
 * Returns: (transfer none) (nullable): the host address of guest RAM at
 * @addr, NULL when @addr is not RAM.  Writers must mark pages dirty.
 */
void *address_space_get_ram_ptr(AddressSpace *as, uint64_t addr,
                                uint64_t *ret_avail);

/**
 * address_space_dump:
 * Appends the flat view to @out, one "START-LAST KIND NAME" line per
 * range (for tests and debugging).
 */
void address_space_dump(AddressSpace *as, GString *out);

/* ---- the machine's address spaces ---- */

/**
 * memory_system_get / memory_io_get:
 *
 * Returns: (transfer none): the root container of system memory (64-bit,
 * unassigned reads 0x00) and of the x86 I/O ports (64 KiB, unassigned
 * reads 0xff), created on first use.
 */
MemoryRegion *memory_system_get(void);
MemoryRegion *memory_io_get(void);

/**
 * address_space_memory_get / address_space_io_get:
 *
 * Returns: (transfer none): the address spaces over the two roots above.
 */
AddressSpace *address_space_memory_get(void);
AddressSpace *address_space_io_get(void);

/**
 * memory_system_reset:
 * Drops both address spaces and their region trees; the next _get()
 * starts empty.  For tests and orderly exit.
 */
void memory_system_reset(void);
