/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The visitor contract: one walk over a QAPI value, many meanings.
 *
 * Generated visit_type_Foo() functions describe the shape of each type by
 * calling the visit_* functions below; a Visitor implementation decides
 * what the walk does:
 *
 *   input   (json-input-visitor.h)  builds a C value from a JsonNode;
 *           *obj is allocated and filled; on failure *obj is freed and set
 *           to NULL (or left as the zero value for scalars), @errp set.
 *   output  (json-output-visitor.h) builds a JsonNode from a C value;
 *           never fails.
 *   dealloc (dealloc-visitor.h)     frees a C value; never fails, copes
 *           with values that a failed input visit left half built.
 *
 * Calling sequence for a struct (generated code does exactly this):
 *
 *     visit_start_struct(v, name, (void **)&obj, sizeof(*obj), errp)
 *       visit_type_<member>(v, "member", &obj->member, errp) ...
 *       visit_optional(v, "opt", &has_opt) ? visit_type_...() : skip
 *     visit_check_struct(v, errp)   <- input: rejects unknown members
 *     visit_end_struct(v, (void **)&obj)
 *
 * and for a list:
 *
 *     visit_start_list(v, name, (GenericList **)&list, size, errp)
 *     for (tail = list; tail; tail = visit_next_list(v, tail, size))
 *         visit_type_<elem>(v, NULL, &tail->value, errp)
 *     visit_check_list(v, errp)
 *     visit_end_list(v, (void **)&list)
 *
 * @name is the member name inside a struct and NULL for list elements and
 * the root.  Every function returning bool returns true on success; on
 * failure exactly one error is set and the caller stops the walk, then
 * still calls the matching visit_end_*().  After the root value, call
 * visit_complete() (output) and visit_free().
 *
 * Error texts are QEMU's (docs/devel/qapi-code-gen.md lists them).
 */

#include <json-glib/json-glib.h>

#include "prelude.h"
#include "qapi/util.h"

typedef struct Visitor Visitor;

/* The common head of every generated list node. */
typedef struct GenericList {
    struct GenericList *next;
    char padding[];
} GenericList;

/* The common head of every generated alternate. */
typedef struct GenericAlternate {
    QType type;
    char padding[];
} GenericAlternate;

/** visit_free: frees @v (NULL is ok); never frees the visited value. */
void visit_free(Visitor *v);

/**
 * visit_complete:
 * @opaque: for output visitors, the JsonNode ** given at creation; the
 *          result is stored there (transfer full).
 */
void visit_complete(Visitor *v, void *opaque);

/** visit_is_input: the visitor builds C values (input visitors). */
bool visit_is_input(Visitor *v);
/** visit_is_dealloc: the visitor frees C values. */
bool visit_is_dealloc(Visitor *v);
/** visit_is_keyval: an input visitor in keyval mode (scalars as text). */
bool visit_is_keyval(Visitor *v);

/**
 * visit_start_struct:
 * @obj: (nullable): where the struct lives; input visitors allocate
 *       @size bytes into *@obj.  NULL visits an object whose C members are
 *       stored elsewhere (command arguments, union branches).
 */
bool visit_start_struct(Visitor *v, const char *name, void **obj, size_t size,
                        GError **errp);
/** visit_check_struct: input: fails if the object has unvisited members. */
bool visit_check_struct(Visitor *v, GError **errp);
void visit_end_struct(Visitor *v, void **obj);

/** visit_start_list: input visitors allocate the first node (or NULL). */
bool visit_start_list(Visitor *v, const char *name, GenericList **list,
                      size_t size, GError **errp);
/** visit_next_list: Returns: the node after @tail, NULL at the end. */
GenericList *visit_next_list(Visitor *v, GenericList *tail, size_t size);
bool visit_check_list(Visitor *v, GError **errp);
void visit_end_list(Visitor *v, void **list);

/**
 * visit_start_alternate:
 * Input visitors allocate *@obj and set its type from the JSON type of
 * the value; other visitors leave *@obj alone.
 */
bool visit_start_alternate(Visitor *v, const char *name, GenericAlternate **obj,
                           size_t size, GError **errp);
void visit_end_alternate(Visitor *v, void **obj);

/**
 * visit_optional:
 * @present: (inout): output/dealloc visitors read it; input visitors set
 *           it to whether member @name is present.
 * Returns: *@present after the call.
 */
bool visit_optional(Visitor *v, const char *name, bool *present);

/**
 * visit_type_enum:
 * Input errors: "Parameter 'NAME' does not accept value 'X'" (the bare
 * member name, "null" for list elements, as QEMU words it).
 */
bool visit_type_enum(Visitor *v, const char *name, int *obj,
                     const QEnumLookup *lookup, GError **errp);

/*
 * Built-in types.  Sized integers fail on input with "Parameter 'NAME'
 * expects int8_t" (and so on) when out of range.
 */
bool visit_type_int(Visitor *v, const char *name, int64_t *obj, GError **errp);
bool visit_type_int8(Visitor *v, const char *name, int8_t *obj, GError **errp);
bool visit_type_int16(Visitor *v, const char *name, int16_t *obj,
                      GError **errp);
bool visit_type_int32(Visitor *v, const char *name, int32_t *obj,
                      GError **errp);
bool visit_type_int64(Visitor *v, const char *name, int64_t *obj,
                      GError **errp);
bool visit_type_uint8(Visitor *v, const char *name, uint8_t *obj,
                      GError **errp);
bool visit_type_uint16(Visitor *v, const char *name, uint16_t *obj,
                       GError **errp);
bool visit_type_uint32(Visitor *v, const char *name, uint32_t *obj,
                       GError **errp);
bool visit_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                       GError **errp);
bool visit_type_size(Visitor *v, const char *name, uint64_t *obj,
                     GError **errp);
bool visit_type_bool(Visitor *v, const char *name, bool *obj, GError **errp);
/** visit_type_str: output writes "" for a NULL string, as QEMU does. */
bool visit_type_str(Visitor *v, const char *name, char **obj, GError **errp);
bool visit_type_number(Visitor *v, const char *name, double *obj,
                       GError **errp);
/** visit_type_any: any JSON value, kept as a JsonNode (owned). */
bool visit_type_any(Visitor *v, const char *name, JsonNode **obj,
                    GError **errp);
/** visit_type_null: a JSON null, kept as a JsonNode of type NULL. */
bool visit_type_null(Visitor *v, const char *name, JsonNode **obj,
                     GError **errp);
