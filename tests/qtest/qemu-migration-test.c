/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Live migration of a guest that QEMU runs, between two qmpd processes.
 * The source is configured only by machine-set and boots the guest of
 * tests/guest/ with qmpd.counter=1: after its firmware report it prints
 * "QMPD-COUNTER N" every ~10 ms.  The destination is a bare qmpd with
 * -incoming defer and a serial chardev.  After the migration:
 *
 * - the counter read from both serial ports in order has no gap and no
 *   restart (no "QMPD-GUEST begin" on the destination), and it keeps
 *   counting on the destination;
 * - asked over the destination's serial port, the guest reports its
 *   firmware (DMI, SMBIOS type 11, the user ACPI table, the fw_cfg file)
 *   again, and it equals what it read at boot on the source.
 *
 * Over unix, tcp (with QEMU's return path, and MIGRATION events on both
 * sides: the destination's asked of qmpd before its QEMU existed), file
 * (the destination started afterwards with -incoming file:... and
 * -incoming config:, whose parameter its QEMU then reports) and exec.
 * The unix case first has multifd and postcopy-preempt refused on either
 * side.  Postcopy runs over unix in two hops (skipped without
 * userfaultfd).
 *
 * The failure cases (a truncated or corrupt prelude, a destination whose
 * QEMU is missing or refuses the configuration, a conflicting guest-visible
 * member, the built-in machine on one side, cancel on either side mid-stream)
 * each leave the source guest running and the destination in its configuration
 * phase with its prior configuration, and the migration that follows (over a
 * descriptor given to the source with getfd, "fd:") succeeds.
 *
 * Skips, saying why, without qemu-system-x86_64 or the guest (see
 * qemu-guest-test.c).  Standalone:
 *   QMPD_BINARY=build/system/qmpd build/tests/qtest/qemu-migration-test --tap
 */
#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "libqtest.h"
#include "migration-helpers.h"
#include "qemu-guest-helpers.h"

#define REPORT_TIMEOUT_S 120
#define GUEST_UUID "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
#define GUEST_SERIAL "MIG-SER-7"
#define GUEST_VENDOR "Migrating Co"
#define FWCFG_NAME "opt/qmpd/mig"
#define FWCFG_PAYLOAD "fw-cfg-travels-with-the-stream"
#define ACPI_SIG "QMPM"
#define GUEST_MEM (256u << 20)
#define GUEST_APPEND                                                       \
    "console=ttyS0 panic=-1 qmpd.fwcfg=" FWCFG_NAME " qmpd.acpi=" ACPI_SIG \
    " qmpd.counter=1"
/* Slow enough that cancelling mid-stream is not a race (bytes/s). */
#define SLOW_BANDWIDTH (4u << 20)
/* qmpd's refusal of @cap (migration/qemu-handoff.c). */
#define REFUSAL(cap)                                                      \
    cap " is not available for a guest run by QEMU: qmpd hands QEMU the " \
        "migration channel as a single descriptor ('fd:'), on which "     \
        "QEMU cannot open more channels"

typedef struct Side {
    QTestState *qmp;
    int serial;
    GString *out; /* everything read from the serial port */
    char *serial_path;
} Side;

static void side_clear(Side *s)
{
    if (s->qmp != NULL) {
        qtest_quit(s->qmp);
    }
    if (s->serial >= 0) {
        close(s->serial);
    }
    if (s->out != NULL) {
        g_string_free(s->out, TRUE);
    }
    g_free(s->serial_path);
    memset(s, 0, sizeof(*s));
    s->serial = -1;
}

/*
 * Reads @s's serial port until it was quiet for @quiet_ms, or for at most
 * @max_ms (a running guest's counter is never quiet).
 */
static void side_read(Side *s, int quiet_ms, int max_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)max_ms * 1000;

    while (g_get_monotonic_time() < deadline) {
        struct pollfd pfd = {.fd = s->serial, .events = POLLIN};
        char buf[4096];
        ssize_t n;
        int rc = poll(&pfd, 1, quiet_ms);

        if (rc < 0 && errno == EINTR) {
            continue;
        }
        if (rc <= 0) {
            return;
        }
        n = read(s->serial, buf, sizeof(buf));
        if (n <= 0) {
            return;
        }
        g_string_append_len(s->out, buf, n);
    }
}

static char *serial_chardev_args(const char *dir, const char *name,
                                 char **ret_path)
{
    g_autofree char *path = g_strdup_printf("%s/%s-serial.sock", dir, name);
    g_autofree char *chardev =
        g_strdup_printf("socket,id=ser0,path=%s,server=on,wait=off", path);
    g_autofree char *quoted = g_shell_quote(chardev);

    *ret_path = g_steal_pointer(&path);
    return g_strdup_printf("-nodefaults -chardev %s -serial chardev:ser0",
                           quoted);
}

