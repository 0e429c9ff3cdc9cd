/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 CPU models and CPU objects (include/hw/i386/x86-cpu.h): the table
 * of QEMU 7.2's model names, one QOM type per model, and the topology
 * numbering of a CPU index.
 */

#include "prelude.h"

#include "hw/i386/x86-cpu.h"
#include "qom/object-property.h"
#include "qom/object-tree.h"
#include "util/error.h"

typedef struct X86CPU {
    DeviceState parent_obj;
    int64_t index;
    int64_t socket_id;
    int64_t die_id;
    int64_t core_id;
    int64_t thread_id;
} X86CPU;

#define X86_CPU(obj) OBJECT_CHECK(X86CPU, (obj), TYPE_X86_CPU)

/*
 * The models qemu-system-x86_64 7.2 lists in query-cpu-definitions, by
 * name: unversioned names are aliases of their "-v1" model.
 */
static const X86CPUModel x86_cpu_models[] = {
    {"486", "486-v1", false, true},
    {"486-v1", NULL, false, true},
    {"Broadwell", "Broadwell-v1", false, true},
    {"Broadwell-IBRS", "Broadwell-v3", false, true},
    {"Broadwell-noTSX", "Broadwell-v2", false, true},
    {"Broadwell-noTSX-IBRS", "Broadwell-v4", false, true},
    {"Broadwell-v1", NULL, false, true},
    {"Broadwell-v2", NULL, false, true},
    {"Broadwell-v3", NULL, false, true},
    {"Broadwell-v4", NULL, false, true},
    {"Cascadelake-Server", "Cascadelake-Server-v1", false, true},
    {"Cascadelake-Server-noTSX", "Cascadelake-Server-v3", false, true},
    {"Cascadelake-Server-v1", NULL, false, true},
    {"Cascadelake-Server-v2", NULL, false, true},
    {"Cascadelake-Server-v3", NULL, false, true},
    {"Cascadelake-Server-v4", NULL, false, true},
    {"Cascadelake-Server-v5", NULL, false, true},
    {"Conroe", "Conroe-v1", false, true},
    {"Conroe-v1", NULL, false, true},
    {"Cooperlake", "Cooperlake-v1", false, true},
    {"Cooperlake-v1", NULL, false, true},
    {"Cooperlake-v2", NULL, false, true},
    {"Denverton", "Denverton-v1", false, true},
    {"Denverton-v1", NULL, false, true},
    {"Denverton-v2", NULL, false, true},
    {"Denverton-v3", NULL, false, true},
    {"Dhyana", "Dhyana-v1", false, true},
    {"Dhyana-v1", NULL, false, true},
    {"Dhyana-v2", NULL, false, true},
    {"EPYC", "EPYC-v1", false, true},
    {"EPYC-IBPB", "EPYC-v2", false, true},
    {"EPYC-Milan", "EPYC-Milan-v1", false, true},
    {"EPYC-Milan-v1", NULL, false, true},
    {"EPYC-Rome", "EPYC-Rome-v1", false, true},
    {"EPYC-Rome-v1", NULL, false, true},
    {"EPYC-Rome-v2", NULL, false, true},
    {"EPYC-v1", NULL, false, true},
    {"EPYC-v2", NULL, false, true},
    {"EPYC-v3", NULL, false, true},
    {"Haswell", "Haswell-v1", false, true},
    {"Haswell-IBRS", "Haswell-v3", false, true},
    {"Haswell-noTSX", "Haswell-v2", false, true},
    {"Haswell-noTSX-IBRS", "Haswell-v4", false, true},
    {"Haswell-v1", NULL, false, true},
    {"Haswell-v2", NULL, false, true},
    {"Haswell-v3", NULL, false, true},
    {"Haswell-v4", NULL, false, true},
    {"Icelake-Server", "Icelake-Server-v1", false, true},
    {"Icelake-Server-noTSX", "Icelake-Server-v2", false, true},
    {"Icelake-Server-v1", NULL, false, true},
    {"Icelake-Server-v2", NULL, false, true},
    {"Icelake-Server-v3", NULL, false, true},
    {"Icelake-Server-v4", NULL, false, true},
    {"Icelake-Server-v5", NULL, false, true},
    {"Icelake-Server-v6", NULL, false, true},
    {"IvyBridge", "IvyBridge-v1", false, true},
    {"IvyBridge-IBRS", "IvyBridge-v2", false, true},
    {"IvyBridge-v1", NULL, false, true},
    {"IvyBridge-v2", NULL, false, true},
    {"KnightsMill", "KnightsMill-v1", false, true},
    {"KnightsMill-v1", NULL, false, true},
    {"Nehalem", "Nehalem-v1", false, true},
    {"Nehalem-IBRS", "Nehalem-v2", false, true},
    {"Nehalem-v1", NULL, false, true},
    {"Nehalem-v2", NULL, false, true},
    {"Opteron_G1", "Opteron_G1-v1", false, true},
    {"Opteron_G1-v1", NULL, false, true},
    {"Opteron_G2", "Opteron_G2-v1", false, true},
    {"Opteron_G2-v1", NULL, false, true},
    {"Opteron_G3", "Opteron_G3-v1", false, true},
    {"Opteron_G3-v1", NULL, false, true},
    {"Opteron_G4", "Opteron_G4-v1", false, true},
    {"Opteron_G4-v1", NULL, false, true},
    {"Opteron_G5", "Opteron_G5-v1", false, true},
    {"Opteron_G5-v1", NULL, false, true},
    {"Penryn", "Penryn-v1", false, true},
    {"Penryn-v1", NULL, false, true},
    {"SandyBridge", "SandyBridge-v1", false, true},
    {"SandyBridge-IBRS", "SandyBridge-v2", false, true},
    {"SandyBridge-v1", NULL, false, true},
    {"SandyBridge-v2", NULL, false, true},
    {"Skylake-Client", "Skylake-Client-v1", false, true},
    {"Skylake-Client-IBRS", "Skylake-Client-v2", false, true},
    {"Skylake-Client-noTSX-IBRS", "Skylake-Client-v3", false, true},
    {"Skylake-Client-v1", NULL, false, true},
    {"Skylake-Client-v2", NULL, false, true},
    {"Skylake-Client-v3", NULL, false, true},
    {"Skylake-Client-v4", NULL, false, true},
    {"Skylake-Server", "Skylake-Server-v1", false, true},
    {"Skylake-Server-IBRS", "Skylake-Server-v2", false, true},
    {"Skylake-Server-noTSX-IBRS", "Skylake-Server-v3", false, true},
    {"Skylake-Server-v1", NULL, false, true},
    {"Skylake-Server-v2", NULL, false, true},
    {"Skylake-Server-v3", NULL, false, true},
    {"Skylake-Server-v4", NULL, false, true},
    {"Skylake-Server-v5", NULL, false, true},
    {"Snowridge", "Snowridge-v1", false, true},
    {"Snowridge-v1", NULL, false, true},
    {"Snowridge-v2", NULL, false, true},
    {"Snowridge-v3", NULL, false, true},
    {"Snowridge-v4", NULL, false, true},
    {"Westmere", "Westmere-v1", false, true},
    {"Westmere-IBRS", "Westmere-v2", false, true},
    {"Westmere-v1", NULL, false, true},
    {"Westmere-v2", NULL, false, true},
    {"athlon", "athlon-v1", false, true},
    {"athlon-v1", NULL, false, true},
    {"base", NULL, true, true},
    {"core2duo", "core2duo-v1", false, true},
    {"core2duo-v1", NULL, false, true},
    {"coreduo", "coreduo-v1", false, true},
    {"coreduo-v1", NULL, false, true},
    {"host", NULL, false, false},
    {"kvm32", "kvm32-v1", false, true},
    {"kvm32-v1", NULL, false, true},
    {"kvm64", "kvm64-v1", false, true},
    {"kvm64-v1", NULL, false, true},
    {"max", NULL, false, false},
    {"n270", "n270-v1", false, true},
    {"n270-v1", NULL, false, true},
    {"pentium", "pentium-v1", false, true},
    {"pentium-v1", NULL, false, true},
    {"pentium2", "pentium2-v1", false, true},
    {"pentium2-v1", NULL, false, true},
    {"pentium3", "pentium3-v1", false, true},
    {"pentium3-v1", NULL, false, true},
    {"phenom", "phenom-v1", false, true},
    {"phenom-v1", NULL, false, true},
    {"qemu32", "qemu32-v1", false, true},
    {"qemu32-v1", NULL, false, true},
    {"qemu64", "qemu64-v1", false, true},
    {"qemu64-v1", NULL, false, true},
};

