/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Turning one QMP request into one QMP response.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"
#include "qapi/qmp-registry.h"

typedef struct QmpDispatchContext {
    /* "oob" was negotiated: exec-oob is accepted for QCO_ALLOW_OOB commands */
    bool oob_enabled;
    /* current machine phase, for the per-command phase check */
    MachineInitPhase phase;
    /*
     * When non-NULL, an unknown command fails with CommandNotFound and this
     * text instead of "The command NAME has not been found" (the monitor
     * passes "Expecting capabilities negotiation with 'qmp_capabilities'"
     * together with the negotiation command list).
     */
    const char *unknown_command_desc;
} QmpDispatchContext;

/**
 * qmp_dispatch:
 * @request: (transfer none): one parsed request
 *
 * Validates the request envelope (object, execute/exec-oob, arguments, id,
 * no other members), checks the phase, runs the marshaller and builds the
 * reply with the request's id echoed verbatim.  Errors carry QEMU's texts
 * (protocols.md, qemu-facts.md section 13).
 *
 * Returns: (transfer full): the response object node, never NULL.
 */
JsonNode *qmp_dispatch(const QmpCommandList *cmds, JsonNode *request,
                       const QmpDispatchContext *ctx);

/**
 * qmp_request_is_oob:
 * Returns: true when @request is an object with an "exec-oob" member.
 */
bool qmp_request_is_oob(JsonNode *request);

/**
 * qmp_empty_return:
 *
 * The "return" value of a command that has nothing to say.  Every such
 * site builds it here: json-glib's take/init/set calls differ in whether
 * they consume the caller's reference, and getting one wrong releases the
 * object while the reply still points at it.
 *
 * Returns: (transfer full): a node holding a new, empty object
 */
JsonNode *qmp_empty_return(void);

/**
 * qmp_error_response:
 * @id: (transfer none) (nullable): echoed when present
 *
 * Returns: (transfer full): {"error": {"class": ..., "desc": ...}, "id": ...}
 */
JsonNode *qmp_error_response(const GError *err, JsonNode *id);
