/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Host memory backends: user-creatable objects that describe guest RAM
 * ("memory-backend-ram", "memory-backend-memfd", abstract parent
 * "memory-backend").
 *
 * Contract: a backend only records its configuration.  complete() checks
 * it ("can't create backend with size 0") and freezes it: afterwards the
 * setters refuse changes as QEMU does once its RAM exists.  The machine
 * allocates RAM later from memory_backend_get_info() and marks the
 * backend mapped, which makes object-del refuse it.
 */

#include "prelude.h"
#include "qom/object.h"

#define TYPE_MEMORY_BACKEND "memory-backend"
#define TYPE_MEMORY_BACKEND_RAM "memory-backend-ram"
#define TYPE_MEMORY_BACKEND_MEMFD "memory-backend-memfd"
/* Listed and described; creating one fails (docs/system/qemu-compat.md). */
#define TYPE_MEMORY_BACKEND_FILE "memory-backend-file"

typedef enum MemoryBackendKind {
    MEMORY_BACKEND_KIND_RAM,
    MEMORY_BACKEND_KIND_MEMFD,
} MemoryBackendKind;

typedef struct MemoryBackendInfo {
    MemoryBackendKind kind;
    uint64_t size;
    bool share;
    bool merge;
    bool dump;
    bool prealloc;
    bool reserve;
    /* memfd only (false / 0 for ram) */
    bool hugetlb;
    uint64_t hugetlbsize;
    bool seal;
} MemoryBackendInfo;

/**
 * memory_backend_get_info:
 * @obj: a memory backend
 * @ret_info: receives the configuration
 *
 * Returns: false (and leaves @ret_info alone) when @obj is not a memory
 * backend.
 */
bool memory_backend_get_info(Object *obj, MemoryBackendInfo *ret_info);

/** memory_backend_is_complete: Returns: true once complete() succeeded. */
bool memory_backend_is_complete(Object *obj);

/**
 * memory_backend_set_mapped:
 *
 * Records whether guest RAM is currently built from @obj; a mapped
 * backend cannot be deleted.
 */
void memory_backend_set_mapped(Object *obj, bool mapped);

/** memory_backend_is_mapped: Returns: the flag set above. */
bool memory_backend_is_mapped(Object *obj);