/* The source: configured by machine-set only, booted to its counter. */
static void start_source_guest(Side *src, const Guest *g, const char *dir,
                               Report *boot)
{
    g_autofree char *serial =
        serial_chardev_args(dir, "src", &src->serial_path);
    g_autofree char *args = g_strdup_printf("-preconfig %s", serial);
    g_autofree char *kernel = json_quote(g->kernel);
    g_autofree char *initrd = json_quote(g->initrd);
    g_autofree char *body = g_build_filename(dir, "acpi-body.bin", NULL);
    g_autofree char *body_json = json_quote(body);

    g_assert_true(g_file_set_contents(body, "\x01\x02\x03\xfa", 4, NULL));
    src->qmp = qtest_init(args);
    src->serial = qtest_unix_connect(src->serial_path);
    src->out = g_string_new(NULL);
    qtest_qmp_assert_success(
        src->qmp,
        "{\"execute\": \"machine-set\", \"arguments\": {"
        "\"accel\": {\"type\": \"tcg\"},"
        " \"kernel\": %s, \"initrd\": %s, \"append\": \"" GUEST_APPEND "\","
        " \"memory\": {\"size\": %u}, \"uuid\": \"" GUEST_UUID "\","
        " \"smbios\": {\"type1\": {\"serial\": \"" GUEST_SERIAL "\","
        "   \"manufacturer\": \"" GUEST_VENDOR "\"},"
        "  \"type11\": {\"values\": [\"left\", \"right\"]}},"
        " \"fw-cfg\": [{\"name\": \"" FWCFG_NAME "\","
        "   \"string\": \"" FWCFG_PAYLOAD "\"}],"
        " \"acpitable\": [{\"sig\": \"" ACPI_SIG "\","
        "   \"oem-id\": \"QMPD\", \"data\": [%s]}],"
        " \"rtc\": {\"clock\": \"vm\"}}}",
        kernel, initrd, GUEST_MEM, body_json);
    qtest_qmp_assert_success(src->qmp, "{\"execute\": \"x-exit-preconfig\"}");
    report_wait(boot, src->serial, "done", REPORT_TIMEOUT_S);
    g_string_append_len(src->out, boot->log->str, boot->log->len);
    assert_reported(boot, "dmi.product_serial", GUEST_SERIAL);
    /*
     * Counting for a while first: migrated within a few milliseconds of
     * its boot report, the guest was seen counting many times faster on
     * the destination than its 10 ms period.
     */
    side_read(src, 2000, 2000);
}

/*
 * A bare destination: nothing but a serial chardev and @incoming (the
 * -incoming options).
 */
static void start_bare_dest(Side *dst, const char *dir, const char *name,
                            const char *incoming_opts)
{
    g_autofree char *serial = serial_chardev_args(dir, name, &dst->serial_path);
    g_autofree char *args = g_strdup_printf("%s %s", serial, incoming_opts);

    dst->qmp = qtest_init(args);
    dst->serial = qtest_unix_connect(dst->serial_path);
    dst->out = g_string_new(NULL);
}

/* Every "QMPD-COUNTER N" in @text, in order. */
static GArray *counters(const char *text)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(guint64));
    const char *p = text;

    while ((p = strstr(p, "QMPD-COUNTER ")) != NULL) {
        char *end;
        guint64 n;

        p += strlen("QMPD-COUNTER ");
        n = g_ascii_strtoull(p, &end, 10);
        if (end != p && (*end == '\r' || *end == '\n')) {
            g_array_append_val(a, n);
        }
        p = end;
    }
    return a;
}

/*
 * Reads @s until it printed @want counter lines or @max_ms passed: a
 * loaded host may take a while to schedule the resumed guest, so this
 * waits for the output rather than for a quiet line.
 */
static void side_wait_counters(Side *s, guint want, int max_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)max_ms * 1000;

    while (g_get_monotonic_time() < deadline) {
        g_autoptr(GArray) got = counters(s->out->str);

        if (got->len >= want) {
            return;
        }
        side_read(s, 200, 1000);
    }
}

/*
 * The source's output then the destination's is one run of the counter:
 * consecutive numbers, and at least @min_after of them on the
 * destination.
 */
static void assert_counter_continues(Side *src, Side *dst, guint min_after)
{
    g_autoptr(GString) all = g_string_new(src->out->str);
    g_autoptr(GArray) nums = NULL;
    g_autoptr(GArray) after = counters(dst->out->str);

    g_string_append(all, dst->out->str);
    nums = counters(all->str);
    g_assert_null(strstr(dst->out->str, "QMPD-GUEST begin"));
    if (after->len < min_after) {
        g_error("only %u counter lines on the destination; its output:\n%s",
                after->len, dst->out->str);
    }
    g_assert_cmpuint(nums->len, >, after->len);
    g_test_message("counter: %u lines on the source, %u on the destination "
                   "(%" G_GUINT64_FORMAT " .. %" G_GUINT64_FORMAT ")",
                   nums->len - after->len, after->len,
                   g_array_index(after, guint64, 0),
                   g_array_index(after, guint64, after->len - 1));
    for (guint i = 1; i < nums->len; i++) {
        guint64 prev = g_array_index(nums, guint64, i - 1);
        guint64 cur = g_array_index(nums, guint64, i);

        if (cur != prev + 1) {
            g_error("the counter went from %" G_GUINT64_FORMAT
                    " to %" G_GUINT64_FORMAT,
                    prev, cur);
        }
    }
}

