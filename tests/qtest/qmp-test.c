/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP wire protocol of one monitor: greeting, capabilities negotiation,
 * the error table of protocols.md, id echo, framing, size and nesting
 * limits, parser recovery and introspection.
 */
#include "prelude.h"

#include <string.h>

#include "libqtest.h"

#define MIB (1024 * 1024)

/* Asserts that the daemon still answers and its run state is @status. */
static void assert_status(QTestState *s, const char *status)
{
    g_autofree char *now = qtest_qmp_status(s);

    g_assert_cmpstr(now, ==, status);
}

/*
 * Sends query-status with id @tag and reads until its reply, so that any
 * number of error replies caused by earlier garbage are consumed.
 * Returns how many error replies came first; the first one's class and
 * text are stored in @ret_class / @ret_desc when non-NULL.
 */
static unsigned sync_with(QTestState *s, const char *tag, char **ret_class,
                          char **ret_desc)
{
    unsigned errors = 0;

    qtest_qmp_send(s, "{\"execute\": \"query-status\", \"id\": \"%s\"}", tag);
    for (;;) {
        g_autoptr(JsonObject) reply = qtest_qmp_receive(s);
        JsonNode *id = json_object_get_member(reply, "id");

        if (id && JSON_NODE_HOLDS_VALUE(id) &&
            json_node_get_value_type(id) == G_TYPE_STRING &&
            g_str_equal(json_node_get_string(id), tag)) {
            g_assert_true(json_object_has_member(reply, "return"));
            return errors;
        }
        if (qtest_reply_error_class(reply)) {
            if (errors == 0 && ret_class) {
                *ret_class = g_strdup(qtest_reply_error_class(reply));
            }
            if (errors == 0 && ret_desc) {
                *ret_desc = g_strdup(qtest_reply_error_desc(reply));
            }
            errors++;
        }
    }
}

static bool node_is_int(JsonNode *node)
{
    return node && JSON_NODE_HOLDS_VALUE(node) &&
           json_node_get_value_type(node) == G_TYPE_INT64;
}

static void test_greeting(void)
{
    QTestState *s = qtest_init_without_qmp_handshake(NULL);
    JsonObject *qmp =
        json_object_get_object_member(qtest_qmp_greeting(s), "QMP");
    JsonObject *version, *triple;
    JsonArray *caps;
    g_autoptr(JsonNode) ver = NULL;
    JsonObject *vq;

    g_assert_nonnull(qmp);
    version = json_object_get_object_member(qmp, "version");
    g_assert_nonnull(version);
    triple = json_object_get_object_member(version, "qemu");
    g_assert_nonnull(triple);
    g_assert_true(node_is_int(json_object_get_member(triple, "major")));
    g_assert_true(node_is_int(json_object_get_member(triple, "minor")));
    g_assert_true(node_is_int(json_object_get_member(triple, "micro")));
    g_assert_true(g_str_has_prefix(
        json_object_get_string_member(version, "package"), "qmpd"));
    caps = json_object_get_array_member(qmp, "capabilities");
    g_assert_nonnull(caps);
    g_assert_cmpuint(json_array_get_length(caps), ==, 1);
    g_assert_cmpstr(json_array_get_string_element(caps, 0), ==, "oob");

    /* The greeting carries the same numbers as query-version. */
    qtest_qmp_assert_success(s, "{\"execute\": \"qmp_capabilities\"}");
    ver = qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-version\"}");
    vq = json_object_get_object_member(json_node_get_object(ver), "qemu");
    g_assert_cmpint(json_object_get_int_member(vq, "major"), ==,
                    json_object_get_int_member(triple, "major"));
    g_assert_cmpint(json_object_get_int_member(vq, "minor"), ==,
                    json_object_get_int_member(triple, "minor"));
    g_assert_cmpint(json_object_get_int_member(vq, "micro"), ==,
                    json_object_get_int_member(triple, "micro"));
    g_assert_cmpstr(
        json_object_get_string_member(json_node_get_object(ver), "package"), ==,
        json_object_get_string_member(version, "package"));
    qtest_quit(s);
}

