/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpr-transfer's cpr channel bytes: the source's header and block table
 * and the destination's answer, built and parsed back, and every refusal
 * of the parsers with its text.
 */

#include "prelude.h"

#include <string.h>

#include "migration/config-section.h"
#include "migration/cpr-frame-internal.h"
#include "util/error.h"

#define MIB (1024u * 1024u)

static void put_be32(guint8 *p, uint32_t v)
{
    v = GUINT32_TO_BE(v);
    memcpy(p, &v, sizeof(v));
}

static void put_be64(guint8 *p, uint64_t v)
{
    v = GUINT64_TO_BE(v);
    memcpy(p, &v, sizeof(v));
}

/* A message header with the given fields. */
static void make_head(guint8 *p, uint32_t magic, uint32_t version,
                      uint32_t nblocks, uint32_t table_len, uint32_t config_len)
{
    put_be32(p, magic);
    put_be32(p + 4, version);
    put_be32(p + 8, nblocks);
    put_be32(p + 12, table_len);
    put_be32(p + 16, config_len);
}

static void assert_head_refused(const guint8 *head, const char *message)
{
    g_autoptr(GError) err = NULL;
    CprFrameHead out = {7, 7, 7};

    g_assert_cmpint(cpr_frame_parse_head(head, CPR_FRAME_HEAD_SIZE, &out, &err),
                    ==, -1);
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, message);
    /* untouched on failure */
    g_assert_cmpuint(out.nblocks, ==, 7);
    g_assert_cmpuint(out.table_len, ==, 7);
    g_assert_cmpuint(out.config_len, ==, 7);
}

static CprFrameHead parse_head_ok(const guint8 *data, gsize len)
{
    g_autoptr(GError) err = NULL;
    CprFrameHead head = {0};

    g_assert_cmpint(cpr_frame_parse_head(data, len, &head, &err), ==, 1);
    g_assert_no_error(err);
    return head;
}

/* A table parsed against a header accepted for it. */
static GPtrArray *parse_table(uint32_t nblocks, const guint8 *table,
                              uint32_t table_len, guint nfds, GError **errp)
{
    guint8 raw[CPR_FRAME_HEAD_SIZE];
    CprFrameHead head;

    make_head(raw, CPR_FRAME_MAGIC, CPR_FRAME_VERSION, nblocks, table_len, 0);
    head = parse_head_ok(raw, sizeof(raw));
    return cpr_frame_parse_table(&head, table, nfds, errp);
}

static void assert_table_refused(uint32_t nblocks, const guint8 *table,
                                 uint32_t table_len, guint nfds,
                                 const char *message)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) blocks =
        parse_table(nblocks, table, table_len, nfds, &err);

    g_assert_null(blocks);
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, message);
}

/* One table entry at @p; returns its length. */
static gsize put_entry(guint8 *p, const char *name, uint64_t size)
{
    gsize n = strlen(name);

    p[0] = (guint8)n;
    memcpy(p + 1, name, n);
    put_be64(p + 1 + n, size);
    return 1 + n + 8;
}

static void test_round_trip_one(void)
{
    g_autoptr(GPtrArray) in = cpr_frame_blocks_new();
    g_autoptr(GPtrArray) out = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) err = NULL;
    static const guint8 expected[] = {
        'Q', 'C', 'P', 'R', 0, 0, 0, 1,  0, 0,   0,   1,
        0,   0,   0,   15,  0, 0, 4, 0,  6, 'p', 'c', '.',
        'r', 'a', 'm', 0,   0, 0, 0, 32, 0, 0,   0};
    const guint8 *data;
    gsize len = 0;
    CprFrameHead head;
    CprFrameBlock *b;

    cpr_frame_blocks_add(in, "pc.ram", 512 * MIB);
    bytes = cpr_frame_encode_head(in, 1024);
    data = g_bytes_get_data(bytes, &len);
    g_assert_cmpmem(data, len, expected, sizeof(expected));

    head = parse_head_ok(data, len);
    g_assert_cmpuint(head.nblocks, ==, 1);
    g_assert_cmpuint(head.table_len, ==, 15);
    g_assert_cmpuint(head.config_len, ==, 1024);
    g_assert_cmpuint(cpr_frame_message_size(&head), ==, 20 + 15 + 1024);
    out = cpr_frame_parse_table(&head, data + CPR_FRAME_HEAD_SIZE, 1, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(out->len, ==, 1);
    b = g_ptr_array_index(out, 0);
    g_assert_cmpstr(b->name, ==, "pc.ram");
    g_assert_cmpuint(b->size, ==, 512 * MIB);
}

