/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON input visitor (strict and keyval modes) with every error text,
 * the output visitor, dealloc and clone, through the test schema's types.
 */

#include "prelude.h"

#include <string.h>

#include "qapi/clone.h"
#include "qapi/json-input-visitor.h"
#include "qapi/json-output-visitor.h"
#include "test-qapi-types.h"
#include "test-qapi-visit.h"

static JsonNode *parse(const char *text)
{
    g_autoptr(GError) err = NULL;
    JsonNode *node = json_from_string(text, &err);

    g_assert_no_error(err);
    return node;
}

static char *to_text(JsonNode *node)
{
    return json_to_string(node, FALSE);
}

#define STRUCT_OK                                                        \
    "\"id\": \"x\", \"i8\": -128, \"u8\": 255, \"i16\": 1, \"u16\": 2, " \
    "\"i32\": 3, \"u32\": 4, \"i64\": 5, \"u64\": 6, \"sz\": 7, "        \
    "\"num\": 1.5, \"flag\": true, \"kind\": \"value-one\""

static void test_struct_roundtrip(void)
{
    g_autoptr(JsonNode) in = parse(
        "{" STRUCT_OK ", \"count\": 9, \"opt-str\": \"s\", \"opt-bool\": "
        "false, \"opt-enum\": \"b\", \"opt-list\": [\"a\", \"b\"], "
        "\"opt-any\": {\"z\": [null]}, \"default\": 1, \"clock\": \"host\"}");
    g_autoptr(GError) err = NULL;
    g_autoptr(TestStruct) s = NULL;
    g_autoptr(TestStruct) copy = NULL;
    g_autoptr(JsonNode) out = NULL;
    g_autofree char *in_text = to_text(in);
    g_autofree char *out_text = NULL;
    Visitor *v = json_input_visitor_new(in);

    g_assert_true(visit_type_TestStruct(v, NULL, &s, &err));
    g_assert_no_error(err);
    visit_free(v);
    g_assert_cmpstr(s->id, ==, "x");
    g_assert_true(s->has_count);
    g_assert_cmpint(s->count, ==, 9);
    g_assert_cmpint(s->i8, ==, -128);
    g_assert_cmpint(s->u8, ==, 255);
    g_assert_cmpfloat(s->num, ==, 1.5);
    g_assert_cmpint(s->kind, ==, TEST_ENUM_VALUE_ONE);
    g_assert_true(s->has_opt_enum);
    g_assert_cmpint(s->opt_enum, ==, TP_B);
    g_assert_cmpstr(s->opt_list->next->value, ==, "b");
    g_assert_true(s->has_q_default);
    g_assert_cmpstr(s->clock, ==, "host");

    copy = QAPI_CLONE(TestStruct, s);
    v = json_output_visitor_new(&out);
    g_assert_true(visit_type_TestStruct(v, NULL, &copy, NULL));
    visit_complete(v, &out);
    visit_free(v);
    out_text = to_text(out);
    g_test_message("out %s, in %s", out_text, in_text);
    g_assert_true(json_node_equal(out, in));
}

typedef struct ErrCase {
    bool keyval;
    const char *type; /* which visit function */
    const char *json;
    const char *error;
} ErrCase;

