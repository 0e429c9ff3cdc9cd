/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File descriptor sets: id allocation, removal rules and their error
 * texts, the listing order, and how "/dev/fdset/N" picks and duplicates
 * a descriptor by access mode.
 */

#include "prelude.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/fdset.h"

typedef struct Listing {
    GString *text;
} Listing;

static void append_entry(int64_t set_id, int fd, const char *opaque,
                         gpointer data)
{
    Listing *l = data;

    g_string_append_printf(l->text, "%" G_GINT64_FORMAT ":%s;", set_id,
                           opaque != NULL ? opaque : "-");
}

/* "SET:OPAQUE;" per descriptor, in fdset_foreach() order. */
static char *listing(void)
{
    Listing l = {g_string_new(NULL)};

    fdset_foreach(append_entry, &l);
    return g_string_free(l.text, FALSE);
}

static int open_null(int flags)
{
    int fd = open("/dev/null", flags | O_CLOEXEC);

    g_assert_cmpint(fd, >=, 0);
    return fd;
}

static bool fd_is_open(int fd)
{
    return fcntl(fd, F_GETFD) >= 0;
}

static void test_ids(void)
{
    int64_t id = -1;
    g_autofree char *text = NULL;

    /* Lowest unused id from 0; an explicit id makes or joins a set. */
    g_assert_true(fdset_add(open_null(O_RDONLY), false, 0, "a", &id, NULL));
    g_assert_cmpint(id, ==, 0);
    g_assert_true(fdset_add(open_null(O_RDONLY), true, 2, "b", &id, NULL));
    g_assert_cmpint(id, ==, 2);
    g_assert_true(fdset_add(open_null(O_RDONLY), false, 0, NULL, &id, NULL));
    g_assert_cmpint(id, ==, 1);
    g_assert_true(fdset_add(open_null(O_RDONLY), false, 0, "d", &id, NULL));
    g_assert_cmpint(id, ==, 3);
    g_assert_true(fdset_add(open_null(O_RDONLY), true, 2, "e", &id, NULL));
    g_assert_cmpint(id, ==, 2);
    text = listing();
    g_assert_cmpstr(text, ==, "0:a;1:-;2:b;2:e;3:d;");
    fdset_remove_all();
}

