/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ByteQueue: FIFO order, and linear cost however the bytes are consumed. */
#include "prelude.h"

#include <string.h>

#include "util/byte-queue.h"

static void fill(guint8 *buf, gsize len, gsize offset)
{
    for (gsize i = 0; i < len; i++) {
        buf[i] = (guint8)((offset + i) * 2654435761u >> 24);
    }
}

static void test_fifo(void)
{
    ByteQueue q = {0};
    guint8 chunk[1000];
    gsize in = 0;
    gsize out = 0;

    g_assert_cmpuint(byte_queue_length(&q), ==, 0);
    g_assert_null(byte_queue_peek(&q));
    /* Interleave appends and uneven consumes; every byte comes out once. */
    for (int round = 0; round < 500; round++) {
        gsize take;

        fill(chunk, sizeof(chunk), in);
        byte_queue_append(&q, chunk, sizeof(chunk));
        in += sizeof(chunk);
        take = MIN(byte_queue_length(&q), (gsize)(round * 37 % 1500));
        for (gsize i = 0; i < take; i++) {
            guint8 want;

            fill(&want, 1, out + i);
            g_assert_cmpuint(byte_queue_peek(&q)[i], ==, want);
        }
        byte_queue_consume(&q, take);
        out += take;
        g_assert_cmpuint(byte_queue_length(&q), ==, in - out);
    }
    byte_queue_consume(&q, byte_queue_length(&q));
    g_assert_cmpuint(byte_queue_length(&q), ==, 0);
    byte_queue_clear(&q);
    g_assert_null(q.buf);
}

/*
 * One 64 MiB message sent 4 KiB at a time (a slow socket): the old queue
 * shifted the whole tail after every write, 0.5 TB of memmove.  Now the
 * bytes moved stay below the bytes sent.
 */
static void test_linear(void)
{
    const gsize total = 64 * 1024 * 1024;
    g_autofree guint8 *msg = g_malloc(total);
    ByteQueue q = {0};
    gsize out = 0;

    fill(msg, total, 0);
    byte_queue_append(&q, msg, total);
    while (byte_queue_length(&q) > 0) {
        gsize take = MIN(byte_queue_length(&q), 4096);

        g_assert_cmpmem(byte_queue_peek(&q), take, msg + out, take);
        byte_queue_consume(&q, take);
        out += take;
    }
    g_test_message("sent %zu bytes, moved %zu", out, q.moved);
    g_assert_cmpuint(out, ==, total);
    g_assert_cmpuint(q.moved, <, total);
    /* Emptied, the 64 MiB buffer is given back. */
    g_assert_null(q.buf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/byte-queue/fifo", test_fifo);
    g_test_add_func("/byte-queue/linear", test_linear);
    return g_test_run();
}
