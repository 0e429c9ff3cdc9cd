/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rendering a configuration as an -M option value: dotted keys for
 * nested members, numeric keys for list elements, ",," for commas in
 * values.  keyval_parse() plus the keyval-mode visitor read it back.
 */

#include "prelude.h"

#include "hw/core/machine-config.h"

static void append_escaped(GString *out, const char *text)
{
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == ',') {
            g_string_append_c(out, ',');
        }
        g_string_append_c(out, *p);
    }
}

static void render_scalar(GString *out, const char *key, JsonNode *node)
{
    if (out->len > 0) {
        g_string_append_c(out, ',');
    }
    g_string_append(out, key);
    g_string_append_c(out, '=');
    append_escaped(out, json_node_get_string(node));
}

static void render_node(GString *out, const char *key, JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init(&iter, json_node_get_object(node));
        while (json_object_iter_next(&iter, &name, &member)) {
            g_autofree char *sub = key != NULL
                                       ? g_strdup_printf("%s.%s", key, name)
                                       : g_strdup(name);

            render_node(out, sub, member);
        }
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *array = json_node_get_array(node);

        for (guint i = 0; i < json_array_get_length(array); i++) {
            g_autofree char *sub = g_strdup_printf("%s.%u", key, i);

            render_node(out, sub, json_array_get_element(array, i));
        }
        break;
    }
    case JSON_NODE_VALUE:
        render_scalar(out, key, node);
        break;
    case JSON_NODE_NULL:
        break;
    }
}

char *machine_config_render(const MachineProperties *cfg)
{
    g_autoptr(JsonNode) tree = machine_config_to_keyval_json(cfg);
    GString *out = g_string_new(NULL);

    render_node(out, NULL, tree);
    return g_string_free(out, FALSE);
}
