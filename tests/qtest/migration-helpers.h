/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Shared steps of the migration qtests (migration-test.c).
 *
 * Contract:
 * - A source is configured with machine-set only and leaves the
 *   configuration phase running; a destination is a bare
 *   "-incoming defer" qmpd.  Both are QTestState from libqtest.h and are
 *   released with qtest_quit() (or g_autoptr).
 * - Every helper fails the running test (g_assert_*) when a command is
 *   refused or a state is not the expected one; none returns an error.
 * - Every helper that starts qmpd opens the qtest channel, so RAM, ports
 *   and fw_cfg can be compared on both ends; the RAM helpers need at
 *   least RAM_SIZE bytes of guest RAM.
 */

#include <glib.h>
#include <json-glib/json-glib.h>

#include "libqtest.h"

/* The machine of the RAM and device-state tests (machine-set members). */
#define RAM_CONFIG                                        \
    "\"type\": \"pc\", \"memory\": {\"size\": 16777216}," \
    "\"rtc\": {\"base\": \"2020-05-06T07:08:09\"}"
#define RAM_SIZE (16u << 20)
/* write_pattern() fills [PATTERN_BASE, PATTERN_BASE + PATTERN_SIZE). */
#define PATTERN_BASE (1u << 20)
#define PATTERN_SIZE (2u << 20)
#define PAGE 4096u

/* ---- starting the two ends ---- */

/**
 * start_source:
 * @extra: more qmpd arguments, split like a shell would ("" for none)
 *
 * Starts qmpd with -preconfig and the qtest channel, configures a pc
 * machine with one value of every kind of member (structs, lists, files,
 * UUID, RTC base) through machine-set, leaves the configuration phase,
 * so it runs, and writes the RAM pattern (write_pattern()).
 *
 * Returns: (transfer full): the source.
 */
QTestState *start_source(const char *extra);

/**
 * start_dest:
 *
 * Returns: (transfer full): a qmpd started with "-incoming defer" only
 * (and the qtest channel).
 */
QTestState *start_dest(void);

/**
 * start_qtest:
 * @args: qmpd arguments, split like a shell would
 *
 * Starts qmpd with the qtest channel open (QTEST_INIT_QTEST), for tests
 * that read or write guest memory and ports.
 *
 * Returns: (transfer full): the state.
 */
QTestState *start_qtest(const char *args);

/**
 * start_ram_source:
 *
 * Like start_source(), with the small RAM_CONFIG machine instead and no
 * pattern written.
 *
 * Returns: (transfer full): the source.
 */
QTestState *start_ram_source(void);

/* ---- driving a migration ---- */

/**
 * incoming:
 * @dst: the destination
 * @uri: the migration URI
 *
 * Runs migrate-incoming on @dst and asserts success.
 */
void incoming(QTestState *dst, const char *uri);

/**
 * migrate:
 * @src: the source
 * @uri: the migration URI
 *
 * Runs migrate on @src and asserts success (the migration itself goes
 * on in the background; see wait_end()).
 */
void migrate(QTestState *src, const char *uri);

/**
 * incoming_channels:
 * @dst: the destination
 * @channels: the "channels" argument, as JSON text
 *
 * Runs migrate-incoming with @channels on @dst and asserts success.
 */
void incoming_channels(QTestState *dst, const char *channels);

/**
 * migrate_channels:
 * @src: the source
 * @channels: the "channels" argument, as JSON text
 *
 * Runs migrate with @channels on @src and asserts success.
 */
void migrate_channels(QTestState *src, const char *channels);

/**
 * set_events:
 * @s: either end
 *
 * Turns the "events" migration capability on, so @s emits MIGRATION and
 * MIGRATION_PASS events.
 */
void set_events(QTestState *s);

/* ---- observing the result ---- */

/**
 * migrate_status:
 * @s: either end
 * @ret_error: (out) (optional): the error-desc member, or NULL when the
 *             reply has none
 *
 * Returns: (transfer full): the status member of query-migrate, or ""
 * when the reply has none.
 */
char *migrate_status(QTestState *s, char **ret_error);

