/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc board's CMOS bytes: what the firmware reads about memory, boot
 * devices and CPUs, computed from the machine configuration.
 */

#include "prelude.h"

#include "hw/rtc/pc-cmos.h"

#define KiB G_GUINT64_CONSTANT(1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

uint8_t pc_cmos_boot_nibble(char c)
{
    switch (c) {
    case 'a':
    case 'b':
        return 1;
    case 'c':
        return 2;
    case 'd':
        return 3;
    case 'n':
        return 4;
    default:
        return 0;
    }
}

static void set_word(MC146818State *s, unsigned index, uint64_t value)
{
    mc146818_rtc_set_cmos(s, index, (uint8_t)value);
    mc146818_rtc_set_cmos(s, index + 1, (uint8_t)(value >> 8));
}

static void fill_memory(MC146818State *s, uint64_t ram)
{
    uint64_t below = ram >= PC_LOWMEM_LIMIT ? 3 * GiB : ram;
    uint64_t above = ram - below;
    uint64_t ext = below / KiB > 1024 ? below / KiB - 1024 : 0;
    uint64_t mid = below > 16 * MiB ? (below - 16 * MiB) / (64 * KiB) : 0;
    uint64_t high = above / (64 * KiB);

    set_word(s, 0x15, 640);
    set_word(s, 0x17, MIN(ext, 0xffff));
    set_word(s, 0x30, MIN(ext, 0xffff));
    set_word(s, 0x34, MIN(mid, 0xffff));
    mc146818_rtc_set_cmos(s, 0x5b, (uint8_t)high);
    mc146818_rtc_set_cmos(s, 0x5c, (uint8_t)(high >> 8));
    mc146818_rtc_set_cmos(s, 0x5d, (uint8_t)(high >> 16));
}

static void fill_boot(MC146818State *s, const char *order)
{
    uint8_t dev[3] = {0, 0, 0};

    for (int i = 0; i < 3 && order != NULL && order[i] != '\0'; i++) {
        dev[i] = pc_cmos_boot_nibble(order[i]);
    }
    mc146818_rtc_set_cmos(s, 0x3d, (uint8_t)((dev[1] << 4) | dev[0]));
    /* Bit 0 set would skip the floppy boot signature check. */
    mc146818_rtc_set_cmos(s, 0x38, (uint8_t)(dev[2] << 4));
}

void pc_cmos_fill(MC146818State *s, const MachineProperties *cfg)
{
    const char *order = NULL;
    int64_t cpus = 1;

    g_return_if_fail(s != NULL && cfg != NULL);

    mc146818_rtc_set_cmos(s, 0x10, 0);
    mc146818_rtc_set_cmos(s, 0x12, 0);
    /* Math coprocessor and PS/2 mouse present, no floppy drive. */
    mc146818_rtc_set_cmos(s, 0x14, 0x06);
    fill_memory(s, cfg->memory != NULL && cfg->memory->has_size
                       ? cfg->memory->size
                       : 128 * MiB);
    if (cfg->boot != NULL) {
        order = cfg->boot->once != NULL ? cfg->boot->once : cfg->boot->order;
    }
    fill_boot(s, order != NULL ? order : "cad");
    mc146818_rtc_set_cmos(s, 0x39, 0);
    if (cfg->smp != NULL && cfg->smp->has_cpus) {
        cpus = cfg->smp->cpus;
    }
    mc146818_rtc_set_cmos(s, 0x5f, (uint8_t)(cpus - 1));
}
