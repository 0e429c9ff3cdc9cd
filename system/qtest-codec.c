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

/*
 * Base64 tables, built on first use: enc12 maps 12 input bits to their
 * two output characters; dec[k] maps a character to its 6 bits already
 * shifted for position k of a 4-character group, or to DEC_BAD.
 */
#define DEC_BAD 0x01000000u

static char enc12[4096][2];
static guint32 dec[4][256];

static void b64_tables_init(void)
{
    static bool done;

    if (done) {
        return;
    }
    for (guint i = 0; i < 4096; i++) {
        enc12[i][0] = b64_alphabet[i >> 6];
        enc12[i][1] = b64_alphabet[i & 0x3f];
    }
    for (guint k = 0; k < 4; k++) {
        for (guint c = 0; c < 256; c++) {
            dec[k][c] = DEC_BAD;
        }
        for (guint v = 0; v < 64; v++) {
            dec[k][(guint8)b64_alphabet[v]] = v << (18 - 6 * k);
        }
    }
    done = true;
}

void qtest_base64_append(GString *out, const guint8 *data, gsize len)
{
    gsize old = out->len;
    gsize whole = len / 3 * 3;
    char *p;
    gsize i;

    b64_tables_init();
    g_string_set_size(out, old + (len + 2) / 3 * 4);
    p = out->str + old;
    for (i = 0; i < whole; i += 3) {
        guint32 v =
            (guint32)data[i] << 16 | (guint32)data[i + 1] << 8 | data[i + 2];

        memcpy(p, enc12[v >> 12], 2);
        memcpy(p + 2, enc12[v & 0xfff], 2);
        p += 4;
    }
    if (len - whole == 1) {
        guint32 v = (guint32)data[i] << 16;

        memcpy(p, enc12[v >> 12], 2);
        p[2] = '=';
        p[3] = '=';
    } else if (len - whole == 2) {
        guint32 v = (guint32)data[i] << 16 | (guint32)data[i + 1] << 8;

        memcpy(p, enc12[v >> 12], 2);
        p[2] = b64_alphabet[(v >> 6) & 0x3f];
        p[3] = '=';
    }
}

bool qtest_base64_decode(const char *in, gsize in_len, guint8 *out,
                         gsize *ret_len)
{
    const guint8 *s = (const guint8 *)in;
    gsize n = in_len;
    gsize o = 0;
    gsize i;

    b64_tables_init();
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
        guint32 v = dec[0][s[i]] | dec[1][s[i + 1]] | dec[2][s[i + 2]] |
                    dec[3][s[i + 3]];

        if (v & DEC_BAD) {
            return false;
        }
        out[o] = (guint8)(v >> 16);
        out[o + 1] = (guint8)(v >> 8);
        out[o + 2] = (guint8)v;
        o += 3;
    }
    if (n - i >= 2) {
        guint32 v = dec[0][s[i]] | dec[1][s[i + 1]] |
                    (n - i == 3 ? dec[2][s[i + 2]] : 0);

        if (v & DEC_BAD) {
            return false;
        }
        out[o++] = (guint8)(v >> 16);
        if (n - i == 3) {
            out[o++] = (guint8)(v >> 8);
        }
    }
    *ret_len = o;
    return true;
}
