/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firmware tables fw_cfg carries for a machine configured with
 * machine-set, read as a guest would: SMBIOS (own decoder, dmidecode),
 * ACPI (checksums, iasl), and a comparison of files, keys and tables with
 * qemu-system-x86_64.
 */
#include "prelude.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fw-cfg-guest.h"
#include "libqtest.h"

/* ---- SMBIOS and ACPI ---- */

static void test_smbios(void)
{
    g_autoptr(Guest) g = configured_start();
    g_autoptr(GArray) files = fw_dir(g);
    g_autoptr(GBytes) anchor = fw_file(g, files, "etc/smbios/smbios-anchor");
    g_autoptr(GBytes) tables = fw_file(g, files, "etc/smbios/smbios-tables");
    g_autoptr(GArray) dmis = dmi_parse(tables);
    const uint8_t *a = g_bytes_get_data(anchor, NULL);
    const Dmi *t1 = dmi_find(dmis, 1);
    const Dmi *t3 = dmi_find(dmis, 3);
    const Dmi *t11 = dmi_find(dmis, 11);
    static const uint8_t uuid_wire[16] = {0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a,
                                          0xf0, 0xde, 0x11, 0x22, 0x33, 0x44,
                                          0x55, 0x66, 0x77, 0x88};
    guint sockets = 0;

    /* 2.1 entry point; table length and count describe the tables. */
    g_assert_cmpmem(a, 4, "_SM_", 4);
    g_assert_cmpmem(a + 16, 5, "_DMI_", 5);
    g_assert_cmpuint(a[0x16] | a[0x17] << 8, ==, g_bytes_get_size(tables));
    g_assert_cmpuint(a[0x1c] | a[0x1d] << 8, ==, dmis->len);

    g_assert_nonnull(t1);
    g_assert_cmpstr(dmi_string(t1, t1->fmt[4]), ==, "QEMU");
    g_assert_cmpstr(dmi_string(t1, t1->fmt[7]), ==, "SER-1");
    g_assert_cmpmem(t1->fmt + 8, 16, uuid_wire, 16);
    g_assert_cmpstr(dmi_string(t1, t1->fmt[25]), ==, "SKU9");
    g_assert_cmpstr(dmi_string(t1, t1->fmt[26]), ==, "FAM");
    g_assert_nonnull(t3);
    g_assert_cmpstr(dmi_string(t3, t3->fmt[8]), ==, "CHAS");
    g_assert_nonnull(t11);
    g_assert_cmpuint(t11->fmt[4], ==, 2);
    g_assert_cmpstr(dmi_string(t11, 1), ==, "hello");
    g_assert_cmpstr(dmi_string(t11, 2), ==, "world");
    for (guint i = 0; i < dmis->len; i++) {
        sockets += g_array_index(dmis, Dmi, i).type == 4;
    }
    g_assert_cmpuint(sockets, ==, 2);
    g_assert_cmpuint(g_array_index(dmis, Dmi, dmis->len - 1).type, ==, 127);
}

static void test_dmidecode(void)
{
    g_autofree char *prog = g_find_program_in_path("dmidecode");
    g_autoptr(Guest) g = NULL;
    g_autoptr(GArray) files = NULL;
    g_autoptr(GBytes) anchor = NULL;
    g_autoptr(GBytes) tables = NULL;
    g_autofree char *path = NULL;
    g_autofree char *out = NULL;
    g_autoptr(GError) err = NULL;
    int status;
    static const char *const expect[] = {
        "Manufacturer: QEMU",
        "Serial Number: SER-1",
        "UUID: 12345678-9abc-def0-1122-334455667788",
        "SKU Number: SKU9",
        "Family: FAM",
        "Asset Tag: CHAS",
        "String 1: hello",
        "String 2: world",
        "Socket Designation: CPU 1",
        "Size: 256 MB",
    };

    if (prog == NULL) {
        g_test_skip("dmidecode is not installed");
        return;
    }
    g = configured_start();
    files = fw_dir(g);
    anchor = fw_file(g, files, "etc/smbios/smbios-anchor");
    tables = fw_file(g, files, "etc/smbios/smbios-tables");
    {
        g_autofree char *any = qtest_tmp_path(g->qts, "dmi.bin");
        g_autofree char *dir = g_path_get_dirname(any);

        path = write_dmi_dump(dir, anchor, tables);
    }
    {
        const char *argv[] = {prog, "--from-dump", path, NULL};

        g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                                   G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                                   NULL, &status, &err));
    }
    g_assert_no_error(err);
    g_assert_true(g_spawn_check_wait_status(status, &err));
    g_assert_no_error(err);
    for (gsize i = 0; i < G_N_ELEMENTS(expect); i++) {
        if (strstr(out, expect[i]) == NULL) {
            g_test_message("dmidecode output:\n%s", out);
        }
        g_assert_nonnull(strstr(out, expect[i]));
    }
    g_unlink(path);
}

