/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the tests that boot the guest of tests/guest/ through the
 * QEMU backend: finding the guest (or skipping, saying why), its serial
 * port, and parsing its report (format: tests/guest/README.md).
 */
#include "prelude.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "qemu-guest-helpers.h"

void guest_clear(Guest *g)
{
    g_clear_pointer(&g->kernel, g_free);
    g_clear_pointer(&g->initrd, g_free);
}

/* The value of @var, or @name in the build folder of tests/guest/. */
static char *guest_path(const char *var, const char *name)
{
    const char *v = g_getenv(var);

    return v != NULL ? g_strdup(v)
                     : g_build_filename(QMPD_GUEST_BUILD_DIR, name, NULL);
}

/* The first line of the build's guest-status.txt, when there is one. */
static char *guest_status(void)
{
    g_autofree char *path = guest_path("QMPD_GUEST_STATUS", "guest-status.txt");
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return g_strdup_printf("%s not found", path);
    }
    text[strcspn(text, "\n")] = '\0';
    return g_steal_pointer(&text);
}

static bool usable_file(const char *path)
{
    GStatBuf st;

    return path != NULL && g_stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           st.st_size > 0;
}

/*
 * Fills @g from QMPD_GUEST_KERNEL and QMPD_GUEST_INITRD, or skips the
 * test with the reason.
 */
bool guest_or_skip(Guest *g)
{
    g_autofree char *qemu = g_find_program_in_path(QEMU_BINARY);
    g_autofree char *kernel = guest_path("QMPD_GUEST_KERNEL", "vmlinuz");
    g_autofree char *initrd =
        guest_path("QMPD_GUEST_INITRD", "initramfs.cpio.gz");

    if (qemu == NULL) {
        g_test_skip(QEMU_BINARY " is not installed (Debian: qemu-system-x86)");
        return false;
    }
    if (!usable_file(kernel) || !usable_file(initrd)) {
        g_autofree char *status = guest_status();
        g_autofree char *why =
            g_strdup_printf("no test guest at %s and %s (guest-status.txt: %s)",
                            kernel, initrd, status);

        g_test_skip(why);
        return false;
    }
    g->kernel = g_steal_pointer(&kernel);
    g->initrd = g_steal_pointer(&initrd);
    return true;
}

/* @s as a JSON string literal. */
char *json_quote(const char *s)
{
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_VALUE);

    json_node_set_string(node, s);
    return json_to_string(node, FALSE);
}

/* A formatted argument, quoted for qtest_init()'s shell-like split. */
char *quote_printf(const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return g_shell_quote(text);
}

/* ---- the serial port ---- */

void serial_write(int fd, const char *text)
{
    size_t len = strlen(text);

    while (len > 0) {
        ssize_t n = write(fd, text, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        g_assert_cmpint(n, >, 0);
        text += n;
        len -= (size_t)n;
    }
}

Report *report_new(void)
{
    Report *r = g_new0(Report, 1);

    r->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    r->log = g_string_new(NULL);
    r->partial = g_string_new(NULL);
    return r;
}

void report_free(Report *r)
{
    g_hash_table_unref(r->values);
    g_string_free(r->log, TRUE);
    g_string_free(r->partial, TRUE);
    g_free(r);
}

static void report_line(Report *r, const char *line)
{
    /* Anywhere in the line, in case a kernel message came first. */
    const char *p = strstr(line, "QMPD-GUEST ");
    const char *eq;

    if (p == NULL) {
        return;
    }
    p += strlen("QMPD-GUEST ");
    eq = strchr(p, '=');
    if (eq == NULL) {
        g_hash_table_replace(r->values, g_strdup(p), g_strdup(""));
    } else {
        g_hash_table_replace(r->values, g_strndup(p, (gsize)(eq - p)),
                             g_strdup(eq + 1));
    }
}

void report_feed(Report *r, const char *buf, size_t len)
{
    g_string_append_len(r->log, buf, (gssize)len);
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n') {
            if (r->partial->len > 0 &&
                r->partial->str[r->partial->len - 1] == '\r') {
                g_string_truncate(r->partial, r->partial->len - 1);
            }
            report_line(r, r->partial->str);
            g_string_truncate(r->partial, 0);
        } else if (buf[i] != '\0') {
            g_string_append_c(r->partial, buf[i]);
        }
    }
}

