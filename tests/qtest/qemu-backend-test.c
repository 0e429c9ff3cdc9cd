/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU backend through the real binaries: the hand-off at the end of
 * the configuration phase, QMP through qmpd afterwards (ids, events,
 * union introspection, qmpd's own commands), and every failure leaving
 * the configuration phase usable.  Skips when qemu-system-x86_64 is not
 * installed.  The booted-guest checks are in qemu-guest-test.c.
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libqtest.h"

#define QEMU_BINARY "qemu-system-x86_64"

/*
 * A configuration touching every member family the renderer knows, so
 * that a successful start proves QEMU accepted each rendered option.
 */
static const char rich_config[] =
    "{\"accel\": {\"type\": \"tcg\", \"thread\": \"single\"},"
    " \"cpu\": \"qemu64\","
    " \"smp\": {\"cpus\": 2, \"maxcpus\": 4},"
    " \"memory\": {\"size\": 100663296},"
    " \"boot\": {\"order\": \"c\", \"menu\": false, \"strict\": true},"
    " \"uuid\": \"12345678-9abc-def0-1234-56789abcdef0\","
    " \"smbios\": {\"type0\": {\"vendor\": \"V, Inc.\", \"release\": \"1.2\"},"
    "  \"type1\": {\"serial\": \"S1\", \"manufacturer\": \"Acme\"},"
    "  \"type2\": {\"product\": \"Board\"},"
    "  \"type3\": {\"asset\": \"A3\"},"
    "  \"type4\": {\"sock-pfx\": \"Sock\", \"max-speed\": 3000},"
    "  \"type11\": {\"values\": [\"one\", \"two,three\"]},"
    "  \"type17\": {\"loc-pfx\": \"RAM\", \"speed\": 3200}},"
    " \"rtc\": {\"base\": \"2010-06-01T10:00:00\", \"clock\": \"vm\"},"
    " \"fw-cfg\": [{\"name\": \"opt/qmpd/s\", \"string\": \"a,b\"},"
    "             {\"name\": \"opt/qmpd/d\", \"data\": \"AAECAw==\"}],"
    " \"acpitable\": [{\"sig\": \"QMPT\", \"oem-id\": \"QMPD\","
    "                  \"data\": [\"body\"], \"blob\": \"aGVsbG8=\"}]}";

static bool have_qemu(void)
{
    g_autofree char *path = g_find_program_in_path(QEMU_BINARY);

    if (path == NULL) {
        g_test_skip(QEMU_BINARY " is not installed (Debian: qemu-system-x86)");
        return false;
    }
    return true;
}

/* ---- a human-monitor client ---- */

#define HMP_PROMPT "(qemu) "

static int hmp_connect(const char *path)
{
    struct timeval tv = {.tv_sec = 30};
    int fd = qtest_unix_connect(path);

    /* A reply that never comes fails the test instead of hanging it. */
    g_assert_cmpint(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
                    ==, 0);
    return fd;
}

/* Reads up to and including the next prompt; returns what came before. */
static char *hmp_read_answer(int fd)
{
    GString *got = g_string_new(NULL);

    while (!g_str_has_suffix(got->str, HMP_PROMPT)) {
        char ch;

        if (read(fd, &ch, 1) != 1) {
            g_error("human monitor: no prompt after '%s'", got->str);
        }
        g_string_append_c(got, ch);
    }
    g_string_truncate(got, got->len - strlen(HMP_PROMPT));
    return g_string_free(got, FALSE);
}

static char *hmp(int fd, const char *line)
{
    g_autofree char *text = g_strdup_printf("%s\n", line);

    g_assert_cmpint(write(fd, text, strlen(text)), ==, (gssize)strlen(text));
    return hmp_read_answer(fd);
}

static void assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL) {
        g_error("expected '%s' in '%s'", part, text);
    }
}

static char *status_of(QTestState *s)
{
    g_autoptr(JsonObject) r = qtest_qmp(s, "{\"execute\": \"query-status\"}");
    JsonObject *ret = json_object_get_object_member(r, "return");

    return g_strdup(json_object_get_string_member(ret, "status"));
}

static bool list_has_name(JsonArray *list, const char *name)
{
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *o = json_array_get_object_element(list, i);

        if (g_str_equal(json_object_get_string_member(o, "name"), name)) {
            return true;
        }
    }
    return false;
}

