/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Union introspection after the hand-off (qemu-introspect.c).
 */

#include "prelude.h"

#include <json-glib/json-glib.h>

/**
 * qemu_introspect_commands:
 * @qemu_commands: (transfer none): QEMU's query-commands result
 * @local: NULL-terminated names of the commands qmpd answers itself
 *
 * Returns: (transfer full): QEMU's list plus the local names it lacks.
 */
JsonNode *qemu_introspect_commands(JsonNode *qemu_commands,
                                   const char *const *local);

/**
 * qemu_introspect_schema:
 * @qemu_schema: (transfer none): QEMU's query-qmp-schema result
 * @local: NULL-terminated names of the commands qmpd answers itself
 *
 * Returns: (transfer full): QEMU's entries, then qmpd's entries for the
 * @local commands QEMU lacks, with every type they reach renamed
 * "qmpd-NAME".
 */
JsonNode *qemu_introspect_schema(JsonNode *qemu_schema,
                                 const char *const *local);
