/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU backend (include/accel/qemu-backend.h): the hand-off from the
 * configuration phase to a QEMU process, and qmpd as the QMP endpoint in
 * front of it afterwards.
 */

#include "prelude.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accel/qemu-backend.h"
#include "accel/qemu-cmdline.h"
#include "migration/migration.h"
#include "migration/qemu-handoff.h"
#include "monitor/monitor.h"
#include "qapi-events.h"
#include "qapi/util.h"
#include "qemu-backend-internal.h"
#include "qemu-introspect.h"
#include "qemu-process.h"
#include "qemu-qmp-client.h"
#include "qemu-serial-relay.h"
#include "qom/object-tree.h"
#include "util/error.h"

/* How long QEMU may take to come up and answer its first commands. */
#define QEMU_START_TIMEOUT_US (30 * G_USEC_PER_SEC)
/* QEMU's descriptor numbers: control channel, then relays, then blobs. */
#define QEMU_CONTROL_FD 3
#define QEMU_FIRST_SERIAL_FD 4
/* The oldest QEMU whose interfaces qmpd renders for. */
#define QEMU_MIN_MAJOR 7
#define QEMU_MIN_MINOR 2

/*
 * Commands qmpd keeps answering after the hand-off: the configuration it
 * owns, its own chardevs, fd sets and monitors, and the protocol itself.
 * The probing commands (query-machines, query-cpus-fast, ...) are not
 * here: once QEMU runs the guest, QEMU's answers are the true ones.
 */
static const char *const local_commands[] = {
    "qmp_capabilities",
    "machine-set",
    "query-machine-config",
    "x-exit-preconfig",
    "chardev-add",
    "chardev-remove",
    "query-chardev",
    "ringbuf-read",
    "ringbuf-write",
    "add-fd",
    "remove-fd",
    "query-fdsets",
    "getfd",
    "closefd",
    /* The chardevs yank breaks are qmpd's, and so is the channel QEMU got. */
    "yank",
    "query-yank",
    NULL,
};

typedef struct QemuBackend {
    QemuProcess *proc;
    QemuQmpClient *qmp;
    GPtrArray *relays; /* of QemuSerialRelay * */
    bool running;
    /*
     * Started ahead of an incoming stream from the local configuration:
     * negotiated and waiting, but no client's requests or events go
     * through it until qemu_backend_adopt().
     */
    bool ahead;
    bool saw_shutdown;
    int exit_status;
    void (*exited)(void);
    /* Started for an incoming migration that has not ended yet. */
    bool incoming;
    /*
     * qmpd turned QEMU's "events" capability on to see the incoming
     * migration end; the events are not the clients' unless they asked.
     */
    bool hide_migration_events;
    guint incoming_idle;
    char *incoming_error;
    void (*incoming_ended)(const char *error);
} QemuBackend;

static QemuBackend backend;

static bool is_local(const char *command)
{
    return g_strv_contains(local_commands, command);
}

/* ---- forwarding ---- */

/*
 * "migrate" is always qmpd's: it writes the configuration before QEMU's
 * stream.  query-migrate and migrate_cancel are qmpd's while qmpd's part
 * of a migration runs (or failed before QEMU heard of it).
 */
static bool migration_command_goes_to_qemu(const char *command)
{
    if (g_str_equal(command, "migrate")) {
        return false;
    }
    if (g_str_equal(command, "query-migrate")) {
        return migration_qemu_owns_query();
    }
    if (g_str_equal(command, "migrate_cancel")) {
        return !migration_qemu_cancel_is_local();
    }
    /*
     * QEMU, idle until the hand-off, would take a change that QEMU alone
     * refuses in "setup"; qmpd's own handler refuses it the same way.
     */
    if (g_str_equal(command, "migrate-set-capabilities")) {
        return !migration_qemu_before_handoff();
    }
    return true;
}

JsonNode *qemu_backend_empty_reply(void)
{
    JsonObject *obj = json_object_new();
    JsonNode *reply;

    json_object_set_object_member(obj, "return", json_object_new());
    reply = json_node_init_object(json_node_alloc(), obj);
    json_object_unref(obj);
    return reply;
}