static void test_add_negative_id(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;
    int64_t id = 42;
    int fd = open_null(O_RDONLY);

    g_assert_false(fdset_add(fd, true, -1, "x", &id, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'fdset-id' expects a non-negative value");
    g_assert_cmpint(id, ==, 42);
    /* The descriptor was consumed (closed), and no set appeared. */
    g_assert_false(fd_is_open(fd));
    text = listing();
    g_assert_cmpstr(text, ==, "");
}

static void test_remove(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    int a = open_null(O_RDONLY);
    int b = open_null(O_WRONLY);
    int64_t id;

    g_assert_true(fdset_add(a, true, 5, "a", &id, NULL));
    g_assert_true(fdset_add(b, true, 5, "b", &id, NULL));
    before = listing();

    g_assert_false(fdset_remove(6, false, 0, &err));
    g_assert_cmpstr(err->message, ==,
                    "File descriptor named 'fdset-id:6' not found");
    g_clear_error(&err);
    g_assert_false(fdset_remove(5, true, 999, &err));
    g_assert_cmpstr(err->message, ==,
                    "File descriptor named 'fdset-id:5, fd:999' not found");
    g_clear_error(&err);
    g_assert_false(fdset_remove(6, true, a, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_clear_error(&err);
    after = listing();
    g_assert_cmpstr(after, ==, before);
    g_assert_true(fd_is_open(a));

    /* One descriptor: closed, the set stays while it holds another. */
    g_assert_true(fdset_remove(5, true, a, NULL));
    g_assert_false(fd_is_open(a));
    g_clear_pointer(&after, g_free);
    after = listing();
    g_assert_cmpstr(after, ==, "5:b;");
    g_assert_true(fdset_remove(5, true, b, NULL));
    g_clear_pointer(&after, g_free);
    after = listing();
    g_assert_cmpstr(after, ==, "");
    g_assert_false(fdset_remove(5, false, 0, NULL));

    /* The whole set at once. */
    a = open_null(O_RDONLY);
    b = open_null(O_RDONLY);
    g_assert_true(fdset_add(a, true, 1, NULL, &id, NULL));
    g_assert_true(fdset_add(b, true, 1, NULL, &id, NULL));
    g_assert_true(fdset_remove(1, false, 0, NULL));
    g_assert_false(fd_is_open(a));
    g_assert_false(fd_is_open(b));
}

static void test_dup_by_mode(void)
{
    g_autofree char *dir = g_dir_make_tmp("fdset-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "f", NULL);
    g_autoptr(GError) err = NULL;
    int ro, wo, rw, d;
    int64_t id;
    char buf[8] = {0};

    g_assert_true(g_file_set_contents(path, "0123456789", 10, NULL));
    ro = open(path, O_RDONLY | O_CLOEXEC);
    wo = open(path, O_WRONLY | O_CLOEXEC);
    g_assert_true(fdset_add(ro, true, 3, "ro", &id, NULL));
    g_assert_true(fdset_add(wo, true, 3, "wo", &id, NULL));

    /* Write-only asks for the write-only one: a new, close-on-exec fd. */
    d = qmpd_open("/dev/fdset/3", O_WRONLY | O_CREAT, 0600, &err);
    g_assert_no_error(err);
    g_assert_cmpint(d, >=, 0);
    g_assert_cmpint(d, !=, wo);
    g_assert_cmpint(fcntl(d, F_GETFL) & O_ACCMODE, ==, O_WRONLY);
    g_assert_cmpint(fcntl(d, F_GETFD) & FD_CLOEXEC, ==, FD_CLOEXEC);
    g_assert_cmpint(write(d, "AB", 2), ==, 2);
    close(d);
    /* The original stays in the set. */
    g_assert_true(fd_is_open(wo));

    d = qmpd_open("/dev/fdset/3", O_RDONLY, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpint(read(d, buf, 4), ==, 4);
    g_assert_cmpmem(buf, 4, "AB23", 4);
    close(d);

    /* Read-write matches neither (QEMU compares the access mode). */
    g_assert_cmpint(qmpd_open("/dev/fdset/3", O_RDWR, 0, &err), ==, -1);
    g_assert_cmpstr(err->message, ==,
                    "Failed to find file descriptor with matching "
                    "flags=0x2");
    g_clear_error(&err);
    rw = open(path, O_RDWR | O_CLOEXEC);
    g_assert_true(fdset_add(rw, true, 3, NULL, &id, NULL));
    d = qmpd_open("/dev/fdset/3", O_RDWR | O_TRUNC, 0, &err);
    g_assert_no_error(err);
    {
        struct stat st;

        /* O_TRUNC truncates, as open(2) would have. */
        g_assert_cmpint(fstat(d, &st), ==, 0);
        g_assert_cmpint(st.st_size, ==, 0);
    }
    close(d);

    g_assert_cmpint(qmpd_open("/dev/fdset/4", O_RDONLY, 0, &err), ==, -1);
    g_assert_cmpstr(err->message, ==, "Failed to find fdset /dev/fdset/4");
    g_clear_error(&err);
    g_assert_cmpint(qmpd_open("/dev/fdset/x3", O_RDONLY, 0, &err), ==, -1);
    g_assert_cmpstr(err->message, ==, "Could not parse fdset /dev/fdset/x3");
    g_clear_error(&err);
    g_assert_cmpint(qmpd_open("/dev/fdset/", O_RDONLY, 0, &err), ==, -1);
    g_assert_cmpstr(err->message, ==, "Could not parse fdset /dev/fdset/");
    g_clear_error(&err);

    fdset_remove_all();
    g_assert_false(fd_is_open(ro));
    g_assert_false(fd_is_open(rw));
    unlink(path);
    rmdir(dir);
}

static void test_open_plain(void)
{
    g_autoptr(GError) err = NULL;
    int fd = qmpd_open("/nonexistent/dir/f", O_WRONLY | O_CREAT, 0600, &err);

    g_assert_cmpint(fd, ==, -1);
    g_assert_cmpstr(err->message, ==,
                    "Could not create '/nonexistent/dir/f': No such file or "
                    "directory");
    g_clear_error(&err);
    fd = qmpd_open("/nonexistent/f", O_RDONLY, 0, &err);
    g_assert_cmpstr(err->message, ==,
                    "Could not open '/nonexistent/f': No such file or "
                    "directory");
    fd = qmpd_open("/dev/null", O_RDONLY, 0, NULL);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(fcntl(fd, F_GETFD) & FD_CLOEXEC, ==, FD_CLOEXEC);
    close(fd);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/fdset/ids", test_ids);
    g_test_add_func("/util/fdset/add-negative-id", test_add_negative_id);
    g_test_add_func("/util/fdset/remove", test_remove);
    g_test_add_func("/util/fdset/dup-by-mode", test_dup_by_mode);
    g_test_add_func("/util/fdset/open-plain", test_open_plain);
    return g_test_run();
}
