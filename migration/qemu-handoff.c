/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migrating a guest that QEMU runs (include/migration/qemu-handoff.h):
 * qmpd's prelude on the channel, then the channel itself to QEMU.  The
 * source and destination halves are independent state machines on the
 * main loop.
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "channel-internal.h"
#include "hw/core/machine-config.h"
#include "migration-internal.h"
#include "migration/config-section.h"
#include "migration/qemu-handoff.h"
#include "migration/savevm.h"
#include "qapi-events.h"
#include "util/error.h"

#define VERDICT_HEAD_LEN 12u
/* The prelude's fixed part after the magic: version and length. */
#define PRELUDE_HEAD_LEN 8u

static void put_be32(GByteArray *a, uint32_t v)
{
    uint32_t be = GUINT32_TO_BE(v);

    g_byte_array_append(a, (const guint8 *)&be, sizeof(be));
}

static uint32_t get_be32(const guint8 *p)
{
    uint32_t be;

    memcpy(&be, p, sizeof(be));
    return GUINT32_FROM_BE(be);
}

static void digest(const guint8 *data, gsize len,
                   guint8 out[MIG_QEMU_DIGEST_LEN])
{
    g_autoptr(GChecksum) ck = g_checksum_new(G_CHECKSUM_SHA256);
    gsize out_len = MIG_QEMU_DIGEST_LEN;

    g_checksum_update(ck, data, (gssize)len);
    g_checksum_get_digest(ck, out, &out_len);
}

GBytes *migration_qemu_encode_prelude(const MachineProperties *cfg)
{
    g_autoptr(JsonNode) node = machine_config_to_json(cfg);
    g_autofree char *text = json_to_string(node, FALSE);
    gsize len = strlen(text);
    GByteArray *a = g_byte_array_sized_new(len + 64);
    guint8 sum[MIG_QEMU_DIGEST_LEN];

    put_be32(a, MIG_QEMU_MAGIC);
    put_be32(a, MIG_QEMU_VERSION);
    put_be32(a, (uint32_t)len);
    g_byte_array_append(a, (const guint8 *)text, len);
    digest((const guint8 *)text, len, sum);
    g_byte_array_append(a, sum, sizeof(sum));
    return g_byte_array_free_to_bytes(a);
}

/*
 * qmpd deepens a unix socket's send buffer for its own stream
 * (mig_socket_tune_outgoing()); QEMU's stream gets the socket as QEMU's
 * own "unix:" would have made it, so both sides compare like for like.
 */
static void restore_default_sndbuf(int fd)
{
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);
    int fresh, size = 0;
    socklen_t len = sizeof(size);

    if (getsockname(fd, (struct sockaddr *)&ss, &sslen) < 0 ||
        ss.ss_family != AF_UNIX) {
        return;
    }
    fresh = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fresh < 0) {
        return;
    }
    /* Linux reports twice what it was (or would be) set to. */
    if (getsockopt(fresh, SOL_SOCKET, SO_SNDBUF, &size, &len) == 0) {
        size /= 2;
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
    }
    close(fresh);
}

/*
 * The descriptor under a channel, duplicated for QEMU.  Its file offset
 * is shared, so QEMU reads (or writes) right after the prelude.
 */
static int channel_dup_fd(MigChannel *ch, GError **errp)
{
    int fd = -1;
    int dup_fd;

    if (ch->io != NULL) {
        fd = g_socket_get_fd(
            g_socket_connection_get_socket(G_SOCKET_CONNECTION(ch->io)));
        restore_default_sndbuf(fd);
    } else if (ch->out != NULL && G_IS_UNIX_OUTPUT_STREAM(ch->out)) {
        fd = g_unix_output_stream_get_fd(G_UNIX_OUTPUT_STREAM(ch->out));
    } else if (ch->in != NULL && G_IS_UNIX_INPUT_STREAM(ch->in)) {
        fd = g_unix_input_stream_get_fd(G_UNIX_INPUT_STREAM(ch->in));
    }
    if (fd < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "the migration channel has no descriptor to give QEMU");
        return -1;
    }
    dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (dup_fd < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "migration channel: dup: %s", g_strerror(errno));
        return -1;
    }
    /* QEMU's fd: transport expects the blocking descriptor it would open. */
    fcntl(dup_fd, F_SETFL, fcntl(dup_fd, F_GETFL) & ~O_NONBLOCK);
    return dup_fd;
}

