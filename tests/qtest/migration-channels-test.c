/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "channels" form of migrate and migrate-incoming, the -incoming
 * channel syntax and fd sets (add-fd, remove-fd, query-fdsets, -add-fd and
 * "/dev/fdset/N" files): every transport moves guest RAM intact, and every
 * refusal has its exact text and leaves both processes as they were.
 */

#include "prelude.h"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libqtest.h"
#include "migration-helpers.h"

/* A "channels" argument of one main channel; @addr is JSON text. */
#define MAIN_CHANNEL(addr) "[{\"channel-type\": \"main\", \"addr\": " addr "}]"
#define UNIX_ADDR \
    "{\"transport\": \"socket\", \"type\": \"unix\", \"path\": \"%s\"}"
#define FILE_ADDR                                                  \
    "{\"transport\": \"file\", \"filename\": \"%s\", \"offset\": " \
    "%u}"

/* The compact JSON text of a command's "return" member. */
static char *return_text(QTestState *s, const char *cmd)
{
    g_autoptr(JsonNode) r = qtest_qmp_assert_success_ref(s, "%s", cmd);

    return json_to_string(r, FALSE);
}

static char *fdsets_of(QTestState *s)
{
    return return_text(s, "{\"execute\": \"query-fdsets\"}");
}

/* add-fd with @fd attached; asserts success and returns the reply. */
static JsonObject *add_fd(QTestState *s, int fd, const char *args)
{
    JsonObject *reply = qtest_qmp_fds(
        s, &fd, 1, "{\"execute\": \"add-fd\", \"arguments\": %s}", args);

    g_assert_true(json_object_has_member(reply, "return"));
    return reply;
}

static int64_t reply_int(JsonObject *reply, const char *member)
{
    return json_object_get_int_member(
        json_object_get_object_member(reply, "return"), member);
}

/* ---- each transport through "channels" ---- */

static void test_unix(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *channels = g_strdup_printf(MAIN_CHANNEL(UNIX_ADDR), sock);

    write_pattern(src);
    incoming_channels(dst, channels);
    migrate_channels(src, channels);
    assert_migrated(src, dst, "running");
    assert_same_ram(src, dst);
}

static void test_tcp_port0(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autoptr(JsonNode) info = NULL;
    g_autofree char *channels = NULL;
    JsonObject *addr;
    const char *port;

    write_pattern(src);
    incoming_channels(dst, MAIN_CHANNEL("{\"transport\": \"socket\", "
                                        "\"type\": \"inet\", \"host\": "
                                        "\"127.0.0.1\", \"port\": \"0\"}"));
    info =
        qtest_qmp_assert_success_ref(dst, "{\"execute\": \"query-migrate\"}");
    addr = json_array_get_object_element(
        json_object_get_array_member(json_node_get_object(info),
                                     "socket-address"),
        0);
    g_assert_cmpstr(json_object_get_string_member(addr, "type"), ==, "inet");
    port = json_object_get_string_member(addr, "port");
    g_assert_cmpstr(port, !=, "0");
    channels = g_strdup_printf(
        MAIN_CHANNEL("{\"transport\": \"socket\", \"type\": \"inet\", "
                     "\"host\": \"127.0.0.1\", \"port\": \"%s\"}"),
        port);
    migrate_channels(src, channels);
    assert_migrated(src, dst, "running");
    assert_same_ram(src, dst);
}

static void test_fd(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autoptr(JsonObject) r1 = NULL;
    g_autoptr(JsonObject) r2 = NULL;
    const char *channels = MAIN_CHANNEL(
        "{\"transport\": \"socket\", \"type\": \"fd\", \"str\": \"mig\"}");
    int pair[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair),
                    ==, 0);
    r1 = qtest_qmp_fds(dst, &pair[0], 1,
                       "{\"execute\": \"getfd\", \"arguments\": "
                       "{\"fdname\": \"mig\"}}");
    r2 = qtest_qmp_fds(src, &pair[1], 1,
                       "{\"execute\": \"getfd\", \"arguments\": "
                       "{\"fdname\": \"mig\"}}");
    g_assert_true(json_object_has_member(r1, "return"));
    g_assert_true(json_object_has_member(r2, "return"));
    close(pair[0]);
    close(pair[1]);
    write_pattern(src);
    incoming_channels(dst, channels);
    migrate_channels(src, channels);
    assert_migrated(src, dst, "running");
    assert_same_ram(src, dst);
}

