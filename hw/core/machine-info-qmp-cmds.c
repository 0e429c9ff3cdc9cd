/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands that describe the machine to management tools:
 * query-machines, query-target, query-cpus-fast, query-hotpluggable-cpus
 * and query-memdev.  Answers come from the machine-type table and the
 * configuration, never from a guess about QEMU (docs/system/qemu-compat.md).
 */

#include "prelude.h"

#include <sys/types.h>
#include <unistd.h>

#include "hw/core/machine-board.h"
#include "hw/core/machine-config.h"
#include "hw/core/machine-type.h"
#include "hw/i386/x86-cpu.h"
#include "qapi-commands.h"
#include "qom/memory-backend.h"
#include "qom/object-property.h"
#include "qom/object-tree.h"
#include "util/error.h"

MachineInfoList *qmp_query_machines(GError **errp)
{
    MachineInfoList *list = NULL;
    MachineInfoList **tail = &list;

    for (guint i = 0; machine_type_nth(i) != NULL; i++) {
        const MachineType *mt = machine_type_nth(i);
        MachineInfo *info = g_new0(MachineInfo, 1);

        info->name = g_strdup(mt->name);
        info->alias = g_strdup(mt->alias);
        if (mt->is_default) {
            info->has_is_default = true;
            info->is_default = true;
        }
        info->cpu_max = mt->max_cpus;
        /* CPU slots exist on machines with a CPU model (pc). */
        info->hotpluggable_cpus = mt->default_cpu_model != NULL;
        info->numa_mem_supported = false;
        info->deprecated = false;
        info->default_cpu_type = mt->default_cpu_model != NULL
                                     ? x86_cpu_type_name(mt->default_cpu_model)
                                     : NULL;
        info->default_ram_id =
            g_strdup(mt->has_pc_memory_map ? "pc.ram" : "ram");
        QAPI_LIST_APPEND(tail, info);
    }
    return list;
}

TargetInfo *qmp_query_target(GError **errp)
{
    TargetInfo *info = g_new0(TargetInfo, 1);

    info->arch = SYS_EMU_TARGET_X86_64;
    return info;
}

static MachineProperties *current_config(const MachineType **ret_mt)
{
    MachineProperties *full =
        machine_config_fill_defaults(machine_config_get());

    *ret_mt = machine_type_find(full->type);
    return full;
}

CpuInfoFastList *qmp_query_cpus_fast(GError **errp)
{
    g_autoptr(MachineProperties) full = NULL;
    g_autoptr(GPtrArray) cpus = x86_cpus_list();
    const MachineType *mt;
    CpuInfoFastList *list = NULL;
    CpuInfoFastList **tail = &list;

    full = current_config(&mt);
    for (guint i = 0; i < cpus->len; i++) {
        Object *obj = g_ptr_array_index(cpus, i);
        CpuInfoFast *info = g_new0(CpuInfoFast, 1);

        info->cpu_index = x86_cpu_get_index(obj);
        info->qom_path = object_get_canonical_path(obj);
        /* No vCPU thread exists; the main loop stands for all of them. */
        info->thread_id = getpid();
        info->props = x86_cpu_topo_props(full->smp, info->cpu_index);
        info->target = SYS_EMU_TARGET_X86_64;
        QAPI_LIST_APPEND(tail, info);
    }
    return list;
}

HotpluggableCPUList *qmp_query_hotpluggable_cpus(GError **errp)
{
    g_autoptr(MachineProperties) full = NULL;
    g_autoptr(GPtrArray) cpus = x86_cpus_list();
    g_autofree char *model = NULL;
    const MachineType *mt;
    HotpluggableCPUList *list = NULL;

    full = current_config(&mt);
    if (mt == NULL || mt->default_cpu_model == NULL || full->cpu == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The feature 'query-hotpluggable-cpus' is not enabled");
        return NULL;
    }
    model = g_strndup(full->cpu, strcspn(full->cpu, ","));
    /* QEMU lists the highest index first: prepend while counting up. */
    for (int64_t i = 0; i < full->smp->maxcpus; i++) {
        HotpluggableCPU *slot = g_new0(HotpluggableCPU, 1);

        slot->type = x86_cpu_type_name(model);
        slot->vcpus_count = 1;
        slot->props = x86_cpu_topo_props(full->smp, i);
        for (guint j = 0; j < cpus->len; j++) {
            Object *obj = g_ptr_array_index(cpus, j);

            if (x86_cpu_get_index(obj) == i) {
                slot->qom_path = object_get_canonical_path(obj);
            }
        }
        QAPI_LIST_PREPEND(list, slot);
    }
    return list;
}

static Memdev *memdev_new(const char *id, const MemoryBackendInfo *mb)
{
    Memdev *m = g_new0(Memdev, 1);

    m->id = g_strdup(id);
    m->size = mb->size;
    m->merge = mb->merge;
    m->dump = mb->dump;
    m->prealloc = mb->prealloc;
    m->share = mb->share;
    m->has_reserve = true;
    m->reserve = mb->reserve;
    m->host_nodes = NULL;
    m->policy = HOST_MEM_POLICY_DEFAULT;
    return m;
}

MemdevList *qmp_query_memdev(GError **errp)
{
    MachineBoard *b = machine_board_get();
    Object *objects = object_get_objects_root();
    MemdevList *list = NULL;
    MemdevList **tail = &list;
    ObjectPropertyIterator iter;
    ObjectProperty *prop;

    /* RAM the machine made itself, as QEMU's implicit backend. */
    if (b != NULL && b->ram != NULL && b->memory_backend == NULL) {
        const MemoryBackendInfo ram = {
            .size = b->ram_size,
            .merge = true,
            .dump = true,
            .reserve = true,
        };
        const MachineType *mt = machine_type_find(b->type_name);

        QAPI_LIST_APPEND(
            tail,
            memdev_new(mt != NULL && mt->has_pc_memory_map ? "pc.ram" : "ram",
                       &ram));
    }
    object_property_iter_init(&iter, objects);
    while ((prop = object_property_iter_next(&iter)) != NULL) {
        Object *child = g_str_has_prefix(prop->type, "child<")
                            ? object_resolve_path_component(objects, prop->name)
                            : NULL;
        MemoryBackendInfo info;

        if (child != NULL && memory_backend_is_complete(child) &&
            memory_backend_get_info(child, &info)) {
            QAPI_LIST_APPEND(tail, memdev_new(prop->name, &info));
        }
    }
    return list;
}
