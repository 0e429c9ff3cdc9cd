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

/*
 * cpr-exec (docs/system/cpr.md): qmpd's end of the socket pair survives
 * the exec, with the client's bytes not yet taken by QEMU.
 */

/**
 * qemu_serial_relay_adopt:
 * @fd: (transfer full): qmpd's end of a socket pair QEMU holds the other
 *     end of (closed on failure)
 * @to_guest: bytes of the client's still to be given to QEMU
 */
QemuSerialRelay *qemu_serial_relay_adopt(const char *chardev_id, int fd,
                                         const guint8 *to_guest, gsize len,
                                         GError **errp);

/** qemu_serial_relay_get_chardev_id: Returns: (transfer none). */
const char *qemu_serial_relay_get_chardev_id(QemuSerialRelay *r);

/** qemu_serial_relay_get_fd: Returns: (transfer none): qmpd's end. */
int qemu_serial_relay_get_fd(QemuSerialRelay *r);

/**
 * qemu_serial_relay_get_pending:
 * Returns: (transfer none): the client's bytes QEMU has not taken yet.
 */
const guint8 *qemu_serial_relay_get_pending(QemuSerialRelay *r, gsize *ret_len);

/**
 * qemu_serial_relay_pause:
 * Stops (or resumes) copying in both directions; bytes already read
 * from the client are offered to QEMU once more.
 */
void qemu_serial_relay_pause(QemuSerialRelay *r, bool paused);
