/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The human monitor (mode=readline): one command per line, answered in
 * text.  This file reads lines, checks arguments and dispatches through
 * the command tables of hmp-cmds.c, where every command runs the QMP
 * command of the same meaning and formats its result, so the two monitors
 * can never disagree.  human-monitor-command runs lines here too, on a
 * monitor that collects the text instead of writing it to a chardev.
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

static void hmp_help_one(Monitor *mon, const char *prefix, const HmpCommand *c)
{
    monitor_printf(mon, "%s%s %s -- %s\n", prefix, c->name, c->args, c->help);
}

static void hmp_help_table(Monitor *mon, const char *prefix,
                           const HmpCommand *table)
{
    for (const HmpCommand *c = table; c->name != NULL; c++) {
        hmp_help_one(mon, prefix, c);
    }
}

/* help [COMMAND [SUBCOMMAND]]: one entry, the info list, or everything. */
void hmp_help(Monitor *mon, char **argv)
{
    const HmpCommand *c, *sub;

    if (argv[1] == NULL) {
        hmp_help_table(mon, "", hmp_commands);
        return;
    }
    c = hmp_find(hmp_commands, argv[1]);
    if (c == NULL) {
        monitor_printf(mon, "unknown command: '%s'\n", argv[1]);
        return;
    }
    if (c->sub_table == NULL) {
        hmp_help_one(mon, "", c);
        return;
    }
    if (argv[2] == NULL) {
        hmp_help_table(mon, "info ", c->sub_table);
        return;
    }
    sub = hmp_find(c->sub_table, argv[2]);
    if (sub == NULL) {
        monitor_printf(mon, "unknown command: '%s %s'\n", argv[1], argv[2]);
        return;
    }
    hmp_help_one(mon, "info ", sub);
}

/*
 * The argument count check, with QEMU's two messages; @what is how the
 * user typed the command ("info status"), @name its last word.
 */
static bool hmp_check_args(Monitor *mon, const HmpCommand *c, char **args,
                           const char *name, const char *what)
{
    int n = (int)g_strv_length(args);

    if (n > c->max_args) {
        monitor_printf(mon, "%s: extraneous characters at the end of line\n",
                       name);
    } else if (n < c->min_args) {
        monitor_printf(mon, "%s: string expected\n", name);
    } else {
        return true;
    }
    monitor_printf(mon, "Try \"help %s\" for more information\n", what);
    return false;
}

/* Runs the command @argv names; NULL-terminated, at least one word. */
static void hmp_dispatch(Monitor *mon, char **argv)
{
    const HmpCommand *c = hmp_find(hmp_commands, argv[0]);
    g_autofree char *what = NULL;

    if (c == NULL) {
        monitor_printf(mon, "unknown command: '%s'\n", argv[0]);
        return;
    }
    if (c->sub_table != NULL && argv[1] != NULL) {
        const HmpCommand *sub = hmp_find(c->sub_table, argv[1]);

        what = g_strdup_printf("%s %s", argv[0], argv[1]);
        if (sub == NULL) {
            monitor_printf(mon, "unknown command: '%s'\n", what);
            return;
        }
        if (hmp_check_args(mon, sub, argv + 2, argv[1], what)) {
            sub->fn(mon, argv + 1);
        }
        return;
    }
    if (c->sub_table != NULL) {
        hmp_help_table(mon, "info ", c->sub_table);
        return;
    }
    if (hmp_check_args(mon, c, argv + 1, argv[0], argv[0])) {
        c->fn(mon, argv);
    }
}

/* Splits @line into words; NULL when it has none. */
static GPtrArray *hmp_split(const char *line, GStrv *ret_words)
{
    g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
    GPtrArray *argv = g_ptr_array_new();

    for (char **w = words; *w != NULL; w++) {
        if (**w != '\0') {
            g_ptr_array_add(argv, *w);
        }
    }
    if (argv->len == 0) {
        g_ptr_array_unref(argv);
        return NULL;
    }
    g_ptr_array_add(argv, NULL);
    *ret_words = g_steal_pointer(&words);
    return argv;
}

/* Whether @argv names a command qmpd answers even with a guest in QEMU. */
static bool hmp_owned(const HmpCommand *c, char **argv)
{
    const HmpCommand *sub;

    if (c == NULL || c->sub_table == NULL) {
        return c != NULL && c->owned;
    }
    sub = argv[1] != NULL ? hmp_find(c->sub_table, argv[1]) : NULL;
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
    g_auto(GStrv) words = NULL;
    g_autoptr(GPtrArray) argv = hmp_split(line, &words);
    char **args;

    if (argv == NULL) {
        return false;
    }
    args = (char **)argv->pdata;
    if (!hmp_owned(hmp_find(hmp_commands, args[0]), args) &&
        hmp_forward(mon, line)) {
        return true;
    }
    monitor_set_cur(mon);
    hmp_dispatch(mon, args);
    monitor_set_cur(NULL);
    return false;
}

void monitor_hmp_run_line(Monitor *mon, const char *line)
{
    g_auto(GStrv) words = NULL;
    g_autoptr(GPtrArray) argv = hmp_split(line, &words);
    Monitor *outer = monitor_cur();

    if (argv == NULL) {
        return;
    }
    monitor_set_cur(mon);
    hmp_dispatch(mon, (char **)argv->pdata);
    monitor_set_cur(outer);
}

/* Runs the complete lines received so far, one at a time. */
static void hmp_run_input(Monitor *mon)
{
    gsize used = 0;

    if (mon->hmp_running) {
        return; /* an answer came back inside hmp_forward() */
    }
    mon->hmp_running = true;
    while (used < mon->input->len && !mon->hmp_waiting &&
           !monitor_input_paused()) {
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
    return mon->hmp_waiting || monitor_input_paused() ? 0 : HMP_MAX_LINE;
}

void monitor_hmp_resume(Monitor *mon)
{
    hmp_run_input(mon);
    if (!mon->hmp_waiting) {
        chardev_accept_input(mon->chr);
    }
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
