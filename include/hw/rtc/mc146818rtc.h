/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * MC146818-compatible real-time clock and CMOS RAM: the register state
 * machine, independent of buses, timers and QOM.
 *
 * Contract:
 * - The device sees the outside world only through MC146818Ops: one clock
 *   (the rtc.clock choice: host, rt or vm), an interrupt line, one timer
 *   and a "guest set the time" notification.  The board glue
 *   (pc_rtc_create) supplies them; unit tests supply fakes.
 * - Time model: RTC time in nanoseconds = clock + offset_ns while the
 *   divider chain runs; it is held at frozen_ns while the divider is in
 *   reset (register A bits 6..4 = 11x).  "RTC time" counts seconds since
 *   1970-01-01 00:00 in the zone of rtc.base (UTC, or the host zone for
 *   localtime), so breaking it down needs no time zone.
 * - Interrupt flags (register C) are evaluated lazily: every access and
 *   every timer expiry first accounts for what happened between sync_ns
 *   and the current clock value, so results do not depend on how often
 *   the timer fires.  The timer is armed only while the IRQ line is low
 *   and an enabled source (PIE, AIE, UIE, a slew re-injection) can raise
 *   it; so "clock_step" without argument under qtest jumps exactly to the
 *   next interrupt.
 * - IRQ line = IRQF (register C bit 7) =
 *   (PF and PIE) or (AF and AIE) or (UF and UIE).  Reading C clears it.
 * - Lost ticks (driftfix=slew): a periodic tick that arrives while PF is
 *   still pending with PIE set is counted in lost_ticks (at most
 *   RTC_MAX_LOST_TICKS).  When the guest acknowledges by reading C, one
 *   lost tick is re-injected a quarter of the periodic period later, and
 *   so on until the backlog is empty.  With driftfix=none such ticks are
 *   merged into the pending one.  rtc-reset-reinjection empties the
 *   backlog.
 *
 * State (everything below "migrated" is guest-visible state that a
 * migration must carry; the rest is wiring):
 *
 *   cmos[128]        register file and NVRAM bytes
 *   index            selected register (port 0x70, bit 7 dropped)
 *   offset_ns        RTC time minus clock, divider running
 *   ref_offset_ns    offset_ns as configured, before any guest change;
 *                    RTC_CHANGE reports the difference to it
 *   frozen_ns        RTC time while the divider is in reset
 *   sync_ns          clock value up to which flags are accounted for
 *   period_origin_ns clock value at which the divider chain last started
 *   lost_ticks       slew backlog
 *   reinject_ns      clock value of the next re-injection, or INT64_MAX
 *   irq_level        current level of the IRQ line
 */

#include "prelude.h"

#define RTC_CMOS_SIZE 128

/* Register indexes. */
#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32
#define RTC_CENTURY_ALIAS 0x37

#define RTC_REG_A_UIP 0x80
#define RTC_REG_A_DIVIDER 0x70
#define RTC_REG_A_RATE 0x0f
#define RTC_REG_B_SET 0x80
#define RTC_REG_B_PIE 0x40
#define RTC_REG_B_AIE 0x20
#define RTC_REG_B_UIE 0x10
#define RTC_REG_B_SQWE 0x08
#define RTC_REG_B_DM 0x04
#define RTC_REG_B_24H 0x02
#define RTC_REG_B_DSE 0x01
#define RTC_REG_C_IRQF 0x80
#define RTC_REG_C_PF 0x40
#define RTC_REG_C_AF 0x20
#define RTC_REG_C_UF 0x10
#define RTC_REG_D_VRT 0x80

/*
 * UIP is set this long before each update: 8 periods of the 32768 Hz
 * time base, rounded down to whole nanoseconds (244140 ns, as in QEMU).
 */
#define RTC_UIP_NS (8 * INT64_C(1000000000) / 32768)
/* Cap of the slew backlog. */
#define RTC_MAX_LOST_TICKS 100000u

typedef enum RtcLostTickPolicy {
    RTC_LOST_TICK_DISCARD,
    RTC_LOST_TICK_SLEW,
} RtcLostTickPolicy;

typedef struct MC146818Ops {
    /* The clock the RTC follows, in nanoseconds (monotonic for rt/vm). */
    int64_t (*clock_ns)(void *opaque);
    void (*set_irq)(void *opaque, bool level);
    /* Arms the timer at @deadline_ns of the same clock; INT64_MAX cancels. */
    void (*timer_mod)(void *opaque, int64_t deadline_ns);
    /* The guest set the time; @offset_s is the new time minus reference. */
    void (*time_changed)(void *opaque, int64_t offset_s);
} MC146818Ops;