/* Each firmware fact of @boot is reported the same in @again. */
static void assert_same_firmware(Report *boot, Report *again)
{
    GHashTableIter it;
    gpointer key, value;
    guint compared = 0;
    g_autoptr(GByteArray) fwcfg = NULL;

    g_hash_table_iter_init(&it, boot->values);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const char *k = key;

        if (g_str_has_prefix(k, "dmi.") || g_str_has_prefix(k, "smbios.") ||
            g_str_has_prefix(k, "acpi.") || g_str_has_prefix(k, "fwcfg.")) {
            assert_reported(again, k, value);
            compared++;
        }
    }
    /* DMI fields, an SMBIOS dump, the ACPI list and dump, fw_cfg. */
    g_assert_cmpuint(compared, >=, 10);
    g_test_message("firmware: %u facts equal after the migration", compared);
    fwcfg = report_bytes(again, "fwcfg." FWCFG_NAME);
    g_assert_cmpmem(fwcfg->data, fwcfg->len, FWCFG_PAYLOAD,
                    strlen(FWCFG_PAYLOAD));
    assert_reported(again, "dmi.product_uuid", GUEST_UUID);
}

/* Waits for a MIGRATION event with @status. */
static void wait_migration_event(QTestState *s, const char *status)
{
    for (;;) {
        g_autoptr(JsonObject) ev = qtest_qmp_eventwait_ref(s, "MIGRATION");
        JsonObject *data = json_object_get_object_member(ev, "data");

        if (g_str_equal(json_object_get_string_member(data, "status"),
                        status)) {
            return;
        }
    }
}

static void wait_status(QTestState *s, const char *want)
{
    for (int i = 0; i < 3000; i++) {
        g_autofree char *err = NULL;
        g_autofree char *st = migrate_status(s, &err);

        if (g_str_equal(st, want)) {
            return;
        }
        if (g_str_equal(st, "failed") || g_str_equal(st, "completed")) {
            g_error("migration is %s (%s), not %s", st, err ? err : "", want);
        }
        g_usleep(10 * 1000);
    }
    g_error("migration never reached %s", want);
}

/*
 * query-migrate on a destination whose QEMU receives: the question goes
 * to that QEMU, and when QEMU exits before it answers (a failed incoming
 * migration) the answer is an error.  Returns: the status, or NULL then.
 */
static char *dest_status(QTestState *s, char **ret_error)
{
    g_autoptr(JsonObject) reply =
        qtest_qmp(s, "{\"execute\": \"query-migrate\"}");
    JsonObject *o;

    *ret_error = NULL;
    if (!json_object_has_member(reply, "return")) {
        g_assert_cmpstr(qtest_reply_error_desc(reply), ==,
                        "QEMU exited before it answered");
        return NULL;
    }
    o = json_object_get_object_member(reply, "return");
    if (json_object_has_member(o, "error-desc")) {
        *ret_error = g_strdup(json_object_get_string_member(o, "error-desc"));
    }
    return g_strdup(json_object_has_member(o, "status")
                        ? json_object_get_string_member(o, "status")
                        : "");
}

/* The destination is back in its configuration phase, ready to retry. */
static void assert_dest_reset(Side *dst, const char *prior_config,
                              const char *error_part)
{
    g_autofree char *err = NULL;
    g_autofree char *st = NULL;
    g_autofree char *cfg = NULL;

    for (int i = 0; i < 1000; i++) {
        g_clear_pointer(&err, g_free);
        g_clear_pointer(&st, g_free);
        st = dest_status(dst->qmp, &err);
        if (st != NULL &&
            (g_str_equal(st, "failed") || g_str_equal(st, "cancelled"))) {
            break;
        }
        g_usleep(10 * 1000);
    }
    if (st == NULL) {
        g_error("query-migrate kept failing on the destination");
    }
    if (!g_str_equal(st, "failed") && !g_str_equal(st, "cancelled")) {
        g_error("destination migration is '%s', expected it to fail", st);
    }
    if (error_part != NULL &&
        (err == NULL || strstr(err, error_part) == NULL)) {
        g_error("destination error '%s' lacks '%s'", err ? err : "(none)",
                error_part);
    }
    assert_run_state(dst->qmp, "inmigrate");
    cfg = config_of(dst->qmp);
    g_assert_cmpstr(cfg, ==, prior_config);
}

/* The source guest runs, and its counter still advances. */
static void assert_source_runs(Side *src)
{
    g_autoptr(GArray) before = NULL;
    g_autoptr(GArray) later = NULL;

    /* A failure after the guest stopped restarts it, a moment later. */
    for (int i = 0; i < 500; i++) {
        g_autofree char *st = qtest_qmp_status(src->qmp);

        if (g_str_equal(st, "running")) {
            break;
        }
        g_usleep(10 * 1000);
    }
    assert_run_state(src->qmp, "running");
    side_read(src, 100, 500);
    before = counters(src->out->str);
    g_usleep(300 * 1000);
    side_read(src, 100, 500);
    later = counters(src->out->str);
    g_assert_cmpuint(later->len, >, before->len);
}

static void migrate_uri(QTestState *s, const char *uri)
{
    migrate(s, uri);
}

typedef enum Listen {
    LISTEN_FIRST,        /* migrate-incoming, then migrate */
    LISTEN_ALREADY,      /* the caller ran migrate-incoming */
    LISTEN_ALREADY_SENT, /* the caller ran migrate; @uri is for the dest */
    LISTEN_NONE,         /* the caller started both sides */
} Listen;

/*
 * Migrates @src to @dst over @uri, then checks the counter and the
 * firmware.
 */
