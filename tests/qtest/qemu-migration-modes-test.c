/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Live migration of a guest that QEMU runs, beyond the plain transports
 * of qemu-migration-test.c:
 *
 * - configured-dest: a destination given the configuration beforehand
 *   runs the stream in the QEMU it started while listening; one given
 *   only the accelerator replaces that QEMU by one started from the
 *   stream's configuration.
 * - postcopy: postcopy-ram through the hand-off, in two hops (skipped,
 *   saying why, without userfaultfd).
 *
 * Skips like qemu-migration-test.c.  Standalone:
 *   QMPD_BINARY=build/system/qmpd build/tests/qtest/qemu-migration-modes-test
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

/*
 * A destination given the source's configuration beforehand starts its
 * QEMU as soon as it listens (as QEMU alone is started before its
 * migration), and the stream is handed to that QEMU.  One given less (the
 * accelerator only) starts one too, but the stream brings a different
 * configuration, so it is replaced by one started from the stream's.
 */
static void test_configured_dest(void)
{
    g_auto(Guest) g = {0};
    g_autofree char *dir = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *uri2 = NULL;
    g_autoptr(Report) boot = report_new();
    Side src = {.serial = -1}, dst = {.serial = -1}, dst2 = {.serial = -1};
    int ahead, ahead2, used2;

    if (!guest_or_skip(&g)) {
        return;
    }
    dir = qtest_make_tmpdir();
    start_source_guest(&src, &g, dir, boot);
    start_bare_dest(&dst, dir, "dst", "-incoming defer");
    configure_guest(dst.qmp, &g, dir);
    g_assert_cmpint(qtest_child_pid(dst.qmp, 0), ==, 0);
    uri = g_strdup_printf("unix:%s/mig.sock", dir);
    set_capability(dst.qmp, "auto-converge", true);
    incoming(dst.qmp, uri);
    ahead = qtest_child_pid(dst.qmp, 30 * 1000);
    g_assert_cmpint(ahead, >, 0);
    /* Still qmpd's destination in its configuration phase. */
    assert_run_state(dst.qmp, "inmigrate");
    /*
     * QEMU got the settings when it started; a parameter and a capability
     * changed while the destination listens reach it too.
     */
    set_bandwidth(dst.qmp, 1u << 30);
    set_capability(dst.qmp, "late-block-activate", true);
    migrate_and_check(&src, &dst, boot, uri, LISTEN_ALREADY);
    g_assert_cmpint(qtest_child_pid(dst.qmp, 0), ==, ahead);
    g_assert_true(capability_of(dst.qmp, "auto-converge"));
    g_assert_true(capability_of(dst.qmp, "late-block-activate"));
    g_assert_cmpint(parameter_of(dst.qmp, "max-bandwidth"), ==, 1 << 30);
    set_capability(dst.qmp, "auto-converge", false);

    start_bare_dest(&dst2, dir, "dst2", "-incoming defer");
    qtest_qmp_assert_success(dst2.qmp,
                             "{\"execute\": \"machine-set\", \"arguments\": "
                             "{\"accel\": {\"type\": \"tcg\"}}}");
    uri2 = g_strdup_printf("unix:%s/mig2.sock", dir);
    incoming(dst2.qmp, uri2);
    ahead2 = qtest_child_pid(dst2.qmp, 30 * 1000);
    g_assert_cmpint(ahead2, >, 0);
    set_capability(dst2.qmp, "late-block-activate", true);
    migrate_and_check(&dst, &dst2, boot, uri2, LISTEN_ALREADY);
    used2 = qtest_child_pid(dst2.qmp, 0);
    g_assert_cmpint(used2, >, 0);
    g_assert_cmpint(used2, !=, ahead2);
    /* The QEMU that replaced the one started ahead got it as well. */
    g_assert_true(capability_of(dst2.qmp, "late-block-activate"));
    side_clear(&src);
    side_clear(&dst);
    side_clear(&dst2);
    qtest_remove_tmpdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-migration/configured-dest", test_configured_dest);
    g_test_add_func("/qemu-migration/postcopy", test_postcopy);
    return g_test_run();
}
