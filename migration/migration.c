/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration state machines (drawn in include/migration/migration.h):
 * sending this machine to a destination, and receiving one, on the main
 * loop through GIO channels, with query-migrate's statistics and the
 * MIGRATION events.
 */

#include "prelude.h"

#include <string.h>

#include "channel-internal.h"
#include "hw/core/machine-config.h"
#include "hw/core/machine-type.h"
#include "migration-internal.h"
#include "migration/config-section.h"
#include "migration/mig-stream.h"
#include "migration/migration.h"
#include "migration/savevm.h"
#include "qapi-events.h"
#include "qapi-visit.h"
#include "qapi/clone.h"
#include "util/error.h"

/* Bytes asked for per read of an incoming channel. */
#define INCOMING_READ_CHUNK (1u << 20)

typedef struct OutgoingState {
    MigrationStatus status;
    GCancellable *cancel;
    MigChannel *ch;
    MigStream *stream;
    GBytes *pending;
    RunState prior_state;
    bool stopped;
    bool has_rp;
    guint8 rp_reply[8];
    gint64 start_ms, setup_ms, stop_ms, end_ms;
    guint64 transferred;
    char *error;
} OutgoingState;

typedef struct IncomingState {
    MigrationStatus status;
    bool allowed;
    MigListener *listener;
    SocketAddressList *addresses;
    MigChannel *ch;
    MigStream *stream;
    LoadVM *lv;
    GCancellable *cancel;
    bool prepared;
    char *error;
} IncomingState;

static const MigrationSystemOps *sys;
static OutgoingState out = {.status = MIGRATION_STATUS_NONE};
static IncomingState in = {.status = MIGRATION_STATUS_NONE};

static gint64 now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

static void set_status(MigrationStatus *where, MigrationStatus status)
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

static bool status_is_running(MigrationStatus s)
{
    return s == MIGRATION_STATUS_SETUP || s == MIGRATION_STATUS_ACTIVE ||
           s == MIGRATION_STATUS_DEVICE || s == MIGRATION_STATUS_CANCELLING;
}

bool migration_is_active(void)
{
    return status_is_running(out.status) || status_is_running(in.status);
}

/* ---- outgoing ---- */

static void outgoing_release(void)
{
    g_clear_pointer(&out.ch, mig_channel_free);
    g_clear_pointer(&out.stream, mig_stream_free);
    g_clear_pointer(&out.pending, g_bytes_unref);
    g_clear_object(&out.cancel);
}

/* Gives the source back the run state it had before the migration. */
static void outgoing_restore_vm(void)
{
    if (!out.stopped) {
        return;
    }
    out.stopped = false;
    if (out.prior_state == RUN_STATE_RUNNING) {
        sys->vm_start();
    } else {
        sys->runstate_set(out.prior_state);
    }
}

static void outgoing_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void outgoing_fail(const char *fmt, ...)
{
    va_list ap;

    outgoing_restore_vm();
    out.end_ms = now_ms();
    if (out.status == MIGRATION_STATUS_CANCELLING) {
        set_status(&out.status, MIGRATION_STATUS_CANCELLED);
    } else {
        g_free(out.error);
        va_start(ap, fmt);
        out.error = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        set_status(&out.status, MIGRATION_STATUS_FAILED);
    }
    outgoing_release();
}

static void outgoing_complete(void)
{
    out.end_ms = now_ms();
    out.stopped = false;
    sys->runstate_set(RUN_STATE_POSTMIGRATE);
    set_status(&out.status, MIGRATION_STATUS_COMPLETED);
    outgoing_release();
}

static void outgoing_rp_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    g_autoptr(GError) err = NULL;
    gsize got = 0;
    const guint8 *r = out.rp_reply;

    if (!g_input_stream_read_all_finish(G_INPUT_STREAM(source), res, &got,
                                        &err)) {
        outgoing_fail("failed to read the destination's reply: %s",
                      err->message);
        return;
    }
    if (out.status == MIGRATION_STATUS_CANCELLING) {
        outgoing_fail("cancelled");
        return;
    }
    if (got < sizeof(out.rp_reply)) {
        outgoing_fail("the destination closed the connection before "
                      "acknowledging the migration");
        return;
    }
    if ((r[0] << 8 | r[1]) != MIG_RP_MSG_SHUT || (r[2] << 8 | r[3]) != 4 ||
        (r[4] | r[5] | r[6] | r[7]) != 0) {
        outgoing_fail("the destination failed to load the migration stream");
        return;
    }
    outgoing_complete();
}

