/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the "ram" section: encoding dirty pages, decoding them
 * into another block, passes over re-dirtied pages, and the destination's
 * refusal of every malformed record with RAM left untouched.
 */

#include "prelude.h"

#include <string.h>

#include "migration/mig-stream.h"
#include "migration/ram.h"

#define NPAGES 16
#define BLOCK_SIZE (NPAGES * RAM_PAGE_SIZE)

static RamBlock *new_block(uint64_t size)
{
    g_autoptr(GError) err = NULL;
    RamBlock *rb = ram_block_new(size, false, &err);

    g_assert_no_error(err);
    return rb;
}

static GPtrArray *one_block(RamBlock *rb)
{
    GPtrArray *blocks = ram_mig_blocks_new();

    ram_mig_blocks_add(blocks, "pc.ram", rb);
    return blocks;
}

/* Moves everything @from produced into a fresh reading stream. */
static MigStream *reader_of(MigStream *from, bool eof)
{
    g_autoptr(GBytes) bytes = mig_stream_take_output(from);
    MigStream *to = mig_stream_new();
    gsize len;
    const void *data = g_bytes_get_data(bytes, &len);

    mig_stream_feed(to, data, len);
    if (eof) {
        mig_stream_feed_eof(to);
    }
    return to;
}

static void fill_page(RamBlock *rb, uint64_t page, guint8 seed)
{
    guint8 *p = (guint8 *)ram_block_get_host(rb) + page * RAM_PAGE_SIZE;

    for (guint i = 0; i < RAM_PAGE_SIZE; i++) {
        p[i] = (guint8)(seed + i * 7);
    }
    ram_block_set_dirty(rb, page * RAM_PAGE_SIZE, RAM_PAGE_SIZE);
}

static void assert_same_ram(RamBlock *a, RamBlock *b)
{
    g_assert_cmpint(
        memcmp(ram_block_get_host(a), ram_block_get_host(b), BLOCK_SIZE), ==,
        0);
}

/* Loads every section body in @s (one per call) until it is consumed. */
static void load_all(RamLoad *rl, MigStream *s, guint sections)
{
    for (guint i = 0; i < sections; i++) {
        g_assert_true(ram_load_section(rl, s));
        g_assert_null(mig_stream_get_error(s));
    }
    g_assert_true(mig_stream_at_eof(s));
}

static void test_roundtrip(void)
{
    g_autoptr(RamBlock) src = new_block(BLOCK_SIZE);
    g_autoptr(RamBlock) dst = new_block(BLOCK_SIZE);
    g_autoptr(GPtrArray) sb = one_block(src);
    g_autoptr(GPtrArray) db = one_block(dst);
    g_autoptr(RamSave) rs = ram_save_new(sb);
    g_autoptr(RamLoad) rl = ram_load_new(db);
    g_autoptr(MigStream) out = mig_stream_new();
    g_autoptr(MigStream) in = NULL;
    const RamSaveStats *st = ram_save_stats(rs);

    fill_page(src, 1, 3);
    fill_page(src, 9, 5);
    ram_save_setup(rs, out);
    g_assert_cmpuint(ram_save_remaining(rs), ==, BLOCK_SIZE);
    g_assert_true(ram_save_iterate(rs, out, G_MAXSIZE, G_MAXUINT));
    g_assert_cmpuint(ram_save_remaining(rs), ==, 0);
    ram_save_complete(rs, out);
    g_assert_cmpuint(st->total, ==, BLOCK_SIZE);
    g_assert_cmpuint(st->normal, ==, 2);
    g_assert_cmpuint(st->duplicate, ==, NPAGES - 2);
    g_assert_cmpuint(st->dirty_sync_count, ==, 2);
    /* Pages go by reference: the stream's own bytes are headers only. */
    g_assert_cmpuint(mig_stream_output_pending(out), >, 2 * RAM_PAGE_SIZE);

    in = reader_of(out, true);
    load_all(rl, in, 3);
    assert_same_ram(src, dst);
}

