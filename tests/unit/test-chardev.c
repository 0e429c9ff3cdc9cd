/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the chardev layer: option parsing, the registry, and the
 * socket, file and ringbuf backends driven over real sockets and files.
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "chardev/char.h"
#include "util/error.h"

/* How long a test waits for a socket event before failing. */
#define PUMP_TIMEOUT_US (10 * G_USEC_PER_SEC)

#define PUMP_UNTIL(cond)                                             \
    do {                                                             \
        gint64 deadline_ = g_get_monotonic_time() + PUMP_TIMEOUT_US; \
        while (!(cond)) {                                            \
            g_assert_cmpint(g_get_monotonic_time(), <, deadline_);   \
            if (!g_main_context_iteration(NULL, FALSE)) {            \
                g_usleep(1000);                                      \
            }                                                        \
        }                                                            \
    } while (0)

static char *tmpdir;

typedef struct TestFe {
    Chardev *chr;
    GByteArray *in;
    int opened;
    int closed;
    gsize allow;
    bool echo;
} TestFe;

static gsize fe_can_read(void *opaque)
{
    TestFe *fe = opaque;

    return fe->allow;
}

static void fe_read(void *opaque, const guint8 *buf, gsize len)
{
    TestFe *fe = opaque;

    g_assert_cmpuint(len, <=, fe->allow);
    g_byte_array_append(fe->in, buf, len);
    if (fe->echo) {
        g_assert_true(chardev_write_all(fe->chr, buf, len, NULL));
    }
}

static void fe_event(void *opaque, ChardevEvent event)
{
    TestFe *fe = opaque;

    if (event == CHR_EVENT_OPENED) {
        fe->opened++;
    } else {
        fe->closed++;
    }
}

static const ChardevHandlers fe_handlers = {
    .can_read = fe_can_read,
    .read = fe_read,
    .event = fe_event,
};

static void fe_attach(TestFe *fe, Chardev *chr)
{
    g_autoptr(GError) err = NULL;

    memset(fe, 0, sizeof(*fe));
    fe->chr = chr;
    fe->in = g_byte_array_new();
    fe->allow = 4096;
    g_assert_true(chardev_set_handlers(chr, &fe_handlers, fe, &err));
    g_assert_no_error(err);
}

static void fe_detach(TestFe *fe)
{
    g_assert_true(chardev_set_handlers(fe->chr, NULL, NULL, NULL));
    g_byte_array_unref(fe->in);
}

static Chardev *new_chardev(const char *spec)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevOptions) opts = chardev_options_parse(spec, &err);
    Chardev *chr;

    g_assert_no_error(err);
    chr = chardev_new(opts, &err);
    g_assert_no_error(err);
    g_assert_nonnull(chr);
    return chr;
}

static char *tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static int unix_connect(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    return fd;
}

static int unix_listen(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    return fd;
}

static void send_all(int fd, const char *s)
{
    g_assert_cmpint(send(fd, s, strlen(s), MSG_NOSIGNAL), ==, strlen(s));
}

/* Reads exactly @len bytes from @fd while pumping the main loop. */
static char *recv_exact(int fd, gsize len)
{
    char *buf = g_malloc0(len + 1);
    gsize got = 0;

    g_assert_true(g_unix_set_fd_nonblocking(fd, TRUE, NULL));
    while (got < len) {
        gint64 deadline = g_get_monotonic_time() + PUMP_TIMEOUT_US;
        gssize n;

        n = recv(fd, buf + got, len - got, 0);
        if (n > 0) {
            got += n;
            continue;
        }
        g_assert_cmpint(n, <, 0);
        g_assert_cmpint(errno, ==, EAGAIN);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        if (!g_main_context_iteration(NULL, FALSE)) {
            g_usleep(1000);
        }
    }
    g_assert_true(g_unix_set_fd_nonblocking(fd, FALSE, NULL));
    return buf;
}

static void count_cb(Chardev *chr, void *opaque)
{
    guint *n = opaque;

    (*n)++;
}

static void collect_cb(Chardev *chr, void *opaque)
{
    g_ptr_array_add(opaque, chr);
}

