/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command-line options that create things by type (-object, -device)
 * and the host-local run options qmpd passes through to the QEMU it
 * starts (-overcommit, -msg, -audiodev, -sandbox).  Parsing only: main()
 * acts on the result (system/main.c); docs/system/command-line.md has
 * the rules.
 */

#include "prelude.h"

#include <string.h>

#include "hw/char/serial-isa.h"
#include "qom/user-creatable.h"
#include "system/cmdline.h"
#include "util/error.h"
#include "util/keyval.h"
#include "util/opts.h"

void cmdline_typed_arg_free(gpointer p)
{
    CmdlineTypedArg *t = p;

    g_free(t->arg);
    if (t->props != NULL) {
        json_object_unref(t->props);
    }
    g_free(t);
}

/*
 * JSON ("{...}") or key=value with @type_key implied first; the type
 * key must name a string.
 */
static CmdlineTypedArg *typed_arg_parse(const char *arg, const char *type_key,
                                        GError **errp)
{
    g_autoptr(JsonNode) tree = NULL;
    CmdlineTypedArg *t;
    JsonNode *type;

    if (arg[0] == '{') {
        g_autoptr(JsonParser) parser = json_parser_new_immutable();
        g_autoptr(GError) err = NULL;

        if (!json_parser_load_from_data(parser, arg, -1, &err)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "%s",
                        err->message);
            return NULL;
        }
        tree = json_node_copy(json_parser_get_root(parser));
        if (!JSON_NODE_HOLDS_OBJECT(tree)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "JSON argument must be an object");
            return NULL;
        }
    } else {
        tree = keyval_parse(arg, type_key, NULL, errp);
        if (tree == NULL) {
            return NULL;
        }
    }
    type = json_object_get_member(json_node_get_object(tree), type_key);
    if (type == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter '%s' is missing", type_key);
        return NULL;
    }
    if (!JSON_NODE_HOLDS_VALUE(type) ||
        json_node_get_value_type(type) != G_TYPE_STRING) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: string",
                    type_key);
        return NULL;
    }
    t = g_new0(CmdlineTypedArg, 1);
    t->arg = g_strdup(arg);
    t->props = json_object_ref(json_node_get_object(tree));
    t->keyval = arg[0] != '{';
    return t;
}

bool cmdline_parse_object(QmpdCmdline *cl, const char *arg, GError **errp)
{
    CmdlineTypedArg *t = typed_arg_parse(arg, "qom-type", errp);

    if (t == NULL) {
        return false;
    }
    g_ptr_array_add(cl->objects, t);
    return true;
}

bool cmdline_parse_device(QmpdCmdline *cl, const char *arg, GError **errp)
{
    CmdlineTypedArg *t = typed_arg_parse(arg, "driver", errp);
    const char *driver;

    if (t == NULL) {
        return false;
    }
    driver = json_object_get_string_member(t->props, "driver");
    if (!g_str_equal(driver, TYPE_ISA_SERIAL)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "'%s' is not a valid device model name (qmpd's -device "
                    "creates only isa-serial)",
                    driver);
        cmdline_typed_arg_free(t);
        return false;
    }
    g_ptr_array_add(cl->devices, t);
    return true;
}

/* ---- host-local options, passed through to QEMU ---- */

static void add_host_arg(QmpdCmdline *cl, const char *option, const char *arg)
{
    g_ptr_array_add(cl->host_args, g_strdup(option));
    g_ptr_array_add(cl->host_args, g_strdup(arg));
}

bool cmdline_parse_overcommit(QmpdCmdline *cl, const char *arg, GError **errp)
{
    static const char *const keys[] = {"mem-lock", "cpu-pm", NULL};
    g_autoptr(Opts) opts = opts_parse(arg, NULL, errp);
    bool mem_lock, cpu_pm;

    if (opts == NULL || !opts_check_keys(opts, keys, errp) ||
        !opts_get_bool(opts, "mem-lock", false, &mem_lock, errp) ||
        !opts_get_bool(opts, "cpu-pm", false, &cpu_pm, errp)) {
        return false;
    }
    cl->host_only |= mem_lock || cpu_pm;
    add_host_arg(cl, "-overcommit", arg);
    return true;
}

