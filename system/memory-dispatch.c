/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The access path of address spaces: find the flat range, copy RAM, or
 * cut an I/O access into the pieces a region accepts and call it.  The
 * rules are in include/system/memory.h; qtest and later accelerator exits
 * come through here.
 */

#include "prelude.h"

#include <string.h>

#include "system/memory-internal.h"
#include "system/memory.h"

/* Bytes written per step by address_space_set() outside RAM. */
#define SET_CHUNK 4096

static MemTxResult worst(MemTxResult a, MemTxResult b)
{
    return MAX(a, b);
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (G_GUINT64_CONSTANT(1) << (size * 8)) - 1;
}

static bool region_is_big_endian(const MemoryRegion *mr)
{
    return mr->ops->endianness == DEVICE_BIG_ENDIAN;
}

static uint64_t load_bytes(const uint8_t *p, unsigned size, bool big)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        unsigned shift = big ? (size - 1 - i) * 8 : i * 8;

        v |= (uint64_t)p[i] << shift;
    }
    return v;
}

static void store_bytes(uint8_t *p, unsigned size, uint64_t v, bool big)
{
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = big ? (size - 1 - i) * 8 : i * 8;

        p[i] = (uint8_t)(v >> shift);
    }
}

static unsigned rule_min(const MemoryAccessRules *r)
{
    return r->min_access_size ? r->min_access_size : 1;
}

static unsigned rule_max(const MemoryAccessRules *r)
{
    return r->max_access_size ? r->max_access_size : 4;
}

static unsigned pow2_floor(uint64_t v)
{
    unsigned p = 1;

    while (p <= 4 && (uint64_t)p * 2 <= v) {
        p *= 2;
    }
    return p;
}

/*
 * Performs one valid access of @size bytes with callbacks of the size the
 * region implements (rule 3 of the header).
 */
static uint64_t io_read_adjusted(MemoryRegion *mr, uint64_t off, unsigned size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned step = CLAMP(size, rule_min(&ops->impl), rule_max(&ops->impl));
    bool big = region_is_big_endian(mr);
    uint64_t value = 0;

    if (ops->read == NULL) {
        return 0;
    }
    if (step >= size) {
        uint64_t v = ops->read(mr->opaque, off, step);

        if (big) {
            v >>= (step - size) * 8;
        }
        return v & size_mask(size);
    }
    for (unsigned i = 0; i < size; i += step) {
        uint64_t v = ops->read(mr->opaque, off + i, step) & size_mask(step);
        unsigned shift = big ? (size - step - i) * 8 : i * 8;

        value |= v << shift;
    }
    return value;
}

static void io_write_adjusted(MemoryRegion *mr, uint64_t off, unsigned size,
                              uint64_t value)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned step = CLAMP(size, rule_min(&ops->impl), rule_max(&ops->impl));
    bool big = region_is_big_endian(mr);

    if (ops->write == NULL) {
        return;
    }
    if (step >= size) {
        uint64_t v = value & size_mask(size);

        ops->write(mr->opaque, off, big ? v << (step - size) * 8 : v, step);
        return;
    }
    for (unsigned i = 0; i < size; i += step) {
        unsigned shift = big ? (size - step - i) * 8 : i * 8;

        ops->write(mr->opaque, off + i, (value >> shift) & size_mask(step),
                   step);
    }
}

/* Rules 1 and 2 of the header: cut into valid pieces, or drop them. */
static MemTxResult io_access(MemoryRegion *mr, uint64_t off, uint8_t *buf,
                             uint64_t len, bool is_write, uint8_t fill)
{
    const MemoryAccessRules *valid = &mr->ops->valid;
    unsigned vmin = rule_min(valid), vmax = rule_max(valid);
    bool big = region_is_big_endian(mr);
    MemTxResult res = MEMTX_OK;

    while (len > 0) {
        unsigned piece = pow2_floor(MIN(len, (uint64_t)vmax));

        if (!valid->unaligned && off != 0) {
            uint64_t align = off & (~off + 1);

            if (align < piece) {
                piece = (unsigned)align;
            }
        }
        if (piece < vmin) {
            if (!is_write) {
                memset(buf, fill, piece);
            }
            res = MEMTX_ACCESS_ERROR;
        } else if (is_write) {
            io_write_adjusted(mr, off, piece, load_bytes(buf, piece, big));
        } else {
            store_bytes(buf, piece, io_read_adjusted(mr, off, piece), big);
        }
        off += piece;
        buf += piece;
        len -= piece;
    }
    return res;
}

