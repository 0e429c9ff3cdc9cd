/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dealloc visitor: frees every allocation a QAPI value owns.  It
 * never fails and tolerates NULL members left by a failed input visit.
 */

#include "prelude.h"

#include "qapi/dealloc-visitor.h"
#include "qapi/visitor-impl.h"

static bool dealloc_start_struct(Visitor *v, const char *name, void **obj,
                                 size_t size, GError **errp)
{
    return true;
}

static void dealloc_end_struct(Visitor *v, void **obj)
{
    if (obj) {
        g_clear_pointer(obj, g_free);
    }
}

static bool dealloc_start_list(Visitor *v, const char *name, GenericList **list,
                               size_t size, GError **errp)
{
    return true;
}

static GenericList *dealloc_next_list(Visitor *v, GenericList *tail,
                                      size_t size)
{
    GenericList *next = tail->next;

    g_free(tail);
    return next;
}

static void dealloc_end_list(Visitor *v, void **list)
{
    /* next_list freed every node; the head pointer is now dangling */
    if (list) {
        *list = NULL;
    }
}

static bool dealloc_start_alternate(Visitor *v, const char *name,
                                    GenericAlternate **obj, size_t size,
                                    GError **errp)
{
    return true;
}

static void dealloc_end_alternate(Visitor *v, void **obj)
{
    if (obj) {
        g_clear_pointer(obj, g_free);
    }
}

static bool dealloc_type_int64(Visitor *v, const char *name, int64_t *obj,
                               GError **errp)
{
    return true;
}

static bool dealloc_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                                GError **errp)
{
    return true;
}

static bool dealloc_type_bool(Visitor *v, const char *name, bool *obj,
                              GError **errp)
{
    return true;
}

static bool dealloc_type_str(Visitor *v, const char *name, char **obj,
                             GError **errp)
{
    g_clear_pointer(obj, g_free);
    return true;
}

static bool dealloc_type_number(Visitor *v, const char *name, double *obj,
                                GError **errp)
{
    return true;
}

static bool dealloc_type_node(Visitor *v, const char *name, JsonNode **obj,
                              GError **errp)
{
    g_clear_pointer(obj, json_node_unref);
    return true;
}

static void dealloc_free(Visitor *v)
{
    g_free(v);
}

Visitor *qapi_dealloc_visitor_new(void)
{
    Visitor *v = g_new0(Visitor, 1);

    v->type = VISITOR_DEALLOC;
    v->start_struct = dealloc_start_struct;
    v->end_struct = dealloc_end_struct;
    v->start_list = dealloc_start_list;
    v->next_list = dealloc_next_list;
    v->end_list = dealloc_end_list;
    v->start_alternate = dealloc_start_alternate;
    v->end_alternate = dealloc_end_alternate;
    v->type_int64 = dealloc_type_int64;
    v->type_uint64 = dealloc_type_uint64;
    v->type_size = dealloc_type_uint64;
    v->type_bool = dealloc_type_bool;
    v->type_str = dealloc_type_str;
    v->type_number = dealloc_type_number;
    v->type_any = dealloc_type_node;
    v->type_null = dealloc_type_node;
    v->free = dealloc_free;
    return v;
}
