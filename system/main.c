/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qmpd's main(): act on the parsed command line in a fixed order, run the
 * main loop, and tear everything down.  This is the only place that turns
 * a start-up error into an exit status.
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>

#include "accel/qemu-backend.h"
#include "chardev/char.h"
#include "hw/char/serial-isa.h"
#include "hw/core/machine-board.h"
#include "hw/core/machine-config.h"
#include "hw/core/machine-type.h"
#include "hw/core/machine.h"
#include "hw/i386/pc.h"
#include "hw/i386/x86-cpu.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/rtc/rtc-device.h"
#include "migration/migration-address.h"
#include "migration/migration.h"
#include "monitor/monitor.h"
#include "qapi-commands.h"
#include "qom/object-tree.h"
#include "system/accel.h"
#include "system/cmdline.h"
#include "system/machine-init.h"
#include "system/os-posix.h"
#include "system/phase.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "system/vm-identity.h"
#include "util/cpr-state.h"
#include "util/error.h"
#include "util/fdset.h"
#include "util/report.h"

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
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);

    if (!cmdline_configure_machine(cl, warnings, errp)) {
        return false;
    }
    for (guint i = 0; i < warnings->len; i++) {
        qmpd_warn("%s", (char *)g_ptr_array_index(warnings, i));
    }
    return machine_object_sync(errp) != NULL;
}

/*
 * The accelerator is a configuration member (-accel and -M accel= are
 * its sugar) chosen when the configuration phase ends; QEMU refuses the
 * two spellings together, and so does qmpd.
 */
static bool check_accel_options(const QmpdCmdline *cl, GError **errp)
{
    if (cl->accel_from_machine && cl->accel_option) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The -accel and \"-machine accel=\" options are "
                    "incompatible");
        return false;
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

/* -serial SPEC: a chardev "serialN" per port, attached at machine init. */
static bool create_serial_chardevs(const QmpdCmdline *cl, GError **errp)
{
    for (guint i = 0; i < cl->serials->len; i++) {
        const char *spec = g_ptr_array_index(cl->serials, i);
        g_autofree char *id = g_strdup_printf("serial%u", i);
        g_autofree char *existing = NULL;
        g_autoptr(GError) err = NULL;
        g_autoptr(ChardevOptions) opts =
            chardev_options_from_legacy(spec, id, &existing, &err);

        if (opts == NULL && err != NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "-serial %s: %s",
                        spec, err->message);
            return false;
        }
        if (opts != NULL && chardev_new(opts, &err) == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "-serial %s: %s",
                        spec, err->message);
            return false;
        }
        if (existing != NULL && chardev_find(existing) == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "-serial %s: chardev '%s' not found", spec, existing);
            return false;
        }
        machine_init_add_serial(opts != NULL ? id : existing);
    }
    return true;
}

/* One -add-fd, with QEMU's checks in QEMU's order. */
static bool add_fd_check(const CmdlineAddFd *a, GError **errp)
{
    int flags;

    if (a->fd < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "fd option is required and must be non-negative");
        return false;
    }
    if (a->fd <= STDERR_FILENO) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "fd cannot be a standard I/O stream");
        return false;
    }
    /* Inherited descriptors lack FD_CLOEXEC; qmpd's own all have it. */
    flags = a->fd > G_MAXINT ? -1 : fcntl((int)a->fd, F_GETFD);
    if (flags < 0 || (flags & FD_CLOEXEC)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "fd is not valid or already in use");
        return false;
    }
    if (a->set < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "set option is required and must be non-negative");
        return false;
    }
    return true;
}

/*
 * -add-fd: a close-on-exec duplicate of each inherited descriptor joins
 * its set; the originals are closed once all are in, as QEMU does.
 */