static void migrate_and_check(Side *src, Side *dst, Report *boot,
                              const char *uri, Listen listen)
{
    g_autoptr(Report) again = report_new();
    g_autofree char *src_status = NULL;
    g_autofree char *src_err = NULL;

    if (listen == LISTEN_FIRST) {
        incoming(dst->qmp, uri);
    }
    if (listen != LISTEN_ALREADY_SENT && listen != LISTEN_NONE) {
        migrate_uri(src->qmp, uri);
    }
    src_status = wait_end(src->qmp, &src_err);
    if (!g_str_equal(src_status, "completed")) {
        g_error("source migration %s: %s", src_status, src_err ? src_err : "");
    }
    if (listen == LISTEN_ALREADY_SENT) {
        incoming(dst->qmp, uri);
    }
    /* QEMU says "completed" a moment before it leaves finish-migrate. */
    for (int i = 0; i < 500; i++) {
        g_autofree char *st = qtest_qmp_status(src->qmp);

        if (!g_str_equal(st, "finish-migrate")) {
            break;
        }
        g_usleep(10 * 1000);
    }
    assert_run_state(src->qmp, "postmigrate");
    side_read(src, 300, 3000);

    /* The destination runs the guest as soon as QEMU loaded it. */
    for (int i = 0; i < 1000; i++) {
        g_autofree char *st = qtest_qmp_status(dst->qmp);

        if (g_str_equal(st, "running")) {
            break;
        }
        g_usleep(10 * 1000);
    }
    assert_run_state(dst->qmp, "running");
    side_wait_counters(dst, 10, 60 * 1000);
    assert_counter_continues(src, dst, 10);

    serial_write(dst->serial, "report\n");
    report_feed(again, dst->out->str, dst->out->len);
    report_wait(again, dst->serial, "again-done", 60);
    /* What the report read is output too (a later hop checks it). */
    g_string_truncate(dst->out, 0);
    g_string_append_len(dst->out, again->log->str, again->log->len);
    assert_same_firmware(boot, again);
}

static void set_bandwidth(QTestState *s, unsigned bytes_per_s)
{
    qtest_qmp_assert_success(s,
                             "{\"execute\": \"migrate-set-parameters\", "
                             "\"arguments\": {\"max-bandwidth\": %u}}",
                             bytes_per_s);
}

static void set_capability(QTestState *s, const char *cap, bool on)
{
    qtest_qmp_assert_success(s,
                             "{\"execute\": \"migrate-set-capabilities\", "
                             "\"arguments\": {\"capabilities\": "
                             "[{\"capability\": \"%s\", \"state\": %s}]}}",
                             cap, on ? "true" : "false");
}

/* @cap's state in query-migrate-capabilities (QEMU's, once it runs). */
static bool capability_of(QTestState *s, const char *cap)
{
    g_autoptr(JsonNode) r = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-migrate-capabilities\"}");
    JsonArray *list = json_node_get_array(r);

    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *c = json_array_get_object_element(list, i);

        if (g_str_equal(json_object_get_string_member(c, "capability"), cap)) {
            return json_object_get_boolean_member(c, "state");
        }
    }
    g_error("no capability '%s' in query-migrate-capabilities", cap);
}

/* Sets postcopy-ram and postcopy-preempt together (one needs the other). */
static void set_preempt(QTestState *s, bool on)
{
    qtest_qmp_assert_success(
        s,
        "{\"execute\": \"migrate-set-capabilities\", \"arguments\": "
        "{\"capabilities\": [{\"capability\": \"postcopy-ram\", \"state\": %s},"
        " {\"capability\": \"postcopy-preempt\", \"state\": %s}]}}",
        on ? "true" : "false", on ? "true" : "false");
}

/*
 * multifd and postcopy-preempt cannot go through the hand-off (QEMU gets
 * one "fd:" channel): forwarded to the source's QEMU, "migrate" fails at
 * once without connecting; set on a destination's qmpd, the destination
 * refuses once the prelude says QEMU runs the guest.  Both sides end as
 * they were.
 */
static void assert_multifd_refused(Side *src, Side *dst, const char *dir,
                                   const char *uri)
{
    g_autofree char *path = g_strdup_printf("%s/nobody.sock", dir);
    g_autofree char *prior = config_of(dst->qmp);
    g_autofree char *st = NULL;
    g_autofree char *err = NULL;
    g_autoptr(JsonNode) r = NULL;
    struct pollfd pfd = {.fd = listen_unix(path), .events = POLLIN};

    set_capability(src->qmp, "multifd", true);
    g_assert_true(capability_of(src->qmp, "multifd"));
    qtest_qmp_assert_error(src->qmp, "GenericError", REFUSAL("multifd"),
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"uri\": \"unix:%s\"}}",
                           path);
    set_capability(src->qmp, "multifd", false);
    set_preempt(src->qmp, true);
    qtest_qmp_assert_error(src->qmp, "GenericError",
                           REFUSAL("postcopy-preempt"),
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"uri\": \"unix:%s\"}}",
                           path);
    set_preempt(src->qmp, false);
    /* Nobody was connected to; QEMU never heard of a migration. */
    g_assert_cmpint(poll(&pfd, 1, 200), ==, 0);
    close(pfd.fd);
    r = qtest_qmp_assert_success_ref(src->qmp,
                                     "{\"execute\": \"query-migrate\"}");
    g_assert_false(json_object_has_member(json_node_get_object(r), "status"));

    set_capability(dst->qmp, "multifd", true);
    incoming(dst->qmp, uri);
    migrate_uri(src->qmp, uri);
    st = wait_end(src->qmp, &err);
    g_assert_cmpstr(st, ==, "failed");
    g_assert_cmpstr(
        err, ==, "the destination refused the migration: " REFUSAL("multifd"));
    assert_dest_reset(dst, prior, REFUSAL("multifd"));
    set_capability(dst->qmp, "multifd", false);
    assert_source_runs(src);
}

