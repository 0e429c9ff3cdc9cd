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

/* How often a pidfile unlinked under us while we locked it is retried. */
#define PIDFILE_OPEN_ATTEMPTS 10

static bool same_inode(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether @path still names the file open as @fd. */
static bool path_is_fd(const char *path, int fd)
{
    struct stat path_st;
    struct stat fd_st;

    return lstat(path, &path_st) == 0 && fstat(fd, &fd_st) == 0 &&
           same_inode(&path_st, &fd_st);
}

static void pidfile_open_error(const char *path, int err, GError **errp)
{
    struct stat st;

    /* O_NOFOLLOW reports a symlink as ELOOP, which reads like a loop. */
    if (err == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Cannot open pid file: it is a symbolic link");
        return;
    }
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "Cannot open pid file: %s", g_strerror(err));
}

/*
 * Opens and locks the pidfile without writing to it: until the lock is
 * held the file belongs to whoever holds it.
 */
static int pidfile_open_locked(const char *path, GError **errp)
{
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    struct stat st;
    int fd;

    for (int attempt = 0; attempt < PIDFILE_OPEN_ATTEMPTS; attempt++) {
        /*
         * O_NOFOLLOW: a link planted at the path must not redirect the
         * write to another file.  O_NONBLOCK: a FIFO planted there must
         * not hang start-up; it is refused below with the other
         * non-regular files.
         */
        fd =
            open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
                 0644);
        if (fd < 0) {
            pidfile_open_error(path, errno, errp);
            return -1;
        }
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Cannot open pid file: not a regular file");
            close(fd);
            return -1;
        }
        if (fcntl(fd, F_SETLK, &lock) < 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Cannot lock pid file: %s", g_strerror(errno));
            close(fd);
            return -1;
        }
        /*
         * The previous owner may have unlinked the file between our open
         * and our lock; locking that orphan would guard nothing.
         */
        if (!path_is_fd(path, fd)) {
            close(fd);
            continue;
        }
        /* A hard link would let the write land in a file of another name. */
        if (fstat(fd, &st) < 0 || st.st_nlink != 1) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Cannot open pid file: it has other hard links");
            close(fd);
            return -1;
        }
        return fd;
    }
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "Cannot lock pid file: it keeps being replaced");
    return -1;
}

static bool pidfile_write(int fd, GError **errp)
{
    g_autofree char *text = g_strdup_printf("%d\n", (int)getpid());
    size_t len = strlen(text);
    ssize_t n = 0;

    if (ftruncate(fd, 0) == 0) {
        n = write(fd, text, len);
        if (n == (ssize_t)len) {
            return true;
        }
    }
    /* A short write leaves errno alone; it only happens when space ran out. */
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "Failed to write pid file: %s",
                g_strerror(n > 0 ? ENOSPC : errno));
    return false;
}

bool os_pidfile_create(const char *path, GError **errp)
{
    int fd;

    g_return_val_if_fail(pidfile_path == NULL, false);
    fd = pidfile_open_locked(path, errp);
    if (fd < 0) {
        return false;
    }
    pidfile_fd = fd;
    pidfile_path = g_canonicalize_filename(path, NULL);
    if (!pidfile_write(fd, errp)) {
        os_pidfile_remove();
        return false;
    }
    return true;
}

void os_pidfile_remove(void)
{
    if (pidfile_path == NULL) {
        return;
    }
    /*
     * Whatever now sits at the path (another instance's pidfile, say)
     * is not ours to remove.  Unlinking before the lock is dropped means
     * a newcomer that opened our file can only lock it once it is gone
     * from the path, which its identity check notices.
     */
    if (path_is_fd(pidfile_path, pidfile_fd)) {
        unlink(pidfile_path);
    }
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
