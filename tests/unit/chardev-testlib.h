/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Helpers shared by the chardev tests (test-chardev, test-chardev-socket).
 * Everything runs on the default GMainContext: a test drives its chardevs
 * by iterating it, through PUMP_UNTIL() or chardev_test_recv_exact().
 * main() brackets g_test_run() with chardev_test_make_tmpdir() and
 * chardev_test_remove_tmpdir(); every test leaves the folder empty.
 * Every helper fails the running test on an unexpected error.
 */

#include "chardev/char.h"
#include "prelude.h"

/* How long a test waits for a socket event before failing. */
#define PUMP_TIMEOUT_US (10 * G_USEC_PER_SEC)

/* Iterates the default main context until @cond holds, or fails the test. */
#define PUMP_UNTIL(cond)                                             \
    do {                                                             \
        gint64 deadline_ = g_get_monotonic_time() + PUMP_TIMEOUT_US; \
        while (!(cond)) {                                            \
            g_assert_cmpint(g_get_monotonic_time(), <, deadline_);   \
            if (!g_main_context_iteration(NULL, FALSE)) {            \
                g_usleep(1000);                                      \
            }                                                        \
        }                                                            \
    } while (0)

/*
 * A frontend that records what its chardev delivers.  Tests read and set
 * the fields directly.
 */
typedef struct TestFe {
    Chardev *chr;
    GByteArray *in; /* every byte received, in order */
    int opened;     /* CHR_EVENT_OPENED count */
    int closed;     /* CHR_EVENT_CLOSED count */
    gsize allow;    /* what can_read reports; 0 stops input */
    bool echo;      /* write each received chunk straight back */
} TestFe;

/* The handlers chardev_test_fe_attach() installs; the opaque is a TestFe. */
extern const ChardevHandlers chardev_test_fe_handlers;

/**
 * chardev_test_make_tmpdir:
 *
 * Creates the scratch folder for sockets and files.  Call once from
 * main(), before g_test_run().
 */
void chardev_test_make_tmpdir(void);

/**
 * chardev_test_remove_tmpdir:
 *
 * Removes the scratch folder, which must be empty by then.  Call once from
 * main() after g_test_run().
 */
void chardev_test_remove_tmpdir(void);

/**
 * chardev_test_tmpdir:
 *
 * Returns: (transfer none): the scratch folder's path.
 */
const char *chardev_test_tmpdir(void);

/**
 * chardev_test_tmp_path:
 * @name: a file name inside the scratch folder
 *
 * Returns: (transfer full): the path of @name in the scratch folder.
 */
char *chardev_test_tmp_path(const char *name);

/**
 * chardev_test_fe_attach:
 * @fe: the frontend to initialize; any previous contents are overwritten
 * @chr: (transfer none): the chardev to attach it to
 *
 * Zeroes @fe, lets it accept 4096 bytes at a time without echo, and
 * installs chardev_test_fe_handlers on @chr with @fe as opaque.
 */
void chardev_test_fe_attach(TestFe *fe, Chardev *chr);

/**
 * chardev_test_fe_detach:
 * @fe: a frontend set up by chardev_test_fe_attach()
 *
 * Removes the handlers from @fe's chardev and frees @fe->in.
 */
void chardev_test_fe_detach(TestFe *fe);

/**
 * chardev_test_new:
 * @spec: a -chardev option value
 *
 * Parses @spec and creates the chardev, which the registry owns until
 * chardev_remove() or chardev_remove_all().
 *
 * Returns: (transfer none): the new chardev.
 */
Chardev *chardev_test_new(const char *spec);

/**
 * chardev_test_unix_connect:
 * @path: a listening unix socket
 *
 * Returns: a blocking, close-on-exec socket connected to @path; the caller
 * closes it.
 */
int chardev_test_unix_connect(const char *path);

/**
 * chardev_test_unix_listen:
 * @path: where to bind; must not exist
 *
 * Returns: a close-on-exec unix socket listening on @path; the caller
 * closes it and removes @path.
 */
int chardev_test_unix_listen(const char *path);

/**
 * chardev_test_send_all:
 * @fd: a connected socket
 * @s: the text to send, without its NUL
 *
 * Sends @s in one call, without raising SIGPIPE.
 */
void chardev_test_send_all(int fd, const char *s);

/**
 * chardev_test_recv_exact:
 * @fd: a connected, blocking socket
 * @len: how many bytes to read
 *
 * Reads exactly @len bytes from @fd while iterating the main context, so
 * a chardev in the same thread can write them.  @fd is blocking again on
 * return.
 *
 * Returns: (transfer full): the bytes read, followed by a NUL.
 */
char *chardev_test_recv_exact(int fd, gsize len);

/**
 * chardev_test_count:
 *
 * Returns: how many chardevs the registry holds.
 */
guint chardev_test_count(void);
