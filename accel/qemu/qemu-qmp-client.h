/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A QMP client for the private channel to QEMU.  It starts synchronous
 * (greeting, negotiation and the first queries happen while qmpd waits
 * for QEMU to come up) and then runs on the main loop: requests are sent
 * with a callback and answered in order, events go to one handler.
 *
 *   SYNC --qemu_qmp_client_go_async()--> ASYNC --EOF or error--> CLOSED
 *
 * Nothing is buffered without bound: QEMU answers every request and the
 * outgoing queue holds only what qmpd's clients sent, which the monitors
 * already limit.
 */

#include "prelude.h"

#include <json-glib/json-glib.h>

typedef struct QemuQmpClient QemuQmpClient;

/*
 * @reply: (transfer none): the whole reply object ({"return": ...} or
 *         {"error": ...}), or NULL when the channel closed first
 */
typedef void (*QemuQmpReplyFn)(JsonNode *reply, void *opaque);

typedef struct QemuQmpClientHandlers {
    /* @event: (transfer none): a whole event object */
    void (*event)(JsonNode *event, void *opaque);
    /* The channel is gone (QEMU exited or broke the protocol). */
    void (*closed)(void *opaque);
} QemuQmpClientHandlers;

/**
 * qemu_qmp_client_new:
 * @fd: (transfer full): qmpd's end of the channel
 */
QemuQmpClient *qemu_qmp_client_new(int fd);

void qemu_qmp_client_free(QemuQmpClient *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuQmpClient, qemu_qmp_client_free)

/**
 * qemu_qmp_client_negotiate:
 * @ret_greeting: (out) (transfer full) (optional): the greeting object
 *
 * Reads the greeting and enters command mode, waiting at most until
 * @deadline (monotonic time).  Fails when the channel closes, times out
 * or does not speak QMP.
 */
bool qemu_qmp_client_negotiate(QemuQmpClient *c, gint64 deadline,
                               JsonNode **ret_greeting, GError **errp);

/**
 * qemu_qmp_client_call_sync:
 *
 * Runs one command, without arguments, before the client went async.  Events
 * that arrive meanwhile are kept and handed to the event handler once async.
 *
 * Returns: (transfer full): the "return" value; NULL with the error's
 * text when QEMU answered with an error or the channel failed.
 */
JsonNode *qemu_qmp_client_call_sync(QemuQmpClient *c, const char *command,
                                    gint64 deadline, GError **errp);

/** qemu_qmp_client_is_closed: Returns: true once the channel failed. */
bool qemu_qmp_client_is_closed(QemuQmpClient *c);

/** qemu_qmp_client_go_async: from now on, runs on the main loop. */
void qemu_qmp_client_go_async(QemuQmpClient *c,
                              const QemuQmpClientHandlers *handlers,
                              void *opaque);

/**
 * qemu_qmp_client_send:
 * @arguments: (transfer none) (nullable): the request's "arguments"
 * @fn: called once with the reply, or with NULL if the channel closes
 *
 * Sends one request, written as compactly as JSON allows and without
 * an id: QEMU answers in order, so the n-th reply goes to the n-th
 * request.
 */
void qemu_qmp_client_send(QemuQmpClient *c, const char *command,
                          JsonNode *arguments, QemuQmpReplyFn fn, void *opaque);

/**
 * qemu_qmp_client_send_fd:
 * @fd: (transfer full): sent with the request (SCM_RIGHTS), for commands
 *     such as getfd; -1 for none
 *
 * As qemu_qmp_client_send().  @fd is closed in qmpd once it was sent, or
 * when the channel closes first.
 */
void qemu_qmp_client_send_fd(QemuQmpClient *c, const char *command,
                             JsonNode *arguments, int fd, QemuQmpReplyFn fn,
                             void *opaque);

/**
 * qemu_qmp_client_call_wait:
 *
 * Runs one command without arguments once the client is async, waiting
 * for its answer until @deadline.  Replies to earlier requests (which
 * QEMU answers first) and events are delivered to their handlers
 * meanwhile, so the callers of those must expect them from here.
 *
 * Returns: (transfer full): the "return" value, or NULL with an error
 * (QEMU's, a closed channel, or no answer in time).
 */
JsonNode *qemu_qmp_client_call_wait(QemuQmpClient *c, const char *command,
                                    gint64 deadline, GError **errp);

/*
 * cpr-exec (docs/system/cpr.md): the channel survives the exec of qmpd;
 * the old program hands over its descriptor and the bytes it had read
 * but not parsed, the new one goes on from there without a greeting.
 */

/**
 * qemu_qmp_client_adopt:
 * @fd: (transfer full): a channel already in command mode
 * @pending: what the old program's client had read of a message
 *
 * Returns: (transfer full): a client in sync mode (for a first query)
 * that needs no negotiation.
 */
QemuQmpClient *qemu_qmp_client_adopt(int fd, const char *pending,
                                     gsize pending_len);

/**
 * qemu_qmp_client_set_reading:
 * Stops (or resumes) reading the channel on the main loop; what QEMU
 * sends meanwhile waits in the socket.
 */
void qemu_qmp_client_set_reading(QemuQmpClient *c, bool reading);

/** qemu_qmp_client_get_fd: Returns: (transfer none): the channel. */
int qemu_qmp_client_get_fd(QemuQmpClient *c);

/**
 * qemu_qmp_client_get_pending:
 * Returns: (transfer none): the start of a message read but not parsed.
 */
const char *qemu_qmp_client_get_pending(QemuQmpClient *c, gsize *ret_len);

/**
 * qemu_qmp_client_is_idle:
 * Returns: every request was written and answered.
 */
bool qemu_qmp_client_is_idle(QemuQmpClient *c);