static guint count_chardevs(void)
{
    guint n = 0;

    chardev_foreach(count_cb, &n);
    return n;
}

/* ---- option parsing ---- */

typedef struct ParseOk {
    const char *spec;
    ChardevBackendKind backend;
    const char *path;
    const char *host;
    const char *port;
    bool server;
    bool wait;
    int64_t reconnect;
    uint64_t size;
    bool mux;
} ParseOk;

static const ParseOk parse_ok[] = {
    {"socket,id=m,path=/tmp/q.sock,server=on,wait=off", CHARDEV_BACKEND_SOCKET,
     "/tmp/q.sock", NULL, NULL, true, false, 0, 0, false},
    {"socket,id=m,path=/tmp/q.sock,server=on", CHARDEV_BACKEND_SOCKET,
     "/tmp/q.sock", NULL, NULL, true, true, 0, 0, false},
    {"socket,id=m,path=/tmp/q.sock,server,nowait", CHARDEV_BACKEND_SOCKET,
     "/tmp/q.sock", NULL, NULL, true, false, 0, 0, false},
    {"socket,id=m,path=a,,b", CHARDEV_BACKEND_SOCKET, "a,b", NULL, NULL, false,
     false, 0, 0, false},
    {"socket,id=m,path=s,reconnect=5", CHARDEV_BACKEND_SOCKET, "s", NULL, NULL,
     false, false, 5, 0, false},
    {"socket,id=m,host=127.0.0.1,port=4444,server=yes,wait=no",
     CHARDEV_BACKEND_SOCKET, NULL, "127.0.0.1", "4444", true, false, 0, 0,
     false},
    {"stdio,id=m,signal=off", CHARDEV_BACKEND_STDIO, NULL, NULL, NULL, false,
     false, 0, 0, false},
    {"null,id=m,mux=on", CHARDEV_BACKEND_NULL, NULL, NULL, NULL, false, false,
     0, 0, true},
    {"backend=null,id=m", CHARDEV_BACKEND_NULL, NULL, NULL, NULL, false, false,
     0, 0, false},
    {"ringbuf,id=m", CHARDEV_BACKEND_RINGBUF, NULL, NULL, NULL, false, false, 0,
     65536, false},
    {"ringbuf,id=m,size=4k", CHARDEV_BACKEND_RINGBUF, NULL, NULL, NULL, false,
     false, 0, 4096, false},
    {"ringbuf,id=m,size=0", CHARDEV_BACKEND_RINGBUF, NULL, NULL, NULL, false,
     false, 0, 65536, false},
    {"file,id=m,path=/tmp/out", CHARDEV_BACKEND_FILE, NULL, NULL, NULL, false,
     false, 0, 0, false},
};

static void test_options_parse_ok(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(parse_ok); i++) {
        const ParseOk *t = &parse_ok[i];
        g_autoptr(GError) err = NULL;
        g_autoptr(ChardevOptions) o = chardev_options_parse(t->spec, &err);

        g_test_message("spec: %s", t->spec);
        g_assert_no_error(err);
        g_assert_nonnull(o);
        g_assert_cmpstr(o->id, ==, "m");
        g_assert_cmpint(o->backend, ==, t->backend);
        g_assert_cmpstr(o->path, ==, t->path);
        g_assert_cmpstr(o->host, ==, t->host);
        g_assert_cmpstr(o->port, ==, t->port);
        g_assert_cmpint(o->server, ==, t->server);
        g_assert_cmpint(o->wait, ==, t->wait);
        g_assert_cmpint(o->reconnect, ==, t->reconnect);
        g_assert_cmpuint(o->size, ==, t->size);
        g_assert_cmpint(o->mux, ==, t->mux);
        if (strstr(t->spec, "server,nowait")) {
            g_assert_cmpuint(g_strv_length(o->warnings), ==, 2);
            g_assert_cmpstr(o->warnings[0], ==,
                            "short-form boolean option 'server' deprecated");
            g_assert_cmpstr(o->warnings[1], ==,
                            "short-form boolean option 'nowait' deprecated");
        } else {
            g_assert_null(o->warnings);
        }
        if (t->backend == CHARDEV_BACKEND_FILE) {
            g_assert_cmpstr(o->out_path, ==, "/tmp/out");
            g_assert_false(o->append);
        }
        if (t->backend == CHARDEV_BACKEND_STDIO) {
            g_assert_false(o->signal);
        }
    }
}

