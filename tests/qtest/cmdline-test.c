/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's command line from outside: rejected options and their
 * one-line diagnostics, -version and -help, -pidfile, -daemonize, -name
 * and -uuid, that a failed start leaves no files behind, that a
 * second instance never takes or removes a running one's pidfile or
 * listening socket, and the options libvirt's probe and QEMU's Python
 * harness pass (-no-user-config, -nographic, accelerator lists, -vga
 * none, -chardev socket,fd=N).
 */
#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>

#include "libqtest.h"

#define RUN_TIMEOUT_MS 10000

typedef struct RunResult {
    int status; /* wait status */
    char *out;
    char *err;
} RunResult;

static void run_result_clear(RunResult *r)
{
    g_free(r->out);
    g_free(r->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(RunResult, run_result_clear)

typedef struct RunWait {
    bool done;
    GBytes *out;
    GBytes *err;
    GError *error;
} RunWait;

static void communicate_cb(GObject *source, GAsyncResult *res, gpointer data)
{
    RunWait *w = data;

    g_subprocess_communicate_finish(G_SUBPROCESS(source), res, &w->out, &w->err,
                                    &w->error);
    w->done = true;
}

static char *bytes_to_string(GBytes *b)
{
    gsize len = 0;
    const char *data = b ? g_bytes_get_data(b, &len) : NULL;

    return g_strndup(data ? data : "", len);
}

/*
 * Runs $QMPD_BINARY with @args (shell-split, "@D" replaced by @dir) and
 * collects its output.  A daemon still running after RUN_TIMEOUT_MS is
 * killed and fails the test.
 */
static void run_daemon(const char *args, const char *dir, RunResult *ret)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autoptr(GError) err = NULL;
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GCancellable) cancel = g_cancellable_new();
    g_autoptr(GBytes) no_input = g_bytes_new_static("", 0);
    g_auto(GStrv) extra = NULL;
    g_auto(GStrv) argv = NULL;
    g_autofree char *expanded = NULL;
    gint64 deadline = g_get_monotonic_time() + RUN_TIMEOUT_MS * 1000;
    RunWait w = {0};
    bool timed_out = false;

    g_strv_builder_add(b, qtest_binary());
    if (*args) {
        g_auto(GStrv) parts = g_strsplit(args, "@D", -1);

        expanded = g_strjoinv(dir ? dir : "", parts);
        g_assert_true(g_shell_parse_argv(expanded, NULL, &extra, &err));
        g_strv_builder_addv(b, (const char **)extra);
    }
    argv = g_strv_builder_end(b);
    g_test_message("running: %s", expanded ? expanded : "(no arguments)");
    proc = g_subprocess_newv((const char *const *)argv,
                             G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                 G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                 G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &err);
    g_assert_no_error(err);
    g_subprocess_communicate_async(proc, no_input, cancel, communicate_cb, &w);
    while (!w.done) {
        while (g_main_context_iteration(NULL, FALSE)) {
            /* dispatch */
        }
        if (!w.done && !timed_out && g_get_monotonic_time() > deadline) {
            timed_out = true;
            g_subprocess_force_exit(proc);
        }
        if (!w.done) {
            g_usleep(2000);
        }
    }
    g_assert_no_error(w.error);
    g_subprocess_wait(proc, NULL, &err);
    g_assert_no_error(err);
    ret->status = g_subprocess_get_status(proc);
    ret->out = bytes_to_string(w.out);
    ret->err = bytes_to_string(w.err);
    g_clear_pointer(&w.out, g_bytes_unref);
    g_clear_pointer(&w.err, g_bytes_unref);
    if (timed_out) {
        g_error("'%s' still running after %d ms; stderr: %s", args,
                RUN_TIMEOUT_MS, ret->err);
    }
}

static void assert_exit_code(const RunResult *r, int code)
{
    g_assert_true(WIFEXITED(r->status));
    g_assert_cmpint(WEXITSTATUS(r->status), ==, code);
}

static void assert_dir_empty(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    g_assert_nonnull(d);
    name = g_dir_read_name(d);
    if (name) {
        g_error("'%s' left behind in %s", name, dir);
    }
}

typedef struct BadCmdline {
    const char *args;   /* "@D" is the test's temporary folder */
    const char *prefix; /* start of the stderr line, after "@D" expansion */
    const char *reason; /* must appear after the prefix */
} BadCmdline;

