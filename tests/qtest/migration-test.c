/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration between two real qmpd processes over every transport: a
 * source configured with machine-set moves to a bare "-incoming defer"
 * destination, which ends with the same configuration and run state.
 * Failure cases check that the source keeps running and that the
 * destination returns to the configuration phase and can retry.
 */

#include "prelude.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "libqtest.h"
#include "migration-helpers.h"

static void test_unix(void)
{
    g_autoptr(QTestState) src = start_source("");
    g_autoptr(QTestState) dst = start_dest();
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);

    qtest_qmp_assert_success(
        dst, "{\"execute\": \"migrate-set-capabilities\", \"arguments\": "
             "{\"capabilities\": [{\"capability\": \"events\", "
             "\"state\": true}]}}");
    assert_run_state(src, "running");
    assert_run_state(dst, "inmigrate");
    incoming(dst, uri);
    migrate(src, uri);
    assert_migrated(src, dst, "running");
    assert_same_guest(src, dst);
    /* The destination saw setup, active and completed, in that order. */
    for (guint i = 0; i < 3; i++) {
        static const char *const want[] = {"setup", "active", "completed"};
        g_autoptr(JsonObject) e = qtest_qmp_eventwait_ref(dst, "MIGRATION");

        g_assert_cmpstr(json_object_get_string_member(
                            json_object_get_object_member(e, "data"), "status"),
                        ==, want[i]);
    }
}

static void test_paused_source(void)
{
    g_autoptr(QTestState) src = start_source("");
    g_autoptr(QTestState) dst = start_dest();
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);

    qtest_qmp_assert_success(src, "{\"execute\": \"stop\"}");
    incoming(dst, uri);
    migrate(src, uri);
    assert_migrated(src, dst, "paused");
    assert_same_guest(src, dst);
}

static void test_tcp_port0(void)
{
    g_autoptr(QTestState) src = start_source("");
    g_autoptr(QTestState) dst = start_dest();
    g_autoptr(JsonNode) info = NULL;
    g_autofree char *uri = NULL;
    JsonObject *addr;
    const char *port;

    incoming(dst, "tcp:127.0.0.1:0");
    info =
        qtest_qmp_assert_success_ref(dst, "{\"execute\": \"query-migrate\"}");
    g_assert_cmpstr(
        json_object_get_string_member(json_node_get_object(info), "status"), ==,
        "setup");
    addr = json_array_get_object_element(
        json_object_get_array_member(json_node_get_object(info),
                                     "socket-address"),
        0);
    g_assert_cmpstr(json_object_get_string_member(addr, "type"), ==, "inet");
    g_assert_cmpstr(json_object_get_string_member(addr, "host"), ==,
                    "127.0.0.1");
    port = json_object_get_string_member(addr, "port");
    g_assert_cmpstr(port, !=, "0");
    uri = g_strdup_printf("tcp:127.0.0.1:%s", port);
    migrate(src, uri);
    assert_migrated(src, dst, "running");
    assert_same_guest(src, dst);
}

