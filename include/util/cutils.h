/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * String-to-value conversions with QEMU's accepted spellings.
 */

#include "prelude.h"

/**
 * qmpd_parse_bool:
 * Accepts on/yes/true/y and off/no/false/n.  @name is the parameter name
 * used in the error "Parameter 'NAME' expects 'on' or 'off'".
 */
bool qmpd_parse_bool(const char *name, const char *str, bool *ret,
                     GError **errp);

/**
 * qmpd_parse_uint64:
 * Decimal, 0x hex or 0 octal (base 0), no sign, no whitespace, no
 * trailing junk.  @ret is set only on success.
 * Errors: "Parameter 'NAME' expects a number", and "Value 'STR' is too
 * large for parameter 'NAME'" above UINT64_MAX (QEMU's QemuOpts text).
 */
bool qmpd_parse_uint64(const char *name, const char *str, uint64_t *ret,
                       GError **errp);

/**
 * qmpd_parse_int64:
 * As qmpd_parse_uint64, with an optional leading '-'.
 */
bool qmpd_parse_int64(const char *name, const char *str, int64_t *ret,
                      GError **errp);

/**
 * qmpd_parse_size:
 * @default_suffix: multiplier for a bare number (1 for bytes, 1 << 20 for
 *                  -m's MiB default)
 *
 * A number (fractions allowed with a suffix, as QEMU does) with an
 * optional B/K/M/G/T/P/E suffix (powers of 1024, case-insensitive).
 * A leading 0 is decimal here; only 0x selects hex (no fraction then).
 * A fraction must come to whole bytes' worth of a multiplier above 1
 * ("1.5" is fine with a MiB default, "1.5B" is not); it is rounded down.
 * Errors: "Parameter 'NAME' expects a non-negative number below 2^64"
 * (negative, or 2^64 and above), "Parameter 'NAME' expects a size"
 * (anything else malformed; QEMU's optional hint wording dropped).
 */
bool qmpd_parse_size(const char *name, const char *str, uint64_t default_suffix,
                     uint64_t *ret, GError **errp);
