/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration transports: unix and tcp sockets (connect or listen for one
 * peer), file descriptors from getfd, files at an offset and shell
 * commands.  Each yields a MigChannel of GIO streams on the main loop.
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <gio/gunixsocketaddress.h>

#include "channel-internal.h"
#include "migration/migration.h"
#include "qapi-visit.h"
#include "qapi/clone.h"
#include "util/cutils.h"
#include "util/error.h"

typedef enum MigTransport {
    MIG_TRANSPORT_UNIX,
    MIG_TRANSPORT_TCP,
    MIG_TRANSPORT_FD,
    MIG_TRANSPORT_FILE,
    MIG_TRANSPORT_EXEC,
} MigTransport;

typedef struct MigUri {
    MigTransport transport;
    char *path; /* unix path, fd name, file name, command */
    char *host;
    char *port;
    uint64_t offset;
} MigUri;

static void mig_uri_free(MigUri *u)
{
    if (u == NULL) {
        return;
    }
    g_free(u->path);
    g_free(u->host);
    g_free(u->port);
    g_free(u);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MigUri, mig_uri_free)

void mig_channel_free(MigChannel *ch)
{
    if (ch == NULL) {
        return;
    }
    if (ch->io != NULL) {
        g_io_stream_close(ch->io, NULL, NULL);
    } else {
        if (ch->in != NULL) {
            g_input_stream_close(ch->in, NULL, NULL);
        }
        if (ch->out != NULL) {
            g_output_stream_close(ch->out, NULL, NULL);
        }
    }
    g_clear_object(&ch->in);
    g_clear_object(&ch->out);
    g_clear_object(&ch->io);
    if (ch->proc != NULL) {
        g_subprocess_force_exit(ch->proc);
        g_clear_object(&ch->proc);
    }
    g_free(ch);
}

static MigChannel *channel_from_io(GIOStream *io)
{
    MigChannel *ch = g_new0(MigChannel, 1);

    ch->io = g_object_ref(io);
    ch->in = g_object_ref(g_io_stream_get_input_stream(io));
    ch->out = g_object_ref(g_io_stream_get_output_stream(io));
    return ch;
}

static bool parse_tcp(MigUri *u, const char *rest, GError **errp)
{
    g_auto(GStrv) opts = g_strsplit(rest, ",", 2);
    const char *hp = opts[0];
    const char *colon = strrchr(hp, ':');

    if (colon == NULL || colon[1] == '\0') {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "address '%s' has no port", hp);
        return false;
    }
    u->host = g_strndup(hp, colon - hp);
    u->port = g_strdup(colon + 1);
    if (u->host[0] == '[' && g_str_has_suffix(u->host, "]")) {
        char *bare = g_strndup(u->host + 1, strlen(u->host) - 2);

        g_free(u->host);
        u->host = bare;
    }
    return true;
}

static bool parse_file(MigUri *u, const char *rest, GError **errp)
{
    const char *comma = strrchr(rest, ',');

    if (comma != NULL && g_str_has_prefix(comma, ",offset=")) {
        const char *value = comma + strlen(",offset=");

        if (!qmpd_parse_size("offset", value, 1, &u->offset, errp)) {
            return false;
        }
        u->path = g_strndup(rest, comma - rest);
    } else {
        u->path = g_strdup(rest);
    }
    if (u->path[0] == '\0') {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "file: migration needs a file name");
        return false;
    }
    return true;
}

static MigUri *mig_uri_parse(const char *uri, GError **errp)
{
    g_autoptr(MigUri) u = g_new0(MigUri, 1);
    const char *rest = strchr(uri, ':');
    g_autofree char *scheme = NULL;

    if (rest == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "unknown migration protocol: %s", uri);
        return NULL;
    }
    scheme = g_strndup(uri, rest - uri);
    rest++;
    if (g_str_equal(scheme, "unix")) {
        u->transport = MIG_TRANSPORT_UNIX;
        u->path = g_strdup(rest);
    } else if (g_str_equal(scheme, "tcp")) {
        u->transport = MIG_TRANSPORT_TCP;
        if (!parse_tcp(u, rest, errp)) {
            return NULL;
        }
    } else if (g_str_equal(scheme, "fd")) {
        u->transport = MIG_TRANSPORT_FD;
        u->path = g_strdup(rest);
    } else if (g_str_equal(scheme, "file")) {
        u->transport = MIG_TRANSPORT_FILE;
        if (!parse_file(u, rest, errp)) {
            return NULL;
        }
    } else if (g_str_equal(scheme, "exec")) {
        u->transport = MIG_TRANSPORT_EXEC;
        u->path = g_strdup(rest);
    } else {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "unknown migration protocol: %s", uri);
        return NULL;
    }
    if ((u->transport == MIG_TRANSPORT_UNIX ||
         u->transport == MIG_TRANSPORT_FD ||
         u->transport == MIG_TRANSPORT_EXEC) &&
        u->path[0] == '\0') {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "migration URI '%s' names nothing", uri);
        return NULL;
    }
    return g_steal_pointer(&u);
}

