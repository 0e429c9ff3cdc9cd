/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpr-transfer between two qmpd processes: the source hands its RAM
 * memfd and configuration over the cpr channel to a bare destination,
 * which maps the same memory.  Checks the RAM pattern, the configuration,
 * that RAM was not copied (a tiny main channel, a write seen through both
 * mappings), and that each failure leaves the source running and a retry
 * working.
 */

#include "prelude.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libqtest.h"
#include "migration-helpers.h"

/* The source's RAM: SOURCE_CONFIG's 256 MiB. */
#define SOURCE_RAM (256u << 20)

typedef struct Paths {
    char *dir;
    char *main_sock;
    char *cpr_sock;
} Paths;

static void paths_init(Paths *p)
{
    p->dir = qtest_make_tmpdir();
    p->main_sock = g_build_filename(p->dir, "main.sock", NULL);
    p->cpr_sock = g_build_filename(p->dir, "cpr.sock", NULL);
}

static void paths_clear(Paths *p)
{
    unlink(p->main_sock);
    unlink(p->cpr_sock);
    qtest_remove_tmpdir(p->dir);
    g_free(p->dir);
    g_free(p->main_sock);
    g_free(p->cpr_sock);
}

static char *channels(const Paths *p)
{
    return g_strdup_printf(
        "[{\"channel-type\": \"main\", \"addr\": {\"transport\": \"socket\", "
        "\"type\": \"unix\", \"path\": \"%s\"}}, {\"channel-type\": \"cpr\", "
        "\"addr\": {\"transport\": \"socket\", \"type\": \"unix\", "
        "\"path\": \"%s\"}}]",
        p->main_sock, p->cpr_sock);
}

/*
 * A destination listening on both channels from the command line, given
 * nothing else but @extra.
 */
static QTestState *start_cpr_dest_with(const Paths *p, const char *extra)
{
    g_autofree char *args =
        g_strdup_printf("%s -incoming unix:%s -incoming "
                        "cpr,addr.transport=socket,addr.type=unix,addr.path=%s",
                        extra, p->main_sock, p->cpr_sock);

    return start_qtest(args);
}

static QTestState *start_cpr_dest(const Paths *p)
{
    return start_cpr_dest_with(p, "");
}

/* A source in cpr-transfer mode whose RAM is shared as @ram_opts says. */
static QTestState *start_cpr_source_with(const char *ram_opts)
{
    QTestState *src = start_source(ram_opts);

    qtest_qmp_assert_success(src, "{\"execute\": \"migrate-set-parameters\", "
                                  "\"arguments\": {\"mode\": "
                                  "\"cpr-transfer\"}}");
    return src;
}

static QTestState *start_cpr_source(void)
{
    return start_cpr_source_with("-M aux-ram-share=on");
}

/*
 * The destination runs the source's guest on the source's memory: same
 * RAM, devices and configuration, a main channel far smaller than RAM,
 * and a write on one side is seen by the other's mapping.
 */
static void assert_transferred(QTestState *src, QTestState *dst,
                               const char *hash_before)
{
    g_autoptr(JsonObject) ram = NULL;
    g_autofree char *hash_after = NULL;

    assert_migrated(src, dst, "running");
    hash_after = ram_hash(dst);
    g_assert_cmpstr(hash_after, ==, hash_before);
    assert_same_guest(src, dst);

    ram = ram_stats(src);
    g_test_message("main channel: %" G_GINT64_FORMAT " bytes for %u of RAM",
                   json_object_get_int_member(ram, "transferred"), SOURCE_RAM);
    g_assert_cmpint(json_object_get_int_member(ram, "transferred"), <,
                    64 * 1024);
    g_assert_cmpint(json_object_get_int_member(ram, "total"), ==, SOURCE_RAM);
    g_assert_cmpint(json_object_get_int_member(ram, "normal"), ==, 0);

    /* One memory: the source's mapping sees the destination's write. */
    qtest_writel(dst, SOURCE_RAM - 4096, 0xc0ffee42);
    g_assert_cmphex(qtest_readl(src, SOURCE_RAM - 4096), ==, 0xc0ffee42);
}

static void test_transfer(void)
{
    Paths p;
    g_autoptr(QTestState) src = start_cpr_source();
    g_autoptr(QTestState) dst = NULL;
    g_autofree char *chs = NULL;
    g_autofree char *hash = ram_hash(src);

    paths_init(&p);
    chs = channels(&p);
    dst = start_cpr_dest(&p);
    migrate_channels(src, chs);
    assert_transferred(src, dst, hash);
    /* The destination's machine came from the channel: memfd-backed. */
    {
        g_autoptr(JsonNode) r = qtest_qmp_assert_success_ref(
            dst, "{\"execute\": \"query-machine-config\"}");
        JsonObject *cfg =
            json_object_get_object_member(json_node_get_object(r), "config");

        g_assert_true(json_object_get_boolean_member(cfg, "aux-ram-share"));
        g_assert_cmpint(
            json_object_get_int_member(
                json_object_get_object_member(cfg, "memory"), "size"),
            ==, SOURCE_RAM);
    }
    paths_clear(&p);
}

