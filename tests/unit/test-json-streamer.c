/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/json-streamer.c: framing, split feeds, errors,
 * recovery and the size and depth limits.
 */

#include "prelude.h"

#include <string.h>

#include "util/error.h"
#include "util/json-streamer.h"
#include "util/json-writer.h"

/* Each callback becomes one line: "ok:<json>" or "err:<message>" */
static void collect_cb(void *opaque, JsonNode *node, const GError *err)
{
    GString *log = opaque;

    if (node) {
        g_autofree char *text = json_writer_to_string(node);

        g_assert_null(err);
        g_string_append_printf(log, "ok:%s\n", text);
        json_node_unref(node);
    } else {
        g_assert_nonnull(err);
        g_assert_true(err->domain == QMPD_ERROR);
        g_assert_cmpint(err->code, ==, QMPD_ERROR_GENERIC);
        g_string_append_printf(log, "err:%s\n", err->message);
    }
}

typedef struct StreamCase {
    const char *input;
    gsize len; /* 0: strlen(input) */
    const char *events;
} StreamCase;

#define PE "err:JSON parse error, "

static const StreamCase stream_cases[] = {
    {"", 0, ""},
    {" \r\n\t", 0, ""},
    {"{\"a\": 1}", 0, "ok:{\"a\": 1}\n"},
    {"{\"a\":1}{\"b\":2}", 0, "ok:{\"a\": 1}\nok:{\"b\": 2}\n"},
    {"\r\n {\"execute\":\"x\",\"id\":[1,{}]}\r\n", 0,
     "ok:{\"execute\": \"x\", \"id\": [1, {}]}\n"},
    {"[1, 2]", 0, "ok:[1, 2]\n"},
    {"[]{}", 0, "ok:[]\nok:{}\n"},
    {"1 ", 0, "ok:1\n"},
    {"1", 0, ""},
    {"-2.5\n", 0, "ok:-2.5\n"},
    {"\"x\"", 0, "ok:\"x\"\n"},
    {"true\nfalse null ", 0, "ok:true\nok:false\nok:null\n"},
    {"12[1]", 0, "ok:12\nok:[1]\n"},
    {"7\"s\"", 0, "ok:7\nok:\"s\"\n"},
    {"{\"a\": \"}]{[\"}", 0, "ok:{\"a\": \"}]{[\"}\n"},
    {"{\"a\": \"q\\\"}\"}", 0, "ok:{\"a\": \"q\\\"}\"}\n"},
    {"[\"\\\\\"]", 0, "ok:[\"\\\\\"]\n"},
    {"{'a': 'b\"c\\'d'}", 0, "ok:{\"a\": \"b\\\"c'd\"}\n"},
    {"['x]', \"y'\"]", 0, "ok:[\"x]\", \"y'\"]\n"},
    {"\"caf\xc3\xa9 \\u20ac\"", 0, "ok:\"caf\\u00E9 \\u20AC\"\n"},
    {"{\"a\":1,\"a\":2}", 0, "ok:{\"a\": 2}\n"},
    {"{\"a\" 1}", 0, PE "missing : in object pair\n"},
    {"}", 0, PE "expecting value\n"},
    {"]{\"a\":1}", 0, PE "expecting value\nok:{\"a\": 1}\n"},
    {"{\"a\":1}}", 0, "ok:{\"a\": 1}\n" PE "expecting value\n"},
    {"[1,]", 0, PE "unexpected character `,', expected character `]'\n"},
    {"[1 2]", 0, PE "unexpected number `1', expected character `,'\n"},
    {"tru ", 0, PE "unexpected identifier `tru', expected value\n"},
    {"1,2 ", 0, PE "unexpected character `,', expected end of file\n"},
    {"[1}", 0, PE "unexpected number `1', expected character `,'\n"},
    {"{\"a\": \"\xc3\x28\"}", 0, PE "invalid UTF-8 sequence in string\n"},
    {"\"\xff\"", 0, PE "stray '\xef\xbf\xbd'\n"},
    {"{\"execute\": \0 {\"b\":1}", 21, PE "stray ''\nok:{\"b\": 1}\n"},
    {"\xff{\"b\":1}", 0, PE "stray '\xef\xbf\xbd'\nok:{\"b\": 1}\n"},
    {"{\"a\": \"x\x01 {\"b\":1}", 0, PE "stray '\x01'\nok:{\"b\": 1}\n"},
    {"/**/ ", 0, PE "stray '/'\n"},
    /* Punctuation JSON never has fails at once; input up to a bracket or
     * a control character is then skipped (QEMU's lexer recovery). */
    {"%p", 0, PE "stray '%'\n"},
    {"%p x {\"b\":1}", 0, PE "stray '%'\nok:{\"b\": 1}\n"},
    {"[1, @2]", 0, PE "stray '@'\n" PE "expecting value\n"},
    {"\x01"
     "abc\n[]",
     0, PE "stray '\x01'\nok:[]\n"},
    {"12\x01[]", 0, "ok:12\n" PE "stray '\x01'\nok:[]\n"},
    {"{\"a\": \"\\\x02{}", 0, PE "stray '\x02'\nok:{}\n"},
    /*
     * Integers json-glib cannot hold arrive as floating-point numbers, as
     * QEMU reads them, instead of folded into a gint64 (2^64 became -1).
     */
    {"[18446744073709551615, -9223372036854775808]", 0,
     "ok:[-1, -9223372036854775808]\n"},
    {"[18446744073709551616, -9223372036854775809, 000000000000000000001]", 0,
     "ok:[1.8446744073709552e+19, -9.223372036854776e+18, 1]\n"},
    {"{\"n\": 100000000000000000000000, \"s\": \"100000000000000000000000\"}",
     0, "ok:{\"n\": 1e+23, \"s\": \"100000000000000000000000\"}\n"},
    {"[1e30, 1.5, -0]", 0, "ok:[1e+30, 1.5, 0]\n"},
    {"['18446744073709551616', \"'18446744073709551616\"]", 0,
     "ok:[\"18446744073709551616\", \"'18446744073709551616\"]\n"},
};

