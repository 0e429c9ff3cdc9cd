/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * keyval: dotted key=value lists (-M, -smp, -boot) turned into JSON trees.
 *
 * "a.b=1,a.c.0=x,a.c.1=y" becomes {"a": {"b": "1", "c": ["x", "y"]}}.
 * Every leaf is a JSON string; typed conversion happens in the QAPI input
 * visitor (its keyval mode).  Numeric fragments build arrays and must be
 * gap-free from 0.  Errors follow QEMU's wording.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"

/**
 * keyval_parse:
 * @params: the option text
 * @implied_key: (nullable): key for a first item without '=' (e.g. "type")
 * @ret_help: (out) (optional): set true when "help" or "?" appeared
 *
 * Returns: (transfer full): a JSON object node, or NULL with @errp set
 * (and *@ret_help untouched).  Errors, in QEMU's words: "Invalid parameter
 * 'KEY'" (bad fragment), "Parameter 'KEY' is too long" / "Parameter
 * fragment 'FRAG' is too long" (over 127 characters), "Expected '=' after
 * parameter 'KEY'", "Parameters 'PREFIX.*' used inconsistently" (object
 * vs string, or indexes mixed with names), "Parameter 'KEY.N' missing"
 * (array gap) and, when @ret_help is NULL, "Help is not available for
 * this option".
 */
JsonNode *keyval_parse(const char *params, const char *implied_key,
                       bool *ret_help, GError **errp);

/**
 * keyval_merge:
 * @dest: (inout): object merged into
 * @src: (transfer none): later option; its scalars win, objects merge
 *       recursively, arrays are appended
 *
 * Type clashes fail with "Parameter 'PATH' used inconsistently" and leave
 * @dest unchanged.
 */
bool keyval_merge(JsonObject *dest, JsonObject *src, GError **errp);
