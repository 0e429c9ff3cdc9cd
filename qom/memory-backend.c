/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host memory backends ("memory-backend-ram", "memory-backend-memfd",
 * and "memory-backend-file", which exists to be described but cannot be
 * created): user-creatable objects that record how guest RAM is to be
 * provided.  Allocation is left to the machine.
 */

#include "prelude.h"

#include "qom-internal.h"
#include "qom/memory-backend.h"
#include "qom/object-property.h"
#include "qom/object.h"
#include "qom/user-creatable.h"
#include "util/error.h"

typedef struct MemoryBackend {
    Object parent_obj;
    MemoryBackendInfo info;
    bool complete; /* configuration frozen, as QEMU's allocated RAM is */
    bool mapped;
} MemoryBackend;

typedef struct MemoryBackendClass {
    ObjectClass parent_class;
    MemoryBackendKind kind;
} MemoryBackendClass;

static MemoryBackend *memory_backend_try_cast(Object *obj)
{
    return (MemoryBackend *)object_dynamic_cast(obj, TYPE_MEMORY_BACKEND);
}

#define MEMORY_BACKEND(obj) \
    OBJECT_CHECK(MemoryBackend, obj, TYPE_MEMORY_BACKEND)
#define MEMORY_BACKEND_GET_CLASS(obj) \
    OBJECT_GET_CLASS(MemoryBackendClass, obj, TYPE_MEMORY_BACKEND)

static void set_frozen_error(GError **errp)
{
    g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "cannot change property value");
}

/* ---- sizes ("int" in QEMU's type strings, decoded as uint64) ---- */

static JsonNode *size_get(Object *obj, ObjectProperty *prop, GError **errp)
{
    MemoryBackend *mb = MEMORY_BACKEND(obj);

    return object_property_json_uint(mb->info.size);
}

static bool size_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                     GError **errp)
{
    MemoryBackend *mb = MEMORY_BACKEND(obj);
    uint64_t size;

    if (mb->complete) {
        /* QEMU's text, trailing space included */
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cannot change property %s of %s ", prop->name,
                    object_get_typename(obj));
        return false;
    }
    if (!object_property_parse_uint(prop->name, value, UINT64_MAX, "uint64",
                                    &size, errp)) {
        return false;
    }
    if (size == 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "property '%s' of %s doesn't take value '0'", prop->name,
                    object_get_typename(obj));
        return false;
    }
    mb->info.size = size;
    return true;
}

static JsonNode *hugetlbsize_get(Object *obj, ObjectProperty *prop,
                                 GError **errp)
{
    return object_property_json_uint(MEMORY_BACKEND(obj)->info.hugetlbsize);
}

static bool hugetlbsize_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                            GError **errp)
{
    MemoryBackend *mb = MEMORY_BACKEND(obj);
    uint64_t size;

    if (mb->complete) {
        set_frozen_error(errp);
        return false;
    }
    if (!object_property_parse_uint(prop->name, value, UINT64_MAX, "uint64",
                                    &size, errp)) {
        return false;
    }
    if (size == 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Property '%s.%s' doesn't take value '0'",
                    object_get_typename(obj), prop->name);
        return false;
    }
    mb->info.hugetlbsize = size;
    return true;
}

/* ---- flags ---- */

/*
 * One getter/setter pair serves every boolean: the property's opaque is
 * a BoolField naming the member and whether QEMU refuses changes once
 * the backend is complete.
 */
typedef struct BoolField {
    const char *name;
    const char *description;
    size_t offset; /* in MemoryBackendInfo */
    bool frozen_after_complete;
} BoolField;

static bool *bool_field_ptr(Object *obj, const BoolField *field)
{
    return (bool *)((char *)&MEMORY_BACKEND(obj)->info + field->offset);
}

static JsonNode *flag_get(Object *obj, ObjectProperty *prop, GError **errp)
{
    return json_node_init_boolean(json_node_alloc(),
                                  *bool_field_ptr(obj, prop->opaque));
}

static bool flag_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                     GError **errp)
{
    const BoolField *field = prop->opaque;
    bool v;

    if (field->frozen_after_complete && MEMORY_BACKEND(obj)->complete) {
        set_frozen_error(errp);
        return false;
    }
    if (!object_property_parse_bool(prop->name, value, &v, errp)) {
        return false;
    }
    *bool_field_ptr(obj, field) = v;
    return true;
}

