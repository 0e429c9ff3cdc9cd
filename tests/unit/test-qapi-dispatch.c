/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qmp_dispatch(): request envelope errors, id echo, phase gating,
 * disabled commands, OOB rules and marshalling through the test schema.
 */

#include "prelude.h"

#include <string.h>

#include "qapi/qapi-event.h"
#include "qapi/qmp-dispatch.h"
#include "test-qapi-commands.h"
#include "test-qapi-events.h"

static QmpCommandList *test_cmds;

static char *dispatch_text(const char *request, const QmpDispatchContext *ctx)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) req = json_from_string(request, &err);
    g_autoptr(JsonNode) rsp = NULL;

    g_assert_no_error(err);
    rsp = qmp_dispatch(test_cmds, req, ctx);
    g_assert_nonnull(rsp);
    return json_to_string(rsp, FALSE);
}

static const QmpDispatchContext ready_ctx = {
    .oob_enabled = false,
    .phase = PHASE_MACHINE_READY,
};

static const QmpDispatchContext oob_ctx = {
    .oob_enabled = true,
    .phase = PHASE_MACHINE_READY,
};

static const QmpDispatchContext preconfig_ctx = {
    .phase = PHASE_ACCEL_CREATED,
};

static const QmpDispatchContext initialized_ctx = {
    .phase = PHASE_MACHINE_INITIALIZED,
};

typedef struct Case {
    const char *request;
    const QmpDispatchContext *ctx;
    const char *response; /* json-glib's compact text */
} Case;

#define GE(desc) \
    "{\"error\":{\"class\":\"GenericError\",\"desc\":\"" desc "\"}}"
#define GE_ID(desc, id)                                                        \
    "{\"error\":{\"class\":\"GenericError\",\"desc\":\"" desc "\"},\"id\":" id \
    "}"
#define CNF(desc) \
    "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"" desc "\"}}"

