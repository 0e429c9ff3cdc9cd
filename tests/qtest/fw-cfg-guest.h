/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The guest side of the fw_cfg qtests, shared by fw-cfg-test.c and
 * fw-cfg-tables-test.c.
 *
 * Contract:
 * - A Guest is either qmpd started through libqtest (guest_start(),
 *   configured_start()) or a reference binary that speaks the qtest line
 *   protocol on its stdin/stdout (reference_start()).  Every accessor
 *   works on both, so the same read can be compared byte for byte.
 * - The fw_cfg helpers drive the device only as firmware would: the
 *   selector and data ports, and DMA descriptors written to guest RAM at
 *   DESC_ADDR, with DMA reads landing at BUF_ADDR.
 * - Every helper fails the running test (g_assert_*) when the guest, the
 *   device or a decoded table misbehaves; none of them returns an error.
 * - Decoded views (FwFile, Dmi) point into the GBytes they came from and
 *   are valid only while the caller keeps that GBytes alive.
 */

#include <gio/gio.h>
#include <glib.h>
#include <stdint.h>

#include "libqtest.h"

#define PORT_SEL 0x510
#define PORT_DATA 0x511
#define PORT_DMA_HI 0x514
#define PORT_DMA_LO 0x518
#define DESC_ADDR 0x1000
#define BUF_ADDR 0x100000
#define DMA_ERROR 0x01
#define DMA_READ 0x02
#define DMA_SKIP 0x04
#define DMA_SELECT 0x08
#define DMA_WRITE 0x10
#define DIR_SLOTS 32

/* The configured machine of most tests, set only through machine-set. */
#define CFG_UUID "12345678-9abc-def0-1122-334455667788"
#define CFG_STRING "hello fw_cfg, no NUL"

/* Contents of the configured file opt/org.test/bin. */
extern const uint8_t cfg_blob[6];
/* Body of the configured user ACPI table "TSTA". */
extern const uint8_t acpi_body[7];

/*
 * A guest: qmpd through libqtest, or a reference binary speaking the qtest
 * protocol on its stdin/stdout.
 */
typedef struct Guest {
    QTestState *qts;
    GSubprocess *proc;
    GDataInputStream *in;
} Guest;

/* One entry of the fw_cfg file directory (key 0x19). */
typedef struct FwFile {
    char name[57];
    uint32_t size;
    uint16_t select;
} FwFile;

/* One SMBIOS structure, pointing into the table set it was parsed from. */
typedef struct Dmi {
    uint8_t type;
    uint8_t len;
    uint16_t handle;
    const uint8_t *fmt;
    const char *strings[16]; /* [0] is string 1 */
    guint n_strings;
} Dmi;

/* ---- starting guests ---- */

/**
 * guest_start:
 * @args: extra qmpd arguments, split like a shell would
 *
 * Starts qmpd with the qtest channel open (QTEST_INIT_QTEST); fails the
 * test when it does not start.
 *
 * Returns: (transfer full): the guest; release with guest_free().
 */
Guest *guest_start(const char *args);

/**
 * configured_start:
 *
 * Starts qmpd with -preconfig, configures the machine of most tests
 * through machine-set only (UUID CFG_UUID, 256 MiB, 2 of 6 CPUs, boot
 * menu, SMBIOS types 1/3/11, the files opt/org.test/str (CFG_STRING) and
 * opt/org.test/bin (cfg_blob) and the ACPI table "TSTA" (acpi_body)),
 * then leaves the configuration phase.
 *
 * Returns: (transfer full): the guest; release with guest_free().
 */
Guest *configured_start(void);

/**
 * reference_start:
 * @binary: the reference executable (see reference_binary())
 * @args: extra arguments, split like a shell would
 * @errp: set when @args does not parse or the process cannot be spawned
 *
 * Starts "@binary -M pc -nodefaults -S -display none -qtest stdio
 * -qtest-log /dev/null @args" with its stderr silenced.  -S keeps the
 * CPU stopped.
 *
 * Returns: (transfer full): the guest, or NULL on error; release with
 * guest_free().
 */
Guest *reference_start(const char *binary, const char *args, GError **errp);

