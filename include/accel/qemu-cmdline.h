/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Rendering a machine configuration as a qemu-system-x86_64 command line.
 * One renderer per member family; the result is a pure function of the
 * configuration and the parameters (no file is opened, no descriptor
 * made), so it can be golden-tested.  Bytes the configuration owns
 * (fw_cfg files, ACPI tables, SMBIOS files) become "blobs": the caller
 * puts each in a memfd at the descriptor number the argument names
 * (/dev/fd/N), so no copy ever lands on disk.
 */

#include "prelude.h"

#include "qapi-types.h"
#include "qom/memory-backend.h"

#define QEMU_SERIAL_UNCONNECTED (-1)
#define QEMU_SERIAL_ABSENT (-2)

typedef struct QemuRenderParams {
    /* Descriptor number of QEMU's end of the private QMP channel. */
    int control_fd;
    /* ISA serial ports by index: the descriptor of QEMU's end of each
     * relay, QEMU_SERIAL_UNCONNECTED for a port with no chardev, or
     * QEMU_SERIAL_ABSENT for no port at that index. */
    const int *serial_fds;
    guint serial_count;
    /* Device ids by index (NULL entries: none), or NULL.  Without ids
     * and gaps the ports are rendered as -serial, else each as -device
     * isa-serial,index=N. */
    const char *const *serial_ids;
    /* The RAM's memory backend: rendered as -object and
     * -machine memory-backend=; NULL for none. */
    const char *memory_backend_id;
    const MemoryBackendInfo *memory_backend;
    /* Host-local options, appended verbatim, or NULL. */
    const char *const *host_args;
    /* Descriptor number of the first blob; the next ones follow. */
    int first_blob_fd;
    bool no_reboot;
    bool no_shutdown;
    const char *name; /* -name guest=, or NULL */
} QemuRenderParams;

typedef struct QemuBlob {
    int fd;        /* the number QEMU sees it at */
    GBytes *bytes; /* what it reads there */
    char *what;    /* the member it came from, e.g. "fw-cfg[0]" */
} QemuBlob;

typedef struct QemuCmdline {
    GPtrArray *argv;  /* of char *, without the program name */
    GPtrArray *blobs; /* of QemuBlob * */
} QemuCmdline;

void qemu_cmdline_free(QemuCmdline *cmdline);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuCmdline, qemu_cmdline_free)

/**
 * qemu_cmdline_render:
 * @config: (transfer none): the configuration as stored (sparse); the
 *          renderer fills defaults itself where QEMU's differ or where
 *          the value must be pinned (machine type, CPUs, RAM)
 * @params: (transfer none): descriptors and run-control options
 *
 * Fails, naming the member and why, for a member QEMU cannot be given
 * (semihosting-config on x86, a fw_cfg data generator).
 *
 * Returns: (transfer full): the arguments and the blobs they refer to.
 */
QemuCmdline *qemu_cmdline_render(const MachineProperties *config,
                                 const QemuRenderParams *params, GError **errp);

/**
 * qemu_cmdline_to_string:
 * Returns: (transfer full): the arguments joined by spaces, each quoted
 * for a POSIX shell where needed (for logs and golden tests).
 */
char *qemu_cmdline_to_string(const QemuCmdline *cmdline);
