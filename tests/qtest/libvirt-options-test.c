/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The options libvirt 9.0 puts on a domain's command line, one by one:
 * -object secret and memory-backend-ram, the machine members usb,
 * dump-guest-core and memory-backend, -device isa-serial (JSON and
 * key=value), a file chardev on /dev/fdset/N, and the host-local options
 * passed to QEMU (-overcommit, -msg, -audiodev, -sandbox).  Acceptance
 * and effect on the built-in machine, every refusal's text, and the
 * whole set through a real QEMU (skipped when qemu-system-x86_64 is not
 * installed).  tests/interop/libvirt-test.py runs libvirt itself.
 */

#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libqtest.h"

static JsonObject *ret_object(JsonObject *reply)
{
    g_assert_true(json_object_has_member(reply, "return"));
    return json_object_get_object_member(reply, "return");
}

static JsonNode *qom_get(QTestState *s, const char *path, const char *prop)
{
    return qtest_qmp_assert_success_ref(
        s,
        "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"%s\", "
        "\"property\": \"%s\"}}",
        path, prop);
}

/* qmpd @args must exit 1 with one stderr line containing @reason. */
static void assert_refused(const char *args, const char *reason)
{
    g_autofree char *cmd = g_strdup_printf("%s %s", qtest_binary(), args);
    g_auto(GStrv) argv = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) gerr = NULL;
    int status = 0;

    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &gerr));
    g_test_message("%s -> %s", args, err);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    g_assert_nonnull(strstr(err, reason));
    g_assert_cmpint(strchr(err, '\n') - err + 1, ==, (int)strlen(err));
}

static void test_secret(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *key = g_build_filename(dir, "key", NULL);
    g_autofree char *args = NULL;
    g_autoptr(JsonNode) loaded = NULL;
    g_autoptr(JsonNode) format = NULL;
    QTestState *s;

    g_assert_true(g_file_set_contents(key, "c2VjcmV0", -1, NULL));
    args = g_strdup_printf(
        "-object secret,id=s0,data=abc "
        "-object '{\"qom-type\":\"secret\",\"id\":\"s1\",\"format\":"
        "\"base64\",\"file\":\"%s\"}'",
        key);
    s = qtest_init(args);
    loaded = qom_get(s, "/objects/s0", "loaded");
    g_assert_true(json_node_get_boolean(loaded));
    format = qom_get(s, "/objects/s1", "format");
    g_assert_cmpstr(json_node_get_string(format), ==, "base64");
    /* frozen once loaded */
    qtest_qmp_assert_error(s, "GenericError", "cannot change property value",
                           "{\"execute\": \"qom-set\", \"arguments\": "
                           "{\"path\": \"/objects/s0\", \"property\": "
                           "\"data\", \"value\": \"x\"}}");
    qtest_qmp_assert_error(s, "GenericError",
                           "either 'data' or 'file' must be set",
                           "{\"execute\": \"object-add\", \"arguments\": "
                           "{\"qom-type\": \"secret\", \"id\": \"e1\"}}");
    qtest_qmp_assert_error(s, "GenericError",
                           "'data' and 'file' are mutually exclusive",
                           "{\"execute\": \"object-add\", \"arguments\": "
                           "{\"qom-type\": \"secret\", \"id\": \"e2\", "
                           "\"data\": \"a\", \"file\": \"/x\"}}");
    qtest_qmp_assert_error(s, "GenericError",
                           "Secret 'data' is not valid base64",
                           "{\"execute\": \"object-add\", \"arguments\": "
                           "{\"qom-type\": \"secret\", \"id\": \"e3\", "
                           "\"data\": \"a!\", \"format\": \"base64\"}}");
    qtest_quit(s);
    unlink(key);
    qtest_remove_tmpdir(dir);

    assert_refused("-object secret,id=k,file=/nonexistent/key",
                   "-object secret,id=k,file=/nonexistent/key: Unable to "
                   "read /nonexistent/key: ");
    assert_refused("-object secret,id=k,data=a,keyid=m",
                   "encrypted secrets ('keyid') are not supported");
    assert_refused("-object secret,id=k,data=a,format=hex",
                   "Parameter 'format' does not accept value 'hex'");
    assert_refused("-object bogus,id=x", "invalid object type: bogus");
    assert_refused("-object secret,data=a", "Parameter 'id' is missing");
    assert_refused("-object id=x", "Parameter 'qom-type' is missing");
    assert_refused("-object '{\"qom-type\":\"secret\"'", "-object {");
}