/**
 * reference_binary:
 *
 * Returns: (transfer none): $QMPD_REFERENCE_BINARY when set and not empty,
 * else "qemu-system-x86_64" (still to be looked up in $PATH).
 */
const char *reference_binary(void);

/**
 * guest_free:
 * @g: (nullable): the guest
 *
 * Stops the guest (qtest_quit() for qmpd, which asserts a clean exit;
 * a forced exit for a reference binary) and frees @g.
 */
void guest_free(Guest *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Guest, guest_free)

/* ---- qtest protocol ---- */

/**
 * guest_value:
 * @g: the guest
 * @op: a qtest read command ("inb", "inw" or "inl")
 * @port: the I/O port
 *
 * Sends "@op 0x@port" and asserts an "OK" reply.
 *
 * Returns: the value of the reply.
 */
uint64_t guest_value(Guest *g, const char *op, uint32_t port);

/**
 * guest_ok:
 * @g: the guest
 * @line: a qtest command, without the newline
 *
 * Sends @line and asserts that the reply is exactly "OK".
 */
void guest_ok(Guest *g, const char *line);

/**
 * guest_outw:
 * @g: the guest
 * @port: the I/O port
 * @v: the value
 *
 * Writes 16 bits to @port.
 */
void guest_outw(Guest *g, uint16_t port, uint16_t v);

/**
 * guest_outl:
 * @g: the guest
 * @port: the I/O port
 * @v: the value
 *
 * Writes 32 bits to @port.
 */
void guest_outl(Guest *g, uint16_t port, uint32_t v);

/**
 * guest_inb:
 * @g: the guest
 * @port: the I/O port
 *
 * Returns: the byte read from @port.
 */
uint8_t guest_inb(Guest *g, uint16_t port);

/**
 * guest_write:
 * @g: the guest
 * @addr: guest-physical address
 * @buf: the bytes
 * @len: their number
 *
 * Writes @len bytes of @buf to guest memory at @addr.
 */
void guest_write(Guest *g, uint64_t addr, const void *buf, gsize len);

/**
 * guest_read:
 * @g: the guest
 * @addr: guest-physical address
 * @len: how many bytes
 *
 * Returns: (transfer full): @len bytes of guest memory at @addr.
 */
GBytes *guest_read(Guest *g, uint64_t addr, gsize len);

/* ---- fw_cfg access ---- */

/**
 * fw_port_read:
 * @g: the guest
 * @key: the item to select
 * @len: how many bytes
 *
 * Selects @key on PORT_SEL and reads @len bytes from PORT_DATA, one
 * byte at a time.
 *
 * Returns: (transfer full): the bytes read.
 */
GBytes *fw_port_read(Guest *g, uint16_t key, gsize len);

/**
 * fw_dma:
 * @g: the guest
 * @control: the descriptor's control word (key << 16 | DMA_* bits)
 * @len: the descriptor's length
 * @addr: the descriptor's guest-physical address
 *
 * Writes one DMA descriptor at DESC_ADDR and starts it through the two
 * 32-bit halves of the big-endian address register (high half 0).
 *
 * Returns: the control word the device wrote back (0, or DMA_ERROR).
 */
uint32_t fw_dma(Guest *g, uint32_t control, uint32_t len, uint64_t addr);

/**
 * fw_dma_read:
 * @g: the guest
 * @key: the item to select
 * @len: how many bytes
 *
 * Reads @len bytes of @key through DMA into BUF_ADDR, asserting that
 * the transfer completed without error.
 *
 * Returns: (transfer full): the bytes read (empty when @len is 0).
 */
GBytes *fw_dma_read(Guest *g, uint16_t key, gsize len);

/**
 * fw_dir:
 * @g: the guest
 *
 * Reads the file directory (key 0x19, DIR_SLOTS entries) and checks its
 * count and the reserved bytes of every entry.
 *
 * Returns: (transfer full): a GArray of FwFile, in directory order.
 */
GArray *fw_dir(Guest *g);

/**
 * fw_find:
 * @files: a directory from fw_dir()
 * @name: the file name
 *
 * Returns: (transfer none) (nullable): the entry named @name, or NULL.
 */
const FwFile *fw_find(GArray *files, const char *name);

