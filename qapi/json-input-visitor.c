/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON input visitor: reads a json-glib tree into QAPI C values, in
 * strict (QMP) or keyval (command line) mode, with QEMU's error texts.
 */

#include "prelude.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qapi/json-input-visitor.h"
#include "qapi/visitor-impl.h"
#include "util/error.h"

/* One open container; the stack's top is the innermost. */
typedef struct StackFrame {
    JsonNode *node;        /* the object or array (borrowed) */
    char *name;            /* the name it was visited under, or NULL */
    GHashTable *unvisited; /* objects: member names not yet read */
    GList *keys;           /* objects: member names in input order */
    guint index;           /* arrays: the current element */
} StackFrame;

typedef struct JsonInputVisitor {
    Visitor visitor;
    JsonNode *root;
    GPtrArray *stack; /* of StackFrame *, innermost last */
    GString *errname;
} JsonInputVisitor;

static JsonInputVisitor *to_jiv(Visitor *v)
{
    return (JsonInputVisitor *)v;
}

static void frame_free(StackFrame *f)
{
    g_free(f->name);
    if (f->unvisited) {
        g_hash_table_unref(f->unvisited);
    }
    g_list_free(f->keys);
    g_free(f);
}

static StackFrame *top(JsonInputVisitor *jiv)
{
    if (!jiv->stack->len) {
        return NULL;
    }
    return g_ptr_array_index(jiv->stack, jiv->stack->len - 1);
}

/*
 * The path of member @name of the innermost container, as QEMU prints it:
 * "a.b" for members, "a[2]" for list elements ("a.2" in keyval mode).
 */
static const char *full_name(JsonInputVisitor *jiv, const char *name)
{
    guint i;

    g_string_truncate(jiv->errname, 0);
    for (i = jiv->stack->len; i-- > 0;) {
        StackFrame *f = g_ptr_array_index(jiv->stack, i);

        if (JSON_NODE_HOLDS_OBJECT(f->node)) {
            g_string_prepend(jiv->errname, name ? name : "<anonymous>");
            g_string_prepend_c(jiv->errname, '.');
        } else {
            g_autofree char *idx =
                g_strdup_printf(jiv->visitor.keyval ? ".%u" : "[%u]", f->index);

            g_string_prepend(jiv->errname, idx);
        }
        name = f->name;
    }
    if (name) {
        g_string_prepend(jiv->errname, name);
    } else if (jiv->errname->str[0] == '.') {
        g_string_erase(jiv->errname, 0, 1);
    } else if (!jiv->errname->str[0]) {
        return "<anonymous>";
    }
    return jiv->errname->str;
}

static const char *jiv_describe(Visitor *v, const char *name)
{
    return full_name(to_jiv(v), name);
}

/*
 * The value of @name in the innermost container (the root when the stack
 * is empty); NULL when absent.  @consume marks an object member visited.
 */
static JsonNode *try_get(JsonInputVisitor *jiv, const char *name, bool consume)
{
    StackFrame *f = top(jiv);
    JsonNode *node;

    if (!f) {
        return jiv->root;
    }
    if (JSON_NODE_HOLDS_OBJECT(f->node)) {
        JsonObject *obj = json_node_get_object(f->node);

        g_return_val_if_fail(name != NULL, NULL);
        node = json_object_get_member(obj, name);
        if (node && consume) {
            g_hash_table_remove(f->unvisited, name);
        }
        return node;
    }
    {
        JsonArray *arr = json_node_get_array(f->node);

        if (f->index >= json_array_get_length(arr)) {
            return NULL;
        }
        return json_array_get_element(arr, f->index);
    }
}

static JsonNode *get(JsonInputVisitor *jiv, const char *name, GError **errp)
{
    JsonNode *node = try_get(jiv, name, true);

    if (!node) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter '%s' is missing", full_name(jiv, name));
    }
    return node;
}

static void type_error(JsonInputVisitor *jiv, const char *name,
                       const char *expected, GError **errp)
{
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "Invalid parameter type for '%s', expected: %s",
                full_name(jiv, name), expected);
}

static void value_error(JsonInputVisitor *jiv, const char *name,
                        const char *expected, GError **errp)
{
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "Parameter '%s' expects %s", full_name(jiv, name), expected);
}

static void push(JsonInputVisitor *jiv, const char *name, JsonNode *node)
{
    StackFrame *f = g_new0(StackFrame, 1);

    f->node = node;
    /* the name matters only below the root, see full_name() */
    f->name = g_strdup(name);
    if (JSON_NODE_HOLDS_OBJECT(node)) {
        GList *l;

        f->unvisited = g_hash_table_new(g_str_hash, g_str_equal);
        f->keys = json_object_get_members(json_node_get_object(node));
        for (l = f->keys; l; l = l->next) {
            g_hash_table_add(f->unvisited, l->data);
        }
    }
    g_ptr_array_add(jiv->stack, f);
}

