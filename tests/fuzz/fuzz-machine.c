/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Invariants of a committed machine configuration, asserted by the
 * machine-set and machine-cmdline fuzz targets after every successful set.
 */

#include "prelude.h"

#include "fuzz-machine.h"
#include "hw/core/machine-config.h"
#include "util/json-writer.h"
#include "util/keyval.h"

char *fuzz_machine_config_text(void)
{
    g_autoptr(JsonNode) json = machine_config_to_json(machine_config_get());

    return json_writer_to_string(json);
}

void fuzz_machine_check_committed(void)
{
    const MachineProperties *cfg = machine_config_get();
    g_autoptr(MachineProperties) full = machine_config_fill_defaults(cfg);
    g_autoptr(MachineProperties) back = NULL;
    g_autoptr(JsonNode) tree = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *line = NULL;

    machine_config_check(cfg, NULL, &err);
    g_assert_no_error(err);

    line = machine_config_render(full);
    tree = keyval_parse(line, "type", NULL, &err);
    g_assert_no_error(err);
    back = machine_config_from_json(tree, true, &err);
    g_assert_no_error(err);
    if (!machine_config_equal(back, full)) {
        g_autofree char *want = NULL;
        g_autofree char *got = NULL;
        g_autoptr(JsonNode) jw = machine_config_to_json(full);
        g_autoptr(JsonNode) jg = machine_config_to_json(back);

        want = json_writer_to_string(jw);
        got = json_writer_to_string(jg);
        g_error("rendered -M line '%s' reads back as %s, not %s", line, got,
                want);
    }
}

char *fuzz_machine_check_outcome(bool ok, const GError *err, const char *before,
                                 const GPtrArray *warnings)
{
    char *after = fuzz_machine_config_text();

    g_assert_true(ok == (err == NULL));
    /* G_MESSAGES_DEBUG=all shows how far a corpus input gets */
    g_debug("%s", ok ? "set" : err->message);
    if (!ok) {
        g_assert_cmpstr(after, ==, before);
        g_assert_cmpuint(warnings->len, ==, 0);
        g_assert_cmpstr(err->message, !=, "");
    }
    return after;
}
