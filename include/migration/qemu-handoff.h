/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Migrating a guest that QEMU runs (the QEMU backend, accel tcg or kvm).
 * qmpd owns the channel and the configuration, QEMU owns the guest's
 * bytes: the source writes a prelude carrying its configuration on the
 * channel, then gives the very channel to its QEMU (getfd + "migrate
 * fd:"), so QEMU's own stream follows the prelude and qmpd copies none of
 * it.  The destination reads exactly the prelude, builds its
 * configuration from it, starts its QEMU with "-incoming defer" and gives
 * it the channel (getfd + "migrate-incoming fd:").
 *
 * Prelude (big-endian), written once at the start of the channel:
 *
 *   u32 magic "QMPD" (0x514d5044), u32 version (1),
 *   u32 length N (at most MIGRATION_CONFIG_MAX_JSON),
 *   N bytes: the configuration as JSON (what the "machine-config" section
 *            of qmpd's own stream carries),
 *   32 bytes: SHA-256 of those N bytes.
 *
 * Every length is known before it is read, so the destination never reads
 * into QEMU's stream.  A qmpd stream of the built-in machine starts with
 * "QEVM" instead; the first four bytes choose the path.
 *
 * Verdict, destination to source, on duplex channels (unix, tcp, socket
 * fd) only, before QEMU's stream starts:
 *
 *   u32 magic "QMPD", u32 status (0: QEMU waits for the stream; 1:
 *   refused), u32 length L (at most MIG_QEMU_VERDICT_MAX_TEXT), L bytes
 *   of text (why it was refused).
 *
 * The source hands the channel to its QEMU only after a verdict of 0, so
 * a refused configuration never touches the running guest.  One-way
 * channels (file, exec, pipes) have no verdict: the source hands over at
 * once and the destination's checks happen when it reads.
 */

#include "migration/migration.h"
#include "prelude.h"
#include "qapi-types.h"

#define MIG_QEMU_MAGIC 0x514d5044u
#define MIG_QEMU_VERSION 1u
#define MIG_QEMU_DIGEST_LEN 32u
#define MIG_QEMU_VERDICT_MAX_TEXT 4096u

/**
 * migration_qemu_encode_prelude:
 * Returns: (transfer full): the prelude for @cfg.
 */
GBytes *migration_qemu_encode_prelude(const MachineProperties *cfg);

/**
 * migration_qemu_incoming_ended:
 * @error: (nullable): NULL when QEMU completed the incoming migration
 *
 * The QEMU backend reports the end of an incoming migration it was handed
 * (QEMU 7.2 exits when one fails).  On failure the destination returns to
 * the configuration phase with its prior configuration.
 */
void migration_qemu_incoming_ended(const char *error);

/**
 * migration_qemu_owns_query:
 * Returns: whether QEMU's own migration state is the one to report: false
 * while qmpd sets up an outgoing hand-off, or after qmpd's part of one
 * failed (QEMU never heard of it).
 */
bool migration_qemu_owns_query(void);

/**
 * migration_qemu_before_handoff:
 * Returns: qmpd's part of an outgoing hand-off runs and QEMU has not yet
 * been asked to migrate: QEMU alone would already be in "setup", but
 * QEMU here has not heard of the migration.
 */
bool migration_qemu_before_handoff(void);

/**
 * migration_qemu_cancel_is_local:
 * Returns: migrate_cancel is qmpd's to carry out: an outgoing hand-off
 * before "migrate" was sent to QEMU, or an incoming migration (cancelled
 * by ending the destination's QEMU, since QEMU 7.2 cannot cancel one
 * itself).
 */
bool migration_qemu_cancel_is_local(void);
