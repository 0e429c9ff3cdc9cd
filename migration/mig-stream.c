/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration byte stream: buffered big-endian encoding and decoding
 * with a latched error, resumable reads (mark/rewind) and byte counters.
 * The contract is in include/migration/mig-stream.h.
 */

#include "prelude.h"

#include <string.h>

#include "migration/mig-stream.h"
#include "util/error.h"

/* Caller memory spliced into the output at byte @at of @out. */
typedef struct MigExternal {
    gsize at;
    const void *ptr;
    gsize len;
} MigExternal;

struct MigStream {
    GByteArray *out;
    GArray *ext; /* of MigExternal, in output order */
    gsize ext_bytes;
    guint64 out_total;

    /*
     * Received bytes: [0, start) is consumed and committed, dropped
     * lazily (at the next feed) so a commit costs nothing.
     */
    GByteArray *in;
    gsize start;
    gsize pos; /* read position inside @in */
    guint64 in_dropped;
    bool eof;
    bool is_short;
    gsize wanted;

    GError *error;
};

MigStream *mig_stream_new(void)
{
    MigStream *s = g_new0(MigStream, 1);

    s->out = g_byte_array_new();
    s->ext = g_array_new(FALSE, FALSE, sizeof(MigExternal));
    s->in = g_byte_array_new();
    return s;
}

void mig_stream_free(MigStream *s)
{
    if (s == NULL) {
        return;
    }
    g_byte_array_unref(s->out);
    g_array_unref(s->ext);
    g_byte_array_unref(s->in);
    g_clear_error(&s->error);
    g_free(s);
}

void mig_stream_put_u8(MigStream *s, uint8_t v)
{
    g_byte_array_append(s->out, &v, 1);
}

void mig_stream_put_be16(MigStream *s, uint16_t v)
{
    uint16_t be = GUINT16_TO_BE(v);

    g_byte_array_append(s->out, (const guint8 *)&be, sizeof(be));
}

void mig_stream_put_be32(MigStream *s, uint32_t v)
{
    uint32_t be = GUINT32_TO_BE(v);

    g_byte_array_append(s->out, (const guint8 *)&be, sizeof(be));
}

void mig_stream_put_be64(MigStream *s, uint64_t v)
{
    uint64_t be = GUINT64_TO_BE(v);

    g_byte_array_append(s->out, (const guint8 *)&be, sizeof(be));
}

void mig_stream_put_buffer(MigStream *s, const void *buf, gsize len)
{
    if (len > 0) {
        g_byte_array_append(s->out, buf, len);
    }
}

void mig_stream_put_counted_string(MigStream *s, const char *str)
{
    gsize len = strlen(str);

    g_return_if_fail(len <= G_MAXUINT8);
    mig_stream_put_u8(s, (uint8_t)len);
    mig_stream_put_buffer(s, str, len);
}

void mig_stream_put_external(MigStream *s, const void *ptr, gsize len)
{
    MigExternal e = {.at = s->out->len, .ptr = ptr, .len = len};

    if (len > 0) {
        g_array_append_val(s->ext, e);
        s->ext_bytes += len;
    }
}

gsize mig_stream_output_pending(const MigStream *s)
{
    return s->out->len + s->ext_bytes;
}

GBytes *mig_stream_take_output(MigStream *s)
{
    GByteArray *taken = s->out;
    GByteArray *flat;
    gsize from = 0;

    s->out = g_byte_array_new();
    s->out_total += taken->len + s->ext_bytes;
    if (s->ext->len == 0) {
        return g_byte_array_free_to_bytes(taken);
    }
    /* Slow path for callers that want one buffer (tests, one-shot). */
    flat = g_byte_array_sized_new((guint)(taken->len + s->ext_bytes));
    for (guint i = 0; i < s->ext->len; i++) {
        const MigExternal *e = &g_array_index(s->ext, MigExternal, i);

        g_byte_array_append(flat, taken->data + from, (guint)(e->at - from));
        g_byte_array_append(flat, e->ptr, (guint)e->len);
        from = e->at;
    }
    g_byte_array_append(flat, taken->data + from, (guint)(taken->len - from));
    g_byte_array_unref(taken);
    g_array_set_size(s->ext, 0);
    s->ext_bytes = 0;
    return g_byte_array_free_to_bytes(flat);
}

static void add_vector(GArray *vectors, const void *p, gsize len)
{
    GOutputVector v = {.buffer = p, .size = len};

    if (len > 0) {
        g_array_append_val(vectors, v);
    }
}

GBytes *mig_stream_take_vectors(MigStream *s, GArray *vectors)
{
    GBytes *bytes;
    const guint8 *data;
    gsize size, from = 0;

    s->out_total += s->out->len + s->ext_bytes;
    bytes = g_byte_array_free_to_bytes(s->out);
    s->out = g_byte_array_new();
    data = g_bytes_get_data(bytes, &size);
    g_array_set_size(vectors, 0);
    for (guint i = 0; i < s->ext->len; i++) {
        const MigExternal *e = &g_array_index(s->ext, MigExternal, i);

        add_vector(vectors, data + from, e->at - from);
        add_vector(vectors, e->ptr, e->len);
        from = e->at;
    }
    add_vector(vectors, data + from, size - from);
    g_array_set_size(s->ext, 0);
    s->ext_bytes = 0;
    return bytes;
}

/* Drops committed bytes before more arrive. */
static void compact(MigStream *s)
{
    if (s->start == 0) {
        return;
    }
    g_byte_array_remove_range(s->in, 0, (guint)s->start);
    s->in_dropped += s->start;
    s->pos -= s->start;
    s->start = 0;
}