/* The bytes before the offset belong to someone else and stay. */
static void test_file_offset(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autofree char *path = qtest_tmp_path(src, "state.bin");
    g_autofree char *channels =
        g_strdup_printf(MAIN_CHANNEL(FILE_ADDR), path, 4096u);
    g_autofree char *header = g_strnfill(4096, 'H');
    g_autofree char *end = NULL;
    g_autofree char *data = NULL;
    gsize len = 0;

    g_assert_true(g_file_set_contents(path, header, 4096, NULL));
    write_pattern(src);
    migrate_channels(src, channels);
    end = wait_end(src, NULL);
    g_assert_cmpstr(end, ==, "completed");
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, >, 4096);
    g_assert_cmpmem(data, 4096, header, 4096);
    g_assert_cmpmem(data + 4096, 4, "QEVM", 4);
    incoming_channels(dst, channels);
    assert_migrated(src, dst, "running");
    assert_same_ram(src, dst);
}

/* exec args run as they are: a shell would expand "$HOME" in the name. */
static void test_exec(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autofree char *path = qtest_tmp_path(src, "state $HOME.bin");
    g_autofree char *out = g_strdup_printf(
        MAIN_CHANNEL("{\"transport\": \"exec\", \"args\": [\"dd\", "
                     "\"of=%s\", \"status=none\"]}"),
        path);
    g_autofree char *in = g_strdup_printf(
        MAIN_CHANNEL("{\"transport\": \"exec\", \"args\": [\"cat\", \"%s\"]}"),
        path);
    g_autofree char *end = NULL;

    write_pattern(src);
    migrate_channels(src, out);
    end = wait_end(src, NULL);
    g_assert_cmpstr(end, ==, "completed");
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    incoming_channels(dst, in);
    assert_migrated(src, dst, "running");
    assert_same_ram(src, dst);
}

/*
 * A file handed over as descriptors: the source writes through a
 * write-only one (add-fd, "file:/dev/fdset/1" URI), the destination
 * reads through a read-only one (a file channel on "/dev/fdset/0").
 */
static void test_fdset_file(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autofree char *path = qtest_tmp_path(src, "fdset.bin");
    g_autofree char *channels =
        g_strdup_printf(MAIN_CHANNEL(FILE_ADDR), "/dev/fdset/0", 0u);
    g_autoptr(JsonObject) wr = NULL;
    g_autoptr(JsonObject) rd = NULL;
    g_autofree char *want = NULL;
    g_autofree char *sets = NULL;
    g_autofree char *after = NULL;
    g_autofree char *end = NULL;
    int wfd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    int rfd;

    g_assert_cmpint(wfd, >=, 0);
    wr = add_fd(src, wfd, "{\"fdset-id\": 1, \"opaque\": \"mig-out\"}");
    close(wfd);
    g_assert_cmpint(reply_int(wr, "fdset-id"), ==, 1);
    want = g_strdup_printf("[{\"fdset-id\":1,\"fds\":[{\"fd\":%" G_GINT64_FORMAT
                           ",\"opaque\":\"mig-out\"}]}]",
                           reply_int(wr, "fd"));
    sets = fdsets_of(src);
    g_assert_cmpstr(sets, ==, want);

    write_pattern(src);
    migrate(src, "file:/dev/fdset/1");
    end = wait_end(src, NULL);
    g_assert_cmpstr(end, ==, "completed");
    /* The migration wrote through a duplicate: the set still holds it. */
    after = fdsets_of(src);
    g_assert_cmpstr(after, ==, want);

    rfd = open(path, O_RDONLY | O_CLOEXEC);
    g_assert_cmpint(rfd, >=, 0);
    rd = add_fd(dst, rfd, "{}");
    close(rfd);
    g_assert_cmpint(reply_int(rd, "fdset-id"), ==, 0);
    incoming_channels(dst, channels);
    assert_migrated(src, dst, "running");
    assert_same_ram(src, dst);
    qtest_qmp_assert_success(
        dst, "{\"execute\": \"remove-fd\", \"arguments\": {\"fdset-id\": 0}}");
    g_clear_pointer(&sets, g_free);
    sets = fdsets_of(dst);
    g_assert_cmpstr(sets, ==, "[]");
}

