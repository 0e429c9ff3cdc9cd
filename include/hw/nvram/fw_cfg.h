/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The fw_cfg device ("fw_cfg_io"): a table of items, addressed by 16-bit
 * keys, that firmware reads through x86 I/O ports, and the pc machine's
 * content for it.
 *
 * Contract:
 * - Keys: 0x0000-0x001f well-known items, 0x0020 + n the n-th file in
 *   name order (FW_CFG_FILE_SLOTS files at most), bit 15 set for items
 *   of the x86 architecture (0x8000 ...).  Bit 14 (the old write channel)
 *   is ignored.  Key 0x0019 is the file directory, rebuilt whenever a file
 *   is added, so a file's key depends on every file's name.
 * - Items are immutable bytes; no item is writable by the guest.
 * - Ports (all relative to FW_CFG_IO_BASE = 0x510):
 *     +0  16-bit write: select a key (offset back to 0); an 8-bit write
 *         here or at +1 is a data write and is ignored
 *     +0, +1 8-bit read: next byte of the selected item; 0 past its end
 *         or for a key that selects nothing
 *     +4  DMA address, big-endian: a 32-bit write at +4 sets the high
 *         half, at +8 sets the low half and starts the transfer; a 64-bit
 *         write at +4 sets both and starts it.  Reads give the bytes of
 *         "QEMU CFG".
 * - DMA: the address names a descriptor in guest RAM,
 *   {be32 control, be32 length, be64 address}.  Control bits: 0x01 ERROR,
 *   0x02 READ, 0x04 SKIP, 0x08 SELECT (key in bits 31-16), 0x10 WRITE.
 *
 *     guest writes low half            descriptor read
 *     IDLE --------------------> FETCH ----------------> (SELECT) --+
 *      ^                           | unreadable                     |
 *      |                           v                                v
 *      +----- control := ERROR <---+--- ERROR <-- WRITE    READ / SKIP
 *      |                                                       |
 *      +-------------- control := 0 <--------------------------+
 *
 *   | transition           | function             |
 *   | IDLE -> FETCH        | fw_cfg_dma_write()   |
 *   | FETCH -> ... -> IDLE | fw_cfg_dma_run()     |
 *
 *   In IDLE the DMA address holds what the guest wrote so far; every
 *   transfer runs to completion synchronously inside the trigger write,
 *   writes the control word back (0, or 0x01 on any failure), and leaves
 *   the DMA address 0.  READ copies item bytes (zeros past the end) and
 *   advances the offset; SKIP only advances it, never past the end; WRITE
 *   always fails (no item is writable); no operation bit does nothing.
 * - Guest state a migration must carry is FwCfgRegs; the items are
 *   rebuilt from the configuration on the destination.
 */

#include "prelude.h"
#include "qapi-types.h"
#include "qom/object.h"

#define TYPE_FW_CFG_IO "fw_cfg_io"

#define FW_CFG_IO_BASE 0x510
#define FW_CFG_DMA_IO_BASE 0x514

/* Well-known keys (little-endian values unless noted). */
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_UUID 0x02
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NOGRAPHIC 0x04
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_NUMA 0x0d
#define FW_CFG_BOOT_MENU 0x0e
#define FW_CFG_MAX_CPUS 0x0f
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ACPI_TABLES 0x8000
#define FW_CFG_IRQ0_OVERRIDE 0x8002
#define FW_CFG_HPET 0x8004

/* Key meaning "nothing selected" in FwCfgRegs.cur_entry. */
#define FW_CFG_INVALID 0xffff

#define FW_CFG_FILE_SLOTS 32
/* A file name field, NUL included. */
#define FW_CFG_FILE_NAME_SIZE 56
#define FW_CFG_DIR_ENTRY_SIZE 64

/* Feature bits of FW_CFG_ID. */
#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02

/* DMA control bits. */
#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10

/* "QEMU CFG", what the DMA address register reads as. */
#define FW_CFG_DMA_SIGNATURE G_GUINT64_CONSTANT(0x51454d5520434647)

/*
 * The guest-visible register state.
 *
 *   cur_entry   selected key as written, bit 14 cleared, or
 *               FW_CFG_INVALID when the key is out of range
 *   cur_offset  next byte of the selected item to read
 *   dma_addr    DMA address register (halves written so far)
 */
typedef struct FwCfgRegs {
    uint16_t cur_entry;
    uint32_t cur_offset;
    uint64_t dma_addr;
} FwCfgRegs;

typedef struct FwCfgState FwCfgState;

#define FW_CFG(obj) OBJECT_CHECK(FwCfgState, (obj), TYPE_FW_CFG_IO)

/** fw_cfg_register_types: registers "fw_cfg_io" (idempotent). */
void fw_cfg_register_types(void);

/**
 * fw_cfg_add_bytes:
 * @s: a device that is not realized yet
 * @key: a well-known (below 0x19) or arch (0x8000 + n) key
 * @data: (transfer none): the item's bytes (the device takes a reference)
 *
 * Sets an item; a second call for the same key replaces it.
 *
 * Returns: false with "invalid fw_cfg key 0x%04x" for the file directory,
 * file keys and keys out of range.
 */
bool fw_cfg_add_bytes(FwCfgState *s, uint16_t key, GBytes *data, GError **errp);

/**
 * fw_cfg_add_file:
 * @s: a device that is not realized yet
 * @name: 1 to 55 bytes
 * @data: (transfer none): the file's bytes (the device takes a reference)
 *
 * Adds a file in name order and renumbers the file keys.
 *
 * Returns: false with "duplicate fw_cfg file name: NAME" (QEMU's text),
 * "fw_cfg file name 'NAME' is too long (max. 55 bytes)", an empty-name
 * error, or "no free fw_cfg file slot for 'NAME'" once 32 files exist.
 */
bool fw_cfg_add_file(FwCfgState *s, const char *name, GBytes *data,
                     GError **errp);

/**
 * fw_cfg_get_regs:
 * Returns: (transfer none): the register state of @s (for migration and
 * debugging).
 */
FwCfgRegs *fw_cfg_get_regs(FwCfgState *s);

/**
 * pc_fw_cfg_create:
 * @machine: (transfer none): the /machine object
 * @cfg: (transfer none): the frozen configuration with defaults filled in
 *
 * Builds the pc machine's items (see docs/system/firmware-tables.md:
 * well-known keys, etc/ files, SMBIOS and ACPI blobs, every fw-cfg item),
 * then adds the device as /machine/fw_cfg and maps its ports.  Errors are
 * the SMBIOS or ACPI builder's (with its member path) or a file clash;
 * nothing is left in the tree or the port space on failure.
 *
 * Returns: true on success.
 */
bool pc_fw_cfg_create(Object *machine, const MachineProperties *cfg,
                      GError **errp);
