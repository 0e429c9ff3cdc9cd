/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The monitor registry: creating monitors on chardevs, the command tables
 * they dispatch through, the "current monitor" during command execution,
 * and event broadcasting to every QMP monitor in command mode.
 */

#include "prelude.h"

#include "monitor-internal.h"
#include "qapi/qapi-event.h"
#include "util/error.h"
#include "util/json-writer.h"
#include "util/opts.h"

static QmpCommandList *monitor_cmds;
static QmpCommandList *negotiation_cmds;
static MachineInitPhase (*phase_getter)(void);
static GPtrArray *monitors;
static Monitor *cur_monitor;

void monitor_options_free(MonitorOptions *opts)
{
    if (opts == NULL) {
        return;
    }
    g_free(opts->chardev);
    g_free(opts);
}

MonitorOptions *monitor_options_parse(const char *spec, GError **errp)
{
    static const char *const keys[] = {"chardev", "mode", "pretty", NULL};
    g_autoptr(Opts) opts = opts_parse(spec, "chardev", errp);
    g_autoptr(MonitorOptions) mo = NULL;
    const char *mode;

    if (opts == NULL || !opts_check_keys(opts, keys, errp)) {
        return NULL;
    }
    mo = g_new0(MonitorOptions, 1);
    mo->chardev = g_strdup(opts_get(opts, "chardev"));
    if (mo->chardev == NULL || mo->chardev[0] == '\0') {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter 'chardev' is missing");
        return NULL;
    }
    mode = opts_get(opts, "mode");
    if (mode == NULL || g_str_equal(mode, "readline")) {
        mo->mode = MONITOR_MODE_READLINE;
    } else if (g_str_equal(mode, "control")) {
        mo->mode = MONITOR_MODE_CONTROL;
    } else {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "unknown monitor mode '%s'", mode);
        return NULL;
    }
    if (!opts_get_bool(opts, "pretty", false, &mo->pretty, errp)) {
        return NULL;
    }
    return g_steal_pointer(&mo);
}

static const MonitorRequestRouter *request_router;
static void *request_router_opaque;
/* cpr-exec of a QEMU-run guest: no monitor reads or runs requests. */
static bool input_paused;

bool monitor_input_paused(void)
{
    return input_paused;
}

void monitor_set_input_paused(bool paused)
{
    if (input_paused == paused) {
        return;
    }
    input_paused = paused;
    if (paused) {
        return;
    }
    /* What waited runs now, and each peer is read again. */
    for (guint i = 0; monitors != NULL && i < monitors->len; i++) {
        Monitor *mon = g_ptr_array_index(monitors, i);

        if (mon->chr == NULL) {
            continue;
        }
        if (mon->mode == MONITOR_MODE_CONTROL) {
            monitor_qmp_drain(mon);
            chardev_accept_input(mon->chr);
        } else {
            monitor_hmp_resume(mon);
        }
    }
}

void monitor_set_request_router(const MonitorRequestRouter *router,
                                void *opaque)
{
    request_router = router;
    request_router_opaque = opaque;
}

const MonitorRequestRouter *monitor_request_router(void **ret_opaque)
{
    *ret_opaque = request_router_opaque;
    return request_router;
}

void monitor_broadcast_event(JsonNode *msg)
{
    g_return_if_fail(msg != NULL);

    for (guint i = 0; monitors != NULL && i < monitors->len; i++) {
        Monitor *mon = g_ptr_array_index(monitors, i);

        if (mon->mode == MONITOR_MODE_CONTROL && mon->connected &&
            mon->command_mode) {
            monitor_qmp_send(mon, msg);
        }
    }
}

static void monitor_emit_event(const char *name, JsonObject *data)
{
    g_autoptr(JsonNode) msg = NULL;
    JsonObject *obj = json_object_new();
    JsonObject *ts = json_object_new();
    gint64 now = g_get_real_time();

    /* QEMU puts the timestamp first; clients do not care, readers do. */
    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_object_member(obj, "timestamp", ts);
    json_object_set_string_member(obj, "event", name);
    if (data != NULL) {
        json_object_set_object_member(obj, "data", json_object_ref(data));
    }
    msg = json_node_init_object(json_node_alloc(), obj);
    json_object_unref(obj);
    monitor_broadcast_event(msg);
}

void monitor_init_globals(QmpCommandList *cmds,
                          MachineInitPhase (*phase_fn)(void))
{
    const QmpCommand *cap;

    g_return_if_fail(cmds != NULL && monitor_cmds == NULL);

    monitor_cmds = cmds;
    phase_getter = phase_fn;
    monitors = g_ptr_array_new();

    /* Negotiation mode knows exactly one command. */
    cap = qmp_find_command(cmds, "qmp_capabilities");
    g_return_if_fail(cap != NULL);
    negotiation_cmds = qmp_command_list_new();
    qmp_register_command(negotiation_cmds, cap->name, cap->fn, PHASE_MASK_ALL,
                         cap->options);

    qapi_event_set_emitter(monitor_emit_event);
}

