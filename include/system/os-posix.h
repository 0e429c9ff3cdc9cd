/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Process plumbing: daemonizing, the pidfile, parent-death signal.
 *
 * Daemonizing is split in two so that the parent only exits once the
 * child finished initializing:
 *
 *   os_daemonize_start()  fork; the parent blocks reading a pipe
 *   ... child initializes ...
 *   os_daemonize_finish(true)   parent exits 0; child detaches stdio
 *   os_daemonize_finish(false)  parent exits 1 (the child reported why)
 */

#include "prelude.h"

/**
 * os_daemonize_start:
 * Forks.  Returns in the child only; the parent never returns (it exits
 * with the status the child reports, or 1 if the child dies first).
 */
bool os_daemonize_start(GError **errp);

/** os_daemonize_finish: reports the child's initialization result. */
void os_daemonize_finish(bool success);

/**
 * os_pidfile_create:
 * Opens or creates @path, locks it, and only then truncates it and writes
 * the pid; the lock is held until os_pidfile_remove().  Fails with
 * "Cannot lock pid file: ..." when another process holds it, and refuses
 * a symlink, a non-regular file or a file with other hard links at @path
 * (nothing is written to them).
 */
bool os_pidfile_create(const char *path, GError **errp);

/**
 * os_pidfile_remove:
 * Unlinks the pidfile if @path still names the file this process locked
 * (something else put there since is left alone), then drops the lock.
 */
void os_pidfile_remove(void);

/** os_exit_with_parent: the process receives SIGTERM when its parent dies. */
bool os_exit_with_parent(GError **errp);
