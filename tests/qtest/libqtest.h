/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Process-level test harness, API-compatible with the parts of QEMU's
 * libqtest that qmpd's tests use.
 *
 * Contract:
 * - qtest_init() makes a private temporary folder, listens on a unix socket
 *   in it, starts $QMPD_BINARY as
 *     BINARY -chardev socket,path=SOCK,id=char0
 *            -mon chardev=char0,mode=control -display none
 *            -run-with exit-with-parent=on EXTRA_ARGS
 *   waits for the daemon to connect, reads the greeting and negotiates.
 *   With QTEST_INIT_QTEST it also listens on a second socket and passes
 *   "-qtest unix:SOCK2 -qtest-log /dev/null -accel qtest".
 * - Every QMP helper works on a QTestState, which is either the primary
 *   monitor of a launched daemon or an extra client connection made with
 *   qtest_qmp_connect() (which owns a socket but no process).
 * - The QMP helpers take a printf-style format that must expand to JSON
 *   text; the text is sent verbatim.  QEMU's %-escapes for JSON values
 *   (%s quoting, %p for QObjects) are not supported: callers quote values
 *   themselves.
 * - Replies are parsed with json-glib and returned as JsonObject
 *   (transfer full, release with json_object_unref or g_autoptr).
 *   Events met while waiting for a reply are queued on the state and
 *   handed out by qtest_qmp_eventwait() and qtest_qmp_event_ref().
 * - Failures of the harness itself (daemon died, socket closed, timeout,
 *   unparsable reply) abort the test with a message.  Every blocking read
 *   gives up after QTEST_IO_TIMEOUT_S seconds.
 * - qtest_quit() sends SIGTERM, waits up to 30 s and asserts exit status 0,
 *   then removes every temporary file.
 */

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QTEST_IO_TIMEOUT_S 60

typedef struct QTestState QTestState;

typedef enum QTestInitFlags {
    QTEST_INIT_DEFAULT = 0,
    /* Stop after the greeting; the caller negotiates itself. */
    QTEST_INIT_NO_HANDSHAKE = 1 << 0,
    /* Open the qtest line-protocol channel as well. */
    QTEST_INIT_QTEST = 1 << 1,
    /* Leave out "-run-with exit-with-parent=on" (reference binaries). */
    QTEST_INIT_NO_EXIT_WITH_PARENT = 1 << 2,
} QTestInitFlags;

/**
 * qtest_binary:
 *
 * Returns: (transfer none): the daemon under test, from $QMPD_BINARY.
 * Aborts the test when the variable is unset.
 */
const char *qtest_binary(void);

/**
 * qtest_init_full:
 * @binary: the executable to start
 * @extra_args: more arguments, split like a shell would (may be NULL)
 * @flags: QTestInitFlags
 * @errp: set when the daemon could not be started, exited early, did not
 *        connect within the timeout, or its greeting or negotiation failed
 *
 * Starts a daemon as described in the header comment.  On failure
 * nothing is left behind (process reaped, temporary folder removed).
 *
 * Returns: (transfer full): the state, or NULL on error.
 */
QTestState *qtest_init_full(const char *binary, const char *extra_args,
                            unsigned flags, GError **errp);

/**
 * qtest_init:
 * @extra_args: more arguments for $QMPD_BINARY (may be NULL)
 *
 * Starts the daemon and negotiates QMP; aborts the test on failure.
 *
 * Returns: (transfer full): the state; end it with qtest_quit().
 */
QTestState *qtest_init(const char *extra_args);

/**
 * qtest_init_with_fds:
 * @extra_args: more arguments for $QMPD_BINARY (may be NULL)
 * @flags: QTestInitFlags
 * @fds: descriptors the daemon inherits, each under its own number (for
 *       -add-fd); the caller keeps its copies
 * @nfds: how many
 *
 * Like qtest_init_full() with $QMPD_BINARY, but aborts the test on
 * failure.
 *
 * Returns: (transfer full): the state; end it with qtest_quit().
 */
