/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for rendering a machine configuration as one -M line
 * (hw/core): render -> parse gives back the same configuration, over
 * seeded random configurations, fixed edge cases and one exact line; and
 * through the real store path, every configuration machine-set accepts
 * (edge integers included) passes its own check and comes back from its
 * -M line and from its JSON.
 */

#include "prelude.h"

#include <string.h>

#include "hw/core/machine-config.h"
#include "hw/core/machine-legacy.h"
#include "machine-config-testlib.h"
#include "qapi-visit.h"
#include "util/json-writer.h"
#include "util/keyval.h"

typedef enum FieldKind {
    F_STR,
    F_BOOL,
    F_INT,     /* min..max */
    F_ENUM,    /* one of enums */
    F_STRLIST, /* list of str */
    F_B64,     /* base64 of random bytes */
    F_OBJ,     /* sub */
    F_OBJLIST, /* list of sub */
} FieldKind;

typedef struct Field Field;
struct Field {
    const char *name;
    FieldKind kind;
    int64_t min, max;
    const Field *sub;
    const char *const *enums;
    bool required;
};

#define END                                  \
    {                                        \
        NULL, F_STR, 0, 0, NULL, NULL, false \
    }
#define STR(n)                            \
    {                                     \
        n, F_STR, 0, 0, NULL, NULL, false \
    }
#define BOOL(n)                            \
    {                                      \
        n, F_BOOL, 0, 0, NULL, NULL, false \
    }
#define INT(n, lo, hi)                      \
    {                                       \
        n, F_INT, lo, hi, NULL, NULL, false \
    }
#define ENUM(n, e)                      \
    {                                   \
        n, F_ENUM, 0, 0, NULL, e, false \
    }
#define OBJ(n, s)                      \
    {                                  \
        n, F_OBJ, 0, 0, s, NULL, false \
    }
#define LIST(n, s)                         \
    {                                      \
        n, F_OBJLIST, 0, 0, s, NULL, false \
    }

/* Below 2^53: json-glib holds numbers as gint64/double. */
#define U53 ((INT64_C(1) << 53) - 1)

static const char *const ept_enum[] = {"32", "64", "auto", NULL};
static const char *const kind_enum[] = {
    "other", "unknown", "video", "scsi", "ethernet", "tokenring",
    "sound", "pata",    "sata",  "sas",  NULL};
static const char *const clock_enum[] = {"host", "rt", "vm", NULL};
static const char *const drift_enum[] = {"none", "slew", NULL};
static const char *const target_enum[] = {"native", "gdb", "auto", NULL};
static const char *const type_enum[] = {"pc", "none", "pc-i440fx-7.2", NULL};

static const Field f_smp[] = {INT("cpus", 1, 8),     INT("maxcpus", 1, 8),
                              INT("sockets", 1, 4),  INT("dies", 1, 2),
                              INT("clusters", 1, 2), INT("cores", 1, 4),
                              INT("threads", 1, 2),  END};
/* Around the pc limit (about 1 TiB), so that many pass the check. */
static const Field f_memory[] = {INT("size", 0, INT64_C(1) << 41),
                                 INT("max-size", 0, INT64_C(1) << 41),
                                 INT("slots", 0, 300), END};
static const Field f_boot[] = {STR("order"),
                               STR("once"),
                               BOOL("menu"),
                               STR("splash"),
                               INT("splash-time", -70000, 70000),
                               INT("reboot-timeout", -2, 65536),
                               BOOL("strict"),
                               END};
static const Field f_type0[] = {
    STR("vendor"), STR("version"), STR("date"), STR("release"),
    BOOL("uefi"),  BOOL("vm"),     END};
static const Field f_type1[] = {STR("manufacturer"),
                                STR("product"),
                                STR("version"),
                                STR("serial"),
                                STR("sku"),
                                STR("family"),
                                END};
static const Field f_type2[] = {STR("manufacturer"),
                                STR("product"),
                                STR("version"),
                                STR("serial"),
                                STR("asset"),
                                STR("location"),
                                END};
static const Field f_type3[] = {STR("manufacturer"), STR("version"),
                                STR("serial"),       STR("asset"),
                                STR("sku"),          END};
static const Field f_type4[] = {STR("sock-pfx"),
                                STR("manufacturer"),
                                STR("version"),
                                STR("serial"),
                                STR("asset"),
                                STR("part"),
                                INT("processor-family", 0, 65535),
                                INT("processor-id", 0, U53),
                                INT("max-speed", 0, U53),
                                INT("current-speed", 0, U53),
                                END};
