/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The command line, parsed into a plain description with no side effects.
 * main() acts on it afterwards, so a bad option never leaves anything
 * half-started: nothing is opened, bound or written while parsing.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"
#include "qapi-types.h"

typedef enum CmdlineMonitorKind {
    CMDLINE_MON,        /* -mon chardev=ID,... */
    CMDLINE_QMP,        /* -qmp SPEC */
    CMDLINE_QMP_PRETTY, /* -qmp-pretty SPEC */
    CMDLINE_HMP,        /* -monitor SPEC */
} CmdlineMonitorKind;

typedef struct CmdlineMonitor {
    CmdlineMonitorKind kind;
    char *spec;
} CmdlineMonitor;

/* One machine-configuration option (-M, -smbios, -m, ...), in order. */
typedef struct CmdlineMachineArg {
    char *option; /* without dashes, e.g. "smbios" */
    char *arg;
    JsonNode *fragment; /* its configuration fragment, keyval form */
} CmdlineMachineArg;

/* One -add-fd option: checked by main() in QEMU's order, then applied. */
typedef struct CmdlineAddFd {
    char *arg;
    int64_t fd;  /* -1 when absent */
    int64_t set; /* -1 when absent */
    char *opaque;
} CmdlineAddFd;

/* One -object or -device: its properties, type key included. */
typedef struct CmdlineTypedArg {
    char *arg;
    JsonObject *props;
    bool keyval; /* key=value form: values are strings */
} CmdlineTypedArg;

typedef struct QmpdCmdline {
    char *prog_name;
    bool nodefaults;
    bool start_paused; /* -S */
    bool daemonize;
    bool preconfig;
    bool show_version;
    bool show_help;
    bool exit_with_parent;
    char *pidfile;
    char *name;
    bool machine_help; /* -M help or -M TYPE,help */
    char *machine_help_type;
    bool accel_from_machine; /* some -M set accel */
    bool accel_option;       /* some -accel was given */
    /* The -accel that stays (in machine_args), and whether it can run. */
    CmdlineMachineArg *accel_arg;
    bool accel_usable;
    bool no_reboot;   /* -no-reboot: a guest reboot shuts down */
    bool no_shutdown; /* -no-shutdown: a guest shutdown pauses */
    /* -incoming per channel type: the option's text ("defer" for main)
     * and its channel (NULL for "defer"); a later option replaces. */
    char *incoming[MIGRATION_CHANNEL_TYPE__MAX];
    MigrationChannel *incoming_channel[MIGRATION_CHANNEL_TYPE__MAX];
    char *incoming_config; /* "config:k=v,..." */
    char *qtest;
    char *qtest_log;
    GPtrArray *chardevs;     /* of char *, -chardev specs in order */
    GPtrArray *monitors;     /* of CmdlineMonitor *, in order */
    GPtrArray *machine_args; /* of CmdlineMachineArg *, in order */
    GPtrArray *serials;      /* of char *, -serial in order */
    GPtrArray *add_fds;      /* of CmdlineAddFd *, in order */
    GPtrArray *objects;      /* of CmdlineTypedArg *, -object in order */
    GPtrArray *devices;      /* of CmdlineTypedArg *, -device in order */
    /* Host-local options for the QEMU qmpd starts, as argv words. */
    GPtrArray *host_args;
    /* Some host-local option has an effect only a QEMU can give. */
    bool host_only;
} QmpdCmdline;

void cmdline_free(QmpdCmdline *cl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmpdCmdline, cmdline_free)

/**
 * cmdline_parse:
 * @argv: (transfer none): the NULL-terminated argument vector
 *
 * Recognizes every option (one or two leading dashes) and checks the
 * syntax of their arguments.  An error message has the form
 * "-OPTION ARG: problem" or "-OPTION: problem", ready for the
 * "prog: " prefix.
 *
 * Returns: (transfer full): the parsed command line, or NULL with @errp
 * set.
 */
QmpdCmdline *cmdline_parse(int argc, char **argv, GError **errp);

/*
 * system/cmdline-objects.c: -object, -device and the host-local options
 * (-overcommit, -msg, -audiodev, -sandbox).  The parse functions check
 * syntax only; cmdline_create_object() and cmdline_create_device() act,
 * in main()'s order.
 */
void cmdline_typed_arg_free(gpointer p);
/**
 * cmdline_apply_option:
 * @name: an option's name without dashes ("m", "object", ...)
 * @arg: (nullable): its argument, NULL for options that take none
 *
 * Parses one option into @cl as if it stood on the command line.
 */
bool cmdline_apply_option(QmpdCmdline *cl, const char *name, const char *arg,
                          GError **errp);

/**
 * cmdline_read_config:
 * -readconfig: reads QEMU's configuration file syntax ("[group]" or
 * "[group \"id\"]" sections of 'key = "value"' lines), each section
 * applied as the option its group names.  Errors name "FILE:LINE".
 */
bool cmdline_read_config(QmpdCmdline *cl, const char *path, GError **errp);

bool cmdline_parse_object(QmpdCmdline *cl, const char *arg, GError **errp);
bool cmdline_parse_device(QmpdCmdline *cl, const char *arg, GError **errp);
bool cmdline_parse_overcommit(QmpdCmdline *cl, const char *arg, GError **errp);
bool cmdline_parse_msg(QmpdCmdline *cl, const char *arg, GError **errp);
bool cmdline_parse_audiodev(QmpdCmdline *cl, const char *arg, GError **errp);
bool cmdline_parse_sandbox(QmpdCmdline *cl, const char *arg, GError **errp);

/**
 * cmdline_create_object:
 *
 * Creates the user-creatable object of one -object (object_add_from_json
 * errors); key=value values are read by the property's type.
 */
bool cmdline_create_object(const CmdlineTypedArg *t, GError **errp);

/**
 * cmdline_create_device:
 *
 * Records the ISA serial port of one "-device isa-serial" (keys chardev,
 * id, index); the chardev must exist.
 */
bool cmdline_create_device(const CmdlineTypedArg *t, GError **errp);

/** cmdline_print_help: writes the -help text to stdout. */
void cmdline_print_help(const char *prog_name);

/**
 * cmdline_configure_machine:
 * @warnings: (element-type utf8): deprecation notices are appended here
 *
 * Applies the machine options of @cl (-M and its legacy sugar) to the
 * machine configuration: each option decoded alone (so a type error names
 * its option), all merged in order, decoded once and set, all or nothing.
 * Errors name the option they are about ("-smbios type=1,...: ...").
 */
bool cmdline_configure_machine(const QmpdCmdline *cl, GPtrArray *warnings,
                               GError **errp);
