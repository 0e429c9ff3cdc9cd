/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The QEMU child process: started with chosen descriptors at chosen
 * numbers, killed if qmpd dies (parent-death signal), its output copied
 * line by line into qmpd's log, its exit reported once.
 */

#include "prelude.h"

#include <gio/gio.h>

typedef struct QemuProcess QemuProcess;

/* A descriptor of qmpd's that the child gets at number @target. */
typedef struct QemuFdMap {
    int source; /* (transfer full) */
    int target;
} QemuFdMap;

/**
 * qemu_process_find_binary:
 * @configured: (nullable): accel.binary
 *
 * Returns: (transfer full): an absolute path to run, or NULL with an
 * error when there is none or it is qmpd itself.
 */
char *qemu_process_find_binary(const char *configured, GError **errp);

/**
 * qemu_process_spawn:
 * @argv: (transfer none): the whole argument vector, program first
 * @fds: (transfer full): descriptors handed over; closed in qmpd either way
 */
QemuProcess *qemu_process_spawn(const char *const *argv, QemuFdMap *fds,
                                guint n_fds, GError **errp);

/**
 * qemu_process_adopt:
 * @pid: a child of this process (started by the program cpr-exec
 *     replaced, with the parent-death signal already set)
 * @output_fd: (transfer full): the read end of its output pipe
 * @pending: bytes of output the old program had read but not logged
 *
 * Returns: (transfer full): the process, to be watched as a spawned one.
 */
QemuProcess *qemu_process_adopt(GPid pid, int output_fd, const char *pending,
                                gsize pending_len);

/** qemu_process_get_pid: Returns: the child's PID. */
GPid qemu_process_get_pid(QemuProcess *p);

/** qemu_process_get_output_fd: Returns: (transfer none): the output pipe. */
int qemu_process_get_output_fd(QemuProcess *p);

/**
 * qemu_process_get_output_pending:
 * Returns: (transfer full): output read from the pipe but not logged yet
 * (the start of a line, or lines waiting for the next read callback).
 */
GBytes *qemu_process_get_output_pending(QemuProcess *p);

/**
 * qemu_process_first_error:
 * Returns: (transfer none) (nullable): the first line QEMU printed, if any
 * (QEMU prints its start-up errors as one line each).
 */
const char *qemu_process_first_error(QemuProcess *p);

/**
 * qemu_process_reap:
 * Waits at most @timeout_ms for the process to exit, after SIGKILL when
 * @kill is set, and reads its remaining output.
 */
void qemu_process_reap(QemuProcess *p, bool kill, int timeout_ms);

/**
 * qemu_process_watch:
 * Calls @exited once, from the main loop, when the process has exited
 * and its output has been read to the end.
 */
void qemu_process_watch(QemuProcess *p, void (*exited)(void *opaque),
                        void *opaque);

/**
 * qemu_process_describe_exit:
 * Returns: (transfer full): "exited with status N" or "was killed by
 * signal N"; sets *@ret_ok when it exited with status 0.
 */
char *qemu_process_describe_exit(QemuProcess *p, bool *ret_ok);

/** qemu_process_free: kills a process still running, and frees. */
void qemu_process_free(QemuProcess *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuProcess, qemu_process_free)
