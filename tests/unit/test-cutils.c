/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the bool/number/size conversions in util/cutils.c.
 */

#include "prelude.h"

#include "util/cutils.h"
#include "util/error.h"

#define UNTOUCHED 0xdeadbeefull

typedef struct BoolCase {
    const char *str;
    bool ok;
    bool value;
} BoolCase;

static void test_bool(void)
{
    static const BoolCase cases[] = {
        {"on", true, true},     {"yes", true, true},      {"true", true, true},
        {"y", true, true},      {"off", true, false},     {"no", true, false},
        {"false", true, false}, {"n", true, false},       {"", false, false},
        {"ON", false, false},   {"1", false, false},      {"0", false, false},
        {"on ", false, false},  {"enable", false, false},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        bool val = !cases[i].value;
        bool before = val;
        bool ok = qmpd_parse_bool("flag", cases[i].str, &val, &err);

        g_test_message("bool '%s'", cases[i].str);
        g_assert_cmpint(ok, ==, cases[i].ok);
        if (ok) {
            g_assert_no_error(err);
            g_assert_cmpint(val, ==, cases[i].value);
        } else {
            g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
            g_assert_cmpstr(err->message, ==,
                            "Parameter 'flag' expects 'on' or 'off'");
            g_assert_cmpint(val, ==, before);
        }
    }
}

typedef struct NumCase {
    const char *str;
    const char *error; /* NULL: success */
    uint64_t value;
} NumCase;

static void test_uint64(void)
{
    static const NumCase cases[] = {
        {"0", NULL, 0},
        {"42", NULL, 42},
        {"0x1f", NULL, 31},
        {"0X1F", NULL, 31},
        {"010", NULL, 8},
        {"18446744073709551615", NULL, UINT64_MAX},
        {"18446744073709551616",
         "Value '18446744073709551616' is too large for parameter 'n'", 0},
        {"99999999999999999999999",
         "Value '99999999999999999999999' is too large for parameter 'n'", 0},
        {"", "Parameter 'n' expects a number", 0},
        {"-1", "Parameter 'n' expects a number", 0},
        {"+1", "Parameter 'n' expects a number", 0},
        {" 1", "Parameter 'n' expects a number", 0},
        {"1 ", "Parameter 'n' expects a number", 0},
        {"12abc", "Parameter 'n' expects a number", 0},
        {"0x", "Parameter 'n' expects a number", 0},
        {"08", "Parameter 'n' expects a number", 0},
        {"1k", "Parameter 'n' expects a number", 0},
        {"\xc3\xa9", "Parameter 'n' expects a number", 0},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        uint64_t val = UNTOUCHED;
        bool ok = qmpd_parse_uint64("n", cases[i].str, &val, &err);

        g_test_message("uint64 '%s'", cases[i].str);
        if (!cases[i].error) {
            g_assert_no_error(err);
            g_assert_true(ok);
            g_assert_cmpuint(val, ==, cases[i].value);
        } else {
            g_assert_false(ok);
            g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
            g_assert_cmpstr(err->message, ==, cases[i].error);
            g_assert_cmpuint(val, ==, UNTOUCHED);
        }
    }
}

typedef struct IntCase {
    const char *str;
    const char *error;
    int64_t value;
} IntCase;

static void test_int64(void)
{
    static const IntCase cases[] = {
        {"0", NULL, 0},
        {"-0", NULL, 0},
        {"-42", NULL, -42},
        {"-0x10", NULL, -16},
        {"9223372036854775807", NULL, INT64_MAX},
        {"-9223372036854775808", NULL, INT64_MIN},
        {"9223372036854775808",
         "Value '9223372036854775808' is too large for parameter 'i'", 0},
        {"-9223372036854775809",
         "Value '-9223372036854775809' is too large for parameter 'i'", 0},
        {"-", "Parameter 'i' expects a number", 0},
        {"--1", "Parameter 'i' expects a number", 0},
        {"- 1", "Parameter 'i' expects a number", 0},
        {"", "Parameter 'i' expects a number", 0},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        int64_t val = 12345;
        bool ok = qmpd_parse_int64("i", cases[i].str, &val, &err);

        g_test_message("int64 '%s'", cases[i].str);
        if (!cases[i].error) {
            g_assert_no_error(err);
            g_assert_true(ok);
            g_assert_cmpint(val, ==, cases[i].value);
        } else {
            g_assert_false(ok);
            g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
            g_assert_cmpstr(err->message, ==, cases[i].error);
            g_assert_cmpint(val, ==, 12345);
        }
    }
}

