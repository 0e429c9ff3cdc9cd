/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The destination's state machine (drawn in include/migration/migration.h):
 * listen, tell qmpd's own stream from a QEMU hand-off by its magic, load
 * the stream as it arrives and answer on the return path.
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
#include "migration/qemu-handoff.h"
#include "migration/ram.h"
#include "migration/savevm.h"
#include "qapi-events.h"
#include "qapi-visit.h"
#include "qapi/clone.h"
#include "util/error.h"

/* Bytes asked for per read of an incoming channel. */
#define INCOMING_READ_CHUNK (8u << 20)

/*
 * A read goes straight into the stream's buffer.  Should the attempt end
 * while it is in flight, the stream is orphaned to the read, which frees
 * it when it completes (the buffer must outlive the read).
 */
typedef struct ReadOp {
    MigStream *stream;
    bool orphaned;
} ReadOp;

typedef struct IncomingState {
    MigrationStatus status;
    bool allowed;
    MigListener *listener;
    SocketAddressList *addresses;
    MigChannel *ch;
    MigStream *stream;
    LoadVM *lv;
    GCancellable *cancel;
    ReadOp *read_op; /* the read in flight */
    guint8 magic[4]; /* chooses qmpd's stream or a QEMU hand-off */
    bool prepared;
    bool cpr; /* the machine was built on memory the cpr channel brought */
    RamBlock *exec_ram; /* cpr-exec: the RAM to build the machine on */
    guint ahead_idle;   /* starts what the destination needs beforehand */
    bool exec_qemu;     /* cpr-exec: the machine is the QEMU left running */
    char *error;
} IncomingState;

static IncomingState in = {.status = MIGRATION_STATUS_NONE};

static void incoming_release(void)
{
    if (in.read_op != NULL) {
        in.read_op->orphaned = true;
        in.read_op = NULL;
        in.stream = NULL;
    }
    ram_migration_load_reset();
    g_clear_pointer(&in.exec_ram, ram_block_unref);
    in.exec_qemu = false;
    g_clear_pointer(&in.stream, mig_stream_free);
    g_clear_pointer(&in.lv, loadvm_free);
    g_clear_pointer(&in.listener, mig_listener_free);
    g_clear_object(&in.cancel);
}

typedef struct ReplyData {
    MigChannel *ch;
    GBytes *msg;
} ReplyData;

static void reply_sent_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    ReplyData *rd = p;

    g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), res, NULL, NULL);
    mig_channel_free(rd->ch);
    g_bytes_unref(rd->msg);
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
    {
        g_autoptr(GByteArray) msg = g_byte_array_new();
        guint8 shut[8];

        /* The reason first, for a source that can only see its write fail. */
        if (!ok && in.error != NULL) {
            g_autoptr(GBytes) why = mig_rp_refusal_encode(in.error);

            g_byte_array_append(msg, g_bytes_get_data(why, NULL),
                                (guint)g_bytes_get_size(why));
        }
        mig_rp_message_encode(shut, MIG_RP_MSG_SHUT, ok ? 0 : 1);
        g_byte_array_append(msg, shut, sizeof(shut));
        rd->msg = g_byte_array_free_to_bytes(g_steal_pointer(&msg));
    }
    g_output_stream_write_all_async(
        ch->out, g_bytes_get_data(rd->msg, NULL), g_bytes_get_size(rd->msg),
        G_PRIORITY_DEFAULT, NULL, reply_sent_cb, rd);
}

/*
 * Once the main loop runs (the command line's chardevs and configuration
 * are complete by then), the system may start the guest's QEMU ahead.
 */
static gboolean incoming_start_ahead_cb(gpointer opaque)
{
    in.ahead_idle = 0;
    if (in.status == MIGRATION_STATUS_SETUP &&
        mig_sys()->incoming_start_ahead != NULL) {
        mig_sys()->incoming_start_ahead();
    }
    return G_SOURCE_REMOVE;
}

static void incoming_stop_ahead(void)
{
    g_clear_handle_id(&in.ahead_idle, g_source_remove);
    if (mig_sys() != NULL && mig_sys()->incoming_stop_ahead != NULL) {
        mig_sys()->incoming_stop_ahead();
    }
}

/*
 * The attempt is over, whichever way: what it set up beside the main
 * channel goes too (like the main listener, the cpr one waits for the
 * next migrate-incoming).
 */