#define BOOL_FIELD(n, member, frozen, desc)                   \
    {                                                         \
        .name = (n), .description = (desc),                   \
        .offset = G_STRUCT_OFFSET(MemoryBackendInfo, member), \
        .frozen_after_complete = (frozen)                     \
    }

static const BoolField backend_flags[] = {
    BOOL_FIELD("share", share, true,
               "Map the memory shared with other processes (MAP_SHARED)"),
    BOOL_FIELD("merge", merge, false,
               "Let the host merge identical pages (KSM)"),
    BOOL_FIELD("dump", dump, false, "Include the memory in core dumps"),
    BOOL_FIELD("prealloc", prealloc, false,
               "Touch every page when the memory is allocated"),
    BOOL_FIELD("reserve", reserve, true,
               "Reserve swap space for the memory (off: MAP_NORESERVE)"),
};

static const BoolField memfd_flags[] = {
    BOOL_FIELD("hugetlb", hugetlb, false, "Back the memory with huge pages"),
    BOOL_FIELD("seal", seal, false, "Seal the memfd so its size cannot change"),
};

static void add_flags(ObjectClass *klass, const BoolField *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ObjectProperty *prop =
            object_class_property_add(klass, fields[i].name, "bool", flag_get,
                                      flag_set, (void *)&fields[i]);

        object_property_set_description(prop, fields[i].description);
    }
}

/* ---- life cycle ---- */

static bool memory_backend_complete(Object *obj, GError **errp)
{
    MemoryBackend *mb = MEMORY_BACKEND(obj);

    if (mb->info.size == 0) {
        g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "can't create backend with size 0");
        return false;
    }
    mb->complete = true;
    return true;
}

static bool memory_backend_can_be_deleted(Object *obj)
{
    return !MEMORY_BACKEND(obj)->mapped;
}

static void memory_backend_instance_init(Object *obj)
{
    MemoryBackend *mb = MEMORY_BACKEND(obj);

    mb->info.kind = MEMORY_BACKEND_GET_CLASS(obj)->kind;
    mb->info.merge = true;
    mb->info.dump = true;
    mb->info.reserve = true;
}

static void memory_backend_class_init(ObjectClass *klass, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(klass);

    ucc->complete = memory_backend_complete;
    ucc->can_be_deleted = memory_backend_can_be_deleted;

    object_property_set_description(object_class_property_add(klass, "size",
                                                              "int", size_get,
                                                              size_set, NULL),
                                    "Size of the memory in bytes");
    add_flags(klass, backend_flags, G_N_ELEMENTS(backend_flags));
}

static void memory_backend_ram_class_init(ObjectClass *klass, const void *data)
{
    ((MemoryBackendClass *)klass)->kind = MEMORY_BACKEND_KIND_RAM;
}

static void memory_backend_memfd_instance_init(Object *obj)
{
    MemoryBackend *mb = MEMORY_BACKEND(obj);

    /* QEMU's memfd defaults: a shared, sealed file */
    mb->info.share = true;
    mb->info.seal = true;
}

static void memory_backend_memfd_class_init(ObjectClass *klass,
                                            const void *data)
{
    ((MemoryBackendClass *)klass)->kind = MEMORY_BACKEND_KIND_MEMFD;
    add_flags(klass, memfd_flags, G_N_ELEMENTS(memfd_flags));
    object_property_set_description(
        object_class_property_add(klass, "hugetlbsize", "int", hugetlbsize_get,
                                  hugetlbsize_set, NULL),
        "Huge page size in bytes");
}

/* ---- memory-backend-file: described, never completed ---- */

typedef struct MemoryBackendFile {
    MemoryBackend parent_obj;
    char *mem_path;
    bool discard_data;
    bool readonly;
    bool pmem;
} MemoryBackendFile;

#define MEMORY_BACKEND_FILE(obj) \
    OBJECT_CHECK(MemoryBackendFile, obj, TYPE_MEMORY_BACKEND_FILE)

static char *file_mem_path_get(Object *obj, GError **errp)
{
    return g_strdup(MEMORY_BACKEND_FILE(obj)->mem_path);
}

static bool file_mem_path_set(Object *obj, const char *value, GError **errp)
{
    MemoryBackendFile *f = MEMORY_BACKEND_FILE(obj);

    g_free(f->mem_path);
    f->mem_path = g_strdup(value);
    return true;
}

