/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fw_cfg device: its item table and file directory, the selector and
 * data ports, and the DMA engine that copies items into guest RAM.  What
 * goes in the table is the board's business (fw_cfg-pc.c).
 */

#include "prelude.h"

#include <string.h>

#include "hw/core/qdev.h"
#include "hw/nvram/fw_cfg-vmstate.h"
#include "hw/nvram/fw_cfg.h"
#include "system/memory.h"
#include "util/error.h"

/* Keys (after masking bits 14 and 15) must be below this to select. */
#define FW_CFG_MAX_ENTRY (FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS)
#define FW_CFG_DMA_DESC_SIZE 16

typedef struct FwCfgFile {
    char *name;
    GBytes *data;
} FwCfgFile;

struct FwCfgState {
    DeviceState parent_obj;
    FwCfgRegs regs;
    /* [0]: generic keys, [1]: arch keys; NULL means no item */
    GBytes *entries[2][FW_CFG_MAX_ENTRY];
    /* FwCfgFile *, sorted by name; file n has key FW_CFG_FILE_FIRST + n */
    GPtrArray *files;
    MemoryRegion *ctl_io;
    MemoryRegion *dma_io;
};

static void fw_cfg_file_free(gpointer p)
{
    FwCfgFile *f = p;

    g_free(f->name);
    g_bytes_unref(f->data);
    g_free(f);
}

static GBytes *fw_cfg_entry(FwCfgState *s, uint16_t key)
{
    if (key == FW_CFG_INVALID) {
        return NULL;
    }
    return s->entries[(key & FW_CFG_ARCH_LOCAL) ? 1 : 0]
                     [key & (uint16_t)~FW_CFG_ARCH_LOCAL];
}

static void fw_cfg_select(FwCfgState *s, uint16_t key)
{
    uint16_t masked =
        key & (uint16_t) ~(FW_CFG_ARCH_LOCAL | FW_CFG_WRITE_CHANNEL);

    s->regs.cur_offset = 0;
    if (masked >= FW_CFG_MAX_ENTRY) {
        s->regs.cur_entry = FW_CFG_INVALID;
    } else {
        s->regs.cur_entry = masked | (key & FW_CFG_ARCH_LOCAL);
    }
}

/* Bytes of the selected item from the current offset on (none: 0). */
static const uint8_t *fw_cfg_cursor(FwCfgState *s, gsize *ret_avail)
{
    GBytes *e = fw_cfg_entry(s, s->regs.cur_entry);
    gsize len = 0;
    const uint8_t *p = e != NULL ? g_bytes_get_data(e, &len) : NULL;

    if (p == NULL || s->regs.cur_offset >= len) {
        *ret_avail = 0;
        return NULL;
    }
    *ret_avail = len - s->regs.cur_offset;
    return p + s->regs.cur_offset;
}

static uint8_t fw_cfg_read_byte(FwCfgState *s)
{
    gsize avail;
    const uint8_t *p = fw_cfg_cursor(s, &avail);

    if (p == NULL) {
        return 0;
    }
    s->regs.cur_offset++;
    return p[0];
}

static void fw_cfg_rebuild_dir(FwCfgState *s)
{
    gsize size = 4 + (gsize)FW_CFG_FILE_SLOTS * FW_CFG_DIR_ENTRY_SIZE;
    uint8_t *dir = g_malloc0(size);
    uint32_t count = GUINT32_TO_BE(s->files->len);

    memcpy(dir, &count, 4);
    for (guint i = 0; i < s->files->len; i++) {
        FwCfgFile *f = g_ptr_array_index(s->files, i);
        uint8_t *ent = dir + 4 + (gsize)i * FW_CFG_DIR_ENTRY_SIZE;
        uint32_t fsize = GUINT32_TO_BE((uint32_t)g_bytes_get_size(f->data));
        uint16_t select = GUINT16_TO_BE(FW_CFG_FILE_FIRST + i);

        memcpy(ent, &fsize, 4);
        memcpy(ent + 4, &select, 2);
        memcpy(ent + 8, f->name, strlen(f->name));
        g_clear_pointer(&s->entries[0][FW_CFG_FILE_FIRST + i], g_bytes_unref);
        s->entries[0][FW_CFG_FILE_FIRST + i] = g_bytes_ref(f->data);
    }
    g_clear_pointer(&s->entries[0][FW_CFG_FILE_DIR], g_bytes_unref);
    s->entries[0][FW_CFG_FILE_DIR] = g_bytes_new_take(dir, size);
}

bool fw_cfg_add_bytes(FwCfgState *s, uint16_t key, GBytes *data, GError **errp)
{
    uint16_t index = key & (uint16_t)~FW_CFG_ARCH_LOCAL;
    bool arch = (key & FW_CFG_ARCH_LOCAL) != 0;

    g_return_val_if_fail(s != NULL && data != NULL, false);

    if ((key & FW_CFG_WRITE_CHANNEL) != 0 || index >= FW_CFG_MAX_ENTRY ||
        (!arch && index >= FW_CFG_FILE_DIR)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "invalid fw_cfg key 0x%04x", key);
        return false;
    }
    g_clear_pointer(&s->entries[arch][index], g_bytes_unref);
    s->entries[arch][index] = g_bytes_ref(data);
    return true;
}

