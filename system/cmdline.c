/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command-line parsing: the option table, argument syntax checks and the
 * -help text.  Acting on the options is main()'s job (system/main.c).
 */

#include "prelude.h"

#include <stdio.h>
#include <string.h>

#include "hw/core/machine-config.h"
#include "hw/core/machine-legacy.h"
#include "migration/migration-address.h"
#include "system/cmdline.h"
#include "util/error.h"
#include "util/keyval.h"
#include "util/opts.h"

typedef struct CmdlineOption {
    const char *name;
    const char *arg; /* NULL: takes no argument; else its help name */
    const char *help;
    bool (*handle)(QmpdCmdline *cl, const char *arg, GError **errp);
} CmdlineOption;

static void cmdline_monitor_free(gpointer p)
{
    CmdlineMonitor *m = p;

    g_free(m->spec);
    g_free(m);
}

static void cmdline_machine_arg_free(gpointer p)
{
    CmdlineMachineArg *m = p;

    g_free(m->option);
    g_free(m->arg);
    if (m->fragment != NULL) {
        json_node_unref(m->fragment);
    }
    g_free(m);
}

static void cmdline_add_fd_free(gpointer p)
{
    CmdlineAddFd *a = p;

    g_free(a->arg);
    g_free(a->opaque);
    g_free(a);
}

void cmdline_free(QmpdCmdline *cl)
{
    if (cl == NULL) {
        return;
    }
    g_free(cl->prog_name);
    g_free(cl->pidfile);
    g_free(cl->name);
    g_free(cl->machine_help_type);
    for (int t = 0; t < MIGRATION_CHANNEL_TYPE__MAX; t++) {
        g_free(cl->incoming[t]);
        qapi_free_MigrationChannel(cl->incoming_channel[t]);
    }
    g_free(cl->incoming_config);
    g_free(cl->qtest);
    g_free(cl->qtest_log);
    g_ptr_array_unref(cl->chardevs);
    g_ptr_array_unref(cl->monitors);
    g_ptr_array_unref(cl->machine_args);
    g_ptr_array_unref(cl->serials);
    g_ptr_array_unref(cl->add_fds);
    g_ptr_array_unref(cl->objects);
    g_ptr_array_unref(cl->devices);
    g_ptr_array_unref(cl->host_args);
    g_free(cl);
}

static void replace_string(char **slot, const char *value)
{
    g_free(*slot);
    *slot = g_strdup(value);
}

static bool add_monitor(QmpdCmdline *cl, CmdlineMonitorKind kind,
                        const char *spec)
{
    CmdlineMonitor *m = g_new0(CmdlineMonitor, 1);

    m->kind = kind;
    m->spec = g_strdup(spec);
    g_ptr_array_add(cl->monitors, m);
    return true;
}

static bool opt_nodefaults(QmpdCmdline *cl, const char *arg, GError **errp)
{
    cl->nodefaults = true;
    return true;
}

static bool opt_S(QmpdCmdline *cl, const char *arg, GError **errp)
{
    cl->start_paused = true;
    return true;
}

static bool opt_daemonize(QmpdCmdline *cl, const char *arg, GError **errp)
{
    cl->daemonize = true;
    return true;
}

static bool opt_preconfig(QmpdCmdline *cl, const char *arg, GError **errp)
{
    cl->preconfig = true;
    return true;
}

static bool opt_version(QmpdCmdline *cl, const char *arg, GError **errp)
{
    cl->show_version = true;
    return true;
}

static bool opt_help(QmpdCmdline *cl, const char *arg, GError **errp)
{
    cl->show_help = true;
    return true;
}

static bool opt_chardev(QmpdCmdline *cl, const char *arg, GError **errp)
{
    /* Full validation needs the chardev layer; main() does it in order. */
    g_ptr_array_add(cl->chardevs, g_strdup(arg));
    return true;
}

static bool opt_mon(QmpdCmdline *cl, const char *arg, GError **errp)
{
    return add_monitor(cl, CMDLINE_MON, arg);
}

static bool opt_qmp(QmpdCmdline *cl, const char *arg, GError **errp)
{
    return add_monitor(cl, CMDLINE_QMP, arg);
}

static bool opt_qmp_pretty(QmpdCmdline *cl, const char *arg, GError **errp)
{
    return add_monitor(cl, CMDLINE_QMP_PRETTY, arg);
}

