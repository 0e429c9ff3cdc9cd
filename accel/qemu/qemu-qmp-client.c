/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP client for the private channel to QEMU (qemu-qmp-client.h): framing
 * with the same JSON streamer the monitors use, requests as short as
 * JSON allows, replies matched in order, events handed on.
 */

#include "prelude.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "qemu-qmp-client.h"
#include "util/error.h"
#include "util/fd-watch.h"
#include "util/json-streamer.h"
#include "util/json-writer.h"

/* A descriptor that goes with the request starting at @at in outbuf. */
typedef struct PendingFd {
    gsize at;
    int fd;
} PendingFd;

typedef struct PendingReply {
    QemuQmpReplyFn fn;
    void *opaque;
} PendingReply;

struct QemuQmpClient {
    int fd;
    JsonStreamer *streamer;
    GQueue *pending;  /* of PendingReply *, in send order */
    GQueue *inbox;    /* of JsonNode *: messages read while sync */
    GString *outbuf;  /* bytes not yet written */
    GQueue *fds;      /* of PendingFd *, in outbuf order */
    gsize out_offset; /* bytes of @outbuf already written */
    guint read_watch;
    guint write_watch;
    bool async;
    bool closed;
    bool close_reported;
    const QemuQmpClientHandlers *handlers;
    void *opaque;
};

static void pending_reply_free(PendingReply *p)
{
    g_free(p);
}

static void pending_fd_free(PendingFd *p)
{
    close(p->fd);
    g_free(p);
}

static void on_message(void *opaque, JsonNode *node, const GError *err);

QemuQmpClient *qemu_qmp_client_new(int fd)
{
    QemuQmpClient *c = g_new0(QemuQmpClient, 1);

    c->fd = fd;
    c->streamer = json_streamer_new(on_message, c);
    c->pending = g_queue_new();
    c->inbox = g_queue_new();
    c->outbuf = g_string_new(NULL);
    c->fds = g_queue_new();
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    return c;
}

static void fail_pending(QemuQmpClient *c)
{
    PendingReply *p;

    while ((p = g_queue_pop_head(c->pending)) != NULL) {
        p->fn(NULL, p->opaque);
        pending_reply_free(p);
    }
}

void qemu_qmp_client_free(QemuQmpClient *c)
{
    if (c == NULL) {
        return;
    }
    g_clear_handle_id(&c->read_watch, g_source_remove);
    g_clear_handle_id(&c->write_watch, g_source_remove);
    c->handlers = NULL;
    fail_pending(c);
    g_queue_free(c->pending);
    g_queue_free_full(c->inbox, (GDestroyNotify)json_node_unref);
    json_streamer_free(c->streamer);
    g_string_free(c->outbuf, TRUE);
    g_queue_free_full(c->fds, (GDestroyNotify)pending_fd_free);
    if (c->fd >= 0) {
        close(c->fd);
    }
    g_free(c);
}

static void deliver(QemuQmpClient *c, JsonNode *node)
{
    JsonObject *obj = json_node_get_object(node);

    if (json_object_has_member(obj, "event")) {
        if (c->handlers != NULL && c->handlers->event != NULL) {
            c->handlers->event(node, c->opaque);
        }
        return;
    }
    if (json_object_has_member(obj, "return") ||
        json_object_has_member(obj, "error")) {
        PendingReply *p = g_queue_pop_head(c->pending);

        if (p != NULL) {
            p->fn(node, p->opaque);
            pending_reply_free(p);
        }
    }
}

static void on_message(void *opaque, JsonNode *node, const GError *err)
{
    QemuQmpClient *c = opaque;

    if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node)) {
        g_debug("QEMU sent something that is not a QMP message");
        g_clear_pointer(&node, json_node_unref);
        return;
    }
    if (!c->async) {
        g_queue_push_tail(c->inbox, node);
        return;
    }
    deliver(c, node);
    json_node_unref(node);
}

/* Reads what is there; false at EOF or on an error. */
static bool read_some(QemuQmpClient *c)
{
    char buf[65536];
    ssize_t n = read(c->fd, buf, sizeof(buf));

    if (n > 0) {
        json_streamer_feed(c->streamer, (const guint8 *)buf, n);
        return true;
    }
    return n < 0 && (errno == EAGAIN || errno == EINTR);
}

