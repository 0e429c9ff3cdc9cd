/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hex and base64 codecs of the qtest protocol.  They are on the hot
 * path of read/write/b64read/b64write (megabytes per request), so they
 * are table-driven and write straight into the output buffer.
 */

#include "prelude.h"

#include <string.h>

#include "system/qtest-internal.h"

static const char hex_digits[] = "0123456789abcdef";

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 0..15 for hex digits, 0xff otherwise */
static guint8 hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return (guint8)(c - '0');
    }
    if (c >= 'a' && c <= 'f') {
        return (guint8)(c - 'a' + 10);
    }
    if (c >= 'A' && c <= 'F') {
        return (guint8)(c - 'A' + 10);
    }
    return 0xff;
}

void qtest_hex_append(GString *out, const guint8 *data, gsize len)
{
    gsize old = out->len;
    char *p;

    g_string_set_size(out, old + len * 2);
    p = out->str + old;
    for (gsize i = 0; i < len; i++) {
        p[2 * i] = hex_digits[data[i] >> 4];
        p[2 * i + 1] = hex_digits[data[i] & 0xf];
    }
}

bool qtest_hex_decode(const char *hex, gsize hex_len, guint8 *out,
                      gsize out_len)
{
    gsize full = MIN(out_len, hex_len / 2);

    for (gsize i = 0; i < hex_len; i++) {
        if (hex_value(hex[i]) == 0xff) {
            return false;
        }
    }
    for (gsize i = 0; i < full; i++) {
        out[i] =
            (guint8)(hex_value(hex[2 * i]) << 4 | hex_value(hex[2 * i + 1]));
    }
    memset(out + full, 0, out_len - full);
    return true;
}

void qtest_base64_append(GString *out, const guint8 *data, gsize len)
{
    gsize old = out->len;
    gsize whole = len / 3 * 3;
    char *p;
    gsize i;

    g_string_set_size(out, old + (len + 2) / 3 * 4);
    p = out->str + old;
    for (i = 0; i < whole; i += 3) {
        guint32 v =
            (guint32)data[i] << 16 | (guint32)data[i + 1] << 8 | data[i + 2];

        p[0] = b64_alphabet[v >> 18];
        p[1] = b64_alphabet[(v >> 12) & 0x3f];
        p[2] = b64_alphabet[(v >> 6) & 0x3f];
        p[3] = b64_alphabet[v & 0x3f];
        p += 4;
    }
    if (len - whole == 1) {
        guint32 v = (guint32)data[i] << 16;

        p[0] = b64_alphabet[v >> 18];
        p[1] = b64_alphabet[(v >> 12) & 0x3f];
        p[2] = '=';
        p[3] = '=';
    } else if (len - whole == 2) {
        guint32 v = (guint32)data[i] << 16 | (guint32)data[i + 1] << 8;

        p[0] = b64_alphabet[v >> 18];
        p[1] = b64_alphabet[(v >> 12) & 0x3f];
        p[2] = b64_alphabet[(v >> 6) & 0x3f];
        p[3] = '=';
    }
}

/* 0..63 for the alphabet, 0xff otherwise; built on first use */
static guint8 b64_values[256];

static void b64_values_init(void)
{
    static bool done;

    if (done) {
        return;
    }
    memset(b64_values, 0xff, sizeof(b64_values));
    for (guint i = 0; i < 64; i++) {
        b64_values[(guint8)b64_alphabet[i]] = (guint8)i;
    }
    done = true;
}

bool qtest_base64_decode(const char *in, gsize in_len, guint8 *out,
                         gsize *ret_len)
{
    const guint8 *s = (const guint8 *)in;
    gsize n = in_len;
    gsize o = 0;
    gsize i;

    b64_values_init();
    /* up to two '=' of padding, only at the end of a 4-character group */
    if (n % 4 == 0 && n >= 4) {
        if (s[n - 1] == '=') {
            n--;
            if (s[n - 1] == '=') {
                n--;
            }
        }
    }
    if (n % 4 == 1) {
        return false;
    }
    for (i = 0; i + 4 <= n; i += 4) {
        guint8 a = b64_values[s[i]], b = b64_values[s[i + 1]];
        guint8 c = b64_values[s[i + 2]], d = b64_values[s[i + 3]];

        if ((a | b | c | d) & 0x80) {
            return false;
        }
        out[o] = (guint8)(a << 2 | b >> 4);
        out[o + 1] = (guint8)(b << 4 | c >> 2);
        out[o + 2] = (guint8)(c << 6 | d);
        o += 3;
    }
    if (n - i >= 2) {
        guint8 a = b64_values[s[i]], b = b64_values[s[i + 1]];

        if ((a | b) & 0x80) {
            return false;
        }
        out[o++] = (guint8)(a << 2 | b >> 4);
        if (n - i == 3) {
            guint8 c = b64_values[s[i + 2]];

            if (c & 0x80) {
                return false;
            }
            out[o++] = (guint8)(b << 4 | c >> 2);
        }
    }
    *ret_len = o;
    return true;
}
