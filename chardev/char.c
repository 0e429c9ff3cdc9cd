/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The chardev core: the registry of named character devices, frontend
 * attachment, input flow control and the never-dropping output queue that
 * every fd-based backend shares.
 */

#include "prelude.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gunixfdmessage.h>
#include <glib-unix.h>

#include "char-internal.h"
#include "chardev/char.h"
#include "util/error.h"
#include "util/fd-watch.h"
#include "util/report.h"

/* Bytes read from a peer per main-loop dispatch. */
#define CHR_READ_CHUNK 65536

/* Input resumes once a throttled peer has let the queue fall to this. */
#define CHR_OUTPUT_LOW_WATER (CHARDEV_OUTPUT_HIGH_WATER / 4)

/* id -> Chardev*, plus creation order for chardev_foreach() */
static GHashTable *chardevs;
static GPtrArray *chardev_order;

static void chr_update_in_watch(Chardev *chr);
static void chr_update_out_watch(Chardev *chr);

static const ChardevBackendOps *chr_backend_ops(ChardevBackendKind kind)
{
    switch (kind) {
    case CHARDEV_BACKEND_SOCKET:
        return &chardev_socket_ops;
    case CHARDEV_BACKEND_STDIO:
        return &chardev_stdio_ops;
    case CHARDEV_BACKEND_FILE:
        return &chardev_file_ops;
    case CHARDEV_BACKEND_NULL:
        return &chardev_null_ops;
    case CHARDEV_BACKEND_RINGBUF:
        return &chardev_ringbuf_ops;
    }
    return NULL;
}

static ChardevOptions *chr_options_copy(const ChardevOptions *src)
{
    ChardevOptions *dst = g_new(ChardevOptions, 1);

    *dst = *src;
    dst->id = g_strdup(src->id);
    dst->path = g_strdup(src->path);
    dst->host = g_strdup(src->host);
    dst->port = g_strdup(src->port);
    dst->out_path = g_strdup(src->out_path);
    dst->in_path = g_strdup(src->in_path);
    dst->warnings = g_strdupv(src->warnings);
    return dst;
}

void chardev_options_free(ChardevOptions *opts)
{
    if (!opts) {
        return;
    }
    g_free(opts->id);
    g_free(opts->path);
    g_free(opts->host);
    g_free(opts->port);
    g_free(opts->out_path);
    g_free(opts->in_path);
    g_strfreev(opts->warnings);
    g_free(opts);
}

static void chr_close_queued_fds(Chardev *chr)
{
    while (!g_queue_is_empty(&chr->fds)) {
        close(GPOINTER_TO_INT(g_queue_pop_head(&chr->fds)));
    }
}

static void chr_free(Chardev *chr)
{
    if (!chr) {
        return;
    }
    chr_io_detach(chr, false);
    if (chr->ops && chr->ops->close) {
        chr->ops->close(chr);
    }
    byte_queue_clear(&chr->outq);
    chardev_options_free(chr->opts);
    g_free(chr->id);
    g_free(chr);
}

void chr_emit_event(Chardev *chr, ChardevEvent event)
{
    if (chr->has_frontend && chr->handlers.event) {
        chr->handlers.event(chr->opaque, event);
    }
}

static void chr_hangup(Chardev *chr)
{
    if (chr->ops->peer_gone) {
        chr->ops->peer_gone(chr);
    } else {
        chr_io_detach(chr, true);
    }
}

static gboolean chr_hangup_idle_cb(gpointer opaque)
{
    Chardev *chr = opaque;

    chr->hangup_idle = 0;
    chr_hangup(chr);
    return G_SOURCE_REMOVE;
}

/* Defers the hangup so that a frontend never sees CLOSED inside a write. */
static void chr_schedule_hangup(Chardev *chr)
{
    if (!chr->hangup_idle) {
        chr->hangup_idle = g_idle_add(chr_hangup_idle_cb, chr);
    }
}