/* ---- the cases ---- */

static void test_transport(const char *kind)
{
    g_auto(Guest) g = {0};
    g_autofree char *dir = NULL;
    g_autofree char *uri = NULL;
    g_autoptr(Report) boot = report_new();
    Side src = {.serial = -1}, dst = {.serial = -1};

    if (!guest_or_skip(&g)) {
        return;
    }
    dir = qtest_make_tmpdir();
    start_source_guest(&src, &g, dir, boot);
    if (!g_str_equal(kind, "file") && !g_str_equal(kind, "channels")) {
        start_bare_dest(&dst, dir, "dst", "-incoming defer");
    }
    if (g_str_equal(kind, "unix")) {
        uri = g_strdup_printf("unix:%s/mig.sock", dir);
        /* Refused with multifd on either side, then without it. */
        assert_multifd_refused(&src, &dst, dir, uri);
        migrate_and_check(&src, &dst, boot, uri, LISTEN_FIRST);
    } else if (g_str_equal(kind, "channels")) {
        /*
         * The same unix socket, spelled as a "channels" argument on the
         * source and as a keyval channel on the destination's command
         * line, so it listens before its monitor is up.
         */
        g_autofree char *channels = g_strdup_printf(
            "[{\"channel-type\": \"main\", \"addr\": {\"transport\": "
            "\"socket\", \"type\": \"unix\", \"path\": \"%s/mig.sock\"}}]",
            dir);
        g_autofree char *opts =
            g_strdup_printf("-incoming channel-type=main,addr.transport=socket,"
                            "addr.type=unix,addr.path=%s/mig.sock",
                            dir);

        start_bare_dest(&dst, dir, "dst", opts);
        migrate_channels(src.qmp, channels);
        migrate_and_check(&src, &dst, boot, NULL, LISTEN_NONE);
    } else if (g_str_equal(kind, "tcp")) {
        g_autoptr(JsonNode) r = NULL;
        JsonObject *addr;

        /*
         * Settings pass through: the destination's, made on qmpd before
         * its QEMU exists, and the source's, forwarded to its QEMU.  The
         * return path is QEMU's own, on the channel qmpd opened.
         */
        set_events(dst.qmp);
        set_events(src.qmp);
        qtest_qmp_assert_success(
            src.qmp, "{\"execute\": \"migrate-set-capabilities\", "
                     "\"arguments\": {\"capabilities\": [{\"capability\": "
                     "\"return-path\", \"state\": true}]}}");
        incoming(dst.qmp, "tcp:127.0.0.1:0");
        r = qtest_qmp_assert_success_ref(dst.qmp,
                                         "{\"execute\": \"query-migrate\"}");
        addr = json_array_get_object_element(
            json_object_get_array_member(json_node_get_object(r),
                                         "socket-address"),
            0);
        uri = g_strdup_printf("tcp:127.0.0.1:%s",
                              json_object_get_string_member(addr, "port"));
        migrate_and_check(&src, &dst, boot, uri, LISTEN_ALREADY);
        wait_migration_event(src.qmp, "completed");
        wait_migration_event(dst.qmp, "completed");
    } else if (g_str_equal(kind, "exec")) {
        /* One URI per side: the source's command writes, the other reads. */
        g_autofree char *out_uri =
            g_strdup_printf("exec:cat > %s/mig.exec", dir);
        g_autofree char *in_uri = g_strdup_printf("exec:cat %s/mig.exec", dir);
        g_autofree char *st = NULL;

        migrate(src.qmp, out_uri);
        st = wait_end(src.qmp, NULL);
        g_assert_cmpstr(st, ==, "completed");
        migrate_and_check(&src, &dst, boot, in_uri, LISTEN_ALREADY_SENT);
    } else {
        /*
         * The destination starts once the file is written, listening
         * from its command line, with a parameter for its QEMU.
         */
        g_autofree char *opts = NULL;
        g_autofree char *st = NULL;
        g_autoptr(JsonNode) r = NULL;

        uri = g_strdup_printf("file:%s/mig.bin", dir);
        migrate(src.qmp, uri);
        st = wait_end(src.qmp, NULL);
        g_assert_cmpstr(st, ==, "completed");
        opts = g_strdup_printf(
            "-incoming %s -incoming config:announce-rounds=7", uri);
        start_bare_dest(&dst, dir, "dst", opts);
        migrate_and_check(&src, &dst, boot, uri, LISTEN_NONE);
        /* Asked of the destination's QEMU, which got it from qmpd. */
        r = qtest_qmp_assert_success_ref(
            dst.qmp, "{\"execute\": \"query-migrate-parameters\"}");
        g_assert_cmpint(json_object_get_int_member(json_node_get_object(r),
                                                   "announce-rounds"),
                        ==, 7);
    }
    side_clear(&src);
    side_clear(&dst);
    qtest_remove_tmpdir(dir);
}

