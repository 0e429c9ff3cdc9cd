/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Populating the destination's RAM ahead of the incoming stream.
 *
 * Contract:
 * - Fresh anonymous memory costs a page fault and a kernel page clear on
 *   first write; on a destination every written page pays it.  A
 *   populator thread takes that cost off the thread that parses the
 *   stream by pre-faulting ranges it is told about
 *   (MADV_POPULATE_WRITE), so faulting and receiving overlap on
 *   different CPUs.
 * - Requests are served in order; with several threads, neighbouring
 *   requests are faulted concurrently.
 * - Purely an optimization: populating never changes memory contents,
 *   so it races harmlessly with the main thread's writes.  On kernels
 *   without MADV_POPULATE_WRITE (before 5.14) requests are ignored.
 * - Requests and ram_populator_free() come from the main thread.  The
 *   populator references each block it is told about until it is freed,
 *   so a range never goes away while the thread works on it.
 */

#include "prelude.h"
#include "system/ram.h"

typedef struct RamPopulator RamPopulator;

/**
 * ram_populator_new:
 * @threads: how many threads share the requests (1 to 4; clamped)
 *
 * Returns: (transfer full): an idle populator; its threads start with
 * the first request.
 */
RamPopulator *ram_populator_new(guint threads);

/**
 * ram_populator_request:
 * @rb: (transfer none): the block, referenced until the populator is
 *      freed
 * @offset: start of the range inside @rb (clipped to the block)
 * @len: bytes to populate
 *
 * Queues a range to be faulted in; returns at once.
 */
void ram_populator_request(RamPopulator *p, RamBlock *rb, uint64_t offset,
                           uint64_t len);

/**
 * ram_populator_populated:
 * Returns: bytes the thread has populated so far (for tests and stats).
 */
uint64_t ram_populator_populated(RamPopulator *p);

/**
 * ram_populator_free:
 * @p: (nullable): stops the thread (dropping queued requests), joins it,
 *     and releases the block references
 */
void ram_populator_free(RamPopulator *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RamPopulator, ram_populator_free)
