/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the destination's RAM populator: requested ranges become
 * resident, nothing outside them does, contents written concurrently
 * survive, and freeing with work queued returns promptly.
 */

#include "prelude.h"

#include <string.h>
#include <sys/mman.h>

#include "migration/ram-populate.h"

#define MIB (G_GUINT64_CONSTANT(1) << 20)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static RamBlock *new_block(uint64_t size)
{
    g_autoptr(GError) err = NULL;
    RamBlock *rb = ram_block_new(size, false, &err);

    g_assert_no_error(err);
    /* Huge pages would make residency spill past the ranges asked for. */
    madvise(ram_block_get_host(rb), (size_t)size, MADV_NOHUGEPAGE);
    return rb;
}

/* Resident pages of [offset, offset + len) of @rb, by mincore(). */
static uint64_t resident_pages(RamBlock *rb, uint64_t offset, uint64_t len)
{
    uint64_t npages = len / RAM_PAGE_SIZE;
    g_autofree unsigned char *vec = g_malloc(npages);
    uint64_t n = 0;

    g_assert_cmpint(
        mincore((uint8_t *)ram_block_get_host(rb) + offset, (size_t)len, vec),
        ==, 0);
    for (uint64_t i = 0; i < npages; i++) {
        n += vec[i] & 1;
    }
    return n;
}

/* Waits until @p reports @bytes populated; false on timeout. */
static bool wait_populated(RamPopulator *p, uint64_t bytes)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    while (ram_populator_populated(p) < bytes) {
        if (g_get_monotonic_time() > deadline) {
            return false;
        }
        g_usleep(1000);
    }
    return true;
}

/*
 * Skips (with the reason) on kernels without MADV_POPULATE_WRITE, where
 * the populator is documented to do nothing.
 */
static bool populate_supported(void)
{
    g_autoptr(RamBlock) rb = new_block(RAM_PAGE_SIZE);

    if (madvise(ram_block_get_host(rb), RAM_PAGE_SIZE, MADV_POPULATE_WRITE) <
        0) {
        g_test_skip("kernel lacks MADV_POPULATE_WRITE (Linux < 5.14)");
        return false;
    }
    return true;
}

static void test_requested_ranges_only(void)
{
    g_autoptr(RamBlock) rb = new_block(16 * MIB);
    g_autoptr(RamPopulator) p = ram_populator_new(2);

    if (!populate_supported()) {
        return;
    }
    g_assert_cmpuint(resident_pages(rb, 0, 16 * MIB), ==, 0);
    ram_populator_request(p, rb, 2 * MIB, 4 * MIB);
    ram_populator_request(p, rb, 10 * MIB, 2 * MIB);
    g_assert_true(wait_populated(p, 6 * MIB));
    g_assert_cmpuint(resident_pages(rb, 2 * MIB, 4 * MIB), ==,
                     4 * MIB / RAM_PAGE_SIZE);
    g_assert_cmpuint(resident_pages(rb, 10 * MIB, 2 * MIB), ==,
                     2 * MIB / RAM_PAGE_SIZE);
    g_assert_cmpuint(ram_populator_populated(p), ==, 6 * MIB);
    /*
     * Outside the ranges nothing was faulted, except what transparent
     * huge pages round up to (the ranges are 2 MiB aligned: nothing).
     */
    g_assert_cmpuint(resident_pages(rb, 0, 2 * MIB), ==, 0);
    g_assert_cmpuint(resident_pages(rb, 6 * MIB, 4 * MIB), ==, 0);
    g_assert_cmpuint(resident_pages(rb, 12 * MIB, 4 * MIB), ==, 0);
}

static void test_clipped_to_block(void)
{
    g_autoptr(RamBlock) rb = new_block(3 * MIB);
    g_autoptr(RamPopulator) p = ram_populator_new(1);

    if (!populate_supported()) {
        return;
    }
    ram_populator_request(p, rb, 3 * MIB, MIB); /* past the end: ignored */
    ram_populator_request(p, rb, 2 * MIB, 8 * MIB);
    g_assert_true(wait_populated(p, MIB));
    g_usleep(20000);
    g_assert_cmpuint(ram_populator_populated(p), ==, MIB);
    g_assert_cmpuint(resident_pages(rb, 2 * MIB, MIB), ==, MIB / RAM_PAGE_SIZE);
}

/*
 * The main thread writes while the populator faults the same pages: the
 * data must survive and the untouched pages must still read zero.
 */
static void test_contents_preserved(void)
{
    const uint64_t size = 32 * MIB;
    g_autoptr(RamBlock) rb = new_block(size);
    RamPopulator *p = ram_populator_new(2);
    guint8 *host = ram_block_get_host(rb);

    ram_populator_request(p, rb, 0, size);
    for (uint64_t off = 0; off < size; off += 2 * RAM_PAGE_SIZE) {
        memset(host + off, (int)(off / RAM_PAGE_SIZE % 251) + 1, RAM_PAGE_SIZE);
    }
    ram_populator_free(p);
    for (uint64_t off = 0; off < size; off += RAM_PAGE_SIZE) {
        guint8 want = (off / RAM_PAGE_SIZE) % 2 == 0
                          ? (guint8)((off / RAM_PAGE_SIZE % 251) + 1)
                          : 0;

        g_assert_cmpuint(host[off], ==, want);
        g_assert_cmpuint(host[off + RAM_PAGE_SIZE - 1], ==, want);
    }
}

/*
 * Freeing with 1 GiB queued stops between steps instead of populating
 * all of it first.
 */
static void test_free_with_work_queued(void)
{
    const uint64_t size = 1024 * MIB;
    g_autoptr(RamBlock) rb = new_block(size);
    RamPopulator *p = ram_populator_new(1);

    if (!populate_supported()) {
        ram_populator_free(p);
        return;
    }
    for (uint64_t off = 0; off < size; off += 8 * MIB) {
        ram_populator_request(p, rb, off, 8 * MIB);
    }
    ram_populator_free(p);
    g_assert_cmpuint(resident_pages(rb, 0, size), <, size / RAM_PAGE_SIZE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/ram-populate/requested-ranges-only",
                    test_requested_ranges_only);
    g_test_add_func("/migration/ram-populate/clipped-to-block",
                    test_clipped_to_block);
    g_test_add_func("/migration/ram-populate/contents-preserved",
                    test_contents_preserved);
    g_test_add_func("/migration/ram-populate/free-with-work-queued",
                    test_free_with_work_queued);
    return g_test_run();
}
