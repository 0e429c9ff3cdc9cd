/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File descriptor sets and the open() that understands "/dev/fdset/N":
 * the process-wide table behind add-fd, remove-fd, query-fdsets and
 * -add-fd (contract in include/util/fdset.h).
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "util/fdset.h"

#define FDSET_PATH_PREFIX "/dev/fdset/"

typedef struct FdsetFd {
    int fd;
    char *opaque;
} FdsetFd;

typedef struct Fdset {
    int64_t id;
    GPtrArray *fds; /* of FdsetFd, oldest first */
} Fdset;

/* Of Fdset, by ascending id. */
static GPtrArray *fdsets;

static void fdset_fd_free(gpointer p)
{
    FdsetFd *f = p;

    close(f->fd);
    g_free(f->opaque);
    g_free(f);
}

static void fdset_free(gpointer p)
{
    Fdset *set = p;

    g_ptr_array_unref(set->fds);
    g_free(set);
}

static GPtrArray *table(void)
{
    if (fdsets == NULL) {
        fdsets = g_ptr_array_new_with_free_func(fdset_free);
    }
    return fdsets;
}

/* The set's index, or where it would be inserted (*ret_found false). */
static guint find_set(int64_t id, bool *ret_found)
{
    GPtrArray *t = table();
    guint i;

    for (i = 0; i < t->len; i++) {
        const Fdset *set = g_ptr_array_index(t, i);

        if (set->id >= id) {
            *ret_found = set->id == id;
            return i;
        }
    }
    *ret_found = false;
    return i;
}

/* The lowest id no set uses (the table is sorted). */
static int64_t first_free_id(void)
{
    GPtrArray *t = table();
    int64_t want = 0;

    for (guint i = 0; i < t->len; i++) {
        const Fdset *set = g_ptr_array_index(t, i);

        if (set->id != want) {
            break;
        }
        want++;
    }
    return want;
}

bool fdset_add(int fd, bool has_set_id, int64_t set_id, const char *opaque,
               int64_t *ret_set_id, GError **errp)
{
    FdsetFd *f;
    Fdset *set;
    bool found = false;
    guint at;

    g_return_val_if_fail(fd >= 0, false);
    if (has_set_id && set_id < 0) {
        close(fd);
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter 'fdset-id' expects a non-negative value");
        return false;
    }
    if (!has_set_id) {
        set_id = first_free_id();
    }
    at = find_set(set_id, &found);
    if (found) {
        set = g_ptr_array_index(table(), at);
    } else {
        set = g_new0(Fdset, 1);
        set->id = set_id;
        set->fds = g_ptr_array_new_with_free_func(fdset_fd_free);
        g_ptr_array_insert(table(), (gint)at, set);
    }
    f = g_new0(FdsetFd, 1);
    f->fd = fd;
    f->opaque = g_strdup(opaque);
    g_ptr_array_add(set->fds, f);
    *ret_set_id = set_id;
    return true;
}

bool fdset_remove(int64_t set_id, bool has_fd, int64_t fd, GError **errp)
{
    bool found = false;
    guint at = find_set(set_id, &found);
    Fdset *set = found ? g_ptr_array_index(table(), at) : NULL;

    if (set != NULL && !has_fd) {
        g_ptr_array_remove_index(table(), at);
        return true;
    }
    if (set != NULL) {
        for (guint i = 0; i < set->fds->len; i++) {
            const FdsetFd *f = g_ptr_array_index(set->fds, i);

            if (f->fd == fd) {
                g_ptr_array_remove_index(set->fds, i);
                if (set->fds->len == 0) {
                    g_ptr_array_remove_index(table(), at);
                }
                return true;
            }
        }
    }
    /* QEMU names the missing thing like a getfd name. */
    if (has_fd) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "File descriptor named 'fdset-id:%" G_GINT64_FORMAT
                    ", fd:%" G_GINT64_FORMAT "' not found",
                    set_id, fd);
    } else {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "File descriptor named 'fdset-id:%" G_GINT64_FORMAT
                    "' not found",
                    set_id);
    }
    return false;
}