/* The RAM comes from the backend object, which is then in use. */
static void test_memory_backend(void)
{
    QTestState *s = qtest_init(
        "-object memory-backend-ram,id=pc.ram,size=64M -m 64 "
        "-machine pc,usb=off,dump-guest-core=off,memory-backend=pc.ram");
    g_autoptr(JsonObject) reply =
        qtest_qmp(s, "{\"execute\": \"query-machine-config\"}");
    JsonObject *cfg =
        json_object_get_object_member(ret_object(reply), "config");
    g_autoptr(JsonNode) dump = qom_get(s, "/machine", "dump-guest-core");

    g_assert_cmpstr(json_object_get_string_member(cfg, "memory-backend"), ==,
                    "pc.ram");
    g_assert_false(json_object_get_boolean_member(cfg, "usb"));
    g_assert_false(json_node_get_boolean(dump));
    qtest_qmp_assert_error(s, "GenericError",
                           "object 'pc.ram' is in use, can not be deleted",
                           "{\"execute\": \"object-del\", \"arguments\": "
                           "{\"id\": \"pc.ram\"}}");
    qtest_quit(s);

    assert_refused("-machine memory-backend=nope",
                   "memory-backend: no memory backend object 'nope'");
    assert_refused("-object memory-backend-ram,id=r,size=32M -m 64 "
                   "-machine memory-backend=r",
                   "memory-backend: the size of 'r' (33554432) differs from "
                   "memory.size (67108864)");
    assert_refused("-object memory-backend-ram,id=r,size=lots",
                   "Parameter 'size' expects a size");
    assert_refused("-machine usb=on",
                   "usb: the built-in machine has no USB controller");
    assert_refused("-machine usb=maybe", "usb");
}

static void assert_peripheral(QTestState *s, const char *id)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", id);
    g_autoptr(JsonNode) type = qom_get(s, path, "type");

    g_assert_cmpstr(json_node_get_string(type), ==, "isa-serial");
}

/* -device isa-serial is the COM port -serial gives, at its index. */
static void test_isa_serial(void)
{
    QTestState *s = qtest_init_with_fds(
        "-chardev null,id=c0 -chardev null,id=c1 -serial chardev:c0 "
        "-device '{\"driver\":\"isa-serial\",\"chardev\":\"c1\",\"id\":"
        "\"serial3\",\"index\":3}' -device isa-serial,id=com2",
        QTEST_INIT_QTEST, NULL, 0);

    assert_peripheral(s, "serial3");
    assert_peripheral(s, "com2");
    /* COM4 (0x2e8) and COM2 (0x2f8) answer: their scratch registers. */
    qtest_outb(s, 0x2ef, 0x5a);
    g_assert_cmpint(qtest_inb(s, 0x2ef), ==, 0x5a);
    qtest_outb(s, 0x2ff, 0xa5);
    g_assert_cmpint(qtest_inb(s, 0x2ff), ==, 0xa5);
    qtest_quit(s);

    assert_refused("-device e1000", "'e1000' is not a valid device model name");
    assert_refused("-device isa-serial,chardev=nope",
                   "Property 'isa-serial.chardev' can't find value 'nope'");
    assert_refused("-device isa-serial,index=4",
                   "Max. supported number of ISA serial ports is 4");
    assert_refused("-serial null -device isa-serial,index=0",
                   "ISA serial port 0 is already in use");
    assert_refused("-device isa-serial,id=a -device isa-serial,id=a",
                   "Duplicate device ID 'a'");
    assert_refused("-device isa-serial,iobase=0x3f8",
                   "Property 'isa-serial.iobase' not found");
    assert_refused("-device isa-serial,index=-1",
                   "Parameter 'index' expects uint32");
}

