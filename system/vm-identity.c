/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtual machine's name and UUID.
 */

#include "prelude.h"

#include "system/vm-identity.h"
#include "util/error.h"

#define NULL_UUID "00000000-0000-0000-0000-000000000000"

static char *vm_name;
static char vm_uuid[37] = NULL_UUID;

void vm_identity_set_name(const char *name)
{
    g_free(vm_name);
    vm_name = g_strdup(name);
}

const char *vm_identity_get_name(void)
{
    return vm_name;
}

bool vm_identity_set_uuid(const char *uuid, GError **errp)
{
    g_autofree char *lower = NULL;

    if (uuid == NULL || !g_uuid_string_is_valid(uuid)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Fail to parse UUID string");
        return false;
    }
    lower = g_ascii_strdown(uuid, -1);
    g_strlcpy(vm_uuid, lower, sizeof(vm_uuid));
    return true;
}

const char *vm_identity_get_uuid(void)
{
    return vm_uuid;
}
