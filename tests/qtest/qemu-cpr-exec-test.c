/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Live update of qmpd while QEMU runs the guest (cpr-exec): the guest
 * of tests/guest/ boots under TCG, configured by machine-set, and prints
 * "QMPD-COUNTER N" every ~10 ms on its serial port.  qmpd then executes
 * itself (or a copy of its binary at another path) in place:
 *
 * - qmpd's PID and QEMU's stay the same, QEMU is still qmpd's child;
 * - the counter read on the same serial connection goes on with no gap
 *   and no restart: the guest never stopped or rebooted;
 * - the same QMP connection answers (query-status, query-machine-config
 *   as before), QEMU's events reach it (stop/cont), a client that asked
 *   for MIGRATION events sees "completed" from the new program, and a
 *   new client can connect;
 * - a missing binary fails the migration, everything goes on and a
 *   retry works;
 * - once updated, SIGKILL of qmpd still takes QEMU with it.
 *
 * Skips, saying why, without qemu-system-x86_64 or the guest.  Standalone:
 *   QMPD_BINARY=build/system/qmpd build/tests/qtest/qemu-cpr-exec-test --tap
 */
#include "prelude.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "libqtest.h"
#include "migration-helpers.h"
#include "qemu-guest-helpers.h"

#define REPORT_TIMEOUT_S 120
#define GUEST_MEM (128u << 20)
#define GUEST_APPEND "console=ttyS0 panic=-1 qmpd.counter=1"

typedef struct Live {
    char *dir;
    char *mon_path;
    QTestState *qmp;
    int serial;
    GString *out; /* everything read from the serial port */
} Live;

static void live_clear(Live *l)
{
    if (l->serial >= 0) {
        close(l->serial);
    }
    if (l->out != NULL) {
        g_string_free(l->out, TRUE);
    }
    if (l->dir != NULL) {
        qtest_remove_tmpdir(l->dir);
    }
    g_free(l->dir);
    g_free(l->mon_path);
    memset(l, 0, sizeof(*l));
    l->serial = -1;
}

/* Reads the serial port for @ms (a counting guest is never quiet). */
static void live_read(Live *l, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    while (g_get_monotonic_time() < deadline) {
        struct pollfd pfd = {.fd = l->serial, .events = POLLIN};
        char buf[4096];
        ssize_t n;
        int rc = poll(&pfd, 1, 100);

        if (rc < 0 && errno == EINTR) {
            continue;
        }
        if (rc <= 0) {
            continue;
        }
        n = read(l->serial, buf, sizeof(buf));
        g_assert_cmpint(n, >, 0);
        g_string_append_len(l->out, buf, n);
    }
}

/* Reads until @text shows up in the output, for at most @max_ms. */
static void live_wait_text(Live *l, const char *text, int max_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)max_ms * 1000;

    while (strstr(l->out->str, text) == NULL) {
        if (g_get_monotonic_time() > deadline) {
            g_error("no '%s' on the serial port; its end:\n%s", text,
                    l->out->str +
                        (l->out->len > 2000 ? l->out->len - 2000 : 0));
        }
        live_read(l, 100);
    }
}

/* Where the last complete line of the output ends. */
static gsize line_mark(Live *l)
{
    const char *nl = strrchr(l->out->str, '\n');

    return nl != NULL ? (gsize)(nl - l->out->str) + 1 : 0;
}

static guint64 last_counter_before(Live *l, gsize mark)
{
    g_autofree char *head = g_strndup(l->out->str, mark);
    g_autoptr(GArray) nums = counters(head);

    g_assert_cmpuint(nums->len, >, 0);
    return g_array_index(nums, guint64, nums->len - 1);
}

/*
 * The counter after @mark goes on from the one before it, one number at
 * a time, with no new boot.  (Only from a mark: while the guest reports
 * its firmware, the two writers' lines may interleave.)
 */
