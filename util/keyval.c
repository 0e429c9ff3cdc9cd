/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keyval: dotted "key.sub=value,..." option text turned into a JSON tree
 * (objects, arrays from numeric fragments, string leaves), and the merge
 * of successive options.  Error texts follow QEMU's keyval parser.
 */

#include "prelude.h"

#include <limits.h>
#include <string.h>

#include "util/error.h"
#include "util/keyval.h"

/* QEMU's bound on a key fragment, index fragments included */
#define KEYVAL_MAX_FRAGMENT 127

/*
 * Length of the QAPI name at @s: an optional downstream prefix
 * "__RFQDN_", then a letter followed by letters, digits, '-' and '_'.
 * Returns 0 when @s does not start with a name.
 */
static gsize qapi_name_len(const char *s)
{
    const char *p = s;

    if (p[0] == '_') {
        if (p[1] != '_') {
            return 0;
        }
        p += 2;
        while (g_ascii_isalnum(*p) || *p == '-' || *p == '.') {
            p++;
        }
        if (*p != '_') {
            return 0;
        }
        p++;
    }
    if (!g_ascii_isalpha(*p)) {
        return 0;
    }
    p++;
    while (g_ascii_isalnum(*p) || *p == '-' || *p == '_') {
        p++;
    }
    return p - s;
}

static gsize index_len(const char *s)
{
    gsize n = 0;

    while (g_ascii_isdigit(s[n])) {
        n++;
    }
    return n;
}

/* A whole member name that is a list index: its value, capped at INT_MAX */
static int key_to_index(const char *key)
{
    guint64 v = 0;

    if (!g_ascii_isdigit(key[0])) {
        return -1;
    }
    for (const char *p = key; *p; p++) {
        if (!g_ascii_isdigit(*p)) {
            return -1;
        }
        v = MIN(v * 10 + (guint64)(*p - '0'), (guint64)INT_MAX);
    }
    return (int)v;
}

/*
 * Reads a value up to the next single ',' (",," is a literal comma) and
 * leaves *@pp after that ',' or on the terminating NUL.
 */
static char *read_value(const char **pp)
{
    GString *val = g_string_new(NULL);
    const char *p = *pp;

    for (;;) {
        const char *comma = strchr(p, ',');

        if (!comma) {
            g_string_append(val, p);
            p += strlen(p);
            break;
        }
        g_string_append_len(val, p, comma - p);
        p = comma + 1;
        if (*p != ',') {
            break;
        }
        g_string_append_c(val, ',');
        p++;
    }
    *pp = p;
    return g_string_free(val, FALSE);
}

/*
 * Makes @name in @cur an object (@value NULL) or the string @value,
 * failing if it already holds the other kind.  @key_len characters of
 * @key name the clash in the error.
 */
static JsonObject *put(JsonObject *cur, const char *name, const char *value,
                       const char *key, gsize key_len, GError **errp)
{
    JsonNode *old = json_object_get_member(cur, name);

    if (old && (JSON_NODE_HOLDS_OBJECT(old) ? value != NULL : value == NULL)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameters '%.*s.*' used inconsistently", (int)key_len,
                    key);
        return NULL;
    }
    if (value) {
        json_object_set_string_member(cur, name, value);
        return cur;
    }
    if (!old) {
        json_object_set_object_member(cur, name, json_object_new());
    }
    return json_object_get_object_member(cur, name);
}

/* json_node_init_object() takes its own reference; this hands ours over */
static JsonNode *node_take_object(JsonObject *obj)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);

    json_object_unref(obj);
    return node;
}

static bool is_help_word(const char *word, gsize len)
{
    return (len == 4 && strncmp(word, "help", 4) == 0) ||
           (len == 1 && word[0] == '?');
}

/*
 * Parses the item at *@pp into @root and advances *@pp past it.  A bare
 * "help" or "?" sets *@help instead.
 */
