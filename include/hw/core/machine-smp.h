/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * CPU topology arithmetic: deriving the members left out of an
 * SMPConfiguration and checking that the result is consistent.
 */

#include "hw/core/machine-type.h"
#include "prelude.h"
#include "qapi-types.h"

/**
 * machine_smp_resolve:
 * @smp: (nullable): the configured topology
 * @ret: (out): every member filled in, set only on success
 *
 * Missing members are derived as QEMU 6.2 and later do (cores preferred
 * over sockets, threads last).  Errors use QEMU's texts, e.g. "Invalid CPU
 * topology: product of the hierarchy must match maxcpus: ...".
 */
bool machine_smp_resolve(const SMPConfiguration *smp, const MachineType *mt,
                         SMPConfiguration *ret, GError **errp);
