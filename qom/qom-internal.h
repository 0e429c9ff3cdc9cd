/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Shared between the files of the qom layer; nothing outside qom/ may
 * include it.
 */

#include "prelude.h"
#include "qom/object-property.h"
#include "qom/object.h"

struct TypeImpl {
    char *name;
    char *parent_name;            /* nullable */
    struct TypeImpl *parent_type; /* resolved when the class is built */
    size_t instance_size;
    size_t class_size;
    void (*instance_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    void (*class_init)(ObjectClass *klass, const void *data);
    const void *class_data;
    bool abstract;
    GPtrArray *interface_names; /* char *, owned */
    ObjectClass *klass;         /* NULL until first use */
};

/* Registration hooks of the built-in types, run once by the type table. */
void object_tree_register_types(void);
void user_creatable_register_types(void);
void memory_backend_register_types(void);
void secret_register_types(void);

/* Property table plumbing used by object.c. */
void object_property_table_init(GPtrArray **ret_props, GHashTable **ret_index);
void object_property_table_free(Object *obj);
void object_class_apply_defaults(Object *obj);
bool object_property_is_child(const ObjectProperty *prop);