static const Case envelope_cases[] = {
    {"[1, 2]", &ready_ctx, GE("QMP input must be a JSON object")},
    {"\"x\"", &ready_ctx, GE("QMP input must be a JSON object")},
    {"{\"execute\": 1}", &ready_ctx,
     GE("QMP input member 'execute' must be a string")},
    {"{\"execute\": \"test-simple\", \"arguments\": []}", &ready_ctx,
     GE("QMP input member 'arguments' must be an object")},
    {"{\"exec\": \"test-simple\"}", &ready_ctx,
     GE("QMP input member 'exec' is unexpected")},
    {"{}", &ready_ctx, GE("QMP input lacks member 'execute'")},
    {"{\"id\": 1}", &ready_ctx, GE_ID("QMP input lacks member 'execute'", "1")},
    /* exec-oob before OOB was negotiated is just an unknown member */
    {"{\"exec-oob\": \"test-int\"}", &ready_ctx,
     GE("QMP input member 'exec-oob' is unexpected")},
    {"{\"execute\": \"test-int\", \"exec-oob\": \"test-int\"}", &oob_ctx,
     GE("QMP input member 'exec-oob' clashes with 'execute'")},
    {"{\"exec-oob\": 3}", &oob_ctx,
     GE("QMP input member 'exec-oob' must be a string")},
    {"{\"exec-oob\": \"test-simple\"}", &oob_ctx,
     GE("The command test-simple does not support OOB")},
    {"{\"exec-oob\": \"test-int\", \"id\": \"a\"}", &oob_ctx,
     "{\"return\":42,\"id\":\"a\"}"},
    {"{\"execute\": \"nope\"}", &ready_ctx,
     CNF("The command nope has not been found")},
    /* argument errors from the input visitor */
    {"{\"execute\": \"test-args\", \"arguments\": {\"path\": 1}}", &ready_ctx,
     GE("Invalid parameter type for 'path', expected: string")},
    {"{\"execute\": \"test-args\", \"arguments\": {}}", &ready_ctx,
     GE("Parameter 'path' is missing")},
    {"{\"execute\": \"test-args\", \"arguments\": {\"path\": \"a\", "
     "\"extra\": 1}}",
     &ready_ctx, GE("Parameter 'extra' is unexpected")},
    {"{\"execute\": \"test-simple\", \"arguments\": {\"x\": 1}}", &ready_ctx,
     GE("Parameter 'x' is unexpected")},
    {"{\"execute\": \"test-args\", \"arguments\": {\"path\": \"a\", "
     "\"kind\": \"bad\"}}",
     &ready_ctx, GE("Parameter 'kind' does not accept value 'bad'")},
    {"{\"execute\": \"test-args\", \"arguments\": {\"path\": \"a\", "
     "\"names\": [\"x\", 2]}}",
     &ready_ctx, GE("Invalid parameter type for 'names[1]', expected: string")},
    {"{\"execute\": \"test-list\", \"arguments\": {\"n\": 256}}", &ready_ctx,
     GE("Parameter 'n' expects uint8_t")},
    {"{\"execute\": \"query-qmp-schema\"}", &ready_ctx,
     CNF("The command query-qmp-schema has not been found")},
    /* success paths */
    {"{\"execute\": \"test-simple\"}", &ready_ctx, "{\"return\":{}}"},
    {"{\"execute\": \"test-simple\", \"arguments\": {}}", &ready_ctx,
     "{\"return\":{}}"},
    {"{\"execute\": \"test-args\", \"arguments\": {\"path\": \"/p\", "
     "\"count\": 3}}",
     &ready_ctx, "{\"return\":{\"id\":\"/p\",\"count\":3}}"},
    {"{\"execute\": \"test-list\", \"arguments\": {\"n\": 2}}", &ready_ctx,
     "{\"return\":[{\"id\":\"item0\"},{\"id\":\"item1\"}]}"},
    {"{\"execute\": \"test-list\", \"arguments\": {\"n\": 0}}", &ready_ctx,
     "{\"return\":[]}"},
    {"{\"execute\": \"test-any\", \"arguments\": {\"value\": [1, "
     "{\"a\": null}]}}",
     &ready_ctx, "{\"return\":[1,{\"a\":null}]}"},
    {"{\"execute\": \"test-boxed\", \"arguments\": {\"kind\": \"number\", "
     "\"name\": \"n\", \"value\": 5}}",
     &ready_ctx, "{\"return\":\"n:5\"}"},
    {"{\"execute\": \"test-boxed\", \"arguments\": {\"kind\": \"text\", "
     "\"name\": \"n\", \"text\": \"t\"}}",
     &ready_ctx, "{\"return\":\"n:t\"}"},
    {"{\"execute\": \"test-boxed\", \"arguments\": {\"kind\": \"plain\", "
     "\"name\": \"n\", \"text\": \"t\"}}",
     &ready_ctx, GE("Parameter 'text' is unexpected")},
    {"{\"execute\": \"test-struct-args\", \"arguments\": {\"id\": \"x\"}}",
     &ready_ctx, "{\"return\":{}}"},
    {"{\"execute\": \"test-handwritten\", \"arguments\": {\"x\": 21}}",
     &ready_ctx, "{\"return\":42}"},
    {"{\"execute\": \"test-included\"}", &ready_ctx, "{\"return\":{\"x\":7}}"},
    {"{\"execute\": \"test-fail\", \"id\": 3}", &ready_ctx,
     "{\"error\":{\"class\":\"DeviceNotFound\",\"desc\":\"test failure\"},"
     "\"id\":3}"},
    /* phases */
    {"{\"execute\": \"test-simple\"}", &preconfig_ctx,
     GE("The command 'test-simple' is permitted only after machine "
        "initialization has completed")},
    {"{\"execute\": \"test-simple\"}", &initialized_ctx,
     GE("The command 'test-simple' is permitted only after machine "
        "initialization has completed")},
    {"{\"execute\": \"test-int\"}", &preconfig_ctx, "{\"return\":42}"},
    {"{\"execute\": \"test-preconfig-only\"}", &preconfig_ctx,
     "{\"return\":{}}"},
    {"{\"execute\": \"test-preconfig-only\"}", &initialized_ctx,
     GE("The command is permitted only before machine initialization")},
    {"{\"execute\": \"test-preconfig-only\"}", &ready_ctx,
     GE("The command is permitted only before machine initialization")},
};

static void test_table(void)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(envelope_cases); i++) {
        const Case *c = &envelope_cases[i];
        g_autofree char *rsp = dispatch_text(c->request, c->ctx);

        g_test_message("request %s", c->request);
        g_assert_cmpstr(rsp, ==, c->response);
    }
}

static void test_id_echo(void)
{
    static const char *const ids[] = {
        "1",    "-7",   "1.5",       "\"abc\"",
        "null", "true", "[1,\"x\"]", "{\"a\":{\"b\":[]}}",
    };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(ids); i++) {
        g_autofree char *ok_req = g_strdup_printf(
            "{\"execute\": \"test-simple\", \"id\": %s}", ids[i]);
        g_autofree char *bad_req =
            g_strdup_printf("{\"id\": %s, \"execute\": \"nope\"}", ids[i]);
        g_autofree char *ok_rsp = dispatch_text(ok_req, &ready_ctx);
        g_autofree char *bad_rsp = dispatch_text(bad_req, &ready_ctx);
        g_autofree char *ok_want =
            g_strdup_printf("{\"return\":{},\"id\":%s}", ids[i]);
        g_autofree char *bad_want = g_strdup_printf(
            "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"The "
            "command nope has not been found\"},\"id\":%s}",
            ids[i]);

        g_assert_cmpstr(ok_rsp, ==, ok_want);
        g_assert_cmpstr(bad_rsp, ==, bad_want);
    }
}

