/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the qtest request interpreter: the input is a scenario
 * (request lines separated by '\n') run against a pc board with 1 MiB of
 * RAM.  Every request must get exactly one reply line starting with
 * "OK", "FAIL" or "ERR", possibly preceded by "IRQ raise N"/"IRQ lower N"
 * lines; nothing may crash or leak.
 */

#include "prelude.h"

#include <string.h>

#include "fuzz.h"
#include "hw/core/machine-board.h"
#include "qom/object-tree.h"
#include "system/clock.h"
#include "system/memory.h"
#include "system/qtest-internal.h"

typedef struct FuzzState {
    guint replies;
    guint irq_lines;
} FuzzState;

static void fuzz_send(void *opaque, const char *line, gsize len)
{
    FuzzState *st = opaque;

    /* one complete line per call */
    g_assert_cmpuint(len, >, 0);
    g_assert_true(line[len - 1] == '\n');
    g_assert_null(memchr(line, '\n', len - 1));
    if (g_str_has_prefix(line, "IRQ raise ") ||
        g_str_has_prefix(line, "IRQ lower ")) {
        st->irq_lines++;
        return;
    }
    g_assert_true(g_str_has_prefix(line, "OK") ||
                  g_str_has_prefix(line, "FAIL") ||
                  g_str_has_prefix(line, "ERR "));
    st->replies++;
}

static const QTestSessionOps fuzz_ops = {
    .send = fuzz_send,
};

static void world_init(void)
{
    static bool done;
    g_autoptr(GError) err = NULL;

    if (done) {
        return;
    }
    done = true;
    qemu_clock_set_virtual_manual(true);
    machine_board_init("pc", 1 << 20,
                       container_get(object_get_root(), "/machine"), &err);
    g_assert_no_error(err);
}

/* Whether the interpreter answers @line (see qtest_session_process()). */
static bool expects_reply(const char *line, gsize len)
{
    if (len > 0 && line[len - 1] == '\r') {
        len--;
    }
    return len > 0 && line[0] != '#';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    gsize left = size;
    FuzzState st = {0};
    guint expected = 0;
    QTestSession s;

    world_init();
    qtest_session_init(&s, &fuzz_ops, &st, address_space_memory_get(),
                       address_space_io_get());
    while (left > 0) {
        const char *nl = memchr(p, '\n', left);
        gsize len = nl ? (gsize)(nl - p) : left;
        g_autofree char *line = g_malloc(len + 1);

        /* the line keeps any NUL bytes; the interpreter refuses those */
        memcpy(line, p, len);
        line[len] = '\0';
        if (expects_reply(line, len)) {
            expected++;
        }
        qtest_session_process(&s, line, len);
        if (nl == NULL) {
            break;
        }
        p = nl + 1;
        left -= len + 1;
    }
    g_assert_cmpuint(st.replies, ==, expected);
    qtest_session_finalize(&s);
    return 0;
}