static bool opt_monitor(QmpdCmdline *cl, const char *arg, GError **errp)
{
    return add_monitor(cl, CMDLINE_HMP, arg);
}

static bool opt_serial(QmpdCmdline *cl, const char *arg, GError **errp)
{
    g_ptr_array_add(cl->serials, g_strdup(arg));
    return true;
}

static bool opt_name(QmpdCmdline *cl, const char *arg, GError **errp)
{
    static const char *const keys[] = {"guest", "process", "debug-threads",
                                       NULL};
    g_autoptr(Opts) opts = opts_parse(arg, "guest", errp);

    if (opts == NULL || !opts_check_keys(opts, keys, errp)) {
        return false;
    }
    replace_string(&cl->name, opts_get(opts, "guest"));
    return true;
}

static bool opt_pidfile(QmpdCmdline *cl, const char *arg, GError **errp)
{
    replace_string(&cl->pidfile, arg);
    return true;
}

static bool opt_display(QmpdCmdline *cl, const char *arg, GError **errp)
{
    g_autoptr(Opts) opts = opts_parse(arg, "type", errp);
    const char *type;

    if (opts == NULL) {
        return false;
    }
    type = opts_get(opts, "type");
    if (type == NULL || !g_str_equal(type, "none")) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Display '%s' is not available", type ? type : "");
        return false;
    }
    return true;
}

static bool opt_audio(QmpdCmdline *cl, const char *arg, GError **errp)
{
    g_autoptr(Opts) opts = opts_parse(arg, "driver", errp);
    const char *driver;

    if (opts == NULL) {
        return false;
    }
    driver = opts_get(opts, "driver");
    if (driver == NULL || !g_str_equal(driver, "none")) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Audio driver '%s' is not available", driver ? driver : "");
        return false;
    }
    return true;
}

/*
 * -incoming URI|defer|CHANNEL starts (or defers) the incoming migration;
 * a channel (JSON or keyval) fills the slot of its type, replacing an
 * earlier option's.  The config:k=v form sets migration parameters and
 * may be given once.
 */
static bool opt_incoming(QmpdCmdline *cl, const char *arg, GError **errp)
{
    MigrationChannelType type = MIGRATION_CHANNEL_TYPE_MAIN;
    MigrationChannel *ch = NULL;

    if (g_str_has_prefix(arg, "config:")) {
        if (cl->incoming_config != NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "only one -incoming config: option is allowed");
            return false;
        }
        cl->incoming_config = g_strdup(arg);
        return true;
    }
    if (!g_str_equal(arg, "defer")) {
        ch = migration_channel_from_option(arg, errp);
        if (ch == NULL) {
            return false;
        }
        type = ch->channel_type;
    }
    replace_string(&cl->incoming[type], arg);
    qapi_free_MigrationChannel(cl->incoming_channel[type]);
    cl->incoming_channel[type] = ch;
    return true;
}

/*
 * -add-fd fd=N,set=S[,opaque=STR]: only the syntax here, as QemuOpts
 * checks it while parsing; the range checks come later, in QEMU's order.
 */
static bool opt_add_fd(QmpdCmdline *cl, const char *arg, GError **errp)
{
    static const char *const keys[] = {"fd", "set", "opaque", NULL};
    g_autoptr(Opts) opts = opts_parse(arg, NULL, errp);
    CmdlineAddFd *a;
    uint64_t fd, set;

    if (opts == NULL || !opts_check_keys(opts, keys, errp) ||
        !opts_get_number(opts, "fd", UINT64_MAX, &fd, errp) ||
        !opts_get_number(opts, "set", UINT64_MAX, &set, errp)) {
        return false;
    }
    a = g_new0(CmdlineAddFd, 1);
    a->arg = g_strdup(arg);
    /* Absent reads as -1 (QEMU's default), like anything above INT64_MAX. */
    a->fd = fd > G_MAXINT64 ? -1 : (int64_t)fd;
    a->set = set > G_MAXINT64 ? -1 : (int64_t)set;
    a->opaque = g_strdup(opts_get(opts, "opaque"));
    g_ptr_array_add(cl->add_fds, a);
    return true;
}

