/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine initialization phase of this process.
 */

#include "prelude.h"

#include "system/phase.h"

static MachineInitPhase current_phase = PHASE_NO_MACHINE;

static const char *const phase_names[PHASE__MAX] = {
    [PHASE_NO_MACHINE] = "no-machine",
    [PHASE_MACHINE_CREATED] = "machine-created",
    [PHASE_ACCEL_CREATED] = "accel-created",
    [PHASE_MACHINE_INITIALIZED] = "machine-initialized",
    [PHASE_MACHINE_READY] = "machine-ready",
};

MachineInitPhase phase_get(void)
{
    return current_phase;
}

void phase_advance(MachineInitPhase phase)
{
    g_assert(phase == current_phase + 1);
    g_debug("phase %s -> %s", phase_names[current_phase], phase_names[phase]);
    current_phase = phase;
}

bool phase_in_configuration(void)
{
    return current_phase < PHASE_MACHINE_INITIALIZED;
}

void phase_rewind_to_configuration(void)
{
    g_debug("phase %s -> %s (rewind)", phase_names[current_phase],
            phase_names[PHASE_ACCEL_CREATED]);
    current_phase = PHASE_ACCEL_CREATED;
}
