/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The stored machine configuration and its single change path:
 * merge -> read files -> check -> commit.  Conversions between the C value
 * and JSON go through the generated visitors, so every front-end decodes
 * exactly the same way.
 */

#include "prelude.h"

#include "hw/core/machine-config.h"
#include "hw/core/machine-type.h"
#include "qapi-visit.h"
#include "qapi/clone.h"
#include "qapi/json-input-visitor.h"
#include "qapi/json-output-visitor.h"
#include "util/error.h"
#include "util/json-writer.h"

static MachineProperties *stored_config;
static bool config_frozen;

static MachineProperties *empty_config(void)
{
    return g_new0(MachineProperties, 1);
}

const MachineProperties *machine_config_get(void)
{
    if (stored_config == NULL) {
        stored_config = empty_config();
    }
    return stored_config;
}

static JsonNode *config_encode(const MachineProperties *cfg, bool keyval)
{
    JsonNode *out = NULL;
    MachineProperties *value = (MachineProperties *)cfg;
    Visitor *v = keyval ? json_output_visitor_new_keyval(&out)
                        : json_output_visitor_new(&out);
    g_autoptr(GError) err = NULL;

    /* Encoding a valid C value cannot fail. */
    visit_type_MachineProperties(v, NULL, &value, &err);
    g_assert_no_error(err);
    visit_complete(v, &out);
    visit_free(v);
    return out;
}

JsonNode *machine_config_to_json(const MachineProperties *cfg)
{
    return config_encode(cfg, false);
}

JsonNode *machine_config_to_keyval_json(const MachineProperties *cfg)
{
    return config_encode(cfg, true);
}

MachineProperties *machine_config_from_json(JsonNode *node, bool keyval,
                                            GError **errp)
{
    MachineProperties *cfg = NULL;
    Visitor *v = keyval ? json_input_visitor_new_keyval(node)
                        : json_input_visitor_new(node);
    bool ok = visit_type_MachineProperties(v, NULL, &cfg, errp);

    visit_free(v);
    if (!ok) {
        qapi_free_MachineProperties(cfg);
        return NULL;
    }
    return cfg;
}

/*
 * Replaces the members of @base named in @names with those of @src (a
 * patch encoded as JSON); a name @src lacks (an empty list decodes to
 * "absent") clears that member.
 */
static MachineProperties *merge_members(const MachineProperties *base,
                                        JsonObject *src, GList *names)
{
    g_autoptr(JsonNode) merged = machine_config_to_json(base);
    JsonObject *dst = json_node_get_object(merged);
    g_autoptr(GError) err = NULL;
    MachineProperties *result;

    for (GList *l = names; l != NULL; l = l->next) {
        const char *name = l->data;

        if (json_object_has_member(src, name)) {
            json_object_set_member(
                dst, name, json_node_copy(json_object_get_member(src, name)));
        } else if (json_object_has_member(dst, name)) {
            json_object_remove_member(dst, name);
        }
    }
    /* Both halves came from valid values, so decoding cannot fail. */
    result = machine_config_from_json(merged, false, &err);
    g_assert_no_error(err);
    return result;
}

MachineProperties *machine_config_merge(const MachineProperties *base,
                                        const MachineProperties *patch)
{
    g_autoptr(JsonNode) changes = machine_config_to_json(patch);
    JsonObject *src = json_node_get_object(changes);
    g_autoptr(GList) names = json_object_get_members(src);

    return merge_members(base, src, names);
}

bool machine_config_equal(const MachineProperties *a,
                          const MachineProperties *b)
{
    g_autoptr(JsonNode) ja = machine_config_to_json(a);
    g_autoptr(JsonNode) jb = machine_config_to_json(b);

    return json_node_equal(ja, jb);
}

/* The single commit path: merge, read files, check, swap. */
static bool apply_patch(JsonObject *changes, GList *names, GPtrArray *warnings,
                        GError **errp)
{
    g_autoptr(MachineProperties) candidate = NULL;
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);

    if (config_frozen) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The machine configuration cannot change after machine "
                    "initialization");
        return false;
    }
    candidate = merge_members(machine_config_get(), changes, names);
    if (!machine_config_load_files(candidate, errp) ||
        !machine_config_check(candidate, notes, errp)) {
        return false;
    }
    qapi_free_MachineProperties(stored_config);
    stored_config = g_steal_pointer(&candidate);
    if (warnings != NULL) {
        for (guint i = 0; i < notes->len; i++) {
            g_ptr_array_add(warnings, g_strdup(g_ptr_array_index(notes, i)));
        }
    }
    return true;
}

bool machine_config_set(const MachineProperties *patch, GPtrArray *warnings,
                        GError **errp)
{
    g_autoptr(JsonNode) changes = machine_config_to_json(patch);
    JsonObject *src = json_node_get_object(changes);
    g_autoptr(GList) names = json_object_get_members(src);

    return apply_patch(src, names, warnings, errp);
}

bool machine_config_set_json(JsonNode *patch, bool keyval, GPtrArray *warnings,
                             GError **errp)
{
    g_autoptr(MachineProperties) decoded = NULL;
    g_autoptr(JsonNode) changes = NULL;
    g_autoptr(GList) names = NULL;

    if (!JSON_NODE_HOLDS_OBJECT(patch)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Invalid parameter type, expected: object");
        return false;
    }
    decoded = machine_config_from_json(patch, keyval, errp);
    if (decoded == NULL) {
        return false;
    }
    /* Re-encoded: defaults and conversions as the visitor applied them. */
    changes = machine_config_to_json(decoded);
    names = json_object_get_members(json_node_get_object(patch));
    return apply_patch(json_node_get_object(changes), names, warnings, errp);
}

void machine_config_default_type(MachineProperties *cfg)
{
    if (cfg->type == NULL) {
        const MachineType *mt = machine_type_default();

        cfg->type = g_strdup(mt->alias != NULL ? mt->alias : mt->name);
    }
}

void machine_config_freeze(void)
{
    machine_config_default_type((MachineProperties *)machine_config_get());
    config_frozen = true;
}

bool machine_config_is_frozen(void)
{
    return config_frozen;
}

void machine_config_reset(void)
{
    g_clear_pointer(&stored_config, qapi_free_MachineProperties);
    config_frozen = false;
}

MachineProperties *machine_config_snapshot(void)
{
    return QAPI_CLONE(MachineProperties, machine_config_get());
}

void machine_config_restore(MachineProperties *snapshot)
{
    g_return_if_fail(snapshot != NULL);

    qapi_free_MachineProperties(stored_config);
    stored_config = snapshot;
    config_frozen = false;
}
