/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The process-level test harness: starting a daemon on private sockets,
 * talking QMP and the qtest line protocol to it, and stopping it.  The
 * contract is in libqtest.h.
 */
#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gio/gunixfdmessage.h>
#include <gio/gunixsocketaddress.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "libqtest-internal.h"
#include "libqtest.h"

#define ACCEPT_TIMEOUT_MS 30000
#define QUIT_TIMEOUT_MS 30000
#define CONNECT_TIMEOUT_MS 10000

char *qtest_make_tmpdir(void)
{
    g_autoptr(GError) err = NULL;
    char *dir = g_dir_make_tmp("qmpd-qtest-XXXXXX", &err);

    g_assert_no_error(err);
    return dir;
}

void qtest_remove_tmpdir(const char *dir)
{
    g_autoptr(GDir) d = NULL;
    const char *name;

    if (!dir) {
        return;
    }
    d = g_dir_open(dir, 0, NULL);
    if (d) {
        while ((name = g_dir_read_name(d))) {
            g_autofree char *path = g_build_filename(dir, name, NULL);

            g_unlink(path);
        }
    }
    g_rmdir(dir);
}

const char *qtest_binary(void)
{
    const char *bin = g_getenv("QMPD_BINARY");

    if (!bin || !*bin) {
        g_error("environment variable QMPD_BINARY is not set");
    }
    return bin;
}

/* --- sockets --- */

static void channel_init(QTestChannel *ch, GSocket *sock)
{
    ch->sock = sock;
    ch->buf = g_string_new(NULL);
    g_socket_set_blocking(sock, TRUE);
    g_socket_set_timeout(sock, QTEST_IO_TIMEOUT_S);
}

static void channel_close(QTestChannel *ch)
{
    if (ch->sock) {
        g_socket_close(ch->sock, NULL);
        g_clear_object(&ch->sock);
    }
    if (ch->buf) {
        g_string_free(ch->buf, TRUE);
        ch->buf = NULL;
    }
}

bool qtest_channel_send(QTestChannel *ch, const void *data, size_t len,
                        GError **errp)
{
    const char *p = data;

    while (len > 0) {
        gssize n = g_socket_send(ch->sock, p, len, NULL, errp);

        if (n < 0) {
            return false;
        }
        p += n;
        len -= n;
    }
    return true;
}

/* Reads more bytes into the buffer; false with an error on EOF too. */
static bool channel_fill(QTestChannel *ch, GError **errp)
{
    char chunk[65536];
    gssize n = g_socket_receive(ch->sock, chunk, sizeof(chunk), NULL, errp);

    if (n < 0) {
        return false;
    }
    if (n == 0) {
        g_set_error(errp, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                    "connection closed by the daemon");
        return false;
    }
    g_string_append_len(ch->buf, chunk, n);
    return true;
}

/* Returns the next line including its "\n". */
static char *channel_read_line(QTestChannel *ch, GError **errp)
{
    for (;;) {
        const char *nl = memchr(ch->buf->str, '\n', ch->buf->len);

        if (nl) {
            size_t len = nl - ch->buf->str + 1;
            char *line = g_strndup(ch->buf->str, len);

            g_string_erase(ch->buf, 0, len);
            return line;
        }
        if (!channel_fill(ch, errp)) {
            return NULL;
        }
    }
}

char *qtest_channel_read_line(QTestChannel *ch, const char *what)
{
    g_autoptr(GError) err = NULL;
    char *line = channel_read_line(ch, &err);

    if (!line) {
        g_error("reading %s: %s", what, err->message);
    }
    return line;
}

static GSocket *listen_unix(const char *path, GError **errp)
{
    g_autoptr(GSocket) sock = NULL;
    g_autoptr(GSocketAddress) addr = g_unix_socket_address_new(path);

    sock = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                        G_SOCKET_PROTOCOL_DEFAULT, errp);
    if (!sock || !g_socket_bind(sock, addr, TRUE, errp) ||
        !g_socket_listen(sock, errp)) {
        return NULL;
    }
    return g_steal_pointer(&sock);
}

/* --- process --- */