static void test_unix(void)
{
    test_transport("unix");
}

static void test_channels(void)
{
    test_transport("channels");
}

static void test_tcp(void)
{
    test_transport("tcp");
}

static void test_file(void)
{
    test_transport("file");
}

static void test_exec(void)
{
    test_transport("exec");
}

/*
 * QEMU's postcopy destination registers guest RAM with userfaultfd(2);
 * without it QEMU refuses the capability ("Postcopy is not supported").
 */
static bool userfaultfd_or_skip(void)
{
#ifdef __NR_userfaultfd
    int fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

    if (fd >= 0) {
        close(fd);
        return true;
    }
    {
        g_autofree char *why = g_strdup_printf(
            "userfaultfd(2) is not available (%s): postcopy needs it on the "
            "destination (see /proc/sys/vm/unprivileged_userfaultfd)",
            g_strerror(errno));

        g_test_skip(why);
    }
#else
    g_test_skip("this system has no userfaultfd(2), which postcopy needs");
#endif
    return false;
}

/*
 * Postcopy through the hand-off: QEMU's return path runs on the socket
 * qmpd opened.  Two hops from one boot: the source starts postcopy once
 * QEMU's migration is active (the request forwarded to QEMU), then the
 * destination migrates on to a third qmpd and starts postcopy right
 * after "migrate", while qmpd's own part still runs.
 */
static void test_postcopy(void)
{
    g_auto(Guest) g = {0};
    g_autofree char *dir = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *uri2 = NULL;
    g_autofree char *st = NULL;
    g_autofree char *err = NULL;
    g_autoptr(Report) boot = report_new();
    Side src = {.serial = -1}, dst = {.serial = -1}, dst2 = {.serial = -1};

    if (!guest_or_skip(&g) || !userfaultfd_or_skip()) {
        return;
    }
    dir = qtest_make_tmpdir();
    uri = g_strdup_printf("unix:%s/mig.sock", dir);
    uri2 = g_strdup_printf("unix:%s/mig2.sock", dir);
    start_source_guest(&src, &g, dir, boot);
    start_bare_dest(&dst, dir, "dst", "-incoming defer");
    set_events(src.qmp);
    set_events(dst.qmp);

    /* QEMU's answers, forwarded: no capability, then no migration. */
    qtest_qmp_assert_error(src.qmp, "GenericError",
                           "Enable postcopy with migrate_set_capability "
                           "before the start of migration",
                           "{\"execute\": \"migrate-start-postcopy\"}");
    /* Forwarded to the source's QEMU; qmpd's until the destination's runs. */
    set_capability(src.qmp, "postcopy-ram", true);
    set_capability(dst.qmp, "postcopy-ram", true);
    g_assert_true(capability_of(src.qmp, "postcopy-ram"));
    qtest_qmp_assert_error(src.qmp, "GenericError",
                           "Postcopy must be started after migration has "
                           "been started",
                           "{\"execute\": \"migrate-start-postcopy\"}");

    /* Slow precopy, so postcopy surely has pages left to fetch. */
    set_bandwidth(src.qmp, SLOW_BANDWIDTH);
    incoming(dst.qmp, uri);
    migrate_uri(src.qmp, uri);
    wait_status(src.qmp, "active");
    qtest_qmp_assert_success(src.qmp,
                             "{\"execute\": \"migrate-start-postcopy\"}");
    wait_migration_event(src.qmp, "postcopy-active");
    migrate_and_check(&src, &dst, boot, NULL, LISTEN_NONE);
    wait_migration_event(src.qmp, "completed");
    wait_migration_event(dst.qmp, "postcopy-active");
    wait_migration_event(dst.qmp, "completed");
    st = dest_status(dst.qmp, &err);
    g_assert_cmpstr(st, ==, "completed");
    /* qmpd passed the setting to the QEMU it started. */
    g_assert_true(capability_of(dst.qmp, "postcopy-ram"));

    /*
     * The second hop: asked before QEMU has the channel, the request
     * waits in qmpd for QEMU's "migrate", as QEMU alone accepts it in
     * "setup".
     */
    start_bare_dest(&dst2, dir, "dst2", "-incoming defer");
    set_capability(dst2.qmp, "postcopy-ram", true);
    incoming(dst2.qmp, uri2);
    migrate_uri(dst.qmp, uri2);
    qtest_qmp_assert_success(dst.qmp,
                             "{\"execute\": \"migrate-start-postcopy\"}");
    /* qmpd's answer before the hand-off, QEMU's after: the same. */
    qtest_qmp_assert_error(dst.qmp, "GenericError",
                           "There's a migration process in progress",
                           "{\"execute\": \"migrate-set-capabilities\", "
                           "\"arguments\": {\"capabilities\": [{"
                           "\"capability\": \"multifd\", \"state\": true}]}}");
    wait_migration_event(dst.qmp, "postcopy-active");
    g_clear_pointer(&st, g_free);
    g_clear_pointer(&err, g_free);
    st = wait_end(dst.qmp, &err);
    g_assert_cmpstr(st, ==, "completed");
    for (int i = 0; i < 1000; i++) {
        g_autofree char *run = qtest_qmp_status(dst2.qmp);

        if (g_str_equal(run, "running")) {
            break;
        }
        g_usleep(10 * 1000);
    }
    assert_run_state(dst2.qmp, "running");
    side_read(&dst, 300, 3000);
    side_wait_counters(&dst2, 10, 60 * 1000);
    assert_counter_continues(&dst, &dst2, 10);
    g_clear_pointer(&st, g_free);
    g_clear_pointer(&err, g_free);
    st = wait_end(dst2.qmp, &err);
    g_assert_cmpstr(st, ==, "completed");

    side_clear(&src);
    side_clear(&dst);
    side_clear(&dst2);
    qtest_remove_tmpdir(dir);
}

