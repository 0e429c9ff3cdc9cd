/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Clocks and timers.
 *
 * Contract:
 * - QEMU_CLOCK_REALTIME is the host's monotonic clock, QEMU_CLOCK_HOST
 *   the host's wall clock (it may jump), both in nanoseconds.
 * - QEMU_CLOCK_VIRTUAL is guest time.  In manual mode (the qtest
 *   accelerator, see accel.h) it starts at 0 and moves only through
 *   qemu_clock_advance_virtual(), which qtest's clock_step / clock_set
 *   call.  Otherwise it follows the monotonic clock while enabled and
 *   stands still while disabled (a stopped VM).
 * - A timer belongs to one clock and fires at most once per
 *   timer_mod(): its callback runs from the main loop when the clock
 *   reaches the expiry time (for a manual virtual clock: during
 *   qemu_clock_advance_virtual(), in expiry order, with the clock set to
 *   the expiry time).  A callback may re-arm or delete any timer,
 *   including its own.  Timers expiring at the same time fire in the
 *   order they were armed.
 * - The non-manual clocks drive a GSource attached to the default main
 *   context when the first timer is created.
 * - Everything runs on the main thread.
 */

#include "prelude.h"

typedef enum QEMUClockType {
    QEMU_CLOCK_REALTIME,
    QEMU_CLOCK_VIRTUAL,
    QEMU_CLOCK_HOST,
    QEMU_CLOCK_MAX,
} QEMUClockType;

#define SCALE_MS 1000000
#define SCALE_US 1000
#define SCALE_NS 1

typedef void QEMUTimerCB(void *opaque);
typedef struct QEMUTimer QEMUTimer;

/** qemu_clock_get_ns: Returns: the clock's current time in nanoseconds. */
int64_t qemu_clock_get_ns(QEMUClockType type);

/** qemu_clock_get_ms: Returns: the clock's current time in milliseconds. */
int64_t qemu_clock_get_ms(QEMUClockType type);

/**
 * qemu_clock_set_virtual_manual:
 * Puts QEMU_CLOCK_VIRTUAL in manual mode (true) or lets it follow the
 * host (false).  The current value is kept across the switch.  Called
 * once by accel_select(); tests may call it freely.
 */
void qemu_clock_set_virtual_manual(bool manual);

/** qemu_clock_virtual_is_manual: Returns: true in manual mode. */
bool qemu_clock_virtual_is_manual(void);

/**
 * qemu_clock_enable:
 * Starts (true) or stops (false) QEMU_CLOCK_VIRTUAL in non-manual mode;
 * timers of a stopped clock do not fire.  No effect on the other clocks
 * or in manual mode.
 */
void qemu_clock_enable(QEMUClockType type, bool enabled);

/**
 * qemu_clock_deadline_ns:
 * Returns: nanoseconds until the earliest armed timer of @type expires
 * (0 when one is already due), or -1 when no timer is armed.
 */
int64_t qemu_clock_deadline_ns(QEMUClockType type);

/**
 * qemu_clock_advance_virtual:
 * @target: the virtual time to reach, in nanoseconds
 *
 * Manual mode only: moves QEMU_CLOCK_VIRTUAL forward to @target, firing
 * every timer that expires on the way, in order, with the clock set to
 * each expiry time in turn.  Never moves backwards: a @target in the past
 * fires nothing.  Outside manual mode it does nothing.
 *
 * Returns: the virtual time afterwards.
 */
int64_t qemu_clock_advance_virtual(int64_t target);

/**
 * qemu_clock_run_timers:
 * Fires the timers of @type that are due now.  The main loop calls this;
 * tests may call it directly.
 *
 * Returns: true when at least one timer fired.
 */
bool qemu_clock_run_timers(QEMUClockType type);

/**
 * qemu_clock_reset:
 * Deletes nothing but resets the manual virtual clock to 0 and drops the
 * main-loop source.  Timers must all have been freed.  For tests.
 */
void qemu_clock_reset(void);

/**
 * timer_new_ns:
 * @cb: called when the timer expires
 *
 * Returns: (transfer full): a disarmed timer; free it with timer_free().
 */
QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque);

/**
 * timer_free:
 * @t: (nullable): disarms and frees @t.  Allowed from its own callback.
 */
void timer_free(QEMUTimer *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QEMUTimer, timer_free)

/**
 * timer_mod:
 * @expire_ns: absolute time on the timer's clock; a time in the past
 *             fires at the next opportunity
 *
 * Arms @t, replacing any earlier expiry.
 */
void timer_mod(QEMUTimer *t, int64_t expire_ns);

/** timer_del: disarms @t (no effect when not armed). */
void timer_del(QEMUTimer *t);

/** timer_pending: Returns: true while @t is armed. */
bool timer_pending(const QEMUTimer *t);

/** timer_expire_time_ns: Returns: the expiry of an armed timer, else -1. */
int64_t timer_expire_time_ns(const QEMUTimer *t);
