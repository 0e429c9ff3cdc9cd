/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The single qmpd error domain and its mapping onto QMP error classes.
 */

#include <glib.h>

#include "util/error.h"

GQuark qmpd_error_quark(void)
{
    return g_quark_from_static_string("qmpd-error-quark");
}

static const char *const error_class_names[] = {
    [QMPD_ERROR_GENERIC] = "GenericError",
    [QMPD_ERROR_COMMAND_NOT_FOUND] = "CommandNotFound",
    [QMPD_ERROR_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
    [QMPD_ERROR_DEVICE_NOT_FOUND] = "DeviceNotFound",
    [QMPD_ERROR_KVM_MISSING_CAP] = "KVMMissingCap",
};

const char *qmpd_error_class_name(const GError *err)
{
    g_return_val_if_fail(err != NULL, "GenericError");

    if (err->domain != QMPD_ERROR || err->code < 0 ||
        (gsize)err->code >= G_N_ELEMENTS(error_class_names)) {
        return "GenericError";
    }
    return error_class_names[err->code];
}