static bool parse_one(JsonObject *root, const char **pp,
                      const char *implied_key, bool *help, GError **errp)
{
    const char *params = *pp;
    gsize len = strcspn(params, "=,");
    const char *key = params;
    const char *key_end, *s;
    g_autofree char *value = NULL;
    g_autofree char *fragment = NULL;
    JsonObject *cur = root;

    if (len && params[len] != '=') {
        if (is_help_word(params, len)) {
            *help = true;
            *pp = params[len] == ',' ? params + len + 1 : params + len;
            return true;
        }
        if (implied_key) {
            key = implied_key;
            len = strlen(implied_key);
        }
    }
    key_end = key + len;

    for (s = key;;) {
        gsize flen =
            s != key && g_ascii_isdigit(*s) ? index_len(s) : qapi_name_len(s);

        if (!flen || (s + flen < key_end && s[flen] != '.') ||
            s + flen > key_end) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Invalid parameter '%.*s'", (int)(key_end - key), key);
            return false;
        }
        if (flen > KEYVAL_MAX_FRAGMENT) {
            bool whole = s == key && s + flen == key_end;

            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Parameter%s '%.*s' is too long",
                        whole ? "" : " fragment", (int)flen, s);
            return false;
        }
        if (fragment) {
            cur = put(cur, fragment, NULL, key, s - 1 - key, errp);
            if (!cur) {
                return false;
            }
        }
        g_free(fragment);
        fragment = g_strndup(s, flen);
        s += flen;
        if (s == key_end) {
            break;
        }
        s++; /* the '.' */
    }

    if (key == implied_key) {
        s = params;
    } else {
        if (*s != '=') {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Expected '=' after parameter '%.*s'", (int)(s - key),
                        key);
            return false;
        }
        s++;
    }
    value = read_value(&s);
    if (!put(cur, fragment, value, key, key_end - key, errp)) {
        return false;
    }
    *pp = s;
    return true;
}

/*
 * Returns (transfer full) @node itself, or a new array node when the
 * object in @node has only index members.  Nodes are never converted in
 * place: json_node_init_array() on a node holding an object misbehaves in
 * json-glib 1.6.
 */
static JsonNode *listify(JsonNode *node, GString *path, GError **errp)
{
    JsonObject *obj = json_node_get_object(node);
    g_autoptr(GList) names = json_object_get_members(obj);
    g_autoptr(GPtrArray) replaced_names =
        g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) replaced = g_ptr_array_new();
    guint n = g_list_length(names);
    gsize path_len = path->len;
    bool has_index = false, has_member = false;
    g_autofree JsonNode **slots = NULL;
    g_autoptr(JsonArray) array = NULL;

    for (GList *l = names; l; l = l->next) {
        const char *name = l->data;
        JsonNode *member = json_object_get_member(obj, name);
        JsonNode *conv;

        if (key_to_index(name) >= 0) {
            has_index = true;
        } else {
            has_member = true;
        }
        if (!JSON_NODE_HOLDS_OBJECT(member)) {
            continue;
        }
        g_string_append_printf(path, "%s.", name);
        conv = listify(member, path, errp);
        g_string_truncate(path, path_len);
        if (!conv) {
            g_ptr_array_set_free_func(replaced,
                                      (GDestroyNotify)json_node_unref);
            return NULL;
        }
        if (conv == member) {
            json_node_unref(conv);
        } else {
            g_ptr_array_add(replaced_names, g_strdup(name));
            g_ptr_array_add(replaced, conv);
        }
    }
    /* member names belong to @obj; stop using them before replacing */
    g_clear_pointer(&names, g_list_free);
    for (guint i = 0; i < replaced->len; i++) {
        json_object_set_member(obj, g_ptr_array_index(replaced_names, i),
                               g_ptr_array_index(replaced, i));
    }

    if (has_index && has_member) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameters '%s*' used inconsistently", path->str);
        return NULL;
    }
    if (!has_index) {
        return json_node_ref(node);
    }

    /*
     * n members fill indexes 0..n-1 exactly when there is no gap; an
     * index beyond that (or two spellings of one index, like "1" and
     * "01") leaves a hole, reported as the first missing element.
     */
    slots = g_new0(JsonNode *, n);
    names = json_object_get_members(obj);
    for (GList *l = names; l; l = l->next) {
        int index = key_to_index(l->data);

        if ((guint)index < n) {
            slots[index] = json_object_get_member(obj, l->data);
        }
    }
    array = json_array_sized_new(n);
    for (guint i = 0; i < n; i++) {
        if (!slots[i]) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Parameter '%s%u' missing", path->str, i);
            return NULL;
        }
        json_array_add_element(array, json_node_copy(slots[i]));
    }
    return json_node_init_array(json_node_alloc(), array);
}

