/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for cpr-transfer's cpr channel bytes.  The first input
 * byte chooses: bit 7 clear, the rest is the source's message and the
 * low bits are how many descriptors came with it; bit 7 set, the rest is
 * the destination's answer.  No verdict may come before a whole header;
 * an accepted header and table must encode back to the same bytes (when
 * no name holds a NUL); an accepted answer's reason must come out as
 * UTF-8 and encode back to a prefix of itself.
 */

#include "prelude.h"

#include <string.h>

#include "fuzz.h"
#include "migration/config-section.h"
#include "migration/cpr-frame-internal.h"

static void fuzz_message(const guint8 *data, gsize len, guint nfds)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) blocks = NULL;
    g_autoptr(GBytes) again = NULL;
    CprFrameHead head;
    gsize names = 0;
    int r;

    for (gsize n = 0; n < MIN(len, CPR_FRAME_HEAD_SIZE); n++) {
        g_assert_cmpint(cpr_frame_parse_head(data, n, &head, NULL), ==, 0);
    }
    r = cpr_frame_parse_head(data, len, &head, &err);
    g_assert_true((r < 0) == (err != NULL));
    if (r <= 0) {
        return;
    }
    g_assert_cmpuint(head.nblocks, <=, CPR_FRAME_MAX_BLOCKS);
    g_assert_cmpuint(head.table_len, <=, CPR_FRAME_MAX_TABLE);
    g_assert_cmpuint(head.config_len, <=, MIGRATION_CONFIG_MAX_JSON);
    g_assert_cmpuint(cpr_frame_message_size(&head), >=, CPR_FRAME_HEAD_SIZE);
    if (len < CPR_FRAME_HEAD_SIZE + (gsize)head.table_len) {
        return; /* the destination waits for the table */
    }
    blocks =
        cpr_frame_parse_table(&head, data + CPR_FRAME_HEAD_SIZE, nfds, &err);
    g_assert_true((blocks == NULL) == (err != NULL));
    if (blocks == NULL) {
        return;
    }
    g_assert_cmpuint(blocks->len, ==, head.nblocks);
    g_assert_cmpuint(blocks->len, ==, nfds);
    for (guint i = 0; i < blocks->len; i++) {
        CprFrameBlock *b = g_ptr_array_index(blocks, i);

        g_assert_cmpuint(strlen(b->name), <=, 255);
        g_assert_cmpuint(b->size, !=, 0);
        names += 1 + strlen(b->name) + 8;
    }
    if (names != head.table_len) {
        return; /* a name was cut at a NUL */
    }
    again = cpr_frame_encode_head(blocks, head.config_len);
    g_assert_cmpmem(g_bytes_get_data(again, NULL), g_bytes_get_size(again),
                    data, CPR_FRAME_HEAD_SIZE + head.table_len);
}

static void fuzz_answer(const guint8 *data, gsize len)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *reason = NULL;
    g_autofree char *reason2 = NULL;
    g_autoptr(GBytes) again = NULL;
    const guint8 *d2;
    gsize len2 = 0;
    uint32_t status = 0, rlen = 0, status2 = 0, rlen2 = 0;
    int r = cpr_frame_parse_answer_head(data, len, &status, &rlen, &err);

    g_assert_true((r < 0) == (err != NULL));
    if (r <= 0) {
        return;
    }
    g_assert_cmpuint(rlen, <=, CPR_FRAME_MAX_REASON);
    if (len < CPR_FRAME_ANSWER_HEAD_SIZE + (gsize)rlen) {
        return; /* the source reads the reason next */
    }
    reason = cpr_frame_answer_reason(data + CPR_FRAME_ANSWER_HEAD_SIZE, rlen);
    g_assert_true(g_utf8_validate(reason, -1, NULL));

    again = cpr_frame_encode_answer(status != 0 ? reason : NULL);
    d2 = g_bytes_get_data(again, &len2);
    g_assert_cmpint(
        cpr_frame_parse_answer_head(d2, len2, &status2, &rlen2, NULL), ==, 1);
    g_assert_cmpuint(status2, ==, status != 0 ? 1 : 0);
    g_assert_cmpuint(len2, ==, CPR_FRAME_ANSWER_HEAD_SIZE + rlen2);
    reason2 = cpr_frame_answer_reason(d2 + CPR_FRAME_ANSWER_HEAD_SIZE, rlen2);
    g_assert_true(status == 0 || g_str_has_prefix(reason, reason2));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    if (data[0] & 0x80) {
        fuzz_answer(data + 1, size - 1);
    } else {
        fuzz_message(data + 1, size - 1, data[0] & 0x7f);
    }
    return 0;
}
