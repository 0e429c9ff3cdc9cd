/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "globalstate" section: the source's run state at the moment it
 * stopped, so that the destination runs only if the source ran (a paused
 * or never-started source yields a stopped destination).
 */

#include "prelude.h"

#include <string.h>

#include "migration-internal.h"
#include "migration/savevm.h"
#include "migration/vmstate.h"
#include "qapi/util.h"
#include "util/error.h"

typedef struct GlobalState {
    uint32_t size;
    uint8_t runstate[100]; /* NUL-terminated run state name */
    bool received;
    RunState state;
} GlobalState;

static GlobalState global_state;

void global_state_store(RunState state)
{
    const char *name = RunState_str(state);

    memset(global_state.runstate, 0, sizeof(global_state.runstate));
    g_strlcpy((char *)global_state.runstate, name,
              sizeof(global_state.runstate));
    global_state.size = (uint32_t)strlen(name) + 1;
}

bool global_state_received(RunState *ret_state)
{
    if (!global_state.received) {
        return false;
    }
    *ret_state = global_state.state;
    return true;
}

void global_state_reset(void)
{
    global_state.received = false;
}

static bool global_state_post_load(void *opaque, int version_id, GError **errp)
{
    GlobalState *gs = opaque;
    g_autoptr(GError) err = NULL;
    int state;

    if (gs->size == 0 || gs->size > sizeof(gs->runstate) ||
        gs->runstate[gs->size - 1] != '\0') {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "invalid run state size %u", gs->size);
        return false;
    }
    state =
        qapi_enum_parse(&RunState_lookup, (const char *)gs->runstate, -1, &err);
    if (state < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "unknown run state '%s'", (const char *)gs->runstate);
        return false;
    }
    gs->state = (RunState)state;
    gs->received = true;
    return true;
}

static const VMStateField global_state_fields[] = {
    VMSTATE_UINT32(size, GlobalState),
    VMSTATE_BUFFER(runstate, GlobalState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_globalstate = {
    .name = "globalstate",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = global_state_fields,
    .post_load = global_state_post_load,
};

bool global_state_register(GError **errp)
{
    if (savevm_is_registered("globalstate", 0)) {
        return true;
    }
    global_state_store(RUN_STATE_RUNNING);
    return vmstate_register("globalstate", 0, &vmstate_globalstate,
                            &global_state, errp);
}
