/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest RAM blocks: the host mapping behind RAM regions (anonymous or
 * memfd) and its dirty page bitmap.
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/memfd.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "system/ram.h"
#include "util/error.h"

struct RamBlock {
    guint ref;
    uint64_t size;
    size_t map_size;
    void *host;
    int fd;
    uint64_t npages;
    uint64_t *dirty; /* one bit per page */
    uint64_t dirty_count;
    uint64_t *written; /* one bit per page, never cleared */
};

#define BITS_PER_WORD 64

/*
 * memfd_create() is only declared with _GNU_SOURCE; the raw system call
 * keeps this file free of feature macros.
 */
static int ram_memfd_create(const char *name)
{
    return (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC);
}

static void *ram_map(uint64_t map_size, bool shared, int *ret_fd, GError **errp)
{
    void *host;
    int fd = -1;

    if (shared) {
        fd = ram_memfd_create("qmpd-ram");
        if (fd < 0 || ftruncate(fd, (off_t)map_size) < 0) {
            int saved = errno;

            if (fd >= 0) {
                close(fd);
            }
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "cannot create memfd of 0x%" PRIx64 " bytes: %s",
                        map_size, g_strerror(saved));
            return NULL;
        }
        host = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    } else {
        host = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }
    if (host == MAP_FAILED) {
        int saved = errno;

        if (fd >= 0) {
            close(fd);
        }
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cannot allocate 0x%" PRIx64 " bytes: %s", map_size,
                    g_strerror(saved));
        return NULL;
    }
    *ret_fd = fd;
    return host;
}

static bool ram_size_check(uint64_t size, GError **errp)
{
    if (size == 0 || size > RAM_BLOCK_MAX_SIZE) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "invalid RAM size 0x%" PRIx64 " (must be 1 to 0x%" PRIx64
                    " bytes)",
                    size, RAM_BLOCK_MAX_SIZE);
        return false;
    }
    return true;
}

static uint64_t ram_map_size(uint64_t size)
{
    return (size + RAM_PAGE_SIZE - 1) & ~(uint64_t)(RAM_PAGE_SIZE - 1);
}

static RamBlock *ram_block_wrap(uint64_t size, uint64_t map_size, void *host,
                                int fd)
{
    RamBlock *rb = g_new0(RamBlock, 1);

    rb->ref = 1;
    rb->size = size;
    rb->map_size = map_size;
    rb->host = host;
    rb->fd = fd;
    rb->npages = map_size / RAM_PAGE_SIZE;
    rb->dirty =
        g_new0(uint64_t, (rb->npages + BITS_PER_WORD - 1) / BITS_PER_WORD);
    rb->written =
        g_new0(uint64_t, (rb->npages + BITS_PER_WORD - 1) / BITS_PER_WORD);
    return rb;
}

RamBlock *ram_block_new(uint64_t size, bool shared, GError **errp)
{
    uint64_t map_size;
    void *host;
    int fd = -1;

    if (!ram_size_check(size, errp)) {
        return NULL;
    }
    map_size = ram_map_size(size);
    host = ram_map(map_size, shared, &fd, errp);
    if (host == NULL) {
        return NULL;
    }
    return ram_block_wrap(size, map_size, host, fd);
}

RamBlock *ram_block_new_from_fd(int fd, uint64_t size, GError **errp)
{
    struct stat st;
    uint64_t map_size;
    RamBlock *rb;
    void *host;

    g_return_val_if_fail(fd >= 0, NULL);
    if (!ram_size_check(size, errp)) {
        close(fd);
        return NULL;
    }
    map_size = ram_map_size(size);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
        (uint64_t)st.st_size < map_size) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "RAM file descriptor holds 0x%" PRIx64
                    " bytes, not the 0x%" PRIx64 " announced",
                    (uint64_t)st.st_size, map_size);
        close(fd);
        return NULL;
    }
    host = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (host == MAP_FAILED) {
        int saved = errno;

        close(fd);
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cannot map 0x%" PRIx64 " bytes of handed-over RAM: %s",
                    map_size, g_strerror(saved));
        return NULL;
    }
    rb = ram_block_wrap(size, map_size, host, fd);
    /* Its pages hold the predecessor's data: none may pass for zero. */
    memset(rb->written, 0xff,
           (rb->npages + BITS_PER_WORD - 1) / BITS_PER_WORD * sizeof(uint64_t));
    return rb;
}