/*
 * Reads at most @len bytes.  Returns the count, 0 at end of stream, or -1
 * when nothing is available (EAGAIN) and -2 on a hard error.
 */
static gssize chr_read_some(Chardev *chr, guint8 *buf, gsize len)
{
    if (chr->peer) {
        g_autoptr(GError) err = NULL;
        GInputVector vec = {buf, len};
        GSocketControlMessage **msgs = NULL;
        gint nmsgs = 0;
        gint flags = 0;
        gssize got;

        got = g_socket_receive_message(chr->peer, NULL, &vec, 1, &msgs, &nmsgs,
                                       &flags, NULL, &err);
        for (gint i = 0; i < nmsgs; i++) {
            if (G_IS_UNIX_FD_MESSAGE(msgs[i])) {
                gint nfds = 0;
                g_autofree gint *fds = g_unix_fd_message_steal_fds(
                    G_UNIX_FD_MESSAGE(msgs[i]), &nfds);

                for (gint j = 0; j < nfds; j++) {
                    g_queue_push_tail(&chr->fds, GINT_TO_POINTER(fds[j]));
                    while (g_queue_get_length(&chr->fds) >
                           CHARDEV_MAX_QUEUED_FDS) {
                        close(GPOINTER_TO_INT(g_queue_pop_head(&chr->fds)));
                    }
                }
            }
            g_object_unref(msgs[i]);
        }
        g_free(msgs);
        if (got < 0) {
            if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
                return -1;
            }
            g_debug("chardev '%s': read failed: %s", chr->id, err->message);
            return -2;
        }
        return got;
    } else {
        gssize got;

        do {
            got = read(chr->rfd, buf, len);
        } while (got < 0 && errno == EINTR);
        if (got < 0) {
            return errno == EAGAIN ? -1 : -2;
        }
        return got;
    }
}

