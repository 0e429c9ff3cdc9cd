/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Machine initialization phases (strictly increasing).  The values are bit
 * positions in the phase masks that the QAPI generator emits for each
 * command ('allow-preconfig' / 'phases' in the schema), so their order is
 * part of the generated code's ABI.
 *
 *   PHASE_NO_MACHINE -> PHASE_MACHINE_CREATED -> PHASE_ACCEL_CREATED
 *       -> PHASE_MACHINE_INITIALIZED -> PHASE_MACHINE_READY
 *
 * Everything before PHASE_MACHINE_INITIALIZED is the configuration phase.
 */

typedef enum MachineInitPhase {
    PHASE_NO_MACHINE,
    PHASE_MACHINE_CREATED,
    PHASE_ACCEL_CREATED,
    PHASE_MACHINE_INITIALIZED,
    PHASE_MACHINE_READY,
    PHASE__MAX,
} MachineInitPhase;

#define PHASE_MASK(p) (1u << (p))
#define PHASE_MASK_ALL ((1u << PHASE__MAX) - 1)