JsonNode *qemu_backend_error_reply(const char *desc)
{
    JsonObject *err = json_object_new();
    JsonObject *obj = json_object_new();

    json_object_set_string_member(err, "class", "GenericError");
    json_object_set_string_member(err, "desc", desc);
    json_object_set_object_member(obj, "error", err);
    return json_node_init_object(json_node_alloc(), obj);
}

/* Returns: (transfer full) (nullable): why @reply is not a success. */
char *qemu_backend_reply_error(JsonNode *reply)
{
    JsonObject *obj = reply != NULL ? json_node_get_object(reply) : NULL;
    JsonObject *err;

    if (obj == NULL) {
        return g_strdup("QEMU exited before it answered");
    }
    if (!json_object_has_member(obj, "error")) {
        return NULL;
    }
    err = json_object_get_object_member(obj, "error");
    return g_strdup(err != NULL ? json_object_get_string_member_with_default(
                                      err, "desc", "(no description)")
                                : "(no description)");
}

void qemu_backend_forward_reply_cb(JsonNode *reply, void *opaque)
{
    MonitorPending *pending = opaque;
    g_autoptr(JsonNode) lost = NULL;

    if (reply == NULL) {
        lost = qemu_backend_error_reply("QEMU exited before it answered");
        reply = lost;
    }
    monitor_request_complete(pending, reply);
}

/* Completes @pending with QEMU's answer merged by @merge, or its error. */
static void merged_reply(MonitorPending *pending, JsonNode *reply,
                         JsonNode *(*merge)(JsonNode *theirs,
                                            const char *const *local))
{
    JsonObject *obj = reply != NULL ? json_node_get_object(reply) : NULL;
    JsonObject *out;
    g_autoptr(JsonNode) answer = NULL;

    if (obj == NULL || !json_object_has_member(obj, "return")) {
        qemu_backend_forward_reply_cb(reply, pending);
        return;
    }
    out = json_object_new();
    json_object_set_member(
        out, "return",
        merge(json_object_get_member(obj, "return"), local_commands));
    answer = json_node_init_object(json_node_alloc(), out);
    json_object_unref(out);
    monitor_request_complete(pending, answer);
}

static void commands_reply_cb(JsonNode *reply, void *opaque)
{
    merged_reply(opaque, reply, qemu_introspect_commands);
}

static void schema_reply_cb(JsonNode *reply, void *opaque)
{
    merged_reply(opaque, reply, qemu_introspect_schema);
}

/*
 * qmpd keeps a copy of QEMU's migration capabilities, updated by the
 * changes QEMU accepted: "events" decides whether qmpd reports its own
 * part of a migration (a hand-off that fails before QEMU has the channel)
 * with MIGRATION events, "multifd" makes "migrate" refuse at once, and
 * "postcopy-ram" lets migrate-start-postcopy be accepted before QEMU has
 * the channel.  QEMU enforces its own rules, so this only records.
 */
void qemu_backend_mirror_capabilities(JsonArray *caps, bool skip_events)
{
    for (guint i = 0; caps != NULL && i < json_array_get_length(caps); i++) {
        JsonObject *c = json_array_get_object_element(caps, i);
        int cap;

        if (c == NULL) {
            continue;
        }
        /* QEMU has capabilities qmpd does not know: those stay QEMU's. */
        cap = qapi_enum_parse(
            &MigrationCapability_lookup,
            json_object_get_string_member_with_default(c, "capability", ""), -1,
            NULL);
        if (cap < 0 || (skip_events && cap == MIGRATION_CAPABILITY_EVENTS)) {
            continue;
        }
        migration_capability_mirror(
            (MigrationCapability)cap,
            json_object_get_boolean_member_with_default(c, "state", false));
    }
}

typedef struct CapabilitiesCall {
    MonitorPending *pending;
    JsonNode *arguments; /* (nullable) */
} CapabilitiesCall;