static gboolean chr_in_cb(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;
    guint self = chr->in_watch;
    guint8 buf[CHR_READ_CHUNK];
    gsize room;
    gssize got;

    /*
     * The watch stays armed between reads (re-creating a GSource per
     * request costs a QMP or qtest round trip measurably); it is dropped
     * only when input pauses, the frontend leaves or the peer hangs up.
     */
    if (!chr->has_frontend || !chr->connected) {
        chr->in_watch = 0;
        return G_SOURCE_REMOVE;
    }
    room = chr->handlers.can_read ? chr->handlers.can_read(chr->opaque) : 0;
    if (room == 0) {
        chr->in_paused = true;
        chr->in_watch = 0;
        return G_SOURCE_REMOVE;
    }
    got = chr_read_some(chr, buf, MIN(room, sizeof(buf)));
    if (got == 0 || got == -2) {
        chr->in_watch = 0;
        chr_hangup(chr);
        return G_SOURCE_REMOVE;
    }
    if (got > 0 && chr->handlers.read) {
        chr->handlers.read(chr->opaque, buf, got);
    }
    /* The frontend may have stopped or replaced this watch meanwhile. */
    if (chr->in_watch != self) {
        return G_SOURCE_REMOVE;
    }
    if (!chr->has_frontend || !chr->connected || chr->in_paused) {
        chr->in_watch = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void chr_update_in_watch(Chardev *chr)
{
    if (chr->in_watch || chr->rfd < 0 || !chr->connected ||
        !chr->has_frontend || chr->in_paused || chr->out_throttled) {
        return;
    }
    chr->in_watch = qmpd_fd_watch_add(chr->rfd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                      chr_in_cb, chr);
}

static void chr_stop_in_watch(Chardev *chr)
{
    if (chr->in_watch) {
        g_source_remove(chr->in_watch);
        chr->in_watch = 0;
    }
}

/*
 * Writes as much of @data as the fd takes now.  Returns the bytes written,
 * or -1 on a hard error with errno describing it.
 */
static gssize chr_write_now(Chardev *chr, const guint8 *data, gsize len)
{
    gsize done = 0;

    while (done < len) {
        gssize n;

        if (chr->is_socket) {
            n = send(chr->wfd, data + done, len - done,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
        } else {
            n = write(chr->wfd, data + done, len - done);
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            }
            return -1;
        }
        done += n;
    }
    return done;
}

/*
 * Writes as much of the queue as the fd takes now.  Returns false on a
 * hard error, with errno describing it.
 */
static bool chr_flush(Chardev *chr)
{
    gsize len = byte_queue_length(&chr->outq);
    gssize done;

    if (len == 0) {
        return true;
    }
    done = chr_write_now(chr, byte_queue_peek(&chr->outq), len);
    if (done < 0) {
        return false;
    }
    byte_queue_consume(&chr->outq, done);
    return true;
}

/*
 * A peer that sends requests but does not read the replies waits for its
 * own backlog: qmpd stops reading it rather than queue without bound or
 * keep the main loop busy at the expense of every other client.
 */
static void chr_check_backlog(Chardev *chr)
{
    if (byte_queue_length(&chr->outq) > CHARDEV_OUTPUT_HARD_LIMIT) {
        qmpd_warn("chardev '%s': %zu bytes of output not read; %s", chr->id,
                  byte_queue_length(&chr->outq),
                  chr->is_socket ? "disconnecting the peer" : "dropping them");
        byte_queue_clear(&chr->outq);
        if (chr->is_socket) {
            chr_schedule_hangup(chr);
        } else if (chr->out_throttled) {
            chr->out_throttled = false;
            chr_update_in_watch(chr);
        }
        return;
    }
    if (!chr->out_throttled &&
        byte_queue_length(&chr->outq) > CHARDEV_OUTPUT_HIGH_WATER) {
        chr->out_throttled = true;
        chr_stop_in_watch(chr);
    }
}

/* The peer caught up with its backlog: read its input again. */
static void chr_output_drained(Chardev *chr)
{
    if (!chr->out_throttled ||
        byte_queue_length(&chr->outq) > CHR_OUTPUT_LOW_WATER) {
        return;
    }
    chr->out_throttled = false;
    chr_update_in_watch(chr);
    if (chr->has_frontend && chr->handlers.output_drained) {
        chr->handlers.output_drained(chr->opaque);
    }
}

static gboolean chr_out_cb(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;

    chr->out_watch = 0;
    if (!chr_flush(chr)) {
        g_debug("chardev '%s': write failed: %s", chr->id, g_strerror(errno));
        byte_queue_clear(&chr->outq);
        if (chr->is_socket) {
            chr_schedule_hangup(chr);
        }
        return G_SOURCE_REMOVE;
    }
    chr_update_out_watch(chr);
    chr_output_drained(chr);
    return G_SOURCE_REMOVE;
}

static void chr_update_out_watch(Chardev *chr)
{
    if (chr->out_watch || byte_queue_length(&chr->outq) == 0 || chr->wfd < 0) {
        return;
    }
    chr->out_watch = qmpd_fd_watch_add(chr->wfd, G_IO_OUT | G_IO_ERR | G_IO_HUP,
                                       chr_out_cb, chr);
}

void chr_io_attach(Chardev *chr, int rfd, int wfd, GSocket *peer,
                   bool emit_opened)
{
    chr->rfd = rfd;
    chr->wfd = wfd;
    chr->peer = peer;
    chr->is_socket = peer != NULL;
    chr->connected = true;
    chr->in_paused = false;
    chr->out_throttled = false;
    chr_update_in_watch(chr);
    if (emit_opened) {
        chr_emit_event(chr, CHR_EVENT_OPENED);
    }
}

void chr_io_detach(Chardev *chr, bool emit_closed)
{
    bool was_connected = chr->connected;

    chr_stop_in_watch(chr);
    if (chr->out_watch) {
        g_source_remove(chr->out_watch);
        chr->out_watch = 0;
    }
    if (chr->hangup_idle) {
        g_source_remove(chr->hangup_idle);
        chr->hangup_idle = 0;
    }
    /* Released, not just emptied: a backlog must not outlive its peer. */
    byte_queue_clear(&chr->outq);
    chr->out_throttled = false;
    chr_close_queued_fds(chr);
    chr->rfd = -1;
    chr->wfd = -1;
    chr->peer = NULL;
    chr->is_socket = false;
    chr->connected = false;
    if (emit_closed && was_connected) {
        chr_emit_event(chr, CHR_EVENT_CLOSED);
    }
}

/* Used by stream backends at end of input: output stays usable. */
void chr_io_stop_input(Chardev *chr)
{
    chr_stop_in_watch(chr);
    chr->rfd = -1;
    chr_emit_event(chr, CHR_EVENT_CLOSED);
}

Chardev *chardev_new(const ChardevOptions *opts, GError **errp)
{
    Chardev *chr;

    g_return_val_if_fail(opts != NULL && opts->id != NULL, NULL);

    if (chardevs && g_hash_table_contains(chardevs, opts->id)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Duplicate ID '%s' for chardev", opts->id);
        return NULL;
    }
    chr = g_new0(Chardev, 1);
    chr->id = g_strdup(opts->id);
    chr->opts = chr_options_copy(opts);
    chr->ops = chr_backend_ops(opts->backend);
    chr->rfd = -1;
    chr->wfd = -1;
    g_queue_init(&chr->fds);
    if (!chr->ops) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "chardev '%s': unknown backend", opts->id);
        chr_free(chr);
        return NULL;
    }
    if (!chr->ops->open(chr, errp)) {
        chr_free(chr);
        return NULL;
    }
    if (!chardevs) {
        chardevs = g_hash_table_new(g_str_hash, g_str_equal);
        chardev_order = g_ptr_array_new();
    }
    g_hash_table_insert(chardevs, chr->id, chr);
    g_ptr_array_add(chardev_order, chr);
    return chr;
}

