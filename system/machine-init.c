/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Walking the machine phases: into the configuration phase at start-up,
 * out of it (x-exit-preconfig, the straight-through start, or an incoming
 * migration), and back into it when an incoming migration fails.
 */

#include "prelude.h"

#include "chardev/char.h"
#include "hw/core/machine-config.h"
#include "hw/core/machine.h"
#include "system/machine-init.h"
#include "system/phase.h"
#include "system/runstate.h"
#include "util/error.h"

static bool incoming_pending;
/* The configuration before migrate-incoming applied the stream's. */
static MachineProperties *incoming_prior;

void machine_init_enter_configuration(bool incoming)
{
    incoming_pending = incoming;
    runstate_set(incoming ? RUN_STATE_INMIGRATE : RUN_STATE_PRELAUNCH);
    while (phase_get() < PHASE_ACCEL_CREATED) {
        phase_advance(phase_get() + 1);
    }
}

/*
 * Builds the machine from the configuration.  Devices arrive with the
 * device issues; today initialization freezes the configuration and fixes
 * the /machine object's type.
 */
static bool machine_realize(GError **errp)
{
    return machine_object_sync(errp) != NULL;
}

static void machine_unrealize(void)
{
}

static bool machine_initialize(GError **errp)
{
    const MachineProperties *cfg = machine_config_get();

    /* Checked here, not at set time: chardevs may be added later. */
    if (cfg->semihosting_config != NULL &&
        cfg->semihosting_config->chardev != NULL &&
        chardev_find(cfg->semihosting_config->chardev) == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "semihosting chardev '%s' not found",
                    cfg->semihosting_config->chardev);
        return false;
    }
    machine_config_freeze();
    if (!machine_realize(errp)) {
        return false;
    }
    while (phase_get() < PHASE_MACHINE_READY) {
        phase_advance(phase_get() + 1);
    }
    return true;
}

bool machine_init_complete(GError **errp)
{
    if (!phase_in_configuration()) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The command is permitted only before machine "
                    "initialization");
        return false;
    }
    if (!machine_initialize(errp)) {
        return false;
    }
    if (!incoming_pending && runstate_get_autostart()) {
        vm_start();
    }
    return true;
}

bool machine_incoming_prepare(const MachineProperties *stream_cfg,
                              GError **errp)
{
    g_autoptr(MachineProperties) prior = NULL;

    if (!phase_in_configuration()) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The machine is already initialized");
        return false;
    }
    prior = machine_config_snapshot();
    if (!machine_config_set(stream_cfg, NULL, errp)) {
        return false;
    }
    if (!machine_initialize(errp)) {
        machine_config_restore(g_steal_pointer(&prior));
        machine_object_sync(NULL);
        return false;
    }
    qapi_free_MachineProperties(incoming_prior);
    incoming_prior = g_steal_pointer(&prior);
    return true;
}

void machine_incoming_abort(void)
{
    g_return_if_fail(incoming_prior != NULL);

    machine_unrealize();
    machine_config_restore(g_steal_pointer(&incoming_prior));
    machine_object_sync(NULL);
    phase_rewind_to_configuration();
    incoming_pending = true;
    runstate_set(RUN_STATE_INMIGRATE);
}

void machine_incoming_finish(RunState source_state)
{
    g_clear_pointer(&incoming_prior, qapi_free_MachineProperties);
    incoming_pending = false;
    if (source_state == RUN_STATE_RUNNING && runstate_get_autostart()) {
        vm_start();
    } else if (source_state == RUN_STATE_RUNNING) {
        runstate_set(RUN_STATE_PAUSED);
    } else {
        runstate_set(source_state);
    }
}