static void set_capabilities_reply_cb(JsonNode *reply, void *opaque)
{
    CapabilitiesCall *call = opaque;
    g_autofree char *error = qemu_backend_reply_error(reply);

    /* Mirrored first, so a client's next request sees the copy updated. */
    if (error == NULL && call->arguments != NULL &&
        JSON_NODE_HOLDS_OBJECT(call->arguments)) {
        JsonObject *args = json_node_get_object(call->arguments);

        qemu_backend_mirror_capabilities(
            json_object_has_member(args, "capabilities")
                ? json_object_get_array_member(args, "capabilities")
                : NULL,
            false);
    }
    g_clear_pointer(&call->arguments, json_node_unref);
    qemu_backend_forward_reply_cb(reply, call->pending);
    g_free(call);
}

/*
 * migrate-start-postcopy before QEMU has heard of the migration (qmpd
 * still connects, writes its prelude or waits for the verdict).  QEMU
 * alone is in "setup" by then and accepts the request for later, so
 * qmpd does the same and sends it right after QEMU's "migrate".
 */
static void start_postcopy_early(MonitorPending *pending)
{
    g_autoptr(JsonNode) reply = NULL;

    if (!migration_capability_enabled(MIGRATION_CAPABILITY_POSTCOPY_RAM)) {
        /* QEMU's words for the same request. */
        reply = qemu_backend_error_reply(
            "Enable postcopy with migrate_set_capability "
            "before the start of migration");
    } else {
        qemu_migration_start_postcopy_later(true);
        reply = qemu_backend_empty_reply();
    }
    monitor_request_complete(pending, reply);
}

static bool router_take(const char *command, JsonNode *request,
                        MonitorPending *pending, void *opaque)
{
    JsonObject *obj = json_node_get_object(request);
    JsonNode *arguments = json_object_has_member(obj, "arguments")
                              ? json_object_get_member(obj, "arguments")
                              : NULL;
    QemuQmpReplyFn reply_cb = qemu_backend_forward_reply_cb;
    void *reply_opaque = pending;

    if (g_str_equal(command, "migrate") && !migration_is_active()) {
        /*
         * A new migration forgets a request left by a hand-off that failed
         * before QEMU heard of it (one refused as a second migration must
         * not cancel the running one's).
         */
        qemu_migration_start_postcopy_later(false);
    }
    if (!backend.running || is_local(command) ||
        !migration_command_goes_to_qemu(command)) {
        return false;
    }
    if (g_str_equal(command, "migrate-start-postcopy") &&
        migration_qemu_before_handoff()) {
        start_postcopy_early(pending);
        return true;
    }
    if (qemu_migrate_params_take(backend.qmp, command, obj, pending)) {
        return true;
    }
    if (g_str_equal(command, "migrate-set-capabilities")) {
        CapabilitiesCall *call = g_new0(CapabilitiesCall, 1);

        /* The client manages QEMU's events from now on. */
        backend.hide_migration_events = false;
        call->pending = pending;
        call->arguments = arguments != NULL ? json_node_copy(arguments) : NULL;
        reply_cb = set_capabilities_reply_cb;
        reply_opaque = call;
    }
    /*
     * Introspection is asked of QEMU when a client wants it, not kept:
     * QEMU's schema as a JSON tree would be most of qmpd's memory.
     */
    if (g_str_equal(command, "query-commands")) {
        reply_cb = commands_reply_cb;
    } else if (g_str_equal(command, "query-qmp-schema")) {
        reply_cb = schema_reply_cb;
    }
    /*
     * Only the command and its arguments go over: the id is the client's
     * (monitor_request_complete() restores it) and the private channel
     * has no out-of-band mode, so exec-oob runs in-band there.
     */
    qemu_qmp_client_send(backend.qmp, command, arguments, reply_cb,
                         reply_opaque);
    return true;
}

static const MonitorRequestRouter router = {
    .take = router_take,
};

/* ---- events and exit ---- */

