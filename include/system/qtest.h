/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The qtest server: QEMU's qtest line protocol on a chardev, so that
 * tests (QEMU's libqtest, tests/qtest/libqtest.c, scenario files) can poke
 * ports, memory, the virtual clock and interrupt lines without a CPU.
 *
 * Contract:
 * - One server per process, started by main() after the chardevs
 *   (-qtest SPEC, -qtest-log FILE).  Requests are handled on the main
 *   loop, one line at a time, in order; each gets one reply line, and
 *   "IRQ raise N" / "IRQ lower N" lines may precede a reply once an
 *   interception is installed.  docs/system/qtest.md lists the requests,
 *   the reply formats and the texts for malformed input.
 * - Sizes taken from a request are checked against the limits below
 *   before anything is allocated.
 * - A peer that disconnects is normal: the server logs CLOSED and waits
 *   for the next one (QEMU does the same).  The exception is stdio, where
 *   end of input means the scenario is over: qmpd then shuts down (cause
 *   "host-ui") once its replies are written.
 *
 * Session states (per peer):
 *
 *   (no peer) --CHR_EVENT_OPENED--> OPEN --CHR_EVENT_CLOSED--> (no peer)
 *                qtest_chr_event()        qtest_chr_event()
 *
 * - no peer: nothing is read; IRQ lines are dropped by the chardev.
 * - OPEN: interception levels start low; requests run as they arrive.
 */

#include "prelude.h"

/* Largest SIZE of read, write, b64read and b64write (64 MiB). */
#define QTEST_MAX_TRANSFER (G_GUINT64_CONSTANT(64) << 20)

/* Largest SIZE of memset (1 TiB, the largest RAM block). */
#define QTEST_MAX_MEMSET (G_GUINT64_CONSTANT(1) << 40)

/* Longest request line: a hex "write" of QTEST_MAX_TRANSFER bytes. */
#define QTEST_MAX_LINE (QTEST_MAX_TRANSFER * 2 + 256)

/**
 * qtest_server_init:
 * @spec: the -qtest argument: "unix:PATH" (connects as a client, as
 *        QEMU does), "stdio", "tcp:HOST:PORT", "chardev:ID", ...
 * @logfile: (nullable): the -qtest-log argument; NULL logs to stderr,
 *           "none" disables the log
 * @errp: "-qtest is already active", "No backend specified" (spec
 *        "none"), "Chardev 'ID' not found", chardev errors, or "cannot
 *        open qtest log 'FILE': REASON"
 *
 * Creates the chardev (id "qtest") and starts serving requests against
 * system memory and the I/O ports.  Nothing is left behind on failure.
 *
 * Returns: true on success.
 */
bool qtest_server_init(const char *spec, const char *logfile, GError **errp);

/** qtest_enabled: Returns: true once qtest_server_init() succeeded. */
bool qtest_enabled(void);

/**
 * qtest_server_cleanup:
 * Detaches from the chardev (which stays registered), removes IRQ
 * interceptions and closes the log.  Safe to call without a server.
 */
void qtest_server_cleanup(void);