/*
 * Closes qmpd's side of a channel QEMU now holds: the descriptor only, so
 * the connection stays up, and a command (exec:) keeps running for QEMU.
 */
static void channel_release_to_qemu(MigChannel *ch)
{
    GSubprocess *proc = g_steal_pointer(&ch->proc);

    mig_channel_free(ch);
    g_clear_object(&proc);
}

/*
 * QEMU only ever gets the migration channel as one descriptor ("fd:"),
 * on which QEMU 7.2 opens no further channels, which multifd and
 * postcopy-preempt need.  Left to QEMU, a source fails with no error-desc
 * (QEMU prints the reason on its stderr) and a destination accepts the
 * channel but never reads it.  Refused here, before a byte is sent.
 */
static bool check_single_channel(GError **errp)
{
    static const MigrationCapability multi[] = {
        MIGRATION_CAPABILITY_MULTIFD,
        MIGRATION_CAPABILITY_POSTCOPY_PREEMPT,
    };

    for (gsize i = 0; i < G_N_ELEMENTS(multi); i++) {
        if (migration_capability_enabled(multi[i])) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "%s is not available for a guest run by QEMU: qmpd "
                        "hands QEMU the migration channel as a single "
                        "descriptor ('fd:'), on which QEMU cannot open more "
                        "channels",
                        MigrationCapability_str(multi[i]));
            return false;
        }
    }
    return true;
}

/* ---- source ---- */

typedef struct HandoffOut {
    MigrationStatus status; /* NONE when QEMU's state is the one to show */
    const MigrationSystemOps *ops;
    GCancellable *cancel;
    MigChannel *ch;
    GBytes *prelude;
    guint8 verdict[VERDICT_HEAD_LEN];
    char *verdict_text;
    bool handing; /* getfd/migrate sent to QEMU, no answer yet */
    gint64 start_ms, end_ms;
    char *error;
} HandoffOut;

static HandoffOut hout;

static gint64 now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

/*
 * QEMU announces its own "setup" once it has the channel, so qmpd's
 * events cover only an end that QEMU never saw, with the "setup" QEMU
 * would have sent before it.
 */
static void hout_set_status(MigrationStatus status)
{
    bool events = migration_capability_enabled(MIGRATION_CAPABILITY_EVENTS);

    if (hout.status == status) {
        return;
    }
    hout.status = status;
    if (events && (status == MIGRATION_STATUS_FAILED ||
                   status == MIGRATION_STATUS_CANCELLED)) {
        qapi_event_send_migration(MIGRATION_STATUS_SETUP);
        qapi_event_send_migration(status);
    }
}

static void hout_release(void)
{
    g_clear_pointer(&hout.ch, mig_channel_free);
    g_clear_pointer(&hout.prelude, g_bytes_unref);
    g_clear_pointer(&hout.verdict_text, g_free);
    g_clear_object(&hout.cancel);
}

static void hout_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* qmpd's part failed: the guest never stopped, QEMU never heard of it. */
static void hout_fail(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    /* Formatted first: the arguments may point into what is released. */
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    hout.end_ms = now_ms();
    hout_release();
    if (hout.status == MIGRATION_STATUS_CANCELLING) {
        hout_set_status(MIGRATION_STATUS_CANCELLED);
        return;
    }
    g_free(hout.error);
    hout.error = g_steal_pointer(&msg);
    hout_set_status(MIGRATION_STATUS_FAILED);
}

static void hout_qemu_reply(const char *error, void *opaque)
{
    hout.handing = false;
    if (error != NULL) {
        hout_fail("QEMU refused the migration: %s", error);
        return;
    }
    /*
     * QEMU owns the migration now: query-migrate, its events and
     * migrate_cancel are QEMU's, exactly as with QEMU alone.
     */
    hout_release();
    hout.status = MIGRATION_STATUS_NONE;
}

static void hout_hand_over(void)
{
    g_autoptr(GError) err = NULL;
    int fd;

    if (hout.status == MIGRATION_STATUS_CANCELLING) {
        hout_fail("cancelled");
        return;
    }
    fd = channel_dup_fd(hout.ch, &err);
    if (fd < 0) {
        hout_fail("%s", err->message);
        return;
    }
    /* QEMU holds its own descriptor from here on; ours can go. */
    channel_release_to_qemu(g_steal_pointer(&hout.ch));
    hout.handing = true;
    hout.ops->qemu_migrate(false, fd, hout_qemu_reply, NULL);
}

