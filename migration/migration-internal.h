/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Pieces shared between the files of migration/ and its QMP handlers.
 */

#include <gio/gio.h>

#include "migration/migration.h"
#include "prelude.h"
#include "system/ram.h"

/* ---- shared by the two state machines (migration.c) ---- */

/** mig_sys: Returns: the system's operations (migration_set_system_ops). */
const MigrationSystemOps *mig_sys(void);

/**
 * migration_machine_class:
 * Returns: (transfer none): the machine's class name, which the stream's
 * header names (the configured type, or the default one).
 */
const char *migration_machine_class(void);

/** migration_now_ms: Returns: the monotonic clock in milliseconds. */
gint64 migration_now_ms(void);

/**
 * migration_set_status:
 * Moves *@where to @status and, when the "events" capability is on,
 * sends the MIGRATION event (nothing when the status does not change).
 */
void migration_set_status(MigrationStatus *where, MigrationStatus status);

/** migration_status_is_running: Returns: @s is a state of a live attempt. */
bool migration_status_is_running(MigrationStatus s);

/**
 * mig_rp_message_encode:
 * Writes one return-path message with a u32 payload (SHUT, PONG).
 */
void mig_rp_message_encode(guint8 msg[8], uint16_t type, uint32_t value);

/**
 * migration_sending:
 * Returns: this process is migrating out: qmpd's own stream, qmpd's part
 * of a QEMU hand-off, or a cpr-exec of the guest's QEMU.
 */
bool migration_sending(void);

/* ---- the source (outgoing.c) ---- */

/** migration_outgoing_running: Returns: an outgoing attempt is live. */
bool migration_outgoing_running(void);

/** migration_outgoing_cancel: Returns: a live outgoing attempt was told to
 * stop. */
bool migration_outgoing_cancel(void);

/**
 * migration_outgoing_query:
 * Fills query-migrate's answer from the last outgoing attempt.
 * Returns: there was one.
 */
bool migration_outgoing_query(MigrationInfo *info);

/** migration_outgoing_shutdown: ends any attempt and forgets the last one. */
void migration_outgoing_shutdown(void);

/* ---- the destination (incoming.c) ---- */

/**
 * migration_incoming_register:
 * Registers the configuration section's handler, which prepares the
 * machine an incoming stream describes.
 */
bool migration_incoming_register(GError **errp);

/** migration_incoming_running: Returns: an incoming attempt is live. */
bool migration_incoming_running(void);

/**
 * migration_incoming_stream_arrived:
 * Returns: a live incoming attempt got its stream (it no longer only
 * listens).
 */
bool migration_incoming_stream_arrived(void);

/** migration_incoming_cancel: Returns: a live incoming attempt was cancelled.
 */
bool migration_incoming_cancel(void);

/**
 * migration_incoming_query:
 * Fills query-migrate's answer from the incoming side.
 * Returns: it has a status to report.
 */
bool migration_incoming_query(MigrationInfo *info);

/** migration_incoming_shutdown: ends any attempt and stops listening. */
void migration_incoming_shutdown(void);

/** migration_fds_close_all: closes every named descriptor. */
void migration_fds_close_all(void);

/**
 * migration_set_parameters_from_kv:
 * Parses "key=value,..." (optionally after "config:") into
 * MigrationParameters and applies it with migration_set_parameters().
 */
bool migration_set_parameters_from_kv(const char *kv, GError **errp);

/**
 * global_state_register:
 * Registers the "globalstate" section (the source's run state).
 */
bool global_state_register(GError **errp);

/** global_state_store: records @state for the next save. */
void global_state_store(RunState state);

/**
 * global_state_received:
 * @ret_state: (out): the run state the stream carried; set only when one
 *     was received
 * Returns: a "globalstate" section was loaded since the last reset.
 */
bool global_state_received(RunState *ret_state);

/** global_state_reset: forgets a received state (new incoming attempt). */
void global_state_reset(void);

/**
 * migration_incoming_setup:
 * @addr: (nullable): where to listen; NULL for "defer"
 * @cpr_addr: (nullable): where a cpr-transfer source connects
 *
 * The core of migration_incoming_start(): "defer" only allows
 * migrate-incoming; an address also starts listening.
 */