/* @command's list names a QEMU-only command and both qmpd-only ones. */
static void assert_union(QTestState *s, const char *command)
{
    g_autoptr(JsonObject) r = qtest_qmp(s, "{\"execute\": \"%s\"}", command);
    JsonArray *list = json_object_get_array_member(r, "return");

    g_assert_true(list_has_name(list, "device_add"));
    g_assert_true(list_has_name(list, "machine-set"));
    g_assert_true(list_has_name(list, "query-machine-config"));
}

static bool process_gone(int pid, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 20) {
        g_autofree char *path = g_strdup_printf("/proc/%d/stat", pid);
        g_autofree char *stat = NULL;

        /* Gone, or a zombie nobody reaped yet. */
        if (!g_file_get_contents(path, &stat, NULL, NULL) ||
            strstr(stat, ") Z ") != NULL) {
            return true;
        }
        g_usleep(20 * 1000);
    }
    return false;
}

static void test_handoff_qmp(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *args = NULL;
    g_autofree char *mon1 = NULL;
    g_autofree char *hmp0 = NULL;
    g_autofree char *st = NULL;
    char *text;
    int h;
    QTestState *s, *c2;
    JsonObject *ret;

    if (!have_qemu()) {
        return;
    }
    dir = qtest_make_tmpdir();
    mon1 = g_build_filename(dir, "mon1.sock", NULL);
    hmp0 = g_build_filename(dir, "hmp0.sock", NULL);
    args = g_strdup_printf("-nodefaults -preconfig "
                           "-chardev socket,id=mon1,path=%s,server=on,wait=off "
                           "-mon chardev=mon1,mode=control "
                           "-chardev socket,id=hmp0,path=%s,server=on,wait=off "
                           "-mon chardev=hmp0,mode=readline",
                           mon1, hmp0);
    s = qtest_init(args);
    /* A second client connected before the hand-off stays connected. */
    c2 = qtest_qmp_connect(mon1, true);
    /* So does a human-monitor client; before it, qmpd answers. */
    h = hmp_connect(hmp0);
    g_free(hmp_read_answer(h));
    text = hmp(h, "info status");
    g_assert_cmpstr(text, ==, "VM status: paused (prelaunch)\n");
    g_free(text);

    qtest_qmp_assert_success(s,
                             "{\"execute\": \"machine-set\", "
                             "\"arguments\": %s}",
                             rich_config);
    qtest_qmp_assert_success(s, "{\"execute\": \"x-exit-preconfig\"}");

    /* QEMU's answer (it has "singlestep"), with the client's id. */
    {
        g_autoptr(JsonObject) r = qtest_qmp(
            s, "{\"execute\": \"query-status\", \"id\": {\"k\": [1, 2]}}");
        g_autofree char *id =
            qtest_json_to_string(json_object_get_object_member(r, "id"));

        ret = json_object_get_object_member(r, "return");
        g_assert_cmpstr(json_object_get_string_member(ret, "status"), ==,
                        "running");
        g_assert_true(json_object_has_member(ret, "singlestep"));
        g_assert_cmpstr(id, ==, "{\"k\":[1,2]}");
    }
    /* QEMU sees the configured topology. */
    {
        g_autoptr(JsonObject) r =
            qtest_qmp(c2, "{\"execute\": \"query-cpus-fast\"}");

        g_assert_cmpuint(
            json_array_get_length(json_object_get_array_member(r, "return")),
            ==, 2);
    }
    /* qmpd still owns the configuration; it is frozen now. */
    {
        g_autoptr(JsonObject) r =
            qtest_qmp(c2, "{\"execute\": \"query-machine-config\"}");
        JsonObject *cfg = json_object_get_object_member(
            json_object_get_object_member(r, "return"), "config");

        g_assert_cmpstr(
            json_object_get_string_member(
                json_object_get_object_member(cfg, "accel"), "type"),
            ==, "tcg");
    }
    qtest_qmp_assert_error(s, "GenericError",
                           "The command is permitted only before machine "
                           "initialization",
                           "{\"execute\": \"machine-set\", \"arguments\": "
                           "{\"uuid\": \"12345678-9abc-def0-1234-"
                           "56789abcdef1\"}}");

    /*
     * The human monitor: QEMU's lines go to QEMU ('info cpus' is not
     * qmpd's, and its answer has QEMU's thread ids), qmpd's own stay here
     * ('info chardev' lists qmpd's chardevs, not QEMU's private ones).
     * Two lines in one write are answered in order.
     */
    text = hmp(h, "info status");
    assert_contains(text, "VM status: running");
    g_free(text);
    g_assert_cmpint(write(h, "info cpus\ninfo chardev\n", 23), ==, 23);
    text = hmp_read_answer(h);
    assert_contains(text, "CPU #1");
    assert_contains(text, "thread_id=");
    g_free(text);
    text = hmp_read_answer(h);
    assert_contains(text, "hmp0: filename=");
    assert_contains(text, "mon1: filename=");
    g_assert_null(strstr(text, "qmpd-control"));
    g_free(text);
    text = hmp(h, "stop");
    g_free(text);
    qtest_qmp_eventwait(s, "STOP");
    g_free(st);
    st = status_of(s);
    g_assert_cmpstr(st, ==, "paused");
    text = hmp(h, "cont");
    g_free(text);
    qtest_qmp_eventwait(s, "RESUME");
    text = hmp(h, "no_such_command");
    assert_contains(text, "no_such_command");
    g_free(text);

    /* Union introspection: QEMU's commands and qmpd's own. */
    assert_union(s, "query-commands");
    assert_union(s, "query-qmp-schema");

    /* Events from QEMU reach every client. */
    qtest_qmp_assert_success(s, "{\"execute\": \"stop\"}");
    qtest_qmp_eventwait(s, "STOP");
    qtest_qmp_eventwait(c2, "STOP");
    g_free(st);
    st = status_of(c2);
    g_assert_cmpstr(st, ==, "paused");
    qtest_qmp_assert_success(c2, "{\"execute\": \"cont\"}");
    qtest_qmp_eventwait(s, "RESUME");
    qtest_qmp_eventwait(c2, "RESUME");
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    qtest_qmp_eventwait(c2, "RESET");

    /* quit ends QEMU, and qmpd with it, cleanly. */
    qtest_qmp_assert_success(s, "{\"execute\": \"quit\"}");
    qtest_qmp_eventwait(c2, "SHUTDOWN");
    g_assert_cmpint(WEXITSTATUS(qtest_wait_exit(s, 30000)), ==, 0);
    qtest_qmp_disconnect(c2);
    close(h);
    qtest_remove_tmpdir(dir);
}

