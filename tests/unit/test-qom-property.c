/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for object properties: every typed helper with every error
 * text, read-only and write-only properties, duplicates, deletion,
 * defaults and the iteration order.
 */

#include "prelude.h"

#include <string.h>

#include "qom/object-property.h"
#include "qom/object.h"
#include "util/error.h"
#include "util/json-writer.h"

#define TYPE_TEST_PROPS "test-props"

typedef struct TestProps {
    Object parent_obj;
    bool flag;
    char *name;
    int mode;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int64_t i64;
    uint32_t ro_u32;
    JsonNode *topology; /* a "TestTopology" struct value */
    int mode_seen_by_init;
} TestProps;

static const char *const mode_lookup[] = {"off", "on", "auto", NULL};

static TestProps *props_of(Object *obj)
{
    return OBJECT_CHECK(TestProps, obj, TYPE_TEST_PROPS);
}

static bool flag_get(Object *obj, GError **errp)
{
    return props_of(obj)->flag;
}

static bool flag_set(Object *obj, bool value, GError **errp)
{
    props_of(obj)->flag = value;
    return true;
}

static char *name_get(Object *obj, GError **errp)
{
    return g_strdup(props_of(obj)->name);
}

static bool name_set(Object *obj, const char *value, GError **errp)
{
    if (strchr(value, '/')) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "'%s' is not a valid name", value);
        return false;
    }
    g_free(props_of(obj)->name);
    props_of(obj)->name = g_strdup(value);
    return true;
}

static int mode_get(Object *obj, GError **errp)
{
    return props_of(obj)->mode;
}

static bool mode_set(Object *obj, int value, GError **errp)
{
    props_of(obj)->mode = value;
    return true;
}

/*
 * A property whose type is a structure, the way the machine's "smp"
 * property works: the whole object is replaced, after validation.
 */
static JsonNode *topology_get(Object *obj, ObjectProperty *prop, GError **errp)
{
    return json_node_copy(props_of(obj)->topology);
}

static bool topology_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                         GError **errp)
{
    TestProps *tp = props_of(obj);
    JsonObject *o;

    if (!JSON_NODE_HOLDS_OBJECT(value)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: object",
                    prop->name);
        return false;
    }
    o = json_node_get_object(value);
    if (json_object_has_member(o, "cpus") &&
        json_object_get_int_member(o, "cpus") <= 0) {
        g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "Invalid CPU topology: CPU topology parameters "
                            "must be greater than zero");
        return false;
    }
    json_node_unref(tp->topology);
    tp->topology = json_node_copy(value);
    return true;
}

static void props_init(Object *obj)
{
    TestProps *tp = props_of(obj);

    /* class defaults are in place before instance_init runs */
    tp->mode_seen_by_init = tp->mode;
    tp->name = g_strdup("initial");
    tp->topology = json_from_string("{\"cpus\": 1}", NULL);
    object_property_add_uint8(obj, "u8", &tp->u8, OBJ_PROP_FLAG_READWRITE);
    object_property_add_uint16(obj, "u16", &tp->u16, OBJ_PROP_FLAG_READWRITE);
    object_property_add_uint32(obj, "u32", &tp->u32, OBJ_PROP_FLAG_READWRITE);
    object_property_add_uint64(obj, "u64", &tp->u64, OBJ_PROP_FLAG_READWRITE);
    object_property_add_int(obj, "i64", &tp->i64, OBJ_PROP_FLAG_READWRITE);
    object_property_add_uint32(obj, "ro-u32", &tp->ro_u32, OBJ_PROP_FLAG_READ);
    object_property_add(obj, "topology", "TestTopology", topology_get,
                        topology_set, NULL, NULL, NULL);
}

static void props_finalize(Object *obj)
{
    TestProps *tp = props_of(obj);

    g_free(tp->name);
    json_node_unref(tp->topology);
}