/*
 * The command line only: -add-fd puts an inherited read-only descriptor
 * in set 7 and a JSON -incoming channel reads the stream through it.
 */
static void test_cmdline_fdset_incoming(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = NULL;
    g_autofree char *path = qtest_tmp_path(src, "cli.bin");
    g_autofree char *channels =
        g_strdup_printf(MAIN_CHANNEL(FILE_ADDR), path, 0u);
    g_autofree char *args = NULL;
    g_autofree char *end = NULL;
    g_autoptr(JsonNode) sets = NULL;
    JsonObject *set;
    JsonObject *entry;
    int fd;

    write_pattern(src);
    migrate_channels(src, channels);
    end = wait_end(src, NULL);
    g_assert_cmpstr(end, ==, "completed");

    /* Inherited descriptors have no FD_CLOEXEC; the launcher sees to it. */
    fd = open(path, O_RDONLY | O_CLOEXEC);
    g_assert_cmpint(fd, >, 2);
    args = g_strdup_printf(
        "-add-fd fd=%d,set=7,opaque=cli -incoming '{\"channel-type\": "
        "\"main\", \"addr\": {\"transport\": \"file\", \"filename\": "
        "\"/dev/fdset/7\", \"offset\": 0}}'",
        fd);
    dst = qtest_init_with_fds(args, QTEST_INIT_QTEST, &fd, 1);
    close(fd);
    assert_migrated(src, dst, "running");
    assert_same_ram(src, dst);

    sets = qtest_qmp_assert_success_ref(dst, "{\"execute\": \"query-fdsets\"}");
    g_assert_cmpuint(json_array_get_length(json_node_get_array(sets)), ==, 1);
    set = json_array_get_object_element(json_node_get_array(sets), 0);
    g_assert_cmpint(json_object_get_int_member(set, "fdset-id"), ==, 7);
    g_assert_cmpuint(
        json_array_get_length(json_object_get_array_member(set, "fds")), ==, 1);
    entry = json_array_get_object_element(
        json_object_get_array_member(set, "fds"), 0);
    g_assert_cmpstr(json_object_get_string_member(entry, "opaque"), ==, "cli");
    /* A close-on-exec duplicate joined the set, not the inherited number. */
    g_assert_cmpint(json_object_get_int_member(entry, "fd"), !=, fd);
}

/*
 * Keyval -incoming channels; a later one of the same type replaces the
 * earlier ("defer" included), so only the last socket is listened on.
 */
static void test_cmdline_keyval_repeat(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *first = g_build_filename(dir, "first.sock", NULL);
    g_autofree char *last = g_build_filename(dir, "last.sock", NULL);
    g_autofree char *args = g_strdup_printf(
        "-incoming defer "
        "-incoming main,addr.transport=socket,addr.type=unix,addr.path=%s "
        "-incoming main,addr.transport=socket,addr.type=unix,addr.path=%s",
        first, last);
    g_autofree char *uri = g_strdup_printf("unix:%s", last);
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest(args);
    g_autoptr(JsonNode) info = NULL;
    JsonObject *addr;

    info =
        qtest_qmp_assert_success_ref(dst, "{\"execute\": \"query-migrate\"}");
    g_assert_cmpstr(
        json_object_get_string_member(json_node_get_object(info), "status"), ==,
        "setup");
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(
                         json_node_get_object(info), "socket-address")),
                     ==, 1);
    addr = json_array_get_object_element(
        json_object_get_array_member(json_node_get_object(info),
                                     "socket-address"),
        0);
    g_assert_cmpstr(json_object_get_string_member(addr, "path"), ==, last);
    g_assert_false(g_file_test(first, G_FILE_TEST_EXISTS));
    write_pattern(src);
    migrate(src, uri);
    assert_migrated(src, dst, "running");
    assert_same_ram(src, dst);
    qtest_quit(g_steal_pointer(&dst));
    qtest_remove_tmpdir(dir);
}

/* ---- refusals ---- */

/*
 * A refused request: its "arguments" are @args, or when that is NULL a
 * "channels" list of one main channel whose address is @main_addr.
 */
typedef struct ArgsError {
    const char *args;
    const char *main_addr;
    const char *error;
} ArgsError;

