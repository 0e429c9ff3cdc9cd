/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Typed properties: decoding JSON values with the QAPI input visitor's
 * error texts, and the bool, string, enum and integer property helpers
 * built on them.
 */

#include "prelude.h"

#include <math.h>
#include <string.h>

#include "qom/object-property.h"
#include "qom/object.h"
#include "util/error.h"

/* ---- decoding ---- */

static void set_type_error(const char *name, const char *expected,
                           GError **errp)
{
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "Invalid parameter type for '%s', expected: %s", name,
                expected);
}

static void set_value_error(const char *name, const char *expected,
                            GError **errp)
{
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "Parameter '%s' expects %s", name, expected);
}

static bool node_holds(JsonNode *value, GType gtype)
{
    return JSON_NODE_HOLDS_VALUE(value) &&
           json_node_get_value_type(value) == gtype;
}

bool object_property_parse_bool(const char *name, JsonNode *value,
                                bool *ret_value, GError **errp)
{
    if (!node_holds(value, G_TYPE_BOOLEAN)) {
        set_type_error(name, "boolean", errp);
        return false;
    }
    *ret_value = json_node_get_boolean(value);
    return true;
}

const char *object_property_parse_str(const char *name, JsonNode *value,
                                      GError **errp)
{
    if (!node_holds(value, G_TYPE_STRING)) {
        set_type_error(name, "string", errp);
        return NULL;
    }
    return json_node_get_string(value);
}

/*
 * json-glib stores integers as gint64, wrapping values above INT64_MAX,
 * which QEMU's uint64 parsing accepts the same way.  Values we emit above
 * INT64_MAX are doubles (object_property_json_uint), so integral doubles
 * in [2^63, 2^64) are taken back.
 */
static bool node_get_u64(JsonNode *value, uint64_t *ret_value)
{
    if (node_holds(value, G_TYPE_INT64)) {
        *ret_value = (uint64_t)json_node_get_int(value);
        return true;
    }
    if (node_holds(value, G_TYPE_DOUBLE)) {
        double d = json_node_get_double(value);

        if (d >= 9223372036854775808.0 && d <= 18446744073709551616.0 &&
            d == floor(d)) {
            /* UINT64_MAX itself rounds up to 2^64 as a double */
            *ret_value = d < 18446744073709551616.0 ? (uint64_t)d : UINT64_MAX;
            return true;
        }
    }
    return false;
}

bool object_property_parse_uint(const char *name, JsonNode *value, uint64_t max,
                                const char *kind, uint64_t *ret_value,
                                GError **errp)
{
    uint64_t v;

    /* a non-number is reported as the 64-bit kind, as QEMU does */
    if (!node_get_u64(value, &v)) {
        set_value_error(name, "uint64", errp);
        return false;
    }
    if (v > max) {
        set_value_error(name, kind, errp);
        return false;
    }
    *ret_value = v;
    return true;
}

bool object_property_parse_int(const char *name, JsonNode *value, int64_t min,
                               int64_t max, const char *kind,
                               int64_t *ret_value, GError **errp)
{
    int64_t v;

    if (!node_holds(value, G_TYPE_INT64)) {
        set_type_error(name, "integer", errp);
        return false;
    }
    v = json_node_get_int(value);
    if (v < min || v > max) {
        set_value_error(name, kind, errp);
        return false;
    }
    *ret_value = v;
    return true;
}

int object_property_parse_enum(const char *name, JsonNode *value,
                               const char *const *lookup, GError **errp)
{
    const char *str = object_property_parse_str(name, value, errp);

    if (!str) {
        return -1;
    }
    for (int i = 0; lookup[i]; i++) {
        if (strcmp(lookup[i], str) == 0) {
            return i;
        }
    }
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "Parameter '%s' does not accept value '%s'", name, str);
    return -1;
}

JsonNode *object_property_json_uint(uint64_t value)
{
    if (value <= INT64_MAX) {
        return json_node_init_int(json_node_alloc(), (int64_t)value);
    }
    return json_node_init_double(json_node_alloc(), (double)value);
}

/* ---- callback-based properties ---- */

typedef struct CallbackProperty {
    GCallback get;
    GCallback set;
    const char *const *lookup; /* enum only */
} CallbackProperty;

static CallbackProperty *callback_property_new(GCallback get, GCallback set,
                                               const char *const *lookup)
{
    CallbackProperty *cp = g_new0(CallbackProperty, 1);

    cp->get = get;
    cp->set = set;
    cp->lookup = lookup;
    return cp;
}

static void callback_property_release(Object *obj, ObjectProperty *prop)
{
    g_free(prop->opaque);
}

/*
 * Shared tail of the instance and class variants: a duplicate instance
 * property is a programmer error, like a duplicate class property.
 */
static ObjectProperty *add_callback_property(Object *obj, ObjectClass *klass,
                                             const char *name, const char *type,
                                             ObjectPropertyGet get,
                                             ObjectPropertySet set,
                                             CallbackProperty *cp)
{
    g_autoptr(GError) err = NULL;
    ObjectProperty *prop;

    if (klass) {
        prop = object_class_property_add(klass, name, type, get, set, cp);
    } else {
        prop = object_property_add(obj, name, type, get, set,
                                   callback_property_release, cp, &err);
        if (!prop) {
            g_critical("%s", err->message);
        }
    }
    if (!prop) {
        g_free(cp);
    }
    return prop;
}