QTestState *qtest_init_with_fds(const char *extra_args, unsigned flags,
                                const int *fds, size_t nfds);

/**
 * qtest_init_without_qmp_handshake:
 * @extra_args: more arguments for $QMPD_BINARY (may be NULL)
 *
 * Like qtest_init() but stops after reading the greeting, which is kept
 * and available from qtest_qmp_greeting().
 *
 * Returns: (transfer full): the state; end it with qtest_quit().
 */
QTestState *qtest_init_without_qmp_handshake(const char *extra_args);

/**
 * qtest_quit:
 * @s: a state from qtest_init*() (NULL is ignored)
 *
 * Sends SIGTERM, waits up to 30 s for the process and asserts that it
 * exited with status 0.  Frees @s and removes its temporary files.
 */
void qtest_quit(QTestState *s);

/**
 * qtest_wait_exit:
 * @s: a state from qtest_init*()
 * @timeout_ms: how long to wait
 *
 * Waits for the daemon to exit on its own (after "quit", for example),
 * then frees @s and removes its temporary files.  Aborts the test if the
 * process is still running after @timeout_ms.
 *
 * Returns: the wait status of the process (use g_spawn_check_wait_status
 * or WIFEXITED/WEXITSTATUS).
 */
int qtest_wait_exit(QTestState *s, unsigned timeout_ms);

/**
 * qtest_pid:
 * @s: a state from qtest_init*()
 *
 * Returns: the daemon's process id, or 0 once it has been reaped.
 */
int qtest_pid(QTestState *s);

/**
 * qtest_child_pid:
 * @timeout_ms: how long to wait for one, 0 to look once
 *
 * Returns: the daemon's first child process (its QEMU, when it runs the
 * guest in one), or 0 when it has none within @timeout_ms.
 */
int qtest_child_pid(QTestState *s, unsigned timeout_ms);

/**
 * qtest_tmp_path:
 * @s: a state from qtest_init*() or qtest_qmp_connect()
 * @name: a file name
 *
 * Returns: (transfer full): @name inside the state's temporary folder.
 */
char *qtest_tmp_path(QTestState *s, const char *name);

/**
 * qtest_qmp_greeting:
 * @s: a state
 *
 * Returns: (transfer none): the greeting object read at connection time.
 */
JsonObject *qtest_qmp_greeting(QTestState *s);

/**
 * qtest_qmp_connect:
 * @path: a unix socket on which the daemon listens
 * @handshake: whether to negotiate capabilities after the greeting
 *
 * Opens another QMP client connection (for monitors served by the daemon
 * with server=on).  Retries for a few seconds while the socket does not
 * exist yet.  Aborts the test on failure.
 *
 * Returns: (transfer full): a state owning only the connection; release it
 * with qtest_qmp_disconnect().
 */
QTestState *qtest_qmp_connect(const char *path, bool handshake);

/**
 * qtest_unix_connect:
 * @path: a unix socket the daemon listens on (a serial port, a human
 *        monitor, a raw QMP client)
 *
 * Connects like qtest_qmp_connect(), retrying while the socket does not
 * exist yet, but reads nothing.  Aborts the test on failure.
 *
 * Returns: a blocking, close-on-exec socket fd; close() it.
 */
int qtest_unix_connect(const char *path);

/**
 * qtest_qmp_disconnect:
 * @s: a state from qtest_qmp_connect() (NULL is ignored)
 *
 * Closes the connection and frees @s.
 */
void qtest_qmp_disconnect(QTestState *s);

/**
 * qtest_qmp_send:
 * @s: a state
 * @fmt: printf-style format expanding to JSON text
 *
 * Sends a request without waiting for the reply.
 */
