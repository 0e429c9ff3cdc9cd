/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Board initialization: what the machine type puts in the address spaces
 * and the QOM tree when the machine is initialized (RAM, on-board
 * devices).  One board per process.
 *
 * Contract:
 * - main() calls machine_board_init() once, when the configuration phase
 *   ends (PHASE_ACCEL_CREATED -> PHASE_MACHINE_INITIALIZED), with the
 *   frozen configuration's machine type and memory size.
 * - A failed init leaves no RAM mapped and no device in the tree.
 * - Boards: "pc" (pc-i440fx-*, hw/i386/pc.h): RAM at 0 and, from
 *   3.5 GiB of RAM on, above 4 GiB; an "ioapic" device at
 *   /machine/i440fx/ioapic (24 inputs).  "none": RAM at 0 only, when its
 *   size is not zero.
 */

#include "hw/core/qdev.h"
#include "prelude.h"
#include "qom/object.h"
#include "system/memory.h"

typedef struct MachineBoard {
    char *type_name;        /* the full machine type name */
    uint64_t ram_size;      /* bytes; 0: no RAM */
    Object *machine;        /* /machine (a reference) */
    Object *memory_backend; /* the backend RAM came from (a reference) */
    MemoryRegion *ram;      /* all of RAM (a reference), or NULL */
    GPtrArray *mapped;      /* MemoryRegion * mapped in system memory */
    GPtrArray *children;    /* Object * added to the QOM tree, in order */
    DeviceState *ioapic;    /* pc only (owned through @children) */
} MachineBoard;

/**
 * machine_board_init:
 * @machine_type_name: a machine type name or alias ("pc", "none", ...)
 * @ram_size: bytes of RAM from the configuration's memory.size
 * @machine: (transfer none): the /machine object; on-board devices
 *           become its children
 * @errp: QEMU's "unsupported machine type: \"NAME\"", "machine already
 *        initialized", or RAM allocation errors such as "cannot set up
 *        guest memory 'pc.ram': ..."
 *
 * Builds the board.  Returns: true on success.
 */
bool machine_board_init(const char *machine_type_name, uint64_t ram_size,
                        Object *machine, GError **errp);

/* How the board gets its own RAM (no memory backend). */
typedef struct MachineBoardRam {
    bool share;       /* a shared memfd (-machine aux-ram-share=on) */
    RamBlock *preset; /* (transfer none) (nullable): RAM handed over by a
                       * CPR predecessor, used instead of allocating */
} MachineBoardRam;

/**
 * machine_board_init_full:
 * @ram_opts: (transfer none): shared RAM, or RAM that already exists;
 *     a preset block must be exactly @ram_size bytes ("the RAM handed
 *     over holds 0x... bytes but the machine's memory size is 0x...")
 *
 * Like machine_board_init_with_backend(), with control over the board's
 * own RAM.
 */
bool machine_board_init_full(const char *machine_type_name, uint64_t ram_size,
                             Object *memory_backend,
                             const MachineBoardRam *ram_opts, Object *machine,
                             GError **errp);

/**
 * machine_board_init_with_backend:
 * @memory_backend: (nullable) (transfer none): a completed memory backend
 *     ("memory-backend-ram" or "memory-backend-memfd") whose size must be
 *     @ram_size; a memfd backend with share=on gives memfd-backed RAM.
 *     It is marked mapped, so object-del refuses it.
 *
 * Like machine_board_init() with RAM from @memory_backend.  Further
 * errors: "memory backend size 0x... does not match the machine's memory
 * size 0x...", "'ID' is not a memory backend".
 */
bool machine_board_init_with_backend(const char *machine_type_name,
                                     uint64_t ram_size, Object *memory_backend,
                                     Object *machine, GError **errp);

/**
 * machine_board_get:
 * Returns: (transfer none) (nullable): the board, NULL before init.
 */
MachineBoard *machine_board_get(void);

/**
 * machine_board_map:
 * @mr: (transfer none): a region to map in system memory at @addr (the
 *      board takes a reference and unmaps it at cleanup)
 *
 * For board code: records a mapping so cleanup can undo it.
 */
void machine_board_map(MachineBoard *b, uint64_t addr, MemoryRegion *mr);

/**
 * machine_board_add_child:
 * @child: (transfer none): a new object; the board takes a reference and
 *         unparents it at cleanup (children go in reverse order)
 *
 * For board code: object_property_add_child() plus bookkeeping.
 *
 * Returns: true on success; the property error otherwise.
 */
bool machine_board_add_child(MachineBoard *b, Object *parent, const char *name,
                             Object *child, GError **errp);

/**
 * machine_board_cleanup:
 * Unmaps RAM, unparents on-board devices and forgets the board.  For
 * orderly exit and tests; safe without a board.
 */
void machine_board_cleanup(void);