static void outgoing_exec_done_cb(GObject *source, GAsyncResult *res,
                                  gpointer p)
{
    g_autoptr(GError) err = NULL;

    if (!g_subprocess_wait_check_finish(G_SUBPROCESS(source), res, &err)) {
        outgoing_fail("migration command failed: %s", err->message);
        return;
    }
    outgoing_complete();
}

static void outgoing_written_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    g_autoptr(GError) err = NULL;
    gsize written = 0;

    if (!g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), res,
                                          &written, &err)) {
        out.transferred += written;
        outgoing_fail("Unable to write to the migration stream: %s",
                      err->message);
        return;
    }
    out.transferred += written;
    if (out.status == MIGRATION_STATUS_CANCELLING) {
        outgoing_fail("cancelled");
        return;
    }
    if (!out.has_rp) {
        if (!g_output_stream_close(out.ch->out, NULL, &err)) {
            outgoing_fail("Unable to finish the migration stream: %s",
                          err->message);
            return;
        }
        if (out.ch->proc != NULL) {
            /* exec: done only when the command has consumed everything. */
            g_subprocess_wait_check_async(out.ch->proc, out.cancel,
                                          outgoing_exec_done_cb, NULL);
            return;
        }
        outgoing_complete();
        return;
    }
    g_input_stream_read_all_async(out.ch->in, out.rp_reply,
                                  sizeof(out.rp_reply), G_PRIORITY_DEFAULT,
                                  out.cancel, outgoing_rp_cb, NULL);
}

static const char *machine_class_name(void)
{
    const char *type = machine_config_get()->type;
    const MachineType *mt =
        type != NULL ? machine_type_find(type) : machine_type_default();

    return mt != NULL ? mt->name : type;
}

static void outgoing_connected_cb(MigChannel *ch, const GError *err,
                                  gpointer opaque)
{
    const char *mclass = machine_class_name();

    if (out.status == MIGRATION_STATUS_CANCELLING) {
        mig_channel_free(ch);
        outgoing_fail("cancelled");
        return;
    }
    if (ch == NULL) {
        outgoing_fail("Failed to connect: %s", err->message);
        return;
    }
    out.ch = ch;
    out.has_rp = ch->io != NULL;
    out.setup_ms = now_ms();
    set_status(&out.status, MIGRATION_STATUS_ACTIVE);
    if (migration_capability_enabled(MIGRATION_CAPABILITY_EVENTS)) {
        qapi_event_send_migration_pass(1);
    }

    out.stream = mig_stream_new();
    savevm_put_header(out.stream, mclass);
    if (out.has_rp) {
        savevm_put_command(out.stream, MIG_CMD_OPEN_RETURN_PATH, NULL, 0);
    }
    /* Stop, then send device state: it must not change after being sent. */
    out.prior_state = sys->runstate_get();
    global_state_store(out.prior_state);
    out.stop_ms = now_ms();
    out.stopped = true;
    if (out.prior_state == RUN_STATE_RUNNING) {
        sys->vm_stop(RUN_STATE_FINISH_MIGRATE);
    } else {
        sys->runstate_set(RUN_STATE_FINISH_MIGRATE);
    }
    set_status(&out.status, MIGRATION_STATUS_DEVICE);
    savevm_put_sections(out.stream, mclass);
    out.pending = mig_stream_take_output(out.stream);
    g_output_stream_write_all_async(
        out.ch->out, g_bytes_get_data(out.pending, NULL),
        g_bytes_get_size(out.pending), G_PRIORITY_DEFAULT, out.cancel,
        outgoing_written_cb, NULL);
}

bool migration_outgoing_start(const char *uri, GError **errp)
{
    g_autoptr(GError) err = NULL;

    g_return_val_if_fail(sys != NULL, false);
    if (migration_is_active()) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "There's a migration process in progress");
        return false;
    }
    g_clear_pointer(&out.error, g_free);
    out.transferred = 0;
    out.start_ms = now_ms();
    out.setup_ms = out.stop_ms = out.end_ms = 0;
    out.cancel = g_cancellable_new();
    set_status(&out.status, MIGRATION_STATUS_SETUP);
    if (!mig_channel_connect(uri, out.cancel, outgoing_connected_cb, NULL,
                             &err)) {
        outgoing_fail("%s", err->message);
        g_propagate_error(errp, g_steal_pointer(&err));
        return false;
    }
    return true;
}

/* ---- incoming ---- */

