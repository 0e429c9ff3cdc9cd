/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The region tree (containers, RAM, I/O, aliases) and its flattening into
 * per-address-space views; also the machine's two address spaces.  The
 * access path is in memory-dispatch.c.
 */

#include "prelude.h"

#include <string.h>

#include "system/memory-internal.h"
#include "system/memory.h"
#include "util/error.h"

/*
 * Bumped by every change of any region tree; a flat view built at an
 * older generation is stale.  One counter for all trees is coarse but
 * changes are rare (board set-up, device reconfiguration).
 */
static uint64_t memory_generation = 1;

static MemoryRegion *system_memory;
static MemoryRegion *system_io;
static AddressSpace *as_memory;
static AddressSpace *as_io;

static void memory_changed(void)
{
    memory_generation++;
}

static MemoryRegion *mr_new(const char *name, MemoryRegionKind kind,
                            uint64_t size)
{
    MemoryRegion *mr = g_new0(MemoryRegion, 1);

    mr->ref = 1;
    mr->name = g_strdup(name ? name : "anonymous");
    mr->kind = kind;
    mr->size = size;
    mr->enabled = true;
    return mr;
}

MemoryRegion *memory_region_new_container(const char *name, uint64_t size)
{
    MemoryRegion *mr;

    g_return_val_if_fail(size > 0, NULL);
    mr = mr_new(name, MR_KIND_CONTAINER, size);
    mr->subregions = g_ptr_array_new();
    return mr;
}

MemoryRegion *memory_region_new_io(const char *name, uint64_t size,
                                   const MemoryRegionOps *ops, void *opaque)
{
    MemoryRegion *mr;

    g_return_val_if_fail(size > 0 && ops != NULL, NULL);
    mr = mr_new(name, MR_KIND_IO, size);
    mr->ops = ops;
    mr->opaque = opaque;
    return mr;
}

MemoryRegion *memory_region_new_ram_from_block(const char *name,
                                               RamBlock *block)
{
    MemoryRegion *mr;

    g_return_val_if_fail(block != NULL, NULL);
    mr = mr_new(name, MR_KIND_RAM, ram_block_get_size(block));
    mr->block = ram_block_ref(block);
    mr->host = ram_block_get_host(block);
    return mr;
}

MemoryRegion *memory_region_new_ram(const char *name, uint64_t size,
                                    bool shared, GError **errp)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(RamBlock) block = ram_block_new(size, shared, &err);

    if (block == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cannot set up guest memory '%s': %s", name, err->message);
        return NULL;
    }
    return memory_region_new_ram_from_block(name, block);
}

MemoryRegion *memory_region_new_alias(const char *name, MemoryRegion *orig,
                                      uint64_t offset, uint64_t size)
{
    MemoryRegion *mr;

    g_return_val_if_fail(orig != NULL && size > 0, NULL);
    g_return_val_if_fail(offset <= memory_region_last(orig) &&
                             size - 1 <= memory_region_last(orig) - offset,
                         NULL);
    mr = mr_new(name, MR_KIND_ALIAS, size);
    mr->alias = memory_region_ref(orig);
    mr->alias_offset = offset;
    return mr;
}

MemoryRegion *memory_region_ref(MemoryRegion *mr)
{
    g_return_val_if_fail(mr != NULL, NULL);
    mr->ref++;
    return mr;
}

void memory_region_unref(MemoryRegion *mr)
{
    if (mr == NULL || --mr->ref > 0) {
        return;
    }
    if (mr->subregions) {
        for (guint i = 0; i < mr->subregions->len; i++) {
            MemoryRegion *sub = g_ptr_array_index(mr->subregions, i);

            sub->container = NULL;
            memory_region_unref(sub);
        }
        g_ptr_array_unref(mr->subregions);
    }
    memory_region_unref(mr->alias);
    ram_block_unref(mr->block);
    g_free(mr->name);
    g_free(mr);
    memory_changed();
}

