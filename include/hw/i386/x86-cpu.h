/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * x86 CPUs of the built-in pc board.  qmpd runs no guest code, so a CPU
 * here is only its identity: a QOM object of the model's type at
 * /machine/unattached/device[N] with its place in the topology.  The
 * model names are QEMU 7.2's, since the configured "cpu" is handed to
 * QEMU unchanged.
 */

#include "hw/core/qdev.h"
#include "prelude.h"
#include "qapi-types.h"

#define TYPE_X86_CPU "x86_64-cpu"
/* A model's QOM type is its name with this suffix ("qemu64-x86_64-cpu"). */
#define X86_CPU_TYPE_SUFFIX "-" TYPE_X86_CPU

typedef struct X86CPUModel {
    const char *name;
    const char *alias_of;   /* the versioned model, or NULL */
    bool is_static;         /* the model means the same in every release */
    bool is_migration_safe; /* the model is the same on every host */
} X86CPUModel;

/** x86_cpu_register_types: registers the CPU types (idempotent). */
void x86_cpu_register_types(void);

/**
 * x86_cpu_model_find:
 * Returns: (transfer none) (nullable): the model called @name.
 */
const X86CPUModel *x86_cpu_model_find(const char *name);

/** x86_cpu_model_nth: Returns: (nullable): the @n-th model, for iteration. */
const X86CPUModel *x86_cpu_model_nth(guint n);

/**
 * x86_cpu_type_name:
 * Returns: (transfer full): the QOM type name of model @model.
 */
char *x86_cpu_type_name(const char *model);

/**
 * x86_cpu_topo_props:
 * @smp: (transfer none): a topology with every member filled in
 * @index: a CPU index below smp->maxcpus
 *
 * Returns: (transfer full): the socket, die (when there are several),
 * core and thread of CPU @index, numbered as QEMU's x86 machines do.
 */
CpuInstanceProperties *x86_cpu_topo_props(const SMPConfiguration *smp,
                                          int64_t index);

/**
 * x86_cpu_create:
 * @model: a model name x86_cpu_model_find() knows
 * @smp: (transfer none): the filled-in topology
 * @index: the CPU's index
 *
 * Returns: (transfer full) (nullable): a new CPU object, or NULL with
 * @errp set for an unknown model ("unable to find CPU model 'X'").
 */
Object *x86_cpu_create(const char *model, const SMPConfiguration *smp,
                       int64_t index, GError **errp);

/**
 * x86_cpu_get_index:
 * Returns: the index of CPU @obj, or -1 when @obj is not an x86 CPU.
 */
int64_t x86_cpu_get_index(Object *obj);

/**
 * x86_cpus_create:
 * @machine: (transfer none): the /machine object
 * @cfg: (transfer none): the filled-in machine configuration
 *
 * Adds smp.cpus CPUs of model @cfg->cpu (features after a comma are
 * ignored) as /machine/unattached/device[N].  Nothing when @cfg->cpu is
 * absent (machine "none").
 *
 * Returns: true on success; false with @errp set for an unknown model.
 */
bool x86_cpus_create(Object *machine, const MachineProperties *cfg,
                     GError **errp);

/**
 * x86_cpus_list:
 * Returns: (transfer container): the machine's CPU objects, by index.
 */
GPtrArray *x86_cpus_list(void);
