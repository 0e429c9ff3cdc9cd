/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QemuOpts-style flat option lists ("key=value,...") and their typed
 * getters.  Parsing accepts any key; callers validate with
 * opts_check_keys() against what they understand.
 */

#include "prelude.h"

#include <string.h>

#include "util/cutils.h"
#include "util/error.h"
#include "util/opts.h"

static void opts_pair_free(gpointer data)
{
    OptsPair *pair = data;

    g_free(pair->key);
    g_free(pair->value);
    g_free(pair);
}

void opts_free(Opts *opts)
{
    if (!opts) {
        return;
    }
    g_free(opts->id);
    g_ptr_array_unref(opts->pairs);
    g_ptr_array_unref(opts->warnings);
    g_free(opts);
}

static Opts *opts_new(void)
{
    Opts *opts = g_new0(Opts, 1);

    opts->pairs = g_ptr_array_new_with_free_func(opts_pair_free);
    opts->warnings = g_ptr_array_new_with_free_func(g_free);
    return opts;
}

static void opts_append(Opts *opts, char *key, char *value)
{
    OptsPair *pair = g_new(OptsPair, 1);

    pair->key = key;
    pair->value = value;
    g_ptr_array_add(opts->pairs, pair);
}

/*
 * Reads a value up to the next single ',' (",," stands for one literal
 * comma) and leaves *@pp on that ',' or on the terminating NUL.
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
        if (comma[1] != ',') {
            p = comma;
            break;
        }
        g_string_append_c(val, ',');
        p = comma + 2;
    }
    *pp = p;
    return g_string_free(val, FALSE);
}

/* QEMU's rule for ids: a letter, then letters, digits, '-', '.' or '_' */
static bool id_is_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

static bool is_help_word(const char *word, gsize len)
{
    return (len == 4 && strncmp(word, "help", 4) == 0) ||
           (len == 1 && word[0] == '?');
}

/*
 * Handles an item without '=': help request, implied key or deprecated
 * short-form boolean.  Returns the position after the item.
 */
static const char *parse_bare_item(Opts *opts, const char *p, gsize len,
                                   const char *implied_key)
{
    g_autofree char *word = NULL;

    if (is_help_word(p, len)) {
        opts->help = true;
        return p + len;
    }
    if (implied_key) {
        char *value = read_value(&p);

        opts_append(opts, g_strdup(implied_key), value);
        return p;
    }

    word = g_strndup(p, len);
    if (g_str_has_prefix(word, "no")) {
        opts_append(opts, g_strdup(word + 2), g_strdup("off"));
    } else {
        opts_append(opts, g_strdup(word), g_strdup("on"));
    }
    g_ptr_array_add(
        opts->warnings,
        g_strdup_printf("short-form boolean option '%s' deprecated", word));
    return p + len;
}

Opts *opts_parse(const char *params, const char *implied_key, GError **errp)
{
    g_autoptr(Opts) opts = opts_new();
    const char *p = params;
    bool first = true;

    g_return_val_if_fail(params != NULL, NULL);

    while (*p) {
        gsize len = strcspn(p, "=,");

        if (p[len] != '=') {
            p = parse_bare_item(opts, p, len, first ? implied_key : NULL);
        } else {
            g_autofree char *key = g_strndup(p, len);
            g_autofree char *value = NULL;

            p += len + 1;
            value = read_value(&p);
            if (strcmp(key, "id") == 0) {
                if (!id_is_wellformed(value)) {
                    g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                                        "Parameter 'id' expects an identifier");
                    return NULL;
                }
                g_free(opts->id);
                opts->id = g_steal_pointer(&value);
            } else {
                opts_append(opts, g_steal_pointer(&key),
                            g_steal_pointer(&value));
            }
        }

        /* The newest pair is the only one that can have an empty key */
        if (opts->pairs->len) {
            OptsPair *last =
                g_ptr_array_index(opts->pairs, opts->pairs->len - 1);

            if (last->key[0] == '\0') {
                g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                                    "Invalid parameter ''");
                return NULL;
            }
        }
        if (*p == ',') {
            p++;
        }
        first = false;
    }
    return g_steal_pointer(&opts);
}

const char *opts_get(const Opts *opts, const char *key)
{
    g_return_val_if_fail(opts != NULL && key != NULL, NULL);

    for (guint i = opts->pairs->len; i > 0; i--) {
        const OptsPair *pair = g_ptr_array_index(opts->pairs, i - 1);

        if (strcmp(pair->key, key) == 0) {
            return pair->value;
        }
    }
    return NULL;
}

bool opts_has(const Opts *opts, const char *key)
{
    return opts_get(opts, key) != NULL;
}

GPtrArray *opts_get_all(const Opts *opts, const char *key)
{
    GPtrArray *all = g_ptr_array_new();

    g_return_val_if_fail(opts != NULL && key != NULL, all);

    for (guint i = 0; i < opts->pairs->len; i++) {
        const OptsPair *pair = g_ptr_array_index(opts->pairs, i);

        if (strcmp(pair->key, key) == 0) {
            g_ptr_array_add(all, pair->value);
        }
    }
    return all;
}

bool opts_check_keys(const Opts *opts, const char *const *allowed,
                     GError **errp)
{
    g_return_val_if_fail(opts != NULL && allowed != NULL, false);

    for (guint i = 0; i < opts->pairs->len; i++) {
        const OptsPair *pair = g_ptr_array_index(opts->pairs, i);

        if (!g_strv_contains((const char *const *)allowed, pair->key)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Invalid parameter '%s'", pair->key);
            return false;
        }
    }
    return true;
}

bool opts_get_bool(const Opts *opts, const char *key, bool def, bool *ret,
                   GError **errp)
{
    const char *value = opts_get(opts, key);

    g_return_val_if_fail(ret != NULL, false);

    if (!value) {
        *ret = def;
        return true;
    }
    return qmpd_parse_bool(key, value, ret, errp);
}

bool opts_get_number(const Opts *opts, const char *key, uint64_t def,
                     uint64_t *ret, GError **errp)
{
    const char *value = opts_get(opts, key);

    g_return_val_if_fail(ret != NULL, false);

    if (!value) {
        *ret = def;
        return true;
    }
    return qmpd_parse_uint64(key, value, ret, errp);
}

bool opts_get_size(const Opts *opts, const char *key, uint64_t def,
                   uint64_t *ret, GError **errp)
{
    const char *value = opts_get(opts, key);

    g_return_val_if_fail(ret != NULL, false);

    if (!value) {
        *ret = def;
        return true;
    }
    return qmpd_parse_size(key, value, 1, ret, errp);
}
