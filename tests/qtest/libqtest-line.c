/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest line protocol side of the harness: one request line, one reply
 * line, asynchronous "IRQ" lines skipped and counted.  Request and reply
 * formats are those of protocols.md.
 */
#include "prelude.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "libqtest-internal.h"
#include "libqtest.h"

bool qtest_has_channel(QTestState *s)
{
    return s->qtest.sock != NULL;
}

unsigned qtest_irq_lines(QTestState *s)
{
    return s->irq_lines;
}

char *qtest_command(QTestState *s, const char *fmt, ...)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *req = NULL;
    va_list ap;

    g_assert_true(qtest_has_channel(s));
    va_start(ap, fmt);
    req = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (!qtest_channel_send(&s->qtest, req, strlen(req), &err) ||
        !qtest_channel_send(&s->qtest, "\n", 1, &err)) {
        g_error("sending '%s' on the qtest channel: %s", req, err->message);
    }
    for (;;) {
        char *line = qtest_channel_read_line(&s->qtest, "a qtest reply");

        g_strchomp(line);
        if (!g_str_has_prefix(line, "IRQ ")) {
            return line;
        }
        s->irq_lines++;
        g_free(line);
    }
}

/* Sends a request whose reply must be exactly "OK". */
static void qtest_ok(QTestState *s, const char *req)
{
    g_autofree char *rsp = qtest_command(s, "%s", req);

    g_assert_cmpstr(rsp, ==, "OK");
}

/* Sends a request whose reply must be "OK 0x<hex>"; returns the number. */
static uint64_t qtest_ok_hex(QTestState *s, const char *req)
{
    g_autofree char *rsp = qtest_command(s, "%s", req);
    char *end = NULL;
    uint64_t v;

    if (!g_str_has_prefix(rsp, "OK 0x")) {
        g_error("'%s': expected 'OK 0x...', got '%s'", req, rsp);
    }
    v = g_ascii_strtoull(rsp + 5, &end, 16);
    g_assert_true(end != rsp + 5 && *end == '\0');
    return v;
}

#define DEFINE_OUT(fn, word, type)                                     \
    void fn(QTestState *s, uint16_t addr, type value)                  \
    {                                                                  \
        g_autofree char *req =                                         \
            g_strdup_printf(word " 0x%x 0x%x", addr, (unsigned)value); \
        qtest_ok(s, req);                                              \
    }
#define DEFINE_IN(fn, word, type)                                   \
    type fn(QTestState *s, uint16_t addr)                           \
    {                                                               \
        g_autofree char *req = g_strdup_printf(word " 0x%x", addr); \
        return (type)qtest_ok_hex(s, req);                          \
    }
#define DEFINE_WRITE(fn, word, type)                                  \
    void fn(QTestState *s, uint64_t addr, type value)                 \
    {                                                                 \
        g_autofree char *req = g_strdup_printf(                       \
            word " 0x%" PRIx64 " 0x%" PRIx64, addr, (uint64_t)value); \
        qtest_ok(s, req);                                             \
    }
#define DEFINE_READ(fn, word, type)                                       \
    type fn(QTestState *s, uint64_t addr)                                 \
    {                                                                     \
        g_autofree char *req = g_strdup_printf(word " 0x%" PRIx64, addr); \
        return (type)qtest_ok_hex(s, req);                                \
    }

DEFINE_OUT(qtest_outb, "outb", uint8_t)
DEFINE_OUT(qtest_outw, "outw", uint16_t)
DEFINE_OUT(qtest_outl, "outl", uint32_t)
DEFINE_IN(qtest_inb, "inb", uint8_t)
DEFINE_IN(qtest_inw, "inw", uint16_t)
DEFINE_IN(qtest_inl, "inl", uint32_t)
DEFINE_WRITE(qtest_writeb, "writeb", uint8_t)
DEFINE_WRITE(qtest_writew, "writew", uint16_t)
DEFINE_WRITE(qtest_writel, "writel", uint32_t)
DEFINE_WRITE(qtest_writeq, "writeq", uint64_t)
DEFINE_READ(qtest_readb, "readb", uint8_t)
DEFINE_READ(qtest_readw, "readw", uint16_t)
DEFINE_READ(qtest_readl, "readl", uint32_t)
DEFINE_READ(qtest_readq, "readq", uint64_t)

void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_autofree char *rsp = NULL;
    uint8_t *out = data;
    const char *hex;

    g_assert_cmpuint(size, >, 0);
    rsp = qtest_command(s, "read 0x%" PRIx64 " 0x%zx", addr, size);
    if (!g_str_has_prefix(rsp, "OK 0x")) {
        g_error("read: expected 'OK 0x...', got '%s'", rsp);
    }
    hex = rsp + 5;
    g_assert_cmpuint(strlen(hex), ==, size * 2);
    for (size_t i = 0; i < size; i++) {
        int hi = g_ascii_xdigit_value(hex[2 * i]);
        int lo = g_ascii_xdigit_value(hex[2 * i + 1]);

        g_assert_true(hi >= 0 && lo >= 0);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *data, size_t size)
{
    g_autoptr(GString) req = g_string_new(NULL);
    const uint8_t *in = data;
    g_autofree char *rsp = NULL;

    g_assert_cmpuint(size, >, 0);
    g_string_printf(req, "write 0x%" PRIx64 " 0x%zx 0x", addr, size);
    for (size_t i = 0; i < size; i++) {
        g_string_append_printf(req, "%02x", in[i]);
    }
    rsp = qtest_command(s, "%s", req->str);
    g_assert_cmpstr(rsp, ==, "OK");
}

static int64_t clock_reply(const char *rsp)
{
    char *end = NULL;
    int64_t v;

    if (!g_str_has_prefix(rsp, "OK ")) {
        g_error("clock: expected 'OK NS', got '%s'", rsp);
    }
    v = g_ascii_strtoll(rsp + 3, &end, 10);
    g_assert_true(end != rsp + 3 && *end == '\0');
    return v;
}

int64_t qtest_clock_step(QTestState *s, int64_t step)
{
    g_autofree char *rsp = qtest_command(s, "clock_step %" PRId64, step);

    return clock_reply(rsp);
}

int64_t qtest_clock_step_next(QTestState *s)
{
    g_autofree char *rsp = qtest_command(s, "clock_step");

    return clock_reply(rsp);
}
