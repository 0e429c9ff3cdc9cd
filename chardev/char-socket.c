/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The socket chardev backend: unix or tcp, listening (one peer at a time,
 * the next one accepted after a disconnect) or connecting (with optional
 * periodic reconnection).
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "char-internal.h"
#include "chardev/char.h"
#include "util/cpr-state.h"
#include "util/error.h"
#include "util/unix-socket-file.h"

#define SOCKET_LISTEN_BACKLOG 8

typedef struct SocketState {
    int listen_fd;
    guint listen_watch;
    /* "unix:/p,server=on" or "tcp:0.0.0.0:4444,server=on" once bound */
    char *listen_desc;
    /* the socket file a server bound, unlinked when it goes away */
    UnixSocketFile bound_file;
    GSocket *conn;
    /* filename while connected */
    char *conn_desc;
    int connecting_fd;
    guint connecting_watch;
    guint reconnect_timer;
} SocketState;

static void socket_arm_reconnect(Chardev *chr);

static char *socket_format_addr(const struct sockaddr_storage *ss,
                                socklen_t len)
{
    char host[NI_MAXHOST];
    char serv[NI_MAXSERV];

    if (ss->ss_family == AF_UNIX) {
        const struct sockaddr_un *sun = (const struct sockaddr_un *)ss;

        if (len <= offsetof(struct sockaddr_un, sun_path)) {
            return g_strdup("");
        }
        return g_strndup(sun->sun_path,
                         len - offsetof(struct sockaddr_un, sun_path));
    }
    if (getnameinfo((const struct sockaddr *)ss, len, host, sizeof(host), serv,
                    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV)) {
        return g_strdup("?:?");
    }
    if (ss->ss_family == AF_INET6) {
        return g_strdup_printf("[%s]:%s", host, serv);
    }
    return g_strdup_printf("%s:%s", host, serv);
}

static char *socket_local_addr(int fd)
{
    struct sockaddr_storage ss = {0};
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        return g_strdup("");
    }
    return socket_format_addr(&ss, len);
}

static char *socket_peer_addr(int fd)
{
    struct sockaddr_storage ss = {0};
    socklen_t len = sizeof(ss);

    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) {
        return g_strdup("");
    }
    return socket_format_addr(&ss, len);
}

static bool socket_is_unix(const Chardev *chr)
{
    return chr->opts->path != NULL;
}

/* An inherited socket's family is only known from the descriptor. */
static bool socket_fd_is_unix(int fd)
{
    struct sockaddr_storage ss = {0};
    socklen_t len = sizeof(ss);

    return getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
           ss.ss_family == AF_UNIX;
}

static bool socket_fill_sun(const char *path, struct sockaddr_un *sun,
                            GError **errp)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "UNIX socket path '%s' is too long", path);
        return false;
    }
    memcpy(sun->sun_path, path, strlen(path));
    return true;
}

static struct addrinfo *socket_resolve(const ChardevOptions *opts, bool passive,
                                       GError **errp)
{
    struct addrinfo hints = {0};
    struct addrinfo *res = NULL;
    const char *host = opts->host;
    int rc;

    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    if (passive) {
        hints.ai_flags = AI_PASSIVE;
    }
    if (!host || !*host) {
        /* QEMU listens on (and reports) the IPv4 wildcard for "" */
        host = passive ? "0.0.0.0" : "localhost";
    }
    rc = getaddrinfo(host, opts->port, &hints, &res);
    if (rc != 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "address resolution failed for %s:%s: %s", host, opts->port,
                    gai_strerror(rc));
        return NULL;
    }
    return res;
}

static bool socket_listen(Chardev *chr, GError **errp)
{
    SocketState *s = chr->be;
    g_autofree char *local = NULL;
    int fd = -1;

    if (socket_is_unix(chr)) {
        struct sockaddr_un sun;

        if (!socket_fill_sun(chr->opts->path, &sun, errp)) {
            return false;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Failed to create socket: %s", g_strerror(errno));
            return false;
        }
        /*
         * A socket file left by a previous run would make bind fail; one
         * a live server listens on makes it fail on purpose.
         */
        unix_socket_file_unlink_stale(chr->opts->path);
        if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Failed to bind socket to %s: %s", chr->opts->path,
                        g_strerror(errno));
            close(fd);
            return false;
        }
        unix_socket_file_record(&s->bound_file, chr->opts->path);
        s->listen_desc = g_strdup_printf("unix:%s,server=on", chr->opts->path);
    } else {
        struct addrinfo *res = socket_resolve(chr->opts, true, errp);
        int saved_errno = 0;

        if (!res) {
            return false;
        }
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
            int one = 1;

            fd = socket(ai->ai_family,
                        SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            if (fd < 0) {
                saved_errno = errno;
                continue;
            }
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
                break;
            }
            saved_errno = errno;
            close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        if (fd < 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Failed to bind socket: %s", g_strerror(saved_errno));
            return false;
        }
        local = socket_local_addr(fd);
        s->listen_desc = g_strdup_printf("tcp:%s,server=on", local);
    }
    if (listen(fd, SOCKET_LISTEN_BACKLOG) < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Failed to listen on socket: %s", g_strerror(errno));
        close(fd);
        return false;
    }
    s->listen_fd = fd;
    return true;
}

