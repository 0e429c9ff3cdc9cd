/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The source's state machine (drawn in include/migration/migration.h):
 * connect, write the stream in rate-limited batches while the guest runs,
 * stop it once the rest fits the downtime, and learn the outcome from the
 * destination's return path.
 */

#include "prelude.h"

#include <string.h>

#include "channel-internal.h"
#include "migration-internal.h"
#include "migration/config-section.h"
#include "migration/mig-stream.h"
#include "migration/migration.h"
#include "migration/qemu-handoff.h"
#include "migration/ram.h"
#include "migration/savevm.h"
#include "qapi-events.h"
#include "qapi-visit.h"
#include "qapi/clone.h"
#include "util/error.h"

/*
 * One RAM PART: small enough that the destination re-parses little after
 * a short read, and at most ~2 vectors per page under IOV_MAX.
 */
#define OUT_BATCH_BYTES (1u << 20)
#define OUT_BATCH_PAGES 256u
/* max-bandwidth is enforced per window of this length. */
#define RATE_WINDOW_US 50000

typedef struct OutgoingState {
    MigrationStatus status;
    GCancellable *cancel;
    MigChannel *ch;
    MigStream *stream;
    GBytes *pending;
    GArray *vectors; /* GOutputVector of the write in flight */
    RunState prior_state;
    bool stopped;
    bool has_rp;
    bool completing;  /* the final part (END, devices, EOF) is queued */
    bool converged;   /* stop once the peer loaded what is queued */
    uint32_t ping_id; /* of the last PING sent */
    guint8 rp_reply[8];
    gint64 start_ms, setup_ms, stop_ms, end_ms;
    gint64 setup_us, stop_us, end_us;
    guint64 transferred;
    RamSave *ram;
    RamSaveStats ram_stats; /* last known, kept after the end */
    uint64_t ram_remaining;
    gint64 window_us; /* rate limiting */
    guint64 window_bytes;
    guint rate_source;
    char *error;
    bool cpr;                    /* cpr-transfer: RAM handed over, not sent */
    MigrationAddress *main_addr; /* cpr-transfer: connected after the cpr */
    char *exec_path;             /* cpr-exec: the state file, then exec */
} OutgoingState;

static OutgoingState out = {.status = MIGRATION_STATUS_NONE};

static void outgoing_release(void)
{
    /* After stop-and-copy the figures are final (taken there). */
    if (out.ram != NULL && !out.completing) {
        out.ram_stats = *ram_save_stats(out.ram);
        out.ram_remaining = ram_save_remaining(out.ram);
    }
    g_clear_handle_id(&out.rate_source, g_source_remove);
    g_clear_pointer(&out.ch, mig_channel_free);
    g_clear_pointer(&out.stream, mig_stream_free);
    g_clear_pointer(&out.pending, g_bytes_unref);
    g_clear_pointer(&out.vectors, g_array_unref);
    g_clear_pointer(&out.ram, ram_save_free);
    g_clear_pointer(&out.main_addr, qapi_free_MigrationAddress);
    g_clear_pointer(&out.exec_path, g_free);
    cpr_out_close();
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
        mig_sys()->vm_start();
    } else {
        mig_sys()->runstate_set(out.prior_state);
    }
}

static void outgoing_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void outgoing_fail(const char *fmt, ...)
{
    va_list ap;

    outgoing_restore_vm();
    out.end_ms = migration_now_ms();
    if (out.status == MIGRATION_STATUS_CANCELLING) {
        migration_set_status(&out.status, MIGRATION_STATUS_CANCELLED);
    } else {
        g_free(out.error);
        va_start(ap, fmt);
        out.error = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        migration_set_status(&out.status, MIGRATION_STATUS_FAILED);
    }
    outgoing_release();
}

static void outgoing_complete(void)
{
    out.end_ms = migration_now_ms();
    out.end_us = g_get_monotonic_time();
    out.stopped = false;
    mig_sys()->runstate_set(RUN_STATE_POSTMIGRATE);
    migration_set_status(&out.status, MIGRATION_STATUS_COMPLETED);
    outgoing_release();
}

/*
 * Finishes reading one return-path message into out.rp_reply: SHUT and
 * PONG are both a u16 type, a u16 length of 4 and a u32.
 *
 * Returns: false when the migration failed (or was cancelled) instead.
 */
