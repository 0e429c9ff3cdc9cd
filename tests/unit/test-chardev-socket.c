/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the chardev socket backend over real unix and TCP
 * sockets: server and client modes, reconnect, fd passing, a slow reader,
 * a peer that vanishes, socket file handling and input flow control.
 */

#include "prelude.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "chardev-testlib.h"
#include "chardev/char.h"
#include "util/error.h"

/* ---- socket backend ---- */

static void test_socket_unix_server_echo(void)
{
    g_autofree char *path = chardev_test_tmp_path("echo.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=s0,path=%s,server=on,wait=off", path);
    g_autofree char *disc =
        g_strdup_printf("disconnected:unix:%s,server=on", path);
    g_autofree char *conn = g_strdup_printf("unix:%s,server=on", path);
    g_autofree char *name = NULL;
    g_autofree char *reply = NULL;
    Chardev *chr = chardev_test_new(spec);
    TestFe fe;
    int fd;

    chardev_test_fe_attach(&fe, chr);
    fe.echo = true;
    g_assert_cmpint(fe.opened, ==, 0);
    g_assert_false(chardev_is_connected(chr));
    name = chardev_get_filename(chr);
    g_assert_cmpstr(name, ==, disc);
    g_clear_pointer(&name, g_free);

    fd = chardev_test_unix_connect(path);
    PUMP_UNTIL(fe.opened == 1);
    g_assert_true(chardev_is_connected(chr));
    name = chardev_get_filename(chr);
    g_assert_cmpstr(name, ==, conn);
    g_clear_pointer(&name, g_free);

    chardev_test_send_all(fd, "hello");
    reply = chardev_test_recv_exact(fd, 5);
    g_assert_cmpstr(reply, ==, "hello");
    g_assert_cmpmem(fe.in->data, fe.in->len, "hello", 5);

    close(fd);
    PUMP_UNTIL(fe.closed == 1);
    g_assert_false(chardev_is_connected(chr));
    name = chardev_get_filename(chr);
    g_assert_cmpstr(name, ==, disc);

    chardev_test_fe_detach(&fe);
    chardev_remove_all();
}

static void test_socket_next_peer(void)
{
    g_autofree char *path = chardev_test_tmp_path("next.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=s1,path=%s,server=on,wait=off", path);
    Chardev *chr = chardev_test_new(spec);
    TestFe fe;
    int a, b;

    chardev_test_fe_attach(&fe, chr);
    a = chardev_test_unix_connect(path);
    PUMP_UNTIL(fe.opened == 1);
    /* b completes its connect in the backlog but is not served yet */
    b = chardev_test_unix_connect(path);
    chardev_test_send_all(b, "from-b");
    chardev_test_send_all(a, "from-a");
    PUMP_UNTIL(fe.in->len == 6);
    for (int i = 0; i < 50; i++) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
    g_assert_cmpmem(fe.in->data, fe.in->len, "from-a", 6);
    g_assert_cmpint(fe.opened, ==, 1);

    chardev_disconnect(chr);
    g_assert_cmpint(fe.closed, ==, 1);
    g_assert_false(chardev_is_connected(chr));
    PUMP_UNTIL(fe.opened == 2);
    PUMP_UNTIL(fe.in->len == 12);
    g_assert_cmpmem(fe.in->data + 6, 6, "from-b", 6);
    /* a was dropped: it reads end of stream */
    {
        char c;

        g_assert_cmpint(recv(a, &c, 1, 0), ==, 0);
    }
    close(a);
    close(b);
    PUMP_UNTIL(fe.closed == 2);
    chardev_test_fe_detach(&fe);
    chardev_remove_all();
}

