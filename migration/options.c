/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration parameters and capabilities: their defaults (QEMU's), the
 * all-or-nothing checks of migrate-set-parameters and
 * migrate-set-capabilities, and the "-incoming config:" option.
 */

#include "prelude.h"

#include <string.h>

#include "migration-internal.h"
#include "migration/migration.h"
#include "qapi-visit.h"
#include "qapi/clone.h"
#include "qapi/json-input-visitor.h"
#include "qapi/json-output-visitor.h"
#include "util/error.h"
#include "util/keyval.h"

#define MAX_DOWNTIME_MS 2000000u

static MigrationParameters *params;
static bool caps[MIGRATION_CAPABILITY__MAX];

static MigrationParameters *defaults_new(void)
{
    MigrationParameters *p = g_new0(MigrationParameters, 1);

#define SET(member, value)      \
    do {                        \
        p->has_##member = true; \
        p->member = (value);    \
    } while (0)
    SET(announce_initial, 50);
    SET(announce_max, 550);
    SET(announce_rounds, 5);
    SET(announce_step, 100);
    SET(throttle_trigger_threshold, 50);
    SET(cpu_throttle_initial, 20);
    SET(cpu_throttle_increment, 10);
    SET(cpu_throttle_tailslow, false);
    SET(max_bandwidth, 128u << 20);
    SET(avail_switchover_bandwidth, 0);
    SET(downtime_limit, 300);
    SET(x_checkpoint_delay, 20000);
    SET(multifd_channels, 2);
    SET(xbzrle_cache_size, 64u << 20);
    SET(max_postcopy_bandwidth, 0);
    SET(max_cpu_throttle, 99);
    SET(multifd_compression, MULTIFD_COMPRESSION_NONE);
    SET(multifd_zlib_level, 1);
    SET(multifd_zstd_level, 1);
    SET(mode, MIG_MODE_NORMAL);
    SET(zero_page_detection, ZERO_PAGE_DETECTION_MULTIFD);
    SET(direct_io, false);
#undef SET
    p->tls_creds = g_strdup("");
    p->tls_hostname = g_strdup("");
    return p;
}

const MigrationParameters *migration_parameters_get(void)
{
    if (params == NULL) {
        params = defaults_new();
    }
    return params;
}

void migration_options_reset(void)
{
    g_clear_pointer(&params, qapi_free_MigrationParameters);
    memset(caps, 0, sizeof(caps));
}

MigrationParameters *migration_query_parameters(void)
{
    return QAPI_CLONE(MigrationParameters, migration_parameters_get());
}

static bool range_error(const char *name, const char *expect, GError **errp)
{
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "Parameter '%s' expects %s", name, expect);
    return false;
}

static bool check_parameters(const MigrationParameters *p, GError **errp)
{
    if (p->has_downtime_limit && p->downtime_limit > MAX_DOWNTIME_MS) {
        return range_error("downtime_limit",
                           "an integer in the range of 0 to 2000000 ms", errp);
    }
    if (p->has_multifd_channels && p->multifd_channels < 1) {
        return range_error("multifd_channels", "a value between 1 and 255",
                           errp);
    }
    if (p->has_throttle_trigger_threshold &&
        (p->throttle_trigger_threshold < 1 ||
         p->throttle_trigger_threshold > 100)) {
        return range_error("throttle_trigger_threshold",
                           "an integer in the range of 1 to 100", errp);
    }
    if (p->has_cpu_throttle_initial &&
        (p->cpu_throttle_initial < 1 || p->cpu_throttle_initial > 99)) {
        return range_error("cpu_throttle_initial",
                           "an integer in the range of 1 to 99", errp);
    }
    if (p->has_cpu_throttle_increment &&
        (p->cpu_throttle_increment < 1 || p->cpu_throttle_increment > 99)) {
        return range_error("cpu_throttle_increment",
                           "an integer in the range of 1 to 99", errp);
    }
    if (p->has_max_cpu_throttle &&
        (p->max_cpu_throttle < 1 || p->max_cpu_throttle > 99)) {
        return range_error("max_cpu_throttle",
                           "an integer in the range of 1 to 99", errp);
    }
    if (p->has_multifd_zlib_level && p->multifd_zlib_level > 9) {
        return range_error("multifd_zlib_level", "a value between 0 and 9",
                           errp);
    }
    if (p->has_multifd_zstd_level && p->multifd_zstd_level > 20) {
        return range_error("multifd_zstd_level", "a value between 0 and 20",
                           errp);
    }
    return true;
}

static JsonNode *params_to_json(const MigrationParameters *p)
{
    JsonNode *out = NULL;
    MigrationParameters *value = (MigrationParameters *)p;
    Visitor *v = json_output_visitor_new(&out);
    g_autoptr(GError) err = NULL;

    visit_type_MigrationParameters(v, NULL, &value, &err);
    g_assert_no_error(err);
    visit_complete(v, &out);
    visit_free(v);
    return out;
}

