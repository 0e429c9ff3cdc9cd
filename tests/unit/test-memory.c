/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for RAM blocks, the region tree, flat views and the access
 * path (splitting and widening of I/O accesses, unassigned reads, dirty
 * tracking).
 */

#include "prelude.h"

#include <string.h>
#include <unistd.h>

#include "system/memory.h"
#include "system/ram.h"
#include "util/error.h"

/* ---- a recording I/O device ---- */

typedef struct IoCall {
    bool write;
    uint64_t addr;
    unsigned size;
    uint64_t value;
} IoCall;

typedef struct IoDev {
    GArray *calls; /* IoCall */
    uint64_t read_value;
} IoDev;

static uint64_t iodev_read(void *opaque, uint64_t addr, unsigned size)
{
    IoDev *d = opaque;
    IoCall c = {false, addr, size, d->read_value};

    g_array_append_val(d->calls, c);
    return d->read_value;
}

static void iodev_write(void *opaque, uint64_t addr, uint64_t value,
                        unsigned size)
{
    IoDev *d = opaque;
    IoCall c = {true, addr, size, value};

    g_array_append_val(d->calls, c);
}

static GString *calls_to_string(GArray *calls)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < calls->len; i++) {
        IoCall *c = &g_array_index(calls, IoCall, i);

        g_string_append_printf(
            s, "%s%c%" G_GINT64_MODIFIER "x/%u=%" G_GINT64_MODIFIER "x",
            i ? " " : "", c->write ? 'w' : 'r', (guint64)c->addr, c->size,
            (guint64)c->value);
    }
    return s;
}

/* ---- RAM blocks ---- */

static void test_ram_block_limits(void)
{
    static const struct {
        uint64_t size;
        const char *error;
    } cases[] = {
        {0, "invalid RAM size 0x0 (must be 1 to 0x10000000000 bytes)"},
        {RAM_BLOCK_MAX_SIZE + 1, "invalid RAM size 0x10000000001 (must be 1 "
                                 "to 0x10000000000 bytes)"},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        RamBlock *rb = ram_block_new(cases[i].size, false, &err);

        g_assert_null(rb);
        g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, cases[i].error);
    }
}

static void test_ram_block_dirty(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(RamBlock) rb = ram_block_new(5 * RAM_PAGE_SIZE + 1, false, &err);

    g_assert_no_error(err);
    g_assert_cmpuint(ram_block_page_count(rb), ==, 6);
    g_assert_cmpint(ram_block_get_fd(rb), ==, -1);
    g_assert_false(ram_block_is_shared(rb));
    g_assert_cmpuint(ram_block_dirty_count(rb), ==, 0);
    g_assert_cmpuint(ram_block_next_dirty(rb, 0), ==, 6);

    /* a write straddling a page boundary dirties both pages */
    ram_block_set_dirty(rb, RAM_PAGE_SIZE - 1, 2);
    g_assert_true(ram_block_is_dirty(rb, 0));
    g_assert_true(ram_block_is_dirty(rb, 1));
    g_assert_false(ram_block_is_dirty(rb, 2));
    g_assert_cmpuint(ram_block_dirty_count(rb), ==, 2);
    /* setting again does not double count */
    ram_block_set_dirty(rb, 0, 1);
    g_assert_cmpuint(ram_block_dirty_count(rb), ==, 2);
    g_assert_cmpuint(ram_block_next_dirty(rb, 1), ==, 1);
    g_assert_cmpuint(ram_block_next_dirty(rb, 2), ==, 6);
    /* out-of-range ranges are clipped, not fatal */
    ram_block_set_dirty(rb, 100 * RAM_PAGE_SIZE, 10);
    ram_block_set_dirty(rb, 5 * RAM_PAGE_SIZE, UINT64_MAX);
    g_assert_cmpuint(ram_block_next_dirty(rb, 2), ==, 5);
    g_assert_cmpuint(ram_block_dirty_count(rb), ==, 3);

    ram_block_clear_dirty(rb, 1, 100);
    g_assert_cmpuint(ram_block_dirty_count(rb), ==, 1);
    g_assert_true(ram_block_is_dirty(rb, 0));
    ram_block_set_all_dirty(rb);
    g_assert_cmpuint(ram_block_dirty_count(rb), ==, 6);
    g_assert_false(ram_block_is_dirty(rb, 6));
}

