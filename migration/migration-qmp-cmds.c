/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP handlers of the migration commands, and the binding of the
 * migration layer to run state and machine initialization (system/).
 * Compiled into the executable, like every handler file.
 */

#include "prelude.h"

#include <unistd.h>

#include "accel/qemu-backend.h"
#include "accel/qemu-cpr.h"
#include "chardev/char.h"
#include "hw/core/machine-board.h"
#include "migration-internal.h"
#include "migration/migration-address.h"
#include "migration/migration.h"
#include "migration/ram.h"
#include "monitor/monitor.h"
#include "qapi-commands.h"
#include "system/machine-init.h"
#include "system/runstate.h"
#include "util/cpr-state.h"
#include "util/error.h"

/* The board's RAM as one block named like its region ("pc.ram"). */
static GPtrArray *board_ram_blocks(void)
{
    GPtrArray *blocks = ram_mig_blocks_new();
    MachineBoard *b = machine_board_get();
    RamBlock *rb = b != NULL && b->ram != NULL
                       ? memory_region_get_ram_block(b->ram)
                       : NULL;

    if (rb != NULL) {
        ram_mig_blocks_add(blocks, memory_region_get_name(b->ram), rb);
    }
    return blocks;
}

/* How long cpr-exec lets queued monitor output drain before the exec. */
#define CPR_EXEC_FLUSH_TIMEOUT_MS 2000

/* Each socket chardev's descriptors, and the mode of a QMP session on it. */
static void cpr_exec_save_chardev(Chardev *chr, void *opaque)
{
    const char *id = chardev_get_id(chr);
    const char *session = monitor_chardev_session(chr);
    int lfd = -1;
    int cfd = -1;

    if (!chardev_socket_fds(chr, &lfd, &cfd)) {
        return;
    }
    if (lfd >= 0) {
        g_autofree char *key = g_strdup_printf("chr-listen:%s", id);

        cpr_state_add_fd(key, lfd);
    }
    if (cfd >= 0) {
        g_autofree char *key = g_strdup_printf("chr-conn:%s", id);

        cpr_state_add_fd(key, cfd);
        if (session != NULL) {
            g_autofree char *skey = g_strdup_printf("qmp-session:%s", id);

            cpr_state_add(skey, session);
        }
    }
}

static void cpr_exec_save(void)
{
    bool qemu = qemu_backend_is_running();

    /* QEMU's events wait in its socket from here, not in a monitor. */
    if (qemu) {
        qemu_cpr_prepare_exec();
    }
    monitor_flush_all(CPR_EXEC_FLUSH_TIMEOUT_MS);
    chardev_foreach(cpr_exec_save_chardev, NULL);
    if (qemu) {
        qemu_cpr_save();
    }
}

static const MigrationSystemOps system_ops = {
    .runstate_get = runstate_get,
    .runstate_set = runstate_set,
    .vm_start = vm_start,
    .vm_stop = vm_stop,
    .incoming_prepare = machine_incoming_prepare,
    .incoming_prepare_cpr = machine_incoming_prepare_cpr,
    .incoming_abort = machine_incoming_abort,
    .incoming_finish = machine_incoming_finish,
    .ram_blocks = board_ram_blocks,
    .guest_in_qemu = qemu_backend_is_running,
    .incoming_prepare_qemu = machine_incoming_prepare_qemu,
    .qemu_migrate = qemu_backend_migrate,
    .incoming_start_ahead = machine_incoming_start_ahead,
    .incoming_stop_ahead = machine_incoming_stop_ahead,
    .cpr_exec_save = cpr_exec_save,
    .qemu_cpr_quiesce = qemu_cpr_quiesce,
    .qemu_cpr_resume = qemu_cpr_resume,
    .incoming_adopt_qemu = machine_incoming_adopt_qemu,
};

/* Every entry point binds first, so no start-up call order is needed. */
static void bind_system(void)
{
    static bool bound;

    if (!bound) {
        bound = true;
        migration_set_system_ops(&system_ops);
    }
}

bool migration_incoming_start(const MigrationChannel *main_ch,
                              const MigrationChannel *cpr_ch, GError **errp)
{
    bind_system();
    return migration_incoming_setup(main_ch != NULL ? main_ch->addr : NULL,
                                    cpr_ch != NULL ? cpr_ch->addr : NULL, errp);
}

bool migration_cpr_exec_resume(GError **errp)
{
    bind_system();
    return cpr_exec_incoming(errp);
}

bool migration_set_parameters_from_cmdline(const char *kv, GError **errp)
{
    bind_system();
    return migration_set_parameters_from_kv(kv, errp);
}

void qmp_migrate(const char *uri, MigrationChannelList *channels,
                 bool has_resume, bool resume, GError **errp)
{
    g_autoptr(MigrationAddress) addr = NULL;
    g_autoptr(MigrationAddress) cpr = NULL;

    bind_system();
    addr = migration_address_from_args(uri, channels, true, &cpr, errp);
    if (addr == NULL) {
        return;
    }
    if (has_resume && resume) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Cannot resume if there is no paused migration");
        return;
    }
    migration_outgoing_start(addr, cpr, errp);
}

void qmp_migrate_incoming(const char *uri, MigrationChannelList *channels,
                          bool has_exit_on_error, bool exit_on_error,
                          GError **errp)
{
    g_autoptr(MigrationAddress) addr = NULL;
    g_autoptr(MigrationAddress) cpr = NULL;

    bind_system();
    addr = migration_address_from_args(uri, channels, false, &cpr, errp);
    if (addr == NULL) {
        return;
    }
    if (cpr != NULL) {
        migration_incoming_listen_cpr(addr, cpr, errp);
        return;
    }
    migration_incoming_listen(addr, errp);
}

void qmp_migrate_cancel(GError **errp)
{
    bind_system();
    migration_cancel();
}

MigrationInfo *qmp_query_migrate(GError **errp)
{
    bind_system();
    return migration_query();
}

void qmp_migrate_set_capabilities(MigrationCapabilityStatusList *capabilities,
                                  GError **errp)
{
    bind_system();
    migration_set_capabilities(capabilities, errp);
}

MigrationCapabilityStatusList *qmp_query_migrate_capabilities(GError **errp)
{
    bind_system();
    return migration_query_capabilities();
}

void qmp_migrate_set_parameters(MigrationParameters *arg, GError **errp)
{
    bind_system();
    migration_set_parameters(arg, errp);
}

MigrationParameters *qmp_query_migrate_parameters(GError **errp)
{
    bind_system();
    return migration_query_parameters();
}

void qmp_getfd(const char *fdname, GError **errp)
{
    Chardev *chr = monitor_cur_chardev();
    int fd = chr != NULL ? chardev_take_fd(chr) : -1;

    if (fd < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "No file descriptor supplied via SCM_RIGHTS");
        return;
    }
    migration_fd_add(fdname, fd, errp);
}

void qmp_closefd(const char *fdname, GError **errp)
{
    migration_fd_close(fdname, errp);
}