static const ErrCase err_cases[] = {
    {false, "base", "{\"id\": 1}",
     "Invalid parameter type for 'id', expected: string"},
    {false, "base", "{}", "Parameter 'id' is missing"},
    {false, "base", "{\"id\": \"a\", \"count\": \"1\"}",
     "Invalid parameter type for 'count', expected: integer"},
    {false, "base", "{\"id\": \"a\", \"count\": 1.5}",
     "Invalid parameter type for 'count', expected: integer"},
    {false, "base", "{\"id\": \"a\", \"x\": 1, \"y\": 2}",
     "Parameter 'x' is unexpected"},
    /* members are read before unknown ones are reported */
    {false, "base", "{\"x\": 1, \"id\": 2}",
     "Invalid parameter type for 'id', expected: string"},
    {false, "base", "[]",
     "Invalid parameter type for '<anonymous>', "
     "expected: object"},
    {false, "struct", "{" STRUCT_OK ", \"u8\": 256}",
     "Parameter 'u8' expects uint8_t"},
    {false, "struct", "{" STRUCT_OK ", \"i8\": -129}",
     "Parameter 'i8' expects int8_t"},
    {false, "struct", "{" STRUCT_OK ", \"u8\": -1}",
     "Parameter 'u8' expects uint8_t"},
    {false, "struct", "{" STRUCT_OK ", \"u64\": 1.5}",
     "Parameter 'u64' expects uint64"},
    {false, "struct", "{" STRUCT_OK ", \"u64\": \"1\"}",
     "Invalid parameter type for 'u64', expected: integer"},
    /*
     * Sizes stop at INT64_MAX: json-glib gives 2^63 and up as negative
     * int64s, the same as a negative number.
     */
    {false, "struct", "{" STRUCT_OK ", \"sz\": -1}",
     "Parameter 'sz' expects a non-negative number below 2^63"},
    {false, "struct", "{" STRUCT_OK ", \"sz\": 9223372036854775808}",
     "Parameter 'sz' expects a non-negative number below 2^63"},
    {false, "struct", "{" STRUCT_OK ", \"sz\": 18446744073709543424}",
     "Parameter 'sz' expects a non-negative number below 2^63"},
    {false, "struct", "{" STRUCT_OK ", \"sz\": 1.5e19}",
     "Parameter 'sz' expects a non-negative number below 2^63"},
    {false, "struct", "{" STRUCT_OK ", \"sz\": 1.5}",
     "Parameter 'sz' expects uint64"},
    {false, "struct", "{" STRUCT_OK ", \"num\": \"1\"}",
     "Invalid parameter type for 'num', expected: number"},
    {false, "struct", "{" STRUCT_OK ", \"flag\": 1}",
     "Invalid parameter type for 'flag', expected: boolean"},
    {false, "struct", "{" STRUCT_OK ", \"kind\": \"nope\"}",
     "Parameter 'kind' does not accept value 'nope'"},
    {false, "struct", "{" STRUCT_OK ", \"opt-list\": {}}",
     "Invalid parameter type for 'opt-list', expected: array"},
    {false, "nested",
     "{\"inner\": {\"id\": \"a\", \"count\": true}, \"items\": [], "
     "\"kinds\": [], \"ints\": []}",
     "Invalid parameter type for 'inner.count', expected: integer"},
    {false, "nested",
     "{\"inner\": {\"id\": \"a\"}, \"items\": [{\"id\": \"b\"}, {}], "
     "\"kinds\": [], \"ints\": []}",
     "Parameter 'items[1].id' is missing"},
    {false, "nested",
     "{\"inner\": {\"id\": \"a\"}, \"items\": [{\"id\": \"b\", \"q\": 1}], "
     "\"kinds\": [], \"ints\": []}",
     "Parameter 'items[0].q' is unexpected"},
    {false, "nested",
     "{\"inner\": {\"id\": \"a\"}, \"items\": [], \"kinds\": [\"x\"], "
     "\"ints\": []}",
     "Parameter 'null' does not accept value 'x'"},
    {false, "nested",
     "{\"inner\": {\"id\": \"a\"}, \"items\": [], \"kinds\": [], "
     "\"ints\": [1, \"2\"]}",
     "Invalid parameter type for 'ints[1]', expected: integer"},
    {false, "nested",
     "{\"inner\": {\"id\": \"a\"}, \"items\": [], \"kinds\": [], "
     "\"ints\": [], \"alt\": 1.5}",
     "Invalid parameter type for 'alt', expected: integer"},
    {false, "nested",
     "{\"inner\": {\"id\": \"a\"}, \"items\": [], \"kinds\": [], "
     "\"ints\": [], \"alt\": {\"id\": 1}}",
     "Invalid parameter type for 'alt.id', expected: string"},
    {false, "union", "{\"kind\": \"number\", \"name\": \"n\"}",
     "Parameter 'value' is missing"},
    {false, "union", "{\"kind\": \"bogus\", \"name\": \"n\"}",
     "Parameter 'kind' does not accept value 'bogus'"},
    /* keyval mode */
    {true, "struct", "{" STRUCT_OK ", \"i64\": \"x\"}",
     "Parameter 'i64' expects integer"},
    {true, "struct", "{" STRUCT_OK ", \"u64\": \"1x\"}",
     "Parameter 'u64' expects integer"},
    {true, "struct", "{" STRUCT_OK ", \"sz\": \"1Q\"}",
     "Parameter 'sz' expects size"},
    {true, "struct", "{" STRUCT_OK ", \"sz\": \"-1\"}",
     "Parameter 'sz' expects size"},
    {true, "struct", "{" STRUCT_OK ", \"sz\": \"8E\"}",
     "Parameter 'sz' expects a non-negative number below 2^63"},
    {true, "struct", "{" STRUCT_OK ", \"sz\": \"9223372036854775808\"}",
     "Parameter 'sz' expects a non-negative number below 2^63"},
    {true, "struct", "{" STRUCT_OK ", \"flag\": \"maybe\"}",
     "Parameter 'flag' expects 'on' or 'off'"},
    {true, "struct", "{" STRUCT_OK ", \"num\": \"x\"}",
     "Parameter 'num' expects number"},
    {true, "struct", "{" STRUCT_OK ", \"u8\": \"300\"}",
     "Parameter 'u8' expects uint8_t"},
    {true, "nested",
     "{\"inner\": {\"id\": \"a\"}, \"items\": [], \"kinds\": [], "
     "\"ints\": [\"1\", \"z\"]}",
     "Parameter 'ints.1' expects integer"},
};