typedef struct SizeCase {
    const char *str;
    uint64_t default_suffix;
    const char *error;
    uint64_t value;
} SizeCase;

#define RANGE_ERR "Parameter 'size' expects a non-negative number below 2^64"
#define SIZE_ERR "Parameter 'size' expects a size"

static void test_size(void)
{
    static const SizeCase cases[] = {
        {"0", 1, NULL, 0},
        {"512", 1, NULL, 512},
        {"512B", 1, NULL, 512},
        {"1b", 1, NULL, 1},
        {"1k", 1, NULL, 1024},
        {"1K", 1, NULL, 1024},
        {"2M", 1, NULL, 2u << 20},
        {"1g", 1, NULL, 1ull << 30},
        {"1T", 1, NULL, 1ull << 40},
        {"1P", 1, NULL, 1ull << 50},
        {"1E", 1, NULL, 1ull << 60},
        {"15E", 1, NULL, 15ull << 60},
        {"1.5G", 1, NULL, 3ull << 29},
        {"0.5k", 1, NULL, 512},
        {"1.0", 1, NULL, 1},
        {"0x10", 1, NULL, 16},
        {"0x10k", 1, NULL, 16384},
        {"010", 1, NULL, 10},
        {"128", 1u << 20, NULL, 128ull << 20},
        {"1.5", 1u << 20, NULL, 3ull << 19},
        {"1G", 1u << 20, NULL, 1ull << 30},
        {"18446744073709551615", 1, NULL, UINT64_MAX},
        {"16E", 1, RANGE_ERR, 0},
        {"18446744073709551616", 1, RANGE_ERR, 0},
        {"17179869184G", 1, RANGE_ERR, 0},
        {"-1", 1, RANGE_ERR, 0},
        {"-1k", 1, RANGE_ERR, 0},
        {"-", 1, SIZE_ERR, 0},
        {"", 1, SIZE_ERR, 0},
        {"k", 1, SIZE_ERR, 0},
        {"1.5", 1, SIZE_ERR, 0},
        {"1.5B", 1, SIZE_ERR, 0},
        {"1.", 1, SIZE_ERR, 0},
        {".5k", 1, SIZE_ERR, 0},
        {"1x", 1, SIZE_ERR, 0},
        {"1kB", 1, SIZE_ERR, 0},
        {"1 k", 1, SIZE_ERR, 0},
        {"0x1.8k", 1, SIZE_ERR, 0},
        {"0x", 1, SIZE_ERR, 0},
        {"1e3", 1, SIZE_ERR, 0},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        uint64_t val = UNTOUCHED;
        bool ok = qmpd_parse_size("size", cases[i].str, cases[i].default_suffix,
                                  &val, &err);

        g_test_message("size '%s'", cases[i].str);
        if (!cases[i].error) {
            g_assert_no_error(err);
            g_assert_true(ok);
            g_assert_cmpuint(val, ==, cases[i].value);
        } else {
            g_assert_false(ok);
            g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
            g_assert_cmpstr(err->message, ==, cases[i].error);
            g_assert_cmpuint(val, ==, UNTOUCHED);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/cutils/bool", test_bool);
    g_test_add_func("/util/cutils/uint64", test_uint64);
    g_test_add_func("/util/cutils/int64", test_int64);
    g_test_add_func("/util/cutils/size", test_size);
    return g_test_run();
}
