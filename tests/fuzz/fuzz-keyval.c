/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for keyval: the input is one or two option strings
 * separated by a newline; both are parsed and the second merged into the
 * first, which must stay untouched when the merge fails.
 */

#include "prelude.h"

#include <string.h>

#include "fuzz.h"
#include "util/json-writer.h"
#include "util/keyval.h"

static JsonNode *parse(const char *params, GError **errp)
{
    bool help = false;
    JsonNode *node = keyval_parse(params, "type", &help, errp);

    g_assert_true((node == NULL) == (errp && *errp != NULL));
    if (node) {
        g_assert_true(JSON_NODE_HOLDS_OBJECT(node));
    }
    return node;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = g_strndup((const char *)data, size);
    char *second = strchr(text, '\n');
    g_autoptr(GError) err1 = NULL;
    g_autoptr(GError) err2 = NULL;
    g_autoptr(GError) err3 = NULL;
    g_autoptr(JsonNode) a = NULL;
    g_autoptr(JsonNode) b = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;

    if (second) {
        *second++ = '\0';
    }
    a = parse(text, &err1);
    b = parse(second ? second : text, &err2);
    if (!a || !b) {
        return 0;
    }
    before = json_writer_to_string(a);
    if (!keyval_merge(json_node_get_object(a), json_node_get_object(b),
                      &err3)) {
        after = json_writer_to_string(a);
        g_assert_cmpstr(after, ==, before);
    }
    return 0;
}
