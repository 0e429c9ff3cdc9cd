/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stream chardev backends over plain file descriptors: stdio (stdin and
 * stdout of the daemon) and file (output to a file, optional input file).
 * They are "connected" from creation until removal.
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "char-internal.h"
#include "chardev/char.h"
#include "util/error.h"
#include "util/fdset.h"

typedef struct FdState {
    int in_fd;
    int out_fd;
    /* stdio: fcntl flags of fds 0 and 1 to restore on close */
    int saved_flags[2];
} FdState;

/* QEMU allows a single stdio chardev per process. */
static bool stdio_in_use;

static void fd_set_nonblocking(int fd, int *ret_old_flags)
{
    int flags = fcntl(fd, F_GETFL);

    *ret_old_flags = flags;
    if (flags >= 0) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
}

static bool stdio_open(Chardev *chr, GError **errp)
{
    FdState *s;

    if (stdio_in_use) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cannot use stdio by multiple character devices");
        return false;
    }
    stdio_in_use = true;
    s = g_new0(FdState, 1);
    s->in_fd = STDIN_FILENO;
    s->out_fd = STDOUT_FILENO;
    /* The main loop must never block on a slow terminal or pipe. */
    fd_set_nonblocking(STDIN_FILENO, &s->saved_flags[0]);
    fd_set_nonblocking(STDOUT_FILENO, &s->saved_flags[1]);
    chr->be = s;
    chr_io_attach(chr, s->in_fd, s->out_fd, NULL, false);
    return true;
}

static void stdio_close(Chardev *chr)
{
    FdState *s = chr->be;

    if (!s) {
        return;
    }
    if (s->saved_flags[0] >= 0) {
        fcntl(STDIN_FILENO, F_SETFL, s->saved_flags[0]);
    }
    if (s->saved_flags[1] >= 0) {
        fcntl(STDOUT_FILENO, F_SETFL, s->saved_flags[1]);
    }
    g_free(s);
    chr->be = NULL;
    stdio_in_use = false;
}

static char *stdio_filename(const Chardev *chr)
{
    return g_strdup("stdio");
}

static bool file_open(Chardev *chr, GError **errp)
{
    const ChardevOptions *o = chr->opts;
    FdState *s = g_new0(FdState, 1);
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;

    s->in_fd = -1;
    s->out_fd = -1;
    chr->be = s;
    flags |= o->append ? O_APPEND : O_TRUNC;
    if (g_str_has_prefix(o->out_path, "/dev/fdset/")) {
        /* a descriptor from -add-fd or add-fd, chosen by access mode */
        s->out_fd = qmpd_open(o->out_path, flags, 0666, errp);
        if (s->out_fd < 0) {
            return false;
        }
    } else {
        s->out_fd = open(o->out_path, flags, 0666);
    }
    if (s->out_fd < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Could not open '%s': %s", o->out_path, g_strerror(errno));
        return false;
    }
    if (o->in_path) {
        s->in_fd = open(o->in_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (s->in_fd < 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Could not open '%s': %s", o->in_path,
                        g_strerror(errno));
            return false;
        }
    }
    chr_io_attach(chr, s->in_fd, s->out_fd, NULL, false);
    return true;
}

static void file_close(Chardev *chr)
{
    FdState *s = chr->be;

    if (!s) {
        return;
    }
    if (s->in_fd >= 0) {
        close(s->in_fd);
    }
    if (s->out_fd >= 0) {
        close(s->out_fd);
    }
    g_free(s);
    chr->be = NULL;
}

static char *file_filename(const Chardev *chr)
{
    return g_strdup("file");
}

const ChardevBackendOps chardev_stdio_ops = {
    .open = stdio_open,
    .close = stdio_close,
    .filename = stdio_filename,
    .peer_gone = chr_io_stop_input,
};

const ChardevBackendOps chardev_file_ops = {
    .open = file_open,
    .close = file_close,
    .filename = file_filename,
    .peer_gone = chr_io_stop_input,
};
