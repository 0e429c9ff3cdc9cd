/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The composition tree: child<> and link<> properties, the root and its
 * containers, canonical paths and absolute or partial path resolution.
 */

#include "prelude.h"

#include <string.h>

#include "qom-internal.h"
#include "qom/object-property.h"
#include "qom/object-tree.h"
#include "qom/object.h"
#include "util/error.h"

static Object *root_obj;

/* ---- child<> ---- */

static JsonNode *child_get(Object *obj, ObjectProperty *prop, GError **errp)
{
    g_autofree char *path = object_get_canonical_path(prop->opaque);

    /* a subtree not attached to the root has no path; QEMU says "" */
    return json_node_init_string(json_node_alloc(), path ? path : "");
}

static Object *child_resolve(Object *obj, ObjectProperty *prop,
                             const char *part)
{
    return prop->opaque;
}

static void child_release(Object *obj, ObjectProperty *prop)
{
    Object *child = prop->opaque;

    if (child->klass->unparent) {
        child->klass->unparent(child);
    }
    child->parent = NULL;
    object_unref(child);
}

bool object_property_is_child(const ObjectProperty *prop)
{
    return prop->resolve == child_resolve;
}

ObjectProperty *object_property_add_child(Object *parent, const char *name,
                                          Object *child, GError **errp)
{
    g_autofree char *type = NULL;
    ObjectProperty *prop;

    g_return_val_if_fail(parent != NULL && child != NULL, NULL);
    g_return_val_if_fail(child->parent == NULL, NULL);
    g_return_val_if_fail(child != parent, NULL);

    type = g_strdup_printf("child<%s>", object_get_typename(child));
    prop = object_property_add(parent, name, type, child_get, NULL,
                               child_release, child, errp);
    if (!prop) {
        return NULL;
    }
    prop->resolve = child_resolve;
    object_ref(child);
    child->parent = parent;
    return prop;
}

static ObjectProperty *find_child_property(Object *parent, Object *child)
{
    for (guint i = 0; i < parent->properties->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(parent->properties, i);

        if (object_property_is_child(prop) && prop->opaque == child) {
            return prop;
        }
    }
    return NULL;
}

void object_unparent(Object *obj)
{
    ObjectProperty *prop;

    g_return_if_fail(obj != NULL);
    if (!obj->parent) {
        return;
    }
    prop = find_child_property(obj->parent, obj);
    g_return_if_fail(prop != NULL);
    object_property_del(obj->parent, prop->name, NULL);
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    g_return_val_if_fail(obj != NULL && fn != NULL, 0);

    for (guint i = 0; i < obj->properties->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(obj->properties, i);
        int ret;

        if (!object_property_is_child(prop)) {
            continue;
        }
        ret = fn(prop->opaque, opaque);
        if (ret != 0) {
            return ret;
        }
    }
    return 0;
}

/* ---- link<> ---- */

typedef struct LinkProperty {
    Object **targetp;
    Object *const_target; /* storage behind targetp for const links */
    char *target_type;
    ObjectLinkCheck check;
    ObjectPropertyLinkFlags flags;
} LinkProperty;

static JsonNode *link_get(Object *obj, ObjectProperty *prop, GError **errp)
{
    LinkProperty *lp = prop->opaque;
    g_autofree char *path = NULL;

    if (*lp->targetp) {
        path = object_get_canonical_path(*lp->targetp);
    }
    return json_node_init_string(json_node_alloc(), path ? path : "");
}

static Object *link_resolve_target(ObjectProperty *prop, const char *path,
                                   GError **errp)
{
    LinkProperty *lp = prop->opaque;
    bool ambiguous;
    Object *target =
        object_resolve_path_type(path, lp->target_type, &ambiguous);

    if (target) {
        return target;
    }
    if (ambiguous) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Path '%s' does not uniquely identify an object", path);
        return NULL;
    }
    if (object_resolve_path(path, &ambiguous) || ambiguous) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: %s", prop->name,
                    lp->target_type);
        return NULL;
    }
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_DEVICE_NOT_FOUND,
                "Device '%s' not found", path);
    return NULL;
}

