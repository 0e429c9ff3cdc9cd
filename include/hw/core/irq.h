/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Interrupt lines: an IRQState is the input end of a wire (a device's
 * GPIO input, an interrupt controller pin).  Whoever drives the wire
 * calls irq_set_level(); the line's handler runs synchronously.
 *
 * Contract:
 * - A line has one handler, an opaque pointer and a number @n that the
 *   handler receives (the pin index on its device).
 * - irq_intercept() adds an observer for qtest: the original handler
 *   still runs first, then the interceptor sees the same level.  A line
 *   has at most one interceptor.
 * - Lines are plain heap objects owned by whoever created them (for
 *   device GPIO inputs: the device).  Levels are not remembered; a
 *   handler that cares about edges keeps its own state.
 */

#include "prelude.h"

typedef struct IRQState IRQState;

typedef void (*IRQHandler)(void *opaque, int n, int level);

/**
 * irq_new:
 * @handler: runs on every irq_set_level()
 * @n: passed to @handler
 *
 * Returns: (transfer full): the line; release it with irq_free().
 */
IRQState *irq_new(IRQHandler handler, void *opaque, int n);

/** irq_free: @irq: (nullable): frees the line. */
void irq_free(IRQState *irq);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IRQState, irq_free)

/**
 * irq_set_level:
 * @irq: (nullable): a line; NULL (an unconnected output) does nothing
 * @level: 0 lowers the line, anything else raises it
 */
void irq_set_level(IRQState *irq, int level);

/** irq_raise: irq_set_level(@irq, 1). */
void irq_raise(IRQState *irq);

/** irq_lower: irq_set_level(@irq, 0). */
void irq_lower(IRQState *irq);

/** irq_pulse: raises then lowers @irq. */
void irq_pulse(IRQState *irq);

/** irq_get_n: Returns: the line's number. */
int irq_get_n(const IRQState *irq);

/**
 * irq_intercept:
 * @handler: (nullable): the observer; NULL removes it
 *
 * Installs @handler (with @opaque) to run after the line's own handler on
 * every irq_set_level().
 */
void irq_intercept(IRQState *irq, IRQHandler handler, void *opaque);

/** irq_is_intercepted: Returns: whether an observer is installed. */
bool irq_is_intercepted(const IRQState *irq);