static void props_class_init(ObjectClass *klass, const void *data)
{
    object_property_set_description(
        object_class_property_add_bool(klass, "flag", flag_get, flag_set),
        "A flag");
    object_class_property_add_str(klass, "name", name_get, name_set);
    object_property_set_default_str(
        object_class_property_add_enum(klass, "mode", "OnOffAuto", mode_lookup,
                                       mode_get, mode_set),
        "auto");
    object_class_property_add_bool(klass, "ro-flag", flag_get, NULL);
    object_class_property_add_bool(klass, "wo-flag", NULL, flag_set);
}

static const TypeInfo props_info = {
    .name = TYPE_TEST_PROPS,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(TestProps),
    .instance_init = props_init,
    .instance_finalize = props_finalize,
    .class_init = props_class_init,
};

/* Every readable property of @obj as one JSON text, to detect changes. */
static char *snapshot(Object *obj)
{
    g_autoptr(GString) out = g_string_new(NULL);
    ObjectPropertyIterator iter;
    ObjectProperty *prop;

    object_property_iter_init(&iter, obj);
    while ((prop = object_property_iter_next(&iter))) {
        g_autoptr(JsonNode) value = NULL;
        g_autofree char *text = NULL;

        if (!prop->get) {
            continue;
        }
        value = object_property_get(obj, prop->name, NULL);
        g_assert_nonnull(value);
        text = json_writer_to_string(value);
        g_string_append_printf(out, "%s=%s;", prop->name, text);
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static char *get_text(Object *obj, const char *name)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) value = object_property_get(obj, name, &err);

    g_assert_no_error(err);
    return json_writer_to_string(value);
}