#define URI_AND_CHANNELS                                                    \
    "{\"uri\": \"unix:/nonexistent/a\", \"channels\": [{\"channel-type\": " \
    "\"main\", \"addr\": {\"transport\": \"socket\", \"type\": \"unix\", "  \
    "\"path\": \"/x\"}}]}"
#define TWO_MAIN                                                              \
    "{\"channels\": [{\"channel-type\": \"main\", \"addr\": {\"transport\": " \
    "\"file\", \"filename\": \"/a\", \"offset\": 0}}, {\"channel-type\": "    \
    "\"main\", \"addr\": {\"transport\": \"file\", \"filename\": \"/b\", "    \
    "\"offset\": 0}}]}"
#define ONLY_CPR                                                             \
    "{\"channels\": [{\"channel-type\": \"cpr\", \"addr\": {\"transport\": " \
    "\"socket\", \"type\": \"unix\", \"path\": \"/c\"}}]}"
#define MAIN_AND_CPR                                                          \
    "{\"channels\": [{\"channel-type\": \"main\", \"addr\": {\"transport\": " \
    "\"file\", \"filename\": \"/a\", \"offset\": 0}}, {\"channel-type\": "    \
    "\"cpr\", \"addr\": {\"transport\": \"socket\", \"type\": \"unix\", "     \
    "\"path\": \"/c\"}}]}"
#define RDMA_ADDR \
    "{\"transport\": \"rdma\", \"host\": \"127.0.0.1\", \"port\": \"4444\"}"

static const ArgsError migrate_errors[] = {
    {"{}", NULL, "need either 'uri' or 'channels' argument"},
    {URI_AND_CHANNELS, NULL, "need either 'uri' or 'channels' argument"},
    {"{\"channels\": []}", NULL, "need either 'uri' or 'channels' argument"},
    {TWO_MAIN, NULL, "Channel list has more than one main entry"},
    {ONLY_CPR, NULL, "Channel list has no main entry"},
    {MAIN_AND_CPR, NULL,
     "Channel type 'cpr' is only valid in cpr-transfer mode"},
    {NULL, RDMA_ADDR, "rdma migration is not supported"},
    {"{\"uri\": \"rdma:127.0.0.1:4444\"}", NULL,
     "rdma migration is not supported"},
    {NULL,
     "{\"transport\": \"socket\", \"type\": \"vsock\", \"cid\": \"2\", "
     "\"port\": \"4444\"}",
     "vsock migration is not supported"},
    {NULL, "{\"transport\": \"exec\", \"args\": []}",
     "exec migration needs a command"},
    {NULL, "{\"transport\": \"socket\"}",
     "Parameter 'channels[0].addr.type' is missing"},
    {NULL, "{\"transport\": \"pigeon\"}",
     "Parameter 'channels[0].addr.transport' does not accept value "
     "'pigeon'"},
};

static void assert_refused(QTestState *s, const char *command,
                           const ArgsError *e)
{
    g_autofree char *args =
        e->args != NULL
            ? g_strdup(e->args)
            : g_strdup_printf("{\"channels\": " MAIN_CHANNEL("%s") "}",
                              e->main_addr);

    g_test_message("%s %s", command, args);
    qtest_qmp_assert_error(s, "GenericError", e->error,
                           "{\"execute\": \"%s\", \"arguments\": %s}", command,
                           args);
}

static void test_migrate_errors(void)
{
    g_autoptr(QTestState) src = start_source("");
    g_autofree char *st = NULL;

    for (gsize i = 0; i < G_N_ELEMENTS(migrate_errors); i++) {
        assert_refused(src, "migrate", &migrate_errors[i]);
    }
    /* cpr-transfer mode wants a cpr channel and shared RAM. */
    qtest_qmp_assert_success(src, "{\"execute\": \"migrate-set-parameters\", "
                                  "\"arguments\": {\"mode\": "
                                  "\"cpr-transfer\"}}");
    qtest_qmp_assert_error(src, "GenericError",
                           "missing 'cpr' migration channel",
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"uri\": \"unix:/nonexistent/a\"}}");
    qtest_qmp_assert_error(
        src, "GenericError",
        "cpr-transfer needs shared RAM, but memory 'pc.ram' is private (set "
        "-machine aux-ram-share=on)",
        "{\"execute\": \"migrate\", \"arguments\": {\"channels\": "
        "[{\"channel-type\": \"main\", \"addr\": {\"transport\": \"socket\", "
        "\"type\": \"unix\", \"path\": \"/m\"}}, {\"channel-type\": \"cpr\", "
        "\"addr\": {\"transport\": \"socket\", \"type\": \"unix\", "
        "\"path\": \"/c\"}}]}}");
    /* Nothing started: no migration state, the guest still runs. */
    st = migrate_status(src, NULL);
    g_assert_cmpstr(st, ==, "");
    assert_run_state(src, "running");
}

