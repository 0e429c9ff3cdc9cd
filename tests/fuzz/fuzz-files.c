/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The scratch folder of sample files that the machine configuration fuzz
 * targets may name, and the checks that keep inputs inside it (see
 * fuzz-files.h).
 */

#include "prelude.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz-files.h"

#define ACPI_HEADER_SIZE 36

/*
 * The sample files, by name; the seed corpora refer to these names.  What
 * each one is for: a well-formed ACPI table and body, a table shorter
 * than its header, OEM strings with and without a NUL, a well-formed
 * SMBIOS structure, an empty file, and one past the 64 KiB limits.
 */
static const char *const sample_names[] = {
    "fw.bin",      "table.aml",  "body.aml", "short.aml", "oem.txt",
    "oem-nul.txt", "smbios.bin", "empty",    "big.bin",
};

static char *scratch;
static int home_fd = -1;

static void write_sample(const char *name, const void *data, gsize len)
{
    g_autofree char *path = g_build_filename(scratch, name, NULL);
    g_autoptr(GError) err = NULL;

    g_file_set_contents(path, data, len, &err);
    g_assert_no_error(err);
}

/* A table whose header a real ACPI consumer would accept. */
static void fill_acpi_table(guint8 *t, gsize len)
{
    guint8 sum = 0;

    memset(t, 0, len);
    memcpy(t, "SSDT", 4);
    t[4] = len & 0xff;
    t[5] = (len >> 8) & 0xff;
    t[8] = 2;
    memcpy(t + 10, "QMPDFZ", 6);
    memcpy(t + 16, "FUZZTABL", 8);
    t[24] = 1;
    memcpy(t + 28, "QMPD", 4);
    t[32] = 1;
    for (gsize i = ACPI_HEADER_SIZE; i < len; i++) {
        t[i] = 0x10 + i;
    }
    for (gsize i = 0; i < len; i++) {
        sum += t[i];
    }
    t[9] = -sum;
}

static void remove_scratch(void)
{
    g_autofree char *dir = g_build_filename(scratch, "a-dir", NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(sample_names); i++) {
        g_autofree char *path =
            g_build_filename(scratch, sample_names[i], NULL);

        unlink(path);
    }
    rmdir(dir);
    rmdir(scratch);
}

static void make_scratch(void)
{
    /* type 11 (OEM strings), one string "oem", then the double NUL */
    static const guint8 smbios[] = {11, 5, 0x00, 0x11, 1, 'o', 'e', 'm', 0, 0};
    static const guint8 oem_nul[] = {'a', 0, 'b'};
    static const guint8 body[] = {0x10, 0x0a, 0x5c, 0x2e, 0x5f, 0x53, 0x42};
    guint8 table[ACPI_HEADER_SIZE + 4];
    g_autofree guint8 *big = g_malloc0(65536);
    g_autofree char *dir = NULL;
    g_autoptr(GError) err = NULL;

    home_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    g_assert_cmpint(home_fd, >=, 0);
    scratch = g_dir_make_tmp("qmpd-fuzz-XXXXXX", &err);
    g_assert_no_error(err);
    fill_acpi_table(table, sizeof(table));
    write_sample("fw.bin", "fw_cfg item bytes\n", 18);
    write_sample("table.aml", table, sizeof(table));
    write_sample("body.aml", body, sizeof(body));
    write_sample("short.aml", table, 20);
    write_sample("oem.txt", "oem, string", 11);
    write_sample("oem-nul.txt", oem_nul, sizeof(oem_nul));
    write_sample("smbios.bin", smbios, sizeof(smbios));
    write_sample("empty", "", 0);
    write_sample("big.bin", big, 65536);
    dir = g_build_filename(scratch, "a-dir", NULL);
    g_assert_cmpint(mkdir(dir, 0700), ==, 0);
    atexit(remove_scratch);
}

void fuzz_files_enter(void)
{
    if (scratch == NULL) {
        make_scratch();
    }
    g_assert_cmpint(chdir(scratch), ==, 0);
}

void fuzz_files_leave(void)
{
    g_assert_cmpint(fchdir(home_fd), ==, 0);
}

static bool may_precede_slash(char c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.';
}

bool fuzz_files_text_is_confined(const char *text, gsize len)
{
    for (gsize i = 0; i < len; i++) {
        if (text[i] == '.' && i + 1 < len && text[i + 1] == '.') {
            return false;
        }
        if (text[i] == '/' && (i == 0 || !may_precede_slash(text[i - 1]))) {
            return false;
        }
    }
    return true;
}

bool fuzz_files_json_is_confined(JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        JsonObjectIter iter;
        JsonNode *member;

        json_object_iter_init(&iter, json_node_get_object(node));
        while (json_object_iter_next(&iter, NULL, &member)) {
            if (!fuzz_files_json_is_confined(member)) {
                return false;
            }
        }
        return true;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *array = json_node_get_array(node);

        for (guint i = 0; i < json_array_get_length(array); i++) {
            if (!fuzz_files_json_is_confined(
                    json_array_get_element(array, i))) {
                return false;
            }
        }
        return true;
    }
    case JSON_NODE_VALUE:
        if (json_node_get_value_type(node) == G_TYPE_STRING) {
            const char *s = json_node_get_string(node);

            return s[0] != '/' && strstr(s, "..") == NULL;
        }
        return true;
    case JSON_NODE_NULL:
        return true;
    }
    return true;
}
