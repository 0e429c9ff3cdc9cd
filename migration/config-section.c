/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "machine-config" migration section: encoding the configuration on
 * the source, and on the destination decoding it and reconciling it with
 * local settings (conflict rule for guest-visible members, overlay rule
 * for host-local ones) before the machine is built from it.
 */

#include "prelude.h"

#include <string.h>

#include "hw/core/machine-config.h"
#include "hw/core/machine-type.h"
#include "migration/config-section.h"
#include "migration/savevm.h"
#include "qapi/util.h"
#include "util/error.h"

/* Member tables of the top-level struct members, for host-local flags. */
static const struct {
    const char *member;
    const QapiMemberInfo *table;
} member_tables[] = {
    {"smp", SMPConfiguration_members},
    {"memory", MemorySizeConfiguration_members},
    {"boot", BootConfiguration_members},
    {"smbios", SmbiosConfig_members},
    {"rtc", RtcConfig_members},
    {"semihosting-config", SemihostingConfig_members},
    {"accel", AccelConfig_members},
};

static const QapiMemberInfo *table_for(const char *member)
{
    for (guint i = 0; i < G_N_ELEMENTS(member_tables); i++) {
        if (g_str_equal(member_tables[i].member, member)) {
            return member_tables[i].table;
        }
    }
    return NULL;
}

static char *display_value(JsonNode *node)
{
    if (node == NULL) {
        return g_strdup("(unset)");
    }
    if (JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_STRING) {
        return g_strdup(json_node_get_string(node));
    }
    return json_to_string(node, FALSE);
}

static bool same_machine_type(JsonNode *a, JsonNode *b)
{
    const MachineType *ma, *mb;

    if (a == NULL || b == NULL || !JSON_NODE_HOLDS_VALUE(a) ||
        !JSON_NODE_HOLDS_VALUE(b)) {
        return a == b;
    }
    ma = machine_type_find(json_node_get_string(a));
    mb = machine_type_find(json_node_get_string(b));
    if (ma != NULL && mb != NULL) {
        return ma == mb;
    }
    return json_node_equal(a, b);
}

/*
 * Walks the locally set members under @local (an object at @path),
 * comparing guest-visible leaves with @full (the stream's configuration
 * with defaults) and copying host-local ones into @overlay (the stream's
 * sparse configuration at the same place).
 */
static bool reconcile_object(JsonObject *local, JsonObject *full,
                             JsonObject *overlay, const char *path,
                             const QapiMemberInfo *table, GError **errp)
{
    g_autoptr(GList) members = json_object_get_members(local);

    for (GList *l = members; l != NULL; l = l->next) {
        const char *name = l->data;
        g_autofree char *sub_path = path[0] != '\0'
                                        ? g_strdup_printf("%s.%s", path, name)
                                        : g_strdup(name);
        JsonNode *lv = json_object_get_member(local, name);
        JsonNode *fv = full != NULL && json_object_has_member(full, name)
                           ? json_object_get_member(full, name)
                           : NULL;
        bool equal;

        if (table != NULL &&
            qapi_member_has_feature(table, name, QAPI_FEATURE_HOST_LOCAL)) {
            json_object_set_member(overlay, name, json_node_copy(lv));
            continue;
        }
        if (JSON_NODE_HOLDS_OBJECT(lv) &&
            (fv == NULL || JSON_NODE_HOLDS_OBJECT(fv))) {
            JsonObject *sub_overlay;

            if (!json_object_has_member(overlay, name) ||
                !JSON_NODE_HOLDS_OBJECT(
                    json_object_get_member(overlay, name))) {
                json_object_set_object_member(overlay, name, json_object_new());
            }
            sub_overlay = json_object_get_object_member(overlay, name);
            if (!reconcile_object(
                    json_node_get_object(lv),
                    fv != NULL ? json_node_get_object(fv) : NULL, sub_overlay,
                    sub_path, path[0] == '\0' ? table_for(name) : NULL, errp)) {
                return false;
            }
            continue;
        }
        equal = path[0] == '\0' && g_str_equal(name, "type")
                    ? same_machine_type(lv, fv)
                    : fv != NULL && json_node_equal(lv, fv);
        if (!equal) {
            g_autofree char *a = display_value(lv);
            g_autofree char *b = display_value(fv);

            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "migration: %s: local value '%s' differs from the "
                        "stream's '%s'",
                        sub_path, a, b);
            return false;
        }
    }
    return true;
}

