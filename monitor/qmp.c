/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP sessions: the greeting, capabilities negotiation, request framing
 * and dispatch, and replies on one chardev.  The session state machine is
 * drawn in include/monitor/monitor.h.
 */

#include "prelude.h"

#include "monitor-internal.h"
#include "qapi/qmp-dispatch.h"
#include "util/error.h"
#include "util/json-writer.h"

/* Input is parsed as it arrives; this only bounds one read's size. */
#define QMP_READ_CHUNK 65536

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

static void qmp_handle_message(void *opaque, JsonNode *request,
                               const GError *parse_err)
{
    Monitor *mon = opaque;
    g_autoptr(JsonNode) req = request;
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

static gsize monitor_qmp_can_read(void *opaque)
{
    return QMP_READ_CHUNK;
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
        g_autoptr(JsonNode) greeting = qmp_greeting();

        json_streamer_reset(mon->streamer);
        mon->command_mode = false;
        mon->oob_enabled = false;
        mon->connected = true;
        monitor_qmp_send(mon, greeting);
        break;
    }
    case CHR_EVENT_CLOSED:
        mon->connected = false;
        mon->command_mode = false;
        mon->oob_enabled = false;
        json_streamer_reset(mon->streamer);
        break;
    }
}

static const ChardevHandlers qmp_handlers = {
    .can_read = monitor_qmp_can_read,
    .read = monitor_qmp_read,
    .event = monitor_qmp_event,
};

bool monitor_qmp_setup(Monitor *mon, GError **errp)
{
    mon->streamer = json_streamer_new(qmp_handle_message, mon);
    return chardev_set_handlers(mon->chr, &qmp_handlers, mon, errp);
}

void monitor_qmp_free(Monitor *mon)
{
    g_clear_pointer(&mon->streamer, json_streamer_free);
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
