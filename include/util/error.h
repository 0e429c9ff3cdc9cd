/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Error domain for all of qmpd.
 *
 * Contract: every fallible function takes `GError **errp` as its last
 * parameter and returns bool (true = success), a pointer (NULL = failure)
 * or an int (negative = failure).  Exactly one error is set on each failure
 * path.  The codes map one-to-one onto QMP error classes; almost everything
 * is QMPD_ERROR_GENERIC, as QEMU recommends.  Messages are one phrase with
 * no trailing period; user-supplied values are quoted with '%s'.
 */

#include <glib.h>

#define QMPD_ERROR (qmpd_error_quark())

typedef enum QmpdErrorCode {
    QMPD_ERROR_GENERIC,
    QMPD_ERROR_COMMAND_NOT_FOUND,
    QMPD_ERROR_DEVICE_NOT_ACTIVE,
    QMPD_ERROR_DEVICE_NOT_FOUND,
    QMPD_ERROR_KVM_MISSING_CAP,
} QmpdErrorCode;

/**
 * qmpd_error_quark:
 *
 * Returns: the GQuark of the QMPD_ERROR domain.
 */
GQuark qmpd_error_quark(void);

/**
 * qmpd_error_class_name:
 * @err: any error (errors of foreign domains count as generic)
 *
 * Returns: (transfer none): the QMP error class for @err, for example
 * "GenericError" or "CommandNotFound".
 */
const char *qmpd_error_class_name(const GError *err);
