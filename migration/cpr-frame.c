/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bytes of cpr-transfer's cpr channel: building and checking the
 * source's header and block table and the destination's answer.  The
 * sockets, descriptors and what the blocks become are cpr-transfer.c's.
 */

#include "prelude.h"

#include <string.h>

#include "cpr-frame-internal.h"
#include "migration/config-section.h"
#include "util/error.h"

static void put_be32(guint8 *p, uint32_t v)
{
    v = GUINT32_TO_BE(v);
    memcpy(p, &v, sizeof(v));
}

static uint32_t get_be32(const guint8 *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return GUINT32_FROM_BE(v);
}

static uint64_t get_be64(const guint8 *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return GUINT64_FROM_BE(v);
}

static void cpr_frame_block_free(gpointer p)
{
    CprFrameBlock *b = p;

    g_free(b->name);
    g_free(b);
}

GPtrArray *cpr_frame_blocks_new(void)
{
    return g_ptr_array_new_with_free_func(cpr_frame_block_free);
}

void cpr_frame_blocks_add(GPtrArray *blocks, const char *name, uint64_t size)
{
    CprFrameBlock *b = g_new0(CprFrameBlock, 1);

    b->name = g_strndup(name, 255);
    b->size = size;
    g_ptr_array_add(blocks, b);
}

GBytes *cpr_frame_encode_head(GPtrArray *blocks, uint32_t config_len)
{
    GByteArray *all = g_byte_array_new();
    guint8 head[CPR_FRAME_HEAD_SIZE];

    g_byte_array_set_size(all, CPR_FRAME_HEAD_SIZE);
    for (guint i = 0; i < blocks->len; i++) {
        CprFrameBlock *b = g_ptr_array_index(blocks, i);
        guint8 len = (guint8)MIN(strlen(b->name), 255);
        uint64_t size = GUINT64_TO_BE(b->size);

        g_byte_array_append(all, &len, 1);
        g_byte_array_append(all, (const guint8 *)b->name, len);
        g_byte_array_append(all, (const guint8 *)&size, sizeof(size));
    }
    put_be32(head, CPR_FRAME_MAGIC);
    put_be32(head + 4, CPR_FRAME_VERSION);
    put_be32(head + 8, blocks->len);
    put_be32(head + 12, all->len - CPR_FRAME_HEAD_SIZE);
    put_be32(head + 16, config_len);
    memcpy(all->data, head, sizeof(head));
    return g_byte_array_free_to_bytes(all);
}

int cpr_frame_parse_head(const guint8 *data, gsize len, CprFrameHead *ret_head,
                         GError **errp)
{
    uint32_t nblocks, table_len, config_len;

    if (len < CPR_FRAME_HEAD_SIZE) {
        return 0;
    }
    if (get_be32(data) != CPR_FRAME_MAGIC) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "not a cpr-transfer stream");
        return -1;
    }
    if (get_be32(data + 4) != CPR_FRAME_VERSION) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "unsupported cpr-transfer version %u", get_be32(data + 4));
        return -1;
    }
    nblocks = get_be32(data + 8);
    table_len = get_be32(data + 12);
    config_len = get_be32(data + 16);
    /* Checked before anything is buffered for them. */
    if (nblocks > CPR_FRAME_MAX_BLOCKS || table_len > CPR_FRAME_MAX_TABLE ||
        config_len > MIGRATION_CONFIG_MAX_JSON) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cpr-transfer header over the limits (%u blocks, %u "
                    "table bytes, %u configuration bytes)",
                    nblocks, table_len, config_len);
        return -1;
    }
    ret_head->nblocks = nblocks;
    ret_head->table_len = table_len;
    ret_head->config_len = config_len;
    return 1;
}

gsize cpr_frame_message_size(const CprFrameHead *head)
{
    return (gsize)CPR_FRAME_HEAD_SIZE + head->table_len + head->config_len;
}

GPtrArray *cpr_frame_parse_table(const CprFrameHead *head, const guint8 *table,
                                 guint nfds, GError **errp)
{
    g_autoptr(GPtrArray) blocks = cpr_frame_blocks_new();
    const guint8 *p = table;
    const guint8 *end = table + head->table_len;

    if (nfds != head->nblocks) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "%u RAM blocks announced but %u descriptors received",
                    head->nblocks, nfds);
        return NULL;
    }
    for (uint32_t i = 0; i < head->nblocks; i++) {
        CprFrameBlock *b;

        if (p >= end || (gsize)(end - p) < 1u + p[0] + 8u) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "malformed RAM block table");
            return NULL;
        }
        b = g_new0(CprFrameBlock, 1);
        b->name = g_strndup((const char *)p + 1, p[0]);
        b->size = get_be64(p + 1 + p[0]);
        g_ptr_array_add(blocks, b);
        /* no memory to map: the source's table is broken */
        if (b->size == 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "RAM block '%s' has size 0", b->name);
            return NULL;
        }
        p += 1u + p[0] + 8u;
    }
    if (p != end) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "malformed RAM block table");
        return NULL;
    }
    return g_steal_pointer(&blocks);
}

GBytes *cpr_frame_encode_answer(const char *reason)
{
    gsize len = reason != NULL ? MIN(strlen(reason), CPR_FRAME_MAX_REASON) : 0;
    guint8 *msg;

    /* A cut reason ends on a whole character: it stays UTF-8. */
    while (len > 0 && ((guint8)reason[len] & 0xc0) == 0x80) {
        len--;
    }
    msg = g_malloc(CPR_FRAME_ANSWER_HEAD_SIZE + len);

    put_be32(msg, CPR_FRAME_ANSWER_MAGIC);
    put_be32(msg + 4, reason != NULL ? 1 : 0);
    put_be32(msg + 8, (uint32_t)len);
    if (len > 0) {
        memcpy(msg + CPR_FRAME_ANSWER_HEAD_SIZE, reason, len);
    }
    return g_bytes_new_take(msg, CPR_FRAME_ANSWER_HEAD_SIZE + len);
}

int cpr_frame_parse_answer_head(const guint8 *data, gsize len,
                                uint32_t *ret_status, uint32_t *ret_reason_len,
                                GError **errp)
{
    uint32_t reason_len;

    if (len < CPR_FRAME_ANSWER_HEAD_SIZE) {
        return 0;
    }
    reason_len = get_be32(data + 8);
    /* Only 0 (accepted) and 1 (refused) exist: anything else is noise. */
    if (get_be32(data) != CPR_FRAME_ANSWER_MAGIC || get_be32(data + 4) > 1 ||
        reason_len > CPR_FRAME_MAX_REASON) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "the destination's answer is not a cpr-transfer reply");
        return -1;
    }
    *ret_status = get_be32(data + 4);
    *ret_reason_len = reason_len;
    return 1;
}

char *cpr_frame_answer_reason(const guint8 *data, gsize len)
{
    /* g_strndup(NULL, 0) is NULL */
    g_autofree char *text =
        len > 0 ? g_strndup((const char *)data, len) : g_strdup("");

    /*
     * The reason ends up in query-migrate's error-desc, which JSON
     * carries: whatever the destination sent must become UTF-8.
     */
    return g_utf8_make_valid(text, -1);
}