bool migration_incoming_setup(const MigrationAddress *addr,
                              const MigrationAddress *cpr_addr, GError **errp);

/* ---- guests run by QEMU (qemu-handoff.c) ---- */

typedef struct MigChannel MigChannel;

/**
 * mig_qemu_outgoing_start:
 * The "migrate" of a QEMU-run guest: connect, write the prelude, wait for
 * the verdict (duplex channels), hand the channel to QEMU.
 */
bool mig_qemu_outgoing_start(const MigrationAddress *addr,
                             const MigrationSystemOps *ops, GError **errp);

/** mig_qemu_outgoing_active: Returns: qmpd's part of a hand-off runs. */
bool mig_qemu_outgoing_active(void);

/**
 * mig_qemu_outgoing_query:
 * Returns: (transfer full) (nullable): query-migrate's answer while qmpd
 * owns the outgoing state, NULL otherwise.
 */
MigrationInfo *mig_qemu_outgoing_query(void);

/** mig_qemu_outgoing_cancel: Returns: a hand-off in setup was cancelled. */
bool mig_qemu_outgoing_cancel(void);

/**
 * mig_qemu_incoming_start:
 * @ch: (transfer full): the accepted channel, its first four bytes (the
 *     magic) consumed
 *
 * Reads the rest of the prelude and hands the channel to a QEMU started
 * for it; the end is reported with migration_incoming_ended().
 */
void mig_qemu_incoming_start(MigChannel *ch, const MigrationSystemOps *ops);

/** mig_qemu_incoming_cancel: Returns: an incoming hand-off was cancelled. */
bool mig_qemu_incoming_cancel(void);

/** mig_qemu_incoming_handed: Returns: QEMU receives the stream now. */
bool mig_qemu_incoming_handed(void);

/** mig_qemu_shutdown: drops every hand-off state (process exit). */
void mig_qemu_shutdown(void);

/**
 * mig_qemu_outgoing_forget:
 * Forgets how the last hand-off ended (another kind of migration
 * starts); nothing while one runs.
 */
void mig_qemu_outgoing_forget(void);

/* ---- cpr-exec while QEMU runs the guest (cpr-exec-qemu.c) ---- */

/**
 * mig_cpr_qemu_start:
 * The "migrate" of a QEMU-run guest in mode cpr-exec: checks, quiesces
 * (ops->qemu_cpr_quiesce), then, from the main loop once the reply went
 * out, writes the state file and executes cpr-exec-command.  A failure
 * after the checks is reported by query-migrate.
 */
bool mig_cpr_qemu_start(const MigrationAddress *addr,
                        const MigrationSystemOps *ops, GError **errp);

/** mig_cpr_qemu_active: Returns: such a cpr-exec is under way. */
bool mig_cpr_qemu_active(void);

/**
 * mig_cpr_qemu_holds_query:
 * Returns: query-migrate is qmpd's, not QEMU's: a cpr-exec of qmpd ran
 * (or, in the new program, completed) last.
 */
bool mig_cpr_qemu_holds_query(void);

/** mig_cpr_qemu_query: Returns: (transfer full) (nullable): its status. */
MigrationInfo *mig_cpr_qemu_query(void);

/** mig_cpr_qemu_incoming_done: the new program took QEMU over. */
void mig_cpr_qemu_incoming_done(void);

/** mig_cpr_qemu_forget: another migration starts. */
void mig_cpr_qemu_forget(void);

/** mig_cpr_qemu_shutdown: process exit. */
void mig_cpr_qemu_shutdown(void);

/**
 * migration_incoming_ended:
 * @error: (nullable): NULL for success
 *
 * The incoming migration ended (used by qemu-handoff.c); sets the status
 * to completed, failed or (@cancelled) cancelled.
 */
void migration_incoming_ended(bool cancelled, const char *error);

/* ---- cpr-transfer's cpr channel (cpr-transfer.c) ---- */

/**
 * CprSentFunc:
 * @error: (nullable): NULL when the destination built its machine on the
 *     memory handed over, else why not ("cpr-transfer: ...")
 */
typedef void (*CprSentFunc)(const char *error, gpointer opaque);

/**
 * cpr_out_check_blocks:
 * @blocks: (transfer none): RamMigBlock of the machine
 *
 * Fails with "cpr-transfer needs shared RAM, but memory 'NAME' is
 * private (set -machine aux-ram-share=on)" unless every block is a memfd.
 */
