/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP framing: finds where each top-level JSON value ends in a byte stream
 * and hands the text of that value to json-glib.  Only the lexical skeleton
 * (strings, escapes, brackets, scalars) is tracked here; json-glib does
 * the real parsing, so this scanner never has to be a full JSON parser.
 */

#include "prelude.h"

#include <string.h>

#include "util/error.h"
#include "util/json-streamer.h"

/*
 * Past this much retained capacity the message buffer is released after
 * each message, so one large request does not pin memory for the whole
 * session.
 */
#define STREAMER_KEEP_CAPACITY (64u << 10)

typedef enum ScanState {
    SCAN_BETWEEN,    /* outside strings (between or inside containers) */
    SCAN_SCALAR,     /* inside a top-level number or literal */
    SCAN_STRING,     /* inside a string */
    SCAN_STRING_ESC, /* just after a backslash in a string */
    SCAN_RECOVERY,   /* after a stray byte, skipping to a resync point */
} ScanState;

struct JsonStreamer {
    JsonStreamerFunc fn;
    void *opaque;

    GString *buf;  /* text of the current message (double-quoted form) */
    gsize size;    /* input bytes of the current message */
    guint64 depth; /* open brackets; unbounded so oversized input nests */
    ScanState state;
    char quote;    /* '"' or '\'' while in a string */
    bool too_big;  /* over JSON_STREAMER_MAX_SIZE: discard, then fail */
    bool too_deep; /* over JSON_STREAMER_MAX_DEPTH: discard, then fail */
};

JsonStreamer *json_streamer_new(JsonStreamerFunc fn, void *opaque)
{
    JsonStreamer *js;

    g_return_val_if_fail(fn != NULL, NULL);

    js = g_new0(JsonStreamer, 1);
    js->fn = fn;
    js->opaque = opaque;
    js->buf = g_string_sized_new(256);
    return js;
}

void json_streamer_free(JsonStreamer *js)
{
    if (!js) {
        return;
    }
    g_string_free(js->buf, TRUE);
    g_free(js);
}

void json_streamer_reset(JsonStreamer *js)
{
    g_return_if_fail(js != NULL);

    if (js->buf->allocated_len > STREAMER_KEEP_CAPACITY) {
        g_string_free(js->buf, TRUE);
        js->buf = g_string_sized_new(256);
    } else {
        g_string_truncate(js->buf, 0);
    }
    js->size = 0;
    js->depth = 0;
    js->state = SCAN_BETWEEN;
    js->quote = 0;
    js->too_big = false;
    js->too_deep = false;
}

gsize json_streamer_pending_size(const JsonStreamer *js)
{
    g_return_val_if_fail(js != NULL, 0);

    return js->buf->len;
}

const char *json_streamer_pending_text(const JsonStreamer *js, gsize *ret_len)
{
    g_return_val_if_fail(js != NULL, NULL);

    *ret_len = js->buf->len;
    return js->buf->str;
}

static void emit_error(JsonStreamer *js, GError *err)
{
    js->fn(js->opaque, NULL, err);
    g_error_free(err);
}

/*
 * json-glib prefixes its messages with "<data>:LINE:COL: Parse error: ";
 * the position means nothing to a QMP client, so only the detail stays.
 */
static const char *parse_error_detail(const GError *err)
{
    const char *detail = strstr(err->message, "Parse error: ");

    if (err->domain == JSON_PARSER_ERROR &&
        err->code == JSON_PARSER_ERROR_MISSING_COLON) {
        return "missing : in object pair";
    }
    return detail ? detail + strlen("Parse error: ") : err->message;
}

/*
 * Whether the integer literal @p[0..len) (an optional '-' and digits) lies
 * outside [-2^63, 2^64 - 1], the values a JSON integer can stand for in
 * QMP.
 */
