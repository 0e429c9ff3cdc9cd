/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * JSON text in QEMU's QMP output style: `{"a": 1, "b": [1, 2]}` (a space
 * after ':' and ','), pure ASCII (non-ASCII and control characters as
 * \uXXXX escapes, surrogate pairs above U+FFFF), member order preserved.
 * json-glib's generator has neither that spacing nor ASCII escaping.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"

/** json_writer_append: appends @node as JSON text to @out. */
void json_writer_append(GString *out, JsonNode *node);

/**
 * json_writer_append_string: appends @str as a JSON string (quoted and
 * escaped as json_writer_append() writes strings).
 */
void json_writer_append_string(GString *out, const char *str);

/**
 * json_writer_append_compact: appends @node without the spaces after ':'
 * and ',', for peers that pay per byte read (QEMU's monitor).
 */
void json_writer_append_compact(GString *out, JsonNode *node);

/** json_writer_to_string: Returns: (transfer full): @node as text. */
char *json_writer_to_string(JsonNode *node);
