/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands about x86 CPU models: query-cpu-definitions and
 * query-cpu-model-expansion.  qmpd knows the model names (it hands them
 * to QEMU) but not their feature sets, and says so.
 */

#include "prelude.h"

#include "hw/i386/x86-cpu.h"
#include "qapi-commands.h"
#include "util/error.h"

CpuDefinitionInfoList *qmp_query_cpu_definitions(GError **errp)
{
    CpuDefinitionInfoList *list = NULL;
    CpuDefinitionInfoList **tail = &list;

    for (guint i = 0; x86_cpu_model_nth(i) != NULL; i++) {
        const X86CPUModel *m = x86_cpu_model_nth(i);
        CpuDefinitionInfo *info = g_new0(CpuDefinitionInfo, 1);

        info->name = g_strdup(m->name);
        info->has_migration_safe = true;
        info->migration_safe = m->is_migration_safe;
        info->q_static = m->is_static;
        /*
         * Left out: which features the accelerator lacks is known only
         * to the QEMU that runs the guest.
         */
        info->unavailable_features = NULL;
        info->typename = x86_cpu_type_name(m->name);
        info->alias_of = g_strdup(m->alias_of);
        info->deprecated = false;
        QAPI_LIST_APPEND(tail, info);
    }
    return list;
}

CpuModelExpansionInfo *qmp_query_cpu_model_expansion(CpuModelExpansionType type,
                                                     CpuModelInfo *model,
                                                     GError **errp)
{
    if (x86_cpu_model_find(model->name) == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "CPU model '%s' not found", model->name);
        return NULL;
    }
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "CPU model expansion is not available before QEMU runs the "
                "guest: qmpd does not model CPU features");
    return NULL;
}