/**
 * fw_file:
 * @g: the guest
 * @files: its directory from fw_dir()
 * @name: the file name
 *
 * Returns: (transfer full) (nullable): the file's bytes through DMA, or
 * NULL when the directory lacks it.
 */
GBytes *fw_file(Guest *g, GArray *files, const char *name);

/* ---- byte helpers ---- */

/**
 * le32_at:
 * @p: four bytes
 *
 * Returns: the little-endian 32-bit value at @p.
 */
uint32_t le32_at(const uint8_t *p);

/**
 * sum8:
 * @p: the bytes
 * @len: their number
 *
 * Returns: the 8-bit sum of @len bytes at @p (0 for a valid ACPI or
 * SMBIOS checksum).
 */
uint8_t sum8(const uint8_t *p, gsize len);

/**
 * assert_bytes:
 * @got: (nullable): the bytes read
 * @want: the expected bytes
 * @len: their number
 *
 * Asserts that @got is not NULL and holds exactly @len bytes equal to
 * @want.
 */
void assert_bytes(GBytes *got, const void *want, gsize len);

/* ---- SMBIOS ---- */

/**
 * dmi_parse:
 * @tables: the SMBIOS table set (etc/smbios/smbios-tables)
 *
 * Splits @tables into structures, up to and including the end-of-table
 * structure (type 127), which must end @tables exactly.  Fails the test
 * when a structure is malformed.
 *
 * Returns: (transfer full): a GArray of Dmi pointing into @tables.
 */
GArray *dmi_parse(GBytes *tables);

/**
 * dmi_find:
 * @dmis: structures from dmi_parse()
 * @type: the SMBIOS type
 *
 * Returns: (transfer none) (nullable): the first structure of @type, or
 * NULL.
 */
const Dmi *dmi_find(GArray *dmis, uint8_t type);

/**
 * dmi_string:
 * @d: a structure
 * @index: a string number as stored in the formatted area (1-based)
 *
 * Returns: (transfer none): string @index of @d, "" for index 0.  Fails
 * the test when @d has fewer strings.
 */
const char *dmi_string(const Dmi *d, uint8_t index);

/**
 * write_dmi_dump:
 * @dir: an existing folder
 * @anchor: the 31-byte SMBIOS 2.1 entry point (etc/smbios/smbios-anchor)
 * @tables: the table set (etc/smbios/smbios-tables)
 *
 * Writes @dir/dmi.bin in dmidecode's --from-dump format: the entry point
 * at 0 (checksums fixed up, as firmware would) and the tables at 0x20.
 *
 * Returns: (transfer full): the path of the file.
 */
char *write_dmi_dump(const char *dir, GBytes *anchor, GBytes *tables);

/* ---- ACPI ---- */

/**
 * expected_acpi_table:
 *
 * Returns: (transfer full): the user ACPI table of configured_start() as
 * it must appear: QEMU's header template with the configured overrides,
 * acpi_body, and a valid checksum.
 */
GBytes *expected_acpi_table(void);

/**
 * acpi_find:
 * @blob: etc/acpi/tables
 * @rsdp: etc/acpi/rsdp, not yet patched by a loader, so its RSDT
 *        address is an offset in @blob
 * @sig: a four-character table signature
 *
 * Returns: (transfer none) (nullable): the table with signature @sig
 * listed in the RSDT, pointing into @blob, or NULL.
 */
const uint8_t *acpi_find(GBytes *blob, GBytes *rsdp, const char *sig);

/* ---- comparison with QEMU ---- */

/**
 * assert_same_bytes:
 * @what: a name for the test log
 * @mine: (nullable): qmpd's bytes
 * @theirs: (nullable): the reference's bytes
 *
 * Logs "comparing @what" and asserts that both are present and equal.
 */
void assert_same_bytes(const char *what, GBytes *mine, GBytes *theirs);

/**
 * assert_same_dmi_string:
 * @mine: qmpd's structures from dmi_parse()
 * @theirs: the reference's structures
 * @type: the SMBIOS type
 * @offset: offset of a string-number byte in the formatted area
 *
 * Asserts that both have a structure of @type long enough for @offset
 * and that the strings the byte at @offset names are equal.
 */
void assert_same_dmi_string(GArray *mine, GArray *theirs, uint8_t type,
                            guint offset);