Chardev *chardev_find(const char *id)
{
    g_return_val_if_fail(id != NULL, NULL);
    return chardevs ? g_hash_table_lookup(chardevs, id) : NULL;
}

const char *chardev_get_id(const Chardev *chr)
{
    g_return_val_if_fail(chr != NULL, NULL);
    return chr->id;
}

char *chardev_get_filename(const Chardev *chr)
{
    g_return_val_if_fail(chr != NULL, NULL);
    return chr->ops->filename(chr);
}

bool chardev_is_connected(const Chardev *chr)
{
    g_return_val_if_fail(chr != NULL, false);
    return chr->connected;
}

bool chardev_has_frontend(const Chardev *chr)
{
    g_return_val_if_fail(chr != NULL, false);
    return chr->has_frontend;
}

const ChardevOptions *chardev_get_options(const Chardev *chr)
{
    g_return_val_if_fail(chr != NULL, NULL);
    return chr->opts;
}

bool chardev_set_handlers(Chardev *chr, const ChardevHandlers *handlers,
                          void *opaque, GError **errp)
{
    g_return_val_if_fail(chr != NULL, false);

    if (!handlers) {
        chr_stop_in_watch(chr);
        memset(&chr->handlers, 0, sizeof(chr->handlers));
        chr->opaque = NULL;
        chr->has_frontend = false;
        chr->in_paused = false;
        return true;
    }
    if (chr->has_frontend) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "chardev '%s' is busy", chr->id);
        return false;
    }
    chr->handlers = *handlers;
    chr->opaque = opaque;
    chr->has_frontend = true;
    chr->in_paused = false;
    chr_update_in_watch(chr);
    if (chr->connected) {
        chr_emit_event(chr, CHR_EVENT_OPENED);
    }
    return true;
}

