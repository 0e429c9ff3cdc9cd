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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/config/reconcile", test_reconcile_table);
    g_test_add_func("/migration/config/section-round-trip",
                    test_section_round_trip);
    g_test_add_func("/migration/config/conflict-keeps-local",
                    test_section_conflict_keeps_local);
    g_test_add_func("/migration/config/hostile", test_section_hostile);
    return g_test_run();
}
