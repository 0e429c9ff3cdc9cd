/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the machine configuration tests (test-machine-config,
 * test-machine-legacy, test-machine-render): a scratch folder of input
 * files, decoding both command-line spellings, comparing configurations
 * and applying a machine-set patch.
 */

#include "prelude.h"

#include <glib/gstdio.h>

#include "hw/core/machine-config.h"
#include "hw/core/machine-legacy.h"
#include "machine-config-testlib.h"
#include "qapi-visit.h"
#include "util/keyval.h"

/* Scratch folder holding the files the cases name, written as "@D". */
static char *tmp_dir;

char *machine_test_expand_dir(const char *text)
{
    g_auto(GStrv) parts = g_strsplit(text, "@D", -1);

    return g_strjoinv(tmp_dir, parts);
}

char *machine_test_tmp_path(const char *name)
{
    return g_build_filename(tmp_dir, name, NULL);
}

void machine_test_write_tmp(const char *name, const void *data, gsize len)
{
    g_autofree char *path = machine_test_tmp_path(name);
    g_autoptr(GError) err = NULL;

    g_assert_true(g_file_set_contents(path, data, len, &err));
    g_assert_no_error(err);
}

/* A 40-byte ACPI table: a 36-byte header and a 4-byte body. */
const guint8 machine_test_acpi_table[40] = {
    'S', 'S', 'D', 'T', 40,  0,   0,   0,   1,   0,   'O', 'E', 'M', 'I',
    'D', ' ', 'T', 'A', 'B', 'L', 'E', 'I', 'D', ' ', 1,   0,   0,   0,
    'A', 'S', 'L', ' ', 1,   0,   0,   0,   1,   2,   3,   4};

/* SMBIOS type 1 structure: header, no formatted fields, "A", end. */
static const guint8 smbios_type1_blob[] = {1, 4, 0, 1, 'A', 0, 0};

void machine_test_make_files(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir_path = NULL;

    tmp_dir = g_dir_make_tmp("test-machine-config-XXXXXX", &err);
    g_assert_no_error(err);
    machine_test_write_tmp("fw.bin", "\x00\x01\xff,=", 5);
    machine_test_write_tmp("body.aml", "\x10\x20\x30", 3);
    machine_test_write_tmp("t1.aml", machine_test_acpi_table,
                           sizeof(machine_test_acpi_table));
    machine_test_write_tmp("t2.aml", machine_test_acpi_table,
                           sizeof(machine_test_acpi_table));
    machine_test_write_tmp("short.aml", machine_test_acpi_table, 35);
    machine_test_write_tmp("oem.txt", "hello, oem", 10);
    machine_test_write_tmp("oem-nul.txt", "a\0b", 3);
    machine_test_write_tmp("smbios1.bin", smbios_type1_blob,
                           sizeof(smbios_type1_blob));
    machine_test_write_tmp("smbios-short.bin", smbios_type1_blob, 3);
    dir_path = machine_test_tmp_path("a-dir");
    g_assert_cmpint(g_mkdir(dir_path, 0700), ==, 0);
}

void machine_test_remove_files(void)
{
    g_autoptr(GDir) dir = g_dir_open(tmp_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = machine_test_tmp_path(name);

        g_remove(path);
    }
    g_rmdir(tmp_dir);
    g_clear_pointer(&tmp_dir, g_free);
}

char *machine_test_json_text(JsonNode *node)
{
    return json_to_string(node, FALSE);
}

char *machine_test_config_text(const MachineProperties *cfg)
{
    g_autoptr(JsonNode) node = machine_config_to_json(cfg);

    return machine_test_json_text(node);
}

MachineProperties *machine_test_decode_twin(const char *twin)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) tree = keyval_parse(twin, "type", NULL, &err);
    MachineProperties *cfg;

    g_assert_no_error(err);
    cfg = machine_config_from_json(tree, true, &err);
    g_assert_no_error(err);
    return cfg;
}

MachineProperties *machine_test_decode_legacy(const char *option,
                                              const char *arg)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) tree =
        machine_legacy_to_keyval(option, arg, NULL, &err);
    MachineProperties *cfg;

    g_assert_no_error(err);
    cfg = machine_config_from_json(tree, true, &err);
    g_assert_no_error(err);
    return cfg;
}

void machine_test_assert_same(const char *what, const MachineProperties *legacy,
                              const MachineProperties *twin)
{
    g_autofree char *a = machine_test_config_text(legacy);
    g_autofree char *b = machine_test_config_text(twin);

    if (!machine_config_equal(legacy, twin)) {
        g_error("%s: legacy %s != -M %s", what, a, b);
    }
    /* An empty decode on both sides would prove nothing. */
    g_assert_cmpstr(a, !=, "{}");
}

/* What machine_test_set_base() applies. */
static const char base_config[] =
    "{\"type\": \"pc\", \"smp\": {\"cpus\": 2}, \"rtc\": {\"base\": \"utc\"},"
    " \"fw-cfg\": [{\"name\": \"opt/base\", \"string\": \"b\"}],"
    " \"smbios\": {\"type1\": {\"serial\": \"S0\"}}}";

bool machine_test_set_json(const char *json, GPtrArray *warnings, GError **errp)
{
    g_autofree char *text = machine_test_expand_dir(json);
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) node = json_from_string(text, &err);
    g_autoptr(MachineProperties) patch = NULL;

    g_assert_no_error(err);
    patch = machine_config_from_json(node, false, errp);
    return patch != NULL && machine_config_set(patch, warnings, errp);
}

void machine_test_set_base(void)
{
    g_autoptr(GError) err = NULL;

    machine_config_reset();
    g_assert_true(machine_test_set_json(base_config, NULL, &err));
    g_assert_no_error(err);
}
