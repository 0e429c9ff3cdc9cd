/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The human monitor's commands and their tables.  Each one runs a QMP
 * command and prints its result in the layout QEMU 7.2's monitor uses,
 * since people and scripts read that text; an error prints "Error: ".
 */

#include "prelude.h"

#include <string.h>

#include "monitor-internal.h"
#include "qapi-commands.h"
#include "util/error.h"
#include "util/json-writer.h"

/* The QOM path "info qom-tree" starts from when none is given. */
#define HMP_QOM_TREE_DEFAULT "/machine"

static void hmp_print_error(Monitor *mon, const GError *err)
{
    monitor_printf(mon, "Error: %s\n", err->message);
}

/* Runs QMP command @name with @args (may be NULL); prints its error. */
static JsonNode *hmp_qmp_args(Monitor *mon, const char *name, JsonObject *args)
{
    g_autoptr(GError) err = NULL;
    JsonNode *ret = monitor_run_command(name, args, &err);

    if (ret == NULL && err != NULL) {
        hmp_print_error(mon, err);
    }
    return ret;
}

static JsonNode *hmp_qmp(Monitor *mon, const char *name)
{
    return hmp_qmp_args(mon, name, NULL);
}

/* Runs a command whose reply carries nothing to print. */
static void hmp_simple(Monitor *mon, const char *qmp_name)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = monitor_run_command(qmp_name, NULL, &err);

    if (ret == NULL) {
        hmp_print_error(mon, err);
    }
}

static int64_t member_int(JsonObject *obj, const char *name)
{
    return json_object_get_int_member_with_default(obj, name, 0);
}

/*
 * JSON as QEMU's qom-get prints it: four spaces per level, one member
 * or element per line, "{\n}" for an empty container.
 */
static void hmp_json_pretty(GString *out, JsonNode *node, int depth)
{
    bool is_obj = JSON_NODE_HOLDS_OBJECT(node);
    bool first = true;

    if (!is_obj && !JSON_NODE_HOLDS_ARRAY(node)) {
        json_writer_append(out, node);
        return;
    }
    g_string_append_c(out, is_obj ? '{' : '[');
    if (is_obj) {
        JsonObjectIter iter;
        const char *name;
        JsonNode *value;

        json_object_iter_init_ordered(&iter, json_node_get_object(node));
        while (json_object_iter_next_ordered(&iter, &name, &value)) {
            g_autoptr(JsonNode) key =
                json_node_init_string(json_node_alloc(), name);

            g_string_append_printf(out, "%s\n%*s", first ? "" : ",",
                                   (depth + 1) * 4, "");
            json_writer_append(out, key);
            g_string_append(out, ": ");
            hmp_json_pretty(out, value, depth + 1);
            first = false;
        }
    } else {
        JsonArray *arr = json_node_get_array(node);

        for (guint i = 0; i < json_array_get_length(arr); i++) {
            g_string_append_printf(out, "%s\n%*s", first ? "" : ",",
                                   (depth + 1) * 4, "");
            hmp_json_pretty(out, json_array_get_element(arr, i), depth + 1);
            first = false;
        }
    }
    g_string_append_printf(out, "\n%*s%c", depth * 4, "", is_obj ? '}' : ']');
}

/* ---- info ---- */

static void hmp_info_status(Monitor *mon, char **argv)
{
    g_autoptr(JsonNode) ret = hmp_qmp(mon, "query-status");
    JsonObject *obj;
    const char *status;
    bool running;

    if (ret == NULL) {
        return;
    }
    obj = json_node_get_object(ret);
    status = json_object_get_string_member(obj, "status");
    running = json_object_get_boolean_member(obj, "running");
    monitor_printf(
        mon, "VM status: %s%s", running ? "running" : "paused",
        json_object_get_boolean_member_with_default(obj, "singlestep", false)
            ? " (single step mode)"
            : "");
    /* A plain "paused" needs no reason; every other stop state has one. */
    if (!running && !g_str_equal(status, "paused")) {
        monitor_printf(mon, " (%s)", status);
    }
    monitor_printf(mon, "\n");
}

