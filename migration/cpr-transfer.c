/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpr-transfer's cpr channel: the source hands its configuration and the
 * memfds of guest RAM (SCM_RIGHTS) to a destination still in its
 * configuration phase, which builds its machine on that same memory
 * before the main channel brings device state.  The framing is in
 * docs/system/cpr.md.
 */

#include "prelude.h"

#include <string.h>
#include <unistd.h>

#include <gio/gunixfdlist.h>
#include <gio/gunixfdmessage.h>

#include "channel-internal.h"
#include "cpr-frame-internal.h"
#include "migration-internal.h"
#include "migration/config-section.h"
#include "migration/migration-address.h"
#include "migration/ram.h"
#include "qapi-visit.h"
#include "qapi/clone.h"
#include "util/error.h"

#define CPR_READ_CHUNK (64u << 10)

/* ---- the source ---- */

bool cpr_out_check_blocks(GPtrArray *blocks, GError **errp)
{
    for (guint i = 0; i < blocks->len; i++) {
        RamMigBlock *b = g_ptr_array_index(blocks, i);

        if (!ram_block_is_shared(b->rb)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "cpr-transfer needs shared RAM, but memory '%s' is "
                        "private (set -machine aux-ram-share=on)",
                        b->idstr);
            return false;
        }
    }
    if (blocks->len > CPR_FRAME_MAX_BLOCKS) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cpr-transfer hands over at most %u RAM blocks",
                    CPR_FRAME_MAX_BLOCKS);
        return false;
    }
    return true;
}

/*
 * One attempt.  While a GIO operation is in flight it owns the attempt:
 * cpr_out_close() then only marks it abandoned, and the operation's
 * callback frees it.
 */
typedef struct CprOut {
    MigChannel *ch;
    GCancellable *cancel;
    CprSentFunc fn;
    gpointer opaque;
    GPtrArray *blocks;
    GBytes *config;
    guint8 reply[CPR_FRAME_ANSWER_HEAD_SIZE];
    guint8 *text; /* the refusal's reason, as received */
    bool busy;
    bool abandoned;
} CprOut;

static CprOut *cpr_out;

static void cpr_out_free(CprOut *co)
{
    mig_channel_free(co->ch);
    g_clear_object(&co->cancel);
    g_clear_pointer(&co->blocks, g_ptr_array_unref);
    g_clear_pointer(&co->config, g_bytes_unref);
    g_free(co->text);
    g_free(co);
}

/* An operation finished.  Returns: the attempt still matters. */
static bool cpr_out_op_done(CprOut *co)
{
    co->busy = false;
    if (co->abandoned) {
        cpr_out_free(co);
        return false;
    }
    return true;
}

static void cpr_out_report(CprOut *co, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* Tells the migration the outcome: @fmt NULL for success. */
static void cpr_out_report(CprOut *co, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    if (fmt != NULL) {
        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
    co->fn(msg, co->opaque);
}

static void cpr_out_answer_failed(CprOut *co, const GError *err)
{
    cpr_out_report(co, "cpr-transfer: cannot read the destination's answer: %s",
                   err->message);
}

static void cpr_out_text_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    CprOut *co = p;
    g_autoptr(GError) err = NULL;
    g_autofree char *reason = NULL;
    gsize got = 0;
    bool ok =
        g_input_stream_read_all_finish(G_INPUT_STREAM(source), res, &got, &err);

    if (!cpr_out_op_done(co)) {
        return;
    }
    if (!ok) {
        cpr_out_answer_failed(co, err);
        return;
    }
    reason = cpr_frame_answer_reason(co->text, got);
    cpr_out_report(co, "cpr-transfer: the destination refused: %s", reason);
}

static void cpr_out_reply_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    CprOut *co = p;
    g_autoptr(GError) err = NULL;
    gsize got = 0;
    bool ok =
        g_input_stream_read_all_finish(G_INPUT_STREAM(source), res, &got, &err);
    uint32_t status = 0, len = 0;
    int parsed;

    if (!cpr_out_op_done(co)) {
        return;
    }
    if (!ok) {
        cpr_out_answer_failed(co, err);
        return;
    }
    parsed = cpr_frame_parse_answer_head(co->reply, got, &status, &len, &err);
    if (parsed == 0) {
        cpr_out_report(co, "cpr-transfer: the destination closed the cpr "
                           "channel without answering");
        return;
    }
    if (parsed < 0) {
        cpr_out_report(co, "cpr-transfer: %s", err->message);
        return;
    }
    if (status == 0) {
        cpr_out_report(co, NULL);
        return;
    }
    co->text = g_malloc0(len + 1);
    co->busy = true;
    g_input_stream_read_all_async(co->ch->in, co->text, len, G_PRIORITY_DEFAULT,
                                  co->cancel, cpr_out_text_cb, co);
}

