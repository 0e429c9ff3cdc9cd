/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The QEMU backend: with accelerator tcg or kvm, the configured machine
 * runs in a stock qemu-system-x86_64 that qmpd starts when the
 * configuration phase ends.  qmpd keeps the configuration and stays the
 * management endpoint: its monitors answer what qmpd owns and forward
 * everything else to QEMU over a private QMP channel.
 *
 *   IDLE --qemu_backend_start()--> RUNNING --QEMU exits--> EXITED
 *     ^            |                                         |
 *     +-- failure -+                  qmpd's main loop ends, exit status
 *
 * IDLE: no QEMU process; the built-in machine or the configuration
 * phase own everything.  RUNNING: QEMU was started, negotiated and (unless
 * -S) resumed; the request router forwards to it and its events reach
 * every QMP session.  EXITED: QEMU is gone; qmpd flushes its monitors
 * and leaves the main loop with qemu_backend_exit_status().
 *
 * qemu_backend_start() is all or nothing: when it fails, no process is
 * left and the caller's configuration phase goes on unchanged.
 */

#include "prelude.h"

#include "migration/migration.h"
#include "qapi-types.h"
#include "qom/object.h"

/* What the command line says about running the guest, beside the config. */
typedef struct QemuBackendOptions {
    bool start_paused; /* -S: do not send "cont" */
    bool no_reboot;    /* -no-reboot */
    bool no_shutdown;  /* -no-shutdown */
    const char *name;  /* -name guest=, or NULL */
    /* Device ids of the serial ports by index (NULL entries: none), or
     * NULL; a port with an id is given to QEMU as -device isa-serial. */
    GPtrArray *serial_dev_ids;
    /* The memory backend object the RAM comes from, or NULL. */
    Object *memory_backend;
    /* Host-local options passed through to QEMU: argv words, or NULL
     * (docs/system/qemu-backend.md). */
    GPtrArray *host_args;
    /* Called once QEMU has exited and its last events went out. */
    void (*exited)(void);
    /*
     * Start QEMU waiting for a migration stream ("-incoming defer"; the
     * guest starts when the stream says the source ran, unless -S).
     * Until the migration ends, QEMU exiting is not qmpd's end:
     * @incoming_ended gets the error instead (NULL: completed), from
     * the main loop, and may stop the backend.
     */
    bool incoming;
    void (*incoming_ended)(const char *error);
} QemuBackendOptions;

/**
 * qemu_backend_start:
 * @config: (transfer none): the frozen configuration (sparse, as stored)
 * @serial_chardevs: (transfer none): chardev ids of the ISA serial ports
 *                   by index, "" for a port with no chardev, NULL for no
 *                   port at that index
 * @opts: (transfer none): the run-control options
 *
 * Renders the command line, starts QEMU with -S, negotiates the private
 * QMP channel, checks QEMU's version, relays the serial chardevs and
 * resumes the guest unless -S.  Blocks the main loop while QEMU starts
 * (bounded by a timeout).  On failure the error quotes QEMU's first
 * error line when there is one, and nothing is left running.
 */
bool qemu_backend_start(const MachineProperties *config,
                        GPtrArray *serial_chardevs,
                        const QemuBackendOptions *opts, GError **errp);

/**
 * qemu_backend_start_ahead:
 *
 * As qemu_backend_start() for an incoming migration (@opts->incoming),
 * up to a negotiated QEMU waiting for its stream, but not yet the
 * guest's: requests are not forwarded and events not broadcast until
 * qemu_backend_adopt().  A destination whose configuration was given
 * beforehand starts its QEMU so, while it waits for the source, as QEMU
 * alone is started before its migration.  It gets the migration
 * settings made so far at once.  If that QEMU exits first, the backend
 * is simply no longer ahead (qemu_backend_stop() releases it).
 */
bool qemu_backend_start_ahead(const MachineProperties *config,
                              GPtrArray *serial_chardevs,
                              const QemuBackendOptions *opts, GError **errp);

/** qemu_backend_is_ahead: Returns: a QEMU started ahead still waits. */
bool qemu_backend_is_ahead(void);

/**
 * qemu_backend_adopt:
 * Makes the QEMU started ahead the guest's, with @opts's callbacks: from
 * now on it is as if qemu_backend_start() had just returned.  Sends QEMU
 * only the migration settings changed since it started.
 */
void qemu_backend_adopt(const QemuBackendOptions *opts);

/**
 * qemu_backend_migrate:
 * @fd: (transfer full): the migration channel, the prelude already past
 *
 * Gives @fd to QEMU (getfd, name "qmpd-migration") and starts QEMU's
 * "migrate" or "migrate-incoming" on it once QEMU answered everything
 * sent before.  @fn gets NULL once QEMU accepted, or the first error:
 * QEMU's refusal of a migration setting passed on, of the descriptor or
 * of the migration.
 */
void qemu_backend_migrate(bool incoming, int fd, MigrationQemuReplyFn fn,
                          void *opaque);

/** qemu_backend_is_running: Returns: true between start and QEMU's exit. */
bool qemu_backend_is_running(void);

/**
 * qemu_backend_exit_status:
 * Returns: the process exit status qmpd should end with once QEMU has
 * exited: 0 when QEMU exited normally with 0, 1 otherwise.
 */
int qemu_backend_exit_status(void);

/**
 * qemu_backend_stop:
 * Ends QEMU if it still runs (SIGKILL after asking it to quit) and
 * releases everything the backend holds.  Called at qmpd's exit.
 */
void qemu_backend_stop(void);
