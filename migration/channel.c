/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration transports: unix and tcp sockets (connect or listen for one
 * peer), file descriptors from getfd, files at an offset (or from an fd
 * set) and commands.  Each turns a MigrationAddress into a MigChannel of
 * GIO streams on the main loop.
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
#include "migration/migration-address.h"
#include "migration/migration.h"
#include "qapi-visit.h"
#include "qapi/clone.h"
#include "util/cutils.h"
#include "util/error.h"
#include "util/fdset.h"
#include "util/unix-socket-file.h"

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

/*
 * The kernel's default send buffer on a unix socket (about 200 KiB) is a
 * fifth of one RAM section, so the source stalled whenever the
 * destination stopped reading to load a section, and the destination
 * waited for the source to wake up again.  A buffer several sections
 * deep lets sending and loading overlap: on the migration benchmark's
 * warm 2 GiB guest this took qmpd from about 4.3 to 5.0 GB/s.
 */
#define UNIX_SEND_BUFFER (4 << 20)

void mig_socket_tune_outgoing(GSocket *sock)
{
    gint size = 0;

    /*
     * tcp keeps the kernel's autotuning, which a fixed size would switch
     * off.  Linux reports twice the size it was asked for.
     */
    if (g_socket_get_family(sock) != G_SOCKET_FAMILY_UNIX ||
        !g_socket_get_option(sock, SOL_SOCKET, SO_SNDBUF, &size, NULL) ||
        size / 2 >= UNIX_SEND_BUFFER) {
        return;
    }
    /* Best effort: the kernel caps it at net.core.wmem_max silently. */
    g_socket_set_option(sock, SOL_SOCKET, SO_SNDBUF, UNIX_SEND_BUFFER, NULL);
}

static MigChannel *channel_from_io(GIOStream *io)
{
    MigChannel *ch = g_new0(MigChannel, 1);

    ch->io = g_object_ref(io);
    ch->in = g_object_ref(g_io_stream_get_input_stream(io));
    ch->out = g_object_ref(g_io_stream_get_output_stream(io));
    return ch;
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
        if (outgoing) {
            mig_socket_tune_outgoing(sock);
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

/*
 * As QEMU: the bytes before the offset are kept (truncate to it, not to
 * 0), and "/dev/fdset/N" takes a descriptor of that fd set.
 */
static MigChannel *channel_from_file(const FileMigrationArgs *f, bool outgoing,
                                     GError **errp)
{
    int flags = outgoing ? O_CREAT | O_WRONLY : O_RDONLY;
    int fd = qmpd_open(f->filename, flags, 0600, errp);

    if (fd < 0) {
        return NULL;
    }
    if (outgoing && ftruncate(fd, (off_t)f->offset) < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "failed to truncate migration file to offset %" PRIx64
                    ": %s",
                    f->offset, g_strerror(errno));
        close(fd);
        return NULL;
    }
    if (f->offset > 0 && lseek(fd, (off_t)f->offset, SEEK_SET) < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Could not seek '%s' to %" G_GUINT64_FORMAT ": %s",
                    f->filename, f->offset, g_strerror(errno));
        close(fd);
        return NULL;
    }
    return channel_from_fd(fd, outgoing, errp);
}

/* The argument list runs as is: no shell unless it names one. */
static MigChannel *channel_from_exec(const MigrationExecCommand *cmd,
                                     bool outgoing, GError **errp)
{
    GSubprocessFlags flags = outgoing ? G_SUBPROCESS_FLAGS_STDIN_PIPE
                                      : G_SUBPROCESS_FLAGS_STDOUT_PIPE;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    const strList *a;
    GSubprocess *proc;
    MigChannel *ch;

    QAPI_LIST_FOR_EACH (a, cmd->args) {
        g_ptr_array_add(argv, a->value);
    }
    g_ptr_array_add(argv, NULL);
    proc = g_subprocess_newv((const char *const *)argv->pdata, flags, errp);
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

/* The transports ready at once: fd, file and exec. */
static MigChannel *channel_open_now(const MigrationAddress *addr, bool outgoing,
                                    GError **errp)
{
    int fd;

    switch (addr->transport) {
    case MIGRATION_ADDRESS_TYPE_SOCKET:
        g_assert(addr->u.socket.type == SOCKET_ADDRESS_TYPE_FD);
        fd = migration_fd_take(addr->u.socket.u.fd.str, errp);
        return fd < 0 ? NULL : channel_from_fd(fd, outgoing, errp);
    case MIGRATION_ADDRESS_TYPE_FILE:
        return channel_from_file(&addr->u.file, outgoing, errp);
    case MIGRATION_ADDRESS_TYPE_EXEC:
        return channel_from_exec(&addr->u.exec, outgoing, errp);
    default:
        g_assert_not_reached();
    }
}

/* unix and tcp: connect or listen; the others are opened at once. */
static bool is_stream_socket(const MigrationAddress *addr)
{
    return addr->transport == MIGRATION_ADDRESS_TYPE_SOCKET &&
           (addr->u.socket.type == SOCKET_ADDRESS_TYPE_UNIX ||
            addr->u.socket.type == SOCKET_ADDRESS_TYPE_INET);
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
        mig_socket_tune_outgoing(g_socket_connection_get_socket(conn));
        cd->cb(channel_from_io(G_IO_STREAM(conn)), NULL, cd->opaque);
    }
    g_free(cd);
}

