/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * ByteQueue: a FIFO of bytes waiting for a slow writer (a socket, a pipe).
 *
 * Producers append whole messages; the writer peeks at the unsent bytes,
 * writes what the fd takes and consumes that much.  Consuming moves a read
 * offset instead of shifting the tail to the front after every partial
 * write, so sending N bytes costs O(N) however small the writes are (the
 * tail is moved only once it is no longer than what was already sent).
 * When the queue empties, a large buffer is released, so a burst of output
 * does not pin its memory for the life of the connection.
 */

#include "prelude.h"

typedef struct ByteQueue {
    GByteArray *buf; /* NULL until the first append */
    gsize head;      /* bytes of @buf already consumed */
    gsize peak;      /* largest length of @buf, a lower bound on its storage */
    gsize moved;     /* bytes ever shifted to the front (tests check O(N)) */
} ByteQueue;

/* Drops any queued bytes and releases the storage. */
void byte_queue_clear(ByteQueue *q);

void byte_queue_append(ByteQueue *q, const void *data, gsize len);

/* Returns: how many bytes wait to be consumed. */
static inline gsize byte_queue_length(const ByteQueue *q)
{
    return q->buf != NULL ? q->buf->len - q->head : 0;
}

/*
 * byte_queue_peek:
 * Returns: (transfer none): the oldest unconsumed byte, valid until the
 * next append or consume; NULL when the queue is empty.
 */
const guint8 *byte_queue_peek(const ByteQueue *q);

/* Marks the first @n unconsumed bytes as sent. */
void byte_queue_consume(ByteQueue *q, gsize n);
