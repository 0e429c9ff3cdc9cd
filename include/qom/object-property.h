/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Object properties: adding, finding, reading, writing and listing them,
 * plus typed helpers for the common scalar kinds.
 *
 * Contract: an object's properties are its own (instance) properties in
 * the order they were added, then its class properties from the leaf
 * type up to "object", each class in the order they were added.  Names
 * are unique across both sets.  A property without a setter is read-only
 * ("Insufficient permission to perform this operation").  Values are
 * JSON; a malformed value fails with the texts of QEMU's QAPI input
 * visitor, for example "Invalid parameter type for 'NAME', expected:
 * boolean" or "Parameter 'NAME' expects uint8", and changes nothing.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"
#include "qom/object.h"

typedef enum ObjectPropertyFlags {
    OBJ_PROP_FLAG_READ = 1 << 0,
    OBJ_PROP_FLAG_WRITE = 1 << 1,
    OBJ_PROP_FLAG_READWRITE = OBJ_PROP_FLAG_READ | OBJ_PROP_FLAG_WRITE,
} ObjectPropertyFlags;

/* ---- generic properties ---- */

/**
 * object_property_add:
 * @name: the name; a name ending in "[*]" takes the first free index
 *        ("dev[*]" becomes "dev[0]", then "dev[1]", ...)
 * @type: the type string shown by qom-list
 * @release: (nullable): called when the property is deleted
 * @opaque: stored in the property for the accessors
 *
 * Adds an instance property.  Fails, without calling @release, with
 * "attempt to add duplicate property 'NAME' to object (type 'TYPE')" when
 * @obj (or its class) already has a property of that name.
 *
 * Returns: (transfer none) (nullable): the property, owned by @obj.
 */
ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, ObjectPropertyGet get,
                                    ObjectPropertySet set,
                                    ObjectPropertyRelease release, void *opaque,
                                    GError **errp);

/**
 * object_class_property_add:
 *
 * Adds a class property, shared by every instance of @klass and its
 * subclasses; @opaque lives as long as the class (forever).  Call it from
 * class_init.  A duplicate name is a programmer error (critical, NULL).
 *
 * Returns: (transfer none) (nullable): the property, owned by @klass.
 */
ObjectProperty *object_class_property_add(ObjectClass *klass, const char *name,
                                          const char *type,
                                          ObjectPropertyGet get,
                                          ObjectPropertySet set, void *opaque);

/**
 * object_property_find:
 * @errp: (nullable): receives "Property 'TYPE.NAME' not found"
 *
 * Looks @name up among the instance and class properties of @obj.
 *
 * Returns: (transfer none) (nullable): the property.
 */
ObjectProperty *object_property_find(Object *obj, const char *name,
                                     GError **errp);

/**
 * object_class_property_find:
 * @errp: (nullable): receives "Property 'TYPE.NAME' not found"
 *
 * Returns: (transfer none) (nullable): the class property of @klass or of
 * one of its ancestors.
 */
ObjectProperty *object_class_property_find(ObjectClass *klass, const char *name,
                                           GError **errp);

/**
 * object_property_get:
 *
 * Reads a property.  Errors: not found (see object_property_find),
 * "Insufficient permission to perform this operation" for a write-only
 * property, or whatever the getter reports.
 *
 * Returns: (transfer full) (nullable): the value.
 */
JsonNode *object_property_get(Object *obj, const char *name, GError **errp);

/**
 * object_property_set:
 * @value: (transfer none): the new value
 *
 * Writes a property.  Errors: not found, "Insufficient permission to
 * perform this operation" for a read-only property, or the setter's
 * error; on error @obj is unchanged.
 *
 * Returns: true on success.
 */
bool object_property_set(Object *obj, const char *name, JsonNode *value,
                         GError **errp);

/**
 * object_property_del:
 *
 * Deletes the instance property @name, calling its release function
 * (deleting a child<> property unparents the child).  Class properties
 * cannot be deleted.  Errors as object_property_find.
 *
 * Returns: true on success.
 */
bool object_property_del(Object *obj, const char *name, GError **errp);

/**
 * object_property_set_description:
 * @prop: (nullable): a property just added (NULL is ignored, so the call
 *        can wrap the add)
 * @description: (transfer none): shown by qom-list-properties
 */
