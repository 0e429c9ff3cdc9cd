/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Declarative device state: the one interpreter of VMStateDescription
 * tables, used to save, to load and to describe device state (the JSON
 * vmdescription).  The table format is in include/migration/vmstate.h.
 */

#include "prelude.h"

#include <string.h>

#include "migration/vmstate.h"
#include "util/error.h"

static const char *const type_names[] = {
    [VMSTATE_TYPE_BOOL] = "bool",     [VMSTATE_TYPE_U8] = "uint8",
    [VMSTATE_TYPE_U16] = "uint16",    [VMSTATE_TYPE_U32] = "uint32",
    [VMSTATE_TYPE_U64] = "uint64",    [VMSTATE_TYPE_I8] = "int8",
    [VMSTATE_TYPE_I16] = "int16",     [VMSTATE_TYPE_I32] = "int32",
    [VMSTATE_TYPE_I64] = "int64",     [VMSTATE_TYPE_BUFFER] = "buffer",
    [VMSTATE_TYPE_STRUCT] = "struct",
};

static guint field_count(const VMStateField *f)
{
    return f->num > 0 ? f->num : 1;
}

static void save_element(MigStream *s, const VMStateField *f, void *p)
{
    switch (f->type) {
    case VMSTATE_TYPE_BOOL:
        mig_stream_put_u8(s, *(bool *)p ? 1 : 0);
        break;
    case VMSTATE_TYPE_U8:
    case VMSTATE_TYPE_I8:
        mig_stream_put_u8(s, *(uint8_t *)p);
        break;
    case VMSTATE_TYPE_U16:
    case VMSTATE_TYPE_I16:
        mig_stream_put_be16(s, *(uint16_t *)p);
        break;
    case VMSTATE_TYPE_U32:
    case VMSTATE_TYPE_I32:
        mig_stream_put_be32(s, *(uint32_t *)p);
        break;
    case VMSTATE_TYPE_U64:
    case VMSTATE_TYPE_I64:
        mig_stream_put_be64(s, *(uint64_t *)p);
        break;
    case VMSTATE_TYPE_BUFFER:
        mig_stream_put_buffer(s, p, f->size);
        break;
    case VMSTATE_TYPE_STRUCT:
        vmstate_save(s, f->vmsd, p);
        break;
    }
}

void vmstate_save(MigStream *s, const VMStateDescription *vmsd, void *opaque)
{
    for (const VMStateField *f = vmsd->fields; f && f->name; f++) {
        if (f->version_id > vmsd->version_id) {
            continue;
        }
        for (guint i = 0; i < field_count(f); i++) {
            save_element(s, f, (uint8_t *)opaque + f->offset + i * f->size);
        }
    }
    for (guint i = 0; vmsd->subsections && vmsd->subsections[i]; i++) {
        const VMStateDescription *sub = vmsd->subsections[i];

        if (sub->needed != NULL && !sub->needed(opaque)) {
            continue;
        }
        mig_stream_put_u8(s, VMSTATE_SUBSECTION_MARK);
        mig_stream_put_counted_string(s, sub->name);
        mig_stream_put_be32(s, (uint32_t)sub->version_id);
        vmstate_save(s, sub, opaque);
    }
}

static bool load_element(MigStream *s, const VMStateField *f, void *p)
{
    uint8_t b;

    switch (f->type) {
    case VMSTATE_TYPE_BOOL:
        b = mig_stream_get_u8(s);
        if (!mig_stream_failed(s) && b > 1) {
            mig_stream_set_error(s, "field '%s': invalid boolean %u", f->name,
                                 b);
        }
        if (!mig_stream_failed(s)) {
            *(bool *)p = b;
        }
        break;
    case VMSTATE_TYPE_U8:
    case VMSTATE_TYPE_I8:
        b = mig_stream_get_u8(s);
        if (!mig_stream_failed(s)) {
            *(uint8_t *)p = b;
        }
        break;
    case VMSTATE_TYPE_U16:
    case VMSTATE_TYPE_I16: {
        uint16_t v = mig_stream_get_be16(s);

        if (!mig_stream_failed(s)) {
            *(uint16_t *)p = v;
        }
        break;
    }
    case VMSTATE_TYPE_U32:
    case VMSTATE_TYPE_I32: {
        uint32_t v = mig_stream_get_be32(s);

        if (!mig_stream_failed(s)) {
            *(uint32_t *)p = v;
        }
        break;
    }
    case VMSTATE_TYPE_U64:
    case VMSTATE_TYPE_I64: {
        uint64_t v = mig_stream_get_be64(s);

        if (!mig_stream_failed(s)) {
            *(uint64_t *)p = v;
        }
        break;
    }
    case VMSTATE_TYPE_BUFFER:
        mig_stream_get_buffer(s, p, f->size);
        break;
    case VMSTATE_TYPE_STRUCT:
        vmstate_load(s, f->vmsd, p, f->vmsd->version_id);
        break;
    }
    return !mig_stream_failed(s);
}