static void incoming_end_attempt(void)
{
    incoming_stop_ahead();
    in.cpr = false;
    cpr_in_stop();
}

static void incoming_fail(bool cancelled, const char *message)
{
    if (in.prepared) {
        in.prepared = false;
        mig_sys()->incoming_abort();
    }
    incoming_end_attempt();
    g_free(in.error);
    in.error = g_strdup(message);
    incoming_close_channel(false);
    incoming_release();
    migration_set_status(&in.status, cancelled ? MIGRATION_STATUS_CANCELLED
                                               : MIGRATION_STATUS_FAILED);
}

static void incoming_complete(void)
{
    RunState source_state = RUN_STATE_RUNNING;

    global_state_received(&source_state);
    in.prepared = false;
    incoming_end_attempt();
    mig_sys()->incoming_finish(source_state);
    incoming_close_channel(true);
    incoming_release();
    migration_set_status(&in.status, MIGRATION_STATUS_COMPLETED);
}

static void incoming_read_cb(GObject *source, GAsyncResult *res, gpointer p);

static void incoming_read_more(void)
{
    ReadOp *op = g_new0(ReadOp, 1);

    op->stream = in.stream;
    in.read_op = op;
    g_input_stream_read_async(
        in.ch->in, mig_stream_feed_reserve(in.stream, INCOMING_READ_CHUNK),
        INCOMING_READ_CHUNK, G_PRIORITY_DEFAULT, in.cancel, incoming_read_cb,
        op);
}

static void incoming_read_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    ReadOp *op = p;
    g_autoptr(GError) err = NULL;
    gssize got = g_input_stream_read_finish(G_INPUT_STREAM(source), res, &err);
    const GError *serr;

    if (op->orphaned) {
        mig_stream_free(op->stream);
        g_free(op);
        return; /* a cancelled attempt's late read */
    }
    g_free(op);
    in.read_op = NULL;
    if (got < 0) {
        if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            return; /* migration_cancel() already finished the job */
        }
        incoming_fail(false, err->message);
        return;
    }
    if (got == 0) {
        mig_stream_feed_eof(in.stream);
    } else {
        mig_stream_feed_commit(in.stream, (gsize)got);
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

/*
 * The source pings once a pass has converged and keeps the guest running
 * until the PONG: everything before the PING is loaded by now.  The
 * return path carries nothing else until the final SHUT, so this short
 * write does not block.  A failure is left to the read side, which sees
 * the same vanished source.
 */
static void incoming_answer_ping(uint32_t value, gpointer opaque)
{
    guint8 msg[8];

    mig_rp_message_encode(msg, MIG_RP_MSG_PONG, value);
    if (in.ch != NULL && in.ch->io != NULL) {
        g_output_stream_write_all(in.ch->out, msg, sizeof(msg), NULL, NULL,
                                  NULL);
    }
}

/* qmpd's own stream: the magic read so far is its first bytes. */
static void incoming_load_stream(void)
{
    const char *type = machine_config_get()->type;
    const MachineType *mt = type != NULL ? machine_type_find(type) : NULL;

    in.stream = mig_stream_new();
    memcpy(mig_stream_feed_reserve(in.stream, sizeof(in.magic)), in.magic,
           sizeof(in.magic));
    mig_stream_feed_commit(in.stream, sizeof(in.magic));
    in.lv = loadvm_new(mt != NULL ? mt->name : NULL);
    loadvm_set_ping_handler(in.lv, incoming_answer_ping, NULL);
    global_state_reset();
    ram_migration_load_reset();
    incoming_read_more();
}

/*
 * Exactly four bytes, so that a QEMU hand-off's channel reaches QEMU
 * with nothing of its stream consumed.
 */
static void incoming_magic_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    g_autoptr(GError) err = NULL;
    gsize got = 0;
    uint32_t magic;

    if (!g_input_stream_read_all_finish(G_INPUT_STREAM(source), res, &got,
                                        &err)) {
        if (!g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            incoming_fail(false, err->message);
        }
        return;
    }
    memcpy(&magic, in.magic, sizeof(magic));
    magic = GUINT32_FROM_BE(magic);
    if (got == sizeof(in.magic) && magic == MIG_QEMU_MAGIC) {
        MigChannel *ch = g_steal_pointer(&in.ch);

        incoming_release();
        mig_qemu_incoming_start(ch, mig_sys());
        return;
    }
    if (got < sizeof(in.magic)) {
        incoming_fail(false, "the stream ended before its header");
        return;
    }
    incoming_load_stream();
}