static void proc_exited_cb(GObject *source, GAsyncResult *res, gpointer data)
{
    QTestState *s = data;

    g_subprocess_wait_finish(G_SUBPROCESS(source), res, NULL);
    s->exited = true;
}

/* Polls the main context until the child was reaped or time runs out. */
static bool proc_wait(QTestState *s, unsigned timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    while (!s->exited) {
        while (g_main_context_iteration(NULL, FALSE)) {
            /* dispatch everything pending */
        }
        if (s->exited || g_get_monotonic_time() >= deadline) {
            break;
        }
        g_usleep(2000);
    }
    return s->exited;
}

static void state_free(QTestState *s)
{
    JsonObject *ev;

    channel_close(&s->qmp);
    channel_close(&s->qtest);
    while ((ev = g_queue_pop_head(&s->events))) {
        json_object_unref(ev);
    }
    g_clear_pointer(&s->greeting, json_object_unref);
    g_clear_object(&s->proc);
    qtest_remove_tmpdir(s->tmpdir);
    g_free(s->tmpdir);
    g_free(s);
}

/* Kills and reaps the child if needed, then frees everything. */
static void state_abandon(QTestState *s)
{
    if (s->proc && !s->exited) {
        g_subprocess_force_exit(s->proc);
        proc_wait(s, QUIT_TIMEOUT_MS);
    }
    state_free(s);
}

static GSocket *accept_from_child(QTestState *s, GSocket *listener,
                                  GError **errp)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ACCEPT_TIMEOUT_MS * 1000;

    for (;;) {
        if (g_socket_condition_timed_wait(listener, G_IO_IN, 50000, NULL,
                                          NULL)) {
            return g_socket_accept(listener, NULL, errp);
        }
        proc_wait(s, 0);
        if (s->exited) {
            g_set_error(errp, G_IO_ERROR, G_IO_ERROR_FAILED,
                        "daemon exited (wait status %d) before connecting",
                        g_subprocess_get_status(s->proc));
            return NULL;
        }
        if (g_get_monotonic_time() >= deadline) {
            g_set_error(errp, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                        "daemon did not connect within %d ms",
                        ACCEPT_TIMEOUT_MS);
            return NULL;
        }
    }
}

static JsonObject *parse_message(const char *line, GError **errp)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    JsonNode *root;

    if (!json_parser_load_from_data(parser, line, -1, errp)) {
        return NULL;
    }
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(errp, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "message is not a JSON object: %s", line);
        return NULL;
    }
    return json_object_ref(json_node_get_object(root));
}

static bool read_greeting(QTestState *s, GError **errp)
{
    g_autofree char *line = channel_read_line(&s->qmp, errp);

    if (!line) {
        return false;
    }
    s->greeting = parse_message(line, errp);
    if (!s->greeting) {
        return false;
    }
    if (!json_object_has_member(s->greeting, "QMP")) {
        g_set_error(errp, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "not a QMP greeting: %s", line);
        return false;
    }
    return true;
}

static bool negotiate(QTestState *s, GError **errp)
{
    static const char cmd[] = "{\"execute\": \"qmp_capabilities\"}";
    g_autoptr(JsonObject) reply = NULL;

    if (!qtest_channel_send(&s->qmp, cmd, strlen(cmd), errp)) {
        return false;
    }
    reply = qtest_qmp_receive(s);
    if (!json_object_has_member(reply, "return")) {
        g_autofree char *text = qtest_json_to_string(reply);

        g_set_error(errp, G_IO_ERROR, G_IO_ERROR_FAILED,
                    "qmp_capabilities failed: %s", text);
        return false;
    }
    return true;
}

static bool is_blank(const char *str)
{
    while (str && g_ascii_isspace(*str)) {
        str++;
    }
    return !str || !*str;
}

