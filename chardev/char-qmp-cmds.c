/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands about character devices.
 */

#include "prelude.h"

#include "chardev/char.h"
#include "qapi-commands.h"

static void add_chardev_info(Chardev *chr, void *opaque)
{
    ChardevInfoList ***tail = opaque;
    ChardevInfo *info = g_new0(ChardevInfo, 1);

    info->label = g_strdup(chardev_get_id(chr));
    info->filename = chardev_get_filename(chr);
    info->frontend_open = chardev_has_frontend(chr);
    QAPI_LIST_APPEND(*tail, info);
}

ChardevInfoList *qmp_query_chardev(GError **errp)
{
    ChardevInfoList *list = NULL;
    ChardevInfoList **tail = &list;

    chardev_foreach(add_chardev_info, &tail);
    return list;
}
