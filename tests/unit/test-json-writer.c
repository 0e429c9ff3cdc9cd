/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/json-writer.c: QEMU's output spacing, ASCII escapes
 * and number formatting.
 */

#include "prelude.h"

#include <math.h>

#include "util/json-writer.h"

static JsonNode *parse(const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) err = NULL;

    json_parser_load_from_data(parser, text, -1, &err);
    g_assert_no_error(err);
    return json_parser_steal_root(parser);
}

typedef struct RoundCase {
    const char *input;  /* parsed by json-glib */
    const char *output; /* what the writer must print */
} RoundCase;

static void test_from_text(void)
{
    static const RoundCase cases[] = {
        {"{}", "{}"},
        {"[]", "[]"},
        {"null", "null"},
        {"true", "true"},
        {"false", "false"},
        {"0", "0"},
        {"-17", "-17"},
        {"9223372036854775807", "9223372036854775807"},
        {"-9223372036854775808", "-9223372036854775808"},
        {"\"\"", "\"\""},
        {"{\"a\":1,\"b\":[1,2],\"c\":{}}",
         "{\"a\": 1, \"b\": [1, 2], \"c\": {}}"},
        {"{ \"z\" : 1 , \"a\" : 2 , \"m\" : 3 }",
         "{\"z\": 1, \"a\": 2, \"m\": 3}"},
        {"[[[]],{\"x\":[{}]}]", "[[[]], {\"x\": [{}]}]"},
        {"{\"a\":1,\"a\":2}", "{\"a\": 2}"},
        {"\"q\\\"b\\\\s/\"", "\"q\\\"b\\\\s/\""},
        {"\"\\b\\f\\n\\r\\t\"", "\"\\b\\f\\n\\r\\t\""},
        {"\"\\u0001\\u001f\\u007f\"", "\"\\u0001\\u001F\\u007F\""},
        {"\"caf\xc3\xa9\"", "\"caf\\u00E9\""},
        {"\"\xe2\x82\xac\"", "\"\\u20AC\""},
        {"\"\xf0\x9f\x98\x80\"", "\"\\uD83D\\uDE00\""},
        {"\"\\ud83d\\ude00\"", "\"\\uD83D\\uDE00\""},
        {"\"\xf4\x8f\xbf\xbf\"", "\"\\uDBFF\\uDFFF\""},
        {"{\"\xc3\xa9\": \"k\"}", "{\"\\u00E9\": \"k\"}"},
        {"0.5", "0.5"},
        {"0.1", "0.1"},
        {"-2.5e-8", "-2.5e-08"},
        {"1e300", "1e+300"},
        {"1.0", "1"},
        {"3.141592653589793", "3.141592653589793"},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(JsonNode) node = parse(cases[i].input);
        g_autofree char *text = json_writer_to_string(node);

        g_test_message("writer '%s'", cases[i].input);
        g_assert_cmpstr(text, ==, cases[i].output);
    }
}

static void test_doubles_round_trip(void)
{
    static const double values[] = {
        0.1,
        0.2,
        1.0 / 3,
        2.0 / 3,
        1e-300,
        5e-324,
        1.7976931348623157e308,
        123456789.123456789,
        -0.0,
        1e21,
        4.35,
        0.3,
    };

    for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
        g_autoptr(JsonNode) node = json_node_new(JSON_NODE_VALUE);
        g_autofree char *text = NULL;

        json_node_set_double(node, values[i]);
        text = json_writer_to_string(node);
        g_test_message("double %.17g -> %s", values[i], text);
        g_assert_cmpfloat(g_ascii_strtod(text, NULL), ==, values[i]);
        /* shortest: %.17g of 0.1 would be 0.10000000000000001 */
        g_assert_cmpuint(strlen(text), <=, 24);
    }
}

static void test_special_values(void)
{
    g_autoptr(JsonNode) inf = json_node_new(JSON_NODE_VALUE);
    g_autoptr(JsonNode) nan_node = json_node_new(JSON_NODE_VALUE);
    g_autoptr(JsonNode) bad = json_node_new(JSON_NODE_VALUE);
    g_autofree char *t1 = NULL;
    g_autofree char *t2 = NULL;
    g_autofree char *t3 = NULL;
    g_autofree char *t4 = NULL;
    g_autoptr(GString) out = g_string_new("prefix ");

    json_node_set_double(inf, INFINITY);
    json_node_set_double(nan_node, NAN);
    /* invalid UTF-8 cannot come from the streamer but may from code */
    json_node_set_string(bad, "a\xff"
                              "b\xc3");
    t1 = json_writer_to_string(inf);
    t2 = json_writer_to_string(nan_node);
    t3 = json_writer_to_string(bad);
    t4 = json_writer_to_string(NULL);
    g_assert_cmpstr(t1, ==, "null");
    g_assert_cmpstr(t2, ==, "null");
    g_assert_cmpstr(t3, ==, "\"a\\uFFFDb\\uFFFD\"");
    g_assert_cmpstr(t4, ==, "null");

    json_writer_append(out, inf);
    g_assert_cmpstr(out->str, ==, "prefix null");
}

static void test_built_order(void)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    json_builder_begin_object(b);
    for (int i = 20; i > 0; i--) {
        g_autofree char *name = g_strdup_printf("k%d", i);

        json_builder_set_member_name(b, name);
        json_builder_add_int_value(b, i);
    }
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    text = json_writer_to_string(root);
    g_assert_true(g_str_has_prefix(text, "{\"k20\": 20, \"k19\": 19, "));
    g_assert_true(g_str_has_suffix(text, "\"k2\": 2, \"k1\": 1}"));
}

static void test_deep(void)
{
    g_autoptr(GString) in = g_string_new(NULL);
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *text = NULL;

    for (int i = 0; i < 1024; i++) {
        g_string_append(in, "[");
    }
    for (int i = 0; i < 1024; i++) {
        g_string_append(in, "]");
    }
    node = parse(in->str);
    text = json_writer_to_string(node);
    g_assert_cmpstr(text, ==, in->str);
}

static void test_compact(void)
{
    g_autoptr(JsonNode) node = parse(
        "{\"a\": [1, {\"b\": \"x y\"}, []], \"c\": {}, \"d\": \"\xc3\xa9\"}");
    g_autoptr(GString) out = g_string_new(NULL);

    json_writer_append_compact(out, node);
    g_assert_cmpstr(
        out->str, ==,
        "{\"a\":[1,{\"b\":\"x y\"},[]],\"c\":{},\"d\":\"\\u00E9\"}");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/json-writer/from-text", test_from_text);
    g_test_add_func("/util/json-writer/doubles", test_doubles_round_trip);
    g_test_add_func("/util/json-writer/special", test_special_values);
    g_test_add_func("/util/json-writer/member-order", test_built_order);
    g_test_add_func("/util/json-writer/deep", test_deep);
    g_test_add_func("/util/json-writer/compact", test_compact);
    return g_test_run();
}
