/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The probing surface management tools use first (query-machines,
 * query-cpus-fast, device-list-properties, yank, ...): shapes, values
 * tied to the configuration, and refusals with their class and text.
 * The last cases compare key sets with a reference QEMU and skip, with
 * the reason, when none is installed.
 */
#include "prelude.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libqtest.h"

static JsonArray *ret_array(JsonNode *ret)
{
    g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
    return json_node_get_array(ret);
}

static JsonObject *find_named(JsonArray *arr, const char *key,
                              const char *value)
{
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        if (g_strcmp0(json_object_get_string_member_with_default(o, key, NULL),
                      value) == 0) {
            return o;
        }
    }
    return NULL;
}

static void test_version(void)
{
    g_autoptr(QTestState) s = qtest_init("-nodefaults");
    g_autoptr(JsonNode) ret =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-version\"}");
    JsonObject *v = json_node_get_object(ret);
    JsonObject *q = json_object_get_object_member(v, "qemu");

    g_assert_cmpint(json_object_get_int_member(q, "major"), ==, 7);
    g_assert_cmpint(json_object_get_int_member(q, "minor"), ==, 2);
    g_assert_cmpint(json_object_get_int_member(q, "micro"), ==, 0);
    g_assert_true(
        g_str_has_prefix(json_object_get_string_member(v, "package"), "qmpd "));
}

static void test_machines(void)
{
    g_autoptr(QTestState) s = qtest_init("-nodefaults");
    g_autoptr(JsonNode) ret =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-machines\"}");
    JsonArray *arr = ret_array(ret);
    JsonObject *pc = find_named(arr, "name", "pc-i440fx-7.2");
    JsonObject *none = find_named(arr, "name", "none");

    g_assert_nonnull(pc);
    g_assert_cmpstr(json_object_get_string_member(pc, "alias"), ==, "pc");
    g_assert_true(json_object_get_boolean_member(pc, "is-default"));
    g_assert_cmpint(json_object_get_int_member(pc, "cpu-max"), ==, 255);
    g_assert_true(json_object_get_boolean_member(pc, "hotpluggable-cpus"));
    g_assert_false(json_object_get_boolean_member(pc, "numa-mem-supported"));
    g_assert_false(json_object_get_boolean_member(pc, "deprecated"));
    g_assert_cmpstr(json_object_get_string_member(pc, "default-cpu-type"), ==,
                    "qemu64-x86_64-cpu");
    g_assert_cmpstr(json_object_get_string_member(pc, "default-ram-id"), ==,
                    "pc.ram");

    g_assert_nonnull(none);
    g_assert_false(json_object_has_member(none, "is-default"));
    g_assert_false(json_object_has_member(none, "alias"));
    g_assert_false(json_object_has_member(none, "default-cpu-type"));
    g_assert_cmpint(json_object_get_int_member(none, "cpu-max"), ==, 1);
    g_assert_false(json_object_get_boolean_member(none, "hotpluggable-cpus"));
    g_assert_cmpstr(json_object_get_string_member(none, "default-ram-id"), ==,
                    "ram");
}

static void test_target_and_kvm(void)
{
    g_autoptr(QTestState) s = qtest_init("-nodefaults");
    g_autoptr(JsonNode) target =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-target\"}");
    g_autoptr(JsonNode) kvm =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-kvm\"}");
    JsonObject *k = json_node_get_object(kvm);

    g_assert_cmpstr(
        json_object_get_string_member(json_node_get_object(target), "arch"), ==,
        "x86_64");
    /* The built-in machine runs under qtest, never KVM. */
    g_assert_false(json_object_get_boolean_member(k, "enabled"));
    g_assert_cmpint(json_object_get_boolean_member(k, "present"), ==,
                    access("/dev/kvm", R_OK | W_OK) == 0);
}

static void assert_props(JsonObject *props, int64_t socket, int64_t core,
                         int64_t thread)
{
    g_assert_cmpint(json_object_get_int_member(props, "socket-id"), ==, socket);
    g_assert_cmpint(json_object_get_int_member(props, "core-id"), ==, core);
    g_assert_cmpint(json_object_get_int_member(props, "thread-id"), ==, thread);
    g_assert_false(json_object_has_member(props, "die-id"));
}