/* -incoming defer, then migrate-incoming with both channels. */
/*
 * RAM from a shared memory-backend-memfd: the destination, given a
 * backend of the same id, builds its machine on the memory handed over.
 */
static void test_memfd_backend(void)
{
    static const char backend[] =
        "-object memory-backend-memfd,id=mem,size=256M,share=on";
    g_autofree char *src_opts =
        g_strdup_printf("%s -M memory-backend=mem", backend);
    Paths p;
    g_autoptr(QTestState) src = start_cpr_source_with(src_opts);
    g_autoptr(QTestState) dst = NULL;
    g_autofree char *chs = NULL;
    g_autofree char *hash = ram_hash(src);

    paths_init(&p);
    chs = channels(&p);
    dst = start_cpr_dest_with(&p, backend);
    migrate_channels(src, chs);
    assert_transferred(src, dst, hash);
    paths_clear(&p);
}

static void test_incoming_channels(void)
{
    Paths p;
    g_autoptr(QTestState) src = start_cpr_source();
    g_autoptr(QTestState) dst = start_dest();
    g_autofree char *chs = NULL;
    g_autofree char *hash = ram_hash(src);

    paths_init(&p);
    chs = channels(&p);
    incoming_channels(dst, chs);
    migrate_channels(src, chs);
    assert_transferred(src, dst, hash);
    paths_clear(&p);
}

/* Private RAM cannot be handed over: refused at once, nothing changes. */
static void test_private_ram(void)
{
    Paths p;
    g_autoptr(QTestState) src = start_source("");
    g_autofree char *chs = NULL;
    g_autofree char *st = NULL;

    paths_init(&p);
    chs = channels(&p);
    qtest_qmp_assert_success(src, "{\"execute\": \"migrate-set-parameters\", "
                                  "\"arguments\": {\"mode\": "
                                  "\"cpr-transfer\"}}");
    qtest_qmp_assert_error(src, "GenericError",
                           "cpr-transfer needs shared RAM, but memory "
                           "'pc.ram' is private (set -machine "
                           "aux-ram-share=on)",
                           "{\"execute\": \"migrate\", \"arguments\": "
                           "{\"channels\": %s}}",
                           chs);
    st = migrate_status(src, NULL);
    g_assert_cmpstr(st, ==, "");
    assert_run_state(src, "running");
    paths_clear(&p);
}

/* The source failed and runs on with its RAM intact. */
static void assert_failed(QTestState *src, const char *hash, const char *error)
{
    g_autofree char *err = NULL;
    g_autofree char *end = wait_end(src, &err);
    g_autofree char *hash_now = NULL;

    g_test_message("source: %s: %s", end, err);
    g_assert_cmpstr(end, ==, "failed");
    g_assert_nonnull(strstr(err, error));
    assert_run_state(src, "running");
    hash_now = ram_hash(src);
    g_assert_cmpstr(hash_now, ==, hash);
}

/* A retry, to @dst or (NULL) a fresh destination, succeeds. */
static void retry(QTestState *src, const Paths *p, const char *hash,
                  QTestState *dst)
{
    g_autofree char *chs = channels(p);
    g_autoptr(QTestState) fresh = NULL;

    if (dst == NULL) {
        fresh = start_cpr_dest(p);
        dst = fresh;
    }
    migrate_channels(src, chs);
    assert_transferred(src, dst, hash);
}

static void test_no_destination(void)
{
    Paths p;
    g_autoptr(QTestState) src = start_cpr_source();
    g_autofree char *chs = NULL;
    g_autofree char *hash = ram_hash(src);

    paths_init(&p);
    chs = channels(&p);
    migrate_channels(src, chs);
    assert_failed(src, hash, "cpr-transfer: cannot connect the cpr channel");
    retry(src, &p, hash, NULL);
    paths_clear(&p);
}