static bool integer_out_of_range(const char *p, gsize len)
{
    static const char max_unsigned[] = "18446744073709551615";
    static const char min_signed[] = "9223372036854775808";
    bool negative = p[0] == '-';
    const char *limit = negative ? min_signed : max_unsigned;
    gsize limit_len = strlen(limit);

    if (negative) {
        p++;
        len--;
    }
    while (len > 1 && p[0] == '0') {
        p++;
        len--;
    }
    return len > limit_len || (len == limit_len && memcmp(p, limit, len) > 0);
}

static bool is_number_char(char c)
{
    return g_ascii_isalnum(c) || c == '+' || c == '-' || c == '.';
}

/*
 * json-glib keeps every integer in a gint64 and folds larger literals
 * into it (2^64 and up all become -1), so "18446744073709551616" would
 * reach a uint64 member as 2^64 - 1.  QEMU reads such a literal as a
 * floating-point number, which no integer member accepts.  Doing the same
 * (appending ".0" before json-glib sees the text) gives the same error:
 * "Parameter 'x' expects uint64".
 *
 * Returns: (transfer full) (nullable): the rewritten text, or NULL when
 * every integer fits.
 */
static GString *widen_huge_integers(const GString *text)
{
    GString *out = NULL;
    gsize copied = 0;
    char quote = 0; /* inside a string: its quote (QMP allows ' too) */

    for (gsize i = 0; i < text->len; i++) {
        char c = text->str[i];
        gsize start = i;
        bool integer = true;

        if (quote != 0) {
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                quote = 0;
            }
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
            continue;
        }
        /* a number starts a token; inside a bad word it stays as it is */
        if ((c != '-' && !g_ascii_isdigit(c)) ||
            (i > 0 && is_number_char(text->str[i - 1]))) {
            continue;
        }
        /* the whole token: digits, sign, fraction, exponent */
        while (i + 1 < text->len && is_number_char(text->str[i + 1])) {
            i++;
        }
        for (gsize j = start; j <= i; j++) {
            if (!g_ascii_isdigit(text->str[j]) && !(j == start && c == '-')) {
                integer = false;
            }
        }
        if (!integer || (i == start && c == '-') ||
            !integer_out_of_range(text->str + start, i - start + 1)) {
            continue;
        }
        if (out == NULL) {
            out = g_string_sized_new(text->len + 8);
        }
        g_string_append_len(out, text->str + copied, i + 1 - copied);
        g_string_append(out, ".0");
        copied = i + 1;
    }
    if (out != NULL) {
        g_string_append_len(out, text->str + copied, text->len - copied);
    }
    return out;
}

/* Hands the finished message to the callback and starts a fresh one */
static void complete_message(JsonStreamer *js)
{
    g_autoptr(JsonParser) parser = NULL;
    g_autoptr(GError) local_err = NULL;

    if (js->too_big) {
        emit_error(js, g_error_new_literal(QMPD_ERROR, QMPD_ERROR_GENERIC,
                                           "JSON token size limit exceeded"));
    } else if (js->too_deep) {
        emit_error(js,
                   g_error_new_literal(QMPD_ERROR, QMPD_ERROR_GENERIC,
                                       "JSON nesting depth limit exceeded"));
    } else if (!g_utf8_validate(js->buf->str, js->buf->len, NULL)) {
        /* Checked here so the text matches QEMU's, not json-glib's */
        emit_error(js, g_error_new_literal(
                           QMPD_ERROR, QMPD_ERROR_GENERIC,
                           "JSON parse error, invalid UTF-8 sequence in "
                           "string"));
    } else {
        g_autoptr(GString) widened = widen_huge_integers(js->buf);
        const GString *text = widened != NULL ? widened : js->buf;

        parser = json_parser_new();
        if (!json_parser_load_from_data(parser, text->str, text->len,
                                        &local_err)) {
            emit_error(js, g_error_new(QMPD_ERROR, QMPD_ERROR_GENERIC,
                                       "JSON parse error, %s",
                                       parse_error_detail(local_err)));
        } else if (!json_parser_get_root(parser)) {
            /* json-glib skips comments, so "/" + "/x" parses as nothing */
            emit_error(js, g_error_new_literal(QMPD_ERROR, QMPD_ERROR_GENERIC,
                                               "JSON parse error, expecting "
                                               "value"));
        } else {
            js->fn(js->opaque, json_parser_steal_root(parser), NULL);
        }
    }
    json_streamer_reset(js);
}