static GStrv build_argv(const char *binary, const char *qmp_path,
                        const char *qtest_path, const char *extra_args,
                        unsigned flags, GError **errp)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autofree char *chardev =
        g_strdup_printf("socket,path=%s,id=char0", qmp_path);
    g_auto(GStrv) extra = NULL;

    g_strv_builder_add_many(b, binary, "-chardev", chardev, "-mon",
                            "chardev=char0,mode=control", "-display", "none",
                            NULL);
    if (!(flags & QTEST_INIT_NO_EXIT_WITH_PARENT)) {
        g_strv_builder_add_many(b, "-run-with", "exit-with-parent=on", NULL);
    }
    if (qtest_path) {
        g_autofree char *spec = g_strdup_printf("unix:%s", qtest_path);

        g_strv_builder_add_many(b, "-qtest", spec, "-qtest-log", "/dev/null",
                                NULL);
    }
    if (!is_blank(extra_args)) {
        if (!g_shell_parse_argv(extra_args, NULL, &extra, errp)) {
            return NULL;
        }
        g_strv_builder_addv(b, (const char **)extra);
    }
    if (qtest_path) {
        g_strv_builder_add_many(b, "-accel", "qtest", NULL);
    }
    return g_strv_builder_end(b);
}

/* Everything qtest_init_full() does; on failure the caller cleans up. */
static bool start_daemon(QTestState *s, const char *binary,
                         const char *extra_args, unsigned flags, const int *fds,
                         size_t nfds, GError **errp)
{
    g_autofree char *qmp_path = g_build_filename(s->tmpdir, "qmp.sock", NULL);
    g_autofree char *qtest_path = NULL;
    g_autofree char *cmdline = NULL;
    g_autoptr(GSocket) qmp_listener = NULL;
    g_autoptr(GSocket) qtest_listener = NULL;
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_auto(GStrv) argv = NULL;
    GSocket *conn;

    qmp_listener = listen_unix(qmp_path, errp);
    if (!qmp_listener) {
        return false;
    }
    if (flags & QTEST_INIT_QTEST) {
        qtest_path = g_build_filename(s->tmpdir, "qtest.sock", NULL);
        qtest_listener = listen_unix(qtest_path, errp);
        if (!qtest_listener) {
            return false;
        }
    }
    argv = build_argv(binary, qmp_path, qtest_path, extra_args, flags, errp);
    if (!argv) {
        return false;
    }
    cmdline = g_strjoinv(" ", argv);
    g_test_message("starting: %s", cmdline);

    /* Keep the daemon's stdout off ours, which carries the TAP stream. */
    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
    g_subprocess_launcher_take_stdout_fd(launcher, dup(STDERR_FILENO));
    /*
     * A GLib or json-glib critical means qmpd broke an API contract (a
     * reference released twice, say) and carried on; make it a crash the
     * test sees instead of a line in the log nobody reads.
     */
    g_subprocess_launcher_setenv(launcher, "G_DEBUG", "fatal-criticals", FALSE);
    for (size_t i = 0; i < nfds; i++) {
        /* The launcher closes what it takes: hand it a duplicate. */
        g_subprocess_launcher_take_fd(launcher, dup(fds[i]), fds[i]);
    }
    s->proc =
        g_subprocess_launcher_spawnv(launcher, (const char *const *)argv, errp);
    if (!s->proc) {
        return false;
    }
    g_subprocess_wait_async(s->proc, NULL, proc_exited_cb, s);

    if (qtest_listener) {
        conn = accept_from_child(s, qtest_listener, errp);
        if (!conn) {
            return false;
        }
        channel_init(&s->qtest, conn);
    }
    conn = accept_from_child(s, qmp_listener, errp);
    if (!conn) {
        return false;
    }
    channel_init(&s->qmp, conn);
    if (!read_greeting(s, errp)) {
        return false;
    }
    return (flags & QTEST_INIT_NO_HANDSHAKE) || negotiate(s, errp);
}

static QTestState *init_with_fds(const char *binary, const char *extra_args,
                                 unsigned flags, const int *fds, size_t nfds,
                                 GError **errp)
{
    QTestState *s = g_new0(QTestState, 1);

    g_queue_init(&s->events);
    s->tmpdir = qtest_make_tmpdir();
    if (!start_daemon(s, binary, extra_args, flags, fds, nfds, errp)) {
        state_abandon(s);
        return NULL;
    }
    return s;
}

QTestState *qtest_init_full(const char *binary, const char *extra_args,
                            unsigned flags, GError **errp)
{
    return init_with_fds(binary, extra_args, flags, NULL, 0, errp);
}

