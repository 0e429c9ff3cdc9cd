/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "ram" section: encoding dirty guest pages (zero pages as a flag,
 * others by reference into RAM) and decoding them straight into the
 * destination's RAM after validating the whole section.
 */

#include "prelude.h"

#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#include "migration/ram-populate.h"
#include "migration/ram.h"
#include "migration/savevm.h"
#include "util/error.h"

#define PAGE_MASK ((uint64_t)RAM_PAGE_SIZE - 1)
#define KNOWN_PAGE_KIND (RAM_SAVE_FLAG_ZERO | RAM_SAVE_FLAG_PAGE)
/*
 * Loading: the most the populator is kept ahead of the last page
 * written, and the size of each request.
 */
#define POPULATE_AHEAD (64u << 20)
#define POPULATE_REQUEST (8u << 20)

static void mig_block_free(gpointer p)
{
    RamMigBlock *b = p;

    g_free(b->idstr);
    ram_block_unref(b->rb);
    g_free(b);
}

GPtrArray *ram_mig_blocks_new(void)
{
    return g_ptr_array_new_with_free_func(mig_block_free);
}

void ram_mig_blocks_add(GPtrArray *blocks, const char *idstr, RamBlock *rb)
{
    RamMigBlock *b = g_new0(RamMigBlock, 1);

    g_return_if_fail(strlen(idstr) <= G_MAXUINT8);
    b->idstr = g_strdup(idstr);
    b->rb = ram_block_ref(rb);
    g_ptr_array_add(blocks, b);
}

static RamMigBlock *find_block(GPtrArray *blocks, const char *idstr)
{
    for (guint i = 0; blocks != NULL && i < blocks->len; i++) {
        RamMigBlock *b = g_ptr_array_index(blocks, i);

        if (g_str_equal(b->idstr, idstr)) {
            return b;
        }
    }
    return NULL;
}

/*
 * Word-wise scan, eight words per step so the compiler can vectorize;
 * random data fails on the first step.
 */
static bool page_is_zero(const uint8_t *page)
{
    const uint64_t *w = (const uint64_t *)page;

    for (gsize i = 0; i < RAM_PAGE_SIZE / sizeof(uint64_t); i += 8) {
        if ((w[i] | w[i + 1] | w[i + 2] | w[i + 3] | w[i + 4] | w[i + 5] |
             w[i + 6] | w[i + 7]) != 0) {
            return false;
        }
    }
    return true;
}

/* ---- saving ---- */

struct RamSave {
    GPtrArray *blocks;
    guint cur_block;        /* sweep position: block index ... */
    uint64_t cur_page;      /* ... and page inside it */
    RamMigBlock *last_sent; /* for CONTINUE; reset per section */
    RamSaveStats stats;
    bool skip_pages; /* cpr-transfer: the peer maps the same memory */
};

RamSave *ram_save_new(GPtrArray *blocks)
{
    RamSave *rs = g_new0(RamSave, 1);

    rs->blocks = g_ptr_array_ref(blocks);
    for (guint i = 0; i < blocks->len; i++) {
        RamMigBlock *b = g_ptr_array_index(blocks, i);

        rs->stats.total += ram_block_get_size(b->rb);
    }
    return rs;
}

void ram_save_free(RamSave *rs)
{
    if (rs == NULL) {
        return;
    }
    g_ptr_array_unref(rs->blocks);
    g_free(rs);
}

void ram_save_skip_pages(RamSave *rs)
{
    rs->skip_pages = true;
}

void ram_save_setup(RamSave *rs, MigStream *s)
{
    mig_stream_put_be64(s, rs->stats.total | RAM_SAVE_FLAG_MEM_SIZE);
    for (guint i = 0; i < rs->blocks->len; i++) {
        RamMigBlock *b = g_ptr_array_index(rs->blocks, i);

        mig_stream_put_counted_string(s, b->idstr);
        mig_stream_put_be64(s, ram_block_get_size(b->rb));
        if (!rs->skip_pages) {
            ram_block_set_all_dirty(b->rb);
        }
    }
    mig_stream_put_be64(s, RAM_SAVE_FLAG_EOS);
    rs->cur_block = 0;
    rs->cur_page = 0;
    rs->stats.dirty_sync_count = 1;
}