static void test_round_trip_none(void)
{
    g_autoptr(GPtrArray) in = cpr_frame_blocks_new();
    g_autoptr(GPtrArray) out = NULL;
    g_autoptr(GBytes) bytes = cpr_frame_encode_head(in, 0);
    g_autoptr(GError) err = NULL;
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(bytes, &len);
    CprFrameHead head;

    g_assert_cmpuint(len, ==, CPR_FRAME_HEAD_SIZE);
    head = parse_head_ok(data, len);
    g_assert_cmpuint(head.nblocks, ==, 0);
    g_assert_cmpuint(head.table_len, ==, 0);
    g_assert_cmpuint(cpr_frame_message_size(&head), ==, CPR_FRAME_HEAD_SIZE);
    out = cpr_frame_parse_table(&head, data + len, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(out->len, ==, 0);
}

/* The largest table: 64 blocks of 255-byte names, at the limit. */
static void test_round_trip_max(void)
{
    g_autoptr(GPtrArray) in = cpr_frame_blocks_new();
    g_autoptr(GPtrArray) out = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) err = NULL;
    gsize len = 0;
    const guint8 *data;
    CprFrameHead head;

    for (guint i = 0; i < CPR_FRAME_MAX_BLOCKS; i++) {
        g_autofree char *name = g_strnfill(300, (char)('A' + i % 26));

        /* cut to 255 bytes */
        cpr_frame_blocks_add(in, name, G_MAXUINT64 - i);
    }
    bytes = cpr_frame_encode_head(in, MIGRATION_CONFIG_MAX_JSON);
    data = g_bytes_get_data(bytes, &len);
    g_assert_cmpuint(len, ==, CPR_FRAME_HEAD_SIZE + CPR_FRAME_MAX_TABLE);
    head = parse_head_ok(data, len);
    g_assert_cmpuint(head.table_len, ==, CPR_FRAME_MAX_TABLE);
    g_assert_cmpuint(head.config_len, ==, MIGRATION_CONFIG_MAX_JSON);
    out = cpr_frame_parse_table(&head, data + CPR_FRAME_HEAD_SIZE,
                                CPR_FRAME_MAX_BLOCKS, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(out->len, ==, CPR_FRAME_MAX_BLOCKS);
    for (guint i = 0; i < out->len; i++) {
        CprFrameBlock *b = g_ptr_array_index(out, i);

        g_assert_cmpuint(strlen(b->name), ==, 255);
        g_assert_cmpint(b->name[0], ==, 'A' + i % 26);
        g_assert_cmpuint(b->size, ==, G_MAXUINT64 - i);
    }
}

/* Nothing is decided on a partial header. */
static void test_truncated_head(void)
{
    guint8 raw[CPR_FRAME_HEAD_SIZE];

    /* even with a wrong magic: the verdict waits for the whole header */
    make_head(raw, 0xdeadbeef, 9, 999, 999, 999);
    for (gsize len = 0; len < CPR_FRAME_HEAD_SIZE; len++) {
        g_autoptr(GError) err = NULL;
        CprFrameHead head = {7, 7, 7};

        g_assert_cmpint(cpr_frame_parse_head(raw, len, &head, &err), ==, 0);
        g_assert_no_error(err);
        g_assert_cmpuint(head.nblocks, ==, 7);
    }
}

static void test_bad_magic(void)
{
    guint8 raw[CPR_FRAME_HEAD_SIZE];

    make_head(raw, 0, CPR_FRAME_VERSION, 0, 0, 0);
    assert_head_refused(raw, "not a cpr-transfer stream");
    /* the answer's magic, the wrong way round, or a migration stream */
    make_head(raw, CPR_FRAME_ANSWER_MAGIC, CPR_FRAME_VERSION, 0, 0, 0);
    assert_head_refused(raw, "not a cpr-transfer stream");
    make_head(raw, GUINT32_SWAP_LE_BE(CPR_FRAME_MAGIC), CPR_FRAME_VERSION, 0, 0,
              0);
    assert_head_refused(raw, "not a cpr-transfer stream");
    make_head(raw, 0x5145564d /* "QEVM" */, 3, 0, 0, 0);
    assert_head_refused(raw, "not a cpr-transfer stream");
    /* the magic is checked first */
    make_head(raw, 0, 2, 1000, 1000000, G_MAXUINT32);
    assert_head_refused(raw, "not a cpr-transfer stream");
}

static void test_bad_version(void)
{
    guint8 raw[CPR_FRAME_HEAD_SIZE];

    make_head(raw, CPR_FRAME_MAGIC, 0, 0, 0, 0);
    assert_head_refused(raw, "unsupported cpr-transfer version 0");
    make_head(raw, CPR_FRAME_MAGIC, 2, 0, 0, 0);
    assert_head_refused(raw, "unsupported cpr-transfer version 2");
    make_head(raw, CPR_FRAME_MAGIC, G_MAXUINT32, 0, 0, 0);
    assert_head_refused(raw, "unsupported cpr-transfer version 4294967295");
    /* before the limits */
    make_head(raw, CPR_FRAME_MAGIC, 2, 1000, 0, 0);
    assert_head_refused(raw, "unsupported cpr-transfer version 2");
}

static void test_over_limits(void)
{
    guint8 raw[CPR_FRAME_HEAD_SIZE];

    make_head(raw, CPR_FRAME_MAGIC, CPR_FRAME_VERSION, 65, 0, 0);
    assert_head_refused(raw, "cpr-transfer header over the limits (65 blocks, "
                             "0 table bytes, 0 configuration bytes)");
    make_head(raw, CPR_FRAME_MAGIC, CPR_FRAME_VERSION, G_MAXUINT32, 0, 0);
    assert_head_refused(raw, "cpr-transfer header over the limits (4294967295 "
                             "blocks, 0 table bytes, 0 configuration bytes)");
    make_head(raw, CPR_FRAME_MAGIC, CPR_FRAME_VERSION, 1,
              CPR_FRAME_MAX_TABLE + 1, 0);
    assert_head_refused(raw, "cpr-transfer header over the limits (1 blocks, "
                             "16897 table bytes, 0 configuration bytes)");
    make_head(raw, CPR_FRAME_MAGIC, CPR_FRAME_VERSION, 1, 15,
              MIGRATION_CONFIG_MAX_JSON + 1);
    assert_head_refused(raw, "cpr-transfer header over the limits (1 blocks, "
                             "15 table bytes, 268435457 configuration bytes)");
    make_head(raw, CPR_FRAME_MAGIC, CPR_FRAME_VERSION, 1, 15, G_MAXUINT32);
    assert_head_refused(raw, "cpr-transfer header over the limits (1 blocks, "
                             "15 table bytes, 4294967295 configuration bytes)");

    /* each limit itself is accepted */
    make_head(raw, CPR_FRAME_MAGIC, CPR_FRAME_VERSION, CPR_FRAME_MAX_BLOCKS,
              CPR_FRAME_MAX_TABLE, MIGRATION_CONFIG_MAX_JSON);
    parse_head_ok(raw, sizeof(raw));
}

/* Bytes past the header do not matter to it. */
static void test_head_ignores_rest(void)
{
    guint8 raw[CPR_FRAME_HEAD_SIZE + 8];
    CprFrameHead head;

    make_head(raw, CPR_FRAME_MAGIC, CPR_FRAME_VERSION, 0, 3, 5);
    memset(raw + CPR_FRAME_HEAD_SIZE, 0xff, 8);
    head = parse_head_ok(raw, sizeof(raw));
    g_assert_cmpuint(head.table_len, ==, 3);
    g_assert_cmpuint(head.config_len, ==, 5);
    g_assert_cmpuint(cpr_frame_message_size(&head), ==, 28);
}

static void test_fd_count(void)
{
    guint8 table[64];
    gsize len = put_entry(table, "pc.ram", MIB);

    assert_table_refused(1, table, len, 0,
                         "1 RAM blocks announced but 0 descriptors received");
    assert_table_refused(1, table, len, 2,
                         "1 RAM blocks announced but 2 descriptors received");
    assert_table_refused(0, table, 0, 1,
                         "0 RAM blocks announced but 1 descriptors received");
    /* checked before the table */
    assert_table_refused(2, table, 3, 64,
                         "2 RAM blocks announced but 64 descriptors received");
}

static void test_table_length_mismatch(void)
{
    guint8 table[64];
    gsize len = put_entry(table, "pc.ram", MIB);

    table[len] = 0;
    /* a byte left over */
    assert_table_refused(1, table, len + 1, 1, "malformed RAM block table");
    /* no block, some bytes */
    assert_table_refused(0, table, len, 0, "malformed RAM block table");
    assert_table_refused(0, table, 1, 0, "malformed RAM block table");
    /* one block, no bytes */
    assert_table_refused(1, table, 0, 1, "malformed RAM block table");
    /* the size cut short */
    for (gsize cut = 1; cut < len; cut++) {
        assert_table_refused(1, table, len - cut, 1,
                             "malformed RAM block table");
    }
    /* two blocks announced, one in the table */
    assert_table_refused(2, table, len, 2, "malformed RAM block table");
}

static void test_name_overrun(void)
{
    guint8 table[CPR_FRAME_MAX_TABLE];
    gsize len;

    /* a name length pointing past the table's end */
    len = put_entry(table, "pc.ram", MIB);
    table[0] = 200;
    assert_table_refused(1, table, len, 1, "malformed RAM block table");
    table[0] = 255;
    assert_table_refused(1, table, len, 1, "malformed RAM block table");
    /* a name that fills the table, without room for the size */
    memset(table, 'n', sizeof(table));
    table[0] = 255;
    assert_table_refused(1, table, 256, 1, "malformed RAM block table");
    assert_table_refused(1, table, 263, 1, "malformed RAM block table");
    /* the second entry overruns */
    len = put_entry(table, "a", MIB);
    len += put_entry(table + len, "bb", MIB);
    table[len - 11] = 3;
    assert_table_refused(2, table, len, 2, "malformed RAM block table");
}

static void test_zero_size(void)
{
    guint8 table[64];
    gsize len = put_entry(table, "pc.ram", 0);

    assert_table_refused(1, table, len, 1, "RAM block 'pc.ram' has size 0");
    len = put_entry(table, "a", 1);
    len += put_entry(table + len, "b", 0);
    assert_table_refused(2, table, len, 2, "RAM block 'b' has size 0");
}

/* Names are taken as sent: empty, or cut at a NUL. */
static void test_odd_names(void)
{
    guint8 table[64];
    g_autoptr(GPtrArray) blocks = NULL;
    g_autoptr(GError) err = NULL;
    gsize len = put_entry(table, "", 1);

    len += put_entry(table + len, "ab", 2);
    table[len - 9] = '\0'; /* "a\0" */
    blocks = parse_table(2, table, len, 2, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(((CprFrameBlock *)g_ptr_array_index(blocks, 0))->name, ==,
                    "");
    g_assert_cmpstr(((CprFrameBlock *)g_ptr_array_index(blocks, 1))->name, ==,
                    "a");
}

static void assert_answer(GBytes *bytes, uint32_t status, const char *reason)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(bytes, &len);
    uint32_t st = 99, rlen = 99;

    g_assert_cmpint(cpr_frame_parse_answer_head(data, len, &st, &rlen, &err),
                    ==, 1);
    g_assert_no_error(err);
    g_assert_cmpuint(st, ==, status);
    g_assert_cmpuint(rlen, ==, strlen(reason));
    g_assert_cmpuint(len, ==, CPR_FRAME_ANSWER_HEAD_SIZE + rlen);
    text = cpr_frame_answer_reason(data + CPR_FRAME_ANSWER_HEAD_SIZE, rlen);
    g_assert_cmpstr(text, ==, reason);
}

static void test_answer_round_trip(void)
{
    g_autoptr(GBytes) ok = cpr_frame_encode_answer(NULL);
    g_autoptr(GBytes) no = cpr_frame_encode_answer("smp.cpus differs");
    g_autoptr(GBytes) empty = cpr_frame_encode_answer("");
    static const guint8 expected[] = {'Q', 'C', 'P', 'A', 0, 0,   0,
                                      1,   0,   0,   0,   2, 'n', 'o'};
    g_autoptr(GBytes) short_no = cpr_frame_encode_answer("no");

    assert_answer(ok, 0, "");
    assert_answer(no, 1, "smp.cpus differs");
    /* refused, if without a reason */
    assert_answer(empty, 1, "");
    g_assert_cmpmem(g_bytes_get_data(short_no, NULL),
                    g_bytes_get_size(short_no), expected, sizeof(expected));
}

static void test_answer_truncated(void)
{
    g_autoptr(GBytes) no = cpr_frame_encode_answer("why");
    const guint8 *data = g_bytes_get_data(no, NULL);

    for (gsize len = 0; len < CPR_FRAME_ANSWER_HEAD_SIZE; len++) {
        g_autoptr(GError) err = NULL;
        uint32_t st = 99, rlen = 99;

        g_assert_cmpint(
            cpr_frame_parse_answer_head(data, len, &st, &rlen, &err), ==, 0);
        g_assert_no_error(err);
        g_assert_cmpuint(st, ==, 99);
        g_assert_cmpuint(rlen, ==, 99);
    }
}

static void assert_answer_refused(const guint8 *data)
{
    g_autoptr(GError) err = NULL;
    uint32_t st = 99, rlen = 99;

    g_assert_cmpint(cpr_frame_parse_answer_head(
                        data, CPR_FRAME_ANSWER_HEAD_SIZE, &st, &rlen, &err),
                    ==, -1);
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "the destination's answer is not a cpr-transfer reply");
    g_assert_cmpuint(st, ==, 99);
    g_assert_cmpuint(rlen, ==, 99);
}

