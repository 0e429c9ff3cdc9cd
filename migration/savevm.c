/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of state sections and the save side of the stream
 * framing: header, CONFIGURATION, FULL sections with footers, EOF and the
 * JSON vmdescription.  The load side is migration/loadvm.c.
 */

#include "prelude.h"

#include <string.h>

#include "migration/savevm-internal.h"
#include "migration/savevm.h"
#include "util/error.h"

static GPtrArray *registry; /* of SaveStateEntry *, in save order */

static void entry_free(gpointer p)
{
    SaveStateEntry *se = p;

    g_free(se->idstr);
    g_free(se);
}

static GPtrArray *get_registry(void)
{
    if (registry == NULL) {
        registry = g_ptr_array_new_with_free_func(entry_free);
    }
    return registry;
}

SaveStateEntry *savevm_find(const char *idstr, uint32_t instance_id)
{
    GPtrArray *r = get_registry();

    for (guint i = 0; i < r->len; i++) {
        SaveStateEntry *se = g_ptr_array_index(r, i);

        if (g_str_equal(se->idstr, idstr) && se->instance_id == instance_id) {
            return se;
        }
    }
    return NULL;
}

bool savevm_is_registered(const char *idstr, uint32_t instance_id)
{
    return savevm_find(idstr, instance_id) != NULL;
}

static bool add_entry(SaveStateEntry *se, GError **errp)
{
    GPtrArray *r = get_registry();
    guint pos = r->len;

    if (strlen(se->idstr) > G_MAXUINT8) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "section name '%s' is longer than 255 bytes", se->idstr);
        entry_free(se);
        return false;
    }
    if (savevm_find(se->idstr, se->instance_id) != NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "section '%s' instance %u is already registered", se->idstr,
                    se->instance_id);
        entry_free(se);
        return false;
    }
    /* Stable: after every entry of the same or higher priority. */
    while (pos > 0 &&
           ((SaveStateEntry *)g_ptr_array_index(r, pos - 1))->priority <
               se->priority) {
        pos--;
    }
    g_ptr_array_insert(r, (gint)pos, se);
    return true;
}

bool savevm_register(const char *idstr, uint32_t instance_id, int version_id,
                     int priority, const SaveVMHandlers *ops, void *opaque,
                     GError **errp)
{
    SaveStateEntry *se = g_new0(SaveStateEntry, 1);

    g_return_val_if_fail(ops != NULL, false);
    se->idstr = g_strdup(idstr);
    se->instance_id = instance_id;
    se->version_id = version_id;
    se->priority = priority;
    se->ops = ops;
    se->opaque = opaque;
    return add_entry(se, errp);
}

bool vmstate_register(const char *idstr, uint32_t instance_id,
                      const VMStateDescription *vmsd, void *opaque,
                      GError **errp)
{
    SaveStateEntry *se = g_new0(SaveStateEntry, 1);

    g_return_val_if_fail(vmsd != NULL, false);
    se->idstr = g_strdup(idstr);
    se->instance_id = instance_id;
    se->version_id = vmsd->version_id;
    se->priority = SAVEVM_PRIORITY_DEFAULT;
    se->vmsd = vmsd;
    se->opaque = opaque;
    return add_entry(se, errp);
}

void savevm_unregister(const char *idstr, uint32_t instance_id)
{
    SaveStateEntry *se = savevm_find(idstr, instance_id);

    if (se != NULL) {
        g_ptr_array_remove(get_registry(), se);
    }
}

void savevm_unregister_all(void)
{
    g_clear_pointer(&registry, g_ptr_array_unref);
}

GPtrArray *savevm_entries(void)
{
    return get_registry();
}

void savevm_entry_save(MigStream *s, SaveStateEntry *se)
{
    if (se->vmsd != NULL) {
        vmstate_save(s, se->vmsd, se->opaque);
    } else {
        se->ops->save_state(s, se->opaque);
    }
}

bool savevm_entry_load(MigStream *s, SaveStateEntry *se, int version_id)
{
    if (se->vmsd != NULL) {
        return vmstate_load(s, se->vmsd, se->opaque, version_id);
    }
    return se->ops->load_state(s, se->opaque, version_id);
}

void savevm_put_header(MigStream *s, const char *machine_class)
{
    gsize len = strlen(machine_class);

    mig_stream_put_be32(s, QEMU_VM_FILE_MAGIC);
    mig_stream_put_be32(s, QEMU_VM_FILE_VERSION);
    mig_stream_put_u8(s, QEMU_VM_CONFIGURATION);
    mig_stream_put_be32(s, (uint32_t)len);
    mig_stream_put_buffer(s, machine_class, len);
}

void savevm_put_command(MigStream *s, uint16_t cmd, const void *data,
                        uint16_t len)
{
    mig_stream_put_u8(s, QEMU_VM_COMMAND);
    mig_stream_put_be16(s, cmd);
    mig_stream_put_be16(s, len);
    mig_stream_put_buffer(s, data, len);
}