/* A channel over a descriptor: a socket is duplex, anything else one-way. */
static MigChannel *channel_from_fd(int fd, bool outgoing, GError **errp)
{
    struct stat st;
    MigChannel *ch;

    if (fstat(fd, &st) < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "file descriptor %d: %s", fd, g_strerror(errno));
        close(fd);
        return NULL;
    }
    if (S_ISSOCK(st.st_mode)) {
        g_autoptr(GSocket) sock = g_socket_new_from_fd(fd, errp);
        g_autoptr(GSocketConnection) conn = NULL;

        if (sock == NULL) {
            close(fd);
            return NULL;
        }
        conn = g_socket_connection_factory_create_connection(sock);
        return channel_from_io(G_IO_STREAM(conn));
    }
    ch = g_new0(MigChannel, 1);
    if (outgoing) {
        ch->out = g_unix_output_stream_new(fd, TRUE);
    } else {
        ch->in = g_unix_input_stream_new(fd, TRUE);
    }
    return ch;
}

static MigChannel *channel_from_file(const MigUri *u, bool outgoing,
                                     GError **errp)
{
    int flags = outgoing ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY;
    int fd = open(u->path, flags | O_CLOEXEC, 0600);

    if (fd < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Could not open '%s': %s", u->path, g_strerror(errno));
        return NULL;
    }
    if (u->offset > 0 && lseek(fd, (off_t)u->offset, SEEK_SET) < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Could not seek '%s' to %" G_GUINT64_FORMAT ": %s", u->path,
                    u->offset, g_strerror(errno));
        close(fd);
        return NULL;
    }
    return channel_from_fd(fd, outgoing, errp);
}

static MigChannel *channel_from_exec(const MigUri *u, bool outgoing,
                                     GError **errp)
{
    GSubprocessFlags flags = outgoing ? G_SUBPROCESS_FLAGS_STDIN_PIPE
                                      : G_SUBPROCESS_FLAGS_STDOUT_PIPE;
    GSubprocess *proc =
        g_subprocess_new(flags, errp, "/bin/sh", "-c", u->path, NULL);
    MigChannel *ch;

    if (proc == NULL) {
        return NULL;
    }
    ch = g_new0(MigChannel, 1);
    ch->proc = proc;
    if (outgoing) {
        ch->out = g_object_ref(g_subprocess_get_stdin_pipe(proc));
    } else {
        ch->in = g_object_ref(g_subprocess_get_stdout_pipe(proc));
    }
    return ch;
}

/* ---- outgoing ---- */

typedef struct ConnectData {
    MigChannelReadyFunc cb;
    gpointer opaque;
    MigChannel *ready; /* for transports that are ready at once */
    GError *error;
} ConnectData;

static gboolean deliver_ready_cb(gpointer p)
{
    ConnectData *cd = p;

    cd->cb(cd->ready, cd->error, cd->opaque);
    g_clear_error(&cd->error);
    g_free(cd);
    return G_SOURCE_REMOVE;
}

static void deliver_later(MigChannelReadyFunc cb, gpointer opaque,
                          MigChannel *ch)
{
    ConnectData *cd = g_new0(ConnectData, 1);

    cd->cb = cb;
    cd->opaque = opaque;
    cd->ready = ch;
    g_idle_add(deliver_ready_cb, cd);
}