#define FILE_FLAG_ACCESSORS(member)                                     \
    static bool file_##member##_get(Object *obj, GError **errp)         \
    {                                                                   \
        return MEMORY_BACKEND_FILE(obj)->member;                        \
    }                                                                   \
    static bool file_##member##_set(Object *obj, bool v, GError **errp) \
    {                                                                   \
        MEMORY_BACKEND_FILE(obj)->member = v;                           \
        return true;                                                    \
    }

FILE_FLAG_ACCESSORS(discard_data)
FILE_FLAG_ACCESSORS(readonly)
FILE_FLAG_ACCESSORS(pmem)

/*
 * qmpd's RAM is anonymous or memfd memory it maps itself, and backends
 * are not handed to QEMU, so a file-backed one would be a promise not
 * kept: the type is listed and described, but creating one fails.
 */
static bool memory_backend_file_complete(Object *obj, GError **errp)
{
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "'%s' is not supported: qmpd backs guest RAM with anonymous "
                "or memfd memory only",
                TYPE_MEMORY_BACKEND_FILE);
    return false;
}

static void memory_backend_file_finalize(Object *obj)
{
    g_free(MEMORY_BACKEND_FILE(obj)->mem_path);
}

static void memory_backend_file_class_init(ObjectClass *klass, const void *data)
{
    ((MemoryBackendClass *)klass)->kind = MEMORY_BACKEND_KIND_RAM;
    USER_CREATABLE_CLASS(klass)->complete = memory_backend_file_complete;
    object_property_set_description(
        object_class_property_add_str(klass, "mem-path", file_mem_path_get,
                                      file_mem_path_set),
        "File (or hugetlbfs directory) backing the memory");
    object_property_set_description(
        object_class_property_add_bool(klass, "discard-data",
                                       file_discard_data_get,
                                       file_discard_data_set),
        "Drop the file's contents when the backend goes away");
    object_property_set_description(
        object_class_property_add_bool(klass, "readonly", file_readonly_get,
                                       file_readonly_set),
        "Map the file read-only");
    object_property_set_description(
        object_class_property_add_bool(klass, "pmem", file_pmem_get,
                                       file_pmem_set),
        "The file is persistent memory");
}

static const InterfaceInfo memory_backend_interfaces[] = {
    {TYPE_USER_CREATABLE},
    {NULL},
};

static const TypeInfo memory_backend_info = {
    .name = TYPE_MEMORY_BACKEND,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(MemoryBackend),
    .instance_init = memory_backend_instance_init,
    .abstract = true,
    .class_size = sizeof(MemoryBackendClass),
    .class_init = memory_backend_class_init,
    .interfaces = memory_backend_interfaces,
};

static const TypeInfo memory_backend_ram_info = {
    .name = TYPE_MEMORY_BACKEND_RAM,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = memory_backend_ram_class_init,
};

static const TypeInfo memory_backend_memfd_info = {
    .name = TYPE_MEMORY_BACKEND_MEMFD,
    .parent = TYPE_MEMORY_BACKEND,
    .instance_init = memory_backend_memfd_instance_init,
    .class_init = memory_backend_memfd_class_init,
};

static const TypeInfo memory_backend_file_info = {
    .name = TYPE_MEMORY_BACKEND_FILE,
    .parent = TYPE_MEMORY_BACKEND,
    .instance_size = sizeof(MemoryBackendFile),
    .instance_finalize = memory_backend_file_finalize,
    .class_init = memory_backend_file_class_init,
};

void memory_backend_register_types(void)
{
    type_register_static(&memory_backend_info);
    type_register_static(&memory_backend_ram_info);
    type_register_static(&memory_backend_memfd_info);
    type_register_static(&memory_backend_file_info);
}

/* ---- accessors ---- */

bool memory_backend_get_info(Object *obj, MemoryBackendInfo *ret_info)
{
    MemoryBackend *mb = memory_backend_try_cast(obj);

    g_return_val_if_fail(ret_info != NULL, false);
    if (!mb) {
        return false;
    }
    *ret_info = mb->info;
    return true;
}

bool memory_backend_is_complete(Object *obj)
{
    MemoryBackend *mb = memory_backend_try_cast(obj);

    return mb && mb->complete;
}

void memory_backend_set_mapped(Object *obj, bool mapped)
{
    MemoryBackend *mb = memory_backend_try_cast(obj);

    g_return_if_fail(mb != NULL);
    mb->mapped = mapped;
}

bool memory_backend_is_mapped(Object *obj)
{
    MemoryBackend *mb = memory_backend_try_cast(obj);

    return mb && mb->mapped;
}