QTestState *qtest_init_with_fds(const char *extra_args, unsigned flags,
                                const int *fds, size_t nfds)
{
    g_autoptr(GError) err = NULL;
    QTestState *s =
        init_with_fds(qtest_binary(), extra_args, flags, fds, nfds, &err);

    g_assert_no_error(err);
    return s;
}

QTestState *qtest_init(const char *extra_args)
{
    g_autoptr(GError) err = NULL;
    QTestState *s =
        qtest_init_full(qtest_binary(), extra_args, QTEST_INIT_DEFAULT, &err);

    g_assert_no_error(err);
    return s;
}

QTestState *qtest_init_without_qmp_handshake(const char *extra_args)
{
    g_autoptr(GError) err = NULL;
    QTestState *s = qtest_init_full(qtest_binary(), extra_args,
                                    QTEST_INIT_NO_HANDSHAKE, &err);

    g_assert_no_error(err);
    return s;
}

int qtest_wait_exit(QTestState *s, unsigned timeout_ms)
{
    int status;

    g_assert_nonnull(s->proc);
    if (!proc_wait(s, timeout_ms)) {
        state_abandon(s);
        g_error("daemon still running %u ms after it was asked to exit",
                timeout_ms);
    }
    status = g_subprocess_get_status(s->proc);
    state_free(s);
    return status;
}

void qtest_quit(QTestState *s)
{
    int status;

    if (!s) {
        return;
    }
    if (!s->proc) {
        qtest_qmp_disconnect(s);
        return;
    }
    if (!s->exited) {
        g_subprocess_send_signal(s->proc, SIGTERM);
    }
    status = qtest_wait_exit(s, QUIT_TIMEOUT_MS);
    if (WIFSIGNALED(status)) {
        g_error("daemon killed by signal %d", WTERMSIG(status));
    }
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

int qtest_pid(QTestState *s)
{
    const char *id;

    if (!s->proc || s->exited) {
        return 0;
    }
    id = g_subprocess_get_identifier(s->proc);
    return id ? atoi(id) : 0;
}

int qtest_child_pid(QTestState *s, unsigned timeout_ms)
{
    int pid = qtest_pid(s);
    g_autofree char *path =
        g_strdup_printf("/proc/%d/task/%d/children", pid, pid);

    for (unsigned waited = 0;; waited += 20) {
        g_autofree char *text = NULL;

        if (pid > 0 && g_file_get_contents(path, &text, NULL, NULL) &&
            atoi(text) > 0) {
            return atoi(text);
        }
        if (waited >= timeout_ms) {
            return 0;
        }
        g_usleep(20 * 1000);
    }
}

char *qtest_tmp_path(QTestState *s, const char *name)
{
    return g_build_filename(s->tmpdir, name, NULL);
}

JsonObject *qtest_qmp_greeting(QTestState *s)
{
    return s->greeting;
}

/* Connects to @path, retrying while nobody listens there yet. */
static GSocket *unix_connect_retrying(const char *path)
{
    g_autoptr(GSocketAddress) addr = g_unix_socket_address_new(path);
    gint64 deadline =
        g_get_monotonic_time() + (gint64)CONNECT_TIMEOUT_MS * 1000;
    g_autoptr(GError) err = NULL;

    for (;;) {
        g_autoptr(GSocket) sock =
            g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, &err);

        g_assert_no_error(err);
        if (g_socket_connect(sock, addr, NULL, &err)) {
            return g_steal_pointer(&sock);
        }
        if (g_get_monotonic_time() >= deadline) {
            g_error("connecting to '%s': %s", path, err->message);
        }
        g_clear_error(&err);
        g_usleep(10000);
    }
}