/*
 * "Written" is what set_dirty() ever covered: set_all_dirty() (migration
 * start) and clearing dirty bits leave it alone.
 */
static void test_ram_block_written(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(RamBlock) rb = ram_block_new(4 * RAM_PAGE_SIZE, false, &err);

    g_assert_no_error(err);
    ram_block_set_all_dirty(rb);
    for (uint64_t p = 0; p < 4; p++) {
        g_assert_false(ram_block_was_written(rb, p));
    }
    ram_block_set_dirty(rb, 2 * RAM_PAGE_SIZE + 5, 1);
    ram_block_clear_dirty(rb, 0, 4);
    g_assert_cmpuint(ram_block_dirty_count(rb), ==, 0);
    g_assert_false(ram_block_was_written(rb, 0));
    g_assert_false(ram_block_was_written(rb, 1));
    g_assert_true(ram_block_was_written(rb, 2));
    g_assert_false(ram_block_was_written(rb, 3));
    g_assert_false(ram_block_was_written(rb, 4)); /* past the end */
}

static void test_ram_block_shared(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(RamBlock) rb = ram_block_new(2 * RAM_PAGE_SIZE, true, &err);
    guint8 *host;

    g_assert_no_error(err);
    g_assert_true(ram_block_is_shared(rb));
    g_assert_cmpint(ram_block_get_fd(rb), >=, 0);
    host = ram_block_get_host(rb);
    g_assert_cmpint(host[0], ==, 0);
    host[RAM_PAGE_SIZE] = 0x5a;
    /* the memfd sees what the mapping wrote */
    g_assert_cmpint(pread(ram_block_get_fd(rb), host, 1, RAM_PAGE_SIZE), ==, 1);
    g_assert_cmpint(host[0], ==, 0x5a);
}

/* ---- regions and flat views ---- */

static AddressSpace *new_as(MemoryRegion **ret_root, uint8_t fill)
{
    g_autoptr(MemoryRegion) root =
        memory_region_new_container("root", MEMORY_REGION_SIZE_FULL);
    AddressSpace *as = address_space_new("test", root, fill);

    *ret_root = root;
    return as;
}

static MemoryRegion *new_ram(const char *name, uint64_t size)
{
    g_autoptr(GError) err = NULL;
    MemoryRegion *mr = memory_region_new_ram(name, size, false, &err);

    g_assert_no_error(err);
    return mr;
}

static void test_ram_access(void)
{
    MemoryRegion *root;
    g_autoptr(AddressSpace) as = new_as(&root, 0x00);
    g_autoptr(MemoryRegion) ram = new_ram("ram", 4 * RAM_PAGE_SIZE);
    RamBlock *rb = memory_region_get_ram_block(ram);
    guint8 in[6] = {1, 2, 3, 4, 5, 6}, out[6];
    guint8 *host;
    uint64_t avail = 0;

    memory_region_add_subregion(root, 0x10000, ram);
    g_assert_cmpint(address_space_write(as, 0x10000 + RAM_PAGE_SIZE - 3, in, 6),
                    ==, MEMTX_OK);
    g_assert_cmpint(address_space_read(as, 0x10000 + RAM_PAGE_SIZE - 3, out, 6),
                    ==, MEMTX_OK);
    g_assert_cmpmem(in, 6, out, 6);
    g_assert_cmpuint(ram_block_dirty_count(rb), ==, 2);
    g_assert_true(ram_block_is_dirty(rb, 0) && ram_block_is_dirty(rb, 1));

    host = address_space_get_ram_ptr(as, 0x10000 + RAM_PAGE_SIZE, &avail);
    g_assert_nonnull(host);
    g_assert_cmpuint(avail, ==, 3 * RAM_PAGE_SIZE);
    g_assert_cmpint(host[2], ==, 6);
    g_assert_null(address_space_get_ram_ptr(as, 0x100, &avail));

    /* reads do not dirty */
    ram_block_clear_dirty(rb, 0, 4);
    address_space_read(as, 0x10000, out, 6);
    g_assert_cmpuint(ram_block_dirty_count(rb), ==, 0);

    /* read-only RAM drops writes */
    memory_region_set_readonly(ram, true);
    address_space_write(as, 0x10000, in, 1);
    address_space_read(as, 0x10000, out, 1);
    g_assert_cmpint(out[0], ==, 0);
    g_assert_cmpuint(ram_block_dirty_count(rb), ==, 0);
}