static JsonNode *bool_get(Object *obj, ObjectProperty *prop, GError **errp)
{
    CallbackProperty *cp = prop->opaque;
    g_autoptr(GError) err = NULL;
    bool value = ((ObjectBoolGet)cp->get)(obj, &err);

    if (err) {
        g_propagate_error(errp, g_steal_pointer(&err));
        return NULL;
    }
    return json_node_init_boolean(json_node_alloc(), value);
}

static bool bool_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                     GError **errp)
{
    CallbackProperty *cp = prop->opaque;
    bool v;

    if (!object_property_parse_bool(prop->name, value, &v, errp)) {
        return false;
    }
    return ((ObjectBoolSet)cp->set)(obj, v, errp);
}

static ObjectProperty *add_bool(Object *obj, ObjectClass *klass,
                                const char *name, ObjectBoolGet get,
                                ObjectBoolSet set)
{
    return add_callback_property(
        obj, klass, name, "bool", get ? bool_get : NULL, set ? bool_set : NULL,
        callback_property_new(G_CALLBACK(get), G_CALLBACK(set), NULL));
}

ObjectProperty *object_property_add_bool(Object *obj, const char *name,
                                         ObjectBoolGet get, ObjectBoolSet set)
{
    g_return_val_if_fail(obj != NULL, NULL);
    return add_bool(obj, NULL, name, get, set);
}

ObjectProperty *object_class_property_add_bool(ObjectClass *klass,
                                               const char *name,
                                               ObjectBoolGet get,
                                               ObjectBoolSet set)
{
    g_return_val_if_fail(klass != NULL, NULL);
    return add_bool(NULL, klass, name, get, set);
}

static JsonNode *str_get(Object *obj, ObjectProperty *prop, GError **errp)
{
    CallbackProperty *cp = prop->opaque;
    g_autoptr(GError) err = NULL;
    g_autofree char *value = ((ObjectStrGet)cp->get)(obj, &err);

    if (err) {
        g_propagate_error(errp, g_steal_pointer(&err));
        return NULL;
    }
    /* an unset string reads as "", as in QEMU */
    return json_node_init_string(json_node_alloc(), value ? value : "");
}

static bool str_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                    GError **errp)
{
    CallbackProperty *cp = prop->opaque;
    const char *v = object_property_parse_str(prop->name, value, errp);

    if (!v) {
        return false;
    }
    return ((ObjectStrSet)cp->set)(obj, v, errp);
}

static ObjectProperty *add_str(Object *obj, ObjectClass *klass,
                               const char *name, ObjectStrGet get,
                               ObjectStrSet set)
{
    return add_callback_property(
        obj, klass, name, "string", get ? str_get : NULL, set ? str_set : NULL,
        callback_property_new(G_CALLBACK(get), G_CALLBACK(set), NULL));
}

ObjectProperty *object_property_add_str(Object *obj, const char *name,
                                        ObjectStrGet get, ObjectStrSet set)
{
    g_return_val_if_fail(obj != NULL, NULL);
    return add_str(obj, NULL, name, get, set);
}

ObjectProperty *object_class_property_add_str(ObjectClass *klass,
                                              const char *name,
                                              ObjectStrGet get,
                                              ObjectStrSet set)
{
    g_return_val_if_fail(klass != NULL, NULL);
    return add_str(NULL, klass, name, get, set);
}

static JsonNode *enum_get(Object *obj, ObjectProperty *prop, GError **errp)
{
    CallbackProperty *cp = prop->opaque;
    int value = ((ObjectEnumGet)cp->get)(obj, errp);

    if (value < 0) {
        return NULL;
    }
    return json_node_init_string(json_node_alloc(), cp->lookup[value]);
}

static bool enum_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                     GError **errp)
{
    CallbackProperty *cp = prop->opaque;
    int v = object_property_parse_enum(prop->name, value, cp->lookup, errp);

    if (v < 0) {
        return false;
    }
    return ((ObjectEnumSet)cp->set)(obj, v, errp);
}

static ObjectProperty *add_enum(Object *obj, ObjectClass *klass,
                                const char *name, const char *typename,
                                const char *const *lookup, ObjectEnumGet get,
                                ObjectEnumSet set)
{
    g_return_val_if_fail(typename != NULL && lookup != NULL, NULL);
    return add_callback_property(
        obj, klass, name, typename, get ? enum_get : NULL,
        set ? enum_set : NULL,
        callback_property_new(G_CALLBACK(get), G_CALLBACK(set), lookup));
}

ObjectProperty *object_property_add_enum(Object *obj, const char *name,
                                         const char *typename,
                                         const char *const *lookup,
                                         ObjectEnumGet get, ObjectEnumSet set)
{
    g_return_val_if_fail(obj != NULL, NULL);
    return add_enum(obj, NULL, name, typename, lookup, get, set);
}