static void run_case(const StreamCase *c, const gsize *cuts, gsize ncuts,
                     GString *log)
{
    g_autoptr(JsonStreamer) js = json_streamer_new(collect_cb, log);
    gsize len = c->len ? c->len : strlen(c->input);
    gsize pos = 0;

    for (gsize i = 0; i <= ncuts; i++) {
        gsize next = i < ncuts ? cuts[i] : len;

        json_streamer_feed(js, c->input + pos, next - pos);
        pos = next;
    }
}

static void test_cases(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(stream_cases); i++) {
        g_autoptr(GString) log = g_string_new(NULL);

        g_test_message("stream case %zu", i);
        run_case(&stream_cases[i], NULL, 0, log);
        g_assert_cmpstr(log->str, ==, stream_cases[i].events);
    }
}

/* Every case split at every byte boundary, and fed one byte at a time */
static void test_split_feeds(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(stream_cases); i++) {
        const StreamCase *c = &stream_cases[i];
        gsize len = c->len ? c->len : strlen(c->input);
        g_autofree gsize *every = g_new(gsize, len + 1);
        g_autoptr(GString) bytewise = g_string_new(NULL);

        for (gsize cut = 0; cut <= len; cut++) {
            g_autoptr(GString) log = g_string_new(NULL);

            run_case(c, &cut, 1, log);
            g_test_message("case %zu cut %zu", i, cut);
            g_assert_cmpstr(log->str, ==, c->events);
            every[cut] = cut;
        }
        run_case(c, every, len + 1, bytewise);
        g_assert_cmpstr(bytewise->str, ==, c->events);
    }
}

static void test_many_messages(void)
{
    g_autoptr(GString) in = g_string_new(NULL);
    g_autoptr(GString) expect = g_string_new(NULL);
    g_autoptr(GString) log = g_string_new(NULL);
    g_autoptr(JsonStreamer) js = json_streamer_new(collect_cb, log);

    for (int i = 0; i < 5000; i++) {
        g_string_append_printf(in, "{\"execute\":\"q\",\"id\":%d}\r\n", i);
        g_string_append_printf(expect, "ok:{\"execute\": \"q\", \"id\": %d}\n",
                               i);
    }
    json_streamer_feed(js, in->str, in->len);
    g_assert_cmpstr(log->str, ==, expect->str);
    g_assert_cmpuint(json_streamer_pending_size(js), ==, 0);
}

static void test_reset(void)
{
    g_autoptr(GString) log = g_string_new(NULL);
    g_autoptr(JsonStreamer) js = json_streamer_new(collect_cb, log);

    json_streamer_feed(js, "{\"a\": [\"unterminated", 20);
    g_assert_cmpuint(json_streamer_pending_size(js), >, 0);
    json_streamer_reset(js);
    g_assert_cmpuint(json_streamer_pending_size(js), ==, 0);
    json_streamer_feed(js, "{\"b\": 2}", 8);
    g_assert_cmpstr(log->str, ==, "ok:{\"b\": 2}\n");
}

static char *nested(int depth)
{
    GString *s = g_string_new(NULL);

    for (int i = 0; i < depth; i++) {
        g_string_append(s, i % 2 ? "{\"k\":" : "[");
    }
    g_string_append(s, "1");
    for (int i = depth - 1; i >= 0; i--) {
        g_string_append(s, i % 2 ? "}" : "]");
    }
    return g_string_free(s, FALSE);
}