static gint fw_cfg_file_position(FwCfgState *s, const char *name,
                                 bool *ret_found)
{
    guint lo = 0, hi = s->files->len;

    *ret_found = false;
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        FwCfgFile *f = g_ptr_array_index(s->files, mid);
        int c = strcmp(name, f->name);

        if (c == 0) {
            *ret_found = true;
            return (gint)mid;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return (gint)lo;
}

bool fw_cfg_add_file(FwCfgState *s, const char *name, GBytes *data,
                     GError **errp)
{
    FwCfgFile *f;
    bool found;
    gint pos;

    g_return_val_if_fail(s != NULL && name != NULL && data != NULL, false);

    if (name[0] == '\0') {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "fw_cfg file name must not be empty");
        return false;
    }
    if (strlen(name) >= FW_CFG_FILE_NAME_SIZE) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "fw_cfg file name '%s' is too long (max. %d bytes)", name,
                    FW_CFG_FILE_NAME_SIZE - 1);
        return false;
    }
    pos = fw_cfg_file_position(s, name, &found);
    if (found) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "duplicate fw_cfg file name: %s", name);
        return false;
    }
    if (s->files->len >= FW_CFG_FILE_SLOTS) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "no free fw_cfg file slot for '%s'", name);
        return false;
    }
    f = g_new0(FwCfgFile, 1);
    f->name = g_strdup(name);
    f->data = g_bytes_ref(data);
    g_ptr_array_insert(s->files, pos, f);
    fw_cfg_rebuild_dir(s);
    return true;
}

FwCfgRegs *fw_cfg_get_regs(FwCfgState *s)
{
    g_return_val_if_fail(s != NULL, NULL);
    return &s->regs;
}

/* ---- ports 0x510/0x511 ---- */

static uint64_t fw_cfg_ctl_read(void *opaque, uint64_t addr, unsigned size)
{
    /* Only byte reads carry data; QEMU refuses wider ones (they read 0). */
    return size == 1 ? fw_cfg_read_byte(opaque) : 0;
}

static void fw_cfg_ctl_write(void *opaque, uint64_t addr, uint64_t value,
                             unsigned size)
{
    /* Byte writes are data writes, which never change an item. */
    if (size == 2 && addr == 0) {
        fw_cfg_select(opaque, (uint16_t)value);
    }
}

static const MemoryRegionOps fw_cfg_ctl_ops = {
    .read = fw_cfg_ctl_read,
    .write = fw_cfg_ctl_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 1, .max_access_size = 2},
    .impl = {.min_access_size = 1, .max_access_size = 2},
};

/* ---- DMA ---- */

static bool fw_cfg_dma_read_item(FwCfgState *s, uint64_t addr, uint32_t len,
                                 bool is_read)
{
    AddressSpace *as = address_space_memory_get();

    while (len > 0) {
        gsize avail;
        const uint8_t *p = fw_cfg_cursor(s, &avail);
        uint32_t chunk;

        if (p == NULL) {
            /* Past the end: reads see zeros, skips stop here. */
            return !is_read || address_space_set(as, addr, 0, len) == MEMTX_OK;
        }
        chunk = (uint32_t)MIN((gsize)len, avail);
        if (is_read && address_space_write(as, addr, p, chunk) != MEMTX_OK) {
            return false;
        }
        s->regs.cur_offset += chunk;
        addr += chunk;
        len -= chunk;
    }
    return true;
}

/* Performs the transfer @desc describes; returns the control to store. */
static uint32_t fw_cfg_dma_transfer(FwCfgState *s, const uint8_t *desc)
{
    uint32_t control, length;
    uint64_t addr;

    memcpy(&control, desc, 4);
    memcpy(&length, desc + 4, 4);
    memcpy(&addr, desc + 8, 8);
    control = GUINT32_FROM_BE(control);
    length = GUINT32_FROM_BE(length);
    addr = GUINT64_FROM_BE(addr);

    if (control & FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(s, (uint16_t)(control >> 16));
    }
    if (length == 0) {
        return 0;
    }
    if (control & FW_CFG_DMA_CTL_READ) {
        return fw_cfg_dma_read_item(s, addr, length, true)
                   ? 0
                   : FW_CFG_DMA_CTL_ERROR;
    }
    if (control & FW_CFG_DMA_CTL_WRITE) {
        /* No item is writable. */
        return FW_CFG_DMA_CTL_ERROR;
    }
    if (control & FW_CFG_DMA_CTL_SKIP) {
        fw_cfg_dma_read_item(s, addr, length, false);
    }
    return 0;
}

