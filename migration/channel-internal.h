/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Migration transports (private to migration/): producing a connected
 * channel from a MigrationAddress (include/migration/migration-address.h
 * makes one from a URI or a channel list), outgoing (connect) or incoming
 * (listen and accept one peer).  unix, tcp and socket fd channels are
 * duplex (a return path exists); file, exec and non-socket fd are one-way.
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
 * mig_socket_tune_outgoing:
 * @sock: (transfer none): a connected socket the source will write the
 *     stream into
 *
 * Gives a unix socket a send buffer deep enough for sending and loading
 * to overlap (4 MiB, capped by the kernel at net.core.wmem_max; a larger
 * one is kept); other sockets are left to the kernel.  mig_channel_connect()
 * and outgoing fd channels call it.
 */
void mig_socket_tune_outgoing(GSocket *sock);

/**
 * mig_channel_connect:
 * @addr: (transfer none): where to connect
 *
 * Starts connecting to @addr; @cb runs later on the main loop (never from
 * inside this call).  Fails at once for an address qmpd does not support
 * (migration_address_check()), an unknown fd name, a file that cannot be
 * opened or a command that cannot be started.
 */
bool mig_channel_connect(const MigrationAddress *addr, GCancellable *cancel,
                         MigChannelReadyFunc cb, gpointer opaque,
                         GError **errp);

typedef struct MigListener MigListener;

/**
 * mig_listener_new:
 * @addr: (transfer none): where to listen
 *
 * Listens at @addr (unix sockets: a stale file is replaced) and accepts
 * one peer; file, exec and fd are ready at once.  @cb runs later on the
 * main loop.
 *
 * Returns: (transfer full): the listener, or NULL with @errp set.
 */
MigListener *mig_listener_new(const MigrationAddress *addr,
                              MigChannelReadyFunc cb, gpointer opaque,
                              GError **errp);

/**
 * mig_listener_addresses:
 * Returns: (transfer full): the addresses listened on (tcp with the real
 * port), NULL for transports without one.
 */
SocketAddressList *mig_listener_addresses(const MigListener *l);

/** mig_listener_free: stops listening (and removes a unix socket file). */
void mig_listener_free(MigListener *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MigListener, mig_listener_free)
