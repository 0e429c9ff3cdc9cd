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
 * side.  A destination configured beforehand and postcopy are in
 * qemu-migration-modes-test.c.
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
#include "qemu-migration-helpers.h"

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
        /*
         * A listening destination still takes capabilities (QEMU's does);
         * the QEMU it starts at the hand-off gets them.
         */
        set_capability(dst.qmp, "late-block-activate", true);
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
        g_assert_true(capability_of(dst.qmp, "late-block-activate"));
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
    /* The QEMU it had started ahead went with the refused attempt. */
    for (int i = 0; i < 250 && qtest_child_pid(dst, 0) > 0; i++) {
        g_usleep(20 * 1000);
    }
    g_assert_cmpint(qtest_child_pid(dst, 0), ==, 0);
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
    return g_test_run();
}