static gboolean incoming_end_cb(gpointer opaque)
{
    g_autofree char *error = g_steal_pointer(&backend.incoming_error);

    backend.incoming_idle = 0;
    if (backend.incoming_ended != NULL) {
        backend.incoming_ended(error);
    }
    return G_SOURCE_REMOVE;
}

/*
 * Reported from an idle callback: on failure the receiver stops the
 * backend, which must not happen inside the backend's own callbacks.
 */
static void incoming_end(const char *error)
{
    if (!backend.incoming) {
        return;
    }
    backend.incoming = false;
    backend.incoming_error = g_strdup(error);
    backend.incoming_idle = g_idle_add(incoming_end_cb, NULL);
}

static void on_migration_event(JsonObject *obj)
{
    JsonObject *data = json_object_get_object_member(obj, "data");
    const char *status =
        data != NULL
            ? json_object_get_string_member_with_default(data, "status", "")
            : "";

    if (g_str_equal(status, "completed")) {
        incoming_end(NULL);
    } else if (g_str_equal(status, "failed")) {
        incoming_end("QEMU failed to load the migration stream");
    }
}

static void on_event(JsonNode *event, void *opaque)
{
    JsonObject *obj = json_node_get_object(event);
    const char *name = json_object_get_string_member(obj, "event");

    if (g_str_equal(name, "SHUTDOWN")) {
        backend.saw_shutdown = true;
    }
    if (g_str_equal(name, "MIGRATION")) {
        on_migration_event(obj);
    }
    if (backend.ahead) {
        return; /* nobody's guest yet */
    }
    if (backend.hide_migration_events &&
        (g_str_equal(name, "MIGRATION") ||
         g_str_equal(name, "MIGRATION_PASS"))) {
        return;
    }
    monitor_broadcast_event(event);
}

static void on_channel_closed(void *opaque)
{
    /* QEMU is exiting; the process watch reports when it is gone. */
    backend.running = false;
}

static const QemuQmpClientHandlers client_handlers = {
    .event = on_event,
    .closed = on_channel_closed,
};

static void on_process_exit(void *opaque)
{
    bool ok;
    g_autofree char *how = qemu_process_describe_exit(backend.proc, &ok);

    backend.running = false;
    if (backend.ahead) {
        /* The next incoming stream starts a QEMU of its own. */
        fprintf(stderr,
                "qmpd: the QEMU started ahead of the incoming "
                "migration %s\n",
                how);
        return;
    }
    monitor_set_request_router(NULL, NULL);
    if (backend.incoming && !backend.saw_shutdown) {
        /*
         * QEMU 7.2 exits when an incoming migration fails; that ends the
         * migration, not qmpd (a client's "quit" still ends both).
         */
        const char *line = qemu_process_first_error(backend.proc);
        g_autofree char *error =
            g_strdup_printf("QEMU %s during the incoming migration%s%s", how,
                            line != NULL ? ": " : "", line != NULL ? line : "");

        incoming_end(error);
        return;
    }
    if (!ok || !backend.saw_shutdown) {
        fprintf(stderr, "qmpd: QEMU %s\n", how);
        if (!backend.saw_shutdown) {
            /* QEMU could not say it; qmpd says the guest is gone. */
            qapi_event_send_shutdown(false, SHUTDOWN_CAUSE_HOST_ERROR);
        }
    }
    backend.exit_status = ok ? 0 : 1;
    if (backend.exited != NULL) {
        backend.exited();
    }
}

/* ---- the hand-off ---- */

static void backend_release(void)
{
    backend.incoming = false;
    g_clear_handle_id(&backend.incoming_idle, g_source_remove);
    g_clear_pointer(&backend.incoming_error, g_free);
    g_clear_pointer(&backend.qmp, qemu_qmp_client_free);
    qemu_migration_reset();
    g_clear_pointer(&backend.relays, g_ptr_array_unref);
    g_clear_pointer(&backend.proc, qemu_process_free);
}

