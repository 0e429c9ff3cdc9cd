/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/keyval.c: dotted keys to JSON trees, and merging.
 */

#include "prelude.h"

#include "util/error.h"
#include "util/json-writer.h"
#include "util/keyval.h"

typedef struct KeyvalCase {
    const char *params;
    const char *implied;
    const char *expect; /* writer output, or the error text */
    bool is_error;
    bool help;
} KeyvalCase;

#define OK(p, i, e)           \
    {                         \
        p, i, e, false, false \
    }
#define HELP(p, i, e)        \
    {                        \
        p, i, e, false, true \
    }
#define ERR(p, i, e)         \
    {                        \
        p, i, e, true, false \
    }

static void test_parse(void)
{
    static const KeyvalCase cases[] = {
        OK("", NULL, "{}"),
        OK("a=1", NULL, "{\"a\": \"1\"}"),
        OK("a=1,b=", NULL, "{\"a\": \"1\", \"b\": \"\"}"),
        OK("a=1,", NULL, "{\"a\": \"1\"}"),
        OK("a=1,a=2", NULL, "{\"a\": \"2\"}"),
        OK("a=x,,y,b=z,,", NULL, "{\"a\": \"x,y\", \"b\": \"z,\"}"),
        OK("a=x=y", NULL, "{\"a\": \"x=y\"}"),
        OK("a.b=1,a.c.d=x", NULL,
           "{\"a\": {\"b\": \"1\", \"c\": {\"d\": \"x\"}}}"),
        OK("a.0=x,a.1=y", NULL, "{\"a\": [\"x\", \"y\"]}"),
        OK("a.1=y,a.0=x", NULL, "{\"a\": [\"x\", \"y\"]}"),
        OK("a.0.b=1,a.0.c=2,a.1.b=3", NULL,
           "{\"a\": [{\"b\": \"1\", \"c\": \"2\"}, {\"b\": \"3\"}]}"),
        OK("a.0.0=x", NULL, "{\"a\": [[\"x\"]]}"),
        OK("a.0=x,a.0=y", NULL, "{\"a\": [\"y\"]}"),
        OK("pc", "type", "{\"type\": \"pc\"}"),
        OK("pc,,x,mem=1", "type", "{\"type\": \"pc,x\", \"mem\": \"1\"}"),
        OK("type=q35", "type", "{\"type\": \"q35\"}"),
        OK("a-b_c=1,A9=2", NULL, "{\"a-b_c\": \"1\", \"A9\": \"2\"}"),
        OK("__com.example_x.y=1", NULL,
           "{\"__com.example_x\": {\"y\": \"1\"}}"),
        OK("k=caf\xc3\xa9", NULL, "{\"k\": \"caf\\u00E9\"}"),
        HELP("help", NULL, "{}"),
        HELP("?", "type", "{}"),
        HELP("pc,help", "type", "{\"type\": \"pc\"}"),
        HELP("a=1,?,b=2", NULL, "{\"a\": \"1\", \"b\": \"2\"}"),
        OK("help=x", NULL, "{\"help\": \"x\"}"),
        ERR("a", NULL, "Expected '=' after parameter 'a'"),
        ERR("a.b", NULL, "Expected '=' after parameter 'a.b'"),
        ERR("a=1,b", "type", "Expected '=' after parameter 'b'"),
        ERR("=1", NULL, "Invalid parameter ''"),
        ERR(",a=1", NULL, "Invalid parameter ''"),
        ERR(",a=1", "type", "Invalid parameter ''"),
        ERR("a..b=1", NULL, "Invalid parameter 'a..b'"),
        ERR("a.=1", NULL, "Invalid parameter 'a.'"),
        ERR(".a=1", NULL, "Invalid parameter '.a'"),
        ERR("0=1", NULL, "Invalid parameter '0'"),
        ERR("1a=1", NULL, "Invalid parameter '1a'"),
        ERR("a.1b=1", NULL, "Invalid parameter 'a.1b'"),
        ERR("a b=1", NULL, "Invalid parameter 'a b'"),
        ERR("_a=1", NULL, "Invalid parameter '_a'"),
        ERR("\xc3\xa9=1", NULL, "Invalid parameter '\xc3\xa9'"),
        ERR("a.b=1,a=2", NULL, "Parameters 'a.*' used inconsistently"),
        ERR("a=2,a.b=1", NULL, "Parameters 'a.*' used inconsistently"),
        ERR("a.b.c=1,a.b=2", NULL, "Parameters 'a.b.*' used inconsistently"),
        ERR("a.0=x,a.b=y", NULL, "Parameters 'a.*' used inconsistently"),
        ERR("x.a.0=x,x.a.b=y", NULL, "Parameters 'x.a.*' used inconsistently"),
        ERR("a.1=x", NULL, "Parameter 'a.0' missing"),
        ERR("a.0=x,a.2=z", NULL, "Parameter 'a.1' missing"),
        ERR("a.0=x,a.00=y", NULL, "Parameter 'a.1' missing"),
        ERR("a.0.1=x,a.1.0=y", NULL, "Parameter 'a.0.0' missing"),
        ERR("a.99999999999=x", NULL, "Parameter 'a.0' missing"),
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        const KeyvalCase *c = &cases[i];
        g_autoptr(GError) err = NULL;
        g_autoptr(JsonNode) node = NULL;
        bool help = !c->help;

        g_test_message("keyval '%s'", c->params);
        node = keyval_parse(c->params, c->implied, &help, &err);
        if (c->is_error) {
            g_assert_null(node);
            g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
            g_assert_cmpstr(err->message, ==, c->expect);
            /* an out parameter is untouched on failure */
            g_assert_cmpint(help, ==, !c->help);
        } else {
            g_autofree char *text = NULL;

            g_assert_no_error(err);
            g_assert_nonnull(node);
            text = json_writer_to_string(node);
            g_assert_cmpstr(text, ==, c->expect);
            g_assert_cmpint(help, ==, c->help);
        }
    }
}

