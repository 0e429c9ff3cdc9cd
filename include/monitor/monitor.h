/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Monitors: QMP (JSON, mode=control) and the human monitor (mode=readline)
 * attached to chardevs.
 *
 * Contract:
 * - monitor_init_globals() is called once, with the complete QMP command
 *   table, before any monitor is created.  It installs the event emitter,
 *   so events raised afterwards reach every QMP monitor in command mode.
 * - Each QMP monitor has its own session state, reset whenever its peer
 *   (re)connects:
 *
 *       peer connects        qmp_capabilities ok
 *     ----------------> NEGOTIATION ------------------> COMMAND
 *            ^                                             |
 *            +------------- peer disconnects --------------+
 *
 *   NEGOTIATION: greeting sent; only qmp_capabilities runs, everything
 *   else gets CommandNotFound; no events.  COMMAND: every command allowed
 *   in the current phase runs; events are delivered.  Transitions happen
 *   in monitor/qmp.c (monitor_qmp_event_cb, qmp_qmp_capabilities).
 * - Commands run on the main loop thread one at a time, so replies leave
 *   in request order; exec-oob requests run as soon as they are read,
 *   which on this single-threaded loop is the same moment.
 */

#include <json-glib/json-glib.h>

#include "chardev/char.h"
#include "prelude.h"
#include "qapi/qmp-registry.h"

typedef struct Monitor Monitor;

typedef enum MonitorMode {
    MONITOR_MODE_CONTROL,  /* QMP */
    MONITOR_MODE_READLINE, /* human monitor */
} MonitorMode;

typedef struct MonitorOptions {
    char *chardev;
    MonitorMode mode;
    bool pretty;
} MonitorOptions;

void monitor_options_free(MonitorOptions *opts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MonitorOptions, monitor_options_free)

/**
 * monitor_options_parse:
 * @spec: a -mon argument, "[chardev=]ID[,mode=control|readline][,pretty=on]"
 *
 * Returns: (transfer full): the options or NULL with @errp set.
 */
MonitorOptions *monitor_options_parse(const char *spec, GError **errp);

/**
 * monitor_init_globals:
 * @cmds: (transfer none): the command table; must outlive every monitor
 * @phase_fn: returns the current machine phase for command gating
 */
void monitor_init_globals(QmpCommandList *cmds,
                          MachineInitPhase (*phase_fn)(void));

/**
 * monitor_new:
 * Attaches a monitor to an existing chardev.  Fails when the chardev does
 * not exist ("chardev 'x' not found") or already has a frontend.
 *
 * Returns: (transfer none): the monitor, owned by the monitor registry.
 */
Monitor *monitor_new(const MonitorOptions *opts, GError **errp);

/**
 * monitor_cur:
 * Returns: (transfer none) (nullable): the monitor whose command is being
 * executed right now, NULL outside command execution.
 */
Monitor *monitor_cur(void);

/**
 * monitor_cur_chardev:
 * Returns: (transfer none) (nullable): the chardev of monitor_cur(), for
 * commands that take file descriptors passed with the request (getfd).
 */
Chardev *monitor_cur_chardev(void);

/**
 * monitor_qmp_negotiate:
 * @mon: a QMP monitor
 * @enable_oob: the client asked for the "oob" capability
 *
 * Moves @mon from negotiation to command mode.  Fails with
 * CommandNotFound "Capabilities negotiation is already complete, command
 * ignored" when it is already in command mode.
 */
bool monitor_qmp_negotiate(Monitor *mon, bool enable_oob, GError **errp);

/**
 * monitor_command_list:
 * Returns: (transfer none): the table given to monitor_init_globals().
 */
QmpCommandList *monitor_command_list(void);

/**
 * monitor_flush_all:
 * Writes out everything queued for monitor peers, waiting at most
 * @timeout_ms.  Used right before the process exits.
 */
void monitor_flush_all(int timeout_ms);

/** monitor_cleanup: detaches and frees every monitor. */
void monitor_cleanup(void);
