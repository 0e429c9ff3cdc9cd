/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Event emission seam.  Generated qapi_event_send_NAME() functions build
 * the event's data and call qapi_event_emit(); the monitor layer installs
 * the emitter that stamps and broadcasts it.  This keeps the QAPI layer
 * below the monitor.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"

/*
 * @name: event name, e.g. "SHUTDOWN"
 * @data: (transfer none) (nullable): the "data" member, NULL for none
 */
typedef void (*QapiEventEmitter)(const char *name, JsonObject *data);

/** qapi_event_set_emitter: installs @fn (NULL: events are dropped). */
void qapi_event_set_emitter(QapiEventEmitter fn);

/** qapi_event_emit: hands an event to the installed emitter. */
void qapi_event_emit(const char *name, JsonObject *data);