static void test_unassigned(void)
{
    static const struct {
        uint8_t fill;
        uint64_t addr;
        guint8 expect[4];
        MemTxResult res;
    } cases[] = {
        /* RAM at 0x1000-0x1fff holds 0xaa */
        {0x00, 0x0, {0, 0, 0, 0}, MEMTX_DECODE_ERROR},
        {0xff, 0x0, {0xff, 0xff, 0xff, 0xff}, MEMTX_DECODE_ERROR},
        {0xff, 0xffe, {0xff, 0xff, 0xaa, 0xaa}, MEMTX_DECODE_ERROR},
        {0x00, 0x1ffe, {0xaa, 0xaa, 0, 0}, MEMTX_DECODE_ERROR},
        {0x00, 0x1000, {0xaa, 0xaa, 0xaa, 0xaa}, MEMTX_OK},
        {0x00, UINT64_MAX - 3, {0, 0, 0, 0}, MEMTX_DECODE_ERROR},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        MemoryRegion *root;
        g_autoptr(AddressSpace) as = new_as(&root, cases[i].fill);
        g_autoptr(MemoryRegion) ram = new_ram("ram", 0x1000);
        guint8 out[4];

        memset(ram_block_get_host(memory_region_get_ram_block(ram)), 0xaa,
               0x1000);
        memory_region_add_subregion(root, 0x1000, ram);
        g_assert_cmpint(address_space_read(as, cases[i].addr, out, 4), ==,
                        cases[i].res);
        g_assert_cmpmem(out, 4, cases[i].expect, 4);
        /* writes to nowhere are dropped and change nothing */
        g_assert_cmpint(address_space_write(as, 0x0, out, 4), ==,
                        MEMTX_DECODE_ERROR);
    }
}

static void test_priorities(void)
{
    MemoryRegion *root;
    g_autoptr(AddressSpace) as = new_as(&root, 0x00);
    g_autoptr(MemoryRegion) low = new_ram("low", 0x4000);
    g_autoptr(MemoryRegion) high = new_ram("high", 0x1000);
    g_autoptr(MemoryRegion) same = new_ram("same", 0x1000);
    g_autoptr(MemoryRegion) box = memory_region_new_container("box", 0x3000);
    g_autoptr(MemoryRegion) inbox = new_ram("inbox", 0x1000);
    g_autoptr(GString) dump = g_string_new(NULL);

    memory_region_add_subregion_overlap(root, 0x0, low, 0);
    memory_region_add_subregion_overlap(root, 0x1000, high, 1);
    /* equal priority: the newest wins */
    memory_region_add_subregion_overlap(root, 0x2000, same, 0);
    /* a container's empty space shows the lower-priority sibling */
    memory_region_add_subregion(box, 0x2000, inbox);
    memory_region_add_subregion_overlap(root, 0x1000, box, 2);
    address_space_dump(as, dump);
    g_assert_cmpstr(dump->str, ==,
                    "0000000000000000-0000000000000fff ram low @0\n"
                    "0000000000001000-0000000000001fff ram high @0\n"
                    "0000000000002000-0000000000002fff ram same @0\n"
                    "0000000000003000-0000000000003fff ram inbox @0\n");

    /* unmapping makes the next access see the new layout */
    memory_region_del_subregion(root, box);
    memory_region_set_enabled(high, false);
    g_string_truncate(dump, 0);
    address_space_dump(as, dump);
    g_assert_cmpstr(dump->str, ==,
                    "0000000000000000-0000000000001fff ram low @0\n"
                    "0000000000002000-0000000000002fff ram same @0\n"
                    "0000000000003000-0000000000003fff ram low @3000\n");
}

