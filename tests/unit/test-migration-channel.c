/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the transport helpers the outgoing state machine relies
 * on: how much of what was written a socket peer has not taken yet.
 */

#include "prelude.h"

#include <sys/socket.h>
#include <unistd.h>

#include "migration/channel-internal.h"

#define PAYLOAD (64 * 1024)

static void test_unsent_socket(void)
{
    int sv[2];
    g_autoptr(GError) err = NULL;
    g_autoptr(GSocket) sock = NULL;
    g_autoptr(GSocketConnection) conn = NULL;
    g_autofree char *buf = g_malloc0(PAYLOAD);
    MigChannel ch = {0};
    gsize got = 0;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    sock = g_socket_new_from_fd(sv[0], &err);
    g_assert_no_error(err);
    conn = g_socket_connection_factory_create_connection(sock);
    ch.io = G_IO_STREAM(conn);

    g_assert_cmpuint(mig_channel_unsent_bytes(&ch), ==, 0);
    g_assert_cmpint(write(sv[0], buf, PAYLOAD), ==, PAYLOAD);
    /* Buffer overhead is counted too: at least the payload. */
    g_assert_cmpuint(mig_channel_unsent_bytes(&ch), >=, PAYLOAD);
    while (got < PAYLOAD) {
        ssize_t n = read(sv[1], buf, PAYLOAD);

        g_assert_cmpint(n, >, 0);
        got += (gsize)n;
    }
    g_assert_cmpuint(mig_channel_unsent_bytes(&ch), ==, 0);
    close(sv[1]);
}

static void test_unsent_not_socket(void)
{
    MigChannel ch = {0}; /* file, exec and pipe channels have no io */

    g_assert_cmpuint(mig_channel_unsent_bytes(&ch), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/channel/unsent-socket", test_unsent_socket);
    g_test_add_func("/migration/channel/unsent-not-socket",
                    test_unsent_not_socket);
    return g_test_run();
}