/* A memfd holding @bytes, positioned at its start. */
static int blob_memfd(const QemuBlob *blob, GError **errp)
{
    g_autofree char *label = g_strdup_printf("qmpd-%s", blob->what);
    gsize len;
    const guint8 *data = g_bytes_get_data(blob->bytes, &len);
    int fd = memfd_create(label, MFD_CLOEXEC);
    gsize done = 0;

    if (fd < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "%s: memfd: %s",
                    blob->what, g_strerror(errno));
        return -1;
    }
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "%s: memfd: %s",
                        blob->what, g_strerror(errno));
            close(fd);
            return -1;
        }
        done += n;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

static void close_fd_map(GArray *fds)
{
    for (guint i = 0; i < fds->len; i++) {
        close(g_array_index(fds, QemuFdMap, i).source);
    }
    g_array_set_size(fds, 0);
}

static bool version_ok(JsonNode *version, GError **errp)
{
    JsonObject *q =
        json_object_get_object_member(json_node_get_object(version), "qemu");
    gint64 major = json_object_get_int_member(q, "major");
    gint64 minor = json_object_get_int_member(q, "minor");

    if (major < QEMU_MIN_MAJOR ||
        (major == QEMU_MIN_MAJOR && minor < QEMU_MIN_MINOR)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "QEMU %" G_GINT64_FORMAT ".%" G_GINT64_FORMAT
                    ".%" G_GINT64_FORMAT " is too old: qmpd needs %d.%d or "
                    "later",
                    major, minor, json_object_get_int_member(q, "micro"),
                    QEMU_MIN_MAJOR, QEMU_MIN_MINOR);
        return false;
    }
    return true;
}

/* Negotiates and asks what qmpd needs to know; nothing runs yet. */
static bool backend_negotiate(bool start_paused, bool incoming, GError **errp)
{
    gint64 deadline = g_get_monotonic_time() + QEMU_START_TIMEOUT_US;
    g_autoptr(JsonNode) version = NULL;

    if (!qemu_qmp_client_negotiate(backend.qmp, deadline, NULL, errp)) {
        return false;
    }
    version =
        qemu_qmp_client_call_sync(backend.qmp, "query-version", deadline, errp);
    if (version == NULL || !version_ok(version, errp)) {
        return false;
    }
    /* An incoming guest starts when its stream says (QEMU's autostart). */
    if (!start_paused && !incoming) {
        g_autoptr(JsonNode) ret =
            qemu_qmp_client_call_sync(backend.qmp, "cont", deadline, errp);

        return ret != NULL;
    }
    return true;
}

/* Relays for the -serial ports; fills @fds with QEMU's ends. */
static bool start_relays(GPtrArray *serials, int *serial_fds, GArray *fds,
                         GError **errp)
{
    backend.relays =
        g_ptr_array_new_with_free_func((GDestroyNotify)qemu_serial_relay_free);
    for (guint i = 0; i < serials->len; i++) {
        const char *id = g_ptr_array_index(serials, i);
        QemuFdMap map = {.target = QEMU_FIRST_SERIAL_FD + (int)i};
        QemuSerialRelay *relay;

        serial_fds[i] =
            id == NULL ? QEMU_SERIAL_ABSENT : QEMU_SERIAL_UNCONNECTED;
        if (id == NULL || id[0] == '\0') {
            continue;
        }
        relay = qemu_serial_relay_new(id, &map.source, errp);
        if (relay == NULL) {
            return false;
        }
        g_ptr_array_add(backend.relays, relay);
        g_array_append_val(fds, map);
        serial_fds[i] = map.target;
    }
    return true;
}