static const Field f_type8[] = {
    STR("internal-reference"), STR("external-reference"),
    INT("connector-type", 0, 255), INT("port-type", 0, 255), END};
static const Field f_type9[] = {STR("slot-designation"),
                                INT("slot-type", 0, 255),
                                INT("slot-data-bus-width", 0, 255),
                                INT("current-usage", 0, 255),
                                INT("slot-length", 0, 255),
                                INT("slot-id", 0, 65535),
                                INT("slot-characteristics1", 0, 255),
                                INT("slot-characteristics2", 0, 255),
                                STR("pcidev"),
                                END};
static const Field f_type11[] = {{"values", F_STRLIST, 0, 0, NULL, NULL, true},
                                 END};
static const Field f_type17[] = {
    STR("loc-pfx"), STR("bank"), STR("manufacturer"),    STR("serial"),
    STR("asset"),   STR("part"), INT("speed", 0, 65535), END};
static const Field f_type41[] = {STR("designation"), ENUM("kind", kind_enum),
                                 INT("instance", 0, 255), STR("pcidev"), END};
/* Elements as a set leaves them: the bytes are always there. */
static const Field f_filedata[] = {
    STR("file"), {"data", F_B64, 0, 0, NULL, NULL, true}, END};
static const Field f_smbios[] = {ENUM("entry-point-type", ept_enum),
                                 OBJ("type0", f_type0),
                                 OBJ("type1", f_type1),
                                 OBJ("type2", f_type2),
                                 OBJ("type3", f_type3),
                                 OBJ("type4", f_type4),
                                 LIST("type8", f_type8),
                                 LIST("type9", f_type9),
                                 OBJ("type11", f_type11),
                                 OBJ("type17", f_type17),
                                 LIST("type41", f_type41),
                                 LIST("files", f_filedata),
                                 END};
static const Field f_rtc[] = {STR("base"), ENUM("clock", clock_enum),
                              ENUM("driftfix", drift_enum), END};
static const Field f_fw_cfg[] = {
    {"name", F_STR, 0, 0, NULL, NULL, true},  STR("string"), STR("file"),
    {"data", F_B64, 0, 0, NULL, NULL, false}, STR("gen-id"), END};
static const Field f_acpi[] = {STR("sig"),
                               INT("rev", 0, 255),
                               STR("oem-id"),
                               STR("oem-table-id"),
                               INT("oem-rev", 0, G_MAXUINT32),
                               STR("asl-compiler-id"),
                               INT("asl-compiler-rev", 0, G_MAXUINT32),
                               {"file", F_STRLIST, 0, 0, NULL, NULL, false},
                               {"data", F_STRLIST, 0, 0, NULL, NULL, false},
                               {"blob", F_B64, 0, 0, NULL, NULL, true},
                               END};
static const Field f_semi[] = {BOOL("enable"),
                               ENUM("target", target_enum),
                               STR("chardev"),
                               BOOL("userspace"),
                               {"arg", F_STRLIST, 0, 0, NULL, NULL, false},
                               END};
static const Field f_machine[] = {ENUM("type", type_enum),
                                  OBJ("smp", f_smp),
                                  OBJ("memory", f_memory),
                                  OBJ("boot", f_boot),
                                  STR("uuid"),
                                  OBJ("smbios", f_smbios),
                                  OBJ("rtc", f_rtc),
                                  LIST("fw-cfg", f_fw_cfg),
                                  LIST("acpitable", f_acpi),
                                  OBJ("semihosting-config", f_semi),
                                  END};

/* Strings that stress the -M syntax: separators, escapes, keywords. */
static const char *const tricky[] = {
    "",     ",",       ",,",     "a,b",        "=",      "a=b",
    " ",    " lead",   "trail ", "x.y",        "0",      "-1",
    "on",   "help",    "?",      "ünïcødé ✓",  "日本語", "a,=b,,c",
    "0x10", "type=pc", "\t",     "smp.cpus=4", "1.2",    "=,",
};

static char *random_string(GRand *r)
{
    if (g_rand_boolean(r)) {
        return g_strdup(tricky[g_rand_int_range(r, 0, G_N_ELEMENTS(tricky))]);
    }
    GString *s = g_string_new(NULL);
    int len = g_rand_int_range(r, 0, 12);

    for (int i = 0; i < len; i++) {
        static const char alphabet[] = "abcXYZ019 ,=.-_/:é";
        g_string_append_c(s, alphabet[g_rand_int_range(r, 0, 17)]);
    }
    return g_string_free(s, FALSE);
}

