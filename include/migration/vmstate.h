/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Declarative device state: a VMStateDescription lists a C struct's
 * fields (type, offset, size, first version) and optional subsections.
 * Saving, loading and the JSON "vmdescription" are all derived from it,
 * so they cannot disagree.
 *
 * Contract:
 * - Field data travels big-endian in declaration order, then each needed
 *   subsection as: u8 0x05, u8 name length, name, u32 version, data.
 * - Loading is resumable: it may run again from the start of the section
 *   after a short read (mig-stream.h), so it only assigns fields and runs
 *   post_load once everything was read.
 * - Load errors are latched in the stream (mig_stream_get_error()).
 */

#include <json-glib/json-glib.h>

#include "migration/mig-stream.h"
#include "prelude.h"

/* Subsection marker inside a device's data. */
#define VMSTATE_SUBSECTION_MARK 0x05

typedef enum VMStateType {
    VMSTATE_TYPE_BOOL,
    VMSTATE_TYPE_U8,
    VMSTATE_TYPE_U16,
    VMSTATE_TYPE_U32,
    VMSTATE_TYPE_U64,
    VMSTATE_TYPE_I8,
    VMSTATE_TYPE_I16,
    VMSTATE_TYPE_I32,
    VMSTATE_TYPE_I64,
    VMSTATE_TYPE_BUFFER, /* fixed-size byte array */
    VMSTATE_TYPE_STRUCT, /* a nested description */
} VMStateType;

typedef struct VMStateDescription VMStateDescription;

typedef struct VMStateField {
    const char *name; /* NULL ends the table */
    VMStateType type;
    size_t offset;
    size_t size;    /* one element; for BUFFER the whole buffer */
    uint32_t num;   /* array length; 0 means a single element */
    int version_id; /* first version that carries the field */
    const VMStateDescription *vmsd; /* STRUCT only */
} VMStateField;

struct VMStateDescription {
    const char *name;
    int version_id;
    int minimum_version_id;
    const VMStateField *fields;
    /* NULL-terminated; NULL when there are none */
    const VMStateDescription *const *subsections;
    /* Subsections only: whether to send it (NULL: always). */
    bool (*needed)(void *opaque);
    /* Called after every field was read; may refuse the values. */
    bool (*post_load)(void *opaque, int version_id, GError **errp);
};

/*
 * Field declarations.  A bit-field whose width turns negative on a type
 * mismatch makes the compiler check that the member has the declared C
 * type, at no run-time cost.
 */
#define VMSTATE_CHECK_TYPE_(Struct, field, ctype)                     \
    (0 * sizeof(struct {                                              \
         int type_matches_ : __builtin_types_compatible_p(            \
                                 ctype, typeof(((Struct *)0)->field)) \
                             ? 1                                      \
                             : -1;                                    \
     }))

#define VMSTATE_SCALAR_(Struct, field, vtype, ctype, ver)    \
    {                                                        \
        .name = #field, .type = (vtype),                     \
        .offset = offsetof(Struct, field) +                  \
                  VMSTATE_CHECK_TYPE_(Struct, field, ctype), \
        .size = sizeof(ctype), .version_id = (ver),          \
    }

#define VMSTATE_BOOL_V(f, S, v) \
    VMSTATE_SCALAR_(S, f, VMSTATE_TYPE_BOOL, bool, v)
#define VMSTATE_UINT8_V(f, S, v) \
    VMSTATE_SCALAR_(S, f, VMSTATE_TYPE_U8, uint8_t, v)
#define VMSTATE_UINT16_V(f, S, v) \
    VMSTATE_SCALAR_(S, f, VMSTATE_TYPE_U16, uint16_t, v)
#define VMSTATE_UINT32_V(f, S, v) \
    VMSTATE_SCALAR_(S, f, VMSTATE_TYPE_U32, uint32_t, v)
#define VMSTATE_UINT64_V(f, S, v) \
    VMSTATE_SCALAR_(S, f, VMSTATE_TYPE_U64, uint64_t, v)
#define VMSTATE_INT8_V(f, S, v) \
    VMSTATE_SCALAR_(S, f, VMSTATE_TYPE_I8, int8_t, v)
#define VMSTATE_INT16_V(f, S, v) \
    VMSTATE_SCALAR_(S, f, VMSTATE_TYPE_I16, int16_t, v)