/*
 * A byte that can never appear in JSON text drops the partial message,
 * with QEMU's "stray" error.  Clients send one on purpose to resync.
 */
static void stray_byte(JsonStreamer *js, guchar c)
{
    char shown[8] = "";

    if (c == 0xFF) {
        /* QEMU shows the byte as U+FFFD; the writer escapes it */
        g_strlcpy(shown, "\xEF\xBF\xBD", sizeof(shown));
    } else if (c != 0) {
        shown[0] = (char)c;
    }
    json_streamer_reset(js);
    emit_error(js, g_error_new(QMPD_ERROR, QMPD_ERROR_GENERIC,
                               "JSON parse error, stray '%s'", shown));
    js->state = SCAN_RECOVERY;
}

static void append(JsonStreamer *js, const char *data, gsize len)
{
    if (js->too_big || js->too_deep) {
        return;
    }
    g_string_append_len(js->buf, data, len);
}

/*
 * Counts @len more input bytes against the size limit.  Crossing it drops
 * what was buffered: the rest of the message is only scanned for its end.
 */
static void account(JsonStreamer *js, gsize len)
{
    js->size += len;
    if (!js->too_big && js->size > JSON_STREAMER_MAX_SIZE) {
        js->too_big = true;
        g_string_free(js->buf, TRUE);
        js->buf = g_string_sized_new(256);
    }
}