MemTxResult address_space_rw(AddressSpace *as, uint64_t addr, void *buf,
                             uint64_t len, bool is_write)
{
    uint8_t *p = buf;
    MemTxResult res = MEMTX_OK;

    g_return_val_if_fail(as != NULL, MEMTX_DECODE_ERROR);
    g_return_val_if_fail(buf != NULL || len == 0, MEMTX_DECODE_ERROR);

    while (len > 0) {
        uint64_t next = 0;
        const FlatRange *r =
            memory_flat_lookup(memory_flat_view(as), addr, &next);
        uint64_t chunk = len;

        if (r == NULL) {
            /* unassigned up to the next range (next == 0: to the top) */
            if (next != 0 && next - addr < chunk) {
                chunk = next - addr;
            }
            if (!is_write) {
                memset(p, as->fill, chunk);
            }
            res = worst(res, MEMTX_DECODE_ERROR);
        } else {
            MemoryRegion *mr = r->mr;
            uint64_t off = r->offset + (addr - r->start);

            if (r->last - addr < chunk - 1) {
                chunk = r->last - addr + 1;
            }
            if (mr->kind == MR_KIND_RAM) {
                if (!is_write) {
                    memcpy(p, mr->host + off, chunk);
                } else if (!mr->readonly) {
                    memcpy(mr->host + off, p, chunk);
                    ram_block_set_dirty(mr->block, off, chunk);
                }
            } else {
                /* a callback may drop the last other reference */
                memory_region_ref(mr);
                res = worst(res,
                            io_access(mr, off, p, chunk, is_write, as->fill));
                memory_region_unref(mr);
            }
        }
        addr += chunk;
        p += chunk;
        len -= chunk;
    }
    return res;
}

MemTxResult address_space_read(AddressSpace *as, uint64_t addr, void *buf,
                               uint64_t len)
{
    return address_space_rw(as, addr, buf, len, false);
}

MemTxResult address_space_write(AddressSpace *as, uint64_t addr,
                                const void *buf, uint64_t len)
{
    /* writing never modifies the buffer */
    return address_space_rw(as, addr, (void *)buf, len, true);
}

MemTxResult address_space_set(AddressSpace *as, uint64_t addr, uint8_t byte,
                              uint64_t len)
{
    uint8_t chunk_buf[SET_CHUNK];
    MemTxResult res = MEMTX_OK;

    g_return_val_if_fail(as != NULL, MEMTX_DECODE_ERROR);
    memset(chunk_buf, byte, sizeof(chunk_buf));
    while (len > 0) {
        uint64_t next = 0;
        const FlatRange *r =
            memory_flat_lookup(memory_flat_view(as), addr, &next);
        uint64_t chunk = len;

        if (r == NULL) {
            /* nothing there: skip to the next range in one step */
            if (next != 0 && next - addr < chunk) {
                chunk = next - addr;
            }
            res = worst(res, MEMTX_DECODE_ERROR);
        } else {
            if (r->last - addr < chunk - 1) {
                chunk = r->last - addr + 1;
            }
            if (r->mr->kind == MR_KIND_RAM) {
                uint64_t off = r->offset + (addr - r->start);

                if (!r->mr->readonly) {
                    memset(r->mr->host + off, byte, chunk);
                    ram_block_set_dirty(r->mr->block, off, chunk);
                }
            } else {
                chunk = MIN(chunk, (uint64_t)sizeof(chunk_buf));
                res =
                    worst(res, address_space_write(as, addr, chunk_buf, chunk));
            }
        }
        addr += chunk;
        len -= chunk;
    }
    return res;
}

void *address_space_get_ram_ptr(AddressSpace *as, uint64_t addr,
                                uint64_t *ret_avail)
{
    uint64_t next = 0;
    const FlatRange *r;

    g_return_val_if_fail(as != NULL && ret_avail != NULL, NULL);
    r = memory_flat_lookup(memory_flat_view(as), addr, &next);
    if (r == NULL || r->mr->kind != MR_KIND_RAM) {
        return NULL;
    }
    /* r->last - addr + 1 overflows only for a RAM range of 2^64 bytes */
    *ret_avail = r->last - addr == UINT64_MAX ? UINT64_MAX : r->last - addr + 1;
    return r->mr->host + r->offset + (addr - r->start);
}
