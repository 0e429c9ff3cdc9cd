/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The event emission seam between generated event senders and the
 * monitor that broadcasts them.
 */

#include "prelude.h"

#include "qapi/qapi-event.h"

static QapiEventEmitter event_emitter;

void qapi_event_set_emitter(QapiEventEmitter fn)
{
    event_emitter = fn;
}

void qapi_event_emit(const char *name, JsonObject *data)
{
    g_return_if_fail(name != NULL);
    if (event_emitter) {
        event_emitter(name, data);
    }
}
