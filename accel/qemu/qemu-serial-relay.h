/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A relay between one of qmpd's chardevs and a QEMU serial port
 * (qemu-serial-relay.c says why qmpd relays instead of handing over).
 */

#include "prelude.h"

typedef struct QemuSerialRelay QemuSerialRelay;

/**
 * qemu_serial_relay_new:
 * @chardev_id: an existing chardev with no frontend
 * @ret_qemu_fd: (out) (transfer full): the end QEMU gets
 *
 * Becomes the chardev's frontend and starts copying both ways.
 */
QemuSerialRelay *qemu_serial_relay_new(const char *chardev_id, int *ret_qemu_fd,
                                       GError **errp);

/** qemu_serial_relay_free: copies what is left, detaches, frees. */
void qemu_serial_relay_free(QemuSerialRelay *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuSerialRelay, qemu_serial_relay_free)