static void test_cpus(void)
{
    g_autoptr(QTestState) s =
        qtest_init("-nodefaults -smp 3,maxcpus=4,sockets=2,cores=2,threads=1");
    g_autoptr(JsonNode) fast =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-cpus-fast\"}");
    g_autoptr(JsonNode) slots = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-hotpluggable-cpus\"}");
    JsonArray *cpus = ret_array(fast);
    JsonArray *hp = ret_array(slots);
    static const int64_t topo[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};

    g_assert_cmpuint(json_array_get_length(cpus), ==, 3);
    for (guint i = 0; i < 3; i++) {
        JsonObject *c = json_array_get_object_element(cpus, i);
        const char *path = json_object_get_string_member(c, "qom-path");
        g_autofree char *want =
            g_strdup_printf("/machine/unattached/device[%u]", i);
        g_autoptr(JsonNode) type = NULL;

        g_assert_cmpint(json_object_get_int_member(c, "cpu-index"), ==, i);
        g_assert_cmpstr(path, ==, want);
        g_assert_cmpstr(json_object_get_string_member(c, "target"), ==,
                        "x86_64");
        g_assert_cmpint(json_object_get_int_member(c, "thread-id"), ==,
                        qtest_pid(s));
        assert_props(json_object_get_object_member(c, "props"), topo[i][0],
                     topo[i][1], 0);
        /* The path is a real object of the model's type. */
        type = qtest_qmp_assert_success_ref(
            s,
            "{\"execute\": \"qom-get\", \"arguments\": "
            "{\"path\": \"%s\", \"property\": \"type\"}}",
            path);
        g_assert_cmpstr(json_node_get_string(type), ==, "qemu64-x86_64-cpu");
    }

    /* Every possible CPU, highest index first; the absent one has no path. */
    g_assert_cmpuint(json_array_get_length(hp), ==, 4);
    for (guint n = 0; n < 4; n++) {
        JsonObject *slot = json_array_get_object_element(hp, n);
        guint idx = 3 - n;

        g_assert_cmpstr(json_object_get_string_member(slot, "type"), ==,
                        "qemu64-x86_64-cpu");
        g_assert_cmpint(json_object_get_int_member(slot, "vcpus-count"), ==, 1);
        assert_props(json_object_get_object_member(slot, "props"), topo[idx][0],
                     topo[idx][1], 0);
        g_assert_cmpint(json_object_has_member(slot, "qom-path"), ==, idx < 3);
    }
}

static void test_cpus_model_and_none(void)
{
    g_autoptr(QTestState) s = qtest_init("-nodefaults -cpu max,+avx -smp 2");
    g_autoptr(QTestState) none = qtest_init("-nodefaults -M none");
    g_autoptr(JsonNode) fast =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-cpus-fast\"}");
    g_autoptr(JsonNode) type = NULL;
    g_autoptr(JsonNode) empty = qtest_qmp_assert_success_ref(
        none, "{\"execute\": \"query-cpus-fast\"}");
    g_autoptr(QTestState) bad = NULL;

    g_assert_cmpuint(json_array_get_length(ret_array(fast)), ==, 2);
    type = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"qom-get\", \"arguments\": "
           "{\"path\": \"/machine/unattached/device[1]\", "
           "\"property\": \"type\"}}");
    g_assert_cmpstr(json_node_get_string(type), ==, "max-x86_64-cpu");

    g_assert_cmpuint(json_array_get_length(ret_array(empty)), ==, 0);
    qtest_qmp_assert_error(
        none, "GenericError",
        "The feature 'query-hotpluggable-cpus' is not enabled",
        "{\"execute\": \"query-hotpluggable-cpus\"}");

    /* An unknown model fails machine creation with QEMU's text. */
    bad = qtest_init("-nodefaults -S -preconfig");
    qtest_qmp_assert_success(bad, "{\"execute\": \"machine-set\", "
                                  "\"arguments\": {\"cpu\": \"no-such\"}}");
    qtest_qmp_assert_error(bad, "GenericError",
                           "unable to find CPU model 'no-such'",
                           "{\"execute\": \"x-exit-preconfig\"}");
}