/* Sends "getfd" with @fd attached on a fresh QMP connection to @path. */
static void send_getfd(const char *path, const char *name, int fd)
{
    g_autoptr(QTestState) c = qtest_qmp_connect(path, true);
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    g_autofree char *cmd = g_strdup_printf(
        "{\"execute\": \"getfd\", \"arguments\": {\"fdname\": \"%s\"}}\n",
        name);
    char cbuf[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec iov = {.iov_base = cmd, .iov_len = strlen(cmd)};
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = cbuf,
        .msg_controllen = sizeof(cbuf),
    };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    char reply[4096];
    gsize got = 0;

    /* The extra connection proves the monitor is up; the raw one sends. */
    qtest_qmp_disconnect(g_steal_pointer(&c));
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    g_assert_cmpint(connect(sock, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    /* Greeting, then capabilities. */
    while (got == 0 || reply[got - 1] != '\n') {
        ssize_t n = read(sock, reply + got, sizeof(reply) - got);

        g_assert_cmpint(n, >, 0);
        got += n;
    }
    g_assert_cmpint(write(sock, "{\"execute\": \"qmp_capabilities\"}\n", 32),
                    ==, 32);
    got = 0;
    while (got == 0 || reply[got - 1] != '\n') {
        ssize_t n = read(sock, reply + got, sizeof(reply) - got);

        g_assert_cmpint(n, >, 0);
        got += n;
    }
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    g_assert_cmpint(sendmsg(sock, &msg, 0), ==, (ssize_t)strlen(cmd));
    got = 0;
    while (got == 0 || reply[got - 1] != '\n') {
        ssize_t n = read(sock, reply + got, sizeof(reply) - got);

        g_assert_cmpint(n, >, 0);
        got += n;
    }
    reply[got] = '\0';
    g_assert_nonnull(strstr(reply, "\"return\""));
    close(sock);
}

static void test_fd(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *src_mon = g_build_filename(dir, "src.mon", NULL);
    g_autofree char *dst_mon = g_build_filename(dir, "dst.mon", NULL);
    g_autofree char *src_args =
        g_strdup_printf("-chardev socket,id=extra,path=%s,server=on,wait=off "
                        "-mon chardev=extra,mode=control",
                        src_mon);
    g_autofree char *dst_args = g_strdup_printf(
        "-incoming defer -chardev socket,id=extra,path=%s,server=on,wait=off "
        "-mon chardev=extra,mode=control",
        dst_mon);
    g_autoptr(QTestState) src = start_source(src_args);
    g_autoptr(QTestState) dst = start_qtest(dst_args);
    int pair[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair),
                    ==, 0);
    send_getfd(dst_mon, "mig", pair[0]);
    send_getfd(src_mon, "mig", pair[1]);
    close(pair[0]);
    close(pair[1]);
    incoming(dst, "fd:mig");
    migrate(src, "fd:mig");
    assert_migrated(src, dst, "running");
    assert_same_guest(src, dst);
    /* Taken by the migration: closefd no longer finds it. */
    qtest_qmp_assert_error(src, "GenericError",
                           "File descriptor named 'mig' not found",
                           "{\"execute\": \"closefd\", \"arguments\": "
                           "{\"fdname\": \"mig\"}}");
    qtest_remove_tmpdir(dir);
}

static void test_file_offset(void)
{
    g_autoptr(QTestState) src = start_source("");
    g_autoptr(QTestState) dst = start_dest();
    g_autofree char *path = qtest_tmp_path(src, "state.bin");
    g_autofree char *uri = g_strdup_printf("file:%s,offset=0x1000", path);
    g_autofree char *end = NULL;
    g_autofree char *data = NULL;
    gsize len = 0;

    migrate(src, uri);
    end = wait_end(src, NULL);
    g_assert_cmpstr(end, ==, "completed");
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, >, 0x1000);
    g_assert_cmpmem(data + 0x1000, 4, "QEVM", 4);
    incoming(dst, uri);
    assert_migrated(src, dst, "running");
    assert_same_guest(src, dst);
}

static void test_exec(void)
{
    g_autoptr(QTestState) src = start_source("");
    g_autoptr(QTestState) dst = start_dest();
    g_autofree char *path = qtest_tmp_path(src, "state.bin");
    g_autofree char *out = g_strdup_printf("exec:cat > %s", path);
    g_autofree char *in = g_strdup_printf("exec:cat %s", path);
    g_autofree char *end = NULL;

    migrate(src, out);
    end = wait_end(src, NULL);
    g_assert_cmpstr(end, ==, "completed");
    incoming(dst, in);
    assert_migrated(src, dst, "running");
    assert_same_guest(src, dst);
}

