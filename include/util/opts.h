/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * QemuOpts-style flat option lists: "key=value,key=value" with `,,` as a
 * literal comma, an optional implied first key, and QEMU's error texts.
 *
 * An Opts keeps every key=value pair in command-line order (repeated keys
 * are kept; opts_get() returns the last).  Typed getters convert on demand
 * so that a caller validates exactly the keys it knows.  Nothing here
 * prints: deprecation notices (short-form booleans) are collected in
 * opts->warnings for the caller to report.
 */

#include "prelude.h"

typedef struct OptsPair {
    char *key;
    char *value;
} OptsPair;

typedef struct Opts {
    char *id;            /* the id= value, or NULL */
    GPtrArray *pairs;    /* of OptsPair*, in order, id= excluded */
    GPtrArray *warnings; /* of char*, e.g. short-form boolean notices */
    bool help;           /* "help" or "?" appeared as a key */
} Opts;

void opts_free(Opts *opts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Opts, opts_free)

/**
 * opts_parse:
 * @params: the option text
 * @implied_key: (nullable): key for a first item without '='
 *
 * A later item without '=' is a deprecated short-form boolean: "foo"
 * becomes foo=on and "nofoo" foo=off, with a warning added.
 *
 * Returns: (transfer full): the parsed list or NULL with @errp set
 * (e.g. "Parameter 'id' expects an identifier", empty key errors).
 */
Opts *opts_parse(const char *params, const char *implied_key, GError **errp);

/** opts_get: Returns: (transfer none) (nullable): last value of @key. */
const char *opts_get(const Opts *opts, const char *key);

/** opts_has: @key appeared at least once. */
bool opts_has(const Opts *opts, const char *key);

/**
 * opts_get_all:
 * Returns: (transfer container): every value of @key in order (strings
 * owned by @opts), possibly empty.
 */
GPtrArray *opts_get_all(const Opts *opts, const char *key);

/**
 * opts_check_keys:
 * @allowed: NULL-terminated list of accepted keys
 *
 * Fails with "Invalid parameter 'KEY'" for the first key not in @allowed.
 */
bool opts_check_keys(const Opts *opts, const char *const *allowed,
                     GError **errp);

/**
 * opts_get_bool / opts_get_number / opts_get_size:
 * @def: value used when @key is absent
 * @ret: (out): set only on success
 *
 * Errors: "Parameter 'KEY' expects 'on' or 'off'",
 * "Parameter 'KEY' expects a number", "Parameter 'KEY' expects a
 * non-negative number below 2^64" and the size-suffix errors.
 */
bool opts_get_bool(const Opts *opts, const char *key, bool def, bool *ret,
                   GError **errp);
bool opts_get_number(const Opts *opts, const char *key, uint64_t def,
                     uint64_t *ret, GError **errp);
bool opts_get_size(const Opts *opts, const char *key, uint64_t def,
                   uint64_t *ret, GError **errp);
