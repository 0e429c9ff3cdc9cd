/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The composition tree: child<> and link<> properties, the root
 * container and path resolution.
 *
 * Contract:
 * - Every object reachable from the root ("/") through child<>
 *   properties has one canonical path, for example "/objects/ram0".  An
 *   object has at most one parent; the parent holds a reference.
 * - link<> properties point anywhere (or nowhere); a strong link holds a
 *   reference to its target.  Reading a link gives the target's canonical
 *   path ("" when unset); writing takes a path (absolute or partial).
 * - Absolute paths start with '/' and follow child<> and link<>
 *   properties from the root; empty components are skipped.  A partial
 *   path (no leading '/') matches wherever it can be followed from some
 *   object of the tree; it resolves only when exactly one object matches.
 */

#include "prelude.h"
#include "qom/object-property.h"
#include "qom/object.h"

#define TYPE_CONTAINER "container"

typedef enum ObjectPropertyLinkFlags {
    OBJ_PROP_LINK_DIRECT = 0,
    /* the link holds a reference to its target while set */
    OBJ_PROP_LINK_STRONG = 1 << 0,
} ObjectPropertyLinkFlags;

/*
 * Decides whether a link may point at @target (NULL when the link is
 * being cleared).  Returns false with an error to refuse.
 */
typedef bool (*ObjectLinkCheck)(Object *obj, const char *name, Object *target,
                                GError **errp);

/**
 * object_property_add_child:
 * @name: the child's name in @parent ("x[*]" picks the first free index)
 * @child: an object without a parent
 *
 * Adopts @child: adds a read-only property of type "child<TYPE>" whose
 * value is the child's canonical path, and takes a reference to @child
 * (the caller keeps its own).  Fails with the duplicate-property error of
 * object_property_add(), leaving both objects unchanged.  A child that
 * already has a parent is a programmer error.
 *
 * Returns: (transfer none) (nullable): the property.
 */
ObjectProperty *object_property_add_child(Object *parent, const char *name,
                                          Object *child, GError **errp);

/**
 * object_property_add_link:
 * @target_type: type or interface the target must have
 * @targetp: the field holding the target (normally inside @obj); read on
 *           every access, written by the setter
 * @check: (nullable): vets new targets; NULL makes the link read-only
 *
 * Adds a property of type "link<TARGET_TYPE>".  Setting it resolves the
 * path (the empty string clears the link) and fails, leaving the link
 * unchanged, with "Device 'PATH' not found" (DeviceNotFound), "Path
 * 'PATH' does not uniquely identify an object", "Invalid parameter type
 * for 'NAME', expected: TARGET_TYPE", or @check's error.  Deleting the
 * property drops a strong link's reference.
 *
 * Returns: (transfer none) (nullable): the property.
 */
ObjectProperty *object_property_add_link(Object *obj, const char *name,
                                         const char *target_type,
                                         Object **targetp,
                                         ObjectLinkCheck check,
                                         ObjectPropertyLinkFlags flags);

/** object_property_allow_set_link: an ObjectLinkCheck accepting anything. */
bool object_property_allow_set_link(Object *obj, const char *name,
                                    Object *target, GError **errp);

/**
 * object_property_add_const_link:
 * @target: (transfer none): must outlive @obj (no reference is taken)
 *
 * Adds a read-only "link<TYPE>" property that always points at @target.
 *
 * Returns: (transfer none) (nullable): the property.
 */
ObjectProperty *object_property_add_const_link(Object *obj, const char *name,
                                               Object *target);

/**
 * object_get_root:
 *
 * Returns: (transfer none): the root container "/", created on first use
 * together with its "objects" container (for object-add).  Machine code
 * adds the machine object as the root's child "machine".
 */
Object *object_get_root(void);

/** object_get_objects_root: Returns: (transfer none): "/objects". */
Object *object_get_objects_root(void);

/**
 * object_get_container:
 * @name: a child name of the root, for example "chardevs"
 *
 * Returns: (transfer none): the root's child @name, created as an empty
 * container if missing.
 */
Object *object_get_container(const char *name);

/**
 * object_root_reset:
 *
 * Drops the root's reference to the tree: every object under "/" is
 * unparented (and finalized when nothing else holds it), and the next
 * object_get_root() builds a fresh tree.  For tests and orderly exit.
 */
void object_root_reset(void);

/**
 * container_get:
 * @root: where @path starts
 * @path: '/'-separated names, for example "/peripheral-anon"
 *
 * Returns: (transfer none): the object at @path below @root, creating
 * empty containers for missing components.
 */
Object *container_get(Object *root, const char *path);

/**
 * object_get_canonical_path:
 *
 * Returns: (transfer full) (nullable): the path of @obj from the root,
 * "/" for the root itself, NULL when @obj is not in the tree.
 */
char *object_get_canonical_path(Object *obj);

/**
 * object_get_canonical_path_component:
 *
 * Returns: (transfer none) (nullable): the name under which @obj's parent
 * holds it, NULL without a parent.
 */
const char *object_get_canonical_path_component(Object *obj);

/**
 * object_resolve_path_component:
 * @part: a property name of @parent
 *
 * Returns: (transfer none) (nullable): the object that the child<> or
 * link<> property @part of @parent points at.
 */
Object *object_resolve_path_component(Object *parent, const char *part);

/**
 * object_resolve_path_type:
 * @path: an absolute or partial path
 * @typename: (nullable): the object must have this type (or interface);
 *            for partial paths objects of other types do not count as
 *            matches
 * @ret_ambiguous: (nullable): always written when non-NULL: true when a
 *                 partial path matched several objects
 *
 * Returns: (transfer none) (nullable): the object, NULL when none or
 * several match.
 */
Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ret_ambiguous);

/** object_resolve_path: object_resolve_path_type() with any type. */
Object *object_resolve_path(const char *path, bool *ret_ambiguous);

/**
 * object_resolve_path_at:
 *
 * Resolves @path relative to @parent ('/'-separated property names; a
 * leading '/' still starts from the root).
 *
 * Returns: (transfer none) (nullable): the object.
 */
Object *object_resolve_path_at(Object *parent, const char *path);