static void assert_negotiation_pending(QTestState *s)
{
    qtest_qmp_assert_error(
        s, "CommandNotFound",
        "Expecting capabilities negotiation with 'qmp_capabilities'",
        "{\"execute\": \"query-status\"}");
}

typedef struct BadRequest {
    const char *request;
    const char *klass;
    const char *desc;
} BadRequest;

static void test_negotiation(void)
{
    static const BadRequest bad_caps[] = {
        {"{\"execute\": \"qmp_capabilities\", "
         "\"arguments\": {\"enable\": [\"cap-does-not-exist\"]}}",
         "GenericError",
         "Parameter 'null' does not accept value 'cap-does-not-exist'"},
        {"{\"execute\": \"qmp_capabilities\", "
         "\"arguments\": {\"enable\": \"oob\"}}",
         "GenericError",
         "Invalid parameter type for 'enable', expected: array"},
        {"{\"execute\": \"qmp_capabilities\", "
         "\"arguments\": {\"extra\": 1}}",
         "GenericError", "Parameter 'extra' is unexpected"},
        {"{\"execute\": \"query-commands\"}", "CommandNotFound",
         "Expecting capabilities negotiation with 'qmp_capabilities'"},
    };
    QTestState *s = qtest_init_without_qmp_handshake(NULL);

    assert_negotiation_pending(s);
    for (size_t i = 0; i < G_N_ELEMENTS(bad_caps); i++) {
        g_test_message("request: %s", bad_caps[i].request);
        qtest_qmp_assert_error(s, bad_caps[i].klass, bad_caps[i].desc, "%s",
                               bad_caps[i].request);
        /* A failed negotiation leaves the monitor where it was. */
        assert_negotiation_pending(s);
    }
    qtest_qmp_assert_success(s, "{\"execute\": \"qmp_capabilities\"}");
    assert_status(s, "running");
    qtest_qmp_assert_error(
        s, "CommandNotFound",
        "Capabilities negotiation is already complete, command ignored",
        "{\"execute\": \"qmp_capabilities\"}");
    assert_status(s, "running");
    qtest_quit(s);
}

static void test_negotiation_oob(void)
{
    QTestState *s = qtest_init_without_qmp_handshake(NULL);

    qtest_qmp_assert_success(s, "{\"execute\": \"qmp_capabilities\", "
                                "\"arguments\": {\"enable\": [\"oob\"]}}");
    assert_status(s, "running");
    qtest_qmp_assert_error(s, "GenericError",
                           "The command query-status does not support OOB",
                           "{\"exec-oob\": \"query-status\"}");
    assert_status(s, "running");
    qtest_quit(s);
}

static void test_error_table(void)
{
    static const BadRequest rows[] = {
        {"{\"execute\": \"nope\"}", "CommandNotFound",
         "The command nope has not been found"},
        {"[1, 2]", "GenericError", "QMP input must be a JSON object"},
        {"{\"execute\": 1}", "GenericError",
         "QMP input member 'execute' must be a string"},
        {"{\"execute\": \"query-status\", \"arguments\": []}", "GenericError",
         "QMP input member 'arguments' must be an object"},
        {"{\"exec\": \"query-status\"}", "GenericError",
         "QMP input member 'exec' is unexpected"},
        {"{\"arguments\": {}}", "GenericError",
         "QMP input lacks member 'execute'"},
        {"{\"exec-oob\": \"query-status\"}", "GenericError",
         "QMP input member 'exec-oob' is unexpected"},
        {"{\"execute\": \"query-status\", \"arguments\": {\"extra\": 1}}",
         "GenericError", "Parameter 'extra' is unexpected"},
        {"{\"execute\": \"x-exit-preconfig\"}", "GenericError",
         "The command is permitted only before machine initialization"},
        {"{\"execute\": \"qmp_capabilities\"}", "CommandNotFound",
         "Capabilities negotiation is already complete, command ignored"},
    };
    QTestState *s = qtest_init(NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_test_message("request: %s", rows[i].request);
        qtest_qmp_assert_error(s, rows[i].klass, rows[i].desc, "%s",
                               rows[i].request);
        assert_status(s, "running");
    }
    qtest_quit(s);
}

