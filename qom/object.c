/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Types, classes and instances: the type table, lazy class construction
 * with single inheritance and interfaces, casts, and the reference-counted
 * object life cycle.
 */

#include "prelude.h"

#include <string.h>

#include "qom-internal.h"
#include "qom/object-property.h"
#include "qom/object.h"

static GHashTable *type_table; /* name -> struct TypeImpl * (owned) */
static bool builtins_registered;

static void type_impl_free(gpointer data)
{
    struct TypeImpl *ti = data;

    g_free(ti->name);
    g_free(ti->parent_name);
    g_ptr_array_unref(ti->interface_names);
    g_free(ti);
}

static void type_register_internal(const TypeInfo *info)
{
    struct TypeImpl *ti;

    g_return_if_fail(info != NULL && info->name != NULL);

    if (!type_table) {
        type_table = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                           type_impl_free);
    }
    if (g_hash_table_contains(type_table, info->name)) {
        g_critical("type '%s' is registered twice", info->name);
        return;
    }

    ti = g_new0(struct TypeImpl, 1);
    ti->name = g_strdup(info->name);
    ti->parent_name = g_strdup(info->parent);
    ti->instance_size = info->instance_size;
    ti->class_size = info->class_size;
    ti->instance_init = info->instance_init;
    ti->instance_finalize = info->instance_finalize;
    ti->class_init = info->class_init;
    ti->class_data = info->class_data;
    ti->abstract = info->abstract;
    ti->interface_names = g_ptr_array_new_with_free_func(g_free);
    for (const InterfaceInfo *ii = info->interfaces; ii && ii->type; ii++) {
        g_ptr_array_add(ti->interface_names, g_strdup(ii->type));
    }
    g_hash_table_insert(type_table, ti->name, ti);
}

static char *object_type_get(Object *obj, GError **errp)
{
    return g_strdup(object_get_typename(obj));
}

static void object_class_init(ObjectClass *klass, const void *data)
{
    object_class_property_add_str(klass, "type", object_type_get, NULL);
}

static const TypeInfo object_info = {
    .name = TYPE_OBJECT,
    .instance_size = sizeof(Object),
    .class_size = sizeof(ObjectClass),
    .class_init = object_class_init,
    .abstract = true,
};

static const TypeInfo interface_info = {
    .name = TYPE_INTERFACE,
    .class_size = sizeof(InterfaceClass),
    .abstract = true,
};

/*
 * The built-in types are registered on first use of the table rather than
 * from constructors: the linker drops unreferenced objects of a static
 * library, constructors included.
 */
static void type_ensure_builtins(void)
{
    if (builtins_registered) {
        return;
    }
    builtins_registered = true;
    type_register_internal(&object_info);
    type_register_internal(&interface_info);
    object_tree_register_types();
    user_creatable_register_types();
    memory_backend_register_types();
    secret_register_types();
}

void type_register_static(const TypeInfo *info)
{
    type_ensure_builtins();
    type_register_internal(info);
}

static struct TypeImpl *type_lookup(const char *name)
{
    type_ensure_builtins();
    return name ? g_hash_table_lookup(type_table, name) : NULL;
}

static bool type_is_a(const struct TypeImpl *ti, const struct TypeImpl *target)
{
    for (; ti; ti = ti->parent_type) {
        if (ti == target) {
            return true;
        }
    }
    return false;
}

static bool type_initialize(struct TypeImpl *ti);

/*
 * Interface classes are per implementing class: a copy of the interface's
 * own class (or of the parent's copy, so overrides are inherited) that
 * knows which concrete class it belongs to.
 */
static InterfaceClass *interface_class_copy(ObjectClass *concrete,
                                            struct TypeImpl *iface,
                                            const InterfaceClass *from)
{
    InterfaceClass *ic = g_malloc0(iface->class_size);

    memcpy(ic, from, iface->class_size);
    ic->parent_class.type = iface;
    ic->parent_class.interfaces = NULL;
    ic->parent_class.properties = NULL;
    ic->parent_class.prop_index = NULL;
    ic->concrete_class = concrete;
    ic->interface_type = iface;
    return ic;
}

