/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -readconfig FILE: QEMU's configuration file syntax, read into the same
 * options as the command line.  Each section is one option:
 *
 *     # a comment
 *     [memory]
 *       size = "200"
 *     [object "rng0"]
 *       qom-type = "rng-builtin"
 *
 * becomes "-m size=200" and "-object qom-type=rng-builtin,id=rng0".  The
 * section's keys are gathered and handed to the option's own parser when
 * the section ends, so a file says nothing the command line could not.
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "system/cmdline.h"
#include "util/error.h"

/* Section names (QEMU's option group names) and the option they feed. */
static const struct {
    const char *group;
    const char *option;
} readconfig_groups[] = {
    {"accel", "accel"},   {"boot-opts", "boot"},  {"chardev", "chardev"},
    {"device", "device"}, {"fw_cfg", "fw_cfg"},   {"machine", "machine"},
    {"memory", "m"},      {"mon", "mon"},         {"msg", "msg"},
    {"name", "name"},     {"object", "object"},   {"overcommit", "overcommit"},
    {"rtc", "rtc"},       {"sandbox", "sandbox"}, {"smbios", "smbios"},
    {"smp-opts", "smp"},
};

typedef struct Section {
    const char *option;
    GString *arg; /* key=value,... with commas doubled */
    int line;     /* of the [header] */
} Section;

static const char *readconfig_option(const char *group)
{
    for (gsize i = 0; i < G_N_ELEMENTS(readconfig_groups); i++) {
        if (g_str_equal(readconfig_groups[i].group, group)) {
            return readconfig_groups[i].option;
        }
    }
    return NULL;
}

/* Appends "key=value" in option syntax: a comma in either doubles. */
static void append_pair(GString *arg, const char *key, const char *value)
{
    if (arg->len > 0) {
        g_string_append_c(arg, ',');
    }
    for (const char *p = key; *p; p++) {
        g_string_append_c(arg, *p);
    }
    g_string_append_c(arg, '=');
    for (const char *p = value; *p; p++) {
        if (*p == ',') {
            g_string_append_c(arg, ',');
        }
        g_string_append_c(arg, *p);
    }
}

static bool section_flush(QmpdCmdline *cl, Section *sec, const char *path,
                          GError **errp)
{
    g_autoptr(GError) err = NULL;

    if (sec->option == NULL) {
        return true;
    }
    if (!cmdline_apply_option(cl, sec->option, sec->arg->str, &err)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "%s:%d: %s", path,
                    sec->line, err->message);
        return false;
    }
    sec->option = NULL;
    g_string_truncate(sec->arg, 0);
    return true;
}

/*
 * "[group]" or "[group "id"]".  Returns: false (with @errp) when the
 * header is malformed or names no known group.
 */
static bool parse_header(const char *text, Section *sec, GError **errp)
{
    g_autofree char *inner = NULL;
    const char *close = strrchr(text, ']');
    char *quote;

    if (close == NULL || close[1] != '\0') {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "parse error");
        return false;
    }
    inner = g_strndup(text + 1, (gsize)(close - text - 1));
    quote = strchr(inner, '"');
    if (quote != NULL) {
        char *id = quote + 1;
        char *end = strchr(id, '"');

        if (end == NULL || end[1] != '\0' || quote == inner ||
            quote[-1] != ' ') {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "parse error");
            return false;
        }
        *end = '\0';
        quote[-1] = '\0';
        sec->option = readconfig_option(inner);
        if (sec->option != NULL) {
            append_pair(sec->arg, "id", id);
        }
    } else {
        sec->option = readconfig_option(inner);
    }
    if (sec->option == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "There is no option group '%s'", inner);
        return false;
    }
    return true;
}

/* 'key = "value"'; the value may be empty, never unquoted. */
static bool parse_pair(char *text, Section *sec, GError **errp)
{
    char *eq = strchr(text, '=');
    char *value;
    gsize len;

    if (eq == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "parse error");
        return false;
    }
    *eq = '\0';
    g_strstrip(text);
    value = g_strstrip(eq + 1);
    len = strlen(value);
    if (*text == '\0' || len < 2 || value[0] != '"' || value[len - 1] != '"') {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "parse error");
        return false;
    }
    value[len - 1] = '\0';
    append_pair(sec->arg, text, value + 1);
    return true;
}

bool cmdline_read_config(QmpdCmdline *cl, const char *path, GError **errp)
{
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GString) arg = g_string_new(NULL);
    Section sec = {.arg = arg};
    bool in_section = false;
    int fd;

    /* open() first for QEMU's wording, "Could not open 'F': <errno>". */
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Could not open '%s': %s", path, g_strerror(errno));
        return false;
    }
    close(fd);
    if (!g_file_get_contents(path, &contents, NULL, &err)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Could not read '%s': %s", path, err->message);
        return false;
    }
    lines = g_strsplit(contents, "\n", -1);
    for (int i = 0; lines[i] != NULL; i++) {
        char *line = g_strstrip(lines[i]);
        g_autoptr(GError) lerr = NULL;

        if (*line == '\0' || *line == '#') {
            continue;
        }
        if (*line == '[') {
            if (!section_flush(cl, &sec, path, errp)) {
                return false;
            }
            sec.line = i + 1;
            in_section = parse_header(line, &sec, &lerr);
        } else if (!in_section) {
            g_set_error(&lerr, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "no group defined");
        } else {
            parse_pair(line, &sec, &lerr);
        }
        if (lerr != NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "%s:%d: %s", path,
                        i + 1, lerr->message);
            return false;
        }
    }
    return section_flush(cl, &sec, path, errp);
}
