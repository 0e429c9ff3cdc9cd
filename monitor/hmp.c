/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The human monitor (mode=readline): one command per line, answered in
 * text.  It is a client of the QMP command table: every command runs the
 * QMP command of the same meaning and formats its JSON result, so the two
 * monitors can never disagree.
 *
 * While a guest runs in QEMU, a line that is not about something qmpd
 * owns goes to QEMU's own human monitor through the request router, as
 * human-monitor-command, and QEMU's text is printed as it came; the next
 * line waits for it.
 */

#include "prelude.h"

#include <string.h>

#include "monitor-internal.h"
#include "util/error.h"

#define HMP_PROMPT "(qemu) "
#define HMP_MAX_LINE 4096

typedef struct HmpCommand {
    const char *name;
    const char *args; /* shown by help */
    const char *help;
    void (*fn)(Monitor *mon, char **argv);
    /* answered by qmpd even while a guest runs in QEMU */
    bool owned;
} HmpCommand;

static void hmp_print_error(Monitor *mon, const GError *err)
{
    monitor_printf(mon, "Error: %s\n", err->message);
}

/* Runs a QMP command and prints its error, if any. */
static JsonNode *hmp_qmp(Monitor *mon, const char *name)
{
    g_autoptr(GError) err = NULL;
    JsonNode *ret = monitor_run_command(name, NULL, &err);

    if (ret == NULL) {
        hmp_print_error(mon, err);
    }
    return ret;
}

static void hmp_info_status(Monitor *mon, char **argv)
{
    g_autoptr(JsonNode) ret = hmp_qmp(mon, "query-status");
    JsonObject *obj;
    const char *status;

    if (ret == NULL) {
        return;
    }
    obj = json_node_get_object(ret);
    status = json_object_get_string_member(obj, "status");
    if (json_object_get_boolean_member(obj, "running")) {
        monitor_printf(mon, "VM status: running\n");
    } else if (g_str_equal(status, "paused")) {
        monitor_printf(mon, "VM status: paused\n");
    } else {
        monitor_printf(mon, "VM status: paused (%s)\n", status);
    }
}

static void hmp_info_version(Monitor *mon, char **argv)
{
    g_autoptr(JsonNode) ret = hmp_qmp(mon, "query-version");
    JsonObject *obj, *qemu;

    if (ret == NULL) {
        return;
    }
    obj = json_node_get_object(ret);
    qemu = json_object_get_object_member(obj, "qemu");
    monitor_printf(mon,
                   "%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT
                   " (%s)\n",
                   json_object_get_int_member(qemu, "major"),
                   json_object_get_int_member(qemu, "minor"),
                   json_object_get_int_member(qemu, "micro"),
                   json_object_get_string_member(obj, "package"));
}

static void hmp_info_name(Monitor *mon, char **argv)
{
    g_autoptr(JsonNode) ret = hmp_qmp(mon, "query-name");
    JsonObject *obj;

    if (ret == NULL) {
        return;
    }
    obj = json_node_get_object(ret);
    if (json_object_has_member(obj, "name")) {
        monitor_printf(mon, "%s\n", json_object_get_string_member(obj, "name"));
    }
}

static void hmp_info_uuid(Monitor *mon, char **argv)
{
    g_autoptr(JsonNode) ret = hmp_qmp(mon, "query-uuid");

    if (ret != NULL) {
        monitor_printf(
            mon, "%s\n",
            json_object_get_string_member(json_node_get_object(ret), "UUID"));
    }
}

static void hmp_info_chardev(Monitor *mon, char **argv)
{
    g_autoptr(JsonNode) ret = hmp_qmp(mon, "query-chardev");
    JsonArray *list;

    if (ret == NULL) {
        return;
    }
    list = json_node_get_array(ret);
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *obj = json_array_get_object_element(list, i);

        monitor_printf(mon, "%s: filename=%s\n",
                       json_object_get_string_member(obj, "label"),
                       json_object_get_string_member(obj, "filename"));
    }
}

static void hmp_simple(Monitor *mon, const char *qmp_name)
{
    JsonNode *ret = hmp_qmp(mon, qmp_name);

    if (ret != NULL) {
        json_node_unref(ret);
    }
}

static void hmp_stop(Monitor *mon, char **argv)
{
    hmp_simple(mon, "stop");
}

static void hmp_cont(Monitor *mon, char **argv)
{
    hmp_simple(mon, "cont");
}

