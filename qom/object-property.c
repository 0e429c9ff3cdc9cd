/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The property tables of objects and classes: adding, finding, reading,
 * writing, deleting and iterating properties, defaults, and typed access
 * by name.
 */

#include "prelude.h"

#include <string.h>

#include "qom-internal.h"
#include "qom/object-property.h"
#include "qom/object.h"
#include "util/error.h"

#define PERMISSION_DENIED "Insufficient permission to perform this operation"

static void object_property_free(ObjectProperty *prop)
{
    g_free(prop->name);
    g_free(prop->type);
    g_free(prop->description);
    if (prop->defval) {
        json_node_unref(prop->defval);
    }
    g_free(prop);
}

void object_property_table_init(GPtrArray **ret_props, GHashTable **ret_index)
{
    *ret_props = g_ptr_array_new();
    *ret_index = g_hash_table_new(g_str_hash, g_str_equal);
}

static void object_property_release(Object *obj, ObjectProperty *prop)
{
    if (prop->release) {
        prop->release(obj, prop);
    }
    object_property_free(prop);
}

void object_property_table_free(Object *obj)
{
    /*
     * Newest first, one at a time: a release function may look at the
     * remaining properties (a child asking for its canonical path).
     */
    while (obj->properties->len > 0) {
        ObjectProperty *prop =
            g_ptr_array_steal_index(obj->properties, obj->properties->len - 1);

        g_hash_table_remove(obj->prop_index, prop->name);
        object_property_release(obj, prop);
    }
    g_ptr_array_unref(obj->properties);
    g_hash_table_unref(obj->prop_index);
    obj->properties = NULL;
    obj->prop_index = NULL;
}

ObjectProperty *object_class_property_find(ObjectClass *klass, const char *name,
                                           GError **errp)
{
    g_return_val_if_fail(klass != NULL && name != NULL, NULL);

    for (ObjectClass *k = klass; k; k = object_class_get_parent(k)) {
        ObjectProperty *prop = g_hash_table_lookup(k->prop_index, name);

        if (prop) {
            return prop;
        }
    }
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "Property '%s.%s' not found", object_class_get_name(klass),
                name);
    return NULL;
}

ObjectProperty *object_property_find(Object *obj, const char *name,
                                     GError **errp)
{
    ObjectProperty *prop;

    g_return_val_if_fail(obj != NULL && name != NULL, NULL);

    prop = g_hash_table_lookup(obj->prop_index, name);
    if (prop) {
        return prop;
    }
    return object_class_property_find(obj->klass, name, errp);
}

static ObjectProperty *property_new(const char *name, const char *type,
                                    ObjectPropertyGet get,
                                    ObjectPropertySet set, void *opaque)
{
    ObjectProperty *prop = g_new0(ObjectProperty, 1);

    prop->name = g_strdup(name);
    prop->type = g_strdup(type);
    prop->get = get;
    prop->set = set;
    prop->opaque = opaque;
    return prop;
}

static bool object_property_name_taken(Object *obj, const char *name)
{
    return object_property_find(obj, name, NULL) != NULL;
}

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, ObjectPropertyGet get,
                                    ObjectPropertySet set,
                                    ObjectPropertyRelease release, void *opaque,
                                    GError **errp)
{
    g_autofree char *actual = NULL;
    ObjectProperty *prop;

    g_return_val_if_fail(obj != NULL && name != NULL && type != NULL, NULL);

    if (g_str_has_suffix(name, "[*]")) {
        g_autofree char *stem = g_strndup(name, strlen(name) - 3);

        /* there are finitely many properties, so a free index exists */
        for (guint i = 0;; i++) {
            g_free(actual);
            actual = g_strdup_printf("%s[%u]", stem, i);
            if (!object_property_name_taken(obj, actual)) {
                break;
            }
        }
    } else {
        if (object_property_name_taken(obj, name)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "attempt to add duplicate property '%s' to object "
                        "(type '%s')",
                        name, object_get_typename(obj));
            return NULL;
        }
        actual = g_strdup(name);
    }

    prop = property_new(actual, type, get, set, opaque);
    prop->release = release;
    g_ptr_array_add(obj->properties, prop);
    g_hash_table_insert(obj->prop_index, prop->name, prop);
    return prop;
}

