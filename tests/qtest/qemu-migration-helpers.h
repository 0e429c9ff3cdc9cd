/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What the QEMU-run migration tests share (qemu-migration-test.c,
 * qemu-migration-modes-test.c): the guest's configuration, the two sides
 * of a migration with their serial output, and the checks that the
 * guest went on counting with the same firmware.
 */

#include "libqtest.h"
#include "qemu-guest-helpers.h"

#define REPORT_TIMEOUT_S 120
#define GUEST_UUID "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
#define GUEST_SERIAL "MIG-SER-7"
#define GUEST_VENDOR "Migrating Co"
#define FWCFG_NAME "opt/qmpd/mig"
#define FWCFG_PAYLOAD "fw-cfg-travels-with-the-stream"
#define ACPI_SIG "QMPM"
#define GUEST_MEM (256u << 20)
#define GUEST_APPEND                                                       \
    "console=ttyS0 panic=-1 qmpd.fwcfg=" FWCFG_NAME " qmpd.acpi=" ACPI_SIG \
    " qmpd.counter=1"
/* Slow enough that cancelling mid-stream is not a race (bytes/s). */
#define SLOW_BANDWIDTH (4u << 20)
/* qmpd's refusal of @cap (migration/qemu-handoff.c). */
#define REFUSAL(cap)                                                      \
    cap " is not available for a guest run by QEMU: qmpd hands QEMU the " \
        "migration channel as a single descriptor ('fd:'), on which "     \
        "QEMU cannot open more channels"

typedef struct Side {
    QTestState *qmp;
    int serial;
    GString *out; /* everything read from the serial port */
    char *serial_path;
} Side;

typedef enum Listen {
    LISTEN_FIRST,        /* migrate-incoming, then migrate */
    LISTEN_ALREADY,      /* the caller ran migrate-incoming */
    LISTEN_ALREADY_SENT, /* the caller ran migrate; @uri is for the dest */
    LISTEN_NONE,         /* the caller started both sides */
} Listen;

void side_clear(Side *s);
void side_read(Side *s, int quiet_ms, int max_ms);
void configure_guest(QTestState *s, const Guest *g, const char *dir);
void start_source_guest(Side *src, const Guest *g, const char *dir,
                        Report *boot);
void start_bare_dest(Side *dst, const char *dir, const char *name,
                     const char *incoming_opts);
void side_wait_counters(Side *s, guint want, int max_ms);
void assert_counter_continues(Side *src, Side *dst, guint min_after);
void assert_same_firmware(Report *boot, Report *again);
void wait_migration_event(QTestState *s, const char *status);
void wait_status(QTestState *s, const char *want);
/* The destination's query-migrate status (and error-desc). */
char *dest_status(QTestState *s, char **ret_error);
void assert_dest_reset(Side *dst, const char *prior_config,
                       const char *error_part);
void assert_source_runs(Side *src);
void migrate_uri(QTestState *s, const char *uri);
void migrate_and_check(Side *src, Side *dst, Report *boot, const char *uri,
                       Listen listen);
void set_bandwidth(QTestState *s, unsigned bytes_per_s);
void set_capability(QTestState *s, const char *cap, bool on);
bool capability_of(QTestState *s, const char *cap);
gint64 parameter_of(QTestState *s, const char *name);
void set_preempt(QTestState *s, bool on);
void assert_multifd_refused(Side *src, Side *dst, const char *dir,
                            const char *uri);
