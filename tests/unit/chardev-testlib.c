/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the chardev tests (test-chardev, test-chardev-socket):
 * a scratch folder, a frontend that records what it receives, and the
 * peer's side of a unix socket driven while the main loop runs.
 */

#include "prelude.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "chardev-testlib.h"
#include "chardev/char.h"
#include "util/error.h"

/* Scratch folder for sockets and files, made by chardev_test_make_tmpdir(). */
static char *tmpdir;

void chardev_test_make_tmpdir(void)
{
    g_autoptr(GError) err = NULL;

    tmpdir = g_dir_make_tmp("test-chardev-XXXXXX", &err);
    g_assert_no_error(err);
}

void chardev_test_remove_tmpdir(void)
{
    g_rmdir(tmpdir);
    g_clear_pointer(&tmpdir, g_free);
}

const char *chardev_test_tmpdir(void)
{
    return tmpdir;
}

static gsize fe_can_read(void *opaque)
{
    TestFe *fe = opaque;

    return fe->allow;
}

static void fe_read(void *opaque, const guint8 *buf, gsize len)
{
    TestFe *fe = opaque;

    g_assert_cmpuint(len, <=, fe->allow);
    g_byte_array_append(fe->in, buf, len);
    if (fe->echo) {
        g_assert_true(chardev_write_all(fe->chr, buf, len, NULL));
    }
}

static void fe_event(void *opaque, ChardevEvent event)
{
    TestFe *fe = opaque;

    if (event == CHR_EVENT_OPENED) {
        fe->opened++;
    } else {
        fe->closed++;
    }
}

const ChardevHandlers chardev_test_fe_handlers = {
    .can_read = fe_can_read,
    .read = fe_read,
    .event = fe_event,
};

void chardev_test_fe_attach(TestFe *fe, Chardev *chr)
{
    g_autoptr(GError) err = NULL;

    memset(fe, 0, sizeof(*fe));
    fe->chr = chr;
    fe->in = g_byte_array_new();
    fe->allow = 4096;
    g_assert_true(
        chardev_set_handlers(chr, &chardev_test_fe_handlers, fe, &err));
    g_assert_no_error(err);
}

void chardev_test_fe_detach(TestFe *fe)
{
    g_assert_true(chardev_set_handlers(fe->chr, NULL, NULL, NULL));
    g_byte_array_unref(fe->in);
}

Chardev *chardev_test_new(const char *spec)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevOptions) opts = chardev_options_parse(spec, &err);
    Chardev *chr;

    g_assert_no_error(err);
    chr = chardev_new(opts, &err);
    g_assert_no_error(err);
    g_assert_nonnull(chr);
    return chr;
}

char *chardev_test_tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

int chardev_test_unix_connect(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    return fd;
}

int chardev_test_unix_listen(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    return fd;
}

void chardev_test_send_all(int fd, const char *s)
{
    g_assert_cmpint(send(fd, s, strlen(s), MSG_NOSIGNAL), ==, strlen(s));
}

/* Reads exactly @len bytes from @fd while pumping the main loop. */
char *chardev_test_recv_exact(int fd, gsize len)
{
    char *buf = g_malloc0(len + 1);
    gsize got = 0;

    g_assert_true(g_unix_set_fd_nonblocking(fd, TRUE, NULL));
    while (got < len) {
        gint64 deadline = g_get_monotonic_time() + PUMP_TIMEOUT_US;
        gssize n;

        n = recv(fd, buf + got, len - got, 0);
        if (n > 0) {
            got += n;
            continue;
        }
        g_assert_cmpint(n, <, 0);
        g_assert_cmpint(errno, ==, EAGAIN);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        if (!g_main_context_iteration(NULL, FALSE)) {
            g_usleep(1000);
        }
    }
    g_assert_true(g_unix_set_fd_nonblocking(fd, FALSE, NULL));
    return buf;
}

static void count_cb(Chardev *chr, void *opaque)
{
    guint *n = opaque;

    (*n)++;
}

guint chardev_test_count(void)
{
    guint n = 0;

    chardev_foreach(count_cb, &n);
    return n;
}
