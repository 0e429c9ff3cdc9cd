/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Starting, watching and ending the QEMU child (qemu-process.h).  The
 * child's stdout and stderr share one pipe whose lines go to qmpd's
 * stderr prefixed "qemu: ", so one log tells both stories.  A child
 * adopted after cpr-exec has no GSubprocess (that object died with the
 * old program): it is watched by PID with a GLib child watch instead.
 */

#include "prelude.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>

#include "qemu-process.h"
#include "util/error.h"

#define QEMU_DEFAULT_BINARY "qemu-system-x86_64"

struct QemuProcess {
    GSubprocess *proc; /* NULL for an adopted child */
    GPid pid;
    int wait_status; /* an adopted child's, once exit_seen */
    guint child_watch;
    GDataInputStream *output;
    /* The start of a line the old program had read (adopted child). */
    GString *partial;
    char *first_line;
    bool output_done;
    bool exit_seen;
    GCancellable *cancel;
    void (*exited)(void *opaque);
    void *opaque;
};

char *qemu_process_find_binary(const char *configured, GError **errp)
{
    g_autofree char *path = NULL;
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *resolved = NULL;

    if (configured != NULL) {
        path = g_find_program_in_path(configured);
        if (path == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "accel.binary: '%s' is not an executable file",
                        configured);
            return NULL;
        }
    } else {
        path = g_find_program_in_path(QEMU_DEFAULT_BINARY);
        if (path == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "accel.binary: no QEMU found: '%s' is not on PATH",
                        QEMU_DEFAULT_BINARY);
            return NULL;
        }
    }
    resolved = realpath(path, NULL);
    if (self != NULL && resolved != NULL && g_str_equal(self, resolved)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "accel.binary: '%s' is qmpd itself, not QEMU", path);
        return NULL;
    }
    return g_steal_pointer(&path);
}

/* Runs in the child between fork and exec: die with qmpd. */
static void child_setup(gpointer parent_pid)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* qmpd may already have died between fork and prctl. */
    if (getppid() != GPOINTER_TO_INT(parent_pid)) {
        _exit(127);
    }
}

static void maybe_report_exit(QemuProcess *p)
{
    if (p->exit_seen && p->output_done && p->exited != NULL) {
        void (*fn)(void *) = p->exited;

        p->exited = NULL;
        fn(p->opaque);
    }
}

static void log_line(QemuProcess *p, const char *line)
{
    g_autofree char *joined = NULL;

    if (p->partial != NULL && p->partial->len > 0) {
        joined = g_strconcat(p->partial->str, line, NULL);
        g_string_truncate(p->partial, 0);
        line = joined;
    }
    if (p->first_line == NULL && line[0] != '\0') {
        p->first_line = g_strdup(line);
    }
    fprintf(stderr, "qemu: %s\n", line);
}

static void on_line(GObject *src, GAsyncResult *res, gpointer opaque)
{
    QemuProcess *p = opaque;
    g_autoptr(GError) err = NULL;
    g_autofree char *line = g_data_input_stream_read_line_finish_utf8(
        G_DATA_INPUT_STREAM(src), res, NULL, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        return; /* p may be gone */
    }
    if (line == NULL) {
        p->output_done = true;
        maybe_report_exit(p);
        return;
    }
    log_line(p, line);
    g_data_input_stream_read_line_async(p->output, G_PRIORITY_DEFAULT,
                                        p->cancel, on_line, p);
}

QemuProcess *qemu_process_spawn(const char *const *argv, QemuFdMap *fds,
                                guint n_fds, GError **errp)
{
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
        G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_autoptr(QemuProcess) p = g_new0(QemuProcess, 1);
    const char *id;

    g_subprocess_launcher_set_child_setup(launcher, child_setup,
                                          GINT_TO_POINTER(getpid()), NULL);
    for (guint i = 0; i < n_fds; i++) {
        g_subprocess_launcher_take_fd(launcher, fds[i].source, fds[i].target);
    }
    p->proc = g_subprocess_launcher_spawnv(launcher, argv, errp);
    if (p->proc == NULL) {
        g_prefix_error(errp, "cannot start '%s': ", argv[0]);
        return NULL;
    }
    p->cancel = g_cancellable_new();
    p->output = g_data_input_stream_new(g_subprocess_get_stdout_pipe(p->proc));
    /*
     * NULL once GLib has reaped the child: a QEMU that refused its
     * command line may be gone already, and then there is no PID to keep.
     */
    id = g_subprocess_get_identifier(p->proc);
    p->pid = id != NULL ? (GPid)g_ascii_strtoll(id, NULL, 10) : 0;
    return g_steal_pointer(&p);
}

QemuProcess *qemu_process_adopt(GPid pid, int output_fd, const char *pending,
                                gsize pending_len)
{
    QemuProcess *p = g_new0(QemuProcess, 1);
    g_autoptr(GInputStream) base = g_unix_input_stream_new(output_fd, TRUE);
    const char *end = pending + pending_len;
    const char *nl;

    p->pid = pid;
    p->cancel = g_cancellable_new();
    p->output = g_data_input_stream_new(base);
    p->partial = g_string_new(NULL);
    /* Whole lines the old program had read are logged now, the rest later. */
    while (pending < end && (nl = memchr(pending, '\n', end - pending))) {
        g_autofree char *line = g_strndup(pending, nl - pending);

        log_line(p, line);
        pending = nl + 1;
    }
    g_string_append_len(p->partial, pending, end - pending);
    return p;
}