/* Returns: true for a full page (false for a zero page). */
static bool save_page(RamSave *rs, MigStream *s, RamMigBlock *b, uint64_t page)
{
    const uint8_t *host =
        (const uint8_t *)ram_block_get_host(b->rb) + page * RAM_PAGE_SIZE;
    uint64_t hdr = page * RAM_PAGE_SIZE;
    /* Reading a never-written page would only fault in zeros. */
    bool zero = !ram_block_was_written(b->rb, page) || page_is_zero(host);

    ram_block_clear_dirty(b->rb, page, 1);
    hdr |= zero ? RAM_SAVE_FLAG_ZERO : RAM_SAVE_FLAG_PAGE;
    if (b == rs->last_sent) {
        hdr |= RAM_SAVE_FLAG_CONTINUE;
    }
    mig_stream_put_be64(s, hdr);
    if (b != rs->last_sent) {
        mig_stream_put_counted_string(s, b->idstr);
        rs->last_sent = b;
    }
    if (zero) {
        mig_stream_put_u8(s, 0);
        rs->stats.duplicate++;
        return false;
    }
    mig_stream_put_external(s, host, RAM_PAGE_SIZE);
    rs->stats.normal++;
    return true;
}

bool ram_save_iterate(RamSave *rs, MigStream *s, gsize budget, guint max_pages)
{
    gsize start = mig_stream_output_pending(s);
    guint pages = 0;

    rs->last_sent = NULL;
    while (!rs->skip_pages && rs->cur_block < rs->blocks->len) {
        RamMigBlock *b = g_ptr_array_index(rs->blocks, rs->cur_block);
        uint64_t page = ram_block_next_dirty(b->rb, rs->cur_page);

        if (page >= ram_block_page_count(b->rb)) {
            rs->cur_block++;
            rs->cur_page = 0;
            continue;
        }
        pages += save_page(rs, s, b, page) ? 1 : 0;
        rs->cur_page = page + 1;
        if (pages >= max_pages ||
            mig_stream_output_pending(s) - start >= budget) {
            mig_stream_put_be64(s, RAM_SAVE_FLAG_EOS);
            return false;
        }
    }
    rs->cur_block = 0;
    rs->cur_page = 0;
    rs->stats.dirty_sync_count++;
    mig_stream_put_be64(s, RAM_SAVE_FLAG_EOS);
    return true;
}

void ram_save_complete(RamSave *rs, MigStream *s)
{
    rs->last_sent = NULL;
    for (guint i = 0; !rs->skip_pages && i < rs->blocks->len; i++) {
        RamMigBlock *b = g_ptr_array_index(rs->blocks, i);
        uint64_t n = ram_block_page_count(b->rb);

        for (uint64_t p = ram_block_next_dirty(b->rb, 0); p < n;
             p = ram_block_next_dirty(b->rb, p + 1)) {
            save_page(rs, s, b, p);
        }
    }
    mig_stream_put_be64(s, RAM_SAVE_FLAG_EOS);
}

uint64_t ram_save_remaining(const RamSave *rs)
{
    uint64_t pages = 0;

    for (guint i = 0; !rs->skip_pages && i < rs->blocks->len; i++) {
        RamMigBlock *b = g_ptr_array_index(rs->blocks, i);

        pages += ram_block_dirty_count(b->rb);
    }
    return pages * RAM_PAGE_SIZE;
}

const RamSaveStats *ram_save_stats(const RamSave *rs)
{
    return &rs->stats;
}

/* ---- loading ---- */

/* One page to write once the section was read completely. */
typedef struct RamLoadOp {
    RamMigBlock *block;
    uint64_t page;
    const uint8_t *src; /* NULL: fill with @fill */
    uint8_t fill;
} RamLoadOp;

struct RamLoad {
    GPtrArray *blocks; /* NULL until known */
    bool have_sizes;   /* the block list was received */
    RamMigBlock *last; /* the block CONTINUE refers to */
    GArray *ops;       /* reused, so no allocation per page */
    RamPopulator *populator;
};

static RamBlocksFunc blocks_func;

RamLoad *ram_load_new(GPtrArray *blocks)
{
    RamLoad *rl = g_new0(RamLoad, 1);

    rl->blocks = blocks != NULL ? g_ptr_array_ref(blocks) : NULL;
    rl->ops = g_array_new(FALSE, FALSE, sizeof(RamLoadOp));
    /* One thread: a second one measured no faster on two CPUs. */
    rl->populator = ram_populator_new(1);
    return rl;
}

