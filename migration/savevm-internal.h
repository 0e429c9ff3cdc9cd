/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Registry entries shared by the save side (savevm.c) and the loader
 * (loadvm.c).
 */

#include "migration/savevm.h"
#include "prelude.h"

typedef struct SaveStateEntry {
    char *idstr;
    uint32_t instance_id;
    int version_id;
    int priority;
    const VMStateDescription *vmsd; /* or @ops */
    const SaveVMHandlers *ops;
    void *opaque;
} SaveStateEntry;

/** savevm_find: Returns: (transfer none) (nullable): the entry. */
SaveStateEntry *savevm_find(const char *idstr, uint32_t instance_id);

/** savevm_entries: Returns: (transfer none): the registry, in order. */
GPtrArray *savevm_entries(void);

/** savevm_entry_save: writes @se's body. */
void savevm_entry_save(MigStream *s, SaveStateEntry *se);

/** savevm_entry_load: reads @se's body; false when short or failed. */
bool savevm_entry_load(MigStream *s, SaveStateEntry *se, int version_id);