static void assert_counter_unbroken(Live *l, gsize mark)
{
    const char *tail = l->out->str + mark;
    g_autoptr(GArray) nums = counters(tail);
    guint64 prev = last_counter_before(l, mark);

    g_assert_null(strstr(tail, "QMPD-GUEST begin"));
    g_assert_cmpuint(nums->len, >, 10);
    for (guint i = 0; i < nums->len; i++) {
        guint64 cur = g_array_index(nums, guint64, i);

        if (cur != prev + 1) {
            g_error("the counter went from %" G_GUINT64_FORMAT
                    " to %" G_GUINT64_FORMAT,
                    prev, cur);
        }
        prev = cur;
    }
    g_test_message("counter: %" G_GUINT64_FORMAT " .. %" G_GUINT64_FORMAT
                   " across the update",
                   last_counter_before(l, mark), prev);
}

/* The PID of qmpd's QEMU child (there is exactly one). */
static int qemu_child(int parent)
{
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    const char *name;
    int found = 0;

    g_assert_nonnull(proc);
    while ((name = g_dir_read_name(proc)) != NULL) {
        g_autofree char *path = g_strdup_printf("/proc/%s/stat", name);
        g_autofree char *text = NULL;
        const char *paren;
        int ppid = 0;
        char state;

        if (!g_ascii_isdigit(name[0]) ||
            !g_file_get_contents(path, &text, NULL, NULL)) {
            continue;
        }
        paren = strrchr(text, ')');
        if (paren == NULL || strstr(text, "(qemu-system-") == NULL ||
            sscanf(paren + 1, " %c %d", &state, &ppid) != 2) {
            continue;
        }
        if (ppid == parent && state != 'Z') {
            g_assert_cmpint(found, ==, 0);
            found = atoi(name);
        }
    }
    return found;
}

/* Whether @pid is gone (or only a zombie waiting for its new parent). */
static bool process_gone(int pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", pid);
    g_autofree char *text = NULL;
    const char *paren;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return true;
    }
    paren = strrchr(text, ')');
    return paren != NULL && paren[1] == ' ' && paren[2] == 'Z';
}

static char *machine_config(QTestState *s)
{
    g_autoptr(JsonNode) r = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-machine-config\"}");

    return json_to_string(r, FALSE);
}

/* Boots the guest configured by machine-set, until it counts. */
static void live_start(Live *l, const Guest *g)
{
    g_autofree char *serial_path = NULL;
    g_autofree char *serial_dev = NULL;
    g_autofree char *mon_dev = NULL;
    g_autofree char *args = NULL;
    g_autofree char *kernel = json_quote(g->kernel);
    g_autofree char *initrd = json_quote(g->initrd);
    g_autoptr(Report) boot = report_new();

    l->serial = -1;
    l->dir = qtest_make_tmpdir();
    serial_path = g_build_filename(l->dir, "serial.sock", NULL);
    l->mon_path = g_build_filename(l->dir, "mon1.sock", NULL);
    serial_dev =
        quote_printf("socket,id=ser0,path=%s,server=on,wait=off", serial_path);
    mon_dev =
        quote_printf("socket,id=mon1,path=%s,server=on,wait=off", l->mon_path);
    args = g_strdup_printf("-preconfig -nodefaults -chardev %s -serial "
                           "chardev:ser0 -chardev %s -mon "
                           "chardev=mon1,mode=control",
                           serial_dev, mon_dev);
    l->qmp = qtest_init(args);
    l->serial = qtest_unix_connect(serial_path);
    l->out = g_string_new(NULL);
    qtest_qmp_assert_success(
        l->qmp,
        "{\"execute\": \"machine-set\", \"arguments\": {"
        "\"accel\": {\"type\": \"tcg\"},"
        " \"kernel\": %s, \"initrd\": %s, \"append\": \"" GUEST_APPEND "\","
        " \"memory\": {\"size\": %u}}}",
        kernel, initrd, GUEST_MEM);
    qtest_qmp_assert_success(l->qmp, "{\"execute\": \"x-exit-preconfig\"}");
    report_wait(boot, l->serial, "done", REPORT_TIMEOUT_S);
    g_string_append_len(l->out, boot->log->str, boot->log->len);
    live_wait_text(l, "QMPD-COUNTER 20\r", 30 * 1000);
    /* MIGRATION events are asked of QEMU, and qmpd keeps a copy. */
    qtest_qmp_assert_success(
        l->qmp, "{\"execute\": \"migrate-set-capabilities\", \"arguments\": "
                "{\"capabilities\": [{\"capability\": \"events\", "
                "\"state\": true}]}}");
}