/*
 * QEMU takes a descriptor sent with SCM_RIGHTS for the next command it
 * reads, so the descriptor travels with the first byte of its request.
 */
static ssize_t send_with_fd(int sock, const char *buf, gsize len, int fd)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.buf,
        .msg_controllen = sizeof(control.buf),
    };
    struct cmsghdr *cmsg;

    memset(&control, 0, sizeof(control));
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

static bool flush_some(QemuQmpClient *c)
{
    while (c->out_offset < c->outbuf->len) {
        PendingFd *pf = g_queue_peek_head(c->fds);
        gsize end =
            pf != NULL && pf->at > c->out_offset ? pf->at : c->outbuf->len;
        ssize_t n;

        if (pf != NULL && pf->at == c->out_offset) {
            PendingFd *next = g_queue_peek_nth(c->fds, 1);

            end = next != NULL ? next->at : c->outbuf->len;
            n = send_with_fd(c->fd, c->outbuf->str + c->out_offset,
                             end - c->out_offset, pf->fd);
            if (n > 0) {
                pending_fd_free(g_queue_pop_head(c->fds));
            }
        } else {
            n = write(c->fd, c->outbuf->str + c->out_offset,
                      end - c->out_offset);
        }
        if (n < 0) {
            return errno == EAGAIN || errno == EINTR;
        }
        c->out_offset += n;
    }
    g_string_truncate(c->outbuf, 0);
    c->out_offset = 0;
    return true;
}

/*
 * Writes {"execute":COMMAND,"arguments":...} to the queue, as short as
 * JSON allows.  QEMU's monitor takes its input one byte per main-loop
 * turn, so every byte costs QEMU a read() and a poll(): no spaces, no
 * line end, no empty "arguments", and no "id", since without the "oob"
 * capability QEMU answers strictly in order and replies are matched by
 * position.
 */
static void enqueue_request(QemuQmpClient *c, const char *command,
                            JsonNode *arguments, QemuQmpReplyFn fn,
                            void *opaque)
{
    PendingReply *p = g_new0(PendingReply, 1);

    p->fn = fn;
    p->opaque = opaque;
    g_string_append(c->outbuf, "{\"execute\":");
    json_writer_append_string(c->outbuf, command);
    if (arguments != NULL &&
        !(JSON_NODE_HOLDS_OBJECT(arguments) &&
          json_object_get_size(json_node_get_object(arguments)) == 0)) {
        g_string_append(c->outbuf, ",\"arguments\":");
        json_writer_append_compact(c->outbuf, arguments);
    }
    g_string_append_c(c->outbuf, '}');
    g_queue_push_tail(c->pending, p);
}

/* Waits for input (and output room) until @deadline; false on timeout. */
static bool wait_fd(QemuQmpClient *c, gint64 deadline)
{
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    gint64 left = deadline - g_get_monotonic_time();

    if (c->out_offset < c->outbuf->len) {
        pfd.events |= POLLOUT;
    }
    if (left <= 0) {
        return false;
    }
    return poll(&pfd, 1, (int)MIN(left / 1000 + 1, G_MAXINT)) > 0;
}

/* Sync mode: pumps until @done says so; false with an error. */
static bool pump_until(QemuQmpClient *c, gint64 deadline,
                       bool (*done)(QemuQmpClient *c, void *data), void *data,
                       GError **errp)
{
    while (!done(c, data)) {
        if (!wait_fd(c, deadline)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "QEMU did not answer on its QMP channel in time");
            return false;
        }
        if (!flush_some(c) || !read_some(c)) {
            c->closed = true;
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "QEMU closed its QMP channel");
            return false;
        }
    }
    return true;
}

static bool inbox_has_greeting(QemuQmpClient *c, void *data)
{
    JsonNode **ret = data;

    for (GList *l = c->inbox->head; l != NULL; l = l->next) {
        JsonNode *node = l->data;

        if (json_object_has_member(json_node_get_object(node), "QMP")) {
            g_queue_delete_link(c->inbox, l);
            *ret = node;
            return true;
        }
    }
    return false;
}

typedef struct SyncCall {
    bool done;
    JsonNode *reply;
} SyncCall;