static const BadCmdline bad_cmdlines[] = {
    {"-bogus", "qmpd: -bogus: ", "invalid option"},
    {"--bogus", "qmpd: --bogus: ", "invalid option"},
    {"-chardev", "qmpd: -chardev: ", "requires an argument"},
    {"-name", "qmpd: -name: ", "requires an argument"},
    {"-pidfile", "qmpd: -pidfile: ", "requires an argument"},
    {"-incoming", "qmpd: -incoming: ", "requires an argument"},
    {"-chardev bogus,id=x", "qmpd: -chardev bogus,id=x: ", "'bogus'"},
    {"-chardev null", "qmpd: -chardev null: ", "id"},
    {"-chardev null,id=a,bogus=1",
     "qmpd: -chardev null,id=a,bogus=1: ", "Invalid parameter 'bogus'"},
    {"-chardev null,id=a -chardev null,id=a",
     "qmpd: -chardev null,id=a: ", "Duplicate ID 'a'"},
    {"-mon chardev=nope", "qmpd: -mon chardev=nope: ", "not found"},
    {"-chardev null,id=a -mon chardev=a,mode=bogus",
     "qmpd: -mon chardev=a,mode=bogus: ", "'bogus'"},
    {"-mon bogus=1", "qmpd: -mon bogus=1: ", "Invalid parameter 'bogus'"},
    {"-qmp bogus:x", "qmpd: -qmp bogus:x: ", "bogus"},
    {"-uuid bogus", "qmpd: -uuid bogus: ", "UUID"},
    {"-uuid 1234", "qmpd: -uuid 1234: ", "UUID"},
    {"-uuid 6ba7b810-9dad-11d1-80b4-00c04fd430cz",
     "qmpd: -uuid 6ba7b810-9dad-11d1-80b4-00c04fd430cz: ", "UUID"},
    /* -incoming: URIs, JSON and keyval channels are read while parsing. */
    {"-incoming bogus:x",
     "qmpd: -incoming bogus:x: ", "unknown migration protocol: bogus:x"},
    {"-incoming '{\"channel-type\": \"main\",'",
     "qmpd: -incoming {\"channel-type\": \"main\",: ",
     "JSON parse error, unexpected character `,', expected string constant"},
    {"-incoming '{\"channel-type\": \"main\"}'",
     "qmpd: -incoming {\"channel-type\": \"main\"}: ",
     "Parameter 'addr' is missing"},
    {"-incoming main,addr.transport=rdma,addr.host=h,addr.port=1",
     "qmpd: -incoming main,addr.transport=rdma,addr.host=h,addr.port=1: ",
     "rdma migration is not supported"},
    {"-incoming main,addr.transport=file,addr.filename=/x,addr.offset=z",
     "qmpd: -incoming main,addr.transport=file,addr.filename=/x,"
     "addr.offset=z: ",
     "Parameter 'addr.offset' expects integer"},
    {"-incoming defer -incoming "
     "cpr,addr.transport=file,addr.filename=@D/c,addr.offset=0",
     "qmpd: -incoming cpr,addr.transport=file,addr.filename=@D/c,"
     "addr.offset=0: ",
     "the cpr channel must be a unix socket"},
    {"-incoming cpr,addr.transport=socket,addr.type=unix,addr.path=@D/c",
     "qmpd: -incoming cpr,addr.transport=socket,addr.type=unix,"
     "addr.path=@D/c: ",
     "a cpr channel needs a main one (or defer)"},
    /* Past what the built-in RTC's 64-bit nanoseconds can hold. */
    {"-M pc -rtc base=2300-01-01", "qmpd: ",
     "rtc.base: '2300-01-01' is outside the built-in RTC's range "
     "(1716-06-28 to 2223-07-06)"},
    /* -add-fd: QEMU's checks, in QEMU's order. */
    {"-add-fd set=1",
     "qmpd: -add-fd set=1: ", "fd option is required and must be non-negative"},
    {"-add-fd fd=2,set=1",
     "qmpd: -add-fd fd=2,set=1: ", "fd cannot be a standard I/O stream"},
    {"-add-fd fd=100",
     "qmpd: -add-fd fd=100: ", "fd is not valid or already in use"},
    {"-add-fd fd=x,set=1",
     "qmpd: -add-fd fd=x,set=1: ", "Parameter 'fd' expects a number"},
    {"-add-fd fd=5,set=1,bogus=1",
     "qmpd: -add-fd fd=5,set=1,bogus=1: ", "Invalid parameter 'bogus'"},
    /* Failures after a server socket was created must remove it. */
    {"-chardev socket,id=s,path=@D/s.sock,server=on,wait=off "
     "-mon chardev=s,mode=control -mon chardev=nope,mode=control",
     "qmpd: -mon chardev=nope,mode=control: ", "not found"},
    {"-qmp unix:@D/q.sock,server=on,wait=off "
     "-mon chardev=nope,mode=control",
     "qmpd: -mon chardev=nope,mode=control: ", "not found"},
    /* -vga: only "none"; -chardev socket,fd=N with QEMU's checks. */
    {"-vga std", "qmpd: -vga std: ", "VGA card 'std' is not available"},
    {"-chardev socket,id=m,fd=abc",
     "qmpd: -chardev socket,id=m,fd=abc: ", "Unable to parse FD number abc"},
    {"-chardev socket,id=m,fd=99", "qmpd: -chardev socket,id=m,fd=99: ",
     "File descriptor '99' is not a socket"},
    {"-chardev socket,id=m,fd=5,path=/x",
     "qmpd: -chardev socket,id=m,fd=5,path=/x: ",
     "None or one of 'path', 'fd' or 'host' option required"},
    {"-chardev socket,id=s,path=@D/s.sock,server=on,wait=off,bogus=1",
     "qmpd: -chardev socket,id=s,path=@D/s.sock,server=on,wait=off,bogus=1: ",
     "Invalid parameter 'bogus'"},
};

