/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the QemuOpts-style parser in util/opts.c.
 */

#include "prelude.h"

#include "util/error.h"
#include "util/opts.h"

/*
 * @pairs: the parsed pairs as "k=v|k=v" ("" for none)
 * @warnings: "|"-joined warnings
 */
typedef struct ParseCase {
    const char *params;
    const char *implied;
    const char *error; /* NULL: success */
    const char *pairs;
    const char *id;
    bool help;
    const char *warnings;
} ParseCase;

static char *join_pairs(const Opts *opts)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < opts->pairs->len; i++) {
        const OptsPair *pair = g_ptr_array_index(opts->pairs, i);

        g_string_append_printf(s, "%s%s=%s", i ? "|" : "", pair->key,
                               pair->value);
    }
    return g_string_free(s, FALSE);
}

static char *join_warnings(const Opts *opts)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < opts->warnings->len; i++) {
        g_string_append_printf(s, "%s%s", i ? "|" : "",
                               (char *)g_ptr_array_index(opts->warnings, i));
    }
    return g_string_free(s, FALSE);
}

#define SFB(x) "short-form boolean option '" x "' deprecated"

static void test_parse(void)
{
    static const ParseCase cases[] = {
        {"", NULL, NULL, "", NULL, false, ""},
        {"a=1", NULL, NULL, "a=1", NULL, false, ""},
        {"a=1,b=2", NULL, NULL, "a=1|b=2", NULL, false, ""},
        {"a=1,", NULL, NULL, "a=1", NULL, false, ""},
        {"a=", NULL, NULL, "a=", NULL, false, ""},
        {"a=x,,y", NULL, NULL, "a=x,y", NULL, false, ""},
        {"a=x,,,b=2", NULL, NULL, "a=x,|b=2", NULL, false, ""},
        {"a=,,,,", NULL, NULL, "a=,,", NULL, false, ""},
        {"a=x=y", NULL, NULL, "a=x=y", NULL, false, ""},
        {"a=1,a=2", NULL, NULL, "a=1|a=2", NULL, false, ""},
        {"opt/x,string=y", "name", NULL, "name=opt/x|string=y", NULL, false,
         ""},
        {"p,,q,r=1", "name", NULL, "name=p,q|r=1", NULL, false, ""},
        {",a=1", "name", NULL, "name=|a=1", NULL, false, ""},
        {"a=1,b", "name", NULL, "a=1|b=on", NULL, false, SFB("b")},
        {"utc", NULL, NULL, "utc=on", NULL, false, SFB("utc")},
        {"a=1,nofoo,bar", NULL, NULL, "a=1|foo=off|bar=on", NULL, false,
         SFB("nofoo") "|" SFB("bar")},
        {"help", NULL, NULL, "", NULL, true, ""},
        {"?", NULL, NULL, "", NULL, true, ""},
        {"help", "name", NULL, "", NULL, true, ""},
        {"a=1,help,b=2", NULL, NULL, "a=1|b=2", NULL, true, ""},
        {"help=1", NULL, NULL, "help=1", NULL, false, ""},
        {"id=x0,a=1", NULL, NULL, "a=1", "x0", false, ""},
        {"a=1,id=n.e-t_1", NULL, NULL, "a=1", "n.e-t_1", false, ""},
        {"id=a,id=b", NULL, NULL, "", "b", false, ""},
        {"id=0x", NULL, "Parameter 'id' expects an identifier", NULL, NULL,
         false, NULL},
        {"id=", NULL, "Parameter 'id' expects an identifier", NULL, NULL, false,
         NULL},
        {"a=1,id=a b", NULL, "Parameter 'id' expects an identifier", NULL, NULL,
         false, NULL},
        {"id=a,,b", NULL, "Parameter 'id' expects an identifier", NULL, NULL,
         false, NULL},
        {"=1", NULL, "Invalid parameter ''", NULL, NULL, false, NULL},
        {",a=1", NULL, "Invalid parameter ''", NULL, NULL, false, NULL},
        {"a=1,no", NULL, "Invalid parameter ''", NULL, NULL, false, NULL},
        {"\xc3\xa9=\xe2\x82\xac", NULL, NULL, "\xc3\xa9=\xe2\x82\xac", NULL,
         false, ""},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        const ParseCase *c = &cases[i];
        g_autoptr(GError) err = NULL;
        g_autoptr(Opts) opts = NULL;
        g_autofree char *pairs = NULL;
        g_autofree char *warnings = NULL;

        g_test_message("opts '%s'", c->params);
        opts = opts_parse(c->params, c->implied, &err);
        if (c->error) {
            g_assert_null(opts);
            g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
            g_assert_cmpstr(err->message, ==, c->error);
            continue;
        }
        g_assert_no_error(err);
        g_assert_nonnull(opts);
        pairs = join_pairs(opts);
        warnings = join_warnings(opts);
        g_assert_cmpstr(pairs, ==, c->pairs);
        g_assert_cmpstr(opts->id, ==, c->id);
        g_assert_cmpint(opts->help, ==, c->help);
        g_assert_cmpstr(warnings, ==, c->warnings);
    }
}

