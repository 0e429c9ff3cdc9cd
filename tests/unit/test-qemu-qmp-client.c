/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The private QMP channel to QEMU, seen from QEMU's end of a socket pair:
 * the exact bytes of each request and the pairing of replies in order.
 */

#include "prelude.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accel/qemu/qemu-qmp-client.h"

typedef struct Peer {
    int fd; /* QEMU's end */
    QemuQmpClient *client;
} Peer;

static void peer_open(Peer *p)
{
    int sv[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==,
                    0);
    p->fd = sv[0];
    p->client = qemu_qmp_client_new(sv[1]);
}

static void peer_close(Peer *p)
{
    qemu_qmp_client_free(p->client);
    close(p->fd);
}

/* What the client wrote so far, as text (it writes at once if it can). */
static char *peer_read(Peer *p)
{
    char buf[4096];
    ssize_t n = recv(p->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

    g_assert_cmpint(n, >, 0);
    buf[n] = '\0';
    return g_strdup(buf);
}

static void peer_write(Peer *p, const char *text)
{
    g_assert_cmpint(write(p->fd, text, strlen(text)), ==, strlen(text));
}

static void pump(void)
{
    for (int i = 0; i < 20; i++) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

/* QEMU's side of the negotiation: answers once the request has come. */
static gpointer fake_qemu_negotiate(gpointer data)
{
    Peer *p = data;
    char buf[4096];
    ssize_t n;

    peer_write(p, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n");
    n = read(p->fd, buf, sizeof(buf) - 1);
    g_assert_cmpint(n, >, 0);
    buf[n] = '\0';
    peer_write(p, "{\"return\": {}}\r\n");
    return g_strdup(buf);
}

static void test_negotiate_bytes(void)
{
    Peer p;
    g_autoptr(GError) err = NULL;
    g_autofree char *sent = NULL;
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    GThread *qemu;

    peer_open(&p);
    qemu = g_thread_new("fake-qemu", fake_qemu_negotiate, &p);
    g_assert_true(qemu_qmp_client_negotiate(p.client, deadline, NULL, &err));
    g_assert_no_error(err);
    sent = g_thread_join(qemu);
    g_assert_cmpstr(sent, ==, "{\"execute\":\"qmp_capabilities\"}");
    peer_close(&p);
}

static void record_reply(JsonNode *reply, void *opaque)
{
    GPtrArray *got = opaque;
    JsonObject *obj = json_node_get_object(reply);

    g_ptr_array_add(
        got, g_strdup(json_object_get_string_member_with_default(
                 json_object_get_object_member(obj, "return"), "tag", "?")));
}

static void test_async_bytes_and_order(void)
{
    static const QemuQmpClientHandlers handlers = {0};
    Peer p;
    g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(JsonNode) empty = json_from_string("{}", NULL);
    g_autoptr(JsonNode) args =
        json_from_string("{\"path\": \"/machine\", \"property\": \"type\", "
                         "\"list\": [1, \"\xc3\xa9\"]}",
                         NULL);
    g_autofree char *sent = NULL;

    peer_open(&p);
    qemu_qmp_client_go_async(p.client, &handlers, NULL);
    qemu_qmp_client_send(p.client, "query-status", NULL, record_reply, got);
    qemu_qmp_client_send(p.client, "query-name", empty, record_reply, got);
    qemu_qmp_client_send(p.client, "qom-get", args, record_reply, got);
    sent = peer_read(&p);
    /* No spaces, no line ends, no empty arguments, no ids. */
    g_assert_cmpstr(sent, ==,
                    "{\"execute\":\"query-status\"}"
                    "{\"execute\":\"query-name\"}"
                    "{\"execute\":\"qom-get\",\"arguments\":{\"path\":"
                    "\"/machine\",\"property\":\"type\",\"list\":[1,"
                    "\"\\u00E9\"]}}");

    /* Replies without ids go to the requests in order; events do not. */
    peer_write(&p, "{\"return\": {\"tag\": \"first\"}}\r\n"
                   "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
                   "\"event\": \"STOP\"}\r\n"
                   "{\"return\": {\"tag\": \"second\"}}\r\n"
                   "{\"return\": {\"tag\": \"third\"}, \"id\": \"x\"}\r\n");
    pump();
    g_assert_cmpuint(got->len, ==, 3);
    g_assert_cmpstr(g_ptr_array_index(got, 0), ==, "first");
    g_assert_cmpstr(g_ptr_array_index(got, 1), ==, "second");
    g_assert_cmpstr(g_ptr_array_index(got, 2), ==, "third");
    peer_close(&p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-qmp-client/negotiate-bytes", test_negotiate_bytes);
    g_test_add_func("/qemu-qmp-client/async-bytes-and-order",
                    test_async_bytes_and_order);
    return g_test_run();
}