static bool outgoing_reply_finish(GObject *source, GAsyncResult *res)
{
    g_autoptr(GError) err = NULL;
    gsize got = 0;

    if (!g_input_stream_read_all_finish(G_INPUT_STREAM(source), res, &got,
                                        &err)) {
        outgoing_fail("failed to read the destination's reply: %s",
                      err->message);
        return false;
    }
    if (out.status == MIGRATION_STATUS_CANCELLING) {
        outgoing_fail("cancelled");
        return false;
    }
    if (got < sizeof(out.rp_reply)) {
        outgoing_fail("the destination closed the connection before "
                      "acknowledging the migration");
        return false;
    }
    return true;
}

static unsigned reply_type(void)
{
    uint16_t type;

    memcpy(&type, out.rp_reply, sizeof(type));
    return GUINT16_FROM_BE(type);
}

static bool reply_is(uint16_t type, uint32_t value)
{
    guint8 want[8];

    mig_rp_message_encode(want, type, value);
    return memcmp(out.rp_reply, want, sizeof(want)) == 0;
}

static void outgoing_refusal_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    g_autofree guint8 *msg = p;
    uint16_t head[2];

    memcpy(head, msg, sizeof(head));
    if (g_input_stream_read_all_finish(G_INPUT_STREAM(source), res, NULL,
                                       NULL) &&
        out.status != MIGRATION_STATUS_CANCELLING) {
        g_autofree char *why =
            mig_rp_refusal_text(msg, 4 + GUINT16_FROM_BE(head[1]));

        outgoing_fail("the destination refused the migration: %s",
                      why != NULL ? why : "");
        return;
    }
    outgoing_fail("the destination failed to load the migration stream");
}

/*
 * Returns: whether out.rp_reply starts the destination's reason, which is
 * then read whole before the migration fails with it.
 */
static bool outgoing_reply_is_refusal(void)
{
    uint16_t len;
    guint8 *msg;

    if (reply_type() != MIG_RP_MSG_QMPD_REFUSAL) {
        return false;
    }
    memcpy(&len, out.rp_reply + 2, sizeof(len));
    len = MIN(MAX(GUINT16_FROM_BE(len), 4), MIG_RP_REFUSAL_MAX_TEXT);
    msg = g_malloc0(4 + len);
    memcpy(msg, out.rp_reply, sizeof(out.rp_reply));
    g_input_stream_read_all_async(out.ch->in, msg + sizeof(out.rp_reply),
                                  len - 4, G_PRIORITY_DEFAULT, out.cancel,
                                  outgoing_refusal_cb, msg);
    return true;
}

