/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -readconfig: QEMU's configuration file syntax feeds the same options
 * as the command line, and a bad file stops the start with "FILE:LINE".
 */

#include <string.h>
#include <sys/wait.h>

#include "libqtest.h"

static char *write_config(const char *dir, const char *text)
{
    char *path = g_build_filename(dir, "qmpd.cfg", NULL);

    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static JsonObject *ret_object(JsonNode *reply)
{
    return json_node_get_object(reply);
}

static void test_sections(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *path = write_config(dir, "# every section is one option\n"
                                              "[machine]\n"
                                              "  type = \"pc\"\n"
                                              "\n"
                                              "[memory]\n"
                                              "  size = \"200\"\n"
                                              "[smp-opts]\n"
                                              "  cpus = \"2\"\n"
                                              "[object \"s0\"]\n"
                                              "  qom-type = \"secret\"\n"
                                              "  data = \"a,b\"\n");
    g_autofree char *args = g_strdup_printf("-nodefaults -readconfig %s", path);
    QTestState *s = qtest_init(args);
    g_autoptr(JsonNode) cfg = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-machine-config\"}");
    g_autoptr(JsonNode) data = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"qom-get\", \"arguments\": "
           "{\"path\": \"/objects/s0\", \"property\": \"data\"}}");
    JsonObject *c = json_object_get_object_member(ret_object(cfg), "config");

    g_assert_cmpint(json_object_get_int_member(
                        json_object_get_object_member(c, "memory"), "size"),
                    ==, 200 << 20);
    g_assert_cmpint(json_object_get_int_member(
                        json_object_get_object_member(c, "smp"), "cpus"),
                    ==, 2);
    /* A comma in a value stays one value. */
    g_assert_cmpstr(json_node_get_string(data), ==, "a,b");
    qtest_quit(s);
    qtest_remove_tmpdir(dir);
}

typedef struct BadConfig {
    const char *text;
    const char *reason; /* after "qmpd: -readconfig PATH: PATH:" */
} BadConfig;

static const BadConfig bad_configs[] = {
    {"[bogus]\n  a = \"b\"\n", "1: There is no option group 'bogus'"},
    {"size = \"1\"\n", "1: no group defined"},
    {"[memory]\n  size = 200\n", "2: parse error"},
    {"[memory]\n  size = \"200\"\n  junk = \"x\"\n",
     "1: Invalid parameter 'junk'"},
    {"[object \"o\"\n", "1: parse error"},
};

static void test_bad(gconstpointer opaque)
{
    const BadConfig *c = opaque;
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *path = write_config(dir, c->text);
    g_autofree char *err = NULL;
    g_autofree char *want =
        g_strdup_printf("qmpd: -readconfig %s: %s:%s\n", path, path, c->reason);
    const char *argv[] = {qtest_binary(), "-nodefaults", "-readconfig", path,
                          NULL};
    int status = 0;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                               G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               &err, &status, NULL));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_cmpstr(err, ==, want);
    qtest_remove_tmpdir(dir);
}

static void test_missing(void)
{
    g_autofree char *err = NULL;
    const char *argv[] = {qtest_binary(), "-readconfig", "/nonexistent/x.cfg",
                          NULL};
    int status = 0;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                               G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               &err, &status, NULL));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_cmpstr(err, ==,
                    "qmpd: -readconfig /nonexistent/x.cfg: Could not open "
                    "'/nonexistent/x.cfg': No such file or directory\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/readconfig/sections", test_sections);
    g_test_add_func("/readconfig/missing", test_missing);
    for (gsize i = 0; i < G_N_ELEMENTS(bad_configs); i++) {
        g_autofree char *name = g_strdup_printf("/readconfig/bad/%zu", i);

        g_test_add_data_func(name, &bad_configs[i], test_bad);
    }
    return g_test_run();
}