static bool has_command(QTestState *s, const char *name)
{
    g_autoptr(JsonNode) ret =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-commands\"}");
    JsonArray *cmds = json_node_get_array(ret);

    for (guint i = 0; i < json_array_get_length(cmds); i++) {
        JsonObject *c = json_array_get_object_element(cmds, i);

        if (g_str_equal(json_object_get_string_member(c, "name"), name)) {
            return true;
        }
    }
    return false;
}

/* The rows of the table that need a command taking a QOM path. */
static void test_error_table_qom(void)
{
    static const BadRequest rows[] = {
        {"{\"execute\": \"qom-get\", "
         "\"arguments\": {\"path\": 1, \"property\": \"type\"}}",
         "GenericError", "Invalid parameter type for 'path', expected: string"},
        {"{\"execute\": \"qom-get\", "
         "\"arguments\": {\"property\": \"type\"}}",
         "GenericError", "Parameter 'path' is missing"},
        {"{\"execute\": \"qom-get\", \"arguments\": "
         "{\"path\": \"/machine\", \"property\": \"type\", \"extra\": 1}}",
         "GenericError", "Parameter 'extra' is unexpected"},
        {"{\"execute\": \"qom-get\", \"arguments\": "
         "{\"path\": \"/machine/nope\", \"property\": \"type\"}}",
         "DeviceNotFound", "Device '/machine/nope' not found"},
    };
    QTestState *s = qtest_init(NULL);

    g_assert_true(has_command(s, "qom-get"));
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_test_message("request: %s", rows[i].request);
        qtest_qmp_assert_error(s, rows[i].klass, rows[i].desc, "%s",
                               rows[i].request);
        assert_status(s, "running");
    }
    qtest_quit(s);
}

static void test_id_echo(void)
{
    static const char *const ids[] = {
        "42",
        "-7",
        "\"str\"",
        "{\"a\": [1, \"b\"], \"c\": null}",
        "[1, {\"a\": null}, []]",
        "true",
        "\"\\u00e9t\\u00e9\"",
    };
    QTestState *s = qtest_init(NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
        g_autoptr(JsonParser) p = json_parser_new();
        g_autoptr(JsonObject) ok = NULL;
        g_autoptr(JsonObject) err = NULL;
        g_autoptr(GError) perr = NULL;

        g_test_message("id: %s", ids[i]);
        json_parser_load_from_data(p, ids[i], -1, &perr);
        g_assert_no_error(perr);

        ok =
            qtest_qmp(s, "{\"execute\": \"query-status\", \"id\": %s}", ids[i]);
        g_assert_true(json_object_has_member(ok, "return"));
        g_assert_true(json_node_equal(json_object_get_member(ok, "id"),
                                      json_parser_get_root(p)));

        err = qtest_qmp(s, "{\"execute\": \"nope\", \"id\": %s}", ids[i]);
        g_assert_cmpstr(qtest_reply_error_class(err), ==, "CommandNotFound");
        g_assert_true(json_node_equal(json_object_get_member(err, "id"),
                                      json_parser_get_root(p)));
    }
    qtest_quit(s);
}

static void test_framing_split(void)
{
    static const char msg[] = "{\"execute\": \"query-status\", \"id\": 7}";
    QTestState *s = qtest_init(NULL);
    g_autoptr(JsonObject) reply = NULL;
    size_t len = strlen(msg);

    for (size_t i = 0; i + 1 < len; i++) {
        qtest_qmp_send_raw(s, msg + i, 1);
        if (i % 8 == 0) {
            g_usleep(1000);
        }
    }
    /* Nothing may be answered before the closing brace. */
    g_assert_false(qtest_qmp_pending(s, 100));
    qtest_qmp_send_raw(s, msg + len - 1, 1);
    reply = qtest_qmp_receive(s);
    g_assert_true(json_object_has_member(reply, "return"));
    g_assert_cmpint(json_object_get_int_member(reply, "id"), ==, 7);
    qtest_quit(s);
}

