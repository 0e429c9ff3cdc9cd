/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The "secret" user-creatable object (-object secret,id=ID,data=|file=
 * [,format=raw|base64]): its value is loaded and checked when the object
 * is completed; afterwards its properties cannot change.  Errors at
 * creation: "either 'data' or 'file' must be set", "'data' and 'file'
 * are mutually exclusive", "Unable to read FILE: REASON", "Secret 'X' is
 * not valid base64", and a refusal of keyid= / iv= (encrypted secrets).
 */

#include "prelude.h"
#include "qom/object.h"

#define TYPE_SECRET "secret"

/**
 * secret_get_value:
 *
 * Returns: (transfer full) (nullable): the decoded value of a completed
 * secret, or NULL when @obj is not one.
 */
GBytes *secret_get_value(Object *obj);
