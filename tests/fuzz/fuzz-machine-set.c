/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for machine-set: the input is the command's "arguments"
 * value as JSON text, read by the QMP framing parser and applied to a
 * fixed base configuration through the path the command's handler takes
 * (decode with the generated visitor, merge, read files, check, commit).
 */

#include "prelude.h"

#include "fuzz-files.h"
#include "fuzz-machine.h"
#include "fuzz.h"
#include "hw/core/machine-config.h"
#include "hw/core/machine.h"
#include "qapi-visit.h"
#include "qapi/clone.h"
#include "util/json-streamer.h"

/*
 * Every run starts from this configuration rather than an empty one, so a
 * failed set has something to leave untouched and a patch has members to
 * replace, clear or keep.
 */
static const char base_json[] =
    "{\"type\": \"pc\", \"smp\": {\"cpus\": 2},"
    " \"memory\": {\"size\": 268435456}, \"boot\": {\"order\": \"cd\"},"
    " \"rtc\": {\"base\": \"utc\"},"
    " \"fw-cfg\": [{\"name\": \"opt/base\", \"string\": \"b\"}],"
    " \"smbios\": {\"type1\": {\"serial\": \"S0\"}}}";

static MachineProperties *base_config;

static void base_init(void)
{
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(GError) err = NULL;

    if (base_config != NULL) {
        return;
    }
    node = json_from_string(base_json, &err);
    g_assert_no_error(err);
    machine_config_reset();
    machine_config_set_json(node, false, NULL, &err);
    g_assert_no_error(err);
    base_config = machine_config_snapshot();
}

typedef struct FirstValue {
    JsonNode *node;
    bool seen;
} FirstValue;

static void first_value_cb(void *opaque, JsonNode *node, const GError *err)
{
    FirstValue *fv = opaque;

    if (fv->seen) {
        if (node != NULL) {
            json_node_unref(node);
        }
        return;
    }
    fv->seen = true;
    fv->node = node;
}

/* The first complete JSON value of the input, as a QMP peer would send. */
static JsonNode *parse_arguments(const uint8_t *data, size_t size)
{
    FirstValue fv = {0};
    g_autoptr(JsonStreamer) js = json_streamer_new(first_value_cb, &fv);

    json_streamer_feed(js, data, size);
    /* a top-level scalar needs a delimiter to end */
    json_streamer_feed(js, "\n", 1);
    return fv.node;
}

/* As the QMP handler does it (hw/core/machine-qmp-cmds.c). */
static bool machine_set(JsonNode *args, GPtrArray *warnings, GError **errp)
{
    bool ok;

    fuzz_files_enter();
    ok = machine_config_set_json(args, false, warnings, errp);
    fuzz_files_leave();
    if (ok) {
        /* the handler relies on this: a committed type has a QOM type */
        g_assert_nonnull(machine_object_sync(NULL));
    }
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(JsonNode) args = parse_arguments(data, size);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) err2 = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *repeated = NULL;
    bool ok;

    if (args == NULL || !fuzz_files_json_is_confined(args)) {
        return 0;
    }
    base_init();
    machine_config_restore(QAPI_CLONE(MachineProperties, base_config));
    before = fuzz_machine_config_text();

    ok = machine_set(args, warnings, &err);
    after = fuzz_machine_check_outcome(ok, err, before, warnings);
    if (!ok) {
        return 0;
    }
    fuzz_machine_check_committed();

    /* Members given replace members, so a second identical set is a no-op */
    ok = machine_set(args, again, &err2);
    g_assert_no_error(err2);
    g_assert_true(ok);
    repeated = fuzz_machine_config_text();
    g_assert_cmpstr(repeated, ==, after);
    g_assert_cmpuint(again->len, ==, warnings->len);
    return 0;
}
