/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Deep copies of QAPI values: QAPI_CLONE(Foo, obj) returns a new Foo *
 * equal to @obj (transfer full), or NULL for NULL.  Implemented as an
 * output visit followed by an input visit, so it is meant for
 * configuration-sized values, not hot paths.
 */

#include "qapi/visitor.h"

typedef bool (*QapiVisitFunc)(Visitor *v, const char *name, void **obj,
                              GError **errp);

/** qapi_clone: the untyped core of QAPI_CLONE. */
void *qapi_clone(const void *src, QapiVisitFunc visit);

#define QAPI_CLONE(type, src) \
    ((type *)qapi_clone((src), (QapiVisitFunc)visit_type_##type))

/*
 * QAPI_CLONE_MEMBERS: copies @src's members into the existing struct
 * @dst (which must hold no owned data).
 */
void qapi_clone_members(void *dst, const void *src, size_t size,
                        QapiVisitFunc visit);
#define QAPI_CLONE_MEMBERS(type, dst, src)         \
    qapi_clone_members((dst), (src), sizeof(type), \
                       (QapiVisitFunc)visit_type_##type)