static void outgoing_shut_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    if (!outgoing_reply_finish(source, res) || outgoing_reply_is_refusal()) {
        return;
    }
    if (!reply_is(MIG_RP_MSG_SHUT, 0)) {
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

static void outgoing_iterate(void);
static void outgoing_await_peer(void);

/*
 * cpr-exec: the state is in the file; become cpr-exec-command.  Back
 * here only when the exec failed, and the guest goes on.
 */
static void outgoing_cpr_exec(void)
{
    g_autoptr(GPtrArray) blocks = ram_migration_blocks();
    g_autoptr(GError) err = NULL;

    if (!cpr_exec_run(out.exec_path, blocks, &err)) {
        outgoing_fail("%s", err->message);
    }
}

/* Everything was written: wait for the destination's verdict, if any. */
static void outgoing_finish_stream(void)
{
    g_autoptr(GError) err = NULL;

    if (!out.has_rp) {
        if (!g_output_stream_close(out.ch->out, NULL, &err)) {
            outgoing_fail("Unable to finish the migration stream: %s",
                          err->message);
            return;
        }
        if (out.exec_path != NULL) {
            outgoing_cpr_exec();
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
                                  out.cancel, outgoing_shut_cb, NULL);
}

static void outgoing_written_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    g_autoptr(GError) err = NULL;
    gsize written = 0;
    bool ok = g_output_stream_writev_all_finish(G_OUTPUT_STREAM(source), res,
                                                &written, &err);

    out.transferred += written;
    g_clear_pointer(&out.pending, g_bytes_unref);
    if (!ok) {
        g_autofree char *why =
            out.has_rp ? mig_rp_refusal_poll(out.ch->in) : NULL;

        if (why != NULL) {
            outgoing_fail("the destination refused the migration: %s", why);
            return;
        }
        outgoing_fail("Unable to write to the migration stream: %s",
                      err->message);
        return;
    }
    if (out.status == MIGRATION_STATUS_CANCELLING) {
        outgoing_fail("cancelled");
        return;
    }
    if (out.completing) {
        outgoing_finish_stream();
    } else if (out.converged) {
        outgoing_await_peer();
    } else {
        outgoing_iterate();
    }
}

/* Hands everything the stream holds to the transport. */
static void outgoing_send(void)
{
    out.pending = mig_stream_take_vectors(out.stream, out.vectors);
    g_output_stream_writev_all_async(out.ch->out,
                                     (GOutputVector *)(void *)out.vectors->data,
                                     out.vectors->len, G_PRIORITY_DEFAULT,
                                     out.cancel, outgoing_written_cb, NULL);
}

static void outgoing_connected_cb(MigChannel *ch, const GError *err,
                                  gpointer opaque)
{
    const char *mclass = migration_machine_class();

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
    out.setup_ms = migration_now_ms();
    migration_set_status(&out.status, MIGRATION_STATUS_ACTIVE);
    if (migration_capability_enabled(MIGRATION_CAPABILITY_EVENTS)) {
        qapi_event_send_migration_pass(1);
    }

    out.stream = mig_stream_new();
    out.vectors = g_array_new(FALSE, FALSE, sizeof(GOutputVector));
    savevm_put_header(out.stream, mclass);
    if (out.has_rp) {
        savevm_put_command(out.stream, MIG_CMD_OPEN_RETURN_PATH, NULL, 0);
    }
    /* The configuration first: the destination builds its RAM from it. */
    savevm_put_config_sections(out.stream);
    {
        g_autoptr(GPtrArray) blocks = ram_migration_blocks();

        out.ram = ram_save_new(blocks);
    }
    if (out.cpr) {
        ram_save_skip_pages(out.ram);
    }
    out.setup_us = g_get_monotonic_time();
    savevm_put_section_header(out.stream, QEMU_VM_SECTION_START,
                              RAM_SECTION_NAME, 0);
    ram_save_setup(out.ram, out.stream);
    savevm_put_section_footer(out.stream, RAM_SECTION_NAME, 0);
    outgoing_send();
}

/* Stops the guest and queues the rest: RAM still dirty, devices, EOF. */
static void outgoing_stop_and_copy(void)
{
    out.prior_state = mig_sys()->runstate_get();
    global_state_store(out.prior_state);
    out.stop_ms = migration_now_ms();
    out.stop_us = g_get_monotonic_time();
    out.stopped = true;
    if (out.prior_state == RUN_STATE_RUNNING) {
        mig_sys()->vm_stop(RUN_STATE_FINISH_MIGRATE);
    } else {
        mig_sys()->runstate_set(RUN_STATE_FINISH_MIGRATE);
    }
    migration_set_status(&out.status, MIGRATION_STATUS_DEVICE);
    savevm_put_section_header(out.stream, QEMU_VM_SECTION_END, RAM_SECTION_NAME,
                              0);
    ram_save_complete(out.ram, out.stream);
    out.ram_stats = *ram_save_stats(out.ram);
    out.ram_remaining = ram_save_remaining(out.ram);
    savevm_put_section_footer(out.stream, RAM_SECTION_NAME, 0);
    savevm_put_device_sections(out.stream, migration_machine_class());
    out.completing = true;
}

/* Bytes per microsecond since the transfer began. */
static double outgoing_bandwidth(void)
{
    gint64 elapsed = g_get_monotonic_time() - out.setup_us;

    return (double)mig_stream_bytes_out(out.stream) / (double)MAX(elapsed, 1);
}

/* Whether what is dirty can be sent within downtime-limit. */
static bool outgoing_fits_downtime(void)
{
    double limit_us =
        (double)migration_parameters_get()->downtime_limit * 1000.0;

    return (double)ram_save_remaining(out.ram) <=
           outgoing_bandwidth() * limit_us;
}

/* A pass ended: converged when what is dirty fits the downtime limit. */
static bool outgoing_converged(void)
{
    const RamSaveStats *st = ram_save_stats(out.ram);

    if (migration_capability_enabled(MIGRATION_CAPABILITY_EVENTS)) {
        qapi_event_send_migration_pass((int64_t)st->dirty_sync_count);
    }
    return outgoing_fits_downtime();
}

static gboolean outgoing_rate_cb(gpointer p)
{
    out.rate_source = 0;
    outgoing_iterate();
    return G_SOURCE_REMOVE;
}

/*
 * The destination has loaded everything up to the converged pass (one-way
 * channels cannot tell, and go on at once).  Stop now, unless what the
 * guest dirtied meanwhile no longer fits the downtime limit.
 */
static void outgoing_peer_caught_up(void)
{
    if (out.status == MIGRATION_STATUS_CANCELLING) {
        outgoing_fail("cancelled");
        return;
    }
    out.converged = false;
    if (!outgoing_fits_downtime()) {
        outgoing_iterate();
        return;
    }
    outgoing_stop_and_copy();
    outgoing_send();
}

static void outgoing_pong_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    if (!outgoing_reply_finish(source, res) || outgoing_reply_is_refusal()) {
        return;
    }
    if (reply_is(MIG_RP_MSG_PONG, out.ping_id)) {
        outgoing_peer_caught_up();
    } else if (reply_type() == MIG_RP_MSG_SHUT) {
        outgoing_fail("the destination failed to load the migration stream");
    } else {
        outgoing_fail("unexpected message %u on the return path", reply_type());
    }
}

