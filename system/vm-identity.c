/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtual machine's name.
 */

#include "prelude.h"

#include "system/vm-identity.h"

static char *vm_name;

void vm_identity_set_name(const char *name)
{
    g_free(vm_name);
    vm_name = g_strdup(name);
}

const char *vm_identity_get_name(void)
{
    return vm_name;
}
