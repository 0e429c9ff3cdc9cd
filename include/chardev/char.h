/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Character devices: byte streams between qmpd and the outside world.
 *
 * Contract:
 * - A Chardev is created from parsed options (chardev_new), registered
 *   under its id, and lives until chardev_remove()/chardev_remove_all().
 * - Exactly one frontend (monitor, qtest server, UART) may attach to a
 *   chardev at a time with chardev_set_handlers().  Input is delivered
 *   from the GMainContext of the thread that called chardev_init(); never
 *   from another thread.
 * - Input flow control: before delivering bytes the backend asks
 *   can_read(); it delivers at most that many, and stops polling the fd
 *   while it returns 0.  The frontend calls chardev_accept_input() when it
 *   can take more again.
 * - Output: chardev_write_all() queues bytes; nothing is ever dropped while
 *   a peer is connected (the queue drains as the fd becomes writable).
 *   Writing while no peer is connected discards the bytes and returns
 *   true, as QEMU does for a disconnected socket.
 * - Connection-oriented backends (socket) report CHR_EVENT_OPENED when a
 *   peer connects and CHR_EVENT_CLOSED when it goes away; stream backends
 *   (stdio, file, null, ringbuf) report OPENED once, when the frontend
 *   attaches, and CLOSED when their input reaches end of file (stdin
 *   closed); their output stays usable after that.
 * - A server socket serves one peer at a time; further peers wait in the
 *   listen backlog and are accepted after the current one disconnects.
 */

#include "prelude.h"

typedef struct Chardev Chardev;

typedef enum ChardevEvent {
    CHR_EVENT_OPENED,
    CHR_EVENT_CLOSED,
} ChardevEvent;

typedef enum ChardevBackendKind {
    CHARDEV_BACKEND_SOCKET,
    CHARDEV_BACKEND_STDIO,
    CHARDEV_BACKEND_FILE,
    CHARDEV_BACKEND_NULL,
    CHARDEV_BACKEND_RINGBUF,
} ChardevBackendKind;

/*
 * Parsed -chardev options.  Strings are owned by the struct; free with
 * chardev_options_free().
 */
typedef struct ChardevOptions {
    char *id;
    ChardevBackendKind backend;
    /* socket: exactly one of path, host+port or fd */
    char *path;
    char *host;
    char *port;
    /*
     * fd=N: an inherited socket, connected or listening (QEMU's test
     * harness passes one end of a socketpair); the chardev owns it.
     */
    bool has_fd;
    int fd;
    bool server;       /* server=on: listen; otherwise connect */
    bool wait;         /* server=on,wait=on: block startup for a peer */
    int64_t reconnect; /* client: seconds between retries, 0 = never */
    /* file */
    char *out_path; /* path= for file */
    char *in_path;  /* optional input file */
    bool append;
    /* stdio */
    bool signal; /* signal=on (default): ^C on stdio raises SIGINT */
    /* ringbuf */
    uint64_t size; /* power of two, default 65536 */
    bool mux;      /* mux=on: accepted, stored, not multiplexed yet */
    /*
     * Deprecation notices from parsing (short-form booleans such as
     * "short-form boolean option 'server' deprecated"), NULL-terminated or
     * NULL; the caller reports them.
     */
    char **warnings;
} ChardevOptions;

/*
 * Output queued for a peer beyond which the chardev stops reading that
 * peer's input: a client that does not read its replies waits for its own
 * backlog, and qmpd's memory stays bounded.  A single larger message is
 * still queued whole.
 */
#define CHARDEV_OUTPUT_HIGH_WATER (1024 * 1024)

/*
 * Output queued for a peer beyond which qmpd gives up on it: a socket
 * peer is disconnected, any other backend's queue is dropped, with a
 * warning.  Frontends stop producing replies at the high-water mark, so
 * only output nobody asked for (events, a guest's serial output) can get
 * here; the limit is twice the largest single reply (a 64 MiB qtest read
 * is 128 MiB of hex).
 */
#define CHARDEV_OUTPUT_HARD_LIMIT (256 * 1024 * 1024)

typedef struct ChardevHandlers {
    /* How many bytes the frontend accepts now; 0 pauses input. */
    gsize (*can_read)(void *opaque);
    /* Bytes from the peer, at most what can_read allowed. */
    void (*read)(void *opaque, const guint8 *buf, gsize len);
    void (*event)(void *opaque, ChardevEvent event);
    /*
     * Optional: output that had passed CHARDEV_OUTPUT_HIGH_WATER has
     * drained; a frontend that stopped producing can resume.
     */
    void (*output_drained)(void *opaque);
} ChardevHandlers;

void chardev_options_free(ChardevOptions *opts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ChardevOptions, chardev_options_free)

/**
 * chardev_options_parse:
 * @spec: a -chardev argument such as "socket,id=mon0,path=q.sock,server=on"
 *
 * Parses QEMU's -chardev syntax (backend name as the implied first item,
 * `,,` escapes, on/off/yes/no booleans).  Errors name the offending key,
 * in QEMU's wording (e.g. "Invalid parameter 'foo'").
 *
 * Returns: (transfer full): the options, or NULL with @errp set.
 */
