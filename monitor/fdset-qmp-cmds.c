/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands on file descriptor sets (add-fd, remove-fd, query-fdsets):
 * the descriptor comes with the request on the monitor's socket; the
 * table itself is util/fdset.c, which "/dev/fdset/N" opens read.
 */

#include "prelude.h"

#include "chardev/char.h"
#include "monitor/monitor.h"
#include "qapi-commands.h"
#include "util/error.h"
#include "util/fdset.h"

AddfdInfo *qmp_add_fd(bool has_fdset_id, int64_t fdset_id, const char *opaque,
                      GError **errp)
{
    Chardev *chr = monitor_cur_chardev();
    int fd = chr != NULL ? chardev_take_fd(chr) : -1;
    AddfdInfo *info;
    int64_t set_id;

    if (fd < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "No file descriptor supplied via SCM_RIGHTS");
        return NULL;
    }
    if (!fdset_add(fd, has_fdset_id, fdset_id, opaque, &set_id, errp)) {
        return NULL;
    }
    info = g_new0(AddfdInfo, 1);
    info->fdset_id = set_id;
    info->fd = fd;
    return info;
}

void qmp_remove_fd(int64_t fdset_id, bool has_fd, int64_t fd, GError **errp)
{
    fdset_remove(fdset_id, has_fd, fd, errp);
}

typedef struct FdsetListing {
    FdsetInfoList *sets; /* newest set first while building */
    FdsetFdInfoList **tail;
} FdsetListing;

static void add_to_listing(int64_t set_id, int fd, const char *opaque,
                           gpointer data)
{
    FdsetListing *l = data;
    FdsetFdInfo *f = g_new0(FdsetFdInfo, 1);

    if (l->sets == NULL || l->sets->value->fdset_id != set_id) {
        FdsetInfo *set = g_new0(FdsetInfo, 1);

        set->fdset_id = set_id;
        QAPI_LIST_PREPEND(l->sets, set);
        l->tail = &set->fds;
    }
    f->fd = fd;
    f->opaque = g_strdup(opaque);
    QAPI_LIST_APPEND(l->tail, f);
}

/* Sets come out highest id first, their descriptors oldest first: QEMU's. */
FdsetInfoList *qmp_query_fdsets(GError **errp)
{
    FdsetListing l = {NULL, NULL};

    fdset_foreach(add_to_listing, &l);
    return l.sets;
}
