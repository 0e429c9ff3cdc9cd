/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration parameters a QEMU-run guest's QEMU does not know.  QEMU
 * 7.2 has neither "mode" nor "cpr-exec-command", yet cpr-exec of qmpd
 * itself needs both after the hand-off: qmpd keeps those two members,
 * forwards the others, and lays its own over QEMU's answer to
 * query-migrate-parameters.
 */

#include "prelude.h"

#include "migration/migration.h"
#include "qapi-visit.h"
#include "qapi/json-input-visitor.h"
#include "qemu-backend-internal.h"
#include "util/error.h"

static const char *const local_members[] = {"mode", "cpr-exec-command", NULL};

/* A set-parameters request whose local part waits for QEMU's verdict. */
typedef struct SetCall {
    MonitorPending *pending;
    MigrationParameters *local;
} SetCall;

static void complete_with(MonitorPending *pending, const char *error)
{
    g_autoptr(JsonNode) reply = error != NULL ? qemu_backend_error_reply(error)
                                              : qemu_backend_empty_reply();

    monitor_request_complete(pending, reply);
}

/* Applies qmpd's members (checked already) and answers. */
static void set_local(MonitorPending *pending, const MigrationParameters *p)
{
    g_autoptr(GError) err = NULL;

    migration_set_parameters(p, &err);
    complete_with(pending, err != NULL ? err->message : NULL);
}

/* QEMU took the rest: now qmpd's part, so both or neither change. */
static void set_reply_cb(JsonNode *reply, void *opaque)
{
    SetCall *call = opaque;
    JsonObject *obj = reply != NULL ? json_node_get_object(reply) : NULL;

    if (obj != NULL && json_object_has_member(obj, "return")) {
        set_local(call->pending, call->local);
    } else {
        qemu_backend_forward_reply_cb(reply, call->pending);
    }
    qapi_free_MigrationParameters(call->local);
    g_free(call);
}

/*
 * Splits @args into qmpd's members (checked with the schema's own
 * visitor, so errors read as for any command) and the rest.
 */
static MigrationParameters *split_args(JsonObject *args, JsonObject *rest,
                                       GError **errp)
{
    g_autoptr(JsonNode) mine = json_node_new(JSON_NODE_OBJECT);
    JsonObject *mine_obj = json_object_new();
    g_autoptr(GList) names = json_object_get_members(args);
    MigrationParameters *p = NULL;
    Visitor *v;

    json_node_take_object(mine, mine_obj);
    for (GList *l = names; l != NULL; l = l->next) {
        const char *name = l->data;
        JsonObject *to = g_strv_contains(local_members, name) ? mine_obj : rest;

        json_object_set_member(
            to, name, json_node_copy(json_object_get_member(args, name)));
    }
    v = json_input_visitor_new(mine);
    if (!visit_type_MigrationParameters(v, NULL, &p, errp)) {
        p = NULL;
    }
    visit_free(v);
    return p;
}

/* Returns: @args has a member qmpd keeps. */
static bool has_local_member(JsonObject *args)
{
    for (guint i = 0; args != NULL && local_members[i] != NULL; i++) {
        if (json_object_has_member(args, local_members[i])) {
            return true;
        }
    }
    return false;
}

static bool take_set(QemuQmpClient *qmp, JsonObject *request,
                     MonitorPending *pending)
{
    JsonObject *args = json_object_has_member(request, "arguments")
                           ? json_object_get_object_member(request, "arguments")
                           : NULL;
    g_autoptr(JsonNode) rest = NULL;
    JsonObject *rest_obj;
    g_autoptr(GError) err = NULL;
    MigrationParameters *local;
    SetCall *call;

    if (!has_local_member(args)) {
        return false; /* QEMU's alone */
    }
    rest = json_node_new(JSON_NODE_OBJECT);
    rest_obj = json_object_new();
    json_node_take_object(rest, rest_obj);
    local = split_args(args, rest_obj, &err);
    if (local == NULL) {
        complete_with(pending, err->message);
        return true;
    }
    if (json_object_get_size(rest_obj) == 0) {
        set_local(pending, local);
        qapi_free_MigrationParameters(local);
        return true;
    }
    call = g_new0(SetCall, 1);
    call->pending = pending;
    call->local = local;
    qemu_qmp_client_send(qmp, "migrate-set-parameters", rest, set_reply_cb,
                         call);
    return true;
}

/* QEMU's parameters, with qmpd's two members laid over them. */
static void query_reply_cb(JsonNode *reply, void *opaque)
{
    MonitorPending *pending = opaque;
    JsonObject *obj = reply != NULL ? json_node_get_object(reply) : NULL;
    const MigrationParameters *p = migration_parameters_get();
    g_autoptr(JsonNode) answer = NULL;
    JsonObject *ret;

    if (obj == NULL || !json_object_has_member(obj, "return") ||
        !JSON_NODE_HOLDS_OBJECT(json_object_get_member(obj, "return"))) {
        qemu_backend_forward_reply_cb(reply, pending);
        return;
    }
    answer = json_node_copy(reply);
    ret = json_object_get_object_member(json_node_get_object(answer), "return");
    json_object_set_string_member(ret, "mode", MigMode_str(p->mode));
    if (p->cpr_exec_command != NULL) {
        JsonArray *cmd = json_array_new();

        for (const strList *l = p->cpr_exec_command; l != NULL; l = l->next) {
            json_array_add_string_element(cmd, l->value);
        }
        json_object_set_array_member(ret, "cpr-exec-command", cmd);
    }
    monitor_request_complete(pending, answer);
}

bool qemu_migrate_params_take(QemuQmpClient *qmp, const char *command,
                              JsonObject *request, MonitorPending *pending)
{
    if (g_str_equal(command, "migrate-set-parameters")) {
        return take_set(qmp, request, pending);
    }
    if (g_str_equal(command, "query-migrate-parameters")) {
        qemu_qmp_client_send(qmp, command, NULL, query_reply_cb, pending);
        return true;
    }
    return false;
}
