/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP sessions: the greeting, capabilities negotiation, request framing
 * and dispatch, and replies on one chardev.  The session state machine is
 * drawn in include/monitor/monitor.h.
 */

#include "prelude.h"

#include "monitor-internal.h"
#include "qapi/qmp-dispatch.h"
#include "util/cpr-state.h"
#include "util/error.h"
#include "util/json-writer.h"

/* Input is parsed as it arrives; this only bounds one read's size. */
#define QMP_READ_CHUNK 65536
/* Requests a session may have waiting before qmpd stops reading it. */
#define QMP_QUEUE_MAX 64

void monitor_qmp_send(Monitor *mon, JsonNode *msg)
{
    g_autoptr(GString) text = g_string_sized_new(256);

    if (mon->pretty) {
        g_autoptr(JsonGenerator) gen = json_generator_new();

        json_generator_set_pretty(gen, TRUE);
        json_generator_set_root(gen, msg);
        g_autofree char *pretty = json_generator_to_data(gen, NULL);
        g_string_append(text, pretty);
    } else {
        json_writer_append(text, msg);
    }
    g_string_append(text, "\r\n");
    monitor_write(mon, text->str, text->len);
}

static JsonNode *qmp_greeting(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) version =
        monitor_run_command("query-version", NULL, &err);
    JsonObject *qmp = json_object_new();
    JsonObject *root = json_object_new();
    JsonArray *caps = json_array_new();
    JsonNode *node;

    g_assert_no_error(err);
    json_object_set_member(qmp, "version", g_steal_pointer(&version));
    /*
     * "oob" is always offered: requests are parsed as soon as they arrive
     * on the main loop, so an exec-oob request never waits behind another.
     */
    json_array_add_string_element(caps, "oob");
    json_object_set_array_member(qmp, "capabilities", caps);
    json_object_set_object_member(root, "QMP", qmp);
    node = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(node, root);
    return node;
}

/* A request waiting its turn: the parsed object or the parse error. */
typedef struct QueuedRequest {
    JsonNode *request;
    GError *parse_err;
} QueuedRequest;

static void queued_request_free(QueuedRequest *q)
{
    g_clear_pointer(&q->request, json_node_unref);
    g_clear_error(&q->parse_err);
    g_free(q);
}

void monitor_request_complete(MonitorPending *pending, JsonNode *reply)
{
    Monitor *mon = pending->mon;
    g_autoptr(JsonNode) out = NULL;

    if (mon->mode == MONITOR_MODE_READLINE) {
        if (pending->session == mon->session) {
            monitor_hmp_complete(mon, reply);
        }
        g_free(pending);
        return;
    }
    out = json_node_copy(reply);

    if (JSON_NODE_HOLDS_OBJECT(out)) {
        JsonObject *obj = json_node_get_object(out);

        json_object_remove_member(obj, "id");
        if (pending->id != NULL) {
            json_object_set_member(obj, "id", json_node_copy(pending->id));
        }
    }
    if (pending->session == mon->session && mon->connected) {
        monitor_qmp_send(mon, out);
    }
    if (!pending->oob) {
        mon->awaiting_reply = false;
    }
    g_clear_pointer(&pending->id, json_node_unref);
    g_free(pending);
    if (!mon->awaiting_reply) {
        monitor_qmp_drain(mon);
    }
}

/* Offers @req to the router; true when it was taken. */
static bool qmp_route(Monitor *mon, JsonNode *req)
{
    void *opaque;
    const MonitorRequestRouter *router = monitor_request_router(&opaque);
    JsonObject *obj;
    const char *name = NULL;
    MonitorPending *pending;
    bool oob;

    if (router == NULL || !mon->command_mode || !JSON_NODE_HOLDS_OBJECT(req)) {
        return false;
    }
    obj = json_node_get_object(req);
    oob = json_object_has_member(obj, "exec-oob");
    if (oob && !mon->oob_enabled) {
        return false; /* refused locally, with qmpd's error */
    }
    if (json_object_has_member(obj, oob ? "exec-oob" : "execute")) {
        JsonNode *n = json_object_get_member(obj, oob ? "exec-oob" : "execute");

        if (JSON_NODE_HOLDS_VALUE(n) &&
            json_node_get_value_type(n) == G_TYPE_STRING) {
            name = json_node_get_string(n);
        }
    }
    if (name == NULL) {
        return false;
    }
    pending = g_new0(MonitorPending, 1);
    pending->mon = mon;
    pending->session = mon->session;
    pending->oob = oob;
    if (json_object_has_member(obj, "id")) {
        pending->id = json_node_copy(json_object_get_member(obj, "id"));
    }
    if (!oob) {
        mon->awaiting_reply = true;
    }
    if (!router->take(name, req, pending, opaque)) {
        if (!oob) {
            mon->awaiting_reply = false;
        }
        g_clear_pointer(&pending->id, json_node_unref);
        g_free(pending);
        return false;
    }
    return true;
}

