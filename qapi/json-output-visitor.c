/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON output visitor: builds a json-glib tree from QAPI C values,
 * with typed JSON scalars or, in keyval mode, with every scalar as the
 * text the keyval input visitor reads back.
 */

#include "prelude.h"

#include "qapi/json-output-visitor.h"
#include "qapi/visitor-impl.h"

typedef struct JsonOutputVisitor {
    Visitor visitor;
    GPtrArray *stack; /* of JsonNode * (object or array), innermost last */
    JsonNode *root;
    JsonNode **result;
    bool keyval; /* scalars as keyval text */
} JsonOutputVisitor;

static JsonOutputVisitor *to_jov(Visitor *v)
{
    return (JsonOutputVisitor *)v;
}

/* Adds @node (transfer full) as member @name of the innermost container. */
static void add(JsonOutputVisitor *jov, const char *name, JsonNode *node)
{
    JsonNode *parent;

    if (!jov->stack->len) {
        g_return_if_fail(jov->root == NULL);
        jov->root = node;
        return;
    }
    parent = g_ptr_array_index(jov->stack, jov->stack->len - 1);
    if (JSON_NODE_HOLDS_OBJECT(parent)) {
        g_return_if_fail(name != NULL);
        json_object_set_member(json_node_get_object(parent), name, node);
    } else {
        json_array_add_element(json_node_get_array(parent), node);
    }
}

/* Adds scalar @text as a string: the keyval spelling of a value. */
static void add_text(JsonOutputVisitor *jov, const char *name, const char *text)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_string(node, text);
    add(jov, name, node);
}

static bool jov_start_struct(Visitor *v, const char *name, void **obj,
                             size_t size, GError **errp)
{
    JsonOutputVisitor *jov = to_jov(v);
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    JsonObject *o = json_object_new();

    json_node_take_object(node, o);
    add(jov, name, node);
    g_ptr_array_add(jov->stack, node);
    return true;
}

static void jov_end(Visitor *v, void **obj)
{
    JsonOutputVisitor *jov = to_jov(v);

    g_return_if_fail(jov->stack->len > 0);
    g_ptr_array_remove_index(jov->stack, jov->stack->len - 1);
}

static bool jov_start_list(Visitor *v, const char *name, GenericList **list,
                           size_t size, GError **errp)
{
    JsonOutputVisitor *jov = to_jov(v);
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);

    json_node_take_array(node, json_array_new());
    add(jov, name, node);
    g_ptr_array_add(jov->stack, node);
    return true;
}

static GenericList *jov_next_list(Visitor *v, GenericList *tail, size_t size)
{
    return tail->next;
}

static bool jov_start_alternate(Visitor *v, const char *name,
                                GenericAlternate **obj, size_t size,
                                GError **errp)
{
    return true;
}

static bool jov_type_int64(Visitor *v, const char *name, int64_t *obj,
                           GError **errp)
{
    JsonNode *node;

    if (to_jov(v)->keyval) {
        g_autofree char *text = g_strdup_printf("%" PRId64, *obj);

        add_text(to_jov(v), name, text);
        return true;
    }
    node = json_node_new(JSON_NODE_VALUE);

    json_node_set_int(node, *obj);
    add(to_jov(v), name, node);
    return true;
}

static bool jov_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                            GError **errp)
{
    JsonNode *node;

    if (to_jov(v)->keyval) {
        g_autofree char *text = g_strdup_printf("%" PRIu64, *obj);

        add_text(to_jov(v), name, text);
        return true;
    }
    node = json_node_new(JSON_NODE_VALUE);

    /*
     * json-glib has no unsigned 64-bit integers.  A double would lose the
     * low bits above 2^53, so values above INT64_MAX are stored as their
     * two's-complement int64; the input visitor (like QEMU's) reads a
     * negative number for a uint64 back as that same value.
     */
    json_node_set_int(node, (int64_t)*obj);
    add(to_jov(v), name, node);
    return true;
}