/* QEMU prints the package right after the micro number, no separator. */
static void hmp_info_version(Monitor *mon, char **argv)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VersionInfo) info = qmp_query_version(&err);

    if (info == NULL) {
        hmp_print_error(mon, err);
        return;
    }
    monitor_printf(
        mon,
        "%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT "%s\n",
        info->qemu->major, info->qemu->minor, info->qemu->micro, info->package);
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

/* The CPUs qmpd reports (query-cpus-fast); '*' marks the monitor's one. */
static void hmp_info_cpus(Monitor *mon, char **argv)
{
    g_autoptr(JsonNode) ret = hmp_qmp(mon, "query-cpus-fast");
    JsonArray *list;

    if (ret == NULL) {
        return;
    }
    list = json_node_get_array(ret);
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *cpu = json_array_get_object_element(list, i);
        int64_t index = member_int(cpu, "cpu-index");
        bool current = mon->cpu_index >= 0 ? index == mon->cpu_index : i == 0;

        monitor_printf(
            mon,
            "%c CPU #%" G_GINT64_FORMAT ": thread_id=%" G_GINT64_FORMAT "\n",
            current ? '*' : ' ', index, member_int(cpu, "thread-id"));
    }
}

static void hmp_info_kvm(Monitor *mon, char **argv)
{
    g_autoptr(JsonNode) ret = hmp_qmp(mon, "query-kvm");
    JsonObject *obj;

    if (ret == NULL) {
        return;
    }
    obj = json_node_get_object(ret);
    monitor_printf(
        mon, "kvm support: %s\n",
        !json_object_get_boolean_member(obj, "present")  ? "not compiled"
        : json_object_get_boolean_member(obj, "enabled") ? "enabled"
                                                         : "disabled");
}

/* The RAM counters "info migrate" prints, in QEMU's order and units. */
static const struct {
    const char *label;
    const char *member;
    int shift; /* 10: printed in kbytes */
    const char *unit;
    bool only_nonzero;
} migrate_ram_rows[] = {
    {"transferred ram", "transferred", 10, " kbytes", false},
    {"throughput", "mbps", 0, " mbps", false},
    {"remaining ram", "remaining", 10, " kbytes", false},
    {"total ram", "total", 10, " kbytes", false},
    {"duplicate", "duplicate", 0, " pages", false},
    {"normal", "normal", 0, " pages", false},
    {"normal bytes", "normal-bytes", 10, " kbytes", false},
    {"dirty sync count", "dirty-sync-count", 0, "", false},
    {"page size", "page-size", 10, " kbytes", false},
    {"multifd bytes", "multifd-bytes", 10, " kbytes", false},
    {"pages-per-second", "pages-per-second", 0, "", false},
    {"dirty pages rate", "dirty-pages-rate", 0, " pages", true},
    {"postcopy request count", "postcopy-requests", 0, "", true},
    {"precopy ram", "precopy-bytes", 10, " kbytes", true},
    {"downtime ram", "downtime-bytes", 10, " kbytes", true},
    {"postcopy ram", "postcopy-bytes", 10, " kbytes", true},
};

static void hmp_info_migrate_ram(Monitor *mon, JsonObject *ram)
{
    for (gsize i = 0; i < G_N_ELEMENTS(migrate_ram_rows); i++) {
        JsonNode *v = json_object_get_member(ram, migrate_ram_rows[i].member);

        if (v == NULL) {
            continue;
        }
        if (json_node_get_value_type(v) == G_TYPE_DOUBLE) {
            monitor_printf(mon, "%s: %0.2f%s\n", migrate_ram_rows[i].label,
                           json_node_get_double(v), migrate_ram_rows[i].unit);
        } else if (!migrate_ram_rows[i].only_nonzero ||
                   json_node_get_int(v) != 0) {
            monitor_printf(
                mon, "%s: %" G_GUINT64_FORMAT "%s\n", migrate_ram_rows[i].label,
                (guint64)json_node_get_int(v) >> migrate_ram_rows[i].shift,
                migrate_ram_rows[i].unit);
        }
    }
}

