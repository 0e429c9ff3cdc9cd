/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Acting on -object and -device (parsed by system/cmdline-objects.c):
 * creating the objects and recording the serial ports, in main()'s
 * order.
 */

#include "prelude.h"

#include "chardev/char.h"
#include "qom/object-property.h"
#include "qom/object.h"
#include "qom/user-creatable.h"
#include "system/cmdline.h"
#include "system/machine-init.h"
#include "util/cutils.h"
#include "util/error.h"

/*
 * A key=value option's values are strings; the property's type says how
 * to read them (QEMU's keyval visitor does the same).
 */
static JsonNode *keyval_value_for(ObjectClass *klass, const char *name,
                                  JsonNode *value, GError **errp)
{
    ObjectProperty *prop = object_class_property_find(klass, name, NULL);
    const char *text;

    if (prop == NULL || !JSON_NODE_HOLDS_VALUE(value) ||
        json_node_get_value_type(value) != G_TYPE_STRING) {
        return json_node_copy(value);
    }
    text = json_node_get_string(value);
    if (g_str_equal(prop->type, "bool")) {
        bool b;

        if (g_str_equal(text, "on") || g_str_equal(text, "yes") ||
            g_str_equal(text, "true") || g_str_equal(text, "y")) {
            b = true;
        } else if (g_str_equal(text, "off") || g_str_equal(text, "no") ||
                   g_str_equal(text, "false") || g_str_equal(text, "n")) {
            b = false;
        } else {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Parameter '%s' expects 'on' or 'off'", name);
            return NULL;
        }
        return json_node_init_boolean(json_node_alloc(), b);
    }
    /*
     * Numbers: memory backends list their sizes as "int" (QEMU's type
     * string), so every non-negative number takes a size suffix here.
     */
    if (g_str_equal(prop->type, "int") && text[0] == '-') {
        int64_t v;

        if (!qmpd_parse_int64(name, text, &v, errp)) {
            return NULL;
        }
        return json_node_init_int(json_node_alloc(), v);
    }
    if (g_str_equal(prop->type, "int") || g_str_equal(prop->type, "size") ||
        g_str_has_prefix(prop->type, "uint")) {
        uint64_t v;

        if (!qmpd_parse_size(name, text, 1, &v, errp)) {
            return NULL;
        }
        return object_property_json_uint(v);
    }
    return json_node_copy(value);
}

bool cmdline_create_object(const CmdlineTypedArg *t, GError **errp)
{
    const char *type = json_object_get_string_member(t->props, "qom-type");
    JsonNode *id_node = json_object_get_member(t->props, "id");
    ObjectClass *klass = object_class_by_name(type);
    g_autoptr(JsonObject) props = json_object_new();
    g_autoptr(GList) names = json_object_get_members(t->props);

    if (id_node == NULL || !JSON_NODE_HOLDS_VALUE(id_node) ||
        json_node_get_value_type(id_node) != G_TYPE_STRING) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    id_node == NULL ? "Parameter 'id' is missing"
                                    : "Invalid parameter type for 'id', "
                                      "expected: string");
        return false;
    }
    for (GList *l = names; l != NULL; l = l->next) {
        const char *name = l->data;
        JsonNode *value = json_object_get_member(t->props, name);
        JsonNode *typed;

        if (g_str_equal(name, "qom-type") || g_str_equal(name, "id")) {
            continue;
        }
        typed = t->keyval && klass != NULL
                    ? keyval_value_for(klass, name, value, errp)
                    : json_node_copy(value);
        if (typed == NULL) {
            return false;
        }
        json_object_set_member(props, name, typed);
    }
    return object_add_from_json(type, json_node_get_string(id_node), props,
                                errp) != NULL;
}

bool cmdline_create_device(const CmdlineTypedArg *t, GError **errp)
{
    static const char *const keys[] = {"driver", "chardev", "id", "index",
                                       NULL};
    g_autoptr(GList) names = json_object_get_members(t->props);
    const char *chardev = NULL, *id = NULL;
    int64_t index = -1;

    for (GList *l = names; l != NULL; l = l->next) {
        const char *name = l->data;
        JsonNode *value = json_object_get_member(t->props, name);
        GType vt = JSON_NODE_HOLDS_VALUE(value)
                       ? json_node_get_value_type(value)
                       : G_TYPE_INVALID;

        if (!g_strv_contains(keys, name)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Property 'isa-serial.%s' not found (qmpd's "
                        "isa-serial has chardev, id and index)",
                        name);
            return false;
        }
        if (g_str_equal(name, "index")) {
            if (vt == G_TYPE_INT64) {
                index = json_node_get_int(value);
            } else if (vt != G_TYPE_STRING ||
                       !qmpd_parse_int64(name, json_node_get_string(value),
                                         &index, NULL)) {
                index = -2;
            }
            if (index < 0) {
                g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "Parameter 'index' expects uint32");
                return false;
            }
        } else if (vt != G_TYPE_STRING) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Invalid parameter type for '%s', expected: string",
                        name);
            return false;
        } else if (g_str_equal(name, "chardev")) {
            chardev = json_node_get_string(value);
        } else if (g_str_equal(name, "id")) {
            id = json_node_get_string(value);
        }
    }
    if (id != NULL && !id_wellformed(id)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter 'id' expects an identifier");
        return false;
    }
    if (chardev != NULL && chardev_find(chardev) == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Property 'isa-serial.chardev' can't find value '%s'",
                    chardev);
        return false;
    }
    return machine_init_add_serial_device(index, chardev, id, errp);
}
