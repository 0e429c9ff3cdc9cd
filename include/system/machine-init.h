/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Leaving the configuration phase: machine initialization and start.
 */

#include "accel/qemu-backend.h"
#include "prelude.h"
#include "qapi-types.h"
#include "qom/object.h"
#include "system/ram.h"

/**
 * machine_init_enter_configuration:
 * @incoming: -incoming defer was given (run state "inmigrate")
 *
 * Moves from no-machine to the end of the configuration phase and sets
 * the run state shown while parked there ("prelaunch" or "inmigrate").
 */
void machine_init_enter_configuration(bool incoming);

/**
 * machine_init_add_serial:
 * @chardev_id: (nullable): backend of the next ISA serial port (COM1
 *     first), NULL for a port left unconnected
 *
 * Records a -serial port; the UARTs are created at machine
 * initialization, on machines that have ISA serial ports.
 */
void machine_init_add_serial(const char *chardev_id);

/**
 * machine_init_add_serial_device:
 * @index: the port (0 is COM1), or -1 for the first free one
 * @chardev_id: (nullable): its backend, NULL for an unconnected port
 * @dev_id: (nullable): the device id
 *
 * Records a "-device isa-serial" port: the same UART as -serial gives,
 * at a chosen index.  Errors: "Max. supported number of ISA serial ports
 * is 4", "ISA serial port N is already in use", "Duplicate device ID
 * 'ID'".
 */
bool machine_init_add_serial_device(int64_t index, const char *chardev_id,
                                    const char *dev_id, GError **errp);

/**
 * machine_init_find_memory_backend:
 *
 * Returns: (transfer none) (nullable): the object @cfg's memory-backend
 * names, or NULL when it names none or (with @errp set) when no memory
 * backend of that id exists or its size differs from memory.size.
 */
Object *machine_init_find_memory_backend(const MachineProperties *cfg,
                                         GError **errp);

/**
 * machine_init_set_backend_options:
 * @opts: (transfer none): copied; its @name must outlive the process
 *
 * Records the command line's run-control options for a QEMU-run guest.
 */
void machine_init_set_backend_options(const QemuBackendOptions *opts);

/**
 * machine_init_select_accel:
 * Selects the accelerator the current configuration names (accel.type,
 * default qtest), unless it is already the selected one.
 */
bool machine_init_select_accel(GError **errp);

/**
 * machine_init_complete:
 * Initializes the machine from the current configuration, advances to
 * machine-ready and, with autostart and no pending incoming migration,
 * starts it (RESUME).  Fails, changing nothing, when called after
 * initialization.
 */
bool machine_init_complete(GError **errp);

/**
 * machine_teardown:
 * Removes the on-board devices and the board (RAM, mappings).  Used when
 * an incoming migration fails and at exit; safe when nothing was built.
 */
void machine_teardown(void);

/**
 * machine_incoming_prepare:
 * @stream_cfg: (transfer none): the configuration the incoming stream
 *     carries, already reconciled with local settings by the migration
 *     code (host-local overlay, conflict check)
 *
 * Remembers the current configuration, applies @stream_cfg through
 * machine_config_set(), freezes it and initializes the machine up to
 * machine-ready without starting it.  On error nothing has changed.
 */
bool machine_incoming_prepare(const MachineProperties *stream_cfg,
                              GError **errp);

/**
 * machine_incoming_abort:
 * Undoes machine_incoming_prepare(): tears the machine down, restores the
 * configuration it had before and returns to the configuration phase with
 * run state "inmigrate", ready for another migrate-incoming.
 */
void machine_incoming_abort(void);

/**
 * machine_incoming_prepare_qemu:
 * @stream_cfg: (transfer none): the reconciled configuration of a QEMU
 *     hand-off's prelude
 *
 * Applies @stream_cfg and starts QEMU waiting for the stream ("-incoming
 * defer").  On failure nothing changed.  machine_incoming_abort() stops
 * QEMU and restores the prior configuration.
 */
bool machine_incoming_prepare_qemu(const MachineProperties *stream_cfg,
                                   GError **errp);

/**
 * machine_incoming_start_ahead:
 * When the local configuration runs its guest in QEMU (accel.type tcg or
 * kvm set on this destination), starts that QEMU now, waiting for the
 * stream, so that a stream whose configuration reconciles to the same
 * one finds it ready (machine_incoming_prepare_qemu() adopts it); any
 * other configuration gets a QEMU of its own as before.  Best effort: a
 * QEMU that cannot start now is logged, not an error.
 */
void machine_incoming_start_ahead(void);

/**
 * machine_incoming_stop_ahead:
 * Ends a QEMU started ahead and not adopted (the incoming migration
 * failed or was cancelled before it needed that QEMU).
 */
void machine_incoming_stop_ahead(void);

/**
 * machine_incoming_adopt_qemu:
 * Like machine_incoming_prepare_qemu(), for the program cpr-exec
 * executed: the QEMU the old program ran is taken over (include/accel/
 * qemu-cpr.h) instead of started, with its run state.
 */
bool machine_incoming_adopt_qemu(const MachineProperties *stream_cfg,
                                 GError **errp);

/**
 * machine_incoming_prepare_cpr:
 * @ram: (transfer none) (nullable): the guest RAM a cpr-transfer source
 *     handed over (the board takes its own reference), NULL for none
 *
 * Like machine_incoming_prepare(), but the board maps @ram instead of
 * allocating RAM.  The configuration must say aux-ram-share=on (it
 * travels from the source unless this destination overrides it) or name
 * a shared memory-backend-memfd.
 */
bool machine_incoming_prepare_cpr(const MachineProperties *stream_cfg,
                                  RamBlock *ram, GError **errp);

/**
 * machine_incoming_finish:
 * @source_state: the run state the source had when it stopped
 *
 * Ends a successful incoming migration: the machine runs if the source ran
 * (and autostart is on), otherwise it stays stopped in @source_state's
 * stopped equivalent ("paused" or "prelaunch").
 */
void machine_incoming_finish(RunState source_state);