static void test_get(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(Opts) opts = opts_parse("a=1,b=x,a=2,c=", NULL, &err);
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GPtrArray) none = NULL;

    g_assert_no_error(err);
    g_assert_cmpstr(opts_get(opts, "a"), ==, "2");
    g_assert_cmpstr(opts_get(opts, "b"), ==, "x");
    g_assert_cmpstr(opts_get(opts, "c"), ==, "");
    g_assert_null(opts_get(opts, "d"));
    g_assert_true(opts_has(opts, "c"));
    g_assert_false(opts_has(opts, "d"));

    all = opts_get_all(opts, "a");
    g_assert_cmpuint(all->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(all, 0), ==, "1");
    g_assert_cmpstr(g_ptr_array_index(all, 1), ==, "2");
    none = opts_get_all(opts, "zz");
    g_assert_cmpuint(none->len, ==, 0);
}

static void test_check_keys(void)
{
    static const char *const allowed[] = {"a", "b", NULL};
    g_autoptr(GError) err = NULL;
    g_autoptr(Opts) good = opts_parse("a=1,b=2,id=x", NULL, &err);
    g_autoptr(Opts) bad = opts_parse("a=1,utc,c=3", NULL, &err);

    g_assert_no_error(err);
    g_assert_true(opts_check_keys(good, allowed, &err));
    g_assert_no_error(err);
    g_assert_false(opts_check_keys(bad, allowed, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "Invalid parameter 'utc'");
}

typedef struct GetterCase {
    const char *params;
    const char *error; /* NULL: success */
    uint64_t value;
} GetterCase;

static void test_typed_getters(void)
{
    static const GetterCase bools[] = {
        {"k=on", NULL, 1},
        {"k=no", NULL, 0},
        {"k", NULL, 1},
        {"nok", NULL, 0},
        {"x=1", NULL, 7}, /* absent: the default */
        {"k=1", "Parameter 'k' expects 'on' or 'off'", 0},
    };
    static const GetterCase numbers[] = {
        {"k=10", NULL, 10},
        {"k=0x10", NULL, 16},
        {"x=1", NULL, 7},
        {"k=1k", "Parameter 'k' expects a number", 0},
        {"k=", "Parameter 'k' expects a number", 0},
        {"k=99999999999999999999",
         "Value '99999999999999999999' is too large for parameter 'k'", 0},
    };
    static const GetterCase sizes[] = {
        {"k=4k", NULL, 4096},
        {"k=1.5M", NULL, 3u << 19},
        {"x=1", NULL, 7},
        {"k=-1", "Parameter 'k' expects a non-negative number below 2^64", 0},
        {"k=4q", "Parameter 'k' expects a size", 0},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(bools); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(Opts) opts = opts_parse(bools[i].params, NULL, &err);
        bool val = true;
        bool ok;

        g_assert_no_error(err);
        ok = opts_get_bool(opts, "k", true, &val, &err);
        g_test_message("bool getter '%s'", bools[i].params);
        if (bools[i].error) {
            g_assert_false(ok);
            g_assert_cmpstr(err->message, ==, bools[i].error);
            g_assert_true(val);
        } else {
            g_assert_true(ok);
            g_assert_cmpint(val, ==, bools[i].value != 0);
        }
    }
    for (gsize i = 0; i < G_N_ELEMENTS(numbers); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(Opts) opts = opts_parse(numbers[i].params, NULL, &err);
        uint64_t val = 99;
        bool ok;

        g_assert_no_error(err);
        ok = opts_get_number(opts, "k", 7, &val, &err);
        g_test_message("number getter '%s'", numbers[i].params);
        if (numbers[i].error) {
            g_assert_false(ok);
            g_assert_cmpstr(err->message, ==, numbers[i].error);
            g_assert_cmpuint(val, ==, 99);
        } else {
            g_assert_no_error(err);
            g_assert_cmpuint(val, ==, numbers[i].value);
        }
    }
    for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(Opts) opts = opts_parse(sizes[i].params, NULL, &err);
        uint64_t val = 99;
        bool ok;

        g_assert_no_error(err);
        ok = opts_get_size(opts, "k", 7, &val, &err);
        g_test_message("size getter '%s'", sizes[i].params);
        if (sizes[i].error) {
            g_assert_false(ok);
            g_assert_cmpstr(err->message, ==, sizes[i].error);
            g_assert_cmpuint(val, ==, 99);
        } else {
            g_assert_no_error(err);
            g_assert_cmpuint(val, ==, sizes[i].value);
        }
    }
}

static void test_huge(void)
{
    g_autoptr(GString) params = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(Opts) opts = NULL;

    for (int i = 0; i < 10000; i++) {
        g_string_append_printf(params, "k%d=%d,,v,", i, i);
    }
    opts = opts_parse(params->str, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(opts->pairs->len, ==, 10000);
    g_assert_cmpstr(opts_get(opts, "k9999"), ==, "9999,v");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/opts/parse", test_parse);
    g_test_add_func("/util/opts/get", test_get);
    g_test_add_func("/util/opts/check-keys", test_check_keys);
    g_test_add_func("/util/opts/typed-getters", test_typed_getters);
    g_test_add_func("/util/opts/huge", test_huge);
    return g_test_run();
}