static void test_cpu_models(void)
{
    g_autoptr(QTestState) s = qtest_init("-nodefaults");
    g_autoptr(JsonNode) defs = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-cpu-definitions\"}");
    JsonArray *arr = ret_array(defs);
    JsonObject *qemu64 = find_named(arr, "name", "qemu64");
    JsonObject *base = find_named(arr, "name", "base");
    JsonObject *max = find_named(arr, "name", "max");

    g_assert_cmpuint(json_array_get_length(arr), >=, 100);
    g_assert_nonnull(find_named(arr, "name", "host"));
    g_assert_nonnull(qemu64);
    g_assert_cmpstr(json_object_get_string_member(qemu64, "typename"), ==,
                    "qemu64-x86_64-cpu");
    g_assert_cmpstr(json_object_get_string_member(qemu64, "alias-of"), ==,
                    "qemu64-v1");
    g_assert_true(json_object_get_boolean_member(qemu64, "migration-safe"));
    g_assert_false(json_object_has_member(qemu64, "unavailable-features"));
    g_assert_true(json_object_get_boolean_member(base, "static"));
    g_assert_false(json_object_get_boolean_member(max, "migration-safe"));

    qtest_qmp_assert_error(
        s, "GenericError", "CPU model 'nope' not found",
        "{\"execute\": \"query-cpu-model-expansion\", \"arguments\": "
        "{\"type\": \"full\", \"model\": {\"name\": \"nope\"}}}");
    qtest_qmp_assert_error(
        s, "GenericError",
        "CPU model expansion is not available before QEMU runs the guest: "
        "qmpd does not model CPU features",
        "{\"execute\": \"query-cpu-model-expansion\", \"arguments\": "
        "{\"type\": \"static\", \"model\": {\"name\": \"qemu64\"}}}");
    qtest_qmp_assert_error(
        s, "GenericError", "Parameter 'type' does not accept value 'nope'",
        "{\"execute\": \"query-cpu-model-expansion\", \"arguments\": "
        "{\"type\": \"nope\", \"model\": {\"name\": \"qemu64\"}}}");
    qtest_qmp_assert_error(s, "GenericError", "KVM not enabled",
                           "{\"execute\": \"query-sev-capabilities\"}");
}

static JsonObject *param_named(JsonObject *opt, const char *name)
{
    return find_named(json_object_get_array_member(opt, "parameters"), "name",
                      name);
}

static void test_command_line_options(void)
{
    g_autoptr(QTestState) s = qtest_init("-nodefaults -preconfig");
    g_autoptr(JsonNode) all = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-command-line-options\"}");
    g_autoptr(JsonNode) one = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-command-line-options\", "
           "\"arguments\": {\"option\": \"memory\"}}");
    JsonArray *arr = ret_array(all);
    JsonObject *machine = find_named(arr, "option", "machine");
    JsonObject *smp = find_named(arr, "option", "smp-opts");
    JsonObject *mem;

    g_assert_nonnull(machine);
    g_assert_cmpstr(
        json_object_get_string_member(param_named(machine, "type"), "type"), ==,
        "string");
    g_assert_cmpstr(
        json_object_get_string_member(param_named(smp, "maxcpus"), "type"), ==,
        "number");
    g_assert_nonnull(find_named(arr, "option", "chardev"));
    g_assert_nonnull(find_named(arr, "option", "mon"));

    g_assert_cmpuint(json_array_get_length(ret_array(one)), ==, 1);
    mem = json_array_get_object_element(ret_array(one), 0);
    g_assert_cmpstr(json_object_get_string_member(mem, "option"), ==, "memory");
    g_assert_cmpstr(
        json_object_get_string_member(param_named(mem, "size"), "type"), ==,
        "size");

    qtest_qmp_assert_error(s, "GenericError", "invalid option name: nope",
                           "{\"execute\": \"query-command-line-options\", "
                           "\"arguments\": {\"option\": \"nope\"}}");
}