static void hout_text_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = g_steal_pointer(&hout.verdict_text);
    gsize got = 0;

    if (!g_input_stream_read_all_finish(G_INPUT_STREAM(source), res, &got,
                                        &err)) {
        hout_fail("failed to read the destination's verdict: %s", err->message);
        return;
    }
    hout_fail("the destination refused the migration: %s", text);
}

static void hout_verdict_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    g_autoptr(GError) err = NULL;
    gsize got = 0;
    uint32_t status, len;

    if (!g_input_stream_read_all_finish(G_INPUT_STREAM(source), res, &got,
                                        &err)) {
        hout_fail("failed to read the destination's verdict: %s", err->message);
        return;
    }
    if (got < VERDICT_HEAD_LEN) {
        hout_fail("the destination closed the connection before it "
                  "accepted the configuration");
        return;
    }
    status = get_be32(hout.verdict + 4);
    len = get_be32(hout.verdict + 8);
    if (get_be32(hout.verdict) != MIG_QEMU_MAGIC ||
        len > MIG_QEMU_VERDICT_MAX_TEXT || (status == 0 && len != 0)) {
        hout_fail("the destination answered with something that is not a "
                  "qmpd verdict");
        return;
    }
    if (status == 0) {
        hout_hand_over();
        return;
    }
    hout.verdict_text = g_malloc0(len + 1);
    g_input_stream_read_all_async(hout.ch->in, hout.verdict_text, len,
                                  G_PRIORITY_DEFAULT, hout.cancel, hout_text_cb,
                                  NULL);
}

static void hout_written_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    g_autoptr(GError) err = NULL;

    if (!g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), res, NULL,
                                          &err)) {
        hout_fail("Unable to write to the migration stream: %s", err->message);
        return;
    }
    if (hout.ch->io == NULL) {
        hout_hand_over();
        return;
    }
    g_input_stream_read_all_async(hout.ch->in, hout.verdict,
                                  sizeof(hout.verdict), G_PRIORITY_DEFAULT,
                                  hout.cancel, hout_verdict_cb, NULL);
}

static void hout_connected_cb(MigChannel *ch, const GError *err,
                              gpointer opaque)
{
    gsize len;
    const void *data;

    if (hout.status == MIGRATION_STATUS_CANCELLING) {
        g_clear_pointer(&ch, mig_channel_free);
        hout_fail("cancelled");
        return;
    }
    if (ch == NULL) {
        hout_fail("Failed to connect: %s", err->message);
        return;
    }
    hout.ch = ch;
    hout.prelude = migration_qemu_encode_prelude(machine_config_get());
    data = g_bytes_get_data(hout.prelude, &len);
    g_output_stream_write_all_async(ch->out, data, len, G_PRIORITY_DEFAULT,
                                    hout.cancel, hout_written_cb, NULL);
}

bool mig_qemu_outgoing_start(const MigrationAddress *addr,
                             const MigrationSystemOps *ops, GError **errp)
{
    g_autoptr(GError) err = NULL;

    if (!check_single_channel(errp)) {
        return false;
    }
    hout.ops = ops;
    g_clear_pointer(&hout.error, g_free);
    hout.start_ms = now_ms();
    hout.end_ms = 0;
    hout.cancel = g_cancellable_new();
    hout_set_status(MIGRATION_STATUS_SETUP);
    if (!mig_channel_connect(addr, hout.cancel, hout_connected_cb, NULL,
                             &err)) {
        hout_fail("%s", err->message);
        g_propagate_error(errp, g_steal_pointer(&err));
        return false;
    }
    return true;
}

bool mig_qemu_outgoing_active(void)
{
    return hout.status == MIGRATION_STATUS_SETUP ||
           hout.status == MIGRATION_STATUS_CANCELLING;
}

MigrationInfo *mig_qemu_outgoing_query(void)
{
    MigrationInfo *info;

    if (hout.status == MIGRATION_STATUS_NONE) {
        return NULL;
    }
    info = g_new0(MigrationInfo, 1);
    info->has_status = true;
    info->status = hout.status;
    info->has_total_time = true;
    info->total_time =
        (hout.end_ms != 0 ? hout.end_ms : now_ms()) - hout.start_ms;
    if (hout.status == MIGRATION_STATUS_FAILED && hout.error != NULL) {
        info->error_desc = g_strdup(hout.error);
    }
    return info;
}

