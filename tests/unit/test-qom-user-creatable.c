/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for user-creatable objects: object_add_from_json() and
 * object_del() with every error, and the memory backends.
 */

#include "prelude.h"

#include "qom/memory-backend.h"
#include "qom/object-property.h"
#include "qom/object-tree.h"
#include "qom/object.h"
#include "qom/user-creatable.h"
#include "util/error.h"

#define TYPE_TEST_PICKY "test-picky"

static bool picky_complete(Object *obj, GError **errp)
{
    g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "picky refuses to complete");
    return false;
}

static void picky_class_init(ObjectClass *klass, const void *data)
{
    USER_CREATABLE_CLASS(klass)->complete = picky_complete;
}

static const InterfaceInfo picky_interfaces[] = {
    {TYPE_USER_CREATABLE},
    {NULL},
};

static const TypeInfo picky_info = {
    .name = TYPE_TEST_PICKY,
    .parent = TYPE_OBJECT,
    .class_init = picky_class_init,
    .interfaces = picky_interfaces,
};

static JsonObject *props_from(const char *json)
{
    g_autoptr(JsonNode) node = json_from_string(json, NULL);

    g_assert_nonnull(node);
    return json_object_ref(json_node_get_object(node));
}

/* The names and types of /objects' children, to detect changes. */
static char *objects_listing(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    ObjectPropertyIterator iter;
    ObjectProperty *prop;

    object_property_iter_init(&iter, object_get_objects_root());
    while ((prop = object_property_iter_next(&iter))) {
        g_string_append_printf(out, "%s:%s ", prop->name, prop->type);
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static Object *add(const char *type, const char *id, const char *json)
{
    g_autoptr(JsonObject) props = props_from(json);
    g_autoptr(GError) err = NULL;
    Object *obj = object_add_from_json(type, id, props, &err);

    g_assert_no_error(err);
    g_assert_nonnull(obj);
    return obj;
}

static void test_add_ram(void)
{
    Object *obj = add(TYPE_MEMORY_BACKEND_RAM, "ram0",
                      "{\"size\": 1073741824, \"share\": true}");
    MemoryBackendInfo info;
    g_autofree char *path = object_get_canonical_path(obj);
    g_autofree char *listing = objects_listing();

    g_assert_cmpstr(path, ==, "/objects/ram0");
    g_assert_cmpstr(listing, ==, "ram0:child<memory-backend-ram> type:string ");
    g_assert_true(memory_backend_get_info(obj, &info));
    g_assert_cmpint(info.kind, ==, MEMORY_BACKEND_KIND_RAM);
    g_assert_cmpuint(info.size, ==, 1073741824);
    g_assert_true(info.share);
    g_assert_true(info.merge);
    g_assert_false(info.seal);
    g_assert_true(memory_backend_is_complete(obj));
    g_assert_cmpuint(object_property_get_uint(obj, "size", NULL), ==,
                     1073741824);
    g_assert_false(memory_backend_get_info(object_get_root(), &info));
    object_root_reset();
}

static void test_add_memfd(void)
{
    Object *obj = add(TYPE_MEMORY_BACKEND_MEMFD, "mem.fd-1",
                      "{\"size\": 4096, \"hugetlb\": true, "
                      "\"hugetlbsize\": 2097152}");
    MemoryBackendInfo info;

    g_assert_true(memory_backend_get_info(obj, &info));
    g_assert_cmpint(info.kind, ==, MEMORY_BACKEND_KIND_MEMFD);
    g_assert_cmpuint(info.size, ==, 4096);
    /* QEMU's memfd defaults */
    g_assert_true(info.share);
    g_assert_true(info.seal);
    g_assert_true(info.hugetlb);
    g_assert_cmpuint(info.hugetlbsize, ==, 2097152);
    object_root_reset();
}

static void test_add_errors(void)
{
    static const struct {
        const char *type;
        const char *id;
        const char *props;
        const char *error;
    } cases[] = {
        {TYPE_MEMORY_BACKEND_RAM, "0bad", "{\"size\": 1}",
         "Parameter 'id' expects an identifier"},
        {TYPE_MEMORY_BACKEND_RAM, "", "{\"size\": 1}",
         "Parameter 'id' expects an identifier"},
        {"nope", "x", "{}", "invalid object type: nope"},
        {TYPE_CONTAINER, "x", "{}",
         "object type 'container' isn't supported by object-add"},
        {TYPE_MEMORY_BACKEND, "x", "{}",
         "object type 'memory-backend' is abstract"},
        {TYPE_USER_CREATABLE, "x", "{}",
         "object type 'user-creatable' is abstract"},
        {TYPE_MEMORY_BACKEND_RAM, "x", "{\"size\": 1, \"foo\": 1}",
         "Parameter 'foo' is unexpected"},
        {TYPE_MEMORY_BACKEND_RAM, "x", "{\"size\": \"1G\"}",
         "Parameter 'size' expects uint64"},
        {TYPE_MEMORY_BACKEND_RAM, "x", "{\"size\": 0}",
         "property 'size' of memory-backend-ram doesn't take value '0'"},
        {TYPE_MEMORY_BACKEND_RAM, "x", "{}",
         "can't create backend with size 0"},
        {TYPE_MEMORY_BACKEND_MEMFD, "x", "{\"share\": false}",
         "can't create backend with size 0"},
        {TYPE_MEMORY_BACKEND_RAM, "x", "{\"size\": 1, \"share\": \"on\"}",
         "Invalid parameter type for 'share', expected: boolean"},
        {TYPE_MEMORY_BACKEND_MEMFD, "x", "{\"size\": 1, \"hugetlbsize\": 0}",
         "Property 'memory-backend-memfd.hugetlbsize' doesn't take value "
         "'0'"},
        {TYPE_MEMORY_BACKEND_RAM, "x", "{\"size\": 1, \"type\": \"x\"}",
         "Insufficient permission to perform this operation"},
        {TYPE_MEMORY_BACKEND_RAM, "taken", "{\"size\": 1}",
         "attempt to add duplicate property 'taken' to object (type "
         "'container')"},
        {TYPE_TEST_PICKY, "x", "{}", "picky refuses to complete"},
    };

    add(TYPE_MEMORY_BACKEND_RAM, "taken", "{\"size\": 1}");
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(JsonObject) props = props_from(cases[i].props);
        g_autoptr(GError) err = NULL;
        g_autofree char *before = objects_listing();
        g_autofree char *after = NULL;

        g_assert_null(
            object_add_from_json(cases[i].type, cases[i].id, props, &err));
        g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, cases[i].error);
        after = objects_listing();
        g_assert_cmpstr(after, ==, before);
    }
    object_root_reset();
}