/* Makes @fd (a connected stream socket) the chardev's peer. */
static bool socket_take_peer(Chardev *chr, int fd, GError **errp)
{
    SocketState *s = chr->be;
    g_autoptr(GError) err = NULL;
    g_autofree char *local = NULL;
    g_autofree char *peer = NULL;
    GSocket *sock = g_socket_new_from_fd(fd, &err);

    if (!sock) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Failed to wrap socket: %s", err->message);
        close(fd);
        return false;
    }
    g_socket_set_blocking(sock, FALSE);
    s->conn = sock;
    local = socket_local_addr(fd);
    if (socket_fd_is_unix(fd)) {
        s->conn_desc = s->listen_fd >= 0 ? g_strdup(s->listen_desc)
                                         : g_strdup_printf("unix:%s", local);
    } else {
        peer = socket_peer_addr(fd);
        s->conn_desc =
            g_strdup_printf("tcp:%s%s <-> %s", local,
                            s->listen_fd >= 0 ? ",server=on" : "", peer);
    }
    if (s->listen_watch) {
        /* One peer at a time: the rest wait in the listen backlog. */
        g_source_remove(s->listen_watch);
        s->listen_watch = 0;
    }
    chr_io_attach(chr, fd, fd, sock, true);
    return true;
}

static bool socket_accept_one(Chardev *chr)
{
    SocketState *s = chr->be;
    int fd;

    do {
        fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return false;
    }
    return socket_take_peer(chr, fd, NULL);
}

static gboolean socket_listen_cb(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;
    SocketState *s = chr->be;

    if (chr->connected) {
        s->listen_watch = 0;
        return G_SOURCE_REMOVE;
    }
    /* On success socket_take_peer() already removed this source. */
    if (socket_accept_one(chr)) {
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void socket_arm_listen(Chardev *chr)
{
    SocketState *s = chr->be;

    if (s->listen_fd >= 0 && !s->listen_watch && !chr->connected) {
        s->listen_watch =
            g_unix_fd_add(s->listen_fd, G_IO_IN, socket_listen_cb, chr);
    }
}

static bool socket_wait_for_peer(Chardev *chr, GError **errp)
{
    SocketState *s = chr->be;

    g_info("chardev '%s': waiting for connection on disconnected:%s", chr->id,
           s->listen_desc);
    while (!chr->connected) {
        struct pollfd pfd = {.fd = s->listen_fd, .events = POLLIN};

        if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Failed to wait for a connection: %s",
                        g_strerror(errno));
            return false;
        }
        socket_accept_one(chr);
    }
    return true;
}

static char *socket_target_desc(const Chardev *chr)
{
    if (chr->opts->has_fd) {
        return g_strdup_printf("%d", chr->opts->fd);
    }
    if (socket_is_unix(chr)) {
        return g_strdup(chr->opts->path);
    }
    return g_strdup_printf("%s:%s", chr->opts->host, chr->opts->port);
}

/*
 * Starts a connection.  Returns the connected fd, or -1 with @errp set;
 * with @nonblock, *ret_pending is set when the connection is in progress
 * and the returned fd must be polled for writability.
 */
static int socket_connect_fd(Chardev *chr, bool nonblock, bool *ret_pending,
                             GError **errp)
{
    int type = SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0);
    g_autofree char *target = socket_target_desc(chr);
    int saved_errno = ECONNREFUSED;
    int fd = -1;

    if (socket_is_unix(chr)) {
        struct sockaddr_un sun;

        if (!socket_fill_sun(chr->opts->path, &sun, errp)) {
            return -1;
        }
        fd = socket(AF_UNIX, type, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
            return fd;
        }
        saved_errno = errno;
    } else {
        struct addrinfo *res = socket_resolve(chr->opts, false, errp);

        if (!res) {
            return -1;
        }
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
            fd = socket(ai->ai_family, type, 0);
            if (fd < 0) {
                saved_errno = errno;
                continue;
            }
            if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
                break;
            }
            saved_errno = errno;
            if (nonblock && saved_errno == EINPROGRESS) {
                *ret_pending = true;
                break;
            }
            close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        if (fd >= 0) {
            return fd;
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "Failed to connect to '%s': %s", target,
                g_strerror(saved_errno));
    return -1;
}