static void test_long_fragments(void)
{
    g_autofree char *k127 = g_strnfill(127, 'k');
    g_autofree char *k128 = g_strnfill(128, 'k');
    g_autofree char *ok = g_strdup_printf("%s.x=1", k127);
    g_autofree char *whole = g_strdup_printf("%s=1", k128);
    g_autofree char *frag = g_strdup_printf("a.%s=1", k128);
    g_autofree char *msg1 = g_strdup_printf("Parameter '%s' is too long", k128);
    g_autofree char *msg2 =
        g_strdup_printf("Parameter fragment '%s' is too long", k128);
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) node = keyval_parse(ok, NULL, NULL, &err);

    g_assert_no_error(err);
    g_assert_nonnull(node);
    g_assert_null(keyval_parse(whole, NULL, NULL, &err));
    g_assert_cmpstr(err->message, ==, msg1);
    g_clear_error(&err);
    g_assert_null(keyval_parse(frag, NULL, NULL, &err));
    g_assert_cmpstr(err->message, ==, msg2);
}

static void test_help_unwanted(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_null(keyval_parse("a=1,help", NULL, NULL, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "Help is not available for this option");
}

static void test_big_array(void)
{
    g_autoptr(GString) params = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) node = NULL;
    JsonArray *arr;

    /* written in reverse so the order has to come from the indexes */
    for (int i = 999; i >= 0; i--) {
        g_string_append_printf(params, "l.%d=%d,", i, i);
    }
    node = keyval_parse(params->str, NULL, NULL, &err);
    g_assert_no_error(err);
    arr = json_object_get_array_member(json_node_get_object(node), "l");
    g_assert_cmpuint(json_array_get_length(arr), ==, 1000);
    for (guint i = 0; i < 1000; i++) {
        g_autofree char *want = g_strdup_printf("%u", i);

        g_assert_cmpstr(json_array_get_string_element(arr, i), ==, want);
    }
}

typedef struct MergeCase {
    const char *dest;
    const char *src;
    const char *expect; /* merged dest, or the error text */
    bool is_error;
} MergeCase;