static void pop(JsonInputVisitor *jiv)
{
    g_return_if_fail(jiv->stack->len > 0);
    g_ptr_array_remove_index(jiv->stack, jiv->stack->len - 1);
}

static bool jiv_start_struct(Visitor *v, const char *name, void **obj,
                             size_t size, GError **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node = get(jiv, name, errp);

    if (obj) {
        *obj = NULL;
    }
    if (!node) {
        return false;
    }
    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        type_error(jiv, name, "object", errp);
        return false;
    }
    push(jiv, name, node);
    if (obj) {
        *obj = g_malloc0(size);
    }
    return true;
}

static bool jiv_check_struct(Visitor *v, GError **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    StackFrame *f = top(jiv);
    GList *l;

    g_return_val_if_fail(f && f->unvisited, false);
    /* the first unknown member in input order */
    for (l = f->keys; l; l = l->next) {
        if (g_hash_table_contains(f->unvisited, l->data)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Parameter '%s' is unexpected",
                        full_name(jiv, l->data));
            return false;
        }
    }
    return true;
}

static void jiv_end_struct(Visitor *v, void **obj)
{
    pop(to_jiv(v));
}

static bool jiv_start_list(Visitor *v, const char *name, GenericList **list,
                           size_t size, GError **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node = get(jiv, name, errp);

    if (list) {
        *list = NULL;
    }
    if (!node) {
        return false;
    }
    if (!JSON_NODE_HOLDS_ARRAY(node)) {
        type_error(jiv, name, "array", errp);
        return false;
    }
    push(jiv, name, node);
    if (list && json_array_get_length(json_node_get_array(node)) > 0) {
        *list = g_malloc0(size);
    }
    return true;
}

static GenericList *jiv_next_list(Visitor *v, GenericList *tail, size_t size)
{
    JsonInputVisitor *jiv = to_jiv(v);
    StackFrame *f = top(jiv);

    f->index++;
    if (f->index >= json_array_get_length(json_node_get_array(f->node))) {
        return NULL;
    }
    tail->next = g_malloc0(size);
    return tail->next;
}

static void jiv_end_list(Visitor *v, void **list)
{
    pop(to_jiv(v));
}

static QType node_qtype(JsonNode *node)
{
    switch (JSON_NODE_TYPE(node)) {
    case JSON_NODE_OBJECT:
        return QTYPE_QDICT;
    case JSON_NODE_ARRAY:
        return QTYPE_QLIST;
    case JSON_NODE_NULL:
        return QTYPE_QNULL;
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_STRING:
            return QTYPE_QSTRING;
        case G_TYPE_BOOLEAN:
            return QTYPE_QBOOL;
        default:
            return QTYPE_QNUM;
        }
    }
    return QTYPE_NONE;
}

static bool jiv_start_alternate(Visitor *v, const char *name,
                                GenericAlternate **obj, size_t size,
                                GError **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node = try_get(jiv, name, false);

    *obj = NULL;
    if (!node) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter '%s' is missing", full_name(jiv, name));
        return false;
    }
    *obj = g_malloc0(size);
    (*obj)->type = node_qtype(node);
    return true;
}

static bool is_string(JsonNode *node)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
           json_node_get_value_type(node) == G_TYPE_STRING;
}

static bool is_int(JsonNode *node)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
           json_node_get_value_type(node) == G_TYPE_INT64;
}

static bool is_double(JsonNode *node)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
           json_node_get_value_type(node) == G_TYPE_DOUBLE;
}

static bool is_bool(JsonNode *node)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
           json_node_get_value_type(node) == G_TYPE_BOOLEAN;
}

/* Parses a whole string as an integer in base 0 (QEMU's qemu_strto*). */
static bool parse_int64(const char *str, int64_t *ret)
{
    char *end;
    long long val;

    if (!*str || g_ascii_isspace(*str)) {
        return false;
    }
    errno = 0;
    val = strtoll(str, &end, 0);
    if (errno || *end) {
        return false;
    }
    *ret = val;
    return true;
}

static bool parse_uint64(const char *str, uint64_t *ret)
{
    char *end;
    unsigned long long val;
    const char *p = str;

    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (!*p) {
        return false;
    }
    /*
     * A leading '-' wraps, as with QEMU's qemu_strtou64: it is how the
     * output visitor writes values above INT64_MAX.
     */
    errno = 0;
    val = strtoull(str, &end, 0);
    if (errno || *end || end == str) {
        return false;
    }
    *ret = val;
    return true;
}