static void assert_empty_list(QTestState *s, const char *cmd)
{
    g_autoptr(JsonNode) ret =
        qtest_qmp_assert_success_ref(s, "{\"execute\": \"%s\"}", cmd);

    g_assert_cmpuint(json_array_get_length(ret_array(ret)), ==, 0);
}

static void test_empty_lists(void)
{
    g_autoptr(QTestState) s = qtest_init("-nodefaults");

    assert_empty_list(s, "query-iothreads");
    assert_empty_list(s, "query-tpm-models");
    assert_empty_list(s, "query-tpm-types");
    assert_empty_list(s, "query-pci");
}

static void test_memdev(void)
{
    g_autoptr(QTestState) s = qtest_init("-nodefaults -m 256");
    g_autoptr(QTestState) none = qtest_init("-nodefaults -M none");
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *ram;
    JsonObject *user;

    qtest_qmp_assert_success(s, "{\"execute\": \"object-add\", \"arguments\": "
                                "{\"qom-type\": \"memory-backend-ram\", "
                                "\"id\": \"m0\", \"size\": 1048576, "
                                "\"share\": true}}");
    ret = qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-memdev\"}");
    g_assert_cmpuint(json_array_get_length(ret_array(ret)), ==, 2);
    ram = find_named(ret_array(ret), "id", "pc.ram");
    g_assert_nonnull(ram);
    g_assert_cmpint(json_object_get_int_member(ram, "size"), ==, 256 << 20);
    g_assert_true(json_object_get_boolean_member(ram, "merge"));
    g_assert_false(json_object_get_boolean_member(ram, "share"));
    g_assert_cmpstr(json_object_get_string_member(ram, "policy"), ==,
                    "default");
    user = find_named(ret_array(ret), "id", "m0");
    g_assert_nonnull(user);
    g_assert_cmpint(json_object_get_int_member(user, "size"), ==, 1048576);
    g_assert_true(json_object_get_boolean_member(user, "share"));

    assert_empty_list(none, "query-memdev");
}

static void test_device_list_properties(void)
{
    g_autoptr(QTestState) s = qtest_init("-nodefaults");
    g_autoptr(JsonNode) cpu = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"device-list-properties\", "
           "\"arguments\": {\"typename\": \"Skylake-Client-x86_64-cpu\"}}");
    g_autoptr(JsonNode) rtc = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"device-list-properties\", "
           "\"arguments\": {\"typename\": \"mc146818rtc\"}}");

    g_assert_nonnull(find_named(ret_array(cpu), "name", "core-id"));
    g_assert_null(find_named(ret_array(cpu), "name", "type"));
    g_assert_null(find_named(ret_array(rtc), "name", "type"));

    qtest_qmp_assert_error(s, "DeviceNotFound", "Device 'nope' not found",
                           "{\"execute\": \"device-list-properties\", "
                           "\"arguments\": {\"typename\": \"nope\"}}");
    qtest_qmp_assert_error(
        s, "GenericError",
        "Parameter 'typename' expects a non-abstract device type",
        "{\"execute\": \"device-list-properties\", "
        "\"arguments\": {\"typename\": \"memory-backend-ram\"}}");
    qtest_qmp_assert_error(
        s, "GenericError",
        "Parameter 'typename' expects a non-abstract device type",
        "{\"execute\": \"device-list-properties\", "
        "\"arguments\": {\"typename\": \"x86_64-cpu\"}}");
}

