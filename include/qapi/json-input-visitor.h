/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The JSON input visitor: turns a json-glib tree into QAPI C values.
 *
 * Strict mode (QMP arguments): JSON types must match the schema types.
 * json-glib holds JSON integers as int64: one from 2^63 up arrives as its
 * two's-complement negative value (2^64 and beyond as -1), so a negative
 * integer for a uint64 is read as that unsigned value, which is also
 * QEMU's historic reading of negative numbers.  Integral doubles from
 * 2^63 to below 2^64 (exponent notation) are accepted for uint64 too.
 *
 * Sizes ("size" in the schema) are limited to 0..INT64_MAX in both modes:
 * anything else, a negative JSON integer included, fails with "Parameter
 * 'P' expects a non-negative number below 2^63".  So every size a visitor
 * produces is written back by the output visitor as a plain non-negative
 * integer.
 *
 * Keyval mode (-M a.b=1 and friends, see util/keyval.h): every scalar
 * normally arrives as a JSON string and is converted with QEMU's
 * spellings: integers in base 0, sizes with K/M/G/T/P/E suffixes,
 * booleans on/off/yes/no/true/false/y/n.  Real JSON scalars of the right
 * type are accepted too.  List elements are named "a.0" instead of
 * "a[0]" in errors, as QEMU does.
 *
 * Error texts (member paths are dotted from the root, "[N]" for list
 * elements): "Invalid parameter type for 'P', expected: T" with T one of
 * string, integer, number, boolean, object, array, null;
 * "Parameter 'P' is missing"; "Parameter 'P' is unexpected" (reported
 * after the known members were read); keyval conversions "Parameter 'P'
 * expects integer" / "... expects number" / "... expects size" /
 * "... expects 'on' or 'off'"; "Parameter 'P' expects uint64".
 */

#include <json-glib/json-glib.h>

#include "qapi/visitor.h"

/**
 * json_input_visitor_new:
 * @root: (transfer none): the value to read (the visitor keeps a reference)
 * Returns: (transfer full): a strict-mode input visitor.
 */
Visitor *json_input_visitor_new(JsonNode *root);

/** json_input_visitor_new_keyval: as above, in keyval mode. */
Visitor *json_input_visitor_new_keyval(JsonNode *root);