static void test_conflict_then_retry(void)
{
    g_autoptr(QTestState) src = start_source("");
    g_autoptr(QTestState) dst = start_dest();
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *err = NULL;
    g_autofree char *src_end = NULL;
    g_autofree char *dst_end = NULL;

    qtest_qmp_assert_success(dst,
                             "{\"execute\": \"machine-set\", \"arguments\": "
                             "{\"rtc\": {\"base\": \"localtime\"}}}");
    before = config_of(dst);
    incoming(dst, uri);
    migrate(src, uri);
    dst_end = wait_end(dst, &err);
    g_assert_cmpstr(dst_end, ==, "failed");
    g_assert_cmpstr(err, ==,
                    "migration: rtc.base: local value 'localtime' differs "
                    "from the stream's '2020-05-06T07:08:09'");
    after = config_of(dst);
    g_assert_cmpstr(after, ==, before);
    assert_run_state(dst, "inmigrate");
    src_end = wait_end(src, NULL);
    g_assert_cmpstr(src_end, ==, "failed");
    assert_run_state(src, "running");

    /* Fix the local value and try again: same processes, both usable. */
    qtest_qmp_assert_success(dst,
                             "{\"execute\": \"machine-set\", \"arguments\": "
                             "{\"rtc\": {\"base\": \"2020-05-06T07:08:09\","
                             " \"clock\": \"rt\"}}}");
    incoming(dst, uri);
    migrate(src, uri);
    {
        g_autofree char *s_end = wait_end(src, NULL);
        g_autofree char *d_end = wait_end(dst, NULL);
        g_autoptr(JsonNode) r = qtest_qmp_assert_success_ref(
            dst, "{\"execute\": \"query-machine-config\"}");
        JsonObject *rtc = json_object_get_object_member(
            json_object_get_object_member(json_node_get_object(r), "config"),
            "rtc");

        g_assert_cmpstr(s_end, ==, "completed");
        g_assert_cmpstr(d_end, ==, "completed");
        /* Host-local: the destination's own clock wins. */
        g_assert_cmpstr(json_object_get_string_member(rtc, "clock"), ==, "rt");
        g_assert_cmpstr(json_object_get_string_member(rtc, "base"), ==,
                        "2020-05-06T07:08:09");
    }
}

static void test_truncated_then_retry(void)
{
    g_autoptr(QTestState) src = start_source("");
    g_autoptr(QTestState) dst = start_dest();
    g_autofree char *path = qtest_tmp_path(src, "state.bin");
    g_autofree char *cut = qtest_tmp_path(src, "cut.bin");
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    g_autofree char *cut_uri = g_strdup_printf("file:%s", cut);
    g_autofree char *data = NULL;
    g_autofree char *before = config_of(dst);
    g_autofree char *after = NULL;
    g_autofree char *end = NULL;
    g_autofree char *err = NULL;
    gsize len = 0;

    migrate(src, uri);
    end = wait_end(src, NULL);
    g_assert_cmpstr(end, ==, "completed");
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_true(g_file_set_contents(cut, data, len / 2, NULL));

    incoming(dst, cut_uri);
    g_clear_pointer(&end, g_free);
    end = wait_end(dst, &err);
    g_assert_cmpstr(end, ==, "failed");
    g_assert_cmpstr(err, ==, "migration stream ended unexpectedly");
    after = config_of(dst);
    g_assert_cmpstr(after, ==, before);
    assert_run_state(dst, "inmigrate");

    incoming(dst, uri);
    assert_migrated(src, dst, "running");
}

static void test_peer_vanishes(void)
{
    g_autoptr(QTestState) src = start_source("");
    g_autoptr(QTestState) dst = start_dest();
    g_autofree char *fake = qtest_tmp_path(src, "fake.sock");
    g_autofree char *fake_uri = g_strdup_printf("unix:%s", fake);
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *end = NULL;
    g_autofree char *err = NULL;
    /* A "destination" that accepts and hangs up without a word. */
    int lsock = listen_unix(fake);
    int peer;

    migrate(src, fake_uri);
    peer = accept(lsock, NULL, NULL);
    g_assert_cmpint(peer, >=, 0);
    close(peer);
    close(lsock);
    end = wait_end(src, &err);
    g_assert_cmpstr(end, ==, "failed");
    g_assert_nonnull(err);
    assert_run_state(src, "running");

    /* The source can migrate again, for real. */
    incoming(dst, uri);
    migrate(src, uri);
    assert_migrated(src, dst, "running");
}

static void test_cancel_incoming(void)
{
    g_autoptr(QTestState) dst = start_dest();
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *st = NULL;
    g_autoptr(JsonObject) ev = NULL;

    incoming(dst, uri);
    qtest_qmp_assert_error(
        dst, "GenericError", "The incoming migration has already been started",
        "{\"execute\": \"migrate-incoming\", \"arguments\": {\"uri\": \"%s\"}}",
        uri);
    /* Only listening: capabilities still change, as on QEMU's destination. */
    qtest_qmp_assert_success(
        dst, "{\"execute\": \"migrate-set-capabilities\", \"arguments\": "
             "{\"capabilities\": [{\"capability\": \"events\", "
             "\"state\": true}]}}");
    qtest_qmp_assert_success(dst, "{\"execute\": \"migrate_cancel\"}");
    st = migrate_status(dst, NULL);
    g_assert_cmpstr(st, ==, "cancelled");
    /* ... and the one set took effect: the cancel was announced. */
    ev = qtest_qmp_eventwait_ref(dst, "MIGRATION");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(ev, "data"), "status"),
                    ==, "cancelled");
    g_assert_false(g_file_test(sock, G_FILE_TEST_EXISTS));
    /* Listening again works. */
    incoming(dst, uri);
    g_assert_true(g_file_test(sock, G_FILE_TEST_EXISTS));
}