static bool visit_by_name(Visitor *v, const char *type, GError **errp)
{
    bool ok;

    if (!strcmp(type, "base")) {
        TestBase *obj = NULL;

        ok = visit_type_TestBase(v, NULL, &obj, errp);
        g_assert_true(ok == (obj != NULL));
        qapi_free_TestBase(obj);
    } else if (!strcmp(type, "struct")) {
        TestStruct *obj = NULL;

        ok = visit_type_TestStruct(v, NULL, &obj, errp);
        g_assert_true(ok == (obj != NULL));
        qapi_free_TestStruct(obj);
    } else if (!strcmp(type, "nested")) {
        TestNested *obj = NULL;

        ok = visit_type_TestNested(v, NULL, &obj, errp);
        g_assert_true(ok == (obj != NULL));
        qapi_free_TestNested(obj);
    } else {
        TestUnion *obj = NULL;

        ok = visit_type_TestUnion(v, NULL, &obj, errp);
        g_assert_true(ok == (obj != NULL));
        qapi_free_TestUnion(obj);
    }
    return ok;
}

static void test_errors(void)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(err_cases); i++) {
        const ErrCase *c = &err_cases[i];
        g_autoptr(JsonNode) node = parse(c->json);
        g_autoptr(GError) err = NULL;
        Visitor *v = c->keyval ? json_input_visitor_new_keyval(node)
                               : json_input_visitor_new(node);

        g_test_message("case %" G_GSIZE_FORMAT ": %s", i, c->json);
        g_assert_false(visit_by_name(v, c->type, &err));
        g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, c->error);
        visit_free(v);
    }
}