/**
 * wait_end:
 * @s: either end
 * @ret_error: (out) (optional): as for migrate_status(), for the end
 *             state
 *
 * Polls query-migrate every 10 ms until the status is "completed",
 * "failed" or "cancelled"; fails the test after 15 seconds.
 *
 * Returns: (transfer full): the end status.
 */
char *wait_end(QTestState *s, char **ret_error);

/**
 * config_of:
 * @s: a qmpd
 *
 * Returns: (transfer full): the "config" member of
 * query-machine-config, as compact JSON text.
 */
char *config_of(QTestState *s);

/**
 * assert_run_state:
 * @s: a qmpd
 * @want: the expected run state ("running", "inmigrate", ...)
 *
 * Asserts the status query-status reports.
 */
void assert_run_state(QTestState *s, const char *want);

/**
 * assert_migrated:
 * @src: the source
 * @dst: the destination
 * @state: the run state @dst must be in afterwards
 *
 * Waits for both ends, then asserts that both completed without error,
 * that their configurations are equal, that @src is "postmigrate" and
 * that @dst is in @state.
 */
void assert_migrated(QTestState *src, QTestState *dst, const char *state);

/**
 * ram_stats:
 * @s: the source after a migration
 *
 * Returns: (transfer full): the "ram" member of query-migrate, which must
 * be present; release with json_object_unref() or g_autoptr.
 */
JsonObject *ram_stats(QTestState *s);

/* ---- guest RAM ---- */

/**
 * write_pattern:
 * @s: a qmpd with the qtest channel and RAM_CONFIG
 *
 * Fills [PATTERN_BASE, PATTERN_BASE + PATTERN_SIZE) with pseudo-random
 * bytes from a fixed seed, so every call writes the same bytes.
 */
void write_pattern(QTestState *s);

/**
 * ram_hash:
 * @s: a qmpd with the qtest channel and RAM_CONFIG
 *
 * Returns: (transfer full): the SHA-256 of all RAM_SIZE bytes of guest
 * RAM, as hex text.
 */
char *ram_hash(QTestState *s);

/* ---- what the guest sees ---- */

/**
 * fw_cfg_read:
 * @s: a qmpd with the qtest channel and at least RAM_SIZE bytes of RAM
 * @key: the fw_cfg item
 * @len: bytes to read
 *
 * Reads @len bytes of item @key with one DMA transfer, as firmware does
 * (through guest RAM at 0x1000 and 0x10000, which it overwrites).
 *
 * Returns: (transfer full): the bytes.
 */
GBytes *fw_cfg_read(QTestState *s, uint16_t key, gsize len);

/**
 * fw_cfg_files:
 * @s: as for fw_cfg_read()
 *
 * Returns: (transfer full): every fw_cfg file, name -> GBytes.
 */
GHashTable *fw_cfg_files(QTestState *s);

/**
 * assert_same_ram:
 * Asserts that the first RAM_SIZE bytes of guest RAM are equal on both.
 */
void assert_same_ram(QTestState *src, QTestState *dst);

/**
 * listen_unix:
 * @path: where to listen
 *
 * Returns: a listening unix socket (backlog 1) for a test's stand-in
 * migration peer; the caller closes it.
 */
int listen_unix(const char *path);

/**
 * assert_same_guest:
 * @src: the source after the migration, with the qtest channel
 * @dst: the destination, likewise
 *
 * Asserts that a guest would see the same machine on both: the first
 * RAM_SIZE bytes of RAM, the RTC date and hour, CMOS NVRAM and every
 * fw_cfg file (SMBIOS, ACPI, e820, user items).  Overwrites the low
 * guest RAM that fw_cfg_read() uses.
 */
void assert_same_guest(QTestState *src, QTestState *dst);

/**
 * cpr_exec_own_command:
 * @binary: (nullable): argv[0] to put instead of the daemon's own
 *
 * Returns: (transfer full): the daemon's command line (from /proc), as a
 * JSON array for cpr-exec-command.
 */
char *cpr_exec_own_command(QTestState *s, const char *binary);
