/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands about the process and its run state: query-status, stop,
 * cont, quit, query-name, query-uuid and x-exit-preconfig.
 */

#include "prelude.h"

#include "hw/core/machine-config.h"
#include "qapi-commands.h"
#include "system/machine-init.h"
#include "system/phase.h"
#include "system/runstate.h"
#include "system/vm-identity.h"
#include "util/error.h"

StatusInfo *qmp_query_status(GError **errp)
{
    StatusInfo *info = g_new0(StatusInfo, 1);

    info->running = runstate_is_running();
    info->status = runstate_get();
    return info;
}

void qmp_stop(GError **errp)
{
    if (runstate_get() == RUN_STATE_INMIGRATE) {
        /* Stay stopped once the incoming migration completes. */
        runstate_set_autostart(false);
        return;
    }
    vm_stop(RUN_STATE_PAUSED);
}

void qmp_cont(GError **errp)
{
    if (runstate_get() == RUN_STATE_INMIGRATE) {
        runstate_set_autostart(true);
        return;
    }
    vm_start();
}

void qmp_quit(GError **errp)
{
    qmpd_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

NameInfo *qmp_query_name(GError **errp)
{
    NameInfo *info = g_new0(NameInfo, 1);

    info->name = g_strdup(vm_identity_get_name());
    return info;
}

UuidInfo *qmp_query_uuid(GError **errp)
{
    UuidInfo *info = g_new0(UuidInfo, 1);

    const char *uuid = machine_config_get()->uuid;

    /* QEMU reports the nil UUID when none was set. */
    info->UUID = uuid != NULL
                     ? g_ascii_strdown(uuid, -1)
                     : g_strdup("00000000-0000-0000-0000-000000000000");
    return info;
}

void qmp_x_exit_preconfig(GError **errp)
{
    machine_init_complete(errp);
}
