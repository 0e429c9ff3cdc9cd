/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The current machine initialization phase (util/phase.h has the enum).
 * Phases only move forward, one step at a time; phase_advance() asserts
 * that, because skipping a phase is a programmer error.
 */

#include "prelude.h"
#include "util/phase.h"

/** phase_get: Returns: the current phase. */
MachineInitPhase phase_get(void);

/** phase_advance: moves to @phase, which must be the next one. */
void phase_advance(MachineInitPhase phase);

/** phase_in_configuration: Returns: true before machine initialization. */
bool phase_in_configuration(void);

/**
 * phase_rewind_to_configuration:
 * Moves back to PHASE_ACCEL_CREATED.  Only the undo of a failed incoming
 * migration does this, after tearing the machine down; every other
 * transition goes forward through phase_advance().
 */
void phase_rewind_to_configuration(void);
