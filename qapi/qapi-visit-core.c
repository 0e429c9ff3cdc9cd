/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The visitor front end: dispatch to the Visitor implementation, plus the
 * parts every visitor shares (enums as strings, sized integers as range
 * checks on 64-bit ones).
 */

#include "prelude.h"

#include "qapi/visitor-impl.h"
#include "util/error.h"

void visit_free(Visitor *v)
{
    if (v) {
        v->free(v);
    }
}

void visit_complete(Visitor *v, void *opaque)
{
    g_return_if_fail(v != NULL);
    if (v->complete) {
        v->complete(v, opaque);
    }
}

bool visit_is_input(Visitor *v)
{
    return v->type == VISITOR_INPUT;
}

bool visit_is_dealloc(Visitor *v)
{
    return v->type == VISITOR_DEALLOC;
}

bool visit_is_keyval(Visitor *v)
{
    return v->type == VISITOR_INPUT && v->keyval;
}

bool visit_start_struct(Visitor *v, const char *name, void **obj, size_t size,
                        GError **errp)
{
    return v->start_struct(v, name, obj, size, errp);
}

bool visit_check_struct(Visitor *v, GError **errp)
{
    return v->check_struct ? v->check_struct(v, errp) : true;
}

void visit_end_struct(Visitor *v, void **obj)
{
    v->end_struct(v, obj);
}

bool visit_start_list(Visitor *v, const char *name, GenericList **list,
                      size_t size, GError **errp)
{
    return v->start_list(v, name, list, size, errp);
}

GenericList *visit_next_list(Visitor *v, GenericList *tail, size_t size)
{
    return v->next_list(v, tail, size);
}

bool visit_check_list(Visitor *v, GError **errp)
{
    return v->check_list ? v->check_list(v, errp) : true;
}

void visit_end_list(Visitor *v, void **list)
{
    v->end_list(v, list);
}

bool visit_start_alternate(Visitor *v, const char *name, GenericAlternate **obj,
                           size_t size, GError **errp)
{
    return v->start_alternate(v, name, obj, size, errp);
}

void visit_end_alternate(Visitor *v, void **obj)
{
    if (v->end_alternate) {
        v->end_alternate(v, obj);
    }
}

bool visit_optional(Visitor *v, const char *name, bool *present)
{
    if (v->optional) {
        v->optional(v, name, present);
    }
    return *present;
}

/*
 * How a value error names its parameter.  List elements have no name and
 * read "null", as in QEMU; named members get their whole path, so that
 * an error deep inside a configuration says where it is (QEMU prints the
 * bare member name there).
 */
static const char *param_name(Visitor *v, const char *name)
{
    if (name == NULL) {
        return "null";
    }
    return v->describe != NULL ? v->describe(v, name) : name;
}

bool visit_type_enum(Visitor *v, const char *name, int *obj,
                     const QEnumLookup *lookup, GError **errp)
{
    g_autofree char *str = NULL;
    int i;

    switch (v->type) {
    case VISITOR_INPUT:
        if (!v->type_str(v, name, &str, errp)) {
            return false;
        }
        for (i = 0; i < lookup->size; i++) {
            if (!strcmp(lookup->array[i], str)) {
                *obj = i;
                return true;
            }
        }
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter '%s' does not accept value '%s'",
                    param_name(v, name), str);
        return false;
    case VISITOR_OUTPUT:
        g_return_val_if_fail(*obj >= 0 && *obj < lookup->size, false);
        str = g_strdup(lookup->array[*obj]);
        return v->type_str(v, name, &str, errp);
    default:
        return true;
    }
}

static bool visit_int_range(Visitor *v, const char *name, int64_t *value,
                            int64_t min, int64_t max, const char *type,
                            GError **errp)
{
    if (!v->type_int64(v, name, value, errp)) {
        return false;
    }
    if (v->type == VISITOR_INPUT && (*value < min || *value > max)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter '%s' expects %s", param_name(v, name), type);
        return false;
    }
    return true;
}

static bool visit_uint_range(Visitor *v, const char *name, uint64_t *value,
                             uint64_t max, const char *type, GError **errp)
{
    if (!v->type_uint64(v, name, value, errp)) {
        return false;
    }
    if (v->type == VISITOR_INPUT && *value > max) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter '%s' expects %s", param_name(v, name), type);
        return false;
    }
    return true;
}

#define DEFINE_VISIT_INT(bits)                                           \
    bool visit_type_int##bits(Visitor *v, const char *name,              \
                              int##bits##_t *obj, GError **errp)         \
    {                                                                    \
        int64_t value = *obj;                                            \
        if (!visit_int_range(v, name, &value, INT##bits##_MIN,           \
                             INT##bits##_MAX, "int" #bits "_t", errp)) { \
            return false;                                                \
        }                                                                \
        *obj = value;                                                    \
        return true;                                                     \
    }                                                                    \
    bool visit_type_uint##bits(Visitor *v, const char *name,             \
                               uint##bits##_t *obj, GError **errp)       \
    {                                                                    \
        uint64_t value = *obj;                                           \
        if (!visit_uint_range(v, name, &value, UINT##bits##_MAX,         \
                              "uint" #bits "_t", errp)) {                \
            return false;                                                \
        }                                                                \
        *obj = value;                                                    \
        return true;                                                     \
    }

DEFINE_VISIT_INT(8)
DEFINE_VISIT_INT(16)
DEFINE_VISIT_INT(32)

bool visit_type_int(Visitor *v, const char *name, int64_t *obj, GError **errp)
{
    return v->type_int64(v, name, obj, errp);
}

bool visit_type_int64(Visitor *v, const char *name, int64_t *obj, GError **errp)
{
    return v->type_int64(v, name, obj, errp);
}

bool visit_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                       GError **errp)
{
    return v->type_uint64(v, name, obj, errp);
}

bool visit_type_size(Visitor *v, const char *name, uint64_t *obj, GError **errp)
{
    return v->type_size(v, name, obj, errp);
}

bool visit_type_bool(Visitor *v, const char *name, bool *obj, GError **errp)
{
    return v->type_bool(v, name, obj, errp);
}

bool visit_type_str(Visitor *v, const char *name, char **obj, GError **errp)
{
    return v->type_str(v, name, obj, errp);
}

bool visit_type_number(Visitor *v, const char *name, double *obj, GError **errp)
{
    return v->type_number(v, name, obj, errp);
}

bool visit_type_any(Visitor *v, const char *name, JsonNode **obj, GError **errp)
{
    return v->type_any(v, name, obj, errp);
}

bool visit_type_null(Visitor *v, const char *name, JsonNode **obj,
                     GError **errp)
{
    return v->type_null(v, name, obj, errp);
}