static void incoming_release(void)
{
    g_clear_pointer(&in.stream, mig_stream_free);
    g_clear_pointer(&in.lv, loadvm_free);
    g_clear_pointer(&in.listener, mig_listener_free);
    g_clear_object(&in.cancel);
}

typedef struct ReplyData {
    MigChannel *ch;
    guint8 msg[8];
} ReplyData;

static void reply_sent_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    ReplyData *rd = p;

    g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), res, NULL, NULL);
    mig_channel_free(rd->ch);
    g_free(rd);
}

/* Answers on the return path (if opened), then closes the channel. */
static void incoming_close_channel(bool ok)
{
    MigChannel *ch = g_steal_pointer(&in.ch);
    ReplyData *rd;

    if (ch == NULL) {
        return;
    }
    if (ch->io == NULL || in.lv == NULL ||
        !loadvm_return_path_requested(in.lv)) {
        mig_channel_free(ch);
        return;
    }
    rd = g_new0(ReplyData, 1);
    rd->ch = ch;
    rd->msg[1] = MIG_RP_MSG_SHUT;
    rd->msg[3] = 4;
    rd->msg[7] = ok ? 0 : 1;
    g_output_stream_write_all_async(ch->out, rd->msg, sizeof(rd->msg),
                                    G_PRIORITY_DEFAULT, NULL, reply_sent_cb,
                                    rd);
}

static void incoming_fail(bool cancelled, const char *message)
{
    if (in.prepared) {
        in.prepared = false;
        sys->incoming_abort();
    }
    g_free(in.error);
    in.error = g_strdup(message);
    incoming_close_channel(false);
    incoming_release();
    set_status(&in.status, cancelled ? MIGRATION_STATUS_CANCELLED
                                     : MIGRATION_STATUS_FAILED);
}

static void incoming_complete(void)
{
    RunState source_state = RUN_STATE_RUNNING;

    global_state_received(&source_state);
    in.prepared = false;
    sys->incoming_finish(source_state);
    incoming_close_channel(true);
    incoming_release();
    set_status(&in.status, MIGRATION_STATUS_COMPLETED);
}

static void incoming_read_cb(GObject *source, GAsyncResult *res, gpointer p);

static void incoming_read_more(void)
{
    g_input_stream_read_bytes_async(in.ch->in, INCOMING_READ_CHUNK,
                                    G_PRIORITY_DEFAULT, in.cancel,
                                    incoming_read_cb, NULL);
}

static void incoming_read_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GBytes) bytes =
        g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), res, &err);
    const GError *serr;

    if (in.ch == NULL || G_INPUT_STREAM(source) != in.ch->in) {
        return; /* a cancelled attempt's late read */
    }
    if (bytes == NULL) {
        if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            return; /* migration_cancel() already finished the job */
        }
        incoming_fail(false, err->message);
        return;
    }
    if (g_bytes_get_size(bytes) == 0) {
        mig_stream_feed_eof(in.stream);
    } else {
        mig_stream_feed(in.stream, g_bytes_get_data(bytes, NULL),
                        g_bytes_get_size(bytes));
        if (mig_stream_buffered(in.stream) < mig_stream_wanted(in.stream)) {
            incoming_read_more();
            return;
        }
    }
    switch (loadvm_step(in.lv, in.stream)) {
    case LOADVM_DONE:
        incoming_complete();
        return;
    case LOADVM_ERROR:
        serr = mig_stream_get_error(in.stream);
        incoming_fail(false, serr->message);
        return;
    case LOADVM_MORE:
        break;
    }
    incoming_read_more();
}

static void incoming_connected_cb(MigChannel *ch, const GError *err,
                                  gpointer opaque)
{
    const char *type = machine_config_get()->type;
    const MachineType *mt = type != NULL ? machine_type_find(type) : NULL;

    if (ch == NULL) {
        incoming_fail(false, err->message);
        return;
    }
    in.ch = ch;
    in.stream = mig_stream_new();
    in.lv = loadvm_new(mt != NULL ? mt->name : NULL);
    global_state_reset();
    set_status(&in.status, MIGRATION_STATUS_ACTIVE);
    incoming_read_more();
}

void migration_incoming_allow(void)
{
    in.allowed = true;
}