bool mig_channel_connect(const MigrationAddress *addr, GCancellable *cancel,
                         MigChannelReadyFunc cb, gpointer opaque, GError **errp)
{
    g_autoptr(GSocketClient) client = NULL;
    const SocketAddress *sa = &addr->u.socket;
    MigChannel *ch;
    ConnectData *cd;

    if (!migration_address_check(addr, errp)) {
        return false;
    }
    if (!is_stream_socket(addr)) {
        ch = channel_open_now(addr, true, errp);
        if (ch == NULL) {
            return false;
        }
        deliver_later(cb, opaque, ch);
        return true;
    }
    client = g_socket_client_new();
    cd = g_new0(ConnectData, 1);
    cd->cb = cb;
    cd->opaque = opaque;
    if (sa->type == SOCKET_ADDRESS_TYPE_UNIX) {
        g_autoptr(GSocketAddress) ua =
            g_unix_socket_address_new(sa->u.q_unix.path);

        g_socket_client_connect_async(client, G_SOCKET_CONNECTABLE(ua), cancel,
                                      connected_cb, cd);
    } else {
        const InetSocketAddress *in = &sa->u.inet;
        g_autofree char *hp =
            g_strdup_printf(strchr(in->host, ':') ? "[%s]:%s" : "%s:%s",
                            in->host[0] ? in->host : "localhost", in->port);

        g_socket_client_connect_to_host_async(client, hp, 0, cancel,
                                              connected_cb, cd);
    }
    return true;
}

/* ---- incoming ---- */

struct MigListener {
    MigChannelReadyFunc cb;
    gpointer opaque;
    GSocketService *service;
    SocketAddressList *addresses;
    UnixSocketFile unix_file; /* removed on free if still ours */
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

static GSocketAddress *tcp_listen_address(const InetSocketAddress *in,
                                          GError **errp)
{
    g_autoptr(GInetAddress) ia = NULL;
    guint64 port;

    if (!qmpd_parse_uint64("port", in->port, &port, errp)) {
        return NULL;
    }
    if (port > G_MAXUINT16) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "port '%s' is out of range", in->port);
        return NULL;
    }
    if (in->host[0] == '\0') {
        ia = g_inet_address_new_any(G_SOCKET_FAMILY_IPV4);
    } else {
        ia = g_inet_address_new_from_string(in->host);
    }
    if (ia == NULL) {
        g_autoptr(GResolver) r = g_resolver_get_default();
        GList *found = g_resolver_lookup_by_name(r, in->host, NULL, errp);

        if (found == NULL) {
            return NULL;
        }
        ia = g_object_ref(found->data);
        g_resolver_free_addresses(found);
    }
    return g_inet_socket_address_new(ia, (guint16)port);
}

static bool listen_socket(MigListener *l, const SocketAddress *sa,
                          GError **errp)
{
    g_autoptr(GSocketAddress) addr = NULL;
    g_autoptr(GSocketAddress) effective = NULL;
    SocketAddressList **tail = &l->addresses;
    const char *path =
        sa->type == SOCKET_ADDRESS_TYPE_UNIX ? sa->u.q_unix.path : NULL;

    if (sa->type == SOCKET_ADDRESS_TYPE_UNIX) {
        /* as for chardev sockets: replace a stale file, never a live one */
        unix_socket_file_unlink_stale(path);
        addr = g_unix_socket_address_new(path);
    } else {
        addr = tcp_listen_address(&sa->u.inet, errp);
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
    if (sa->type == SOCKET_ADDRESS_TYPE_UNIX) {
        unix_socket_file_record(&l->unix_file, path);
    }
    QAPI_LIST_APPEND(tail, describe_address(effective));
    g_signal_connect(l->service, "incoming", G_CALLBACK(listener_incoming_cb),
                     l);
    g_socket_service_start(l->service);
    return true;
}

MigListener *mig_listener_new(const MigrationAddress *addr,
                              MigChannelReadyFunc cb, gpointer opaque,
                              GError **errp)
{
    g_autoptr(MigListener) l = NULL;

    if (!migration_address_check(addr, errp)) {
        return NULL;
    }
    l = g_new0(MigListener, 1);
    l->cb = cb;
    l->opaque = opaque;
    if (is_stream_socket(addr)) {
        return listen_socket(l, &addr->u.socket, errp) ? g_steal_pointer(&l)
                                                       : NULL;
    }
    l->ready = channel_open_now(addr, false, errp);
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
    unix_socket_file_release(&l->unix_file);
    mig_channel_free(l->ready);
    qapi_free_SocketAddressList(l->addresses);
    g_free(l);
}