/*
 * Status, times and RAM counters of the latest migration.  QEMU first
 * dumps its migration object's compatibility globals, which qmpd does
 * not have; that block is left out.
 */
static void hmp_info_migrate(Monitor *mon, char **argv)
{
    static const char *const times[][2] = {
        {"expected downtime", "expected-downtime"},
        {"downtime", "downtime"},
        {"setup", "setup-time"},
    };
    g_autoptr(JsonNode) ret = hmp_qmp(mon, "query-migrate");
    JsonObject *obj;

    if (ret == NULL) {
        return;
    }
    obj = json_node_get_object(ret);
    if (json_object_has_member(obj, "status")) {
        const char *status = json_object_get_string_member(obj, "status");

        monitor_printf(mon, "Migration status: %s", status);
        if (g_str_equal(status, "failed") &&
            json_object_has_member(obj, "error-desc")) {
            monitor_printf(mon, " (%s)",
                           json_object_get_string_member(obj, "error-desc"));
        }
        monitor_printf(mon, "\ntotal time: %" G_GINT64_FORMAT " ms\n",
                       member_int(obj, "total-time"));
        for (gsize i = 0; i < G_N_ELEMENTS(times); i++) {
            if (json_object_has_member(obj, times[i][1])) {
                monitor_printf(mon, "%s: %" G_GINT64_FORMAT " ms\n",
                               times[i][0], member_int(obj, times[i][1]));
            }
        }
    }
    if (json_object_has_member(obj, "ram")) {
        hmp_info_migrate_ram(mon, json_object_get_object_member(obj, "ram"));
    }
}

/* The type inside "child<TYPE>", or NULL for any other property. */
static char *qom_child_type(const char *prop_type)
{
    gsize len = strlen(prop_type);

    if (!g_str_has_prefix(prop_type, "child<") || len < 7 ||
        prop_type[len - 1] != '>') {
        return NULL;
    }
    return g_strndup(prop_type + 6, len - 7);
}

static JsonNode *qom_list(const char *path, GError **errp)
{
    g_autoptr(JsonObject) args = json_object_new();

    json_object_set_string_member(args, "path", path);
    return monitor_run_command("qom-list", args, errp);
}

static gint qom_name_cmp(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* One object and, indented by two, its children sorted by name. */
static void hmp_qom_tree_print(Monitor *mon, const char *path, const char *name,
                               const char *type, JsonArray *props, int indent)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    g_autoptr(GHashTable) types =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);

    monitor_printf(mon, "%*s/%s (%s)\n", indent, "", name, type);
    for (guint i = 0; i < json_array_get_length(props); i++) {
        JsonObject *p = json_array_get_object_element(props, i);
        const char *pname = json_object_get_string_member(p, "name");
        char *ctype = qom_child_type(json_object_get_string_member(p, "type"));

        if (ctype != NULL) {
            g_ptr_array_add(names, (gpointer)pname);
            g_hash_table_insert(types, (gpointer)pname, ctype);
        }
    }
    g_ptr_array_sort(names, qom_name_cmp);
    for (guint i = 0; i < names->len; i++) {
        const char *child = g_ptr_array_index(names, i);
        g_autofree char *child_path =
            g_strdup_printf("%s/%s", g_str_equal(path, "/") ? "" : path, child);
        g_autoptr(JsonNode) sub = qom_list(child_path, NULL);

        if (sub != NULL) {
            hmp_qom_tree_print(mon, child_path, child,
                               g_hash_table_lookup(types, child),
                               json_node_get_array(sub), indent + 2);
        }
    }
}

static void hmp_info_qom_tree(Monitor *mon, char **argv)
{
    const char *path = argv[1] != NULL ? argv[1] : HMP_QOM_TREE_DEFAULT;
    g_autoptr(JsonNode) props = qom_list(path, NULL);
    g_autoptr(JsonObject) args = json_object_new();
    g_autoptr(JsonNode) type = NULL;
    g_autofree char *base = NULL;

    if (props == NULL) {
        monitor_printf(mon, "Path '%s' could not be resolved.\n", path);
        return;
    }
    json_object_set_string_member(args, "path", path);
    json_object_set_string_member(args, "property", "type");
    type = monitor_run_command("qom-get", args, NULL);
    base = g_path_get_basename(path);
    hmp_qom_tree_print(mon, path, g_str_equal(base, "/") ? "" : base,
                       type != NULL && JSON_NODE_HOLDS_VALUE(type)
                           ? json_node_get_string(type)
                           : "?",
                       json_node_get_array(props), 0);
}