static bool class_implements(ObjectClass *klass, struct TypeImpl *iface)
{
    for (guint i = 0; i < klass->interfaces->len; i++) {
        InterfaceClass *ic = g_ptr_array_index(klass->interfaces, i);

        if (type_is_a(ic->interface_type, iface)) {
            return true;
        }
    }
    return false;
}

static bool type_attach_interfaces(struct TypeImpl *ti, ObjectClass *klass)
{
    struct TypeImpl *parent = ti->parent_type;

    klass->interfaces = g_ptr_array_new_with_free_func(g_free);
    if (parent) {
        for (guint i = 0; i < parent->klass->interfaces->len; i++) {
            InterfaceClass *pic =
                g_ptr_array_index(parent->klass->interfaces, i);

            g_ptr_array_add(
                klass->interfaces,
                interface_class_copy(klass, pic->interface_type, pic));
        }
    }
    for (guint i = 0; i < ti->interface_names->len; i++) {
        const char *name = g_ptr_array_index(ti->interface_names, i);
        struct TypeImpl *iface = type_lookup(name);

        if (!iface || !type_initialize(iface) ||
            !type_is_a(iface, type_lookup(TYPE_INTERFACE))) {
            g_critical("type '%s' lists '%s', which is not an interface",
                       ti->name, name);
            return false;
        }
        if (!class_implements(klass, iface)) {
            g_ptr_array_add(klass->interfaces,
                            interface_class_copy(
                                klass, iface, (InterfaceClass *)iface->klass));
        }
    }
    return true;
}

/* Builds the class of @ti (and its ancestors) on first use. */
static bool type_initialize(struct TypeImpl *ti)
{
    struct TypeImpl *parent = NULL;
    ObjectClass *klass;

    if (ti->klass) {
        return true;
    }
    if (ti->parent_name) {
        parent = type_lookup(ti->parent_name);
        if (!parent || !type_initialize(parent)) {
            g_critical("type '%s' has unknown parent '%s'", ti->name,
                       ti->parent_name);
            return false;
        }
        ti->parent_type = parent;
        if (!ti->class_size) {
            ti->class_size = parent->class_size;
        }
        if (!ti->instance_size) {
            ti->instance_size = parent->instance_size;
        }
        if (ti->class_size < parent->class_size ||
            ti->instance_size < parent->instance_size) {
            g_critical("type '%s' is smaller than its parent", ti->name);
            return false;
        }
    }
    if (!ti->class_size) {
        ti->class_size = sizeof(ObjectClass);
    }

    /* interfaces never have instances */
    if (parent && type_is_a(parent, type_lookup(TYPE_INTERFACE))) {
        ti->abstract = true;
    }

    klass = g_malloc0(ti->class_size);
    if (parent) {
        memcpy(klass, parent->klass, parent->class_size);
    }
    klass->type = ti;
    object_property_table_init(&klass->properties, &klass->prop_index);
    /* set before the interfaces so a cycle cannot recurse forever */
    ti->klass = klass;
    if (!type_attach_interfaces(ti, klass)) {
        return false;
    }
    if (ti->class_init) {
        ti->class_init(klass, ti->class_data);
    }
    return true;
}

ObjectClass *object_class_by_name(const char *typename)
{
    struct TypeImpl *ti = type_lookup(typename);

    if (!ti || !type_initialize(ti)) {
        return NULL;
    }
    return ti->klass;
}

const char *object_class_get_name(ObjectClass *klass)
{
    g_return_val_if_fail(klass != NULL, NULL);
    return klass->type->name;
}

ObjectClass *object_class_get_parent(ObjectClass *klass)
{
    g_return_val_if_fail(klass != NULL, NULL);
    return klass->type->parent_type ? klass->type->parent_type->klass : NULL;
}

