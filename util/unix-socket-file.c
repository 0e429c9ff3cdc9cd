/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "prelude.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/unix-socket-file.h"

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * Only a refused connection proves a leftover; an accepted or queued one
 * (a full backlog) means a live server, and any other answer is no proof
 * either way, so the file stays.
 */
static bool nobody_listens(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd;
    bool stale;

    if (strlen(path) >= sizeof(sun.sun_path)) {
        return false;
    }
    strcpy(sun.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return false;
    }
    stale = connect(fd, (const struct sockaddr *)&sun, sizeof(sun)) < 0 &&
            errno == ECONNREFUSED;
    close(fd);
    return stale;
}

void unix_socket_file_unlink_stale(const char *path)
{
    struct stat before;
    struct stat after;

    if (lstat(path, &before) < 0 || !S_ISSOCK(before.st_mode) ||
        !nobody_listens(path)) {
        return;
    }
    /* A server that replaced the file while we probed is not stale. */
    if (lstat(path, &after) == 0 && same_file(&before, &after)) {
        unlink(path);
    }
}

void unix_socket_file_record(UnixSocketFile *f, const char *path)
{
    struct stat st;

    /*
     * fstat() on a socket describes the socket, not its file: the path is
     * the only way to learn which file bind() made.
     */
    g_clear_pointer(&f->path, g_free);
    if (lstat(path, &st) == 0) {
        f->path = g_strdup(path);
        f->dev = st.st_dev;
        f->ino = st.st_ino;
    }
}

void unix_socket_file_release(UnixSocketFile *f)
{
    struct stat st;

    /* Another server may have bound the path since; that file is its. */
    if (f->path != NULL && lstat(f->path, &st) == 0 && st.st_dev == f->dev &&
        st.st_ino == f->ino) {
        unlink(f->path);
    }
    g_clear_pointer(&f->path, g_free);
}
