/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Desugaring of the legacy machine options into configuration fragments
 * (see include/hw/core/machine-legacy.h).  Key tables map each historic
 * key to its member in qapi/machine.json.
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "hw/core/machine-legacy.h"
#include "util/cutils.h"
#include "util/error.h"
#include "util/keyval.h"
#include "util/opts.h"

/* A historic key and the configuration member it sets. */
typedef struct KeyMap {
    const char *key;
    const char *member;
} KeyMap;

static JsonObject *object_child(JsonObject *parent, const char *name)
{
    if (!json_object_has_member(parent, name)) {
        json_object_set_object_member(parent, name, json_object_new());
    }
    return json_object_get_object_member(parent, name);
}

static JsonArray *array_child(JsonObject *parent, const char *name)
{
    if (!json_object_has_member(parent, name)) {
        json_object_set_array_member(parent, name, json_array_new());
    }
    return json_object_get_array_member(parent, name);
}

static JsonNode *wrap(JsonObject *obj)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);

    json_object_unref(obj);
    return node;
}

static const char *member_for(const KeyMap *map, const char *key)
{
    for (; map->key != NULL; map++) {
        if (g_str_equal(map->key, key)) {
            return map->member;
        }
    }
    return NULL;
}

/*
 * Copies every pair of @opts into @dst through @map; the first unknown key
 * fails with "Invalid parameter 'KEY'".
 */
static bool copy_mapped(const Opts *opts, const KeyMap *map, JsonObject *dst,
                        GError **errp)
{
    for (guint i = 0; i < opts->pairs->len; i++) {
        const OptsPair *pair = g_ptr_array_index(opts->pairs, i);
        const char *member = member_for(map, pair->key);

        if (member == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Invalid parameter '%s'", pair->key);
            return false;
        }
        json_object_set_string_member(dst, member, pair->value);
    }
    return true;
}

static bool reject_id(const Opts *opts, GError **errp)
{
    if (opts->id != NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Invalid parameter 'id'");
        return false;
    }
    return true;
}

/* ---- -smbios ---- */

static const KeyMap smbios_type0_keys[] = {
    {"type", NULL},   {"vendor", "vendor"},   {"version", "version"},
    {"date", "date"}, {"release", "release"}, {"uefi", "uefi"},
    {"vm", "vm"},     {NULL, NULL},
};

static const KeyMap smbios_type1_keys[] = {
    {"type", NULL},         {"manufacturer", "manufacturer"},
    {"product", "product"}, {"version", "version"},
    {"serial", "serial"},   {"uuid", NULL},
    {"sku", "sku"},         {"family", "family"},
    {NULL, NULL},
};

static const KeyMap smbios_type2_keys[] = {
    {"type", NULL},           {"manufacturer", "manufacturer"},
    {"product", "product"},   {"version", "version"},
    {"serial", "serial"},     {"asset", "asset"},
    {"location", "location"}, {NULL, NULL},
};

static const KeyMap smbios_type3_keys[] = {
    {"type", NULL},         {"manufacturer", "manufacturer"},
    {"version", "version"}, {"serial", "serial"},
    {"asset", "asset"},     {"sku", "sku"},
    {NULL, NULL},
};

static const KeyMap smbios_type4_keys[] = {
    {"type", NULL},
    {"sock_pfx", "sock-pfx"},
    {"manufacturer", "manufacturer"},
    {"version", "version"},
    {"serial", "serial"},
    {"asset", "asset"},
    {"part", "part"},
    {"max-speed", "max-speed"},
    {"current-speed", "current-speed"},
    {"processor-family", "processor-family"},
    {"processor-id", "processor-id"},
    {NULL, NULL},
};

static const KeyMap smbios_type8_keys[] = {
    {"type", NULL},
    {"internal_reference", "internal-reference"},
    {"external_reference", "external-reference"},
    {"connector_type", "connector-type"},
    {"port_type", "port-type"},
    {NULL, NULL},
};

static const KeyMap smbios_type9_keys[] = {
    {"type", NULL},
    {"slot_designation", "slot-designation"},
    {"slot_type", "slot-type"},
    {"slot_data_bus_width", "slot-data-bus-width"},
    {"current_usage", "current-usage"},
    {"slot_length", "slot-length"},
    {"slot_id", "slot-id"},
    {"slot_characteristics1", "slot-characteristics1"},
    {"slot_characteristics2", "slot-characteristics2"},
    /* QEMU accepts pci_device but never applies it; qmpd applies it. */
    {"pci_device", "pcidev"},
    {NULL, NULL},
};

