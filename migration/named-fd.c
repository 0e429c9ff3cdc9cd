/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File descriptors received with getfd and kept under a name until a
 * "fd:NAME" migration URI takes them or closefd closes them.  One table
 * for the process (QEMU keeps one per monitor).
 */

#include "prelude.h"

#include <unistd.h>

#include "migration-internal.h"
#include "migration/migration.h"
#include "util/cutils.h"
#include "util/error.h"

static GHashTable *named_fds; /* name -> fd (as pointer) */

static void close_fd(gpointer p)
{
    close(GPOINTER_TO_INT(p));
}

static GHashTable *table(void)
{
    if (named_fds == NULL) {
        named_fds =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, close_fd);
    }
    return named_fds;
}

bool migration_fd_add(const char *name, int fd, GError **errp)
{
    if (g_ascii_isdigit(name[0])) {
        close(fd);
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter 'fdname' expects a name not starting with a "
                    "digit");
        return false;
    }
    g_hash_table_replace(table(), g_strdup(name), GINT_TO_POINTER(fd));
    return true;
}

bool migration_fd_close(const char *name, GError **errp)
{
    if (!g_hash_table_remove(table(), name)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "File descriptor named '%s' not found", name);
        return false;
    }
    return true;
}

int migration_fd_take(const char *name, GError **errp)
{
    gpointer key, value;
    guint64 number;

    if (g_ascii_isdigit(name[0])) {
        if (!qmpd_parse_uint64("fd", name, &number, errp)) {
            return -1;
        }
        if (number > G_MAXINT) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "File descriptor named '%s' has not been found", name);
            return -1;
        }
        return (int)number;
    }
    if (!g_hash_table_steal_extended(table(), name, &key, &value)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "File descriptor named '%s' has not been found", name);
        return -1;
    }
    g_free(key);
    return GPOINTER_TO_INT(value);
}

void migration_fds_close_all(void)
{
    g_clear_pointer(&named_fds, g_hash_table_unref);
}