/*
 * Integers at the edges of every schema integer type, as JSON text, so
 * that json-glib reads them exactly as it reads QMP input: from 2^63 up
 * they arrive as negative int64s, from 2^64 up as -1.  Sizes that need
 * rounding and the pc memory limit (1009 GiB) are among them.
 */
static const char *const edge_ints[] = {
    "0",
    "1",
    "-1",
    "255",
    "256",
    "8191",
    "8192",
    "8193",
    "65535",
    "65536",
    "4294967295",
    "4294967296",
    "1083405500416",
    "1083405500417",
    "1099511627776",
    "9007199254740993",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "18446744073709543424",
    "18446744073709551615",
    "18446744073709551616",
};

/* The store test mixes edge_ints into F_INT members (1 in 3). */
static bool with_edge_ints;

static JsonNode *edge_int(GRand *r)
{
    g_autoptr(GError) err = NULL;
    JsonNode *node = json_from_string(
        edge_ints[g_rand_int_range(r, 0, G_N_ELEMENTS(edge_ints))], &err);

    g_assert_no_error(err);
    return node;
}

static int64_t random_int(GRand *r, int64_t lo, int64_t hi)
{
    /* Hit the ends often: that is where encodings break. */
    switch (g_rand_int_range(r, 0, 4)) {
    case 0:
        return lo;
    case 1:
        return hi;
    default:
        return lo + (int64_t)(g_rand_double(r) * (double)(hi - lo));
    }
}

static JsonNode *random_object(GRand *r, const Field *fields, int depth);

static JsonNode *random_value(GRand *r, const Field *f, int depth)
{
    JsonNode *node = json_node_alloc();

    switch (f->kind) {
    case F_STR: {
        g_autofree char *s = random_string(r);

        return json_node_init_string(node, s);
    }
    case F_BOOL:
        return json_node_init_boolean(node, g_rand_boolean(r));
    case F_INT:
        if (with_edge_ints && g_rand_int_range(r, 0, 3) == 0) {
            json_node_free(node);
            return edge_int(r);
        }
        return json_node_init_int(node, random_int(r, f->min, f->max));
    case F_ENUM: {
        guint n = g_strv_length((char **)f->enums);

        return json_node_init_string(node, f->enums[g_rand_int_range(r, 0, n)]);
    }
    case F_STRLIST: {
        JsonArray *a = json_array_new();
        int n = g_rand_int_range(r, 1, 4);

        for (int i = 0; i < n; i++) {
            g_autofree char *s = random_string(r);

            json_array_add_string_element(a, s);
        }
        return json_node_init_array(node, a);
    }
    case F_B64: {
        int n = g_rand_int_range(r, 0, 40);
        g_autofree guint8 *bytes = g_malloc(n + 1);
        g_autofree char *text = NULL;

        for (int i = 0; i < n; i++) {
            bytes[i] = g_rand_int_range(r, 0, 256);
        }
        text = g_base64_encode(bytes, n);
        return json_node_init_string(node, text);
    }
    case F_OBJ:
        json_node_free(node);
        return random_object(r, f->sub, depth + 1);
    case F_OBJLIST: {
        JsonArray *a = json_array_new();
        int n = g_rand_int_range(r, 1, 4);

        for (int i = 0; i < n; i++) {
            json_array_add_element(a, random_object(r, f->sub, depth + 1));
        }
        return json_node_init_array(node, a);
    }
    }
    g_assert_not_reached();
}

static JsonNode *random_object(GRand *r, const Field *fields, int depth)
{
    JsonObject *obj = json_object_new();
    JsonNode *node = json_node_alloc();

    for (const Field *f = fields; f->name != NULL; f++) {
        /* Top-level members less often, so cases differ in shape. */
        if (f->required || g_rand_int_range(r, 0, depth == 0 ? 3 : 2) == 0) {
            json_object_set_member(obj, f->name, random_value(r, f, depth));
        }
    }
    /*
     * -M has no spelling for an empty object, so a sparse configuration
     * holding one cannot round-trip; filled ones never hold one.
     */
    if (json_object_get_size(obj) == 0 && depth > 0) {
        json_object_set_member(obj, fields[0].name,
                               random_value(r, &fields[0], depth));
    }
    return json_node_init_object(node, obj);
}