bool mig_qemu_outgoing_cancel(void)
{
    if (!mig_qemu_outgoing_active()) {
        return false;
    }
    if (hout.status != MIGRATION_STATUS_CANCELLING) {
        hout_set_status(MIGRATION_STATUS_CANCELLING);
        if (hout.cancel != NULL) {
            g_cancellable_cancel(hout.cancel);
        }
    }
    return true;
}

/* ---- destination ---- */

typedef struct HandoffIn {
    bool active;
    bool prepared; /* a QEMU was started for this stream */
    bool handed;   /* QEMU reads the stream */
    guint generation;
    const MigrationSystemOps *ops;
    GCancellable *cancel;
    MigChannel *ch;
    guint8 head[PRELUDE_HEAD_LEN];
    guint8 *body; /* JSON, then its digest */
    uint32_t len;
} HandoffIn;

static HandoffIn hin;

static void hin_release(void)
{
    if (hin.cancel != NULL) {
        g_cancellable_cancel(hin.cancel);
    }
    g_clear_object(&hin.cancel);
    g_clear_pointer(&hin.ch, mig_channel_free);
    g_clear_pointer(&hin.body, g_free);
}

/* On a duplex channel, tells the source whether its QEMU may start. */
static void hin_send_verdict(bool ok, const char *text)
{
    g_autoptr(GByteArray) a = g_byte_array_new();
    gsize len = ok ? 0 : MIN(strlen(text), MIG_QEMU_VERDICT_MAX_TEXT);

    if (hin.ch == NULL || hin.ch->io == NULL) {
        return;
    }
    put_be32(a, MIG_QEMU_MAGIC);
    put_be32(a, ok ? 0 : 1);
    put_be32(a, (uint32_t)len);
    g_byte_array_append(a, (const guint8 *)text, (guint)len);
    /* A few bytes into an empty socket; a vanished source is no matter. */
    g_output_stream_write_all(hin.ch->out, a->data, a->len, NULL, NULL, NULL);
}

static void hin_end(bool cancelled, const char *error)
{
    hin.generation++;
    if (error != NULL && !hin.handed) {
        hin_send_verdict(false, error);
    }
    if (error != NULL && hin.prepared) {
        hin.ops->incoming_abort();
    }
    hin.prepared = false;
    hin.handed = false;
    hin.active = false;
    hin_release();
    migration_incoming_ended(cancelled, error);
}

static void hin_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void hin_fail(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    hin_end(false, msg);
}

static void hin_qemu_reply(const char *error, void *opaque)
{
    if (GPOINTER_TO_UINT(opaque) != hin.generation) {
        return; /* this attempt already ended */
    }
    if (error != NULL) {
        hin_fail("QEMU refused the incoming migration: %s", error);
        return;
    }
    hin_send_verdict(true, NULL);
    hin.handed = true;
    channel_release_to_qemu(g_steal_pointer(&hin.ch));
}

/* The whole prelude is in: check it, configure, start QEMU, hand over. */
static void hin_apply(void)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(MachineProperties) stream_cfg = NULL;
    g_autoptr(MachineProperties) final = NULL;
    g_autoptr(GError) err = NULL;
    guint8 sum[MIG_QEMU_DIGEST_LEN];
    JsonNode *root;
    int fd;

    digest(hin.body, hin.len, sum);
    if (memcmp(sum, hin.body + hin.len, sizeof(sum)) != 0) {
        hin_fail("%s: the configuration's SHA-256 does not match: the "
                 "stream is corrupt",
                 MIGRATION_CONFIG_SECTION);
        return;
    }
    if (!json_parser_load_from_data(parser, (const char *)hin.body,
                                    (gssize)hin.len, &err)) {
        hin_fail("%s: invalid JSON: %s", MIGRATION_CONFIG_SECTION,
                 err->message);
        return;
    }
    root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
        hin_fail("%s: not a JSON object", MIGRATION_CONFIG_SECTION);
        return;
    }
    stream_cfg = machine_config_from_json(root, false, &err);
    if (stream_cfg == NULL ||
        !migration_config_check_accel(machine_config_get(), stream_cfg, &err) ||
        !migration_config_reconcile(machine_config_get(), stream_cfg, &final,
                                    &err)) {
        if (!g_str_has_prefix(err->message, "migration: ")) {
            g_prefix_error(&err, "%s: ", MIGRATION_CONFIG_SECTION);
        }
        hin_fail("%s", err->message);
        return;
    }
    /* The prelude says QEMU runs the guest: one channel is all it gets. */
    if (!check_single_channel(&err) ||
        !hin.ops->incoming_prepare_qemu(final, &err)) {
        hin_fail("%s", err->message);
        return;
    }
    hin.prepared = true;
    fd = channel_dup_fd(hin.ch, &err);
    if (fd < 0) {
        hin_fail("%s", err->message);
        return;
    }
    hin.ops->qemu_migrate(true, fd, hin_qemu_reply,
                          GUINT_TO_POINTER(hin.generation));
}