void qtest_qmp_send(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/**
 * qtest_qmp_send_raw:
 * @s: a state
 * @buf: bytes to send verbatim
 * @len: number of bytes
 *
 * Sends arbitrary bytes, for framing and parser tests.
 */
void qtest_qmp_send_raw(QTestState *s, const void *buf, size_t len);

/**
 * qtest_qmp_read_line:
 * @s: a state
 *
 * Reads one raw line from the monitor, bypassing the event queue.
 *
 * Returns: (transfer full): the line including its terminator ("\n",
 * which the server should precede with "\r").
 */
char *qtest_qmp_read_line(QTestState *s);

/**
 * qtest_qmp_receive_dict:
 * @s: a state
 *
 * Returns: (transfer full): the next message, event or not.  Messages
 * already queued as events are not returned again.
 */
JsonObject *qtest_qmp_receive_dict(QTestState *s);

/**
 * qtest_qmp_receive:
 * @s: a state
 *
 * Returns: (transfer full): the next message that is not an event; events
 * read meanwhile are queued.
 */
JsonObject *qtest_qmp_receive(QTestState *s);

/**
 * qtest_qmp:
 * @s: a state
 * @fmt: printf-style format expanding to JSON text
 *
 * Sends a request and waits for its reply (queueing events meanwhile).
 *
 * Returns: (transfer full): the reply.
 */
JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/**
 * qtest_qmp_fds:
 * @s: a state
 * @fds: descriptors to pass (each is duplicated; the caller keeps its own)
 * @nfds: how many
 * @fmt: printf-style format expanding to JSON text
 *
 * Like qtest_qmp(), with @fds attached to the request as SCM_RIGHTS (for
 * getfd and add-fd), as QEMU's libqtest does.
 *
 * Returns: (transfer full): the reply.
 */
JsonObject *qtest_qmp_fds(QTestState *s, const int *fds, size_t nfds,
                          const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/**
 * qtest_qmp_assert_success:
 * @s: a state
 * @fmt: printf-style format expanding to JSON text
 *
 * Like qtest_qmp() but asserts that the reply has a "return" member.
 */
void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/**
 * qtest_qmp_assert_success_ref:
 * @s: a state
 * @fmt: printf-style format expanding to JSON text
 *
 * Returns: (transfer full): the "return" member of the reply, which must
 * be present.
 */
JsonNode *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/**
 * qtest_qmp_assert_error:
 * @s: a state
 * @klass: expected error class
 * @desc: expected error text
 * @fmt: printf-style format expanding to JSON text
 *
 * Sends a request and asserts that the reply is exactly that error.
 */
void qtest_qmp_assert_error(QTestState *s, const char *klass, const char *desc,
                            const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/**
 * qtest_qmp_event_ref:
 * @s: a state
 * @event: an event name
 *
 * Returns: (transfer full): the oldest queued event named @event, removed
 * from the queue, or NULL when none is queued.  Never reads the socket.
 */
JsonObject *qtest_qmp_event_ref(QTestState *s, const char *event);

/**
 * qtest_qmp_eventwait_ref:
 * @s: a state
 * @event: an event name
 *
 * Waits for the event (taking it from the queue if it already arrived).
 * Other events are queued; a reply arriving meanwhile fails the test.
 *
 * Returns: (transfer full): the event.
 */
JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *event);

/**
 * qtest_qmp_eventwait:
 * @s: a state
 * @event: an event name
 *
 * Like qtest_qmp_eventwait_ref() but drops the event.
 */
void qtest_qmp_eventwait(QTestState *s, const char *event);

/**
 * qtest_qmp_pending:
 * @s: a state
 * @timeout_ms: how long to wait for data
 *
 * Returns: whether a message (or part of one) arrived within @timeout_ms
 * and has not been read yet.  Queued events do not count.
 */
bool qtest_qmp_pending(QTestState *s, unsigned timeout_ms);

/**
 * qtest_qmp_is_closed:
 * @s: a state
 * @timeout_ms: how long to wait
 *
 * Returns: whether the server closed the connection within @timeout_ms
 * (unread messages before the end are discarded).
 */
bool qtest_qmp_is_closed(QTestState *s, unsigned timeout_ms);

/* Helpers for reading replies; all abort the test when the shape is wrong. */

/**
 * qtest_json_to_string:
 * @obj: a JSON object
 *
 * Returns: (transfer full): compact JSON text for messages.
 */
char *qtest_json_to_string(JsonObject *obj);

/**
 * qtest_reply_error_class:
 * @reply: a reply
 *
 * Returns: (transfer none): the error class, or NULL when @reply is not an
 * error.
 */
const char *qtest_reply_error_class(JsonObject *reply);

/**
 * qtest_reply_error_desc:
 * @reply: a reply
 *
 * Returns: (transfer none): the error text, or NULL when @reply is not an
 * error.
 */
const char *qtest_reply_error_desc(JsonObject *reply);

/**
 * qtest_qmp_status:
 * @s: a state
 *
 * Returns: (transfer full): the "status" of query-status.
 */
char *qtest_qmp_status(QTestState *s);

/* qtest line protocol, available with QTEST_INIT_QTEST. */

/**
 * qtest_has_channel:
 * @s: a state
 *
 * Returns: whether @s was started with a qtest channel.
 */
bool qtest_has_channel(QTestState *s);

/**
 * qtest_command:
 * @s: a state with a qtest channel
 * @fmt: printf-style format of one request, without the newline
 *
 * Sends a request and reads its reply, skipping "IRQ" lines (counted,
 * see qtest_irq_lines()).
 *
 * Returns: (transfer full): the reply line without its newline.
 */
char *qtest_command(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/**
 * qtest_irq_lines:
 * @s: a state with a qtest channel
 *
 * Returns: how many asynchronous "IRQ ..." lines were seen so far.
 */
unsigned qtest_irq_lines(QTestState *s);

/*
 * Port and memory accessors: each sends one request (outb, inb, writel,
 * readq, ...), asserts an "OK" reply and returns the value it carries.
 * The port helpers take 16-bit addresses as the protocol requires.
 */
void qtest_outb(QTestState *s, uint16_t addr, uint8_t value);
void qtest_outw(QTestState *s, uint16_t addr, uint16_t value);
void qtest_outl(QTestState *s, uint16_t addr, uint32_t value);
uint8_t qtest_inb(QTestState *s, uint16_t addr);
uint16_t qtest_inw(QTestState *s, uint16_t addr);
uint32_t qtest_inl(QTestState *s, uint16_t addr);
void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t value);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t value);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value);
uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);