/* A page written behind the sweep is sent again in the next pass. */
static void test_redirty_and_budget(void)
{
    g_autoptr(RamBlock) src = new_block(BLOCK_SIZE);
    g_autoptr(RamBlock) dst = new_block(BLOCK_SIZE);
    g_autoptr(GPtrArray) sb = one_block(src);
    g_autoptr(GPtrArray) db = one_block(dst);
    g_autoptr(RamSave) rs = ram_save_new(sb);
    g_autoptr(RamLoad) rl = ram_load_new(db);
    g_autoptr(MigStream) out = mig_stream_new();
    g_autoptr(MigStream) in = NULL;
    guint parts = 0;

    for (guint p = 0; p < NPAGES; p++) {
        fill_page(src, p, (guint8)p);
    }
    ram_save_setup(rs, out);
    /* One full page per part, then a part that finds the pass over. */
    while (!ram_save_iterate(rs, out, G_MAXSIZE, 1)) {
        parts++;
        if (parts == 4) {
            fill_page(src, 0, 99); /* already sent in this pass */
        }
    }
    g_assert_cmpuint(parts, ==, NPAGES);
    g_assert_cmpuint(ram_save_remaining(rs), ==, RAM_PAGE_SIZE);
    g_assert_true(ram_save_iterate(rs, out, G_MAXSIZE, G_MAXUINT));
    g_assert_cmpuint(ram_save_stats(rs)->normal, ==, NPAGES + 1);
    g_assert_cmpuint(ram_save_stats(rs)->dirty_sync_count, ==, 3);
    ram_save_complete(rs, out);

    in = reader_of(out, true);
    load_all(rl, in, 1 + NPAGES + 3);
    assert_same_ram(src, dst);
}

/* A section cut short is retried from its start, without side effects. */
static void test_short_then_complete(void)
{
    g_autoptr(RamBlock) src = new_block(BLOCK_SIZE);
    g_autoptr(RamBlock) dst = new_block(BLOCK_SIZE);
    g_autoptr(GPtrArray) sb = one_block(src);
    g_autoptr(GPtrArray) db = one_block(dst);
    g_autoptr(RamSave) rs = ram_save_new(sb);
    g_autoptr(RamLoad) rl = ram_load_new(db);
    g_autoptr(MigStream) out = mig_stream_new();
    g_autoptr(MigStream) in = mig_stream_new();
    g_autoptr(GBytes) bytes = NULL;
    const guint8 *data;
    gsize len, mark;

    fill_page(src, 2, 1);
    ram_save_setup(rs, out);
    ram_save_iterate(rs, out, G_MAXSIZE, G_MAXUINT);
    bytes = mig_stream_take_output(out);
    data = g_bytes_get_data(bytes, &len);

    mig_stream_feed(in, data, len - 1);
    g_assert_true(ram_load_section(rl, in)); /* setup body */
    mig_stream_commit(in);
    mark = mig_stream_mark(in);
    g_assert_false(ram_load_section(rl, in));
    g_assert_true(mig_stream_is_short(in));
    g_assert_null(mig_stream_get_error(in));
    g_assert_true(memcmp(ram_block_get_host(src), ram_block_get_host(dst),
                         BLOCK_SIZE) != 0);
    mig_stream_rewind(in, mark);
    mig_stream_feed(in, data + len - 1, 1);
    g_assert_true(ram_load_section(rl, in));
    assert_same_ram(src, dst);
}

typedef struct BadCase {
    const char *name;
    void (*build)(MigStream *s);
    const char *error;
} BadCase;

static void put_sizes(MigStream *s, uint64_t total, const char *name,
                      uint64_t len)
{
    mig_stream_put_be64(s, total | RAM_SAVE_FLAG_MEM_SIZE);
    mig_stream_put_counted_string(s, name);
    mig_stream_put_be64(s, len);
}

static void put_good_page(MigStream *s)
{
    static guint8 page[RAM_PAGE_SIZE];

    memset(page, 0x5a, sizeof(page));
    mig_stream_put_be64(s, 0x1000 | RAM_SAVE_FLAG_PAGE);
    mig_stream_put_counted_string(s, "pc.ram");
    mig_stream_put_buffer(s, page, sizeof(page));
}

static void build_unknown_block(MigStream *s)
{
    put_sizes(s, BLOCK_SIZE, "nope", BLOCK_SIZE);
}

static void build_length_mismatch(MigStream *s)
{
    put_sizes(s, 2 * BLOCK_SIZE, "pc.ram", 2 * BLOCK_SIZE);
}

static void build_list_too_long(MigStream *s)
{
    put_sizes(s, RAM_PAGE_SIZE, "pc.ram", BLOCK_SIZE);
}