void chardev_accept_input(Chardev *chr)
{
    g_return_if_fail(chr != NULL);
    chr->in_paused = false;
    chr_update_in_watch(chr);
}

bool chardev_write_all(Chardev *chr, const void *buf, gsize len, GError **errp)
{
    gssize done;

    g_return_val_if_fail(chr != NULL, false);
    g_return_val_if_fail(buf != NULL || len == 0, false);

    if (chr->opts->backend == CHARDEV_BACKEND_RINGBUF) {
        chr_ringbuf_write(chr, buf, len);
        return true;
    }
    if (!chr->connected || chr->wfd < 0 || len == 0) {
        return true;
    }
    if (chr->out_watch) {
        byte_queue_append(&chr->outq, buf, len);
        chr_check_backlog(chr);
        return true;
    }
    /* Nothing queued: send from the caller's buffer, queue what is left. */
    g_assert(byte_queue_length(&chr->outq) == 0);
    done = chr_write_now(chr, buf, len);
    if (done < 0) {
        int saved_errno = errno;

        byte_queue_clear(&chr->outq);
        if (chr->is_socket) {
            chr_schedule_hangup(chr);
            return true;
        }
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Failed to write to chardev '%s': %s", chr->id,
                    g_strerror(saved_errno));
        return false;
    }
    byte_queue_append(&chr->outq, (const guint8 *)buf + done, len - done);
    chr_check_backlog(chr);
    chr_update_out_watch(chr);
    return true;
}

bool chardev_has_pending_output(const Chardev *chr)
{
    g_return_val_if_fail(chr != NULL, false);
    return byte_queue_length(&chr->outq) > 0;
}

gsize chardev_output_pending(const Chardev *chr)
{
    g_return_val_if_fail(chr != NULL, 0);
    return byte_queue_length(&chr->outq);
}

void chardev_disconnect(Chardev *chr)
{
    g_return_if_fail(chr != NULL);
    if (chr->opts->backend == CHARDEV_BACKEND_SOCKET && chr->connected) {
        chr_hangup(chr);
    }
}

int chardev_take_fd(Chardev *chr)
{
    g_return_val_if_fail(chr != NULL, -1);
    if (g_queue_is_empty(&chr->fds)) {
        return -1;
    }
    return GPOINTER_TO_INT(g_queue_pop_head(&chr->fds));
}

void chardev_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque)
{
    g_autoptr(GPtrArray) snapshot = NULL;

    g_return_if_fail(fn != NULL);
    if (!chardev_order) {
        return;
    }
    /* A snapshot, so that @fn may remove the chardev it is given. */
    snapshot = g_ptr_array_copy(chardev_order, NULL, NULL);
    for (guint i = 0; i < snapshot->len; i++) {
        fn(g_ptr_array_index(snapshot, i), opaque);
    }
}

static void chr_unregister(Chardev *chr)
{
    g_hash_table_remove(chardevs, chr->id);
    g_ptr_array_remove(chardev_order, chr);
    if (chardev_order->len == 0) {
        g_clear_pointer(&chardevs, g_hash_table_unref);
        g_clear_pointer(&chardev_order, g_ptr_array_unref);
    }
}

bool chardev_remove(const char *id, GError **errp)
{
    Chardev *chr;

    g_return_val_if_fail(id != NULL, false);
    chr = chardev_find(id);
    if (!chr) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Chardev '%s' not found", id);
        return false;
    }
    if (chr->has_frontend) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Chardev '%s' is busy", id);
        return false;
    }
    chr_unregister(chr);
    chr_free(chr);
    return true;
}

void chardev_remove_all(void)
{
    while (chardev_order && chardev_order->len > 0) {
        Chardev *chr = g_ptr_array_index(chardev_order, chardev_order->len - 1);

        chr_unregister(chr);
        chr_free(chr);
    }
}