/*
 * A destination that reads everything and never answers, on a thread so
 * the source is never held back by a full socket.  It notes when it has
 * seen a PING command (type 0x08, PING 2, length 4): the source has
 * converged and waits for a PONG that will not come.
 */
typedef struct SilentPeer {
    int fd;
    gint saw_ping; /* atomic */
    GThread *thread;
} SilentPeer;

static bool holds_ping(const guint8 *buf, gsize len)
{
    static const guint8 ping[] = {0x08, 0x00, 0x02, 0x00, 0x04};

    for (gsize i = 0; i + sizeof(ping) <= len; i++) {
        if (memcmp(buf + i, ping, sizeof(ping)) == 0) {
            return true;
        }
    }
    return false;
}

static gpointer silent_peer_read(gpointer opaque)
{
    SilentPeer *p = opaque;
    g_autofree guint8 *buf = g_malloc(1u << 16);
    gsize keep = 0;

    for (;;) {
        ssize_t n = read(p->fd, buf + keep, (1u << 16) - keep);
        gsize len;

        if (n <= 0) {
            return NULL;
        }
        len = keep + (gsize)n;
        if (holds_ping(buf, len)) {
            g_atomic_int_set(&p->saw_ping, 1);
        }
        /* A PING may straddle two reads. */
        keep = MIN(len, 4);
        memmove(buf, buf + len - keep, keep);
    }
}

/*
 * Cancelling the source while it waits for the destination's PONG (the
 * guest still running) leaves it running, and it can migrate again.
 */
static void test_cancel_source_awaiting_pong(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autofree char *fake = qtest_tmp_path(src, "silent.sock");
    g_autofree char *fake_uri = g_strdup_printf("unix:%s", fake);
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *st = NULL;
    g_autofree char *end = NULL;
    int lsock = listen_unix(fake);
    SilentPeer peer = {0};

    write_pattern(src);
    migrate(src, fake_uri);
    peer.fd = accept(lsock, NULL, NULL);
    g_assert_cmpint(peer.fd, >=, 0);
    close(lsock);
    peer.thread = g_thread_new("silent-peer", silent_peer_read, &peer);
    for (int waited = 0; !g_atomic_int_get(&peer.saw_ping); waited += 10) {
        g_assert_cmpint(waited, <, 15000);
        g_usleep(10 * 1000);
    }
    /* Converged, yet still waiting with the guest running. */
    g_usleep(200 * 1000);
    st = migrate_status(src, NULL);
    g_assert_cmpstr(st, ==, "active");
    assert_run_state(src, "running");

    qtest_qmp_assert_success(src, "{\"execute\": \"migrate_cancel\"}");
    end = wait_end(src, NULL);
    g_assert_cmpstr(end, ==, "cancelled");
    assert_run_state(src, "running");
    g_thread_join(peer.thread);
    close(peer.fd);

    incoming(dst, uri);
    migrate(src, uri);
    assert_migrated(src, dst, "running");
    assert_same_guest(src, dst);
}

/*
 * Cancelling the destination in the middle of the RAM transfer: the
 * source fails and keeps running, the destination drops the machine the
 * stream built, keeps its prior configuration, and both can go again.
 */
