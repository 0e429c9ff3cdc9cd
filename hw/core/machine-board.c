/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Board initialization: picks the board code for the machine type,
 * allocates RAM (from the memory backend when one is given) and keeps
 * track of what the board mapped so that cleanup can undo it.
 */

#include "prelude.h"

#include <inttypes.h>

#include "hw/core/machine-board.h"
#include "hw/core/machine-type.h"
#include "hw/i386/pc.h"
#include "qom/memory-backend.h"
#include "qom/object-tree.h"
#include "system/memory.h"
#include "util/error.h"

static MachineBoard *board;

static void board_free(MachineBoard *b)
{
    MemoryRegion *sysmem = memory_system_get();

    if (b == NULL) {
        return;
    }
    if (b->mapped != NULL) {
        for (guint i = 0; i < b->mapped->len; i++) {
            memory_region_del_subregion(sysmem,
                                        g_ptr_array_index(b->mapped, i));
        }
        g_ptr_array_unref(b->mapped);
    }
    if (b->children != NULL) {
        for (guint i = b->children->len; i-- > 0;) {
            object_unparent(g_ptr_array_index(b->children, i));
        }
        g_ptr_array_unref(b->children);
    }
    if (b->memory_backend != NULL) {
        memory_backend_set_mapped(b->memory_backend, false);
        object_unref(b->memory_backend);
    }
    memory_region_unref(b->ram);
    object_unref(b->machine);
    g_free(b->type_name);
    g_free(b);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MachineBoard, board_free)

void machine_board_map(MachineBoard *b, uint64_t addr, MemoryRegion *mr)
{
    g_return_if_fail(b != NULL && mr != NULL);
    memory_region_add_subregion(memory_system_get(), addr, mr);
    g_ptr_array_add(b->mapped, memory_region_ref(mr));
}

bool machine_board_add_child(MachineBoard *b, Object *parent, const char *name,
                             Object *child, GError **errp)
{
    g_return_val_if_fail(b != NULL && parent != NULL && child != NULL, false);
    if (object_property_add_child(parent, name, child, errp) == NULL) {
        return false;
    }
    g_ptr_array_add(b->children, object_ref(child));
    return true;
}

static bool none_board_init(MachineBoard *b, GError **errp)
{
    if (b->ram != NULL) {
        machine_board_map(b, 0, b->ram);
    }
    return true;
}

static MemoryRegion *board_ram_new(MachineBoard *b, const char *name,
                                   Object *backend, const MachineBoardRam *opts,
                                   GError **errp)
{
    MemoryBackendInfo info;

    if (opts->preset != NULL) {
        /*
         * The RAM a CPR source handed over takes the place of a shared
         * memfd backend's own memory (the same kind of memory, as the
         * source had); any other backend would be a private copy.
         */
        if (backend != NULL &&
            (!memory_backend_get_info(backend, &info) ||
             info.kind != MEMORY_BACKEND_KIND_MEMFD || !info.share)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "memory backend '%s' cannot take the RAM handed "
                        "over: it must be a memory-backend-memfd with "
                        "share=on",
                        object_get_canonical_path_component(backend));
            return NULL;
        }
        if (ram_block_get_size(opts->preset) != b->ram_size) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "the RAM handed over holds 0x%" PRIx64
                        " bytes but the machine's memory size is 0x%" PRIx64,
                        ram_block_get_size(opts->preset), b->ram_size);
            return NULL;
        }
        return memory_region_new_ram_from_block(name, opts->preset);
    }
    if (backend == NULL) {
        return memory_region_new_ram(name, b->ram_size, opts->share, errp);
    }
    if (!memory_backend_get_info(backend, &info)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "'%s' is not a memory backend",
                    object_get_canonical_path_component(backend));
        return NULL;
    }
    if (info.size != b->ram_size) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "memory backend size 0x%" PRIx64
                    " does not match the machine's memory size 0x%" PRIx64,
                    info.size, b->ram_size);
        return NULL;
    }
    /* a shared memfd keeps RAM reachable from another process (CPR) */
    return memory_region_new_ram(
        name, b->ram_size, info.kind == MEMORY_BACKEND_KIND_MEMFD && info.share,
        errp);
}

bool machine_board_init_with_backend(const char *machine_type_name,
                                     uint64_t ram_size, Object *memory_backend,
                                     Object *machine, GError **errp)
{
    return machine_board_init_full(machine_type_name, ram_size, memory_backend,
                                   &(MachineBoardRam){0}, machine, errp);
}

bool machine_board_init_full(const char *machine_type_name, uint64_t ram_size,
                             Object *memory_backend,
                             const MachineBoardRam *ram_opts, Object *machine,
                             GError **errp)
{
    const MachineType *mt;
    g_autoptr(MachineBoard) b = NULL;
    bool is_pc;

    g_return_val_if_fail(machine_type_name != NULL && machine != NULL, false);
    if (board != NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "machine already initialized");
        return false;
    }
    mt = machine_type_lookup(machine_type_name, errp);
    if (mt == NULL) {
        return false;
    }
    is_pc =
        g_strcmp0(mt->alias, "pc") == 0 || g_str_has_prefix(mt->name, "pc-");
    if (!is_pc && !g_str_equal(mt->name, "none")) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "unsupported machine type: \"%s\"", machine_type_name);
        return false;
    }

    b = g_new0(MachineBoard, 1);
    b->type_name = g_strdup(mt->name);
    b->ram_size = ram_size;
    b->machine = object_ref(machine);
    b->mapped =
        g_ptr_array_new_with_free_func((GDestroyNotify)memory_region_unref);
    b->children = g_ptr_array_new_with_free_func((GDestroyNotify)object_unref);
    if (ram_size > 0 || memory_backend != NULL || ram_opts->preset != NULL) {
        b->ram = board_ram_new(b, is_pc ? "pc.ram" : "ram", memory_backend,
                               ram_opts, errp);
        if (b->ram == NULL) {
            return false;
        }
    }
    if (!(is_pc ? pc_board_init(b, errp) : none_board_init(b, errp))) {
        return false;
    }
    if (memory_backend != NULL) {
        memory_backend_set_mapped(memory_backend, true);
        b->memory_backend = object_ref(memory_backend);
    }
    board = g_steal_pointer(&b);
    return true;
}

bool machine_board_init(const char *machine_type_name, uint64_t ram_size,
                        Object *machine, GError **errp)
{
    return machine_board_init_with_backend(machine_type_name, ram_size, NULL,
                                           machine, errp);
}

MachineBoard *machine_board_get(void)
{
    return board;
}

void machine_board_cleanup(void)
{
    g_clear_pointer(&board, board_free);
}
