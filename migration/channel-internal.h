/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Migration transports (private to migration/): parsing a URI and
 * producing a connected channel, outgoing (connect) or incoming (listen
 * and accept one peer).  unix:, tcp: and socket fd: channels are duplex
 * (a return path exists); file:, exec: and non-socket fd: are one-way.
 */

#include <gio/gio.h>

#include "prelude.h"
#include "qapi-types.h"

typedef struct MigChannel {
    GIOStream *io; /* NULL for one-way channels */
    GInputStream *in;
    GOutputStream *out;
    GSubprocess *proc; /* exec: */
} MigChannel;

void mig_channel_free(MigChannel *ch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MigChannel, mig_channel_free)

/**
 * MigChannelReadyFunc:
 * @ch: (transfer full) (nullable): the channel, NULL on failure
 * @err: (transfer none) (nullable): why it failed
 */
typedef void (*MigChannelReadyFunc)(MigChannel *ch, const GError *err,
                                    gpointer opaque);

/**
 * mig_channel_connect:
 * Starts connecting to @uri; @cb runs later on the main loop (never from
 * inside this call).  Fails at once for a malformed URI ("unknown
 * migration protocol: URI") or an unknown fd name.
 */
bool mig_channel_connect(const char *uri, GCancellable *cancel,
                         MigChannelReadyFunc cb, gpointer opaque,
                         GError **errp);

typedef struct MigListener MigListener;

/**
 * mig_listener_new:
 * Listens at @uri (unix sockets: a stale file is replaced) and accepts
 * one peer; file:, exec: and fd: are ready at once.  @cb runs later on
 * the main loop.
 *
 * Returns: (transfer full): the listener, or NULL with @errp set.
 */
MigListener *mig_listener_new(const char *uri, MigChannelReadyFunc cb,
                              gpointer opaque, GError **errp);

/**
 * mig_listener_addresses:
 * Returns: (transfer full): the addresses listened on (tcp with the real
 * port), NULL for transports without one.
 */
SocketAddressList *mig_listener_addresses(const MigListener *l);

/** mig_listener_free: stops listening (and removes a unix socket file). */
void mig_listener_free(MigListener *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MigListener, mig_listener_free)