/*
 * A size: a number (fractions allowed when a suffix follows) with an
 * optional B/K/M/G/T/P/E suffix in either case, powers of 1024.
 */
static bool parse_size(const char *str, uint64_t *ret)
{
    static const char suffixes[] = "BKMGTPE";
    const char *p = str;
    char *end;
    uint64_t ival;
    double fval = 0;
    uint64_t mult = 1;
    bool frac = false;
    const char *s;

    if (!g_ascii_isdigit(*p)) {
        return false;
    }
    errno = 0;
    ival = g_ascii_strtoull(p, &end, 10);
    if (errno) {
        return false;
    }
    if (*end == '.') {
        fval = g_ascii_strtod(p, &end);
        frac = true;
    }
    if (*end) {
        s = strchr(suffixes, g_ascii_toupper(*end));
        if (!s || end[1]) {
            return false;
        }
        mult = (uint64_t)1 << (10 * (s - suffixes));
    } else if (frac) {
        return false;
    }
    if (frac) {
        double val = fval * (double)mult;

        if (val >= 18446744073709551616.0) {
            return false;
        }
        *ret = (uint64_t)val;
        return true;
    }
    if (mult > 1 && ival > UINT64_MAX / mult) {
        return false;
    }
    *ret = ival * mult;
    return true;
}

/* keyval mode: the text of a string scalar, NULL when it is not one. */
static const char *keyval_text(JsonInputVisitor *jiv, JsonNode *node)
{
    if (jiv->visitor.keyval && is_string(node)) {
        return json_node_get_string(node);
    }
    return NULL;
}

static bool jiv_type_int64(Visitor *v, const char *name, int64_t *obj,
                           GError **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node = get(jiv, name, errp);
    const char *text;

    if (!node) {
        return false;
    }
    text = keyval_text(jiv, node);
    if (text) {
        if (!parse_int64(text, obj)) {
            value_error(jiv, name, "integer", errp);
            return false;
        }
        return true;
    }
    if (!is_int(node)) {
        type_error(jiv, name, "integer", errp);
        return false;
    }
    *obj = json_node_get_int(node);
    return true;
}

/* JSON numbers for uint64: ints (negative ones wrap, as in QEMU), and
 * integral doubles in [2^63, 2^64) for what json-glib could not hold. */
static bool node_to_uint64(JsonNode *node, uint64_t *obj)
{
    if (is_int(node)) {
        *obj = (uint64_t)json_node_get_int(node);
        return true;
    }
    if (is_double(node)) {
        double d = json_node_get_double(node);

        /* every double in this range is integral (beyond 2^53) */
        if (d >= 9223372036854775808.0 && d < 18446744073709551616.0) {
            *obj = (uint64_t)d;
            return true;
        }
    }
    return false;
}

static bool jiv_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                            GError **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node = get(jiv, name, errp);
    const char *text;

    if (!node) {
        return false;
    }
    text = keyval_text(jiv, node);
    if (text) {
        if (!parse_uint64(text, obj)) {
            value_error(jiv, name, "integer", errp);
            return false;
        }
        return true;
    }
    if (!node_to_uint64(node, obj)) {
        if (JSON_NODE_HOLDS_VALUE(node) && (is_int(node) || is_double(node))) {
            value_error(jiv, name, "uint64", errp);
        } else {
            type_error(jiv, name, "integer", errp);
        }
        return false;
    }
    return true;
}

/*
 * Sizes stop at INT64_MAX.  json-glib turns a JSON integer from 2^63 up
 * into a negative int64, so "-8192" and "18446744073709543424" arrive
 * alike; a negative size is a mistake, and a byte count that large would
 * leave the output visitor as a negative number again.
 */
static bool jiv_type_size(Visitor *v, const char *name, uint64_t *obj,
                          GError **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node = try_get(jiv, name, false);
    const char *text;
    uint64_t value;

    if (!node) {
        return jiv_type_uint64(v, name, obj, errp); /* the missing error */
    }
    text = keyval_text(jiv, node);
    if (!text) {
        if (!jiv_type_uint64(v, name, &value, errp)) {
            return false;
        }
    } else {
        get(jiv, name, NULL);
        if (!parse_size(text, &value)) {
            value_error(jiv, name, "size", errp);
            return false;
        }
    }
    if (value > INT64_MAX) {
        value_error(jiv, name, "a non-negative number below 2^63", errp);
        return false;
    }
    *obj = value;
    return true;
}

