/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A migration byte stream: a growable buffer with big-endian put/get
 * helpers, a latched error and byte counters.  It does no I/O itself; the
 * channel code (migration/channel.c) feeds received bytes in and drains
 * produced bytes out, so every parser runs on whole buffered data and the
 * main loop never blocks.
 *
 * Contract:
 * - Writing appends to the output buffer; mig_stream_take_output() hands
 *   the pending bytes to the transport.
 * - Reading consumes fed bytes.  A get that finds too few bytes returns 0
 *   (or false / NULL) and marks the stream "short": the caller rewinds to
 *   a mark taken with mig_stream_mark() and retries once more bytes were
 *   fed.  mig_stream_wanted() says how many buffered bytes the failed get
 *   needed, so a retry is not attempted before they are there.  After
 *   mig_stream_feed_eof() a short read becomes the latched error
 *   "migration stream ended unexpectedly".
 * - The first error (short-at-EOF, a limit, or one set by a parser with
 *   mig_stream_set_error()) is latched: every later get fails and
 *   mig_stream_get_error() returns it.
 * - Sizes read from the peer are checked against the caller's documented
 *   limit (mig_stream_get_view(), mig_stream_get_counted_string()) before
 *   anything is allocated.  Buffered but unconsumed input never exceeds
 *   MIG_STREAM_MAX_PENDING: a section that needs more fails.
 */

#include "prelude.h"

#include <gio/gio.h>

/* Largest amount of received data kept buffered at once (one section). */
#define MIG_STREAM_MAX_PENDING (512u << 20)

typedef struct MigStream MigStream;

/** mig_stream_new: Returns: (transfer full): an empty stream. */
MigStream *mig_stream_new(void);

/** mig_stream_free: frees @s (NULL is fine). */
void mig_stream_free(MigStream *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MigStream, mig_stream_free)

/* ---- writing ---- */

/** mig_stream_put_u8: appends one byte. */
void mig_stream_put_u8(MigStream *s, uint8_t v);
/** mig_stream_put_be16: appends @v big-endian. */
void mig_stream_put_be16(MigStream *s, uint16_t v);
/** mig_stream_put_be32: appends @v big-endian. */
void mig_stream_put_be32(MigStream *s, uint32_t v);
/** mig_stream_put_be64: appends @v big-endian. */
void mig_stream_put_be64(MigStream *s, uint64_t v);
/** mig_stream_put_buffer: appends @len bytes of @buf. */
void mig_stream_put_buffer(MigStream *s, const void *buf, gsize len);

/**
 * mig_stream_put_counted_string:
 * Appends a u8 length and the bytes of @str, which must be shorter than
 * 256 bytes (a programmer error otherwise).
 */
void mig_stream_put_counted_string(MigStream *s, const char *str);

/**
 * mig_stream_put_external:
 * @ptr: (transfer none): @len bytes that must stay valid and unchanged
 *     until the output is taken and sent (guest RAM pages)
 *
 * Appends @ptr's bytes by reference, so bulk data reaches the transport
 * without a copy (see mig_stream_take_vectors()).
 */
void mig_stream_put_external(MigStream *s, const void *ptr, gsize len);

/** mig_stream_output_pending: Returns: bytes written and not yet taken. */
gsize mig_stream_output_pending(const MigStream *s);

/**
 * mig_stream_take_output:
 * Returns: (transfer full): the bytes written since the last call (may be
 * empty); they count as transferred.
 */
GBytes *mig_stream_take_output(MigStream *s);

/**
 * mig_stream_take_vectors:
 * @vectors: (out caller-allocates): a GArray of GOutputVector, replaced
 *     by the pending output in order (external bytes by reference)
 *
 * Returns: (transfer full): the stream's own bytes, which @vectors point
 * into; keep them until the write finished.  They count as transferred.
 */
GBytes *mig_stream_take_vectors(MigStream *s, GArray *vectors);

/* ---- reading ---- */

/** mig_stream_feed: appends received bytes for the getters. */
void mig_stream_feed(MigStream *s, const void *data, gsize len);

/**
 * mig_stream_feed_reserve:
 * Returns: (transfer none): room for @len more input bytes, to be filled
 * by a read and then declared with mig_stream_feed_commit(); valid until
 * the next feed.
 */
