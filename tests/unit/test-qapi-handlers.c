/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command handlers of the positive test schema
 * (tests/qapi-schema/qapi-schema-test.json), for test-qapi-dispatch.
 */

#include "prelude.h"

#include "qapi/clone.h"
#include "qapi/json-input-visitor.h"
#include "test-qapi-commands.h"
#include "test-qapi-visit.h"
#include "util/error.h"

TestIncluded *qmp_test_included(GError **errp)
{
    TestIncluded *ret = g_new0(TestIncluded, 1);

    ret->x = 7;
    return ret;
}

void qmp_test_simple(GError **errp)
{
}

TestBase *qmp_test_args(const char *path, bool has_count, int64_t count,
                        bool has_flag, bool flag, bool has_kind, TestEnum kind,
                        strList *names, TestNested *nested, GError **errp)
{
    TestBase *ret = g_new0(TestBase, 1);

    ret->id = g_strdup(path);
    ret->has_count = has_count;
    ret->count = count;
    if (nested) {
        ret->has_count = true;
        ret->count = nested->inner->count + 1000;
    }
    return ret;
}

TestBaseList *qmp_test_list(uint8_t n, GError **errp)
{
    TestBaseList *head = NULL;
    TestBaseList **tail = &head;
    unsigned i;

    for (i = 0; i < n; i++) {
        TestBase *b = g_new0(TestBase, 1);

        b->id = g_strdup_printf("item%u", i);
        QAPI_LIST_APPEND(tail, b);
    }
    return head;
}

int64_t qmp_test_int(GError **errp)
{
    return 42;
}

JsonNode *qmp_test_any(JsonNode *value, GError **errp)
{
    return json_node_copy(value);
}

char *qmp_test_boxed(TestUnion *arg, GError **errp)
{
    if (arg->kind == TEST_KIND_NUMBER) {
        return g_strdup_printf("%s:%" G_GINT64_FORMAT, arg->name,
                               arg->u.number.value);
    }
    if (arg->kind == TEST_KIND_TEXT) {
        return g_strdup_printf("%s:%s", arg->name, arg->u.text.text);
    }
    return g_strdup(arg->name);
}

void qmp_test_struct_args(const char *id, bool has_count, int64_t count,
                          GError **errp)
{
}

void qmp_test_fail(GError **errp)
{
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_DEVICE_NOT_FOUND, "test failure");
}

void qmp_test_preconfig_only(GError **errp)
{
}

void qmp_test_deprecated(GError **errp)
{
}

/* 'gen': false: the marshaller itself is hand-written */
void qmp_marshal_test_handwritten(JsonObject *args, JsonNode **ret,
                                  GError **errp)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_int(
        node, json_object_get_int_member_with_default(args, "x", -1) * 2);
    *ret = node;
}