/* Drops objects the overlay walk created empty (nothing host-local). */
static void prune_empty(JsonObject *obj)
{
    g_autoptr(GList) members = json_object_get_members(obj);

    for (GList *l = members; l != NULL; l = l->next) {
        JsonNode *n = json_object_get_member(obj, l->data);

        if (JSON_NODE_HOLDS_OBJECT(n)) {
            prune_empty(json_node_get_object(n));
            if (json_object_get_size(json_node_get_object(n)) == 0) {
                json_object_remove_member(obj, l->data);
            }
        }
    }
}

/*
 * Lays the host-local values collected in @overlay over @dst (the
 * stream's sparse configuration), member by member inside structs so the
 * stream's other fields of the same struct stay.
 */
static void apply_overlay(JsonObject *dst, JsonObject *overlay)
{
    g_autoptr(GList) members = json_object_get_members(overlay);

    for (GList *l = members; l != NULL; l = l->next) {
        JsonNode *src = json_object_get_member(overlay, l->data);

        if (JSON_NODE_HOLDS_OBJECT(src) &&
            json_object_has_member(dst, l->data) &&
            JSON_NODE_HOLDS_OBJECT(json_object_get_member(dst, l->data))) {
            apply_overlay(json_object_get_object_member(dst, l->data),
                          json_node_get_object(src));
        } else {
            json_object_set_member(dst, l->data, json_node_copy(src));
        }
    }
}

bool migration_config_reconcile(const MachineProperties *local,
                                const MachineProperties *stream,
                                MachineProperties **ret_final, GError **errp)
{
    g_autoptr(MachineProperties) full = machine_config_fill_defaults(stream);
    g_autoptr(JsonNode) local_json = machine_config_to_json(local);
    g_autoptr(JsonNode) full_json = machine_config_to_json(full);
    g_autoptr(JsonNode) final_json = machine_config_to_json(stream);
    g_autoptr(JsonObject) overlay = json_object_new();
    MachineProperties *final;

    if (!reconcile_object(json_node_get_object(local_json),
                          json_node_get_object(full_json), overlay, "",
                          MachineProperties_members, errp)) {
        return false;
    }
    prune_empty(overlay);
    apply_overlay(json_node_get_object(final_json), overlay);
    final = machine_config_from_json(final_json, false, errp);
    if (final == NULL) {
        return false;
    }
    *ret_final = final;
    return true;
}

static bool runs_in_qemu(AccelType t)
{
    return t == ACCEL_TYPE_TCG || t == ACCEL_TYPE_KVM;
}

bool migration_config_check_accel(const MachineProperties *local,
                                  const MachineProperties *stream,
                                  GError **errp)
{
    g_autoptr(MachineProperties) full = machine_config_fill_defaults(stream);
    AccelType theirs = full->accel->type;
    AccelType ours;

    if (local->accel == NULL || !local->accel->has_type) {
        return true;
    }
    ours = local->accel->type;
    if (runs_in_qemu(ours) == runs_in_qemu(theirs)) {
        return true;
    }
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "migration: accel.type: the source's machine is %s "
                "(accel.type '%s') but this destination is set to %s "
                "(accel.type '%s'); the built-in machine and a guest run by "
                "QEMU cannot migrate to each other",
                runs_in_qemu(theirs) ? "run by QEMU" : "the built-in one",
                AccelType_str(theirs),
                runs_in_qemu(ours) ? "run it in QEMU" : "the built-in machine",
                AccelType_str(ours));
    return false;
}

