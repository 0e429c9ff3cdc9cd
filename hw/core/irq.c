/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt lines: a handler called synchronously with the new level, and
 * an optional observer that qtest installs to report level changes.
 */

#include "prelude.h"

#include "hw/core/irq.h"

struct IRQState {
    IRQHandler handler;
    void *opaque;
    int n;
    IRQHandler observer;
    void *observer_opaque;
};

IRQState *irq_new(IRQHandler handler, void *opaque, int n)
{
    IRQState *irq = g_new0(IRQState, 1);

    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

void irq_free(IRQState *irq)
{
    g_free(irq);
}

void irq_set_level(IRQState *irq, int level)
{
    if (irq == NULL) {
        return;
    }
    level = level != 0;
    if (irq->handler != NULL) {
        irq->handler(irq->opaque, irq->n, level);
    }
    if (irq->observer != NULL) {
        irq->observer(irq->observer_opaque, irq->n, level);
    }
}

void irq_raise(IRQState *irq)
{
    irq_set_level(irq, 1);
}

void irq_lower(IRQState *irq)
{
    irq_set_level(irq, 0);
}

void irq_pulse(IRQState *irq)
{
    irq_set_level(irq, 1);
    irq_set_level(irq, 0);
}

int irq_get_n(const IRQState *irq)
{
    g_return_val_if_fail(irq != NULL, -1);
    return irq->n;
}

void irq_intercept(IRQState *irq, IRQHandler handler, void *opaque)
{
    g_return_if_fail(irq != NULL);
    irq->observer = handler;
    irq->observer_opaque = opaque;
}

bool irq_is_intercepted(const IRQState *irq)
{
    g_return_val_if_fail(irq != NULL, false);
    return irq->observer != NULL;
}