bool object_class_is_abstract(ObjectClass *klass)
{
    g_return_val_if_fail(klass != NULL, false);
    return klass->type->abstract;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *klass, const char *typename)
{
    struct TypeImpl *target = type_lookup(typename);

    if (!klass || !target) {
        return NULL;
    }
    if (type_is_a(klass->type, target)) {
        return klass;
    }
    if (!klass->interfaces) {
        return NULL;
    }
    for (guint i = 0; i < klass->interfaces->len; i++) {
        InterfaceClass *ic = g_ptr_array_index(klass->interfaces, i);

        if (type_is_a(ic->interface_type, target)) {
            return &ic->parent_class;
        }
    }
    return NULL;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename)
{
    ObjectClass *ret = object_class_dynamic_cast(klass, typename);

    if (!ret) {
        g_error("class '%s' is not a '%s'",
                klass ? klass->type->name : "(null)", typename);
    }
    return ret;
}

static gint class_name_cmp(gconstpointer a, gconstpointer b)
{
    ObjectClass *ca = *(ObjectClass *const *)a;
    ObjectClass *cb = *(ObjectClass *const *)b;

    return strcmp(ca->type->name, cb->type->name);
}

GPtrArray *object_class_get_list(const char *implements, bool include_abstract)
{
    GPtrArray *list = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;

    type_ensure_builtins();
    g_hash_table_iter_init(&it, type_table);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        struct TypeImpl *ti = value;

        if (!type_initialize(ti)) {
            continue;
        }
        if (ti->abstract && !include_abstract) {
            continue;
        }
        if (implements && !object_class_dynamic_cast(ti->klass, implements)) {
            continue;
        }
        g_ptr_array_add(list, ti->klass);
    }
    g_ptr_array_sort(list, class_name_cmp);
    return list;
}

static void object_init_with_type(Object *obj, struct TypeImpl *ti)
{
    if (ti->parent_type) {
        object_init_with_type(obj, ti->parent_type);
    }
    if (ti->instance_init) {
        ti->instance_init(obj);
    }
}

Object *object_new(const char *typename)
{
    struct TypeImpl *ti = type_lookup(typename);
    Object *obj;

    if (!ti || !type_initialize(ti)) {
        g_critical("object_new: unknown type '%s'", typename);
        return NULL;
    }
    if (ti->abstract) {
        g_critical("object_new: type '%s' is abstract", typename);
        return NULL;
    }
    if (ti->instance_size < sizeof(Object)) {
        g_critical("object_new: type '%s' is not an object type", typename);
        return NULL;
    }

    obj = g_malloc0(ti->instance_size);
    obj->klass = ti->klass;
    obj->ref = 1;
    object_property_table_init(&obj->properties, &obj->prop_index);
    object_class_apply_defaults(obj);
    object_init_with_type(obj, ti);
    return obj;
}

Object *object_ref(Object *obj)
{
    g_return_val_if_fail(obj != NULL, NULL);
    g_return_val_if_fail(obj->ref > 0, NULL);
    obj->ref++;
    return obj;
}

static void object_finalize(Object *obj)
{
    /*
     * Properties go first: releasing them unparents the children and drops
     * strong links while the finalizers can still rely on the fields.
     */
    object_property_table_free(obj);
    for (struct TypeImpl *ti = obj->klass->type; ti; ti = ti->parent_type) {
        if (ti->instance_finalize) {
            ti->instance_finalize(obj);
        }
    }
    g_free(obj);
}

void object_unref(Object *obj)
{
    if (!obj) {
        return;
    }
    g_return_if_fail(obj->ref > 0);
    if (--obj->ref == 0) {
        /* a parent always holds a reference, so this is a programmer error */
        if (obj->parent) {
            g_critical("object of type '%s' finalized while it has a parent",
                       obj->klass->type->name);
        }
        object_finalize(obj);
    }
}

ObjectClass *object_get_class(Object *obj)
{
    g_return_val_if_fail(obj != NULL, NULL);
    return obj->klass;
}

const char *object_get_typename(Object *obj)
{
    g_return_val_if_fail(obj != NULL, NULL);
    return obj->klass->type->name;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(obj->klass, typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename)
{
    Object *ret = object_dynamic_cast(obj, typename);

    if (!ret) {
        g_error("object of type '%s' is not a '%s'",
                obj ? obj->klass->type->name : "(null)", typename);
    }
    return ret;
}

Object *object_get_parent(Object *obj)
{
    g_return_val_if_fail(obj != NULL, NULL);
    return obj->parent;
}
