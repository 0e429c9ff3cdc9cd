/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * query-command-line-options: the key=value options qmpd's command line
 * parses, under QEMU's option group names, with the parameters qmpd
 * itself accepts (not every parameter QEMU has).
 */

#include "prelude.h"

#include "qapi-commands.h"
#include "util/error.h"

typedef struct CmdlineParam {
    const char *name;
    CommandLineParameterType type;
    const char *help;
} CmdlineParam;

typedef struct CmdlineOptionDesc {
    const char *option; /* QEMU's group name: "smp-opts" for -smp */
    const CmdlineParam *params;
} CmdlineOptionDesc;

#define STR COMMAND_LINE_PARAMETER_TYPE_STRING
#define BOOL COMMAND_LINE_PARAMETER_TYPE_BOOLEAN
#define NUM COMMAND_LINE_PARAMETER_TYPE_NUMBER
#define SIZE COMMAND_LINE_PARAMETER_TYPE_SIZE

/*
 * -machine also takes every member of the configuration with dotted keys
 * (smp.cpus=2, rtc.base=utc); only the flat ones are parameters here.
 */
static const CmdlineParam machine_params[] = {
    {"type", STR, "the machine type"},
    {"cpu", STR, "the CPU model"},
    {"uuid", STR, "the machine UUID"},
    {"kernel", STR, "Linux kernel image booted directly"},
    {"initrd", STR, "initial RAM disk for the kernel"},
    {"append", STR, "kernel command line"},
    {"firmware", STR, "firmware image"},
    {NULL},
};

static const CmdlineParam smp_params[] = {
    {"cpus", NUM},     {"maxcpus", NUM}, {"sockets", NUM}, {"dies", NUM},
    {"clusters", NUM}, {"cores", NUM},   {"threads", NUM}, {NULL},
};

static const CmdlineParam memory_params[] = {
    {"size", SIZE},
    {"slots", NUM},
    {"maxmem", SIZE},
    {NULL},
};

static const CmdlineParam boot_params[] = {
    {"order", STR},       {"once", STR},
    {"menu", BOOL},       {"splash", STR},
    {"splash-time", NUM}, {"reboot-timeout", NUM},
    {"strict", BOOL},     {NULL},
};

static const CmdlineParam rtc_params[] = {
    {"base", STR},
    {"clock", STR},
    {"driftfix", STR},
    {NULL},
};

static const CmdlineParam name_params[] = {
    {"guest", STR, "the name of the guest"},
    {NULL},
};

static const CmdlineParam mon_params[] = {
    {"chardev", STR},
    {"mode", STR},
    {"pretty", BOOL},
    {NULL},
};

static const CmdlineParam chardev_params[] = {
    {"backend", STR}, {"path", STR},  {"host", STR},      {"port", STR},
    {"server", BOOL}, {"wait", BOOL}, {"reconnect", NUM}, {"signal", BOOL},
    {"append", BOOL}, {"size", SIZE}, {"mux", BOOL},      {NULL},
};

static const CmdlineParam fw_cfg_params[] = {
    {"name", STR, "the fw_cfg name of the file"},
    {"file", STR, "a file whose bytes become the fw_cfg file"},
    {"string", STR, "a string that becomes the fw_cfg file"},
    {"gen_id", STR, "a generation-id object"},
    {NULL},
};

static const CmdlineParam add_fd_params[] = {
    {"fd", NUM},
    {"set", NUM},
    {"opaque", STR},
    {NULL},
};

static const CmdlineParam option_rom_params[] = {
    {"romfile", STR},
    {"bootindex", NUM},
    {NULL},
};

static const CmdlineParam semihosting_params[] = {
    {"enable", BOOL},    {"target", STR}, {"chardev", STR},
    {"userspace", BOOL}, {"arg", STR},    {NULL},
};

static const CmdlineParam no_params[] = {{NULL}};

/* Options whose keys depend on a type (-smbios type=N, ...) list none. */
static const CmdlineOptionDesc cmdline_option_descs[] = {
    {"machine", machine_params},
    {"smp-opts", smp_params},
    {"memory", memory_params},
    {"boot-opts", boot_params},
    {"rtc", rtc_params},
    {"name", name_params},
    {"mon", mon_params},
    {"chardev", chardev_params},
    {"fw_cfg", fw_cfg_params},
    {"smbios", no_params},
    {"acpi", no_params},
    {"accel", no_params},
    {"add-fd", add_fd_params},
    {"option-rom", option_rom_params},
    {"semihosting-config", semihosting_params},
};

static CommandLineOptionInfo *option_info_new(const CmdlineOptionDesc *d)
{
    CommandLineOptionInfo *info = g_new0(CommandLineOptionInfo, 1);
    CommandLineParameterInfoList **tail = &info->parameters;

    info->option = g_strdup(d->option);
    for (const CmdlineParam *p = d->params; p->name != NULL; p++) {
        CommandLineParameterInfo *pi = g_new0(CommandLineParameterInfo, 1);

        pi->name = g_strdup(p->name);
        pi->type = p->type;
        pi->help = g_strdup(p->help);
        QAPI_LIST_APPEND(tail, pi);
    }
    return info;
}

CommandLineOptionInfoList *qmp_query_command_line_options(const char *option,
                                                          GError **errp)
{
    CommandLineOptionInfoList *list = NULL;
    CommandLineOptionInfoList **tail = &list;

    for (gsize i = 0; i < G_N_ELEMENTS(cmdline_option_descs); i++) {
        const CmdlineOptionDesc *d = &cmdline_option_descs[i];

        if (option == NULL || g_str_equal(option, d->option)) {
            QAPI_LIST_APPEND(tail, option_info_new(d));
        }
    }
    if (list == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "invalid option name: %s", option);
    }
    return list;
}