/**
 * qtest_memread:
 * @s: a state with a qtest channel
 * @addr: guest physical address
 * @data: where to store the bytes
 * @size: how many bytes (non-zero)
 *
 * Reads guest memory with the "read" request; aborts the test unless the
 * reply is "OK" with exactly @size bytes.
 */
void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size);

/**
 * qtest_memwrite:
 * @s: a state with a qtest channel
 * @addr: guest physical address
 * @data: bytes to write
 * @size: how many bytes (non-zero)
 *
 * Writes guest memory with the "write" request.
 */
void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);

/**
 * qtest_clock_step:
 * @s: a state with a qtest channel
 * @step: nanoseconds to advance the virtual clock
 *
 * Returns: the virtual clock after the step, in nanoseconds.
 */
int64_t qtest_clock_step(QTestState *s, int64_t step);

/**
 * qtest_clock_step_next:
 * @s: a state with a qtest channel
 *
 * Advances the virtual clock to the next timer deadline.
 *
 * Returns: the new clock value in nanoseconds.
 */
int64_t qtest_clock_step_next(QTestState *s);

/* Temporary folders for tests that need paths before qtest_init(). */

/**
 * qtest_make_tmpdir:
 *
 * Returns: (transfer full): a new private folder under g_get_tmp_dir().
 */
char *qtest_make_tmpdir(void);

/**
 * qtest_remove_tmpdir:
 * @dir: a folder from qtest_make_tmpdir() (NULL is ignored)
 *
 * Removes the files directly inside @dir, then @dir itself.
 */
void qtest_remove_tmpdir(const char *dir);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QTestState, qtest_quit)
