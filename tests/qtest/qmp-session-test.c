/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP sessions and the run state as seen from outside: several monitors
 * at once, clients that vanish, event delivery, quit and SIGTERM, -S and
 * the configuration phase of -preconfig and -incoming defer.
 */
#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include "libqtest.h"

#define EXIT_TIMEOUT_MS 30000

/* Extra arguments for @n monitors served on DIR/mon<i>.sock. */
static char *server_monitor_args(const char *dir, unsigned n)
{
    GString *args = g_string_new(NULL);

    for (unsigned i = 0; i < n; i++) {
        g_string_append_printf(args,
                               " -chardev socket,id=mon%u,path=%s/mon%u.sock,"
                               "server=on,wait=off -mon chardev=mon%u,"
                               "mode=control",
                               i, dir, i, i);
    }
    return g_string_free(args, FALSE);
}

static char *monitor_path(const char *dir, unsigned i)
{
    return g_strdup_printf("%s/mon%u.sock", dir, i);
}

static void assert_status(QTestState *s, const char *status)
{
    g_autofree char *now = qtest_qmp_status(s);

    g_assert_cmpstr(now, ==, status);
}

static void assert_timestamp(JsonObject *ev)
{
    JsonObject *ts = json_object_get_object_member(ev, "timestamp");
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;
    gint64 sec, usec;

    g_assert_nonnull(ts);
    sec = json_object_get_int_member(ts, "seconds");
    usec = json_object_get_int_member(ts, "microseconds");
    /* Host real time, within a generous window of our own clock. */
    g_assert_cmpint(sec, >, now - 600);
    g_assert_cmpint(sec, <, now + 600);
    g_assert_cmpint(usec, >=, 0);
    g_assert_cmpint(usec, <, 1000000);
}

static void test_disconnect_mid_command(void)
{
    static const char partial[] = "{\"execute\": \"query-sta";
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *args = server_monitor_args(dir, 1);
    g_autofree char *path = monitor_path(dir, 0);
    QTestState *s = qtest_init(args);
    QTestState *c;

    /* Half a request, then gone. */
    c = qtest_qmp_connect(path, true);
    qtest_qmp_send_raw(c, partial, strlen(partial));
    qtest_qmp_disconnect(c);
    assert_status(s, "running");

    /* A request whose reply has nowhere to go (EPIPE, not SIGPIPE). */
    c = qtest_qmp_connect(path, true);
    qtest_qmp_send(c, "{\"execute\": \"query-qmp-schema\"}");
    qtest_qmp_disconnect(c);
    assert_status(s, "running");

    /* Gone before negotiating. */
    c = qtest_qmp_connect(path, false);
    qtest_qmp_disconnect(c);

    /* The next client starts from a fresh session. */
    c = qtest_qmp_connect(path, false);
    qtest_qmp_assert_error(
        c, "CommandNotFound",
        "Expecting capabilities negotiation with 'qmp_capabilities'",
        "{\"execute\": \"query-status\"}");
    qtest_qmp_assert_success(c, "{\"execute\": \"qmp_capabilities\"}");
    assert_status(c, "running");
    qtest_qmp_disconnect(c);

    assert_status(s, "running");
    qtest_quit(s);
    qtest_remove_tmpdir(dir);
}

#define N_MONITORS 8