static bool add_fds(const QmpdCmdline *cl, GError **errp)
{
    for (guint i = 0; i < cl->add_fds->len; i++) {
        const CmdlineAddFd *a = g_ptr_array_index(cl->add_fds, i);
        int64_t set_id;
        int dup_fd;

        if (!add_fd_check(a, errp)) {
            g_prefix_error(errp, "-add-fd %s: ", a->arg);
            return false;
        }
        dup_fd = fcntl((int)a->fd, F_DUPFD_CLOEXEC, 0);
        if (dup_fd < 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "-add-fd %s: error duplicating fd: %s", a->arg,
                        g_strerror(errno));
            return false;
        }
        /* Cannot fail: the set id was checked above. */
        fdset_add(dup_fd, true, a->set, a->opaque, &set_id, NULL);
    }
    for (guint i = 0; i < cl->add_fds->len; i++) {
        const CmdlineAddFd *a = g_ptr_array_index(cl->add_fds, i);

        close((int)a->fd);
    }
    return true;
}

/* -object, in order, once descriptors are in their sets. */
static bool create_objects(const QmpdCmdline *cl, GError **errp)
{
    for (guint i = 0; i < cl->objects->len; i++) {
        const CmdlineTypedArg *t = g_ptr_array_index(cl->objects, i);

        if (!cmdline_create_object(t, errp)) {
            g_prefix_error(errp, "-object %s: ", t->arg);
            return false;
        }
    }
    return true;
}

/* -device (isa-serial only), after -serial, whose ports come first. */
static bool create_devices(const QmpdCmdline *cl, GError **errp)
{
    for (guint i = 0; i < cl->devices->len; i++) {
        const CmdlineTypedArg *t = g_ptr_array_index(cl->devices, i);

        if (!cmdline_create_device(t, errp)) {
            g_prefix_error(errp, "-device %s: ", t->arg);
            return false;
        }
    }
    return true;
}

/*
 * Host-local options with an effect (-overcommit mem-lock=on, -sandbox
 * on, -msg timestamp=on...) are QEMU's to apply; the built-in machine
 * has no QEMU, so qmpd refuses them there rather than ignore them.
 */
static bool check_host_options(const QmpdCmdline *cl, GError **errp)
{
    if (cl->host_only && !accel_get_current()->runs_in_qemu) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "-overcommit, -msg and -sandbox settings apply to the "
                    "QEMU that runs the guest; the built-in machine (accel "
                    "qtest) has none: use -accel tcg or kvm");
        return false;
    }
    return true;
}

/*
 * -incoming: the main slot listens (or defers); a cpr slot (cpr-transfer)
 * listens next to it, in the configuration phase, for a source's memory.
 */
static bool start_incoming(const QmpdCmdline *cl, GError **errp)
{
    const char *cpr = cl->incoming[MIGRATION_CHANNEL_TYPE_CPR];
    const char *main_str = cl->incoming[MIGRATION_CHANNEL_TYPE_MAIN];
    const MigrationChannel *cpr_ch =
        cl->incoming_channel[MIGRATION_CHANNEL_TYPE_CPR];

    if (cpr != NULL && main_str == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "-incoming %s: a cpr channel needs a main one (or "
                    "defer)",
                    cpr);
        return false;
    }
    if (cpr_ch != NULL && !migration_cpr_address_check(cpr_ch->addr, errp)) {
        g_prefix_error(errp, "-incoming %s: ", cpr);
        return false;
    }
    if (main_str != NULL &&
        !migration_incoming_start(
            cl->incoming_channel[MIGRATION_CHANNEL_TYPE_MAIN], cpr_ch, errp)) {
        g_prefix_error(errp, "-incoming %s: ", main_str);
        return false;
    }
    return true;
}