static const ArgsError incoming_errors[] = {
    {"{}", NULL, "need either 'uri' or 'channels' argument"},
    {URI_AND_CHANNELS, NULL, "need either 'uri' or 'channels' argument"},
    {TWO_MAIN, NULL, "Channel list must have only one entry, for type 'main'"},
    {ONLY_CPR, NULL, "Channel list has no main entry"},
    {NULL, RDMA_ADDR, "rdma migration is not supported"},
    {"{\"uri\": \"bogus:x\"}", NULL, "unknown migration protocol: bogus:x"},
};

static void test_incoming_errors(void)
{
    g_autoptr(QTestState) src = start_ram_source();
    g_autoptr(QTestState) dst = start_qtest("-incoming defer");
    g_autofree char *sock = qtest_tmp_path(dst, "mig.sock");
    g_autofree char *channels = g_strdup_printf(MAIN_CHANNEL(UNIX_ADDR), sock);
    g_autofree char *st = NULL;

    for (gsize i = 0; i < G_N_ELEMENTS(incoming_errors); i++) {
        assert_refused(dst, "migrate-incoming", &incoming_errors[i]);
    }
    st = migrate_status(dst, NULL);
    g_assert_cmpstr(st, ==, "");
    assert_run_state(dst, "inmigrate");
    /* Still a destination: a good request then works. */
    write_pattern(src);
    incoming_channels(dst, channels);
    migrate_channels(src, channels);
    assert_migrated(src, dst, "running");
    assert_same_ram(src, dst);
}

/* A set without a write-only descriptor cannot take an outgoing file. */
static void test_fdset_wrong_mode(void)
{
    g_autoptr(QTestState) src = start_source("");
    g_autofree char *path = qtest_tmp_path(src, "ro.bin");
    g_autoptr(JsonObject) r = NULL;
    g_autofree char *st = NULL;
    g_autofree char *err = NULL;
    int fd;

    g_assert_true(g_file_set_contents(path, "", 0, NULL));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    r = add_fd(src, fd, "{\"fdset-id\": 2}");
    close(fd);
    qtest_qmp_assert_error(src, "GenericError",
                           "Failed to find file descriptor with matching "
                           "flags=0x41",
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"uri\": \"file:/dev/fdset/2\"}}");
    qtest_qmp_assert_error(src, "GenericError",
                           "Failed to find fdset /dev/fdset/3",
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"uri\": \"file:/dev/fdset/3\"}}");
    /* As in QEMU, an address that fails to open fails the migration. */
    st = migrate_status(src, &err);
    g_assert_cmpstr(st, ==, "failed");
    g_assert_cmpstr(err, ==, "Failed to find fdset /dev/fdset/3");
    assert_run_state(src, "running");
}

