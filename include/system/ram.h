/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Guest RAM blocks: host memory that backs RAM regions, plus the dirty
 * page bitmap that migration reads.
 *
 * Contract:
 * - A block is one contiguous host mapping, anonymous and private by
 *   default, or a memfd mapped shared when the memory backend asks for
 *   sharing (so that another process, or a later CPR exec, can map the
 *   same pages through ram_block_get_fd()).
 * - Blocks are reference counted; the mapping goes away with the last
 *   reference.  Everything runs on the main thread.
 * - The dirty bitmap has one bit per RAM_PAGE_SIZE page and starts clean.
 *   Every write that goes through an address space (guest accesses,
 *   qtest) sets the bits of the pages it touches; code writing through
 *   ram_block_get_host() directly must call ram_block_set_dirty() itself.
 *   Migration reads the bits and clears them as it sends pages.  A
 *   second bitmap remembers which pages were ever written; it is never
 *   cleared.
 */

#include "prelude.h"

/* Granularity of the dirty bitmap. */
#define RAM_PAGE_SIZE 4096

/* Largest block ram_block_new() accepts (1 TiB), against typos. */
#define RAM_BLOCK_MAX_SIZE (G_GUINT64_CONSTANT(1) << 40)

typedef struct RamBlock RamBlock;

/**
 * ram_block_new:
 * @size: bytes of guest RAM, 1 to RAM_BLOCK_MAX_SIZE; the mapping is
 *        rounded up to a whole page
 * @shared: back the block with a memfd mapped MAP_SHARED instead of
 *          anonymous private memory
 * @errp: set when @size is out of range or the host refuses the memory
 *        ("cannot allocate 0x... bytes: Cannot allocate memory")
 *
 * Creates a zero-filled block with a clean dirty bitmap.
 *
 * Returns: (transfer full): the block with one reference, or NULL.
 */
RamBlock *ram_block_new(uint64_t size, bool shared, GError **errp);

/**
 * ram_block_new_from_fd:
 * @fd: (transfer full): a memfd (or other regular file) holding at least
 *      @size bytes rounded up to a page; closed on error
 * @size: bytes of guest RAM, as ram_block_new() accepts
 * @errp: set when @size is out of range, the file is shorter, or the
 *        mapping fails
 *
 * Maps RAM that another process (a CPR predecessor) created, shared, with
 * no copy.  Every page counts as written, since it holds that process's
 * data.  The block owns @fd from now on.
 *
 * Returns: (transfer full): the block with one reference, or NULL.
 */
RamBlock *ram_block_new_from_fd(int fd, uint64_t size, GError **errp);

/** ram_block_ref: Returns: (transfer full): @rb with one more reference. */
RamBlock *ram_block_ref(RamBlock *rb);

/**
 * ram_block_unref:
 * @rb: (nullable): drops one reference; the last one unmaps the memory
 *      and closes the memfd
 */
void ram_block_unref(RamBlock *rb);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RamBlock, ram_block_unref)

/** ram_block_get_host: Returns: (transfer none): the host mapping. */
void *ram_block_get_host(const RamBlock *rb);

/** ram_block_get_size: Returns: the size given to ram_block_new(). */
uint64_t ram_block_get_size(const RamBlock *rb);

/**
 * ram_block_get_fd:
 * Returns: (transfer none): the memfd of a shared block, -1 for anonymous
 * memory.  The block keeps ownership.
 */
int ram_block_get_fd(const RamBlock *rb);

/** ram_block_is_shared: Returns: true for a memfd-backed block. */
bool ram_block_is_shared(const RamBlock *rb);

/** ram_block_page_count: Returns: pages in the dirty bitmap. */
uint64_t ram_block_page_count(const RamBlock *rb);

/**
 * ram_block_set_dirty:
 * @offset: first byte written, relative to the block
 * @len: bytes written; the range is clipped to the block
 *
 * Marks every page that [@offset, @offset + @len) touches as dirty.
 */
void ram_block_set_dirty(RamBlock *rb, uint64_t offset, uint64_t len);

/**
 * ram_block_set_all_dirty:
 * Marks every page dirty (migration start) without counting it as
 * written.
 */
void ram_block_set_all_dirty(RamBlock *rb);

/**
 * ram_block_was_written:
 * Returns: whether ram_block_set_dirty() ever covered page @page.  A page
 * never written still holds the zeros the block was created with, so
 * migration can send it as a zero page without reading it.
 */
bool ram_block_was_written(const RamBlock *rb, uint64_t page);

/** ram_block_is_dirty: Returns: whether page @page is dirty. */
bool ram_block_is_dirty(const RamBlock *rb, uint64_t page);

/** ram_block_dirty_count: Returns: how many pages are dirty. */
uint64_t ram_block_dirty_count(const RamBlock *rb);

/**
 * ram_block_next_dirty:
 * @start: first page to look at
 *
 * Returns: the first dirty page at or after @start, or
 * ram_block_page_count() when there is none.
 */
uint64_t ram_block_next_dirty(const RamBlock *rb, uint64_t start);

/**
 * ram_block_clear_dirty:
 * @page: first page
 * @npages: pages to clear; the range is clipped to the block
 */
void ram_block_clear_dirty(RamBlock *rb, uint64_t page, uint64_t npages);