static void set_cpr_exec(QTestState *s, const char *command)
{
    g_autoptr(JsonNode) r = NULL;
    JsonObject *p;

    /* Kept by qmpd: QEMU 7.2 knows neither member. */
    qtest_qmp_assert_success(s,
                             "{\"execute\": \"migrate-set-parameters\", "
                             "\"arguments\": {\"mode\": \"cpr-exec\", "
                             "\"cpr-exec-command\": %s}}",
                             command);
    /* Mixed with QEMU's own: those are QEMU's. */
    qtest_qmp_assert_success(s, "{\"execute\": \"migrate-set-parameters\", "
                                "\"arguments\": {\"mode\": \"cpr-exec\", "
                                "\"downtime-limit\": 321}}");
    r = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-migrate-parameters\"}");
    p = json_node_get_object(r);
    g_assert_cmpstr(json_object_get_string_member(p, "mode"), ==, "cpr-exec");
    g_assert_cmpint(json_object_get_int_member(p, "downtime-limit"), ==, 321);
    g_assert_true(json_object_has_member(p, "cpr-exec-command"));
}

static char *state_uri(Live *l)
{
    return g_strdup_printf("file:%s/cpr-state", l->dir);
}

/* Waits for the MIGRATION event with @status. */
static void wait_migration_event(QTestState *s, const char *status)
{
    for (;;) {
        g_autoptr(JsonObject) ev = qtest_qmp_eventwait_ref(s, "MIGRATION");
        JsonObject *data = json_object_get_object_member(ev, "data");

        g_test_message("MIGRATION %s",
                       json_object_get_string_member(data, "status"));
        if (g_str_equal(json_object_get_string_member(data, "status"),
                        status)) {
            return;
        }
    }
}

/* One live update into @binary (NULL: the same path), checked. */
static void live_update(Live *l, const char *binary)
{
    int pid = qtest_pid(l->qmp);
    int qemu = qemu_child(pid);
    g_autofree char *cmd = cpr_exec_own_command(l->qmp, binary);
    g_autofree char *uri = state_uri(l);
    g_autofree char *config = machine_config(l->qmp);
    g_autofree char *config_after = NULL;
    g_autofree char *st = NULL;
    g_autofree char *err = NULL;
    gsize mark;

    g_assert_cmpint(qemu, >, 0);
    set_cpr_exec(l->qmp, cmd);
    live_read(l, 200);
    mark = line_mark(l);
    migrate(l->qmp, uri);
    /* The old program says setup and active; the new one completed. */
    wait_migration_event(l->qmp, "completed");
    st = migrate_status(l->qmp, &err);
    g_assert_cmpstr(st, ==, "completed");
    g_assert_cmpint(qtest_pid(l->qmp), ==, pid);
    g_assert_cmpint(qemu_child(pid), ==, qemu);
    assert_run_state(l->qmp, "running");
    config_after = machine_config(l->qmp);
    g_assert_cmpstr(config_after, ==, config);
    if (binary != NULL) {
        g_autofree char *exe = g_strdup_printf("/proc/%d/exe", pid);
        g_autofree char *target = g_file_read_link(exe, NULL);

        g_assert_cmpstr(target, ==, binary);
    }
    /* The guest never stopped: the counter goes on from where it was. */
    live_read(l, 1000);
    assert_counter_unbroken(l, mark);
}

/* After an update: QEMU's events, the serial input, a new client. */
static void assert_all_connected(Live *l)
{
    g_autoptr(QTestState) c2 = NULL;

    qtest_qmp_assert_success(l->qmp, "{\"execute\": \"stop\"}");
    qtest_qmp_eventwait(l->qmp, "STOP");
    assert_run_state(l->qmp, "paused");
    qtest_qmp_assert_success(l->qmp, "{\"execute\": \"cont\"}");
    qtest_qmp_eventwait(l->qmp, "RESUME");
    assert_run_state(l->qmp, "running");
    /* A line typed on the console reaches the guest, which answers. */
    serial_write(l->serial, "report\n");
    live_wait_text(l, "QMPD-GUEST again-done", 30 * 1000);
    c2 = qtest_qmp_connect(l->mon_path, true);
    qtest_qmp_assert_success(c2, "{\"execute\": \"query-status\"}");
}