static bool add_machine_arg(QmpdCmdline *cl, const char *option,
                            const char *arg, GError **errp)
{
    CmdlineMachineArg *m;
    bool help = false;
    JsonNode *fragment = machine_legacy_to_keyval(option, arg, &help, errp);

    if (fragment == NULL) {
        return false;
    }
    if (help) {
        JsonObject *obj = json_node_get_object(fragment);

        cl->machine_help = true;
        g_free(cl->machine_help_type);
        cl->machine_help_type =
            json_object_has_member(obj, "type")
                ? g_strdup(json_object_get_string_member(obj, "type"))
                : NULL;
        json_node_unref(fragment);
        return true;
    }
    m = g_new0(CmdlineMachineArg, 1);
    m->option = g_strdup(option);
    m->arg = g_strdup(arg);
    m->fragment = fragment;
    g_ptr_array_add(cl->machine_args, m);
    return true;
}

static bool machine_option(QmpdCmdline *cl, const char *option, const char *arg,
                           GError **errp)
{
    g_autoptr(JsonNode) tree = keyval_parse(arg, "type", NULL, NULL);

    /* QEMU refuses -accel together with -machine accel=. */
    if (tree != NULL &&
        json_object_has_member(json_node_get_object(tree), "accel")) {
        cl->accel_from_machine = true;
    }
    return add_machine_arg(cl, option, arg, errp);
}

static bool opt_machine(QmpdCmdline *cl, const char *arg, GError **errp)
{
    return machine_option(cl, "machine", arg, errp);
}

static bool opt_M(QmpdCmdline *cl, const char *arg, GError **errp)
{
    return machine_option(cl, "M", arg, errp);
}

#define MACHINE_OPTION(fn, name)                                    \
    static bool fn(QmpdCmdline *cl, const char *arg, GError **errp) \
    {                                                               \
        return add_machine_arg(cl, name, arg, errp);                \
    }

MACHINE_OPTION(opt_smbios, "smbios")
MACHINE_OPTION(opt_rtc, "rtc")
MACHINE_OPTION(opt_fw_cfg, "fw_cfg")
MACHINE_OPTION(opt_acpitable, "acpitable")
MACHINE_OPTION(opt_semihosting_config, "semihosting-config")
MACHINE_OPTION(opt_memory, "m")
MACHINE_OPTION(opt_smp, "smp")
MACHINE_OPTION(opt_boot, "boot")
MACHINE_OPTION(opt_uuid, "uuid")
MACHINE_OPTION(opt_cpu, "cpu")
MACHINE_OPTION(opt_kernel, "kernel")
MACHINE_OPTION(opt_initrd, "initrd")
MACHINE_OPTION(opt_append, "append")
MACHINE_OPTION(opt_bios, "bios")
MACHINE_OPTION(opt_option_rom, "option-rom")

static bool opt_no_reboot(QmpdCmdline *cl, const char *arg, GError **errp)
{
    cl->no_reboot = true;
    return true;
}

static bool opt_no_shutdown(QmpdCmdline *cl, const char *arg, GError **errp)
{
    cl->no_shutdown = true;
    return true;
}

static bool opt_semihosting(QmpdCmdline *cl, const char *arg, GError **errp)
{
    return add_machine_arg(cl, "semihosting-config", "enable=on", errp);
}

/* The accelerator type a machine argument's fragment names, if any. */
static const char *machine_arg_accel(const CmdlineMachineArg *m)
{
    JsonObject *root = json_node_get_object(m->fragment);
    JsonObject *accel = json_object_has_member(root, "accel")
                            ? json_object_get_object_member(root, "accel")
                            : NULL;

    return accel != NULL
               ? json_object_get_string_member_with_default(accel, "type", NULL)
               : NULL;
}

/*
 * -accel may be repeated; QEMU tries them in order and keeps the first
 * that initializes.  qmpd decides here: of all -accel options only the
 * first usable one stays (machine_legacy_accel_usable()), or the first
 * of all when none is, so that its failure is the one reported.  Each is
 * still checked for syntax.
 */
static bool opt_accel(QmpdCmdline *cl, const char *arg, GError **errp)
{
    CmdlineMachineArg *added;
    const char *type;

    if (!add_machine_arg(cl, "accel", arg, errp)) {
        return false;
    }
    added = g_ptr_array_index(cl->machine_args, cl->machine_args->len - 1);
    type = machine_arg_accel(added);
    if (cl->accel_arg != NULL) {
        if (cl->accel_usable || type == NULL ||
            !machine_legacy_accel_usable(type)) {
            g_ptr_array_remove_index(cl->machine_args,
                                     cl->machine_args->len - 1);
            return true;
        }
        g_ptr_array_remove(cl->machine_args, cl->accel_arg);
    }
    cl->accel_option = true;
    cl->accel_arg = added;
    cl->accel_usable = type != NULL && machine_legacy_accel_usable(type);
    return true;
}