JsonNode *keyval_parse(const char *params, const char *implied_key,
                       bool *ret_help, GError **errp)
{
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(GString) path = g_string_new(NULL);
    g_autoptr(JsonNode) listified = NULL;
    const char *p = params;
    bool help = false;

    g_return_val_if_fail(params != NULL, NULL);

    root = node_take_object(json_object_new());
    while (*p) {
        if (!parse_one(json_node_get_object(root), &p, implied_key, &help,
                       errp)) {
            return NULL;
        }
        implied_key = NULL;
    }
    listified = listify(root, path, errp);
    if (!listified) {
        return NULL;
    }
    if (help && !ret_help) {
        g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "Help is not available for this option");
        return NULL;
    }
    if (ret_help) {
        *ret_help = help;
    }
    return g_steal_pointer(&listified);
}

/* A copy sharing nothing with @node, so merging never touches a source */
static JsonNode *deep_copy(JsonNode *node)
{
    if (JSON_NODE_HOLDS_OBJECT(node)) {
        JsonObject *copy = json_object_new();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init_ordered(&iter, json_node_get_object(node));
        while (json_object_iter_next_ordered(&iter, &name, &member)) {
            json_object_set_member(copy, name, deep_copy(member));
        }
        return node_take_object(copy);
    }
    if (JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *src = json_node_get_array(node);
        guint len = json_array_get_length(src);
        JsonArray *copy = json_array_sized_new(len);
        JsonNode *out;

        for (guint i = 0; i < len; i++) {
            json_array_add_element(copy,
                                   deep_copy(json_array_get_element(src, i)));
        }
        out = json_node_init_array(json_node_alloc(), copy);
        json_array_unref(copy);
        return out;
    }
    return json_node_copy(node);
}

static bool is_scalar(JsonNode *node)
{
    return !JSON_NODE_HOLDS_OBJECT(node) && !JSON_NODE_HOLDS_ARRAY(node);
}

/* Walks both trees; @apply false only checks, so a failure changes nothing */
static bool merge(JsonObject *dest, JsonObject *src, GString *path, bool apply,
                  GError **errp)
{
    JsonObjectIter iter;
    const char *name;
    JsonNode *snode;
    gsize path_len = path->len;

    json_object_iter_init_ordered(&iter, src);
    while (json_object_iter_next_ordered(&iter, &name, &snode)) {
        JsonNode *dnode = json_object_get_member(dest, name);

        if (!dnode) {
            if (apply) {
                json_object_set_member(dest, name, deep_copy(snode));
            }
            continue;
        }
        if (JSON_NODE_HOLDS_OBJECT(dnode) && JSON_NODE_HOLDS_OBJECT(snode)) {
            g_string_append_printf(path, "%s.", name);
            if (!merge(json_node_get_object(dnode), json_node_get_object(snode),
                       path, apply, errp)) {
                return false;
            }
            g_string_truncate(path, path_len);
        } else if (JSON_NODE_HOLDS_ARRAY(dnode) &&
                   JSON_NODE_HOLDS_ARRAY(snode)) {
            JsonArray *sarr = json_node_get_array(snode);

            for (guint i = 0; apply && i < json_array_get_length(sarr); i++) {
                json_array_add_element(
                    json_node_get_array(dnode),
                    deep_copy(json_array_get_element(sarr, i)));
            }
        } else if (is_scalar(dnode) && is_scalar(snode)) {
            if (apply) {
                json_object_set_member(dest, name, deep_copy(snode));
            }
        } else {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Parameter '%s%s' used inconsistently", path->str,
                        name);
            return false;
        }
    }
    return true;
}

bool keyval_merge(JsonObject *dest, JsonObject *src, GError **errp)
{
    g_autoptr(GString) path = g_string_new(NULL);

    g_return_val_if_fail(dest != NULL && src != NULL && dest != src, false);

    if (!merge(dest, src, path, false, errp)) {
        return false;
    }
    merge(dest, src, path, true, NULL);
    return true;
}