void object_property_set_description(ObjectProperty *prop,
                                     const char *description);

/**
 * object_property_set_default:
 * @prop: (nullable): a property just added
 * @value: (transfer none): the default
 *
 * Records the default reported as "default-value".  For a class property
 * the setter also receives it for each new instance, before the
 * instance_init functions run.
 */
void object_property_set_default(ObjectProperty *prop, JsonNode *value);
void object_property_set_default_bool(ObjectProperty *prop, bool value);
void object_property_set_default_str(ObjectProperty *prop, const char *value);
void object_property_set_default_uint(ObjectProperty *prop, uint64_t value);
void object_property_set_default_int(ObjectProperty *prop, int64_t value);

/* ---- iteration ---- */

typedef struct ObjectPropertyIterator {
    GPtrArray *current; /* properties being walked */
    guint index;
    ObjectClass *next_class; /* next class whose properties follow */
} ObjectPropertyIterator;

/**
 * object_property_iter_init:
 *
 * Starts a walk over the instance properties of @obj, then the class
 * properties from the leaf class to "object".  Adding or deleting
 * properties of @obj during the walk is not allowed.
 */
void object_property_iter_init(ObjectPropertyIterator *iter, Object *obj);

/** object_class_property_iter_init: walks the class properties only. */
void object_class_property_iter_init(ObjectPropertyIterator *iter,
                                     ObjectClass *klass);

/** object_property_iter_next: Returns: (transfer none) (nullable): the
 * next property, NULL at the end. */
ObjectProperty *object_property_iter_next(ObjectPropertyIterator *iter);

/* ---- typed helpers ---- */

/*
 * Callback-based scalar properties.  A NULL setter makes the property
 * read-only.  Setters return false with an error to refuse a value.
 * Instance variants treat a duplicate name as a programmer error
 * (critical, NULL); use object_property_add() to get a GError instead.
 */
typedef bool (*ObjectBoolGet)(Object *obj, GError **errp);
typedef bool (*ObjectBoolSet)(Object *obj, bool value, GError **errp);
/* the getter returns (transfer full) a string; NULL reads as "" */
typedef char *(*ObjectStrGet)(Object *obj, GError **errp);
typedef bool (*ObjectStrSet)(Object *obj, const char *value, GError **errp);
/* enum values are indexes into the lookup table; a negative get fails */
typedef int (*ObjectEnumGet)(Object *obj, GError **errp);
typedef bool (*ObjectEnumSet)(Object *obj, int value, GError **errp);

/** object_property_add_bool: type "bool". Returns: (transfer none). */
ObjectProperty *object_property_add_bool(Object *obj, const char *name,
                                         ObjectBoolGet get, ObjectBoolSet set);
ObjectProperty *object_class_property_add_bool(ObjectClass *klass,
                                               const char *name,
                                               ObjectBoolGet get,
                                               ObjectBoolSet set);

/** object_property_add_str: type "string" (QEMU's spelling). */
ObjectProperty *object_property_add_str(Object *obj, const char *name,
                                        ObjectStrGet get, ObjectStrSet set);
ObjectProperty *object_class_property_add_str(ObjectClass *klass,
                                              const char *name,
                                              ObjectStrGet get,
                                              ObjectStrSet set);

/**
 * object_property_add_enum:
 * @typename: the enum's type string, for example "OnOffAuto"
 * @lookup: (transfer none): NULL-terminated value names, static
 *
 * Values travel as strings; an unknown one fails with "Parameter 'NAME'
 * does not accept value 'VALUE'".
 */
ObjectProperty *object_property_add_enum(Object *obj, const char *name,
                                         const char *typename,
                                         const char *const *lookup,
                                         ObjectEnumGet get, ObjectEnumSet set);
ObjectProperty *
object_class_property_add_enum(ObjectClass *klass, const char *name,
                               const char *typename, const char *const *lookup,
                               ObjectEnumGet get, ObjectEnumSet set);

/*
 * Integer properties backed by a field of the instance.  @ptr must stay
 * valid as long as @obj (normally it points into @obj).  Without
 * OBJ_PROP_FLAG_WRITE the property is read-only.  Out-of-range values
 * fail with "Parameter 'NAME' expects uint8" (uint16, uint32); a
 * non-integer fails with "Parameter 'NAME' expects uint64" for the
 * unsigned kinds and "Invalid parameter type for 'NAME', expected:
 * integer" for int.  As in QEMU, negative numbers given to an unsigned
 * 64-bit property wrap around.  Types: "uint8", "uint16", "uint32",
 * "uint64", "int".
 */
