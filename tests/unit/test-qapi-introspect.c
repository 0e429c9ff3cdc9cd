/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Introspection data is well formed: it reads back as SchemaInfo values,
 * names are unique, and every type it references has an entry.
 */

#include "prelude.h"

#include <string.h>

#include "qapi-commands.h"
#include "qapi-introspect.h"
#include "qapi-visit.h"
#include "qapi/json-input-visitor.h"
#include "test-qapi-introspect.h"

static const SchemaInfo *find(SchemaInfoList *list, const char *name)
{
    SchemaInfoList *e;

    QAPI_LIST_FOR_EACH (e, list) {
        if (!strcmp(e->value->name, name)) {
            return e->value;
        }
    }
    return NULL;
}

static void check_ref(SchemaInfoList *list, const char *name)
{
    g_test_message("reference %s", name);
    g_assert_nonnull(find(list, name));
}

static void check_schema(JsonNode *root)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(SchemaInfoList) list = NULL;
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    Visitor *v = json_input_visitor_new(root);
    SchemaInfoList *e;

    g_assert_true(visit_type_SchemaInfoList(v, NULL, &list, &err));
    g_assert_no_error(err);
    visit_free(v);
    g_assert_nonnull(list);
    QAPI_LIST_FOR_EACH (e, list) {
        SchemaInfo *info = e->value;
        SchemaInfoObjectMemberList *m;
        SchemaInfoObjectVariantList *var;
        SchemaInfoAlternateMemberList *am;

        g_assert_false(g_hash_table_contains(names, info->name));
        g_hash_table_add(names, info->name);
        switch (info->meta_type) {
        case SCHEMA_META_TYPE_COMMAND:
            check_ref(list, info->u.command.arg_type);
            check_ref(list, info->u.command.ret_type);
            g_assert_true(!info->u.command.has_allow_oob ||
                          info->u.command.allow_oob);
            break;
        case SCHEMA_META_TYPE_EVENT:
            check_ref(list, info->u.event.arg_type);
            break;
        case SCHEMA_META_TYPE_ARRAY:
            check_ref(list, info->u.array.element_type);
            break;
        case SCHEMA_META_TYPE_OBJECT:
            QAPI_LIST_FOR_EACH (m, info->u.object.members) {
                check_ref(list, m->value->type);
                g_assert_true(!m->value->q_default ||
                              JSON_NODE_HOLDS_NULL(m->value->q_default));
            }
            QAPI_LIST_FOR_EACH (var, info->u.object.variants) {
                check_ref(list, var->value->type);
            }
            break;
        case SCHEMA_META_TYPE_ALTERNATE:
            QAPI_LIST_FOR_EACH (am, info->u.alternate.members) {
                check_ref(list, am->value->type);
            }
            break;
        default:
            break;
        }
    }
}

static void test_test_schema(void)
{
    g_autoptr(JsonNode) root = test_qmp_schema_introspection();
    g_autoptr(GError) err = NULL;
    g_autoptr(SchemaInfoList) list = NULL;
    Visitor *v = json_input_visitor_new(root);
    const SchemaInfo *info;

    check_schema(root);
    g_assert_true(visit_type_SchemaInfoList(v, NULL, &list, &err));
    visit_free(v);
    /* the empty object type */
    info = find(list, "0");
    g_assert_nonnull(info);
    g_assert_cmpint(info->meta_type, ==, SCHEMA_META_TYPE_OBJECT);
    g_assert_null(info->u.object.members);
    info = find(list, "test-int");
    g_assert_true(info->u.command.has_allow_oob);
    g_assert_cmpstr(info->u.command.arg_type, ==, "0");
    g_assert_cmpstr(info->u.command.ret_type, ==, "int");
    info = find(list, "test-deprecated");
    g_assert_cmpstr(info->features->value, ==, "deprecated");
    info = find(list, "test-simple");
    g_assert_false(info->u.command.has_allow_oob);
    g_assert_null(info->features);
    /* sized integers are reported as int */
    g_assert_null(find(list, "uint8"));
    g_assert_nonnull(find(list, "int"));
    /* type names are masked */
    g_assert_null(find(list, "TestBase"));
    g_assert_nonnull(find(list, "TEST_EVENT"));
}

static void test_main_schema(void)
{
    g_autoptr(JsonNode) root = qmp_schema_introspection();

    check_schema(root);
}

static void test_marshal(void)
{
    g_autoptr(JsonObject) args = json_object_new();
    g_autoptr(GError) err = NULL;
    JsonNode *ret = NULL;

    qmp_marshal_query_qmp_schema(args, &ret, &err);
    g_assert_no_error(err);
    g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
    json_node_unref(ret);
    ret = NULL;
    json_object_set_int_member(args, "x", 1);
    qmp_marshal_query_qmp_schema(args, &ret, &err);
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "Parameter 'x' is unexpected");
    g_assert_null(ret);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/introspect/test-schema", test_test_schema);
    g_test_add_func("/qapi/introspect/main-schema", test_main_schema);
    g_test_add_func("/qapi/introspect/marshal", test_marshal);
    return g_test_run();
}
