/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The object model: types, classes, instances and their properties.
 *
 * Contract:
 * - A type is registered once by name (type_register_static) and names a
 *   parent type (single inheritance) plus any number of interfaces.  Its
 *   class is built lazily on first use: the parent's class bytes are
 *   copied, interface classes are attached, then class_init runs.  Classes
 *   live until the process ends.
 * - An instance starts with one reference (object_new).  Adopting it as a
 *   child takes another; unparenting drops that one.  When the last
 *   reference goes, its properties are released (children unparented,
 *   strong links dropped), then instance_finalize runs from the leaf type
 *   up to "object", exactly once.
 * - Property values cross this API as json-glib nodes.  Getters return a
 *   new node (transfer full); setters borrow the value (transfer none) and
 *   leave the object unchanged when they fail.  Error texts are QEMU's.
 * - Everything runs on the main thread; nothing here locks.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"

#define TYPE_OBJECT "object"
#define TYPE_INTERFACE "interface"

typedef struct Object Object;
typedef struct ObjectClass ObjectClass;
typedef struct InterfaceClass InterfaceClass;
typedef struct ObjectProperty ObjectProperty;
typedef struct TypeImpl *Type;

/*
 * Property accessors.  @prop gives the name (for error texts) and the
 * opaque pointer given when the property was added.
 */
typedef JsonNode *(*ObjectPropertyGet)(Object *obj, ObjectProperty *prop,
                                       GError **errp);
typedef bool (*ObjectPropertySet)(Object *obj, ObjectProperty *prop,
                                  JsonNode *value, GError **errp);
/* Path resolution through child<> and link<> properties. */
typedef Object *(*ObjectPropertyResolve)(Object *obj, ObjectProperty *prop,
                                         const char *part);
/* Called once when an instance property is deleted (frees @prop->opaque). */
typedef void (*ObjectPropertyRelease)(Object *obj, ObjectProperty *prop);

struct ObjectProperty {
    char *name;
    char *type;        /* "bool", "string", "child<T>", "SMPConfiguration" */
    char *description; /* nullable */
    ObjectPropertyGet get;         /* NULL: write-only */
    ObjectPropertySet set;         /* NULL: read-only */
    ObjectPropertyResolve resolve; /* non-NULL for child<> and link<> */
    ObjectPropertyRelease release; /* nullable */
    void *opaque;
    JsonNode *defval; /* owned, nullable; reported by qom-list-properties */
};

struct ObjectClass {
    /* all members are private to qom/ */
    Type type;
    GPtrArray *interfaces;  /* InterfaceClass *, owned by the class */
    GPtrArray *properties;  /* ObjectProperty *, in insertion order */
    GHashTable *prop_index; /* name -> ObjectProperty * (not owned) */
    /* called when the object loses its parent; nullable */
    void (*unparent)(Object *obj);
};

struct InterfaceClass {
    ObjectClass parent_class;
    /* the class implementing this interface */
    ObjectClass *concrete_class;
    Type interface_type;
};

struct Object {
    /* all members are private to qom/; use the accessors */
    ObjectClass *klass;
    GPtrArray *properties;  /* ObjectProperty *, in insertion order */
    GHashTable *prop_index; /* name -> ObjectProperty * (not owned) */
    Object *parent;
    guint ref;
};

typedef struct InterfaceInfo {
    const char *type;
} InterfaceInfo;

/*
 * Describes a type.  Sizes of 0 inherit the parent's.  @interfaces ends
 * with an entry whose type is NULL.
 */
typedef struct TypeInfo {
    const char *name;
    const char *parent;
    size_t instance_size;
    void (*instance_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    bool abstract;
    size_t class_size;
    void (*class_init)(ObjectClass *klass, const void *data);
    const void *class_data;
    const InterfaceInfo *interfaces;
} TypeInfo;

/* Plain casts; checked ones are OBJECT_CHECK and friends below. */
#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(klass) ((ObjectClass *)(klass))

/* A cast that aborts on a type mismatch (a programmer error). */
#define OBJECT_CHECK(type, obj, name) \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), (name)))
#define OBJECT_CLASS_CHECK(class_type, klass, name)                      \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT_CLASS(klass), \
                                                    (name)))