ObjectProperty *
object_class_property_add_enum(ObjectClass *klass, const char *name,
                               const char *typename, const char *const *lookup,
                               ObjectEnumGet get, ObjectEnumSet set)
{
    g_return_val_if_fail(klass != NULL, NULL);
    return add_enum(NULL, klass, name, typename, lookup, get, set);
}

/* ---- field-backed integers ---- */

typedef enum IntKind {
    INT_KIND_U8,
    INT_KIND_U16,
    INT_KIND_U32,
    INT_KIND_U64,
    INT_KIND_I64,
} IntKind;

static const struct {
    const char *type;
    uint64_t max;
} int_kinds[] = {
    [INT_KIND_U8] = {"uint8", UINT8_MAX},
    [INT_KIND_U16] = {"uint16", UINT16_MAX},
    [INT_KIND_U32] = {"uint32", UINT32_MAX},
    [INT_KIND_U64] = {"uint64", UINT64_MAX},
    [INT_KIND_I64] = {"int", INT64_MAX},
};

typedef struct IntProperty {
    IntKind kind;
    void *ptr;
} IntProperty;

static JsonNode *int_get(Object *obj, ObjectProperty *prop, GError **errp)
{
    IntProperty *ip = prop->opaque;

    switch (ip->kind) {
    case INT_KIND_U8:
        return object_property_json_uint(*(uint8_t *)ip->ptr);
    case INT_KIND_U16:
        return object_property_json_uint(*(uint16_t *)ip->ptr);
    case INT_KIND_U32:
        return object_property_json_uint(*(uint32_t *)ip->ptr);
    case INT_KIND_U64:
        return object_property_json_uint(*(uint64_t *)ip->ptr);
    case INT_KIND_I64:
        break;
    }
    return json_node_init_int(json_node_alloc(), *(int64_t *)ip->ptr);
}

static bool int_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                    GError **errp)
{
    IntProperty *ip = prop->opaque;
    uint64_t u;
    int64_t i;

    if (ip->kind == INT_KIND_I64) {
        if (!object_property_parse_int(prop->name, value, INT64_MIN, INT64_MAX,
                                       "int64", &i, errp)) {
            return false;
        }
        *(int64_t *)ip->ptr = i;
        return true;
    }
    if (!object_property_parse_uint(prop->name, value, int_kinds[ip->kind].max,
                                    int_kinds[ip->kind].type, &u, errp)) {
        return false;
    }
    switch (ip->kind) {
    case INT_KIND_U8:
        *(uint8_t *)ip->ptr = (uint8_t)u;
        break;
    case INT_KIND_U16:
        *(uint16_t *)ip->ptr = (uint16_t)u;
        break;
    case INT_KIND_U32:
        *(uint32_t *)ip->ptr = (uint32_t)u;
        break;
    case INT_KIND_U64:
    case INT_KIND_I64:
        *(uint64_t *)ip->ptr = u;
        break;
    }
    return true;
}

static void int_release(Object *obj, ObjectProperty *prop)
{
    g_free(prop->opaque);
}

static ObjectProperty *add_int(Object *obj, const char *name, IntKind kind,
                               void *ptr, ObjectPropertyFlags flags)
{
    g_autoptr(GError) err = NULL;
    IntProperty *ip;
    ObjectProperty *prop;

    g_return_val_if_fail(obj != NULL && ptr != NULL, NULL);

    ip = g_new0(IntProperty, 1);
    ip->kind = kind;
    ip->ptr = ptr;
    prop = object_property_add(obj, name, int_kinds[kind].type,
                               (flags & OBJ_PROP_FLAG_READ) ? int_get : NULL,
                               (flags & OBJ_PROP_FLAG_WRITE) ? int_set : NULL,
                               int_release, ip, &err);
    if (!prop) {
        g_critical("%s", err->message);
        g_free(ip);
    }
    return prop;
}

ObjectProperty *object_property_add_uint8(Object *obj, const char *name,
                                          uint8_t *ptr,
                                          ObjectPropertyFlags flags)
{
    return add_int(obj, name, INT_KIND_U8, ptr, flags);
}

ObjectProperty *object_property_add_uint16(Object *obj, const char *name,
                                           uint16_t *ptr,
                                           ObjectPropertyFlags flags)
{
    return add_int(obj, name, INT_KIND_U16, ptr, flags);
}

ObjectProperty *object_property_add_uint32(Object *obj, const char *name,
                                           uint32_t *ptr,
                                           ObjectPropertyFlags flags)
{
    return add_int(obj, name, INT_KIND_U32, ptr, flags);
}

ObjectProperty *object_property_add_uint64(Object *obj, const char *name,
                                           uint64_t *ptr,
                                           ObjectPropertyFlags flags)
{
    return add_int(obj, name, INT_KIND_U64, ptr, flags);
}

ObjectProperty *object_property_add_int(Object *obj, const char *name,
                                        int64_t *ptr, ObjectPropertyFlags flags)
{
    return add_int(obj, name, INT_KIND_I64, ptr, flags);
}