static const VMStateDescription *find_subsection(const VMStateDescription *vmsd,
                                                 const char *name)
{
    for (guint i = 0; vmsd->subsections && vmsd->subsections[i]; i++) {
        if (g_str_equal(vmsd->subsections[i]->name, name)) {
            return vmsd->subsections[i];
        }
    }
    return NULL;
}

static bool load_subsections(MigStream *s, const VMStateDescription *vmsd,
                             void *opaque)
{
    while (mig_stream_peek_u8(s) == VMSTATE_SUBSECTION_MARK) {
        g_autofree char *name = NULL;
        const VMStateDescription *sub;
        uint32_t version;

        mig_stream_get_u8(s);
        name = mig_stream_get_counted_string(s, "subsection");
        version = mig_stream_get_be32(s);
        if (mig_stream_failed(s)) {
            return false;
        }
        sub = find_subsection(vmsd, name);
        if (sub == NULL) {
            mig_stream_set_error(s, "VM subsection '%s' in '%s' does not exist",
                                 name, vmsd->name);
            return false;
        }
        if (!vmstate_load(s, sub, opaque, (int)MIN(version, G_MAXINT))) {
            return false;
        }
    }
    return !mig_stream_failed(s);
}

bool vmstate_load(MigStream *s, const VMStateDescription *vmsd, void *opaque,
                  int version_id)
{
    g_autoptr(GError) err = NULL;

    if (mig_stream_failed(s)) {
        return false;
    }
    if (version_id > vmsd->version_id) {
        mig_stream_set_error(s,
                             "%s: incoming version %d is newer than the "
                             "supported version %d",
                             vmsd->name, version_id, vmsd->version_id);
        return false;
    }
    if (version_id < vmsd->minimum_version_id) {
        mig_stream_set_error(s,
                             "%s: incoming version %d is older than the "
                             "oldest supported version %d",
                             vmsd->name, version_id, vmsd->minimum_version_id);
        return false;
    }
    for (const VMStateField *f = vmsd->fields; f && f->name; f++) {
        if (f->version_id > version_id) {
            continue;
        }
        for (guint i = 0; i < field_count(f); i++) {
            if (!load_element(s, f,
                              (uint8_t *)opaque + f->offset + i * f->size)) {
                return false;
            }
        }
    }
    if (!load_subsections(s, vmsd, opaque)) {
        return false;
    }
    if (vmsd->post_load != NULL && !vmsd->post_load(opaque, version_id, &err)) {
        g_prefix_error(&err, "%s: ", vmsd->name);
        mig_stream_propagate_error(s, g_steal_pointer(&err));
        return false;
    }
    return true;
}

void vmstate_describe_field(JsonBuilder *b, const char *name, const char *type,
                            gsize size)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, name);
    json_builder_set_member_name(b, "type");
    json_builder_add_string_value(b, type);
    json_builder_set_member_name(b, "size");
    json_builder_add_int_value(b, (gint64)size);
    json_builder_end_object(b);
}

static void describe_fields(JsonBuilder *b, const VMStateDescription *vmsd)
{
    json_builder_set_member_name(b, "fields");
    json_builder_begin_array(b);
    for (const VMStateField *f = vmsd->fields; f && f->name; f++) {
        if (f->version_id > vmsd->version_id) {
            continue;
        }
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, f->name);
        json_builder_set_member_name(b, "type");
        json_builder_add_string_value(b, type_names[f->type]);
        json_builder_set_member_name(b, "size");
        json_builder_add_int_value(b, (gint64)f->size);
        if (f->num > 0) {
            json_builder_set_member_name(b, "array_len");
            json_builder_add_int_value(b, f->num);
        }
        if (f->type == VMSTATE_TYPE_STRUCT) {
            json_builder_set_member_name(b, "struct");
            json_builder_begin_object(b);
            vmstate_describe(b, f->vmsd, NULL);
            json_builder_end_object(b);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

void vmstate_describe(JsonBuilder *b, const VMStateDescription *vmsd,
                      void *opaque)
{
    bool any = false;

    json_builder_set_member_name(b, "vmsd_name");
    json_builder_add_string_value(b, vmsd->name);
    json_builder_set_member_name(b, "version");
    json_builder_add_int_value(b, vmsd->version_id);
    describe_fields(b, vmsd);
    for (guint i = 0; vmsd->subsections && vmsd->subsections[i]; i++) {
        const VMStateDescription *sub = vmsd->subsections[i];

        if (opaque != NULL && sub->needed != NULL && !sub->needed(opaque)) {
            continue;
        }
        if (!any) {
            json_builder_set_member_name(b, "subsections");
            json_builder_begin_array(b);
            any = true;
        }
        json_builder_begin_object(b);
        vmstate_describe(b, sub, opaque);
        json_builder_end_object(b);
    }
    if (any) {
        json_builder_end_array(b);
    }
}
