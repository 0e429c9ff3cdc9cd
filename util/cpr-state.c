/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cpr-exec hand-over table: "KEY=VALUE;KEY=VALUE..." with keys and
 * values URI-escaped, descriptors as "fd:N" values.
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cpr-state.h"
#include "util/error.h"

#define CPR_STATE_VERSION "v1"
#define CPR_FD_PREFIX "fd:"

/* key -> value; insertion order kept in keys for a stable encoding */
static GHashTable *entries;
static GPtrArray *keys;

static void ensure_table(void)
{
    if (entries == NULL) {
        entries =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        keys = g_ptr_array_new_with_free_func(g_free);
    }
}

void cpr_state_reset(void)
{
    g_clear_pointer(&entries, g_hash_table_unref);
    g_clear_pointer(&keys, g_ptr_array_unref);
}

void cpr_state_add(const char *key, const char *value)
{
    ensure_table();
    if (!g_hash_table_contains(entries, key)) {
        g_ptr_array_add(keys, g_strdup(key));
    }
    g_hash_table_insert(entries, g_strdup(key), g_strdup(value));
}

void cpr_state_add_fd(const char *key, int fd)
{
    g_autofree char *v = g_strdup_printf(CPR_FD_PREFIX "%d", fd);

    cpr_state_add(key, v);
}

/*
 * Parses "fd:N" (N a decimal descriptor number, no sign).  Returns:
 * whether @v is one.
 */
static bool parse_fd(const char *v, int *ret_fd)
{
    guint64 n = 0;

    if (v == NULL || !g_str_has_prefix(v, CPR_FD_PREFIX) ||
        !g_ascii_string_to_unsigned(v + strlen(CPR_FD_PREFIX), 10, 0, G_MAXINT,
                                    &n, NULL)) {
        return false;
    }
    *ret_fd = (int)n;
    return true;
}

/* Returns: the descriptor @v names, or -1 when it names none. */
static int value_fd(const char *v)
{
    int fd = -1;

    return parse_fd(v, &fd) ? fd : -1;
}

static bool set_cloexec(int fd, bool on)
{
    int flags = fcntl(fd, F_GETFD);

    if (flags < 0) {
        return false;
    }
    flags = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
    return fcntl(fd, F_SETFD, flags) == 0;
}

bool cpr_state_set_inherit(bool inherit, GError **errp)
{
    if (keys == NULL) {
        return true;
    }
    for (guint i = 0; i < keys->len; i++) {
        int fd = value_fd(g_hash_table_lookup(entries, keys->pdata[i]));

        if (fd >= 0 && !set_cloexec(fd, !inherit)) {
            int saved = errno;

            for (guint k = 0; k < i; k++) {
                int back =
                    value_fd(g_hash_table_lookup(entries, keys->pdata[k]));

                if (back >= 0) {
                    set_cloexec(back, inherit);
                }
            }
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "cannot change descriptor %d (%s): %s", fd,
                        (char *)keys->pdata[i], g_strerror(saved));
            return false;
        }
    }
    return true;
}

char *cpr_state_encode(void)
{
    GString *s = g_string_new(CPR_STATE_VERSION);

    for (guint i = 0; keys != NULL && i < keys->len; i++) {
        const char *k = keys->pdata[i];
        g_autofree char *ek = g_uri_escape_string(k, NULL, TRUE);
        g_autofree char *ev =
            g_uri_escape_string(g_hash_table_lookup(entries, k), NULL, TRUE);

        g_string_append_printf(s, ";%s=%s", ek, ev);
    }
    return g_string_free(s, FALSE);
}

/*
 * Every entry is checked before any is kept: a value spelled as a
 * descriptor that is not one, or a key given twice, would otherwise make
 * its owner find no descriptor (or the wrong one) and leave the other
 * open in the new program.
 */
bool cpr_state_decode(const char *text, GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(text, ";", -1);
    g_autoptr(GHashTable) new_entries =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GPtrArray) new_keys = g_ptr_array_new_with_free_func(g_free);

    /* "" splits into no part at all */
    if (g_strcmp0(parts[0], CPR_STATE_VERSION) != 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "%s: unsupported version '%s'", CPR_STATE_ENV,
                    parts[0] != NULL ? parts[0] : "");
        return false;
    }
    for (guint i = 1; parts[i] != NULL; i++) {
        const char *eq = strchr(parts[i], '=');
        g_autofree char *ek = NULL;
        g_autofree char *k = NULL;
        g_autofree char *v = NULL;
        int fd;

        if (eq == NULL || eq == parts[i]) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "%s: malformed entry '%s'", CPR_STATE_ENV, parts[i]);
            return false;
        }
        ek = g_strndup(parts[i], (gsize)(eq - parts[i]));
        k = g_uri_unescape_string(ek, NULL);
        v = g_uri_unescape_string(eq + 1, NULL);
        if (k == NULL || v == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "%s: malformed entry '%s'", CPR_STATE_ENV, parts[i]);
            return false;
        }
        if (g_str_has_prefix(v, CPR_FD_PREFIX) && !parse_fd(v, &fd)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "%s: entry '%s': '%s' is not a descriptor",
                        CPR_STATE_ENV, k, v);
            return false;
        }
        if (g_hash_table_contains(new_entries, k)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "%s: entry '%s' given twice", CPR_STATE_ENV, k);
            return false;
        }
        g_ptr_array_add(new_keys, g_strdup(k));
        g_hash_table_insert(new_entries, g_steal_pointer(&k),
                            g_steal_pointer(&v));
    }
    cpr_state_reset();
    entries = g_steal_pointer(&new_entries);
    keys = g_steal_pointer(&new_keys);
    return true;
}

bool cpr_state_load_env(GError **errp)
{
    g_autofree char *env = g_strdup(g_getenv(CPR_STATE_ENV));

    if (env == NULL) {
        return false;
    }
    g_unsetenv(CPR_STATE_ENV);
    cpr_state_reset();
    return cpr_state_decode(env, errp);
}

bool cpr_state_active(void)
{
    return keys != NULL && keys->len > 0;
}

const char *cpr_state_get(const char *key)
{
    return entries != NULL ? g_hash_table_lookup(entries, key) : NULL;
}

char *cpr_state_take(const char *key)
{
    g_autofree char *stolen = NULL;
    char *v = NULL;

    if (entries == NULL ||
        !g_hash_table_steal_extended(entries, key, (gpointer *)&stolen,
                                     (gpointer *)&v)) {
        return NULL;
    }
    for (guint i = 0; i < keys->len; i++) {
        if (strcmp(keys->pdata[i], key) == 0) {
            g_ptr_array_remove_index(keys, i);
            break;
        }
    }
    return v;
}

int cpr_state_take_fd(const char *key)
{
    g_autofree char *v = cpr_state_take(key);
    int fd = value_fd(v);

    if (fd >= 0) {
        set_cloexec(fd, true);
    }
    return fd;
}

void cpr_state_close_untaken(void)
{
    for (guint i = 0; keys != NULL && i < keys->len; i++) {
        int fd = value_fd(g_hash_table_lookup(entries, keys->pdata[i]));

        if (fd >= 0) {
            close(fd);
        }
    }
    cpr_state_reset();
}