static void test_acpi(void)
{
    g_autofree char *iasl = g_find_program_in_path("iasl");
    g_autoptr(Guest) g = configured_start();
    g_autoptr(GArray) files = fw_dir(g);
    g_autoptr(GBytes) blob = fw_file(g, files, "etc/acpi/tables");
    g_autoptr(GBytes) rsdp = fw_file(g, files, "etc/acpi/rsdp");
    g_autoptr(GBytes) want = expected_acpi_table();
    gsize wlen;
    const uint8_t *w = g_bytes_get_data(want, &wlen);
    const uint8_t *r = g_bytes_get_data(rsdp, NULL);
    const uint8_t *t = acpi_find(blob, rsdp, "TSTA");
    static const char *const sigs[] = {"RSDT", "FACP", "APIC", "TSTA"};

    g_assert_cmpmem(r, 8, "RSD PTR ", 8);
    g_assert_cmpuint(sum8(r, 20), ==, 0);
    g_assert_nonnull(t);
    g_assert_cmpmem(t, le32_at(t + 4), w, wlen);
    for (gsize i = 0; i < G_N_ELEMENTS(sigs); i++) {
        const uint8_t *p = i == 0
                               ? (const uint8_t *)g_bytes_get_data(blob, NULL) +
                                     le32_at(r + 16)
                               : acpi_find(blob, rsdp, sigs[i]);

        g_test_message("checksum of %s", sigs[i]);
        g_assert_nonnull(p);
        g_assert_cmpuint(sum8(p, le32_at(p + 4)), ==, 0);
    }
    if (iasl == NULL) {
        g_test_skip("iasl is not installed");
        return;
    }
    {
        g_autofree char *dat = qtest_tmp_path(g->qts, "tsta.dat");
        g_autofree char *dsl = qtest_tmp_path(g->qts, "tsta.dsl");
        g_autofree char *dir = g_path_get_dirname(dat);
        g_autofree char *text = NULL;
        g_autoptr(GError) err = NULL;
        const char *argv[] = {iasl, "-d", dat, NULL};
        int status;

        g_assert_true(
            g_file_set_contents(dat, (const char *)t, le32_at(t + 4), &err));
        g_assert_no_error(err);
        g_assert_true(g_spawn_sync(dir, (char **)argv, NULL,
                                   G_SPAWN_STDOUT_TO_DEV_NULL |
                                       G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, NULL, NULL, &status, &err));
        g_assert_no_error(err);
        g_assert_true(g_spawn_check_wait_status(status, &err));
        g_assert_no_error(err);
        g_assert_true(g_file_get_contents(dsl, &text, NULL, &err));
        g_assert_no_error(err);
        g_assert_nonnull(strstr(text, "\"TSTA\""));
        g_assert_nonnull(strstr(text, "\"OEMID1\""));
        g_assert_nonnull(strstr(text, "\"TBLID123\""));
        g_assert_nonnull(strstr(text, "01020304"));
        g_unlink(dsl);
        g_unlink(dat);
    }
}

/* ---- comparison with QEMU ---- */

#define DIFF_STRING "diff-string-value"

