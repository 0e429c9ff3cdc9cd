/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Pieces shared between the files of migration/ and its QMP handlers.
 */

#include "migration/migration.h"
#include "prelude.h"

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
 *
 * The core of migration_incoming_start(): "defer" only allows
 * migrate-incoming; an address also starts listening.
 */
bool migration_incoming_setup(const MigrationAddress *addr, GError **errp);