/* Asserts render -> keyval_parse -> decode gives back @cfg. */
static void assert_round_trip(const MachineProperties *cfg)
{
    g_autofree char *line = machine_config_render(cfg);
    g_autoptr(GError) err = NULL;
    bool help = false;
    g_autoptr(JsonNode) tree = keyval_parse(line, "type", &help, &err);
    g_autoptr(MachineProperties) back = NULL;

    if (tree == NULL) {
        g_error("rendered line does not parse: %s\n  line: %s", err->message,
                line);
    }
    g_assert_false(help);
    back = machine_config_from_json(tree, true, &err);
    if (back == NULL) {
        g_error("rendered line does not decode: %s\n  line: %s", err->message,
                line);
    }
    if (!machine_config_equal(cfg, back)) {
        g_autofree char *a = machine_test_config_text(cfg);
        g_autofree char *b = machine_test_config_text(back);

        g_error("round trip changed the configuration\n  line: %s\n"
                "  before: %s\n  after:  %s",
                line, a, b);
    }
}

#define ROUND_TRIP_CASES 400

static void test_render_random(void)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(20240601);
    guint nonempty = 0;

    for (int i = 0; i < ROUND_TRIP_CASES; i++) {
        g_autoptr(JsonNode) json = random_object(r, f_machine, 0);
        g_autoptr(GError) err = NULL;
        g_autoptr(MachineProperties) cfg =
            machine_config_from_json(json, false, &err);
        g_autoptr(MachineProperties) full = NULL;

        g_assert_no_error(err);
        full = machine_config_fill_defaults(cfg);
        assert_round_trip(cfg);
        assert_round_trip(full);
        nonempty += cfg->smbios != NULL && cfg->fw_cfg != NULL;
    }
    /* The generator must reach the interesting members. */
    g_assert_cmpuint(nonempty, >, ROUND_TRIP_CASES / 20);
}

static const char *const fixed_configs[] = {
    "{}",
    "{\"type\": \"none\"}",
    "{\"smbios\": {\"type11\": {\"values\": [\"\", \",\", \"=\", \"a,,b\"]}}}",
    ("{\"fw-cfg\": [{\"name\": \"opt/,=\", \"string\": \",\"},"
     " {\"name\": \"opt/b\", \"file\": \"/x,y\", \"data\": \"AAEC\"}]}"),
    "{\"acpitable\": [{\"data\": [\"/a:b\", \"c,d\"], \"blob\": \"\"}]}",
    "{\"memory\": {\"size\": 9007199254740991, \"max-size\": 0}}",
    "{\"boot\": {\"splash-time\": -1, \"reboot-timeout\": -1}}",
    "{\"semihosting-config\": {\"arg\": [\"\", \"help\", \"?\"]}}",
    "{\"rtc\": {\"base\": \"2006-06-17T16:01:21\"}, \"uuid\": \"\"}",
    "{\"smbios\": {\"type1\": {\"serial\": \"ünïcødé, ✓ = ok\"}}}",
};

static void test_render_fixed(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(fixed_configs); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(JsonNode) json = json_from_string(fixed_configs[i], &err);
        g_autoptr(MachineProperties) cfg = NULL;
        g_autoptr(MachineProperties) full = NULL;

        g_assert_no_error(err);
        cfg = machine_config_from_json(json, false, &err);
        g_assert_no_error(err);
        full = machine_config_fill_defaults(cfg);
        assert_round_trip(cfg);
        assert_round_trip(full);
    }
}

static void test_render_text(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) json = json_from_string(
        "{\"type\": \"pc\", \"smp\": {\"cpus\": 2}, \"fw-cfg\":"
        " [{\"name\": \"opt/a\", \"string\": \"x,y\"}],"
        " \"semihosting-config\": {\"enable\": true}}",
        &err);
    g_autoptr(MachineProperties) cfg =
        machine_config_from_json(json, false, &err);
    g_autofree char *line = NULL;
    g_autoptr(JsonNode) got = NULL;
    g_autoptr(JsonNode) want = NULL;

    g_assert_no_error(err);
    line = machine_config_render(cfg);
    /* Member order follows the JSON object, so compare the parsed trees. */
    got = keyval_parse(line, NULL, NULL, &err);
    g_assert_no_error(err);
    want = keyval_parse("type=pc,smp.cpus=2,fw-cfg.0.name=opt/a,"
                        "fw-cfg.0.string=x,,y,semihosting-config.enable=on",
                        NULL, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(json_node_equal(got, want));
    g_assert_nonnull(strstr(line, "fw-cfg.0.string=x,,y"));
}