static const KeyMap smbios_type17_keys[] = {
    {"type", NULL},       {"loc_pfx", "loc-pfx"},
    {"bank", "bank"},     {"manufacturer", "manufacturer"},
    {"serial", "serial"}, {"asset", "asset"},
    {"part", "part"},     {"speed", "speed"},
    {NULL, NULL},
};

static const KeyMap smbios_type41_keys[] = {
    {"type", NULL},           {"designation", "designation"}, {"kind", "kind"},
    {"instance", "instance"}, {"pcidev", "pcidev"},           {NULL, NULL},
};

/* Copies the mapped keys, skipping those mapped to NULL (handled apart). */
static bool copy_smbios_fields(const Opts *opts, const KeyMap *map,
                               JsonObject *dst, GError **errp)
{
    for (guint i = 0; i < opts->pairs->len; i++) {
        const OptsPair *pair = g_ptr_array_index(opts->pairs, i);
        const KeyMap *m = map;

        while (m->key != NULL && !g_str_equal(m->key, pair->key)) {
            m++;
        }
        if (m->key == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Invalid parameter '%s'", pair->key);
            return false;
        }
        if (m->member != NULL) {
            json_object_set_string_member(dst, m->member, pair->value);
        }
    }
    return true;
}

static bool smbios_type11(const Opts *opts, JsonObject *smbios, GError **errp)
{
    JsonArray *values = array_child(object_child(smbios, "type11"), "values");

    for (guint i = 0; i < opts->pairs->len; i++) {
        const OptsPair *pair = g_ptr_array_index(opts->pairs, i);
        g_autofree char *contents = NULL;
        g_autoptr(GError) err = NULL;
        gsize len;

        if (g_str_equal(pair->key, "type")) {
            continue;
        }
        if (g_str_equal(pair->key, "value")) {
            json_array_add_string_element(values, pair->value);
            continue;
        }
        if (!g_str_equal(pair->key, "path")) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Invalid parameter '%s'", pair->key);
            return false;
        }
        if (!g_file_get_contents(pair->value, &contents, &len, &err)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Unable to read from %s: %s", pair->value,
                        err->message);
            return false;
        }
        if (memchr(contents, 0, len) != NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "NUL in OEM strings value in %s", pair->value);
            return false;
        }
        json_array_add_string_element(values, contents);
    }
    return true;
}

static JsonNode *legacy_smbios(const char *arg, GError **errp)
{
    g_autoptr(Opts) opts = opts_parse(arg, NULL, errp);
    JsonObject *root = json_object_new();
    g_autoptr(JsonNode) result = wrap(root);
    JsonObject *smbios = object_child(root, "smbios");
    const char *type_text, *file;
    uint64_t type;
    const KeyMap *map = NULL;
    const char *member = NULL;
    bool is_list = false;
    JsonObject *fields;

    if (opts == NULL || !reject_id(opts, errp)) {
        return NULL;
    }
    file = opts_get(opts, "file");
    type_text = opts_get(opts, "type");
    if (file != NULL) {
        static const char *const file_keys[] = {"file", NULL};
        JsonObject *fd;

        if (!opts_check_keys(opts, file_keys, errp)) {
            return NULL;
        }
        fd = json_object_new();
        json_object_set_string_member(fd, "file", file);
        json_array_add_object_element(array_child(smbios, "files"), fd);
        return g_steal_pointer(&result);
    }
    if (type_text == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Must specify type= or file=");
        return NULL;
    }
    if (!qmpd_parse_uint64("type", type_text, &type, errp)) {
        return NULL;
    }
    if (type > 127) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "out of range!");
        return NULL;
    }
    switch (type) {
    case 0:
        map = smbios_type0_keys, member = "type0";
        break;
    case 1:
        map = smbios_type1_keys, member = "type1";
        break;
    case 2:
        map = smbios_type2_keys, member = "type2";
        break;
    case 3:
        map = smbios_type3_keys, member = "type3";
        break;
    case 4:
        map = smbios_type4_keys, member = "type4";
        break;
    case 8:
        map = smbios_type8_keys, member = "type8", is_list = true;
        break;
    case 9:
        map = smbios_type9_keys, member = "type9", is_list = true;
        break;
    case 11:
        if (!smbios_type11(opts, smbios, errp)) {
            return NULL;
        }
        return g_steal_pointer(&result);
    case 17:
        map = smbios_type17_keys, member = "type17";
        break;
    case 41:
        map = smbios_type41_keys, member = "type41", is_list = true;
        break;
    default:
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Don't know how to build fields for SMBIOS type %" PRIu64,
                    type);
        return NULL;
    }
    if (is_list) {
        fields = json_object_new();
        json_array_add_object_element(array_child(smbios, member), fields);
    } else {
        fields = object_child(smbios, member);
    }
    if (!copy_smbios_fields(opts, map, fields, errp)) {
        return NULL;
    }
    if (type == 1 && opts_get(opts, "uuid") != NULL) {
        /* One machine UUID serves fw_cfg and SMBIOS alike. */
        json_object_set_string_member(root, "uuid", opts_get(opts, "uuid"));
    }
    return g_steal_pointer(&result);
}