static bool qmpd_init(const QmpdCmdline *cl, QmpCommandList *cmds,
                      GError **errp)
{
    const char *incoming = cl->incoming[MIGRATION_CHANNEL_TYPE_MAIN];
    g_autoptr(GError) cpr_err = NULL;
    /* Executed by cpr-exec: the old program's descriptors wait here. */
    bool cpr_exec = cpr_state_load_env(&cpr_err);

    if (cpr_err != NULL) {
        g_propagate_error(errp, g_steal_pointer(&cpr_err));
        return false;
    }
    if (cpr_exec && (incoming != NULL || cl->incoming_config != NULL)) {
        /* The state file is the incoming migration. */
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "%s: a program executed by cpr-exec takes no -incoming",
                    CPR_STATE_ENV);
        return false;
    }

    if (!add_fds(cl, errp) || !create_objects(cl, errp)) {
        return false;
    }
    vm_identity_set_name(cl->name);
    if (!check_accel_options(cl, errp) || !configure_machine(cl, errp) ||
        !machine_init_select_accel(errp) || !check_host_options(cl, errp)) {
        return false;
    }
    machine_init_set_backend_options(&(QemuBackendOptions){
        .start_paused = cl->start_paused,
        .no_reboot = cl->no_reboot,
        .no_shutdown = cl->no_shutdown,
        .name = cl->name,
        .host_args = cl->host_args,
        .exited = qmpd_main_loop_quit,
    });
    qmp_init_marshal(cmds);
    monitor_init_globals(cmds, phase_get);

    if (!create_chardevs(cl, errp)) {
        return false;
    }
    if (!create_serial_chardevs(cl, errp) || !create_devices(cl, errp)) {
        return false;
    }
    if (cl->qtest != NULL &&
        !qtest_server_init(cl->qtest, cl->qtest_log, errp)) {
        g_prefix_error(errp, "-qtest %s: ", cl->qtest);
        return false;
    }
    if (!create_monitors(cl, errp)) {
        return false;
    }

    if (cl->incoming_config != NULL &&
        !migration_set_parameters_from_cmdline(cl->incoming_config, errp)) {
        g_prefix_error(errp, "-incoming %s: ", cl->incoming_config);
        return false;
    }
    runstate_set_autostart(!cl->start_paused);
    machine_init_enter_configuration(incoming != NULL || cpr_exec);
    if (cpr_exec) {
        bool ok = migration_cpr_exec_resume(errp);

        /* What no chardev of this command line took is closed. */
        cpr_state_close_untaken();
        return ok;
    }
    /* Listening starts as soon as the address is known, in this phase. */
    if (!start_incoming(cl, errp)) {
        return false;
    }
    if (!cl->preconfig && incoming == NULL) {
        return machine_init_complete(errp);
    }
    return true;
}

static void qmpd_cleanup(QmpCommandList *cmds)
{
    qemu_backend_stop();
    migration_shutdown();
    qtest_server_cleanup();
    machine_teardown();
    object_root_reset();
    monitor_cleanup();
    chardev_remove_all();
    fdset_remove_all();
    os_pidfile_remove();
    qmp_command_list_free(cmds);
}

/*
 * Every QOM type the daemon has, registered up front so that
 * qom-list-types, qom-list-properties and device-list-properties answer
 * for all of them before any board exists.
 */
static void register_all_types(void)
{
    machine_types_register();
    accel_register_types();
    pc_register_types();
    x86_cpu_register_types();
    rtc_register_types();
    serial_register_types();
    fw_cfg_register_types();
}

int main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(QmpdCmdline) cl = cmdline_parse(argc, argv, &err);
    QmpCommandList *cmds;
    int status;

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
    qmpd_report_set_prog_name(prog_name);
    if (cl->machine_help) {
        g_autoptr(GString) text = g_string_new(NULL);

        if (cl->machine_help_type == NULL ||
            !machine_print_properties(cl->machine_help_type, text, NULL)) {
            machine_type_print_list(text);
        }
        fputs(text->str, stdout);
        return 0;
    }
    if (cl->show_version) {
        printf("%s version %s (QEMU-compatible monitor core, QEMU %d.%d.%d "
               "interfaces)\n",
               prog_name, QMPD_VERSION, QMPD_QEMU_MAJOR, QMPD_QEMU_MINOR,
               QMPD_QEMU_MICRO);
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

    /*
     * The pidfile is what makes an instance the only one for its files:
     * take it before creating anything a second instance could clobber
     * (a listening socket, an output file) and after the fork, since the
     * lock belongs to the process that takes it.
     */
    if (cl->pidfile != NULL && !os_pidfile_create(cl->pidfile, &err)) {
        fprintf(stderr, "%s: -pidfile %s: %s\n", prog_name, cl->pidfile,
                err->message);
        os_daemonize_finish(false);
        return 1;
    }

    register_all_types();
    cmds = qmp_command_list_new();
    if (!qmpd_init(cl, cmds, &err)) {
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
    status = qemu_backend_exit_status();
    qmpd_cleanup(cmds);
    return status;
}