static void test_socket_unix_client(void)
{
    g_autofree char *path = chardev_test_tmp_path("client.sock");
    g_autofree char *spec = g_strdup_printf("socket,id=c0,path=%s", path);
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevOptions) o = chardev_options_parse(spec, &err);
    g_autofree char *expect = NULL;
    g_autofree char *name = NULL;
    g_autofree char *got = NULL;
    Chardev *chr;
    TestFe fe;
    int lfd, peer;

    /* nothing listens yet: creation fails and registers nothing */
    chr = chardev_new(o, &err);
    g_assert_null(chr);
    expect = g_strdup_printf("Failed to connect to '%s': No such file or "
                             "directory",
                             path);
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, expect);
    g_assert_null(chardev_find("c0"));
    g_clear_error(&err);

    lfd = chardev_test_unix_listen(path);
    chr = chardev_new(o, &err);
    g_assert_no_error(err);
    g_assert_true(chardev_is_connected(chr));
    peer = accept(lfd, NULL, NULL);
    g_assert_cmpint(peer, >=, 0);
    name = chardev_get_filename(chr);
    g_assert_cmpstr(name, ==, "unix:");

    chardev_test_fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 1);
    g_assert_true(chardev_write_all(chr, "ping", 4, NULL));
    got = chardev_test_recv_exact(peer, 4);
    g_assert_cmpstr(got, ==, "ping");
    chardev_test_send_all(peer, "pong");
    PUMP_UNTIL(fe.in->len == 4);
    g_assert_cmpmem(fe.in->data, 4, "pong", 4);

    /* without reconnect= the client stays disconnected */
    close(peer);
    PUMP_UNTIL(fe.closed == 1);
    g_clear_pointer(&name, g_free);
    name = chardev_get_filename(chr);
    g_clear_pointer(&expect, g_free);
    expect = g_strdup_printf("disconnected:unix:%s", path);
    g_assert_cmpstr(name, ==, expect);

    chardev_test_fe_detach(&fe);
    chardev_remove_all();
    /* a client never unlinks the path it connected to */
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    close(lfd);
    g_unlink(path);
}

static void test_socket_reconnect(void)
{
    g_autofree char *path = chardev_test_tmp_path("recon.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=r0,path=%s,reconnect=1", path);
    Chardev *chr = chardev_test_new(spec);
    g_autofree char *got = NULL;
    TestFe fe;
    int lfd, peer;

    g_assert_false(chardev_is_connected(chr));
    chardev_test_fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 0);
    lfd = chardev_test_unix_listen(path);
    PUMP_UNTIL(fe.opened == 1);
    peer = accept(lfd, NULL, NULL);
    g_assert_cmpint(peer, >=, 0);
    close(peer);
    PUMP_UNTIL(fe.closed == 1);
    g_assert_false(chardev_is_connected(chr));
    PUMP_UNTIL(fe.opened == 2);
    peer = accept(lfd, NULL, NULL);
    g_assert_cmpint(peer, >=, 0);
    g_assert_true(chardev_write_all(chr, "again", 5, NULL));
    got = chardev_test_recv_exact(peer, 5);
    g_assert_cmpstr(got, ==, "again");
    close(peer);
    close(lfd);
    chardev_test_fe_detach(&fe);
    chardev_remove_all();
    g_unlink(path);
}

static void test_socket_fd_passing(void)
{
    g_autofree char *path = chardev_test_tmp_path("fd.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=f0,path=%s,server=on,wait=off", path);
    Chardev *chr = chardev_test_new(spec);
    char cbuf[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec iov = {.iov_base = (void *)"x", .iov_len = 1};
    struct msghdr msg = {0};
    struct cmsghdr *cmsg;
    char back[4] = {0};
    int pipefd[2];
    TestFe fe;
    int fd, taken;

    g_assert_cmpint(chardev_take_fd(chr), ==, -1);
    chardev_test_fe_attach(&fe, chr);
    fd = chardev_test_unix_connect(path);
    PUMP_UNTIL(fe.opened == 1);

    g_assert_true(g_unix_open_pipe(pipefd, FD_CLOEXEC, NULL));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof(cbuf);
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &pipefd[1], sizeof(int));
    g_assert_cmpint(sendmsg(fd, &msg, 0), ==, 1);
    close(pipefd[1]);

    PUMP_UNTIL(fe.in->len == 1);
    taken = chardev_take_fd(chr);
    g_assert_cmpint(taken, >=, 0);
    g_assert_cmpint(chardev_take_fd(chr), ==, -1);
    /* the received fd is the pipe's write end, and close-on-exec */
    g_assert_cmpint(fcntl(taken, F_GETFD) & FD_CLOEXEC, !=, 0);
    g_assert_cmpint(write(taken, "abc", 3), ==, 3);
    g_assert_cmpint(read(pipefd[0], back, 3), ==, 3);
    g_assert_cmpstr(back, ==, "abc");
    close(taken);
    close(pipefd[0]);
    close(fd);
    PUMP_UNTIL(fe.closed == 1);
    chardev_test_fe_detach(&fe);
    chardev_remove_all();
}