static gboolean socket_connecting_cb(gint fd, GIOCondition cond,
                                     gpointer opaque)
{
    Chardev *chr = opaque;
    SocketState *s = chr->be;
    int err = 0;
    socklen_t len = sizeof(err);

    s->connecting_watch = 0;
    s->connecting_fd = -1;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
        g_debug("chardev '%s': connect failed: %s", chr->id,
                g_strerror(err ? err : errno));
        close(fd);
        socket_arm_reconnect(chr);
        return G_SOURCE_REMOVE;
    }
    if (!socket_take_peer(chr, fd, NULL)) {
        socket_arm_reconnect(chr);
    }
    return G_SOURCE_REMOVE;
}

static gboolean socket_reconnect_cb(gpointer opaque)
{
    Chardev *chr = opaque;
    SocketState *s = chr->be;
    g_autoptr(GError) err = NULL;
    bool pending = false;
    int fd;

    s->reconnect_timer = 0;
    fd = socket_connect_fd(chr, true, &pending, &err);
    if (fd < 0) {
        g_debug("chardev '%s': %s", chr->id, err->message);
        socket_arm_reconnect(chr);
    } else if (pending) {
        s->connecting_fd = fd;
        s->connecting_watch =
            g_unix_fd_add(fd, G_IO_OUT, socket_connecting_cb, chr);
    } else if (!socket_take_peer(chr, fd, NULL)) {
        socket_arm_reconnect(chr);
    }
    return G_SOURCE_REMOVE;
}

static void socket_arm_reconnect(Chardev *chr)
{
    SocketState *s = chr->be;

    if (chr->opts->reconnect > 0 && !s->reconnect_timer &&
        !s->connecting_watch && !chr->connected) {
        s->reconnect_timer = g_timeout_add_seconds((guint)chr->opts->reconnect,
                                                   socket_reconnect_cb, chr);
    }
}

static void socket_drop_peer(Chardev *chr, bool emit_closed)
{
    SocketState *s = chr->be;

    chr_io_detach(chr, emit_closed);
    if (s->conn) {
        g_socket_close(s->conn, NULL);
        g_clear_object(&s->conn);
    }
    g_clear_pointer(&s->conn_desc, g_free);
}

static bool socket_is_listening(const Chardev *chr)
{
    const SocketState *s = chr->be;

    return s->listen_fd >= 0;
}

static void socket_peer_gone(Chardev *chr)
{
    socket_drop_peer(chr, true);
    if (socket_is_listening(chr)) {
        socket_arm_listen(chr);
    } else {
        socket_arm_reconnect(chr);
    }
}

/*
 * fd=N: the chardev takes over an inherited socket.  Whether it listens
 * decides the role, not server=: a listening socket serves one peer after
 * another like server=on, a connected one is the peer itself and stays
 * closed once it hangs up (there is nothing to reconnect to).
 */
static bool socket_open_fd(Chardev *chr, GError **errp)
{
    SocketState *s = chr->be;
    int fd = chr->opts->fd;
    int type = 0;
    int listening = 0;
    socklen_t len = sizeof(type);
    int flags;

    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "File descriptor '%d' is not a socket", fd);
        return false;
    }
    if (type != SOCK_STREAM) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "File descriptor '%d' is not a stream socket", fd);
        return false;
    }
    len = sizeof(listening);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0) {
        listening = 0;
    }
    /* Ours from now on: not for QEMU or other children, never blocking. */
    flags = fcntl(fd, F_GETFD);
    fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    if (listening) {
        g_autofree char *local = socket_local_addr(fd);

        s->listen_fd = fd;
        s->listen_desc = g_strdup_printf(
            "%s:%s,server=on", socket_fd_is_unix(fd) ? "unix" : "tcp", local);
        socket_arm_listen(chr);
        return true;
    }
    return socket_take_peer(chr, fd, errp);
}

/*
 * cpr-exec: the process before the exec left this chardev's sockets open
 * (docs/system/cpr.md); take them over instead of binding or connecting,
 * so the path stays bound and the peer stays connected.
 */
