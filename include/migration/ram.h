/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * RAM precopy: the iterable "ram" section (QEMU's version 4 layout).
 *
 * Contract:
 * - Every record starts with a big-endian u64 "offset | flags"; the flags
 *   live in the bits below the 4 KiB page size.  The START section holds
 *   MEM_SIZE (total bytes) followed by each block's name and size, then
 *   EOS.  Page records name their block unless CONTINUE says "the block
 *   of the previous record"; ZERO carries one fill byte, PAGE the raw
 *   page.  Every START/PART/END body ends with EOS.
 * - Saving: ram_save_setup() marks every page dirty; each
 *   ram_save_iterate() call sends dirty pages from where the last one
 *   stopped (clearing their dirty bits first, so a page written again is
 *   sent again later) and reports when the sweep reached the end: one
 *   "pass" (dirty-sync-count).  Page data is appended by reference
 *   (mig_stream_put_external()); the transport must send it before
 *   RAM changes or goes away.
 * - Loading checks everything before writing anything of a section:
 *   block names and sizes against the local RAM, offsets in range, known
 *   flags.  Errors are latched in the stream.
 */

#include "migration/mig-stream.h"
#include "prelude.h"
#include "system/ram.h"

#define RAM_SAVE_FLAG_ZERO 0x002
#define RAM_SAVE_FLAG_MEM_SIZE 0x004
#define RAM_SAVE_FLAG_PAGE 0x008
#define RAM_SAVE_FLAG_EOS 0x010
#define RAM_SAVE_FLAG_CONTINUE 0x020
#define RAM_SAVE_FLAG_XBZRLE 0x040
#define RAM_SAVE_FLAG_HOOK 0x080
#define RAM_SAVE_FLAG_MULTIFD_FLUSH 0x200

#define RAM_SECTION_NAME "ram"
#define RAM_SECTION_VERSION 4
/* After "machine-config" (the destination needs its RAM first). */
#define SAVEVM_PRIORITY_RAM 50

/* One block as migration sees it. */
typedef struct RamMigBlock {
    char *idstr;  /* the name in the stream, e.g. "pc.ram" */
    RamBlock *rb; /* a reference */
    /* Loading: the populator was asked up to here ... */
    uint64_t populate_end;
    /* ... for the stretch of data pages that began here. */
    uint64_t populate_stretch;
} RamMigBlock;

/** ram_mig_blocks_new: Returns: (transfer full): an empty block list. */
GPtrArray *ram_mig_blocks_new(void);

/**
 * ram_mig_blocks_add:
 * @rb: (transfer none): referenced by the list
 *
 * Appends a block named @idstr (shorter than 256 bytes).
 */
void ram_mig_blocks_add(GPtrArray *blocks, const char *idstr, RamBlock *rb);

/* ---- saving ---- */

typedef struct RamSaveStats {
    uint64_t total;     /* bytes of RAM */
    uint64_t duplicate; /* zero pages sent */
    uint64_t normal;    /* full pages sent */
    uint64_t dirty_sync_count;
} RamSaveStats;

typedef struct RamSave RamSave;

/**
 * ram_save_new:
 * @blocks: (transfer none): RamMigBlock list, referenced
 * Returns: (transfer full): a saver before setup.
 */
RamSave *ram_save_new(GPtrArray *blocks);

/** ram_save_free: frees @rs (NULL is fine). */
void ram_save_free(RamSave *rs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RamSave, ram_save_free)

/**
 * ram_save_skip_pages:
 * For cpr-transfer, where the destination maps the very same memory: the
 * section still lists the blocks (the destination checks names and
 * sizes) but never carries a page, and nothing counts as remaining.
 * Call before ram_save_setup().
 */
void ram_save_skip_pages(RamSave *rs);

/**
 * ram_save_setup:
 * Writes the START body (MEM_SIZE, block list, EOS) and marks all RAM
 * dirty; the first pass begins.
 */
void ram_save_setup(RamSave *rs, MigStream *s);

/**
 * ram_save_iterate:
 * @budget: stop once the stream holds this many more pending bytes
 * @max_pages: and after this many full pages (bounds the vector count)
 *
 * Writes one PART body: dirty pages from the current position, then EOS.
 *
 * Returns: true when the pass ended (every block swept); the next call
 * starts a new pass over what was dirtied meanwhile.
 */
bool ram_save_iterate(RamSave *rs, MigStream *s, gsize budget, guint max_pages);

/**
 * ram_save_complete:
 * Writes the END body: every page still dirty, then EOS.  The guest must
 * be stopped.
 */
void ram_save_complete(RamSave *rs, MigStream *s);

/** ram_save_remaining: Returns: bytes of RAM currently dirty. */
uint64_t ram_save_remaining(const RamSave *rs);

/** ram_save_stats: Returns: (transfer none): counters so far. */
const RamSaveStats *ram_save_stats(const RamSave *rs);

/* ---- loading ---- */

typedef struct RamLoad RamLoad;

/**
 * ram_load_new:
 * @blocks: (transfer none) (nullable): the local RAM (referenced); NULL
 *     asks the function given to ram_migration_register() when the
 *     block list arrives (the machine exists only by then)
 */
RamLoad *ram_load_new(GPtrArray *blocks);

/** ram_load_free: frees @rl (NULL is fine). */
void ram_load_free(RamLoad *rl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RamLoad, ram_load_free)

/**
 * ram_load_section:
 * Reads one section body up to EOS and, only when all of it is buffered
 * and valid, writes its pages into RAM.  Errors (latched in @s):
 * "Unknown ramblock \"NAME\", cannot accept migration", "Length mismatch:
 * NAME: 0xIN in != 0xLOCAL", "Unknown combination of migration flags:
 * 0xF", "ram: offset 0xO is outside RAM block 'NAME' (0xS bytes)", "ram:
 * page record before the RAM block list", "ram: page record continues no
 * block", "ram: RAM block list exceeds its announced size".
 *
 * Returns: false when the stream is short or an error was latched.
 */
bool ram_load_section(RamLoad *rl, MigStream *s);

/* ---- the registered section ---- */

/** RamBlocksFunc: Returns: (transfer full): the machine's RAM blocks. */
typedef GPtrArray *(*RamBlocksFunc)(void);

/**
 * ram_migration_register:
 * Registers the "ram" section (idempotent); its loader finds the local
 * RAM through @get_blocks.
 */
bool ram_migration_register(RamBlocksFunc get_blocks, GError **errp);

/** ram_migration_blocks: Returns: (transfer full): @get_blocks' answer. */
GPtrArray *ram_migration_blocks(void);

/** ram_migration_load_reset: forgets what an earlier incoming loaded. */
void ram_migration_load_reset(void);