static void test_qom_types(void)
{
    g_autoptr(QTestState) s = qtest_init("-nodefaults -preconfig");
    g_autoptr(JsonNode) accels = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"qom-list-types\", "
           "\"arguments\": {\"implements\": \"accel\"}}");
    g_autoptr(JsonNode) file = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"qom-list-properties\", "
           "\"arguments\": {\"typename\": \"memory-backend-file\"}}");
    static const char *const names[] = {"qtest-accel", "tcg-accel",
                                        "kvm-accel"};

    g_assert_cmpuint(json_array_get_length(ret_array(accels)), ==, 3);
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        JsonObject *t = find_named(ret_array(accels), "name", names[i]);

        g_assert_nonnull(t);
        g_assert_cmpstr(json_object_get_string_member(t, "parent"), ==,
                        "accel");
    }
    g_assert_nonnull(find_named(ret_array(file), "name", "mem-path"));
    g_assert_nonnull(find_named(ret_array(file), "name", "size"));
    qtest_qmp_assert_error(
        s, "GenericError",
        "'memory-backend-file' is not supported: qmpd backs guest RAM with "
        "anonymous or memfd memory only",
        "{\"execute\": \"object-add\", \"arguments\": "
        "{\"qom-type\": \"memory-backend-file\", \"id\": \"f0\", "
        "\"size\": 1048576, \"mem-path\": \"/dev/shm/x\"}}");
    qtest_qmp_assert_error(s, "DeviceNotFound",
                           "Device '/objects/f0' not found",
                           "{\"execute\": \"qom-get\", \"arguments\": "
                           "{\"path\": \"/objects/f0\", \"property\": "
                           "\"type\"}}");
}

static void assert_qom_get(QTestState *s, const char *prop, const char *json)
{
    g_autoptr(JsonNode) ret = qtest_qmp_assert_success_ref(
        s,
        "{\"execute\": \"qom-get\", \"arguments\": "
        "{\"path\": \"/machine\", \"property\": \"%s\"}}",
        prop);
    g_autofree char *text = json_to_string(ret, FALSE);

    g_assert_cmpstr(text, ==, json);
}

static void test_qom_get_unset(void)
{
    g_autoptr(QTestState) s = qtest_init("-nodefaults");
    g_autoptr(QTestState) u =
        qtest_init("-nodefaults -uuid 12345678-1234-1234-1234-123456789abc");

    assert_qom_get(s, "uuid", "\"00000000-0000-0000-0000-000000000000\"");
    assert_qom_get(s, "fw-cfg", "[]");
    assert_qom_get(s, "acpitable", "[]");
    assert_qom_get(s, "semihosting-config", "{}");
    assert_qom_get(s, "kernel", "\"\"");
    assert_qom_get(u, "uuid", "\"12345678-1234-1234-1234-123456789abc\"");
}

static void test_yank(void)
{
    g_autoptr(QTestState) s = NULL;
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *path = g_build_filename(dir, "c.sock", NULL);
    g_autofree char *args = g_strdup_printf(
        "-nodefaults -chardev socket,id=c0,path=%s,server=on,wait=off "
        "-chardev null,id=n0",
        path);
    g_autoptr(JsonNode) list = NULL;
    g_autoptr(JsonObject) reply = NULL;
    JsonObject *inst;
    char byte;
    int fd;

    s = qtest_init_without_qmp_handshake(args);
    qtest_qmp_assert_success(s, "{\"execute\": \"qmp_capabilities\", "
                                "\"arguments\": {\"enable\": [\"oob\"]}}");
    list = qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-yank\"}");
    inst = find_named(ret_array(list), "id", "c0");
    g_assert_nonnull(inst);
    g_assert_cmpstr(json_object_get_string_member(inst, "type"), ==, "chardev");
    g_assert_null(find_named(ret_array(list), "id", "n0"));
    g_assert_null(find_named(ret_array(list), "type", "migration"));

    fd = qtest_unix_connect(path);
    g_assert_cmpint(fd, >=, 0);
    /* Give the server the connection before yanking it. */
    qtest_qmp_assert_success(s, "{\"execute\": \"query-status\"}");
    /* Out of band: the point of yank is to work while a request waits. */
    qtest_qmp_send(s, "{\"exec-oob\": \"yank\", \"id\": \"y\", \"arguments\": "
                      "{\"instances\": [{\"type\": \"chardev\", "
                      "\"id\": \"c0\"}]}}");
    reply = qtest_qmp_receive(s);
    g_assert_true(json_object_has_member(reply, "return"));
    g_assert_cmpstr(json_object_get_string_member(reply, "id"), ==, "y");
    g_assert_cmpint(read(fd, &byte, 1), ==, 0);
    close(fd);

    /* All or nothing: one unknown instance, nothing is yanked. */
    qtest_qmp_assert_error(s, "DeviceNotFound", "Instance not found",
                           "{\"execute\": \"yank\", \"arguments\": "
                           "{\"instances\": [{\"type\": \"chardev\", "
                           "\"id\": \"n0\"}]}}");
    qtest_qmp_assert_error(s, "DeviceNotFound", "Instance not found",
                           "{\"execute\": \"yank\", \"arguments\": "
                           "{\"instances\": [{\"type\": \"migration\"}]}}");
    qtest_qmp_assert_success(
        s, "{\"execute\": \"yank\", \"arguments\": {\"instances\": []}}");
    qtest_quit(g_steal_pointer(&s));
    qtest_remove_tmpdir(dir);
}