static TypeInfo x86_cpu_model_infos[G_N_ELEMENTS(x86_cpu_models)];

static void x86_cpu_instance_init(Object *obj)
{
    X86CPU *cpu = X86_CPU(obj);

    object_property_add_int(obj, "socket-id", &cpu->socket_id,
                            OBJ_PROP_FLAG_READ);
    object_property_add_int(obj, "die-id", &cpu->die_id, OBJ_PROP_FLAG_READ);
    object_property_add_int(obj, "core-id", &cpu->core_id, OBJ_PROP_FLAG_READ);
    object_property_add_int(obj, "thread-id", &cpu->thread_id,
                            OBJ_PROP_FLAG_READ);
}

static void x86_cpu_class_init(ObjectClass *klass, const void *data)
{
    DEVICE_CLASS(klass)->desc = "x86-64 CPU (identity only; no guest code "
                                "runs in qmpd)";
}

static const TypeInfo x86_cpu_info = {
    .name = TYPE_X86_CPU,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(X86CPU),
    .instance_init = x86_cpu_instance_init,
    .abstract = true,
    .class_init = x86_cpu_class_init,
};

void x86_cpu_register_types(void)
{
    static bool registered;

    if (registered) {
        return;
    }
    registered = true;
    qdev_register_types();
    type_register_static(&x86_cpu_info);
    for (gsize i = 0; i < G_N_ELEMENTS(x86_cpu_models); i++) {
        TypeInfo *info = &x86_cpu_model_infos[i];

        /* Type names must outlive the process, like the table. */
        info->name = x86_cpu_type_name(x86_cpu_models[i].name);
        info->parent = TYPE_X86_CPU;
        type_register_static(info);
    }
}