/* After a failed x-exit-preconfig the phase is usable and a retry works. */
static void assert_still_configurable(QTestState *s)
{
    g_autofree char *st = status_of(s);

    g_assert_cmpstr(st, ==, "prelaunch");
    qtest_qmp_assert_success(s, "{\"execute\": \"machine-set\", "
                                "\"arguments\": {\"smp\": {\"cpus\": 1}}}");
}

static void test_missing_binary(void)
{
    QTestState *s;
    g_autofree char *st = NULL;

    if (!have_qemu()) {
        return;
    }
    s = qtest_init("-nodefaults -preconfig");
    qtest_qmp_assert_success(s,
                             "{\"execute\": \"machine-set\", "
                             "\"arguments\": {\"accel\": {\"type\": "
                             "\"tcg\", \"binary\": \"/nonexistent/qemu\"}}}");
    qtest_qmp_assert_error(s, "GenericError",
                           "accel.binary: '/nonexistent/qemu' is not an "
                           "executable file",
                           "{\"execute\": \"x-exit-preconfig\"}");
    assert_still_configurable(s);
    qtest_qmp_assert_success(s, "{\"execute\": \"machine-set\", "
                                "\"arguments\": {\"accel\": {\"type\": "
                                "\"tcg\"}}}");
    qtest_qmp_assert_success(s, "{\"execute\": \"x-exit-preconfig\"}");
    st = status_of(s);
    g_assert_cmpstr(st, ==, "running");
    qtest_quit(s);
}