#define BIG_WRITE (8 * 1024 * 1024)

static void test_socket_slow_reader(void)
{
    g_autofree char *path = chardev_test_tmp_path("slow.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=w0,path=%s,server=on,wait=off", path);
    Chardev *chr = chardev_test_new(spec);
    g_autofree guint8 *pattern = g_malloc(BIG_WRITE);
    g_autofree guint8 *got = g_malloc(BIG_WRITE);
    gsize have = 0;
    TestFe fe;
    int fd;

    for (gsize i = 0; i < BIG_WRITE; i++) {
        pattern[i] = (guint8)(i * 7 + (i >> 13));
    }
    chardev_test_fe_attach(&fe, chr);
    fd = chardev_test_unix_connect(path);
    PUMP_UNTIL(fe.opened == 1);
    for (gsize off = 0; off < BIG_WRITE; off += 65536) {
        g_assert_true(chardev_write_all(chr, pattern + off, 65536, NULL));
    }
    g_assert_true(chardev_has_pending_output(chr));
    g_assert_true(g_unix_set_fd_nonblocking(fd, TRUE, NULL));
    /* read in small slices, letting the main loop run in between */
    while (have < BIG_WRITE) {
        gint64 deadline = g_get_monotonic_time() + PUMP_TIMEOUT_US;
        gssize n = recv(fd, got + have, MIN(16384, BIG_WRITE - have), 0);

        if (n > 0) {
            have += n;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_main_context_iteration(NULL, FALSE);
    }
    g_assert_true(memcmp(got, pattern, BIG_WRITE) == 0);
    PUMP_UNTIL(!chardev_has_pending_output(chr));
    close(fd);
    PUMP_UNTIL(fe.closed == 1);
    chardev_test_fe_detach(&fe);
    chardev_remove_all();
}

/*
 * A peer that never reads is dropped once its backlog passes the hard
 * limit, and the memory goes with it; a frontend that keeps writing
 * (events, guest output) cannot make qmpd grow without bound.
 */
static void test_socket_backlog_limit(void)
{
    g_autofree char *path = chardev_test_tmp_path("deaf.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=d0,path=%s,server=on,wait=off", path);
    Chardev *chr = chardev_test_new(spec);
    g_autofree guint8 *chunk = g_malloc0(1024 * 1024);
    gsize written = 0;
    TestFe fe;
    int fd;

    chardev_test_fe_attach(&fe, chr);
    fd = chardev_test_unix_connect(path);
    PUMP_UNTIL(fe.opened == 1);
    while (chardev_is_connected(chr) && fe.closed == 0 &&
           written <= (gsize)CHARDEV_OUTPUT_HARD_LIMIT + 2 * 1024 * 1024) {
        g_assert_true(chardev_write_all(chr, chunk, 1024 * 1024, NULL));
        written += 1024 * 1024;
        g_assert_cmpuint(chardev_output_pending(chr), <=,
                         CHARDEV_OUTPUT_HARD_LIMIT);
        g_main_context_iteration(NULL, FALSE);
    }
    PUMP_UNTIL(fe.closed == 1);
    g_assert_false(chardev_has_pending_output(chr));
    g_assert_cmpuint(written, >, CHARDEV_OUTPUT_HARD_LIMIT);
    close(fd);
    chardev_test_fe_detach(&fe);
    chardev_remove_all();
}

static void test_socket_peer_vanishes(void)
{
    g_autofree char *path = chardev_test_tmp_path("vanish.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=v0,path=%s,server=on,wait=off", path);
    Chardev *chr = chardev_test_new(spec);
    g_autofree guint8 *junk = g_malloc0(1024 * 1024);
    g_autofree char *got = NULL;
    TestFe fe;
    int fd;

    chardev_test_fe_attach(&fe, chr);
    fd = chardev_test_unix_connect(path);
    PUMP_UNTIL(fe.opened == 1);
    for (int i = 0; i < 4; i++) {
        g_assert_true(chardev_write_all(chr, junk, 1024 * 1024, NULL));
    }
    g_assert_true(chardev_has_pending_output(chr));
    close(fd);
    PUMP_UNTIL(fe.closed == 1);
    g_assert_false(chardev_is_connected(chr));
    g_assert_false(chardev_has_pending_output(chr));
    /* writes without a peer are discarded, not errors */
    g_assert_true(chardev_write_all(chr, junk, 1024, NULL));
    g_assert_false(chardev_has_pending_output(chr));

    /* the server listens again */
    fd = chardev_test_unix_connect(path);
    PUMP_UNTIL(fe.opened == 2);
    g_assert_true(chardev_write_all(chr, "ok", 2, NULL));
    got = chardev_test_recv_exact(fd, 2);
    g_assert_cmpstr(got, ==, "ok");
    close(fd);
    PUMP_UNTIL(fe.closed == 2);
    chardev_test_fe_detach(&fe);
    chardev_remove_all();
}

static void test_socket_unlink(void)
{
    g_autofree char *path = chardev_test_tmp_path("unlink.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=u0,path=%s,server=on,wait=off", path);
    g_autofree char *expect = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevOptions) o = NULL;
    int stale;

    /* a stale socket file from an earlier run does not block bind */
    stale = chardev_test_unix_listen(path);
    close(stale);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    chardev_test_new(spec);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_true(chardev_remove("u0", NULL));
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

    chardev_test_new(spec);
    chardev_remove_all();
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

    /* a regular file in the way is not removed */
    g_assert_true(g_file_set_contents(path, "keep", -1, NULL));
    o = chardev_options_parse(spec, NULL);
    g_assert_null(chardev_new(o, &err));
    expect = g_strdup_printf("Failed to bind socket to %s: Address already in "
                             "use",
                             path);
    g_assert_cmpstr(err->message, ==, expect);
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    g_assert_null(chardev_find("u0"));
    g_unlink(path);
}