/* ---- the store path: what machine-set keeps, -M gives back ---- */

/*
 * Asserts that a front-end (@how, given @text) stored what it was fed
 * and that the complete view of what it stored equals @full.
 */
static void assert_stores_as(const MachineProperties *full, const char *how,
                             const char *text, bool stored_ok,
                             GError *store_err)
{
    g_autofree char *want = machine_test_config_text(full);
    g_autoptr(MachineProperties) again = NULL;
    g_autofree char *got = NULL;

    if (!stored_ok) {
        g_error("%s of a stored configuration is refused: %s\n  %s\n"
                "  stored: %s",
                how, store_err->message, text, want);
    }
    again = machine_config_fill_defaults(machine_config_get());
    got = machine_test_config_text(again);
    if (!machine_config_equal(again, full)) {
        g_error("%s does not reproduce the stored configuration\n  %s\n"
                "  before: %s\n  after:  %s",
                how, text, want, got);
    }
}

/*
 * What query-machine-config reports for the stored configuration (the
 * complete view and its -M line) must pass the check itself and give the
 * same configuration back through both front-ends: the line through -M,
 * the JSON through machine-set.  The stored configuration is kept.
 */
static void assert_stored_reproduces(void)
{
    g_autoptr(MachineProperties) stored = machine_config_snapshot();
    g_autoptr(MachineProperties) full = machine_config_fill_defaults(stored);
    g_autofree char *line = machine_config_render(full);
    g_autoptr(JsonNode) full_json = machine_config_to_json(full);
    g_autofree char *text = json_writer_to_string(full_json);
    g_autoptr(GError) err = NULL;
    bool help = false;
    bool ok;

    if (!machine_config_check(stored, NULL, &err) ||
        !machine_config_check(full, NULL, &err)) {
        g_autofree char *want = machine_test_config_text(full);

        g_error("a stored configuration fails its own check: %s\n  %s",
                err->message, want);
    }

    /* The -M line, through the command-line path (main.c's). */
    {
        g_autoptr(JsonNode) tree =
            machine_legacy_to_keyval("M", line, &help, &err);
        g_autoptr(MachineProperties) back = NULL;
        g_autofree char *line_again = NULL;

        if (tree == NULL) {
            g_error("-M of a stored configuration does not parse: %s\n"
                    "  line: %s",
                    err->message, line);
        }
        g_assert_false(help);
        back = machine_config_from_json(tree, true, &err);
        if (back == NULL) {
            g_error("-M of a stored configuration does not decode: %s\n"
                    "  line: %s",
                    err->message, line);
        }
        machine_config_reset();
        ok = machine_config_set(back, NULL, &err);
        assert_stores_as(full, "-M", line, ok, err);
        {
            g_autoptr(MachineProperties) again =
                machine_config_fill_defaults(machine_config_get());

            /* The same line again: rendering is deterministic. */
            line_again = machine_config_render(again);
            g_assert_cmpstr(line_again, ==, line);
        }
    }

    /* The JSON text, as QMP prints it, back through machine-set. */
    {
        g_autoptr(JsonNode) node = json_from_string(text, &err);

        g_assert_no_error(err);
        machine_config_reset();
        ok = machine_config_set_json(node, false, NULL, &err);
        assert_stores_as(full, "machine-set", text, ok, err);
    }
    machine_config_restore(g_steal_pointer(&stored));
}

/* Applies one machine-set patch (JSON text); Returns: whether stored. */
static bool store_patch(const char *json)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) node = json_from_string(json, &err);
    g_autoptr(MachineProperties) before = machine_config_snapshot();
    bool ok;

    g_assert_no_error(err);
    ok = machine_config_set_json(node, false, NULL, &err);
    if (!ok) {
        /* A refused patch leaves the store alone. */
        g_assert_nonnull(err);
        g_assert_true(machine_config_equal(before, machine_config_get()));
        return false;
    }
    assert_stored_reproduces();
    return true;
}

/*
 * Sessions of machine-set calls at the edges the adversarial campaign of
 * issue 13 used: sizes past every limit, around 2^63 and 2^64, below the
 * 8 KiB rounding, SMBIOS members next to huge memory (in either order)
 * and SMBIOS files standing in for generated tables.
 */