static void cpr_out_config_sent_cb(GObject *source, GAsyncResult *res,
                                   gpointer p)
{
    CprOut *co = p;
    g_autoptr(GError) err = NULL;
    bool ok = g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), res,
                                               NULL, &err);

    if (!cpr_out_op_done(co)) {
        return;
    }
    if (!ok) {
        cpr_out_report(co, "cpr-transfer: cannot send the configuration: %s",
                       err->message);
        return;
    }
    co->busy = true;
    g_input_stream_read_all_async(co->ch->in, co->reply, sizeof(co->reply),
                                  G_PRIORITY_DEFAULT, co->cancel,
                                  cpr_out_reply_cb, co);
}

/* The header and the block table, which carry the descriptors. */
static GBytes *cpr_out_head(CprOut *co)
{
    g_autoptr(GPtrArray) table = cpr_frame_blocks_new();

    for (guint i = 0; i < co->blocks->len; i++) {
        RamMigBlock *b = g_ptr_array_index(co->blocks, i);

        cpr_frame_blocks_add(table, b->idstr, ram_block_get_size(b->rb));
    }
    return cpr_frame_encode_head(table, (uint32_t)g_bytes_get_size(co->config));
}

/*
 * The head goes out in one sendmsg() with every memfd attached: on a
 * fresh unix socket a few KiB never block, so the descriptors cannot be
 * split from their bytes.
 */
static bool cpr_out_send_head(CprOut *co, GError **errp)
{
    GSocket *sock =
        g_socket_connection_get_socket(G_SOCKET_CONNECTION(co->ch->io));
    g_autoptr(GBytes) head = cpr_out_head(co);
    g_autoptr(GUnixFDList) fds = g_unix_fd_list_new();
    g_autoptr(GSocketControlMessage) msg = NULL;
    GOutputVector vec;
    gsize len = 0;
    gssize sent;

    for (guint i = 0; i < co->blocks->len; i++) {
        RamMigBlock *b = g_ptr_array_index(co->blocks, i);

        if (g_unix_fd_list_append(fds, ram_block_get_fd(b->rb), errp) < 0) {
            return false;
        }
    }
    vec.buffer = g_bytes_get_data(head, &len);
    vec.size = len;
    msg = g_unix_fd_message_new_with_fd_list(fds);
    sent = g_socket_send_message(
        sock, NULL, &vec, 1, co->blocks->len > 0 ? &msg : NULL,
        co->blocks->len > 0 ? 1 : 0, 0, co->cancel, errp);
    if (sent < 0) {
        return false;
    }
    if ((gsize)sent != len) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "short write of the cpr header (%" G_GSSIZE_FORMAT
                    " of %" G_GSIZE_FORMAT " bytes)",
                    sent, len);
        return false;
    }
    return true;
}

static void cpr_out_connected_cb(MigChannel *ch, const GError *err,
                                 gpointer opaque)
{
    CprOut *co = opaque;
    g_autoptr(GError) send_err = NULL;

    if (!cpr_out_op_done(co)) {
        mig_channel_free(ch);
        return;
    }
    if (ch == NULL) {
        cpr_out_report(co, "cpr-transfer: cannot connect the cpr channel: %s",
                       err->message);
        return;
    }
    co->ch = ch;
    if (!cpr_out_send_head(co, &send_err)) {
        cpr_out_report(co, "cpr-transfer: cannot send the RAM descriptors: %s",
                       send_err->message);
        return;
    }
    co->busy = true;
    g_output_stream_write_all_async(
        co->ch->out, g_bytes_get_data(co->config, NULL),
        g_bytes_get_size(co->config), G_PRIORITY_DEFAULT, co->cancel,
        cpr_out_config_sent_cb, co);
}

bool cpr_out_start(const MigrationAddress *addr, GPtrArray *blocks,
                   GCancellable *cancel, CprSentFunc fn, gpointer opaque,
                   GError **errp)
{
    CprOut *co;
    gsize len = 0;
    char *text;

    g_return_val_if_fail(cpr_out == NULL, false);
    co = g_new0(CprOut, 1);
    co->cancel = g_object_ref(cancel);
    co->fn = fn;
    co->opaque = opaque;
    co->blocks = g_ptr_array_ref(blocks);
    text = migration_config_encode(&len);
    co->config = g_bytes_new_take(text, len);
    co->busy = true;
    if (!mig_channel_connect(addr, cancel, cpr_out_connected_cb, co, errp)) {
        g_prefix_error(errp, "cpr-transfer: ");
        cpr_out_free(co);
        return false;
    }
    cpr_out = co;
    return true;
}