typedef struct ParseErr {
    const char *spec;
    const char *msg;
} ParseErr;

static const ParseErr parse_err[] = {
    {"socket,path=/tmp/x", "chardev: no id specified"},
    {"id=a", "chardev: \"a\" missing backend"},
    {"foo,id=a", "'foo' is not a valid char driver name"},
    {"null,id=a,bogus=1", "Invalid parameter 'bogus'"},
    {"null,id=a,path=x", "Invalid parameter 'path'"},
    {"stdio,id=a,size=4", "Invalid parameter 'size'"},
    {"ringbuf,id=a,signal=on", "Invalid parameter 'signal'"},
    {"file,id=a,server=on", "Invalid parameter 'server'"},
    {"socket,id=a,append=on,path=x", "Invalid parameter 'append'"},
    {"null,id=a,mux=maybe", "Parameter 'mux' expects 'on' or 'off'"},
    {"stdio,id=a,signal=x", "Parameter 'signal' expects 'on' or 'off'"},
    {"socket,id=a,path=x,server=2", "Parameter 'server' expects 'on' or 'off'"},
    {"socket,id=a", "chardev: socket: no host given"},
    {"socket,id=a,port=1", "chardev: socket: no host given"},
    {"socket,id=a,host=x", "chardev: socket: no port given"},
    {"socket,id=a,path=s,wait=off",
     "'wait' option is incompatible with socket in client connect mode"},
    {"socket,id=a,path=s,server=on,reconnect=1",
     "'reconnect' option is incompatible with socket in server listen mode"},
    {"socket,id=a,path=s,reconnect=x",
     "Parameter 'reconnect' expects a number"},
    {"socket,id=a,path=s,reconnect=4294967296",
     "Parameter 'reconnect' expects a number of seconds below 2^31"},
    {"file,id=a", "chardev: file: no filename given"},
    {"file,id=a,path=x,append=2", "Parameter 'append' expects 'on' or 'off'"},
    {"null,id=1a", "Parameter 'id' expects an identifier"},
};

static void test_options_parse_errors(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(parse_err); i++) {
        g_autoptr(GError) err = NULL;
        ChardevOptions *o;

        g_test_message("spec: %s", parse_err[i].spec);
        o = chardev_options_parse(parse_err[i].spec, &err);
        g_assert_null(o);
        g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, parse_err[i].msg);
    }
}

typedef struct LegacyCase {
    const char *spec;
    ChardevBackendKind backend;
    const char *path;
    const char *host;
    const char *port;
    bool server;
    bool wait;
    bool mux;
} LegacyCase;

static const LegacyCase legacy_ok[] = {
    {"stdio", CHARDEV_BACKEND_STDIO, NULL, NULL, NULL, false, false, false},
    {"null", CHARDEV_BACKEND_NULL, NULL, NULL, NULL, false, false, false},
    {"mon:stdio", CHARDEV_BACKEND_STDIO, NULL, NULL, NULL, false, false, true},
    {"unix:/tmp/q.sock", CHARDEV_BACKEND_SOCKET, "/tmp/q.sock", NULL, NULL,
     false, false, false},
    {"unix:/tmp/q.sock,server=on,wait=off", CHARDEV_BACKEND_SOCKET,
     "/tmp/q.sock", NULL, NULL, true, false, false},
    {"unix:/tmp/q.sock,server,nowait", CHARDEV_BACKEND_SOCKET, "/tmp/q.sock",
     NULL, NULL, true, false, false},
    {"tcp:localhost:4444", CHARDEV_BACKEND_SOCKET, NULL, "localhost", "4444",
     false, false, false},
    {"tcp::4444,server=on,wait=off", CHARDEV_BACKEND_SOCKET, NULL, "", "4444",
     true, false, false},
    {"tcp:127.0.0.1:5555,server", CHARDEV_BACKEND_SOCKET, NULL, "127.0.0.1",
     "5555", true, true, false},
    {"file:/tmp/a,b", CHARDEV_BACKEND_FILE, NULL, NULL, NULL, false, false,
     false},
};