static void test_fdsets(void)
{
    g_autoptr(QTestState) s = start_dest(); /* configuration phase */
    g_autoptr(JsonObject) a = NULL;
    g_autoptr(JsonObject) b = NULL;
    g_autoptr(JsonObject) c = NULL;
    g_autoptr(JsonObject) d = NULL;
    g_autoptr(JsonObject) bad = NULL;
    g_autofree char *sets = NULL;
    g_autofree char *want = NULL;
    g_autofree char *unknown_fd = NULL;
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    qtest_qmp_assert_error(s, "GenericError",
                           "No file descriptor supplied via SCM_RIGHTS",
                           "{\"execute\": \"add-fd\"}");
    bad = qtest_qmp_fds(s, &fd, 1,
                        "{\"execute\": \"add-fd\", \"arguments\": "
                        "{\"fdset-id\": -1}}");
    g_assert_cmpstr(qtest_reply_error_desc(bad), ==,
                    "Parameter 'fdset-id' expects a non-negative value");
    sets = fdsets_of(s);
    g_assert_cmpstr(sets, ==, "[]");

    a = add_fd(s, fd, "{}");
    b = add_fd(s, fd, "{\"fdset-id\": 0, \"opaque\": \"second\"}");
    c = add_fd(s, fd, "{\"fdset-id\": 5, \"opaque\": \"five\"}");
    d = add_fd(s, fd, "{}");
    close(fd);
    g_assert_cmpint(reply_int(a, "fdset-id"), ==, 0);
    g_assert_cmpint(reply_int(b, "fdset-id"), ==, 0);
    g_assert_cmpint(reply_int(c, "fdset-id"), ==, 5);
    g_assert_cmpint(reply_int(d, "fdset-id"), ==, 1);
    /* Sets highest id first, each set's descriptors oldest first. */
    want = g_strdup_printf(
        "[{\"fdset-id\":5,\"fds\":[{\"fd\":%" G_GINT64_FORMAT
        ",\"opaque\":\"five\"}]},"
        "{\"fdset-id\":1,\"fds\":[{\"fd\":%" G_GINT64_FORMAT "}]},"
        "{\"fdset-id\":0,\"fds\":[{\"fd\":%" G_GINT64_FORMAT "},"
        "{\"fd\":%" G_GINT64_FORMAT ",\"opaque\":\"second\"}]}]",
        reply_int(c, "fd"), reply_int(d, "fd"), reply_int(a, "fd"),
        reply_int(b, "fd"));
    g_clear_pointer(&sets, g_free);
    sets = fdsets_of(s);
    g_assert_cmpstr(sets, ==, want);

    qtest_qmp_assert_error(
        s, "GenericError", "File descriptor named 'fdset-id:9' not found",
        "{\"execute\": \"remove-fd\", \"arguments\": {\"fdset-id\": 9}}");
    unknown_fd = g_strdup_printf(
        "File descriptor named 'fdset-id:0, fd:%" G_GINT64_FORMAT "' not found",
        reply_int(c, "fd"));
    qtest_qmp_assert_error(s, "GenericError", unknown_fd,
                           "{\"execute\": \"remove-fd\", \"arguments\": "
                           "{\"fdset-id\": 0, \"fd\": %" G_GINT64_FORMAT "}}",
                           reply_int(c, "fd"));
    g_clear_pointer(&sets, g_free);
    sets = fdsets_of(s);
    g_assert_cmpstr(sets, ==, want);

    qtest_qmp_assert_success(s,
                             "{\"execute\": \"remove-fd\", \"arguments\": "
                             "{\"fdset-id\": 0, \"fd\": %" G_GINT64_FORMAT "}}",
                             reply_int(a, "fd"));
    qtest_qmp_assert_success(
        s, "{\"execute\": \"remove-fd\", \"arguments\": {\"fdset-id\": 5}}");
    g_clear_pointer(&want, g_free);
    want = g_strdup_printf("[{\"fdset-id\":1,\"fds\":[{\"fd\":%" G_GINT64_FORMAT
                           "}]},"
                           "{\"fdset-id\":0,\"fds\":[{\"fd\":%" G_GINT64_FORMAT
                           ",\"opaque\":\"second\"}]}]",
                           reply_int(d, "fd"), reply_int(b, "fd"));
    g_clear_pointer(&sets, g_free);
    sets = fdsets_of(s);
    g_assert_cmpstr(sets, ==, want);
    assert_run_state(s, "inmigrate");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/channels/unix", test_unix);
    g_test_add_func("/migration/channels/tcp-port0", test_tcp_port0);
    g_test_add_func("/migration/channels/fd", test_fd);
    g_test_add_func("/migration/channels/file-offset", test_file_offset);
    g_test_add_func("/migration/channels/exec", test_exec);
    g_test_add_func("/migration/channels/fdset-file", test_fdset_file);
    g_test_add_func("/migration/channels/cmdline-fdset-incoming",
                    test_cmdline_fdset_incoming);
    g_test_add_func("/migration/channels/cmdline-keyval-repeat",
                    test_cmdline_keyval_repeat);
    g_test_add_func("/migration/channels/migrate-errors", test_migrate_errors);
    g_test_add_func("/migration/channels/incoming-errors",
                    test_incoming_errors);
    g_test_add_func("/migration/channels/fdset-wrong-mode",
                    test_fdset_wrong_mode);
    g_test_add_func("/migration/fdsets", test_fdsets);
    return g_test_run();
}