static void incoming_connected_cb(MigChannel *ch, const GError *err,
                                  gpointer opaque)
{
    if (ch == NULL) {
        incoming_fail(false, err->message);
        return;
    }
    in.ch = ch;
    migration_set_status(&in.status, MIGRATION_STATUS_ACTIVE);
    g_input_stream_read_all_async(in.ch->in, in.magic, sizeof(in.magic),
                                  G_PRIORITY_DEFAULT, in.cancel,
                                  incoming_magic_cb, NULL);
}

void migration_incoming_ended(bool cancelled, const char *error)
{
    /* After a hand-off that used it, nothing is ahead any more. */
    incoming_stop_ahead();
    g_free(in.error);
    in.error = g_strdup(error);
    migration_set_status(&in.status, error == NULL ? MIGRATION_STATUS_COMPLETED
                                     : cancelled   ? MIGRATION_STATUS_CANCELLED
                                                   : MIGRATION_STATUS_FAILED);
}

void migration_incoming_allow(void)
{
    in.allowed = true;
}

/* QEMU's preconditions of migrate-incoming. */
static bool incoming_can_listen(GError **errp)
{
    g_return_val_if_fail(mig_sys() != NULL, false);
    if (migration_status_is_running(in.status)) {
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
    return true;
}

static bool incoming_listen(const MigrationAddress *addr, bool ahead,
                            GError **errp)
{
    if (!incoming_can_listen(errp)) {
        return false;
    }
    in.listener = mig_listener_new(addr, incoming_connected_cb, NULL, errp);
    if (in.listener == NULL) {
        return false;
    }
    qapi_free_SocketAddressList(in.addresses);
    in.addresses = mig_listener_addresses(in.listener);
    g_clear_pointer(&in.error, g_free);
    in.cancel = g_cancellable_new();
    migration_set_status(&in.status, MIGRATION_STATUS_SETUP);
    if (ahead && in.ahead_idle == 0) {
        in.ahead_idle = g_idle_add(incoming_start_ahead_cb, NULL);
    }
    return true;
}

bool migration_incoming_listen(const MigrationAddress *addr, GError **errp)
{
    return incoming_listen(addr, true, errp);
}

bool migration_incoming_listen_cpr(const MigrationAddress *addr,
                                   const MigrationAddress *cpr_addr,
                                   GError **errp)
{
    if (!incoming_can_listen(errp) || !cpr_in_listen(cpr_addr, errp)) {
        return false;
    }
    /* cpr-transfer builds the built-in machine: nothing to start ahead. */
    if (!incoming_listen(addr, false, errp)) {
        cpr_in_stop();
        return false;
    }
    return true;
}

bool migration_incoming_setup(const MigrationAddress *addr,
                              const MigrationAddress *cpr_addr, GError **errp)
{
    migration_incoming_allow();
    if (addr == NULL && cpr_addr != NULL) {
        /* -incoming defer: the main channel comes with migrate-incoming. */
        return incoming_can_listen(errp) && cpr_in_listen(cpr_addr, errp);
    }
    if (addr == NULL) {
        return true;
    }
    return cpr_addr != NULL
               ? migration_incoming_listen_cpr(addr, cpr_addr, errp)
               : migration_incoming_listen(addr, errp);
}

bool migration_incoming_cpr_prepare(const MachineProperties *cfg, RamBlock *ram,
                                    GError **errp)
{
    if (in.prepared || migration_incoming_main_connected()) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The incoming migration has already been started");
        return false;
    }
    if (!mig_sys()->incoming_prepare_cpr(cfg, ram, errp)) {
        return false;
    }
    in.prepared = true;
    in.cpr = true;
    return true;
}

void migration_incoming_cpr_abort(void)
{
    if (!in.cpr || !in.prepared || migration_incoming_main_connected()) {
        return;
    }
    in.prepared = false;
    in.cpr = false;
    mig_sys()->incoming_abort();
}

bool migration_incoming_cpr_exec(const MigrationAddress *addr, RamBlock *ram,
                                 GError **errp)
{
    migration_incoming_allow();
    /* Set first: a file channel is open (and read) at once. */
    in.exec_ram = ram != NULL ? ram_block_ref(ram) : NULL;
    if (!migration_incoming_listen(addr, errp)) {
        g_clear_pointer(&in.exec_ram, ram_block_unref);
        return false;
    }
    return true;
}