static void test_framing_batch(void)
{
    static const char batch[] =
        "{\"execute\": \"query-status\", \"id\": 1}"
        "{\"execute\": \"nope\", \"id\": 2}\n"
        "  {\"execute\": \"query-name\", \"id\": 3}\r\n";
    QTestState *s = qtest_init(NULL);

    qtest_qmp_send_raw(s, batch, strlen(batch));
    for (int id = 1; id <= 3; id++) {
        g_autoptr(JsonObject) reply = qtest_qmp_receive(s);

        g_assert_cmpint(json_object_get_int_member(reply, "id"), ==, id);
        g_assert_cmpint(json_object_has_member(reply, "error"), ==, id == 2);
    }
    g_assert_false(qtest_qmp_pending(s, 100));
    qtest_quit(s);
}

static void test_framing_crlf(void)
{
    QTestState *s = qtest_init(NULL);
    g_autofree char *line = NULL;
    size_t len;

    qtest_qmp_send(s, "{\"execute\": \"query-version\"}");
    line = qtest_qmp_read_line(s);
    len = strlen(line);
    g_assert_cmpuint(len, >=, 3);
    g_assert_cmpstr(line + len - 2, ==, "\r\n");
    /* One message per line: no other line break inside. */
    g_assert_null(memchr(line, '\n', len - 1));
    g_assert_null(memchr(line, '\r', len - 2));
    qtest_quit(s);
}

static void test_limit_size(void)
{
    static const char head[] =
        "{\"execute\": \"query-status\", \"arguments\": {\"x\": \"";
    static const char tail[] = "\"}}";
    size_t total = 64 * MIB + 1;
    QTestState *s = qtest_init(NULL);
    g_autofree char *msg = g_malloc(total);
    g_autofree char *klass = NULL;
    g_autofree char *desc = NULL;
    unsigned errors;

    memcpy(msg, head, strlen(head));
    memset(msg + strlen(head), 'A', total - strlen(head) - strlen(tail));
    memcpy(msg + total - strlen(tail), tail, strlen(tail));
    qtest_qmp_send_raw(s, msg, total);

    errors = sync_with(s, "after-big", &klass, &desc);
    g_test_message("%u error replies, first: %s: %s", errors, klass, desc);
    g_assert_cmpuint(errors, >=, 1);
    g_assert_cmpstr(klass, ==, "GenericError");
    assert_status(s, "running");
    qtest_quit(s);
}

static char *nested_arrays(unsigned depth)
{
    GString *str = g_string_new(NULL);

    for (unsigned i = 0; i < depth; i++) {
        g_string_append_c(str, '[');
    }
    for (unsigned i = 0; i < depth; i++) {
        g_string_append_c(str, ']');
    }
    return g_string_free(str, FALSE);
}

static void test_limit_depth(void)
{
    QTestState *s = qtest_init(NULL);
    g_autofree char *deep = nested_arrays(1025);
    g_autofree char *ok = nested_arrays(999);
    g_autofree char *klass = NULL;
    g_autofree char *desc = NULL;
    unsigned errors;

    qtest_qmp_send_raw(s, deep, strlen(deep));
    errors = sync_with(s, "after-deep", &klass, &desc);
    g_test_message("%u error replies, first: %s: %s", errors, klass, desc);
    g_assert_cmpuint(errors, >=, 1);
    g_assert_cmpstr(klass, ==, "GenericError");
    assert_status(s, "running");

    /* 1000 levels: the object plus 999 arrays in the id. */
    qtest_qmp_send(s, "{\"execute\": \"query-status\", \"id\": %s}", ok);
    errors = sync_with(s, "after-1000", NULL, NULL);
    g_test_message("depth 1000: %u error replies", errors);
    assert_status(s, "running");
    qtest_quit(s);
}

static void test_malformed_recovery(void)
{
    static const char *const garbage[] = {
        "{\"execute\": }",
        "{\"execute\": \"query-status\" ]",
        "\x01",
        "\xff",
        "{'execute': 'query-status', 'id': 'x' 'y'}",
    };
    QTestState *s = qtest_init(NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(garbage); i++) {
        g_autofree char *tag = g_strdup_printf("recover-%zu", i);
        g_autofree char *klass = NULL;
        g_autofree char *desc = NULL;
        unsigned errors;

        qtest_qmp_send_raw(s, garbage[i], strlen(garbage[i]));
        errors = sync_with(s, tag, &klass, &desc);
        g_test_message("garbage %zu: %u errors, first '%s'", i, errors, desc);
        g_assert_cmpuint(errors, >=, 1);
        g_assert_cmpstr(klass, ==, "GenericError");
        g_assert_true(g_str_has_prefix(desc, "JSON parse error, "));
    }
    assert_status(s, "running");
    qtest_quit(s);
}