/* ---- the section ---- */

static MigrationConfigApplyFunc apply_fn;

/* Length of the JSON the last save wrote, for the vmdescription. */
static gsize saved_len;
static bool saved;

char *migration_config_encode(gsize *ret_len)
{
    g_autoptr(JsonNode) node = machine_config_to_json(machine_config_get());
    char *text = json_to_string(node, FALSE);

    *ret_len = strlen(text);
    return text;
}

MachineProperties *migration_config_decode(const char *text, gsize len,
                                           GError **errp)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(MachineProperties) stream_cfg = NULL;
    MachineProperties *final = NULL;
    g_autoptr(GError) err = NULL;
    JsonNode *root;

    if (!json_parser_load_from_data(parser, text, (gssize)len, &err)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "invalid JSON: %s",
                    err->message);
        return NULL;
    }
    root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "not a JSON object");
        return NULL;
    }
    stream_cfg = machine_config_from_json(root, false, errp);
    if (stream_cfg == NULL ||
        !migration_config_check_accel(machine_config_get(), stream_cfg, errp) ||
        !migration_config_reconcile(machine_config_get(), stream_cfg, &final,
                                    errp)) {
        return NULL;
    }
    return final;
}

static void config_save(MigStream *s, void *opaque)
{
    gsize len = 0;
    g_autofree char *text = migration_config_encode(&len);

    saved_len = len;
    saved = true;
    mig_stream_put_be32(s, (uint32_t)len);
    mig_stream_put_buffer(s, text, len);
}

static bool config_load(MigStream *s, void *opaque, int version_id)
{
    g_autoptr(MachineProperties) final = NULL;
    g_autoptr(GError) err = NULL;
    const uint8_t *text;
    uint32_t len;

    len = mig_stream_get_be32(s);
    text = mig_stream_get_view(s, len, MIGRATION_CONFIG_MAX_JSON,
                               MIGRATION_CONFIG_SECTION);
    if (text == NULL) {
        return false;
    }
    /* Everything is read: from here on the load acts, exactly once. */
    final = migration_config_decode((const char *)text, len, &err);
    if (final == NULL || (apply_fn != NULL && !apply_fn(final, &err))) {
        if (!g_str_has_prefix(err->message, "migration: ")) {
            g_prefix_error(&err, "%s: ", MIGRATION_CONFIG_SECTION);
        }
        mig_stream_propagate_error(s, g_steal_pointer(&err));
        return false;
    }
    return true;
}

static void config_describe(JsonBuilder *b, void *opaque)
{
    json_builder_set_member_name(b, "vmsd_name");
    json_builder_add_string_value(b, MIGRATION_CONFIG_SECTION);
    json_builder_set_member_name(b, "version");
    json_builder_add_int_value(b, 1);
    /*
     * The wire: a be32 length, then that many bytes of JSON.  A buffer's
     * size is the length written in this stream, as QEMU describes a
     * variable-sized buffer.
     */
    json_builder_set_member_name(b, "fields");
    json_builder_begin_array(b);
    vmstate_describe_field(b, "len", "uint32", 4);
    if (!saved) {
        g_free(migration_config_encode(&saved_len));
    }
    vmstate_describe_field(b, "json", "buffer", saved_len);
    json_builder_end_array(b);
}

static const SaveVMHandlers config_handlers = {
    .save_state = config_save,
    .load_state = config_load,
    .describe = config_describe,
};

bool migration_config_section_register(MigrationConfigApplyFunc apply,
                                       GError **errp)
{
    apply_fn = apply;
    if (savevm_is_registered(MIGRATION_CONFIG_SECTION, 0)) {
        return true;
    }
    return savevm_register(MIGRATION_CONFIG_SECTION, 0, 1,
                           SAVEVM_PRIORITY_CONFIG, &config_handlers, NULL,
                           errp);
}
