/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The JSON output visitor: turns QAPI C values into a json-glib tree.
 * Members appear in schema order; absent optional members are left out.
 *
 * Strict mode: uint64 values above INT64_MAX are written as their
 * two's-complement (negative) int64, because json-glib has no unsigned
 * 64-bit integers and a double would lose bits; the input visitor, like
 * QEMU's, reads a negative number for a uint64 back as the same value.
 * Sizes never take that path: the input visitor keeps them at or below
 * INT64_MAX, and C code must do the same.
 *
 * Keyval mode: every scalar becomes the string the keyval input visitor
 * reads back as the same value: integers in decimal (unsigned ones
 * unsigned, whatever their size), booleans "on"/"off", numbers with
 * enough digits to be exact, null as "".  Rendering an -M option value
 * starts from this tree, so it does not depend on how json-glib holds
 * numbers.
 */

#include <json-glib/json-glib.h>

#include "qapi/visitor.h"

/**
 * json_output_visitor_new:
 * @result: where visit_complete(v, result) stores the tree
 *          (transfer full); it must be passed again to visit_complete.
 */
Visitor *json_output_visitor_new(JsonNode **result);

/**
 * json_output_visitor_new_keyval:
 * @result: as for json_output_visitor_new()
 *
 * Returns: (transfer full): an output visitor whose scalars are keyval
 * text (see above), for json_input_visitor_new_keyval() to read back.
 */
Visitor *json_output_visitor_new_keyval(JsonNode **result);
