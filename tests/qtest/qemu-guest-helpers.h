/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Helpers of the tests that boot the guest of tests/guest/ through the
 * QEMU backend (qemu-guest-test.c, qemu-migration-test.c).  The serial
 * line format is described in tests/guest/README.md.
 */

#include "prelude.h"

#include <stdbool.h>
#include <stddef.h>

#define QEMU_BINARY "qemu-system-x86_64"

typedef struct Guest {
    char *kernel;
    char *initrd;
} Guest;

void guest_clear(Guest *g);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Guest, guest_clear)

/*
 * Fills @g from QMPD_GUEST_KERNEL and QMPD_GUEST_INITRD (default: the
 * build folder QMPD_GUEST_BUILD_DIR), or skips the test with the reason
 * (no qemu-system-x86_64, or no guest built).
 */
bool guest_or_skip(Guest *g);

/* @s as a JSON string literal. */
char *json_quote(const char *s);

/* A formatted argument, quoted for qtest_init()'s shell-like split. */
char *quote_printf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

void serial_write(int fd, const char *text);

/*
 * What the guest reported: every "QMPD-GUEST KEY=VALUE" line as KEY ->
 * VALUE, and every "QMPD-GUEST WORD" line (begin, done, hold) as WORD ->
 * "".  The whole serial output is kept in @log.
 */
typedef struct Report {
    GHashTable *values;
    GString *log;
    GString *partial;
} Report;

Report *report_new(void);
void report_free(Report *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Report, report_free)

/* Feeds serial output; complete lines are parsed. */
void report_feed(Report *r, const char *buf, size_t len);
/* The last 4000 bytes of the output, for failure messages. */
const char *report_tail(Report *r);
/*
 * Reads @fd until the guest reported @word ("QMPD-GUEST WORD"); fails the
 * test after @timeout_s seconds or when the connection closes.
 */
void report_wait(Report *r, int fd, const char *word, int timeout_s);
/* The value of @key; fails the test when the guest did not report it. */
const char *report_get(Report *r, const char *key);
void assert_reported(Report *r, const char *key, const char *want);
/* The bytes of a dump: KEY.size, then KEY.hex.0, KEY.hex.1, ... */
GByteArray *report_bytes(Report *r, const char *key);

/* Every "QMPD-COUNTER N" in @text (the guest's qmpd.counter=1), in order. */
GArray *counters(const char *text);
