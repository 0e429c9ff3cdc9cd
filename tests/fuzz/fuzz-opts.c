/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the QemuOpts-style parser and its typed getters.
 */

#include "prelude.h"

#include "fuzz.h"
#include "util/opts.h"

static void exercise(const char *params, const char *implied)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(Opts) opts = opts_parse(params, implied, &err);

    g_assert_true((opts == NULL) == (err != NULL));
    if (!opts) {
        return;
    }
    for (guint i = 0; i < opts->pairs->len; i++) {
        const OptsPair *pair = g_ptr_array_index(opts->pairs, i);
        g_autoptr(GError) e1 = NULL;
        g_autoptr(GError) e2 = NULL;
        g_autoptr(GError) e3 = NULL;
        g_autoptr(GPtrArray) all = opts_get_all(opts, pair->key);
        uint64_t n;
        bool b;

        g_assert_cmpuint(all->len, >, 0);
        g_assert_true(opts_has(opts, pair->key));
        g_assert_true(opts_get_bool(opts, pair->key, false, &b, &e1) ==
                      (e1 == NULL));
        g_assert_true(opts_get_number(opts, pair->key, 0, &n, &e2) ==
                      (e2 == NULL));
        g_assert_true(opts_get_size(opts, pair->key, 0, &n, &e3) ==
                      (e3 == NULL));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *params = g_strndup((const char *)data, size);

    exercise(params, NULL);
    exercise(params, "name");
    return 0;
}
