/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A real guest through the QEMU backend: qmpd is configured (over QMP, or
 * with the legacy command line), hands the machine to qemu-system-x86_64,
 * and the Linux guest of tests/guest/ reports on its serial port what it
 * finds in its firmware: DMI, SMBIOS type 11, a user ACPI table, a fw_cfg
 * file, the RTC, the CPU count and the memory size.  Each must be what
 * qmpd was given.  The QMP client that configured the machine keeps
 * working while the guest runs.
 *
 * Skips, saying why, when qemu-system-x86_64 is not installed or the
 * guest (QMPD_GUEST_KERNEL, QMPD_GUEST_INITRD) was not built; the build
 * writes the reason to QMPD_GUEST_STATUS.  Standalone:
 *   QMPD_BINARY=build/system/qmpd build/tests/qtest/qemu-guest-test --tap
 * where the three QMPD_GUEST_* variables default to the files of the build
 * folder the test was compiled in (QMPD_GUEST_BUILD_DIR).
 *
 * The serial line format is described in tests/guest/README.md.
 */
#include "prelude.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "libqtest.h"
#include "qemu-guest-helpers.h"

#define REPORT_TIMEOUT_S 120

#define GUEST_UUID "a1b2c3d4-e5f6-4718-9a0b-1c2d3e4f5a6b"
#define GUEST_SERIAL "SER-123"
#define GUEST_VENDOR "Acme"
#define FWCFG_NAME "opt/qmpd/test"
#define FWCFG_PAYLOAD "fwcfg-payload-42"
#define ACPI_SIG "QMPT"
#define ACPI_OEM_ID "QMPD"
#define RTC_BASE "2020-02-29T12:34:56"
#define GUEST_MEM (256u << 20)
/* qmpd.hold=1: the guest waits for a console line before powering off. */
#define GUEST_APPEND                                                       \
    "console=ttyS0 panic=-1 qmpd.fwcfg=" FWCFG_NAME " qmpd.acpi=" ACPI_SIG \
    " qmpd.hold=1"

/* The body of the user ACPI table, binary on purpose (no final NUL). */
static const char acpi_body[] = "qmpd-body\x00\x01\x7f\x80\xfe\xff";
#define ACPI_BODY_LEN (sizeof(acpi_body) - 1)

static char *write_acpi_body(const char *dir)
{
    char *path = g_build_filename(dir, "qmpt.bin", NULL);

    g_assert_true(g_file_set_contents(path, acpi_body, ACPI_BODY_LEN, NULL));
    return path;
}

/* ---- the checks shared by both ways of configuring ---- */

static void assert_smbios_oem_strings(Report *r)
{
    g_autoptr(GByteArray) raw = report_bytes(r, "smbios.11-0");
    static const char want[] = "hello\0world\0"; /* then the final NUL */
    const uint8_t *strings;
    size_t hdr;

    /* type, formatted length, handle, count, then the string set. */
    g_assert_cmpuint(raw->len, >=, 5);
    g_assert_cmpuint(raw->data[0], ==, 11);
    hdr = raw->data[1];
    g_assert_cmpuint(hdr, >=, 5);
    g_assert_cmpuint(raw->data[4], ==, 2);
    g_assert_cmpuint(raw->len, ==, hdr + sizeof(want));
    strings = raw->data + hdr;
    g_assert_cmpmem(strings, sizeof(want), want, sizeof(want));
}

static void assert_acpi_table(Report *r)
{
    const char *key = "acpi." ACPI_SIG;
    g_autoptr(GByteArray) t = NULL;
    uint32_t length;
    uint8_t sum = 0;

    /* The kernel numbers tables that share a signature: QMPT1, ... */
    if (!g_hash_table_contains(r->values, "acpi." ACPI_SIG ".size")) {
        key = "acpi." ACPI_SIG "1";
    }
    t = report_bytes(r, key);
    g_assert_cmpuint(t->len, ==, 36 + ACPI_BODY_LEN);
    g_assert_cmpmem(t->data, 4, ACPI_SIG, 4);
    length = (uint32_t)t->data[4] | (uint32_t)t->data[5] << 8 |
             (uint32_t)t->data[6] << 16 | (uint32_t)t->data[7] << 24;
    g_assert_cmpuint(length, ==, t->len);
    for (guint i = 0; i < t->len; i++) {
        sum += t->data[i];
    }
    g_assert_cmpuint(sum, ==, 0);
    /* OEM id at 10, six bytes, padded (QEMU pads with NULs). */
    g_assert_cmpmem(t->data + 10, strlen(ACPI_OEM_ID), ACPI_OEM_ID,
                    strlen(ACPI_OEM_ID));
    for (size_t i = 10 + strlen(ACPI_OEM_ID); i < 16; i++) {
        g_assert_true(t->data[i] == 0 || t->data[i] == ' ');
    }
    g_assert_cmpmem(t->data + 36, t->len - 36, acpi_body, ACPI_BODY_LEN);
}