static void test_many_monitors(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *args = server_monitor_args(dir, N_MONITORS);
    QTestState *s = qtest_init(args);
    QTestState *mon[N_MONITORS];

    for (unsigned i = 0; i < N_MONITORS; i++) {
        g_autofree char *path = monitor_path(dir, i);

        mon[i] = qtest_qmp_connect(path, false);
    }
    /* Negotiate in reverse order; the others must stay un-negotiated. */
    for (unsigned i = N_MONITORS; i-- > 0;) {
        qtest_qmp_assert_success(mon[i], "{\"execute\": \"qmp_capabilities\"}");
        if (i > 0) {
            qtest_qmp_assert_error(mon[i - 1], "CommandNotFound",
                                   "Expecting capabilities negotiation with "
                                   "'qmp_capabilities'",
                                   "{\"execute\": \"query-status\"}");
        }
    }
    /* Send to all first, then collect: no monitor waits for another. */
    for (unsigned i = 0; i < N_MONITORS; i++) {
        qtest_qmp_send(mon[i], "{\"execute\": \"%s\", \"id\": %u}",
                       i % 2 ? "query-name" : "query-status", i);
    }
    for (unsigned i = N_MONITORS; i-- > 0;) {
        g_autoptr(JsonObject) reply = qtest_qmp_receive(mon[i]);
        JsonObject *ret = json_object_get_object_member(reply, "return");

        g_assert_nonnull(ret);
        g_assert_cmpint(json_object_get_int_member(reply, "id"), ==, i);
        if (i % 2 == 0) {
            g_assert_cmpstr(json_object_get_string_member(ret, "status"), ==,
                            "running");
        }
    }
    for (unsigned i = 0; i < N_MONITORS; i++) {
        qtest_qmp_disconnect(mon[i]);
    }
    assert_status(s, "running");
    qtest_quit(s);
    qtest_remove_tmpdir(dir);
}

static void expect_event(QTestState *s, const char *name)
{
    g_autoptr(JsonObject) ev = qtest_qmp_eventwait_ref(s, name);

    assert_timestamp(ev);
}

static void test_events(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *args = server_monitor_args(dir, 2);
    g_autofree char *path0 = monitor_path(dir, 0);
    g_autofree char *path1 = monitor_path(dir, 1);
    QTestState *s = qtest_init(args);
    QTestState *other = qtest_qmp_connect(path0, true);
    QTestState *shy = qtest_qmp_connect(path1, false);

    qtest_qmp_assert_success(s, "{\"execute\": \"stop\"}");
    expect_event(s, "STOP");
    expect_event(other, "STOP");
    assert_status(s, "paused");
    assert_status(other, "paused");

    qtest_qmp_assert_success(other, "{\"execute\": \"cont\"}");
    expect_event(s, "RESUME");
    expect_event(other, "RESUME");
    assert_status(s, "running");

    /* A monitor still negotiating hears nothing. */
    g_assert_false(qtest_qmp_pending(shy, 200));
    qtest_qmp_assert_success(shy, "{\"execute\": \"qmp_capabilities\"}");
    g_assert_false(qtest_qmp_pending(shy, 200));
    /* Once negotiated it does. */
    qtest_qmp_assert_success(s, "{\"execute\": \"stop\"}");
    expect_event(shy, "STOP");
    expect_event(s, "STOP");
    expect_event(other, "STOP");

    /* Each event came exactly once. */
    g_assert_null(qtest_qmp_event_ref(s, "STOP"));
    g_assert_null(qtest_qmp_event_ref(other, "STOP"));
    g_assert_null(qtest_qmp_event_ref(s, "RESUME"));
    g_assert_null(qtest_qmp_event_ref(other, "RESUME"));
    g_assert_false(qtest_qmp_pending(shy, 100));
    g_assert_false(qtest_qmp_pending(other, 100));

    qtest_qmp_disconnect(shy);
    qtest_qmp_disconnect(other);
    qtest_quit(s);
    qtest_remove_tmpdir(dir);
}

static void assert_shutdown_data(JsonObject *ev, const char *reason)
{
    JsonObject *data = json_object_get_object_member(ev, "data");

    g_assert_nonnull(data);
    g_assert_false(json_object_get_boolean_member(data, "guest"));
    g_assert_cmpstr(json_object_get_string_member(data, "reason"), ==, reason);
    assert_timestamp(ev);
}