void mig_stream_feed(MigStream *s, const void *data, gsize len)
{
    if (len > 0) {
        compact(s);
        g_byte_array_append(s->in, data, len);
    }
}

uint8_t *mig_stream_feed_reserve(MigStream *s, gsize len)
{
    gsize old;

    compact(s);
    old = s->in->len;
    g_byte_array_set_size(s->in, (guint)(old + len));
    g_byte_array_set_size(s->in, (guint)old);
    return s->in->data + old;
}

void mig_stream_feed_commit(MigStream *s, gsize len)
{
    g_byte_array_set_size(s->in, (guint)(s->in->len + len));
}

void mig_stream_feed_eof(MigStream *s)
{
    s->eof = true;
}

bool mig_stream_at_eof(const MigStream *s)
{
    return s->eof && s->pos == s->in->len;
}

void mig_stream_set_error(MigStream *s, const char *fmt, ...)
{
    va_list ap;

    if (s->error != NULL) {
        return;
    }
    va_start(ap, fmt);
    s->error = g_error_new_valist(QMPD_ERROR, QMPD_ERROR_GENERIC, fmt, ap);
    va_end(ap);
}

void mig_stream_propagate_error(MigStream *s, GError *err)
{
    if (s->error != NULL) {
        g_error_free(err);
        return;
    }
    s->error = err;
}

/*
 * Makes @len more bytes available at the read position, or records why
 * not.  Everything that consumes input goes through here.
 */
static const uint8_t *take(MigStream *s, gsize len)
{
    const uint8_t *p;

    if (s->error != NULL || s->is_short) {
        return NULL;
    }
    if (s->in->len - s->pos < len) {
        if (s->eof) {
            mig_stream_set_error(s, "migration stream ended unexpectedly");
            return NULL;
        }
        if (s->pos - s->start + len > MIG_STREAM_MAX_PENDING) {
            mig_stream_set_error(s,
                                 "migration stream item of %" G_GSIZE_FORMAT
                                 " bytes exceeds the buffer limit",
                                 len);
            return NULL;
        }
        s->is_short = true;
        s->wanted = s->pos - s->start + len;
        return NULL;
    }
    p = s->in->data + s->pos;
    s->pos += len;
    return p;
}

uint8_t mig_stream_get_u8(MigStream *s)
{
    const uint8_t *p = take(s, 1);

    return p != NULL ? p[0] : 0;
}

uint16_t mig_stream_get_be16(MigStream *s)
{
    const uint8_t *p = take(s, 2);

    return p != NULL ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t mig_stream_get_be32(MigStream *s)
{
    const uint8_t *p = take(s, 4);

    if (p == NULL) {
        return 0;
    }
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

uint64_t mig_stream_get_be64(MigStream *s)
{
    const uint8_t *p = take(s, 8);
    uint64_t v = 0;

    if (p == NULL) {
        return 0;
    }
    for (int i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

int mig_stream_peek_u8(MigStream *s)
{
    const uint8_t *p;

    /* Peeking at the very end is how parsers find out it is the end. */
    if (s->error == NULL && !s->is_short && s->eof && s->pos == s->in->len) {
        return -1;
    }
    p = take(s, 1);

    if (p == NULL) {
        return -1;
    }
    s->pos--;
    return p[0];
}

bool mig_stream_get_buffer(MigStream *s, void *buf, gsize len)
{
    const uint8_t *p = take(s, len);

    if (p == NULL) {
        return false;
    }
    if (len > 0) {
        memcpy(buf, p, len);
    }
    return true;
}

const uint8_t *mig_stream_get_view(MigStream *s, gsize len, gsize limit,
                                   const char *what)
{
    if (s->error == NULL && !s->is_short && len > limit) {
        mig_stream_set_error(s,
                             "%s: size %" G_GSIZE_FORMAT
                             " exceeds the limit of %" G_GSIZE_FORMAT " bytes",
                             what, len, limit);
        return NULL;
    }
    return take(s, len);
}

char *mig_stream_get_counted_string(MigStream *s, const char *what)
{
    uint8_t len = mig_stream_get_u8(s);
    const uint8_t *p = take(s, len);

    if (p == NULL) {
        return NULL;
    }
    if (memchr(p, '\0', len) != NULL) {
        mig_stream_set_error(s, "%s: name holds a NUL byte", what);
        return NULL;
    }
    return g_strndup((const char *)p, len);
}

gsize mig_stream_mark(const MigStream *s)
{
    return s->pos;
}

void mig_stream_rewind(MigStream *s, gsize mark)
{
    g_return_if_fail(mark >= s->start && mark <= s->in->len);
    s->pos = mark;
    s->is_short = false;
}

void mig_stream_commit(MigStream *s)
{
    s->start = s->pos;
    s->wanted = 0;
}

bool mig_stream_is_short(const MigStream *s)
{
    return s->is_short;
}

gsize mig_stream_wanted(const MigStream *s)
{
    return s->wanted;
}

gsize mig_stream_buffered(const MigStream *s)
{
    return s->in->len - s->start;
}

bool mig_stream_failed(const MigStream *s)
{
    return s->error != NULL || s->is_short;
}

const GError *mig_stream_get_error(const MigStream *s)
{
    return s->error;
}

guint64 mig_stream_bytes_in(const MigStream *s)
{
    return s->in_dropped + s->pos;
}

guint64 mig_stream_bytes_out(const MigStream *s)
{
    return s->out_total + s->out->len + s->ext_bytes;
}