static void assert_rtc(Report *r)
{
    const char *hms = report_get(r, "rtc.time");
    unsigned h, m, sec;
    int since_base;

    assert_reported(r, "rtc.date", "2020-02-29");
    g_assert_cmpint(sscanf(hms, "%u:%u:%u", &h, &m, &sec), ==, 3);
    /* clock=vm: the RTC ran only for the guest's boot. */
    since_base = (int)(h * 3600 + m * 60 + sec) - (12 * 3600 + 34 * 60 + 56);
    if (since_base < 0 || since_base > 180) {
        g_error("guest RTC time %s is not shortly after 12:34:56", hms);
    }
}

static void assert_guest_report(Report *r)
{
    g_autoptr(GByteArray) fwcfg = NULL;
    guint64 mem_kb;

    assert_reported(r, "module.qemu_fw_cfg", "loaded");
    assert_reported(r, "dmi.sys_vendor", GUEST_VENDOR);
    assert_reported(r, "dmi.product_serial", GUEST_SERIAL);
    assert_reported(r, "dmi.product_uuid", GUEST_UUID);
    assert_smbios_oem_strings(r);
    assert_acpi_table(r);
    fwcfg = report_bytes(r, "fwcfg." FWCFG_NAME);
    g_assert_cmpmem(fwcfg->data, fwcfg->len, FWCFG_PAYLOAD,
                    strlen(FWCFG_PAYLOAD));
    assert_rtc(r);
    assert_reported(r, "cpus", "2");
    /* MemTotal leaves out what the kernel reserves: well above 128 MiB. */
    mem_kb = g_ascii_strtoull(report_get(r, "memtotal.kb"), NULL, 10);
    g_assert_cmpuint(mem_kb, >=, 160 * 1024);
    g_assert_cmpuint(mem_kb, <=, GUEST_MEM / 1024);
}

/*
 * From the hand-off on: the guest reports, the configuring client still
 * gets answers while the guest runs, and the guest's power-off ends it.
 * Consumes @s.
 */
static void check_guest(QTestState *s, int serial_fd)
{
    g_autoptr(Report) r = report_new();
    g_autoptr(JsonObject) ev = NULL;
    g_autofree char *status = NULL;

    report_wait(r, serial_fd, "done", REPORT_TIMEOUT_S);
    assert_guest_report(r);
    report_wait(r, serial_fd, "hold", 30);

    status = qtest_qmp_status(s);
    g_assert_cmpstr(status, ==, "running");
    {
        g_autoptr(JsonObject) reply =
            qtest_qmp(s, "{\"execute\": \"query-machine-config\"}");
        JsonObject *cfg;

        g_assert_true(json_object_has_member(reply, "return"));
        cfg = json_object_get_object_member(
            json_object_get_object_member(reply, "return"), "config");
        g_assert_cmpstr(json_object_get_string_member(cfg, "uuid"), ==,
                        GUEST_UUID);
    }

    /* Any line releases the guest, which powers off. */
    serial_write(serial_fd, "poweroff\n");
    ev = qtest_qmp_eventwait_ref(s, "SHUTDOWN");
    g_assert_true(json_object_get_boolean_member(
        json_object_get_object_member(ev, "data"), "guest"));
    qtest_quit(s);
}

/* ---- the cases ---- */

