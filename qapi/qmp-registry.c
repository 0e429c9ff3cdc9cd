/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP command table: name -> marshaller, allowed phases, options and
 * the enabled flag.
 */

#include "prelude.h"

#include <stdlib.h>
#include <string.h>

#include "qapi/qmp-registry.h"

struct QmpCommandList {
    GHashTable *by_name; /* name -> QmpCommand * (owned) */
};

static void command_free(QmpCommand *cmd)
{
    g_free(cmd->disable_reason);
    g_free(cmd);
}

QmpCommandList *qmp_command_list_new(void)
{
    QmpCommandList *cmds = g_new0(QmpCommandList, 1);

    cmds->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify)command_free);
    return cmds;
}

void qmp_command_list_free(QmpCommandList *cmds)
{
    if (!cmds) {
        return;
    }
    g_hash_table_unref(cmds->by_name);
    g_free(cmds);
}

void qmp_register_command(QmpCommandList *cmds, const char *name,
                          QmpCommandFunc fn, unsigned phases,
                          QmpCommandOptions options)
{
    QmpCommand *cmd;

    g_return_if_fail(cmds != NULL && name != NULL && fn != NULL);
    g_assert(!g_hash_table_contains(cmds->by_name, name));
    cmd = g_new0(QmpCommand, 1);
    cmd->name = name;
    cmd->fn = fn;
    cmd->phases = phases;
    cmd->options = options;
    cmd->enabled = true;
    g_hash_table_insert(cmds->by_name, (gpointer)name, cmd);
}

const QmpCommand *qmp_find_command(const QmpCommandList *cmds, const char *name)
{
    g_return_val_if_fail(cmds != NULL && name != NULL, NULL);
    return g_hash_table_lookup(cmds->by_name, name);
}

void qmp_disable_command(QmpCommandList *cmds, const char *name,
                         const char *reason)
{
    QmpCommand *cmd;

    g_return_if_fail(cmds != NULL && name != NULL);
    cmd = g_hash_table_lookup(cmds->by_name, name);
    if (!cmd) {
        return;
    }
    cmd->enabled = false;
    g_free(cmd->disable_reason);
    cmd->disable_reason = g_strdup(reason);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void qmp_for_each_command(const QmpCommandList *cmds,
                          void (*fn)(const QmpCommand *cmd, void *opaque),
                          void *opaque)
{
    g_autofree gpointer *names = NULL;
    guint n, i;

    g_return_if_fail(cmds != NULL && fn != NULL);
    names = g_hash_table_get_keys_as_array(cmds->by_name, &n);
    qsort(names, n, sizeof(*names), compare_names);
    for (i = 0; i < n; i++) {
        fn(g_hash_table_lookup(cmds->by_name, names[i]), opaque);
    }
}
