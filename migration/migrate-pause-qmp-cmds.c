/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * migrate-pause: only meaningful in postcopy, which qmpd's own
 * migrations never enter; after the QEMU hand-off QEMU answers it.
 */

#include "prelude.h"

#include "migration/migration.h"
#include "qapi-commands.h"
#include "util/error.h"

void qmp_migrate_pause(GError **errp)
{
    g_autoptr(MigrationInfo) info = migration_query();

    if (!info->has_status || info->status != MIGRATION_STATUS_POSTCOPY_ACTIVE) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "migrate-pause is currently only supported during "
                    "postcopy-active state");
        return;
    }
    /* Unreachable today: nothing in qmpd enters postcopy-active. */
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "postcopy cannot be paused by qmpd");
}
