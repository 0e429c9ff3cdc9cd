/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The destination's RAM populator: a thread that pre-faults guest memory
 * ahead of the incoming stream so the parsing thread does not pay for
 * page allocation and clearing.
 */

#include "prelude.h"

#include <errno.h>
#include <sys/mman.h>

#include "migration/ram-populate.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older libc headers lack it */
#endif

/* Faulted per system call: one transparent huge page. */
#define POPULATE_STEP (2u << 20)
#define POPULATE_MAX_THREADS 4

typedef struct PopulateRange {
    uint8_t *host;
    uint64_t len;
} PopulateRange;

struct RamPopulator {
    GThread *threads[POPULATE_MAX_THREADS];
    guint nthreads; /* started */
    guint max_threads;
    GMutex lock;
    GCond wake;
    GQueue ranges;     /* PopulateRange, under @lock */
    gint stop;         /* atomic */
    gint unsupported;  /* atomic: the kernel lacks MADV_POPULATE_WRITE */
    gsize populated;   /* atomic */
    GPtrArray *blocks; /* referenced; touched by the main thread only */
};

static void unref_block(gpointer rb)
{
    ram_block_unref(rb);
}

RamPopulator *ram_populator_new(guint threads)
{
    RamPopulator *p = g_new0(RamPopulator, 1);

    p->max_threads = CLAMP(threads, 1, POPULATE_MAX_THREADS);
    g_mutex_init(&p->lock);
    g_cond_init(&p->wake);
    g_queue_init(&p->ranges);
    p->blocks = g_ptr_array_new_with_free_func(unref_block);
    return p;
}

static void populate_range(RamPopulator *p, const PopulateRange *r)
{
    for (uint64_t done = 0; done < r->len && !g_atomic_int_get(&p->stop);) {
        size_t step = (size_t)MIN((uint64_t)POPULATE_STEP, r->len - done);

        if (madvise(r->host + done, step, MADV_POPULATE_WRITE) < 0) {
            if (errno == EINVAL) {
                g_atomic_int_set(&p->unsupported, 1);
                return;
            }
            /* ENOMEM, EFAULT, ...: leave the rest to ordinary faults. */
            return;
        }
        done += step;
        g_atomic_pointer_add(&p->populated, step);
    }
}

static gpointer populator_thread(gpointer opaque)
{
    RamPopulator *p = opaque;

    for (;;) {
        PopulateRange *r;

        g_mutex_lock(&p->lock);
        while (g_queue_is_empty(&p->ranges) && !g_atomic_int_get(&p->stop)) {
            g_cond_wait(&p->wake, &p->lock);
        }
        r = g_atomic_int_get(&p->stop) ? NULL : g_queue_pop_head(&p->ranges);
        g_mutex_unlock(&p->lock);
        if (r == NULL) {
            return NULL;
        }
        populate_range(p, r);
        g_free(r);
    }
}

static void hold_block(RamPopulator *p, RamBlock *rb)
{
    for (guint i = 0; i < p->blocks->len; i++) {
        if (g_ptr_array_index(p->blocks, i) == rb) {
            return;
        }
    }
    g_ptr_array_add(p->blocks, ram_block_ref(rb));
}

void ram_populator_request(RamPopulator *p, RamBlock *rb, uint64_t offset,
                           uint64_t len)
{
    uint64_t size = ram_block_get_size(rb);
    PopulateRange *r;

    if (offset >= size || len == 0 || g_atomic_int_get(&p->unsupported)) {
        return;
    }
    hold_block(p, rb);
    r = g_new(PopulateRange, 1);
    r->host = (uint8_t *)ram_block_get_host(rb) + offset;
    r->len = MIN(len, size - offset);
    g_mutex_lock(&p->lock);
    g_queue_push_tail(&p->ranges, r);
    g_cond_signal(&p->wake);
    g_mutex_unlock(&p->lock);
    while (p->nthreads < p->max_threads) {
        p->threads[p->nthreads++] =
            g_thread_new("ram-populate", populator_thread, p);
    }
}

uint64_t ram_populator_populated(RamPopulator *p)
{
    return (uint64_t)g_atomic_pointer_get(&p->populated);
}

void ram_populator_free(RamPopulator *p)
{
    if (p == NULL) {
        return;
    }
    g_mutex_lock(&p->lock);
    g_atomic_int_set(&p->stop, 1);
    g_cond_broadcast(&p->wake);
    g_mutex_unlock(&p->lock);
    for (guint i = 0; i < p->nthreads; i++) {
        g_thread_join(p->threads[i]);
    }
    g_queue_clear_full(&p->ranges, g_free);
    g_ptr_array_unref(p->blocks);
    g_cond_clear(&p->wake);
    g_mutex_clear(&p->lock);
    g_free(p);
}