const X86CPUModel *x86_cpu_model_find(const char *name)
{
    g_return_val_if_fail(name != NULL, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(x86_cpu_models); i++) {
        if (g_str_equal(x86_cpu_models[i].name, name)) {
            return &x86_cpu_models[i];
        }
    }
    return NULL;
}

const X86CPUModel *x86_cpu_model_nth(guint n)
{
    return n < G_N_ELEMENTS(x86_cpu_models) ? &x86_cpu_models[n] : NULL;
}

char *x86_cpu_type_name(const char *model)
{
    return g_strconcat(model, X86_CPU_TYPE_SUFFIX, NULL);
}

/*
 * QEMU numbers x86 CPUs thread first: consecutive indexes are the
 * threads of one core, then the cores of one die, the dies of one
 * socket, and the sockets.
 */
CpuInstanceProperties *x86_cpu_topo_props(const SMPConfiguration *smp,
                                          int64_t index)
{
    CpuInstanceProperties *p = g_new0(CpuInstanceProperties, 1);
    int64_t threads = MAX(smp->threads, 1);
    int64_t cores = MAX(smp->cores, 1);
    int64_t dies = MAX(smp->dies, 1);

    p->has_socket_id = true;
    p->socket_id = index / (threads * cores * dies);
    if (dies > 1) {
        p->has_die_id = true;
        p->die_id = (index / (threads * cores)) % dies;
    }
    p->has_core_id = true;
    p->core_id = (index / threads) % cores;
    p->has_thread_id = true;
    p->thread_id = index % threads;
    return p;
}

Object *x86_cpu_create(const char *model, const SMPConfiguration *smp,
                       int64_t index, GError **errp)
{
    g_autofree char *type = NULL;
    g_autoptr(CpuInstanceProperties) props = NULL;
    X86CPU *cpu;
    Object *obj;

    if (x86_cpu_model_find(model) == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "unable to find CPU model '%s'", model);
        return NULL;
    }
    x86_cpu_register_types();
    type = x86_cpu_type_name(model);
    props = x86_cpu_topo_props(smp, index);
    obj = object_new(type);
    cpu = X86_CPU(obj);
    cpu->index = index;
    cpu->socket_id = props->socket_id;
    cpu->die_id = props->has_die_id ? props->die_id : 0;
    cpu->core_id = props->core_id;
    cpu->thread_id = props->thread_id;
    return obj;
}

int64_t x86_cpu_get_index(Object *obj)
{
    Object *cpu = obj != NULL ? object_dynamic_cast(obj, TYPE_X86_CPU) : NULL;

    return cpu != NULL ? X86_CPU(cpu)->index : -1;
}

static gint compare_cpu_index(gconstpointer a, gconstpointer b)
{
    /* g_ptr_array_sort() passes pointers to the elements */
    int64_t ia = x86_cpu_get_index(*(Object *const *)a);
    int64_t ib = x86_cpu_get_index(*(Object *const *)b);

    return ia < ib ? -1 : ia > ib;
}

bool x86_cpus_create(Object *machine, const MachineProperties *cfg,
                     GError **errp)
{
    g_autofree char *model = NULL;
    Object *unattached;

    g_return_val_if_fail(machine != NULL && cfg != NULL && cfg->smp != NULL,
                         false);
    if (cfg->cpu == NULL) {
        return true;
    }
    /* "-cpu MODEL,+feature,...": features are QEMU's business. */
    model = g_strndup(cfg->cpu, strcspn(cfg->cpu, ","));
    unattached = container_get(machine, "/unattached");
    for (int64_t i = 0; i < cfg->smp->cpus; i++) {
        g_autoptr(Object) cpu = x86_cpu_create(model, cfg->smp, i, errp);

        if (cpu == NULL || object_property_add_child(unattached, "device[*]",
                                                     cpu, errp) == NULL) {
            return false;
        }
    }
    return true;
}

GPtrArray *x86_cpus_list(void)
{
    GPtrArray *cpus = g_ptr_array_new();
    Object *machine = object_resolve_path("/machine", NULL);
    Object *unattached =
        machine != NULL ? object_resolve_path_component(machine, "unattached")
                        : NULL;
    ObjectPropertyIterator iter;
    ObjectProperty *prop;

    if (unattached == NULL) {
        return cpus;
    }
    object_property_iter_init(&iter, unattached);
    while ((prop = object_property_iter_next(&iter)) != NULL) {
        Object *child =
            g_str_has_prefix(prop->type, "child<")
                ? object_resolve_path_component(unattached, prop->name)
                : NULL;

        if (x86_cpu_get_index(child) >= 0) {
            g_ptr_array_add(cpus, child);
        }
    }
    g_ptr_array_sort(cpus, compare_cpu_index);
    return cpus;
}