/* Writes @len bytes of @data to the destination's listening socket. */
static void send_raw(const char *path, const void *data, size_t len)
{
    int fd = qtest_unix_connect(path);

    g_assert_cmpint(write(fd, data, len), ==, (ssize_t)len);
    close(fd);
}

static void put_be32(GByteArray *a, uint32_t v)
{
    uint32_t be = GUINT32_TO_BE(v);

    g_byte_array_append(a, (const guint8 *)&be, 4);
}

/* A migration the destination refuses before QEMU's stream starts. */
static void expect_refused(Side *src, Side *dst, const char *uri,
                           const char *prior, const char *why)
{
    g_autofree char *st = NULL;
    g_autofree char *err = NULL;

    incoming(dst->qmp, uri);
    migrate_uri(src->qmp, uri);
    st = wait_end(src->qmp, &err);
    g_assert_cmpstr(st, ==, "failed");
    if (err == NULL || strstr(err, why) == NULL ||
        strstr(err, "the destination refused") == NULL) {
        g_error("source error '%s' does not say the destination refused "
                "because '%s'",
                err ? err : "(none)", why);
    }
    g_test_message("refused: %s", err);
    /* qmpd's own events: QEMU never heard of this migration. */
    wait_migration_event(src->qmp, "setup");
    wait_migration_event(src->qmp, "failed");
    assert_dest_reset(dst, prior, why);
    assert_source_runs(src);
}

