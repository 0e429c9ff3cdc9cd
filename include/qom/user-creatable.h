/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The "user-creatable" interface: objects that object-add and -object may
 * create under /objects/<id>, and object-del may remove.
 *
 * Contract: object_add_from_json() creates the object, applies every
 * property, adopts it as /objects/<id>, then runs the class's complete()
 * hook.  Any failure undoes all of that, so the tree is unchanged.
 * object_del() refuses while can_be_deleted() says the object is in use.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"
#include "qom/object.h"

#define TYPE_USER_CREATABLE "user-creatable"

typedef struct UserCreatableClass {
    InterfaceClass parent_class;
    /*
     * Finishes creation once all properties are set (validation,
     * allocation).  Nullable: nothing to finish.
     */
    bool (*complete)(Object *obj, GError **errp);
    /* Nullable: always deletable. */
    bool (*can_be_deleted)(Object *obj);
} UserCreatableClass;

#define USER_CREATABLE_CLASS(klass) \
    OBJECT_CLASS_CHECK(UserCreatableClass, klass, TYPE_USER_CREATABLE)
#define USER_CREATABLE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(UserCreatableClass, obj, TYPE_USER_CREATABLE)

/**
 * user_creatable_complete:
 * @obj: an object implementing "user-creatable"
 *
 * Runs the complete() hook.
 * Returns: true on success (also when there is no hook).
 */
bool user_creatable_complete(Object *obj, GError **errp);

/** user_creatable_can_be_deleted: Returns: false while @obj is in use. */
bool user_creatable_can_be_deleted(Object *obj);

/**
 * id_wellformed:
 *
 * Returns: true when @id is a valid object identifier: letters, digits,
 * '-', '.' and '_', starting with a letter.
 */
bool id_wellformed(const char *id);

/**
 * object_add_from_json:
 * @qom_type: the type name
 * @id: the name under /objects
 * @props: (transfer none) (nullable): property values, set in member order
 *
 * Creates a user-creatable object.  Errors (QEMU's texts): "Parameter
 * 'id' expects an identifier", "invalid object type: TYPE", "object type
 * 'TYPE' isn't supported by object-add", "object type 'TYPE' is
 * abstract", "Parameter 'NAME' is unexpected" for an unknown property,
 * any setter error, "attempt to add duplicate property 'ID' to object
 * (type 'container')", or the complete() error.  Nothing changes on
 * error.
 *
 * Returns: (transfer none) (nullable): the object, owned by /objects.
 */
Object *object_add_from_json(const char *qom_type, const char *id,
                             JsonObject *props, GError **errp);

/**
 * object_del:
 * @id: the name under /objects
 *
 * Removes a user-created object.  Errors: "object 'ID' not found",
 * "object 'ID' is in use, can not be deleted".
 *
 * Returns: true on success.
 */
bool object_del(const char *id, GError **errp);