/*
 * A command that succeeds with an empty return, then the object it made
 * must be visible, readable and removable; the reply's ownership rules are
 * exercised on every step (issue 13, defect 1).
 */
static void test_object_add_lifecycle(void)
{
    QTestState *s = qtest_init(NULL);
    g_autoptr(JsonNode) ret = NULL;
    g_autoptr(JsonNode) size = NULL;
    g_autoptr(JsonNode) after = NULL;

    for (int i = 0; i < 3; i++) {
        ret = qtest_qmp_assert_success_ref(
            s,
            "{\"execute\": \"object-add\", \"arguments\": "
            "{\"qom-type\": \"memory-backend-ram\", \"id\": \"m%d\", "
            "\"size\": 1048576}}",
            i);
        g_assert_true(JSON_NODE_HOLDS_OBJECT(ret));
        g_assert_cmpuint(json_object_get_size(json_node_get_object(ret)), ==,
                         0);
        g_clear_pointer(&ret, json_node_unref);
    }
    size = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"qom-get\", \"arguments\": "
           "{\"path\": \"/objects/m1\", \"property\": \"size\"}}");
    g_assert_cmpint(json_node_get_int(size), ==, 1048576);
    qtest_qmp_assert_success(
        s, "{\"execute\": \"object-del\", \"arguments\": {\"id\": \"m1\"}}");
    qtest_qmp_assert_error(
        s, "DeviceNotFound", "Device '/objects/m1' not found",
        "{\"execute\": \"qom-get\", \"arguments\": "
        "{\"path\": \"/objects/m1\", \"property\": \"size\"}}");
    /* The daemon is still whole: the other objects are still there. */
    after = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"qom-list\", \"arguments\": "
           "{\"path\": \"/objects\"}}");
    g_assert_cmpuint(json_array_get_length(json_node_get_array(after)), >=, 2);
    assert_status(s, "running");
    qtest_quit(s);
}

static const char *const expected_commands[] = {
    "qmp_capabilities",
    "query-version",
    "query-commands",
    "query-qmp-schema",
    "query-status",
    "query-name",
    "query-uuid",
    "query-chardev",
    "stop",
    "cont",
    "quit",
    "x-exit-preconfig",
};

static GHashTable *command_names(QTestState *s)
{
    g_autoptr(JsonNode) ret =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-commands\"}");
    GHashTable *names =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    JsonArray *cmds;

    g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
    cmds = json_node_get_array(ret);
    for (guint i = 0; i < json_array_get_length(cmds); i++) {
        JsonObject *c = json_array_get_object_element(cmds, i);
        const char *name = json_object_get_string_member(c, "name");

        g_assert_nonnull(name);
        g_assert_true(g_hash_table_add(names, g_strdup(name)));
    }
    return names;
}

static void test_query_commands(void)
{
    QTestState *s = qtest_init(NULL);
    g_autoptr(GHashTable) names = command_names(s);

    for (size_t i = 0; i < G_N_ELEMENTS(expected_commands); i++) {
        g_test_message("command %s", expected_commands[i]);
        g_assert_true(g_hash_table_contains(names, expected_commands[i]));
    }
    qtest_quit(s);
}

static void check_type_ref(GHashTable *entries, JsonObject *obj,
                           const char *member)
{
    const char *type = json_object_get_string_member(obj, member);

    g_assert_nonnull(type);
    if (!g_hash_table_contains(entries, type)) {
        g_error("schema refers to unknown type '%s' in '%s'", type, member);
    }
}

static void check_array_refs(GHashTable *entries, JsonObject *info,
                             const char *array, const char *member)
{
    JsonArray *arr;

    if (!json_object_has_member(info, array)) {
        return;
    }
    arr = json_object_get_array_member(info, array);
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        check_type_ref(entries, json_array_get_object_element(arr, i), member);
    }
}

