/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's end of a migration that qmpd starts (migration/qemu-handoff.c):
 * the migration settings made on qmpd, passed on to QEMU, and the channel,
 * given to QEMU (getfd) and then started on ("migrate fd:" or
 * "migrate-incoming fd:").
 *
 * On a destination it all lies between the configuration's arrival and
 * QEMU's first byte of the stream, and QEMU's monitor reads one byte per
 * turn of its main loop and takes one command at a time: every command
 * sent then is time the migration waits.  So QEMU is told only the
 * settings it does not have yet; a QEMU started ahead of the stream got
 * them when it started.
 */

#include "prelude.h"

#include <string.h>
#include <unistd.h>

#include "migration/migration.h"
#include "qemu-backend-internal.h"

/* The getfd name under which QEMU gets a migration channel. */
#define MIGRATION_FDNAME "qmpd-migration"

typedef struct MigrateCall {
    bool incoming;
    MigrationQemuReplyFn fn;
    void *opaque;
} MigrateCall;

static struct {
    /* What this QEMU was told since it started with its defaults. */
    bool caps[MIGRATION_CAPABILITY__MAX];
    JsonNode *params;  /* NULL: the defaults */
    char *setup_error; /* QEMU refused a setting: the next migration's */
    /* Settings and getfd sent to QEMU and not answered yet. */
    guint unanswered;
    char *fd_error; /* QEMU refused the getfd (or exited first) */
    /* A "migrate" held back until QEMU answered what went before it. */
    MigrateCall *waiting;
    /* migrate-start-postcopy came before QEMU's "migrate": send it after. */
    bool start_postcopy;
} qm;

void qemu_migration_reset(void)
{
    memset(qm.caps, 0, sizeof(qm.caps));
    g_clear_pointer(&qm.params, json_node_unref);
    g_clear_pointer(&qm.setup_error, g_free);
    g_clear_pointer(&qm.fd_error, g_free);
    /* Freeing the QMP client answered everything, "migrate" included. */
    g_warn_if_fail(qm.waiting == NULL);
    qm.unanswered = 0;
}

void qemu_migration_start_postcopy_later(bool later)
{
    qm.start_postcopy = later;
}

static void migrate_go(MigrateCall *mc);

/* One of the requests a held-back "migrate" waits for was answered. */
static void answered(void)
{
    g_return_if_fail(qm.unanswered > 0);
    if (--qm.unanswered == 0 && qm.waiting != NULL) {
        migrate_go(g_steal_pointer(&qm.waiting));
    }
}

static void setting_reply_cb(JsonNode *reply, void *opaque)
{
    g_autofree char *error = qemu_backend_reply_error(reply);

    if (error != NULL && qm.setup_error == NULL) {
        qm.setup_error = g_steal_pointer(&error);
    }
    answered();
}

void qemu_migration_pass_settings(bool with_events)
{
    QemuQmpClient *qmp = qemu_backend_get_qmp();
    bool want[MIGRATION_CAPABILITY__MAX];
    g_autoptr(JsonNode) caps = NULL;
    g_autoptr(JsonNode) params = migration_parameters_changed_since(qm.params);

    migration_capabilities_now(want);
    if (with_events) {
        want[MIGRATION_CAPABILITY_EVENTS] = true;
    }
    caps = migration_capabilities_changed(want, qm.caps);
    /* Queued before any client's request, so they take effect first. */
    if (json_array_get_length(json_node_get_array(caps)) > 0) {
        g_autoptr(JsonNode) args = json_node_new(JSON_NODE_OBJECT);
        JsonObject *obj = json_object_new();

        json_object_set_member(obj, "capabilities", g_steal_pointer(&caps));
        json_node_take_object(args, obj);
        qm.unanswered++;
        qemu_qmp_client_send(qmp, "migrate-set-capabilities", args,
                             setting_reply_cb, NULL);
        memcpy(qm.caps, want, sizeof(want));
    }
    if (params != NULL) {
        qm.unanswered++;
        qemu_qmp_client_send(qmp, "migrate-set-parameters", params,
                             setting_reply_cb, NULL);
        g_clear_pointer(&qm.params, json_node_unref);
        qm.params = migration_parameters_now();
    }
}