static bool is_iterable(const SaveStateEntry *se)
{
    return se->vmsd == NULL && se->ops->save_state == NULL;
}

static void describe_entry(JsonBuilder *b, SaveStateEntry *se)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, se->idstr);
    json_builder_set_member_name(b, "instance_id");
    json_builder_add_int_value(b, se->instance_id);
    if (se->vmsd != NULL) {
        vmstate_describe(b, se->vmsd, se->opaque);
    } else if (se->ops->describe != NULL) {
        se->ops->describe(b, se->opaque);
    }
    json_builder_end_object(b);
}

static void put_vmdesc(MigStream *s, const char *machine_class)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;
    GPtrArray *r = get_registry();
    gsize len = 0;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "page_size");
    json_builder_add_int_value(b, 4096);
    json_builder_set_member_name(b, "configuration");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "vmsd_name");
    json_builder_add_string_value(b, "configuration");
    json_builder_set_member_name(b, "version");
    json_builder_add_int_value(b, 1);
    json_builder_set_member_name(b, "machine");
    json_builder_add_string_value(b, machine_class);
    /* What savevm_put_header() wrote after the 0x07 byte. */
    json_builder_set_member_name(b, "fields");
    json_builder_begin_array(b);
    vmstate_describe_field(b, "len", "uint32", 4);
    vmstate_describe_field(b, "name", "buffer", strlen(machine_class));
    json_builder_end_array(b);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "devices");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->len; i++) {
        SaveStateEntry *se = g_ptr_array_index(r, i);

        /* As in QEMU, iterable sections are not described. */
        if (!is_iterable(se)) {
            describe_entry(b, se);
        }
    }
    json_builder_end_array(b);
    json_builder_end_object(b);

    root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    text = json_generator_to_data(gen, &len);
    mig_stream_put_u8(s, QEMU_VM_VMDESCRIPTION);
    mig_stream_put_be32(s, (uint32_t)len);
    mig_stream_put_buffer(s, text, len);
}

/* Section ids number the registry as it is during this save. */
static uint32_t section_id(SaveStateEntry *se)
{
    GPtrArray *r = get_registry();
    guint i;

    g_assert_true(g_ptr_array_find(r, se, &i));
    return i;
}

static void put_full(MigStream *s, SaveStateEntry *se)
{
    uint32_t id = section_id(se);

    mig_stream_put_u8(s, QEMU_VM_SECTION_FULL);
    mig_stream_put_be32(s, id);
    mig_stream_put_counted_string(s, se->idstr);
    mig_stream_put_be32(s, se->instance_id);
    mig_stream_put_be32(s, (uint32_t)se->version_id);
    savevm_entry_save(s, se);
    mig_stream_put_u8(s, QEMU_VM_SECTION_FOOTER);
    mig_stream_put_be32(s, id);
}

void savevm_put_config_sections(MigStream *s)
{
    GPtrArray *r = get_registry();

    for (guint i = 0; i < r->len; i++) {
        SaveStateEntry *se = g_ptr_array_index(r, i);

        if (se->priority >= SAVEVM_PRIORITY_CONFIG && !is_iterable(se)) {
            put_full(s, se);
        }
    }
}

void savevm_put_device_sections(MigStream *s, const char *machine_class)
{
    GPtrArray *r = get_registry();

    for (guint i = 0; i < r->len; i++) {
        SaveStateEntry *se = g_ptr_array_index(r, i);

        if (se->priority < SAVEVM_PRIORITY_CONFIG && !is_iterable(se)) {
            put_full(s, se);
        }
    }
    mig_stream_put_u8(s, QEMU_VM_EOF);
    put_vmdesc(s, machine_class);
}

void savevm_put_sections(MigStream *s, const char *machine_class)
{
    savevm_put_config_sections(s);
    savevm_put_device_sections(s, machine_class);
}

void savevm_put_section_header(MigStream *s, uint8_t type, const char *idstr,
                               uint32_t instance_id)
{
    SaveStateEntry *se = savevm_find(idstr, instance_id);

    g_return_if_fail(se != NULL);
    mig_stream_put_u8(s, type);
    mig_stream_put_be32(s, section_id(se));
    if (type == QEMU_VM_SECTION_START || type == QEMU_VM_SECTION_FULL) {
        mig_stream_put_counted_string(s, se->idstr);
        mig_stream_put_be32(s, se->instance_id);
        mig_stream_put_be32(s, (uint32_t)se->version_id);
    }
}

void savevm_put_section_footer(MigStream *s, const char *idstr,
                               uint32_t instance_id)
{
    SaveStateEntry *se = savevm_find(idstr, instance_id);

    g_return_if_fail(se != NULL);
    mig_stream_put_u8(s, QEMU_VM_SECTION_FOOTER);
    mig_stream_put_be32(s, section_id(se));
}