static void test_failures(void)
{
    g_auto(Guest) g = {0};
    g_autofree char *dir = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *sock = NULL;
    g_autofree char *prior = NULL;
    g_autoptr(Report) boot = report_new();
    g_autoptr(GByteArray) raw = g_byte_array_new();
    Side src = {.serial = -1}, dst = {.serial = -1};

    if (!guest_or_skip(&g)) {
        return;
    }
    dir = qtest_make_tmpdir();
    sock = g_strdup_printf("%s/mig.sock", dir);
    uri = g_strdup_printf("unix:%s", sock);
    start_source_guest(&src, &g, dir, boot);
    start_bare_dest(&dst, dir, "dst", "-incoming defer");
    prior = config_of(dst.qmp);
    set_events(src.qmp);

    /* Truncated: the prelude announces more than arrives. */
    put_be32(raw, 0x514d5044);
    put_be32(raw, 1);
    put_be32(raw, 1000);
    g_byte_array_append(raw, (const guint8 *)"{\"type\":", 8);
    incoming(dst.qmp, uri);
    send_raw(sock, raw->data, raw->len);
    assert_dest_reset(&dst, prior, "ended inside the configuration");

    /* Corrupt: the digest does not match the JSON. */
    g_byte_array_set_size(raw, 0);
    put_be32(raw, 0x514d5044);
    put_be32(raw, 1);
    put_be32(raw, 2);
    g_byte_array_append(raw, (const guint8 *)"{}", 2);
    for (int i = 0; i < 32; i++) {
        g_byte_array_append(raw, (const guint8 *)"\x5a", 1);
    }
    incoming(dst.qmp, uri);
    send_raw(sock, raw->data, raw->len);
    assert_dest_reset(&dst, prior, "SHA-256 does not match");

    /* The destination's QEMU is missing (accel.binary is host-local). */
    qtest_qmp_assert_success(dst.qmp,
                             "{\"execute\": \"machine-set\", \"arguments\": "
                             "{\"accel\": {\"binary\": \"%s/no-qemu\"}}}",
                             dir);
    prior = (g_free(prior), config_of(dst.qmp));
    expect_refused(&src, &dst, uri, prior, "no-qemu");

    /* A "QEMU" that refuses whatever it is given. */
    {
        g_autofree char *fake = g_strdup_printf("%s/refusing-qemu", dir);

        g_assert_true(g_file_set_contents(
            fake,
            "#!/bin/sh\necho 'qemu-system-x86_64: this QEMU refuses' >&2\n"
            "exit 1\n",
            -1, NULL));
        g_assert_cmpint(g_chmod(fake, 0755), ==, 0);
        qtest_qmp_assert_success(dst.qmp,
                                 "{\"execute\": \"machine-set\", "
                                 "\"arguments\": {\"accel\": "
                                 "{\"binary\": \"%s\"}}}",
                                 fake);
        prior = (g_free(prior), config_of(dst.qmp));
        expect_refused(&src, &dst, uri, prior, "this QEMU refuses");
    }
    qtest_qmp_assert_success(dst.qmp,
                             "{\"execute\": \"machine-set\", \"arguments\": "
                             "{\"accel\": {\"binary\": \"" QEMU_BINARY "\"}}}");

    /* A guest-visible member set differently on the destination. */
    qtest_qmp_assert_success(
        dst.qmp, "{\"execute\": \"machine-set\", \"arguments\": "
                 "{\"uuid\": \"11111111-2222-4333-8444-555555555555\"}}");
    prior = (g_free(prior), config_of(dst.qmp));
    expect_refused(&src, &dst, uri, prior, "uuid");
    qtest_qmp_assert_success(dst.qmp,
                             "{\"execute\": \"machine-set\", \"arguments\": "
                             "{\"uuid\": \"" GUEST_UUID "\"}}");

    /* The built-in machine on the destination. */
    qtest_qmp_assert_success(dst.qmp,
                             "{\"execute\": \"machine-set\", \"arguments\": "
                             "{\"accel\": {\"type\": \"qtest\"}}}");
    prior = (g_free(prior), config_of(dst.qmp));
    expect_refused(&src, &dst, uri, prior, "cannot migrate to each other");
    qtest_qmp_assert_success(dst.qmp,
                             "{\"execute\": \"machine-set\", \"arguments\": "
                             "{\"accel\": {\"type\": \"tcg\"}}}");
    prior = (g_free(prior), config_of(dst.qmp));

    /* Cancelled on the source while QEMU's stream flows. */
    set_bandwidth(src.qmp, SLOW_BANDWIDTH);
    incoming(dst.qmp, uri);
    migrate_uri(src.qmp, uri);
    wait_status(src.qmp, "active");
    qtest_qmp_assert_success(src.qmp, "{\"execute\": \"migrate_cancel\"}");
    {
        g_autofree char *st = wait_end(src.qmp, NULL);

        g_assert_cmpstr(st, ==, "cancelled");
    }
    assert_dest_reset(&dst, prior, "QEMU");
    assert_source_runs(&src);

    /* Cancelled on the destination while QEMU's stream flows. */
    incoming(dst.qmp, uri);
    migrate_uri(src.qmp, uri);
    wait_status(src.qmp, "active");
    qtest_qmp_assert_success(dst.qmp, "{\"execute\": \"migrate_cancel\"}");
    assert_dest_reset(&dst, prior, "cancelled");
    {
        g_autofree char *st = wait_end(src.qmp, NULL);

        g_assert_cmpstr(st, ==, "failed");
    }
    assert_source_runs(&src);

    /*
     * After all that, the migration itself, through a descriptor handed
     * to the source with getfd (connected here to the destination).
     */
    set_bandwidth(src.qmp, 1u << 30);
    incoming(dst.qmp, uri);
    {
        int fd = qtest_unix_connect(sock);
        g_autoptr(JsonObject) reply = qtest_qmp_fds(
            src.qmp, &fd, 1,
            "{\"execute\": \"getfd\", \"arguments\": {\"fdname\": "
            "\"to-dst\"}}");

        g_assert_true(json_object_has_member(reply, "return"));
        close(fd);
    }
    migrate(src.qmp, "fd:to-dst");
    migrate_and_check(&src, &dst, boot, uri, LISTEN_NONE);
    side_clear(&src);
    side_clear(&dst);
    qtest_remove_tmpdir(dir);
}

/* The built-in machine as the source, a QEMU destination: refused. */
static void test_builtin_source(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *uri = g_strdup_printf("unix:%s/mig.sock", dir);
    g_autofree char *prior = NULL;
    g_autofree char *st = NULL;
    g_autofree char *err = NULL;
    QTestState *src = start_source("");
    QTestState *dst = start_qtest("-incoming defer");

    qtest_qmp_assert_success(dst,
                             "{\"execute\": \"machine-set\", \"arguments\": "
                             "{\"accel\": {\"type\": \"tcg\"}}}");
    prior = config_of(dst);
    incoming(dst, uri);
    migrate(src, uri);
    st = wait_end(src, &err);
    g_assert_cmpstr(st, ==, "failed");
    /* The destination's reason reached the source on the return path. */
    if (strstr(err, "the destination refused the migration") == NULL ||
        strstr(err, "cannot migrate to each other") == NULL) {
        g_error("source error '%s' lacks the destination's reason", err);
    }
    assert_run_state(src, "running");
    g_clear_pointer(&st, g_free);
    g_clear_pointer(&err, g_free);
    st = wait_end(dst, &err);
    g_assert_cmpstr(st, ==, "failed");
    g_assert_nonnull(strstr(err, "cannot migrate to each other"));
    assert_run_state(dst, "inmigrate");
    {
        g_autofree char *cfg = config_of(dst);

        g_assert_cmpstr(cfg, ==, prior);
    }
    qtest_quit(src);
    qtest_quit(dst);
    qtest_remove_tmpdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-migration/builtin-source-refused",
                    test_builtin_source);
    g_test_add_func("/qemu-migration/unix", test_unix);
    g_test_add_func("/qemu-migration/failures", test_failures);
    g_test_add_func("/qemu-migration/tcp", test_tcp);
    g_test_add_func("/qemu-migration/channels", test_channels);
    g_test_add_func("/qemu-migration/file", test_file);
    g_test_add_func("/qemu-migration/exec", test_exec);
    g_test_add_func("/qemu-migration/postcopy", test_postcopy);
    return g_test_run();
}