static void test_alias(void)
{
    MemoryRegion *root;
    g_autoptr(AddressSpace) as = new_as(&root, 0x00);
    g_autoptr(MemoryRegion) ram = new_ram("ram", 0x3000);
    g_autoptr(MemoryRegion) lo = memory_region_new_alias("lo", ram, 0, 0x1000);
    g_autoptr(MemoryRegion) hi =
        memory_region_new_alias("hi", ram, 0x1000, 0x2000);
    g_autoptr(GString) dump = g_string_new(NULL);
    guint32 v = 0x11223344, out = 0;

    memory_region_add_subregion(root, 0x0, lo);
    memory_region_add_subregion(root, G_GUINT64_CONSTANT(0x100000000), hi);
    address_space_dump(as, dump);
    g_assert_cmpstr(dump->str, ==,
                    "0000000000000000-0000000000000fff ram ram @0\n"
                    "0000000100000000-0000000100001fff ram ram @1000\n");
    address_space_write(as, G_GUINT64_CONSTANT(0x100000010), &v, 4);
    memcpy(&out,
           (guint8 *)ram_block_get_host(memory_region_get_ram_block(ram)) +
               0x1010,
           4);
    g_assert_cmphex(out, ==, v);
    g_assert_true(ram_block_is_dirty(memory_region_get_ram_block(ram), 1));
    g_assert_false(ram_block_is_dirty(memory_region_get_ram_block(ram), 0));
}

/* ---- I/O splitting ---- */

static void test_io_rules(void)
{
    static const struct {
        const char *what;
        MemoryRegionOps ops;
        bool write;
        uint64_t off;
        unsigned len;
        guint8 data[8];  /* bytes written, or expected bytes read */
        uint64_t device; /* what reads return */
        const char *calls;
        MemTxResult res;
    } cases[] = {
        {"8 bytes, default max 4",
         {.valid = {0}},
         true,
         0,
         8,
         {1, 2, 3, 4, 5, 6, 7, 8},
         0,
         "w0/4=4030201 w4/4=8070605",
         MEMTX_OK},
        {"impl max 1 splits",
         {.impl = {.max_access_size = 1}},
         true,
         0,
         4,
         {1, 2, 3, 4},
         0,
         "w0/1=1 w1/1=2 w2/1=3 w3/1=4",
         MEMTX_OK},
        {"too small is invalid",
         {.valid = {4, 4, false}},
         false,
         0,
         1,
         {0xff},
         0x12345678,
         "",
         MEMTX_ACCESS_ERROR},
        {"misaligned halves",
         {.valid = {1, 4, false}},
         true,
         2,
         4,
         {1, 2, 3, 4},
         0,
         "w2/2=201 w4/2=403",
         MEMTX_OK},
        {"unaligned allowed",
         {.valid = {1, 4, true}},
         true,
         2,
         4,
         {1, 2, 3, 4},
         0,
         "w2/4=4030201",
         MEMTX_OK},
        {"widened read",
         {.impl = {.min_access_size = 4}},
         false,
         1,
         1,
         {0x78},
         0x12345678,
         "r1/4=12345678",
         MEMTX_OK},
        {"widened write zero-extends",
         {.impl = {.min_access_size = 4}},
         true,
         0,
         2,
         {0x34, 0x12},
         0,
         "w0/4=1234",
         MEMTX_OK},
        {"big endian write",
         {.endianness = DEVICE_BIG_ENDIAN},
         true,
         0,
         2,
         {0x12, 0x34},
         0,
         "w0/2=1234",
         MEMTX_OK},
        {"big endian read",
         {.endianness = DEVICE_BIG_ENDIAN},
         false,
         0,
         4,
         {0x12, 0x34, 0x56, 0x78},
         0x12345678,
         "r0/4=12345678",
         MEMTX_OK},
        {"big endian split",
         {.endianness = DEVICE_BIG_ENDIAN, .impl = {.max_access_size = 2}},
         false,
         0,
         4,
         {0xab, 0xcd, 0xab, 0xcd},
         0xabcd,
         "r0/2=abcd r2/2=abcd",
         MEMTX_OK},
        {"8-byte device",
         {.valid = {.max_access_size = 8}, .impl = {.max_access_size = 8}},
         false,
         0,
         8,
         {8, 7, 6, 5, 4, 3, 2, 1},
         0x0102030405060708,
         "r0/8=102030405060708",
         MEMTX_OK},
        {"odd length",
         {.valid = {0}},
         false,
         0,
         3,
         {0x22, 0x11, 0x22},
         0x1122,
         "r0/2=1122 r2/1=1122",
         MEMTX_OK},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        MemoryRegionOps ops = cases[i].ops;
        IoDev dev = {g_array_new(FALSE, FALSE, sizeof(IoCall)),
                     cases[i].device};
        MemoryRegion *root;
        g_autoptr(AddressSpace) as = new_as(&root, 0xff);
        g_autoptr(MemoryRegion) io = NULL;
        g_autoptr(GString) got = NULL;
        guint8 buf[8] = {0};

        g_test_message("case: %s", cases[i].what);
        ops.read = iodev_read;
        ops.write = iodev_write;
        io = memory_region_new_io("dev", 0x100, &ops, &dev);
        memory_region_add_subregion(root, 0x1000, io);
        if (cases[i].write) {
            memcpy(buf, cases[i].data, cases[i].len);
        }
        g_assert_cmpint(address_space_rw(as, 0x1000 + cases[i].off, buf,
                                         cases[i].len, cases[i].write),
                        ==, cases[i].res);
        got = calls_to_string(dev.calls);
        g_assert_cmpstr(got->str, ==, cases[i].calls);
        if (!cases[i].write) {
            g_assert_cmpmem(buf, cases[i].len, cases[i].data, cases[i].len);
        }
        g_array_unref(dev.calls);
    }
}