int qtest_unix_connect(const char *path)
{
    g_autoptr(GSocket) sock = unix_connect_retrying(path);
    int fd = fcntl(g_socket_get_fd(sock), F_DUPFD_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    /* blocking, like a plain socket(); the GSocket made its fd non-blocking */
    g_assert_true(g_unix_set_fd_nonblocking(fd, FALSE, NULL));
    return fd;
}

QTestState *qtest_qmp_connect(const char *path, bool handshake)
{
    g_autoptr(GError) err = NULL;
    QTestState *s = g_new0(QTestState, 1);

    g_queue_init(&s->events);
    channel_init(&s->qmp, unix_connect_retrying(path));
    if (!read_greeting(s, &err) || (handshake && !negotiate(s, &err))) {
        g_error("QMP client on '%s': %s", path, err->message);
    }
    return s;
}

void qtest_qmp_disconnect(QTestState *s)
{
    if (!s) {
        return;
    }
    g_assert_null(s->proc);
    state_free(s);
}

/* --- QMP --- */

void qtest_qmp_send_raw(QTestState *s, const void *buf, size_t len)
{
    g_autoptr(GError) err = NULL;

    if (!qtest_channel_send(&s->qmp, buf, len, &err)) {
        g_error("sending to the monitor: %s", err->message);
    }
}

static void qmp_vsend(QTestState *s, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);

static void qmp_vsend(QTestState *s, const char *fmt, va_list ap)
{
    g_autofree char *text = g_strdup_vprintf(fmt, ap);

    qtest_qmp_send_raw(s, text, strlen(text));
}

void qtest_qmp_send(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qmp_vsend(s, fmt, ap);
    va_end(ap);
}

JsonObject *qtest_qmp_fds(QTestState *s, const int *fds, size_t nfds,
                          const char *fmt, ...)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GUnixFDList) list = g_unix_fd_list_new();
    g_autoptr(GSocketControlMessage) msg = NULL;
    g_autofree char *text = NULL;
    GOutputVector vec;
    va_list ap;
    gssize n;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < nfds; i++) {
        if (g_unix_fd_list_append(list, fds[i], &err) < 0) {
            g_error("passing fd %d: %s", fds[i], err->message);
        }
    }
    msg = g_unix_fd_message_new_with_fd_list(list);
    vec.buffer = text;
    vec.size = strlen(text);
    n = g_socket_send_message(s->qmp.sock, NULL, &vec, 1, &msg, 1,
                              G_SOCKET_MSG_NONE, NULL, &err);
    if (n <= 0) {
        g_error("sending to the monitor: %s",
                err != NULL ? err->message : "nothing sent");
    }
    if ((size_t)n < vec.size) {
        qtest_qmp_send_raw(s, text + n, vec.size - (size_t)n);
    }
    return qtest_qmp_receive(s);
}

char *qtest_qmp_read_line(QTestState *s)
{
    return qtest_channel_read_line(&s->qmp, "a QMP line");
}

JsonObject *qtest_qmp_receive_dict(QTestState *s)
{
    g_autofree char *line = qtest_qmp_read_line(s);
    g_autoptr(GError) err = NULL;
    JsonObject *msg = parse_message(line, &err);

    if (!msg) {
        g_error("bad QMP message: %s", err->message);
    }
    return msg;
}

JsonObject *qtest_qmp_receive(QTestState *s)
{
    for (;;) {
        JsonObject *msg = qtest_qmp_receive_dict(s);

        if (!json_object_has_member(msg, "event")) {
            return msg;
        }
        g_queue_push_tail(&s->events, msg);
    }
}

JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qmp_vsend(s, fmt, ap);
    va_end(ap);
    return qtest_qmp_receive(s);
}

static JsonNode *reply_return(JsonObject *reply)
{
    JsonNode *ret = json_object_get_member(reply, "return");

    if (!ret) {
        g_autofree char *text = qtest_json_to_string(reply);

        g_error("expected a successful reply, got %s", text);
    }
    return json_node_copy(ret);
}

void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
{
    g_autoptr(JsonObject) reply = NULL;
    va_list ap;

    va_start(ap, fmt);
    qmp_vsend(s, fmt, ap);
    va_end(ap);
    reply = qtest_qmp_receive(s);
    json_node_unref(reply_return(reply));
}

JsonNode *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
{
    g_autoptr(JsonObject) reply = NULL;
    va_list ap;

    va_start(ap, fmt);
    qmp_vsend(s, fmt, ap);
    va_end(ap);
    reply = qtest_qmp_receive(s);
    return reply_return(reply);
}