static bool jiv_type_bool(Visitor *v, const char *name, bool *obj,
                          GError **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node = get(jiv, name, errp);
    const char *text;

    if (!node) {
        return false;
    }
    text = keyval_text(jiv, node);
    if (text) {
        if (!strcmp(text, "on") || !strcmp(text, "yes") ||
            !strcmp(text, "true") || !strcmp(text, "y")) {
            *obj = true;
        } else if (!strcmp(text, "off") || !strcmp(text, "no") ||
                   !strcmp(text, "false") || !strcmp(text, "n")) {
            *obj = false;
        } else {
            value_error(jiv, name, "'on' or 'off'", errp);
            return false;
        }
        return true;
    }
    if (!is_bool(node)) {
        type_error(jiv, name, "boolean", errp);
        return false;
    }
    *obj = json_node_get_boolean(node);
    return true;
}

static bool jiv_type_str(Visitor *v, const char *name, char **obj,
                         GError **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node = get(jiv, name, errp);

    *obj = NULL;
    if (!node) {
        return false;
    }
    if (!is_string(node)) {
        type_error(jiv, name, "string", errp);
        return false;
    }
    *obj = g_strdup(json_node_get_string(node));
    return true;
}

static bool jiv_type_number(Visitor *v, const char *name, double *obj,
                            GError **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node = get(jiv, name, errp);
    const char *text;

    if (!node) {
        return false;
    }
    text = keyval_text(jiv, node);
    if (text) {
        char *end;
        double d;

        errno = 0;
        d = g_ascii_strtod(text, &end);
        if (!*text || *end || errno || !isfinite(d)) {
            value_error(jiv, name, "number", errp);
            return false;
        }
        *obj = d;
        return true;
    }
    if (is_int(node)) {
        *obj = (double)json_node_get_int(node);
        return true;
    }
    if (!is_double(node)) {
        type_error(jiv, name, "number", errp);
        return false;
    }
    *obj = json_node_get_double(node);
    return true;
}

static bool jiv_type_any(Visitor *v, const char *name, JsonNode **obj,
                         GError **errp)
{
    JsonNode *node = get(to_jiv(v), name, errp);

    *obj = NULL;
    if (!node) {
        return false;
    }
    *obj = json_node_copy(node);
    return true;
}

static bool jiv_type_null(Visitor *v, const char *name, JsonNode **obj,
                          GError **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node = get(jiv, name, errp);
    const char *text;

    *obj = NULL;
    if (!node) {
        return false;
    }
    text = keyval_text(jiv, node);
    if (!JSON_NODE_HOLDS_NULL(node) && !(text && !*text)) {
        type_error(jiv, name, "null", errp);
        return false;
    }
    *obj = json_node_new(JSON_NODE_NULL);
    return true;
}

static void jiv_optional(Visitor *v, const char *name, bool *present)
{
    *present = try_get(to_jiv(v), name, false) != NULL;
}

static void jiv_free(Visitor *v)
{
    JsonInputVisitor *jiv = to_jiv(v);

    g_ptr_array_unref(jiv->stack);
    g_string_free(jiv->errname, TRUE);
    json_node_unref(jiv->root);
    g_free(jiv);
}

static Visitor *new_visitor(JsonNode *root, bool keyval)
{
    JsonInputVisitor *jiv;

    g_return_val_if_fail(root != NULL, NULL);
    jiv = g_new0(JsonInputVisitor, 1);
    jiv->visitor.type = VISITOR_INPUT;
    jiv->visitor.keyval = keyval;
    jiv->visitor.start_struct = jiv_start_struct;
    jiv->visitor.check_struct = jiv_check_struct;
    jiv->visitor.end_struct = jiv_end_struct;
    jiv->visitor.start_list = jiv_start_list;
    jiv->visitor.next_list = jiv_next_list;
    jiv->visitor.end_list = jiv_end_list;
    jiv->visitor.start_alternate = jiv_start_alternate;
    jiv->visitor.type_int64 = jiv_type_int64;
    jiv->visitor.type_uint64 = jiv_type_uint64;
    jiv->visitor.type_size = jiv_type_size;
    jiv->visitor.type_bool = jiv_type_bool;
    jiv->visitor.type_str = jiv_type_str;
    jiv->visitor.type_number = jiv_type_number;
    jiv->visitor.type_any = jiv_type_any;
    jiv->visitor.type_null = jiv_type_null;
    jiv->visitor.optional = jiv_optional;
    jiv->visitor.free = jiv_free;
    jiv->visitor.describe = jiv_describe;
    jiv->root = json_node_ref(root);
    jiv->stack = g_ptr_array_new_with_free_func((GDestroyNotify)frame_free);
    jiv->errname = g_string_new("");
    return &jiv->visitor;
}

Visitor *json_input_visitor_new(JsonNode *root)
{
    return new_visitor(root, false);
}

Visitor *json_input_visitor_new_keyval(JsonNode *root)
{
    return new_visitor(root, true);
}