static void test_keyval(void)
{
    g_autoptr(JsonNode) node = parse(
        "{\"id\": \"x\", \"i8\": \"-5\", \"u8\": \"0x10\", \"i16\": \"1\", "
        "\"u16\": \"2\", \"i32\": \"3\", \"u32\": \"4\", \"i64\": \"5\", "
        "\"u64\": \"18446744073709551615\", \"sz\": \"1.5K\", \"num\": "
        "\"2.5\", \"flag\": \"on\", \"kind\": \"value2\", \"opt-bool\": "
        "\"no\", \"count\": 7}");
    g_autoptr(GError) err = NULL;
    g_autoptr(TestStruct) s = NULL;
    Visitor *v = json_input_visitor_new_keyval(node);

    g_assert_true(visit_type_TestStruct(v, NULL, &s, &err));
    g_assert_no_error(err);
    visit_free(v);
    g_assert_cmpint(s->i8, ==, -5);
    g_assert_cmpint(s->u8, ==, 16);
    g_assert_cmpuint(s->u64, ==, UINT64_MAX);
    g_assert_cmpuint(s->sz, ==, 1536);
    g_assert_cmpfloat(s->num, ==, 2.5);
    g_assert_true(s->flag);
    g_assert_cmpint(s->kind, ==, TEST_ENUM_VALUE2);
    g_assert_true(s->has_opt_bool);
    g_assert_false(s->opt_bool);
    g_assert_cmpint(s->count, ==, 7);
}

static void test_sizes(void)
{
    static const struct {
        const char *text;
        uint64_t value;
    } sizes[] = {
        {"0", 0},
        {"1", 1},
        {"1k", 1024},
        {"2M", 2u << 20},
        {"1G", 1u << 30},
        {"1T", (uint64_t)1 << 40},
        {"1E", (uint64_t)1 << 60},
        {"0.5K", 512},
        {"8B", 8},
    };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_autofree char *json = g_strdup_printf(
            "{\"text\": \"t\", \"size\": \"%s\"}", sizes[i].text);
        g_autoptr(JsonNode) node = parse(json);
        g_autoptr(TestTextBranch) t = NULL;
        Visitor *v = json_input_visitor_new_keyval(node);

        g_assert_true(visit_type_TestTextBranch(v, NULL, &t, NULL));
        visit_free(v);
        g_assert_cmpuint(t->size, ==, sizes[i].value);
    }
}

/* Sizes up to INT64_MAX pass, in both modes and both spellings. */
static void test_size_max(void)
{
    static const struct {
        bool keyval;
        const char *json;
        uint64_t value;
    } cases[] = {
        {false, "9223372036854775807", INT64_MAX},
        {true, "\"9223372036854775807\"", INT64_MAX},
        {true, "\"7.5E\"", G_GUINT64_CONSTANT(15) << 59},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(JsonNode) node = parse(cases[i].json);
        g_autoptr(GError) err = NULL;
        uint64_t value = 0;
        Visitor *v = cases[i].keyval ? json_input_visitor_new_keyval(node)
                                     : json_input_visitor_new(node);

        g_assert_true(visit_type_size(v, NULL, &value, &err));
        g_assert_no_error(err);
        visit_free(v);
        g_assert_cmpuint(value, ==, cases[i].value);
    }
}

/*
 * The keyval output visitor writes each scalar as the text the keyval
 * input visitor reads back unchanged, unsigned values above INT64_MAX
 * included (json-glib's int64 plays no part).
 */
