/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Accelerators: what runs the guest's CPUs.  Each one is an AccelOps
 * table, so that KVM can slot in later beside the first implementation,
 * "qtest", which has no CPU at all: devices are driven only through the
 * qtest protocol and the virtual clock moves only when qtest steps it.
 *
 * Contract: one accelerator is selected at a time.  It is a member of the
 * machine configuration (accel.type): selected at start-up from the
 * command line's configuration, and again when the configuration phase
 * ends if machine-set changed it.  qmpd's default is "qtest" (QEMU would
 * pick tcg or kvm).
 */

#include "prelude.h"

#define TYPE_ACCEL "accel"
/* An accelerator's QOM type is its name with this suffix ("tcg-accel"). */
#define ACCEL_CLASS_SUFFIX "-accel"

typedef struct AccelOps {
    const char *name;
    /* Brings the accelerator up; runs once, from accel_select(). */
    bool (*init)(GError **errp);
    /* True when guest time moves only under external control (qtest). */
    bool manual_virtual_clock;
    /* False for accelerators that cannot execute guest code. */
    bool has_cpus;
    /*
     * True when a QEMU process runs the machine and qmpd manages it
     * (accel/qemu/); false for the built-in machine.
     */
    bool runs_in_qemu;
} AccelOps;

/**
 * accel_select:
 * @name: an accelerator name, or a ':'-separated list tried in order as
 *        in "-machine accel=kvm:qtest"; NULL or "" picks the default
 *        ("qtest")
 *
 * Initializes the first accelerator of @name that exists and comes up.
 * Fails with "invalid accelerator NAME" (QEMU's text, for the first name
 * when none was usable) or the accelerator's own init error; fails with
 * "accelerator already selected" on a second call.  Nothing changes on
 * failure.
 */
bool accel_select(const char *name, GError **errp);

/**
 * accel_get_current:
 * Returns: (transfer none) (nullable): the selected accelerator, NULL
 * before accel_select() succeeded.
 */
const AccelOps *accel_get_current(void);

/** accel_is_qtest: Returns: true when the qtest accelerator is selected. */
bool accel_is_qtest(void);

/**
 * accel_find:
 * Returns: (transfer none) (nullable): the accelerator named @name, NULL
 * when qmpd has none of that name.
 */
const AccelOps *accel_find(const char *name);

/**
 * accel_reset: forgets the selection, so that the configuration phase
 * can pick again (and tests can start over).
 */
void accel_reset(void);

/**
 * accel_kvm_is_usable:
 * Returns: true when /dev/kvm can be opened for reading and writing, so a
 * QEMU started with accel.type kvm could use it.
 */
bool accel_kvm_is_usable(void);

/**
 * accel_register_types:
 * Registers the abstract QOM type "accel" and one type per accelerator
 * ("qtest-accel", "tcg-accel", "kvm-accel"); idempotent.
 */
void accel_register_types(void);