void ram_load_free(RamLoad *rl)
{
    if (rl == NULL) {
        return;
    }
    /* First: the thread must be done with the blocks' memory. */
    ram_populator_free(rl->populator);
    if (rl->blocks != NULL) {
        g_ptr_array_unref(rl->blocks);
    }
    g_array_unref(rl->ops);
    g_free(rl);
}

static bool load_sizes(RamLoad *rl, MigStream *s, uint64_t total)
{
    if (rl->blocks == NULL && blocks_func != NULL) {
        rl->blocks = blocks_func();
    }
    while (total > 0) {
        g_autofree char *idstr = mig_stream_get_counted_string(s, "RAM block");
        uint64_t len = mig_stream_get_be64(s);
        RamMigBlock *b;

        if (mig_stream_failed(s)) {
            return false;
        }
        b = find_block(rl->blocks, idstr);
        if (b == NULL) {
            mig_stream_set_error(s,
                                 "Unknown ramblock \"%s\", cannot accept "
                                 "migration",
                                 idstr);
            return false;
        }
        if (len != ram_block_get_size(b->rb)) {
            mig_stream_set_error(
                s, "Length mismatch: %s: 0x%" PRIx64 " in != 0x%" PRIx64, idstr,
                len, ram_block_get_size(b->rb));
            return false;
        }
        if (len > total) {
            mig_stream_set_error(s, "ram: RAM block list exceeds its "
                                    "announced size");
            return false;
        }
        total -= len;
        /*
         * Transparent huge pages, as QEMU asks for: a fault per 2 MiB
         * instead of per page.  Measured on the bench (8 alternating
         * runs each, quiet 2-CPU machine), the median load rate was 1.21
         * GB/s with them against 1.04 without; with other work running
         * the order reversed (compaction), so this is a close call.
         */
        madvise(ram_block_get_host(b->rb), (size_t)len, MADV_HUGEPAGE);
    }
    return true;
}

static bool load_page(RamLoad *rl, MigStream *s, uint64_t hdr,
                      RamMigBlock **block)
{
    uint64_t flags = hdr & PAGE_MASK;
    uint64_t offset = hdr & ~PAGE_MASK;
    RamLoadOp op = {0};

    if (!(flags & RAM_SAVE_FLAG_CONTINUE)) {
        g_autofree char *idstr = mig_stream_get_counted_string(s, "RAM block");

        if (idstr == NULL) {
            return false;
        }
        *block = find_block(rl->blocks, idstr);
        if (*block == NULL) {
            mig_stream_set_error(s,
                                 "Unknown ramblock \"%s\", cannot accept "
                                 "migration",
                                 idstr);
            return false;
        }
    } else if (*block == NULL) {
        mig_stream_set_error(s, "ram: page record continues no block");
        return false;
    }
    if (!rl->have_sizes) {
        mig_stream_set_error(s, "ram: page record before the RAM block list");
        return false;
    }
    if (offset >= ram_block_get_size((*block)->rb)) {
        mig_stream_set_error(s,
                             "ram: offset 0x%" PRIx64
                             " is outside RAM block '%s' (0x%" PRIx64 " bytes)",
                             offset, (*block)->idstr,
                             ram_block_get_size((*block)->rb));
        return false;
    }
    op.block = *block;
    op.page = offset / RAM_PAGE_SIZE;
    if (flags & RAM_SAVE_FLAG_ZERO) {
        op.fill = mig_stream_get_u8(s);
    } else {
        op.src = mig_stream_get_view(s, RAM_PAGE_SIZE, RAM_PAGE_SIZE, "page");
    }
    if (mig_stream_failed(s)) {
        return false;
    }
    g_array_append_val(rl->ops, op);
    return true;
}

/*
 * Data pages arrive in ascending order within a pass, so the populator
 * is kept ahead of the last one, like file readahead: the window grows
 * with the stretch of data seen so far (half of it, from one request up
 * to POPULATE_AHEAD), so a short stretch of data followed by zero pages
 * populates little for nothing.  Zero pages never advance it (they are
 * not written at all when the page was never written).
 */