static void connected_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    ConnectData *cd = p;
    g_autoptr(GError) err = NULL;
    g_autoptr(GSocketConnection) conn =
        g_socket_client_connect_finish(G_SOCKET_CLIENT(source), res, &err);

    if (conn == NULL) {
        cd->cb(NULL, err, cd->opaque);
    } else {
        cd->cb(channel_from_io(G_IO_STREAM(conn)), NULL, cd->opaque);
    }
    g_free(cd);
}

bool mig_channel_connect(const char *uri, GCancellable *cancel,
                         MigChannelReadyFunc cb, gpointer opaque, GError **errp)
{
    g_autoptr(MigUri) u = mig_uri_parse(uri, errp);
    g_autoptr(GSocketClient) client = NULL;
    MigChannel *ch = NULL;
    ConnectData *cd;
    int fd;

    if (u == NULL) {
        return false;
    }
    switch (u->transport) {
    case MIG_TRANSPORT_UNIX:
    case MIG_TRANSPORT_TCP:
        client = g_socket_client_new();
        cd = g_new0(ConnectData, 1);
        cd->cb = cb;
        cd->opaque = opaque;
        if (u->transport == MIG_TRANSPORT_UNIX) {
            g_autoptr(GSocketAddress) addr = g_unix_socket_address_new(u->path);

            g_socket_client_connect_async(client, G_SOCKET_CONNECTABLE(addr),
                                          cancel, connected_cb, cd);
        } else {
            g_autofree char *hp =
                g_strdup_printf(strchr(u->host, ':') ? "[%s]:%s" : "%s:%s",
                                u->host[0] ? u->host : "localhost", u->port);

            g_socket_client_connect_to_host_async(client, hp, 0, cancel,
                                                  connected_cb, cd);
        }
        return true;
    case MIG_TRANSPORT_FD:
        fd = migration_fd_take(u->path, errp);
        ch = fd < 0 ? NULL : channel_from_fd(fd, true, errp);
        break;
    case MIG_TRANSPORT_FILE:
        ch = channel_from_file(u, true, errp);
        break;
    case MIG_TRANSPORT_EXEC:
        ch = channel_from_exec(u, true, errp);
        break;
    }
    if (ch == NULL) {
        return false;
    }
    deliver_later(cb, opaque, ch);
    return true;
}

/* ---- incoming ---- */

struct MigListener {
    MigChannelReadyFunc cb;
    gpointer opaque;
    GSocketService *service;
    SocketAddressList *addresses;
    char *unix_path; /* removed on free */
    guint idle_id;
    MigChannel *ready;
};

static gboolean listener_incoming_cb(GSocketService *service,
                                     GSocketConnection *conn, GObject *source,
                                     gpointer p)
{
    MigListener *l = p;

    /* One peer per migration: stop accepting before handing it over. */
    g_socket_service_stop(service);
    g_socket_listener_close(G_SOCKET_LISTENER(service));
    l->cb(channel_from_io(G_IO_STREAM(conn)), NULL, l->opaque);
    return TRUE;
}

static gboolean listener_ready_cb(gpointer p)
{
    MigListener *l = p;
    MigChannel *ch = g_steal_pointer(&l->ready);

    l->idle_id = 0;
    l->cb(ch, NULL, l->opaque);
    return G_SOURCE_REMOVE;
}

static SocketAddress *describe_address(GSocketAddress *addr)
{
    SocketAddress *sa = g_new0(SocketAddress, 1);

    if (G_IS_UNIX_SOCKET_ADDRESS(addr)) {
        sa->type = SOCKET_ADDRESS_TYPE_UNIX;
        sa->u.q_unix.path = g_strdup(
            g_unix_socket_address_get_path(G_UNIX_SOCKET_ADDRESS(addr)));
    } else {
        GInetSocketAddress *in = G_INET_SOCKET_ADDRESS(addr);

        sa->type = SOCKET_ADDRESS_TYPE_INET;
        sa->u.inet.host =
            g_inet_address_to_string(g_inet_socket_address_get_address(in));
        sa->u.inet.port =
            g_strdup_printf("%u", g_inet_socket_address_get_port(in));
    }
    return sa;
}