static void test_differential(void)
{
    g_autofree char *ref = g_find_program_in_path(reference_binary());
    g_autofree char *dir = NULL;
    g_autofree char *bin_path = NULL;
    g_autofree char *body_path = NULL;
    g_autofree char *args = NULL;
    g_autofree char *mine_args = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(Guest) theirs = NULL;
    g_autoptr(Guest) mine = NULL;
    g_autoptr(GArray) tfiles = NULL;
    g_autoptr(GArray) mfiles = NULL;
    static const char *const same_files[] = {
        "opt/org.test/str",   "opt/org.test/bin",
        "etc/e820",           "etc/boot-fail-wait",
        "etc/boot-menu-wait", "etc/system-states",
        "bootorder",          "bios-geometry",
        "etc/tpm/log",        "etc/smbios/smbios-anchor",
    };
    static const uint16_t same_keys[] = {0x00, 0x01, 0x02, 0x03,  0x04,
                                         0x05, 0x0e, 0x0f, 0x8002};

    if (ref == NULL) {
        g_test_skip("qemu-system-x86_64 is not installed");
        return;
    }
    dir = qtest_make_tmpdir();
    bin_path = g_build_filename(dir, "bin", NULL);
    body_path = g_build_filename(dir, "body", NULL);
    g_assert_true(g_file_set_contents(bin_path, (const char *)cfg_blob,
                                      sizeof(cfg_blob), NULL));
    g_assert_true(g_file_set_contents(body_path, (const char *)acpi_body,
                                      sizeof(acpi_body), NULL));
    args = g_strdup_printf(
        "-m 256 -smp 2,sockets=2,cores=3,threads=1,maxcpus=6 -uuid " CFG_UUID
        " -boot menu=on,splash-time=300,reboot-timeout=1000"
        " -fw_cfg opt/org.test/str,string=" DIFF_STRING
        " -fw_cfg name=opt/org.test/bin,file=%s"
        " -smbios type=1,serial=SER-1,sku=SKU9,family=FAM"
        " -smbios type=3,asset=CHAS -smbios type=11,value=hello,value=world"
        " -acpitable sig=TSTA,oem_id=OEMID1,oem_table_id=TBLID123,"
        "oem_rev=16909060,data=%s",
        bin_path, body_path);
    theirs = reference_start(ref, args, &err);
    if (theirs == NULL) {
        g_autofree char *why =
            g_strdup_printf("reference did not start: %s", err->message);

        g_test_skip(why);
        qtest_remove_tmpdir(dir);
        return;
    }
    mine_args = g_strdup_printf("-M pc -nodefaults -S %s", args);
    mine = guest_start(mine_args);

    tfiles = fw_dir(theirs);
    mfiles = fw_dir(mine);
    for (gsize i = 0; i < G_N_ELEMENTS(same_files); i++) {
        g_autoptr(GBytes) a = fw_file(mine, mfiles, same_files[i]);
        g_autoptr(GBytes) b = fw_file(theirs, tfiles, same_files[i]);

        assert_same_bytes(same_files[i], a, b);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(same_keys); i++) {
        g_autoptr(GBytes) a = fw_port_read(mine, same_keys[i], 16);
        g_autoptr(GBytes) b = fw_port_read(theirs, same_keys[i], 16);
        g_autofree char *what = g_strdup_printf("key 0x%04x", same_keys[i]);

        assert_same_bytes(what, a, b);
    }
    /* SMBIOS: every user-set field, then the whole table set. */
    {
        g_autoptr(GBytes) ta =
            fw_file(theirs, tfiles, "etc/smbios/smbios-tables");
        g_autoptr(GBytes) ma =
            fw_file(mine, mfiles, "etc/smbios/smbios-tables");
        g_autoptr(GArray) td = dmi_parse(ta);
        g_autoptr(GArray) md = dmi_parse(ma);
        const Dmi *t11 = dmi_find(td, 11);
        const Dmi *m11 = dmi_find(md, 11);

        assert_same_dmi_string(md, td, 1, 7);
        assert_same_dmi_string(md, td, 1, 25);
        assert_same_dmi_string(md, td, 1, 26);
        assert_same_dmi_string(md, td, 3, 8);
        g_assert_cmpmem(dmi_find(md, 1)->fmt + 8, 16, dmi_find(td, 1)->fmt + 8,
                        16);
        g_assert_nonnull(t11);
        g_assert_nonnull(m11);
        g_assert_cmpuint(m11->n_strings, ==, t11->n_strings);
        for (guint i = 1; i <= t11->n_strings; i++) {
            g_assert_cmpstr(dmi_string(m11, (uint8_t)i), ==,
                            dmi_string(t11, (uint8_t)i));
        }
        /* qmpd's defaults follow QEMU 7.2, so the whole set matches. */
        assert_same_bytes("etc/smbios/smbios-tables", ma, ta);
    }
    /* ACPI: the user table, byte for byte. */
    {
        g_autoptr(GBytes) tb = fw_file(theirs, tfiles, "etc/acpi/tables");
        g_autoptr(GBytes) tr = fw_file(theirs, tfiles, "etc/acpi/rsdp");
        g_autoptr(GBytes) mb = fw_file(mine, mfiles, "etc/acpi/tables");
        g_autoptr(GBytes) mr = fw_file(mine, mfiles, "etc/acpi/rsdp");
        const uint8_t *t = acpi_find(tb, tr, "TSTA");
        const uint8_t *m = acpi_find(mb, mr, "TSTA");

        g_assert_nonnull(t);
        g_assert_nonnull(m);
        g_assert_cmpmem(m, le32_at(m + 4), t, le32_at(t + 4));
    }
    qtest_remove_tmpdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fw_cfg/smbios/decode", test_smbios);
    g_test_add_func("/fw_cfg/smbios/dmidecode", test_dmidecode);
    g_test_add_func("/fw_cfg/acpi/user-table", test_acpi);
    g_test_add_func("/fw_cfg/differential", test_differential);
    return g_test_run();
}
