/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the chardev layer: option parsing (including the legacy
 * -serial style specs), the registry, and the ringbuf, file and stdio
 * backends.  The socket backend has its own program, test-chardev-socket.
 */

#include "prelude.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "chardev-testlib.h"
#include "chardev/char.h"
#include "util/error.h"

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
    g_assert_cmpuint(chardev_test_count(), ==, 1);
    b = chardev_new(o, &err);
    g_assert_null(b);
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "Duplicate ID 'dup' for chardev");
    g_assert_true(chardev_find("dup") == a);
    g_assert_cmpuint(chardev_test_count(), ==, 1);
    g_assert_cmpstr(chardev_get_id(a), ==, "dup");
    chardev_remove_all();
    g_assert_null(chardev_find("dup"));
    g_assert_cmpuint(chardev_test_count(), ==, 0);
}

static void test_registry_remove(void)
{
    g_autoptr(GError) err = NULL;
    Chardev *chr = chardev_test_new("null,id=n0");
    TestFe fe;

    g_assert_false(chardev_remove("nope", &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "Chardev 'nope' not found");
    g_clear_error(&err);

    chardev_test_fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 1);
    g_assert_false(chardev_remove("n0", &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "Chardev 'n0' is busy");
    g_clear_error(&err);
    g_assert_true(chardev_find("n0") == chr);

    /* a second frontend is refused and the first keeps the handlers */
    g_assert_false(
        chardev_set_handlers(chr, &chardev_test_fe_handlers, NULL, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "chardev 'n0' is busy");
    g_assert_true(chardev_has_frontend(chr));

    chardev_test_fe_detach(&fe);
    g_assert_false(chardev_has_frontend(chr));
    g_assert_true(chardev_write_all(chr, "x", 1, NULL));
    g_assert_true(chardev_remove("n0", NULL));
    g_assert_null(chardev_find("n0"));
}

static void collect_cb(Chardev *chr, void *opaque)
{
    g_ptr_array_add(opaque, chr);
}

static void test_registry_foreach_order(void)
{
    static const char *const ids[] = {"c", "a", "b"};
    GPtrArray *seen = g_ptr_array_new();

    for (gsize i = 0; i < G_N_ELEMENTS(ids); i++) {
        g_autofree char *spec = g_strdup_printf("null,id=%s", ids[i]);

        chardev_test_new(spec);
    }
    chardev_foreach(collect_cb, seen);
    g_assert_cmpuint(seen->len, ==, 3);
    for (gsize i = 0; i < G_N_ELEMENTS(ids); i++) {
        g_assert_cmpstr(chardev_get_id(g_ptr_array_index(seen, i)), ==, ids[i]);
    }
    g_ptr_array_unref(seen);
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

    chr = chardev_test_new("ringbuf,id=rb,size=16");
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

    other = chardev_test_new("null,id=nb");
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
    g_autofree char *path = chardev_test_tmp_path("out.txt");
    g_autofree char *spec = g_strdup_printf("file,id=fo,path=%s", path);
    g_autofree char *spec_app =
        g_strdup_printf("file,id=fo,path=%s,append=on", path);
    g_autofree char *bad =
        g_strdup_printf("file,id=fx,path=%s/nodir/out", chardev_test_tmpdir());
    g_autofree char *expect = g_strdup_printf(
        "Could not open '%s/nodir/out': No such file or directory",
        chardev_test_tmpdir());
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevOptions) o = chardev_options_parse(bad, NULL);
    g_autofree char *data = NULL;
    g_autofree char *name = NULL;
    Chardev *chr;
    TestFe fe;

    g_assert_true(g_file_set_contents(path, "old", -1, NULL));
    chr = chardev_test_new(spec);
    name = chardev_get_filename(chr);
    g_assert_cmpstr(name, ==, "file");
    g_assert_true(chardev_is_connected(chr));
    chardev_test_fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 1);
    g_assert_true(chardev_write_all(chr, "one\n", 4, NULL));
    chardev_test_fe_detach(&fe);
    chardev_remove_all();
    data = read_file(path);
    g_assert_cmpstr(data, ==, "one\n");
    g_clear_pointer(&data, g_free);

    chr = chardev_test_new(spec_app);
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
    Chardev *chr = chardev_test_new("stdio,id=io0");
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
    int ret;

    g_test_init(&argc, &argv, NULL);
    chardev_test_make_tmpdir();

    g_test_add_func("/chardev/options/parse", test_options_parse_ok);
    g_test_add_func("/chardev/options/parse-errors", test_options_parse_errors);
    g_test_add_func("/chardev/options/legacy", test_options_legacy);
    g_test_add_func("/chardev/options/legacy-special",
                    test_options_legacy_special);
    g_test_add_func("/chardev/registry/duplicate-id", test_registry_duplicate);
    g_test_add_func("/chardev/registry/remove", test_registry_remove);
    g_test_add_func("/chardev/registry/foreach-order",
                    test_registry_foreach_order);
    g_test_add_func("/chardev/ringbuf/wraparound", test_ringbuf);
    g_test_add_func("/chardev/file/output", test_file_output);
    g_test_add_func("/chardev/stdio/single", test_stdio_single);

    ret = g_test_run();
    chardev_test_remove_tmpdir();
    return ret;
}