static void test_cancel_incoming_mid_stream(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *before = config_of(dst);
    g_autofree char *after = NULL;
    g_autofree char *end = NULL;
    g_autofree char *st = NULL;

    write_pattern(src);
    /* 1 MiB/s: the 2 MiB pattern takes two seconds. */
    qtest_qmp_assert_success(src, "{\"execute\": \"migrate-set-parameters\", "
                                  "\"arguments\": {\"max-bandwidth\": "
                                  "1048576}}");
    incoming(dst, uri);
    migrate(src, uri);
    for (int waited = 0;; waited += 10) {
        g_autofree char *now = migrate_status(dst, NULL);

        if (g_str_equal(now, "active")) {
            break;
        }
        g_assert_cmpint(waited, <, 15000);
        g_usleep(10 * 1000);
    }
    /* The stream arrived: its capabilities are fixed. */
    qtest_qmp_assert_error(
        dst, "GenericError", "There's a migration process in progress",
        "{\"execute\": \"migrate-set-capabilities\", \"arguments\": "
        "{\"capabilities\": [{\"capability\": \"events\", "
        "\"state\": true}]}}");
    g_usleep(300 * 1000);
    qtest_qmp_assert_success(dst, "{\"execute\": \"migrate_cancel\"}");
    st = migrate_status(dst, NULL);
    g_assert_cmpstr(st, ==, "cancelled");
    after = config_of(dst);
    g_assert_cmpstr(after, ==, before);
    assert_run_state(dst, "inmigrate");
    end = wait_end(src, NULL);
    g_assert_cmpstr(end, ==, "failed");
    assert_run_state(src, "running");

    qtest_qmp_assert_success(src, "{\"execute\": \"migrate-set-parameters\", "
                                  "\"arguments\": {\"max-bandwidth\": "
                                  "0}}");
    incoming(dst, uri);
    migrate(src, uri);
    assert_migrated(src, dst, "running");
    assert_same_guest(src, dst);
}

static void test_qmp_errors(void)
{
    g_autoptr(QTestState) s = qtest_init("-M pc");
    g_autoptr(JsonNode) caps = NULL;
    g_autoptr(JsonNode) params = NULL;
    g_autoptr(JsonObject) bad = NULL;

    qtest_qmp_assert_error(s, "GenericError",
                           "'-incoming' was not specified on the command line",
                           "{\"execute\": \"migrate-incoming\", \"arguments\": "
                           "{\"uri\": \"unix:/nonexistent/x\"}}");
    qtest_qmp_assert_error(s, "GenericError",
                           "unknown migration protocol: bogus:x",
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"uri\": \"bogus:x\"}}");
    qtest_qmp_assert_error(s, "GenericError",
                           "need either 'uri' or 'channels' argument",
                           "{\"execute\": \"migrate\"}");
    qtest_qmp_assert_error(
        s, "GenericError",
        "Parameter 'downtime_limit' expects an integer in the range of 0 to "
        "2000000 ms",
        "{\"execute\": \"migrate-set-parameters\", \"arguments\": "
        "{\"max-bandwidth\": 1, \"downtime-limit\": 2000001}}");
    params = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-migrate-parameters\"}");
    /* All or nothing: max-bandwidth kept its default. */
    g_assert_cmpint(json_object_get_int_member(json_node_get_object(params),
                                               "max-bandwidth"),
                    ==, 134217728);
    /* The member path in the text belongs to the visitor; not pinned here. */
    bad = qtest_qmp(s, "{\"execute\": \"migrate-set-capabilities\", "
                       "\"arguments\": {\"capabilities\": ["
                       "{\"capability\": \"events\", \"state\": true},"
                       " {\"capability\": \"nope\", \"state\": true}]}}");
    g_assert_cmpstr(qtest_reply_error_class(bad), ==, "GenericError");
    g_assert_true(g_str_has_suffix(qtest_reply_error_desc(bad),
                                   "does not accept value 'nope'"));
    caps = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-migrate-capabilities\"}");
    g_assert_cmpuint(json_array_get_length(json_node_get_array(caps)), ==, 21);
    for (guint i = 0; i < 21; i++) {
        JsonObject *c =
            json_array_get_object_element(json_node_get_array(caps), i);

        g_assert_false(json_object_get_boolean_member(c, "state"));
    }
    qtest_qmp_assert_error(s, "GenericError",
                           "No file descriptor supplied via SCM_RIGHTS",
                           "{\"execute\": \"getfd\", \"arguments\": "
                           "{\"fdname\": \"x\"}}");
}

/* ---- RAM and device state ---- */

/*
 * RAM written before and during the migration arrives intact.  The
 * source is slowed down by max-bandwidth so the writes land while the
 * first pass runs, some behind the sweep (so those pages are sent again).
 * Only the very last write may race with the stop; if the hashes differ
 * it is undone on the source and they must then agree.
 */
