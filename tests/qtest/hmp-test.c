/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * human-monitor-command before the hand-off: each human-monitor command
 * qmpd answers itself, its text in QEMU 7.2's layout, and that the text
 * follows the state (run state, chardevs, name, QOM values).
 */
#include "prelude.h"

#include <string.h>
#include <sys/wait.h>

#include "libqtest.h"

/* Runs @line; returns the reply text (CR LF line ends, as QEMU's). */
static char *hmp(QTestState *s, const char *line)
{
    g_autoptr(JsonNode) args = json_node_init_string(json_node_alloc(), line);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autofree char *quoted = NULL;
    g_autoptr(JsonNode) ret = NULL;

    json_generator_set_root(gen, args);
    quoted = json_generator_to_data(gen, NULL);
    ret =
        qtest_qmp_assert_success_ref(s,
                                     "{\"execute\": \"human-monitor-command\", "
                                     "\"arguments\": {\"command-line\": %s}}",
                                     quoted);
    g_assert_true(JSON_NODE_HOLDS_VALUE(ret));
    return g_strdup(json_node_get_string(ret));
}

static void assert_hmp(QTestState *s, const char *line, const char *expected)
{
    g_autofree char *text = hmp(s, line);

    g_test_message("%s -> %s", line, text);
    g_assert_cmpstr(text, ==, expected);
}

static JsonObject *query(QTestState *s, const char *cmd)
{
    g_autoptr(JsonNode) ret =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"%s\"}", cmd);

    return json_object_ref(json_node_get_object(ret));
}

static void test_status(void)
{
    QTestState *s = qtest_init("-S");

    assert_hmp(s, "info status", "VM status: paused (prelaunch)\r\n");
    assert_hmp(s, "cont", "");
    assert_hmp(s, "info status", "VM status: running\r\n");
    assert_hmp(s, "stop", "");
    assert_hmp(s, "info status", "VM status: paused\r\n");
    assert_hmp(s, "c", "");
    assert_hmp(s, "info status", "VM status: running\r\n");
    qtest_quit(s);
}

/* The numbers and package of query-version, printed as QEMU does. */
static void test_version(void)
{
    QTestState *s = qtest_init(NULL);
    g_autoptr(JsonObject) v = query(s, "query-version");
    JsonObject *q = json_object_get_object_member(v, "qemu");
    g_autofree char *expected = g_strdup_printf(
        "%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT "%s\r\n",
        json_object_get_int_member(q, "major"),
        json_object_get_int_member(q, "minor"),
        json_object_get_int_member(q, "micro"),
        json_object_get_string_member(v, "package"));

    assert_hmp(s, "info version", expected);
    qtest_quit(s);
}

static void test_identity(void)
{
    QTestState *s =
        qtest_init("-name guest0 -uuid 6ba7b810-9dad-11d1-80b4-00c04fd430c8");

    assert_hmp(s, "info name", "guest0\r\n");
    assert_hmp(s, "info uuid", "6ba7b810-9dad-11d1-80b4-00c04fd430c8\r\n");
    qtest_quit(s);

    s = qtest_init(NULL);
    assert_hmp(s, "info name", "");
    assert_hmp(s, "info uuid", "00000000-0000-0000-0000-000000000000\r\n");
    qtest_quit(s);
}

static void test_chardev(void)
{
    QTestState *s = qtest_init("-chardev ringbuf,id=rb0 -chardev null,id=n0");
    g_autofree char *text = hmp(s, "info chardev");
    g_autofree char *bare = NULL;

    g_test_message("info chardev -> %s", text);
    /* In creation order, after the chardevs of the harness's monitor. */
    g_assert_nonnull(strstr(text, "rb0: filename=ringbuf\r\n"
                                  "n0: filename=null\r\n"));
    qtest_quit(s);

    s = qtest_init(NULL);
    bare = hmp(s, "info chardev");
    g_assert_null(strstr(bare, "rb0"));
    qtest_quit(s);
}

/* Nothing migrated yet: query-migrate is empty and so is the text. */
static void test_migrate(void)
{
    QTestState *s = qtest_init(NULL);
    g_autoptr(JsonObject) info = query(s, "query-migrate");

    g_assert_cmpuint(json_object_get_size(info), ==, 0);
    assert_hmp(s, "info migrate", "");
    qtest_quit(s);
}