/* Nothing to skip: qmpd reads no configuration file of its own. */
static bool opt_no_user_config(QmpdCmdline *cl, const char *arg, GError **errp)
{
    return true;
}

/*
 * -nographic: QEMU's "no display, serial and monitor on stdio" applies
 * only to the default devices, which qmpd never creates (it behaves as if
 * -nodefaults were always given, the way libvirt runs QEMU); what stays is
 * "no display", which is all qmpd has and what the hand-off passes on.
 */
static bool opt_nographic(QmpdCmdline *cl, const char *arg, GError **errp)
{
    return true;
}

/* -vga none: qmpd's machines have no graphics card to leave out. */
static bool opt_vga(QmpdCmdline *cl, const char *arg, GError **errp)
{
    if (!g_str_equal(arg, "none")) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "VGA card '%s' is not available (qmpd has no display "
                    "devices; use -vga none)",
                    arg);
        return false;
    }
    return true;
}

static bool opt_qtest(QmpdCmdline *cl, const char *arg, GError **errp)
{
    replace_string(&cl->qtest, arg);
    return true;
}

static bool opt_qtest_log(QmpdCmdline *cl, const char *arg, GError **errp)
{
    replace_string(&cl->qtest_log, arg);
    return true;
}

static bool opt_readconfig(QmpdCmdline *cl, const char *arg, GError **errp)
{
    return cmdline_read_config(cl, arg, errp);
}

static bool opt_run_with(QmpdCmdline *cl, const char *arg, GError **errp)
{
    static const char *const keys[] = {"exit-with-parent", NULL};
    g_autoptr(Opts) opts = opts_parse(arg, NULL, errp);

    if (opts == NULL || !opts_check_keys(opts, keys, errp)) {
        return false;
    }
    return opts_get_bool(opts, "exit-with-parent", false, &cl->exit_with_parent,
                         errp);
}