static void test_options_legacy(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(legacy_ok); i++) {
        const LegacyCase *t = &legacy_ok[i];
        g_autoptr(GError) err = NULL;
        g_autofree char *existing = NULL;
        g_autoptr(ChardevOptions) o =
            chardev_options_from_legacy(t->spec, "serial0", &existing, &err);

        g_test_message("spec: %s", t->spec);
        g_assert_no_error(err);
        g_assert_nonnull(o);
        g_assert_null(existing);
        g_assert_cmpstr(o->id, ==, "serial0");
        g_assert_cmpint(o->backend, ==, t->backend);
        g_assert_cmpstr(o->path, ==, t->path);
        g_assert_cmpstr(o->host, ==, t->host);
        g_assert_cmpstr(o->port, ==, t->port);
        g_assert_cmpint(o->server, ==, t->server);
        g_assert_cmpint(o->wait, ==, t->wait);
        g_assert_cmpint(o->mux, ==, t->mux);
        if (t->backend == CHARDEV_BACKEND_FILE) {
            g_assert_cmpstr(o->out_path, ==, "/tmp/a,b");
        }
    }
}

static void test_options_legacy_special(void)
{
    static const ParseErr bad[] = {
        {"bogus:x", "'bogus:x' is not a valid char driver"},
        {"tcp:nohost", "'tcp:nohost' is not a valid char driver"},
        {"tcp:host:", "'tcp:host:' is not a valid char driver"},
        {"pty", "'pty' is not a valid char driver"},
        {"", "'' is not a valid char driver"},
        {"unix:/p,foo=1", "Invalid parameter 'foo'"},
        {"unix:/p,wait=off", "'wait' option is incompatible with socket in "
                             "client connect mode"},
    };
    g_autoptr(GError) err = NULL;
    char *existing = NULL;
    ChardevOptions *o;

    o = chardev_options_from_legacy("none", "serial0", &existing, &err);
    g_assert_null(o);
    g_assert_no_error(err);
    g_assert_null(existing);

    o = chardev_options_from_legacy("chardev:mon0", "serial0", &existing, &err);
    g_assert_null(o);
    g_assert_no_error(err);
    g_assert_cmpstr(existing, ==, "mon0");
    g_free(existing);

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        existing = NULL;
        g_test_message("spec: %s", bad[i].spec);
        o = chardev_options_from_legacy(bad[i].spec, "serial0", &existing,
                                        &err);
        g_assert_null(o);
        g_assert_null(existing);
        g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, bad[i].msg);
        g_clear_error(&err);
    }
}

/* ---- registry ---- */

static void test_registry_duplicate(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevOptions) o = chardev_options_parse("ringbuf,id=dup", NULL);
    Chardev *a = chardev_new(o, &err);
    Chardev *b;

    g_assert_no_error(err);
    g_assert_true(chardev_find("dup") == a);
    g_assert_cmpuint(count_chardevs(), ==, 1);
    b = chardev_new(o, &err);
    g_assert_null(b);
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "Duplicate ID 'dup' for chardev");
    g_assert_true(chardev_find("dup") == a);
    g_assert_cmpuint(count_chardevs(), ==, 1);
    g_assert_cmpstr(chardev_get_id(a), ==, "dup");
    chardev_remove_all();
    g_assert_null(chardev_find("dup"));
    g_assert_cmpuint(count_chardevs(), ==, 0);
}

