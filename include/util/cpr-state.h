/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What cpr-exec carries across execve(): a set of KEY=VALUE entries,
 * some of them descriptors, encoded in one environment variable
 * (CPR_STATE_ENV, format in docs/system/cpr.md).  The source fills it
 * and execs; the new process loads it at start-up, and each layer takes
 * the entries it knows (a RAM block's memfd, a chardev's sockets).
 */

#include "prelude.h"

#define CPR_STATE_ENV "QMPD_CPR_EXEC"
/* Present when QEMU runs the guest: the layers that adopt it look here. */
#define CPR_STATE_KEY_QEMU_PID "qemu-pid"

/** cpr_state_reset: forgets every entry (descriptors stay open). */
void cpr_state_reset(void);

/** cpr_state_add: records @key = @value (replacing an earlier one). */
void cpr_state_add(const char *key, const char *value);

/**
 * cpr_state_add_fd:
 * Records @key = @fd; cpr_state_set_inherit() then clears FD_CLOEXEC on
 * it, and only on the descriptors recorded so.
 */
void cpr_state_add_fd(const char *key, int fd);

/**
 * cpr_state_set_inherit:
 * Clears (@inherit) or sets again FD_CLOEXEC on every recorded
 * descriptor.  Returns: false, with @errp set, if one could not change
 * (those changed are set back).
 */
bool cpr_state_set_inherit(bool inherit, GError **errp);

/** cpr_state_encode: Returns: (transfer full): the variable's value. */
char *cpr_state_encode(void);

/**
 * cpr_state_decode:
 * @text: a value of CPR_STATE_ENV
 *
 * Replaces the entries by those of @text.  Returns: false, with @errp
 * set and the entries untouched, when @text is malformed: another
 * version than "v1", an entry without '=' or with an empty key, a bad
 * percent escape (or one decoding to NUL), a value starting with "fd:"
 * that is not a descriptor number (0 to G_MAXINT, decimal, no sign), or
 * a key given twice.  Empty values are allowed: cpr_state_add() takes
 * them.
 */
bool cpr_state_decode(const char *text, GError **errp);

/**
 * cpr_state_load_env:
 * Loads the entries from CPR_STATE_ENV and unsets it, so that no child
 * inherits it.  Returns: whether the variable was set; false with
 * @errp set when it is malformed.
 */
bool cpr_state_load_env(GError **errp);

/** cpr_state_active: Returns: entries were loaded and some remain. */
bool cpr_state_active(void);

/** cpr_state_get: Returns: (nullable): the value of @key. */
const char *cpr_state_get(const char *key);

/** cpr_state_take: Returns: (transfer full) (nullable): @key's value,
 * which is removed. */
char *cpr_state_take(const char *key);

/**
 * cpr_state_take_fd:
 * Returns: the descriptor recorded as @key (now the caller's, with
 * FD_CLOEXEC set again), or -1 when there is none.
 */
int cpr_state_take_fd(const char *key);

/**
 * cpr_state_close_untaken:
 * Closes the loaded descriptors nobody took (a chardev no longer on the
 * command line) and forgets every entry.
 */
void cpr_state_close_untaken(void);
