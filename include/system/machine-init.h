/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Leaving the configuration phase: machine initialization and start.
 */

#include "prelude.h"

/**
 * machine_init_enter_configuration:
 * @incoming: -incoming defer was given (run state "inmigrate")
 *
 * Moves from no-machine to the end of the configuration phase and sets
 * the run state shown while parked there ("prelaunch" or "inmigrate").
 */
void machine_init_enter_configuration(bool incoming);

/**
 * machine_init_complete:
 * Initializes the machine from the current configuration, advances to
 * machine-ready and, with autostart and no pending incoming migration,
 * starts it (RESUME).  Fails, changing nothing, when called after
 * initialization.
 */
bool machine_init_complete(GError **errp);
