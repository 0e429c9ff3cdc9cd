/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * human-monitor-command: one human-monitor line run on a monitor of its
 * own whose output becomes the reply.  After the hand-off the QEMU
 * backend forwards the command to QEMU instead; qmpd only answers it
 * before (and for the built-in machine).
 */

#include "prelude.h"

#include "monitor-internal.h"
#include "qapi-commands.h"
#include "util/error.h"

static JsonObject *member_object(JsonObject *obj, const char *name)
{
    return obj != NULL && json_object_has_member(obj, name)
               ? json_object_get_object_member(obj, name)
               : NULL;
}

/* Whether @index is below the configured smp.cpus. */
static bool hmp_cpu_configured(int64_t index)
{
    g_autoptr(JsonNode) ret =
        monitor_run_command("query-machine-config", NULL, NULL);
    JsonObject *config =
        member_object(ret != NULL ? json_node_get_object(ret) : NULL, "config");
    JsonObject *smp = member_object(config, "smp");

    return smp != NULL && index >= 0 &&
           index < json_object_get_int_member_with_default(smp, "cpus", 0);
}

/*
 * Whether @index names a CPU: one query-cpus-fast lists or, where qmpd
 * has no such command, one of the configured machine's smp.cpus (the
 * CPUs QEMU will have).  qmp-shell -H always sends cpu-index 0.
 */
static bool hmp_cpu_exists(int64_t index)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret =
        monitor_run_command("query-cpus-fast", NULL, &err);
    JsonArray *list = ret != NULL ? json_node_get_array(ret) : NULL;

    if (ret == NULL &&
        g_error_matches(err, QMPD_ERROR, QMPD_ERROR_COMMAND_NOT_FOUND)) {
        return hmp_cpu_configured(index);
    }
    for (guint i = 0; list != NULL && i < json_array_get_length(list); i++) {
        JsonObject *cpu = json_array_get_object_element(list, i);

        if (json_object_get_int_member_with_default(cpu, "cpu-index", -1) ==
            index) {
            return true;
        }
    }
    return false;
}

char *qmp_human_monitor_command(const char *command_line, bool has_cpu_index,
                                int64_t cpu_index, GError **errp)
{
    Monitor hmp = {
        .mode = MONITOR_MODE_READLINE,
        .connected = true,
        .cpu_index = -1,
    };

    if (has_cpu_index) {
        if (!hmp_cpu_exists(cpu_index)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Parameter 'cpu-index' expects a CPU number");
            return NULL;
        }
        hmp.cpu_index = cpu_index;
    }
    hmp.capture = g_string_new(NULL);
    monitor_hmp_run_line(&hmp, command_line);
    return g_string_free(hmp.capture, FALSE);
}
