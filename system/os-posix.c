/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * POSIX process plumbing: daemonizing with a readiness pipe, the locked
 * pidfile, and the parent-death signal.
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>

#include "system/os-posix.h"
#include "util/error.h"

static int daemon_pipe = -1;
static char *pidfile_path;
static int pidfile_fd = -1;

bool os_daemonize_start(GError **errp)
{
    int fds[2];
    pid_t pid;

    if (!g_unix_open_pipe(fds, FD_CLOEXEC, NULL)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cannot create a pipe: %s", g_strerror(errno));
        return false;
    }
    pid = fork();
    if (pid < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "cannot fork: %s",
                    g_strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid > 0) {
        char status = 1;
        ssize_t n;

        close(fds[1]);
        do {
            n = read(fds[0], &status, 1);
        } while (n < 0 && errno == EINTR);
        /* EOF without a status byte: the child died while starting. */
        _exit(n == 1 && status == 0 ? 0 : 1);
    }
    close(fds[0]);
    daemon_pipe = fds[1];
    if (setsid() < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "setsid failed: %s",
                    g_strerror(errno));
        return false;
    }
    return true;
}

void os_daemonize_finish(bool success)
{
    char status = success ? 0 : 1;
    int null_fd;

    if (daemon_pipe < 0) {
        return;
    }
    if (success) {
        null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null_fd >= 0) {
            dup2(null_fd, STDIN_FILENO);
            dup2(null_fd, STDOUT_FILENO);
            dup2(null_fd, STDERR_FILENO);
            close(null_fd);
        }
    }
    if (write(daemon_pipe, &status, 1) != 1) {
        /* The parent is gone; nobody is left to tell. */
    }
    close(daemon_pipe);
    daemon_pipe = -1;
}

bool os_pidfile_create(const char *path, GError **errp)
{
    g_autofree char *text = NULL;
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int fd;

    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Cannot open pid file: %s", g_strerror(errno));
        return false;
    }
    if (fcntl(fd, F_SETLK, &lock) < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Cannot lock pid file: %s", g_strerror(errno));
        close(fd);
        return false;
    }
    text = g_strdup_printf("%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 ||
        write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Failed to write pid file: %s", g_strerror(errno));
        close(fd);
        unlink(path);
        return false;
    }
    pidfile_fd = fd;
    pidfile_path = g_canonicalize_filename(path, NULL);
    return true;
}

void os_pidfile_remove(void)
{
    if (pidfile_path == NULL) {
        return;
    }
    unlink(pidfile_path);
    close(pidfile_fd);
    pidfile_fd = -1;
    g_clear_pointer(&pidfile_path, g_free);
}

bool os_exit_with_parent(GError **errp)
{
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cannot set the parent-death signal: %s",
                    g_strerror(errno));
        return false;
    }
    return true;
}
