/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Run state and shutdown requests.
 *
 *              vm_start()                    vm_stop(PAUSED)
 *   PRELAUNCH -----------> RUNNING <------------------------> PAUSED
 *   INMIGRATE --/             |          vm_start()
 *                             | qmpd_shutdown_request()
 *                             v
 *                      (main loop ends)
 *
 * - PRELAUNCH: configured but never started (-S, -preconfig).
 * - INMIGRATE: waiting for an incoming migration (-incoming).
 * - RUNNING: the only state in which runstate_is_running() is true.
 * - PAUSED: stopped by "stop"; "cont" resumes.
 * vm_start() emits RESUME and vm_stop() emits STOP, only on a real change.
 */

#include "prelude.h"
#include "qapi-types.h"

/** runstate_get: Returns: the current run state. */
RunState runstate_get(void);

/** runstate_set: sets the state without events (start-up, migration). */
void runstate_set(RunState state);

/** runstate_is_running: Returns: true in RUN_STATE_RUNNING. */
bool runstate_is_running(void);

/** vm_start: starts or resumes the machine; RESUME when it was stopped. */
void vm_start(void);

/**
 * vm_stop:
 * @state: the stopped state to enter, e.g. RUN_STATE_PAUSED
 *
 * Stops a running machine and emits STOP.  Does nothing when it does not
 * run (as QEMU, which keeps PRELAUNCH on "stop").
 */
void vm_stop(RunState state);

/**
 * runstate_set_autostart:
 * Whether the machine starts once initialization completes (-S clears it;
 * "stop" during an incoming migration clears it; "cont" there sets it).
 */
void runstate_set_autostart(bool autostart);
bool runstate_get_autostart(void);

/**
 * qmpd_shutdown_request:
 * Emits SHUTDOWN with @cause and makes the main loop end at its next
 * iteration; the process then exits with status 0.
 */
void qmpd_shutdown_request(ShutdownCause cause);

/**
 * qmpd_main_loop_quit:
 * Ends the main loop without an event of qmpd's own: the QEMU backend
 * calls it when QEMU has exited, having forwarded QEMU's events.
 */
void qmpd_main_loop_quit(void);

/** qmpd_shutdown_requested: Returns: a shutdown is pending. */
bool qmpd_shutdown_requested(void);

/**
 * qmpd_main_loop_run:
 * Runs the main loop until a shutdown is requested.
 */
void qmpd_main_loop_run(void);