static void test_set_table(void)
{
    static const struct {
        const char *prop;
        const char *json;
        const char *error;    /* NULL: accepted */
        const char *readback; /* NULL: same as json */
    } cases[] = {
        {"flag", "true", NULL, NULL},
        {"flag", "1", "Invalid parameter type for 'flag', expected: boolean"},
        {"flag", "\"on\"",
         "Invalid parameter type for 'flag', expected: "
         "boolean"},
        {"flag", "null",
         "Invalid parameter type for 'flag', expected: "
         "boolean"},
        {"name", "\"rex\"", NULL, NULL},
        {"name", "\"\"", NULL, NULL},
        {"name", "\"h\\u00e9\"", NULL, NULL},
        {"name", "5", "Invalid parameter type for 'name', expected: string"},
        {"name", "[]", "Invalid parameter type for 'name', expected: string"},
        {"name", "\"a/b\"", "'a/b' is not a valid name"},
        {"mode", "\"on\"", NULL, NULL},
        {"mode", "\"bogus\"",
         "Parameter 'mode' does not accept value "
         "'bogus'"},
        {"mode", "1", "Invalid parameter type for 'mode', expected: string"},
        {"u8", "255", NULL, NULL},
        {"u8", "0", NULL, NULL},
        {"u8", "256", "Parameter 'u8' expects uint8"},
        {"u8", "-1", "Parameter 'u8' expects uint8"},
        {"u8", "\"1\"", "Parameter 'u8' expects uint64"},
        {"u8", "1.5", "Parameter 'u8' expects uint64"},
        {"u16", "65535", NULL, NULL},
        {"u16", "65536", "Parameter 'u16' expects uint16"},
        {"u32", "4294967295", NULL, NULL},
        {"u32", "4294967296", "Parameter 'u32' expects uint32"},
        {"u32", "true", "Parameter 'u32' expects uint64"},
        {"u64", "9223372036854775807", NULL, NULL},
        {"u64", "{}", "Parameter 'u64' expects uint64"},
        {"i64", "-9223372036854775808", NULL, NULL},
        {"i64", "42", NULL, NULL},
        {"i64", "1.0", "Invalid parameter type for 'i64', expected: integer"},
        {"i64", "\"42\"",
         "Invalid parameter type for 'i64', expected: "
         "integer"},
        {"ro-u32", "5", "Insufficient permission to perform this operation"},
        {"ro-flag", "true",
         "Insufficient permission to perform this "
         "operation"},
        {"nope", "1", "Property 'test-props.nope' not found"},
        {"topology", "{\"cpus\": 4, \"cores\": 2}", NULL, NULL},
        {"topology", "{\"cpus\": 0}",
         "Invalid CPU topology: CPU topology "
         "parameters must be greater than zero"},
        {"topology", "4",
         "Invalid parameter type for 'topology', expected: "
         "object"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(Object) obj = object_new(TYPE_TEST_PROPS);
        g_autoptr(JsonNode) value = json_from_string(cases[i].json, NULL);
        g_autoptr(GError) err = NULL;
        g_autofree char *before = snapshot(obj);
        bool ok;

        g_assert_nonnull(value);
        ok = object_property_set(obj, cases[i].prop, value, &err);
        if (cases[i].error) {
            g_autofree char *after = snapshot(obj);

            g_assert_false(ok);
            g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
            g_assert_cmpstr(err->message, ==, cases[i].error);
            g_assert_cmpstr(after, ==, before);
        } else {
            g_autofree char *back = NULL;
            g_autofree char *expected = json_writer_to_string(value);

            g_assert_no_error(err);
            g_assert_true(ok);
            back = get_text(obj, cases[i].prop);
            g_assert_cmpstr(back, ==,
                            cases[i].readback ? cases[i].readback : expected);
        }
    }
}

static void test_uint64_wraps(void)
{
    g_autoptr(Object) obj = object_new(TYPE_TEST_PROPS);
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) minus_one = json_from_string("-1", NULL);
    g_autoptr(JsonNode) max = json_from_string("18446744073709551615", NULL);

    /* QEMU accepts negative numbers for uint64 and wraps them */
    g_assert_true(object_property_set(obj, "u64", minus_one, &err));
    g_assert_no_error(err);
    g_assert_true(props_of(obj)->u64 == UINT64_MAX);
    props_of(obj)->u64 = 0;
    g_assert_true(object_property_set(obj, "u64", max, &err));
    g_assert_true(props_of(obj)->u64 == UINT64_MAX);
    /*
     * Above INT64_MAX values travel as doubles: exact where a double is
     * (multiples of 2048 there), rounded otherwise, saturating at the top.
     */
    g_assert_true(object_property_set_uint(obj, "u64",
                                           UINT64_C(0x8000000000000800), &err));
    g_assert_no_error(err);
    g_assert_true(props_of(obj)->u64 == UINT64_C(0x8000000000000800));
    g_assert_true(object_property_get_uint(obj, "u64", &err) ==
                  UINT64_C(0x8000000000000800));
    g_assert_true(object_property_set_uint(obj, "u64", UINT64_MAX - 1, &err));
    g_assert_true(object_property_get_uint(obj, "u64", &err) == UINT64_MAX);
    g_assert_no_error(err);
}

static void test_get_errors(void)
{
    g_autoptr(Object) obj = object_new(TYPE_TEST_PROPS);
    static const struct {
        const char *prop;
        const char *error;
    } cases[] = {
        {"wo-flag", "Insufficient permission to perform this operation"},
        {"nope", "Property 'test-props.nope' not found"},
        {"", "Property 'test-props.' not found"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;

        g_assert_null(object_property_get(obj, cases[i].prop, &err));
        g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, cases[i].error);
    }
}

