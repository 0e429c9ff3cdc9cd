/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the migration stream loader: the input is a whole
 * incoming stream, fed in pieces of varying size (the resumable parser
 * must give the same verdict however the bytes arrive).  The
 * configuration it carries is decoded and reconciled but never applied,
 * so the stored configuration must stay untouched; RAM sections load
 * into a 1 MiB block named "ram" (the "none" board's).
 */

#include "prelude.h"

#include "fuzz.h"
#include "hw/core/machine-config.h"
#include "migration/config-section.h"
#include "migration/migration-internal.h"
#include "migration/ram.h"
#include "migration/savevm.h"

#define FUZZ_RAM_SIZE (1u << 20)

static RamBlock *fuzz_ram;

/* Accepted but not applied, so the RAM sections behind it are reached. */
static bool skip_apply(const MachineProperties *cfg, GError **errp)
{
    return true;
}

static GPtrArray *fuzz_ram_blocks(void)
{
    GPtrArray *blocks = ram_mig_blocks_new();

    ram_mig_blocks_add(blocks, "ram", fuzz_ram);
    return blocks;
}

static LoadVMStatus run(const uint8_t *data, size_t size, size_t piece,
                        char **ret_error)
{
    g_autoptr(LoadVM) lv = loadvm_new(NULL);
    g_autoptr(MigStream) s = mig_stream_new();

    ram_migration_load_reset();
    LoadVMStatus st = LOADVM_MORE;
    size_t off = 0;

    while (st == LOADVM_MORE) {
        size_t n = MIN(piece, size - off);

        if (n == 0) {
            mig_stream_feed_eof(s);
        } else {
            mig_stream_feed(s, data + off, n);
            off += n;
        }
        st = loadvm_step(lv, s);
        if (n == 0) {
            /* After EOF the loader always reaches a verdict. */
            g_assert_cmpint(st, !=, LOADVM_MORE);
        }
    }
    *ret_error =
        st == LOADVM_ERROR ? g_strdup(mig_stream_get_error(s)->message) : NULL;
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool registered;
    g_autoptr(GError) err = NULL;
    g_autofree char *error_whole = NULL;
    g_autofree char *error_pieces = NULL;
    LoadVMStatus whole, pieces;

    if (!registered) {
        registered = true;
        fuzz_ram = ram_block_new(FUZZ_RAM_SIZE, false, &err);
        g_assert_no_error(err);
        g_assert_true(migration_config_section_register(skip_apply, &err));
        g_assert_true(ram_migration_register(fuzz_ram_blocks, &err));
        g_assert_true(global_state_register(&err));
    }
    whole = run(data, size, size + 1, &error_whole);
    pieces = run(data, size, 3, &error_pieces);
    g_assert_cmpint(whole, ==, pieces);
    g_assert_cmpstr(error_whole, ==, error_pieces);
    g_assert_null(machine_config_get()->type);
    return 0;
}