static void test_machine_set(void)
{
    g_auto(Guest) g = {0};
    g_autofree char *dir = NULL;
    g_autofree char *sock = NULL;
    g_autofree char *chardev = NULL;
    g_autofree char *quoted = NULL;
    g_autofree char *args = NULL;
    g_autofree char *body = NULL;
    g_autofree char *kernel = NULL;
    g_autofree char *initrd = NULL;
    g_autofree char *body_json = NULL;
    QTestState *s;
    int fd;

    if (!guest_or_skip(&g)) {
        return;
    }
    dir = qtest_make_tmpdir();
    sock = g_build_filename(dir, "serial.sock", NULL);
    body = write_acpi_body(dir);
    chardev =
        g_strdup_printf("socket,id=ser0,path=%s,server=on,wait=off", sock);
    quoted = g_shell_quote(chardev);
    args = g_strdup_printf("-nodefaults -preconfig -chardev %s "
                           "-serial chardev:ser0",
                           quoted);
    s = qtest_init(args);
    /* Connected before the hand-off, and kept. */
    fd = qtest_unix_connect(sock);

    kernel = json_quote(g.kernel);
    initrd = json_quote(g.initrd);
    body_json = json_quote(body);
    qtest_qmp_assert_success(
        s,
        "{\"execute\": \"machine-set\", \"arguments\": {"
        "\"accel\": {\"type\": \"tcg\"},"
        " \"kernel\": %s, \"initrd\": %s, \"append\": \"" GUEST_APPEND "\","
        " \"smp\": {\"cpus\": 2}, \"memory\": {\"size\": %u},"
        " \"uuid\": \"" GUEST_UUID "\","
        " \"smbios\": {\"type1\": {\"serial\": \"" GUEST_SERIAL "\","
        "   \"manufacturer\": \"" GUEST_VENDOR "\"},"
        "  \"type11\": {\"values\": [\"hello\", \"world\"]}},"
        " \"fw-cfg\": [{\"name\": \"" FWCFG_NAME "\","
        "   \"string\": \"" FWCFG_PAYLOAD "\"}],"
        " \"acpitable\": [{\"sig\": \"" ACPI_SIG "\","
        "   \"oem-id\": \"" ACPI_OEM_ID "\", \"data\": [%s]}],"
        " \"rtc\": {\"base\": \"" RTC_BASE "\", \"clock\": \"vm\"}}}",
        kernel, initrd, GUEST_MEM, body_json);
    qtest_qmp_assert_success(s, "{\"execute\": \"x-exit-preconfig\"}");
    check_guest(s, fd);
    close(fd);
    qtest_remove_tmpdir(dir);
}

static void test_legacy_cmdline(void)
{
    g_auto(Guest) g = {0};
    g_autofree char *dir = NULL;
    g_autofree char *sock = NULL;
    g_autofree char *body = NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *args = NULL;
    QTestState *s;
    int fd;

    if (!guest_or_skip(&g)) {
        return;
    }
    dir = qtest_make_tmpdir();
    sock = g_build_filename(dir, "serial.sock", NULL);
    body = write_acpi_body(dir);

#define ARG(...) g_ptr_array_add(argv, g_shell_quote(__VA_ARGS__))
#define ARGF(...) g_ptr_array_add(argv, quote_printf(__VA_ARGS__))
    ARG("-nodefaults");
    ARG("-chardev");
    ARGF("socket,id=ser0,path=%s,server=on,wait=off", sock);
    ARG("-serial");
    ARG("chardev:ser0");
    ARG("-accel");
    ARG("tcg");
    ARG("-kernel");
    ARG(g.kernel);
    ARG("-initrd");
    ARG(g.initrd);
    ARG("-append");
    ARG(GUEST_APPEND);
    ARG("-smp");
    ARG("2");
    ARG("-m");
    ARGF("%uM", GUEST_MEM >> 20);
    ARG("-uuid");
    ARG(GUEST_UUID);
    ARG("-smbios");
    ARG("type=1,serial=" GUEST_SERIAL ",manufacturer=" GUEST_VENDOR);
    ARG("-smbios");
    ARG("type=11,value=hello,value=world");
    ARG("-fw_cfg");
    ARG("name=" FWCFG_NAME ",string=" FWCFG_PAYLOAD);
    ARG("-acpitable");
    ARGF("sig=" ACPI_SIG ",oem_id=" ACPI_OEM_ID ",data=%s", body);
    ARG("-rtc");
    ARG("base=" RTC_BASE ",clock=vm");
#undef ARG
#undef ARGF
    g_ptr_array_add(argv, NULL);
    args = g_strjoinv(" ", (char **)argv->pdata);

    /* No configuration phase: the guest boots while qmpd starts. */
    s = qtest_init(args);
    fd = qtest_unix_connect(sock);
    check_guest(s, fd);
    close(fd);
    qtest_remove_tmpdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-guest/machine-set", test_machine_set);
    g_test_add_func("/qemu-guest/legacy-cmdline", test_legacy_cmdline);
    return g_test_run();
}