static const char *const store_sessions[][3] = {
    {"{\"memory\": {\"size\": 18446744073709543424}}"},
    {"{\"memory\": {\"size\": -8192}}"},
    {"{\"memory\": {\"size\": 1, \"max-size\": 1}}"},
    {"{\"memory\": {\"size\": 8191, \"max-size\": 8192}}"},
    {"{\"memory\": {\"size\": 1}}", "{\"memory\": {\"max-size\": 1}}"},
    {"{\"memory\": {\"size\": 1, \"max-size\": 8193, \"slots\": 1}}"},
    {"{\"smbios\": {\"files\": [{\"data\": \"AQQAAUEAAA==\"}]}}"},
    {"{\"smbios\": {\"files\": [{\"data\": \"BAQABAAA\"},"
     " {\"data\": \"EQQAEQAA\"}, {\"data\": \"AwQAAwAA\"}]}}"},
    {"{\"smbios\": {\"type4\": {\"processor-id\": 18446744073709551615}}}"},
    {"{\"smbios\": {\"type4\": {\"processor-id\": 9223372036854775808}}}"},
    {"{\"memory\": {\"size\": 1083405500416}}",
     "{\"smbios\": {\"type11\": {\"values\": [\"x\"]}}}"},
    {"{\"smbios\": {\"type11\": {\"values\": []}}}",
     "{\"memory\": {\"size\": 9223372036854775807}}"},
    {"{\"memory\": {\"size\": 9223372036854775807}}",
     "{\"smbios\": {\"type11\": {\"values\": []}}}"},
    {"{\"type\": \"none\"}", "{\"memory\": {\"size\": 1099511627776,"
                             " \"max-size\": 9223372036854775807}}"},
    {"{\"type\": \"none\"}",
     "{\"memory\": {\"size\": 0, \"max-size\": 1, \"slots\": -1}}"},
    {"{\"acpitable\": [{\"data\": [\"/x\"], \"blob\": \"AAAA\","
     " \"oem-rev\": 4294967295, \"asl-compiler-rev\": 0}]}"},
};

static void test_store_sessions(void)
{
    guint stored = 0;

    for (gsize i = 0; i < G_N_ELEMENTS(store_sessions); i++) {
        machine_config_reset();
        for (gsize j = 0; j < G_N_ELEMENTS(store_sessions[i]) &&
                          store_sessions[i][j] != NULL;
             j++) {
            g_test_message("session %zu: %s", i, store_sessions[i][j]);
            stored += store_patch(store_sessions[i][j]);
        }
    }
    g_test_message("%u session patches stored", stored);
    g_assert_cmpuint(stored, >=, 10);
    machine_config_reset();
}

#define STORE_SESSIONS 150
#define STORE_STEPS 6

/*
 * Random sessions: each step replaces one member with a random value,
 * integers often at an edge; whatever is stored must reproduce.
 */
static void test_store_random(void)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(20260113);
    guint stored = 0, with_memory = 0;

    with_edge_ints = true;
    for (int i = 0; i < STORE_SESSIONS; i++) {
        machine_config_reset();
        for (int j = 0; j < STORE_STEPS; j++) {
            gsize n = G_N_ELEMENTS(f_machine) - 1;
            const Field *f = &f_machine[g_rand_int_range(r, 0, n)];
            g_autoptr(JsonNode) value = random_value(r, f, 1);
            g_autoptr(JsonObject) obj = json_object_new();
            g_autoptr(JsonNode) patch = json_node_new(JSON_NODE_OBJECT);
            g_autofree char *text = NULL;

            json_object_set_member(obj, f->name, g_steal_pointer(&value));
            json_node_set_object(patch, obj);
            text = json_writer_to_string(patch);
            if (store_patch(text)) {
                stored++;
                with_memory += g_str_equal(f->name, "memory");
            }
        }
    }
    with_edge_ints = false;
    g_test_message("%u of %d patches stored, %u of them memory", stored,
                   STORE_SESSIONS * STORE_STEPS, with_memory);
    /* The sessions must get configurations, memory ones included, in. */
    g_assert_cmpuint(stored, >, STORE_SESSIONS);
    g_assert_cmpuint(with_memory, >, STORE_SESSIONS / 20);
    machine_config_reset();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/machine-config/render/random", test_render_random);
    g_test_add_func("/hw/machine-config/render/fixed", test_render_fixed);
    g_test_add_func("/hw/machine-config/render/text", test_render_text);
    g_test_add_func("/hw/machine-config/render/store-sessions",
                    test_store_sessions);
    g_test_add_func("/hw/machine-config/render/store-random",
                    test_store_random);
    return g_test_run();
}