/* A copy of the daemon's binary, executable, under @dir. */
static char *copy_binary(const char *dir)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    char *copy = g_build_filename(dir, "qmpd-new", NULL);

    g_assert_true(g_file_get_contents(qtest_binary(), &text, &len, NULL));
    g_assert_true(g_file_set_contents(copy, text, (gssize)len, NULL));
    g_assert_cmpint(g_chmod(copy, 0755), ==, 0);
    return copy;
}

static void test_update(void)
{
    g_auto(Guest) g = {0};
    Live l = {.serial = -1};
    g_autofree char *copy = NULL;
    int qemu;

    if (!guest_or_skip(&g)) {
        return;
    }
    live_start(&l, &g);
    qemu = qemu_child(qtest_pid(l.qmp));
    live_update(&l, NULL);
    assert_all_connected(&l);
    /* A new binary takes over just the same. */
    copy = copy_binary(l.dir);
    live_update(&l, copy);
    assert_all_connected(&l);
    /* A normal exit still ends QEMU with it. */
    qtest_quit(g_steal_pointer(&l.qmp));
    g_assert_true(process_gone(qemu));
    live_clear(&l);
}

static void test_missing_binary(void)
{
    g_auto(Guest) g = {0};
    Live l = {.serial = -1};
    g_autofree char *uri = NULL;
    g_autofree char *end = NULL;
    g_autofree char *err = NULL;
    int pid, qemu;
    gsize mark;

    if (!guest_or_skip(&g)) {
        return;
    }
    live_start(&l, &g);
    uri = state_uri(&l);
    pid = qtest_pid(l.qmp);
    qemu = qemu_child(pid);
    /* The checks come first and change nothing. */
    qtest_qmp_assert_success(l.qmp, "{\"execute\": \"migrate-set-parameters\", "
                                    "\"arguments\": {\"mode\": \"cpr-exec\"}}");
    qtest_qmp_assert_error(l.qmp, "GenericError",
                           "cpr-exec needs the cpr-exec-command parameter",
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"uri\": \"%s\"}}",
                           uri);
    set_cpr_exec(l.qmp, "[\"/nonexistent/qmpd-cpr-exec\"]");
    qtest_qmp_assert_error(l.qmp, "GenericError",
                           "cpr-exec needs a file: migration URI (the device "
                           "state waits there for the new program)",
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"uri\": \"exec:cat > /dev/null\"}}");
    live_read(&l, 200);
    mark = line_mark(&l);
    migrate(l.qmp, uri);
    wait_migration_event(l.qmp, "failed");
    end = migrate_status(l.qmp, &err);
    g_test_message("%s: %s", end, err);
    g_assert_cmpstr(end, ==, "failed");
    g_assert_nonnull(strstr(err, "cpr-exec: cannot execute "
                                 "'/nonexistent/qmpd-cpr-exec': No such file"));
    g_assert_cmpint(qtest_pid(l.qmp), ==, pid);
    g_assert_cmpint(qemu_child(pid), ==, qemu);
    assert_run_state(l.qmp, "running");
    live_read(&l, 500);
    assert_counter_unbroken(&l, mark);
    assert_all_connected(&l);
    /* Nothing stayed behind: a retry works. */
    live_update(&l, NULL);
    qtest_quit(g_steal_pointer(&l.qmp));
    live_clear(&l);
}

static void test_no_orphan(void)
{
    g_auto(Guest) g = {0};
    Live l = {.serial = -1};
    int pid, qemu, status;

    if (!guest_or_skip(&g)) {
        return;
    }
    live_start(&l, &g);
    live_update(&l, NULL);
    pid = qtest_pid(l.qmp);
    qemu = qemu_child(pid);
    g_assert_cmpint(qemu, >, 0);
    /* The parent-death signal was set before the exec and still holds. */
    g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
    status = qtest_wait_exit(g_steal_pointer(&l.qmp), 10 * 1000);
    g_assert_true(WIFSIGNALED(status));
    for (int i = 0; i < 200 && !process_gone(qemu); i++) {
        g_usleep(10 * 1000);
    }
    g_assert_true(process_gone(qemu));
    live_clear(&l);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-cpr-exec/update", test_update);
    g_test_add_func("/qemu-cpr-exec/missing-binary", test_missing_binary);
    g_test_add_func("/qemu-cpr-exec/no-orphan", test_no_orphan);
    return g_test_run();
}