/* ---- -rtc, -fw_cfg, -acpitable, -semihosting-config ---- */

static const KeyMap rtc_keys[] = {
    {"base", "base"},
    {"clock", "clock"},
    {"driftfix", "driftfix"},
    {NULL, NULL},
};

static JsonNode *legacy_rtc(const char *arg, GError **errp)
{
    g_autoptr(Opts) opts = opts_parse(arg, NULL, errp);
    JsonObject *root = json_object_new();
    g_autoptr(JsonNode) result = wrap(root);

    if (opts == NULL || !reject_id(opts, errp) ||
        !copy_mapped(opts, rtc_keys, object_child(root, "rtc"), errp)) {
        return NULL;
    }
    return g_steal_pointer(&result);
}

static const KeyMap fw_cfg_keys[] = {
    {"name", "name"},     {"file", "file"}, {"string", "string"},
    {"gen_id", "gen-id"}, {NULL, NULL},
};

static JsonNode *legacy_fw_cfg(const char *arg, GError **errp)
{
    g_autoptr(Opts) opts = opts_parse(arg, "name", errp);
    JsonObject *root = json_object_new();
    g_autoptr(JsonNode) result = wrap(root);
    JsonObject *item = json_object_new();

    json_array_add_object_element(array_child(root, "fw-cfg"), item);
    if (opts == NULL || !reject_id(opts, errp) ||
        !copy_mapped(opts, fw_cfg_keys, item, errp)) {
        return NULL;
    }
    /* QEMU counts an empty value as absent. */
    for (const KeyMap *m = fw_cfg_keys; m->key != NULL; m++) {
        if (json_object_has_member(item, m->member) &&
            json_object_get_string_member(item, m->member)[0] == '\0' &&
            !g_str_equal(m->member, "name")) {
            json_object_remove_member(item, m->member);
        }
    }
    if (!json_object_has_member(item, "name")) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "name, plus exactly one of file, string and gen_id, are "
                    "needed");
        return NULL;
    }
    return g_steal_pointer(&result);
}

static const KeyMap acpitable_keys[] = {
    {"sig", "sig"},
    {"rev", "rev"},
    {"oem_id", "oem-id"},
    {"oem_table_id", "oem-table-id"},
    {"oem_rev", "oem-rev"},
    {"asl_compiler_id", "asl-compiler-id"},
    {"asl_compiler_rev", "asl-compiler-rev"},
    {"file", NULL},
    {"data", NULL},
    {NULL, NULL},
};

static JsonNode *legacy_acpitable(const char *arg, GError **errp)
{
    g_autoptr(Opts) opts = opts_parse(arg, "data", errp);
    JsonObject *root = json_object_new();
    g_autoptr(JsonNode) result = wrap(root);
    JsonObject *table = json_object_new();
    const char *file, *data, *paths;
    g_auto(GStrv) parts = NULL;
    JsonArray *list;

    json_array_add_object_element(array_child(root, "acpitable"), table);
    if (opts == NULL || !reject_id(opts, errp) ||
        !copy_smbios_fields(opts, acpitable_keys, table, errp)) {
        return NULL;
    }
    file = opts_get(opts, "file");
    data = opts_get(opts, "data");
    if ((file == NULL) == (data == NULL)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "'-acpitable' requires one of 'data' or 'file'");
        return NULL;
    }
    paths = file != NULL ? file : data;
    parts = g_strsplit(paths, ":", -1);
    list = array_child(table, file != NULL ? "file" : "data");
    for (char **p = parts; *p != NULL; p++) {
        if (**p != '\0') {
            json_array_add_string_element(list, *p);
        }
    }
    if (json_array_get_length(list) == 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "'-acpitable' requires at least one pathname");
        return NULL;
    }
    return g_steal_pointer(&result);
}

