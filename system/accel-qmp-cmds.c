/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands about accelerators: query-kvm, and query-sev-capabilities,
 * which qmpd refuses as QEMU does where SEV cannot be used.
 */

#include "prelude.h"

#include "hw/core/machine-config.h"
#include "qapi-commands.h"
#include "system/accel.h"
#include "util/error.h"

KvmInfo *qmp_query_kvm(GError **errp)
{
    g_autoptr(MachineProperties) full =
        machine_config_fill_defaults(machine_config_get());
    KvmInfo *info = g_new0(KvmInfo, 1);

    info->enabled = full->accel != NULL && full->accel->has_type &&
                    full->accel->type == ACCEL_TYPE_KVM;
    info->present = accel_kvm_is_usable();
    return info;
}

SevCapability *qmp_query_sev_capabilities(GError **errp)
{
    /* qmpd never runs guest code itself, under KVM or otherwise. */
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "KVM not enabled");
    return NULL;
}