static void hmp_quit(Monitor *mon, char **argv)
{
    hmp_simple(mon, "quit");
}

static void hmp_exit_preconfig(Monitor *mon, char **argv)
{
    hmp_simple(mon, "x-exit-preconfig");
}

static void hmp_help(Monitor *mon, char **argv);
static void hmp_info(Monitor *mon, char **argv);

static const HmpCommand hmp_info_commands[] = {
    {"chardev", "", "show the character devices", hmp_info_chardev, true},
    {"name", "", "show the VM name", hmp_info_name},
    {"status", "", "show the current VM status (running|paused)",
     hmp_info_status},
    {"uuid", "", "show the VM UUID", hmp_info_uuid},
    {"version", "", "show the version of qmpd", hmp_info_version},
    {NULL},
};

static const HmpCommand hmp_commands[] = {
    {"cont|c", "", "resume emulation", hmp_cont},
    {"help|?", "[cmd]", "show the help", hmp_help},
    {"info", "[subcommand]", "show various information about the system state",
     hmp_info},
    {"quit|q", "", "quit qmpd", hmp_quit},
    {"stop|s", "", "stop emulation", hmp_stop},
    {"x_exit_preconfig", "", "finish the configuration phase",
     hmp_exit_preconfig, true},
    {NULL},
};

static bool hmp_name_matches(const char *names, const char *word)
{
    g_auto(GStrv) alts = g_strsplit(names, "|", -1);

    for (char **a = alts; *a != NULL; a++) {
        if (g_str_equal(*a, word)) {
            return true;
        }
    }
    return false;
}

static const HmpCommand *hmp_find(const HmpCommand *table, const char *word)
{
    for (const HmpCommand *c = table; c->name != NULL; c++) {
        if (hmp_name_matches(c->name, word)) {
            return c;
        }
    }
    return NULL;
}

static void hmp_help(Monitor *mon, char **argv)
{
    for (const HmpCommand *c = hmp_commands; c->name != NULL; c++) {
        if (argv[1] != NULL && !hmp_name_matches(c->name, argv[1])) {
            continue;
        }
        monitor_printf(mon, "%s %s -- %s\n", c->name, c->args, c->help);
    }
}

static void hmp_info(Monitor *mon, char **argv)
{
    const HmpCommand *c;

    if (argv[1] == NULL) {
        for (c = hmp_info_commands; c->name != NULL; c++) {
            monitor_printf(mon, "info %s -- %s\n", c->name, c->help);
        }
        return;
    }
    c = hmp_find(hmp_info_commands, argv[1]);
    if (c == NULL) {
        monitor_printf(mon, "unknown info command: '%s'\n", argv[1]);
        return;
    }
    c->fn(mon, argv + 1);
}

/* Whether @argv names a command qmpd answers even with a guest in QEMU. */
static bool hmp_owned(const HmpCommand *c, char **argv)
{
    const HmpCommand *sub;

    if (c == NULL || c->fn != hmp_info) {
        return c != NULL && c->owned;
    }
    sub = argv[1] != NULL ? hmp_find(hmp_info_commands, argv[1]) : NULL;
    return sub != NULL && sub->owned;
}

/*
 * Offers @line to the request router (QEMU's human monitor); true when it
 * was taken, and then mon->hmp_waiting stays set until the answer came.
 */
static bool hmp_forward(Monitor *mon, const char *line)
{
    void *opaque;
    const MonitorRequestRouter *router = monitor_request_router(&opaque);
    g_autoptr(JsonNode) req = NULL;
    JsonObject *obj;
    JsonObject *args;
    MonitorPending *pending;

    if (router == NULL) {
        return false;
    }
    obj = json_object_new();
    args = json_object_new();
    json_object_set_string_member(obj, "execute", "human-monitor-command");
    json_object_set_string_member(args, "command-line", line);
    json_object_set_object_member(obj, "arguments", args);
    req = json_node_init_object(json_node_alloc(), obj);
    json_object_unref(obj);

    pending = g_new0(MonitorPending, 1);
    pending->mon = mon;
    pending->session = mon->session;
    mon->hmp_waiting = true;
    if (!router->take("human-monitor-command", req, pending, opaque)) {
        mon->hmp_waiting = false;
        g_free(pending);
        return false;
    }
    return true;
}