static JsonNode *legacy_semihosting(const char *arg, GError **errp)
{
    g_autoptr(Opts) opts = opts_parse(arg, "enable", errp);
    JsonObject *root = json_object_new();
    g_autoptr(JsonNode) result = wrap(root);
    JsonObject *sh = object_child(root, "semihosting-config");

    if (opts == NULL || !reject_id(opts, errp)) {
        return NULL;
    }
    /* Giving the option at all turns semihosting on. */
    json_object_set_string_member(sh, "enable", "on");
    for (guint i = 0; i < opts->pairs->len; i++) {
        const OptsPair *pair = g_ptr_array_index(opts->pairs, i);

        if (g_str_equal(pair->key, "arg")) {
            json_array_add_string_element(array_child(sh, "arg"), pair->value);
        } else if (g_str_equal(pair->key, "target")) {
            if (!g_str_equal(pair->value, "native") &&
                !g_str_equal(pair->value, "gdb") &&
                !g_str_equal(pair->value, "auto")) {
                g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "unsupported semihosting-config %s", arg);
                return NULL;
            }
            json_object_set_string_member(sh, "target", pair->value);
        } else if (g_str_equal(pair->key, "enable") ||
                   g_str_equal(pair->key, "chardev") ||
                   g_str_equal(pair->key, "userspace")) {
            json_object_set_string_member(sh, pair->key, pair->value);
        } else {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Invalid parameter '%s'", pair->key);
            return NULL;
        }
    }
    return g_steal_pointer(&result);
}

/* ---- -m, -smp, -boot, -uuid, -machine ---- */

static JsonNode *legacy_memory(const char *arg, GError **errp)
{
    static const char *const keys[] = {"size", "slots", "maxmem", NULL};
    g_autoptr(Opts) opts = opts_parse(arg, "size", errp);
    JsonObject *root = json_object_new();
    g_autoptr(JsonNode) result = wrap(root);
    JsonObject *mem = object_child(root, "memory");
    uint64_t value;

    if (opts == NULL || !reject_id(opts, errp) ||
        !opts_check_keys(opts, keys, errp)) {
        return NULL;
    }
    if (opts_has(opts, "size")) {
        const char *size = opts_get(opts, "size");

        /* A bare number means MiB, unlike everywhere else. */
        if (!qmpd_parse_size("size", size, 1 << 20, &value, errp)) {
            return NULL;
        }
        if (value == 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "missing 'size' option value");
            return NULL;
        }
        g_autofree char *bytes = g_strdup_printf("%" PRIu64, value);

        json_object_set_string_member(mem, "size", bytes);
    }
    if (opts_has(opts, "maxmem")) {
        json_object_set_string_member(mem, "max-size",
                                      opts_get(opts, "maxmem"));
    }
    if (opts_has(opts, "slots")) {
        json_object_set_string_member(mem, "slots", opts_get(opts, "slots"));
    }
    return g_steal_pointer(&result);
}

static JsonNode *legacy_keyval_member(const char *member, const char *implied,
                                      const char *arg, bool *ret_help,
                                      GError **errp)
{
    JsonNode *tree = keyval_parse(arg, implied, ret_help, errp);
    JsonObject *root;

    if (tree == NULL) {
        return NULL;
    }
    root = json_object_new();
    json_object_set_member(root, member, tree);
    return wrap(root);
}

static JsonNode *legacy_uuid(const char *arg, GError **errp)
{
    JsonObject *root;

    if (!g_uuid_string_is_valid(arg)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Fail to parse UUID string");
        return NULL;
    }
    root = json_object_new();

    json_object_set_string_member(root, "uuid", arg);
    return wrap(root);
}

/* ---- -accel, -cpu and the direct-boot options ---- */

/*
 * Whether this host can run accelerator @name: kvm only where /dev/kvm
 * opens for reading and writing (what QEMU does first), every other
 * known one always; an unknown name never.
 */