bool migration_set_parameters(const MigrationParameters *patch, GError **errp)
{
    g_autoptr(JsonNode) merged = params_to_json(migration_parameters_get());
    g_autoptr(JsonNode) changes = params_to_json(patch);
    g_autoptr(GList) members = NULL;
    MigrationParameters *next = NULL;
    Visitor *v;
    bool ok;

    if (!check_parameters(patch, errp)) {
        return false;
    }
    /* Members given replace the current ones; the rest stay. */
    members = json_object_get_members(json_node_get_object(changes));
    for (GList *l = members; l != NULL; l = l->next) {
        json_object_set_member(json_node_get_object(merged), l->data,
                               json_node_copy(json_object_get_member(
                                   json_node_get_object(changes), l->data)));
    }
    v = json_input_visitor_new(merged);
    ok = visit_type_MigrationParameters(v, NULL, &next, errp);
    visit_free(v);
    if (!ok) {
        return false;
    }
    qapi_free_MigrationParameters(params);
    params = next;
    return true;
}

bool migration_set_parameters_from_kv(const char *kv, GError **errp)
{
    g_autoptr(MigrationParameters) patch = NULL;
    g_autoptr(JsonNode) tree = NULL;
    bool help = false;
    Visitor *v;
    bool ok;

    if (g_str_has_prefix(kv, "config:")) {
        kv += strlen("config:");
    }
    tree = keyval_parse(kv, NULL, &help, errp);
    if (tree == NULL) {
        return false;
    }
    v = json_input_visitor_new_keyval(tree);
    ok = visit_type_MigrationParameters(v, NULL, &patch, errp);
    visit_free(v);
    return ok && migration_set_parameters(patch, errp);
}

/*
 * A destination that only listens still takes capabilities, as QEMU's
 * does: a client that started it with "-incoming URI" can set them only
 * then.  They are read when the stream arrives (or handed to the QEMU that
 * loads it), and are fixed from then on.
 */
static bool capabilities_fixed(void)
{
    return migration_sending() || migration_incoming_stream_arrived();
}

bool migration_set_capabilities(const MigrationCapabilityStatusList *list,
                                GError **errp)
{
    bool next[MIGRATION_CAPABILITY__MAX];
    const MigrationCapabilityStatusList *l;

    if (capabilities_fixed()) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "There's a migration process in progress");
        return false;
    }
    memcpy(next, caps, sizeof(next));
    QAPI_LIST_FOR_EACH (l, list) {
        next[l->value->capability] = l->value->state;
    }
    /* QEMU's compatibility rules that matter without those features. */
    if (next[MIGRATION_CAPABILITY_MAPPED_RAM] &&
        next[MIGRATION_CAPABILITY_XBZRLE]) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Mapped-ram migration is incompatible with xbzrle");
        return false;
    }
    if (next[MIGRATION_CAPABILITY_POSTCOPY_PREEMPT] &&
        !next[MIGRATION_CAPABILITY_POSTCOPY_RAM]) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Postcopy preempt requires postcopy-ram");
        return false;
    }
    memcpy(caps, next, sizeof(caps));
    return true;
}

void migration_capability_mirror(MigrationCapability cap, bool state)
{
    g_return_if_fail(cap < MIGRATION_CAPABILITY__MAX);

    caps[cap] = state;
}

MigrationCapabilityStatusList *migration_query_capabilities(void)
{
    MigrationCapabilityStatusList *head = NULL, **tail = &head;

    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        MigrationCapabilityStatus *c = g_new0(MigrationCapabilityStatus, 1);

        c->capability = (MigrationCapability)i;
        c->state = caps[i];
        QAPI_LIST_APPEND(tail, c);
    }
    return head;
}

bool migration_capability_enabled(MigrationCapability cap)
{
    g_return_val_if_fail(cap < MIGRATION_CAPABILITY__MAX, false);
    return caps[cap];
}

JsonNode *migration_parameters_now(void)
{
    return params_to_json(migration_parameters_get());
}

JsonNode *migration_parameters_changed_since(JsonNode *since)
{
    g_autoptr(MigrationParameters) defaults = since ? NULL : defaults_new();
    g_autoptr(JsonNode) base =
        since != NULL ? json_node_ref(since) : params_to_json(defaults);
    g_autoptr(JsonNode) now = migration_parameters_now();
    JsonObject *cur = json_node_get_object(now);
    JsonObject *def = json_node_get_object(base);
    g_autoptr(GList) members = json_object_get_members(cur);
    JsonObject *changed = json_object_new();
    JsonNode *out;

    for (GList *l = members; l != NULL; l = l->next) {
        JsonNode *v = json_object_get_member(cur, l->data);

        if (!json_object_has_member(def, l->data) ||
            !json_node_equal(v, json_object_get_member(def, l->data))) {
            json_object_set_member(changed, l->data, json_node_copy(v));
        }
    }
    if (json_object_get_size(changed) == 0) {
        json_object_unref(changed);
        return NULL;
    }
    out = json_node_init_object(json_node_alloc(), changed);
    json_object_unref(changed);
    return out;
}

void migration_capabilities_now(bool out[MIGRATION_CAPABILITY__MAX])
{
    memcpy(out, caps, sizeof(caps));
}

JsonNode *migration_capabilities_changed(const bool want[], const bool since[])
{
    JsonArray *list = json_array_new();
    JsonNode *out;

    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        JsonObject *c;

        if (want[i] == since[i]) {
            continue;
        }
        c = json_object_new();
        json_object_set_string_member(c, "capability",
                                      MigrationCapability_str(i));
        json_object_set_boolean_member(c, "state", want[i]);
        json_array_add_object_element(list, c);
    }
    out = json_node_init_array(json_node_alloc(), list);
    json_array_unref(list);
    return out;
}