/* A file chardev writes to the descriptor -add-fd put in the set. */
static void test_fdset_chardev(void)
{
    g_autofree char *dir = qtest_make_tmpdir();
    g_autofree char *path = g_build_filename(dir, "out", NULL);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    g_autofree char *args =
        g_strdup_printf("-add-fd set=0,fd=%d,opaque=serial0-source "
                        "-chardev file,id=f0,path=/dev/fdset/0,append=on "
                        "-device isa-serial,chardev=f0,id=serial0,index=0",
                        fd);
    g_autofree char *got = NULL;
    QTestState *s = qtest_init_with_fds(args, QTEST_INIT_QTEST, &fd, 1);

    close(fd);
    qtest_outb(s, 0x3f8, 'Q');
    qtest_quit(s);
    g_assert_true(g_file_get_contents(path, &got, NULL, NULL));
    g_assert_cmpstr(got, ==, "Q");
    unlink(path);
    qtest_remove_tmpdir(dir);

    assert_refused("-chardev file,id=f,path=/dev/fdset/7",
                   "Failed to find fdset /dev/fdset/7");
}

static void test_host_options(void)
{
    /* Without an effect they are accepted on the built-in machine too. */
    QTestState *s =
        qtest_init("-overcommit mem-lock=off -msg timestamp=off "
                   "-audiodev '{\"id\":\"audio1\",\"driver\":\"none\"}' "
                   "-audiodev none,id=a2 -sandbox off");
    qtest_quit(s);

    assert_refused("-overcommit mem-lock=on", "the built-in machine");
    assert_refused("-sandbox on", "the built-in machine");
    assert_refused("-msg timestamp=on", "the built-in machine");
    assert_refused("-overcommit bogus=on", "Invalid parameter 'bogus'");
    assert_refused("-overcommit mem-lock=maybe",
                   "Parameter 'mem-lock' expects 'on' or 'off'");
    assert_refused("-sandbox on,spawn=maybe", "invalid argument for spawn");
    assert_refused("-msg timestamp=on,bogus=1", "Invalid parameter 'bogus'");
    assert_refused("-audiodev alsa,id=a",
                   "Audio driver 'alsa' is not available");
    assert_refused("-audiodev none", "Parameter 'id' is missing");
    assert_refused("-audiodev none,id=a,out.mixing-engine=off",
                   "Parameter 'out' is unexpected");
}

/* libvirt's domain options, all at once, through a real QEMU. */
static void test_through_qemu(void)
{
    g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
    g_autoptr(JsonObject) reply = NULL;
    g_autoptr(JsonObject) peripheral = NULL;
    g_autofree char *text = NULL;
    QTestState *s;

    if (qemu == NULL) {
        g_test_skip("qemu-system-x86_64 is not installed");
        return;
    }
    s = qtest_init(
        "-S -name guest=vm,debug-threads=on "
        "-object '{\"qom-type\":\"secret\",\"id\":\"masterKey0\","
        "\"format\":\"raw\",\"data\":\"k\"}' "
        "-machine pc-i440fx-7.2,usb=off,dump-guest-core=off,"
        "memory-backend=pc.ram -accel tcg -m 64 "
        "-object '{\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\","
        "\"size\":67108864}' -overcommit mem-lock=off "
        "-chardev null,id=charserial0 "
        "-device '{\"driver\":\"isa-serial\",\"chardev\":\"charserial0\","
        "\"id\":\"serial0\",\"index\":0}' "
        "-audiodev '{\"id\":\"audio1\",\"driver\":\"none\"}' "
        "-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
        "resourcecontrol=deny -msg timestamp=on");
    /* forwarded: QEMU's own tree has the port under its id */
    peripheral = qtest_qmp(s, "{\"execute\": \"qom-list\", \"arguments\": "
                              "{\"path\": \"/machine/peripheral\"}}");
    text = qtest_json_to_string(peripheral);
    g_assert_nonnull(strstr(text, "\"serial0\""));
    reply = qtest_qmp(s, "{\"execute\": \"query-memdev\"}");
    g_free(text);
    text = qtest_json_to_string(reply);
    g_assert_nonnull(strstr(text, "pc.ram"));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/libvirt-options/secret", test_secret);
    g_test_add_func("/libvirt-options/memory-backend", test_memory_backend);
    g_test_add_func("/libvirt-options/isa-serial", test_isa_serial);
    g_test_add_func("/libvirt-options/fdset-chardev", test_fdset_chardev);
    g_test_add_func("/libvirt-options/host-options", test_host_options);
    g_test_add_func("/libvirt-options/through-qemu", test_through_qemu);
    return g_test_run();
}
