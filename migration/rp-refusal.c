/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The destination's reason on the return path (MIG_RP_MSG_QMPD_REFUSAL):
 * a source whose write failed because the destination gave up can say
 * why, instead of "Broken pipe".
 */

#include "prelude.h"

#include <string.h>

#include "migration-internal.h"
#include "migration/savevm.h"

/* Short texts are padded: the source reads the first 8 bytes at once. */
#define MIN_TEXT 4u

GBytes *mig_rp_refusal_encode(const char *text)
{
    gsize len = MIN(strlen(text), MIG_RP_REFUSAL_MAX_TEXT);
    gsize padded = MAX(len, MIN_TEXT);
    guint8 *msg = g_malloc0(4 + padded);
    uint16_t head[2] = {GUINT16_TO_BE(MIG_RP_MSG_QMPD_REFUSAL),
                        GUINT16_TO_BE((uint16_t)padded)};

    memcpy(msg, head, sizeof(head));
    memcpy(msg + 4, text, len);
    return g_bytes_new_take(msg, 4 + padded);
}

char *mig_rp_refusal_text(const guint8 *data, gsize len)
{
    while (len >= 4) {
        uint16_t head[2];
        gsize body;

        memcpy(head, data, sizeof(head));
        body = GUINT16_FROM_BE(head[1]);
        if (len < 4 + body) {
            return NULL;
        }
        if (GUINT16_FROM_BE(head[0]) == MIG_RP_MSG_QMPD_REFUSAL) {
            /* Padding is NULs, which end the string. */
            return g_strndup((const char *)data + 4, body);
        }
        data += 4 + body;
        len -= 4 + body;
    }
    return NULL;
}

char *mig_rp_refusal_poll(GInputStream *in)
{
    guint8 buf[4 + MIG_RP_REFUSAL_MAX_TEXT + 64];
    gssize got;

    if (!G_IS_POLLABLE_INPUT_STREAM(in) ||
        !g_pollable_input_stream_can_poll(G_POLLABLE_INPUT_STREAM(in))) {
        return NULL;
    }
    got = g_pollable_input_stream_read_nonblocking(
        G_POLLABLE_INPUT_STREAM(in), buf, sizeof(buf), NULL, NULL);
    return got > 0 ? mig_rp_refusal_text(buf, (gsize)got) : NULL;
}