/* ---- commands ---- */

static void hmp_qom_list(Monitor *mon, char **argv)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = NULL;
    JsonArray *list;

    if (argv[1] == NULL) {
        monitor_printf(mon, "/\n");
        return;
    }
    ret = qom_list(argv[1], &err);
    if (ret == NULL) {
        hmp_print_error(mon, err);
        return;
    }
    list = json_node_get_array(ret);
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *p = json_array_get_object_element(list, i);

        monitor_printf(mon, "%s (%s)\n",
                       json_object_get_string_member(p, "name"),
                       json_object_get_string_member(p, "type"));
    }
}

static void hmp_qom_get(Monitor *mon, char **argv)
{
    g_autoptr(JsonObject) args = json_object_new();
    g_autoptr(JsonNode) ret = NULL;
    g_autoptr(GString) text = g_string_new(NULL);

    json_object_set_string_member(args, "path", argv[1]);
    json_object_set_string_member(args, "property", argv[2]);
    ret = hmp_qmp_args(mon, "qom-get", args);
    if (ret == NULL) {
        return;
    }
    hmp_json_pretty(text, ret, 0);
    monitor_printf(mon, "%s\n", text->str);
}

static void hmp_stop(Monitor *mon, char **argv)
{
    hmp_simple(mon, "stop");
}

static void hmp_cont(Monitor *mon, char **argv)
{
    hmp_simple(mon, "cont");
}

static void hmp_system_reset(Monitor *mon, char **argv)
{
    hmp_simple(mon, "system_reset");
}

static void hmp_quit(Monitor *mon, char **argv)
{
    hmp_simple(mon, "quit");
}

static void hmp_exit_preconfig(Monitor *mon, char **argv)
{
    hmp_simple(mon, "x-exit-preconfig");
}

/* Sorted by name, as help lists them. */
const HmpCommand hmp_info_commands[] = {
    {"chardev", "", "list the character devices", hmp_info_chardev, 0, 0, true},
    {"cpus", "", "list the virtual CPUs", hmp_info_cpus, 0, 0},
    {"kvm", "", "whether KVM is available and in use", hmp_info_kvm, 0, 0},
    {"migrate", "", "the state of the latest migration", hmp_info_migrate, 0,
     0},
    {"name", "", "the VM name given with -name", hmp_info_name, 0, 0},
    {"qom-tree", "[path]", "the QOM composition tree (from /machine)",
     hmp_info_qom_tree, 0, 1},
    {"status", "", "show the current VM status (running|paused)",
     hmp_info_status, 0, 0},
    {"uuid", "", "the VM UUID", hmp_info_uuid, 0, 0},
    {"version", "", "the QEMU interface level and qmpd's version",
     hmp_info_version, 0, 0},
    {NULL},
};

const HmpCommand hmp_commands[] = {
    {"cont|c", "", "resume emulation", hmp_cont, 0, 0},
    {"help|?", "[cmd]", "show the help", hmp_help, 0, 2},
    {"info", "[subcommand]", "show information about the system state", NULL, 0,
     1, false, hmp_info_commands},
    {"qom-get", "path property", "print a QOM property as JSON", hmp_qom_get, 2,
     2},
    {"qom-list", "path", "list the properties of a QOM object", hmp_qom_list, 0,
     1},
    {"quit|q", "", "quit qmpd", hmp_quit, 0, 0},
    {"stop|s", "", "stop emulation", hmp_stop, 0, 0},
    {"system_reset", "", "reset the machine", hmp_system_reset, 0, 0},
    {"x_exit_preconfig", "", "finish the configuration phase",
     hmp_exit_preconfig, 0, 0, true},
    {NULL},
};