bool migration_incoming_cpr_exec_qemu(const char *path, GError **errp)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *data = NULL;
    gsize len = 0;
    const GError *serr;

    migration_incoming_allow();
    /*
     * The file holds the configuration only, so it is read at once:
     * QEMU is adopted before the monitors read anything, and a client's
     * next request already reaches it.
     */
    if (!g_file_get_contents(path, &data, &len, &err)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cpr-exec: cannot read the state file: %s", err->message);
        return false;
    }
    in.exec_qemu = true;
    migration_set_status(&in.status, MIGRATION_STATUS_SETUP);
    migration_set_status(&in.status, MIGRATION_STATUS_ACTIVE);
    in.stream = mig_stream_new();
    mig_stream_feed(in.stream, data, len);
    mig_stream_feed_eof(in.stream);
    in.lv = loadvm_new(NULL);
    global_state_reset();
    switch (loadvm_step(in.lv, in.stream)) {
    case LOADVM_DONE:
        incoming_complete();
        mig_cpr_qemu_incoming_done();
        return true;
    case LOADVM_ERROR:
        serr = mig_stream_get_error(in.stream);
        g_set_error(&err, QMPD_ERROR, QMPD_ERROR_GENERIC, "cpr-exec: %s",
                    serr->message);
        break;
    case LOADVM_MORE:
        g_set_error(&err, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cpr-exec: the state file '%s' ends early", path);
        break;
    }
    incoming_fail(false, err->message);
    g_propagate_error(errp, g_steal_pointer(&err));
    return false;
}

bool migration_incoming_main_connected(void)
{
    return in.ch != NULL || in.lv != NULL;
}

static bool incoming_apply_config(const MachineProperties *cfg, GError **errp)
{
    if (in.cpr) {
        /* Built already from the cpr channel: both must tell the same. */
        if (!machine_config_equal(cfg, machine_config_get())) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "migration: the main channel's configuration differs "
                        "from the one the cpr channel brought");
            return false;
        }
        return true;
    }
    if (in.exec_qemu) {
        if (!mig_sys()->incoming_adopt_qemu(cfg, errp)) {
            return false;
        }
        in.prepared = true;
        return true;
    }
    if (in.exec_ram != NULL) {
        if (!mig_sys()->incoming_prepare_cpr(cfg, in.exec_ram, errp)) {
            return false;
        }
        in.prepared = true;
        return true;
    }
    if (!mig_sys()->incoming_prepare(cfg, errp)) {
        return false;
    }
    in.prepared = true;
    return true;
}

bool migration_incoming_register(GError **errp)
{
    return migration_config_section_register(incoming_apply_config, errp);
}

bool migration_incoming_running(void)
{
    return migration_status_is_running(in.status);
}

bool migration_incoming_stream_arrived(void)
{
    return migration_incoming_running() && in.status != MIGRATION_STATUS_SETUP;
}

bool migration_incoming_cancel(void)
{
    if (!migration_status_is_running(in.status)) {
        return false;
    }
    if (in.cancel != NULL) {
        g_cancellable_cancel(in.cancel);
    }
    incoming_fail(true, "the incoming migration was cancelled");
    return true;
}

bool migration_incoming_query(MigrationInfo *info)
{
    if (in.status == MIGRATION_STATUS_NONE) {
        return false;
    }
    info->has_status = true;
    info->status = in.status;
    if (in.status == MIGRATION_STATUS_SETUP && in.addresses != NULL) {
        info->socket_address = QAPI_CLONE(SocketAddressList, in.addresses);
    }
    if (in.error != NULL && (in.status == MIGRATION_STATUS_FAILED ||
                             in.status == MIGRATION_STATUS_CANCELLED)) {
        info->error_desc = g_strdup(in.error);
    }
    return true;
}

void migration_incoming_shutdown(void)
{
    incoming_end_attempt();
    if (in.cancel != NULL) {
        g_cancellable_cancel(in.cancel);
    }
    g_clear_pointer(&in.ch, mig_channel_free);
    incoming_release();
    g_clear_pointer(&in.addresses, qapi_free_SocketAddressList);
    g_clear_pointer(&in.error, g_free);
    in.status = MIGRATION_STATUS_NONE;
    in.allowed = false;
    in.prepared = false;
}