void memory_region_add_subregion_overlap(MemoryRegion *container,
                                         uint64_t offset, MemoryRegion *sub,
                                         int priority)
{
    guint pos;

    g_return_if_fail(container != NULL && sub != NULL);
    g_return_if_fail(container->kind == MR_KIND_CONTAINER);
    g_return_if_fail(sub->container == NULL && sub != container);

    sub->container = container;
    sub->addr = offset;
    sub->priority = priority;
    /* Newest first among equals, so that it wins where they overlap. */
    for (pos = 0; pos < container->subregions->len; pos++) {
        MemoryRegion *other = g_ptr_array_index(container->subregions, pos);

        if (priority >= other->priority) {
            break;
        }
    }
    g_ptr_array_insert(container->subregions, (gint)pos,
                       memory_region_ref(sub));
    memory_changed();
}

void memory_region_add_subregion(MemoryRegion *container, uint64_t offset,
                                 MemoryRegion *sub)
{
    memory_region_add_subregion_overlap(container, offset, sub, 0);
}

void memory_region_del_subregion(MemoryRegion *container, MemoryRegion *sub)
{
    g_return_if_fail(container != NULL && sub != NULL);
    g_return_if_fail(sub->container == container);

    g_ptr_array_remove(container->subregions, sub);
    sub->container = NULL;
    memory_region_unref(sub);
    memory_changed();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    g_return_if_fail(mr != NULL);
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        memory_changed();
    }
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    g_return_if_fail(mr != NULL);
    mr->readonly = readonly;
}

const char *memory_region_get_name(const MemoryRegion *mr)
{
    g_return_val_if_fail(mr != NULL, NULL);
    return mr->name;
}

uint64_t memory_region_get_size(const MemoryRegion *mr)
{
    g_return_val_if_fail(mr != NULL, 0);
    return mr->size;
}

RamBlock *memory_region_get_ram_block(const MemoryRegion *mr)
{
    g_return_val_if_fail(mr != NULL, NULL);
    return mr->kind == MR_KIND_RAM ? mr->block : NULL;
}

/* ---- flattening ---- */