GPid qemu_process_get_pid(QemuProcess *p)
{
    return p->pid;
}

int qemu_process_get_output_fd(QemuProcess *p)
{
    GInputStream *base =
        g_filter_input_stream_get_base_stream(G_FILTER_INPUT_STREAM(p->output));

    return g_unix_input_stream_get_fd(G_UNIX_INPUT_STREAM(base));
}

GBytes *qemu_process_get_output_pending(QemuProcess *p)
{
    gsize len = 0;
    const void *buf = g_buffered_input_stream_peek_buffer(
        G_BUFFERED_INPUT_STREAM(p->output), &len);
    GByteArray *a = g_byte_array_new();

    if (p->partial != NULL) {
        g_byte_array_append(a, (const guint8 *)p->partial->str,
                            p->partial->len);
    }
    g_byte_array_append(a, buf, len);
    return g_byte_array_free_to_bytes(a);
}

/* SIGKILL, to either kind of child. */
static void process_kill(QemuProcess *p)
{
    if (p->proc != NULL) {
        g_subprocess_force_exit(p->proc);
    } else if (!p->exit_seen) {
        kill(p->pid, SIGKILL);
    }
}

/* Blocks until the child has exited and is reaped. */
static void process_wait(QemuProcess *p)
{
    int status;

    if (p->proc != NULL) {
        g_subprocess_wait(p->proc, NULL, NULL);
        return;
    }
    if (p->exit_seen) {
        return;
    }
    /* The watch would reap it too: only one may. */
    g_clear_handle_id(&p->child_watch, g_source_remove);
    while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) {
    }
    p->wait_status = status;
}

const char *qemu_process_first_error(QemuProcess *p)
{
    return p->first_line;
}

/* True when a whole line can be read without blocking past @deadline. */
static bool output_ready(QemuProcess *p, gint64 deadline)
{
    GInputStream *base =
        g_filter_input_stream_get_base_stream(G_FILTER_INPUT_STREAM(p->output));
    struct pollfd pfd = {
        .fd = g_unix_input_stream_get_fd(G_UNIX_INPUT_STREAM(base)),
        .events = POLLIN,
    };
    gint64 left = deadline - g_get_monotonic_time();

    if (g_buffered_input_stream_get_available(
            G_BUFFERED_INPUT_STREAM(p->output)) > 0) {
        return true;
    }
    return left > 0 && poll(&pfd, 1, (int)(left / 1000 + 1)) > 0;
}

void qemu_process_reap(QemuProcess *p, bool kill, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000;

    if (kill) {
        process_kill(p);
    }
    /* The pipe ends when the child (and anything it forked) is gone. */
    while (!p->output_done && output_ready(p, deadline)) {
        g_autofree char *line =
            g_data_input_stream_read_line_utf8(p->output, NULL, NULL, NULL);

        if (line == NULL) {
            p->output_done = true;
            break;
        }
        log_line(p, line);
    }
    if (!p->output_done) {
        process_kill(p);
    }
    process_wait(p);
    p->exit_seen = true;
}

static void on_wait(GObject *src, GAsyncResult *res, gpointer opaque)
{
    QemuProcess *p = opaque;
    g_autoptr(GError) err = NULL;

    if (!g_subprocess_wait_finish(G_SUBPROCESS(src), res, &err) &&
        g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        return;
    }
    p->exit_seen = true;
    maybe_report_exit(p);
}

static void on_child_exit(GPid pid, gint status, gpointer opaque)
{
    QemuProcess *p = opaque;

    p->child_watch = 0;
    p->wait_status = status;
    p->exit_seen = true;
    maybe_report_exit(p);
}

void qemu_process_watch(QemuProcess *p, void (*exited)(void *opaque),
                        void *opaque)
{
    p->exited = exited;
    p->opaque = opaque;
    if (p->proc != NULL) {
        g_subprocess_wait_async(p->proc, p->cancel, on_wait, p);
    } else {
        /* Any child of this process can be watched, however it began. */
        p->child_watch = g_child_watch_add(p->pid, on_child_exit, p);
    }
    g_data_input_stream_read_line_async(p->output, G_PRIORITY_DEFAULT,
                                        p->cancel, on_line, p);
}

char *qemu_process_describe_exit(QemuProcess *p, bool *ret_ok)
{
    /* The same wait status, whoever reaped the child. */
    int status =
        p->proc != NULL ? g_subprocess_get_status(p->proc) : p->wait_status;

    *ret_ok = false;
    if (WIFEXITED(status)) {
        *ret_ok = WEXITSTATUS(status) == 0;
        return g_strdup_printf("exited with status %d", WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        return g_strdup_printf("was killed by signal %d", WTERMSIG(status));
    }
    return g_strdup("ended");
}

void qemu_process_free(QemuProcess *p)
{
    if (p == NULL) {
        return;
    }
    if (p->cancel != NULL) {
        g_cancellable_cancel(p->cancel);
    }
    if (!p->exit_seen) {
        process_kill(p);
        process_wait(p);
    }
    g_clear_handle_id(&p->child_watch, g_source_remove);
    g_clear_object(&p->output);
    g_clear_object(&p->proc);
    g_clear_object(&p->cancel);
    if (p->partial != NULL) {
        g_string_free(p->partial, TRUE);
    }
    g_free(p->first_line);
    g_free(p);
}
