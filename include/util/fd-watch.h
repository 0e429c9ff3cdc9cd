/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "prelude.h"

#include <glib-unix.h>

/**
 * qmpd_fd_watch_add:
 *
 * Like g_unix_fd_add() on the default main context, for the fds that
 * carry every request (monitor and qtest peers, QEMU's QMP channel).
 *
 * GLib takes a source's fds out of the poll set for the length of its
 * callback unless the source may recurse, and each removal and re-adding
 * wakes the main context through its eventfd: four extra system calls
 * per dispatch, a measurable share of a proxied QMP round trip.  qmpd
 * never iterates the main context from inside a callback, so letting
 * these sources "recurse" changes nothing else.
 *
 * Returns: the source id, for g_source_remove().
 */
guint qmpd_fd_watch_add(int fd, GIOCondition condition,
                        GUnixFDSourceFunc function, gpointer user_data);
