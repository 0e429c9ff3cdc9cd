/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the "machine-config" migration section: the conflict rule
 * for guest-visible members, the overlay rule for host-local ones, and a
 * whole save/load through the framing with a refused configuration
 * leaving the local one untouched.
 */

#include "prelude.h"

#include <string.h>

#include "hw/core/machine-config.h"
#include "migration/config-section.h"
#include "migration/mig-stream.h"
#include "migration/savevm.h"
#include "util/error.h"

static MachineProperties *cfg_from(const char *json)
{
    g_autoptr(JsonNode) node = json_from_string(json, NULL);
    g_autoptr(GError) err = NULL;
    MachineProperties *cfg;

    g_assert_nonnull(node);
    cfg = machine_config_from_json(node, false, &err);
    g_assert_no_error(err);
    return cfg;
}

static char *cfg_json(const MachineProperties *cfg)
{
    g_autoptr(JsonNode) node = machine_config_to_json(cfg);

    return json_to_string(node, FALSE);
}

static void test_reconcile_table(void)
{
    static const struct {
        const char *name;
        const char *local;
        const char *stream;
        const char *final; /* NULL: the stream's, unchanged */
        const char *error;
    } cases[] = {
        {"nothing local", "{}",
         "{\"type\":\"pc\",\"rtc\":{\"base\":\"2020-01-02\"}}", NULL, NULL},
        {"equal guest-visible", "{\"rtc\":{\"base\":\"2020-01-02\"}}",
         "{\"type\":\"pc\",\"rtc\":{\"base\":\"2020-01-02\"}}", NULL, NULL},
        {"local equals the stream's default", "{\"rtc\":{\"base\":\"utc\"}}",
         "{\"type\":\"pc\"}", NULL, NULL},
        {"alias and class name", "{\"type\":\"pc\"}",
         "{\"type\":\"pc-i440fx-7.2\"}", NULL, NULL},
        {"rtc.base differs", "{\"rtc\":{\"base\":\"localtime\"}}",
         "{\"type\":\"pc\",\"rtc\":{\"base\":\"2020-01-02\"}}", NULL,
         "migration: rtc.base: local value 'localtime' differs from the "
         "stream's '2020-01-02'"},
        {"nested smbios member",
         "{\"smbios\":{\"type1\":{\"serial\":\"LOCAL\"}}}",
         "{\"type\":\"pc\",\"smbios\":{\"type1\":{\"serial\":\"S\"}}}", NULL,
         "migration: smbios.type1.serial: local value 'LOCAL' differs from "
         "the stream's 'S'"},
        {"list member", "{\"fw-cfg\":[{\"name\":\"opt/a\",\"string\":\"x\"}]}",
         "{\"type\":\"pc\"}", NULL,
         "migration: fw-cfg: local value "
         "'[{\"name\":\"opt/a\",\"string\":\"x\"}]' differs from the stream's "
         "'(unset)'"},
        {"machine type", "{\"type\":\"q35\"}", "{\"type\":\"pc\"}", NULL,
         "migration: type: local value 'q35' differs from the stream's 'pc'"},
        {"memory size", "{\"memory\":{\"size\":268435456}}",
         "{\"type\":\"pc\"}", NULL,
         "migration: memory.size: local value '268435456' differs from the "
         "stream's '134217728'"},
        {"host-local wins", "{\"rtc\":{\"clock\":\"rt\"}}",
         "{\"type\":\"pc\",\"rtc\":{\"base\":\"2020-01-02\",\"clock\":\"vm\"}}",
         "{\"type\":\"pc\",\"rtc\":{\"base\":\"2020-01-02\",\"clock\":\"rt\"}}",
         NULL},
        {"host-local where the stream has none",
         "{\"semihosting-config\":{\"chardev\":\"local0\"}}",
         "{\"type\":\"pc\"}",
         "{\"type\":\"pc\",\"semihosting-config\":{\"chardev\":\"local0\"}}",
         NULL},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(MachineProperties) local = cfg_from(cases[i].local);
        g_autoptr(MachineProperties) stream = cfg_from(cases[i].stream);
        g_autoptr(MachineProperties) final = NULL;
        g_autoptr(GError) err = NULL;
        g_autofree char *stream_before = cfg_json(stream);
        g_autofree char *local_before = cfg_json(local);
        g_autofree char *stream_after = NULL;
        g_autofree char *local_after = NULL;
        bool ok;

        g_test_message("case %s", cases[i].name);
        ok = migration_config_reconcile(local, stream, &final, &err);
        if (cases[i].error != NULL) {
            g_assert_false(ok);
            g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
            g_assert_cmpstr(err->message, ==, cases[i].error);
            g_assert_null(final);
        } else {
            g_autoptr(MachineProperties) expect =
                cfg_from(cases[i].final ? cases[i].final : cases[i].stream);
            g_autofree char *got = NULL;
            g_autofree char *want = cfg_json(expect);

            g_assert_no_error(err);
            g_assert_true(ok);
            got = cfg_json(final);
            g_assert_cmpstr(got, ==, want);
        }
        /* The inputs are never modified. */
        stream_after = cfg_json(stream);
        local_after = cfg_json(local);
        g_assert_cmpstr(stream_after, ==, stream_before);
        g_assert_cmpstr(local_after, ==, local_before);
    }
}