static void test_ram_dirty(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *src_hash = NULL;
    g_autofree char *dst_hash = NULL;
    g_autoptr(JsonObject) stats = NULL;
    guint8 page[PAGE], prior[PAGE];
    uint64_t last_addr = 0;
    guint writes = 0;
    char *st;

    write_pattern(src);
    set_events(src);
    qtest_qmp_assert_success(src, "{\"execute\": \"migrate-set-parameters\", "
                                  "\"arguments\": {\"max-bandwidth\": "
                                  "4194304}}");
    incoming(dst, uri);
    migrate(src, uri);
    for (;;) {
        st = migrate_status(src, NULL);
        if (!g_str_equal(st, "setup") && !g_str_equal(st, "active")) {
            g_free(st);
            break;
        }
        g_free(st);
        /* Alternate between pages swept early and late. */
        last_addr = (writes % 2 ? PATTERN_BASE + PATTERN_SIZE : 0) +
                    (uint64_t)(writes % 64) * PAGE;
        qtest_memread(src, last_addr, prior, PAGE);
        memset(page, (int)(writes % 251) + 1, PAGE);
        qtest_memwrite(src, last_addr, page, PAGE);
        writes++;
        g_usleep(2000);
    }
    assert_migrated(src, dst, "running");
    g_assert_cmpuint(writes, >, 10);

    stats = ram_stats(src);
    g_assert_cmpint(json_object_get_int_member(stats, "total"), ==, RAM_SIZE);
    g_assert_cmpint(json_object_get_int_member(stats, "page-size"), ==, PAGE);
    g_assert_cmpint(json_object_get_int_member(stats, "remaining"), ==, 0);
    /* Pattern pages once, plus pages written after the sweep passed. */
    g_assert_cmpint(json_object_get_int_member(stats, "normal"), >,
                    PATTERN_SIZE / PAGE);
    g_assert_cmpint(json_object_get_int_member(stats, "normal-bytes"), ==,
                    json_object_get_int_member(stats, "normal") * PAGE);
    g_assert_cmpint(json_object_get_int_member(stats, "duplicate"), >=,
                    (RAM_SIZE - PATTERN_SIZE) / PAGE - 128);
    g_assert_cmpint(json_object_get_int_member(stats, "dirty-sync-count"), >=,
                    2);
    g_assert_cmpint(json_object_get_int_member(stats, "transferred"), >,
                    PATTERN_SIZE);

    src_hash = ram_hash(src);
    dst_hash = ram_hash(dst);
    if (!g_str_equal(src_hash, dst_hash)) {
        qtest_memwrite(src, last_addr, prior, PAGE);
        g_free(src_hash);
        src_hash = ram_hash(src);
    }
    g_assert_cmpstr(src_hash, ==, dst_hash);
}

/* An idle paused guest: pattern intact, one pass, no page sent twice. */
static void test_ram_idle(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *src_hash = NULL;
    g_autofree char *dst_hash = NULL;
    g_autofree char *empty_hash = NULL;
    g_autoptr(JsonObject) stats = NULL;
    g_autoptr(JsonObject) pass = NULL;

    empty_hash = ram_hash(src);
    write_pattern(src);
    qtest_qmp_assert_success(src, "{\"execute\": \"stop\"}");
    set_events(src);
    incoming(dst, uri);
    migrate(src, uri);
    assert_migrated(src, dst, "paused");
    pass = qtest_qmp_eventwait_ref(src, "MIGRATION_PASS");
    g_assert_cmpint(json_object_get_int_member(
                        json_object_get_object_member(pass, "data"), "pass"),
                    ==, 1);

    stats = ram_stats(src);
    g_assert_cmpint(json_object_get_int_member(stats, "normal"), ==,
                    PATTERN_SIZE / PAGE);
    g_assert_cmpint(json_object_get_int_member(stats, "duplicate"), ==,
                    (RAM_SIZE - PATTERN_SIZE) / PAGE);
    g_assert_cmpint(json_object_get_int_member(stats, "dirty-sync-count"), ==,
                    2);
    src_hash = ram_hash(src);
    dst_hash = ram_hash(dst);
    g_assert_cmpstr(src_hash, ==, dst_hash);
    g_assert_cmpstr(src_hash, !=, empty_hash);
}

