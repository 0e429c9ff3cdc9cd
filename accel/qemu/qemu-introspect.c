/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Introspection after the hand-off: query-commands and query-qmp-schema
 * answer the union of what QEMU answers and what qmpd keeps answering
 * itself.  Both schemas number their types ("1", "2", ...), so qmpd's
 * entries join QEMU's under names of their own ("qmpd-1", ...); builtin
 * types ("str", "int") mean the same on both sides and are shared.
 */

#include "prelude.h"

#include "qapi-introspect.h"
#include "qemu-introspect.h"

JsonNode *qemu_introspect_commands(JsonNode *qemu_commands,
                                   const char *const *local)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    JsonArray *out = json_array_new();
    JsonArray *in = json_node_get_array(qemu_commands);

    for (guint i = 0; i < json_array_get_length(in); i++) {
        JsonObject *cmd = json_array_get_object_element(in, i);
        const char *name = json_object_get_string_member(cmd, "name");

        g_hash_table_add(seen, (gpointer)name);
        json_array_add_object_element(out, json_object_ref(cmd));
    }
    for (guint i = 0; local[i] != NULL; i++) {
        if (!g_hash_table_contains(seen, local[i])) {
            JsonObject *cmd = json_object_new();

            json_object_set_string_member(cmd, "name", local[i]);
            json_array_add_object_element(out, cmd);
        }
    }
    return json_node_init_array(json_node_alloc(), out);
}

/* json_node_copy() shares objects; renaming needs a copy of our own. */
static JsonNode *deep_copy(JsonObject *obj)
{
    g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(), obj);
    g_autofree char *text = json_to_string(node, FALSE);

    return json_from_string(text, NULL);
}

/* Type references inside one SchemaInfo entry. */
static const char *const ref_members[] = {
    "arg-type", "ret-type", "element-type", "type", NULL,
};

static char *local_name(const char *name, GHashTable *builtin)
{
    return g_hash_table_contains(builtin, name)
               ? g_strdup(name)
               : g_strdup_printf("qmpd-%s", name);
}

/* Renames the reference in @obj.@member and queues the referenced type. */
static void rename_ref(JsonObject *obj, const char *member, GHashTable *builtin,
                       GPtrArray *queue, GHashTable *queued)
{
    const char *ref;

    if (!json_object_has_member(obj, member) ||
        !JSON_NODE_HOLDS_VALUE(json_object_get_member(obj, member))) {
        return;
    }
    ref = json_object_get_string_member(obj, member);
    if (!g_hash_table_contains(queued, ref)) {
        g_hash_table_add(queued, g_strdup(ref));
        g_ptr_array_add(queue, g_strdup(ref));
    }
    g_autofree char *renamed = local_name(ref, builtin);

    json_object_set_string_member(obj, member, renamed);
}

static void rename_list(JsonObject *entry, const char *list,
                        GHashTable *builtin, GPtrArray *queue,
                        GHashTable *queued)
{
    JsonArray *items;

    if (!json_object_has_member(entry, list)) {
        return;
    }
    items = json_object_get_array_member(entry, list);
    for (guint i = 0; i < json_array_get_length(items); i++) {
        rename_ref(json_array_get_object_element(items, i), "type", builtin,
                   queue, queued);
    }
}

static void rename_refs(JsonObject *entry, GHashTable *builtin,
                        GPtrArray *queue, GHashTable *queued)
{
    for (guint i = 0; ref_members[i] != NULL; i++) {
        rename_ref(entry, ref_members[i], builtin, queue, queued);
    }
    rename_list(entry, "members", builtin, queue, queued);
    rename_list(entry, "variants", builtin, queue, queued);
}

JsonNode *qemu_introspect_schema(JsonNode *qemu_schema,
                                 const char *const *local)
{
    g_autoptr(JsonNode) ours = qmp_schema_introspection();
    JsonArray *mine = json_node_get_array(ours);
    g_autoptr(GHashTable) by_name = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) builtin = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) queued =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) queue = g_ptr_array_new_with_free_func(g_free);
    JsonArray *out = json_array_new();
    JsonArray *theirs = json_node_get_array(qemu_schema);

    g_autoptr(GHashTable) their_names =
        g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < json_array_get_length(theirs); i++) {
        JsonNode *e = json_array_get_element(theirs, i);

        g_hash_table_add(their_names, (gpointer)json_object_get_string_member(
                                          json_node_get_object(e), "name"));
        json_array_add_element(out, json_node_copy(e));
    }
    for (guint i = 0; i < json_array_get_length(mine); i++) {
        JsonObject *entry = json_array_get_object_element(mine, i);
        const char *name = json_object_get_string_member(entry, "name");

        g_hash_table_insert(by_name, (gpointer)name, entry);
        if (g_str_equal(json_object_get_string_member(entry, "meta-type"),
                        "builtin")) {
            g_hash_table_add(builtin, (gpointer)name);
        }
    }
    /* Commands keep their names; the types they reach are renamed. */
    for (guint i = 0; local[i] != NULL; i++) {
        JsonObject *entry = g_hash_table_lookup(by_name, local[i]);
        JsonNode *dup;

        /* QEMU's own entry stands for a command both have. */
        if (entry == NULL || g_hash_table_contains(their_names, local[i])) {
            continue;
        }
        dup = deep_copy(entry);
        rename_refs(json_node_get_object(dup), builtin, queue, queued);
        json_array_add_element(out, dup);
    }
    for (guint i = 0; i < queue->len; i++) {
        const char *name = g_ptr_array_index(queue, i);
        JsonObject *entry = g_hash_table_lookup(by_name, name);
        g_autofree char *renamed = NULL;
        JsonNode *dup;

        if (entry == NULL || g_hash_table_contains(builtin, name)) {
            continue;
        }
        dup = deep_copy(entry);
        renamed = local_name(name, builtin);
        json_object_set_string_member(json_node_get_object(dup), "name",
                                      renamed);
        rename_refs(json_node_get_object(dup), builtin, queue, queued);
        json_array_add_element(out, dup);
    }
    return json_node_init_array(json_node_alloc(), out);
}