static bool backend_launch(const MachineProperties *config, GPtrArray *serials,
                           const QemuBackendOptions *opts, GArray *fds,
                           GError **errp)
{
    g_autofree char *binary = NULL;
    g_autofree int *serial_fds = g_new0(int, serials->len + 1);
    g_autofree const char **serial_ids = g_new0(const char *, serials->len + 1);
    g_autofree const char **host_args = NULL;
    const char *backend_id = NULL;
    MemoryBackendInfo backend_info;
    g_autoptr(QemuCmdline) cmdline = NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    QemuFdMap control = {.target = QEMU_CONTROL_FD};
    int pair[2];

    binary = qemu_process_find_binary(
        config->accel != NULL ? config->accel->binary : NULL, errp);
    if (binary == NULL || !start_relays(serials, serial_fds, fds, errp)) {
        return false;
    }
    for (guint i = 0; opts->serial_dev_ids != NULL && i < serials->len &&
                      i < opts->serial_dev_ids->len;
         i++) {
        serial_ids[i] = g_ptr_array_index(opts->serial_dev_ids, i);
    }
    if (opts->host_args != NULL) {
        host_args = g_new0(const char *, opts->host_args->len + 1);
        for (guint i = 0; i < opts->host_args->len; i++) {
            host_args[i] = g_ptr_array_index(opts->host_args, i);
        }
    }
    if (opts->memory_backend != NULL) {
        backend_id = object_get_canonical_path_component(opts->memory_backend);
        memory_backend_get_info(opts->memory_backend, &backend_info);
    }
    cmdline = qemu_cmdline_render(
        config,
        &(QemuRenderParams){
            .control_fd = QEMU_CONTROL_FD,
            .serial_fds = serial_fds,
            .serial_count = serials->len,
            .serial_ids = serial_ids,
            .memory_backend_id = backend_id,
            .memory_backend = backend_id != NULL ? &backend_info : NULL,
            .host_args = host_args,
            .first_blob_fd = QEMU_FIRST_SERIAL_FD + (int)serials->len,
            .no_reboot = opts->no_reboot,
            .no_shutdown = opts->no_shutdown,
            .name = opts->name,
        },
        errp);
    if (cmdline == NULL) {
        return false;
    }
    for (guint i = 0; i < cmdline->blobs->len; i++) {
        const QemuBlob *blob = g_ptr_array_index(cmdline->blobs, i);
        QemuFdMap map = {.target = blob->fd};

        map.source = blob_memfd(blob, errp);
        if (map.source < 0) {
            return false;
        }
        g_array_append_val(fds, map);
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "QMP channel: socketpair: %s", g_strerror(errno));
        return false;
    }
    backend.qmp = qemu_qmp_client_new(pair[0]);
    control.source = pair[1];
    g_array_append_val(fds, control);

    g_ptr_array_add(argv, binary);
    for (guint i = 0; i < cmdline->argv->len; i++) {
        const char *a = g_ptr_array_index(cmdline->argv, i);

        /*
         * Without -S QEMU starts an incoming guest when the stream says the
         * source ran, as QEMU alone does; with it, it could not tell.
         */
        if (opts->incoming && !opts->start_paused && g_str_equal(a, "-S")) {
            continue;
        }
        g_ptr_array_add(argv, (gpointer)a);
    }
    if (opts->incoming) {
        g_ptr_array_add(argv, (gpointer) "-incoming");
        g_ptr_array_add(argv, (gpointer) "defer");
    }
    g_ptr_array_add(argv, NULL);
    if (g_getenv("QMPD_LOG_QEMU_CMDLINE") != NULL) {
        g_autofree char *text = qemu_cmdline_to_string(cmdline);

        fprintf(stderr, "qmpd: starting %s %s\n", binary, text);
    }
    backend.proc =
        qemu_process_spawn((const char *const *)argv->pdata,
                           (QemuFdMap *)(void *)fds->data, fds->len, errp);
    /* The launcher owns (and has closed) every source descriptor. */
    g_array_set_size(fds, 0);
    return backend.proc != NULL;
}

/* QEMU runs: its channel and its exit are watched from now on. */
static void backend_watch(void)
{
    backend.running = true;
    backend.saw_shutdown = false;
    qemu_qmp_client_go_async(backend.qmp, &client_handlers, NULL);
    qemu_process_watch(backend.proc, on_process_exit, NULL);
}

