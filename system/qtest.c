/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest server: attaches to the -qtest chardev, cuts its input into
 * request lines for the interpreter (qtest-protocol.c), writes replies and
 * keeps the -qtest-log protocol log.
 */

#include "prelude.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chardev/char.h"
#include "system/memory.h"
#include "system/qtest-internal.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "util/error.h"

#define QTEST_CHARDEV_ID "qtest"

/* Bytes accepted from the chardev per read callback. */
#define QTEST_READ_ROOM (256 * 1024)

/* How long stdio output may take to drain before qmpd exits. */
#define QTEST_EXIT_FLUSH_MS 5000

typedef struct QTestServer {
    Chardev *chr;
    bool own_chardev;
    bool is_stdio;
    FILE *log;
    bool log_owned;
    GTimer *timer;
    GString *inbuf;
    gsize scanned;   /* bytes of inbuf known to hold no '\n' */
    bool discarding; /* inside an over-long line */
    bool held_lines; /* complete lines wait for the peer to read replies */
    guint exit_source;
    gint64 exit_deadline;
    QTestSession session;
} QTestServer;

static QTestServer *server;

/* ---- the log ---- */

static void log_line(QTestServer *srv, char kind, bool relative,
                     const char *text, gsize len)
{
    if (srv->log == NULL) {
        return;
    }
    fprintf(srv->log, "[%c %s%0.6f] ", kind, relative ? "+" : "",
            g_timer_elapsed(srv->timer, NULL));
    fwrite(text, 1, len, srv->log);
    if (len == 0 || text[len - 1] != '\n') {
        fputc('\n', srv->log);
    }
}

static void session_log(void *opaque, char kind, const char *text, gsize len)
{
    log_line(opaque, kind, true, text, len);
}

static void session_send(void *opaque, const char *line, gsize len)
{
    QTestServer *srv = opaque;
    g_autoptr(GError) err = NULL;

    log_line(srv, 'S', true, line, len);
    if (!chardev_write_all(srv->chr, line, len, &err)) {
        g_debug("qtest: %s", err->message);
    }
}

static const QTestSessionOps session_ops = {
    .send = session_send,
    .log = session_log,
};

/* ---- input ---- */

/*
 * Complete request lines wait in the input buffer while the peer has not
 * taken its earlier replies: one chunk of small requests can ask for
 * gigabytes of replies (64 MiB "read"s), which must not all be built
 * before the first one is sent.
 */
static bool qtest_output_backlogged(QTestServer *srv)
{
    return chardev_output_pending(srv->chr) > CHARDEV_OUTPUT_HIGH_WATER;
}

static gsize qtest_chr_can_read(void *opaque)
{
    QTestServer *srv = opaque;

    return srv->held_lines ? 0 : QTEST_READ_ROOM;
}

static void too_long(QTestServer *srv)
{
    static const char reply[] = "FAIL request line too long\n";

    session_send(srv, reply, sizeof(reply) - 1);
}

/* Runs the complete lines in the input buffer, as far as output allows. */
static void qtest_run_lines(QTestServer *srv)
{
    gsize consumed = 0;

    srv->held_lines = false;
    for (;;) {
        char *line = srv->inbuf->str + consumed;
        char *nl = memchr(srv->inbuf->str + srv->scanned, '\n',
                          srv->inbuf->len - srv->scanned);
        gsize line_len;

        if (nl == NULL) {
            break;
        }
        if (qtest_output_backlogged(srv)) {
            srv->held_lines = true;
            break;
        }
        line_len = (gsize)(nl - line);
        *nl = '\0';
        if (line_len > QTEST_MAX_LINE) {
            too_long(srv);
        } else {
            qtest_session_process(&srv->session, line, line_len);
        }
        consumed += line_len + 1;
        srv->scanned = consumed;
        if (server != srv) {
            return; /* the server went away inside a request */
        }
    }
    g_string_erase(srv->inbuf, 0, (gssize)consumed);
    srv->scanned = srv->held_lines ? 0 : srv->inbuf->len;
    if (!srv->held_lines && srv->inbuf->len > QTEST_MAX_LINE) {
        g_string_truncate(srv->inbuf, 0);
        srv->scanned = 0;
        srv->discarding = true;
        too_long(srv);
    }
}

static void qtest_chr_read(void *opaque, const guint8 *buf, gsize len)
{
    QTestServer *srv = opaque;
    gsize start = 0;

    if (srv->discarding) {
        const guint8 *nl = memchr(buf, '\n', len);

        if (nl == NULL) {
            return;
        }
        srv->discarding = false;
        start = (gsize)(nl - buf) + 1;
    }
    g_string_append_len(srv->inbuf, (const char *)buf + start,
                        (gssize)(len - start));
    qtest_run_lines(srv);
}

static void qtest_chr_output_drained(void *opaque)
{
    QTestServer *srv = opaque;

    if (!srv->held_lines) {
        return;
    }
    qtest_run_lines(srv);
    if (server == srv && !srv->held_lines) {
        chardev_accept_input(srv->chr);
    }
}