static bool jov_type_bool(Visitor *v, const char *name, bool *obj,
                          GError **errp)
{
    JsonNode *node;

    if (to_jov(v)->keyval) {
        add_text(to_jov(v), name, *obj ? "on" : "off");
        return true;
    }
    node = json_node_new(JSON_NODE_VALUE);

    json_node_set_boolean(node, *obj);
    add(to_jov(v), name, node);
    return true;
}

static bool jov_type_str(Visitor *v, const char *name, char **obj,
                         GError **errp)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_string(node, *obj ? *obj : "");
    add(to_jov(v), name, node);
    return true;
}

static bool jov_type_number(Visitor *v, const char *name, double *obj,
                            GError **errp)
{
    JsonNode *node;

    if (to_jov(v)->keyval) {
        char text[G_ASCII_DTOSTR_BUF_SIZE];

        /* g_ascii_dtostr() writes enough digits to read back exactly. */
        add_text(to_jov(v), name, g_ascii_dtostr(text, sizeof(text), *obj));
        return true;
    }
    node = json_node_new(JSON_NODE_VALUE);

    json_node_set_double(node, *obj);
    add(to_jov(v), name, node);
    return true;
}

static bool jov_type_any(Visitor *v, const char *name, JsonNode **obj,
                         GError **errp)
{
    add(to_jov(v), name,
        *obj ? json_node_copy(*obj) : json_node_new(JSON_NODE_NULL));
    return true;
}

static bool jov_type_null(Visitor *v, const char *name, JsonNode **obj,
                          GError **errp)
{
    if (to_jov(v)->keyval) {
        /* keyval spells null as the empty value ("key="). */
        add_text(to_jov(v), name, "");
        return true;
    }
    add(to_jov(v), name, json_node_new(JSON_NODE_NULL));
    return true;
}

static void jov_complete(Visitor *v, void *opaque)
{
    JsonOutputVisitor *jov = to_jov(v);

    g_return_if_fail(opaque == jov->result);
    g_return_if_fail(jov->stack->len == 0);
    *jov->result = jov->root;
    jov->root = NULL;
}

static void jov_free(Visitor *v)
{
    JsonOutputVisitor *jov = to_jov(v);

    g_ptr_array_unref(jov->stack);
    if (jov->root) {
        json_node_unref(jov->root);
    }
    g_free(jov);
}

static Visitor *new_visitor(JsonNode **result, bool keyval)
{
    JsonOutputVisitor *jov;

    g_return_val_if_fail(result != NULL, NULL);
    jov = g_new0(JsonOutputVisitor, 1);
    jov->keyval = keyval;
    *result = NULL;
    jov->visitor.type = VISITOR_OUTPUT;
    jov->visitor.start_struct = jov_start_struct;
    jov->visitor.end_struct = jov_end;
    jov->visitor.start_list = jov_start_list;
    jov->visitor.next_list = jov_next_list;
    jov->visitor.end_list = jov_end;
    jov->visitor.start_alternate = jov_start_alternate;
    jov->visitor.type_int64 = jov_type_int64;
    jov->visitor.type_uint64 = jov_type_uint64;
    jov->visitor.type_size = jov_type_uint64;
    jov->visitor.type_bool = jov_type_bool;
    jov->visitor.type_str = jov_type_str;
    jov->visitor.type_number = jov_type_number;
    jov->visitor.type_any = jov_type_any;
    jov->visitor.type_null = jov_type_null;
    jov->visitor.complete = jov_complete;
    jov->visitor.free = jov_free;
    jov->stack = g_ptr_array_new();
    jov->result = result;
    return &jov->visitor;
}

Visitor *json_output_visitor_new(JsonNode **result)
{
    return new_visitor(result, false);
}

Visitor *json_output_visitor_new_keyval(JsonNode **result)
{
    return new_visitor(result, true);
}