static bool is_json_space(guchar c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * ASCII punctuation that JSON never has outside strings (not in numbers,
 * literals or structure).  QEMU's lexer fails on it at once, so a client
 * gets its error without sending more.
 */
static bool is_impossible_punct(guchar c)
{
    return c == 0x7F || (c != 0 && strchr("!#$%&()*/;<=>?@\\^`|~", c));
}

static bool is_stray_outside_string(guchar c)
{
    return (c < 0x20 && !is_json_space(c)) || c == 0xFF ||
           is_impossible_punct(c);
}

/*
 * Where input resynchronizes after a stray byte, as in QEMU: a bracket,
 * a control character other than tab, or 0xFE/0xFF.  Everything before it
 * is dropped without a further error.
 */
static bool is_resync_point(guchar c)
{
    return (c < 0x20 && c != '\t') || c >= 0xFE || strchr("{}[]", c) != NULL;
}

/*
 * Length of the run at @p that needs no special treatment inside a
 * string: the hot loop for large payloads, so it only compares bytes.
 */
static gsize plain_string_run(const guchar *p, const guchar *end)
{
    const guchar *q = p;

    while (q < end && *q >= 0x20 && *q != '"' && *q != '\\' && *q != '\'' &&
           *q != 0xFF) {
        q++;
    }
    return q - p;
}

/*
 * Length of the run at @p with no quote, bracket or stray byte.  Spaces
 * end a top-level scalar, but inside a container they are just copied.
 */
static gsize plain_value_run(const guchar *p, const guchar *end,
                             bool allow_space)
{
    const guchar *q = p;

    while (q < end && *q != '"' && *q != '\'' && *q != '{' && *q != '}' &&
           *q != '[' && *q != ']' && *q != 0xFF && !is_impossible_punct(*q) &&
           (*q > 0x20 || (allow_space && is_json_space(*q)))) {
        q++;
    }
    return q - p;
}

/* Inside a string: returns the number of bytes consumed */
static gsize scan_string(JsonStreamer *js, const guchar *p, const guchar *end)
{
    gsize run = plain_string_run(p, end);
    guchar c;

    if (run) {
        account(js, run);
        append(js, (const char *)p, run);
        return run;
    }
    c = *p;
    if (c < 0x20 || c == 0xFF) {
        /* Raw control characters are invalid in strings too */
        stray_byte(js, c);
        return 1;
    }
    account(js, 1);
    if (c == '\\') {
        js->state = SCAN_STRING_ESC;
    } else if (c == (guchar)js->quote) {
        append(js, "\"", 1);
        js->state = SCAN_BETWEEN;
        if (js->depth == 0) {
            complete_message(js);
        }
    } else if (c == '"') {
        /* a double quote inside a single-quoted string */
        append(js, "\\\"", 2);
    } else {
        append(js, (const char *)p, 1);
    }
    return 1;
}

static void scan_escape(JsonStreamer *js, guchar c)
{
    if (c < 0x20 || c == 0xFF) {
        stray_byte(js, c);
        return;
    }
    account(js, 1);
    if (c == '\'') {
        /* \' is QEMU's extension; in JSON proper the quote needs none */
        append(js, "'", 1);
    } else {
        char esc[2] = {'\\', (char)c};

        append(js, esc, 2);
    }
    js->state = SCAN_STRING;
}

static void open_bracket(JsonStreamer *js, const guchar *p)
{
    account(js, 1);
    js->depth++;
    if (js->depth > JSON_STREAMER_MAX_DEPTH && !js->too_deep) {
        js->too_deep = true;
        g_string_truncate(js->buf, 0);
    }
    append(js, (const char *)p, 1);
}

static void close_bracket(JsonStreamer *js, const guchar *p)
{
    if (js->depth == 0) {
        /* A closer with nothing open is a message of its own */
        json_streamer_reset(js);
        emit_error(js, g_error_new_literal(QMPD_ERROR, QMPD_ERROR_GENERIC,
                                           "JSON parse error, expecting "
                                           "value"));
        return;
    }
    account(js, 1);
    append(js, (const char *)p, 1);
    js->depth--;
    if (js->depth == 0) {
        complete_message(js);
    }
}

/* Outside strings: returns the number of bytes consumed */
static gsize scan_between(JsonStreamer *js, const guchar *p, const guchar *end)
{
    guchar c = *p;
    gsize run;

    if (js->state == SCAN_SCALAR && js->depth == 0 &&
        (is_json_space(c) || strchr("\"'{}[]", c) || c == 0xFF || c < 0x20 ||
         is_impossible_punct(c))) {
        /* the delimiter ends the scalar and is then scanned on its own */
        complete_message(js);
        return 0;
    }
    if (is_stray_outside_string(c)) {
        stray_byte(js, c);
        return 1;
    }
    if (is_json_space(c) && js->depth == 0) {
        /* between messages, or ending a top-level scalar: not kept */
        return 1;
    }
    switch (c) {
    case '"':
    case '\'':
        account(js, 1);
        append(js, "\"", 1);
        js->quote = (char)c;
        js->state = SCAN_STRING;
        return 1;
    case '{':
    case '[':
        open_bracket(js, p);
        return 1;
    case '}':
    case ']':
        close_bracket(js, p);
        return 1;
    default:
        break;
    }
    run = plain_value_run(p, end, js->depth > 0);
    account(js, run);
    append(js, (const char *)p, run);
    if (js->depth == 0) {
        js->state = SCAN_SCALAR;
    }
    return run;
}

void json_streamer_feed(JsonStreamer *js, const void *buf, gsize len)
{
    const guchar *p = buf;
    const guchar *end = p + len;

    g_return_if_fail(js != NULL);
    g_return_if_fail(buf != NULL || len == 0);

    while (p < end) {
        switch (js->state) {
        case SCAN_STRING:
            p += scan_string(js, p, end);
            break;
        case SCAN_STRING_ESC:
            scan_escape(js, *p);
            p++;
            break;
        case SCAN_BETWEEN:
        case SCAN_SCALAR:
            p += scan_between(js, p, end);
            break;
        case SCAN_RECOVERY:
            if (is_resync_point(*p)) {
                js->state = SCAN_BETWEEN; /* rescanned there */
            } else {
                p++;
            }
            break;
        }
    }
}
