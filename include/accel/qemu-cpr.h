/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Live update of qmpd while QEMU runs the guest (cpr-exec, documented in
 * docs/system/cpr.md): the old program quiesces its clients and its QMP
 * channel to QEMU, records QEMU's descriptors in the hand-over table
 * (util/cpr-state.h) and executes the new program, which adopts the same
 * QEMU process.  QEMU itself never hears of it.
 *
 *   RUNNING --qemu_cpr_quiesce()--> QUIESCED --qemu_cpr_prepare_exec(),
 *   qemu_cpr_save(), exec--> (new program) --qemu_cpr_adopt()--> RUNNING
 *   QUIESCED --qemu_cpr_resume() (any failure before the exec)--> RUNNING
 */

#include "prelude.h"

#include "accel/qemu-backend.h"
#include "qapi-types.h"

/**
 * qemu_cpr_quiesce:
 * Stops reading every monitor and serial client, then waits (at most a
 * few seconds) until QEMU has answered every request forwarded to it.
 * Fails, with everything resumed, when QEMU does not answer in time,
 * exited, or runs a migration of its own ("There's a migration process
 * in progress").
 */
bool qemu_cpr_quiesce(GError **errp);

/** qemu_cpr_resume: undoes qemu_cpr_quiesce() (the exec failed). */
void qemu_cpr_resume(void);

/**
 * qemu_cpr_prepare_exec:
 * Right before the exec: stops reading QEMU's QMP channel (what comes
 * later waits in the socket for the new program) and flushes what the
 * serial relays wrote to their clients (bounded).
 */
void qemu_cpr_prepare_exec(void);

/**
 * qemu_cpr_save:
 * Records QEMU's PID, its QMP channel, its output pipe and each serial
 * relay's socket, with the bytes read from them and not yet used, in
 * the hand-over table.
 */
void qemu_cpr_save(void);

/**
 * qemu_cpr_adopt:
 * @serial_chardevs: (transfer none): as for qemu_backend_start()
 * @ret_state: (out): QEMU's run state
 *
 * In the program cpr-exec executed: takes QEMU over from the hand-over
 * table instead of starting one; the backend then runs as after
 * qemu_backend_start().  On failure QEMU is ended (nobody could manage
 * it any more).
 */
bool qemu_cpr_adopt(GPtrArray *serial_chardevs, const QemuBackendOptions *opts,
                    RunState *ret_state, GError **errp);