static void test_quit(void)
{
    QTestState *s = qtest_init(NULL);
    g_autoptr(JsonObject) first = NULL;
    g_autoptr(JsonObject) second = NULL;
    int status;

    qtest_qmp_send(s, "{\"execute\": \"quit\", \"id\": \"bye\"}");
    /* The event comes before the reply, as QEMU sends them. */
    first = qtest_qmp_receive_dict(s);
    g_assert_cmpstr(json_object_get_string_member(first, "event"), ==,
                    "SHUTDOWN");
    assert_shutdown_data(first, "host-qmp-quit");
    second = qtest_qmp_receive_dict(s);
    g_assert_true(json_object_has_member(second, "return"));
    g_assert_cmpstr(json_object_get_string_member(second, "id"), ==, "bye");

    status = qtest_wait_exit(s, EXIT_TIMEOUT_MS);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

static void test_signal(gconstpointer opaque)
{
    int sig = GPOINTER_TO_INT(opaque);
    QTestState *s = qtest_init(NULL);
    g_autoptr(JsonObject) ev = NULL;
    int status;

    g_assert_cmpint(kill(qtest_pid(s), sig), ==, 0);
    ev = qtest_qmp_eventwait_ref(s, "SHUTDOWN");
    assert_shutdown_data(ev, "host-signal");
    status = qtest_wait_exit(s, EXIT_TIMEOUT_MS);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

static void test_runstate_S(void)
{
    QTestState *s = qtest_init("-S");

    assert_status(s, "prelaunch");
    g_assert_false(qtest_qmp_pending(s, 100));
    qtest_qmp_assert_success(s, "{\"execute\": \"cont\"}");
    expect_event(s, "RESUME");
    assert_status(s, "running");
    qtest_qmp_assert_success(s, "{\"execute\": \"stop\"}");
    expect_event(s, "STOP");
    assert_status(s, "paused");
    qtest_qmp_assert_success(s, "{\"execute\": \"cont\"}");
    expect_event(s, "RESUME");
    assert_status(s, "running");
    qtest_quit(s);
}

typedef struct ConfigCase {
    const char *args;
    const char *status;       /* in the configuration phase */
    const char *after_status; /* after x-exit-preconfig */
    bool resume;              /* whether x-exit-preconfig emits RESUME */
} ConfigCase;

static const ConfigCase config_cases[] = {
    {"-preconfig", "prelaunch", "running", true},
    {"--preconfig -S", "prelaunch", "prelaunch", false},
    {"-incoming defer", "inmigrate", "inmigrate", false},
};

static void test_config_phase(gconstpointer opaque)
{
    const ConfigCase *c = opaque;
    static const char *const allowed[] = {
        "query-version", "query-commands", "query-qmp-schema", "query-status",
        "query-name",    "query-uuid",     "query-chardev",
    };
    QTestState *s = qtest_init(c->args);

    assert_status(s, c->status);
    for (size_t i = 0; i < G_N_ELEMENTS(allowed); i++) {
        qtest_qmp_assert_success(s, "{\"execute\": \"%s\"}", allowed[i]);
    }
    qtest_qmp_assert_error(s, "GenericError",
                           "The command 'stop' is permitted only after "
                           "machine initialization has completed",
                           "{\"execute\": \"stop\"}");
    qtest_qmp_assert_error(s, "GenericError",
                           "The command 'cont' is permitted only after "
                           "machine initialization has completed",
                           "{\"execute\": \"cont\"}");
    /* Refusals change nothing. */
    assert_status(s, c->status);
    g_assert_false(qtest_qmp_pending(s, 100));

    qtest_qmp_assert_success(s, "{\"execute\": \"x-exit-preconfig\"}");
    if (c->resume) {
        expect_event(s, "RESUME");
    }
    assert_status(s, c->after_status);
    qtest_qmp_assert_error(
        s, "GenericError",
        "The command is permitted only before machine initialization",
        "{\"execute\": \"x-exit-preconfig\"}");
    assert_status(s, c->after_status);
    g_assert_null(qtest_qmp_event_ref(s, "RESUME"));
    qtest_quit(s);
}

/* Bytes of requests the flooding client offers at most. */
#define FLOOD_MAX (4 * 1024 * 1024)

/*
 * One client pipelines requests and reads none of the replies (issue 13,
 * defect 5).  qmpd must stop reading it once its backlog passes the
 * output bound (so the client's writes stall), serve another monitor
 * meanwhile, and once the client reads, deliver every reply in order.
 */
static void test_slow_reader(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *args = server_monitor_args(dir, 2);
    g_autofree char *path0 = monitor_path(dir, 0);
    g_autofree char *path1 = monitor_path(dir, 1);
    QTestState *s = qtest_init(args);
    g_autoptr(GString) flood =
        g_string_new("{\"execute\": \"qmp_capabilities\", \"id\": \"caps\"}\n");
    g_autoptr(GString) in = g_string_new(NULL);
    QTestState *other;
    guint requests = 0;
    gsize sent = 0;
    gsize end;
    char *line;
    guint replies = 0;
    bool stalled = false;
    int fd = qtest_unix_connect(path0);

    while (flood->len < FLOOD_MAX) {
        g_string_append_printf(
            flood, "{\"execute\": \"query-status\", \"id\": %u}\n", requests++);
    }
    g_assert_true(g_unix_set_fd_nonblocking(fd, TRUE, NULL));
    /* Write without reading until qmpd stops taking input. */
    while (sent < flood->len && !stalled) {
        ssize_t n = write(fd, flood->str + sent, flood->len - sent);

        if (n > 0) {
            sent += n;
        } else {
            struct pollfd p = {.fd = fd, .events = POLLOUT};

            g_assert_true(n < 0 && errno == EAGAIN);
            stalled = poll(&p, 1, 1000) == 0;
        }
    }
    g_test_message("flood: %zu of %zu bytes taken before qmpd stopped reading",
                   sent, flood->len);
    g_assert_true(stalled);
    g_assert_cmpuint(sent, <, flood->len);

    /* Another client is served while the first one's backlog stands. */
    other = qtest_qmp_connect(path1, true);
    assert_status(other, "running");
    qtest_qmp_disconnect(other);
    assert_status(s, "running");

    /*
     * Now read, and finish the request the stall cut in two: every request
     * up to @end must be answered, in order, after the greeting.
     */
    end = sent;
    while (end < flood->len && flood->str[end - 1] != '\n') {
        end++;
    }
    requests = 1;
    for (gsize i = 0; i < end; i++) {
        requests += flood->str[i] == '\n';
    }
    while (replies < requests) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        char buf[65536];
        ssize_t n;

        if (sent < end) {
            p.events |= POLLOUT;
        }
        g_assert_cmpint(poll(&p, 1, 30000), ==, 1);
        if ((p.revents & POLLOUT) && sent < end) {
            n = write(fd, flood->str + sent, end - sent);
            g_assert_cmpint(n, >, 0);
            sent += n;
        }
        if (!(p.revents & (POLLIN | POLLHUP))) {
            continue;
        }
        n = read(fd, buf, sizeof(buf));
        g_assert_cmpint(n, >, 0);
        g_string_append_len(in, buf, n);
        line = in->str;
        for (char *nl; (nl = memchr(line, '\n', in->str + in->len - line));
             line = nl + 1) {
            g_autofree char *want = NULL;

            *nl = '\0';
            if (replies == 1) {
                want = g_strdup("\"id\": \"caps\"");
            } else if (replies > 1) {
                want = g_strdup_printf("\"id\": %u}", replies - 2);
            }
            if (want != NULL && strstr(line, want) == NULL) {
                g_error("reply %u out of order: %s", replies, line);
            }
            replies++;
        }
        g_string_erase(in, 0, line - in->str);
    }
    g_assert_cmpuint(in->len, ==, 0);
    close(fd);
    assert_status(s, "running");
    qtest_quit(s);
    qtest_remove_tmpdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp/session/disconnect-mid-command",
                    test_disconnect_mid_command);
    g_test_add_func("/qmp/session/many-monitors", test_many_monitors);
    g_test_add_func("/qmp/session/slow-reader", test_slow_reader);
    g_test_add_func("/qmp/session/events", test_events);
    g_test_add_func("/qmp/session/quit", test_quit);
    g_test_add_data_func("/qmp/session/sigterm", GINT_TO_POINTER(SIGTERM),
                         test_signal);
    g_test_add_data_func("/qmp/session/sigint", GINT_TO_POINTER(SIGINT),
                         test_signal);
    g_test_add_func("/qmp/runstate/S", test_runstate_S);
    g_test_add_data_func("/qmp/runstate/preconfig", &config_cases[0],
                         test_config_phase);
    g_test_add_data_func("/qmp/runstate/preconfig-S", &config_cases[1],
                         test_config_phase);
    g_test_add_data_func("/qmp/runstate/incoming-defer", &config_cases[2],
                         test_config_phase);
    return g_test_run();
}