static void build_page_first(MigStream *s)
{
    put_good_page(s);
}

static void build_continue_nothing(MigStream *s)
{
    put_sizes(s, BLOCK_SIZE, "pc.ram", BLOCK_SIZE);
    mig_stream_put_be64(s, RAM_SAVE_FLAG_ZERO | RAM_SAVE_FLAG_CONTINUE);
    mig_stream_put_u8(s, 0);
}

static void build_out_of_range(MigStream *s)
{
    put_sizes(s, BLOCK_SIZE, "pc.ram", BLOCK_SIZE);
    put_good_page(s);
    mig_stream_put_be64(s, BLOCK_SIZE | RAM_SAVE_FLAG_ZERO |
                               RAM_SAVE_FLAG_CONTINUE);
    mig_stream_put_u8(s, 0);
}

static void build_xbzrle(MigStream *s)
{
    put_sizes(s, BLOCK_SIZE, "pc.ram", BLOCK_SIZE);
    put_good_page(s);
    mig_stream_put_be64(s, RAM_SAVE_FLAG_XBZRLE | RAM_SAVE_FLAG_CONTINUE);
}

static void build_page_unknown_block(MigStream *s)
{
    put_sizes(s, BLOCK_SIZE, "pc.ram", BLOCK_SIZE);
    mig_stream_put_be64(s, RAM_SAVE_FLAG_ZERO);
    mig_stream_put_counted_string(s, "pc.rom");
}

static void build_truncated(MigStream *s)
{
    put_sizes(s, BLOCK_SIZE, "pc.ram", BLOCK_SIZE);
    put_good_page(s);
    mig_stream_put_be64(s, RAM_SAVE_FLAG_PAGE | RAM_SAVE_FLAG_CONTINUE);
    mig_stream_put_buffer(s, "abc", 3);
}

static const BadCase bad_cases[] = {
    {"unknown-block", build_unknown_block,
     "Unknown ramblock \"nope\", cannot accept migration"},
    {"length-mismatch", build_length_mismatch,
     "Length mismatch: pc.ram: 0x20000 in != 0x10000"},
    {"list-too-long", build_list_too_long,
     "ram: RAM block list exceeds its announced size"},
    {"page-first", build_page_first,
     "ram: page record before the RAM block list"},
    {"continue-nothing", build_continue_nothing,
     "ram: page record continues no block"},
    {"out-of-range", build_out_of_range,
     "ram: offset 0x10000 is outside RAM block 'pc.ram' (0x10000 bytes)"},
    {"xbzrle", build_xbzrle, "Unknown combination of migration flags: 0x40"},
    {"page-unknown-block", build_page_unknown_block,
     "Unknown ramblock \"pc.rom\", cannot accept migration"},
    {"truncated", build_truncated, "migration stream ended unexpectedly"},
};

/* Each malformed section fails precisely and writes nothing at all. */
static void test_bad_section(gconstpointer data)
{
    const BadCase *c = data;
    g_autoptr(RamBlock) dst = new_block(BLOCK_SIZE);
    g_autoptr(GPtrArray) db = one_block(dst);
    g_autoptr(RamLoad) rl = ram_load_new(db);
    g_autoptr(MigStream) out = mig_stream_new();
    g_autoptr(MigStream) in = NULL;
    g_autofree guint8 *zero = g_malloc0(BLOCK_SIZE);

    c->build(out);
    mig_stream_put_be64(out, RAM_SAVE_FLAG_EOS);
    in = reader_of(out, true);
    g_assert_false(ram_load_section(rl, in));
    g_assert_nonnull(mig_stream_get_error(in));
    g_assert_cmpstr(mig_stream_get_error(in)->message, ==, c->error);
    g_assert_cmpint(memcmp(ram_block_get_host(dst), zero, BLOCK_SIZE), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/ram/roundtrip", test_roundtrip);
    g_test_add_func("/migration/ram/redirty-and-budget",
                    test_redirty_and_budget);
    g_test_add_func("/migration/ram/short-then-complete",
                    test_short_then_complete);
    for (gsize i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/migration/ram/bad/%s", bad_cases[i].name);

        g_test_add_data_func(path, &bad_cases[i], test_bad_section);
    }
    return g_test_run();
}
