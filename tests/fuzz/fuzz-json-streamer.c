/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for QMP framing: feeds the input in pieces, writes every
 * value back out and checks that the text reads back to the same text.
 */

#include "prelude.h"

#include <string.h>

#include "fuzz.h"
#include "util/json-streamer.h"
#include "util/json-writer.h"

typedef struct FuzzState {
    GPtrArray *texts; /* of char*: writer output of each value */
    guint errors;
} FuzzState;

static void collect_cb(void *opaque, JsonNode *node, const GError *err)
{
    FuzzState *st = opaque;

    if (!node) {
        g_assert_nonnull(err);
        st->errors++;
        return;
    }
    g_assert_null(err);
    g_ptr_array_add(st->texts, json_writer_to_string(node));
    json_node_unref(node);
}

/* Reads @text back: exactly one value, no error; Returns its text */
static char *reread(const char *text)
{
    FuzzState again = {g_ptr_array_new_with_free_func(g_free), 0};
    g_autoptr(JsonStreamer) js = json_streamer_new(collect_cb, &again);
    char *out;

    json_streamer_feed(js, text, strlen(text));
    /* a top-level scalar needs a delimiter to end */
    json_streamer_feed(js, "\n", 1);
    g_assert_cmpuint(again.errors, ==, 0);
    g_assert_cmpuint(again.texts->len, ==, 1);
    out = g_ptr_array_steal_index(again.texts, 0);
    g_ptr_array_unref(again.texts);
    return out;
}

/*
 * The writer's output must be ASCII JSON that reads back.  It may
 * normalize once (-0 and 1.0 print as integers, like QEMU), after which
 * writing is a fixed point.
 */
static void check_round_trip(const char *text)
{
    g_autofree char *once = NULL;
    g_autofree char *twice = NULL;

    for (const char *p = text; *p; p++) {
        g_assert_cmpint((guchar)*p, <, 0x80);
    }
    once = reread(text);
    twice = reread(once);
    g_assert_cmpstr(twice, ==, once);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzState st = {g_ptr_array_new_with_free_func(g_free), 0};
    JsonStreamer *js = json_streamer_new(collect_cb, &st);
    /* the first byte picks the chunk size, so splits get exercised */
    gsize chunk = size ? (data[0] % 17) + 1 : 1;

    for (gsize off = 0; off < size; off += chunk) {
        json_streamer_feed(js, data + off, MIN(chunk, size - off));
    }
    json_streamer_feed(js, "\n", 1);
    json_streamer_free(js);

    for (guint i = 0; i < st.texts->len; i++) {
        check_round_trip(g_ptr_array_index(st.texts, i));
    }
    g_ptr_array_unref(st.texts);
    return 0;
}