static void sync_reply_cb(JsonNode *reply, void *opaque)
{
    SyncCall *call = opaque;

    call->done = true;
    call->reply = reply != NULL ? json_node_copy(reply) : NULL;
}

/* Delivers replies from the inbox; events stay for later. */
static bool sync_call_done(QemuQmpClient *c, void *data)
{
    SyncCall *call = data;
    GList *l = c->inbox->head;

    while (l != NULL && !call->done) {
        GList *next = l->next;
        JsonNode *node = l->data;

        if (!json_object_has_member(json_node_get_object(node), "event")) {
            g_queue_delete_link(c->inbox, l);
            deliver(c, node);
            json_node_unref(node);
        }
        l = next;
    }
    return call->done;
}

/*
 * Returns: (transfer full): the "return" value of @reply to @command, or
 * NULL with QEMU's error (or a closed channel, @reply NULL).
 */
static JsonNode *reply_result(const char *command, JsonNode *reply,
                              GError **errp)
{
    JsonObject *robj;

    if (reply == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "%s: QEMU closed its QMP channel", command);
        return NULL;
    }
    robj = json_node_get_object(reply);
    if (json_object_has_member(robj, "error")) {
        JsonObject *e = json_object_get_object_member(robj, "error");

        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "%s: %s", command,
                    json_object_get_string_member_with_default(e, "desc", "?"));
        return NULL;
    }
    return json_node_copy(json_object_get_member(robj, "return"));
}

JsonNode *qemu_qmp_client_call_sync(QemuQmpClient *c, const char *command,
                                    gint64 deadline, GError **errp)
{
    SyncCall call = {0};
    g_autoptr(JsonNode) reply = NULL;

    g_return_val_if_fail(!c->async, NULL);

    enqueue_request(c, command, NULL, sync_reply_cb, &call);
    if (!pump_until(c, deadline, sync_call_done, &call, errp)) {
        g_prefix_error(errp, "%s: ", command);
        return NULL;
    }
    reply = call.reply;
    return reply_result(command, reply, errp);
}

bool qemu_qmp_client_negotiate(QemuQmpClient *c, gint64 deadline,
                               JsonNode **ret_greeting, GError **errp)
{
    JsonNode *greeting = NULL;
    g_autoptr(JsonNode) ret = NULL;

    if (!pump_until(c, deadline, inbox_has_greeting, &greeting, errp)) {
        return false;
    }
    ret = qemu_qmp_client_call_sync(c, "qmp_capabilities", deadline, errp);
    if (ret == NULL) {
        json_node_unref(greeting);
        return false;
    }
    if (ret_greeting != NULL) {
        *ret_greeting = greeting;
    } else {
        json_node_unref(greeting);
    }
    return true;
}

bool qemu_qmp_client_is_closed(QemuQmpClient *c)
{
    return c->closed;
}

static void client_close(QemuQmpClient *c)
{
    if (c->close_reported) {
        return;
    }
    c->close_reported = true;
    c->closed = true;
    g_clear_handle_id(&c->read_watch, g_source_remove);
    g_clear_handle_id(&c->write_watch, g_source_remove);
    fail_pending(c);
    if (c->handlers != NULL && c->handlers->closed != NULL) {
        c->handlers->closed(c->opaque);
    }
}

