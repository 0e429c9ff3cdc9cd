/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the cpr-exec hand-over table: the input is a value of
 * QMPD_CPR_EXEC (up to its first NUL, as an environment variable is).
 * An accepted value must encode to a text that decodes to the same
 * entries and encodes the same again; a refused one must leave the
 * entries as they were.  Descriptors are never touched: only the
 * decoder and the encoder run.
 */

#include "prelude.h"

#include "fuzz.h"
#include "util/cpr-state.h"
#include "util/error.h"

/* The decoder refuses empty keys: this entry can only be the one added. */
#define SENTINEL ""

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = g_strndup((const char *)data, size);
    g_autoptr(GError) err = NULL;
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;

    cpr_state_reset();
    cpr_state_add(SENTINEL, "kept");
    if (!cpr_state_decode(text, &err)) {
        g_assert_nonnull(err);
        g_assert_true(g_str_has_prefix(err->message, CPR_STATE_ENV ": "));
        g_assert_cmpstr(cpr_state_get(SENTINEL), ==, "kept");
        cpr_state_reset();
        return 0;
    }
    g_assert_null(err);
    g_assert_null(cpr_state_get(SENTINEL));
    first = cpr_state_encode();
    g_assert_true(cpr_state_decode(first, &err));
    second = cpr_state_encode();
    g_assert_cmpstr(first, ==, second);
    cpr_state_reset();
    return 0;
}
