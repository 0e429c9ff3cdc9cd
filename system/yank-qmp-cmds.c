/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * yank and query-yank: breaking the connections qmpd owns at once, from
 * an out-of-band request if need be.  Yankable are the socket chardevs
 * and, while one runs, the migration.
 */

#include "prelude.h"

#include "chardev/char.h"
#include "migration/migration.h"
#include "qapi-commands.h"
#include "util/error.h"

static Chardev *yankable_chardev(const char *id)
{
    Chardev *chr = chardev_find(id);

    if (chr == NULL ||
        chardev_get_options(chr)->backend != CHARDEV_BACKEND_SOCKET) {
        return NULL;
    }
    return chr;
}

static bool yank_instance_exists(const YankInstance *inst)
{
    switch (inst->type) {
    case YANK_INSTANCE_TYPE_CHARDEV:
        return yankable_chardev(inst->u.chardev.id) != NULL;
    case YANK_INSTANCE_TYPE_MIGRATION:
        return migration_is_active();
    default:
        return false; /* qmpd has no block nodes */
    }
}

void qmp_yank(YankInstanceList *instances, GError **errp)
{
    /* All or nothing: check every instance before touching any. */
    for (YankInstanceList *l = instances; l != NULL; l = l->next) {
        if (!yank_instance_exists(l->value)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_DEVICE_NOT_FOUND,
                        "Instance not found");
            return;
        }
    }
    for (YankInstanceList *l = instances; l != NULL; l = l->next) {
        if (l->value->type == YANK_INSTANCE_TYPE_CHARDEV) {
            chardev_disconnect(yankable_chardev(l->value->u.chardev.id));
        } else {
            migration_cancel();
        }
    }
}

static void add_socket_chardev(Chardev *chr, void *opaque)
{
    YankInstanceList ***tail = opaque;
    YankInstance *inst;

    if (chardev_get_options(chr)->backend != CHARDEV_BACKEND_SOCKET) {
        return;
    }
    inst = g_new0(YankInstance, 1);
    inst->type = YANK_INSTANCE_TYPE_CHARDEV;
    inst->u.chardev.id = g_strdup(chardev_get_id(chr));
    QAPI_LIST_APPEND(*tail, inst);
}

YankInstanceList *qmp_query_yank(GError **errp)
{
    YankInstanceList *list = NULL;
    YankInstanceList **tail = &list;

    chardev_foreach(add_socket_chardev, &tail);
    if (migration_is_active()) {
        YankInstance *inst = g_new0(YankInstance, 1);

        inst->type = YANK_INSTANCE_TYPE_MIGRATION;
        QAPI_LIST_APPEND(tail, inst);
    }
    return list;
}