/* A peer that takes the cpr message and hangs up without a word. */
static void test_cpr_closed(void)
{
    Paths p;
    g_autoptr(QTestState) src = start_cpr_source();
    g_autofree char *chs = NULL;
    g_autofree char *hash = ram_hash(src);
    int lfd, cfd;

    paths_init(&p);
    chs = channels(&p);
    lfd = listen_unix(p.cpr_sock);
    migrate_channels(src, chs);
    cfd = accept(lfd, NULL, NULL);
    g_assert_cmpint(cfd, >=, 0);
    {
        /* header: magic, version, blocks, table bytes, config bytes */
        guint32 head[5];
        gsize rest;
        g_autofree char *body = NULL;

        g_assert_cmpint(recv(cfd, head, sizeof(head), MSG_WAITALL), ==,
                        sizeof(head));
        rest = GUINT32_FROM_BE(head[3]) + GUINT32_FROM_BE(head[4]);
        body = g_malloc(rest);
        g_assert_cmpint(recv(cfd, body, rest, MSG_WAITALL), ==, rest);
    }
    shutdown(cfd, SHUT_WR);
    close(cfd);
    close(lfd);
    unlink(p.cpr_sock);
    assert_failed(src, hash,
                  "cpr-transfer: the destination closed the cpr channel "
                  "without answering");
    retry(src, &p, hash, NULL);
    paths_clear(&p);
}

/*
 * The destination's own settings conflict with the source's: it refuses
 * on the cpr channel and keeps listening, so once fixed the same
 * destination takes the retry.
 */
static void test_refused(void)
{
    Paths p;
    g_autoptr(QTestState) src = start_cpr_source();
    g_autoptr(QTestState) dst = NULL;
    g_autofree char *chs = NULL;
    g_autofree char *hash = ram_hash(src);
    g_autofree char *st = NULL;

    paths_init(&p);
    chs = channels(&p);
    dst = start_cpr_dest(&p);
    qtest_qmp_assert_success(dst, "{\"execute\": \"machine-set\", "
                                  "\"arguments\": {\"smp\": {\"cpus\": 4}}}");
    migrate_channels(src, chs);
    assert_failed(src, hash,
                  "cpr-transfer: the destination refused: migration: "
                  "smp.cpus: local value '4' differs from the stream's '2'");
    /* The destination is still waiting, in its configuration phase. */
    st = migrate_status(dst, NULL);
    g_assert_cmpstr(st, ==, "setup");
    assert_run_state(dst, "inmigrate");

    /* A destination that keeps RAM private cannot take shared memory. */
    qtest_qmp_assert_success(dst, "{\"execute\": \"machine-set\", "
                                  "\"arguments\": {\"smp\": {\"cpus\": 2}, "
                                  "\"aux-ram-share\": false}}");
    migrate_channels(src, chs);
    assert_failed(src, hash,
                  "cpr-transfer: the destination refused: aux-ram-share: "
                  "this destination sets it off");
    qtest_qmp_assert_success(dst, "{\"execute\": \"machine-set\", "
                                  "\"arguments\": {\"aux-ram-share\": true}}");
    retry(src, &p, hash, dst);
    paths_clear(&p);
}

/*
 * The destination built its machine on the source's memory, but the main
 * channel cannot connect: the source fails and hangs up, and the
 * destination drops that machine and waits again.
 */
static void test_main_missing(void)
{
    Paths p;
    g_autoptr(QTestState) src = start_cpr_source();
    g_autoptr(QTestState) dst = NULL;
    g_autofree char *chs = NULL;
    g_autofree char *args = NULL;
    g_autofree char *hash = ram_hash(src);
    g_autofree char *uri = NULL;

    paths_init(&p);
    chs = channels(&p);
    args = g_strdup_printf("-incoming defer -incoming "
                           "cpr,addr.transport=socket,addr.type=unix,"
                           "addr.path=%s",
                           p.cpr_sock);
    dst = start_qtest(args);
    migrate_channels(src, chs);
    assert_failed(src, hash, "No such file or directory");
    /* Back in the configuration phase (machine-set works again). */
    for (int i = 0;; i++) {
        g_autoptr(JsonObject) r =
            qtest_qmp(dst, "{\"execute\": \"machine-set\", \"arguments\": {}}");

        if (!json_object_has_member(r, "error")) {
            break;
        }
        if (i >= 500) {
            g_test_message("%s", qtest_json_to_string(r));
        }
        g_assert_cmpint(i, <, 500);
        g_usleep(10000);
    }
    assert_run_state(dst, "inmigrate");
    uri = g_strdup_printf("unix:%s", p.main_sock);
    incoming(dst, uri);
    retry(src, &p, hash, dst);
    paths_clear(&p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpr/transfer/command-line", test_transfer);
    g_test_add_func("/cpr/transfer/migrate-incoming", test_incoming_channels);
    g_test_add_func("/cpr/transfer/memfd-backend", test_memfd_backend);
    g_test_add_func("/cpr/transfer/private-ram", test_private_ram);
    g_test_add_func("/cpr/transfer/no-destination", test_no_destination);
    g_test_add_func("/cpr/transfer/cpr-channel-closed", test_cpr_closed);
    g_test_add_func("/cpr/transfer/refused", test_refused);
    g_test_add_func("/cpr/transfer/main-missing", test_main_missing);
    return g_test_run();
}