static int apply_calls;
static char *applied;

static bool fake_apply(const MachineProperties *cfg, GError **errp)
{
    apply_calls++;
    g_free(applied);
    applied = cfg_json(cfg);
    return true;
}

static void set_config(const char *json)
{
    g_autoptr(MachineProperties) patch = cfg_from(json);
    g_autoptr(GError) err = NULL;

    g_assert_true(machine_config_set(patch, NULL, &err));
    g_assert_no_error(err);
}

static GBytes *save_config_stream(const char *json)
{
    g_autoptr(MigStream) w = mig_stream_new();
    g_autoptr(GError) err = NULL;

    machine_config_reset();
    set_config(json);
    savevm_unregister_all();
    g_assert_true(migration_config_section_register(fake_apply, &err));
    savevm_put_header(w, "pc-i440fx-7.2");
    savevm_put_sections(w, "pc-i440fx-7.2");
    return mig_stream_take_output(w);
}

static LoadVMStatus load(GBytes *bytes, char **ret_error)
{
    g_autoptr(LoadVM) lv = loadvm_new(NULL);
    g_autoptr(MigStream) r = mig_stream_new();
    LoadVMStatus st;

    mig_stream_feed(r, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
    mig_stream_feed_eof(r);
    st = loadvm_step(lv, r);
    *ret_error =
        st == LOADVM_ERROR ? g_strdup(mig_stream_get_error(r)->message) : NULL;
    return st;
}

static void test_section_round_trip(void)
{
    g_autoptr(GBytes) bytes = save_config_stream(
        "{\"type\":\"pc\",\"rtc\":{\"base\":\"2021-03-04\",\"clock\":\"vm\"},"
        "\"fw-cfg\":[{\"name\":\"opt/x\",\"string\":\"hello\"}]}");
    g_autofree char *error = NULL;

    machine_config_reset();
    set_config("{\"rtc\":{\"clock\":\"host\"}}");
    apply_calls = 0;
    g_assert_cmpint(load(bytes, &error), ==, LOADVM_DONE);
    g_assert_null(error);
    g_assert_cmpint(apply_calls, ==, 1);
    g_assert_cmpstr(applied, ==,
                    "{\"type\":\"pc\",\"rtc\":{\"base\":\"2021-03-04\","
                    "\"clock\":\"host\"},\"fw-cfg\":[{\"name\":\"opt/x\","
                    "\"string\":\"hello\"}]}");
    savevm_unregister_all();
    machine_config_reset();
    g_clear_pointer(&applied, g_free);
}

static void test_section_conflict_keeps_local(void)
{
    g_autoptr(GBytes) bytes =
        save_config_stream("{\"type\":\"pc\",\"uuid\":"
                           "\"11111111-2222-3333-4444-555555555555\"}");
    g_autoptr(MachineProperties) before = NULL;
    g_autofree char *error = NULL;

    machine_config_reset();
    set_config("{\"uuid\":\"99999999-2222-3333-4444-555555555555\"}");
    before = machine_config_snapshot();
    apply_calls = 0;
    g_assert_cmpint(load(bytes, &error), ==, LOADVM_ERROR);
    g_assert_cmpstr(error, ==,
                    "migration: uuid: local value "
                    "'99999999-2222-3333-4444-555555555555' differs from the "
                    "stream's '11111111-2222-3333-4444-555555555555'");
    g_assert_cmpint(apply_calls, ==, 0);
    g_assert_true(machine_config_equal(before, machine_config_get()));
    savevm_unregister_all();
    machine_config_reset();
}

static void test_section_hostile(void)
{
    static const struct {
        const char *name;
        const char *body; /* after the u32 length */
        uint32_t len;     /* announced length */
        const char *error;
    } cases[] = {
        {"oversized", "", MIGRATION_CONFIG_MAX_JSON + 1,
         "machine-config: size 268435457 exceeds the limit of 268435456 "
         "bytes"},
        {"not JSON", "{oops", 5, NULL},
        {"not an object", "[1]", 3, "machine-config: not a JSON object"},
        {"unknown member", "{\"bogus\":1}", 11,
         "machine-config: Parameter 'bogus' is unexpected"},
        {"wrong type", "{\"uuid\":5}", 10,
         "machine-config: Invalid parameter type for 'uuid', expected: "
         "string"},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(MigStream) w = mig_stream_new();
        g_autoptr(GBytes) bytes = NULL;
        g_autoptr(GError) err = NULL;
        g_autofree char *error = NULL;
        gsize body_len = strlen(cases[i].body);

        g_test_message("case %s", cases[i].name);
        machine_config_reset();
        savevm_unregister_all();
        g_assert_true(migration_config_section_register(fake_apply, &err));
        savevm_put_header(w, "pc-i440fx-7.2");
        mig_stream_put_u8(w, QEMU_VM_SECTION_FULL);
        mig_stream_put_be32(w, 0);
        mig_stream_put_counted_string(w, "machine-config");
        mig_stream_put_be32(w, 0);
        mig_stream_put_be32(w, 1);
        mig_stream_put_be32(w, cases[i].len);
        mig_stream_put_buffer(w, cases[i].body, body_len);
        mig_stream_put_u8(w, QEMU_VM_SECTION_FOOTER);
        mig_stream_put_be32(w, 0);
        mig_stream_put_u8(w, QEMU_VM_EOF);
        bytes = mig_stream_take_output(w);
        apply_calls = 0;
        g_assert_cmpint(load(bytes, &error), ==, LOADVM_ERROR);
        if (cases[i].error != NULL) {
            g_assert_cmpstr(error, ==, cases[i].error);
        } else {
            g_assert_true(g_str_has_prefix(error, "machine-config: invalid "
                                                  "JSON: "));
        }
        g_assert_cmpint(apply_calls, ==, 0);
        g_assert_null(machine_config_get()->uuid);
    }
    savevm_unregister_all();
}

static uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/*
 * Bytes the "fields" of @desc take on the wire.  Each field must be
 * `{name, type, size}` with nothing else (no arrays or structs here); a
 * "len" uint32 must hold the size of the buffer after it.
 */
static gsize described_size(JsonObject *desc, const uint8_t *wire)
{
    JsonArray *fields = json_object_get_array_member(desc, "fields");
    gsize total = 0;

    g_assert_nonnull(fields);
    g_assert_cmpuint(json_array_get_length(fields), ==, 2);
    for (guint i = 0; i < 2; i++) {
        JsonObject *f = json_array_get_object_element(fields, i);

        g_assert_cmpuint(json_object_get_size(f), ==, 3);
        g_assert_cmpstr(json_object_get_string_member(f, "type"), ==,
                        i == 0 ? "uint32" : "buffer");
        total += (gsize)json_object_get_int_member(f, "size");
    }
    g_assert_cmpuint(total, ==, 4 + be32_at(wire));
    return total;
}

/*
 * The vmdescription describes the bytes exactly: walking the stream by
 * its sizes (as QEMU's analyze-migration.py does) lands on each footer,
 * on EOF and on the vmdescription itself.
 */
static void test_vmdesc_matches_wire(void)
{
    g_autoptr(GBytes) bytes = save_config_stream(
        "{\"type\": \"pc\", \"memory\": {\"size\": 16777216}}");
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) err = NULL;
    gsize len;
    const uint8_t *p = g_bytes_get_data(bytes, &len);
    const uint8_t *end = p + len;
    const uint8_t *cfg, *cfg_end, *dev, *desc_text;
    JsonObject *desc, *config, *entry;
    JsonArray *devices;
    uint32_t id;

    cfg = p + 9; /* magic, version, 0x07 */
    g_assert_cmpuint(p[8], ==, 0x07);
    dev = cfg + 4 + be32_at(cfg);
    cfg_end = dev;
    g_assert_cmpuint(dev[0], ==, 0x04);
    id = be32_at(dev + 1);
    dev += 5;
    g_assert_cmpuint(dev[0], ==, strlen("machine-config"));
    g_assert_cmpmem(dev + 1, dev[0], "machine-config", dev[0]);
    dev += 1 + dev[0] + 8; /* name, instance, version */
    /* The vmdescription: EOF, 0x06, its length, up to the end. */
    desc_text = end;
    for (const uint8_t *q = dev; q + 5 < end; q++) {
        if (q[0] == 0x00 && q[1] == 0x06 && q + 6 + be32_at(q + 2) == end) {
            desc_text = q + 6;
            break;
        }
    }
    g_assert_true(desc_text < end);
    g_assert_true(json_parser_load_from_data(parser, (const char *)desc_text,
                                             end - desc_text, &err));
    g_assert_no_error(err);
    desc = json_node_get_object(json_parser_get_root(parser));

    config = json_object_get_object_member(desc, "configuration");
    g_assert_nonnull(config);
    g_assert_cmpuint(described_size(config, cfg), ==, cfg_end - cfg);

    devices = json_object_get_array_member(desc, "devices");
    g_assert_cmpuint(json_array_get_length(devices), ==, 1);
    entry = json_array_get_object_element(devices, 0);
    g_assert_cmpstr(json_object_get_string_member(entry, "name"), ==,
                    "machine-config");
    dev += described_size(entry, dev);
    g_assert_cmpuint(dev[0], ==, 0x7e);
    g_assert_cmpuint(be32_at(dev + 1), ==, id);
    g_assert_cmpuint(dev[5], ==, 0x00);              /* EOF */
    g_assert_true(dev + 5 + 1 + 1 + 4 == desc_text); /* footer, EOF, 0x06 */
    savevm_unregister_all();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/config/reconcile", test_reconcile_table);
    g_test_add_func("/migration/config/section-round-trip",
                    test_section_round_trip);
    g_test_add_func("/migration/config/conflict-keeps-local",
                    test_section_conflict_keeps_local);
    g_test_add_func("/migration/config/hostile", test_section_hostile);
    g_test_add_func("/migration/config/vmdesc-matches-wire",
                    test_vmdesc_matches_wire);
    return g_test_run();
}
