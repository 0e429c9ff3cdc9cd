/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared steps of the migration qtests: starting a configured source and
 * a bare destination, driving migrate and migrate-incoming, waiting for
 * the end state and checking both ends, and hashing guest RAM.
 */

#include "prelude.h"

#include <sys/socket.h>
#include <sys/un.h>

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
    QTestState *s = start_qtest(args);

    qtest_qmp_assert_success(s, "{\"execute\": \"machine-set\", \"arguments\": "
                                "{\"type\": \"pc\", " SOURCE_CONFIG "}}");
    qtest_qmp_assert_success(s, "{\"execute\": \"x-exit-preconfig\"}");
    write_pattern(s);
    return s;
}

QTestState *start_dest(void)
{
    return start_qtest("-incoming defer");
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

void assert_same_ram(QTestState *src, QTestState *dst)
{
    g_autofree char *a = ram_hash(src);
    g_autofree char *b = ram_hash(dst);

    g_assert_cmpstr(a, ==, b);
}

int listen_unix(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
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

/* ---- what the guest sees ---- */

/*
 * Reads fw_cfg item @key with one DMA transfer, as firmware does: a
 * descriptor {be32 control, be32 length, be64 address} in guest RAM, its
 * address written big-endian to ports 0x514 (high) and 0x518 (low).
 */
#define FW_DMA_DESC 0x1000
#define FW_DMA_BUF 0x10000

GBytes *fw_cfg_read(QTestState *s, uint16_t key, gsize len)
{
    guint8 *buf = g_malloc(len ? len : 1);
    /* select + read */
    uint32_t control = GUINT32_TO_BE((uint32_t)key << 16 | 0x08 | 0x02);
    uint32_t length = GUINT32_TO_BE((uint32_t)len);
    uint64_t address = GUINT64_TO_BE(FW_DMA_BUF);
    guint8 desc[16];

    g_assert_cmpuint(len, <=, RAM_SIZE - FW_DMA_BUF);
    memcpy(desc, &control, 4);
    memcpy(desc + 4, &length, 4);
    memcpy(desc + 8, &address, 8);
    qtest_memwrite(s, FW_DMA_DESC, desc, sizeof(desc));
    qtest_outl(s, 0x514, 0);
    qtest_outl(s, 0x518, GUINT32_SWAP_LE_BE(FW_DMA_DESC));
    /* The device writes the control word back as 0 on success. */
    qtest_memread(s, FW_DMA_DESC, &control, 4);
    g_assert_cmpuint(control, ==, 0);
    if (len > 0) {
        qtest_memread(s, FW_DMA_BUF, buf, len);
    }
    return g_bytes_new_take(buf, len);
}

/*
 * Every fw_cfg file (directory key 0x19: be32 count, then 64-byte entries
 * of be32 size, be16 key, be16 reserved, name[56]) as name -> bytes.
 */
GHashTable *fw_cfg_files(QTestState *s)
{
    GHashTable *files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify)g_bytes_unref);
    g_autoptr(GBytes) head = fw_cfg_read(s, 0x19, 4);
    const guint8 *h = g_bytes_get_data(head, NULL);
    guint32 count = (guint32)h[0] << 24 | h[1] << 16 | h[2] << 8 | h[3];
    g_autoptr(GBytes) dir = fw_cfg_read(s, 0x19, 4 + 64 * count);
    const guint8 *d = (const guint8 *)g_bytes_get_data(dir, NULL) + 4;

    g_assert_cmpuint(count, >, 0);
    for (guint32 i = 0; i < count; i++, d += 64) {
        guint32 size = (guint32)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
        guint16 key = (guint16)(d[4] << 8 | d[5]);

        g_hash_table_insert(files, g_strndup((const char *)d + 8, 56),
                            fw_cfg_read(s, key, size));
    }
    return files;
}

static guint8 cmos_read(QTestState *s, guint8 index)
{
    qtest_outb(s, 0x70, index);
    return qtest_inb(s, 0x71);
}

/*
 * RAM before fw_cfg: a DMA read writes its descriptor and data into
 * guest RAM.  Of the RTC, the date and hour (the source's clock starts at
 * a fixed base a few seconds earlier, so they cannot tick over during a
 * test) and all of NVRAM; seconds and minutes may differ by a tick.
 */
void assert_same_guest(QTestState *src, QTestState *dst)
{
    static const guint8 rtc_regs[] = {0x04, 0x07, 0x08, 0x09};
    g_autoptr(GHashTable) src_files = NULL;
    g_autoptr(GHashTable) dst_files = NULL;
    GHashTableIter iter;
    gpointer name, bytes;

    assert_same_ram(src, dst);
    for (guint i = 0; i < G_N_ELEMENTS(rtc_regs); i++) {
        g_assert_cmphex(cmos_read(src, rtc_regs[i]), ==,
                        cmos_read(dst, rtc_regs[i]));
    }
    for (guint8 index = 0x0e; index < 0x80; index++) {
        g_assert_cmphex(cmos_read(src, index), ==, cmos_read(dst, index));
    }
    src_files = fw_cfg_files(src);
    dst_files = fw_cfg_files(dst);
    g_assert_cmpuint(g_hash_table_size(dst_files), ==,
                     g_hash_table_size(src_files));
    g_hash_table_iter_init(&iter, src_files);
    while (g_hash_table_iter_next(&iter, &name, &bytes)) {
        GBytes *mine = g_hash_table_lookup(dst_files, name);

        g_test_message("fw_cfg file %s", (const char *)name);
        g_assert_nonnull(mine);
        g_assert_true(g_bytes_equal(mine, bytes));
    }
}

char *cpr_exec_own_command(QTestState *s, const char *binary)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", qtest_pid(s));
    g_autofree char *text = NULL;
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;
    gsize len = 0;

    g_assert_true(g_file_get_contents(path, &text, &len, NULL));
    json_builder_begin_array(b);
    for (gsize off = 0; off < len; off += strlen(text + off) + 1) {
        json_builder_add_string_value(
            b, off == 0 && binary != NULL ? binary : text + off);
    }
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}