#define OBJECT_GET_CLASS(class_type, obj, name) \
    OBJECT_CLASS_CHECK(class_type, object_get_class(OBJECT(obj)), name)

/* ---- types and classes ---- */

/**
 * type_register_static:
 * @info: (transfer none): the type; its strings and interface array must
 *        outlive the process (static data)
 *
 * Registers a type.  Registering a name twice is a programmer error
 * (critical warning, the second registration is ignored).  The parent
 * need not be registered yet; it is looked up when the class is built.
 * The built-in types (object, container, interface, user-creatable and
 * the memory backends) are always registered.
 */
void type_register_static(const TypeInfo *info);

/**
 * object_class_by_name:
 * @typename: a type name
 *
 * Returns: (transfer none) (nullable): the class of @typename (built on
 * first use), or NULL when no such type is registered.
 */
ObjectClass *object_class_by_name(const char *typename);

/** object_class_get_name: Returns: (transfer none): the type name. */
const char *object_class_get_name(ObjectClass *klass);

/**
 * object_class_get_parent:
 * Returns: (transfer none) (nullable): the parent type's class, NULL for
 * root types such as "object" and "interface".
 */
ObjectClass *object_class_get_parent(ObjectClass *klass);

/** object_class_is_abstract: Returns: true when @klass cannot be
 * instantiated. */
bool object_class_is_abstract(ObjectClass *klass);

/**
 * object_class_dynamic_cast:
 * @klass: (nullable): a class
 * @typename: a type or interface name
 *
 * Returns: (transfer none) (nullable): @klass when its type is
 * @typename or derives from it; the interface class when @typename is an
 * interface that @klass implements; NULL otherwise (also for unknown
 * names).
 */
ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename);

/** object_class_dynamic_cast_assert: as above; a mismatch aborts. */
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename);

/**
 * object_class_get_list:
 * @implements: (nullable): only classes castable to this type or interface
 * @include_abstract: whether abstract types are listed
 *
 * Returns: (transfer container): the matching classes sorted by type
 * name, so the output is deterministic.
 */
GPtrArray *object_class_get_list(const char *implements, bool include_abstract);

/* ---- instances ---- */

/**
 * object_new:
 * @typename: a registered, non-abstract type
 *
 * Creates an instance: class property defaults are applied, then the
 * instance_init functions run from "object" down to @typename.  An
 * unknown or abstract type is a programmer error (critical warning and
 * NULL); user input goes through object_add_from_json(), which reports
 * those cases as errors.
 *
 * Returns: (transfer full) (nullable): the new object with one reference.
 */
Object *object_new(const char *typename);

/** object_ref: Returns: (transfer full): @obj with one more reference. */
Object *object_ref(Object *obj);

/**
 * object_unref:
 * @obj: (nullable): drops one reference; the last one finalizes @obj
 */
void object_unref(Object *obj);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Object, object_unref)

/** object_get_class: Returns: (transfer none): the class of @obj. */
ObjectClass *object_get_class(Object *obj);

/** object_get_typename: Returns: (transfer none): the type name of @obj. */
const char *object_get_typename(Object *obj);

/**
 * object_dynamic_cast:
 * @obj: (nullable): an object
 *
 * Returns: (transfer none) (nullable): @obj when its type is @typename,
 * derives from it or implements it as an interface; NULL otherwise.
 */
Object *object_dynamic_cast(Object *obj, const char *typename);

/** object_dynamic_cast_assert: as above; a mismatch aborts. */
Object *object_dynamic_cast_assert(Object *obj, const char *typename);

/** object_get_parent: Returns: (transfer none) (nullable): the parent. */
Object *object_get_parent(Object *obj);

/**
 * object_unparent:
 * Removes @obj from its parent (deleting the child<> property), which
 * drops the parent's reference.  Does nothing for an object without a
 * parent.
 */
void object_unparent(Object *obj);

/**
 * object_child_foreach:
 * @fn: called for each child in property order; a non-zero return stops
 *      the walk.  It must not add or remove children of @obj.
 *
 * Returns: the first non-zero value @fn returned, or 0.
 */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);
