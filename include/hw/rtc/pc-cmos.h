/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The CMOS bytes a pc board writes for its firmware: memory sizes, boot
 * order, equipment and CPU count, derived from the machine configuration.
 */

#include "hw/rtc/mc146818rtc.h"
#include "prelude.h"
#include "qapi-types.h"

/* RAM at or above this size is split at 3 GiB (pc's gigabyte alignment). */
#define PC_LOWMEM_LIMIT G_GUINT64_CONSTANT(0xe0000000)

/**
 * pc_cmos_boot_nibble:
 * Returns: the CMOS code of boot device letter @c (a or b floppy 1, c
 * disk 2, d cdrom 3, n network 4), 0 for anything else.
 */
uint8_t pc_cmos_boot_nibble(char c);

/**
 * pc_cmos_fill:
 * @cfg: (transfer none): a configuration with defaults filled in
 *     (machine_config_fill_defaults)
 *
 * Writes the board bytes (qmpd has no floppy or IDE drives, so their type
 * bytes stay 0): 0x14 equipment (FPU, PS/2 mouse), 0x15/0x16 base memory
 * 640 KiB, 0x17/0x18 and 0x30/0x31 KiB above 1 MiB (at most 0xffff),
 * 0x34/0x35 64 KiB units between 16 MiB and the 4 GiB hole, 0x5b..0x5d
 * 64 KiB units above 4 GiB, 0x3d and 0x38 the first three boot devices
 * ("once" when set, else "order"; floppy signature check on), 0x5f CPU
 * count - 1.
 */
void pc_cmos_fill(MC146818State *s, const MachineProperties *cfg);