static void test_set(void)
{
    MemoryRegion *root;
    g_autoptr(AddressSpace) as = new_as(&root, 0x00);
    g_autoptr(MemoryRegion) ram = new_ram("ram", 2 * RAM_PAGE_SIZE);
    static const MemoryRegionOps ops = {
        .read = iodev_read,
        .write = iodev_write,
        .impl = {.max_access_size = 1},
    };
    IoDev dev = {g_array_new(FALSE, FALSE, sizeof(IoCall)), 0};
    g_autoptr(MemoryRegion) io = memory_region_new_io("dev", 2, &ops, &dev);
    guint8 *host = ram_block_get_host(memory_region_get_ram_block(ram));
    g_autoptr(GString) got = NULL;

    memory_region_add_subregion(root, 0, ram);
    memory_region_add_subregion(root, 0x100000, io);
    /* from the end of RAM across unassigned space into the device */
    g_assert_cmpint(address_space_set(as, RAM_PAGE_SIZE * 2 - 2, 0x5a,
                                      0x100000 - (RAM_PAGE_SIZE * 2 - 2) + 2),
                    ==, MEMTX_DECODE_ERROR);
    g_assert_cmpint(host[RAM_PAGE_SIZE * 2 - 3], ==, 0);
    g_assert_cmpint(host[RAM_PAGE_SIZE * 2 - 2], ==, 0x5a);
    g_assert_cmpint(host[RAM_PAGE_SIZE * 2 - 1], ==, 0x5a);
    g_assert_true(ram_block_is_dirty(memory_region_get_ram_block(ram), 1));
    g_assert_false(ram_block_is_dirty(memory_region_get_ram_block(ram), 0));
    got = calls_to_string(dev.calls);
    g_assert_cmpstr(got->str, ==, "w0/1=5a w1/1=5a");
    /* zero length does nothing */
    g_assert_cmpint(address_space_set(as, 0, 1, 0), ==, MEMTX_OK);
    g_assert_cmpint(host[0], ==, 0);
    g_array_unref(dev.calls);
}

static void test_system_spaces(void)
{
    guint8 b = 0;
    guint16 w = 0;

    address_space_read(address_space_io_get(), 0x80, &b, 1);
    g_assert_cmphex(b, ==, 0xff);
    /* the I/O space ends at 64 KiB */
    address_space_read(address_space_io_get(), 0xffff, &w, 2);
    g_assert_cmphex(w, ==, 0xffff);
    g_assert_cmpuint(memory_region_get_size(memory_io_get()), ==, 0x10000);
    address_space_read(address_space_memory_get(), 0x1234, &b, 1);
    g_assert_cmphex(b, ==, 0x00);
    g_assert_cmpstr(memory_region_get_name(memory_system_get()), ==, "system");
    memory_system_reset();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/system/ram-block/limits", test_ram_block_limits);
    g_test_add_func("/system/ram-block/dirty", test_ram_block_dirty);
    g_test_add_func("/system/ram-block/written", test_ram_block_written);
    g_test_add_func("/system/ram-block/shared", test_ram_block_shared);
    g_test_add_func("/system/memory/ram-access", test_ram_access);
    g_test_add_func("/system/memory/unassigned", test_unassigned);
    g_test_add_func("/system/memory/priorities", test_priorities);
    g_test_add_func("/system/memory/alias", test_alias);
    g_test_add_func("/system/memory/io-rules", test_io_rules);
    g_test_add_func("/system/memory/set", test_set);
    g_test_add_func("/system/memory/system-spaces", test_system_spaces);
    return g_test_run();
}