const char *report_tail(Report *r)
{
    return r->log->len > 4000 ? r->log->str + r->log->len - 4000 : r->log->str;
}

/*
 * Reads the serial output until the guest reported @word (a line
 * "QMPD-GUEST WORD"); fails the test, showing the output, after
 * @timeout_s seconds or when the connection closes.
 */
void report_wait(Report *r, int fd, const char *word, int timeout_s)
{
    gint64 deadline = g_get_monotonic_time() + timeout_s * G_USEC_PER_SEC;

    while (!g_hash_table_contains(r->values, word)) {
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        char buf[4096];
        ssize_t n;
        int rc;

        if (left <= 0) {
            g_test_message("serial output so far (end):\n%s", report_tail(r));
            g_error("no \"QMPD-GUEST %s\" on the serial port within %d s", word,
                    timeout_s);
        }
        rc = poll(&pfd, 1, (int)MIN(left, 1000));
        if (rc < 0 && errno == EINTR) {
            continue;
        }
        g_assert_cmpint(rc, >=, 0);
        if (rc == 0) {
            continue;
        }
        n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_test_message("serial output (end):\n%s", report_tail(r));
            g_error("serial connection closed before \"QMPD-GUEST %s\"", word);
        }
        report_feed(r, buf, (size_t)n);
    }
}

const char *report_get(Report *r, const char *key)
{
    const char *v = g_hash_table_lookup(r->values, key);

    if (v == NULL) {
        g_test_message("serial output (end):\n%s", report_tail(r));
        g_error("the guest did not report %s", key);
    }
    return v;
}

void assert_reported(Report *r, const char *key, const char *want)
{
    const char *v = report_get(r, key);

    if (!g_str_equal(v, want)) {
        g_error("guest reported %s=\"%s\", expected \"%s\"", key, v, want);
    }
}

/* The bytes of a dump: KEY.size, then KEY.hex.0, KEY.hex.1, ... */
GByteArray *report_bytes(Report *r, const char *key)
{
    g_autofree char *missing_key = g_strdup_printf("%s.missing", key);
    g_autofree char *size_key = g_strdup_printf("%s.size", key);
    GByteArray *bytes = g_byte_array_new();
    const char *missing = g_hash_table_lookup(r->values, missing_key);
    guint64 size;

    if (missing != NULL) {
        g_error("the guest found no %s (%s)", key, missing);
    }
    size = g_ascii_strtoull(report_get(r, size_key), NULL, 10);
    for (unsigned i = 0;; i++) {
        g_autofree char *hex_key = g_strdup_printf("%s.hex.%u", key, i);
        const char *hex = g_hash_table_lookup(r->values, hex_key);
        size_t len;

        if (hex == NULL) {
            break;
        }
        len = strlen(hex);
        g_assert_cmpuint(len % 2, ==, 0);
        for (size_t j = 0; j < len; j += 2) {
            int hi = g_ascii_xdigit_value(hex[j]);
            int lo = g_ascii_xdigit_value(hex[j + 1]);
            uint8_t byte;

            g_assert_cmpint(hi, >=, 0);
            g_assert_cmpint(lo, >=, 0);
            byte = (uint8_t)(hi << 4 | lo);
            g_byte_array_append(bytes, &byte, 1);
        }
    }
    g_assert_cmpuint(bytes->len, ==, size);
    return bytes;
}

/* Every "QMPD-COUNTER N" in @text, in order. */
GArray *counters(const char *text)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(guint64));
    const char *p = text;

    while ((p = strstr(p, "QMPD-COUNTER ")) != NULL) {
        char *end;
        guint64 n;

        p += strlen("QMPD-COUNTER ");
        n = g_ascii_strtoull(p, &end, 10);
        if (end != p && (*end == '\r' || *end == '\n')) {
            g_array_append_val(a, n);
        }
        p = end;
    }
    return a;
}
