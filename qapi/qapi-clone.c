/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Deep copies of QAPI values (QAPI_CLONE): an output visit into JSON and
 * an input visit back.
 */

#include "prelude.h"

#include "qapi/clone.h"
#include "qapi/json-input-visitor.h"
#include "qapi/json-output-visitor.h"

void *qapi_clone(const void *src, QapiVisitFunc visit)
{
    JsonNode *node = NULL;
    void *copy = NULL;
    void *in = (void *)src;
    Visitor *v;

    if (!src) {
        return NULL;
    }
    v = json_output_visitor_new(&node);
    visit(v, NULL, &in, NULL);
    visit_complete(v, &node);
    visit_free(v);
    v = json_input_visitor_new(node);
    if (!visit(v, NULL, &copy, NULL)) {
        g_assert_not_reached(); /* our own output always reads back */
    }
    visit_free(v);
    json_node_unref(node);
    return copy;
}

void qapi_clone_members(void *dst, const void *src, size_t size,
                        QapiVisitFunc visit)
{
    void *copy = qapi_clone(src, visit);

    memcpy(dst, copy, size);
    g_free(copy);
}
