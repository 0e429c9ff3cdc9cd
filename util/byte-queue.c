/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "prelude.h"

#include "util/byte-queue.h"

/*
 * An emptied buffer that grew past this is freed rather than kept for
 * reuse.  Large enough that a connection trading megabyte replies does not
 * fault fresh pages in for every one (slow on some hosts), small enough
 * that a burst does not pin much.
 */
#define BYTE_QUEUE_KEEP (4 * 1024 * 1024)

void byte_queue_clear(ByteQueue *q)
{
    g_clear_pointer(&q->buf, g_byte_array_unref);
    q->head = 0;
    q->peak = 0;
}

void byte_queue_append(ByteQueue *q, const void *data, gsize len)
{
    if (len == 0) {
        return;
    }
    if (q->buf == NULL) {
        q->buf = g_byte_array_sized_new(MIN(len, 64 * 1024));
    }
    g_byte_array_append(q->buf, data, len);
    q->peak = MAX(q->peak, q->buf->len);
}

const guint8 *byte_queue_peek(const ByteQueue *q)
{
    return byte_queue_length(q) > 0 ? q->buf->data + q->head : NULL;
}

void byte_queue_consume(ByteQueue *q, gsize n)
{
    gsize left;

    g_return_if_fail(n <= byte_queue_length(q));
    q->head += n;
    left = q->buf->len - q->head;
    if (left == 0) {
        /* GByteArray never shrinks its storage: only freeing returns it. */
        if (q->peak > BYTE_QUEUE_KEEP) {
            byte_queue_clear(q);
        } else {
            g_byte_array_set_size(q->buf, 0);
            q->head = 0;
        }
    } else if (left <= q->head) {
        /*
         * Each byte moved here was preceded by at least as many sent ones,
         * so the moves add up to less than the bytes sent.
         */
        q->moved += left;
        g_byte_array_remove_range(q->buf, 0, q->head);
        q->head = 0;
    }
}