#define VMSTATE_INT32_V(f, S, v) \
    VMSTATE_SCALAR_(S, f, VMSTATE_TYPE_I32, int32_t, v)
#define VMSTATE_INT64_V(f, S, v) \
    VMSTATE_SCALAR_(S, f, VMSTATE_TYPE_I64, int64_t, v)

#define VMSTATE_BOOL(f, S) VMSTATE_BOOL_V(f, S, 0)
#define VMSTATE_UINT8(f, S) VMSTATE_UINT8_V(f, S, 0)
#define VMSTATE_UINT16(f, S) VMSTATE_UINT16_V(f, S, 0)
#define VMSTATE_UINT32(f, S) VMSTATE_UINT32_V(f, S, 0)
#define VMSTATE_UINT64(f, S) VMSTATE_UINT64_V(f, S, 0)
#define VMSTATE_INT8(f, S) VMSTATE_INT8_V(f, S, 0)
#define VMSTATE_INT16(f, S) VMSTATE_INT16_V(f, S, 0)
#define VMSTATE_INT32(f, S) VMSTATE_INT32_V(f, S, 0)
#define VMSTATE_INT64(f, S) VMSTATE_INT64_V(f, S, 0)

/* A fixed array of scalars: uint32_t regs[8] -> VMSTATE_UINT32_ARRAY. */
#define VMSTATE_UINT8_ARRAY(f, S, n)                                      \
    {                                                                     \
        .name = #f, .type = VMSTATE_TYPE_U8,                              \
        .offset = offsetof(S, f) + VMSTATE_CHECK_TYPE_(S, f, uint8_t[n]), \
        .size = sizeof(uint8_t), .num = (n),                              \
    }
#define VMSTATE_UINT32_ARRAY(f, S, n)                                      \
    {                                                                      \
        .name = #f, .type = VMSTATE_TYPE_U32,                              \
        .offset = offsetof(S, f) + VMSTATE_CHECK_TYPE_(S, f, uint32_t[n]), \
        .size = sizeof(uint32_t), .num = (n),                              \
    }

/* Raw bytes: uint8_t buf[N] travels as N bytes. */
#define VMSTATE_BUFFER(f, S)                                               \
    {                                                                      \
        .name = #f, .type = VMSTATE_TYPE_BUFFER, .offset = offsetof(S, f), \
        .size = sizeof(((S *)0)->f),                                       \
    }

/* A member struct of type T described by @desc. */
#define VMSTATE_STRUCT(f, S, desc, T)                            \
    {                                                            \
        .name = #f, .type = VMSTATE_TYPE_STRUCT,                 \
        .offset = offsetof(S, f) + VMSTATE_CHECK_TYPE_(S, f, T), \
        .size = sizeof(T), .vmsd = &(desc),                      \
    }

#define VMSTATE_END_OF_LIST() \
    {                         \
        .name = NULL          \
    }

/**
 * vmstate_save:
 * Writes @opaque's fields, then its needed subsections, as @vmsd says.
 */
void vmstate_save(MigStream *s, const VMStateDescription *vmsd, void *opaque);

/**
 * vmstate_load:
 * @version_id: the version the stream announced for this state
 *
 * Reads fields into @opaque (fields newer than @version_id are skipped),
 * then any subsections, then runs post_load.  Fails on a version outside
 * [minimum_version_id, version_id], an unknown subsection ("VM subsection
 * 'NAME' in 'PARENT' does not exist"), or a refusing post_load.
 *
 * Returns: false when the stream is short or an error was latched.
 */
bool vmstate_load(MigStream *s, const VMStateDescription *vmsd, void *opaque,
                  int version_id);

/**
 * vmstate_describe:
 * Adds the members "vmsd_name", "version", "fields" and (when there are
 * any) "subsections" to the object @b is building, the format QEMU's
 * analyze tools read.  Only subsections @opaque needs are listed.
 */
void vmstate_describe(JsonBuilder *b, const VMStateDescription *vmsd,
                      void *opaque);

/**
 * vmstate_describe_field:
 * @name: the field's name
 * @type: a vmdescription type name ("uint32", "buffer", ...)
 * @size: bytes on the wire (for "buffer", this stream's length)
 *
 * Adds one `{"name", "type", "size"}` object to the open "fields" array
 * of @b, for sections whose wire format is written by hand rather than
 * from a #VMStateDescription.
 */
void vmstate_describe_field(JsonBuilder *b, const char *name, const char *type,
                            gsize size);