static void ignore_reply_cb(JsonNode *reply, void *opaque)
{
}

static JsonNode *fdname_args(void)
{
    JsonNode *args = json_node_new(JSON_NODE_OBJECT);
    JsonObject *obj = json_object_new();

    json_object_set_string_member(obj, "fdname", MIGRATION_FDNAME);
    json_node_take_object(args, obj);
    return args;
}

/*
 * A migration QEMU did not start leaves the channel under its getfd name,
 * which would hold the connection open and keep the peer waiting.
 */
static void drop_migration_fd(void)
{
    QemuQmpClient *qmp = qemu_backend_get_qmp();
    g_autoptr(JsonNode) args = NULL;

    if (qmp != NULL) {
        args = fdname_args();
        qemu_qmp_client_send(qmp, "closefd", args, ignore_reply_cb, NULL);
    }
}

static void getfd_reply_cb(JsonNode *reply, void *opaque)
{
    g_autofree char *error = qemu_backend_reply_error(reply);

    if (error != NULL && qm.fd_error == NULL) {
        qm.fd_error = g_steal_pointer(&error);
    }
    answered();
}

static bool give_migration_fd(int fd)
{
    g_autoptr(JsonNode) args = NULL;

    if (!qemu_backend_is_running()) {
        close(fd);
        return false;
    }
    args = fdname_args();
    g_clear_pointer(&qm.fd_error, g_free);
    qm.unanswered++;
    qemu_qmp_client_send_fd(qemu_backend_get_qmp(), "getfd", args, fd,
                            getfd_reply_cb, NULL);
    return true;
}

static void migrate_reply_cb(JsonNode *reply, void *opaque)
{
    MigrateCall *mc = opaque;
    g_autofree char *error = qemu_backend_reply_error(reply);

    if (error != NULL && reply != NULL) {
        drop_migration_fd();
    }
    mc->fn(error, mc->opaque);
    g_free(mc);
}

/* QEMU answered everything before: start it, or say why not. */
static void migrate_go(MigrateCall *mc)
{
    g_autofree char *error = NULL;
    g_autoptr(JsonNode) args = NULL;
    JsonObject *obj;

    if (qm.fd_error != NULL) {
        error = g_steal_pointer(&qm.fd_error);
    } else if (qm.setup_error != NULL) {
        /* Reported once: the client may correct it through QEMU. */
        error = g_steal_pointer(&qm.setup_error);
        drop_migration_fd();
    }
    if (error != NULL) {
        mc->fn(error, mc->opaque);
        g_free(mc);
        return;
    }
    args = json_node_new(JSON_NODE_OBJECT);
    obj = json_object_new();
    json_object_set_string_member(obj, "uri", "fd:" MIGRATION_FDNAME);
    json_node_take_object(args, obj);
    qemu_qmp_client_send(qemu_backend_get_qmp(),
                         mc->incoming ? "migrate-incoming" : "migrate", args,
                         migrate_reply_cb, mc);
    if (!mc->incoming && qm.start_postcopy) {
        /*
         * Queued behind "migrate", so QEMU takes it in "setup"; if QEMU
         * refused the migration, the request has nothing to start.
         */
        qm.start_postcopy = false;
        qemu_qmp_client_send(qemu_backend_get_qmp(), "migrate-start-postcopy",
                             NULL, ignore_reply_cb, NULL);
    }
}

void qemu_backend_migrate(bool incoming, int fd, MigrationQemuReplyFn fn,
                          void *opaque)
{
    MigrateCall *mc = g_new0(MigrateCall, 1);

    mc->incoming = incoming;
    mc->fn = fn;
    mc->opaque = opaque;
    if (qm.waiting != NULL) {
        close(fd);
        fn("a migration is already being handed to QEMU", opaque);
        g_free(mc);
        return;
    }
    if (!give_migration_fd(fd)) {
        fn("QEMU is not running", opaque);
        g_free(mc);
        return;
    }
    /*
     * Held until QEMU answered the getfd and any setting before it: sent
     * at once, QEMU would start a migration whose settings it refused.
     */
    qm.waiting = mc;
}
