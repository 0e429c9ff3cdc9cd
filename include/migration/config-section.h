/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The "machine-config" section: the whole machine configuration (file
 * bytes included) as length-prefixed JSON, the first device section of a
 * qmpd stream.  On the destination the stream's configuration is
 * reconciled with what was set locally before migrate-incoming:
 *
 * - guest-visible member set locally: must equal the stream's value
 *   (defaults filled in), else the migration fails naming the member;
 * - host-local member (schema feature "host-local") set locally: the
 *   local value wins over the stream's.
 *
 * Body: u32 length, then that many bytes of JSON (at most
 * MIGRATION_CONFIG_MAX_JSON).
 */

#include "prelude.h"
#include "qapi-types.h"

/* Largest configuration JSON accepted from a peer. */
#define MIGRATION_CONFIG_MAX_JSON (256u << 20)

/**
 * migration_config_encode:
 * @ret_len: (out): bytes of the text, without the final NUL
 *
 * Returns: (transfer full): the configuration as the source sends it
 * (JSON, only the members that are set).
 */
char *migration_config_encode(gsize *ret_len);

/**
 * migration_config_decode:
 * @text: (transfer none): JSON from migration_config_encode() on a peer
 *
 * Parses a peer's configuration and reconciles it with the local one
 * (migration_config_check_accel(), migration_config_reconcile()); changes
 * nothing.  Errors: "invalid JSON: ...", "not a JSON object", member
 * errors and conflicts.
 *
 * Returns: (transfer full): the configuration to apply, or NULL.
 */
MachineProperties *migration_config_decode(const char *text, gsize len,
                                           GError **errp);

/**
 * migration_config_reconcile:
 * @local: (transfer none): the destination's stored (sparse) configuration
 * @stream: (transfer none): the configuration the stream carries
 * @ret_final: (out) (transfer full): @stream with the local host-local
 *     members laid over it; set only on success
 *
 * Fails with "migration: PATH: local value 'A' differs from the stream's
 * 'B'" for the first conflicting guest-visible member (PATH such as
 * "rtc.base" or "fw-cfg").
 */
bool migration_config_reconcile(const MachineProperties *local,
                                const MachineProperties *stream,
                                MachineProperties **ret_final, GError **errp);

/**
 * migration_config_check_accel:
 * @local: (transfer none): the destination's stored configuration
 * @stream: (transfer none): the configuration the stream carries
 *
 * Refuses a pair of the built-in (qtest) machine and a guest run by QEMU
 * (tcg, kvm) when the destination set accel.type locally, naming both
 * sides (a clearer message than the generic conflict).
 */
bool migration_config_check_accel(const MachineProperties *local,
                                  const MachineProperties *stream,
                                  GError **errp);

/**
 * MigrationConfigApplyFunc:
 * Receives the reconciled configuration on the destination (it builds the
 * machine from it); an error fails the migration.
 */
typedef bool (*MigrationConfigApplyFunc)(const MachineProperties *cfg,
                                         GError **errp);

/**
 * migration_config_section_register:
 * Registers the "machine-config" section.  Saving encodes
 * machine_config_get(); loading decodes strictly, reconciles with
 * machine_config_get() and passes the result to @apply.
 */
bool migration_config_section_register(MigrationConfigApplyFunc apply,
                                       GError **errp);