QmpCommandList *monitor_command_list(void)
{
    return monitor_cmds;
}

QmpCommandList *monitor_negotiation_commands(void)
{
    return negotiation_cmds;
}

MachineInitPhase monitor_current_phase(void)
{
    return phase_getter != NULL ? phase_getter() : PHASE_MACHINE_READY;
}

Monitor *monitor_cur(void)
{
    return cur_monitor;
}

Chardev *monitor_cur_chardev(void)
{
    return cur_monitor != NULL ? cur_monitor->chr : NULL;
}

void monitor_set_cur(Monitor *mon)
{
    cur_monitor = mon;
}

void monitor_register(Monitor *mon)
{
    g_ptr_array_add(monitors, mon);
}

Monitor *monitor_new(const MonitorOptions *opts, GError **errp)
{
    Chardev *chr;
    Monitor *mon;

    g_return_val_if_fail(monitor_cmds != NULL, NULL);

    chr = chardev_find(opts->chardev);
    if (chr == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "chardev '%s' not found", opts->chardev);
        return NULL;
    }
    mon = g_new0(Monitor, 1);
    mon->mode = opts->mode;
    mon->chr = chr;
    mon->pretty = opts->pretty;
    /* Registered first: the chardev may report OPENED while attaching. */
    monitor_register(mon);
    if (!(mon->mode == MONITOR_MODE_CONTROL ? monitor_qmp_setup(mon, errp)
                                            : monitor_hmp_setup(mon, errp))) {
        g_ptr_array_remove(monitors, mon);
        if (mon->mode == MONITOR_MODE_CONTROL) {
            monitor_qmp_free(mon);
        } else {
            monitor_hmp_free(mon);
        }
        g_free(mon);
        return NULL;
    }
    return mon;
}

void monitor_write(Monitor *mon, const char *text, gsize len)
{
    g_autoptr(GError) err = NULL;

    if (mon->capture != NULL) {
        /* The text goes back as a QMP string, compared by clients. */
        for (gsize i = 0; i < len; i++) {
            if (text[i] == '\n') {
                g_string_append_c(mon->capture, '\r');
            }
            g_string_append_c(mon->capture, text[i]);
        }
        return;
    }
    if (!mon->connected) {
        return;
    }
    if (!chardev_write_all(mon->chr, text, len, &err)) {
        g_debug("monitor output to '%s' failed: %s", chardev_get_id(mon->chr),
                err->message);
    }
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *text = NULL;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    monitor_write(mon, text, strlen(text));
}

JsonNode *monitor_run_command(const char *name, JsonObject *args, GError **errp)
{
    const QmpCommand *cmd = qmp_find_command(monitor_cmds, name);
    g_autoptr(JsonObject) empty = json_object_new();
    JsonNode *ret = NULL;

    if (cmd == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_COMMAND_NOT_FOUND,
                    "The command %s has not been found", name);
        return NULL;
    }
    if (!(cmd->phases & PHASE_MASK(monitor_current_phase()))) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The command '%s' is not allowed in this phase", name);
        return NULL;
    }
    cmd->fn(args != NULL ? args : empty, &ret, errp);
    return ret;
}

void monitor_cleanup(void)
{
    if (monitors != NULL) {
        for (guint i = 0; i < monitors->len; i++) {
            Monitor *mon = g_ptr_array_index(monitors, i);

            chardev_set_handlers(mon->chr, NULL, NULL, NULL);
            if (mon->mode == MONITOR_MODE_CONTROL) {
                monitor_qmp_free(mon);
            } else {
                monitor_hmp_free(mon);
            }
            g_free(mon);
        }
        g_clear_pointer(&monitors, g_ptr_array_unref);
    }
    qapi_event_set_emitter(NULL);
    request_router = NULL;
    g_clear_pointer(&negotiation_cmds, qmp_command_list_free);
    monitor_cmds = NULL;
}

static bool monitors_have_pending_output(void)
{
    for (guint i = 0; monitors != NULL && i < monitors->len; i++) {
        Monitor *mon = g_ptr_array_index(monitors, i);

        if (mon->connected && chardev_has_pending_output(mon->chr)) {
            return true;
        }
    }
    return false;
}

const char *monitor_chardev_session(const Chardev *chr)
{
    for (guint i = 0; monitors != NULL && i < monitors->len; i++) {
        Monitor *mon = g_ptr_array_index(monitors, i);

        if (mon->chr == chr && mon->mode == MONITOR_MODE_CONTROL) {
            return mon->command_mode ? "command" : "negotiation";
        }
    }
    return NULL;
}

void monitor_flush_all(int timeout_ms)
{
    gint64 deadline =
        g_get_monotonic_time() + timeout_ms * G_TIME_SPAN_MILLISECOND;

    while (monitors_have_pending_output() &&
           g_get_monotonic_time() < deadline) {
        g_main_context_iteration(NULL, FALSE);
        if (monitors_have_pending_output()) {
            g_usleep(1000);
        }
    }
}