RamBlock *ram_block_ref(RamBlock *rb)
{
    g_return_val_if_fail(rb != NULL, NULL);
    rb->ref++;
    return rb;
}

void ram_block_unref(RamBlock *rb)
{
    if (rb == NULL || --rb->ref > 0) {
        return;
    }
    munmap(rb->host, rb->map_size);
    if (rb->fd >= 0) {
        close(rb->fd);
    }
    g_free(rb->dirty);
    g_free(rb->written);
    g_free(rb);
}

void *ram_block_get_host(const RamBlock *rb)
{
    g_return_val_if_fail(rb != NULL, NULL);
    return rb->host;
}

uint64_t ram_block_get_size(const RamBlock *rb)
{
    g_return_val_if_fail(rb != NULL, 0);
    return rb->size;
}

int ram_block_get_fd(const RamBlock *rb)
{
    g_return_val_if_fail(rb != NULL, -1);
    return rb->fd;
}

bool ram_block_is_shared(const RamBlock *rb)
{
    g_return_val_if_fail(rb != NULL, false);
    return rb->fd >= 0;
}

uint64_t ram_block_page_count(const RamBlock *rb)
{
    g_return_val_if_fail(rb != NULL, 0);
    return rb->npages;
}

static inline bool bit_test(const uint64_t *map, uint64_t bit)
{
    return (map[bit / BITS_PER_WORD] >> (bit % BITS_PER_WORD)) & 1;
}

/* Marks pages [@first, @last] dirty, and written when @written. */
static void mark_pages(RamBlock *rb, uint64_t first, uint64_t last,
                       bool written)
{
    for (uint64_t p = first; p <= last; p++) {
        uint64_t mask = G_GUINT64_CONSTANT(1) << (p % BITS_PER_WORD);
        uint64_t *word = &rb->dirty[p / BITS_PER_WORD];

        if (!(*word & mask)) {
            *word |= mask;
            rb->dirty_count++;
        }
        if (written) {
            rb->written[p / BITS_PER_WORD] |= mask;
        }
    }
}

void ram_block_set_dirty(RamBlock *rb, uint64_t offset, uint64_t len)
{
    g_return_if_fail(rb != NULL);
    if (len == 0 || offset >= rb->map_size) {
        return;
    }
    len = MIN(len, rb->map_size - offset);
    mark_pages(rb, offset / RAM_PAGE_SIZE, (offset + len - 1) / RAM_PAGE_SIZE,
               true);
}

void ram_block_set_all_dirty(RamBlock *rb)
{
    g_return_if_fail(rb != NULL);
    mark_pages(rb, 0, rb->npages - 1, false);
}

bool ram_block_was_written(const RamBlock *rb, uint64_t page)
{
    g_return_val_if_fail(rb != NULL, false);
    return page < rb->npages && bit_test(rb->written, page);
}

bool ram_block_is_dirty(const RamBlock *rb, uint64_t page)
{
    g_return_val_if_fail(rb != NULL, false);
    return page < rb->npages && bit_test(rb->dirty, page);
}

uint64_t ram_block_dirty_count(const RamBlock *rb)
{
    g_return_val_if_fail(rb != NULL, 0);
    return rb->dirty_count;
}

uint64_t ram_block_next_dirty(const RamBlock *rb, uint64_t start)
{
    g_return_val_if_fail(rb != NULL, 0);
    for (uint64_t p = start; p < rb->npages;) {
        uint64_t word = rb->dirty[p / BITS_PER_WORD] >> (p % BITS_PER_WORD);

        if (word != 0) {
            p += (uint64_t)__builtin_ctzll(word);
            return MIN(p, rb->npages);
        }
        p = (p / BITS_PER_WORD + 1) * BITS_PER_WORD;
    }
    return rb->npages;
}

void ram_block_clear_dirty(RamBlock *rb, uint64_t page, uint64_t npages)
{
    g_return_if_fail(rb != NULL);
    if (page >= rb->npages) {
        return;
    }
    npages = MIN(npages, rb->npages - page);
    for (uint64_t p = page; p < page + npages; p++) {
        uint64_t mask = G_GUINT64_CONSTANT(1) << (p % BITS_PER_WORD);
        uint64_t *word = &rb->dirty[p / BITS_PER_WORD];

        if (*word & mask) {
            *word &= ~mask;
            rb->dirty_count--;
        }
    }
}
