/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * File descriptor sets (QEMU's add-fd, remove-fd, query-fdsets and
 * -add-fd): numbered groups of descriptors a management stack hands to
 * the process, which a file name "/dev/fdset/N" then opens instead of
 * the file system.
 *
 * Contract:
 * - One table for the process, owned by the main thread.  A set exists
 *   while it holds a descriptor; removing its last one deletes it.
 * - The table owns every descriptor added (each closed on removal or by
 *   fdset_remove_all()).  Opening "/dev/fdset/N" hands out a duplicate
 *   that the caller owns; the table does not track duplicates (QEMU keeps
 *   a set alive until they close; docs/system/migration.md says why qmpd
 *   need not).
 * - A duplicate comes from the newest descriptor of the set whose access
 *   mode (O_RDONLY, O_WRONLY, O_RDWR) and O_DIRECT bit equal those asked
 *   for, as QEMU picks it: a write-only open wants a write-only
 *   descriptor, not a read-write one.
 * - Error texts are QEMU's.
 * - This layer knows no QMP; monitor/fdset-qmp-cmds.c and the command
 *   line turn these calls into add-fd, remove-fd, query-fdsets and
 *   -add-fd.
 */

#include <sys/types.h>

#include "prelude.h"

/**
 * fdset_add:
 * @fd: (transfer full): the descriptor; closed when this fails
 * @has_set_id: whether @set_id was given
 * @set_id: the set to add to (made when missing); without it a new set
 *     gets the lowest unused id from 0
 * @opaque: (nullable): text kept with the descriptor
 * @ret_set_id: (out): the set used
 *
 * Fails with "Parameter 'fdset-id' expects a non-negative value".
 */
bool fdset_add(int fd, bool has_set_id, int64_t set_id, const char *opaque,
               int64_t *ret_set_id, GError **errp);

/**
 * fdset_remove:
 * @has_fd: whether only @fd is removed (else every descriptor of the set)
 *
 * Closes the descriptor(s); an emptied set disappears.  Fails, changing
 * nothing, with "File descriptor named 'fdset-id:ID' not found" for an
 * unknown set, or "File descriptor named 'fdset-id:ID, fd:FD' not found"
 * when @fd is not in it.
 */
bool fdset_remove(int64_t set_id, bool has_fd, int64_t fd, GError **errp);

/**
 * FdsetForeachFunc:
 * @set_id: the set
 * @fd: one of its descriptors (transfer none)
 * @opaque: (nullable): its text
 */
typedef void (*FdsetForeachFunc)(int64_t set_id, int fd, const char *opaque,
                                 gpointer data);

/**
 * fdset_foreach:
 * Calls @fn for every descriptor: sets by ascending id, each set's
 * descriptors oldest first.  @fn must not change the table.
 */
void fdset_foreach(FdsetForeachFunc fn, gpointer data);

/**
 * fdset_dup:
 * @flags: open(2) flags: the access mode and O_DIRECT choose the
 *     descriptor; the other file status flags are set on the duplicate,
 *     and O_TRUNC truncates the file
 *
 * Returns: a new close-on-exec duplicate owned by the caller, or -1 with
 * "Failed to find fdset /dev/fdset/ID", "Failed to find file descriptor
 * with matching flags=0xFLAGS" or "Failed to dup() given file descriptor
 * fd=FD".
 */
int fdset_dup(int64_t set_id, int flags, GError **errp);

/**
 * qmpd_open:
 * @path: a file name, or "/dev/fdset/ID"
 * @mode: for O_CREAT (ignored for fd sets)
 *
 * open(2) with O_CLOEXEC added, or fdset_dup() for "/dev/fdset/ID" (an
 * ID that is not a decimal number fails with "Could not parse fdset
 * /dev/fdset/...").  A plain open fails with "Could not open 'PATH':
 * REASON" (or "create" with O_CREAT).
 *
 * Returns: the descriptor, owned by the caller, or -1 with @errp set.
 */
int qmpd_open(const char *path, int flags, mode_t mode, GError **errp);

/**
 * fdset_remove_all:
 * Closes every descriptor and forgets every set (process exit, tests).
 */
void fdset_remove_all(void);
