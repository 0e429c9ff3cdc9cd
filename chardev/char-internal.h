/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Private glue between the chardev core (char.c) and its backends.  The
 * core owns the registry, the frontend handlers, the output queue and the
 * input pump; a backend opens its fds and hands a live peer to the core
 * with chr_io_attach().
 */

#include "prelude.h"

#include <gio/gio.h>

#include "chardev/char.h"
#include "util/byte-queue.h"

/* Received SCM_RIGHTS fds kept before the oldest is closed. */
#define CHARDEV_MAX_QUEUED_FDS 16

/* Largest ringbuf size=, so that a typo cannot exhaust memory. */
#define CHARDEV_RINGBUF_MAX_SIZE (G_GUINT64_CONSTANT(1) << 30)

typedef struct ChardevBackendOps {
    bool (*open)(Chardev *chr, GError **errp);
    /* Releases everything open() created; must cope with a partial open. */
    void (*close)(Chardev *chr);
    char *(*filename)(const Chardev *chr);
    /* The peer went away (EOF, reset) or chardev_disconnect() was called. */
    void (*peer_gone)(Chardev *chr);
} ChardevBackendOps;

struct Chardev {
    char *id;
    ChardevOptions *opts;
    const ChardevBackendOps *ops;

    ChardevHandlers handlers;
    void *opaque;
    bool has_frontend;

    /* The live peer; fds are owned by the backend, not by the core. */
    bool connected;
    bool is_socket;
    int rfd;
    int wfd;
    GSocket *peer;
    guint in_watch;
    bool in_paused;
    /* input stopped because the peer does not read what we send */
    bool out_throttled;
    guint out_watch;
    ByteQueue outq;
    guint hangup_idle;
    /* fds received with SCM_RIGHTS, oldest first */
    GQueue fds;

    /* backend state */
    void *be;
};

extern const ChardevBackendOps chardev_socket_ops;
extern const ChardevBackendOps chardev_stdio_ops;
extern const ChardevBackendOps chardev_file_ops;
extern const ChardevBackendOps chardev_null_ops;
extern const ChardevBackendOps chardev_ringbuf_ops;

/*
 * chr_io_attach: makes @rfd/@wfd (or @peer, for sockets) the live peer and
 * reports CHR_EVENT_OPENED to an attached frontend when @emit_opened.
 */
void chr_io_attach(Chardev *chr, int rfd, int wfd, GSocket *peer,
                   bool emit_opened);

/*
 * chr_io_detach: stops polling the peer and drops queued output and
 * received fds; reports CHR_EVENT_CLOSED when @emit_closed.
 */
void chr_io_detach(Chardev *chr, bool emit_closed);

/*
 * chr_io_stop_input: end of input on a stream backend; output stays
 * usable and the frontend gets CHR_EVENT_CLOSED.
 */
void chr_io_stop_input(Chardev *chr);

/* chr_emit_event: forwards @event to the frontend, if any. */
void chr_emit_event(Chardev *chr, ChardevEvent event);

/* chr_ringbuf_write: stores bytes in a ringbuf backend. */
void chr_ringbuf_write(Chardev *chr, const guint8 *buf, gsize len);