bool machine_legacy_accel_usable(const char *name)
{
    int fd;

    if (g_str_equal(name, "kvm")) {
        fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            return false;
        }
        close(fd);
        return true;
    }
    return g_str_equal(name, "tcg") || g_str_equal(name, "qtest");
}

/*
 * An accelerator list "kvm:tcg" is tried in order by QEMU; qmpd decides
 * when the option is read, taking the first entry this host can run.
 * When none can run, the first is kept, so the configuration check (or
 * QEMU, at the hand-off) reports why.
 */
static char *accel_pick(const char *list)
{
    g_auto(GStrv) names = g_strsplit(list, ":", -1);

    for (guint i = 0; names[i] != NULL; i++) {
        if (machine_legacy_accel_usable(names[i])) {
            return g_strdup(names[i]);
        }
    }
    return g_strdup(names[0] != NULL ? names[0] : list);
}

static JsonNode *legacy_accel(const char *arg, GError **errp)
{
    static const char *const keys[] = {"accel", "thread", NULL};
    g_autoptr(Opts) opts = opts_parse(arg, "accel", errp);
    JsonObject *root = json_object_new();
    g_autoptr(JsonNode) result = wrap(root);
    JsonObject *accel = object_child(root, "accel");

    if (opts == NULL || !reject_id(opts, errp) ||
        !opts_check_keys(opts, keys, errp)) {
        return NULL;
    }
    if (!opts_has(opts, "accel")) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter 'accel' is missing");
        return NULL;
    }
    g_autofree char *name = accel_pick(opts_get(opts, "accel"));

    json_object_set_string_member(accel, "type", name);
    if (opts_has(opts, "thread")) {
        json_object_set_string_member(accel, "thread",
                                      opts_get(opts, "thread"));
    }
    return g_steal_pointer(&result);
}

/* -cpu, -kernel, -initrd, -append, -bios: the whole argument is the value. */
static JsonNode *legacy_string(const char *member, const char *arg)
{
    JsonObject *root = json_object_new();

    json_object_set_string_member(root, member, arg);
    return wrap(root);
}

static JsonNode *legacy_option_rom(const char *arg, GError **errp)
{
    static const char *const keys[] = {"romfile", "bootindex", NULL};
    g_autoptr(Opts) opts = opts_parse(arg, "romfile", errp);
    JsonObject *root = json_object_new();
    g_autoptr(JsonNode) result = wrap(root);
    JsonObject *rom = json_object_new();

    json_array_add_object_element(array_child(root, "option-rom"), rom);
    if (opts == NULL || !reject_id(opts, errp) ||
        !opts_check_keys(opts, keys, errp)) {
        return NULL;
    }
    if (!opts_has(opts, "romfile")) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Option ROM file is not specified");
        return NULL;
    }
    json_object_set_string_member(rom, "file", opts_get(opts, "romfile"));
    if (opts_has(opts, "bootindex")) {
        json_object_set_string_member(rom, "bootindex",
                                      opts_get(opts, "bootindex"));
    }
    return g_steal_pointer(&result);
}

/*
 * -machine keys that are not configuration members: "accel=NAME" is
 * sugar for accel.type (a list picks as -accel does) and
 * "smbios-entry-point-type" is QEMU's spelling of
 * smbios.entry-point-type.  Underscores in top-level keys become dashes,
 * as QEMU does.
 */
static JsonNode *legacy_machine(const char *arg, bool *ret_help, GError **errp)
{
    g_autoptr(JsonNode) tree = keyval_parse(arg, "type", ret_help, errp);
    g_autoptr(GList) names = NULL;
    JsonObject *obj, *fixed;
    JsonNode *result;

    if (tree == NULL) {
        return NULL;
    }
    obj = json_node_get_object(tree);
    fixed = json_object_new();
    result = wrap(fixed);
    names = json_object_get_members(obj);
    for (GList *l = names; l != NULL; l = l->next) {
        const char *name = l->data;
        JsonNode *value = json_object_get_member(obj, name);
        g_autofree char *dashed = g_strdelimit(g_strdup(name), "_", '-');
        g_autoptr(JsonObject) piece = json_object_new();

        if (!g_str_equal(dashed, name) && json_object_has_member(obj, dashed)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Conflict between '%s' and '%s'", name, dashed);
            json_node_unref(result);
            return NULL;
        }
        if (g_str_equal(dashed, "accel") && JSON_NODE_HOLDS_VALUE(value)) {
            g_autofree char *picked = accel_pick(json_node_get_string(value));

            json_object_set_string_member(object_child(piece, "accel"), "type",
                                          picked);
        } else if (g_str_equal(dashed, "smbios-entry-point-type")) {
            json_object_set_member(object_child(piece, "smbios"),
                                   "entry-point-type", json_node_copy(value));
        } else {
            json_object_set_member(piece, dashed, json_node_copy(value));
        }
        /* "smbios" may arrive from two keys; merge, don't overwrite. */
        if (!keyval_merge(fixed, piece, errp)) {
            json_node_unref(result);
            return NULL;
        }
    }
    return result;
}

