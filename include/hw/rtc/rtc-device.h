/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The "mc146818rtc" device: the MC146818 register logic behind I/O ports
 * 0x70/0x71 and ISA IRQ 8, following the clock rtc.clock names, and the
 * pc board's CMOS contents.
 *
 * Contract:
 * - pc_rtc_create() runs once per machine initialization, after the pc
 *   board exists (pc_isa_get_irq() must answer), with the configuration
 *   that machine_config_fill_defaults() gives.  The device is added as
 *   /machine/unattached/device[N], as QEMU 7.2 places it (the machine's
 *   own "rtc" property is the configuration).
 * - RTC time starts from rtc.base when the device is created: "utc" and
 *   "localtime" take the host's wall clock (localtime adds the host zone's
 *   offset of that moment), a date starts there.  It then advances with
 *   rtc.clock: host wall clock, host monotonic clock, or the virtual
 *   clock (which under qtest moves only with clock_step/clock_set).
 * - When the guest sets the time the device sends RTC_CHANGE; a second
 *   change within one second of the last event is held back and sent
 *   (with the latest offset only) when that second is over.
 * - Unparenting the device unmaps its ports, stops its timer and lowers
 *   its IRQ.
 */

#include "hw/rtc/mc146818rtc.h"
#include "prelude.h"
#include "qapi-types.h"
#include "qom/object.h"

#define TYPE_MC146818_RTC "mc146818rtc"
#define RTC_ISA_IOBASE 0x70
#define RTC_ISA_IRQ 8

/**
 * rtc_start_time_ns:
 * @cfg: (transfer none): rtc configuration with defaults filled in
 * @ret_ns: (out): RTC time (nanoseconds since 1970 in the base's zone) at
 *     this moment, set only on success
 *
 * Errors: rtc.base is not valid (rtc_base_parse()'s message).
 */
bool rtc_start_time_ns(const RtcConfig *cfg, int64_t *ret_ns, GError **errp);

/**
 * pc_rtc_create:
 * @machine: (transfer none): the /machine object
 * @cfg: (transfer none): the frozen configuration with defaults filled in
 *
 * Creates, wires and realizes the RTC as described in the header comment
 * and writes the pc board's CMOS bytes (pc_cmos_fill()).  Errors: no pc
 * board ("the pc board has no ISA interrupt 8") or an invalid rtc.base.
 * Nothing is left behind on failure.
 */
bool pc_rtc_create(Object *machine, const MachineProperties *cfg,
                   GError **errp);

/**
 * rtc_reset_reinjection_all:
 * Empties the slew backlog of every RTC device (rtc-reset-reinjection).
 */
void rtc_reset_reinjection_all(void);

/** rtc_register_types: registers "mc146818rtc" (idempotent). */
void rtc_register_types(void);
