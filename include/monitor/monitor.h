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

/**
 * monitor_chardev_session:
 * Returns: (nullable): for the QMP monitor on @chr, "command" or
 * "negotiation" (its session's mode, which cpr-exec keeps); NULL when
 * no QMP monitor uses @chr.
 */
const char *monitor_chardev_session(const Chardev *chr);

/*
 * Request routing: a layer that runs commands elsewhere (the QEMU
 * backend) sees each well-formed request of a negotiated QMP session
 * before local dispatch and may take it.  A taken request is answered
 * later with monitor_request_complete(); until then the session's later
 * requests wait, so replies keep the order of requests.  An exec-oob
 * request never waits and never holds the others back.
 */
typedef struct MonitorPending MonitorPending;

typedef struct MonitorRequestRouter {
    /*
     * @command: the request's "execute" (or "exec-oob") name
     * @request: (transfer none): the whole request object
     * Returns true to take the request; it must then call
     * monitor_request_complete(@pending) exactly once, possibly before
     * returning.  Returns false to let qmpd dispatch it.
     */
    bool (*take)(const char *command, JsonNode *request,
                 MonitorPending *pending, void *opaque);
} MonitorRequestRouter;

/**
 * monitor_set_request_router:
 * @router: (transfer none) (nullable): NULL removes the router
 */
void monitor_set_request_router(const MonitorRequestRouter *router,
                                void *opaque);

/**
 * monitor_request_complete:
 * @pending: (transfer full): what the router's take() was given
 * @reply: (transfer none): the complete reply object; its "id" member is
 *         replaced by the request's id (or removed when it had none)
 *
 * Sends @reply to the session that asked, unless that client has gone
 * (then it is dropped), and resumes the session's waiting requests.
 */
void monitor_request_complete(MonitorPending *pending, JsonNode *reply);

/**
 * monitor_broadcast_event:
 * @msg: (transfer none): a complete event object, timestamp included
 *
 * Sends @msg to every negotiated QMP session, as qmpd's own events are.
 */
void monitor_broadcast_event(JsonNode *msg);

/**
 * monitor_set_input_paused:
 * While paused, no monitor reads from its peer or runs a request it has
 * already queued (later bytes wait in the socket); answers to requests
 * taken by the router still go out.  Resuming runs what waited.  The
 * live update of a QEMU-run guest (cpr-exec) quiesces the monitors so.
 */
void monitor_set_input_paused(bool paused);

/** monitor_cleanup: detaches and frees every monitor. */
void monitor_cleanup(void);