static bool hin_read_finish(GObject *source, GAsyncResult *res, gsize want,
                            const char *what)
{
    g_autoptr(GError) err = NULL;
    gsize got = 0;

    if (!g_input_stream_read_all_finish(G_INPUT_STREAM(source), res, &got,
                                        &err)) {
        if (!g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            hin_fail("%s", err->message);
        }
        return false;
    }
    if (got < want) {
        hin_fail("%s: the stream ended inside the %s (%" G_GSIZE_FORMAT
                 " of %" G_GSIZE_FORMAT " bytes)",
                 MIGRATION_CONFIG_SECTION, what, got, want);
        return false;
    }
    return true;
}

static void hin_body_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    if (hin_read_finish(source, res, hin.len + MIG_QEMU_DIGEST_LEN,
                        "configuration")) {
        hin_apply();
    }
}

static void hin_head_cb(GObject *source, GAsyncResult *res, gpointer p)
{
    uint32_t version;

    if (!hin_read_finish(source, res, sizeof(hin.head), "prelude header")) {
        return;
    }
    version = get_be32(hin.head);
    hin.len = get_be32(hin.head + 4);
    if (version != MIG_QEMU_VERSION) {
        hin_fail("%s: prelude version %u is not supported (this qmpd reads "
                 "version %u)",
                 MIGRATION_CONFIG_SECTION, version, MIG_QEMU_VERSION);
        return;
    }
    if (hin.len > MIGRATION_CONFIG_MAX_JSON) {
        hin_fail("%s: announced size %u exceeds the limit of %u bytes",
                 MIGRATION_CONFIG_SECTION, hin.len, MIGRATION_CONFIG_MAX_JSON);
        return;
    }
    hin.body = g_malloc(hin.len + MIG_QEMU_DIGEST_LEN);
    g_input_stream_read_all_async(
        hin.ch->in, hin.body, hin.len + MIG_QEMU_DIGEST_LEN, G_PRIORITY_DEFAULT,
        hin.cancel, hin_body_cb, NULL);
}

void mig_qemu_incoming_start(MigChannel *ch, const MigrationSystemOps *ops)
{
    hin_release();
    hin.ops = ops;
    hin.ch = ch;
    hin.active = true;
    hin.prepared = hin.handed = false;
    hin.generation++;
    hin.cancel = g_cancellable_new();
    g_input_stream_read_all_async(ch->in, hin.head, sizeof(hin.head),
                                  G_PRIORITY_DEFAULT, hin.cancel, hin_head_cb,
                                  NULL);
}

bool mig_qemu_incoming_cancel(void)
{
    if (!hin.active) {
        return false;
    }
    /* Ending QEMU cuts the connection, which fails the source cleanly. */
    hin_end(true, "the incoming migration was cancelled");
    return true;
}

bool mig_qemu_incoming_handed(void)
{
    return hin.active && hin.handed;
}

void migration_qemu_incoming_ended(const char *error)
{
    if (!hin.active) {
        return;
    }
    if (error == NULL) {
        hin.prepared = false;
    }
    hin_end(false, error);
}

bool migration_qemu_owns_query(void)
{
    return hout.status == MIGRATION_STATUS_NONE && !mig_cpr_qemu_holds_query();
}

void mig_qemu_outgoing_forget(void)
{
    if (mig_qemu_outgoing_active() || hout.handing) {
        return;
    }
    hout_release();
    g_clear_pointer(&hout.error, g_free);
    hout.status = MIGRATION_STATUS_NONE;
}

bool migration_qemu_before_handoff(void)
{
    return mig_qemu_outgoing_active() && !hout.handing;
}

bool migration_qemu_cancel_is_local(void)
{
    /*
     * Once "migrate" is on its way to QEMU, a cancel queued behind it
     * reaches QEMU after it, which is what cancels QEMU's migration.
     */
    return migration_qemu_before_handoff() || hin.active;
}

void mig_qemu_shutdown(void)
{
    hin_release();
    hin.active = hin.prepared = hin.handed = false;
    hout_release();
    g_clear_pointer(&hout.error, g_free);
    hout.status = MIGRATION_STATUS_NONE;
}