static void test_typed_access(void)
{
    g_autoptr(Object) obj = object_new(TYPE_TEST_PROPS);
    g_autoptr(GError) err = NULL;
    g_autofree char *name = NULL;

    g_assert_true(object_property_set_bool(obj, "flag", true, &err));
    g_assert_true(object_property_get_bool(obj, "flag", &err));
    g_assert_true(object_property_set_str(obj, "name", "rex", &err));
    name = object_property_get_str(obj, "name", &err);
    g_assert_cmpstr(name, ==, "rex");
    g_assert_true(object_property_set_int(obj, "i64", -7, &err));
    g_assert_cmpint(object_property_get_int(obj, "i64", &err), ==, -7);
    g_assert_true(object_property_set_uint(obj, "u16", 700, &err));
    g_assert_cmpuint(object_property_get_uint(obj, "u16", &err), ==, 700);
    g_assert_no_error(err);

    g_assert_null(object_property_get_str(obj, "flag", &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "Invalid parameter type for 'flag', expected: string");
    g_clear_error(&err);
    g_assert_cmpint(object_property_get_int(obj, "name", &err), ==, 0);
    g_assert_cmpstr(err->message, ==,
                    "Invalid parameter type for 'name', expected: integer");
    g_clear_error(&err);
    g_assert_false(object_property_get_bool(obj, "u8", &err));
    g_assert_cmpstr(err->message, ==,
                    "Invalid parameter type for 'u8', expected: boolean");
    g_clear_error(&err);
    g_assert_false(object_property_set_int(obj, "u8", 300, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'u8' expects uint8");
    g_assert_cmpuint(props_of(obj)->u8, ==, 0);
}

static void test_parse_int_kinds(void)
{
    static const struct {
        int64_t min, max;
        const char *kind;
        const char *json;
        const char *error;
    } cases[] = {
        {INT8_MIN, INT8_MAX, "int8", "-128", NULL},
        {INT8_MIN, INT8_MAX, "int8", "-129", "Parameter 'x' expects int8"},
        {INT8_MIN, INT8_MAX, "int8", "128", "Parameter 'x' expects int8"},
        {INT32_MIN, INT32_MAX, "int32", "2147483648",
         "Parameter 'x' expects int32"},
        {INT32_MIN, INT32_MAX, "int32", "false",
         "Invalid parameter type for 'x', expected: integer"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(JsonNode) value = json_from_string(cases[i].json, NULL);
        g_autoptr(GError) err = NULL;
        int64_t out = 99;
        bool ok = object_property_parse_int(
            "x", value, cases[i].min, cases[i].max, cases[i].kind, &out, &err);

        if (cases[i].error) {
            g_assert_false(ok);
            g_assert_cmpstr(err->message, ==, cases[i].error);
            g_assert_cmpint(out, ==, 99);
        } else {
            g_assert_true(ok);
            g_assert_cmpint(out, ==, g_ascii_strtoll(cases[i].json, NULL, 10));
        }
    }
}

static void test_duplicate(void)
{
    g_autoptr(Object) obj = object_new(TYPE_TEST_PROPS);
    static const char *const names[] = {"u8", "flag", "type"};

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autoptr(GError) err = NULL;
        g_autofree char *before = snapshot(obj);
        g_autofree char *after = NULL;
        g_autofree char *expected = g_strdup_printf(
            "attempt to add duplicate property '%s' to object (type "
            "'test-props')",
            names[i]);

        g_assert_null(object_property_add(obj, names[i], "int", NULL, NULL,
                                          NULL, NULL, &err));
        g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, expected);
        after = snapshot(obj);
        g_assert_cmpstr(after, ==, before);
    }

    g_test_expect_message("qmpd-qom", G_LOG_LEVEL_CRITICAL,
                          "attempt to add duplicate property 'u16' *");
    g_assert_null(object_property_add_bool(obj, "u16", flag_get, flag_set));
    g_test_assert_expected_messages();
}

static void test_auto_index(void)
{
    g_autoptr(Object) obj = object_new(TYPE_TEST_PROPS);
    static uint8_t slot;
    ObjectProperty *prop;

    for (int i = 0; i < 3; i++) {
        g_autofree char *expected = g_strdup_printf("slot[%d]", i);

        prop = object_property_add_uint8(obj, "slot[*]", &slot,
                                         OBJ_PROP_FLAG_READ);
        g_assert_cmpstr(prop->name, ==, expected);
    }
    g_assert_true(object_property_del(obj, "slot[1]", NULL));
    prop = object_property_add_uint8(obj, "slot[*]", &slot, OBJ_PROP_FLAG_READ);
    g_assert_cmpstr(prop->name, ==, "slot[1]");
}

static void test_delete(void)
{
    g_autoptr(Object) obj = object_new(TYPE_TEST_PROPS);
    static const char *const missing[] = {"u8", "flag", "nope"};
    g_autoptr(GError) err = NULL;

    g_assert_true(object_property_del(obj, "u8", &err));
    g_assert_no_error(err);
    g_assert_null(object_property_find(obj, "u8", NULL));
    for (size_t i = 0; i < G_N_ELEMENTS(missing); i++) {
        g_autofree char *expected =
            g_strdup_printf("Property 'test-props.%s' not found", missing[i]);
        g_autofree char *before = snapshot(obj);
        g_autofree char *after = NULL;

        g_clear_error(&err);
        g_assert_false(object_property_del(obj, missing[i], &err));
        g_assert_cmpstr(err->message, ==, expected);
        after = snapshot(obj);
        g_assert_cmpstr(after, ==, before);
    }
}

static void test_iteration_order(void)
{
    g_autoptr(Object) obj = object_new(TYPE_TEST_PROPS);
    g_autoptr(GString) names = g_string_new(NULL);
    ObjectPropertyIterator iter;
    ObjectProperty *prop;

    object_property_add_bool(obj, "late", flag_get, NULL);
    object_property_iter_init(&iter, obj);
    while ((prop = object_property_iter_next(&iter))) {
        g_string_append_printf(names, "%s:%s ", prop->name, prop->type);
    }
    g_assert_cmpstr(names->str, ==,
                    "u8:uint8 u16:uint16 u32:uint32 u64:uint64 i64:int "
                    "ro-u32:uint32 topology:TestTopology late:bool "
                    "flag:bool name:string mode:OnOffAuto ro-flag:bool "
                    "wo-flag:bool type:string ");

    g_string_truncate(names, 0);
    object_class_property_iter_init(&iter, object_get_class(obj));
    while ((prop = object_property_iter_next(&iter))) {
        g_string_append_printf(names, "%s ", prop->name);
    }
    g_assert_cmpstr(names->str, ==, "flag name mode ro-flag wo-flag type ");
}

static void test_description_default(void)
{
    g_autoptr(Object) obj = object_new(TYPE_TEST_PROPS);
    g_autoptr(GError) err = NULL;
    ObjectProperty *flag = object_property_find(obj, "flag", &err);
    ObjectProperty *mode =
        object_class_property_find(object_get_class(obj), "mode", &err);
    g_autofree char *mode_now = get_text(obj, "mode");
    ObjectProperty *type =
        object_class_property_find(object_get_class(obj), "type", &err);

    g_assert_no_error(err);
    g_assert_cmpstr(flag->description, ==, "A flag");
    g_assert_null(mode->description);
    g_assert_cmpstr(json_node_get_string(mode->defval), ==, "auto");
    g_assert_cmpstr(mode_now, ==, "\"auto\"");
    g_assert_cmpint(props_of(obj)->mode_seen_by_init, ==, 2);
    /* "type" comes from the "object" class */
    g_assert_nonnull(type);
    g_assert_null(
        object_class_property_find(object_get_class(obj), "u8", &err));
    g_assert_cmpstr(err->message, ==, "Property 'test-props.u8' not found");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    type_register_static(&props_info);

    g_test_add_func("/qom/property/set-table", test_set_table);
    g_test_add_func("/qom/property/uint64-wraps", test_uint64_wraps);
    g_test_add_func("/qom/property/get-errors", test_get_errors);
    g_test_add_func("/qom/property/typed-access", test_typed_access);
    g_test_add_func("/qom/property/parse-int-kinds", test_parse_int_kinds);
    g_test_add_func("/qom/property/duplicate", test_duplicate);
    g_test_add_func("/qom/property/auto-index", test_auto_index);
    g_test_add_func("/qom/property/delete", test_delete);
    g_test_add_func("/qom/property/iteration-order", test_iteration_order);
    g_test_add_func("/qom/property/description-default",
                    test_description_default);
    return g_test_run();
}