static void test_refused_cmdline(void)
{
    QTestState *s;
    g_autoptr(JsonObject) r = NULL;
    g_autoptr(JsonObject) cfg = NULL;

    if (!have_qemu()) {
        return;
    }
    s = qtest_init("-nodefaults -preconfig");
    qtest_qmp_assert_success(s, "{\"execute\": \"machine-set\", "
                                "\"arguments\": {\"accel\": {\"type\": "
                                "\"tcg\"}, \"cpu\": \"no-such-cpu\"}}");
    r = qtest_qmp(s, "{\"execute\": \"x-exit-preconfig\"}");
    g_assert_cmpstr(qtest_reply_error_class(r), ==, "GenericError");
    /* QEMU's own first error line, quoted. */
    g_assert_nonnull(
        strstr(qtest_reply_error_desc(r), "QEMU refused the configuration: "));
    g_assert_nonnull(
        strstr(qtest_reply_error_desc(r), "unable to find CPU model"));
    /* The configuration is intact. */
    cfg = qtest_qmp(s, "{\"execute\": \"query-machine-config\"}");
    g_assert_cmpstr(
        json_object_get_string_member(
            json_object_get_object_member(
                json_object_get_object_member(cfg, "return"), "config"),
            "cpu"),
        ==, "no-such-cpu");
    assert_still_configurable(s);
    qtest_qmp_assert_success(s, "{\"execute\": \"machine-set\", "
                                "\"arguments\": {\"cpu\": \"qemu64\"}}");
    qtest_qmp_assert_success(s, "{\"execute\": \"x-exit-preconfig\"}");
    qtest_quit(s);
}

static void test_refused_members(void)
{
    QTestState *s;

    if (!have_qemu()) {
        return;
    }
    s = qtest_init("-nodefaults -preconfig");
    /* Semihosting has no x86 QEMU equivalent: refused, naming it. */
    qtest_qmp_assert_success(
        s, "{\"execute\": \"machine-set\", \"arguments\": {\"accel\": "
           "{\"type\": \"tcg\"}, \"semihosting-config\": {\"enable\": "
           "true}}}");
    qtest_qmp_assert_error(s, "GenericError",
                           "semihosting-config: QEMU has no semihosting on "
                           "x86 machines",
                           "{\"execute\": \"x-exit-preconfig\"}");
    assert_still_configurable(s);
    /* The built-in machine refuses a kernel it could never run. */
    qtest_qmp_assert_success(
        s, "{\"execute\": \"machine-set\", \"arguments\": {\"accel\": "
           "{\"type\": \"qtest\"}, \"kernel\": \"/boot/vmlinuz\"}}");
    qtest_qmp_assert_error(s, "GenericError",
                           "kernel: the qtest accelerator runs no guest "
                           "code; set accel.type to tcg or kvm",
                           "{\"execute\": \"x-exit-preconfig\"}");
    assert_still_configurable(s);
    qtest_quit(s);
}

static void test_qemu_crash(void)
{
    QTestState *s;
    g_autoptr(JsonObject) ev = NULL;
    int qemu, status;

    if (!have_qemu()) {
        return;
    }
    s = qtest_init("-nodefaults -accel tcg");
    qemu = qtest_child_pid(s, 0);
    g_assert_cmpint(qemu, >, 0);
    kill(qemu, SIGKILL);
    ev = qtest_qmp_eventwait_ref(s, "SHUTDOWN");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(ev, "data"), "reason"),
                    ==, "host-error");
    /* qmpd exits and its status says QEMU did not end well. */
    status = qtest_wait_exit(s, 30000);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
}

static void test_qmpd_killed(void)
{
    QTestState *s;
    int qemu;

    if (!have_qemu()) {
        return;
    }
    s = qtest_init("-nodefaults -accel tcg");
    qemu = qtest_child_pid(s, 0);
    g_assert_cmpint(qemu, >, 0);
    kill(qtest_pid(s), SIGKILL);
    /* The parent-death signal takes QEMU down with qmpd. */
    g_assert_true(process_gone(qemu, 10000));
    /* qtest_wait_exit() reaps and frees the state. */
    qtest_wait_exit(s, 30000);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-backend/handoff/qmp", test_handoff_qmp);
    g_test_add_func("/qemu-backend/failure/missing-binary",
                    test_missing_binary);
    g_test_add_func("/qemu-backend/failure/refused-cmdline",
                    test_refused_cmdline);
    g_test_add_func("/qemu-backend/failure/refused-members",
                    test_refused_members);
    g_test_add_func("/qemu-backend/failure/qemu-crash", test_qemu_crash);
    g_test_add_func("/qemu-backend/failure/qmpd-killed", test_qmpd_killed);
    return g_test_run();
}
