/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qmpd's main(): act on the parsed command line in a fixed order, run the
 * main loop, and tear everything down.  This is the only place that turns
 * a start-up error into an exit status.
 */

#include "prelude.h"

#include <signal.h>
#include <stdio.h>

#include <glib-unix.h>

#include "chardev/char.h"
#include "monitor/monitor.h"
#include "qapi-commands.h"
#include "system/cmdline.h"
#include "system/machine-init.h"
#include "system/os-posix.h"
#include "system/phase.h"
#include "system/runstate.h"
#include "system/vm-identity.h"
#include "util/error.h"
#include "util/keyval.h"

/* How long queued monitor replies may take to drain at exit. */
#define EXIT_FLUSH_TIMEOUT_MS 2000

static const char *prog_name = "qmpd";

static gboolean on_terminate_signal(gpointer opaque)
{
    int signo = GPOINTER_TO_INT(opaque);

    fprintf(stderr, "%s: terminating on signal %d\n", prog_name, signo);
    qmpd_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
    return G_SOURCE_CONTINUE;
}

static bool configure_machine(const QmpdCmdline *cl, GError **errp)
{
    g_autoptr(JsonObject) merged = json_object_new();

    for (guint i = 0; i < cl->machine_opts->len; i++) {
        const char *spec = g_ptr_array_index(cl->machine_opts, i);
        g_autoptr(GError) err = NULL;
        g_autoptr(JsonNode) tree = keyval_parse(spec, "type", NULL, &err);

        if (tree == NULL ||
            !keyval_merge(merged, json_node_get_object(tree), &err)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "-machine %s: %s",
                        spec, err->message);
            return false;
        }
    }
    /*
     * Machine types and their properties arrive with the machine
     * configuration; until then only the empty machine exists.
     */
    JsonObjectIter iter;
    const char *key;
    JsonNode *value;

    json_object_iter_init(&iter, merged);
    while (json_object_iter_next(&iter, &key, &value)) {
        const char *text =
            JSON_NODE_HOLDS_VALUE(value) ? json_node_get_string(value) : NULL;

        if (g_str_equal(key, "type")) {
            if (text == NULL || !g_str_equal(text, "none")) {
                g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "unsupported machine type: \"%s\"",
                            text ? text : "");
                return false;
            }
        } else if (g_str_equal(key, "accel")) {
            if (text == NULL || !g_str_equal(text, "qtest")) {
                g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "-machine accel=%s: invalid accelerator",
                            text ? text : "");
                return false;
            }
        } else {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Property 'none-machine.%s' not found", key);
            return false;
        }
    }
    for (guint i = 0; i < cl->accels->len; i++) {
        const char *spec = g_ptr_array_index(cl->accels, i);
        g_auto(GStrv) parts = g_strsplit(spec, ",", 2);

        if (!g_str_equal(parts[0], "qtest")) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "-accel %s: invalid accelerator %s", spec, parts[0]);
            return false;
        }
    }
    return true;
}

static bool create_legacy_monitor(const CmdlineMonitor *m, guint index,
                                  GError **errp)
{
    static const char *const option_names[] = {
        [CMDLINE_QMP] = "-qmp",
        [CMDLINE_QMP_PRETTY] = "-qmp-pretty",
        [CMDLINE_HMP] = "-monitor",
    };
    g_autofree char *id = g_strdup_printf("compat_monitor%u", index);
    g_autofree char *existing = NULL;
    g_autoptr(ChardevOptions) copts = NULL;
    g_autoptr(GError) err = NULL;
    MonitorOptions mopts = {
        .mode = m->kind == CMDLINE_HMP ? MONITOR_MODE_READLINE
                                       : MONITOR_MODE_CONTROL,
        .pretty = m->kind == CMDLINE_QMP_PRETTY,
    };

    copts = chardev_options_from_legacy(m->spec, id, &existing, &err);
    if (copts == NULL && err != NULL) {
        goto fail;
    }
    if (copts == NULL && existing == NULL) {
        return true; /* "none" */
    }
    if (copts != NULL && chardev_new(copts, &err) == NULL) {
        goto fail;
    }
    mopts.chardev = existing != NULL ? existing : id;
    if (monitor_new(&mopts, &err) != NULL) {
        return true;
    }
fail:
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "%s %s: %s",
                option_names[m->kind], m->spec, err->message);
    return false;
}

