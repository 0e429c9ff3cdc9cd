/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The bytes of cpr-transfer's cpr channel (docs/system/cpr.md): the
 * source's message (header, block table, configuration) and the
 * destination's answer, built and parsed without any I/O, so that tests
 * and fuzzers reach every check.  All integers are big-endian.
 */

#include "prelude.h"

#define CPR_FRAME_MAGIC 0x51435052u        /* "QCPR" */
#define CPR_FRAME_ANSWER_MAGIC 0x51435041u /* "QCPA" */
#define CPR_FRAME_VERSION 1u
/* magic, version, block count, table bytes, configuration bytes */
#define CPR_FRAME_HEAD_SIZE 20u
/* magic, status, reason bytes */
#define CPR_FRAME_ANSWER_HEAD_SIZE 12u
#define CPR_FRAME_MAX_REASON 4096u
/* The kernel passes at most 253 descriptors per message. */
#define CPR_FRAME_MAX_BLOCKS 64u
/* u8 name length, name, be64 size per block */
#define CPR_FRAME_MAX_TABLE (CPR_FRAME_MAX_BLOCKS * (1u + 255u + 8u))

/* The counts of a message's header, each within its limit. */
typedef struct CprFrameHead {
    uint32_t nblocks;
    uint32_t table_len;
    uint32_t config_len;
} CprFrameHead;

/* One entry of the block table. */
typedef struct CprFrameBlock {
    char *name;
    uint64_t size;
} CprFrameBlock;

/** cpr_frame_blocks_new: Returns: (transfer full): an empty block list. */
GPtrArray *cpr_frame_blocks_new(void);

/** cpr_frame_blocks_add: appends @name (cut to 255 bytes) and @size. */
void cpr_frame_blocks_add(GPtrArray *blocks, const char *name, uint64_t size);

/**
 * cpr_frame_encode_head:
 * @blocks: at most CPR_FRAME_MAX_BLOCKS CprFrameBlock
 * @config_len: the bytes of configuration that follow
 *
 * Returns: (transfer full): the header and the block table.
 */
GBytes *cpr_frame_encode_head(GPtrArray *blocks, uint32_t config_len);

/**
 * cpr_frame_parse_head:
 * @data: (array length=len): the first bytes received
 * @ret_head: the counts, set when the header is accepted
 *
 * Returns: 1 when the header is accepted; 0 when @len is short of one
 * (nothing is checked yet); -1 with @errp set when it is refused: "not a
 * cpr-transfer stream" (magic), "unsupported cpr-transfer version N", or
 * "cpr-transfer header over the limits (...)" (more than 64 blocks, more
 * than 64 x 264 table bytes or more than 256 MiB of configuration).
 */
int cpr_frame_parse_head(const guint8 *data, gsize len, CprFrameHead *ret_head,
                         GError **errp);

/** cpr_frame_message_size: Returns: header, table and configuration bytes. */
gsize cpr_frame_message_size(const CprFrameHead *head);

/**
 * cpr_frame_parse_table:
 * @head: a header cpr_frame_parse_head() accepted
 * @table: (array): its head->table_len bytes of block table
 * @nfds: how many descriptors came with it
 *
 * Returns: (transfer full) (element-type CprFrameBlock): the blocks, or
 * NULL with @errp set: "N RAM blocks announced but M descriptors
 * received", "malformed RAM block table" (an entry overruns the table,
 * or bytes are left after the last), "RAM block 'NAME' has size 0".
 */
GPtrArray *cpr_frame_parse_table(const CprFrameHead *head, const guint8 *table,
                                 guint nfds, GError **errp);

/**
 * cpr_frame_encode_answer:
 * @reason: (nullable): why the destination refuses; NULL accepts
 *
 * Returns: (transfer full): the answer, its reason cut to at most
 * CPR_FRAME_MAX_REASON bytes on a character boundary.
 */
GBytes *cpr_frame_encode_answer(const char *reason);

/**
 * cpr_frame_parse_answer_head:
 * @ret_status: 0 accepted, anything else refused; set on success
 * @ret_reason_len: how many bytes of reason follow; set on success
 *
 * Returns: 1 when the header is accepted, 0 when @len is short of one,
 * -1 with @errp set ("the destination's answer is not a cpr-transfer
 * reply": another magic, or a reason over CPR_FRAME_MAX_REASON bytes).
 */
int cpr_frame_parse_answer_head(const guint8 *data, gsize len,
                                uint32_t *ret_status, uint32_t *ret_reason_len,
                                GError **errp);

/**
 * cpr_frame_answer_reason:
 * @data: (array length=len): the reason's bytes, as received
 *
 * Returns: (transfer full): the reason up to its first NUL, as valid
 * UTF-8 (invalid sequences replaced by U+FFFD).
 */
char *cpr_frame_answer_reason(const guint8 *data, gsize len);