static void test_answer_refused(void)
{
    guint8 raw[CPR_FRAME_ANSWER_HEAD_SIZE];
    g_autoptr(GError) err = NULL;
    uint32_t st = 0, rlen = 0;

    /* the message's magic sent back */
    put_be32(raw, CPR_FRAME_MAGIC);
    put_be32(raw + 4, 0);
    put_be32(raw + 8, 0);
    assert_answer_refused(raw);
    /* a reason too long */
    put_be32(raw, CPR_FRAME_ANSWER_MAGIC);
    put_be32(raw + 4, 1);
    put_be32(raw + 8, CPR_FRAME_MAX_REASON + 1);
    assert_answer_refused(raw);
    put_be32(raw + 8, G_MAXUINT32);
    assert_answer_refused(raw);
    /* a status that is neither accepted (0) nor refused (1) */
    put_be32(raw + 4, 7);
    put_be32(raw + 8, 0);
    assert_answer_refused(raw);
    /* refused, with a reason at the limit */
    put_be32(raw + 4, 1);
    put_be32(raw + 8, CPR_FRAME_MAX_REASON);
    g_assert_cmpint(
        cpr_frame_parse_answer_head(raw, sizeof(raw), &st, &rlen, &err), ==, 1);
    g_assert_cmpuint(st, ==, 1);
    g_assert_cmpuint(rlen, ==, CPR_FRAME_MAX_REASON);
}

