/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * State shared by the QMP and human monitor implementations.
 */

#include "chardev/char.h"
#include "monitor/monitor.h"
#include "prelude.h"
#include "util/json-streamer.h"

struct Monitor {
    MonitorMode mode;
    Chardev *chr;
    bool connected;

    /* QMP only */
    JsonStreamer *streamer;
    bool pretty;
    bool command_mode; /* negotiation finished */
    bool oob_enabled;
    /*
     * Requests wait here, in arrival order, while one taken by the
     * request router is outstanding (QMP answers in order).
     */
    GQueue *queue;       /* of QueuedRequest * */
    bool awaiting_reply; /* a routed request is outstanding */
    bool draining;       /* monitor_qmp_drain() is on the stack */
    guint64 session;     /* bumped at every connection */

    /* human monitor only */
    GString *line;
    GString *input;   /* received bytes not yet run as lines */
    bool hmp_waiting; /* a forwarded line's answer is outstanding */
    bool hmp_running; /* hmp_run_input() is on the stack */
    /*
     * human-monitor-command: a monitor with no chardev whose output is
     * collected here (lines end in CR LF, as QEMU's monitors write them)
     */
    GString *capture;
    int64_t cpu_index; /* the CPU "info cpus" marks; -1: the first */
};

/*
 * One human-monitor command.  @args is the argument synopsis help shows;
 * @min_args/@max_args bound the words after the name; a command with a
 * @sub_table (info) dispatches on its first argument instead.
 */
typedef struct HmpCommand HmpCommand;
struct HmpCommand {
    const char *name; /* "stop|s": alternatives separated by '|' */
    const char *args;
    const char *help;
    void (*fn)(Monitor *mon, char **argv); /* NULL with a sub_table */
    int min_args;
    int max_args;
    /* answered by qmpd even while a guest runs in QEMU */
    bool owned;
    const HmpCommand *sub_table;
};

/* A request taken by the router, until monitor_request_complete(). */
struct MonitorPending {
    Monitor *mon;
    guint64 session;
    JsonNode *id; /* the request's id, or NULL */
    bool oob;
};

/* Registry and globals (monitor.c) */
QmpCommandList *monitor_negotiation_commands(void);
MachineInitPhase monitor_current_phase(void);
void monitor_register(Monitor *mon);
void monitor_set_cur(Monitor *mon);

/* Output (monitor.c) */
void monitor_write(Monitor *mon, const char *text, gsize len);
void monitor_printf(Monitor *mon, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* monitor_set_input_paused() is in force (monitor.c). */
bool monitor_input_paused(void);

/* The request router (monitor.c); NULL when none is installed. */
const MonitorRequestRouter *monitor_request_router(void **ret_opaque);

/* QMP (qmp.c) */
bool monitor_qmp_setup(Monitor *mon, GError **errp);
void monitor_qmp_send(Monitor *mon, JsonNode *msg);
void monitor_qmp_free(Monitor *mon);
void monitor_qmp_drain(Monitor *mon);

/* Human monitor (hmp.c; commands in hmp-cmds.c) */
extern const HmpCommand hmp_commands[];
extern const HmpCommand hmp_info_commands[];
void hmp_help(Monitor *mon, char **argv);
/* Runs one line on @mon without forwarding it (human-monitor-command). */
void monitor_hmp_run_line(Monitor *mon, const char *line);
bool monitor_hmp_setup(Monitor *mon, GError **errp);
void monitor_hmp_free(Monitor *mon);
/* Runs the lines that waited while input was paused, and reads again. */
void monitor_hmp_resume(Monitor *mon);
/* The answer to a line forwarded as human-monitor-command has come. */
void monitor_hmp_complete(Monitor *mon, JsonNode *reply);
JsonNode *monitor_run_command(const char *name, JsonObject *args,
                              GError **errp);