static gboolean on_readable(int fd, GIOCondition cond, gpointer opaque)
{
    QemuQmpClient *c = opaque;

    if (!read_some(c)) {
        c->read_watch = 0;
        client_close(c);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static gboolean on_writable(int fd, GIOCondition cond, gpointer opaque)
{
    QemuQmpClient *c = opaque;

    if (!flush_some(c)) {
        c->write_watch = 0;
        client_close(c);
        return G_SOURCE_REMOVE;
    }
    if (c->out_offset < c->outbuf->len) {
        return G_SOURCE_CONTINUE;
    }
    c->write_watch = 0;
    return G_SOURCE_REMOVE;
}

static void arm_writer(QemuQmpClient *c)
{
    if (!flush_some(c)) {
        client_close(c);
        return;
    }
    if (c->out_offset < c->outbuf->len && c->write_watch == 0) {
        c->write_watch = qmpd_fd_watch_add(c->fd, G_IO_OUT, on_writable, c);
    }
}

void qemu_qmp_client_go_async(QemuQmpClient *c,
                              const QemuQmpClientHandlers *handlers,
                              void *opaque)
{
    JsonNode *node;

    c->handlers = handlers;
    c->opaque = opaque;
    c->async = true;
    while ((node = g_queue_pop_head(c->inbox)) != NULL) {
        deliver(c, node);
        json_node_unref(node);
    }
    if (c->closed) {
        client_close(c);
        return;
    }
    c->read_watch =
        qmpd_fd_watch_add(c->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, c);
}

/* ---- cpr-exec: handing the channel over, and taking it over ---- */

QemuQmpClient *qemu_qmp_client_adopt(int fd, const char *pending,
                                     gsize pending_len)
{
    QemuQmpClient *c = qemu_qmp_client_new(fd);

    /* Whole messages among them wait in the inbox like any sync read. */
    json_streamer_feed(c->streamer, pending, pending_len);
    return c;
}

int qemu_qmp_client_get_fd(QemuQmpClient *c)
{
    return c->fd;
}

const char *qemu_qmp_client_get_pending(QemuQmpClient *c, gsize *ret_len)
{
    return json_streamer_pending_text(c->streamer, ret_len);
}

bool qemu_qmp_client_is_idle(QemuQmpClient *c)
{
    return g_queue_is_empty(c->pending) && c->out_offset >= c->outbuf->len &&
           g_queue_is_empty(c->fds);
}

void qemu_qmp_client_set_reading(QemuQmpClient *c, bool reading)
{
    g_return_if_fail(c->async);

    if (!reading) {
        g_clear_handle_id(&c->read_watch, g_source_remove);
    } else if (c->read_watch == 0 && !c->closed) {
        c->read_watch = qmpd_fd_watch_add(c->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                          on_readable, c);
    }
}

/* A blocking call's state; freed by whichever of waiter and reply is last. */
typedef struct WaitCall {
    bool done;
    bool abandoned;
    JsonNode *reply;
} WaitCall;

static void wait_call_free(WaitCall *w)
{
    g_clear_pointer(&w->reply, json_node_unref);
    g_free(w);
}

static void wait_reply_cb(JsonNode *reply, void *opaque)
{
    WaitCall *w = opaque;

    if (w->abandoned) {
        wait_call_free(w);
        return;
    }
    w->done = true;
    w->reply = reply != NULL ? json_node_copy(reply) : NULL;
}

JsonNode *qemu_qmp_client_call_wait(QemuQmpClient *c, const char *command,
                                    gint64 deadline, GError **errp)
{
    WaitCall *w = g_new0(WaitCall, 1);
    JsonNode *ret = NULL;

    g_return_val_if_fail(c->async, NULL);

    qemu_qmp_client_send(c, command, NULL, wait_reply_cb, w);
    while (!w->done && !c->closed) {
        if (!wait_fd(c, deadline)) {
            /* The reply may still come; its callback frees the call. */
            w->abandoned = true;
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "%s: QEMU did not answer in time", command);
            return NULL;
        }
        if (!flush_some(c) || !read_some(c)) {
            client_close(c);
        }
    }
    ret = reply_result(command, w->reply, errp);
    wait_call_free(w);
    return ret;
}

void qemu_qmp_client_send(QemuQmpClient *c, const char *command,
                          JsonNode *arguments, QemuQmpReplyFn fn, void *opaque)
{
    qemu_qmp_client_send_fd(c, command, arguments, -1, fn, opaque);
}

void qemu_qmp_client_send_fd(QemuQmpClient *c, const char *command,
                             JsonNode *arguments, int fd, QemuQmpReplyFn fn,
                             void *opaque)
{
    g_return_if_fail(c->async);

    if (c->closed) {
        if (fd >= 0) {
            close(fd);
        }
        fn(NULL, opaque);
        return;
    }
    if (fd >= 0) {
        PendingFd *pf = g_new0(PendingFd, 1);

        /* outbuf only ever empties whole, so the offset stays valid. */
        pf->at = c->outbuf->len;
        pf->fd = fd;
        g_queue_push_tail(c->fds, pf);
    }
    enqueue_request(c, command, arguments, fn, opaque);
    arm_writer(c);
}