/* A long reason is cut to the limit, on a character boundary. */
static void test_answer_long_reason(void)
{
    g_autofree char *ascii = g_strnfill(5000, 'x');
    g_autoptr(GString) utf8 = g_string_new(NULL);
    g_autoptr(GBytes) a = cpr_frame_encode_answer(ascii);
    g_autoptr(GBytes) u = NULL;
    g_autofree char *text = NULL;
    gsize len = 0;
    const guint8 *data;
    uint32_t st, rlen;

    ascii[CPR_FRAME_MAX_REASON] = '\0';
    assert_answer(a, 1, ascii);

    /* 4095 bytes, then a 2-byte character across the limit */
    g_string_append(utf8, ascii + 1);
    g_string_append(utf8, "\u00e9 and more");
    u = cpr_frame_encode_answer(utf8->str);
    data = g_bytes_get_data(u, &len);
    g_assert_cmpint(cpr_frame_parse_answer_head(data, len, &st, &rlen, NULL),
                    ==, 1);
    g_assert_cmpuint(rlen, ==, CPR_FRAME_MAX_REASON - 1);
    text = cpr_frame_answer_reason(data + CPR_FRAME_ANSWER_HEAD_SIZE, rlen);
    g_assert_true(g_utf8_validate(text, -1, NULL));
    g_assert_cmpstr(text, ==, ascii + 1);
    g_clear_pointer(&text, g_free);
    g_clear_pointer(&u, g_bytes_unref);

    /* a 4-byte character ending exactly at the limit is kept whole */
    g_string_assign(utf8, ascii + 4);
    g_string_append(utf8, "\U0001F600!");
    u = cpr_frame_encode_answer(utf8->str);
    data = g_bytes_get_data(u, &len);
    g_assert_cmpint(cpr_frame_parse_answer_head(data, len, &st, &rlen, NULL),
                    ==, 1);
    g_assert_cmpuint(rlen, ==, CPR_FRAME_MAX_REASON);
    text = cpr_frame_answer_reason(data + CPR_FRAME_ANSWER_HEAD_SIZE, rlen);
    g_assert_true(g_str_has_suffix(text, "x\U0001F600"));
}

