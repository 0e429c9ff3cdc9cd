/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the files a configuration names (fw_cfg items, ACPI tables,
 * SMBIOS structures) into the configuration itself, so that it no longer
 * depends on them.  Reads are bounded: a configuration never pulls in an
 * unbounded stream such as /dev/zero.
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "hw/core/machine-config.h"
#include "util/error.h"

/**
 * read_bounded:
 * Reads all of @path, failing when it holds more than @limit bytes.
 * Errors are the bare system message; callers add QEMU's wording.
 */
static GBytes *read_bounded(const char *path, gsize limit, GError **errp)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    guint8 chunk[65536];

    if (fd < 0) {
        g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            g_strerror(errno));
        return NULL;
    }
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                                g_strerror(errno));
            close(fd);
            return NULL;
        }
        if (n == 0) {
            break;
        }
        if (buf->len + (gsize)n > limit) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "file is larger than %zu bytes", limit);
            close(fd);
            return NULL;
        }
        g_byte_array_append(buf, chunk, n);
    }
    close(fd);
    return g_byte_array_free_to_bytes(g_steal_pointer(&buf));
}

static char *bytes_to_base64(GBytes *bytes)
{
    gsize len;
    const guchar *data = g_bytes_get_data(bytes, &len);

    return g_base64_encode(data, len);
}

static bool load_fw_cfg(FwCfgItemList *items, GError **errp)
{
    guint index = 0;

    for (FwCfgItemList *l = items; l != NULL; l = l->next, index++) {
        FwCfgItem *item = l->value;
        g_autoptr(GError) err = NULL;
        g_autoptr(GBytes) bytes = NULL;

        /* An item with another source fails the check; don't read. */
        if (item->file == NULL || item->data != NULL || item->file[0] == 0 ||
            item->string != NULL || item->gen_id != NULL) {
            continue;
        }
        bytes = read_bounded(item->file, MACHINE_CONFIG_MAX_FILE_SIZE, &err);
        if (bytes == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "fw-cfg[%u].file: can't load %s: %s", index, item->file,
                        err->message);
            return false;
        }
        item->data = bytes_to_base64(bytes);
    }
    return true;
}

/* ACPI tables are limited to 64 KiB, so read at most a byte more. */
#define ACPI_TABLE_READ_LIMIT 65536

static bool load_acpitable(AcpiTableConfigList *tables, GError **errp)
{
    guint index = 0;

    for (AcpiTableConfigList *l = tables; l != NULL; l = l->next, index++) {
        AcpiTableConfig *t = l->value;
        strList *paths = t->file != NULL ? t->file : t->data;
        g_autoptr(GByteArray) all = g_byte_array_new();

        if (paths == NULL || t->blob != NULL) {
            continue;
        }
        for (strList *p = paths; p != NULL; p = p->next) {
            g_autoptr(GError) err = NULL;
            g_autoptr(GBytes) bytes =
                read_bounded(p->value, ACPI_TABLE_READ_LIMIT, &err);
            gsize len;
            const guint8 *data;

            if (bytes == NULL) {
                g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "acpitable[%u]: can't open file %s: %s", index,
                            p->value, err->message);
                return false;
            }
            data = g_bytes_get_data(bytes, &len);
            if (all->len + len > ACPI_TABLE_READ_LIMIT) {
                g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "acpitable[%u]: ACPI table too big, requested: "
                            "%zu, max: 65535",
                            index, (gsize)all->len + len);
                return false;
            }
            g_byte_array_append(all, data, len);
        }
        t->blob = g_base64_encode(all->data, all->len);
    }
    return true;
}

static bool load_smbios(SmbiosConfig *smbios, GError **errp)
{
    guint index = 0;

    if (smbios == NULL) {
        return true;
    }
    for (FileDataList *l = smbios->files; l != NULL; l = l->next, index++) {
        FileData *fd = l->value;
        g_autoptr(GError) err = NULL;
        g_autoptr(GBytes) bytes = NULL;

        if (fd->data != NULL) {
            continue;
        }
        if (fd->file == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "smbios.files[%u]: one of 'file' or 'data' is needed",
                        index);
            return false;
        }
        /* The whole SMBIOS table set must fit 64 KiB. */
        bytes = read_bounded(fd->file, 65535, &err);
        if (bytes == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "smbios.files[%u]: Cannot read SMBIOS file %s: %s",
                        index, fd->file, err->message);
            return false;
        }
        fd->data = bytes_to_base64(bytes);
    }
    return true;
}

bool machine_config_load_files(MachineProperties *cfg, GError **errp)
{
    return load_fw_cfg(cfg->fw_cfg, errp) &&
           load_acpitable(cfg->acpitable, errp) &&
           load_smbios(cfg->smbios, errp);
}
