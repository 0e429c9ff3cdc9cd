/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Private glue of the qtest server: the request interpreter
 * (qtest-protocol.c) works on a QTestSession and talks back through its
 * callbacks, so that the chardev server (qtest.c), the fuzz target and
 * unit tests can all drive it.  The codecs (qtest-codec.c) are shared.
 */

#include "hw/core/qdev.h"
#include "prelude.h"
#include "system/memory.h"

typedef struct QTestSession QTestSession;

typedef struct QTestSessionOps {
    /* Sends one complete line (reply or "IRQ ..."), '\n' included. */
    void (*send)(void *opaque, const char *line, gsize len);
    /* Records a request line or a note in the log; nullable. */
    void (*log)(void *opaque, char kind, const char *text, gsize len);
} QTestSessionOps;

/* One interception of an output line: drive @orig, report to qtest. */
typedef struct QTestOutIntercept {
    IRQState *irq;  /* owned; connected to the device's output slot */
    IRQState *orig; /* what the output drove before (not owned) */
} QTestOutIntercept;

struct QTestSession {
    const QTestSessionOps *ops;
    void *opaque;
    AddressSpace *mem; /* not owned */
    AddressSpace *io;  /* not owned */
    /* IRQ interception (one device at most, as in QEMU) */
    Object *irq_dev;     /* a reference, or NULL */
    GArray *irq_levels;  /* gint8 per line number, last reported level */
    GPtrArray *out_irqs; /* QTestOutIntercept * */
};

/**
 * qtest_session_init:
 * Prepares @s to run requests against @mem and @io, answering through
 * @ops.  Release with qtest_session_finalize().
 */
void qtest_session_init(QTestSession *s, const QTestSessionOps *ops,
                        void *opaque, AddressSpace *mem, AddressSpace *io);

/**
 * qtest_session_finalize:
 * Removes every IRQ interception and frees what @s holds.
 */
void qtest_session_finalize(QTestSession *s);

/** qtest_session_reset_irq_levels: a new peer starts with all lines low. */
void qtest_session_reset_irq_levels(QTestSession *s);

/**
 * qtest_session_process:
 * @line: one request without its '\n' (a trailing '\r' is ignored); it is
 *        modified in place
 * @len: its length
 *
 * Runs the request and sends exactly one reply, preceded by any "IRQ"
 * lines it caused.  Empty lines and lines starting with '#' (comments in
 * scenario files) get no reply.
 */
void qtest_session_process(QTestSession *s, char *line, gsize len);

/* ---- codecs ---- */

/** qtest_hex_append: appends 2 lowercase hex digits per byte to @out. */
void qtest_hex_append(GString *out, const guint8 *data, gsize len);

/**
 * qtest_hex_decode:
 * @hex: hex digits (no prefix), @hex_len of them
 * @out: receives min(@out_len, @hex_len / 2) bytes; the rest of @out is
 *       zero-filled (a trailing odd digit is ignored, as QEMU does)
 *
 * Returns: false when a digit is not hexadecimal (@out is then undefined).
 */
bool qtest_hex_decode(const char *hex, gsize hex_len, guint8 *out,
                      gsize out_len);

/** qtest_base64_append: appends the padded base64 of @data to @out. */
void qtest_base64_append(GString *out, const guint8 *data, gsize len);

/**
 * qtest_base64_decode:
 * @in: base64 text, @in_len characters; '=' padding is optional
 * @out: room for at least @in_len / 4 * 3 + 3 bytes
 * @ret_len: (out): bytes decoded
 *
 * Returns: false for a character outside the alphabet, padding in the
 * middle, or a length that cannot be base64 (4n + 1 characters).
 */
bool qtest_base64_decode(const char *in, gsize in_len, guint8 *out,
                         gsize *ret_len);
