/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpr-exec of the built-in machine: qmpd saves its device state to a
 * file and executes itself again in place (same PID), keeping its RAM
 * memfd and its chardev sockets.  The test's QMP and qtest connections
 * go on across the exec: the new program answers on them, with the same
 * RAM and the guest running.  A command that cannot be executed fails
 * the migration and the guest runs on; private RAM is refused at once.
 */

#include "prelude.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "libqtest.h"
#include "migration-helpers.h"

static void set_cpr_exec(QTestState *s, const char *command)
{
    qtest_qmp_assert_success(s,
                             "{\"execute\": \"migrate-set-parameters\", "
                             "\"arguments\": {\"mode\": \"cpr-exec\", "
                             "\"cpr-exec-command\": %s}}",
                             command);
}

static char *state_uri(QTestState *s)
{
    g_autofree char *path = qtest_tmp_path(s, "cpr-state");

    return g_strdup_printf("file:%s", path);
}

/* The file holds device state only: the RAM stayed in its memfd. */
static void assert_small_state(QTestState *s)
{
    g_autofree char *path = qtest_tmp_path(s, "cpr-state");
    GStatBuf st;

    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_test_message("state file: %" G_GINT64_FORMAT " bytes",
                   (gint64)st.st_size);
    g_assert_cmpint(st.st_size, <, 64 * 1024);
}

/* The exec, on the same connections: same PID, RAM, a running guest. */
static void exec_and_check(QTestState *s, const char *hash)
{
    int pid = qtest_pid(s);
    g_autofree char *cmd = cpr_exec_own_command(s, NULL);
    g_autofree char *uri = state_uri(s);
    g_autofree char *st = NULL;
    g_autofree char *err = NULL;
    g_autofree char *hash_after = NULL;

    JsonObject *old;

    /* Forget the RESUME of the guest's start (or of an earlier exec). */
    while ((old = qtest_qmp_event_ref(s, "RESUME")) != NULL) {
        json_object_unref(old);
    }
    set_cpr_exec(s, cmd);
    migrate(s, uri);
    /* The old program stops the guest, the new one resumes it. */
    qtest_qmp_eventwait(s, "RESUME");
    g_assert_cmpint(qtest_pid(s), ==, pid);
    assert_run_state(s, "running");
    st = migrate_status(s, &err);
    g_test_message("after the exec: query-migrate %s %s", st,
                   err != NULL ? err : "");
    g_assert_cmpstr(st, ==, "completed");
    hash_after = ram_hash(s);
    g_assert_cmpstr(hash_after, ==, hash);
    assert_small_state(s);
    /* The RAM is the same memfd: still shared, the parameters reset. */
    {
        g_autoptr(JsonNode) r = qtest_qmp_assert_success_ref(
            s, "{\"execute\": \"query-migrate-parameters\"}");

        g_assert_cmpstr(
            json_object_get_string_member(json_node_get_object(r), "mode"), ==,
            "normal");
    }
}

/* One more QMP session, on a server socket of the daemon. */
static QTestState *connect_mon(const char *path)
{
    QTestState *c = qtest_qmp_connect(path, true);

    qtest_qmp_assert_success(c, "{\"execute\": \"query-status\"}");
    return c;
}

static void test_exec(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *mon = g_build_filename(dir, "mon1.sock", NULL);
    g_autofree char *extra = g_strdup_printf(
        "-M aux-ram-share=on -chardev socket,id=mon1,path=%s,server=on,"
        "wait=off -mon chardev=mon1,mode=control",
        mon);
    g_autoptr(QTestState) s = start_source(extra);
    g_autoptr(QTestState) c1 = connect_mon(mon);
    g_autofree char *hash = ram_hash(s);

    exec_and_check(s, hash);
    /*
     * The listening socket was kept (not bound again: the path is the
     * same file), and so was its connected client's session.
     */
    qtest_qmp_assert_success(c1, "{\"execute\": \"query-status\"}");
    qtest_quit(g_steal_pointer(&c1));
    c1 = connect_mon(mon);
    /* The guest writes on; a second exec keeps that too. */
    qtest_writel(s, PATTERN_BASE, 0x5eed1234);
    g_free(hash);
    hash = ram_hash(s);
    exec_and_check(s, hash);
    qtest_qmp_assert_success(c1, "{\"execute\": \"query-status\"}");
    qtest_quit(g_steal_pointer(&c1));
    qtest_quit(g_steal_pointer(&s));
    g_assert_false(g_file_test(mon, G_FILE_TEST_EXISTS));
    qtest_remove_tmpdir(dir);
}

/*
 * RAM from a shared memory-backend-memfd instead of aux-ram-share: the
 * new program's backend of the same id takes the kept memfd.
 */
