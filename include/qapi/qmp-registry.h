/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The QMP command table.  Generated code (qmp_init_marshal) registers one
 * entry per schema command; monitors dispatch through it.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"
#include "util/phase.h"

/*
 * A marshaller: @args (transfer none, never NULL: an empty object when the
 * request had none) is decoded with the input visitor, the handler runs,
 * and on success *@ret receives (transfer full) the return value as JSON
 * (an empty object for commands without 'returns').
 */
typedef void (*QmpCommandFunc)(JsonObject *args, JsonNode **ret, GError **errp);

typedef enum QmpCommandOptions {
    QCO_NO_OPTIONS = 0,
    QCO_ALLOW_OOB = 1 << 0,
} QmpCommandOptions;

typedef struct QmpCommand {
    const char *name;
    QmpCommandFunc fn;
    unsigned phases; /* PHASE_MASK() bits of MachineInitPhase */
    QmpCommandOptions options;
    bool enabled;
    char *disable_reason; /* owned; NULL = none */
} QmpCommand;

typedef struct QmpCommandList QmpCommandList;

QmpCommandList *qmp_command_list_new(void);
void qmp_command_list_free(QmpCommandList *cmds);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmpCommandList, qmp_command_list_free)

/**
 * qmp_register_command:
 * @name: (transfer none): static string
 * @phases: mask of phases in which the command may run
 *
 * Registering a name twice is a programmer error (assertion).
 */
void qmp_register_command(QmpCommandList *cmds, const char *name,
                          QmpCommandFunc fn, unsigned phases,
                          QmpCommandOptions options);

/** qmp_find_command: Returns: (transfer none) (nullable). */
const QmpCommand *qmp_find_command(const QmpCommandList *cmds,
                                   const char *name);

/**
 * qmp_disable_command:
 * @reason: (nullable): appended to "Command X has been disabled"
 */
void qmp_disable_command(QmpCommandList *cmds, const char *name,
                         const char *reason);

/** qmp_for_each_command: in name order (deterministic output). */
void qmp_for_each_command(const QmpCommandList *cmds,
                          void (*fn)(const QmpCommand *cmd, void *opaque),
                          void *opaque);
