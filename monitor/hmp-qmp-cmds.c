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

/* Whether @index names a CPU qmpd reports (query-cpus-fast). */
static bool hmp_cpu_exists(int64_t index)
{
    g_autoptr(JsonNode) ret =
        monitor_run_command("query-cpus-fast", NULL, NULL);
    JsonArray *list = ret != NULL ? json_node_get_array(ret) : NULL;

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