bool cmdline_parse_msg(QmpdCmdline *cl, const char *arg, GError **errp)
{
    static const char *const keys[] = {"timestamp", "guest-name", NULL};
    g_autoptr(Opts) opts = opts_parse(arg, NULL, errp);
    bool timestamp, guest_name;

    if (opts == NULL || !opts_check_keys(opts, keys, errp) ||
        !opts_get_bool(opts, "timestamp", false, &timestamp, errp) ||
        !opts_get_bool(opts, "guest-name", false, &guest_name, errp)) {
        return false;
    }
    cl->host_only |= timestamp || guest_name;
    add_host_arg(cl, "-msg", arg);
    return true;
}

/* Only the "none" driver: the guest gets no sound, in qmpd as in QEMU. */
bool cmdline_parse_audiodev(QmpdCmdline *cl, const char *arg, GError **errp)
{
    g_autoptr(GError) err = NULL;
    CmdlineTypedArg *t = typed_arg_parse(arg, "driver", &err);
    g_autoptr(GList) names = NULL;
    const char *driver;
    JsonNode *id;

    if (t == NULL) {
        g_propagate_error(errp, g_steal_pointer(&err));
        return false;
    }
    driver = json_object_get_string_member(t->props, "driver");
    id = json_object_get_member(t->props, "id");
    names = json_object_get_members(t->props);
    for (GList *l = names; l != NULL && err == NULL; l = l->next) {
        if (!g_str_equal(l->data, "driver") && !g_str_equal(l->data, "id")) {
            g_set_error(&err, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Parameter '%s' is unexpected (qmpd passes on only "
                        "id and driver)",
                        (const char *)l->data);
        }
    }
    if (err == NULL && !g_str_equal(driver, "none")) {
        g_set_error(&err, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Audio driver '%s' is not available (only 'none')", driver);
    }
    if (err == NULL && id == NULL) {
        g_set_error(&err, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter 'id' is missing");
    }
    if (err == NULL && (!JSON_NODE_HOLDS_VALUE(id) ||
                        json_node_get_value_type(id) != G_TYPE_STRING ||
                        !id_wellformed(json_node_get_string(id)))) {
        g_set_error(&err, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter 'id' expects an identifier");
    }
    cmdline_typed_arg_free(t);
    if (err != NULL) {
        g_propagate_error(errp, g_steal_pointer(&err));
        return false;
    }
    add_host_arg(cl, "-audiodev", arg);
    return true;
}

/*
 * -sandbox applies to the QEMU that runs the guest code; qmpd itself
 * (which must fork and exec that QEMU) installs no filter.
 */
bool cmdline_parse_sandbox(QmpdCmdline *cl, const char *arg, GError **errp)
{
    static const char *const keys[] = {
        "enable", "obsolete",        "elevateprivileges",
        "spawn",  "resourcecontrol", NULL};
    static const char *const actions[] = {"allow", "deny", "children", NULL};
    g_autoptr(Opts) opts = opts_parse(arg, "enable", errp);
    bool enable;

    if (opts == NULL || !opts_check_keys(opts, keys, errp) ||
        !opts_get_bool(opts, "enable", false, &enable, errp)) {
        return false;
    }
    for (guint i = 1; keys[i] != NULL; i++) {
        const char *v = opts_get(opts, keys[i]);

        if (v != NULL && !g_strv_contains(actions, v)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "invalid argument for %s", keys[i]);
            return false;
        }
    }
    cl->host_only |= enable;
    add_host_arg(cl, "-sandbox", arg);
    return true;
}
