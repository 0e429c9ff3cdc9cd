/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run state, the main loop and shutdown requests.  The state machine is
 * drawn in include/system/runstate.h.
 */

#include "prelude.h"

#include "qapi-events.h"
#include "system/runstate.h"

static RunState current_state = RUN_STATE_PRELAUNCH;
static bool autostart = true;
static bool shutdown_pending;
static GMainLoop *main_loop;

RunState runstate_get(void)
{
    return current_state;
}

void runstate_set(RunState state)
{
    g_debug("run state %s -> %s", RunState_str(current_state),
            RunState_str(state));
    current_state = state;
}

bool runstate_is_running(void)
{
    return current_state == RUN_STATE_RUNNING;
}

void runstate_set_autostart(bool value)
{
    autostart = value;
}

bool runstate_get_autostart(void)
{
    return autostart;
}

void vm_start(void)
{
    if (runstate_is_running()) {
        return;
    }
    runstate_set(RUN_STATE_RUNNING);
    qapi_event_send_resume();
}

void vm_stop(RunState state)
{
    if (!runstate_is_running()) {
        return;
    }
    runstate_set(state);
    qapi_event_send_stop();
}

void qmpd_shutdown_request(ShutdownCause cause)
{
    if (shutdown_pending) {
        return;
    }
    shutdown_pending = true;
    qapi_event_send_shutdown(false, cause);
    if (main_loop != NULL) {
        g_main_loop_quit(main_loop);
    }
}

void qmpd_main_loop_quit(void)
{
    shutdown_pending = true;
    if (main_loop != NULL) {
        g_main_loop_quit(main_loop);
    }
}

bool qmpd_shutdown_requested(void)
{
    return shutdown_pending;
}

void qmpd_main_loop_run(void)
{
    if (shutdown_pending) {
        return;
    }
    main_loop = g_main_loop_new(NULL, FALSE);
    g_main_loop_run(main_loop);
    g_clear_pointer(&main_loop, g_main_loop_unref);
}
