/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpr-exec while QEMU runs the guest: the state machine of the old
 * program (checks, quiesce, state file, exec) and what query-migrate
 * reports on both sides.  QEMU's own part (what is kept, how the new
 * program adopts it) is the backend's, reached through
 * MigrationSystemOps.  Documented in docs/system/cpr.md.
 *
 *   NONE/ended --migrate--> SETUP (clients quiesced, QEMU idle)
 *   SETUP --idle: state file written--> ACTIVE --exec--> (new program)
 *   SETUP/ACTIVE --failure--> FAILED (clients resumed, QEMU untouched)
 */

#include "prelude.h"

#include "migration-internal.h"
#include "migration/mig-stream.h"
#include "migration/ram.h"
#include "migration/savevm.h"
#include "qapi-events.h"
#include "util/error.h"

typedef struct CprQemuOut {
    MigrationStatus status;
    const MigrationSystemOps *ops;
    char *path;
    guint idle;
    gint64 start_ms, end_ms;
    char *error;
    /* The new program: its incoming cpr-exec is what query-migrate tells. */
    bool incoming_done;
} CprQemuOut;

static CprQemuOut cq = {.status = MIGRATION_STATUS_NONE};

/* Every change is an event, as migration_set_status() sends them. */
static void cq_set_status(MigrationStatus status)
{
    migration_set_status(&cq.status, status);
}

static void cq_fail(const char *message)
{
    cq.end_ms = migration_now_ms();
    g_free(cq.error);
    cq.error = g_strdup(message);
    g_clear_pointer(&cq.path, g_free);
    cq.ops->qemu_cpr_resume();
    cq_set_status(MIGRATION_STATUS_FAILED);
}

/*
 * The state file: a qmpd stream with the header and the configuration
 * sections only, so that the new program reads the configuration back
 * through the migration's own configuration path.  QEMU's state stays in
 * QEMU; what the backend keeps travels in the hand-over table.
 */
static bool write_state(const char *path, GError **errp)
{
    g_autoptr(MigStream) s = mig_stream_new();
    g_autoptr(GBytes) bytes = NULL;
    gsize len;
    const char *data;

    savevm_put_header(s, migration_machine_class());
    savevm_put_config_sections(s);
    mig_stream_put_u8(s, QEMU_VM_EOF);
    bytes = mig_stream_take_output(s);
    data = g_bytes_get_data(bytes, &len);
    if (!g_file_set_contents(path, data, (gssize)len, errp)) {
        g_prefix_error(errp, "cpr-exec: cannot write the state file: ");
        return false;
    }
    return true;
}

/* After the migrate reply went out: write, then become the new program. */
static gboolean cq_exec_cb(gpointer opaque)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) none = ram_mig_blocks_new();

    cq.idle = 0;
    cq_set_status(MIGRATION_STATUS_ACTIVE);
    if (!write_state(cq.path, &err) || !cpr_exec_run(cq.path, none, &err)) {
        cq_fail(err->message);
    }
    return G_SOURCE_REMOVE;
}

bool mig_cpr_qemu_start(const MigrationAddress *addr,
                        const MigrationSystemOps *ops, GError **errp)
{
    g_autoptr(GPtrArray) none = ram_mig_blocks_new();

    if (!cpr_exec_check(addr, none, errp) || !ops->qemu_cpr_quiesce(errp)) {
        return false;
    }
    mig_qemu_outgoing_forget();
    cq.ops = ops;
    cq.incoming_done = false;
    g_clear_pointer(&cq.error, g_free);
    cq.path = g_strdup(addr->u.file.filename);
    cq.start_ms = migration_now_ms();
    cq.end_ms = 0;
    cq.status = MIGRATION_STATUS_NONE;
    cq_set_status(MIGRATION_STATUS_SETUP);
    /* The migrate command answers first; its reply is flushed before. */
    cq.idle = g_idle_add(cq_exec_cb, NULL);
    return true;
}

bool mig_cpr_qemu_active(void)
{
    return migration_status_is_running(cq.status);
}

bool mig_cpr_qemu_holds_query(void)
{
    return cq.status != MIGRATION_STATUS_NONE || cq.incoming_done;
}

MigrationInfo *mig_cpr_qemu_query(void)
{
    MigrationInfo *info;

    if (cq.status == MIGRATION_STATUS_NONE) {
        return NULL;
    }
    info = g_new0(MigrationInfo, 1);
    info->has_status = true;
    info->status = cq.status;
    info->has_total_time = true;
    info->total_time =
        (cq.end_ms != 0 ? cq.end_ms : migration_now_ms()) - cq.start_ms;
    if (cq.status == MIGRATION_STATUS_FAILED && cq.error != NULL) {
        info->error_desc = g_strdup(cq.error);
    }
    return info;
}

void mig_cpr_qemu_incoming_done(void)
{
    cq.incoming_done = true;
}

void mig_cpr_qemu_forget(void)
{
    if (mig_cpr_qemu_active()) {
        return;
    }
    cq.status = MIGRATION_STATUS_NONE;
    cq.incoming_done = false;
    g_clear_pointer(&cq.error, g_free);
}

void mig_cpr_qemu_shutdown(void)
{
    g_clear_handle_id(&cq.idle, g_source_remove);
    g_clear_pointer(&cq.path, g_free);
    g_clear_pointer(&cq.error, g_free);
    cq.status = MIGRATION_STATUS_NONE;
    cq.incoming_done = false;
}
