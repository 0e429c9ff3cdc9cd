/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The inside of a Visitor, for visitor implementations only.  Generated
 * code and users go through visitor.h.  Callbacks a visitor type does not
 * need may be NULL where noted.
 */

#include "qapi/visitor.h"

typedef enum VisitorType {
    VISITOR_INPUT = 1,
    VISITOR_OUTPUT = 2,
    VISITOR_DEALLOC = 4,
} VisitorType;

struct Visitor {
    VisitorType type;
    bool keyval; /* input only: scalars arrive as strings */

    bool (*start_struct)(Visitor *v, const char *name, void **obj, size_t size,
                         GError **errp);
    bool (*check_struct)(Visitor *v, GError **errp); /* may be NULL */
    void (*end_struct)(Visitor *v, void **obj);
    bool (*start_list)(Visitor *v, const char *name, GenericList **list,
                       size_t size, GError **errp);
    GenericList *(*next_list)(Visitor *v, GenericList *tail, size_t size);
    bool (*check_list)(Visitor *v, GError **errp); /* may be NULL */
    void (*end_list)(Visitor *v, void **list);
    bool (*start_alternate)(Visitor *v, const char *name,
                            GenericAlternate **obj, size_t size, GError **errp);
    void (*end_alternate)(Visitor *v, void **obj); /* may be NULL */
    bool (*type_int64)(Visitor *v, const char *name, int64_t *obj,
                       GError **errp);
    bool (*type_uint64)(Visitor *v, const char *name, uint64_t *obj,
                        GError **errp);
    bool (*type_size)(Visitor *v, const char *name, uint64_t *obj,
                      GError **errp);
    bool (*type_bool)(Visitor *v, const char *name, bool *obj, GError **errp);
    bool (*type_str)(Visitor *v, const char *name, char **obj, GError **errp);
    bool (*type_number)(Visitor *v, const char *name, double *obj,
                        GError **errp);
    bool (*type_any)(Visitor *v, const char *name, JsonNode **obj,
                     GError **errp);
    bool (*type_null)(Visitor *v, const char *name, JsonNode **obj,
                      GError **errp);
    void (*optional)(Visitor *v, const char *name, bool *present);
    void (*complete)(Visitor *v, void *opaque); /* may be NULL */
    /*
     * The path of member @name for error texts ("smbios.type4.max-speed");
     * may be NULL, in which case the bare name is used.
     */
    const char *(*describe)(Visitor *v, const char *name);
    void (*free)(Visitor *v);
};
