/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Migration: the outgoing and incoming state machines, parameters,
 * capabilities and named file descriptors.
 *
 * Outgoing (source), driven by migrate / migrate_cancel:
 *
 *   NONE --migration_outgoing_start()--> SETUP --connected--> ACTIVE
 *   ACTIVE --a pass converged (and, on a socket, the PONG to the PING
 *   after it: the destination loaded everything so far), VM stopped,
 *   device state--> DEVICE --all written (and, on a socket, the
 *   destination's acknowledgement)--> COMPLETED
 *   SETUP/ACTIVE/DEVICE --I/O error or refusal--> FAILED
 *   SETUP/ACTIVE/DEVICE --migration_cancel()--> CANCELLING --> CANCELLED
 *
 *   On FAILED and CANCELLED the source runs again if it ran before.
 *   COMPLETED leaves it in "postmigrate".  Any end state may start anew.
 *
 * Incoming (destination), driven by -incoming / migrate-incoming:
 *
 *   NONE/FAILED/CANCELLED --migration_incoming_listen()--> SETUP
 *   SETUP --connection--> ACTIVE --stream loaded--> COMPLETED
 *   SETUP/ACTIVE --bad stream, peer gone, refused configuration,
 *                 migration_cancel()--> FAILED (or CANCELLED)
 *
 *   In ACTIVE the "machine-config" section builds the machine through
 *   MigrationSystemOps.incoming_prepare; a failure after that calls
 *   incoming_abort, which restores the prior configuration and the
 *   configuration phase, so migrate-incoming may be retried.
 *
 * Everything runs on the main loop; the layer above (system/) provides
 * run state and machine initialization through MigrationSystemOps, so
 * this layer never links upwards.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"
#include "qapi-types.h"
#include "system/ram.h"

/**
 * MigrationQemuReplyFn:
 * @error: (nullable): NULL when QEMU accepted, else why not
 */
typedef void (*MigrationQemuReplyFn)(const char *error, void *opaque);

typedef struct MigrationSystemOps {
    RunState (*runstate_get)(void);
    void (*runstate_set)(RunState state);
    void (*vm_start)(void);
    void (*vm_stop)(RunState state);
    bool (*incoming_prepare)(const MachineProperties *cfg, GError **errp);
    /* Like incoming_prepare, on RAM a cpr-transfer source handed over. */
    bool (*incoming_prepare_cpr)(const MachineProperties *cfg, RamBlock *ram,
                                 GError **errp);
    void (*incoming_abort)(void);
    void (*incoming_finish)(RunState source_state);
    /* The machine's RAM blocks (transfer full GPtrArray of RamMigBlock,
     * see migration/ram.h); an empty list before machine init. */
    GPtrArray *(*ram_blocks)(void);
    /*
     * Guests run by QEMU (include/migration/qemu-handoff.h).
     * guest_in_qemu: the running machine is QEMU's, so "migrate" hands
     * the channel over.  incoming_prepare_qemu: like incoming_prepare,
     * but starts QEMU waiting for a stream ("-incoming defer");
     * incoming_abort undoes it.  qemu_migrate: gives @fd (transfer full)
     * to QEMU with getfd and "migrate fd:" or "migrate-incoming fd:".
     */
    bool (*guest_in_qemu)(void);
    bool (*incoming_prepare_qemu)(const MachineProperties *cfg, GError **errp);
    void (*qemu_migrate)(bool incoming, int fd, MigrationQemuReplyFn fn,
                         void *opaque);
    /*
     * incoming_start_ahead: the destination listens; start what the
     * local configuration needs before the stream comes (may do
     * nothing).  incoming_stop_ahead: the attempt ended without using
     * it.
     */
    void (*incoming_start_ahead)(void);
    void (*incoming_stop_ahead)(void);
    /*
     * cpr-exec, right before the exec: records in util/cpr-state.h what
     * else the new program keeps (chardev sockets, QMP sessions) and
     * flushes the monitors' output.
     */
    void (*cpr_exec_save)(void);
    /*
     * cpr-exec of qmpd while QEMU runs the guest (include/accel/qemu-cpr.h).
     * qemu_cpr_quiesce: stops the clients and waits until QEMU answered
     * every forwarded request (fails when QEMU migrates); qemu_cpr_resume
     * undoes it when the exec fails.  incoming_adopt_qemu: like
     * incoming_prepare_qemu, but takes over the QEMU the old program
     * left instead of starting one.
     */
    bool (*qemu_cpr_quiesce)(GError **errp);
    void (*qemu_cpr_resume)(void);
    bool (*incoming_adopt_qemu)(const MachineProperties *cfg, GError **errp);
} MigrationSystemOps;

/**
 * migration_set_system_ops:
 * @ops: (transfer none): must outlive the process (static)
 *
 * Installs the hooks into run state and machine initialization, and
 * registers the built-in sections ("machine-config", "ram",
 * "globalstate").
 * Idempotent for the same @ops.
 */
void migration_set_system_ops(const MigrationSystemOps *ops);

/**
 * migration_cpr_exec_resume:
 * At start-up of a program cpr-exec executed (CPR_STATE_ENV was loaded):
 * builds the machine on the RAM the old program left and loads the
 * device state from its file, as an incoming migration.
 */
bool migration_cpr_exec_resume(GError **errp);

/**
 * migration_incoming_start:
 * @main_ch: (transfer none) (nullable): the main channel of -incoming,
 *     NULL for "-incoming defer"
 * @cpr_ch: (transfer none) (nullable): its cpr channel (cpr-transfer)
 *
 * The -incoming option: marks the process as a destination and, unless
 * @main_ch is NULL, starts listening at once (in the configuration phase
 * too).  Defined with the QMP handlers, which install the system hooks.
 */
bool migration_incoming_start(const MigrationChannel *main_ch,
                              const MigrationChannel *cpr_ch, GError **errp);

/**
 * migration_set_parameters_from_cmdline:
 * @kv: "key=value,..." with MigrationParameters keys (a leading
 *     "config:" is accepted and skipped)
 *
 * The "-incoming config:..." option.  All-or-nothing like
 * migrate-set-parameters.
 */
bool migration_set_parameters_from_cmdline(const char *kv, GError **errp);

/* ---- core entry points (the QMP handlers are thin wrappers) ---- */

/**
 * migration_incoming_allow:
 * Marks the process as started with -incoming (so migrate-incoming is
 * accepted).
 */
void migration_incoming_allow(void);

/**
 * migration_incoming_listen:
 * @addr: (transfer none): where the stream comes from (a tcp port 0
 *     picks one; see include/migration/migration-address.h for the
 *     ways to get an address)
 *
 * Starts waiting for the stream.  Errors (QEMU's texts): "The incoming
 * migration has already been started", "'-incoming' was not specified on
 * the command line", "Illegal migration incoming state: completed",
 * and transport errors.
 */
bool migration_incoming_listen(const MigrationAddress *addr, GError **errp);

/**
 * migration_incoming_listen_cpr:
 * @addr: (transfer none): the main channel
 * @cpr_addr: (transfer none): a unix socket where a cpr-transfer source
 *     connects first (docs/system/cpr.md)
 *
 * migration_incoming_listen() plus the cpr channel; all or nothing.
 */
bool migration_incoming_listen_cpr(const MigrationAddress *addr,
                                   const MigrationAddress *cpr_addr,
                                   GError **errp);

/**
 * migration_outgoing_start:
 * @addr: (transfer none): the destination
 * @cpr_addr: (transfer none) (nullable): its cpr channel, for
 *     cpr-transfer: the configuration and the RAM memfds go there first,
 *     and then the main channel carries no RAM page
 *
 * Starts sending this machine to @addr.  Fails with "There's a migration
 * process in progress" while one runs, and for cpr-transfer with "cpr-transfer
 * needs shared RAM, but memory 'NAME' is private (...)"; a transport that
 * fails at once (a file that cannot be opened, say) fails the migration
 * too, which query-migrate then reports.
 */
bool migration_outgoing_start(const MigrationAddress *addr,
                              const MigrationAddress *cpr_addr, GError **errp);

/**
 * migration_cancel:
 * Cancels the outgoing migration, or the incoming one on a destination
 * that has not completed.  Does nothing when none runs.
 */
void migration_cancel(void);

/**
 * migration_query:
 * Returns: (transfer full): query-migrate's answer.
 */
MigrationInfo *migration_query(void);

/**
 * migration_is_active:
 * Returns: an outgoing or incoming migration is in progress.
 */
bool migration_is_active(void);

/**
 * migration_shutdown:
 * Stops every transfer, listener and child process and closes named
 * file descriptors (process exit, tests).
 */
void migration_shutdown(void);

/* ---- parameters and capabilities (migration/options.c) ---- */

/**
 * migration_set_parameters:
 * Checks every member given in @params, then applies them all.  Errors as
 * QEMU: "Parameter 'downtime_limit' expects an integer in the range of 0
 * to 2000000 ms", "Parameter 'multifd_channels' expects a value between 1
 * and 255", ...
 */
bool migration_set_parameters(const MigrationParameters *params, GError **errp);

/** migration_query_parameters: Returns: (transfer full): every parameter. */
MigrationParameters *migration_query_parameters(void);

/** migration_parameters_get: Returns: (transfer none): current values. */
const MigrationParameters *migration_parameters_get(void);

/**
 * migration_set_capabilities:
 * All-or-nothing; refused with "There's a migration process in progress"
 * while a migration runs.
 */
bool migration_set_capabilities(const MigrationCapabilityStatusList *caps,
                                GError **errp);

/**
 * migration_capability_mirror:
 * Records @cap as @state without the checks of
 * migration_set_capabilities(), for a copy of a capability another
 * program enforces: the QEMU that runs the guest, which accepted or
 * reported it.
 */
void migration_capability_mirror(MigrationCapability cap, bool state);

/** migration_query_capabilities: Returns: (transfer full): every one. */
MigrationCapabilityStatusList *migration_query_capabilities(void);

/** migration_capability_enabled: Returns: @cap is on. */
bool migration_capability_enabled(MigrationCapability cap);

/**
 * migration_parameters_now:
 * Returns: (transfer full): every parameter, as migrate-set-parameters
 * arguments.
 */
JsonNode *migration_parameters_now(void);

/**
 * migration_parameters_changed_since:
 * @since: (transfer none) (nullable): migration_parameters_now() of an
 *     earlier moment; NULL for the defaults
 *
 * Returns: (transfer full) (nullable): the parameters that differ from
 * @since, as migrate-set-parameters arguments (a QEMU-run guest's QEMU
 * gets them); NULL when none does.
 */
JsonNode *migration_parameters_changed_since(JsonNode *since);

/** migration_capabilities_now: copies every capability's state. */
void migration_capabilities_now(bool out[MIGRATION_CAPABILITY__MAX]);

/**
 * migration_capabilities_changed:
 * @want, @since: states indexed by MigrationCapability
 *
 * Returns: (transfer full): a JSON array of {"capability", "state"} for
 * each capability whose state in @want differs from @since, as
 * migrate-set-capabilities takes it (possibly empty).
 */
JsonNode *migration_capabilities_changed(const bool want[], const bool since[]);

/** migration_options_reset: back to defaults (tests). */
void migration_options_reset(void);

/* ---- named file descriptors (getfd / closefd, fd: URIs) ---- */

/**
 * migration_fd_add:
 * @fd: (transfer full): closed on error
 *
 * Keeps @fd under @name, closing an older one of that name.  Fails with
 * "Parameter 'fdname' expects a name not starting with a digit".
 */
bool migration_fd_add(const char *name, int fd, GError **errp);

/**
 * migration_fd_close:
 * Fails with "File descriptor named 'NAME' not found".
 */
bool migration_fd_close(const char *name, GError **errp);

/**
 * migration_fd_take:
 * @name: a getfd name, or a decimal fd number (used as is)
 *
 * Returns: the descriptor, now owned by the caller, or -1 with "File
 * descriptor named 'NAME' has not been found".
 */
int migration_fd_take(const char *name, GError **errp);
