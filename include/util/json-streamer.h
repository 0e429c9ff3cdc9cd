/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Splits a byte stream into complete top-level JSON texts (QMP framing).
 *
 * Bytes are fed as they arrive; each complete top-level value (object,
 * array or scalar) is handed to the callback as a parsed JsonNode, or as
 * an error for malformed input.  A message split across feeds and several
 * messages in one feed both work.  Limits: a message larger than
 * JSON_STREAMER_MAX_SIZE bytes or nested deeper than JSON_STREAMER_MAX_DEPTH
 * fails with "JSON token size limit exceeded" / "JSON nesting depth limit
 * exceeded"; after any error the streamer resynchronizes and later messages
 * parse normally.  Parse errors are "JSON parse error, <detail>".  A
 * control character other than TAB/CR/LF outside a string (and the byte
 * 0xFF) resets the parser, as QEMU documents for client recovery; the
 * error is "JSON parse error, stray 'C'" as in QEMU 7.2.  Inside a string
 * any raw control character does the same, so an unterminated string can
 * be abandoned too.
 *
 * QEMU's single-quoted strings ('a', with \' for a quote) are accepted:
 * they are rewritten to JSON proper before json-glib sees the text.
 * Differences from QEMU that come from json-glib 1.6: integers outside
 * int64 wrap instead of becoming doubles, "\u0000" cuts a string short,
 * comments are skipped, and the parse error details use json-glib's
 * wording (e.g. "JSON parse error, unexpected character `,', expected
 * value") except "missing : in object pair", "invalid UTF-8 sequence in
 * string" and "expecting value" which match QEMU's.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"

#define JSON_STREAMER_MAX_SIZE (64u << 20)
#define JSON_STREAMER_MAX_DEPTH 1024

typedef struct JsonStreamer JsonStreamer;

/*
 * @node: (transfer full) (nullable): the value, or NULL when @err is set
 * @err: (transfer none) (nullable): why this message failed
 */
typedef void (*JsonStreamerFunc)(void *opaque, JsonNode *node,
                                 const GError *err);

/**
 * json_streamer_new:
 * @fn: called once per complete message, from inside json_streamer_feed();
 *      it must not free or reset the streamer (defer that to an idle)
 *
 * Returns: (transfer full): a streamer with no pending input.
 */
JsonStreamer *json_streamer_new(JsonStreamerFunc fn, void *opaque);

/** json_streamer_free: frees @js (NULL is ignored). */
void json_streamer_free(JsonStreamer *js);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JsonStreamer, json_streamer_free)

/** json_streamer_feed: consumes @len bytes, calling back per message. */
void json_streamer_feed(JsonStreamer *js, const void *buf, gsize len);

/** json_streamer_reset: drops any partial message (peer reconnected). */
void json_streamer_reset(JsonStreamer *js);

/**
 * json_streamer_pending_size:
 *
 * Returns: how many bytes of a partial message @js currently holds
 * (0 between messages).  It never exceeds JSON_STREAMER_MAX_SIZE plus a
 * few escape bytes: an oversized message is scanned, not stored.
 */
gsize json_streamer_pending_size(const JsonStreamer *js);

/**
 * json_streamer_pending_text:
 * @ret_len: (out): bytes of the text
 *
 * Returns: (transfer none): the partial message @js holds.  Fed to a
 * fresh streamer, it puts that one where @js is, exactly when the input
 * used double quotes only (as QEMU writes): cpr-exec carries a QMP
 * channel's unparsed bytes over this way.
 */
const char *json_streamer_pending_text(const JsonStreamer *js, gsize *ret_len);
