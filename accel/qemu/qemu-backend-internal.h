/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What the files of accel/qemu/ share about the one running backend
 * (qemu-backend.c): its parts for cpr-exec (qemu-cpr.c) and the reply
 * helpers of the request router (qemu-migrate-params.c).
 */

#include "prelude.h"

#include <json-glib/json-glib.h>

#include "accel/qemu-backend.h"
#include "monitor/monitor.h"
#include "qemu-process.h"
#include "qemu-qmp-client.h"

/** qemu_backend_get_process: Returns: (transfer none) (nullable). */
QemuProcess *qemu_backend_get_process(void);

/** qemu_backend_get_qmp: Returns: (transfer none) (nullable). */
QemuQmpClient *qemu_backend_get_qmp(void);

/**
 * qemu_backend_get_relays:
 * Returns: (transfer none) (nullable): of QemuSerialRelay *
 */
GPtrArray *qemu_backend_get_relays(void);

/**
 * qemu_backend_hides_migration_events:
 * Returns: qmpd turned QEMU's "events" capability on for itself, so
 * QEMU's MIGRATION events are not the clients'.
 */
bool qemu_backend_hides_migration_events(void);

/**
 * qemu_backend_install:
 * @proc, @qmp (in sync mode), @relays: (transfer full): a QEMU that
 *     runs already (adopted after cpr-exec)
 *
 * Makes them the running backend, as qemu_backend_start() does once
 * QEMU answered: the client goes async, the process is watched and
 * requests are routed to QEMU.
 */
void qemu_backend_install(QemuProcess *proc, QemuQmpClient *qmp,
                          GPtrArray *relays, const QemuBackendOptions *opts,
                          bool hide_migration_events);

/**
 * qemu_backend_mirror_capabilities:
 * @caps: (transfer none) (nullable): {"capability", "state"} objects, as
 *     migrate-set-capabilities takes and query-migrate-capabilities gives
 * @skip_events: leave "events" as it is (qmpd turned it on in QEMU for
 *     itself, not for the clients)
 *
 * Records in qmpd's copy what QEMU accepted or reports.
 */
void qemu_backend_mirror_capabilities(JsonArray *caps, bool skip_events);

/**
 * qemu_backend_reply_error:
 * @reply: (nullable): QEMU's reply; NULL when QEMU exited first
 *
 * Returns: (transfer full) (nullable): QEMU's error text, or NULL when
 * the reply is a success.
 */
char *qemu_backend_reply_error(JsonNode *reply);

/* ---- qemu-migration.c: QEMU's end of a migration ---- */

/**
 * qemu_migration_reset:
 * The QEMU is gone: the next one starts with the defaults and no channel.
 */
void qemu_migration_reset(void);

/**
 * qemu_migration_pass_settings:
 * @with_events: also turn on "events" (qmpd's own use)
 *
 * Sends QEMU the migration capabilities and parameters that differ from
 * what it was told before (at first, from its defaults).  A refusal
 * becomes the error of the next qemu_backend_migrate().
 */
void qemu_migration_pass_settings(bool with_events);

/**
 * qemu_migration_start_postcopy_later:
 * @later: migrate-start-postcopy was accepted before QEMU's "migrate":
 *     send it right after that (false forgets it)
 */
void qemu_migration_start_postcopy_later(bool later);

/** qemu_backend_empty_reply: Returns: (transfer full): {"return": {}}. */
JsonNode *qemu_backend_empty_reply(void);

/** qemu_backend_error_reply: Returns: (transfer full): a GenericError. */
JsonNode *qemu_backend_error_reply(const char *desc);

/**
 * qemu_backend_forward_reply_cb:
 * A QemuQmpReplyFn completing the MonitorPending @opaque with QEMU's
 * reply (or an error when QEMU exited first).
 */
void qemu_backend_forward_reply_cb(JsonNode *reply, void *opaque);

/**
 * qemu_migrate_params_take:
 * @request: (transfer none): the whole request
 *
 * migrate-set-parameters and query-migrate-parameters, whose members
 * "mode" and "cpr-exec-command" QEMU 7.2 lacks: those stay qmpd's
 * (qemu-migrate-params.c).  Returns: the request was taken.
 */
bool qemu_migrate_params_take(QemuQmpClient *qmp, const char *command,
                              JsonObject *request, MonitorPending *pending);
