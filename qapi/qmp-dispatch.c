/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One QMP request in, one response out: envelope checks, command lookup,
 * phase gating, the marshaller call and the reply with the id echoed.
 */

#include "prelude.h"

#include <string.h>

#include "qapi/qmp-dispatch.h"
#include "util/error.h"

JsonNode *qmp_empty_return(void)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    /* take: the node now holds the only reference to the new object */
    json_node_take_object(node, json_object_new());
    return node;
}

JsonNode *qmp_error_response(const GError *err, JsonNode *id)
{
    JsonObject *rsp = json_object_new();
    JsonObject *error = json_object_new();
    JsonNode *node;

    json_object_set_string_member(error, "class", qmpd_error_class_name(err));
    json_object_set_string_member(error, "desc", err->message);
    json_object_set_object_member(rsp, "error", error);
    if (id) {
        json_object_set_member(rsp, "id", json_node_copy(id));
    }
    node = json_node_init_object(json_node_alloc(), rsp);
    json_object_unref(rsp);
    return node;
}

bool qmp_request_is_oob(JsonNode *request)
{
    return request && JSON_NODE_HOLDS_OBJECT(request) &&
           json_object_has_member(json_node_get_object(request), "exec-oob");
}

static bool is_string_node(JsonNode *node)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
           json_node_get_value_type(node) == G_TYPE_STRING;
}

/*
 * QEMU's envelope rules: members are checked in input order; "exec-oob"
 * counts as a command member only when OOB was negotiated (otherwise it
 * is simply unexpected).
 * Returns: (transfer none): the command name, or NULL with @errp set.
 */
static const char *check_envelope(JsonObject *req, bool allow_oob,
                                  GError **errp)
{
    g_autoptr(GList) keys = json_object_get_members(req);
    const char *exec_key = NULL;
    const char *command = NULL;
    GList *l;

    for (l = keys; l; l = l->next) {
        const char *key = l->data;
        JsonNode *val = json_object_get_member(req, key);

        if (!strcmp(key, "execute") ||
            (allow_oob && !strcmp(key, "exec-oob"))) {
            if (!is_string_node(val)) {
                g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "QMP input member '%s' must be a string", key);
                return NULL;
            }
            if (exec_key) {
                g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "QMP input member '%s' clashes with '%s'", key,
                            exec_key);
                return NULL;
            }
            exec_key = key;
            command = json_node_get_string(val);
        } else if (!strcmp(key, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(val)) {
                g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "QMP input member 'arguments' must be an "
                            "object");
                return NULL;
            }
        } else if (strcmp(key, "id") != 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "QMP input member '%s' is unexpected", key);
            return NULL;
        }
    }
    if (!exec_key) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "QMP input lacks member 'execute'");
        return NULL;
    }
    return command;
}

/*
 * Phase gating.  A command refused now either becomes allowed in a later
 * phase ("only after machine initialization") or was allowed only in
 * earlier ones ("only before machine initialization").
 */
static bool check_phase(const QmpCommand *cmd, MachineInitPhase phase,
                        GError **errp)
{
    if (cmd->phases & PHASE_MASK(phase)) {
        return true;
    }
    if (cmd->phases & ~(PHASE_MASK(phase + 1) - 1)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The command '%s' is permitted only after machine "
                    "initialization has completed",
                    cmd->name);
    } else {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The command is permitted only before machine "
                    "initialization");
    }
    return false;
}

static JsonNode *dispatch(const QmpCommandList *cmds, JsonObject *req,
                          const QmpDispatchContext *ctx, GError **errp)
{
    const char *name = check_envelope(req, ctx->oob_enabled, errp);
    bool oob = json_object_has_member(req, "exec-oob");
    g_autoptr(JsonObject) empty = NULL;
    const QmpCommand *cmd;
    JsonObject *args;
    JsonNode *ret = NULL;
    GError *err = NULL;

    if (!name) {
        return NULL;
    }
    cmd = qmp_find_command(cmds, name);
    if (!cmd) {
        if (ctx->unknown_command_desc) {
            g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_COMMAND_NOT_FOUND,
                                ctx->unknown_command_desc);
        } else {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_COMMAND_NOT_FOUND,
                        "The command %s has not been found", name);
        }
        return NULL;
    }
    if (!cmd->enabled) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_COMMAND_NOT_FOUND,
                    "Command %s has been disabled%s%s", name,
                    cmd->disable_reason ? ": " : "",
                    cmd->disable_reason ? cmd->disable_reason : "");
        return NULL;
    }
    if (oob && !(cmd->options & QCO_ALLOW_OOB)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The command %s does not support OOB", name);
        return NULL;
    }
    if (!check_phase(cmd, ctx->phase, errp)) {
        return NULL;
    }
    if (json_object_has_member(req, "arguments")) {
        args = json_object_get_object_member(req, "arguments");
    } else {
        empty = json_object_new();
        args = empty;
    }
    cmd->fn(args, &ret, &err);
    if (err) {
        g_clear_pointer(&ret, json_node_unref);
        g_propagate_error(errp, err);
        return NULL;
    }
    if (!ret) {
        ret = qmp_empty_return();
    }
    return ret;
}

JsonNode *qmp_dispatch(const QmpCommandList *cmds, JsonNode *request,
                       const QmpDispatchContext *ctx)
{
    g_autoptr(GError) err = NULL;
    JsonObject *req;
    JsonObject *rsp;
    JsonNode *id = NULL;
    JsonNode *ret;
    JsonNode *node;

    g_return_val_if_fail(cmds != NULL && request != NULL && ctx != NULL, NULL);
    if (!JSON_NODE_HOLDS_OBJECT(request)) {
        g_set_error(&err, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "QMP input must be a JSON object");
        return qmp_error_response(err, NULL);
    }
    req = json_node_get_object(request);
    id = json_object_get_member(req, "id");
    ret = dispatch(cmds, req, ctx, &err);
    if (!ret) {
        return qmp_error_response(err, id);
    }
    rsp = json_object_new();
    json_object_set_member(rsp, "return", ret);
    if (id) {
        json_object_set_member(rsp, "id", json_node_copy(id));
    }
    node = json_node_init_object(json_node_alloc(), rsp);
    json_object_unref(rsp);
    return node;
}
