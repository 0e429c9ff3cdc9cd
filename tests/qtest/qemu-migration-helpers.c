/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the QEMU-run migration tests: see qemu-migration-helpers.h.
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
#include "qemu-migration-helpers.h"

void side_clear(Side *s)
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
void side_read(Side *s, int quiet_ms, int max_ms)
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

/* The guest's whole configuration, by machine-set. */
void configure_guest(QTestState *s, const Guest *g, const char *dir)
{
    g_autofree char *kernel = json_quote(g->kernel);
    g_autofree char *initrd = json_quote(g->initrd);
    g_autofree char *body = g_build_filename(dir, "acpi-body.bin", NULL);
    g_autofree char *body_json = json_quote(body);

    g_assert_true(g_file_set_contents(body, "\x01\x02\x03\xfa", 4, NULL));
    qtest_qmp_assert_success(
        s,
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
}

/* The source: configured by machine-set only, booted to its counter. */
void start_source_guest(Side *src, const Guest *g, const char *dir,
                        Report *boot)
{
    g_autofree char *serial =
        serial_chardev_args(dir, "src", &src->serial_path);
    g_autofree char *args = g_strdup_printf("-preconfig %s", serial);

    src->qmp = qtest_init(args);
    src->serial = qtest_unix_connect(src->serial_path);
    src->out = g_string_new(NULL);
    configure_guest(src->qmp, g, dir);
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
void start_bare_dest(Side *dst, const char *dir, const char *name,
                     const char *incoming_opts)
{
    g_autofree char *serial = serial_chardev_args(dir, name, &dst->serial_path);
    g_autofree char *args = g_strdup_printf("%s %s", serial, incoming_opts);

    dst->qmp = qtest_init(args);
    dst->serial = qtest_unix_connect(dst->serial_path);
    dst->out = g_string_new(NULL);
}

/*
 * Reads @s until it printed @want counter lines or @max_ms passed: a
 * loaded host may take a while to schedule the resumed guest, so this
 * waits for the output rather than for a quiet line.
 */
void side_wait_counters(Side *s, guint want, int max_ms)
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
void assert_counter_continues(Side *src, Side *dst, guint min_after)
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
void assert_same_firmware(Report *boot, Report *again)
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
void wait_migration_event(QTestState *s, const char *status)
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

void wait_status(QTestState *s, const char *want)
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
char *dest_status(QTestState *s, char **ret_error)
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
void assert_dest_reset(Side *dst, const char *prior_config,
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
void assert_source_runs(Side *src)
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

void migrate_uri(QTestState *s, const char *uri)
{
    migrate(s, uri);
}

/*
 * Migrates @src to @dst over @uri, then checks the counter and the
 * firmware.
 */
void migrate_and_check(Side *src, Side *dst, Report *boot, const char *uri,
                       Listen listen)
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

void set_bandwidth(QTestState *s, unsigned bytes_per_s)
{
    qtest_qmp_assert_success(s,
                             "{\"execute\": \"migrate-set-parameters\", "
                             "\"arguments\": {\"max-bandwidth\": %u}}",
                             bytes_per_s);
}

void set_capability(QTestState *s, const char *cap, bool on)
{
    qtest_qmp_assert_success(s,
                             "{\"execute\": \"migrate-set-capabilities\", "
                             "\"arguments\": {\"capabilities\": "
                             "[{\"capability\": \"%s\", \"state\": %s}]}}",
                             cap, on ? "true" : "false");
}

/* @cap's state in query-migrate-capabilities (QEMU's, once it runs). */
bool capability_of(QTestState *s, const char *cap)
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

/* Integer parameter @name in query-migrate-parameters. */
gint64 parameter_of(QTestState *s, const char *name)
{
    g_autoptr(JsonNode) r = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-migrate-parameters\"}");

    return json_object_get_int_member(json_node_get_object(r), name);
}

/* Sets postcopy-ram and postcopy-preempt together (one needs the other). */
void set_preempt(QTestState *s, bool on)
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
void assert_multifd_refused(Side *src, Side *dst, const char *dir,
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