/* Runs one line; returns true when it went to QEMU (answer printed later). */
static bool hmp_execute_line(Monitor *mon, const char *line)
{
    g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    const HmpCommand *c;

    for (char **w = words; *w != NULL; w++) {
        if (**w != '\0') {
            g_ptr_array_add(argv, *w);
        }
    }
    if (argv->len == 0) {
        return false;
    }
    g_ptr_array_add(argv, NULL);
    c = hmp_find(hmp_commands, g_ptr_array_index(argv, 0));
    if (!hmp_owned(c, (char **)argv->pdata) && hmp_forward(mon, line)) {
        return true;
    }
    if (c == NULL) {
        monitor_printf(mon, "unknown command: '%s'\n",
                       (char *)g_ptr_array_index(argv, 0));
        return false;
    }
    monitor_set_cur(mon);
    c->fn(mon, (char **)argv->pdata);
    monitor_set_cur(NULL);
    return false;
}

/* Runs the complete lines received so far, one at a time. */
static void hmp_run_input(Monitor *mon)
{
    gsize used = 0;

    if (mon->hmp_running) {
        return; /* an answer came back inside hmp_forward() */
    }
    mon->hmp_running = true;
    while (used < mon->input->len && !mon->hmp_waiting) {
        char ch = mon->input->str[used++];

        if (ch == '\r') {
            continue;
        }
        if (ch != '\n') {
            if (mon->line->len < HMP_MAX_LINE) {
                g_string_append_c(mon->line, ch);
            }
            continue;
        }
        if (!hmp_execute_line(mon, mon->line->str)) {
            monitor_printf(mon, HMP_PROMPT);
        }
        g_string_truncate(mon->line, 0);
    }
    g_string_erase(mon->input, 0, used);
    mon->hmp_running = false;
}

void monitor_hmp_complete(Monitor *mon, JsonNode *reply)
{
    JsonObject *obj = reply != NULL && JSON_NODE_HOLDS_OBJECT(reply)
                          ? json_node_get_object(reply)
                          : NULL;
    JsonNode *ret = obj != NULL ? json_object_get_member(obj, "return") : NULL;
    JsonObject *err = obj != NULL && json_object_has_member(obj, "error")
                          ? json_object_get_object_member(obj, "error")
                          : NULL;

    if (ret != NULL && JSON_NODE_HOLDS_VALUE(ret) &&
        json_node_get_value_type(ret) == G_TYPE_STRING) {
        const char *text = json_node_get_string(ret);

        monitor_write(mon, text, strlen(text));
    } else if (err != NULL) {
        monitor_printf(mon, "Error: %s\n",
                       json_object_get_string_member_with_default(
                           err, "desc", "unknown error"));
    }
    mon->hmp_waiting = false;
    monitor_printf(mon, HMP_PROMPT);
    hmp_run_input(mon);
    if (!mon->hmp_waiting) {
        chardev_accept_input(mon->chr);
    }
}

static gsize monitor_hmp_can_read(void *opaque)
{
    Monitor *mon = opaque;

    /* While QEMU answers a line, later ones wait in the socket. */
    return mon->hmp_waiting ? 0 : HMP_MAX_LINE;
}

static void monitor_hmp_read(void *opaque, const guint8 *buf, gsize len)
{
    Monitor *mon = opaque;

    g_string_append_len(mon->input, (const char *)buf, len);
    hmp_run_input(mon);
}

static void monitor_hmp_event(void *opaque, ChardevEvent event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        mon->connected = true;
        mon->session++;
        mon->hmp_waiting = false;
        g_string_truncate(mon->line, 0);
        g_string_truncate(mon->input, 0);
        monitor_printf(mon, "%s monitor - type 'help' for more information\n",
                       QMPD_PACKAGE);
        monitor_printf(mon, HMP_PROMPT);
        break;
    case CHR_EVENT_CLOSED:
        mon->connected = false;
        mon->session++;
        mon->hmp_waiting = false;
        break;
    }
}

static const ChardevHandlers hmp_handlers = {
    .can_read = monitor_hmp_can_read,
    .read = monitor_hmp_read,
    .event = monitor_hmp_event,
};

bool monitor_hmp_setup(Monitor *mon, GError **errp)
{
    mon->line = g_string_new(NULL);
    mon->input = g_string_new(NULL);
    return chardev_set_handlers(mon->chr, &hmp_handlers, mon, errp);
}

void monitor_hmp_free(Monitor *mon)
{
    if (mon->line != NULL) {
        g_string_free(mon->line, TRUE);
        mon->line = NULL;
    }
    if (mon->input != NULL) {
        g_string_free(mon->input, TRUE);
        mon->input = NULL;
    }
}