/* @err is one line starting with @prefix and mentioning @reason after it. */
static void assert_one_line(const char *err, const char *prefix,
                            const char *reason)
{
    g_auto(GStrv) lines = NULL;

    g_test_message("stderr: %s", err);
    g_assert_true(g_str_has_suffix(err, "\n"));
    lines = g_strsplit(err, "\n", -1);
    /* Exactly one line: "...\n" splits into the line and "". */
    g_assert_cmpuint(g_strv_length(lines), ==, 2);
    g_assert_true(g_str_has_prefix(lines[0], prefix));
    g_assert_nonnull(strstr(lines[0] + strlen(prefix), reason));
}

static void test_bad_cmdline(gconstpointer opaque)
{
    const BadCmdline *c = opaque;
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *args = g_strdup_printf(
        "-nodefaults -display none -pidfile @D/pid %s", c->args);
    g_autofree char *prefix = NULL;
    g_auto(GStrv) parts = g_strsplit(c->prefix, "@D", -1);
    g_auto(RunResult) r = {0};

    prefix = g_strjoinv(dir, parts);
    run_daemon(args, dir, &r);
    assert_exit_code(&r, 1);
    assert_one_line(r.err, prefix, c->reason);
    g_assert_cmpstr(r.out, ==, "");
    assert_dir_empty(dir);
    qtest_remove_tmpdir(dir);
}

static char *daemon_version(void)
{
    QTestState *s = qtest_init(NULL);
    g_autoptr(JsonNode) ret =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-version\"}");
    JsonObject *q =
        json_object_get_object_member(json_node_get_object(ret), "qemu");
    char *v = g_strdup_printf("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT
                              ".%" G_GINT64_FORMAT,
                              json_object_get_int_member(q, "major"),
                              json_object_get_int_member(q, "minor"),
                              json_object_get_int_member(q, "micro"));

    qtest_quit(s);
    return v;
}

static void test_version(void)
{
    static const char *const spellings[] = {"-version", "--version"};
    g_autofree char *version = daemon_version();

    for (size_t i = 0; i < G_N_ELEMENTS(spellings); i++) {
        g_auto(RunResult) r = {0};

        run_daemon(spellings[i], NULL, &r);
        assert_exit_code(&r, 0);
        g_assert_nonnull(strstr(r.out, version));
        g_assert_cmpstr(r.err, ==, "");
    }
}

static void test_help(void)
{
    static const char *const spellings[] = {"-h", "-help", "--help"};
    static const char *const options[] = {
        "-chardev",   "-mon",      "-qmp",       "-monitor",
        "-name",      "-uuid",     "-daemonize", "-pidfile",
        "-preconfig", "-incoming", "-version",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(spellings); i++) {
        g_auto(RunResult) r = {0};

        run_daemon(spellings[i], NULL, &r);
        assert_exit_code(&r, 0);
        g_assert_cmpstr(r.err, ==, "");
        for (size_t j = 0; j < G_N_ELEMENTS(options); j++) {
            g_test_message("help mentions %s", options[j]);
            g_assert_nonnull(strstr(r.out, options[j]));
        }
    }
}

