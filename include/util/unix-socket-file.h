/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The file a listening UNIX socket is bound to.  Every server in qmpd
 * (chardev sockets, migration listeners) follows the same two rules, so
 * that two instances given the same path never take each other's socket:
 *
 * - before bind(), a socket file is removed only when it is stale: a
 *   connection to it is refused.  One a live server accepts (or queues)
 *   stays, and bind() then fails with "Address already in use".
 * - when the server goes away, the path is unlinked only if it still
 *   names the file this server's bind() created (same device and inode).
 */

#include "prelude.h"

#include <sys/types.h>

typedef struct UnixSocketFile {
    char *path; /* NULL until recorded */
    dev_t dev;
    ino_t ino;
} UnixSocketFile;

/* Removes the socket file at @path if nothing listens on it. */
void unix_socket_file_unlink_stale(const char *path);

/* Remembers which file bind() just created at @path. */
void unix_socket_file_record(UnixSocketFile *f, const char *path);

/* Unlinks the recorded path if it is still our file, and forgets it. */
void unix_socket_file_release(UnixSocketFile *f);
