/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU topology arithmetic for the smp member of the configuration.
 */

#include "prelude.h"

#include "hw/core/machine-smp.h"
#include "util/error.h"

/*
 * Topology products saturate instead of overflowing: a saturated product
 * never matches maxcpus, so absurd values end in the usual error.
 */
static int64_t smp_mul(int64_t a, int64_t b)
{
    int64_t r;

    return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

static int64_t smp_product4(int64_t a, int64_t b, int64_t c, int64_t d)
{
    return smp_mul(smp_mul(smp_mul(a, b), c), d);
}

/* Reads a member, 0 meaning "not given". */
#define SMP_GET(smp, m) ((smp) != NULL && (smp)->has_##m ? (smp)->m : 0)

bool machine_smp_resolve(const SMPConfiguration *smp, const MachineType *mt,
                         SMPConfiguration *ret, GError **errp)
{
    int64_t cpus = SMP_GET(smp, cpus), maxcpus = SMP_GET(smp, maxcpus);
    int64_t sockets = SMP_GET(smp, sockets), dies = SMP_GET(smp, dies);
    int64_t clusters = SMP_GET(smp, clusters), cores = SMP_GET(smp, cores);
    int64_t threads = SMP_GET(smp, threads);
    int64_t product;

    if (smp != NULL && ((smp->has_cpus && smp->cpus <= 0) ||
                        (smp->has_maxcpus && smp->maxcpus <= 0) ||
                        (smp->has_sockets && smp->sockets <= 0) ||
                        (smp->has_dies && smp->dies <= 0) ||
                        (smp->has_clusters && smp->clusters <= 0) ||
                        (smp->has_cores && smp->cores <= 0) ||
                        (smp->has_threads && smp->threads <= 0))) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Invalid CPU topology: CPU topology parameters must be "
                    "greater than zero");
        return false;
    }
    /* Only the pc machine models dies; nothing models clusters. */
    if (dies > 1 && !mt->has_acpi) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "dies > 1 not supported by this machine's CPU topology");
        return false;
    }
    if (clusters > 1) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "clusters > 1 not supported by this machine's CPU "
                    "topology");
        return false;
    }
    dies = dies > 0 ? dies : 1;
    clusters = clusters > 0 ? clusters : 1;

    if (cpus == 0 && maxcpus == 0) {
        sockets = sockets > 0 ? sockets : 1;
        cores = cores > 0 ? cores : 1;
        threads = threads > 0 ? threads : 1;
    } else {
        maxcpus = maxcpus > 0 ? maxcpus : cpus;
        if (cores == 0) {
            sockets = sockets > 0 ? sockets : 1;
            threads = threads > 0 ? threads : 1;
            cores = maxcpus / smp_product4(sockets, dies, clusters, threads);
        } else if (sockets == 0) {
            threads = threads > 0 ? threads : 1;
            sockets = maxcpus / smp_product4(dies, clusters, cores, threads);
        }
        if (threads == 0) {
            threads = maxcpus / smp_product4(sockets, dies, clusters, cores);
        }
    }
    product = smp_mul(smp_product4(sockets, dies, clusters, cores), threads);
    maxcpus = maxcpus > 0 ? maxcpus : product;
    cpus = cpus > 0 ? cpus : maxcpus;

    if (product != maxcpus) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Invalid CPU topology: product of the hierarchy must "
                    "match maxcpus: sockets (%" G_GINT64_FORMAT
                    ") * dies (%" G_GINT64_FORMAT ") * cores (%" G_GINT64_FORMAT
                    ") * threads (%" G_GINT64_FORMAT
                    ") != maxcpus (%" G_GINT64_FORMAT ")",
                    sockets, dies, cores, threads, maxcpus);
        return false;
    }
    if (maxcpus < cpus) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Invalid CPU topology: maxcpus must be equal to or greater "
                    "than smp: sockets (%" G_GINT64_FORMAT
                    ") * dies (%" G_GINT64_FORMAT ") * cores (%" G_GINT64_FORMAT
                    ") * threads (%" G_GINT64_FORMAT
                    ") == maxcpus (%" G_GINT64_FORMAT
                    ") < smp_cpus (%" G_GINT64_FORMAT ")",
                    sockets, dies, cores, threads, maxcpus, cpus);
        return false;
    }
    if (maxcpus > mt->max_cpus) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Invalid SMP CPUs %" G_GINT64_FORMAT
                    ". The max CPUs supported by machine '%s' is %d",
                    maxcpus, mt->name, mt->max_cpus);
        return false;
    }
    *ret = (SMPConfiguration){
        .has_cpus = true,
        .cpus = cpus,
        .has_maxcpus = true,
        .maxcpus = maxcpus,
        .has_sockets = true,
        .sockets = sockets,
        .has_dies = true,
        .dies = dies,
        .has_clusters = true,
        .clusters = clusters,
        .has_cores = true,
        .cores = cores,
        .has_threads = true,
        .threads = threads,
    };
    return true;
}
