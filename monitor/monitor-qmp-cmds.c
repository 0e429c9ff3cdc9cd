/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands about the monitor protocol itself: negotiation, version,
 * and the lists of commands.
 */

#include "prelude.h"

#include "monitor-internal.h"
#include "qapi-commands.h"
#include "util/error.h"

void qmp_qmp_capabilities(QMPCapabilityList *enable, GError **errp)
{
    Monitor *mon = monitor_cur();
    bool oob = false;

    if (mon == NULL || mon->mode != MONITOR_MODE_CONTROL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "qmp_capabilities is only valid on a QMP monitor");
        return;
    }
    if (mon->command_mode) {
        /* Checked first: QEMU ignores the arguments of a repeated call. */
        monitor_qmp_negotiate(mon, false, errp);
        return;
    }
    for (QMPCapabilityList *c = enable; c != NULL; c = c->next) {
        if (c->value == QMP_CAPABILITY_OOB) {
            oob = true;
        }
    }
    monitor_qmp_negotiate(mon, oob, errp);
}

VersionInfo *qmp_query_version(GError **errp)
{
    VersionInfo *info = g_new0(VersionInfo, 1);

    info->qemu = g_new0(VersionTriple, 1);
    /*
     * Clients gate features on this triple (libvirt needs 4.2 or later),
     * so it names the QEMU interfaces qmpd implements; qmpd's own release
     * is in @package.
     */
    info->qemu->major = QMPD_QEMU_MAJOR;
    info->qemu->minor = QMPD_QEMU_MINOR;
    info->qemu->micro = QMPD_QEMU_MICRO;
    info->package = g_strdup(QMPD_PACKAGE);
    return info;
}

static void add_command_info(const QmpCommand *cmd, void *opaque)
{
    CommandInfoList **list = opaque;
    CommandInfo *info;

    if (!cmd->enabled) {
        return;
    }
    info = g_new0(CommandInfo, 1);
    info->name = g_strdup(cmd->name);
    QAPI_LIST_PREPEND(*list, info);
}

CommandInfoList *qmp_query_commands(GError **errp)
{
    CommandInfoList *list = NULL;

    qmp_for_each_command(monitor_command_list(), add_command_info, &list);
    return list;
}