static void test_registry_remove(void)
{
    g_autoptr(GError) err = NULL;
    Chardev *chr = new_chardev("null,id=n0");
    TestFe fe;

    g_assert_false(chardev_remove("nope", &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "Chardev 'nope' not found");
    g_clear_error(&err);

    fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 1);
    g_assert_false(chardev_remove("n0", &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "Chardev 'n0' is busy");
    g_clear_error(&err);
    g_assert_true(chardev_find("n0") == chr);

    /* a second frontend is refused and the first keeps the handlers */
    g_assert_false(chardev_set_handlers(chr, &fe_handlers, NULL, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "chardev 'n0' is busy");
    g_assert_true(chardev_has_frontend(chr));

    fe_detach(&fe);
    g_assert_false(chardev_has_frontend(chr));
    g_assert_true(chardev_write_all(chr, "x", 1, NULL));
    g_assert_true(chardev_remove("n0", NULL));
    g_assert_null(chardev_find("n0"));
}

static void test_registry_foreach_order(void)
{
    static const char *const ids[] = {"c", "a", "b"};
    GPtrArray *seen = g_ptr_array_new();

    for (gsize i = 0; i < G_N_ELEMENTS(ids); i++) {
        g_autofree char *spec = g_strdup_printf("null,id=%s", ids[i]);

        new_chardev(spec);
    }
    chardev_foreach(collect_cb, seen);
    g_assert_cmpuint(seen->len, ==, 3);
    for (gsize i = 0; i < G_N_ELEMENTS(ids); i++) {
        g_assert_cmpstr(chardev_get_id(g_ptr_array_index(seen, i)), ==, ids[i]);
    }
    g_ptr_array_unref(seen);
    chardev_remove_all();
}

/* ---- socket backend ---- */

static void test_socket_unix_server_echo(void)
{
    g_autofree char *path = tmp_path("echo.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=s0,path=%s,server=on,wait=off", path);
    g_autofree char *disc =
        g_strdup_printf("disconnected:unix:%s,server=on", path);
    g_autofree char *conn = g_strdup_printf("unix:%s,server=on", path);
    g_autofree char *name = NULL;
    g_autofree char *reply = NULL;
    Chardev *chr = new_chardev(spec);
    TestFe fe;
    int fd;

    fe_attach(&fe, chr);
    fe.echo = true;
    g_assert_cmpint(fe.opened, ==, 0);
    g_assert_false(chardev_is_connected(chr));
    name = chardev_get_filename(chr);
    g_assert_cmpstr(name, ==, disc);
    g_clear_pointer(&name, g_free);

    fd = unix_connect(path);
    PUMP_UNTIL(fe.opened == 1);
    g_assert_true(chardev_is_connected(chr));
    name = chardev_get_filename(chr);
    g_assert_cmpstr(name, ==, conn);
    g_clear_pointer(&name, g_free);

    send_all(fd, "hello");
    reply = recv_exact(fd, 5);
    g_assert_cmpstr(reply, ==, "hello");
    g_assert_cmpmem(fe.in->data, fe.in->len, "hello", 5);

    close(fd);
    PUMP_UNTIL(fe.closed == 1);
    g_assert_false(chardev_is_connected(chr));
    name = chardev_get_filename(chr);
    g_assert_cmpstr(name, ==, disc);

    fe_detach(&fe);
    chardev_remove_all();
}

static void test_socket_next_peer(void)
{
    g_autofree char *path = tmp_path("next.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=s1,path=%s,server=on,wait=off", path);
    Chardev *chr = new_chardev(spec);
    TestFe fe;
    int a, b;

    fe_attach(&fe, chr);
    a = unix_connect(path);
    PUMP_UNTIL(fe.opened == 1);
    /* b completes its connect in the backlog but is not served yet */
    b = unix_connect(path);
    send_all(b, "from-b");
    send_all(a, "from-a");
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
    fe_detach(&fe);
    chardev_remove_all();
}

static void test_socket_unix_client(void)
{
    g_autofree char *path = tmp_path("client.sock");
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

    lfd = unix_listen(path);
    chr = chardev_new(o, &err);
    g_assert_no_error(err);
    g_assert_true(chardev_is_connected(chr));
    peer = accept(lfd, NULL, NULL);
    g_assert_cmpint(peer, >=, 0);
    name = chardev_get_filename(chr);
    g_assert_cmpstr(name, ==, "unix:");

    fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 1);
    g_assert_true(chardev_write_all(chr, "ping", 4, NULL));
    got = recv_exact(peer, 4);
    g_assert_cmpstr(got, ==, "ping");
    send_all(peer, "pong");
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

    fe_detach(&fe);
    chardev_remove_all();
    /* a client never unlinks the path it connected to */
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    close(lfd);
    g_unlink(path);
}

static void test_socket_reconnect(void)
{
    g_autofree char *path = tmp_path("recon.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=r0,path=%s,reconnect=1", path);
    Chardev *chr = new_chardev(spec);
    g_autofree char *got = NULL;
    TestFe fe;
    int lfd, peer;

    g_assert_false(chardev_is_connected(chr));
    fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 0);
    lfd = unix_listen(path);
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
    got = recv_exact(peer, 5);
    g_assert_cmpstr(got, ==, "again");
    close(peer);
    close(lfd);
    fe_detach(&fe);
    chardev_remove_all();
    g_unlink(path);
}