ObjectProperty *object_property_add_uint8(Object *obj, const char *name,
                                          uint8_t *ptr,
                                          ObjectPropertyFlags flags);
ObjectProperty *object_property_add_uint16(Object *obj, const char *name,
                                           uint16_t *ptr,
                                           ObjectPropertyFlags flags);
ObjectProperty *object_property_add_uint32(Object *obj, const char *name,
                                           uint32_t *ptr,
                                           ObjectPropertyFlags flags);
ObjectProperty *object_property_add_uint64(Object *obj, const char *name,
                                           uint64_t *ptr,
                                           ObjectPropertyFlags flags);
ObjectProperty *object_property_add_int(Object *obj, const char *name,
                                        int64_t *ptr,
                                        ObjectPropertyFlags flags);

/* ---- JSON value decoding, for hand-written accessors ---- */

/**
 * object_property_parse_bool:
 * @name: the property name used in error texts
 * @value: (transfer none): the value to decode
 * @ret_value: set on success only
 *
 * Errors: "Invalid parameter type for 'NAME', expected: boolean".
 * Returns: true on success.
 */
bool object_property_parse_bool(const char *name, JsonNode *value,
                                bool *ret_value, GError **errp);

/**
 * object_property_parse_str:
 *
 * Errors: "Invalid parameter type for 'NAME', expected: string".
 * Returns: (transfer none) (nullable): the string inside @value.
 */
const char *object_property_parse_str(const char *name, JsonNode *value,
                                      GError **errp);

/**
 * object_property_parse_uint:
 * @max: largest accepted value
 * @kind: "uint8", "uint16", "uint32" or "uint64", named in errors
 *
 * Errors: "Parameter 'NAME' expects KIND" for a non-integer or a value
 * above @max.  Negative integers wrap around to 64 bits first (QEMU does
 * the same for compatibility).
 */
bool object_property_parse_uint(const char *name, JsonNode *value, uint64_t max,
                                const char *kind, uint64_t *ret_value,
                                GError **errp);

/**
 * object_property_parse_int:
 * @kind: "int8", "int16", "int32" or "int64", named in range errors
 *
 * Errors: "Invalid parameter type for 'NAME', expected: integer" for a
 * non-integer, "Parameter 'NAME' expects KIND" outside [@min, @max].
 */
bool object_property_parse_int(const char *name, JsonNode *value, int64_t min,
                               int64_t max, const char *kind,
                               int64_t *ret_value, GError **errp);

/**
 * object_property_parse_enum:
 * @lookup: NULL-terminated value names
 *
 * Errors: the string error above, or "Parameter 'NAME' does not accept
 * value 'VALUE'".
 * Returns: the index of the value in @lookup, or -1 on error.
 */
int object_property_parse_enum(const char *name, JsonNode *value,
                               const char *const *lookup, GError **errp);

/**
 * object_property_json_uint:
 *
 * Returns: (transfer full): @value as a JSON integer.  json-glib holds
 * only signed 64-bit integers, so values above INT64_MAX become a double
 * (see docs/devel/qom.md).
 */
JsonNode *object_property_json_uint(uint64_t value);

/* ---- typed access by name ---- */

/*
 * Convenience wrappers around object_property_get/set.  A value of the
 * wrong JSON kind fails with "Invalid parameter type for 'NAME',
 * expected: string" (boolean, integer).  The getters return false, NULL
 * or 0 on error.
 */
bool object_property_set_bool(Object *obj, const char *name, bool value,
                              GError **errp);
bool object_property_set_str(Object *obj, const char *name, const char *value,
                             GError **errp);
bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             GError **errp);
bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              GError **errp);
bool object_property_get_bool(Object *obj, const char *name, GError **errp);
/* Returns: (transfer full) (nullable). */
char *object_property_get_str(Object *obj, const char *name, GError **errp);
int64_t object_property_get_int(Object *obj, const char *name, GError **errp);
uint64_t object_property_get_uint(Object *obj, const char *name, GError **errp);
