/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The virtual machine's name (-name) and UUID (-uuid).
 */

#include "prelude.h"

/** vm_identity_set_name: @name (nullable) as given with -name. */
void vm_identity_set_name(const char *name);

/** vm_identity_get_name: Returns: (transfer none) (nullable). */
const char *vm_identity_get_name(void);

/**
 * vm_identity_set_uuid:
 * Fails with "Fail to parse UUID string" (QEMU's text) when @uuid is not
 * a UUID; nothing changes then.
 */
bool vm_identity_set_uuid(const char *uuid, GError **errp);

/**
 * vm_identity_get_uuid:
 * Returns: (transfer none): the UUID in lower-case text form, all zeros
 * when none was set.
 */
const char *vm_identity_get_uuid(void);
