/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Migration of the MC146818 state (the "migrated" fields listed in
 * hw/rtc/mc146818rtc.h) as the "mc146818rtc" section, instance 0.
 *
 * Contract:
 * - The device registers when it is realized and unregisters when it is
 *   unrealized, so a machine torn down by a failed incoming migration
 *   leaves nothing behind.
 * - The state travels with the source's clock reading; with a
 *   per-process clock (the virtual clock) every clock-relative field is
 *   moved by the difference so the RTC shows the same time on arrival.
 * - Loading validates everything (mc146818_rtc_check_invariants()) before
 *   touching the live device, then drives its IRQ line to the loaded
 *   level and re-arms its timer.
 */

#include "hw/rtc/mc146818rtc.h"
#include "prelude.h"

/**
 * mc146818_rtc_vmstate_register:
 * @s: (transfer none): the realized device's state; must stay valid
 *     until mc146818_rtc_vmstate_unregister()
 * @per_process_clock: the RTC follows the virtual clock, which differs
 *     between source and destination
 *
 * Errors: a second RTC ("section 'mc146818rtc' instance 0 is already
 * registered").
 */
bool mc146818_rtc_vmstate_register(MC146818State *s, bool per_process_clock,
                                   GError **errp);

/** mc146818_rtc_vmstate_unregister: undoes the registration of @s. */
void mc146818_rtc_vmstate_unregister(MC146818State *s);