static void test_merge(void)
{
    static const MergeCase cases[] = {
        {"", "a=1", "{\"a\": \"1\"}", false},
        {"a=1", "", "{\"a\": \"1\"}", false},
        {"a=1,b=2", "a=3", "{\"a\": \"3\", \"b\": \"2\"}", false},
        {"s.x=1", "s.y=2", "{\"s\": {\"x\": \"1\", \"y\": \"2\"}}", false},
        {"s.t.x=1", "s.t.x=2,s.u=3",
         "{\"s\": {\"t\": {\"x\": \"2\"}, \"u\": \"3\"}}", false},
        {"l.0=a,l.1=b", "l.0=c", "{\"l\": [\"a\", \"b\", \"c\"]}", false},
        {"a=1", "a.b=2", "Parameter 'a' used inconsistently", true},
        {"s.a=1", "s.a.b=2", "Parameter 's.a' used inconsistently", true},
        {"s.l.0=x", "s.l.k=2", "Parameter 's.l' used inconsistently", true},
        {"l.0=x", "l=y", "Parameter 'l' used inconsistently", true},
        /* the clash comes after a change that must not be applied */
        {"a=1,s.x=1", "a=9,s=2", "Parameter 's' used inconsistently", true},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        const MergeCase *c = &cases[i];
        g_autoptr(GError) err = NULL;
        g_autoptr(JsonNode) dest = keyval_parse(c->dest, NULL, NULL, &err);
        g_autoptr(JsonNode) src = keyval_parse(c->src, NULL, NULL, &err);
        g_autofree char *before = json_writer_to_string(dest);
        g_autofree char *src_before = json_writer_to_string(src);
        g_autofree char *after = NULL;
        g_autofree char *src_after = NULL;
        bool ok;

        g_assert_no_error(err);
        g_test_message("merge '%s' + '%s'", c->dest, c->src);
        ok = keyval_merge(json_node_get_object(dest), json_node_get_object(src),
                          &err);
        after = json_writer_to_string(dest);
        if (c->is_error) {
            g_assert_false(ok);
            g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
            g_assert_cmpstr(err->message, ==, c->expect);
            g_assert_cmpstr(after, ==, before);
        } else {
            g_assert_no_error(err);
            g_assert_true(ok);
            g_assert_cmpstr(after, ==, c->expect);
        }
        src_after = json_writer_to_string(src);
        g_assert_cmpstr(src_after, ==, src_before);
    }
}

/* Later merges must not reach back into an earlier source */
static void test_merge_no_sharing(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) dest = keyval_parse("", NULL, NULL, &err);
    g_autoptr(JsonNode) src1 = keyval_parse("s.l.0=a", NULL, NULL, &err);
    g_autoptr(JsonNode) src2 = keyval_parse("s.l.0=b,s.x=1", NULL, NULL, &err);
    g_autofree char *src1_text = NULL;
    g_autofree char *dest_text = NULL;

    g_assert_no_error(err);
    g_assert_true(keyval_merge(json_node_get_object(dest),
                               json_node_get_object(src1), &err));
    g_assert_true(keyval_merge(json_node_get_object(dest),
                               json_node_get_object(src2), &err));
    src1_text = json_writer_to_string(src1);
    dest_text = json_writer_to_string(dest);
    g_assert_cmpstr(src1_text, ==, "{\"s\": {\"l\": [\"a\"]}}");
    g_assert_cmpstr(dest_text, ==,
                    "{\"s\": {\"l\": [\"a\", \"b\"], \"x\": \"1\"}}");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/keyval/parse", test_parse);
    g_test_add_func("/util/keyval/long-fragments", test_long_fragments);
    g_test_add_func("/util/keyval/help-unwanted", test_help_unwanted);
    g_test_add_func("/util/keyval/big-array", test_big_array);
    g_test_add_func("/util/keyval/merge", test_merge);
    g_test_add_func("/util/keyval/merge-no-sharing", test_merge_no_sharing);
    return g_test_run();
}