static void test_keyval_output(void)
{
    g_autoptr(JsonNode) in = parse("{" STRUCT_OK "}");
    g_autoptr(TestStruct) s = NULL;
    g_autoptr(TestStruct) back = NULL;
    g_autoptr(JsonNode) tree = NULL;
    g_autoptr(GError) err = NULL;
    JsonObject *o;
    Visitor *v = json_input_visitor_new(in);

    g_assert_true(visit_type_TestStruct(v, NULL, &s, &err));
    g_assert_no_error(err);
    visit_free(v);
    s->i64 = INT64_MIN;
    s->u64 = UINT64_MAX - 1;
    s->sz = INT64_MAX;
    s->num = 0.1;
    s->flag = false;

    v = json_output_visitor_new_keyval(&tree);
    g_assert_true(visit_type_TestStruct(v, NULL, &s, &err));
    visit_complete(v, &tree);
    visit_free(v);
    o = json_node_get_object(tree);
    g_assert_cmpstr(json_object_get_string_member(o, "i64"), ==,
                    "-9223372036854775808");
    g_assert_cmpstr(json_object_get_string_member(o, "u64"), ==,
                    "18446744073709551614");
    g_assert_cmpstr(json_object_get_string_member(o, "sz"), ==,
                    "9223372036854775807");
    g_assert_cmpstr(json_object_get_string_member(o, "flag"), ==, "off");
    g_assert_cmpstr(json_object_get_string_member(o, "kind"), ==, "value-one");

    v = json_input_visitor_new_keyval(tree);
    g_assert_true(visit_type_TestStruct(v, NULL, &back, &err));
    g_assert_no_error(err);
    visit_free(v);
    g_assert_cmpint(back->i64, ==, INT64_MIN);
    g_assert_cmpuint(back->u64, ==, UINT64_MAX - 1);
    g_assert_cmpuint(back->sz, ==, INT64_MAX);
    g_assert_cmpfloat(back->num, ==, 0.1);
    g_assert_false(back->flag);
    g_assert_cmpint(back->u8, ==, 255);
    g_assert_cmpint(back->i8, ==, -128);
}

static void test_uint64_big(void)
{
    g_autoptr(JsonNode) node = parse("18446744073709551615");
    uint64_t value = 0;
    Visitor *v = json_input_visitor_new(node);

    g_assert_true(visit_type_uint64(v, NULL, &value, NULL));
    visit_free(v);
    g_assert_cmpuint(value, ==, UINT64_MAX);
}

/*
 * Values above INT64_MAX leave the output visitor as negative int64s
 * (json-glib has no unsigned integers) and must come back unchanged, in
 * strict mode and as keyval text.
 */
static void test_uint64_round_trip(void)
{
    static const uint64_t values[] = {
        0,
        1,
        INT64_MAX,
        (uint64_t)INT64_MAX + 1,
        G_GUINT64_CONSTANT(0xBFEBFBFF000306A9),
        UINT64_MAX - 1,
        UINT64_MAX,
    };

    for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
        uint64_t in = values[i], back = 0, back_text = 0;
        g_autoptr(JsonNode) out = NULL;
        g_autoptr(JsonNode) text_node = json_node_new(JSON_NODE_VALUE);
        g_autofree char *text = NULL;
        Visitor *v = json_output_visitor_new(&out);

        g_assert_true(visit_type_uint64(v, NULL, &in, NULL));
        visit_complete(v, &out);
        visit_free(v);

        v = json_input_visitor_new(out);
        g_assert_true(visit_type_uint64(v, NULL, &back, NULL));
        visit_free(v);
        g_assert_cmpuint(back, ==, values[i]);

        text = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(out));
        json_node_set_string(text_node, text);
        v = json_input_visitor_new_keyval(text_node);
        g_assert_true(visit_type_uint64(v, NULL, &back_text, NULL));
        visit_free(v);
        g_assert_cmpuint(back_text, ==, values[i]);
    }
}

static void test_alternate(void)
{
    static const struct {
        const char *json;
        QType type;
    } cases[] = {
        {"\"s\"", QTYPE_QSTRING},
        {"3", QTYPE_QNUM},
        {"true", QTYPE_QBOOL},
        {"null", QTYPE_QNULL},
        {"{\"id\": \"o\"}", QTYPE_QDICT},
        {"[1, 2]", QTYPE_QLIST},
    };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(JsonNode) node = parse(cases[i].json);
        g_autoptr(JsonNode) out = NULL;
        g_autoptr(TestAlt) alt = NULL;
        g_autofree char *in_text = to_text(node);
        g_autofree char *out_text = NULL;
        Visitor *v = json_input_visitor_new(node);

        g_assert_true(visit_type_TestAlt(v, NULL, &alt, NULL));
        visit_free(v);
        g_assert_cmpint(alt->type, ==, cases[i].type);
        v = json_output_visitor_new(&out);
        visit_type_TestAlt(v, NULL, &alt, NULL);
        visit_complete(v, &out);
        visit_free(v);
        out_text = to_text(out);
        g_assert_cmpstr(out_text, ==, in_text);
    }
}

