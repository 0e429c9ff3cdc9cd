/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The virtual machine's name (-name).  The UUID is part of the machine
 * configuration (include/hw/core/machine-config.h).
 */

#include "prelude.h"

/** vm_identity_set_name: @name (nullable) as given with -name. */
void vm_identity_set_name(const char *name);

/** vm_identity_get_name: Returns: (transfer none) (nullable). */
const char *vm_identity_get_name(void);