void fdset_foreach(FdsetForeachFunc fn, gpointer data)
{
    GPtrArray *t = table();

    for (guint i = 0; i < t->len; i++) {
        const Fdset *set = g_ptr_array_index(t, i);

        for (guint j = 0; j < set->fds->len; j++) {
            const FdsetFd *f = g_ptr_array_index(set->fds, j);

            fn(set->id, f->fd, f->opaque, data);
        }
    }
}

/* The open flags a duplicate must share with its original. */
static int match_mask(void)
{
#ifdef O_DIRECT
    return O_ACCMODE | O_DIRECT;
#else
    return O_ACCMODE;
#endif
}

/*
 * A duplicate that behaves as if opened with @flags: the file status
 * flags fcntl can change are set, and O_TRUNC truncates as open would.
 */
static int dup_with_flags(int fd, int flags)
{
    int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    int saved;

    if (dup_fd < 0) {
        return -1;
    }
    if (fcntl(dup_fd, F_SETFL, flags) < 0 ||
        ((flags & O_TRUNC) && ftruncate(dup_fd, 0) < 0)) {
        saved = errno;
        close(dup_fd);
        errno = saved;
        return -1;
    }
    return dup_fd;
}

int fdset_dup(int64_t set_id, int flags, GError **errp)
{
    bool found = false;
    guint at = find_set(set_id, &found);
    const Fdset *set = found ? g_ptr_array_index(table(), at) : NULL;
    int mask = match_mask();
    int chosen = -1;
    int dup_fd;

    if (set == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Failed to find fdset " FDSET_PATH_PREFIX
                    "%" G_GINT64_FORMAT,
                    set_id);
        return -1;
    }
    /* Newest first, as QEMU keeps its list. */
    for (guint i = set->fds->len; i-- > 0 && chosen < 0;) {
        const FdsetFd *f = g_ptr_array_index(set->fds, i);
        int fl = fcntl(f->fd, F_GETFL);

        if (fl < 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Failed to read file status flags for fd=%d", f->fd);
            return -1;
        }
        if ((fl & mask) == (flags & mask)) {
            chosen = f->fd;
        }
    }
    if (chosen < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Failed to find file descriptor with matching flags=0x%x",
                    (unsigned)flags);
        return -1;
    }
    dup_fd = dup_with_flags(chosen, flags);
    if (dup_fd < 0) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Failed to dup() given file descriptor fd=%d", chosen);
        return -1;
    }
    return dup_fd;
}

/* QEMU reads the id as a whole decimal number. */
static bool parse_set_id(const char *str, int64_t *ret_id)
{
    guint64 value = 0;

    if (str[0] == '\0' || strlen(str) > 18) {
        return false;
    }
    for (const char *p = str; *p != '\0'; p++) {
        if (!g_ascii_isdigit(*p)) {
            return false;
        }
        value = value * 10 + (guint64)(*p - '0');
    }
    *ret_id = (int64_t)value;
    return true;
}

int qmpd_open(const char *path, int flags, mode_t mode, GError **errp)
{
    int64_t set_id;
    int fd;

    g_return_val_if_fail(path != NULL, -1);
    if (g_str_has_prefix(path, FDSET_PATH_PREFIX)) {
        if (!parse_set_id(path + strlen(FDSET_PATH_PREFIX), &set_id)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Could not parse fdset %s", path);
            return -1;
        }
        return fdset_dup(set_id, flags, errp);
    }
    fd = open(path, flags | O_CLOEXEC, mode);
    if (fd < 0) {
        g_set_error(
            errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "Could not %s '%s': %s",
            (flags & O_CREAT) ? "create" : "open", path, g_strerror(errno));
        return -1;
    }
    return fd;
}

void fdset_remove_all(void)
{
    g_clear_pointer(&fdsets, g_ptr_array_unref);
}