static void test_alternate_keyval(void)
{
    g_autoptr(JsonNode) node = parse("\"2.5\"");
    g_autoptr(TestNumAlt) alt = NULL;
    Visitor *v = json_input_visitor_new_keyval(node);

    g_assert_true(visit_type_TestNumAlt(v, NULL, &alt, NULL));
    visit_free(v);
    g_assert_cmpint(alt->type, ==, QTYPE_QNUM);
    g_assert_cmpfloat(alt->u.num, ==, 2.5);
}

static void test_lists(void)
{
    g_autoptr(strList) list = NULL;
    g_autoptr(intList) ints = NULL;
    strList *e;
    intList **tail = &ints;
    int n = 0;

    QAPI_LIST_PREPEND(list, g_strdup("b"));
    QAPI_LIST_PREPEND(list, g_strdup("a"));
    QAPI_LIST_FOR_EACH (e, list) {
        n++;
    }
    g_assert_cmpint(n, ==, 2);
    g_assert_cmpstr(list->value, ==, "a");
    QAPI_LIST_APPEND(tail, 1);
    QAPI_LIST_APPEND(tail, 2);
    g_assert_cmpint(ints->next->value, ==, 2);
    g_assert_cmpuint(QAPI_LIST_LENGTH(ints), ==, 2);
}

static void test_enum(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_cmpstr(TestEnum_str(TEST_ENUM_VALUE_ONE), ==, "value-one");
    g_assert_cmpint(qapi_enum_parse(&TestEnum_lookup, "old", -1, NULL), ==,
                    TEST_ENUM_OLD);
    g_assert_cmpint(qapi_enum_parse(&TestEnum_lookup, "x", -1, &err), ==, -1);
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "Invalid parameter 'x'");
    g_assert_cmpint(TestEnum_lookup.features[TEST_ENUM_OLD], ==,
                    QAPI_FEATURE_DEPRECATED);
    g_assert_cmpint(TP_A, ==, 0);
    g_assert_cmpint(TEST_ENUM__MAX, ==, 3);
}

static void test_member_table(void)
{
    g_assert_true(qapi_member_has_feature(TestStruct_members, "clock",
                                          QAPI_FEATURE_HOST_LOCAL));
    g_assert_false(qapi_member_has_feature(TestStruct_members, "id",
                                           QAPI_FEATURE_HOST_LOCAL));
    g_assert_true(qapi_member_has_feature(TestStruct_members, "opt-any",
                                          QAPI_FEATURE_UNSTABLE));
    g_assert_true(qapi_member_info_find(TestStruct_members, "count")->optional);
    g_assert_null(qapi_member_info_find(TestStruct_members, "nope"));
}

static void test_union(void)
{
    g_autoptr(JsonNode) node =
        parse("{\"kind\": \"text\", \"name\": \"n\", \"text\": \"t\", "
              "\"size\": 3}");
    g_autoptr(TestUnion) u = NULL;
    g_autoptr(TestUnion) copy = NULL;
    Visitor *v = json_input_visitor_new(node);

    g_assert_true(visit_type_TestUnion(v, NULL, &u, NULL));
    visit_free(v);
    g_assert_cmpint(u->kind, ==, TEST_KIND_TEXT);
    g_assert_cmpstr(u->u.text.text, ==, "t");
    g_assert_cmpuint(u->u.text.size, ==, 3);
    copy = QAPI_CLONE(TestUnion, u);
    g_assert_cmpstr(copy->u.text.text, ==, "t");
    g_assert_true(copy->u.text.text != u->u.text.text);
    g_assert_null(QAPI_CLONE(TestUnion, NULL));
}