ObjectProperty *object_class_property_add(ObjectClass *klass, const char *name,
                                          const char *type,
                                          ObjectPropertyGet get,
                                          ObjectPropertySet set, void *opaque)
{
    ObjectProperty *prop;

    g_return_val_if_fail(klass != NULL && name != NULL && type != NULL, NULL);

    if (object_class_property_find(klass, name, NULL)) {
        g_critical("class '%s' already has a property '%s'",
                   object_class_get_name(klass), name);
        return NULL;
    }
    prop = property_new(name, type, get, set, opaque);
    g_ptr_array_add(klass->properties, prop);
    g_hash_table_insert(klass->prop_index, prop->name, prop);
    return prop;
}

JsonNode *object_property_get(Object *obj, const char *name, GError **errp)
{
    ObjectProperty *prop = object_property_find(obj, name, errp);

    if (!prop) {
        return NULL;
    }
    if (!prop->get) {
        g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            PERMISSION_DENIED);
        return NULL;
    }
    return prop->get(obj, prop, errp);
}

bool object_property_set(Object *obj, const char *name, JsonNode *value,
                         GError **errp)
{
    ObjectProperty *prop;

    g_return_val_if_fail(value != NULL, false);

    prop = object_property_find(obj, name, errp);
    if (!prop) {
        return false;
    }
    if (!prop->set) {
        g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            PERMISSION_DENIED);
        return false;
    }
    return prop->set(obj, prop, value, errp);
}

bool object_property_del(Object *obj, const char *name, GError **errp)
{
    ObjectProperty *prop;

    g_return_val_if_fail(obj != NULL && name != NULL, false);

    prop = g_hash_table_lookup(obj->prop_index, name);
    if (!prop) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Property '%s.%s' not found", object_get_typename(obj),
                    name);
        return false;
    }
    g_hash_table_remove(obj->prop_index, name);
    g_ptr_array_remove(obj->properties, prop);
    object_property_release(obj, prop);
    return true;
}

void object_property_set_description(ObjectProperty *prop,
                                     const char *description)
{
    if (!prop) {
        return;
    }
    g_free(prop->description);
    prop->description = g_strdup(description);
}

void object_property_set_default(ObjectProperty *prop, JsonNode *value)
{
    if (!prop) {
        return;
    }
    g_return_if_fail(value != NULL);
    if (prop->defval) {
        json_node_unref(prop->defval);
    }
    prop->defval = json_node_copy(value);
}

void object_property_set_default_bool(ObjectProperty *prop, bool value)
{
    g_autoptr(JsonNode) node = json_node_init_boolean(json_node_alloc(), value);

    object_property_set_default(prop, node);
}

void object_property_set_default_str(ObjectProperty *prop, const char *value)
{
    g_autoptr(JsonNode) node = json_node_init_string(json_node_alloc(), value);

    object_property_set_default(prop, node);
}

void object_property_set_default_uint(ObjectProperty *prop, uint64_t value)
{
    g_autoptr(JsonNode) node = object_property_json_uint(value);

    object_property_set_default(prop, node);
}

void object_property_set_default_int(ObjectProperty *prop, int64_t value)
{
    g_autoptr(JsonNode) node = json_node_init_int(json_node_alloc(), value);

    object_property_set_default(prop, node);
}

/*
 * Class defaults are applied from the root class down, so a subclass that
 * re-registers nothing still gets its ancestors' defaults.  A default that
 * its own setter refuses is a programmer error.
 */