/* Reads one member of query-migrate-capabilities. */
static bool capability_state(QTestState *s, const char *name)
{
    g_autoptr(JsonNode) caps = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-migrate-capabilities\"}");
    JsonArray *list = json_node_get_array(caps);

    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *c = json_array_get_object_element(list, i);

        if (g_str_equal(json_object_get_string_member(c, "capability"), name)) {
            return json_object_get_boolean_member(c, "state");
        }
    }
    g_assert_not_reached();
}

/*
 * A management stack that turns multifd on (both ends, four channels)
 * still gets a complete, identical migration: qmpd reports the settings
 * and sends RAM on the main channel (docs/system/migration.md, Speed).
 */
static void test_ram_multifd_accepted(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *both[] = {src, dst};

    write_pattern(src);
    for (guint i = 0; i < G_N_ELEMENTS(both); i++) {
        g_autoptr(JsonNode) params = NULL;

        g_assert_false(capability_state(both[i], "multifd"));
        qtest_qmp_assert_success(
            both[i], "{\"execute\": \"migrate-set-capabilities\", "
                     "\"arguments\": {\"capabilities\": [{\"capability\": "
                     "\"multifd\", \"state\": true}]}}");
        qtest_qmp_assert_success(both[i],
                                 "{\"execute\": \"migrate-set-parameters\", "
                                 "\"arguments\": {\"multifd-channels\": 4}}");
        g_assert_true(capability_state(both[i], "multifd"));
        params = qtest_qmp_assert_success_ref(
            both[i], "{\"execute\": \"query-migrate-parameters\"}");
        g_assert_cmpint(json_object_get_int_member(json_node_get_object(params),
                                                   "multifd-channels"),
                        ==, 4);
    }
    incoming(dst, uri);
    migrate(src, uri);
    assert_migrated(src, dst, "running");
    assert_same_ram(src, dst);
}

/*
 * The destination refuses RAM that does not fit its machine: a stream
 * saved from a 16 MiB source, fed to a destination told to expect 32 MiB
 * (a guest-visible conflict is caught earlier), is edited to announce a
 * block size that disagrees with the configuration.
 */
static void test_ram_bad_block_then_retry(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autofree char *path = qtest_tmp_path(src, "state.bin");
    g_autofree char *bad = qtest_tmp_path(src, "bad.bin");
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    g_autofree char *bad_uri = g_strdup_printf("file:%s", bad);
    g_autofree char *data = NULL;
    g_autofree char *end = NULL;
    g_autofree char *err = NULL;
    g_autofree char *before = config_of(dst);
    g_autofree char *after = NULL;
    const char needle[] = "\x06pc.ram";
    char *at;
    gsize len = 0;

    migrate(src, uri);
    end = wait_end(src, NULL);
    g_assert_cmpstr(end, ==, "completed");
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    at = NULL;
    for (gsize i = 0; at == NULL && i + sizeof(needle) <= len; i++) {
        if (memcmp(data + i, needle, sizeof(needle) - 1) == 0) {
            at = data + i;
        }
    }
    g_assert_nonnull(at);
    /* The u64 size after the name: 16 MiB becomes 32 MiB. */
    g_assert_cmpint((guint8)at[7 + 4], ==, 0x01);
    at[7 + 4] = 0x02;
    g_assert_true(g_file_set_contents(bad, data, len, NULL));

    incoming(dst, bad_uri);
    g_clear_pointer(&end, g_free);
    end = wait_end(dst, &err);
    g_assert_cmpstr(end, ==, "failed");
    g_assert_cmpstr(err, ==,
                    "Length mismatch: pc.ram: 0x2000000 in != 0x1000000");
    after = config_of(dst);
    g_assert_cmpstr(after, ==, before);
    assert_run_state(dst, "inmigrate");

    incoming(dst, uri);
    g_clear_pointer(&end, g_free);
    end = wait_end(dst, NULL);
    g_assert_cmpstr(end, ==, "completed");
}