/* Ends qmpd once the replies to a stdio scenario have drained. */
static gboolean exit_when_flushed(gpointer opaque)
{
    QTestServer *srv = opaque;

    if ((chardev_has_pending_output(srv->chr) || srv->held_lines) &&
        g_get_monotonic_time() < srv->exit_deadline) {
        return G_SOURCE_CONTINUE;
    }
    srv->exit_source = 0;
    qmpd_shutdown_request(SHUTDOWN_CAUSE_HOST_UI);
    return G_SOURCE_REMOVE;
}

static void qtest_chr_event(void *opaque, ChardevEvent event)
{
    QTestServer *srv = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        qtest_session_reset_irq_levels(&srv->session);
        g_string_truncate(srv->inbuf, 0);
        srv->scanned = 0;
        srv->discarding = false;
        srv->held_lines = false;
        g_timer_start(srv->timer);
        log_line(srv, 'I', false, "OPENED", 6);
        break;
    case CHR_EVENT_CLOSED:
        if (srv->is_stdio && srv->inbuf->len > 0 && !srv->discarding &&
            srv->inbuf->str[srv->inbuf->len - 1] != '\n') {
            /* a scenario file whose last line has no newline */
            g_string_append_c(srv->inbuf, '\n');
            srv->scanned = 0;
            qtest_run_lines(srv);
        }
        log_line(srv, 'I', true, "CLOSED", 6);
        if (srv->log) {
            fflush(srv->log);
        }
        if (srv->is_stdio && srv->exit_source == 0) {
            srv->exit_deadline =
                g_get_monotonic_time() + QTEST_EXIT_FLUSH_MS * 1000;
            srv->exit_source = g_timeout_add(10, exit_when_flushed, srv);
        }
        break;
    }
}

static const ChardevHandlers qtest_handlers = {
    .can_read = qtest_chr_can_read,
    .read = qtest_chr_read,
    .event = qtest_chr_event,
    .output_drained = qtest_chr_output_drained,
};

/* ---- set-up ---- */

static void server_free(QTestServer *srv)
{
    if (srv->exit_source) {
        g_source_remove(srv->exit_source);
    }
    qtest_session_finalize(&srv->session);
    if (srv->log != NULL) {
        fflush(srv->log);
        if (srv->log_owned) {
            fclose(srv->log);
        }
    }
    if (srv->timer) {
        g_timer_destroy(srv->timer);
    }
    if (srv->inbuf) {
        g_string_free(srv->inbuf, TRUE);
    }
    g_free(srv);
}

static bool open_log(QTestServer *srv, const char *logfile, GError **errp)
{
    if (logfile == NULL) {
        srv->log = stderr;
        return true;
    }
    /* libqtest passes /dev/null: writing there is only overhead */
    if (g_str_equal(logfile, "none") || g_str_equal(logfile, "/dev/null")) {
        return true;
    }
    srv->log = fopen(logfile, "we");
    if (srv->log == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cannot open qtest log '%s': %s", logfile,
                    g_strerror(errno));
        return false;
    }
    srv->log_owned = true;
    setvbuf(srv->log, NULL, _IOLBF, 0);
    return true;
}

static Chardev *open_chardev(const char *spec, bool *ret_owned, GError **errp)
{
    g_autofree char *existing = NULL;
    g_autoptr(ChardevOptions) opts = NULL;
    g_autoptr(GError) err = NULL;
    Chardev *chr;

    opts = chardev_options_from_legacy(spec, QTEST_CHARDEV_ID, &existing, &err);
    if (opts == NULL && err != NULL) {
        g_propagate_error(errp, g_steal_pointer(&err));
        return NULL;
    }
    if (existing != NULL) {
        chr = chardev_find(existing);
        if (chr == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Chardev '%s' not found", existing);
        }
        *ret_owned = false;
        return chr;
    }
    if (opts == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "No backend specified");
        return NULL;
    }
    chr = chardev_new(opts, errp);
    *ret_owned = true;
    return chr;
}

bool qtest_server_init(const char *spec, const char *logfile, GError **errp)
{
    QTestServer *srv;

    g_return_val_if_fail(spec != NULL, false);
    if (server != NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "-qtest is already active");
        return false;
    }
    srv = g_new0(QTestServer, 1);
    srv->timer = g_timer_new();
    srv->inbuf = g_string_sized_new(4096);
    qtest_session_init(&srv->session, &session_ops, srv,
                       address_space_memory_get(), address_space_io_get());
    if (!open_log(srv, logfile, errp)) {
        server_free(srv);
        return false;
    }
    srv->chr = open_chardev(spec, &srv->own_chardev, errp);
    if (srv->chr == NULL) {
        server_free(srv);
        return false;
    }
    srv->is_stdio =
        chardev_get_options(srv->chr)->backend == CHARDEV_BACKEND_STDIO;
    server = srv;
    /* this may deliver OPENED at once (a connected client socket) */
    if (!chardev_set_handlers(srv->chr, &qtest_handlers, srv, errp)) {
        server = NULL;
        if (srv->own_chardev) {
            chardev_remove(chardev_get_id(srv->chr), NULL);
        }
        server_free(srv);
        return false;
    }
    return true;
}

bool qtest_enabled(void)
{
    return server != NULL;
}

void qtest_server_cleanup(void)
{
    QTestServer *srv = server;

    if (srv == NULL) {
        return;
    }
    server = NULL;
    chardev_set_handlers(srv->chr, NULL, NULL, NULL);
    server_free(srv);
}
