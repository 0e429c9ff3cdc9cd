/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "prelude.h"

#include "util/fd-watch.h"

guint qmpd_fd_watch_add(int fd, GIOCondition condition,
                        GUnixFDSourceFunc function, gpointer user_data)
{
    g_autoptr(GSource) source = g_unix_fd_source_new(fd, condition);

    g_source_set_callback(source, G_SOURCE_FUNC(function), user_data, NULL);
    g_source_set_can_recurse(source, TRUE);
    return g_source_attach(source, NULL);
}