void cpr_out_close(void)
{
    CprOut *co = g_steal_pointer(&cpr_out);

    if (co == NULL) {
        return;
    }
    if (co->busy) {
        co->abandoned = true;
        g_cancellable_cancel(co->cancel);
        return;
    }
    cpr_out_free(co);
}

/* ---- the destination ---- */

typedef struct CprIn {
    MigrationAddress *addr; /* armed when set */
    MigListener *listener;
    MigChannel *ch;
    GSource *watch;
    GByteArray *buf;
    GArray *fds; /* int, received and not yet owned by a RAM block */
    bool prepared;
} CprIn;

static CprIn cin;

static void cpr_in_arm(void);

static void cpr_in_close_fds(void)
{
    if (cin.fds == NULL) {
        return;
    }
    for (guint i = 0; i < cin.fds->len; i++) {
        close(g_array_index(cin.fds, int, i));
    }
    g_array_set_size(cin.fds, 0);
}

/* Forgets the connection (and whatever it brought). */
static void cpr_in_drop(void)
{
    if (cin.watch != NULL) {
        g_source_destroy(cin.watch);
        g_clear_pointer(&cin.watch, g_source_unref);
    }
    g_clear_pointer(&cin.ch, mig_channel_free);
    g_clear_pointer(&cin.buf, g_byte_array_unref);
    cpr_in_close_fds();
    g_clear_pointer(&cin.fds, g_array_unref);
    cin.prepared = false;
}

/* Answers the source; a refusal also drops the connection and re-arms. */
static void cpr_in_reply(const char *error)
{
    g_autoptr(GBytes) msg = cpr_frame_encode_answer(error);

    /* Small: the socket buffer takes it without waiting. */
    g_output_stream_write_all(cin.ch->out, g_bytes_get_data(msg, NULL),
                              g_bytes_get_size(msg), NULL, NULL, NULL);
    if (error != NULL) {
        g_debug("cpr-transfer refused: %s", error);
        cpr_in_drop();
        cpr_in_arm();
    }
}

/*
 * The whole message is in: map the memory, reconcile the configuration
 * and build the machine on it.
 */
static bool cpr_in_apply(const CprFrameHead *head, const guint8 *table,
                         const char *json, GError **errp)
{
    g_autoptr(GPtrArray) blocks =
        cpr_frame_parse_table(head, table, cin.fds->len, errp);
    g_autoptr(RamBlock) ram = NULL;
    g_autoptr(MachineProperties) final = NULL;

    if (blocks == NULL) {
        return false;
    }
    if (blocks->len > 1) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "%u RAM blocks handed over, but the built-in machine "
                    "has one",
                    blocks->len);
        return false;
    }
    if (blocks->len == 1) {
        CprFrameBlock *b = g_ptr_array_index(blocks, 0);

        ram = ram_block_new_from_fd(g_array_index(cin.fds, int, 0), b->size,
                                    errp);
        g_array_set_size(cin.fds, 0); /* the block owns it, or closed it */
        if (ram == NULL) {
            g_prefix_error(errp, "RAM block '%s': ", b->name);
            return false;
        }
    }
    final = migration_config_decode(json, head->config_len, errp);
    return final != NULL && migration_incoming_cpr_prepare(final, ram, errp);
}

/* Returns: false when the message is complete or refused. */
static bool cpr_in_parse(void)
{
    const guint8 *d = cin.buf->data;
    g_autoptr(GError) err = NULL;
    CprFrameHead head;
    int parsed = cpr_frame_parse_head(d, cin.buf->len, &head, &err);

    if (parsed == 0) {
        return true;
    }
    if (parsed < 0) {
        cpr_in_reply(err->message);
        return false;
    }
    if (cin.buf->len < cpr_frame_message_size(&head)) {
        return true;
    }
    if (!cpr_in_apply(&head, d + CPR_FRAME_HEAD_SIZE,
                      (const char *)d + CPR_FRAME_HEAD_SIZE + head.table_len,
                      &err)) {
        cpr_in_reply(err->message);
        return false;
    }
    cin.prepared = true;
    cpr_in_reply(NULL);
    return false;
}