static bool link_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                     GError **errp)
{
    LinkProperty *lp = prop->opaque;
    const char *path = object_property_parse_str(prop->name, value, errp);
    Object *target = NULL;
    Object *old;

    if (!path) {
        return false;
    }
    if (*path) {
        target = link_resolve_target(prop, path, errp);
        if (!target) {
            return false;
        }
    }
    if (!lp->check(obj, prop->name, target, errp)) {
        return false;
    }
    old = *lp->targetp;
    *lp->targetp = target;
    if (lp->flags & OBJ_PROP_LINK_STRONG) {
        if (target) {
            object_ref(target);
        }
        object_unref(old);
    }
    return true;
}

static Object *link_resolve(Object *obj, ObjectProperty *prop, const char *part)
{
    LinkProperty *lp = prop->opaque;

    return *lp->targetp;
}

static void link_release(Object *obj, ObjectProperty *prop)
{
    LinkProperty *lp = prop->opaque;

    if ((lp->flags & OBJ_PROP_LINK_STRONG) && *lp->targetp) {
        object_unref(g_steal_pointer(lp->targetp));
    }
    g_free(lp->target_type);
    g_free(lp);
}

static ObjectProperty *add_link(Object *obj, const char *name,
                                const char *target_type, LinkProperty *lp)
{
    g_autofree char *type = g_strdup_printf("link<%s>", target_type);
    g_autoptr(GError) err = NULL;
    ObjectProperty *prop;

    lp->target_type = g_strdup(target_type);
    prop = object_property_add(obj, name, type, link_get,
                               lp->check ? link_set : NULL, link_release, lp,
                               &err);
    if (!prop) {
        g_critical("%s", err->message);
        g_free(lp->target_type);
        g_free(lp);
        return NULL;
    }
    prop->resolve = link_resolve;
    return prop;
}

ObjectProperty *object_property_add_link(Object *obj, const char *name,
                                         const char *target_type,
                                         Object **targetp,
                                         ObjectLinkCheck check,
                                         ObjectPropertyLinkFlags flags)
{
    LinkProperty *lp;

    g_return_val_if_fail(obj != NULL && target_type != NULL, NULL);
    g_return_val_if_fail(targetp != NULL, NULL);

    lp = g_new0(LinkProperty, 1);
    lp->targetp = targetp;
    lp->check = check;
    lp->flags = flags;
    return add_link(obj, name, target_type, lp);
}

bool object_property_allow_set_link(Object *obj, const char *name,
                                    Object *target, GError **errp)
{
    return true;
}

ObjectProperty *object_property_add_const_link(Object *obj, const char *name,
                                               Object *target)
{
    LinkProperty *lp;

    g_return_val_if_fail(obj != NULL && target != NULL, NULL);

    lp = g_new0(LinkProperty, 1);
    lp->const_target = target;
    lp->targetp = &lp->const_target;
    return add_link(obj, name, object_get_typename(target), lp);
}

/* ---- root and containers ---- */

static const TypeInfo container_info = {
    .name = TYPE_CONTAINER,
    .parent = TYPE_OBJECT,
};

void object_tree_register_types(void)
{
    type_register_static(&container_info);
}

Object *container_get(Object *root, const char *path)
{
    g_auto(GStrv) parts = NULL;
    Object *obj = root;

    g_return_val_if_fail(root != NULL && path != NULL, NULL);

    parts = g_strsplit(path, "/", 0);
    for (char **part = parts; *part; part++) {
        Object *child;

        if (**part == '\0') {
            continue;
        }
        child = object_resolve_path_component(obj, *part);
        if (!child) {
            g_autoptr(Object) fresh = object_new(TYPE_CONTAINER);

            object_property_add_child(obj, *part, fresh, NULL);
            child = fresh;
        }
        obj = child;
    }
    return obj;
}

Object *object_get_root(void)
{
    if (!root_obj) {
        root_obj = object_new(TYPE_CONTAINER);
        container_get(root_obj, "objects");
    }
    return root_obj;
}