static bool socket_cpr_adopt(Chardev *chr, int lfd, int cfd, GError **errp)
{
    SocketState *s = chr->be;

    if (lfd >= 0) {
        g_autofree char *local = socket_local_addr(lfd);

        fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
        s->listen_fd = lfd;
        if (socket_fd_is_unix(lfd) && chr->opts->path != NULL) {
            unix_socket_file_record(&s->bound_file, chr->opts->path);
            s->listen_desc =
                g_strdup_printf("unix:%s,server=on", chr->opts->path);
        } else {
            s->listen_desc =
                g_strdup_printf("%s:%s,server=on",
                                socket_fd_is_unix(lfd) ? "unix" : "tcp", local);
        }
    }
    if (cfd >= 0) {
        fcntl(cfd, F_SETFL, fcntl(cfd, F_GETFL) | O_NONBLOCK);
        return socket_take_peer(chr, cfd, errp);
    }
    if (lfd >= 0) {
        socket_arm_listen(chr);
        return true;
    }
    return false;
}

bool chardev_socket_fds(const Chardev *chr, int *ret_listen_fd,
                        int *ret_conn_fd)
{
    const SocketState *s = chr->be;

    if (chr->opts->backend != CHARDEV_BACKEND_SOCKET || s == NULL) {
        return false;
    }
    *ret_listen_fd = s->listen_fd;
    *ret_conn_fd =
        s->conn != NULL && chr->connected ? g_socket_get_fd(s->conn) : -1;
    return true;
}

static bool socket_open(Chardev *chr, GError **errp)
{
    SocketState *s = g_new0(SocketState, 1);
    g_autofree char *lkey = g_strdup_printf("chr-listen:%s", chr->id);
    g_autofree char *ckey = g_strdup_printf("chr-conn:%s", chr->id);
    int lfd = cpr_state_take_fd(lkey);
    int cfd = cpr_state_take_fd(ckey);

    s->listen_fd = -1;
    s->connecting_fd = -1;
    chr->be = s;
    if (lfd >= 0 || cfd >= 0) {
        return socket_cpr_adopt(chr, lfd, cfd, errp);
    }
    if (chr->opts->has_fd) {
        return socket_open_fd(chr, errp);
    }
    if (chr->opts->server) {
        if (!socket_listen(chr, errp)) {
            return false;
        }
        if (chr->opts->wait && !socket_wait_for_peer(chr, errp)) {
            return false;
        }
        socket_arm_listen(chr);
        return true;
    } else {
        g_autoptr(GError) err = NULL;
        int fd = socket_connect_fd(chr, false, NULL, &err);

        if (fd >= 0) {
            return socket_take_peer(chr, fd, errp);
        }
        if (chr->opts->reconnect <= 0) {
            g_propagate_error(errp, g_steal_pointer(&err));
            return false;
        }
        /* QEMU only warns here and keeps retrying in the background. */
        g_debug("chardev '%s': %s", chr->id, err->message);
        socket_arm_reconnect(chr);
        return true;
    }
}

static void socket_close(Chardev *chr)
{
    SocketState *s = chr->be;

    if (!s) {
        return;
    }
    socket_drop_peer(chr, false);
    if (s->listen_watch) {
        g_source_remove(s->listen_watch);
    }
    if (s->connecting_watch) {
        g_source_remove(s->connecting_watch);
    }
    if (s->connecting_fd >= 0) {
        close(s->connecting_fd);
    }
    if (s->reconnect_timer) {
        g_source_remove(s->reconnect_timer);
    }
    unix_socket_file_release(&s->bound_file);
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
    }
    g_free(s->listen_desc);
    g_free(s);
    chr->be = NULL;
}

static char *socket_filename(const Chardev *chr)
{
    SocketState *s = chr->be;
    g_autofree char *target = NULL;

    if (chr->connected && s->conn_desc) {
        return g_strdup(s->conn_desc);
    }
    if (s->listen_desc) {
        return g_strdup_printf("disconnected:%s", s->listen_desc);
    }
    target = socket_target_desc(chr);
    if (chr->opts->has_fd) {
        return g_strdup_printf("disconnected:fd:%s", target);
    }
    return g_strdup_printf("disconnected:%s:%s",
                           socket_is_unix(chr) ? "unix" : "tcp", target);
}

const ChardevBackendOps chardev_socket_ops = {
    .open = socket_open,
    .close = socket_close,
    .filename = socket_filename,
    .peer_gone = socket_peer_gone,
};