static void test_socket_bind_errors(void)
{
    g_autofree char *spec =
        g_strdup_printf("socket,id=b0,path=%s/nodir/x.sock,server=on,wait=off",
                        chardev_test_tmpdir());
    g_autofree char *expect = g_strdup_printf(
        "Failed to bind socket to %s/nodir/x.sock: No such file or directory",
        chardev_test_tmpdir());
    g_autofree char *longpath = g_strnfill(200, 'p');
    g_autofree char *spec2 =
        g_strdup_printf("socket,id=b1,path=%s,server=on,wait=off", longpath);
    g_autofree char *expect2 =
        g_strdup_printf("UNIX socket path '%s' is too long", longpath);
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevOptions) o = chardev_options_parse(spec, NULL);
    g_autoptr(ChardevOptions) o2 = chardev_options_parse(spec2, NULL);

    g_assert_null(chardev_new(o, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, expect);
    g_clear_error(&err);
    g_assert_null(chardev_new(o2, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, expect2);
    g_assert_cmpuint(chardev_test_count(), ==, 0);
}

static void test_socket_tcp(void)
{
    Chardev *chr = chardev_test_new(
        "socket,id=t0,host=127.0.0.1,port=0,server=on,wait=off");
    g_autofree char *name = chardev_get_filename(chr);
    g_autofree char *expect = NULL;
    g_autofree char *got = NULL;
    struct sockaddr_in sin = {0};
    socklen_t len = sizeof(sin);
    unsigned port;
    TestFe fe;
    int fd;

    g_assert_true(g_str_has_prefix(name, "disconnected:tcp:127.0.0.1:"));
    g_assert_true(g_str_has_suffix(name, ",server=on"));
    port = atoi(name + strlen("disconnected:tcp:127.0.0.1:"));
    g_assert_cmpuint(port, >, 0);

    chardev_test_fe_attach(&fe, chr);
    fe.echo = true;
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sin.sin_family = AF_INET;
    sin.sin_port = g_htons(port);
    sin.sin_addr.s_addr = g_htonl(INADDR_LOOPBACK);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), ==, 0);
    PUMP_UNTIL(fe.opened == 1);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sin, &len), ==, 0);
    g_clear_pointer(&name, g_free);
    name = chardev_get_filename(chr);
    expect = g_strdup_printf("tcp:127.0.0.1:%u,server=on <-> 127.0.0.1:%u",
                             port, g_ntohs(sin.sin_port));
    g_assert_cmpstr(name, ==, expect);
    chardev_test_send_all(fd, "tcp!");
    got = chardev_test_recv_exact(fd, 4);
    g_assert_cmpstr(got, ==, "tcp!");
    close(fd);
    PUMP_UNTIL(fe.closed == 1);
    chardev_test_fe_detach(&fe);
    chardev_remove_all();
}