bool cpr_out_check_blocks(GPtrArray *blocks, GError **errp);

/**
 * cpr_out_start:
 * @addr: (transfer none): the cpr channel (a unix socket)
 * @blocks: (transfer none): what to hand over (checked already)
 * @cancel: (transfer none): cancels the exchange (@fn then reports it)
 *
 * Connects, sends the configuration and the RAM descriptors, and waits
 * for the destination's verdict, given to @fn on the main loop.  The
 * connection stays open until cpr_out_close(), so the destination sees
 * the source go.
 */
bool cpr_out_start(const MigrationAddress *addr, GPtrArray *blocks,
                   GCancellable *cancel, CprSentFunc fn, gpointer opaque,
                   GError **errp);

/**
 * cpr_exec_check:
 * The preconditions of migrate in cpr-exec mode: a file: URI, the
 * command set, every RAM block shared.
 */
bool cpr_exec_check(const MigrationAddress *addr, GPtrArray *blocks,
                    GError **errp);

/**
 * cpr_exec_run:
 * Executes cpr-exec-command with the RAM of @blocks and the system's
 * descriptors kept.  Returns only on failure, everything as it was.
 */
bool cpr_exec_run(const char *state_path, GPtrArray *blocks, GError **errp);

/**
 * cpr_exec_incoming:
 * The new program's side: adopts the RAM memfd the table names and loads
 * the state file as an incoming migration (migration_incoming_cpr_exec).
 */
bool cpr_exec_incoming(GError **errp);

/**
 * migration_incoming_cpr_exec:
 * @ram: (nullable) (transfer none): the machine's RAM, adopted
 *
 * Loads @addr (a file) as an incoming migration whose machine is built
 * on @ram instead of new memory.
 */
bool migration_incoming_cpr_exec(const MigrationAddress *addr, RamBlock *ram,
                                 GError **errp);

/**
 * migration_incoming_cpr_exec_qemu:
 * @path: the state file of a QEMU-run guest's cpr-exec
 *
 * Loads it at once (it holds the configuration only) as an incoming
 * migration whose machine is the QEMU the old program left
 * (MigrationSystemOps.incoming_adopt_qemu).
 */
bool migration_incoming_cpr_exec_qemu(const char *path, GError **errp);

/** cpr_out_close: ends the source's side (at the end of the migration). */
void cpr_out_close(void);

/**
 * cpr_in_listen:
 * @addr: (transfer none): where sources connect (a unix socket)
 *
 * Waits for a cpr-transfer source.  A refused or vanished source re-arms
 * the listener; cpr_in_stop() ends it.
 */
bool cpr_in_listen(const MigrationAddress *addr, GError **errp);

/** cpr_in_stop: stops listening and drops any cpr connection. */
void cpr_in_stop(void);

/**
 * migration_incoming_cpr_prepare:
 * @ram: (transfer none) (nullable): the memory handed over
 *
 * Builds the destination's machine from @cfg on @ram (incoming.c), as the
 * main channel's configuration section would, and remembers it so that
 * a failure of the main channel undoes it.
 */
bool migration_incoming_cpr_prepare(const MachineProperties *cfg, RamBlock *ram,
                                    GError **errp);

/**
 * migration_incoming_cpr_abort:
 * The cpr source went away before the main channel connected: tears the
 * machine down again (the configuration phase returns).
 */
void migration_incoming_cpr_abort(void);

/** migration_incoming_main_connected: Returns: the main channel is in. */
bool migration_incoming_main_connected(void);

/* ---- the destination's reason on the return path (rp-refusal.c) ---- */

/** mig_rp_refusal_encode: Returns: (transfer full): the message. */
GBytes *mig_rp_refusal_encode(const char *text);

/**
 * mig_rp_refusal_text:
 * Returns: (transfer full) (nullable): the text of the first refusal among
 * the whole return-path messages in @data.
 */
char *mig_rp_refusal_text(const guint8 *data, gsize len);

/**
 * mig_rp_refusal_poll:
 * Reads what the return path holds, without waiting.
 * Returns: (transfer full) (nullable): the refusal's text, if there is one.
 */
char *mig_rp_refusal_poll(GInputStream *in);
