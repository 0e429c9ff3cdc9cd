/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpr-exec: once the device state is in the migration file, the process
 * executes cpr-exec-command in place, keeping the RAM memfds and the
 * chardev sockets open; the new program finds them through
 * CPR_STATE_ENV, maps the same RAM and loads the file.  Documented in
 * docs/system/cpr.md.
 */

#include "prelude.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "migration-internal.h"
#include "migration/ram.h"
#include "util/cpr-state.h"
#include "util/error.h"

bool cpr_exec_check(const MigrationAddress *addr, GPtrArray *blocks,
                    GError **errp)
{
    const MigrationParameters *p = migration_parameters_get();

    if (addr->transport != MIGRATION_ADDRESS_TYPE_FILE) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cpr-exec needs a file: migration URI (the device state "
                    "waits there for the new program)");
        return false;
    }
    /*
     * The hand-over table spells a descriptor "fd:N"; a state file named
     * like one would read as a descriptor in the new program.
     */
    if (g_str_has_prefix(addr->u.file.filename, "fd:")) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cpr-exec: the state file's name cannot start with "
                    "'fd:' (give it as ./fd:...)");
        return false;
    }
    if (p->cpr_exec_command == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cpr-exec needs the cpr-exec-command parameter");
        return false;
    }
    for (guint i = 0; i < blocks->len; i++) {
        RamMigBlock *b = g_ptr_array_index(blocks, i);

        if (!ram_block_is_shared(b->rb)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "cpr-exec needs shared RAM, but memory '%s' is "
                        "private (set -machine aux-ram-share=on)",
                        b->idstr);
            return false;
        }
    }
    return true;
}

/* The hand-over table: the state file and the RAM, then the system's. */
static void cpr_exec_fill(const char *state_path, GPtrArray *blocks)
{
    cpr_state_reset();
    cpr_state_add("state", state_path);
    for (guint i = 0; i < blocks->len; i++) {
        RamMigBlock *b = g_ptr_array_index(blocks, i);
        g_autofree char *key = g_strdup_printf("ram:%s", b->idstr);
        g_autofree char *size_key = g_strdup_printf("ram-size:%s", b->idstr);
        g_autofree char *size =
            g_strdup_printf("%" G_GUINT64_FORMAT, ram_block_get_size(b->rb));

        cpr_state_add_fd(key, ram_block_get_fd(b->rb));
        cpr_state_add(size_key, size);
    }
    if (mig_sys()->cpr_exec_save != NULL) {
        mig_sys()->cpr_exec_save();
    }
}

bool cpr_exec_run(const char *state_path, GPtrArray *blocks, GError **errp)
{
    const MigrationParameters *p = migration_parameters_get();
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *env = NULL;
    int saved;

    for (const strList *l = p->cpr_exec_command; l != NULL; l = l->next) {
        g_ptr_array_add(argv, l->value);
    }
    g_ptr_array_add(argv, NULL);
    if (argv->len < 2) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cpr-exec: cpr-exec-command is empty");
        return false;
    }
    cpr_exec_fill(state_path, blocks);
    if (!cpr_state_set_inherit(true, errp)) {
        g_prefix_error(errp, "cpr-exec: ");
        cpr_state_reset();
        return false;
    }
    env = cpr_state_encode();
    g_setenv(CPR_STATE_ENV, env, TRUE);
    g_debug("cpr-exec: %s with %s=%s", (char *)argv->pdata[0], CPR_STATE_ENV,
            env);
    execvp(argv->pdata[0], (char *const *)argv->pdata);
    saved = errno;
    /* Still here: the guest goes on in this process. */
    g_unsetenv(CPR_STATE_ENV);
    cpr_state_set_inherit(false, NULL);
    cpr_state_reset();
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "cpr-exec: cannot execute '%s': %s", (char *)argv->pdata[0],
                g_strerror(saved));
    return false;
}

bool cpr_exec_incoming(GError **errp)
{
    g_autofree char *path = cpr_state_take("state");
    g_autoptr(RamBlock) ram = NULL;
    g_autoptr(MigrationAddress) addr = NULL;
    int fd = -1;
    guint64 size = 0;
    g_autofree char *size_text = NULL;
    const char *names[] = {"ram:pc.ram", "ram:ram"};
    const char *sizes[] = {"ram-size:pc.ram", "ram-size:ram"};

    if (path == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "%s: no state file",
                    CPR_STATE_ENV);
        return false;
    }
    if (cpr_state_get(CPR_STATE_KEY_QEMU_PID) != NULL) {
        /* A guest run by QEMU: no RAM here, QEMU itself is adopted. */
        return migration_incoming_cpr_exec_qemu(path, errp);
    }
    /* The built-in machine has one block, named after its board. */
    for (guint i = 0; i < G_N_ELEMENTS(names) && fd < 0; i++) {
        fd = cpr_state_take_fd(names[i]);
        if (fd >= 0) {
            size_text = cpr_state_take(sizes[i]);
        }
    }
    if (fd >= 0) {
        if (size_text == NULL ||
            !g_ascii_string_to_unsigned(size_text, 10, 1, G_MAXUINT64, &size,
                                        errp)) {
            g_prefix_error(errp, "%s: RAM size: ", CPR_STATE_ENV);
            close(fd);
            return false;
        }
        ram = ram_block_new_from_fd(fd, size, errp);
        if (ram == NULL) {
            g_prefix_error(errp, "%s: ", CPR_STATE_ENV);
            return false;
        }
    }
    addr = g_new0(MigrationAddress, 1);
    addr->transport = MIGRATION_ADDRESS_TYPE_FILE;
    addr->u.file.filename = g_strdup(path);
    return migration_incoming_cpr_exec(addr, ram, errp);
}