static gpointer late_connect_thread(gpointer opaque)
{
    g_usleep(100 * 1000);
    return GINT_TO_POINTER(chardev_test_unix_connect(opaque));
}

static void test_socket_server_wait(void)
{
    g_autofree char *path = chardev_test_tmp_path("wait.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=wt,path=%s,server=on", path);
    GThread *th;
    Chardev *chr;
    int fd;

    th = g_thread_new("connect", late_connect_thread, path);
    chr = chardev_test_new(spec);
    /* chardev_new returned only once the peer was there */
    g_assert_true(chardev_is_connected(chr));
    fd = GPOINTER_TO_INT(g_thread_join(th));
    close(fd);
    chardev_remove_all();
}

/* ---- input flow control ---- */

static void test_flow_control(void)
{
    g_autofree char *path = chardev_test_tmp_path("flow.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=fc,path=%s,server=on,wait=off", path);
    Chardev *chr = chardev_test_new(spec);
    TestFe fe;
    int fd;

    chardev_test_fe_attach(&fe, chr);
    fe.allow = 0;
    fd = chardev_test_unix_connect(path);
    PUMP_UNTIL(fe.opened == 1);
    chardev_test_send_all(fd, "0123456789");
    for (int i = 0; i < 50; i++) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
    g_assert_cmpuint(fe.in->len, ==, 0);
    fe.allow = 3;
    chardev_accept_input(chr);
    PUMP_UNTIL(fe.in->len == 10);
    g_assert_cmpmem(fe.in->data, fe.in->len, "0123456789", 10);
    close(fd);
    PUMP_UNTIL(fe.closed == 1);
    chardev_test_fe_detach(&fe);
    chardev_remove_all();
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    chardev_test_make_tmpdir();

    g_test_add_func("/chardev/socket/unix-server-echo",
                    test_socket_unix_server_echo);
    g_test_add_func("/chardev/socket/next-peer", test_socket_next_peer);
    g_test_add_func("/chardev/socket/unix-client", test_socket_unix_client);
    g_test_add_func("/chardev/socket/reconnect", test_socket_reconnect);
    g_test_add_func("/chardev/socket/fd-passing", test_socket_fd_passing);
    g_test_add_func("/chardev/socket/slow-reader", test_socket_slow_reader);
    g_test_add_func("/chardev/socket/backlog-limit", test_socket_backlog_limit);
    g_test_add_func("/chardev/socket/peer-vanishes", test_socket_peer_vanishes);
    g_test_add_func("/chardev/socket/unlink", test_socket_unlink);
    g_test_add_func("/chardev/socket/bind-errors", test_socket_bind_errors);
    g_test_add_func("/chardev/socket/tcp", test_socket_tcp);
    g_test_add_func("/chardev/socket/server-wait", test_socket_server_wait);
    g_test_add_func("/chardev/socket/flow-control", test_flow_control);

    ret = g_test_run();
    chardev_test_remove_tmpdir();
    return ret;
}