ChardevOptions *chardev_options_parse(const char *spec, GError **errp);

/**
 * chardev_options_from_legacy:
 * @spec: a -serial/-monitor/-qtest/-qmp style spec such as "stdio",
 *        "unix:/path[,server=on][,wait=off]", "tcp:host:port[,server=on]",
 *        "file:/path", "null", "none" (returns NULL without error),
 *        "chardev:ID" (sets *ret_existing_id instead)
 * @id: the id to give the new chardev
 * @ret_existing_id: (out) (transfer full) (optional): for "chardev:ID"
 *
 * Returns: (transfer full) (nullable): options for a new chardev, or NULL
 * with @errp set, or NULL without error for "none" and "chardev:ID".
 */
ChardevOptions *chardev_options_from_legacy(const char *spec, const char *id,
                                            char **ret_existing_id,
                                            GError **errp);

/**
 * chardev_new:
 * @opts: (transfer none): validated options with a unique id
 *
 * Creates and opens the backend (listening sockets are bound here, so a
 * caller may connect right after this returns; server sockets with wait=on
 * block until the first peer connects).  Registers it under @opts->id.
 *
 * Returns: (transfer none): the chardev, owned by the registry; or NULL
 * with @errp set ("Duplicate ID 'x' for chardev", socket errors naming the
 * path, ...).  Nothing is left behind on failure.
 */
Chardev *chardev_new(const ChardevOptions *opts, GError **errp);

/** chardev_find: Returns: (transfer none) (nullable): the chardev @id. */
Chardev *chardev_find(const char *id);

/** chardev_get_id: Returns: (transfer none): the label given at creation. */
const char *chardev_get_id(const Chardev *chr);

/**
 * chardev_get_filename:
 * Returns: (transfer full): QEMU's `filename` of query-chardev, e.g.
 * "unix:/tmp/q.sock,server=on", "disconnected:unix:/tmp/q.sock,server=on",
 * "stdio", "file", "null", "ringbuf".
 */
char *chardev_get_filename(const Chardev *chr);

/** chardev_is_connected: a peer is attached (always true for streams). */
bool chardev_is_connected(const Chardev *chr);

/** chardev_has_frontend: some frontend holds the handlers. */
bool chardev_has_frontend(const Chardev *chr);

/**
 * chardev_set_handlers:
 * @handlers: (nullable): NULL detaches the current frontend
 *
 * Attaches a frontend.  Fails with "chardev 'x' is busy" if another
 * frontend is attached.
 */
bool chardev_set_handlers(Chardev *chr, const ChardevHandlers *handlers,
                          void *opaque, GError **errp);

/** chardev_accept_input: re-polls can_read() after the frontend drained. */
void chardev_accept_input(Chardev *chr);

/**
 * chardev_write_all:
 * Queues @len bytes for the peer.  Returns false only on a hard I/O error
 * of a stream backend (with @errp set); never blocks the main loop.
 */
bool chardev_write_all(Chardev *chr, const void *buf, gsize len, GError **errp);

/**
 * chardev_has_pending_output:
 * Returns: true while bytes queued by chardev_write_all() still wait for
 * the peer (used to drain replies before the process exits).
 */
bool chardev_has_pending_output(const Chardev *chr);

/** chardev_output_pending: Returns: bytes queued, not yet taken by the peer. */
gsize chardev_output_pending(const Chardev *chr);

/**
 * chardev_disconnect:
 * Drops the current peer of a socket chardev (a server then accepts the
 * next one).  No-op for other backends.
 */
void chardev_disconnect(Chardev *chr);

/**
 * chardev_take_fd:
 * Returns: the oldest file descriptor received with SCM_RIGHTS on a unix
 * socket and not yet taken (ownership passes to the caller), or -1.
 */
int chardev_take_fd(Chardev *chr);

/**
 * chardev_ringbuf_read:
 * Returns: (transfer full): up to @size bytes drained from a ringbuf
 * backend, or NULL with @errp set for other backends.
 */
GBytes *chardev_ringbuf_read(Chardev *chr, gsize size, GError **errp);

/**
 * chardev_socket_fds:
 * @ret_listen_fd: (out): the listening socket, or -1
 * @ret_conn_fd: (out): the connected peer's socket, or -1
 *
 * For cpr-exec, which keeps them open across the exec.
 * Returns: @chr is a socket chardev (the outs are set).
 */
bool chardev_socket_fds(const Chardev *chr, int *ret_listen_fd,
                        int *ret_conn_fd);

/** chardev_foreach: calls @fn for every chardev, in creation order. */
void chardev_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque);

/**
 * chardev_remove:
 * Closes and unregisters @id; fails if a frontend is attached
 * ("Chardev 'x' is busy") or no such chardev exists.
 */
bool chardev_remove(const char *id, GError **errp);

/** chardev_remove_all: closes everything; unlinks server socket paths. */
void chardev_remove_all(void);

/**
 * chardev_get_options:
 * Returns: (transfer none): the options @chr was created from (a copy
 * owned by @chr).
 */
const ChardevOptions *chardev_get_options(const Chardev *chr);