/*
 * A union branch that is itself a union: the inner union's members,
 * discriminator included, are read from and written to the outer object.
 */
static void test_union_in_union(void)
{
    g_autoptr(JsonNode) node =
        parse("{\"carrier\": \"flat\", \"kind\": \"text\", "
              "\"name\": \"n\", \"text\": \"t\"}");
    g_autoptr(JsonNode) extra =
        parse("{\"carrier\": \"flat\", \"kind\": \"number\", "
              "\"name\": \"n\", \"value\": 1, \"text\": \"t\"}");
    g_autoptr(JsonNode) boxed =
        parse("{\"carrier\": \"boxed\", \"value\": \"7\"}");
    g_autoptr(TestUnionInUnion) u = NULL;
    g_autoptr(TestUnionInUnion) copy = NULL;
    g_autoptr(TestUnionInUnion) bad = NULL;
    g_autoptr(TestUnionInUnion) kv = NULL;
    g_autoptr(JsonNode) out = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *in_text = to_text(node);
    g_autofree char *out_text = NULL;
    Visitor *v = json_input_visitor_new(node);

    g_assert_true(visit_type_TestUnionInUnion(v, NULL, &u, &err));
    g_assert_no_error(err);
    visit_free(v);
    g_assert_cmpint(u->carrier, ==, TEST_CARRIER_FLAT);
    g_assert_cmpint(u->u.flat.kind, ==, TEST_KIND_TEXT);
    g_assert_cmpstr(u->u.flat.name, ==, "n");
    g_assert_cmpstr(u->u.flat.u.text.text, ==, "t");

    v = json_output_visitor_new(&out);
    g_assert_true(visit_type_TestUnionInUnion(v, NULL, &u, NULL));
    visit_complete(v, &out);
    visit_free(v);
    out_text = to_text(out);
    g_assert_cmpstr(out_text, ==, in_text);

    copy = QAPI_CLONE(TestUnionInUnion, u);
    g_assert_cmpstr(copy->u.flat.u.text.text, ==, "t");
    g_assert_true(copy->u.flat.u.text.text != u->u.flat.u.text.text);

    /* A member of another inner branch is not consumed. */
    v = json_input_visitor_new(extra);
    g_assert_false(visit_type_TestUnionInUnion(v, NULL, &bad, &err));
    visit_free(v);
    g_assert_null(bad);
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "Parameter 'text' is unexpected");

    /* Keyval text reaches the struct branch's typed member. */
    v = json_input_visitor_new_keyval(boxed);
    g_assert_true(visit_type_TestUnionInUnion(v, NULL, &kv, NULL));
    visit_free(v);
    g_assert_cmpint(kv->carrier, ==, TEST_CARRIER_BOXED);
    g_assert_cmpint(kv->u.boxed.value, ==, 7);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/visit/struct-roundtrip", test_struct_roundtrip);
    g_test_add_func("/qapi/visit/errors", test_errors);
    g_test_add_func("/qapi/visit/keyval", test_keyval);
    g_test_add_func("/qapi/visit/sizes", test_sizes);
    g_test_add_func("/qapi/visit/size-max", test_size_max);
    g_test_add_func("/qapi/visit/keyval-output", test_keyval_output);
    g_test_add_func("/qapi/visit/uint64-big", test_uint64_big);
    g_test_add_func("/qapi/visit/uint64-round-trip", test_uint64_round_trip);
    g_test_add_func("/qapi/visit/alternate", test_alternate);
    g_test_add_func("/qapi/visit/alternate-keyval", test_alternate_keyval);
    g_test_add_func("/qapi/visit/lists", test_lists);
    g_test_add_func("/qapi/visit/enum", test_enum);
    g_test_add_func("/qapi/visit/member-table", test_member_table);
    g_test_add_func("/qapi/visit/union", test_union);
    g_test_add_func("/qapi/visit/union-in-union", test_union_in_union);
    return g_test_run();
}