static void test_depth_limit(void)
{
    g_autofree char *ok_text = nested(JSON_STREAMER_MAX_DEPTH);
    g_autofree char *deep_text = nested(JSON_STREAMER_MAX_DEPTH + 1);
    g_autofree char *very_deep = nested(100000);
    g_autoptr(GString) log = g_string_new(NULL);
    g_autoptr(JsonStreamer) js = json_streamer_new(collect_cb, log);

    json_streamer_feed(js, ok_text, strlen(ok_text));
    g_assert_true(g_str_has_prefix(log->str, "ok:[{\"k\": [{\"k\": "));
    g_string_truncate(log, 0);

    json_streamer_feed(js, deep_text, strlen(deep_text));
    g_assert_cmpstr(log->str, ==, "err:JSON nesting depth limit exceeded\n");
    g_string_truncate(log, 0);

    /* the rest of an over-deep message is skipped, not buffered */
    json_streamer_feed(js, very_deep, strlen(very_deep) / 2);
    g_assert_cmpuint(json_streamer_pending_size(js), ==, 0);
    json_streamer_feed(js, very_deep + strlen(very_deep) / 2,
                       strlen(very_deep) - strlen(very_deep) / 2);
    json_streamer_feed(js, "[1]", 3);
    g_assert_cmpstr(log->str, ==,
                    "err:JSON nesting depth limit exceeded\nok:[1]\n");
}

/* Feeds {"a": "xxx..."} whose total size is @total bytes, in chunks */
static void feed_big(JsonStreamer *js, gsize total, gsize *max_pending)
{
    static const char head[] = "{\"a\": \"";
    static const char tail[] = "\"}";
    gsize body = total - strlen(head) - strlen(tail);
    g_autofree char *chunk = g_malloc(1 << 20);

    memset(chunk, 'x', 1 << 20);
    json_streamer_feed(js, head, strlen(head));
    while (body) {
        gsize n = MIN(body, (gsize)1 << 20);

        json_streamer_feed(js, chunk, n);
        *max_pending = MAX(*max_pending, json_streamer_pending_size(js));
        body -= n;
    }
    json_streamer_feed(js, tail, strlen(tail));
}

static void test_size_limit(void)
{
    g_autoptr(GString) log = g_string_new(NULL);
    g_autoptr(JsonStreamer) js = json_streamer_new(collect_cb, log);
    gsize max_pending = 0;

    /* one byte over: rejected, and never held beyond the limit */
    feed_big(js, JSON_STREAMER_MAX_SIZE + 1, &max_pending);
    g_assert_cmpstr(log->str, ==, "err:JSON token size limit exceeded\n");
    g_assert_cmpuint(max_pending, <=, JSON_STREAMER_MAX_SIZE);
    g_assert_cmpuint(json_streamer_pending_size(js), ==, 0);

    /* far over, in one feed: scanned in place, not copied */
    {
        gsize big = JSON_STREAMER_MAX_SIZE + (8u << 20);
        g_autofree char *text = g_malloc(big);

        memset(text, ' ', big);
        text[0] = '[';
        text[big - 1] = ']';
        g_string_truncate(log, 0);
        json_streamer_feed(js, text, big);
        g_assert_cmpstr(log->str, ==, "err:JSON token size limit exceeded\n");
    }

    /* and the stream carries on */
    g_string_truncate(log, 0);
    json_streamer_feed(js, "{\"b\": 1}", 8);
    g_assert_cmpstr(log->str, ==, "ok:{\"b\": 1}\n");
}

static void count_cb(void *opaque, JsonNode *node, const GError *err)
{
    int *count = opaque;

    g_assert_no_error(err);
    g_assert_nonnull(node);
    g_assert_cmpuint(strlen(json_node_get_string(json_object_get_member(
                         json_node_get_object(node), "a"))),
                     ==, JSON_STREAMER_MAX_SIZE - 9);
    json_node_unref(node);
    (*count)++;
}

static void test_size_at_limit(void)
{
    int count = 0;
    g_autoptr(JsonStreamer) js = json_streamer_new(count_cb, &count);
    gsize max_pending = 0;

    feed_big(js, JSON_STREAMER_MAX_SIZE, &max_pending);
    g_assert_cmpint(count, ==, 1);
    g_assert_cmpuint(max_pending, <=, JSON_STREAMER_MAX_SIZE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/json-streamer/cases", test_cases);
    g_test_add_func("/util/json-streamer/split-feeds", test_split_feeds);
    g_test_add_func("/util/json-streamer/many-messages", test_many_messages);
    g_test_add_func("/util/json-streamer/reset", test_reset);
    g_test_add_func("/util/json-streamer/depth-limit", test_depth_limit);
    g_test_add_func("/util/json-streamer/size-limit", test_size_limit);
    g_test_add_func("/util/json-streamer/size-at-limit", test_size_at_limit);
    return g_test_run();
}
