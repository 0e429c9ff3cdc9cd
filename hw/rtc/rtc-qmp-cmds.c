/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands of the real-time clock: rtc-reset-reinjection.
 */

#include "prelude.h"

#include "hw/rtc/rtc-device.h"
#include "qapi-commands.h"

void qmp_rtc_reset_reinjection(GError **errp)
{
    rtc_reset_reinjection_all();
}
