/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared steps of the migration qtests: starting a configured source and
 * a bare destination, driving migrate and migrate-incoming, waiting for
 * the end state and checking both ends, and hashing guest RAM.
 */

#include "prelude.h"

#include "libqtest.h"
#include "migration-helpers.h"

#define WAIT_MS 15000

/* Every kind of member: structs, nested structs, lists, files, UUID. */
#define SOURCE_CONFIG                                             \
    "\"smp\": {\"cpus\": 2}, \"memory\": {\"size\": 268435456},"  \
    "\"boot\": {\"order\": \"nc\"},"                              \
    "\"uuid\": \"5a7b1c2d-0000-4000-8000-0123456789ab\","         \
    "\"smbios\": {\"type1\": {\"serial\": \"MIG-1\"},"            \
    "             \"type11\": {\"values\": [\"one\", \"two\"]}}," \
    "\"rtc\": {\"base\": \"2020-05-06T07:08:09\", \"clock\": \"vm\"}"

static char *json_member_text(JsonObject *obj, const char *member)
{
    JsonNode *n = json_object_get_member(obj, member);

    g_assert_nonnull(n);
    return json_to_string(n, FALSE);
}

char *config_of(QTestState *s)
{
    g_autoptr(JsonNode) r = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-machine-config\"}");

    return json_member_text(json_node_get_object(r), "config");
}

char *migrate_status(QTestState *s, char **ret_error)
{
    g_autoptr(JsonNode) r =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-migrate\"}");
    JsonObject *o = json_node_get_object(r);

    if (ret_error != NULL) {
        *ret_error =
            json_object_has_member(o, "error-desc")
                ? g_strdup(json_object_get_string_member(o, "error-desc"))
                : NULL;
    }
    return json_object_has_member(o, "status")
               ? g_strdup(json_object_get_string_member(o, "status"))
               : g_strdup("");
}

/* Polls query-migrate until it reports one of the end states. */
char *wait_end(QTestState *s, char **ret_error)
{
    for (int waited = 0; waited < WAIT_MS; waited += 10) {
        char *st = migrate_status(s, ret_error);

        if (g_str_equal(st, "completed") || g_str_equal(st, "failed") ||
            g_str_equal(st, "cancelled")) {
            return st;
        }
        g_free(st);
        if (ret_error != NULL) {
            g_clear_pointer(ret_error, g_free);
        }
        g_usleep(10 * 1000);
    }
    g_assert_not_reached();
}

void assert_run_state(QTestState *s, const char *want)
{
    g_autofree char *st = qtest_qmp_status(s);

    g_assert_cmpstr(st, ==, want);
}

QTestState *start_source(const char *extra)
{
    g_autofree char *args = g_strdup_printf("-preconfig %s", extra);
    QTestState *s = qtest_init(args);

    qtest_qmp_assert_success(s, "{\"execute\": \"machine-set\", \"arguments\": "
                                "{\"type\": \"pc\", " SOURCE_CONFIG "}}");
    qtest_qmp_assert_success(s, "{\"execute\": \"x-exit-preconfig\"}");
    return s;
}

QTestState *start_dest(void)
{
    return qtest_init("-incoming defer");
}

void incoming(QTestState *dst, const char *uri)
{
    qtest_qmp_assert_success(
        dst,
        "{\"execute\": \"migrate-incoming\", \"arguments\": {\"uri\": \"%s\"}}",
        uri);
}

void migrate(QTestState *src, const char *uri)
{
    qtest_qmp_assert_success(
        src, "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"%s\"}}",
        uri);
}

void incoming_channels(QTestState *dst, const char *channels)
{
    qtest_qmp_assert_success(dst,
                             "{\"execute\": \"migrate-incoming\", "
                             "\"arguments\": {\"channels\": %s}}",
                             channels);
}

void migrate_channels(QTestState *src, const char *channels)
{
    qtest_qmp_assert_success(
        src, "{\"execute\": \"migrate\", \"arguments\": {\"channels\": %s}}",
        channels);
}

/* Both ends completed, same configuration, destination runs as @state. */
void assert_migrated(QTestState *src, QTestState *dst, const char *state)
{
    g_autofree char *src_end = wait_end(src, NULL);
    g_autofree char *dst_err = NULL;
    g_autofree char *dst_end = wait_end(dst, &dst_err);
    g_autofree char *a = config_of(src);
    g_autofree char *b = config_of(dst);

    g_assert_cmpstr(dst_err, ==, NULL);
    g_assert_cmpstr(dst_end, ==, "completed");
    g_assert_cmpstr(src_end, ==, "completed");
    g_assert_cmpstr(a, ==, b);
    assert_run_state(src, "postmigrate");
    assert_run_state(dst, state);
}

/* ---- RAM ---- */

#define CHUNK (64u << 10)

QTestState *start_qtest(const char *args)
{
    g_autoptr(GError) err = NULL;
    QTestState *s =
        qtest_init_full(qtest_binary(), args, QTEST_INIT_QTEST, &err);

    g_assert_no_error(err);
    return s;
}

QTestState *start_ram_source(void)
{
    QTestState *s = start_qtest("-preconfig");

    qtest_qmp_assert_success(s, "{\"execute\": \"machine-set\", \"arguments\": "
                                "{" RAM_CONFIG "}}");
    qtest_qmp_assert_success(s, "{\"execute\": \"x-exit-preconfig\"}");
    return s;
}

/* Fills [PATTERN_BASE, +PATTERN_SIZE) with seeded pseudo-random bytes. */
void write_pattern(QTestState *s)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(1234);
    g_autofree guint32 *buf = g_new(guint32, CHUNK / 4);

    for (guint off = 0; off < PATTERN_SIZE; off += CHUNK) {
        for (guint i = 0; i < CHUNK / 4; i++) {
            buf[i] = g_rand_int(r);
        }
        qtest_memwrite(s, PATTERN_BASE + off, buf, CHUNK);
    }
}

char *ram_hash(QTestState *s)
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_autofree guint8 *buf = g_malloc(1u << 20);

    for (guint off = 0; off < RAM_SIZE; off += 1u << 20) {
        qtest_memread(s, off, buf, 1u << 20);
        g_checksum_update(sum, buf, 1u << 20);
    }
    return g_strdup(g_checksum_get_string(sum));
}

void set_events(QTestState *s)
{
    qtest_qmp_assert_success(
        s, "{\"execute\": \"migrate-set-capabilities\", \"arguments\": "
           "{\"capabilities\": [{\"capability\": \"events\", "
           "\"state\": true}]}}");
}

JsonObject *ram_stats(QTestState *s)
{
    g_autoptr(JsonNode) r =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-migrate\"}");
    JsonObject *o = json_node_get_object(r);

    g_assert_true(json_object_has_member(o, "ram"));
    return json_object_ref(json_object_get_object_member(o, "ram"));
}