static void check_schema_entry(GHashTable *entries, JsonObject *info)
{
    static const char *const json_types[] = {
        "string", "number", "int",   "boolean", "null",
        "object", "array",  "value", NULL,
    };
    const char *meta = json_object_get_string_member(info, "meta-type");

    g_assert_nonnull(meta);
    if (g_str_equal(meta, "builtin")) {
        g_assert_true(g_strv_contains(
            json_types, json_object_get_string_member(info, "json-type")));
    } else if (g_str_equal(meta, "enum")) {
        g_assert_true(json_object_has_member(info, "members") ||
                      json_object_has_member(info, "values"));
    } else if (g_str_equal(meta, "array")) {
        check_type_ref(entries, info, "element-type");
    } else if (g_str_equal(meta, "object")) {
        g_assert_true(json_object_has_member(info, "members"));
        check_array_refs(entries, info, "members", "type");
        check_array_refs(entries, info, "variants", "type");
    } else if (g_str_equal(meta, "alternate")) {
        check_array_refs(entries, info, "members", "type");
    } else if (g_str_equal(meta, "command")) {
        check_type_ref(entries, info, "arg-type");
        check_type_ref(entries, info, "ret-type");
    } else if (g_str_equal(meta, "event")) {
        check_type_ref(entries, info, "arg-type");
    } else {
        g_error("unknown meta-type '%s'", meta);
    }
}

static void assert_entry(GHashTable *entries, const char *name,
                         const char *meta)
{
    JsonObject *info = g_hash_table_lookup(entries, name);

    if (!info) {
        g_error("'%s' is missing from query-qmp-schema", name);
    }
    g_assert_cmpstr(json_object_get_string_member(info, "meta-type"), ==, meta);
}

static void test_query_qmp_schema(void)
{
    static const char *const events[] = {"STOP", "RESUME", "SHUTDOWN"};
    QTestState *s = qtest_init(NULL);
    g_autoptr(GHashTable) names = command_names(s);
    g_autoptr(JsonNode) ret =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-qmp-schema\"}");
    g_autoptr(GHashTable) entries = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer key, value;
    JsonArray *arr;

    g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
    arr = json_node_get_array(ret);
    g_assert_cmpuint(json_array_get_length(arr), >, 0);
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *info = json_array_get_object_element(arr, i);
        const char *name = json_object_get_string_member(info, "name");

        g_assert_nonnull(name);
        if (!g_hash_table_insert(entries, (gpointer)name, info)) {
            g_error("duplicate schema entry '%s'", name);
        }
    }
    g_hash_table_iter_init(&iter, entries);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        g_test_message("entry %s", (const char *)key);
        check_schema_entry(entries, value);
    }
    g_hash_table_iter_init(&iter, names);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        assert_entry(entries, key, "command");
    }
    for (size_t i = 0; i < G_N_ELEMENTS(events); i++) {
        assert_entry(entries, events[i], "event");
    }
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp/greeting", test_greeting);
    g_test_add_func("/qmp/negotiation/errors", test_negotiation);
    g_test_add_func("/qmp/negotiation/oob", test_negotiation_oob);
    g_test_add_func("/qmp/errors/table", test_error_table);
    g_test_add_func("/qmp/errors/qom-path", test_error_table_qom);
    g_test_add_func("/qmp/id-echo", test_id_echo);
    g_test_add_func("/qmp/framing/split", test_framing_split);
    g_test_add_func("/qmp/framing/batch", test_framing_batch);
    g_test_add_func("/qmp/framing/crlf", test_framing_crlf);
    g_test_add_func("/qmp/limits/size", test_limit_size);
    g_test_add_func("/qmp/limits/depth", test_limit_depth);
    g_test_add_func("/qmp/malformed-recovery", test_malformed_recovery);
    g_test_add_func("/qmp/object-add/lifecycle", test_object_add_lifecycle);
    g_test_add_func("/qmp/introspection/query-commands", test_query_commands);
    g_test_add_func("/qmp/introspection/query-qmp-schema",
                    test_query_qmp_schema);
    return g_test_run();
}