static void test_oob_commands(void)
{
    g_autoptr(QTestState) s = qtest_init_without_qmp_handshake("-nodefaults");
    g_autoptr(JsonObject) schema = NULL;
    g_autoptr(JsonObject) r = NULL;
    JsonArray *entries;
    guint oob = 0;

    qtest_qmp_assert_success(s, "{\"execute\": \"qmp_capabilities\", "
                                "\"arguments\": {\"enable\": [\"oob\"]}}");
    schema = qtest_qmp(s, "{\"execute\": \"query-qmp-schema\"}");
    entries = json_object_get_array_member(schema, "return");
    for (guint i = 0; i < json_array_get_length(entries); i++) {
        JsonObject *e = json_array_get_object_element(entries, i);
        const char *name = json_object_get_string_member(e, "name");

        if (json_object_get_boolean_member_with_default(e, "allow-oob",
                                                        false)) {
            g_assert_true(g_str_equal(name, "yank") ||
                          g_str_equal(name, "query-yank") ||
                          g_str_equal(name, "migrate-pause"));
            oob++;
        }
    }
    g_assert_cmpuint(oob, ==, 3);
    qtest_qmp_send(s, "{\"exec-oob\": \"migrate-pause\", \"id\": 7}");
    r = qtest_qmp_receive(s);
    g_assert_cmpstr(qtest_reply_error_class(r), ==, "GenericError");
    g_assert_cmpstr(qtest_reply_error_desc(r), ==,
                    "migrate-pause is currently only supported during "
                    "postcopy-active state");
    g_assert_cmpint(json_object_get_int_member(r, "id"), ==, 7);
    /* A command without allow-oob is still refused out of band. */
    qtest_qmp_assert_error(s, "GenericError",
                           "The command query-status does not support OOB",
                           "{\"exec-oob\": \"query-status\"}");
}

/* ---- against a reference QEMU ---- */

static QTestState *reference_or_skip(void)
{
    const char *env = g_getenv("QMPD_REFERENCE_BINARY");
    const char *bin = env != NULL && *env ? env : "qemu-system-x86_64";
    g_autofree char *path = g_find_program_in_path(bin);
    g_autoptr(GError) err = NULL;
    QTestState *ref;

    if (path == NULL) {
        g_autofree char *why = g_strdup_printf("%s not installed", bin);

        g_test_skip(why);
        return NULL;
    }
    ref = qtest_init_full(path, "-M none -nodefaults",
                          QTEST_INIT_NO_EXIT_WITH_PARENT, &err);
    g_assert_no_error(err);
    return ref;
}

