/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands of the object model: qom-list, qom-get, qom-set,
 * qom-list-types, qom-list-properties, object-add and object-del.
 */

#include "prelude.h"

#include "qapi-commands.h"
#include "qapi/qmp-dispatch.h"
#include "qapi/util.h"
#include "qom/object-property.h"
#include "qom/object-tree.h"
#include "qom/object.h"
#include "qom/user-creatable.h"
#include "util/error.h"

static ObjectPropertyInfo *property_info_new(ObjectProperty *prop)
{
    ObjectPropertyInfo *info = g_new0(ObjectPropertyInfo, 1);

    info->name = g_strdup(prop->name);
    info->type = g_strdup(prop->type);
    info->description = g_strdup(prop->description);
    info->default_value = prop->defval ? json_node_copy(prop->defval) : NULL;
    return info;
}

static ObjectPropertyInfoList *property_info_list(ObjectPropertyIterator *iter)
{
    ObjectPropertyInfoList *list = NULL;
    ObjectPropertyInfoList **tail = &list;
    ObjectProperty *prop;

    while ((prop = object_property_iter_next(iter))) {
        QAPI_LIST_APPEND(tail, property_info_new(prop));
    }
    return list;
}

/* qom-get and qom-set treat an ambiguous path as a missing one (QEMU). */
static Object *resolve_or_fail(const char *path, GError **errp)
{
    Object *obj = object_resolve_path(path, NULL);

    if (!obj) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_DEVICE_NOT_FOUND,
                    "Device '%s' not found", path);
    }
    return obj;
}

ObjectPropertyInfoList *qmp_qom_list(const char *path, GError **errp)
{
    ObjectPropertyIterator iter;
    bool ambiguous;
    Object *obj = object_resolve_path(path, &ambiguous);

    if (!obj) {
        if (ambiguous) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Path '%s' is ambiguous", path);
        } else {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_DEVICE_NOT_FOUND,
                        "Device '%s' not found", path);
        }
        return NULL;
    }
    object_property_iter_init(&iter, obj);
    return property_info_list(&iter);
}

JsonNode *qmp_qom_get(const char *path, const char *property, GError **errp)
{
    Object *obj = resolve_or_fail(path, errp);

    return obj ? object_property_get(obj, property, errp) : NULL;
}

void qmp_qom_set(const char *path, const char *property, JsonNode *value,
                 GError **errp)
{
    Object *obj = resolve_or_fail(path, errp);

    if (obj) {
        object_property_set(obj, property, value, errp);
    }
}

ObjectTypeInfoList *qmp_qom_list_types(const char *implements,
                                       bool has_abstract, bool abstract,
                                       GError **errp)
{
    g_autoptr(GPtrArray) classes =
        object_class_get_list(implements, has_abstract && abstract);
    ObjectTypeInfoList *list = NULL;
    ObjectTypeInfoList **tail = &list;

    for (guint i = 0; i < classes->len; i++) {
        ObjectClass *klass = g_ptr_array_index(classes, i);
        ObjectClass *parent = object_class_get_parent(klass);
        ObjectTypeInfo *info = g_new0(ObjectTypeInfo, 1);

        info->name = g_strdup(object_class_get_name(klass));
        info->has_abstract = true;
        info->abstract = object_class_is_abstract(klass);
        info->parent = parent ? g_strdup(object_class_get_name(parent)) : NULL;
        QAPI_LIST_APPEND(tail, info);
    }
    return list;
}

ObjectPropertyInfoList *qmp_qom_list_properties(const char *typename,
                                                GError **errp)
{
    ObjectClass *klass = object_class_by_name(typename);
    g_autoptr(Object) obj = NULL;
    ObjectPropertyIterator iter;

    if (!klass) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_DEVICE_NOT_FOUND,
                    "Class '%s' not found", typename);
        return NULL;
    }
    if (!object_class_dynamic_cast(klass, TYPE_OBJECT)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter 'typename' expects %s", TYPE_OBJECT);
        return NULL;
    }
    if (object_class_is_abstract(klass)) {
        object_class_property_iter_init(&iter, klass);
    } else {
        /* instance_init may add properties, so ask a real instance */
        obj = object_new(typename);
        object_property_iter_init(&iter, obj);
    }
    return property_info_list(&iter);
}

/*
 * QEMU checks object-add arguments against the ObjectOptions union before
 * creating anything, so the type and id errors come in the QAPI input
 * visitor's words.
 */
static const char *take_str_arg(JsonObject *args, const char *name,
                                GError **errp)
{
    JsonNode *node = json_object_get_member(args, name);

    if (!node) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter '%s' is missing", name);
        return NULL;
    }
    if (!JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_STRING) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: string", name);
        return NULL;
    }
    return json_node_get_string(node);
}

static bool is_creatable_type(const char *qom_type)
{
    ObjectClass *klass = object_class_by_name(qom_type);

    return klass && !object_class_is_abstract(klass) &&
           object_class_dynamic_cast(klass, TYPE_USER_CREATABLE);
}

void qmp_marshal_object_add(JsonObject *args, JsonNode **ret, GError **errp)
{
    g_autoptr(JsonObject) props = json_object_new();
    g_autoptr(GList) members = NULL;
    const char *qom_type;
    const char *id;

    qom_type = take_str_arg(args, "qom-type", errp);
    if (!qom_type) {
        return;
    }
    if (!is_creatable_type(qom_type)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter 'qom-type' does not accept value '%s'",
                    qom_type);
        return;
    }
    id = take_str_arg(args, "id", errp);
    if (!id) {
        return;
    }

    members = json_object_get_members(args);
    for (GList *l = members; l; l = l->next) {
        const char *name = l->data;

        if (g_str_equal(name, "qom-type") || g_str_equal(name, "id")) {
            continue;
        }
        json_object_set_member(props, name, json_object_dup_member(args, name));
    }
    if (!object_add_from_json(qom_type, id, props, errp)) {
        return;
    }
    *ret = qmp_empty_return();
}

void qmp_object_del(const char *id, GError **errp)
{
    object_del(id, errp);
}