static int read_pidfile(const char *path)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    char *end = NULL;
    gint64 pid;

    g_file_get_contents(path, &text, NULL, &err);
    g_assert_no_error(err);
    pid = g_ascii_strtoll(text, &end, 10);
    g_assert_true(end != text);
    g_assert_true(*end == '\0' || g_str_equal(end, "\n"));
    return (int)pid;
}

static void test_pidfile(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *pidfile = g_build_filename(dir, "qmpd.pid", NULL);
    g_autofree char *args = g_strdup_printf("-pidfile %s", pidfile);
    QTestState *s = qtest_init(args);

    g_assert_cmpint(read_pidfile(pidfile), ==, qtest_pid(s));
    qtest_quit(s);
    g_assert_false(g_file_test(pidfile, G_FILE_TEST_EXISTS));
    qtest_remove_tmpdir(dir);
}

static bool process_gone(int pid, unsigned timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    while (g_get_monotonic_time() < deadline) {
        if (kill(pid, 0) < 0 && errno == ESRCH) {
            return true;
        }
        g_usleep(5000);
    }
    return false;
}

static void test_daemonize(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *pidfile = g_build_filename(dir, "pid", NULL);
    g_autofree char *sock = g_build_filename(dir, "m.sock", NULL);
    g_auto(RunResult) r = {0};
    g_autoptr(JsonObject) ev = NULL;
    QTestState *c;
    int pid;

    run_daemon("-daemonize -pidfile @D/pid -nodefaults -display none "
               "-chardev socket,id=m,path=@D/m.sock,server=on,wait=off "
               "-mon chardev=m,mode=control -name daemon",
               dir, &r);
    assert_exit_code(&r, 0);
    pid = read_pidfile(pidfile);
    g_assert_cmpint(pid, >, 0);
    g_assert_cmpint(kill(pid, 0), ==, 0);

    c = qtest_qmp_connect(sock, true);
    qtest_qmp_assert_success(c, "{\"execute\": \"query-status\"}");
    qtest_qmp_send(c, "{\"execute\": \"quit\"}");
    ev = qtest_qmp_eventwait_ref(c, "SHUTDOWN");
    g_assert_true(qtest_qmp_is_closed(c, 10000));
    qtest_qmp_disconnect(c);
    g_assert_true(process_gone(pid, 10000));
    g_assert_false(g_file_test(pidfile, G_FILE_TEST_EXISTS));
    qtest_remove_tmpdir(dir);
}

/* --- one pidfile, one socket, one owner --- */

/* The chardev and monitor a second instance would fight over. */
#define SERVER_ARGS                                           \
    "-chardev socket,id=m,path=@D/m.sock,server=on,wait=off " \
    "-mon chardev=m,mode=control"

/* @fmt with "@D" replaced by @dir. */
static char *expand_dir(const char *fmt, const char *dir)
{
    g_auto(GStrv) parts = g_strsplit(fmt, "@D", -1);

    return g_strjoinv(dir, parts);
}

static void file_identity(const char *path, struct stat *ret_st)
{
    if (lstat(path, ret_st) < 0) {
        g_error("lstat %s: %s", path, g_strerror(errno));
    }
}

static void assert_same_file(const char *path, const struct stat *before)
{
    struct stat now;

    file_identity(path, &now);
    g_assert_cmpuint(now.st_dev, ==, before->st_dev);
    g_assert_cmpuint(now.st_ino, ==, before->st_ino);
}

static void assert_file_content(const char *path, const char *expected)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;

    g_file_get_contents(path, &text, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(text, ==, expected);
}

static void fill_sun(const char *path, struct sockaddr_un *sun)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    g_assert_cmpuint(strlen(path), <, sizeof(sun->sun_path));
    memcpy(sun->sun_path, path, strlen(path));
}