static void test_socket_fd_passing(void)
{
    g_autofree char *path = tmp_path("fd.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=f0,path=%s,server=on,wait=off", path);
    Chardev *chr = new_chardev(spec);
    char cbuf[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec iov = {.iov_base = (void *)"x", .iov_len = 1};
    struct msghdr msg = {0};
    struct cmsghdr *cmsg;
    char back[4] = {0};
    int pipefd[2];
    TestFe fe;
    int fd, taken;

    g_assert_cmpint(chardev_take_fd(chr), ==, -1);
    fe_attach(&fe, chr);
    fd = unix_connect(path);
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
    fe_detach(&fe);
    chardev_remove_all();
}

#define BIG_WRITE (8 * 1024 * 1024)

static void test_socket_slow_reader(void)
{
    g_autofree char *path = tmp_path("slow.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=w0,path=%s,server=on,wait=off", path);
    Chardev *chr = new_chardev(spec);
    g_autofree guint8 *pattern = g_malloc(BIG_WRITE);
    g_autofree guint8 *got = g_malloc(BIG_WRITE);
    gsize have = 0;
    TestFe fe;
    int fd;

    for (gsize i = 0; i < BIG_WRITE; i++) {
        pattern[i] = (guint8)(i * 7 + (i >> 13));
    }
    fe_attach(&fe, chr);
    fd = unix_connect(path);
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
    fe_detach(&fe);
    chardev_remove_all();
}

static void test_socket_peer_vanishes(void)
{
    g_autofree char *path = tmp_path("vanish.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=v0,path=%s,server=on,wait=off", path);
    Chardev *chr = new_chardev(spec);
    g_autofree guint8 *junk = g_malloc0(1024 * 1024);
    g_autofree char *got = NULL;
    TestFe fe;
    int fd;

    fe_attach(&fe, chr);
    fd = unix_connect(path);
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
    fd = unix_connect(path);
    PUMP_UNTIL(fe.opened == 2);
    g_assert_true(chardev_write_all(chr, "ok", 2, NULL));
    got = recv_exact(fd, 2);
    g_assert_cmpstr(got, ==, "ok");
    close(fd);
    PUMP_UNTIL(fe.closed == 2);
    fe_detach(&fe);
    chardev_remove_all();
}

static void test_socket_unlink(void)
{
    g_autofree char *path = tmp_path("unlink.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=u0,path=%s,server=on,wait=off", path);
    g_autofree char *expect = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevOptions) o = NULL;
    int stale;

    /* a stale socket file from an earlier run does not block bind */
    stale = unix_listen(path);
    close(stale);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    new_chardev(spec);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_true(chardev_remove("u0", NULL));
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

    new_chardev(spec);
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
    g_autofree char *spec = g_strdup_printf(
        "socket,id=b0,path=%s/nodir/x.sock,server=on,wait=off", tmpdir);
    g_autofree char *expect = g_strdup_printf(
        "Failed to bind socket to %s/nodir/x.sock: No such file or directory",
        tmpdir);
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
    g_assert_cmpuint(count_chardevs(), ==, 0);
}