static const CmdlineOption cmdline_options[] = {
    {"accel", "qtest|tcg|kvm[,thread=single|multi]",
     "select an accelerator (sugar for -M accel.*)", opt_accel},
    {"acpitable", "[data=]FILE[:FILE]|file=FILE[,sig=,rev=,oem_id=,...]",
     "add a user ACPI table (sugar for -M acpitable.N.*)", opt_acpitable},
    {"add-fd", "fd=N,set=SET[,opaque=TEXT]",
     "add inherited descriptor N to fd set SET", opt_add_fd},
    {"append", "CMDLINE", "kernel command line (sugar for -M append=)",
     opt_append},
    {"audio", "none", "audio backend (only 'none')", opt_audio},
    {"audiodev", "[driver=]none,id=ID|JSON",
     "audio backend (only 'none'; passed to QEMU)", cmdline_parse_audiodev},
    {"bios", "FILE", "firmware image (sugar for -M firmware=)", opt_bios},
    {"boot", "[order=]DRIVES[,once=,menu=on|off,...]",
     "boot settings (sugar for -M boot.*)", opt_boot},
    {"chardev", "BACKEND,id=ID[,...]", "create a character device",
     opt_chardev},
    {"cpu", "MODEL[,FEATURES]", "CPU model (sugar for -M cpu=)", opt_cpu},
    {"daemonize", NULL, "detach once initialization succeeded", opt_daemonize},
    {"device", "[driver=]isa-serial[,chardev=ID,id=ID,index=N]|JSON",
     "add a device (only isa-serial: an ISA serial port)",
     cmdline_parse_device},
    {"display", "none", "display backend (only 'none')", opt_display},
    {"fw_cfg", "[name=]NAME,string=STR|file=FILE",
     "add a fw_cfg file (sugar for -M fw-cfg.N.*)", opt_fw_cfg},
    {"h", NULL, "show this help", opt_help},
    {"help", NULL, "show this help", opt_help},
    {"initrd", "FILE", "initial RAM disk (sugar for -M initrd=)", opt_initrd},
    {"incoming", "URI|defer|CHANNEL|config:KEY=VALUE,...",
     "wait for an incoming migration (or set its parameters)", opt_incoming},
    {"kernel", "FILE", "boot a Linux kernel (sugar for -M kernel=)",
     opt_kernel},
    {"m", "[size=]SIZE[,slots=N,maxmem=SIZE]",
     "guest RAM; a bare number is MiB (sugar for -M memory.*)", opt_memory},
    {"M", "TYPE[,prop=value]", "same as -machine", opt_M},
    {"machine", "[type=]TYPE[,prop=value]", "select and configure the machine",
     opt_machine},
    {"mon", "[chardev=]ID[,mode=control|readline][,pretty=on]",
     "attach a monitor to a chardev", opt_mon},
    {"monitor", "SPEC", "human monitor on SPEC (e.g. stdio)", opt_monitor},
    {"msg", "timestamp=on|off[,guest-name=on|off]",
     "QEMU's message format (passed to QEMU)", cmdline_parse_msg},
    {"name", "[guest=]NAME", "name the virtual machine", opt_name},
    {"no-reboot", NULL, "exit instead of rebooting (QEMU guests)",
     opt_no_reboot},
    {"no-shutdown", NULL, "pause instead of exiting at guest shutdown",
     opt_no_shutdown},
    {"no-user-config", NULL, "read no user configuration (qmpd reads none)",
     opt_no_user_config},
    {"nodefaults", NULL, "create no default devices", opt_nodefaults},
    {"nographic", NULL, "no display (qmpd never has one)", opt_nographic},
    {"object", "[qom-type=]TYPE,id=ID[,prop=value]|JSON",
     "create a user-creatable object (as object-add)", cmdline_parse_object},
    {"option-rom", "FILE[,bootindex=N]",
     "add an option ROM (sugar for -M option-rom.N.*)", opt_option_rom},
    {"overcommit", "mem-lock=on|off[,cpu-pm=on|off]",
     "host memory and CPU settings (passed to QEMU)", cmdline_parse_overcommit},
    {"pidfile", "FILE", "write the process id to FILE", opt_pidfile},
    {"preconfig", NULL, "stop in the configuration phase", opt_preconfig},
    {"qmp", "SPEC", "QMP monitor on SPEC (e.g. unix:PATH,server=on)", opt_qmp},
    {"qmp-pretty", "SPEC", "QMP monitor with pretty-printed JSON",
     opt_qmp_pretty},
    {"qtest", "SPEC", "qtest protocol on SPEC", opt_qtest},
    {"qtest-log", "FILE", "log the qtest protocol to FILE", opt_qtest_log},
    {"readconfig", "FILE", "read options from a QEMU configuration file",
     opt_readconfig},
    {"rtc", "base=utc|localtime|DATE[,clock=host|rt|vm][,driftfix=none|slew]",
     "real-time clock (sugar for -M rtc.*)", opt_rtc},
    {"run-with", "exit-with-parent=on|off", "process behaviour", opt_run_with},
    {"S", NULL, "do not start the machine until 'cont'", opt_S},
    {"sandbox", "on|off[,obsolete=,elevateprivileges=,spawn=,...]",
     "seccomp filter for QEMU (passed to QEMU; qmpd installs none)",
     cmdline_parse_sandbox},
    {"semihosting", NULL, "enable semihosting", opt_semihosting},
    {"semihosting-config",
     "[enable=]on|off[,target=native|gdb|auto,chardev=ID,arg=STR...]",
     "semihosting (sugar for -M semihosting-config.*)", opt_semihosting_config},
    {"serial", "SPEC", "serial port on SPEC", opt_serial},
    {"smbios", "type=N,KEY=VALUE...|file=FILE",
     "SMBIOS fields or tables (sugar for -M smbios.*)", opt_smbios},
    {"smp", "[cpus=]N[,maxcpus=,sockets=,dies=,cores=,threads=]",
     "CPU topology (sugar for -M smp.*)", opt_smp},
    {"uuid", "UUID", "set the machine UUID", opt_uuid},
    {"version", NULL, "print the version and exit", opt_version},
    {"vga", "none", "graphics card (only 'none')", opt_vga},
};

static const CmdlineOption *cmdline_find(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(cmdline_options); i++) {
        if (g_str_equal(cmdline_options[i].name, name)) {
            return &cmdline_options[i];
        }
    }
    return NULL;
}

bool cmdline_apply_option(QmpdCmdline *cl, const char *name, const char *arg,
                          GError **errp)
{
    const CmdlineOption *opt = cmdline_find(name);

    g_return_val_if_fail(opt != NULL && (opt->arg == NULL) == (arg == NULL),
                         false);
    return opt->handle(cl, arg, errp);
}