static void qmp_handle_request(Monitor *mon, JsonNode *req,
                               const GError *parse_err)
{
    g_autoptr(JsonNode) rsp = NULL;
    QmpDispatchContext ctx = {
        .oob_enabled = mon->oob_enabled,
        .phase = monitor_current_phase(),
    };

    if (parse_err != NULL) {
        /* The request never became an object, so there is no id to echo. */
        rsp = qmp_error_response(parse_err, NULL);
        monitor_qmp_send(mon, rsp);
        return;
    }
    if (qmp_route(mon, req)) {
        return;
    }
    monitor_set_cur(mon);
    if (mon->command_mode) {
        rsp = qmp_dispatch(monitor_command_list(), req, &ctx);
    } else {
        ctx.unknown_command_desc =
            "Expecting capabilities negotiation with 'qmp_capabilities'";
        rsp = qmp_dispatch(monitor_negotiation_commands(), req, &ctx);
    }
    monitor_set_cur(NULL);
    monitor_qmp_send(mon, rsp);
}

void monitor_qmp_drain(Monitor *mon)
{
    bool was_full = g_queue_get_length(mon->queue) >= QMP_QUEUE_MAX;

    if (mon->draining) {
        return;
    }
    mon->draining = true;
    /*
     * A client that does not read its replies gets no more of them built
     * until it does (monitor_qmp_output_drained resumes); one chunk of input
     * can hold thousands of requests for large replies.
     */
    while (!mon->awaiting_reply && !monitor_input_paused() &&
           !g_queue_is_empty(mon->queue) &&
           chardev_output_pending(mon->chr) <= CHARDEV_OUTPUT_HIGH_WATER) {
        QueuedRequest *q = g_queue_pop_head(mon->queue);

        qmp_handle_request(mon, q->request, q->parse_err);
        queued_request_free(q);
    }
    mon->draining = false;
    if (was_full && g_queue_get_length(mon->queue) < QMP_QUEUE_MAX) {
        chardev_accept_input(mon->chr);
    }
}

static void qmp_handle_message(void *opaque, JsonNode *request,
                               const GError *parse_err)
{
    Monitor *mon = opaque;
    QueuedRequest *q = g_new0(QueuedRequest, 1);

    q->request = request;
    q->parse_err = parse_err != NULL ? g_error_copy(parse_err) : NULL;
    /* exec-oob jumps the queue, as its name promises. */
    if (request != NULL && mon->oob_enabled && qmp_request_is_oob(request)) {
        qmp_handle_request(mon, q->request, NULL);
        queued_request_free(q);
        return;
    }
    g_queue_push_tail(mon->queue, q);
    monitor_qmp_drain(mon);
}

static gsize monitor_qmp_can_read(void *opaque)
{
    Monitor *mon = opaque;

    if (monitor_input_paused()) {
        return 0;
    }
    /* A client that outruns the router waits; nothing piles up here. */
    return g_queue_get_length(mon->queue) >= QMP_QUEUE_MAX ? 0 : QMP_READ_CHUNK;
}

static void monitor_qmp_read(void *opaque, const guint8 *buf, gsize len)
{
    Monitor *mon = opaque;

    json_streamer_feed(mon->streamer, buf, len);
}

static void monitor_qmp_event(void *opaque, ChardevEvent event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED: {
        g_autoptr(JsonNode) greeting = NULL;
        g_autofree char *key =
            g_strdup_printf("qmp-session:%s", chardev_get_id(mon->chr));
        g_autofree char *kept = cpr_state_take(key);

        json_streamer_reset(mon->streamer);
        g_queue_clear_full(mon->queue, (GDestroyNotify)queued_request_free);
        mon->awaiting_reply = false;
        mon->session++;
        mon->command_mode = false;
        mon->oob_enabled = false;
        mon->connected = true;
        if (kept != NULL) {
            /*
             * cpr-exec: the client connected to the process before the
             * exec goes on where it was, without a new greeting.
             */
            mon->command_mode = strcmp(kept, "command") == 0;
            break;
        }
        greeting = qmp_greeting();
        monitor_qmp_send(mon, greeting);
        break;
    }
    case CHR_EVENT_CLOSED:
        mon->connected = false;
        mon->command_mode = false;
        mon->oob_enabled = false;
        mon->awaiting_reply = false;
        mon->session++;
        g_queue_clear_full(mon->queue, (GDestroyNotify)queued_request_free);
        json_streamer_reset(mon->streamer);
        break;
    }
}

static void monitor_qmp_output_drained(void *opaque)
{
    monitor_qmp_drain(opaque);
}

static const ChardevHandlers qmp_handlers = {
    .can_read = monitor_qmp_can_read,
    .read = monitor_qmp_read,
    .event = monitor_qmp_event,
    .output_drained = monitor_qmp_output_drained,
};

bool monitor_qmp_setup(Monitor *mon, GError **errp)
{
    mon->streamer = json_streamer_new(qmp_handle_message, mon);
    mon->queue = g_queue_new();
    return chardev_set_handlers(mon->chr, &qmp_handlers, mon, errp);
}

void monitor_qmp_free(Monitor *mon)
{
    g_clear_pointer(&mon->streamer, json_streamer_free);
    if (mon->queue != NULL) {
        g_queue_free_full(mon->queue, (GDestroyNotify)queued_request_free);
        mon->queue = NULL;
    }
}

bool monitor_qmp_negotiate(Monitor *mon, bool enable_oob, GError **errp)
{
    g_return_val_if_fail(mon != NULL, false);

    if (mon->command_mode) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_COMMAND_NOT_FOUND,
                    "Capabilities negotiation is already complete, command "
                    "ignored");
        return false;
    }
    mon->command_mode = true;
    mon->oob_enabled = enable_oob;
    return true;
}
