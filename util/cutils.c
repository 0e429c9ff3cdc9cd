/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conversions from option text to booleans, integers and byte sizes, with
 * the spellings and error texts QEMU's command line uses.
 */

#include "prelude.h"

#include <errno.h>
#include <string.h>

#include "util/cutils.h"
#include "util/error.h"

bool qmpd_parse_bool(const char *name, const char *str, bool *ret,
                     GError **errp)
{
    static const char *const truths[] = {"on", "yes", "true", "y"};
    static const char *const lies[] = {"off", "no", "false", "n"};

    g_return_val_if_fail(name != NULL && str != NULL && ret != NULL, false);

    for (gsize i = 0; i < G_N_ELEMENTS(truths); i++) {
        if (strcmp(str, truths[i]) == 0) {
            *ret = true;
            return true;
        }
        if (strcmp(str, lies[i]) == 0) {
            *ret = false;
            return true;
        }
    }
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

/*
 * Unsigned magnitude in base 0.  Returns 0 on success, -EINVAL for junk
 * (including any sign or whitespace, which strtoull would quietly accept)
 * and -ERANGE for a well-formed number above UINT64_MAX.
 */
static int parse_magnitude(const char *str, uint64_t *ret)
{
    char *end = NULL;
    guint64 val;

    if (!g_ascii_isdigit(str[0])) {
        return -EINVAL;
    }
    errno = 0;
    val = g_ascii_strtoull(str, &end, 0);
    if (end == str || *end != '\0') {
        return -EINVAL;
    }
    if (errno == ERANGE) {
        return -ERANGE;
    }
    *ret = val;
    return 0;
}

bool qmpd_parse_uint64(const char *name, const char *str, uint64_t *ret,
                       GError **errp)
{
    uint64_t val = 0;
    int rc;

    g_return_val_if_fail(name != NULL && str != NULL && ret != NULL, false);

    rc = parse_magnitude(str, &val);
    if (rc == -ERANGE) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Value '%s' is too large for parameter '%s'", str, name);
        return false;
    }
    if (rc < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter '%s' expects a number", name);
        return false;
    }
    *ret = val;
    return true;
}

bool qmpd_parse_int64(const char *name, const char *str, int64_t *ret,
                      GError **errp)
{
    bool negative = str != NULL && str[0] == '-';
    uint64_t limit, val = 0;
    int rc;

    g_return_val_if_fail(name != NULL && str != NULL && ret != NULL, false);

    rc = parse_magnitude(str + negative, &val);
    limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    if (rc == -ERANGE || (rc == 0 && val > limit)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Value '%s' is too large for parameter '%s'", str, name);
        return false;
    }
    if (rc < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter '%s' expects a number", name);
        return false;
    }
    /* -(INT64_MAX + 1) must not be formed as a positive int64 first */
    *ret = negative ? (int64_t)(0 - val) : (int64_t)val;
    return true;
}

static uint64_t size_suffix_multiplier(char c)
{
    switch (g_ascii_tolower(c)) {
    case 'b':
        return 1;
    case 'k':
        return 1ull << 10;
    case 'm':
        return 1ull << 20;
    case 'g':
        return 1ull << 30;
    case 't':
        return 1ull << 40;
    case 'p':
        return 1ull << 50;
    case 'e':
        return 1ull << 60;
    default:
        return 0;
    }
}

/*
 * Returns 0, -EINVAL (not a size) or -ERANGE (negative or >= 2^64).  Like
 * QEMU, a leading zero does not mean octal here; only 0x selects hex, and
 * hex takes no fraction.
 */
static int parse_size(const char *str, uint64_t default_suffix, uint64_t *ret)
{
    const char *p = str;
    uint64_t integral = 0, mul, frac_part = 0;
    double fraction = 0;
    bool hex;

    if (*p == '-') {
        /* Only a well-formed negative number is a range error */
        return parse_size(p + 1, default_suffix, &integral) == 0 ? -ERANGE
                                                                 : -EINVAL;
    }
    hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    if (hex) {
        p += 2;
        if (!g_ascii_isxdigit(*p)) {
            return -EINVAL;
        }
    } else if (!g_ascii_isdigit(*p)) {
        return -EINVAL;
    }

    while (hex ? g_ascii_isxdigit(*p) : g_ascii_isdigit(*p)) {
        unsigned d = g_ascii_xdigit_value(*p);
        unsigned base = hex ? 16 : 10;

        if (integral > (UINT64_MAX - d) / base) {
            return -ERANGE;
        }
        integral = integral * base + d;
        p++;
    }
    if (!hex && *p == '.') {
        const char *frac = p;

        p++;
        if (!g_ascii_isdigit(*p)) {
            return -EINVAL;
        }
        while (g_ascii_isdigit(*p)) {
            p++;
        }
        fraction = g_ascii_strtod(frac, NULL);
    }

    if (*p == '\0') {
        mul = default_suffix;
    } else {
        mul = size_suffix_multiplier(*p);
        if (mul == 0 || p[1] != '\0') {
            return -EINVAL;
        }
    }
    /* A fraction of a byte is meaningless */
    if (fraction != 0 && mul == 1) {
        return -EINVAL;
    }
    if (mul != 0 && integral > UINT64_MAX / mul) {
        return -ERANGE;
    }
    if (fraction != 0) {
        /* fraction < 1 and mul <= 2^60: truncation rounds down in range */
        frac_part = (uint64_t)(fraction * (double)mul);
    }
    if (integral * mul > UINT64_MAX - frac_part) {
        return -ERANGE;
    }
    *ret = integral * mul + frac_part;
    return 0;
}

bool qmpd_parse_size(const char *name, const char *str, uint64_t default_suffix,
                     uint64_t *ret, GError **errp)
{
    uint64_t val = 0;
    int rc;

    g_return_val_if_fail(name != NULL && str != NULL && ret != NULL, false);
    g_return_val_if_fail(default_suffix != 0, false);

    rc = parse_size(str, default_suffix, &val);
    if (rc == -ERANGE) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter '%s' expects a non-negative number below 2^64",
                    name);
        return false;
    }
    if (rc < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter '%s' expects a size", name);
        return false;
    }
    *ret = val;
    return true;
}