static GSocketAddress *tcp_listen_address(const MigUri *u, GError **errp)
{
    g_autoptr(GInetAddress) ia = NULL;
    guint64 port;

    if (!qmpd_parse_uint64("port", u->port, &port, errp)) {
        return NULL;
    }
    if (port > G_MAXUINT16) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "port '%s' is out of range", u->port);
        return NULL;
    }
    if (u->host[0] == '\0') {
        ia = g_inet_address_new_any(G_SOCKET_FAMILY_IPV4);
    } else {
        ia = g_inet_address_new_from_string(u->host);
    }
    if (ia == NULL) {
        g_autoptr(GResolver) r = g_resolver_get_default();
        GList *found = g_resolver_lookup_by_name(r, u->host, NULL, errp);

        if (found == NULL) {
            return NULL;
        }
        ia = g_object_ref(found->data);
        g_resolver_free_addresses(found);
    }
    return g_inet_socket_address_new(ia, (guint16)port);
}

static bool listen_socket(MigListener *l, const MigUri *u, GError **errp)
{
    g_autoptr(GSocketAddress) addr = NULL;
    g_autoptr(GSocketAddress) effective = NULL;
    SocketAddressList **tail = &l->addresses;

    if (u->transport == MIG_TRANSPORT_UNIX) {
        struct stat st;

        if (lstat(u->path, &st) == 0 && S_ISSOCK(st.st_mode)) {
            unlink(u->path);
        }
        addr = g_unix_socket_address_new(u->path);
    } else {
        addr = tcp_listen_address(u, errp);
        if (addr == NULL) {
            return false;
        }
    }
    l->service = g_socket_service_new();
    if (!g_socket_listener_add_address(
            G_SOCKET_LISTENER(l->service), addr, G_SOCKET_TYPE_STREAM,
            G_SOCKET_PROTOCOL_DEFAULT, NULL, &effective, errp)) {
        return false;
    }
    if (u->transport == MIG_TRANSPORT_UNIX) {
        l->unix_path = g_strdup(u->path);
    }
    QAPI_LIST_APPEND(tail, describe_address(effective));
    g_signal_connect(l->service, "incoming", G_CALLBACK(listener_incoming_cb),
                     l);
    g_socket_service_start(l->service);
    return true;
}

MigListener *mig_listener_new(const char *uri, MigChannelReadyFunc cb,
                              gpointer opaque, GError **errp)
{
    g_autoptr(MigUri) u = mig_uri_parse(uri, errp);
    g_autoptr(MigListener) l = NULL;
    int fd;

    if (u == NULL) {
        return NULL;
    }
    l = g_new0(MigListener, 1);
    l->cb = cb;
    l->opaque = opaque;
    switch (u->transport) {
    case MIG_TRANSPORT_UNIX:
    case MIG_TRANSPORT_TCP:
        if (!listen_socket(l, u, errp)) {
            return NULL;
        }
        return g_steal_pointer(&l);
    case MIG_TRANSPORT_FD:
        fd = migration_fd_take(u->path, errp);
        l->ready = fd < 0 ? NULL : channel_from_fd(fd, false, errp);
        break;
    case MIG_TRANSPORT_FILE:
        l->ready = channel_from_file(u, false, errp);
        break;
    case MIG_TRANSPORT_EXEC:
        l->ready = channel_from_exec(u, false, errp);
        break;
    }
    if (l->ready == NULL) {
        return NULL;
    }
    l->idle_id = g_idle_add(listener_ready_cb, l);
    return g_steal_pointer(&l);
}

SocketAddressList *mig_listener_addresses(const MigListener *l)
{
    SocketAddressList *head = NULL, **tail = &head;
    const SocketAddressList *a;

    QAPI_LIST_FOR_EACH (a, l->addresses) {
        QAPI_LIST_APPEND(tail, QAPI_CLONE(SocketAddress, a->value));
    }
    return head;
}

void mig_listener_free(MigListener *l)
{
    if (l == NULL) {
        return;
    }
    if (l->idle_id != 0) {
        g_source_remove(l->idle_id);
    }
    if (l->service != NULL) {
        g_signal_handlers_disconnect_by_data(l->service, l);
        g_socket_service_stop(l->service);
        g_socket_listener_close(G_SOCKET_LISTENER(l->service));
        g_clear_object(&l->service);
    }
    if (l->unix_path != NULL) {
        unlink(l->unix_path);
        g_free(l->unix_path);
    }
    mig_channel_free(l->ready);
    qapi_free_SocketAddressList(l->addresses);
    g_free(l);
}