uint8_t *mig_stream_feed_reserve(MigStream *s, gsize len);

/** mig_stream_feed_commit: @len bytes were stored at the reserved room. */
void mig_stream_feed_commit(MigStream *s, gsize len);

/** mig_stream_feed_eof: the peer sent everything it will send. */
void mig_stream_feed_eof(MigStream *s);

/** mig_stream_at_eof: Returns: EOF was fed and every byte consumed. */
bool mig_stream_at_eof(const MigStream *s);

/** mig_stream_get_u8: Returns: the next byte, or 0 on failure. */
uint8_t mig_stream_get_u8(MigStream *s);
/** mig_stream_get_be16: Returns: the next big-endian u16, or 0. */
uint16_t mig_stream_get_be16(MigStream *s);
/** mig_stream_get_be32: Returns: the next big-endian u32, or 0. */
uint32_t mig_stream_get_be32(MigStream *s);
/** mig_stream_get_be64: Returns: the next big-endian u64, or 0. */
uint64_t mig_stream_get_be64(MigStream *s);

/**
 * mig_stream_peek_u8:
 * Returns: the next byte without consuming it, or -1 when none is
 * buffered: the stream is then short, or at its end (EOF fed, nothing
 * left, and no error latched for that).
 */
int mig_stream_peek_u8(MigStream *s);

/**
 * mig_stream_get_buffer:
 * Copies the next @len bytes into @buf.  Returns: false on failure, with
 * @buf untouched.
 */
bool mig_stream_get_buffer(MigStream *s, void *buf, gsize len);

/**
 * mig_stream_get_view:
 * @len: bytes wanted, from the peer
 * @limit: largest acceptable @len; a larger one latches the error
 *     "@what: size N exceeds the limit of M bytes"
 * @what: names the item in that error
 *
 * Returns: (transfer none) (nullable): a pointer to the next @len bytes,
 * valid until the next feed or mark commit; NULL on failure.
 */
const uint8_t *mig_stream_get_view(MigStream *s, gsize len, gsize limit,
                                   const char *what);

/**
 * mig_stream_get_counted_string:
 * Reads a u8 length and that many bytes, which must hold no NUL.
 * Returns: (transfer full) (nullable): the string, NULL on failure.
 */
char *mig_stream_get_counted_string(MigStream *s, const char *what);

/* ---- marks, retries and errors ---- */

/** mig_stream_mark: Returns: the read position, for mig_stream_rewind(). */
gsize mig_stream_mark(const MigStream *s);

/** mig_stream_rewind: returns to @mark and clears the short flag. */
void mig_stream_rewind(MigStream *s, gsize mark);

/**
 * mig_stream_commit:
 * Drops the consumed bytes: marks taken before are invalid afterwards.
 */
void mig_stream_commit(MigStream *s);

/** mig_stream_is_short: Returns: a get ran out of buffered bytes. */
bool mig_stream_is_short(const MigStream *s);

/**
 * mig_stream_wanted:
 * Returns: the buffered byte count (from the last commit) the failed get
 * needed; a retry makes sense once mig_stream_buffered() reaches it.
 */
gsize mig_stream_wanted(const MigStream *s);

/** mig_stream_buffered: Returns: bytes buffered since the last commit. */
gsize mig_stream_buffered(const MigStream *s);

/** mig_stream_failed: Returns: an error is latched, or the stream is short. */
bool mig_stream_failed(const MigStream *s);

/**
 * mig_stream_set_error:
 * Latches an error unless one already is; later gets fail.
 */
void mig_stream_set_error(MigStream *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/**
 * mig_stream_propagate_error:
 * @err: (transfer full): latched unless an error already is (then freed)
 */
void mig_stream_propagate_error(MigStream *s, GError *err);

/** mig_stream_get_error: Returns: (transfer none) (nullable): the error. */
const GError *mig_stream_get_error(const MigStream *s);

/** mig_stream_bytes_in: Returns: bytes consumed by getters so far. */
guint64 mig_stream_bytes_in(const MigStream *s);

/** mig_stream_bytes_out: Returns: bytes written so far. */
guint64 mig_stream_bytes_out(const MigStream *s);