/*
 * Migration settings made on qmpd are QEMU's to use; a refusal fails the
 * next migration with QEMU's reason.  An incoming migration's end is
 * seen through QEMU's MIGRATION events, which the clients only get if
 * they asked for them.
 */
static void pass_migration_settings(bool incoming)
{
    backend.hide_migration_events =
        incoming && !migration_capability_enabled(MIGRATION_CAPABILITY_EVENTS);
    qemu_migration_pass_settings(backend.hide_migration_events);
}

bool qemu_backend_start_ahead(const MachineProperties *config,
                              GPtrArray *serial_chardevs,
                              const QemuBackendOptions *opts, GError **errp)
{
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(QemuFdMap));
    g_autoptr(GError) err = NULL;

    g_return_val_if_fail(!backend.running && backend.proc == NULL, false);

    if (!backend_launch(config, serial_chardevs, opts, fds, &err)) {
        close_fd_map(fds);
        backend_release();
        g_propagate_error(errp, g_steal_pointer(&err));
        return false;
    }
    if (!backend_negotiate(opts->start_paused, opts->incoming, &err)) {
        bool exited = qemu_qmp_client_is_closed(backend.qmp);
        const char *first;

        /* QEMU's own words say more than "channel closed". */
        qemu_process_reap(backend.proc, !exited, 5000);
        first = qemu_process_first_error(backend.proc);
        if (exited && first != NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "QEMU refused the configuration: %s", first);
        } else {
            g_propagate_prefixed_error(errp, g_steal_pointer(&err),
                                       "QEMU did not start: ");
        }
        backend_release();
        return false;
    }
    backend_watch();
    backend.ahead = true;
    /*
     * Passed on now, while nothing waits: the migration settings at the
     * time QEMU is needed are the same, or only what changed is sent.
     */
    pass_migration_settings(opts->incoming);
    return true;
}

bool qemu_backend_is_ahead(void)
{
    return backend.ahead && backend.running;
}

void qemu_backend_adopt(const QemuBackendOptions *opts)
{
    g_return_if_fail(qemu_backend_is_ahead());

    backend.ahead = false;
    backend.exited = opts->exited;
    backend.incoming = opts->incoming;
    backend.incoming_ended = opts->incoming_ended;
    monitor_set_request_router(&router, NULL);
    pass_migration_settings(opts->incoming);
}

bool qemu_backend_start(const MachineProperties *config,
                        GPtrArray *serial_chardevs,
                        const QemuBackendOptions *opts, GError **errp)
{
    if (!qemu_backend_start_ahead(config, serial_chardevs, opts, errp)) {
        return false;
    }
    qemu_backend_adopt(opts);
    return true;
}

/* ---- cpr-exec (qemu-cpr.c) ---- */

QemuProcess *qemu_backend_get_process(void)
{
    return backend.proc;
}

QemuQmpClient *qemu_backend_get_qmp(void)
{
    return backend.qmp;
}

GPtrArray *qemu_backend_get_relays(void)
{
    return backend.relays;
}

bool qemu_backend_hides_migration_events(void)
{
    return backend.hide_migration_events;
}

void qemu_backend_install(QemuProcess *proc, QemuQmpClient *qmp,
                          GPtrArray *relays, const QemuBackendOptions *opts,
                          bool hide_migration_events)
{
    g_return_if_fail(!backend.running && backend.proc == NULL);

    backend.proc = proc;
    backend.qmp = qmp;
    backend.relays = relays;
    backend_watch();
    backend.exited = opts->exited;
    backend.incoming = false;
    backend.incoming_ended = NULL;
    backend.hide_migration_events = hide_migration_events;
    monitor_set_request_router(&router, NULL);
}

bool qemu_backend_is_running(void)
{
    return backend.running;
}

int qemu_backend_exit_status(void)
{
    return backend.exit_status;
}

void qemu_backend_stop(void)
{
    monitor_set_request_router(NULL, NULL);
    backend.ahead = false;
    backend.running = false;
    backend.exited = NULL;
    backend_release();
}