/* Guest-visible device state: CMOS NVRAM and UART scratch register. */
static void test_device_state(void)
{
    g_autoptr(QTestState) src = start_qtest("-preconfig -serial null");
    g_autoptr(QTestState) dst = start_qtest("-incoming defer -serial null");
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);

    qtest_qmp_assert_success(src, "{\"execute\": \"machine-set\", "
                                  "\"arguments\": {" RAM_CONFIG "}}");
    qtest_qmp_assert_success(src, "{\"execute\": \"x-exit-preconfig\"}");
    qtest_outb(src, 0x70, 0x40);
    qtest_outb(src, 0x71, 0xa5);
    qtest_outb(src, 0x3f8 + 7, 0x5c); /* SCR */
    qtest_outb(src, 0x3f8 + 1, 0x05); /* IER */
    /* fw_cfg: the signature item selected and its first byte read. */
    qtest_outw(src, 0x510, 0x0000);
    g_assert_cmpint(qtest_inb(src, 0x511), ==, 'Q');
    incoming(dst, uri);
    migrate(src, uri);
    assert_migrated(src, dst, "running");
    qtest_outb(dst, 0x70, 0x40);
    g_assert_cmpint(qtest_inb(dst, 0x71), ==, 0xa5);
    g_assert_cmpint(qtest_inb(dst, 0x3f8 + 7), ==, 0x5c);
    g_assert_cmpint(qtest_inb(dst, 0x3f8 + 1), ==, 0x05);
    /* The read goes on where the source stopped: "QEMU"[1]. */
    g_assert_cmpint(qtest_inb(dst, 0x511), ==, 'E');
}

/*
 * The destination, configured by nothing but the stream, publishes the
 * same firmware bytes as the source: fw_cfg user files, the SMBIOS anchor
 * and tables, the ACPI tables, RSDP and linker/loader script.
 */
static void test_firmware_bytes(void)
{
    g_autoptr(QTestState) src = start_qtest("-preconfig");
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autoptr(GHashTable) before = NULL;
    g_autoptr(GHashTable) after = NULL;

    qtest_qmp_assert_success(
        src, "{\"execute\": \"machine-set\", \"arguments\": {" RAM_CONFIG
             ", \"smbios\": {\"type1\": {\"serial\": \"MIG-1\"},"
             " \"type11\": {\"values\": [\"carried\"]}},"
             " \"fw-cfg\": [{\"name\": \"opt/mig\", \"string\": \"moved\"}]}}");
    qtest_qmp_assert_success(src, "{\"execute\": \"x-exit-preconfig\"}");
    before = fw_cfg_files(src);
    g_assert_true(g_hash_table_contains(before, "opt/mig"));
    g_assert_true(g_hash_table_contains(before, "etc/smbios/smbios-tables"));
    g_assert_true(g_hash_table_contains(before, "etc/acpi/tables"));
    incoming(dst, uri);
    migrate(src, uri);
    assert_migrated(src, dst, "running");
    /* Every file byte for byte (RAM and CMOS too). */
    assert_same_guest(src, dst);
    after = fw_cfg_files(dst);
    g_assert_true(g_bytes_equal(g_hash_table_lookup(after, "opt/mig"),
                                g_hash_table_lookup(before, "opt/mig")));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/unix", test_unix);
    g_test_add_func("/migration/paused-source", test_paused_source);
    g_test_add_func("/migration/tcp-port0", test_tcp_port0);
    g_test_add_func("/migration/fd", test_fd);
    g_test_add_func("/migration/file-offset", test_file_offset);
    g_test_add_func("/migration/exec", test_exec);
    g_test_add_func("/migration/failure/conflict-then-retry",
                    test_conflict_then_retry);
    g_test_add_func("/migration/failure/truncated-then-retry",
                    test_truncated_then_retry);
    g_test_add_func("/migration/failure/peer-vanishes", test_peer_vanishes);
    g_test_add_func("/migration/cancel-incoming", test_cancel_incoming);
    g_test_add_func("/migration/failure/cancel-source-awaiting-pong",
                    test_cancel_source_awaiting_pong);
    g_test_add_func("/migration/failure/cancel-incoming-mid-stream",
                    test_cancel_incoming_mid_stream);
    g_test_add_func("/migration/qmp-errors", test_qmp_errors);
    g_test_add_func("/migration/ram/dirty", test_ram_dirty);
    g_test_add_func("/migration/ram/idle", test_ram_idle);
    g_test_add_func("/migration/ram/multifd-accepted",
                    test_ram_multifd_accepted);
    g_test_add_func("/migration/ram/bad-block-then-retry",
                    test_ram_bad_block_then_retry);
    g_test_add_func("/migration/device-state", test_device_state);
    g_test_add_func("/migration/firmware-bytes", test_firmware_bytes);
    return g_test_run();
}
