/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * query-qmp-schema: its marshaller is hand-written ('gen': false) so the
 * generated introspection JSON is returned as is, without a round trip
 * through SchemaInfo C values.
 */

#include "prelude.h"

#include "qapi-commands.h"
#include "qapi-introspect.h"
#include "qapi/json-input-visitor.h"

void qmp_marshal_query_qmp_schema(JsonObject *args, JsonNode **ret,
                                  GError **errp)
{
    JsonNode *root = json_node_init_object(json_node_alloc(), args);
    Visitor *v = json_input_visitor_new(root);
    bool ok = false;

    /* no arguments: reject unknown ones with the visitor's error text */
    if (visit_start_struct(v, NULL, NULL, 0, errp)) {
        ok = visit_check_struct(v, errp);
        visit_end_struct(v, NULL);
    }
    visit_free(v);
    json_node_unref(root);
    if (ok) {
        *ret = qmp_schema_introspection();
    }
}