/*
 * Converged, and the pass is written, with a PING after it.  Whatever the
 * destination has yet to load when the guest stops is downtime, so the
 * guest keeps running until the PONG says the destination loaded all of
 * it.  (Waiting for the socket to empty was not enough: the destination
 * may still be loading what it read last.)
 */
static void outgoing_await_peer(void)
{
    if (!out.has_rp) {
        outgoing_peer_caught_up();
        return;
    }
    g_input_stream_read_all_async(out.ch->in, out.rp_reply,
                                  sizeof(out.rp_reply), G_PRIORITY_DEFAULT,
                                  out.cancel, outgoing_pong_cb, NULL);
}

/* Rate limit: Returns: bytes allowed now; 0 means wait (timer armed). */
static gsize outgoing_allowance(void)
{
    uint64_t bw = migration_parameters_get()->max_bandwidth;
    gint64 now = g_get_monotonic_time();
    uint64_t per_window;

    if (bw == 0) {
        return OUT_BATCH_BYTES;
    }
    per_window = MAX(bw * RATE_WINDOW_US / G_USEC_PER_SEC, 1);
    if (now - out.window_us >= RATE_WINDOW_US) {
        out.window_us = now;
        out.window_bytes = 0;
    }
    if (out.window_bytes >= per_window) {
        gint64 wait_ms = (out.window_us + RATE_WINDOW_US - now + 999) / 1000;

        out.rate_source =
            g_timeout_add((guint)MAX(wait_ms, 1), outgoing_rate_cb, NULL);
        return 0;
    }
    return (gsize)MIN(per_window - out.window_bytes, OUT_BATCH_BYTES);
}

/* Sends the next RAM part, or everything that is left once converged. */
static void outgoing_iterate(void)
{
    gsize budget;
    gsize before;

    if (out.status == MIGRATION_STATUS_CANCELLING) {
        outgoing_fail("cancelled");
        return;
    }
    budget = outgoing_allowance();
    if (budget == 0) {
        return;
    }
    before = mig_stream_output_pending(out.stream);
    savevm_put_section_header(out.stream, QEMU_VM_SECTION_PART,
                              RAM_SECTION_NAME, 0);
    if (ram_save_iterate(out.ram, out.stream, budget, OUT_BATCH_PAGES) &&
        outgoing_converged()) {
        out.converged = true;
    }
    savevm_put_section_footer(out.stream, RAM_SECTION_NAME, 0);
    if (out.converged && out.has_rp) {
        uint32_t ping;

        out.ping_id++;
        ping = GUINT32_TO_BE(out.ping_id);

        savevm_put_command(out.stream, MIG_CMD_PING, &ping, sizeof(ping));
    }
    out.window_bytes += mig_stream_output_pending(out.stream) - before;
    outgoing_send();
}

/* The cpr channel's verdict: on to the main channel, or give up. */
static void outgoing_cpr_sent_cb(const char *error, gpointer opaque)
{
    g_autoptr(GError) err = NULL;

    if (out.status == MIGRATION_STATUS_CANCELLING) {
        outgoing_fail("cancelled");
        return;
    }
    if (error != NULL) {
        outgoing_fail("%s", error);
        return;
    }
    if (!mig_channel_connect(out.main_addr, out.cancel, outgoing_connected_cb,
                             NULL, &err)) {
        outgoing_fail("%s", err->message);
    }
}