bool migration_incoming_listen(const char *uri, GError **errp)
{
    g_return_val_if_fail(sys != NULL, false);
    if (status_is_running(in.status)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The incoming migration has already been started");
        return false;
    }
    if (!in.allowed) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "'-incoming' was not specified on the command line");
        return false;
    }
    if (in.status == MIGRATION_STATUS_COMPLETED) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Illegal migration incoming state: %s",
                    MigrationStatus_str(in.status));
        return false;
    }
    in.listener = mig_listener_new(uri, incoming_connected_cb, NULL, errp);
    if (in.listener == NULL) {
        return false;
    }
    qapi_free_SocketAddressList(in.addresses);
    in.addresses = mig_listener_addresses(in.listener);
    g_clear_pointer(&in.error, g_free);
    in.cancel = g_cancellable_new();
    set_status(&in.status, MIGRATION_STATUS_SETUP);
    return true;
}

bool migration_incoming_setup(const char *uri, GError **errp)
{
    migration_incoming_allow();
    if (g_str_equal(uri, "defer")) {
        return true;
    }
    return migration_incoming_listen(uri, errp);
}

static bool incoming_apply_config(const MachineProperties *cfg, GError **errp)
{
    if (!sys->incoming_prepare(cfg, errp)) {
        return false;
    }
    in.prepared = true;
    return true;
}

void migration_set_system_ops(const MigrationSystemOps *ops)
{
    g_autoptr(GError) err = NULL;

    sys = ops;
    if (!migration_config_section_register(incoming_apply_config, &err) ||
        !global_state_register(&err)) {
        g_error("migration: %s", err->message);
    }
}

/* ---- both ---- */

void migration_cancel(void)
{
    if (status_is_running(out.status)) {
        if (out.status != MIGRATION_STATUS_CANCELLING) {
            set_status(&out.status, MIGRATION_STATUS_CANCELLING);
            g_cancellable_cancel(out.cancel);
        }
        return;
    }
    if (status_is_running(in.status)) {
        if (in.cancel != NULL) {
            g_cancellable_cancel(in.cancel);
        }
        incoming_fail(true, "the incoming migration was cancelled");
    }
}

static MigrationStats *outgoing_stats(void)
{
    MigrationStats *ram = g_new0(MigrationStats, 1);
    gint64 end = out.end_ms != 0 ? out.end_ms : now_ms();
    gint64 elapsed = end - (out.setup_ms != 0 ? out.setup_ms : out.start_ms);

    ram->transferred = (int64_t)out.transferred;
    ram->page_size = 4096;
    ram->dirty_sync_count = out.setup_ms != 0 ? 1 : 0;
    ram->precopy_bytes = out.transferred;
    ram->mbps = elapsed > 0 ? (double)out.transferred * 8 / 1000 / elapsed : 0;
    return ram;
}

MigrationInfo *migration_query(void)
{
    MigrationInfo *info = g_new0(MigrationInfo, 1);

    if (out.status != MIGRATION_STATUS_NONE) {
        gint64 end = out.end_ms != 0 ? out.end_ms : now_ms();

        info->has_status = true;
        info->status = out.status;
        if (out.status != MIGRATION_STATUS_SETUP) {
            info->ram = outgoing_stats();
        }
        info->has_total_time = true;
        info->total_time = end - out.start_ms;
        if (out.setup_ms != 0) {
            info->has_setup_time = true;
            info->setup_time = out.setup_ms - out.start_ms;
        }
        if (out.status == MIGRATION_STATUS_COMPLETED) {
            info->has_downtime = true;
            info->downtime = out.end_ms - out.stop_ms;
        }
        if (out.status == MIGRATION_STATUS_FAILED && out.error != NULL) {
            info->error_desc = g_strdup(out.error);
        }
        return info;
    }
    if (in.status != MIGRATION_STATUS_NONE) {
        info->has_status = true;
        info->status = in.status;
        if (in.status == MIGRATION_STATUS_SETUP && in.addresses != NULL) {
            info->socket_address = QAPI_CLONE(SocketAddressList, in.addresses);
        }
        if (in.error != NULL && (in.status == MIGRATION_STATUS_FAILED ||
                                 in.status == MIGRATION_STATUS_CANCELLED)) {
            info->error_desc = g_strdup(in.error);
        }
    }
    return info;
}

void migration_shutdown(void)
{
    if (out.cancel != NULL) {
        g_cancellable_cancel(out.cancel);
    }
    if (in.cancel != NULL) {
        g_cancellable_cancel(in.cancel);
    }
    g_clear_pointer(&in.ch, mig_channel_free);
    incoming_release();
    outgoing_release();
    g_clear_pointer(&in.addresses, qapi_free_SocketAddressList);
    g_clear_pointer(&in.error, g_free);
    g_clear_pointer(&out.error, g_free);
    in.status = out.status = MIGRATION_STATUS_NONE;
    in.allowed = false;
    in.prepared = false;
    migration_fds_close_all();
}
