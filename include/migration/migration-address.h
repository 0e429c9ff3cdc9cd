/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Migration addresses: every way of naming where a migration goes or
 * comes from (a URI string, a "channels" list of migrate and
 * migrate-incoming, an -incoming option) becomes one MigrationAddress,
 * the only thing the transports (migration/channel.c) accept.
 *
 * URI forms and what they become:
 *   unix:PATH                  socket, type unix
 *   tcp:[HOST]:PORT[,opts]     socket, type inet (opts are ignored)
 *   vsock:CID:PORT             socket, type vsock (refused later)
 *   fd:NAME                    socket, type fd (a getfd name or a number)
 *   exec:CMDLINE               exec, args ["/bin/sh", "-c", CMDLINE]
 *   rdma:HOST:PORT             rdma (refused later)
 *   file:PATH[,offset=N]       file (N with size suffixes or 0x)
 *
 * Error texts are QEMU's where QEMU has one; docs/system/migration.md
 * lists qmpd's own refusals (rdma, vsock, cpr channels).
 */

#include "prelude.h"
#include "qapi-types.h"

/**
 * migration_address_from_uri:
 * @uri: one of the forms above
 *
 * Fails with "unknown migration protocol: URI", "migration URI 'URI'
 * names nothing" (empty path, fd name or command), "address 'A' has no
 * port" or an offset parse error.
 *
 * Returns: (transfer full): the address, or NULL with @errp set.
 */
MigrationAddress *migration_address_from_uri(const char *uri, GError **errp);

/**
 * migration_address_from_args:
 * @uri: (nullable): migrate's or migrate-incoming's @uri
 * @channels: (nullable): their @channels
 * @outgoing: migrate rather than migrate-incoming
 * @ret_cpr: (out) (optional) (transfer full): the cpr channel's address,
 *     NULL when there is none
 *
 * Applies QEMU's rules on the two argument forms: exactly one of @uri and
 * @channels ("need either 'uri' or 'channels' argument"); for
 * migrate-incoming "Channel list must have only one entry, for type
 * 'main'"; for migrate "Channel list has more than one TYPE entry",
 * "missing 'cpr' migration channel" (mode cpr-transfer) and "Channel list
 * has no main entry"; a cpr entry outside cpr-transfer mode is refused
 * ("Channel type 'cpr' is only valid in cpr-transfer mode").
 * migrate-incoming also takes a main plus a cpr entry (qmpd only).
 * Finally the address must be one qmpd supports
 * (migration_address_check()), and a cpr one a unix socket
 * (migration_cpr_address_check()).  Nothing changes on failure.
 *
 * Returns: (transfer full): a copy of the main channel's address, or
 * NULL with @errp set.
 */
MigrationAddress *migration_address_from_args(const char *uri,
                                              const MigrationChannelList *chs,
                                              bool outgoing,
                                              MigrationAddress **ret_cpr,
                                              GError **errp);

/**
 * migration_cpr_address_check:
 * Fails with "the cpr channel must be a unix socket" unless @addr is one
 * (file descriptors travel over it).
 */
bool migration_cpr_address_check(const MigrationAddress *addr, GError **errp);

/**
 * migration_channel_from_option:
 * @arg: an -incoming argument other than "defer" and "config:..."
 *
 * A URI (letters then ':') becomes a main channel; anything else is a
 * MigrationChannel in JSON (starting with '{') or keyval form with the
 * implied key "channel-type", read by the generated visitor.  Then its
 * address must pass migration_address_check().
 *
 * Returns: (transfer full): the channel, or NULL with @errp set.
 */
MigrationChannel *migration_channel_from_option(const char *arg, GError **errp);

/**
 * migration_address_check:
 * Refuses what qmpd's transports lack: "rdma migration is not
 * supported", "vsock migration is not supported", and empty names
 * ("exec migration needs a command", "file migration needs a file
 * name").
 */
bool migration_address_check(const MigrationAddress *addr, GError **errp);