QmpdCmdline *cmdline_parse(int argc, char **argv, GError **errp)
{
    g_autoptr(QmpdCmdline) cl = g_new0(QmpdCmdline, 1);

    cl->prog_name = g_path_get_basename(argc > 0 ? argv[0] : "qmpd");
    cl->chardevs = g_ptr_array_new_with_free_func(g_free);
    cl->monitors = g_ptr_array_new_with_free_func(cmdline_monitor_free);
    cl->machine_args = g_ptr_array_new_with_free_func(cmdline_machine_arg_free);
    cl->serials = g_ptr_array_new_with_free_func(g_free);
    cl->add_fds = g_ptr_array_new_with_free_func(cmdline_add_fd_free);
    cl->objects = g_ptr_array_new_with_free_func(cmdline_typed_arg_free);
    cl->devices = g_ptr_array_new_with_free_func(cmdline_typed_arg_free);
    cl->host_args = g_ptr_array_new_with_free_func(g_free);

    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];
        const char *name = word;
        const CmdlineOption *opt;
        const char *arg = NULL;
        g_autoptr(GError) err = NULL;

        if (word[0] != '-') {
            /* QEMU treats a bare word as a disk image; qmpd has none. */
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "%s: unexpected argument (disk images are not "
                        "supported)",
                        word);
            return NULL;
        }
        name = word + 1;
        if (name[0] == '-') {
            name++;
        }
        opt = cmdline_find(name);
        if (opt == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "%s: invalid option", word);
            return NULL;
        }
        if (opt->arg != NULL) {
            if (i + 1 >= argc) {
                g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "%s: requires an argument", word);
                return NULL;
            }
            arg = argv[++i];
        }
        if (!opt->handle(cl, arg, &err)) {
            if (arg != NULL) {
                g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "%s %s: %s",
                            word, arg, err->message);
            } else {
                g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "%s: %s",
                            word, err->message);
            }
            return NULL;
        }
    }
    return g_steal_pointer(&cl);
}

void cmdline_print_help(const char *prog_name)
{
    printf("%s - a QMP-first virtual machine monitor core\n"
           "usage: %s [options]\n\n",
           QMPD_PACKAGE, prog_name);
    for (gsize i = 0; i < G_N_ELEMENTS(cmdline_options); i++) {
        const CmdlineOption *o = &cmdline_options[i];
        g_autofree char *left = g_strdup_printf(
            "-%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");

        printf("  %-50s %s\n", left, o->help);
    }
    printf("\nDocumentation: docs/system/ in the source tree.\n");
}

/*
 * The option a configuration error is about: the last one that set the
 * top-level member the error's path starts with.
 */
static const CmdlineMachineArg *machine_arg_for_error(const QmpdCmdline *cl,
                                                      const char *message)
{
    gsize len = strcspn(message, ".[: ");
    g_autofree char *member = g_strndup(message, len);

    for (guint i = cl->machine_args->len; i-- > 0;) {
        const CmdlineMachineArg *m = g_ptr_array_index(cl->machine_args, i);

        if (json_object_has_member(json_node_get_object(m->fragment), member)) {
            return m;
        }
    }
    return NULL;
}

bool cmdline_configure_machine(const QmpdCmdline *cl, GPtrArray *warnings,
                               GError **errp)
{
    g_autoptr(JsonNode) merged = json_node_new(JSON_NODE_OBJECT);
    g_autoptr(MachineProperties) cfg = NULL;
    g_autoptr(GError) err = NULL;
    const CmdlineMachineArg *culprit;

    json_node_take_object(merged, json_object_new());
    for (guint i = 0; i < cl->machine_args->len; i++) {
        const CmdlineMachineArg *m = g_ptr_array_index(cl->machine_args, i);
        g_autoptr(MachineProperties) part =
            machine_config_from_json(m->fragment, true, &err);

        /* Decoding each option alone pins type errors to their option. */
        if (part == NULL ||
            !keyval_merge(json_node_get_object(merged),
                          json_node_get_object(m->fragment), &err)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "-%s %s: %s",
                        m->option, m->arg, err->message);
            return false;
        }
    }
    cfg = machine_config_from_json(merged, true, &err);
    if (cfg == NULL || !machine_config_set(cfg, warnings, &err)) {
        culprit = machine_arg_for_error(cl, err->message);
        if (culprit != NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "-%s %s: %s",
                        culprit->option, culprit->arg, err->message);
        } else {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "machine configuration: %s", err->message);
        }
        return false;
    }
    return true;
}