static void test_del(void)
{
    Object *obj = add(TYPE_MEMORY_BACKEND_RAM, "ram0", "{\"size\": 4096}");
    g_autoptr(GError) err = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;

    g_assert_false(object_del("nope", &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "object 'nope' not found");
    g_clear_error(&err);

    memory_backend_set_mapped(obj, true);
    g_assert_true(memory_backend_is_mapped(obj));
    before = objects_listing();
    g_assert_false(object_del("ram0", &err));
    g_assert_cmpstr(err->message, ==,
                    "object 'ram0' is in use, can not be deleted");
    after = objects_listing();
    g_assert_cmpstr(after, ==, before);
    g_clear_error(&err);

    memory_backend_set_mapped(obj, false);
    g_assert_true(object_del("ram0", &err));
    g_assert_no_error(err);
    g_assert_null(object_resolve_path("/objects/ram0", NULL));
    g_assert_false(object_del("ram0", &err));
    g_assert_cmpstr(err->message, ==, "object 'ram0' not found");
    object_root_reset();
}

static void test_frozen_after_complete(void)
{
    Object *obj = add(TYPE_MEMORY_BACKEND_MEMFD, "m", "{\"size\": 4096}");
    static const struct {
        const char *prop;
        const char *json;
        const char *error; /* NULL: still allowed */
    } cases[] = {
        {"size", "8192",
         "cannot change property size of "
         "memory-backend-memfd "},
        {"share", "false", "cannot change property value"},
        {"reserve", "false", "cannot change property value"},
        {"hugetlbsize", "4096", "cannot change property value"},
        {"merge", "false", NULL},
        {"seal", "false", NULL},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(JsonNode) value = json_from_string(cases[i].json, NULL);
        g_autoptr(JsonNode) old = object_property_get(obj, cases[i].prop, NULL);
        g_autoptr(JsonNode) now = NULL;
        g_autoptr(GError) err = NULL;
        bool ok = object_property_set(obj, cases[i].prop, value, &err);

        now = object_property_get(obj, cases[i].prop, NULL);
        if (cases[i].error) {
            g_assert_false(ok);
            g_assert_cmpstr(err->message, ==, cases[i].error);
            g_assert_true(json_node_equal(old, now));
        } else {
            g_assert_no_error(err);
            g_assert_true(json_node_equal(value, now));
        }
    }
    object_root_reset();
}

static void test_id_wellformed(void)
{
    static const struct {
        const char *id;
        bool ok;
    } cases[] = {
        {"a", true},    {"ram0", true},  {"a-b.c_d", true},   {"Z9", true},
        {"", false},    {"0a", false},   {"_a", false},       {"a b", false},
        {"a/b", false}, {"a[0]", false}, {"\xc3\xa9", false},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_assert_cmpint(id_wellformed(cases[i].id), ==, cases[i].ok);
    }
}

static void test_creatable_types(void)
{
    g_autoptr(GPtrArray) list =
        object_class_get_list(TYPE_USER_CREATABLE, false);
    g_autoptr(GString) names = g_string_new(NULL);

    for (guint i = 0; i < list->len; i++) {
        g_string_append_printf(
            names, "%s ", object_class_get_name(g_ptr_array_index(list, i)));
    }
    /* memory-backend-file is listed although completing one fails. */
    g_assert_cmpstr(names->str, ==,
                    "memory-backend-file memory-backend-memfd "
                    "memory-backend-ram secret test-picky ");
}

/* memory-backend-file is described, but no object of it can come to be. */
static void test_file_backend_refused(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonObject) props = json_object_new();

    json_object_set_int_member(props, "size", 1 << 20);
    json_object_set_string_member(props, "mem-path", "/dev/shm/x");
    g_assert_null(
        object_add_from_json("memory-backend-file", "f0", props, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_true(g_str_has_prefix(err->message,
                                   "'memory-backend-file' is not supported"));
    g_assert_null(object_resolve_path("/objects/f0", NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    type_register_static(&picky_info);

    g_test_add_func("/qom/user-creatable/add-ram", test_add_ram);
    g_test_add_func("/qom/user-creatable/add-memfd", test_add_memfd);
    g_test_add_func("/qom/user-creatable/add-errors", test_add_errors);
    g_test_add_func("/qom/user-creatable/del", test_del);
    g_test_add_func("/qom/user-creatable/frozen-after-complete",
                    test_frozen_after_complete);
    g_test_add_func("/qom/user-creatable/id-wellformed", test_id_wellformed);
    g_test_add_func("/qom/user-creatable/creatable-types",
                    test_creatable_types);
    g_test_add_func("/qom/user-creatable/file-backend-refused",
                    test_file_backend_refused);
    return g_test_run();
}