Object *object_get_objects_root(void)
{
    return container_get(object_get_root(), "objects");
}

Object *object_get_container(const char *name)
{
    g_return_val_if_fail(name != NULL && *name && !strchr(name, '/'), NULL);
    return container_get(object_get_root(), name);
}

void object_root_reset(void)
{
    object_unref(g_steal_pointer(&root_obj));
}

/* ---- paths ---- */

const char *object_get_canonical_path_component(Object *obj)
{
    ObjectProperty *prop;

    g_return_val_if_fail(obj != NULL, NULL);
    if (!obj->parent) {
        return NULL;
    }
    prop = find_child_property(obj->parent, obj);
    return prop ? prop->name : NULL;
}

char *object_get_canonical_path(Object *obj)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GString *path;

    g_return_val_if_fail(obj != NULL, NULL);

    for (; obj != root_obj; obj = obj->parent) {
        if (!obj->parent) {
            return NULL;
        }
        g_ptr_array_add(names,
                        (gpointer)object_get_canonical_path_component(obj));
    }
    if (names->len == 0) {
        return g_strdup("/");
    }
    path = g_string_new(NULL);
    for (guint i = names->len; i > 0; i--) {
        g_string_append_c(path, '/');
        g_string_append(path, g_ptr_array_index(names, i - 1));
    }
    return g_string_free(path, FALSE);
}

Object *object_resolve_path_component(Object *parent, const char *part)
{
    ObjectProperty *prop;

    g_return_val_if_fail(parent != NULL && part != NULL, NULL);

    prop = object_property_find(parent, part, NULL);
    if (!prop || !prop->resolve) {
        return NULL;
    }
    return prop->resolve(parent, prop, part);
}

/* Follows @parts from @from, skipping empty components. */
static Object *resolve_from(Object *from, char **parts, const char *typename)
{
    Object *obj = from;

    for (; *parts; parts++) {
        if (**parts == '\0') {
            continue;
        }
        obj = object_resolve_path_component(obj, *parts);
        if (!obj) {
            return NULL;
        }
    }
    return typename ? object_dynamic_cast(obj, typename) : obj;
}

typedef struct PartialSearch {
    char **parts;
    const char *typename;
    Object *found;
    bool ambiguous;
} PartialSearch;

/*
 * Tries the path from every object of the tree.  Two routes to the same
 * object (through a link, say) are still one match.
 */
static int partial_search(Object *node, void *opaque)
{
    PartialSearch *s = opaque;
    Object *match = resolve_from(node, s->parts, s->typename);

    if (match) {
        if (s->found && s->found != match) {
            s->ambiguous = true;
            return 1;
        }
        s->found = match;
    }
    return object_child_foreach(node, partial_search, s);
}

static bool has_component(char **parts)
{
    for (; *parts; parts++) {
        if (**parts) {
            return true;
        }
    }
    return false;
}

Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ret_ambiguous)
{
    g_auto(GStrv) parts = NULL;
    PartialSearch s = {0};

    if (ret_ambiguous) {
        *ret_ambiguous = false;
    }
    g_return_val_if_fail(path != NULL, NULL);

    parts = g_strsplit(path, "/", 0);
    if (path[0] == '/') {
        return resolve_from(object_get_root(), parts, typename);
    }
    if (!has_component(parts)) {
        return NULL;
    }
    s.parts = parts;
    s.typename = typename;
    partial_search(object_get_root(), &s);
    if (s.ambiguous) {
        if (ret_ambiguous) {
            *ret_ambiguous = true;
        }
        return NULL;
    }
    return s.found;
}

Object *object_resolve_path(const char *path, bool *ret_ambiguous)
{
    return object_resolve_path_type(path, NULL, ret_ambiguous);
}

Object *object_resolve_path_at(Object *parent, const char *path)
{
    g_auto(GStrv) parts = NULL;

    g_return_val_if_fail(parent != NULL && path != NULL, NULL);

    parts = g_strsplit(path, "/", 0);
    return resolve_from(path[0] == '/' ? object_get_root() : parent, parts,
                        NULL);
}
