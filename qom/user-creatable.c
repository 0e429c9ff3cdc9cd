/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "user-creatable" interface and the creation and deletion of
 * user-created objects under /objects (object-add, object-del, -object).
 */

#include "prelude.h"

#include "qom-internal.h"
#include "qom/object-property.h"
#include "qom/object-tree.h"
#include "qom/object.h"
#include "qom/user-creatable.h"
#include "util/error.h"

static const TypeInfo user_creatable_info = {
    .name = TYPE_USER_CREATABLE,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(UserCreatableClass),
};

void user_creatable_register_types(void)
{
    type_register_static(&user_creatable_info);
}

bool user_creatable_complete(Object *obj, GError **errp)
{
    UserCreatableClass *ucc;

    g_return_val_if_fail(obj != NULL, false);

    ucc = (UserCreatableClass *)object_class_dynamic_cast(object_get_class(obj),
                                                          TYPE_USER_CREATABLE);
    g_return_val_if_fail(ucc != NULL, false);
    return ucc->complete ? ucc->complete(obj, errp) : true;
}

bool user_creatable_can_be_deleted(Object *obj)
{
    UserCreatableClass *ucc;

    g_return_val_if_fail(obj != NULL, false);

    ucc = (UserCreatableClass *)object_class_dynamic_cast(object_get_class(obj),
                                                          TYPE_USER_CREATABLE);
    g_return_val_if_fail(ucc != NULL, false);
    return ucc->can_be_deleted ? ucc->can_be_deleted(obj) : true;
}

bool id_wellformed(const char *id)
{
    g_return_val_if_fail(id != NULL, false);

    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.' && *p != '_') {
            return false;
        }
    }
    return true;
}

static bool check_creatable(const char *qom_type, GError **errp)
{
    ObjectClass *klass = object_class_by_name(qom_type);

    if (!klass) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "invalid object type: %s", qom_type);
        return false;
    }
    if (!object_class_dynamic_cast(klass, TYPE_USER_CREATABLE)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "object type '%s' isn't supported by object-add", qom_type);
        return false;
    }
    if (object_class_is_abstract(klass)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "object type '%s' is abstract", qom_type);
        return false;
    }
    return true;
}

static bool apply_props(Object *obj, JsonObject *props, GError **errp)
{
    g_autoptr(GList) members = NULL;

    if (!props) {
        return true;
    }
    members = json_object_get_members(props);
    for (GList *l = members; l; l = l->next) {
        const char *name = l->data;

        /*
         * QEMU validates object-add arguments against the type's QAPI
         * struct before touching the object, hence this text rather than
         * the "Property not found" one.
         */
        if (!object_property_find(obj, name, NULL)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Parameter '%s' is unexpected", name);
            return false;
        }
        if (!object_property_set(obj, name, json_object_get_member(props, name),
                                 errp)) {
            return false;
        }
    }
    return true;
}

Object *object_add_from_json(const char *qom_type, const char *id,
                             JsonObject *props, GError **errp)
{
    g_autoptr(Object) obj = NULL;
    g_autoptr(GError) err = NULL;
    Object *container;

    g_return_val_if_fail(qom_type != NULL && id != NULL, NULL);

    if (!id_wellformed(id)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter 'id' expects an identifier");
        return NULL;
    }
    if (!check_creatable(qom_type, errp)) {
        return NULL;
    }

    obj = object_new(qom_type);
    if (!apply_props(obj, props, errp)) {
        return NULL;
    }
    container = object_get_objects_root();
    if (!object_property_add_child(container, id, obj, errp)) {
        return NULL;
    }
    if (!user_creatable_complete(obj, &err)) {
        object_unparent(obj);
        g_propagate_error(errp, g_steal_pointer(&err));
        return NULL;
    }
    /* /objects holds the remaining reference */
    return obj;
}

bool object_del(const char *id, GError **errp)
{
    Object *obj;

    g_return_val_if_fail(id != NULL, false);

    obj = object_resolve_path_component(object_get_objects_root(), id);
    if (!obj) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "object '%s' not found", id);
        return false;
    }
    if (!user_creatable_can_be_deleted(obj)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "object '%s' is in use, can not be deleted", id);
        return false;
    }
    object_unparent(obj);
    return true;
}