/* Takes every descriptor of the control messages into cin.fds. */
static bool cpr_in_take_fds(GSocketControlMessage **msgs, gint nmsgs)
{
    bool ok = true;

    for (gint i = 0; i < nmsgs; i++) {
        if (G_IS_UNIX_FD_MESSAGE(msgs[i])) {
            gint n = 0;
            g_autofree gint *fds =
                g_unix_fd_message_steal_fds(G_UNIX_FD_MESSAGE(msgs[i]), &n);

            for (gint k = 0; k < n; k++) {
                if (cin.fds->len >= CPR_FRAME_MAX_BLOCKS) {
                    close(fds[k]);
                    ok = false;
                } else {
                    g_array_append_val(cin.fds, fds[k]);
                }
            }
        }
        g_object_unref(msgs[i]);
    }
    g_free(msgs);
    return ok;
}

static gboolean cpr_in_readable_cb(GSocket *sock, GIOCondition cond, gpointer p)
{
    g_autoptr(GError) err = NULL;
    guint8 chunk[CPR_READ_CHUNK];
    GInputVector vec = {chunk, sizeof(chunk)};
    GSocketControlMessage **msgs = NULL;
    gint nmsgs = 0;
    gssize got;

    got = g_socket_receive_message(sock, NULL, &vec, 1, &msgs, &nmsgs, NULL,
                                   NULL, &err);
    if (got < 0 && g_error_matches(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
        return G_SOURCE_CONTINUE;
    }
    if (!cpr_in_take_fds(msgs, nmsgs) && !cin.prepared) {
        cpr_in_reply("too many descriptors on the cpr channel");
        return G_SOURCE_REMOVE;
    }
    if (got <= 0) {
        /*
         * The source went away.  Before the main channel connected, the
         * machine built on its memory goes too, and the next try may
         * come; after, the main channel's end decides.
         */
        g_debug("cpr channel closed by the source");
        g_clear_pointer(&cin.watch, g_source_unref);
        if (cin.prepared && !migration_incoming_main_connected()) {
            migration_incoming_cpr_abort();
        }
        if (!cin.prepared || !migration_incoming_main_connected()) {
            cpr_in_drop();
            cpr_in_arm();
        }
        return G_SOURCE_REMOVE;
    }
    if (cin.prepared) {
        return G_SOURCE_CONTINUE; /* nothing more is expected; ignored */
    }
    g_byte_array_append(cin.buf, chunk, (guint)got);
    if (!cpr_in_parse()) {
        /* Prepared: watch on for the source's end; refused: dropped. */
        return cin.prepared ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void cpr_in_accepted_cb(MigChannel *ch, const GError *err,
                               gpointer opaque)
{
    GSocket *sock;

    g_clear_pointer(&cin.listener, mig_listener_free);
    if (ch == NULL) {
        g_debug("cpr channel: %s", err->message);
        cpr_in_arm();
        return;
    }
    cin.ch = ch;
    cin.buf = g_byte_array_new();
    cin.fds = g_array_new(FALSE, FALSE, sizeof(int));
    sock = g_socket_connection_get_socket(G_SOCKET_CONNECTION(ch->io));
    g_socket_set_blocking(sock, FALSE);
    cin.watch =
        g_socket_create_source(sock, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
    g_source_set_callback(cin.watch, G_SOURCE_FUNC(cpr_in_readable_cb), NULL,
                          NULL);
    g_source_attach(cin.watch, NULL);
}

/* Listens again for a source, unless cpr_in_stop() ended it all. */
static void cpr_in_arm(void)
{
    g_autoptr(GError) err = NULL;

    if (cin.addr == NULL || cin.listener != NULL) {
        return;
    }
    cin.listener = mig_listener_new(cin.addr, cpr_in_accepted_cb, NULL, &err);
    if (cin.listener == NULL) {
        g_debug("cpr channel: cannot listen again: %s", err->message);
    }
}

bool cpr_in_listen(const MigrationAddress *addr, GError **errp)
{
    g_autoptr(MigrationAddress) copy = NULL;

    if (!migration_cpr_address_check(addr, errp)) {
        return false;
    }
    cpr_in_stop();
    copy = QAPI_CLONE(MigrationAddress, addr);
    cin.listener = mig_listener_new(copy, cpr_in_accepted_cb, NULL, errp);
    if (cin.listener == NULL) {
        return false;
    }
    cin.addr = g_steal_pointer(&copy);
    return true;
}

void cpr_in_stop(void)
{
    cpr_in_drop();
    g_clear_pointer(&cin.listener, mig_listener_free);
    g_clear_pointer(&cin.addr, qapi_free_MigrationAddress);
}