/* A socket bound at @path; listening unless @stale (closed at once). */
static int bind_unix(const char *path, bool stale)
{
    struct sockaddr_un sun;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    fill_sun(path, &sun);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    if (stale) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Connects to @path and proves that @listen_fd is who accepts it. */
static void assert_listener_owns(const char *path, int listen_fd)
{
    struct sockaddr_un sun;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int peer;

    g_assert_cmpint(fd, >=, 0);
    fill_sun(path, &sun);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    peer = accept(listen_fd, NULL, NULL);
    g_assert_cmpint(peer, >=, 0);
    close(peer);
    close(fd);
}

static void assert_answers_qmp(const char *sock)
{
    QTestState *c = qtest_qmp_connect(sock, true);

    qtest_qmp_assert_success(c, "{\"execute\": \"query-status\"}");
    qtest_qmp_disconnect(c);
}

/*
 * A second instance with the same -pidfile and socket must give up on
 * the pidfile before creating anything, so the first one keeps its
 * socket (same inode, still answering QMP) and its pidfile.
 */
static void test_second_instance(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *pidfile = g_build_filename(dir, "pid", NULL);
    g_autofree char *sock = g_build_filename(dir, "m.sock", NULL);
    g_autofree char *out = g_build_filename(dir, "out", NULL);
    g_autofree char *args = expand_dir("-pidfile @D/pid " SERVER_ARGS, dir);
    g_autofree char *prefix = g_strdup_printf("qmpd: -pidfile %s: ", pidfile);
    g_auto(RunResult) r = {0};
    struct stat sock_st;
    QTestState *s = qtest_init(args);

    g_assert_cmpint(read_pidfile(pidfile), ==, qtest_pid(s));
    file_identity(sock, &sock_st);
    run_daemon("-nodefaults -display none -pidfile @D/pid " SERVER_ARGS
               " -chardev file,id=f,path=@D/out",
               dir, &r);
    assert_exit_code(&r, 1);
    assert_same_file(sock, &sock_st);
    assert_answers_qmp(sock);
    g_assert_cmpint(read_pidfile(pidfile), ==, qtest_pid(s));
    /* Nothing was created before the pidfile refused it. */
    g_assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
    assert_one_line(r.err, prefix, "Cannot lock pid file");
    g_assert_cmpstr(r.out, ==, "");

    qtest_quit(s);
    g_assert_false(g_file_test(pidfile, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(sock, G_FILE_TEST_EXISTS));
    assert_dir_empty(dir);
    qtest_remove_tmpdir(dir);
}

/*
 * A second instance on a socket a live qmpd listens on fails to bind
 * instead of unlinking it, and the first one keeps answering there.
 */
static void test_socket_in_use(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *sock = g_build_filename(dir, "m.sock", NULL);
    g_autofree char *args = expand_dir(SERVER_ARGS, dir);
    g_autofree char *prefix = expand_dir(
        "qmpd: -chardev socket,id=m,path=@D/m.sock,server=on,wait=off: ", dir);
    g_autofree char *reason = g_strdup_printf(
        "Failed to bind socket to %s: Address already in use", sock);
    g_auto(RunResult) r = {0};
    struct stat sock_st;
    QTestState *s = qtest_init(args);

    file_identity(sock, &sock_st);
    /*
     * -daemonize with exit-with-parent: should the socket be taken after
     * all, the detached daemon gets SIGTERM as soon as run_daemon()'s
     * child exits instead of outliving the test.
     */
    run_daemon("-daemonize -run-with exit-with-parent=on -nodefaults "
               "-display none " SERVER_ARGS,
               dir, &r);
    assert_same_file(sock, &sock_st);
    assert_exit_code(&r, 1);
    assert_one_line(r.err, prefix, reason);
    assert_answers_qmp(sock);

    qtest_quit(s);
    g_assert_false(g_file_test(sock, G_FILE_TEST_EXISTS));
    qtest_remove_tmpdir(dir);
}

/*
 * The migration listener follows the same rule: -incoming on the path of
 * a live server fails instead of taking it.
 */
static void test_incoming_socket_in_use(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *sock = g_build_filename(dir, "m.sock", NULL);
    g_autofree char *args = expand_dir(SERVER_ARGS, dir);
    g_autofree char *incoming = g_strdup_printf(
        "-nodefaults -display none -run-with exit-with-parent=on "
        "-incoming unix:%s",
        sock);
    g_auto(RunResult) r = {0};
    struct stat sock_st;
    QTestState *s = qtest_init(args);

    file_identity(sock, &sock_st);
    run_daemon(incoming, dir, &r);
    assert_same_file(sock, &sock_st);
    assert_exit_code(&r, 1);
    g_assert_nonnull(strstr(r.err, "Address already in use"));
    assert_answers_qmp(sock);

    qtest_quit(s);
    qtest_remove_tmpdir(dir);
}

/* A socket file nobody listens on (a crashed run) is still replaced. */
static void test_socket_stale(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *sock = g_build_filename(dir, "m.sock", NULL);
    g_autofree char *args = expand_dir(SERVER_ARGS, dir);
    QTestState *s;

    bind_unix(sock, true);
    s = qtest_init(args);
    assert_answers_qmp(sock);
    qtest_quit(s);
    g_assert_false(g_file_test(sock, G_FILE_TEST_EXISTS));
    qtest_remove_tmpdir(dir);
}

/* At exit qmpd leaves alone a socket someone else bound at its path. */
static void test_socket_replaced(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *sock = g_build_filename(dir, "m.sock", NULL);
    g_autofree char *args = expand_dir(SERVER_ARGS, dir);
    struct stat sock_st;
    QTestState *s = qtest_init(args);
    int other;

    g_assert_cmpint(unlink(sock), ==, 0);
    other = bind_unix(sock, false);
    file_identity(sock, &sock_st);
    qtest_quit(s);
    assert_same_file(sock, &sock_st);
    assert_listener_owns(sock, other);
    close(other);
    qtest_remove_tmpdir(dir);
}

/* A pidfile left by a crashed run is taken over and rewritten whole. */
static void test_pidfile_stale(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *pidfile = g_build_filename(dir, "pid", NULL);
    g_autofree char *args = g_strdup_printf("-pidfile %s", pidfile);
    g_autoptr(GError) err = NULL;
    QTestState *s;

    g_file_set_contents(pidfile, "999999999 and a longer stale line\n", -1,
                        &err);
    g_assert_no_error(err);
    s = qtest_init(args);
    g_assert_cmpint(read_pidfile(pidfile), ==, qtest_pid(s));
    qtest_quit(s);
    g_assert_false(g_file_test(pidfile, G_FILE_TEST_EXISTS));
    qtest_remove_tmpdir(dir);
}

/*
 * A symlink at the pidfile path is refused: its target (existing or
 * not) is never written or created, and the link stays.
 */
static void test_pidfile_symlink(void)
{
    static const char content[] = "not a pid\n";
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *pidfile = g_build_filename(dir, "pid", NULL);
    g_autofree char *target = g_build_filename(dir, "target", NULL);
    g_autofree char *sock = g_build_filename(dir, "m.sock", NULL);
    g_autofree char *prefix = g_strdup_printf("qmpd: -pidfile %s: ", pidfile);
    g_autoptr(GError) err = NULL;
    struct stat st;

    g_file_set_contents(target, content, -1, &err);
    g_assert_no_error(err);
    g_assert_cmpint(symlink(target, pidfile), ==, 0);
    for (int dangling = 0; dangling < 2; dangling++) {
        g_auto(RunResult) r = {0};

        if (dangling) {
            g_assert_cmpint(unlink(target), ==, 0);
        }
        /* As in test_socket_in_use: a daemon that starts dies with us. */
        run_daemon("-daemonize -run-with exit-with-parent=on -nodefaults "
                   "-display none -pidfile @D/pid " SERVER_ARGS,
                   dir, &r);
        if (dangling) {
            g_assert_false(g_file_test(target, G_FILE_TEST_EXISTS));
        } else {
            assert_file_content(target, content);
        }
        assert_exit_code(&r, 1);
        assert_one_line(r.err, prefix, "symbolic link");
        file_identity(pidfile, &st);
        g_assert_true(S_ISLNK(st.st_mode));
        /* Refused before the socket was made. */
        g_assert_false(g_file_test(sock, G_FILE_TEST_EXISTS));
    }
    qtest_remove_tmpdir(dir);
}

/* At exit qmpd leaves alone a file someone else put at its pidfile path. */
static void test_pidfile_replaced(void)
{
    static const char content[] = "12345\n";
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *pidfile = g_build_filename(dir, "pid", NULL);
    g_autofree char *args = g_strdup_printf("-pidfile %s", pidfile);
    g_autoptr(GError) err = NULL;
    QTestState *s = qtest_init(args);

    g_assert_cmpint(read_pidfile(pidfile), ==, qtest_pid(s));
    g_assert_cmpint(unlink(pidfile), ==, 0);
    g_file_set_contents(pidfile, content, -1, &err);
    g_assert_no_error(err);
    qtest_quit(s);
    assert_file_content(pidfile, content);
    qtest_remove_tmpdir(dir);
}

static JsonObject *query(QTestState *s, const char *cmd)
{
    g_autofree char *req = g_strdup_printf("{\"execute\": \"%s\"}", cmd);
    g_autoptr(JsonNode) ret = qtest_qmp_assert_success_ref(s, "%s", req);

    g_assert_true(JSON_NODE_HOLDS_OBJECT(ret));
    return json_object_ref(json_node_get_object(ret));
}

static void test_name(void)
{
    QTestState *s = qtest_init("-name foo");
    g_autoptr(JsonObject) info = query(s, "query-name");

    g_assert_cmpstr(json_object_get_string_member(info, "name"), ==, "foo");
    qtest_quit(s);

    s = qtest_init(NULL);
    g_clear_pointer(&info, json_object_unref);
    info = query(s, "query-name");
    g_assert_false(json_object_has_member(info, "name"));
    qtest_quit(s);
}

static void test_uuid(void)
{
    static const struct {
        const char *arg;
        const char *expected;
    } cases[] = {
        {NULL, "00000000-0000-0000-0000-000000000000"},
        {"-uuid 6ba7b810-9dad-11d1-80b4-00c04fd430c8",
         "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
        {"-uuid 6BA7B810-9DAD-11D1-80B4-00C04FD430C8",
         "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        QTestState *s = qtest_init(cases[i].arg);
        g_autoptr(JsonObject) info = query(s, "query-uuid");

        g_assert_cmpstr(json_object_get_string_member(info, "UUID"), ==,
                        cases[i].expected);
        qtest_quit(s);
    }
}

/* The accelerator a started daemon settled on (query-machine-config). */
static char *accel_type(QTestState *s)
{
    g_autoptr(JsonObject) ret = query(s, "query-machine-config");
    JsonObject *config = json_object_get_object_member(ret, "config");
    JsonObject *accel = json_object_get_object_member(config, "accel");

    return g_strdup(json_object_get_string_member(accel, "type"));
}

/* What qmpd should pick for "kvm first, tcg second" on this host. */
static const char *kvm_or_tcg(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        return "tcg";
    }
    close(fd);
    return "kvm";
}

/*
 * libvirt 9.0's capability probe, word for word (less the sockets and
 * -daemonize, which qtest_init() and test_daemonize cover).
 */
static void test_libvirt_probe(void)
{
    QTestState *s = qtest_init("-S -no-user-config -nodefaults -nographic "
                               "-machine none,accel=kvm:tcg");
    g_autoptr(JsonObject) status = query(s, "query-status");
    g_autoptr(JsonObject) cfg = query(s, "query-machine-config");
    g_autofree char *accel = accel_type(s);

    g_assert_cmpstr(json_object_get_string_member(status, "status"), ==,
                    "prelaunch");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(cfg, "config"), "type"),
                    ==, "none");
    g_assert_cmpstr(accel, ==, kvm_or_tcg());
    qtest_quit(s);
}

/* Repeated -accel: the first usable one stays, whatever the order. */
static void test_accel_repeated(void)
{
    static const struct {
        const char *args;
        bool kvm_first;
    } cases[] = {
        {"-accel kvm -accel tcg", true},
        {"-accel tcg -accel kvm", false},
        {"-accel qtest -accel tcg", false},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        QTestState *s = qtest_init(cases[i].args);
        g_autofree char *accel = accel_type(s);
        g_auto(GStrv) words = g_strsplit(cases[i].args, " ", -1);

        g_test_message("%s -> %s", cases[i].args, accel);
        g_assert_cmpstr(accel, ==,
                        cases[i].kvm_first ? kvm_or_tcg() : words[1]);
        qtest_quit(s);
    }
}

/* -machine accel=qtest and -accel qtest name the built-in accelerator. */
static void test_accel_qtest(void)
{
    static const char *const args[] = {
        "-machine none,accel=qtest", "-accel qtest", "-display none -vga none"};

    for (size_t i = 0; i < G_N_ELEMENTS(args); i++) {
        QTestState *s = qtest_init(args[i]);
        g_autofree char *accel = accel_type(s);

        g_assert_cmpstr(accel, ==, "qtest");
        qtest_quit(s);
    }
}

/* Reads one line from @fd (blocking, with @fd's timeout), less CR LF. */
static char *read_line_fd(int fd)
{
    g_autoptr(GString) line = g_string_new(NULL);
    char c;

    while (read(fd, &c, 1) == 1 && c != '\n') {
        if (c != '\r') {
            g_string_append_c(line, c);
        }
    }
    return g_string_free(g_steal_pointer(&line), FALSE);
}

static void write_fd(int fd, const char *text)
{
    g_assert_cmpint(write(fd, text, strlen(text)), ==, (ssize_t)strlen(text));
}

static void set_recv_timeout(int fd)
{
    struct timeval tv = {.tv_sec = 10};

    g_assert_cmpint(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
                    ==, 0);
}

/* A QMP session on @fd: greeting, negotiation, one query-chardev. */
static char *qmp_on_fd(int fd)
{
    g_autofree char *greeting = NULL;
    g_autofree char *ack = NULL;

    set_recv_timeout(fd);
    greeting = read_line_fd(fd);
    g_assert_nonnull(strstr(greeting, "\"QMP\""));
    write_fd(fd, "{\"execute\": \"qmp_capabilities\"}\n");
    ack = read_line_fd(fd);
    g_assert_cmpstr(ack, ==, "{\"return\": {}}");
    write_fd(fd, "{\"execute\": \"query-chardev\"}\n");
    return read_line_fd(fd);
}

/*
 * -chardev socket,fd=N with a connected socket, as QEMU's Python harness
 * passes one end of a socketpair: the monitor talks on it at once.
 */
static void test_chardev_fd_connected(void)
{
    int sv[2];
    QTestState *s;
    g_autofree char *reply = NULL;
    g_autofree char *args = NULL;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    args = g_strdup_printf("-chardev socket,id=mon,fd=%d "
                           "-mon chardev=mon,mode=control",
                           sv[0]);
    s = qtest_init_with_fds(args, QTEST_INIT_DEFAULT, &sv[0], 1);
    close(sv[0]);
    reply = qmp_on_fd(sv[1]);
    g_assert_nonnull(strstr(reply,
                            "{\"label\": \"mon\", \"filename\": \"unix:\", "
                            "\"frontend-open\": true}"));
    close(sv[1]);
    qtest_quit(s);
}

/* A listening socket is served like server=on: one client after another. */
static void test_chardev_fd_listening(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *path = g_build_filename(dir, "l.sock", NULL);
    g_autofree char *args = NULL;
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    QTestState *s;

    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(lfd, 1), ==, 0);
    args =
        g_strdup_printf("-chardev socket,id=mon,fd=%d -qmp chardev:mon", lfd);
    s = qtest_init_with_fds(args, QTEST_INIT_DEFAULT, &lfd, 1);
    close(lfd);
    for (int i = 0; i < 2; i++) {
        int fd = qtest_unix_connect(path);
        g_autofree char *reply = qmp_on_fd(fd);
        g_autofree char *expected =
            g_strdup_printf("\"filename\": \"unix:%s,server=on\"", path);

        g_assert_nonnull(strstr(reply, expected));
        close(fd);
    }
    qtest_quit(s);
    unlink(path);
    qtest_remove_tmpdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(bad_cmdlines); i++) {
        g_autofree char *path = g_strdup_printf("/cmdline/bad/%zu", i);

        g_test_add_data_func(path, &bad_cmdlines[i], test_bad_cmdline);
    }
    g_test_add_func("/cmdline/version", test_version);
    g_test_add_func("/cmdline/help", test_help);
    g_test_add_func("/cmdline/pidfile", test_pidfile);
    g_test_add_func("/cmdline/daemonize", test_daemonize);
    g_test_add_func("/cmdline/pidfile/second-instance", test_second_instance);
    g_test_add_func("/cmdline/pidfile/stale", test_pidfile_stale);
    g_test_add_func("/cmdline/pidfile/symlink", test_pidfile_symlink);
    g_test_add_func("/cmdline/pidfile/replaced", test_pidfile_replaced);
    g_test_add_func("/cmdline/socket/in-use", test_socket_in_use);
    g_test_add_func("/cmdline/socket/incoming-in-use",
                    test_incoming_socket_in_use);
    g_test_add_func("/cmdline/socket/stale", test_socket_stale);
    g_test_add_func("/cmdline/socket/replaced", test_socket_replaced);
    g_test_add_func("/cmdline/name", test_name);
    g_test_add_func("/cmdline/uuid", test_uuid);
    g_test_add_func("/cmdline/libvirt-probe", test_libvirt_probe);
    g_test_add_func("/cmdline/accel/repeated", test_accel_repeated);
    g_test_add_func("/cmdline/accel/qtest", test_accel_qtest);
    g_test_add_func("/cmdline/chardev-fd/connected", test_chardev_fd_connected);
    g_test_add_func("/cmdline/chardev-fd/listening", test_chardev_fd_listening);
    return g_test_run();
}
