/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Serial relays: QEMU's serial port talks to one end of a socket pair and
 * qmpd copies bytes between the other end and the -serial chardev it has
 * owned since start-up.  The chardev never changes hands, so a client
 * connected before the hand-off keeps its connection, later clients can
 * connect as before, and every backend kind (socket, file, ringbuf,
 * stdio) works the same.
 */

#include "prelude.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "chardev/char.h"
#include "qemu-serial-relay.h"
#include "util/byte-queue.h"
#include "util/error.h"
#include "util/fd-watch.h"

/* Bytes from the client that may wait for QEMU before input pauses. */
#define RELAY_INPUT_MAX 65536

struct QemuSerialRelay {
    Chardev *chr;
    int fd; /* qmpd's end */
    guint read_watch;
    guint write_watch;
    bool guest_closed; /* QEMU closed its end */
    bool paused;       /* cpr-exec: the client's input waits */
    ByteQueue to_guest;
};

static void relay_watch_guest(QemuSerialRelay *r);

static gsize relay_can_read(void *opaque)
{
    QemuSerialRelay *r = opaque;

    gsize queued = byte_queue_length(&r->to_guest);

    if (r->paused) {
        return 0;
    }
    return queued >= RELAY_INPUT_MAX ? 0 : RELAY_INPUT_MAX - queued;
}

static void relay_flush(QemuSerialRelay *r);

static gboolean relay_writable(int fd, GIOCondition cond, gpointer opaque)
{
    QemuSerialRelay *r = opaque;

    r->write_watch = 0;
    relay_flush(r);
    return G_SOURCE_REMOVE;
}

static void relay_flush(QemuSerialRelay *r)
{
    bool was_full = byte_queue_length(&r->to_guest) >= RELAY_INPUT_MAX;

    while (byte_queue_length(&r->to_guest) > 0) {
        ssize_t n =
            send(r->fd, byte_queue_peek(&r->to_guest),
                 byte_queue_length(&r->to_guest), MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (r->write_watch == 0) {
                r->write_watch =
                    qmpd_fd_watch_add(r->fd, G_IO_OUT, relay_writable, r);
            }
            return;
        }
        if (n < 0) {
            /* QEMU is gone; what the client typed has nowhere to go. */
            byte_queue_clear(&r->to_guest);
            return;
        }
        byte_queue_consume(&r->to_guest, n);
    }
    if (was_full && !r->paused) {
        chardev_accept_input(r->chr);
    }
}

static void relay_read(void *opaque, const guint8 *buf, gsize len)
{
    QemuSerialRelay *r = opaque;

    byte_queue_append(&r->to_guest, buf, len);
    relay_flush(r);
}

static void relay_event(void *opaque, ChardevEvent event)
{
}

/*
 * The client reads again after its backlog passed the chardev's bound:
 * take the guest's output again (meanwhile QEMU's own buffer filled and
 * the guest's UART waited, as with a slow terminal).
 */
static void relay_output_drained(void *opaque)
{
    relay_watch_guest(opaque);
}

static const ChardevHandlers relay_handlers = {
    .can_read = relay_can_read,
    .read = relay_read,
    .event = relay_event,
    .output_drained = relay_output_drained,
};

/* Moves one chunk from QEMU to the client; false once QEMU has closed. */
static bool relay_guest_chunk(QemuSerialRelay *r)
{
    guint8 buf[4096];
    ssize_t n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);

    if (n > 0) {
        g_autoptr(GError) err = NULL;

        /* Like a UART with nobody listening, output with no client is lost. */
        if (chardev_is_connected(r->chr) &&
            !chardev_write_all(r->chr, buf, n, &err)) {
            g_debug("serial relay: %s", err->message);
        }
        return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return true;
    }
    r->guest_closed = true;
    return false;
}

static gboolean relay_from_guest(int fd, GIOCondition cond, gpointer opaque)
{
    QemuSerialRelay *r = opaque;

    if (!relay_guest_chunk(r) ||
        chardev_output_pending(r->chr) > CHARDEV_OUTPUT_HIGH_WATER) {
        r->read_watch = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void relay_watch_guest(QemuSerialRelay *r)
{
    if (r->read_watch != 0 || r->guest_closed || r->paused) {
        return;
    }
    r->read_watch = qmpd_fd_watch_add(r->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                      relay_from_guest, r);
}

/* A relay on @fd (transfer full, closed on failure) for @chardev_id. */
static QemuSerialRelay *relay_attach(const char *chardev_id, int fd,
                                     GError **errp)
{
    Chardev *chr = chardev_find(chardev_id);
    g_autoptr(QemuSerialRelay) r = g_new0(QemuSerialRelay, 1);

    r->fd = fd;
    /* Until attached, freeing must not copy output to a missing client. */
    r->guest_closed = true;
    if (chr == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "serial: chardev '%s' not found", chardev_id);
        return NULL;
    }
    if (!chardev_set_handlers(chr, &relay_handlers, r, errp)) {
        return NULL;
    }
    r->chr = chr;
    r->guest_closed = false;
    relay_watch_guest(r);
    return g_steal_pointer(&r);
}

QemuSerialRelay *qemu_serial_relay_new(const char *chardev_id, int *ret_qemu_fd,
                                       GError **errp)
{
    int fds[2];
    QemuSerialRelay *r;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "serial: socketpair: %s", g_strerror(errno));
        return NULL;
    }
    r = relay_attach(chardev_id, fds[0], errp);
    if (r == NULL) {
        close(fds[1]);
        return NULL;
    }
    *ret_qemu_fd = fds[1];
    return r;
}

QemuSerialRelay *qemu_serial_relay_adopt(const char *chardev_id, int fd,
                                         const guint8 *to_guest, gsize len,
                                         GError **errp)
{
    QemuSerialRelay *r = relay_attach(chardev_id, fd, errp);

    if (r != NULL && len > 0) {
        byte_queue_append(&r->to_guest, to_guest, len);
        relay_flush(r);
    }
    return r;
}

const char *qemu_serial_relay_get_chardev_id(QemuSerialRelay *r)
{
    return chardev_get_id(r->chr);
}

int qemu_serial_relay_get_fd(QemuSerialRelay *r)
{
    return r->fd;
}

const guint8 *qemu_serial_relay_get_pending(QemuSerialRelay *r, gsize *ret_len)
{
    *ret_len = byte_queue_length(&r->to_guest);
    return byte_queue_peek(&r->to_guest);
}

void qemu_serial_relay_pause(QemuSerialRelay *r, bool paused)
{
    r->paused = paused;
    if (paused) {
        /* The guest's output waits in the socket for whoever reads next. */
        g_clear_handle_id(&r->read_watch, g_source_remove);
        /* What the client typed before goes to QEMU now, if it takes it. */
        relay_flush(r);
    } else {
        relay_watch_guest(r);
        chardev_accept_input(r->chr);
    }
}

void qemu_serial_relay_free(QemuSerialRelay *r)
{
    guint8 peek;

    if (r == NULL) {
        return;
    }
    /* Output QEMU wrote just before it exited still reaches the client. */
    while (!r->guest_closed &&
           recv(r->fd, &peek, 1, MSG_PEEK | MSG_DONTWAIT) > 0) {
        relay_guest_chunk(r);
    }
    g_clear_handle_id(&r->read_watch, g_source_remove);
    g_clear_handle_id(&r->write_watch, g_source_remove);
    if (r->chr != NULL) {
        chardev_set_handlers(r->chr, NULL, NULL, NULL);
    }
    if (r->fd >= 0) {
        close(r->fd);
    }
    byte_queue_clear(&r->to_guest);
    g_free(r);
}