void qtest_qmp_assert_error(QTestState *s, const char *klass, const char *desc,
                            const char *fmt, ...)
{
    g_autoptr(JsonObject) reply = NULL;
    va_list ap;

    va_start(ap, fmt);
    qmp_vsend(s, fmt, ap);
    va_end(ap);
    reply = qtest_qmp_receive(s);
    if (!qtest_reply_error_class(reply)) {
        g_autofree char *text = qtest_json_to_string(reply);

        g_error("expected error '%s', got %s", desc, text);
    }
    g_assert_cmpstr(qtest_reply_error_class(reply), ==, klass);
    g_assert_cmpstr(qtest_reply_error_desc(reply), ==, desc);
}

static bool is_event(JsonObject *msg, const char *name)
{
    const char *ev =
        json_object_get_string_member_with_default(msg, "event", NULL);

    return ev && g_str_equal(ev, name);
}

JsonObject *qtest_qmp_event_ref(QTestState *s, const char *event)
{
    for (GList *l = s->events.head; l; l = l->next) {
        if (is_event(l->data, event)) {
            JsonObject *ev = l->data;

            g_queue_delete_link(&s->events, l);
            return ev;
        }
    }
    return NULL;
}

JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *event)
{
    JsonObject *msg = qtest_qmp_event_ref(s, event);

    while (!msg) {
        msg = qtest_qmp_receive_dict(s);
        if (is_event(msg, event)) {
            break;
        }
        if (!json_object_has_member(msg, "event")) {
            g_autofree char *text = qtest_json_to_string(msg);

            g_error("reply %s arrived while waiting for event %s", text, event);
        }
        g_queue_push_tail(&s->events, msg);
        msg = NULL;
    }
    return msg;
}

void qtest_qmp_eventwait(QTestState *s, const char *event)
{
    json_object_unref(qtest_qmp_eventwait_ref(s, event));
}

bool qtest_qmp_pending(QTestState *s, unsigned timeout_ms)
{
    if (s->qmp.buf->len > 0) {
        return true;
    }
    return g_socket_condition_timed_wait(s->qmp.sock, G_IO_IN,
                                         (gint64)timeout_ms * 1000, NULL, NULL);
}

bool qtest_qmp_is_closed(QTestState *s, unsigned timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    for (;;) {
        g_autoptr(GError) err = NULL;
        gint64 left = deadline - g_get_monotonic_time();

        g_string_truncate(s->qmp.buf, 0);
        if (left <= 0 || !g_socket_condition_timed_wait(s->qmp.sock, G_IO_IN,
                                                        left, NULL, NULL)) {
            return false;
        }
        if (!channel_fill(&s->qmp, &err)) {
            return g_error_matches(err, G_IO_ERROR,
                                   G_IO_ERROR_CONNECTION_CLOSED) ||
                   g_error_matches(err, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
        }
    }
}

char *qtest_json_to_string(JsonObject *obj)
{
    g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(), obj);

    return json_to_string(node, FALSE);
}

static JsonObject *reply_error(JsonObject *reply)
{
    JsonNode *err = json_object_get_member(reply, "error");

    if (!err) {
        return NULL;
    }
    g_assert_true(JSON_NODE_HOLDS_OBJECT(err));
    return json_node_get_object(err);
}

const char *qtest_reply_error_class(JsonObject *reply)
{
    JsonObject *err = reply_error(reply);

    return err ? json_object_get_string_member_with_default(err, "class", NULL)
               : NULL;
}

const char *qtest_reply_error_desc(JsonObject *reply)
{
    JsonObject *err = reply_error(reply);

    return err ? json_object_get_string_member_with_default(err, "desc", NULL)
               : NULL;
}

char *qtest_qmp_status(QTestState *s)
{
    g_autoptr(JsonNode) ret =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-status\"}");
    JsonObject *info;

    g_assert_true(JSON_NODE_HOLDS_OBJECT(ret));
    info = json_node_get_object(ret);
    g_assert_true(json_object_has_member(info, "status"));
    return g_strdup(json_object_get_string_member(info, "status"));
}