static char *sorted_keys(JsonObject *obj)
{
    g_autoptr(GList) members = json_object_get_members(obj);
    g_autoptr(GString) out = g_string_new(NULL);

    members = g_list_sort(members, (GCompareFunc)strcmp);
    for (GList *l = members; l != NULL; l = l->next) {
        g_string_append_printf(out, "%s ", (const char *)l->data);
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static void test_reference_machine_keys(void)
{
    g_autoptr(QTestState) ref = reference_or_skip();
    g_autoptr(QTestState) s = NULL;
    g_autoptr(JsonNode) theirs = NULL;
    g_autoptr(JsonNode) ours = NULL;
    g_autofree char *tk = NULL;
    g_autofree char *ok = NULL;

    if (ref == NULL) {
        return;
    }
    s = qtest_init("-nodefaults");
    theirs = qtest_qmp_assert_success_ref(ref, "{\"execute\": "
                                               "\"query-machines\"}");
    ours = qtest_qmp_assert_success_ref(s, "{\"execute\": \"query-machines\"}");
    for (guint i = 0; i < 2; i++) {
        const char *name = i == 0 ? "pc-i440fx-7.2" : "none";

        tk = sorted_keys(find_named(ret_array(theirs), "name", name));
        ok = sorted_keys(find_named(ret_array(ours), "name", name));
        g_assert_cmpstr(ok, ==, tk);
        g_clear_pointer(&tk, g_free);
        g_clear_pointer(&ok, g_free);
    }
}

/* Every parameter qmpd lists for an option QEMU also has, QEMU lists too. */
static void test_reference_option_params(void)
{
    g_autoptr(QTestState) ref = reference_or_skip();
    g_autoptr(QTestState) s = NULL;
    g_autoptr(JsonNode) theirs = NULL;
    g_autoptr(JsonNode) ours = NULL;
    static const char *const same[] = {"smp-opts", "boot-opts", "memory",
                                       "rtc",      "mon",       "fw_cfg"};
    guint compared = 0;

    if (ref == NULL) {
        return;
    }
    s = qtest_init("-nodefaults");
    theirs = qtest_qmp_assert_success_ref(
        ref, "{\"execute\": \"query-command-line-options\"}");
    ours = qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-command-line-options\"}");
    for (guint i = 0; i < json_array_get_length(ret_array(ours)); i++) {
        JsonObject *o = json_array_get_object_element(ret_array(ours), i);
        const char *option = json_object_get_string_member(o, "option");
        JsonObject *q = find_named(ret_array(theirs), "option", option);
        JsonArray *params = json_object_get_array_member(o, "parameters");

        if (q == NULL || g_str_equal(option, "machine")) {
            continue; /* qmpd's -M takes members QEMU's does not */
        }
        for (guint j = 0; j < json_array_get_length(params); j++) {
            JsonObject *p = json_array_get_object_element(params, j);
            const char *pname = json_object_get_string_member(p, "name");
            JsonObject *qp = param_named(q, pname);

            g_test_message("%s.%s", option, pname);
            g_assert_nonnull(qp);
            g_assert_cmpstr(json_object_get_string_member(p, "type"), ==,
                            json_object_get_string_member(qp, "type"));
        }
        compared++;
    }
    g_assert_cmpuint(compared, >=, G_N_ELEMENTS(same));
    /* For these the two lists are the same size, so the same set. */
    for (gsize i = 0; i < G_N_ELEMENTS(same); i++) {
        JsonObject *o = find_named(ret_array(ours), "option", same[i]);
        JsonObject *q = find_named(ret_array(theirs), "option", same[i]);

        g_assert_cmpuint(json_array_get_length(
                             json_object_get_array_member(o, "parameters")),
                         ==,
                         json_array_get_length(
                             json_object_get_array_member(q, "parameters")));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/probe/version", test_version);
    g_test_add_func("/probe/machines", test_machines);
    g_test_add_func("/probe/target-and-kvm", test_target_and_kvm);
    g_test_add_func("/probe/cpus", test_cpus);
    g_test_add_func("/probe/cpus-model-and-none", test_cpus_model_and_none);
    g_test_add_func("/probe/cpu-models", test_cpu_models);
    g_test_add_func("/probe/command-line-options", test_command_line_options);
    g_test_add_func("/probe/empty-lists", test_empty_lists);
    g_test_add_func("/probe/memdev", test_memdev);
    g_test_add_func("/probe/device-list-properties",
                    test_device_list_properties);
    g_test_add_func("/probe/qom-types", test_qom_types);
    g_test_add_func("/probe/qom-get-unset", test_qom_get_unset);
    g_test_add_func("/probe/yank", test_yank);
    g_test_add_func("/probe/oob-commands", test_oob_commands);
    g_test_add_func("/probe/reference/machine-keys",
                    test_reference_machine_keys);
    g_test_add_func("/probe/reference/option-params",
                    test_reference_option_params);
    return g_test_run();
}
