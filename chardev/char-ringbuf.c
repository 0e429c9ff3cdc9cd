/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory-only chardev backends: ringbuf (a power-of-two ring keeping the
 * newest bytes written, drained by ringbuf-read) and null (discards
 * output, never produces input).
 */

#include "prelude.h"

#include "char-internal.h"
#include "chardev/char.h"
#include "util/error.h"

#define RINGBUF_DEFAULT_SIZE 65536

typedef struct RingbufState {
    guint8 *data;
    gsize size; /* power of two */
    /* free-running counters; prod - cons <= size */
    guint64 prod;
    guint64 cons;
} RingbufState;

static bool ringbuf_open(Chardev *chr, GError **errp)
{
    uint64_t size = chr->opts->size ? chr->opts->size : RINGBUF_DEFAULT_SIZE;
    RingbufState *s;

    if (size & (size - 1)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "size of ringbuf chardev must be power of two");
        return false;
    }
    if (size > CHARDEV_RINGBUF_MAX_SIZE) {
        g_set_error(
            errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
            "size of ringbuf chardev must not exceed %" G_GUINT64_FORMAT,
            (guint64)CHARDEV_RINGBUF_MAX_SIZE);
        return false;
    }
    s = g_new0(RingbufState, 1);
    s->data = g_try_malloc(size);
    if (!s->data) {
        g_free(s);
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Cannot allocate %" G_GUINT64_FORMAT
                    " bytes for ringbuf chardev",
                    (guint64)size);
        return false;
    }
    s->size = size;
    chr->be = s;
    chr_io_attach(chr, -1, -1, NULL, false);
    return true;
}

static void ringbuf_close(Chardev *chr)
{
    RingbufState *s = chr->be;

    if (s) {
        g_free(s->data);
        g_free(s);
        chr->be = NULL;
    }
}

static char *ringbuf_filename(const Chardev *chr)
{
    return g_strdup("ringbuf");
}

void chr_ringbuf_write(Chardev *chr, const guint8 *buf, gsize len)
{
    RingbufState *s = chr->be;

    for (gsize i = 0; i < len; i++) {
        s->data[s->prod++ & (s->size - 1)] = buf[i];
        if (s->prod - s->cons > s->size) {
            /* full: the oldest byte is overwritten */
            s->cons = s->prod - s->size;
        }
    }
}

GBytes *chardev_ringbuf_read(Chardev *chr, gsize size, GError **errp)
{
    RingbufState *s;
    guint8 *out;
    gsize n;

    g_return_val_if_fail(chr != NULL, NULL);
    if (chr->opts->backend != CHARDEV_BACKEND_RINGBUF) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "%s is not a ringbuf device", chr->id);
        return NULL;
    }
    s = chr->be;
    n = MIN(size, s->prod - s->cons);
    out = g_malloc(n ? n : 1);
    for (gsize i = 0; i < n; i++) {
        out[i] = s->data[s->cons++ & (s->size - 1)];
    }
    return g_bytes_new_take(out, n);
}

static bool null_open(Chardev *chr, GError **errp)
{
    chr_io_attach(chr, -1, -1, NULL, false);
    return true;
}

static char *null_filename(const Chardev *chr)
{
    return g_strdup("null");
}

const ChardevBackendOps chardev_ringbuf_ops = {
    .open = ringbuf_open,
    .close = ringbuf_close,
    .filename = ringbuf_filename,
};

const ChardevBackendOps chardev_null_ops = {
    .open = null_open,
    .filename = null_filename,
};