static void test_socket_tcp(void)
{
    Chardev *chr =
        new_chardev("socket,id=t0,host=127.0.0.1,port=0,server=on,wait=off");
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

    fe_attach(&fe, chr);
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
    send_all(fd, "tcp!");
    got = recv_exact(fd, 4);
    g_assert_cmpstr(got, ==, "tcp!");
    close(fd);
    PUMP_UNTIL(fe.closed == 1);
    fe_detach(&fe);
    chardev_remove_all();
}

static gpointer late_connect_thread(gpointer opaque)
{
    g_usleep(100 * 1000);
    return GINT_TO_POINTER(unix_connect(opaque));
}

static void test_socket_server_wait(void)
{
    g_autofree char *path = tmp_path("wait.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=wt,path=%s,server=on", path);
    GThread *th;
    Chardev *chr;
    int fd;

    th = g_thread_new("connect", late_connect_thread, path);
    chr = new_chardev(spec);
    /* chardev_new returned only once the peer was there */
    g_assert_true(chardev_is_connected(chr));
    fd = GPOINTER_TO_INT(g_thread_join(th));
    close(fd);
    chardev_remove_all();
}

/* ---- input flow control ---- */

static void test_flow_control(void)
{
    g_autofree char *path = tmp_path("flow.sock");
    g_autofree char *spec =
        g_strdup_printf("socket,id=fc,path=%s,server=on,wait=off", path);
    Chardev *chr = new_chardev(spec);
    TestFe fe;
    int fd;

    fe_attach(&fe, chr);
    fe.allow = 0;
    fd = unix_connect(path);
    PUMP_UNTIL(fe.opened == 1);
    send_all(fd, "0123456789");
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
    fe_detach(&fe);
    chardev_remove_all();
}

/* ---- stream backends ---- */

static void test_ringbuf(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevOptions) bad =
        chardev_options_parse("ringbuf,id=rb,size=1000", NULL);
    g_autoptr(ChardevOptions) huge =
        chardev_options_parse("ringbuf,id=rb,size=2G", NULL);
    Chardev *chr;
    g_autofree char *name = NULL;
    GBytes *b;
    Chardev *other;

    g_assert_null(chardev_new(bad, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "size of ringbuf chardev must be power of two");
    g_clear_error(&err);
    g_assert_null(chardev_new(huge, &err));
    g_assert_cmpstr(err->message, ==,
                    "size of ringbuf chardev must not exceed 1073741824");
    g_clear_error(&err);
    g_assert_null(chardev_find("rb"));

    chr = new_chardev("ringbuf,id=rb,size=16");
    name = chardev_get_filename(chr);
    g_assert_cmpstr(name, ==, "ringbuf");
    g_assert_true(chardev_write_all(chr, "abcdefghijklmnopqrst", 20, NULL));
    b = chardev_ringbuf_read(chr, 4, &err);
    g_assert_no_error(err);
    g_assert_cmpmem(g_bytes_get_data(b, NULL), g_bytes_get_size(b), "efgh", 4);
    g_bytes_unref(b);
    g_assert_true(chardev_write_all(chr, "XY", 2, NULL));
    b = chardev_ringbuf_read(chr, 100, &err);
    g_assert_cmpmem(g_bytes_get_data(b, NULL), g_bytes_get_size(b),
                    "ijklmnopqrstXY", 14);
    g_bytes_unref(b);
    b = chardev_ringbuf_read(chr, 100, &err);
    g_assert_cmpuint(g_bytes_get_size(b), ==, 0);
    g_bytes_unref(b);

    other = new_chardev("null,id=nb");
    g_assert_null(chardev_ringbuf_read(other, 4, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "nb is not a ringbuf device");
    chardev_remove_all();
}

static char *read_file(const char *path)
{
    char *data = NULL;

    g_assert_true(g_file_get_contents(path, &data, NULL, NULL));
    return data;
}

static void test_file_output(void)
{
    g_autofree char *path = tmp_path("out.txt");
    g_autofree char *spec = g_strdup_printf("file,id=fo,path=%s", path);
    g_autofree char *spec_app =
        g_strdup_printf("file,id=fo,path=%s,append=on", path);
    g_autofree char *bad =
        g_strdup_printf("file,id=fx,path=%s/nodir/out", tmpdir);
    g_autofree char *expect = g_strdup_printf(
        "Could not open '%s/nodir/out': No such file or directory", tmpdir);
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevOptions) o = chardev_options_parse(bad, NULL);
    g_autofree char *data = NULL;
    g_autofree char *name = NULL;
    Chardev *chr;
    TestFe fe;

    g_assert_true(g_file_set_contents(path, "old", -1, NULL));
    chr = new_chardev(spec);
    name = chardev_get_filename(chr);
    g_assert_cmpstr(name, ==, "file");
    g_assert_true(chardev_is_connected(chr));
    fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 1);
    g_assert_true(chardev_write_all(chr, "one\n", 4, NULL));
    fe_detach(&fe);
    chardev_remove_all();
    data = read_file(path);
    g_assert_cmpstr(data, ==, "one\n");
    g_clear_pointer(&data, g_free);

    chr = new_chardev(spec_app);
    g_assert_true(chardev_write_all(chr, "two\n", 4, NULL));
    chardev_remove_all();
    data = read_file(path);
    g_assert_cmpstr(data, ==, "one\ntwo\n");

    g_assert_null(chardev_new(o, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, expect);
    g_assert_null(chardev_find("fx"));
}

