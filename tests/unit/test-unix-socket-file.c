/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The socket-file rules every qmpd server follows: a stale file is
 * replaced, a live one is not, and only our own file is removed at the end.
 */
#include "prelude.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/unix-socket-file.h"

/* A socket bound at @path; listening when @listening, else left stale. */
static int bind_at(const char *path, bool listening)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpuint(strlen(path), <, sizeof(sun.sun_path));
    strcpy(sun.sun_path, path);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    if (listening) {
        g_assert_cmpint(listen(fd, 4), ==, 0);
    }
    return fd;
}

static ino_t inode_of(const char *path)
{
    struct stat st;

    g_assert_cmpint(lstat(path, &st), ==, 0);
    return st.st_ino;
}

static void test_rules(void)
{
    g_autofree char *dir = g_dir_make_tmp("qmpd-usf-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "s.sock", NULL);
    g_autofree char *plain = g_build_filename(dir, "plain", NULL);
    UnixSocketFile mine = {0};
    int live, stale, ours;
    ino_t live_ino;

    /* A live server's file stays. */
    live = bind_at(path, true);
    live_ino = inode_of(path);
    unix_socket_file_unlink_stale(path);
    g_assert_cmpuint(inode_of(path), ==, live_ino);
    close(live);

    /* Nobody listens any more: the file is a leftover and goes. */
    unix_socket_file_unlink_stale(path);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

    /* A bound but never listening socket refuses connections too. */
    stale = bind_at(path, false);
    unix_socket_file_unlink_stale(path);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    close(stale);

    /* Not a socket: never touched. */
    g_assert_true(g_file_set_contents(plain, "x", 1, NULL));
    unix_socket_file_unlink_stale(plain);
    g_assert_true(g_file_test(plain, G_FILE_TEST_EXISTS));

    /* Ours is removed at the end ... */
    ours = bind_at(path, true);
    unix_socket_file_record(&mine, path);
    unix_socket_file_release(&mine);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_null(mine.path);
    close(ours);

    /* ... but not a file that replaced it meanwhile. */
    ours = bind_at(path, true);
    unix_socket_file_record(&mine, path);
    g_assert_cmpint(unlink(path), ==, 0);
    live = bind_at(path, true);
    live_ino = inode_of(path);
    unix_socket_file_release(&mine);
    g_assert_cmpuint(inode_of(path), ==, live_ino);
    close(ours);
    close(live);

    g_unlink(path);
    g_unlink(plain);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/unix-socket-file/rules", test_rules);
    return g_test_run();
}