/* The key tables by the configuration member they fill. */
static const struct {
    const char *member;
    const KeyMap *map;
} key_tables[] = {
    {"smbios.type0", smbios_type0_keys},
    {"smbios.type1", smbios_type1_keys},
    {"smbios.type2", smbios_type2_keys},
    {"smbios.type3", smbios_type3_keys},
    {"smbios.type4", smbios_type4_keys},
    {"smbios.type8", smbios_type8_keys},
    {"smbios.type9", smbios_type9_keys},
    {"smbios.type17", smbios_type17_keys},
    {"smbios.type41", smbios_type41_keys},
    {"rtc", rtc_keys},
    {"fw-cfg", fw_cfg_keys},
    {"acpitable", acpitable_keys},
};

const char *machine_legacy_key_for(const char *member, const char *field)
{
    for (gsize i = 0; i < G_N_ELEMENTS(key_tables); i++) {
        if (!g_str_equal(key_tables[i].member, member)) {
            continue;
        }
        for (const KeyMap *m = key_tables[i].map; m->key != NULL; m++) {
            if (m->member != NULL && g_str_equal(m->member, field)) {
                return m->key;
            }
        }
        return NULL;
    }
    return NULL;
}

static const char *const legacy_options[] = {
    "smbios", "rtc",   "fw_cfg",     "acpitable", "semihosting-config",
    "m",      "smp",   "boot",       "uuid",      "machine",
    "M",      "accel", "cpu",        "kernel",    "initrd",
    "append", "bios",  "option-rom", NULL,
};

bool machine_legacy_is_option(const char *option)
{
    return g_strv_contains(legacy_options, option);
}

JsonNode *machine_legacy_to_keyval(const char *option, const char *arg,
                                   bool *ret_help, GError **errp)
{
    if (ret_help != NULL) {
        *ret_help = false;
    }
    if (g_str_equal(option, "smbios")) {
        return legacy_smbios(arg, errp);
    } else if (g_str_equal(option, "rtc")) {
        return legacy_rtc(arg, errp);
    } else if (g_str_equal(option, "fw_cfg")) {
        return legacy_fw_cfg(arg, errp);
    } else if (g_str_equal(option, "acpitable")) {
        return legacy_acpitable(arg, errp);
    } else if (g_str_equal(option, "semihosting-config")) {
        return legacy_semihosting(arg, errp);
    } else if (g_str_equal(option, "m")) {
        return legacy_memory(arg, errp);
    } else if (g_str_equal(option, "smp")) {
        return legacy_keyval_member("smp", "cpus", arg, ret_help, errp);
    } else if (g_str_equal(option, "boot")) {
        return legacy_keyval_member("boot", "order", arg, ret_help, errp);
    } else if (g_str_equal(option, "uuid")) {
        return legacy_uuid(arg, errp);
    } else if (g_str_equal(option, "machine") || g_str_equal(option, "M")) {
        return legacy_machine(arg, ret_help, errp);
    } else if (g_str_equal(option, "accel")) {
        return legacy_accel(arg, errp);
    } else if (g_str_equal(option, "bios")) {
        return legacy_string("firmware", arg);
    } else if (g_str_equal(option, "option-rom")) {
        return legacy_option_rom(arg, errp);
    } else if (g_str_equal(option, "cpu") || g_str_equal(option, "kernel") ||
               g_str_equal(option, "initrd") || g_str_equal(option, "append")) {
        return legacy_string(option, arg);
    }
    g_return_val_if_reached(NULL);
}
