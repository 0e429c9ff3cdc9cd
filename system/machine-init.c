/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Walking the machine phases: into the configuration phase at start-up,
 * and out of it (x-exit-preconfig, or straight through without
 * -preconfig / -incoming defer).
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

void machine_init_enter_configuration(bool incoming)
{
    incoming_pending = incoming;
    runstate_set(incoming ? RUN_STATE_INMIGRATE : RUN_STATE_PRELAUNCH);
    while (phase_get() < PHASE_ACCEL_CREATED) {
        phase_advance(phase_get() + 1);
    }
}

bool machine_init_complete(GError **errp)
{
    const MachineProperties *cfg = machine_config_get();

    if (!phase_in_configuration()) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The command is permitted only before machine "
                    "initialization");
        return false;
    }
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
    if (machine_object_sync(errp) == NULL) {
        return false;
    }
    while (phase_get() < PHASE_MACHINE_READY) {
        phase_advance(phase_get() + 1);
    }
    if (!incoming_pending && runstate_get_autostart()) {
        vm_start();
    }
    return true;
}
