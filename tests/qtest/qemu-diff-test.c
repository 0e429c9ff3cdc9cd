/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Differential test against a reference QEMU: the same QMP conversation of
 * protocol errors goes to qmpd and to qemu-system-x86_64 (-M none), and
 * each step's outcome (error class and text, or success) must match.
 * Skipped, with the reason, when no reference binary is installed.
 */
#include "prelude.h"

#include <string.h>

#include "libqtest.h"

#define COMMON_ARGS "-M none -nodefaults"

typedef enum StepFlags {
    STEP_EXACT = 0,
    /* Parser details differ by design: compare up to the first ", ". */
    STEP_DESC_PREFIX = 1 << 0,
    /* Compare the run state carried by a query-status reply. */
    STEP_STATUS = 1 << 1,
    /* Expect this event (on both) before the reply is compared. */
    STEP_RESUME_EVENT = 1 << 2,
} StepFlags;

typedef struct Step {
    const char *request;
    const char *needs; /* a command qmpd must offer for this step, or NULL */
    unsigned flags;
} Step;

static const Step plain_steps[] = {
    {"{\"execute\": \"query-status\"}", NULL, 0},
    {"{\"execute\": \"qmp_capabilities\", \"arguments\": "
     "{\"enable\": \"oob\"}}",
     NULL, 0},
    {"{\"execute\": \"qmp_capabilities\", \"arguments\": "
     "{\"enable\": [\"cap-does-not-exist\"]}}",
     NULL, 0},
    {"{\"execute\": \"qmp_capabilities\", \"arguments\": {\"extra\": 1}}", NULL,
     0},
    {"{\"execute\": \"qmp_capabilities\", \"id\": [1, {\"a\": null}]}", NULL,
     0},
    {"{\"execute\": \"qmp_capabilities\"}", NULL, 0},
    {"{\"execute\": \"nope\", \"id\": \"x\"}", NULL, 0},
    {"[1, 2]", NULL, 0},
    {"{\"execute\": 1}", NULL, 0},
    {"{\"execute\": \"query-status\", \"arguments\": []}", NULL, 0},
    {"{\"exec\": \"query-status\"}", NULL, 0},
    {"{\"id\": 3}", NULL, 0},
    {"{\"exec-oob\": \"query-status\"}", NULL, 0},
    {"{\"execute\": \"query-status\", \"arguments\": {\"extra\": 1}}", NULL, 0},
    {"{\"execute\": \"x-exit-preconfig\"}", NULL, 0},
    {"{\"execute\": \"query-status\" ]", NULL, STEP_DESC_PREFIX},
    {"{\"execute\": \"qom-get\", \"arguments\": "
     "{\"path\": 1, \"property\": \"type\"}}",
     "qom-get", 0},
    {"{\"execute\": \"qom-get\", \"arguments\": {\"property\": \"type\"}}",
     "qom-get", 0},
    {"{\"execute\": \"qom-get\", \"arguments\": "
     "{\"path\": \"/machine/nope\", \"property\": \"type\"}}",
     "qom-get", 0},
    {"{\"execute\": \"add-fd\"}", "add-fd", 0},
    {"{\"execute\": \"add-fd\", \"arguments\": {\"fdset-id\": \"x\"}}",
     "add-fd", 0},
    {"{\"execute\": \"remove-fd\", \"arguments\": {\"fdset-id\": 9}}",
     "remove-fd", 0},
    {"{\"execute\": \"remove-fd\", \"arguments\": {\"fdset-id\": 9, \"fd\": "
     "3}}",
     "remove-fd", 0},
    {"{\"execute\": \"query-fdsets\"}", "query-fdsets", 0},
    /* The probing surface (probe-test.c checks the values). */
    {"{\"execute\": \"device-list-properties\", \"arguments\": "
     "{\"typename\": \"nope\"}}",
     "device-list-properties", 0},
    {"{\"execute\": \"qom-list-properties\", \"arguments\": "
     "{\"typename\": \"nope\"}}",
     "qom-list-properties", 0},
    {"{\"execute\": \"query-command-line-options\", \"arguments\": "
     "{\"option\": \"nope\"}}",
     "query-command-line-options", 0},
    {"{\"execute\": \"query-cpu-model-expansion\", \"arguments\": "
     "{\"type\": \"full\", \"model\": {\"name\": \"nope\"}}}",
     "query-cpu-model-expansion", 0},
    {"{\"execute\": \"query-sev-capabilities\"}", "query-sev-capabilities", 0},
    {"{\"execute\": \"query-hotpluggable-cpus\"}", "query-hotpluggable-cpus",
     0},
    {"{\"execute\": \"migrate-pause\"}", "migrate-pause", 0},
    {"{\"execute\": \"yank\", \"arguments\": {\"instances\": "
     "[{\"type\": \"chardev\", \"id\": \"nope\"}]}}",
     "yank", 0},
    {"{\"execute\": \"yank\", \"arguments\": {\"instances\": "
     "[{\"type\": \"migration\"}]}}",
     "yank", 0},
    {"{\"execute\": \"query-target\"}", "query-target", 0},
    {"{\"execute\": \"query-kvm\"}", "query-kvm", 0},
    {"{\"execute\": \"query-cpus-fast\"}", "query-cpus-fast", 0},
    {"{\"execute\": \"query-memdev\"}", "query-memdev", 0},
    {"{\"execute\": \"query-pci\"}", "query-pci", 0},
    {"{\"execute\": \"query-iothreads\"}", "query-iothreads", 0},
    {"{\"execute\": \"query-status\", \"id\": {\"deep\": [[[{}]]]}}", NULL,
     STEP_STATUS},
};