static void test_qom(void)
{
    QTestState *s = qtest_init("-M pc -smp 2");
    g_autoptr(JsonNode) type = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"qom-get\", \"arguments\": "
           "{\"path\": \"/machine\", \"property\": \"type\"}}");
    g_autofree char *first =
        g_strdup_printf("/machine (%s)\r\n", json_node_get_string(type));
    g_autofree char *quoted =
        g_strdup_printf("\"%s\"\r\n", json_node_get_string(type));
    g_autofree char *tree = hmp(s, "info qom-tree");
    g_autofree char *list = hmp(s, "qom-list /machine");
    g_autofree char *smp = hmp(s, "qom-get /machine smp");

    g_assert_true(g_str_has_prefix(tree, first));
    g_assert_nonnull(strstr(tree, "\r\n  /unattached (container)\r\n"));
    g_assert_nonnull(strstr(list, "type (string)\r\n"));
    g_assert_nonnull(strstr(list, "unattached (child<container>)\r\n"));
    assert_hmp(s, "qom-get /machine type", quoted);
    g_assert_true(g_str_has_prefix(smp, "{\r\n    \"cpus\": 2,\r\n"));
    g_assert_true(g_str_has_suffix(smp, "\r\n}\r\n"));
    assert_hmp(s, "qom-list", "/\r\n");
    assert_hmp(s, "info qom-tree /nope",
               "Path '/nope' could not be resolved.\r\n");
    qtest_quit(s);
}

static void test_errors(void)
{
    QTestState *s = qtest_init(NULL);
    g_autoptr(JsonObject) reply = NULL;

    assert_hmp(s, "xyz", "unknown command: 'xyz'\r\n");
    assert_hmp(s, "info xyz", "unknown command: 'info xyz'\r\n");
    assert_hmp(s, "help xyz", "unknown command: 'xyz'\r\n");
    assert_hmp(s, "info status extra",
               "status: extraneous characters at the end of line\r\n"
               "Try \"help info status\" for more information\r\n");
    assert_hmp(s, "qom-get /machine",
               "qom-get: string expected\r\n"
               "Try \"help qom-get\" for more information\r\n");
    assert_hmp(s, "", "");
    reply = qtest_qmp(s, "{\"execute\": \"human-monitor-command\", "
                         "\"arguments\": {\"command-line\": \"info status\", "
                         "\"cpu-index\": 5}}");
    g_assert_cmpstr(qtest_reply_error_class(reply), ==, "GenericError");
    g_assert_cmpstr(qtest_reply_error_desc(reply), ==,
                    "Parameter 'cpu-index' expects a CPU number");
    qtest_quit(s);
}

static void test_help(void)
{
    QTestState *s = qtest_init(NULL);
    g_autofree char *all = hmp(s, "help");
    g_autofree char *info = hmp(s, "info");
    g_autofree char *help_info = hmp(s, "help info");

    assert_hmp(s, "help stop", "stop|s  -- stop emulation\r\n");
    g_assert_nonnull(strstr(all, "\r\nqom-get path property -- "));
    g_assert_nonnull(strstr(info, "info status  -- "));
    g_assert_nonnull(strstr(info, "info qom-tree [path] -- "));
    g_assert_cmpstr(info, ==, help_info);
    qtest_quit(s);
}

/*
 * info kvm and info cpus print what query-kvm and query-cpus-fast say,
 * or the error qmpd gives for them.
 */
static void test_kvm_cpus(void)
{
    QTestState *s = qtest_init(NULL);
    g_autoptr(JsonObject) kvm = qtest_qmp(s, "{\"execute\": \"query-kvm\"}");
    g_autofree char *text = hmp(s, "info kvm");

    if (json_object_has_member(kvm, "error")) {
        g_autofree char *expected =
            g_strdup_printf("Error: %s\r\n", qtest_reply_error_desc(kvm));

        g_assert_cmpstr(text, ==, expected);
    } else {
        JsonObject *r = json_object_get_object_member(kvm, "return");
        const char *word =
            !json_object_get_boolean_member(r, "present")  ? "not compiled"
            : json_object_get_boolean_member(r, "enabled") ? "enabled"
                                                           : "disabled";
        g_autofree char *expected =
            g_strdup_printf("kvm support: %s\r\n", word);

        g_assert_cmpstr(text, ==, expected);
    }
    g_free(text);
    text = hmp(s, "info cpus");
    g_assert_true(text[0] == '\0' || g_str_has_prefix(text, "* CPU #") ||
                  g_str_has_prefix(text, "Error: "));
    qtest_quit(s);
}

static void test_quit(void)
{
    QTestState *s = qtest_init(NULL);
    int status;

    assert_hmp(s, "quit", "");
    status = qtest_wait_exit(s, 10000);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hmp/status", test_status);
    g_test_add_func("/hmp/version", test_version);
    g_test_add_func("/hmp/identity", test_identity);
    g_test_add_func("/hmp/chardev", test_chardev);
    g_test_add_func("/hmp/migrate", test_migrate);
    g_test_add_func("/hmp/qom", test_qom);
    g_test_add_func("/hmp/errors", test_errors);
    g_test_add_func("/hmp/help", test_help);
    g_test_add_func("/hmp/kvm-cpus", test_kvm_cpus);
    g_test_add_func("/hmp/quit", test_quit);
    return g_test_run();
}
