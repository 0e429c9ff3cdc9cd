/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON text exactly as QEMU's monitor prints it: ", " and ": " separators,
 * ASCII only, members in insertion order.  Replies are compared byte for
 * byte against QEMU's, which json-glib's generator cannot match.
 */

#include "prelude.h"

#include <math.h>

#include "util/json-writer.h"

static void append_escaped_codepoint(GString *out, gunichar cp)
{
    if (cp > 0xFFFF) {
        gunichar v = cp - 0x10000;

        g_string_append_printf(out, "\\u%04X\\u%04X", 0xD800 + (v >> 10),
                               0xDC00 + (v & 0x3FF));
    } else {
        g_string_append_printf(out, "\\u%04X", cp);
    }
}

void json_writer_append_string(GString *out, const char *str)
{
    const char *p = str;

    g_string_append_c(out, '"');
    while (*p) {
        const char *run = p;
        gunichar cp;

        /* Copy printable ASCII in one go: the common case */
        while (*p >= 0x20 && *p < 0x7F && *p != '"' && *p != '\\') {
            p++;
        }
        g_string_append_len(out, run, p - run);
        if (!*p) {
            break;
        }

        switch (*p) {
        case '"':
            g_string_append(out, "\\\"");
            p++;
            continue;
        case '\\':
            g_string_append(out, "\\\\");
            p++;
            continue;
        case '\b':
            g_string_append(out, "\\b");
            p++;
            continue;
        case '\f':
            g_string_append(out, "\\f");
            p++;
            continue;
        case '\n':
            g_string_append(out, "\\n");
            p++;
            continue;
        case '\r':
            g_string_append(out, "\\r");
            p++;
            continue;
        case '\t':
            g_string_append(out, "\\t");
            p++;
            continue;
        default:
            break;
        }

        cp = g_utf8_get_char_validated(p, -1);
        if (cp == (gunichar)-1 || cp == (gunichar)-2) {
            /* Invalid UTF-8 cannot be represented; show it as U+FFFD */
            append_escaped_codepoint(out, 0xFFFD);
            p++;
        } else {
            append_escaped_codepoint(out, cp);
            p = g_utf8_next_char(p);
        }
    }
    g_string_append_c(out, '"');
}

/*
 * Shortest text that reads back as the same double.  Non-finite values
 * have no JSON spelling; null keeps the output parseable.
 */
static void append_double(GString *out, double d)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    if (!isfinite(d)) {
        g_string_append(out, "null");
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        char fmt[8];

        g_snprintf(fmt, sizeof(fmt), "%%.%dg", prec);
        g_ascii_formatd(buf, sizeof(buf), fmt, d);
        if (g_ascii_strtod(buf, NULL) == d) {
            break;
        }
    }
    g_string_append(out, buf);
}

static void append_value(GString *out, JsonNode *node)
{
    GType type = json_node_get_value_type(node);

    if (type == G_TYPE_STRING) {
        json_writer_append_string(out, json_node_get_string(node));
    } else if (type == G_TYPE_BOOLEAN) {
        g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
    } else if (type == G_TYPE_DOUBLE || type == G_TYPE_FLOAT) {
        append_double(out, json_node_get_double(node));
    } else {
        g_string_append_printf(out, "%" G_GINT64_FORMAT,
                               json_node_get_int(node));
    }
}

static void append_node(GString *out, JsonNode *node, bool compact)
{
    const char *comma = compact ? "," : ", ";
    const char *colon = compact ? ":" : ": ";

    if (!node) {
        g_string_append(out, "null");
        return;
    }

    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        bool first = true;

        g_string_append_c(out, '{');
        json_object_iter_init_ordered(&iter, json_node_get_object(node));
        while (json_object_iter_next_ordered(&iter, &name, &member)) {
            if (!first) {
                g_string_append(out, comma);
            }
            first = false;
            json_writer_append_string(out, name);
            g_string_append(out, colon);
            append_node(out, member, compact);
        }
        g_string_append_c(out, '}');
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *array = json_node_get_array(node);
        guint len = json_array_get_length(array);

        g_string_append_c(out, '[');
        for (guint i = 0; i < len; i++) {
            if (i) {
                g_string_append(out, comma);
            }
            append_node(out, json_array_get_element(array, i), compact);
        }
        g_string_append_c(out, ']');
        break;
    }
    case JSON_NODE_VALUE:
        append_value(out, node);
        break;
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    }
}

void json_writer_append(GString *out, JsonNode *node)
{
    g_return_if_fail(out != NULL);
    append_node(out, node, false);
}

void json_writer_append_compact(GString *out, JsonNode *node)
{
    g_return_if_fail(out != NULL);
    append_node(out, node, true);
}

char *json_writer_to_string(JsonNode *node)
{
    GString *out = g_string_new(NULL);

    json_writer_append(out, node);
    return g_string_free(out, FALSE);
}
