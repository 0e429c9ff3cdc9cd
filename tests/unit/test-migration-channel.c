/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the transport helpers the outgoing state machine relies
 * on: the send buffer an outgoing socket gets.
 */

#include "prelude.h"

#include <sys/socket.h>
#include <unistd.h>

#include "migration/channel-internal.h"

static int send_buffer_of(GSocket *sock)
{
    g_autoptr(GError) err = NULL;
    gint size = 0;

    g_assert_true(
        g_socket_get_option(sock, SOL_SOCKET, SO_SNDBUF, &size, &err));
    g_assert_no_error(err);
    return size;
}

/*
 * What a socket whose buffer was @before ends with when @want bytes are
 * asked for: Linux caps the request at wmem_max and reports it doubled;
 * the tuning never shrinks a buffer.
 */
static int granted_send_buffer(int before, int want)
{
    g_autofree char *text = NULL;
    gint64 max;

    g_assert_true(
        g_file_get_contents("/proc/sys/net/core/wmem_max", &text, NULL, NULL));
    max = g_ascii_strtoll(text, NULL, 10);
    g_assert_cmpint(max, >, 0);
    return MAX(before, 2 * (int)MIN((gint64)want, max));
}

static void test_tune_unix(void)
{
    int sv[2];
    g_autoptr(GError) err = NULL;
    g_autoptr(GSocket) sock = NULL;
    int before;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    close(sv[1]);
    sock = g_socket_new_from_fd(sv[0], &err);
    g_assert_no_error(err);
    before = send_buffer_of(sock);
    mig_socket_tune_outgoing(sock);
    g_assert_cmpint(send_buffer_of(sock), ==,
                    granted_send_buffer(before, 4 << 20));
    /* Tuning twice changes nothing. */
    mig_socket_tune_outgoing(sock);
    g_assert_cmpint(send_buffer_of(sock), ==,
                    granted_send_buffer(before, 4 << 20));
}

static void test_tune_leaves_tcp(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GSocket) sock =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                     G_SOCKET_PROTOCOL_TCP, &err);
    int before;

    g_assert_no_error(err);
    before = send_buffer_of(sock);
    mig_socket_tune_outgoing(sock);
    g_assert_cmpint(send_buffer_of(sock), ==, before);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/channel/tune-unix", test_tune_unix);
    g_test_add_func("/migration/channel/tune-leaves-tcp", test_tune_leaves_tcp);
    return g_test_run();
}