bool migration_outgoing_start(const MigrationAddress *addr,
                              const MigrationAddress *cpr_addr, GError **errp)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) blocks = NULL;

    g_return_val_if_fail(mig_sys() != NULL, false);
    if (migration_is_active()) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "There's a migration process in progress");
        return false;
    }
    if (mig_sys()->guest_in_qemu != NULL && mig_sys()->guest_in_qemu()) {
        if (cpr_addr != NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "cpr-transfer of a guest run by QEMU is not "
                        "supported");
            return false;
        }
        if (migration_parameters_get()->mode == MIG_MODE_CPR_EXEC) {
            /* qmpd itself is replaced; QEMU and its guest stay as they are. */
            return mig_cpr_qemu_start(addr, mig_sys(), errp);
        }
        mig_cpr_qemu_forget();
        return mig_qemu_outgoing_start(addr, mig_sys(), errp);
    }
    if (cpr_addr != NULL) {
        blocks = ram_migration_blocks();
        if (!cpr_out_check_blocks(blocks, errp)) {
            return false;
        }
    }
    if (migration_parameters_get()->mode == MIG_MODE_CPR_EXEC) {
        g_autoptr(GPtrArray) exec_blocks = ram_migration_blocks();

        if (!cpr_exec_check(addr, exec_blocks, errp)) {
            return false;
        }
    }
    g_clear_pointer(&out.error, g_free);
    out.transferred = 0;
    out.start_ms = migration_now_ms();
    out.setup_ms = out.stop_ms = out.end_ms = 0;
    out.setup_us = out.stop_us = out.end_us = 0;
    out.completing = false;
    out.converged = false;
    out.window_us = 0;
    out.window_bytes = 0;
    memset(&out.ram_stats, 0, sizeof(out.ram_stats));
    out.ram_remaining = 0;
    out.cancel = g_cancellable_new();
    out.cpr = cpr_addr != NULL;
    if (migration_parameters_get()->mode == MIG_MODE_CPR_EXEC) {
        /* RAM stays in its memfds: the file gets the device state only. */
        out.cpr = true;
        out.exec_path = g_strdup(addr->u.file.filename);
    }
    migration_set_status(&out.status, MIGRATION_STATUS_SETUP);
    if (cpr_addr != NULL) {
        /* The destination builds its machine on our memory first. */
        out.main_addr = QAPI_CLONE(MigrationAddress, addr);
        if (!cpr_out_start(cpr_addr, blocks, out.cancel, outgoing_cpr_sent_cb,
                           NULL, &err)) {
            outgoing_fail("%s", err->message);
            g_propagate_error(errp, g_steal_pointer(&err));
            return false;
        }
        return true;
    }
    if (!mig_channel_connect(addr, out.cancel, outgoing_connected_cb, NULL,
                             &err)) {
        outgoing_fail("%s", err->message);
        g_propagate_error(errp, g_steal_pointer(&err));
        return false;
    }
    return true;
}

bool migration_outgoing_running(void)
{
    return migration_status_is_running(out.status);
}

bool migration_outgoing_cancel(void)
{
    if (!migration_status_is_running(out.status)) {
        return false;
    }
    if (out.status != MIGRATION_STATUS_CANCELLING) {
        migration_set_status(&out.status, MIGRATION_STATUS_CANCELLING);
        g_cancellable_cancel(out.cancel);
    }
    return true;
}

static MigrationStats *outgoing_stats(void)
{
    MigrationStats *ram = g_new0(MigrationStats, 1);
    gint64 end = out.end_ms != 0 ? out.end_ms : migration_now_ms();
    gint64 elapsed = end - (out.setup_ms != 0 ? out.setup_ms : out.start_ms);
    bool live = out.ram != NULL && !out.completing;
    RamSaveStats st = live ? *ram_save_stats(out.ram) : out.ram_stats;

    ram->transferred = (int64_t)out.transferred;
    ram->remaining =
        (int64_t)(live ? ram_save_remaining(out.ram) : out.ram_remaining);
    ram->total = (int64_t)st.total;
    ram->duplicate = (int64_t)st.duplicate;
    ram->normal = (int64_t)st.normal;
    ram->normal_bytes = (int64_t)(st.normal * RAM_PAGE_SIZE);
    ram->page_size = RAM_PAGE_SIZE;
    ram->dirty_sync_count = (int64_t)st.dirty_sync_count;
    ram->precopy_bytes = out.transferred;
    ram->mbps = elapsed > 0 ? (double)out.transferred * 8 / 1000 / elapsed : 0;
    return ram;
}

bool migration_outgoing_query(MigrationInfo *info)
{
    gint64 end;

    if (out.status == MIGRATION_STATUS_NONE) {
        return false;
    }
    end = out.end_ms != 0 ? out.end_ms : migration_now_ms();
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
    return true;
}

void migration_outgoing_shutdown(void)
{
    if (out.cancel != NULL) {
        g_cancellable_cancel(out.cancel);
    }
    outgoing_release();
    g_clear_pointer(&out.error, g_free);
    out.status = MIGRATION_STATUS_NONE;
}