static void test_memfd_backend(void)
{
    g_autoptr(QTestState) s =
        start_source("-object memory-backend-memfd,id=mem,size=256M,share=on "
                     "-M memory-backend=mem");
    g_autofree char *hash = ram_hash(s);

    exec_and_check(s, hash);
    qtest_writel(s, PATTERN_BASE, 0x600dcafe);
    g_free(hash);
    hash = ram_hash(s);
    exec_and_check(s, hash);
}

/* A paused guest stays paused in the new program. */
static void test_paused(void)
{
    g_autoptr(QTestState) s = start_source("-M aux-ram-share=on");
    g_autofree char *hash = ram_hash(s);
    g_autofree char *cmd = cpr_exec_own_command(s, NULL);
    g_autofree char *uri = state_uri(s);
    g_autofree char *st = NULL;
    g_autofree char *hash_after = NULL;
    int pid = qtest_pid(s);

    qtest_qmp_assert_success(s, "{\"execute\": \"stop\"}");
    set_cpr_exec(s, cmd);
    migrate(s, uri);
    /* The old program reports active or device; the new one completed. */
    for (int i = 0; i < 500; i++) {
        g_free(st);
        st = migrate_status(s, NULL);
        if (g_strcmp0(st, "completed") == 0) {
            break;
        }
        g_usleep(10000);
    }
    g_assert_cmpstr(st, ==, "completed");
    g_assert_cmpint(qtest_pid(s), ==, pid);
    assert_run_state(s, "paused");
    hash_after = ram_hash(s);
    g_assert_cmpstr(hash_after, ==, hash);
    assert_small_state(s);
    qtest_qmp_assert_success(s, "{\"execute\": \"cont\"}");
    assert_run_state(s, "running");
}

/* A command that cannot run: failed, the guest and its RAM go on. */
static void test_missing_binary(void)
{
    g_autoptr(QTestState) s = start_source("-M aux-ram-share=on");
    g_autofree char *hash = ram_hash(s);
    g_autofree char *uri = state_uri(s);
    g_autofree char *end = NULL;
    g_autofree char *err = NULL;
    g_autofree char *hash_now = NULL;
    int pid = qtest_pid(s);

    set_cpr_exec(s, "[\"/nonexistent/qmpd-cpr-exec\", \"-S\"]");
    migrate(s, uri);
    end = wait_end(s, &err);
    g_test_message("%s: %s", end, err);
    g_assert_cmpstr(end, ==, "failed");
    g_assert_nonnull(strstr(err, "cpr-exec: cannot execute "
                                 "'/nonexistent/qmpd-cpr-exec': No such file"));
    g_assert_cmpint(qtest_pid(s), ==, pid);
    assert_run_state(s, "running");
    hash_now = ram_hash(s);
    g_assert_cmpstr(hash_now, ==, hash);
    /* Nothing stayed behind: a retry with the right command works. */
    exec_and_check(s, hash);
}

/* Private RAM cannot survive an exec: refused at once. */
static void test_private_ram(void)
{
    g_autoptr(QTestState) s = start_source("");
    g_autofree char *uri = state_uri(s);
    g_autofree char *st = NULL;

    set_cpr_exec(s, "[\"/bin/true\"]");
    qtest_qmp_assert_error(s, "GenericError",
                           "cpr-exec needs shared RAM, but memory 'pc.ram' "
                           "is private (set -machine aux-ram-share=on)",
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"uri\": \"%s\"}}",
                           uri);
    st = migrate_status(s, NULL);
    g_assert_cmpstr(st, ==, "");
    assert_run_state(s, "running");
}

/* cpr-exec needs a file: URI and a command. */
static void test_preconditions(void)
{
    g_autoptr(QTestState) s = start_source("-M aux-ram-share=on");
    g_autofree char *uri = state_uri(s);

    qtest_qmp_assert_success(s, "{\"execute\": \"migrate-set-parameters\", "
                                "\"arguments\": {\"mode\": \"cpr-exec\"}}");
    qtest_qmp_assert_error(s, "GenericError",
                           "cpr-exec needs the cpr-exec-command parameter",
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"uri\": \"%s\"}}",
                           uri);
    set_cpr_exec(s, "[\"/bin/true\"]");
    qtest_qmp_assert_error(s, "GenericError",
                           "cpr-exec needs a file: migration URI (the device "
                           "state waits there for the new program)",
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"uri\": \"exec:cat > /dev/null\"}}");
    qtest_qmp_assert_error(s, "GenericError",
                           "cpr-exec: the state file's name cannot start "
                           "with 'fd:' (give it as ./fd:...)",
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"uri\": \"file:fd:3\"}}");
    assert_run_state(s, "running");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpr-exec/exec", test_exec);
    g_test_add_func("/cpr-exec/paused", test_paused);
    g_test_add_func("/cpr-exec/memfd-backend", test_memfd_backend);
    g_test_add_func("/cpr-exec/missing-binary", test_missing_binary);
    g_test_add_func("/cpr-exec/private-ram", test_private_ram);
    g_test_add_func("/cpr-exec/preconditions", test_preconditions);
    return g_test_run();
}