static bool create_monitors(const QmpdCmdline *cl, GError **errp)
{
    guint legacy_index = 0;

    for (guint i = 0; i < cl->monitors->len; i++) {
        const CmdlineMonitor *m = g_ptr_array_index(cl->monitors, i);
        g_autoptr(GError) err = NULL;

        if (m->kind != CMDLINE_MON) {
            if (!create_legacy_monitor(m, legacy_index++, errp)) {
                return false;
            }
            continue;
        }
        g_autoptr(MonitorOptions) mopts = monitor_options_parse(m->spec, &err);
        if (mopts == NULL || monitor_new(mopts, &err) == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "-mon %s: %s",
                        m->spec, err->message);
            return false;
        }
    }
    return true;
}

static bool create_chardevs(const QmpdCmdline *cl, GError **errp)
{
    for (guint i = 0; i < cl->chardevs->len; i++) {
        const char *spec = g_ptr_array_index(cl->chardevs, i);
        g_autoptr(GError) err = NULL;
        g_autoptr(ChardevOptions) opts = chardev_options_parse(spec, &err);

        if (opts == NULL || chardev_new(opts, &err) == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "-chardev %s: %s",
                        spec, err->message);
            return false;
        }
    }
    return true;
}

static bool qmpd_init(const QmpdCmdline *cl, QmpCommandList *cmds,
                      GError **errp)
{
    vm_identity_set_name(cl->name);
    if (cl->uuid != NULL && !vm_identity_set_uuid(cl->uuid, errp)) {
        return false;
    }
    if (!configure_machine(cl, errp)) {
        return false;
    }
    if (cl->qtest != NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "-qtest %s: the qtest accelerator is not available yet",
                    cl->qtest);
        return false;
    }
    if (cl->serials->len > 0) {
        const char *spec = g_ptr_array_index(cl->serials, 0);

        if (!g_str_equal(spec, "none") && !g_str_equal(spec, "null")) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "-serial %s: serial ports are not available yet", spec);
            return false;
        }
    }

    qmp_init_marshal(cmds);
    monitor_init_globals(cmds, phase_get);

    if (!create_chardevs(cl, errp) || !create_monitors(cl, errp)) {
        return false;
    }

    runstate_set_autostart(!cl->start_paused);
    machine_init_enter_configuration(cl->incoming != NULL);
    if (!cl->preconfig && cl->incoming == NULL) {
        return machine_init_complete(errp);
    }
    return true;
}

static void qmpd_cleanup(QmpCommandList *cmds)
{
    monitor_cleanup();
    chardev_remove_all();
    os_pidfile_remove();
    qmp_command_list_free(cmds);
}

int main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(QmpdCmdline) cl = cmdline_parse(argc, argv, &err);
    QmpCommandList *cmds;

    if (cl == NULL) {
        g_autofree char *name = g_path_get_basename(argv[0]);

        fprintf(stderr, "%s: %s\n", name, err->message);
        return 1;
    }
    prog_name = cl->prog_name;
    if (cl->show_help) {
        cmdline_print_help(prog_name);
        return 0;
    }
    if (cl->show_version) {
        printf("%s version %s (QEMU-compatible monitor core)\n", prog_name,
               QMPD_VERSION);
        return 0;
    }

    signal(SIGPIPE, SIG_IGN);
    if (cl->daemonize && !os_daemonize_start(&err)) {
        fprintf(stderr, "%s: -daemonize: %s\n", prog_name, err->message);
        return 1;
    }
    if (cl->exit_with_parent && !os_exit_with_parent(&err)) {
        fprintf(stderr, "%s: -run-with: %s\n", prog_name, err->message);
        os_daemonize_finish(false);
        return 1;
    }

    cmds = qmp_command_list_new();
    if (!qmpd_init(cl, cmds, &err) ||
        (cl->pidfile != NULL && !os_pidfile_create(cl->pidfile, &err))) {
        fprintf(stderr, "%s: %s\n", prog_name, err->message);
        qmpd_cleanup(cmds);
        os_daemonize_finish(false);
        return 1;
    }
    os_daemonize_finish(true);

    g_unix_signal_add(SIGTERM, on_terminate_signal, GINT_TO_POINTER(SIGTERM));
    g_unix_signal_add(SIGINT, on_terminate_signal, GINT_TO_POINTER(SIGINT));
    g_unix_signal_add(SIGHUP, on_terminate_signal, GINT_TO_POINTER(SIGHUP));

    qmpd_main_loop_run();

    monitor_flush_all(EXIT_FLUSH_TIMEOUT_MS);
    qmpd_cleanup(cmds);
    return 0;
}