/* Whatever a destination sends becomes a UTF-8 string. */
static void test_answer_reason_sanitized(void)
{
    static const guint8 bad[] = {'a', 0xff, 'b', 0xc3};
    static const guint8 nul[] = {'a', 'b', 0, 'c'};
    g_autofree char *t1 = cpr_frame_answer_reason(bad, sizeof(bad));
    g_autofree char *t2 = cpr_frame_answer_reason(nul, sizeof(nul));
    g_autofree char *t3 = cpr_frame_answer_reason(NULL, 0);

    g_assert_cmpstr(t1, ==, "a\uFFFDb\uFFFD");
    g_assert_cmpstr(t2, ==, "ab");
    g_assert_cmpstr(t3, ==, "");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/cpr-frame/round-trip-one", test_round_trip_one);
    g_test_add_func("/migration/cpr-frame/round-trip-none",
                    test_round_trip_none);
    g_test_add_func("/migration/cpr-frame/round-trip-max", test_round_trip_max);
    g_test_add_func("/migration/cpr-frame/truncated-head", test_truncated_head);
    g_test_add_func("/migration/cpr-frame/bad-magic", test_bad_magic);
    g_test_add_func("/migration/cpr-frame/bad-version", test_bad_version);
    g_test_add_func("/migration/cpr-frame/over-limits", test_over_limits);
    g_test_add_func("/migration/cpr-frame/head-ignores-rest",
                    test_head_ignores_rest);
    g_test_add_func("/migration/cpr-frame/fd-count", test_fd_count);
    g_test_add_func("/migration/cpr-frame/table-length-mismatch",
                    test_table_length_mismatch);
    g_test_add_func("/migration/cpr-frame/name-overrun", test_name_overrun);
    g_test_add_func("/migration/cpr-frame/zero-size", test_zero_size);
    g_test_add_func("/migration/cpr-frame/odd-names", test_odd_names);
    g_test_add_func("/migration/cpr-frame/answer-round-trip",
                    test_answer_round_trip);
    g_test_add_func("/migration/cpr-frame/answer-truncated",
                    test_answer_truncated);
    g_test_add_func("/migration/cpr-frame/answer-refused", test_answer_refused);
    g_test_add_func("/migration/cpr-frame/answer-long-reason",
                    test_answer_long_reason);
    g_test_add_func("/migration/cpr-frame/answer-reason-sanitized",
                    test_answer_reason_sanitized);
    return g_test_run();
}