/* Index of the first range whose last address is >= @addr. */
static guint flat_first_at_or_after(GArray *flat, uint64_t addr)
{
    guint lo = 0, hi = flat->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        if (g_array_index(flat, FlatRange, mid).last < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

const FlatRange *memory_flat_lookup(GArray *flat, uint64_t addr,
                                    uint64_t *ret_next)
{
    guint i = flat_first_at_or_after(flat, addr);
    const FlatRange *r;

    if (i == flat->len) {
        *ret_next = 0;
        return NULL;
    }
    r = &g_array_index(flat, FlatRange, i);
    if (r->start <= addr) {
        return r;
    }
    *ret_next = r->start;
    return NULL;
}

/*
 * Adds the parts of [start, last] that no range covers yet, showing @mr
 * from @offset.  Earlier (higher-priority) ranges keep what they hold.
 */
static void flat_fill_gaps(GArray *flat, uint64_t start, uint64_t last,
                           MemoryRegion *mr, uint64_t offset)
{
    guint i = flat_first_at_or_after(flat, start);
    uint64_t cursor = start;

    for (;;) {
        FlatRange piece;
        uint64_t gap_last = last;
        bool more = false;

        if (i < flat->len) {
            const FlatRange *r = &g_array_index(flat, FlatRange, i);

            if (r->start <= cursor) {
                /* covered up to r->last */
                if (r->last >= last) {
                    return;
                }
                cursor = r->last + 1;
                i++;
                continue;
            }
            if (r->start <= last) {
                gap_last = r->start - 1;
                more = true;
            }
        }
        piece.start = cursor;
        piece.last = gap_last;
        piece.mr = mr;
        piece.offset = offset + (cursor - start);
        g_array_insert_val(flat, i, piece);
        if (!more) {
            return;
        }
        cursor = gap_last + 1;
        i++;
    }
}

/*
 * Renders @mr so that address-space addresses [start, last] show its
 * offsets from @offset on.  The caller clipped [start, last] to what the
 * parent shows; this clips it to @mr's own size.
 */
static void flat_render(GArray *flat, MemoryRegion *mr, uint64_t start,
                        uint64_t last, uint64_t offset)
{
    uint64_t mr_last = memory_region_last(mr);

    if (!mr->enabled || offset > mr_last) {
        return;
    }
    if (last - start > mr_last - offset) {
        last = start + (mr_last - offset);
    }
    switch (mr->kind) {
    case MR_KIND_RAM:
    case MR_KIND_IO:
        flat_fill_gaps(flat, start, last, mr, offset);
        break;
    case MR_KIND_ALIAS:
        flat_render(flat, mr->alias, start, last, offset + mr->alias_offset);
        break;
    case MR_KIND_CONTAINER: {
        uint64_t view_last = offset + (last - start);

        for (guint i = 0; i < mr->subregions->len; i++) {
            MemoryRegion *sub = g_ptr_array_index(mr->subregions, i);
            uint64_t sub_last = memory_region_last(sub);
            uint64_t lo, hi;

            /* the sub covers container offsets [addr, addr + sub_last] */
            sub_last = sub->addr > UINT64_MAX - sub_last ? UINT64_MAX
                                                         : sub->addr + sub_last;
            lo = MAX(sub->addr, offset);
            hi = MIN(sub_last, view_last);
            if (lo > hi) {
                continue;
            }
            flat_render(flat, sub, start + (lo - offset), start + (hi - offset),
                        lo - sub->addr);
        }
        break;
    }
    }
}

GArray *memory_flat_view(AddressSpace *as)
{
    if (as->flat_generation != memory_generation) {
        GArray *flat = g_array_new(FALSE, FALSE, sizeof(FlatRange));

        flat_render(flat, as->root, 0, memory_region_last(as->root), 0);
        if (as->flat) {
            g_array_unref(as->flat);
        }
        as->flat = flat;
        as->flat_generation = memory_generation;
    }
    return as->flat;
}

/* ---- address spaces ---- */

AddressSpace *address_space_new(const char *name, MemoryRegion *root,
                                uint8_t unassigned_fill)
{
    AddressSpace *as;

    g_return_val_if_fail(root != NULL, NULL);
    as = g_new0(AddressSpace, 1);
    as->name = g_strdup(name);
    as->root = memory_region_ref(root);
    as->fill = unassigned_fill;
    return as;
}

void address_space_free(AddressSpace *as)
{
    if (as == NULL) {
        return;
    }
    if (as->flat) {
        g_array_unref(as->flat);
    }
    memory_region_unref(as->root);
    g_free(as->name);
    g_free(as);
}

MemoryRegion *address_space_get_root(const AddressSpace *as)
{
    g_return_val_if_fail(as != NULL, NULL);
    return as->root;
}

void address_space_dump(AddressSpace *as, GString *out)
{
    static const char *const kinds[] = {
        [MR_KIND_CONTAINER] = "container",
        [MR_KIND_IO] = "io",
        [MR_KIND_RAM] = "ram",
        [MR_KIND_ALIAS] = "alias",
    };
    GArray *flat;

    g_return_if_fail(as != NULL && out != NULL);
    flat = memory_flat_view(as);
    for (guint i = 0; i < flat->len; i++) {
        const FlatRange *r = &g_array_index(flat, FlatRange, i);

        g_string_append_printf(
            out,
            "%016" G_GINT64_MODIFIER "x-%016" G_GINT64_MODIFIER
            "x %s %s @%" G_GINT64_MODIFIER "x\n",
            (guint64)r->start, (guint64)r->last, kinds[r->mr->kind],
            r->mr->name, (guint64)r->offset);
    }
}

MemoryRegion *memory_system_get(void)
{
    if (system_memory == NULL) {
        system_memory =
            memory_region_new_container("system", MEMORY_REGION_SIZE_FULL);
    }
    return system_memory;
}

MemoryRegion *memory_io_get(void)
{
    if (system_io == NULL) {
        system_io = memory_region_new_container("io", 0x10000);
    }
    return system_io;
}

AddressSpace *address_space_memory_get(void)
{
    if (as_memory == NULL) {
        /* QEMU reads unassigned memory as zeroes (observed with 7.2). */
        as_memory = address_space_new("memory", memory_system_get(), 0x00);
    }
    return as_memory;
}

AddressSpace *address_space_io_get(void)
{
    if (as_io == NULL) {
        /* Nothing drives the ISA bus: floating lines read as ones. */
        as_io = address_space_new("I/O", memory_io_get(), 0xff);
    }
    return as_io;
}

void memory_system_reset(void)
{
    g_clear_pointer(&as_memory, address_space_free);
    g_clear_pointer(&as_io, address_space_free);
    g_clear_pointer(&system_memory, memory_region_unref);
    g_clear_pointer(&system_io, memory_region_unref);
}
