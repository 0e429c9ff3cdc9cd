/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Enum lookup tables and member tables of generated QAPI types.
 */

#include "prelude.h"

#include <string.h>

#include "qapi/util.h"

const char *qapi_enum_lookup(const QEnumLookup *lookup, int val)
{
    g_return_val_if_fail(val >= 0 && val < lookup->size, NULL);
    return lookup->array[val];
}

int qapi_enum_parse(const QEnumLookup *lookup, const char *name, int def,
                    GError **errp)
{
    int i;

    if (!name) {
        return def;
    }
    for (i = 0; i < lookup->size; i++) {
        if (!strcmp(lookup->array[i], name)) {
            return i;
        }
    }
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "Invalid parameter '%s'",
                name);
    return def;
}

const QapiMemberInfo *qapi_member_info_find(const QapiMemberInfo *table,
                                            const char *name)
{
    for (; table->name; table++) {
        if (!strcmp(table->name, name)) {
            return table;
        }
    }
    return NULL;
}

bool qapi_member_has_feature(const QapiMemberInfo *table, const char *name,
                             unsigned feature)
{
    const QapiMemberInfo *m = qapi_member_info_find(table, name);

    return m && (m->features & feature);
}
