/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for rendering a machine configuration as one -M line
 * (hw/core): render -> parse gives back the same configuration, over
 * seeded random configurations, fixed edge cases and one exact line.
 */

#include "prelude.h"

#include <string.h>

#include "hw/core/machine-config.h"
#include "machine-config-testlib.h"
#include "qapi-visit.h"
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
static const Field f_memory[] = {INT("size", 0, U53), INT("max-size", 0, U53),
                                 INT("slots", 0, U53), END};
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/machine-config/render/random", test_render_random);
    g_test_add_func("/hw/machine-config/render/fixed", test_render_fixed);
    g_test_add_func("/hw/machine-config/render/text", test_render_text);
    return g_test_run();
}