/* Runs the transfer whose descriptor is at @desc_addr (see the header). */
static void fw_cfg_dma_run(FwCfgState *s, uint64_t desc_addr)
{
    AddressSpace *as = address_space_memory_get();
    uint8_t desc[FW_CFG_DMA_DESC_SIZE];
    uint32_t result = FW_CFG_DMA_CTL_ERROR;

    if (address_space_read(as, desc_addr, desc, sizeof(desc)) == MEMTX_OK) {
        result = fw_cfg_dma_transfer(s, desc);
    }
    result = GUINT32_TO_BE(result);
    address_space_write(as, desc_addr, &result, sizeof(result));
}

static uint64_t fw_cfg_dma_read(void *opaque, uint64_t addr, unsigned size)
{
    unsigned shift = 64 - 8 * ((unsigned)addr + size);

    /* The signature's bytes at [addr, addr + size), most significant first. */
    if (addr + size > 8) {
        return 0;
    }
    return (FW_CFG_DMA_SIGNATURE >> shift) &
           (size == 8 ? UINT64_MAX
                      : ((G_GUINT64_CONSTANT(1) << (8 * size)) - 1));
}

static void fw_cfg_dma_write(void *opaque, uint64_t addr, uint64_t value,
                             unsigned size)
{
    FwCfgState *s = opaque;
    uint64_t desc;

    if (size == 4 && addr == 0) {
        s->regs.dma_addr = value << 32;
        return;
    }
    if (size == 4 && addr == 4) {
        desc = s->regs.dma_addr | (uint32_t)value;
    } else if (size == 8 && addr == 0) {
        desc = value;
    } else {
        return;
    }
    s->regs.dma_addr = 0;
    fw_cfg_dma_run(s, desc);
}

static const MemoryRegionOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read,
    .write = fw_cfg_dma_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .valid = {.min_access_size = 1, .max_access_size = 8},
    .impl = {.min_access_size = 1, .max_access_size = 8},
};

/* ---- the QOM device ---- */

static bool fw_cfg_realize(DeviceState *dev, GError **errp)
{
    FwCfgState *s = FW_CFG(dev);

    if (!fw_cfg_vmstate_register(&s->regs, errp)) {
        return false;
    }
    fw_cfg_select(s, FW_CFG_SIGNATURE);
    s->ctl_io = memory_region_new_io("fwcfg", 2, &fw_cfg_ctl_ops, s);
    s->dma_io = memory_region_new_io("fwcfg.dma", 8, &fw_cfg_dma_ops, s);
    memory_region_add_subregion(memory_io_get(), FW_CFG_IO_BASE, s->ctl_io);
    memory_region_add_subregion(memory_io_get(), FW_CFG_DMA_IO_BASE, s->dma_io);
    return true;
}

static void fw_cfg_unrealize(DeviceState *dev)
{
    FwCfgState *s = FW_CFG(dev);

    fw_cfg_vmstate_unregister();
    memory_region_del_subregion(memory_io_get(), s->ctl_io);
    memory_region_del_subregion(memory_io_get(), s->dma_io);
    g_clear_pointer(&s->ctl_io, memory_region_unref);
    g_clear_pointer(&s->dma_io, memory_region_unref);
}

static void fw_cfg_reset(DeviceState *dev)
{
    fw_cfg_select(FW_CFG(dev), FW_CFG_SIGNATURE);
}

static void fw_cfg_instance_init(Object *obj)
{
    FwCfgState *s = FW_CFG(obj);

    uint32_t id = GUINT32_TO_LE(FW_CFG_VERSION | FW_CFG_VERSION_DMA);

    s->files = g_ptr_array_new_with_free_func(fw_cfg_file_free);
    s->regs.cur_entry = FW_CFG_INVALID;
    s->entries[0][FW_CFG_SIGNATURE] = g_bytes_new_static("QEMU", 4);
    s->entries[0][FW_CFG_ID] = g_bytes_new(&id, sizeof(id));
    fw_cfg_rebuild_dir(s);
}

static void fw_cfg_instance_finalize(Object *obj)
{
    FwCfgState *s = FW_CFG(obj);

    for (int arch = 0; arch < 2; arch++) {
        for (int i = 0; i < FW_CFG_MAX_ENTRY; i++) {
            g_clear_pointer(&s->entries[arch][i], g_bytes_unref);
        }
    }
    g_clear_pointer(&s->files, g_ptr_array_unref);
}

static void fw_cfg_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = fw_cfg_realize;
    dc->unrealize = fw_cfg_unrealize;
    dc->reset = fw_cfg_reset;
    dc->desc = "firmware configuration interface (x86 I/O ports)";
}

static const TypeInfo fw_cfg_type_info = {
    .name = TYPE_FW_CFG_IO,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(FwCfgState),
    .instance_init = fw_cfg_instance_init,
    .instance_finalize = fw_cfg_instance_finalize,
    .class_init = fw_cfg_class_init,
};

void fw_cfg_register_types(void)
{
    static bool registered;

    if (!registered) {
        registered = true;
        qdev_register_types();
        type_register_static(&fw_cfg_type_info);
    }
}
