/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the two migration state machines (outgoing.c, incoming.c; drawn in
 * include/migration/migration.h) share: the system's operations, status
 * changes with their MIGRATION events, and the entry points that look at
 * both sides (cancel, query-migrate, shutdown).
 */

#include "prelude.h"

#include <string.h>

#include "hw/core/machine-config.h"
#include "hw/core/machine-type.h"
#include "migration-internal.h"
#include "migration/migration.h"
#include "migration/ram.h"
#include "qapi-events.h"
#include "util/error.h"

static const MigrationSystemOps *sys;

const MigrationSystemOps *mig_sys(void)
{
    return sys;
}

gint64 migration_now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

const char *migration_machine_class(void)
{
    const char *type = machine_config_get()->type;
    const MachineType *mt =
        type != NULL ? machine_type_find(type) : machine_type_default();

    return mt != NULL ? mt->name : type;
}

void migration_set_status(MigrationStatus *where, MigrationStatus status)
{
    if (*where == status) {
        return;
    }
    g_debug("migration %s -> %s", MigrationStatus_str(*where),
            MigrationStatus_str(status));
    *where = status;
    if (migration_capability_enabled(MIGRATION_CAPABILITY_EVENTS)) {
        qapi_event_send_migration(status);
    }
}

bool migration_status_is_running(MigrationStatus s)
{
    return s == MIGRATION_STATUS_SETUP || s == MIGRATION_STATUS_ACTIVE ||
           s == MIGRATION_STATUS_DEVICE || s == MIGRATION_STATUS_CANCELLING;
}

bool migration_sending(void)
{
    return migration_outgoing_running() || mig_qemu_outgoing_active() ||
           mig_cpr_qemu_active();
}

bool migration_is_active(void)
{
    return migration_sending() || migration_incoming_running();
}

/*
 * The return-path messages qmpd sends and reads, SHUT and PONG, share one
 * layout: be16 type, be16 length (4), be32 value.
 */
void mig_rp_message_encode(guint8 msg[8], uint16_t type, uint32_t value)
{
    uint16_t head[2] = {GUINT16_TO_BE(type), GUINT16_TO_BE(4)};

    value = GUINT32_TO_BE(value);
    memcpy(msg, head, sizeof(head));
    memcpy(msg + 4, &value, sizeof(value));
}

void migration_set_system_ops(const MigrationSystemOps *ops)
{
    g_autoptr(GError) err = NULL;

    sys = ops;
    if (!migration_incoming_register(&err) ||
        !ram_migration_register(ops->ram_blocks, &err) ||
        !global_state_register(&err)) {
        g_error("migration: %s", err->message);
    }
}

void migration_cancel(void)
{
    if (mig_qemu_outgoing_cancel() || mig_qemu_incoming_cancel()) {
        return;
    }
    if (!migration_outgoing_cancel()) {
        migration_incoming_cancel();
    }
}

MigrationInfo *migration_query(void)
{
    MigrationInfo *info = mig_qemu_outgoing_query();

    if (info == NULL) {
        info = mig_cpr_qemu_query();
    }
    if (info != NULL) {
        return info;
    }
    info = g_new0(MigrationInfo, 1);
    if (!migration_outgoing_query(info)) {
        migration_incoming_query(info);
    }
    return info;
}

void migration_shutdown(void)
{
    migration_outgoing_shutdown();
    migration_incoming_shutdown();
    mig_qemu_shutdown();
    mig_cpr_qemu_shutdown();
    migration_fds_close_all();
}