static void test_disabled(void)
{
    g_autoptr(QmpCommandList) cmds = qmp_command_list_new();
    g_autoptr(JsonNode) req =
        json_from_string("{\"execute\": \"test-simple\"}", NULL);
    g_autoptr(JsonNode) rsp1 = NULL;
    g_autoptr(JsonNode) rsp2 = NULL;
    g_autofree char *t1 = NULL;
    g_autofree char *t2 = NULL;

    test_qmp_init_marshal(cmds);
    qmp_disable_command(cmds, "test-simple", NULL);
    rsp1 = qmp_dispatch(cmds, req, &ready_ctx);
    t1 = json_to_string(rsp1, FALSE);
    g_assert_cmpstr(t1, ==, CNF("Command test-simple has been disabled"));
    qmp_disable_command(cmds, "test-simple", "for testing");
    rsp2 = qmp_dispatch(cmds, req, &ready_ctx);
    t2 = json_to_string(rsp2, FALSE);
    g_assert_cmpstr(t2, ==,
                    CNF("Command test-simple has been disabled: for testing"));
}

static void test_unknown_desc(void)
{
    QmpDispatchContext ctx = ready_ctx;
    g_autofree char *rsp = NULL;

    ctx.unknown_command_desc =
        "Expecting capabilities negotiation with 'qmp_capabilities'";
    rsp = dispatch_text("{\"execute\": \"nope\"}", &ctx);
    g_assert_cmpstr(rsp, ==,
                    CNF("Expecting capabilities negotiation with "
                        "'qmp_capabilities'"));
}

static void count_cb(const QmpCommand *cmd, void *opaque)
{
    GString *names = opaque;

    g_string_append_printf(names, "%s%s", names->len ? "," : "", cmd->name);
}

static void test_registry(void)
{
    g_autoptr(GString) names = g_string_new("");
    const QmpCommand *cmd;

    qmp_for_each_command(test_cmds, count_cb, names);
    g_assert_true(g_str_has_prefix(names->str, "test-any,test-args,"));
    cmd = qmp_find_command(test_cmds, "test-int");
    g_assert_nonnull(cmd);
    g_assert_cmpint(cmd->options, ==, QCO_ALLOW_OOB);
    g_assert_cmpint(cmd->phases, ==, PHASE_MASK_ALL);
    cmd = qmp_find_command(test_cmds, "test-simple");
    g_assert_cmpint(cmd->phases, ==, PHASE_MASK(PHASE_MACHINE_READY));
    g_assert_cmpint(cmd->options, ==, QCO_NO_OPTIONS);
    cmd = qmp_find_command(test_cmds, "test-preconfig-only");
    g_assert_cmpint(cmd->phases, ==,
                    PHASE_MASK(PHASE_NO_MACHINE) |
                        PHASE_MASK(PHASE_MACHINE_CREATED) |
                        PHASE_MASK(PHASE_ACCEL_CREATED));
    g_assert_null(qmp_find_command(test_cmds, "nope"));
    g_assert_true(
        qmp_request_is_oob(json_from_string("{\"exec-oob\": \"x\"}", NULL)));
}

static GString *events;

static void emitter(const char *name, JsonObject *data)
{
    g_string_append(events, name);
    if (data) {
        JsonNode *node = json_node_init_object(json_node_alloc(), data);
        g_autofree char *text = json_to_string(node, FALSE);

        g_string_append_printf(events, " %s", text);
        json_node_unref(node);
    }
    g_string_append_c(events, '\n');
}

static void test_events(void)
{
    TestBase base = {.id = (char *)"b", .has_count = true, .count = 2};

    events = g_string_new("");
    qapi_event_set_emitter(emitter);
    qapi_event_send_test_event("n", false, 0, TEST_ENUM_VALUE2);
    qapi_event_send_test_event("m", true, 5, TEST_ENUM_OLD);
    qapi_event_send_test_empty_event();
    qapi_event_send_test_boxed_event(&base);
    qapi_event_set_emitter(NULL);
    qapi_event_send_test_empty_event();
    g_assert_cmpstr(events->str, ==,
                    "TEST_EVENT {\"name\":\"n\",\"kind\":\"value2\"}\n"
                    "TEST_EVENT {\"name\":\"m\",\"count\":5,\"kind\":\"old\"}\n"
                    "TEST_EMPTY_EVENT\n"
                    "TEST_BOXED_EVENT {\"id\":\"b\",\"count\":2}\n");
    g_string_free(events, TRUE);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    test_cmds = qmp_command_list_new();
    test_qmp_init_marshal(test_cmds);
    g_test_add_func("/qapi/dispatch/table", test_table);
    g_test_add_func("/qapi/dispatch/id-echo", test_id_echo);
    g_test_add_func("/qapi/dispatch/disabled", test_disabled);
    g_test_add_func("/qapi/dispatch/unknown-desc", test_unknown_desc);
    g_test_add_func("/qapi/dispatch/registry", test_registry);
    g_test_add_func("/qapi/dispatch/events", test_events);
    ret = g_test_run();
    qmp_command_list_free(test_cmds);
    return ret;
}
