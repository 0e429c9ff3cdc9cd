/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Corpus replay for fuzz targets: runs every file of the folders (or the
 * files) given on the command line through LLVMFuzzerTestOneInput() and
 * reports each as a TAP test, so the corpora and regression inputs run in
 * `meson test`.
 */

#include "prelude.h"

#include <stdio.h>
#include <string.h>

#include "fuzz.h"

static int compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the regular files of @dir, sorted so the numbering is stable */
static bool list_inputs(const char *dir, GPtrArray *paths, GError **errp)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, errp);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    if (!d) {
        return false;
    }
    while ((name = g_dir_read_name(d))) {
        g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        char *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);

        if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            g_ptr_array_add(paths, path);
        } else {
            g_free(path);
        }
    }
    return true;
}

int main(int argc, char **argv)
{
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    int failed = 0;

    for (int i = 1; i < argc; i++) {
        g_autoptr(GError) err = NULL;

        /* a single input, to reproduce one finding as libFuzzer would */
        if (g_file_test(argv[i], G_FILE_TEST_IS_REGULAR)) {
            g_ptr_array_add(paths, g_strdup(argv[i]));
            continue;
        }
        if (!list_inputs(argv[i], paths, &err)) {
            printf("Bail out! %s\n", err->message);
            return 1;
        }
    }
    printf("1..%u\n", paths->len);
    for (guint i = 0; i < paths->len; i++) {
        const char *path = g_ptr_array_index(paths, i);
        g_autofree char *data = NULL;
        g_autofree char *base = g_path_get_basename(path);
        g_autoptr(GError) err = NULL;
        gsize len = 0;

        if (!g_file_get_contents(path, &data, &len, &err)) {
            printf("not ok %u - %s # %s\n", i + 1, base, err->message);
            failed++;
            continue;
        }
        /* a crash ends the run; the TAP plan then shows what was missed */
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        printf("ok %u - %s\n", i + 1, base);
        fflush(stdout);
    }
    return failed ? 1 : 0;
}