static const Step preconfig_steps[] = {
    {"{\"execute\": \"qmp_capabilities\"}", NULL, 0},
    {"{\"execute\": \"query-status\"}", NULL, STEP_STATUS},
    {"{\"execute\": \"stop\"}", NULL, 0},
    {"{\"execute\": \"cont\"}", NULL, 0},
    {"{\"execute\": \"x-exit-preconfig\"}", NULL, STEP_RESUME_EVENT},
    {"{\"execute\": \"query-status\"}", NULL, STEP_STATUS},
    {"{\"execute\": \"x-exit-preconfig\"}", NULL, 0},
    {"{\"execute\": \"stop\"}", NULL, 0},
    {"{\"execute\": \"query-status\"}", NULL, STEP_STATUS},
};

static const char *reference_binary(void)
{
    const char *env = g_getenv("QMPD_REFERENCE_BINARY");

    return env && *env ? env : "qemu-system-x86_64";
}

/* One line describing a reply, in a form comparable across daemons. */
static char *outcome(JsonObject *reply, unsigned flags)
{
    const char *klass = qtest_reply_error_class(reply);
    JsonNode *id = json_object_get_member(reply, "id");
    g_autofree char *id_text = id ? json_to_string(id, FALSE) : g_strdup("-");

    if (klass) {
        g_autofree char *desc = g_strdup(qtest_reply_error_desc(reply));
        char *comma = strstr(desc, ", ");

        if ((flags & STEP_DESC_PREFIX) && comma) {
            *comma = '\0';
        }
        return g_strdup_printf("error %s: %s (id %s)", klass, desc, id_text);
    }
    g_assert_true(json_object_has_member(reply, "return"));
    if (flags & STEP_STATUS) {
        JsonObject *ret = json_object_get_object_member(reply, "return");

        return g_strdup_printf("return status %s running %d (id %s)",
                               json_object_get_string_member(ret, "status"),
                               json_object_get_boolean_member(ret, "running"),
                               id_text);
    }
    return g_strdup_printf("return (id %s)", id_text);
}

static bool offers(QTestState *s, const char *cmd)
{
    g_autoptr(JsonObject) reply =
        qtest_qmp(s, "{\"execute\": \"query-commands\"}");
    JsonArray *cmds = json_object_get_array_member(reply, "return");

    for (guint i = 0; cmds && i < json_array_get_length(cmds); i++) {
        JsonObject *c = json_array_get_object_element(cmds, i);

        if (g_str_equal(json_object_get_string_member(c, "name"), cmd)) {
            return true;
        }
    }
    return false;
}

static void converse(const char *extra, const Step *steps, size_t n)
{
    g_autofree char *ref_path = g_find_program_in_path(reference_binary());
    g_autoptr(GError) err = NULL;
    QTestState *ref, *ours;
    unsigned mismatches = 0;

    if (!ref_path) {
        g_autofree char *why =
            g_strdup_printf("%s not installed", reference_binary());

        g_test_skip(why);
        return;
    }
    ref = qtest_init_full(
        ref_path, extra,
        QTEST_INIT_NO_HANDSHAKE | QTEST_INIT_NO_EXIT_WITH_PARENT, &err);
    g_assert_no_error(err);
    ours =
        qtest_init_full(qtest_binary(), extra, QTEST_INIT_NO_HANDSHAKE, &err);
    g_assert_no_error(err);

    for (size_t i = 0; i < n; i++) {
        g_autoptr(JsonObject) a = NULL;
        g_autoptr(JsonObject) b = NULL;
        g_autofree char *oa = NULL;
        g_autofree char *ob = NULL;

        if (steps[i].needs && !offers(ours, steps[i].needs)) {
            g_test_message("step %zu skipped: qmpd lacks %s", i,
                           steps[i].needs);
            continue;
        }
        qtest_qmp_send(ref, "%s", steps[i].request);
        qtest_qmp_send(ours, "%s", steps[i].request);
        a = qtest_qmp_receive(ref);
        b = qtest_qmp_receive(ours);
        oa = outcome(a, steps[i].flags);
        ob = outcome(b, steps[i].flags);
        if (steps[i].flags & STEP_RESUME_EVENT) {
            qtest_qmp_eventwait(ref, "RESUME");
            qtest_qmp_eventwait(ours, "RESUME");
        }
        g_test_message("step %zu: %s", i, steps[i].request);
        g_test_message("  qemu: %s", oa);
        g_test_message("  qmpd: %s", ob);
        if (!g_str_equal(oa, ob)) {
            g_test_message("  MISMATCH");
            mismatches++;
        }
    }
    qtest_quit(ours);
    qtest_quit(ref);
    g_assert_cmpuint(mismatches, ==, 0);
}

static void test_protocol_errors(void)
{
    converse(COMMON_ARGS, plain_steps, G_N_ELEMENTS(plain_steps));
}

static void test_preconfig(void)
{
    converse(COMMON_ARGS " -preconfig", preconfig_steps,
             G_N_ELEMENTS(preconfig_steps));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-diff/protocol-errors", test_protocol_errors);
    g_test_add_func("/qemu-diff/preconfig", test_preconfig);
    return g_test_run();
}