static void populate_ahead(RamLoad *rl, RamMigBlock *b, uint64_t page)
{
    uint64_t off = page * RAM_PAGE_SIZE;
    uint64_t size = ram_block_get_size(b->rb);
    uint64_t window;

    if (b->populate_end < off) {
        /* A jump past the window (or a later pass): a new stretch. */
        b->populate_end = off;
        b->populate_stretch = off;
    }
    window = CLAMP((off - b->populate_stretch) / 2, (uint64_t)POPULATE_REQUEST,
                   (uint64_t)POPULATE_AHEAD);
    while (b->populate_end < MIN(off + window, size)) {
        ram_populator_request(rl->populator, b->rb, b->populate_end,
                              POPULATE_REQUEST);
        b->populate_end += POPULATE_REQUEST;
    }
}

/*
 * Pages are marked dirty when written here, as the RamBlock contract
 * asks.  So a page never written still holds the zeros the block was
 * created with, and a zero page for it needs no write and not even a
 * read: touching untouched RAM would cost a page fault each.
 */
static void apply_ops(RamLoad *rl)
{
    for (guint i = 0; i < rl->ops->len; i++) {
        const RamLoadOp *op = &g_array_index(rl->ops, RamLoadOp, i);
        RamBlock *rb = op->block->rb;
        uint8_t *dst =
            (uint8_t *)ram_block_get_host(rb) + op->page * RAM_PAGE_SIZE;

        if (op->src != NULL) {
            populate_ahead(rl, op->block, op->page);
            memcpy(dst, op->src, RAM_PAGE_SIZE);
        } else if (op->fill == 0 && !ram_block_was_written(rb, op->page)) {
            continue;
        } else {
            memset(dst, op->fill, RAM_PAGE_SIZE);
        }
        ram_block_set_dirty(rb, op->page * RAM_PAGE_SIZE, RAM_PAGE_SIZE);
    }
    g_array_set_size(rl->ops, 0);
}

bool ram_load_section(RamLoad *rl, MigStream *s)
{
    RamMigBlock *block = rl->last;
    bool have_sizes = rl->have_sizes;

    g_array_set_size(rl->ops, 0);
    for (;;) {
        uint64_t hdr = mig_stream_get_be64(s);
        uint64_t flags = hdr & PAGE_MASK;
        uint64_t kind = flags & ~(uint64_t)RAM_SAVE_FLAG_CONTINUE;

        if (mig_stream_failed(s)) {
            break;
        }
        if (flags == RAM_SAVE_FLAG_EOS) {
            break;
        }
        if (flags == RAM_SAVE_FLAG_MEM_SIZE) {
            if (!load_sizes(rl, s, hdr & ~PAGE_MASK)) {
                break;
            }
            rl->have_sizes = true;
            continue;
        }
        if (kind != RAM_SAVE_FLAG_ZERO && kind != RAM_SAVE_FLAG_PAGE) {
            mig_stream_set_error(s,
                                 "Unknown combination of migration flags: "
                                 "0x%" PRIx64,
                                 kind);
            break;
        }
        if (!load_page(rl, s, hdr, &block)) {
            break;
        }
    }
    if (mig_stream_failed(s)) {
        /* Retried from the section start: forget the tentative state. */
        rl->have_sizes = have_sizes;
        g_array_set_size(rl->ops, 0);
        return false;
    }
    apply_ops(rl);
    rl->last = block;
    return true;
}

/* ---- the registered section ---- */

static RamLoad *incoming;

static bool ram_load_cb(MigStream *s, void *opaque, int version_id)
{
    if (version_id != RAM_SECTION_VERSION) {
        mig_stream_set_error(s, "ram: unsupported section version %d",
                             version_id);
        return false;
    }
    if (incoming == NULL) {
        incoming = ram_load_new(NULL);
    }
    return ram_load_section(incoming, s);
}

static const SaveVMHandlers ram_handlers = {
    .save_state = NULL, /* iterable: written by the outgoing migration */
    .load_state = ram_load_cb,
};

bool ram_migration_register(RamBlocksFunc get_blocks, GError **errp)
{
    blocks_func = get_blocks;
    if (savevm_is_registered(RAM_SECTION_NAME, 0)) {
        return true;
    }
    return savevm_register(RAM_SECTION_NAME, 0, RAM_SECTION_VERSION,
                           SAVEVM_PRIORITY_RAM, &ram_handlers, NULL, errp);
}

GPtrArray *ram_migration_blocks(void)
{
    return blocks_func != NULL ? blocks_func() : ram_mig_blocks_new();
}

void ram_migration_load_reset(void)
{
    g_clear_pointer(&incoming, ram_load_free);
}
