/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * State shared by libqtest.c (processes, QMP) and libqtest-line.c (the
 * qtest line protocol).  Not for tests.
 */

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

typedef struct QTestChannel {
    GSocket *sock;
    GString *buf;
} QTestChannel;

struct QTestState {
    GSubprocess *proc; /* NULL for an extra client connection */
    bool exited;       /* set by proc_exited_cb() */
    char *tmpdir;
    QTestChannel qmp;
    QTestChannel qtest; /* sock is NULL without QTEST_INIT_QTEST */
    GQueue events;      /* JsonObject *, oldest first */
    JsonObject *greeting;
    unsigned irq_lines;
};

/**
 * qtest_channel_send:
 * @ch: an open channel
 * @data: bytes to send
 * @len: how many
 * @errp: set when the socket fails or times out
 *
 * Returns: true once every byte was sent.
 */
bool qtest_channel_send(QTestChannel *ch, const void *data, size_t len,
                        GError **errp);

/**
 * qtest_channel_read_line:
 * @ch: an open channel
 * @what: what is being read, for the failure message
 *
 * Returns: (transfer full): the next line including its "\n"; aborts the
 * test when the connection closes or times out.
 */
char *qtest_channel_read_line(QTestChannel *ch, const char *what);
