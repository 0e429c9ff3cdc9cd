/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The JSON output visitor: turns QAPI C values into a json-glib tree.
 * Members appear in schema order; absent optional members are left out.
 * uint64 values above INT64_MAX are written as their two's-complement
 * (negative) int64, because json-glib has no unsigned 64-bit integers and
 * a double would lose bits; the input visitor, like QEMU's, reads a
 * negative number for a uint64 back as the same value.
 */

#include <json-glib/json-glib.h>

#include "qapi/visitor.h"

/**
 * json_output_visitor_new:
 * @result: where visit_complete(v, result) stores the tree
 *          (transfer full); it must be passed again to visit_complete.
 */
Visitor *json_output_visitor_new(JsonNode **result);