static void class_apply_defaults(Object *obj, ObjectClass *klass)
{
    ObjectClass *parent = object_class_get_parent(klass);

    if (parent) {
        class_apply_defaults(obj, parent);
    }
    for (guint i = 0; i < klass->properties->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(klass->properties, i);
        g_autoptr(GError) err = NULL;

        if (!prop->defval || !prop->set) {
            continue;
        }
        if (!prop->set(obj, prop, prop->defval, &err)) {
            g_critical("default of '%s.%s' refused: %s",
                       object_class_get_name(klass), prop->name, err->message);
        }
    }
}

void object_class_apply_defaults(Object *obj)
{
    class_apply_defaults(obj, obj->klass);
}

void object_property_iter_init(ObjectPropertyIterator *iter, Object *obj)
{
    g_return_if_fail(iter != NULL && obj != NULL);
    iter->current = obj->properties;
    iter->index = 0;
    iter->next_class = obj->klass;
}

void object_class_property_iter_init(ObjectPropertyIterator *iter,
                                     ObjectClass *klass)
{
    g_return_if_fail(iter != NULL && klass != NULL);
    iter->current = klass->properties;
    iter->index = 0;
    iter->next_class = object_class_get_parent(klass);
}

ObjectProperty *object_property_iter_next(ObjectPropertyIterator *iter)
{
    while (iter->index >= iter->current->len) {
        if (!iter->next_class) {
            return NULL;
        }
        iter->current = iter->next_class->properties;
        iter->index = 0;
        iter->next_class = object_class_get_parent(iter->next_class);
    }
    return g_ptr_array_index(iter->current, iter->index++);
}

/* ---- typed access by name ---- */

static bool set_node(Object *obj, const char *name, JsonNode *node,
                     GError **errp)
{
    g_autoptr(JsonNode) owned = node;

    return object_property_set(obj, name, owned, errp);
}

bool object_property_set_bool(Object *obj, const char *name, bool value,
                              GError **errp)
{
    return set_node(obj, name, json_node_init_boolean(json_node_alloc(), value),
                    errp);
}

bool object_property_set_str(Object *obj, const char *name, const char *value,
                             GError **errp)
{
    return set_node(obj, name, json_node_init_string(json_node_alloc(), value),
                    errp);
}

bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             GError **errp)
{
    return set_node(obj, name, json_node_init_int(json_node_alloc(), value),
                    errp);
}

bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              GError **errp)
{
    return set_node(obj, name, object_property_json_uint(value), errp);
}

static JsonNode *get_scalar(Object *obj, const char *name, GType gtype,
                            const char *expected, GError **errp)
{
    g_autoptr(JsonNode) node = object_property_get(obj, name, errp);

    if (!node) {
        return NULL;
    }
    if (!JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != gtype) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: %s", name,
                    expected);
        return NULL;
    }
    return g_steal_pointer(&node);
}

bool object_property_get_bool(Object *obj, const char *name, GError **errp)
{
    g_autoptr(JsonNode) node =
        get_scalar(obj, name, G_TYPE_BOOLEAN, "boolean", errp);

    return node ? json_node_get_boolean(node) : false;
}

char *object_property_get_str(Object *obj, const char *name, GError **errp)
{
    g_autoptr(JsonNode) node =
        get_scalar(obj, name, G_TYPE_STRING, "string", errp);

    return node ? json_node_dup_string(node) : NULL;
}

int64_t object_property_get_int(Object *obj, const char *name, GError **errp)
{
    g_autoptr(JsonNode) node =
        get_scalar(obj, name, G_TYPE_INT64, "integer", errp);

    return node ? json_node_get_int(node) : 0;
}

uint64_t object_property_get_uint(Object *obj, const char *name, GError **errp)
{
    g_autoptr(JsonNode) node = object_property_get(obj, name, errp);
    uint64_t value = 0;

    if (!node) {
        return 0;
    }
    if (!object_property_parse_uint(name, node, UINT64_MAX, "uint64", &value,
                                    errp)) {
        return 0;
    }
    return value;
}