typedef struct MC146818State {
    /* migrated */
    uint8_t cmos[RTC_CMOS_SIZE];
    uint8_t index;
    int64_t offset_ns;
    int64_t ref_offset_ns;
    int64_t frozen_ns;
    int64_t sync_ns;
    int64_t period_origin_ns;
    uint32_t lost_ticks;
    int64_t reinject_ns;
    bool irq_level;
    /* wiring */
    int base_year;
    RtcLostTickPolicy policy;
    const MC146818Ops *ops;
    void *opaque;
    int64_t timer_deadline;
} MC146818State;

/**
 * mc146818_rtc_init:
 * @s: caller-owned storage
 * @ops: (transfer none): must outlive @s; every callback is required
 * @start_ns: RTC time (see the header comment) at the current clock value
 * @base_year: year counted as 0 in the year and century registers (the
 *     pc board uses 0, so the century register holds the real century)
 *
 * Puts the device in its power-on state: A=0x26, B=0x02, C=0, D=0x80,
 * NVRAM zeroed, time registers showing @start_ns.
 */
void mc146818_rtc_init(MC146818State *s, const MC146818Ops *ops, void *opaque,
                       int64_t start_ns, int base_year,
                       RtcLostTickPolicy policy);

/*
 * The device keeps its time in signed 64-bit nanoseconds, which span
 * 1677-2262.  Times are held inside [MC146818_MIN_SECS, MC146818_MAX_SECS]
 * (1716-06-28 to 2223-07-06 UTC), leaving decades of margin for the clock
 * to run on without overflowing.
 */
#define MC146818_MIN_SECS (-G_GINT64_CONSTANT(8000000000))
#define MC146818_MAX_SECS G_GINT64_CONSTANT(8000000000)

/**
 * mc146818_rtc_reset:
 * System reset: interrupt enables and flags cleared, IRQ lowered, slew
 * backlog dropped; time and NVRAM kept.
 */
void mc146818_rtc_reset(MC146818State *s);

/**
 * mc146818_rtc_ioport_read:
 * @port: 0 (index port, reads 0xff) or 1 (data port)
 *
 * Returns: the byte the guest reads.
 */
uint8_t mc146818_rtc_ioport_read(MC146818State *s, unsigned port);

/**
 * mc146818_rtc_ioport_write:
 * @port: 0 (select register: value & 0x7f; 0x37 selects 0x32) or 1 (data)
 */
void mc146818_rtc_ioport_write(MC146818State *s, unsigned port, uint8_t value);

/**
 * mc146818_rtc_timer_cb:
 * The timer armed through MC146818Ops.timer_mod expired.
 */
void mc146818_rtc_timer_cb(MC146818State *s);

/**
 * mc146818_rtc_set_cmos:
 * Stores an NVRAM byte as the board does at init (no side effects, even
 * for register indexes).  @index must be below RTC_CMOS_SIZE.
 */
void mc146818_rtc_set_cmos(MC146818State *s, unsigned index, uint8_t value);

/** mc146818_rtc_get_cmos: Returns: the stored byte, without side effects. */
uint8_t mc146818_rtc_get_cmos(const MC146818State *s, unsigned index);

/**
 * mc146818_rtc_get_time:
 * Returns: the current RTC time in seconds (see the header comment),
 * what the time registers show when SET is clear.
 */
int64_t mc146818_rtc_get_time(MC146818State *s);

/** mc146818_rtc_reset_reinjection: empties the slew backlog. */
void mc146818_rtc_reset_reinjection(MC146818State *s);

/**
 * mc146818_rtc_check_invariants:
 * Returns: true when the state is consistent (IRQ line matches IRQF,
 * IRQF matches flags and enables, index in range, D reads VRT, backlog
 * within its cap).  For g_assert() in debug builds and tests.
 */
bool mc146818_rtc_check_invariants(const MC146818State *s);

/**
 * rtc_time_split:
 * Breaks @t (seconds since 1970-01-01, any zone) into calendar fields:
 * year (full), month 1..12, day 1..31, hour, minute, second, weekday
 * 0..6 with 0 = Sunday.  Valid for years 1 to 9999.
 */
void rtc_time_split(int64_t t, int *year, int *month, int *day, int *hour,
                    int *minute, int *second, int *weekday);

/**
 * rtc_time_join:
 * The inverse of rtc_time_split(); out-of-range months and days carry
 * into the next unit like mktime() does.
 */
int64_t rtc_time_join(int year, int month, int day, int hour, int minute,
                      int second);
