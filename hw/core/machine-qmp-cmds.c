/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands of the machine configuration: machine-set and
 * query-machine-config.
 */

#include "prelude.h"

#include "hw/core/machine-config.h"
#include "hw/core/machine.h"
#include "qapi-commands.h"
#include "qapi/qmp-dispatch.h"
#include "util/report.h"

/*
 * Hand-written marshaller ('gen': false): the members named in the request
 * matter, not only the decoded value, because an empty list (which clears a
 * list member) decodes exactly like an absent member.
 */
void qmp_marshal_machine_set(JsonObject *args, JsonNode **ret, GError **errp)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(JsonNode) patch = json_node_new(JSON_NODE_OBJECT);

    json_node_set_object(patch, args);
    if (!machine_config_set_json(patch, false, warnings, errp)) {
        return;
    }
    for (guint i = 0; i < warnings->len; i++) {
        qmpd_warn("%s", (char *)g_ptr_array_index(warnings, i));
    }
    /* A valid type always has a QOM type, so this cannot fail. */
    machine_object_sync(NULL);
    *ret = qmp_empty_return();
}

MachineConfigInfo *qmp_query_machine_config(GError **errp)
{
    MachineConfigInfo *info = g_new0(MachineConfigInfo, 1);

    info->config = machine_config_fill_defaults(machine_config_get());
    info->cmdline = machine_config_render(info->config);
    return info;
}