static void test_stdio_single(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevOptions) o = chardev_options_parse("stdio,id=io1", NULL);
    g_autofree char *name = NULL;
    Chardev *chr = new_chardev("stdio,id=io0");
    int flags = fcntl(STDOUT_FILENO, F_GETFL);

    name = chardev_get_filename(chr);
    g_assert_cmpstr(name, ==, "stdio");
    g_assert_null(chardev_new(o, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "cannot use stdio by multiple character devices");
    g_assert_null(chardev_find("io1"));
    g_assert_cmpint(flags & O_NONBLOCK, !=, 0);
    chardev_remove_all();
}

int main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("test-chardev-XXXXXX", &err);
    g_assert_no_error(err);

    g_test_add_func("/chardev/options/parse", test_options_parse_ok);
    g_test_add_func("/chardev/options/parse-errors", test_options_parse_errors);
    g_test_add_func("/chardev/options/legacy", test_options_legacy);
    g_test_add_func("/chardev/options/legacy-special",
                    test_options_legacy_special);
    g_test_add_func("/chardev/registry/duplicate-id", test_registry_duplicate);
    g_test_add_func("/chardev/registry/remove", test_registry_remove);
    g_test_add_func("/chardev/registry/foreach-order",
                    test_registry_foreach_order);
    g_test_add_func("/chardev/socket/unix-server-echo",
                    test_socket_unix_server_echo);
    g_test_add_func("/chardev/socket/next-peer", test_socket_next_peer);
    g_test_add_func("/chardev/socket/unix-client", test_socket_unix_client);
    g_test_add_func("/chardev/socket/reconnect", test_socket_reconnect);
    g_test_add_func("/chardev/socket/fd-passing", test_socket_fd_passing);
    g_test_add_func("/chardev/socket/slow-reader", test_socket_slow_reader);
    g_test_add_func("/chardev/socket/peer-vanishes", test_socket_peer_vanishes);
    g_test_add_func("/chardev/socket/unlink", test_socket_unlink);
    g_test_add_func("/chardev/socket/bind-errors", test_socket_bind_errors);
    g_test_add_func("/chardev/socket/tcp", test_socket_tcp);
    g_test_add_func("/chardev/socket/server-wait", test_socket_server_wait);
    g_test_add_func("/chardev/socket/flow-control", test_flow_control);
    g_test_add_func("/chardev/ringbuf/wraparound", test_ringbuf);
    g_test_add_func("/chardev/file/output", test_file_output);
    g_test_add_func("/chardev/stdio/single", test_stdio_single);

    ret = g_test_run();
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
