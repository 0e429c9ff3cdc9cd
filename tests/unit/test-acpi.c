/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the ACPI builders: user tables (template, overrides,
 * length, checksum, warnings, errors), the published blobs (RSDT, RSDP,
 * loader script executed by a small loader of our own) and iasl when
 * installed.
 */

#include "prelude.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "hw/acpi/acpi-build.h"
#include "hw/acpi/acpi-table.h"
#include "util/error.h"

/* The same body QEMU 7.2 got with -acpitable sig=ABCD,rev=2,... */
#define BODY "BODYDATA1234"

static guint8 sum(const guint8 *p, gsize n)
{
    guint8 s = 0;

    while (n-- > 0) {
        s += *p++;
    }
    return s;
}

static guint32 le32(const guint8 *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (guint32)p[3] << 24;
}

static AcpiTableConfig *data_table(const char *body)
{
    AcpiTableConfig *t = g_new0(AcpiTableConfig, 1);

    QAPI_LIST_PREPEND(t->data, g_strdup("body.bin"));
    t->blob = g_base64_encode((const guint8 *)body, strlen(body));
    return t;
}

static AcpiTableConfig *file_table(const guint8 *bytes, gsize len)
{
    AcpiTableConfig *t = g_new0(AcpiTableConfig, 1);

    QAPI_LIST_PREPEND(t->file, g_strdup("table.bin"));
    t->blob = g_base64_encode(bytes, len);
    return t;
}

/* Matches QEMU 7.2's arch item 0x8000 for the same options, byte for byte. */
static void test_data_template(void)
{
    static const guint8 qemu72[] = {
        0x01, 0x00, 0x30, 0x00, 'A',  'B',  'C',  'D',  0x30, 0x00, 0x00,
        0x00, 0x02, 0x42, 'O',  'E',  'M',  'I',  'D',  'X',  'Q',  'E',
        'M',  'U',  'Q',  'E',  'M',  'U',  0x01, 0x00, 0x00, 0x00, 'Q',
        'E',  'M',  'U',  0x01, 0x00, 0x00, 0x00, 'B',  'O',  'D',  'Y',
        'D',  'A',  'T',  'A',  '1',  '2',  '3',  '4',
    };
    g_autoptr(AcpiTableConfig) t = data_table(BODY);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) tables =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    g_autoptr(GBytes) legacy = NULL;
    g_autoptr(GError) err = NULL;
    GBytes *table;

    t->sig = g_strdup("ABCD");
    t->has_rev = true;
    t->rev = 2;
    t->oem_id = g_strdup("OEMIDX");
    table = acpi_table_build(t, warnings, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(warnings->len, ==, 0);
    g_ptr_array_add(tables, table);
    legacy = acpi_legacy_blob_build(tables);
    g_assert_cmpmem(g_bytes_get_data(legacy, NULL), g_bytes_get_size(legacy),
                    qemu72, sizeof(qemu72));
}

static void test_data_no_headers_warns(void)
{
    g_autoptr(AcpiTableConfig) t = data_table("");
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GBytes) table = acpi_table_build(t, warnings, NULL);
    const guint8 *p = g_bytes_get_data(table, NULL);

    g_assert_cmpuint(g_bytes_get_size(table), ==, 36);
    g_assert_cmpmem(p, 4, "QEMU", 4);
    g_assert_cmpmem(p + 10, 14, "QEMUQEQEMUQEMU", 14);
    g_assert_cmpint(sum(p, 36), ==, 0);
    g_assert_cmpuint(warnings->len, ==, 1);
    g_assert_cmpstr(warnings->pdata[0], ==,
                    "ACPI table: no headers are specified");
}

/* A file table: overrides win, the bad length is fixed with a warning. */
static void test_file_overrides(void)
{
    guint8 raw[43] = "WXYZ\x63\0\0\0\x05\0OEMABCTABLEID1\x07\0\0\0"
                     "ASLC\x09\0\0\0payload";
    g_autoptr(AcpiTableConfig) t = file_table(raw, sizeof(raw));
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    g_autoptr(GBytes) table = NULL;
    const guint8 *p;

    t->sig = g_strdup("EFGH");
    t->oem_table_id = g_strdup("T");
    t->has_asl_compiler_rev = true;
    t->asl_compiler_rev = 77;
    table = acpi_table_build(t, warnings, &err);
    g_assert_no_error(err);
    p = g_bytes_get_data(table, NULL);
    g_assert_cmpmem(p, 4, "EFGH", 4);
    g_assert_cmpint(le32(p + 4), ==, 43);
    g_assert_cmpint(p[8], ==, 5);
    g_assert_cmpmem(p + 10, 6, "OEMABC", 6);
    g_assert_cmpmem(p + 16, 8, "T\0\0\0\0\0\0\0", 8);
    g_assert_cmpint(le32(p + 24), ==, 7);
    g_assert_cmpmem(p + 28, 4, "ASLC", 4);
    g_assert_cmpint(le32(p + 32), ==, 77);
    g_assert_cmpmem(p + 36, 7, "payload", 7);
    g_assert_cmpint(sum(p, 43), ==, 0);
    g_assert_cmpuint(warnings->len, ==, 1);
    g_assert_cmpstr(warnings->pdata[0], ==,
                    "ACPI table has wrong length, header says 99, actual "
                    "size 43 bytes");
}

typedef struct BadTable {
    const char *name;
    bool file;
    gsize len;
    const char *field;
    const char *value;
    const char *message;
} BadTable;

static const BadTable bad_tables[] = {
    {"truncated-file", true, 20, NULL, NULL,
     "ACPI table claiming to have header is too short, available: 20, "
     "expected: 36"},
    {"too-big-data", false, 65500, NULL, NULL,
     "ACPI table too big, requested: 65536, max: 65535"},
    {"too-big-file", true, 65536, NULL, NULL,
     "ACPI table too big, requested: 65536, max: 65535"},
    {"long-sig", false, 4, "sig", "ABCDE",
     "ACPI table signature 'ABCDE' is longer than 4 characters"},
    {"long-oem-id", true, 40, "oem-id", "1234567",
     "ACPI table OEM id '1234567' is longer than 6 characters"},
    {"long-oem-table-id", false, 0, "oem-table-id", "123456789",
     "ACPI table OEM table id '123456789' is longer than 8 characters"},
    {"long-asl-id", false, 0, "asl-compiler-id", "ABCDE",
     "ACPI table ASL compiler id 'ABCDE' is longer than 4 characters"},
};

static void test_bad_table(gconstpointer data)
{
    const BadTable *c = data;
    g_autofree guint8 *bytes = g_malloc0(c->len + 1);
    g_autoptr(AcpiTableConfig) t = NULL;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    AcpiTableConfigList list = {0};
    GPtrArray *tables;

    if (c->file) {
        t = file_table(bytes, c->len);
    } else {
        t = g_new0(AcpiTableConfig, 1);
        QAPI_LIST_PREPEND(t->data, g_strdup("b"));
        t->blob = g_base64_encode(bytes, c->len);
    }
    if (g_strcmp0(c->field, "sig") == 0) {
        t->sig = g_strdup(c->value);
    } else if (g_strcmp0(c->field, "oem-id") == 0) {
        t->oem_id = g_strdup(c->value);
    } else if (g_strcmp0(c->field, "oem-table-id") == 0) {
        t->oem_table_id = g_strdup(c->value);
    } else if (g_strcmp0(c->field, "asl-compiler-id") == 0) {
        t->asl_compiler_id = g_strdup(c->value);
    }
    g_assert_null(acpi_table_build(t, warnings, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, c->message);
    g_assert_cmpuint(warnings->len, ==, 0);
    g_clear_error(&err);

    /* Through the list, the member path is named. */
    list.value = t;
    tables = acpi_user_tables_build(&list, NULL, &err);
    g_assert_null(tables);
    g_assert_true(g_str_has_prefix(err->message, "acpitable[0]: "));
    g_assert_cmpstr(err->message + strlen("acpitable[0]: "), ==, c->message);
}

static void test_neither_data_nor_file(void)
{
    g_autoptr(AcpiTableConfig) t = g_new0(AcpiTableConfig, 1);
    g_autoptr(GError) err = NULL;

    t->blob = g_strdup("");
    g_assert_null(acpi_table_build(t, NULL, &err));
    g_assert_cmpstr(err->message, ==,
                    "'-acpitable' requires one of 'data' or 'file'");
}

/* A 3-CPU machine (maxcpus 4) with two user tables. */
static MachineProperties *machine(void)
{
    MachineProperties *cfg = g_new0(MachineProperties, 1);
    AcpiTableConfig *t1 = data_table(BODY);
    AcpiTableConfig *t2 = data_table("xyz");

    cfg->smp = g_new0(SMPConfiguration, 1);
    cfg->smp->has_cpus = cfg->smp->has_maxcpus = true;
    cfg->smp->cpus = 3;
    cfg->smp->maxcpus = 4;
    cfg->smp->has_sockets = cfg->smp->has_dies = cfg->smp->has_clusters = true;
    cfg->smp->sockets = cfg->smp->dies = cfg->smp->clusters = 1;
    cfg->smp->has_cores = cfg->smp->has_threads = true;
    cfg->smp->cores = 2;
    cfg->smp->threads = 2;
    t1->sig = g_strdup("ABCD");
    t2->sig = g_strdup("EFGH");
    QAPI_LIST_PREPEND(cfg->acpitable, t2);
    QAPI_LIST_PREPEND(cfg->acpitable, t1);
    return cfg;
}

/* Finds the table with @sig by following RSDP -> RSDT (offsets). */
static const guint8 *rsdt_find(const guint8 *blob, const guint8 *rsdp,
                               const char *sig)
{
    const guint8 *rsdt = blob + le32(rsdp + 16);
    guint n = (le32(rsdt + 4) - 36) / 4;

    for (guint i = 0; i < n; i++) {
        const guint8 *t = blob + le32(rsdt + 36 + 4 * i);

        if (memcmp(t, sig, 4) == 0) {
            return t;
        }
    }
    return NULL;
}

static void test_build(void)
{
    g_autoptr(MachineProperties) cfg = machine();
    g_auto(AcpiBuildResult) r = {0};
    AcpiMachineInfo info;
    g_autoptr(GError) err = NULL;
    const guint8 *blob, *rsdp, *rsdt, *t, *fadt, *madt;
    gsize blob_len, legacy_len;
    const guint8 *legacy;
    static const char *const sigs[] = {"FACP", "APIC", "ABCD", "EFGH"};
    guint enabled = 0, cpus = 0;

    acpi_machine_info_pc(&info);
    g_assert_true(acpi_build(cfg, &info, &r, &err));
    g_assert_no_error(err);
    blob = g_bytes_get_data(r.tables, &blob_len);
    g_assert_cmpuint(blob_len % (128 * 1024), ==, 0);
    g_assert_cmpuint(g_bytes_get_size(r.loader), ==, 4096);

    rsdp = g_bytes_get_data(r.rsdp, NULL);
    g_assert_cmpuint(g_bytes_get_size(r.rsdp), ==, 20);
    g_assert_cmpmem(rsdp, 8, "RSD PTR ", 8);
    g_assert_cmpmem(rsdp + 9, 6, "BOCHS ", 6);
    g_assert_cmpint(rsdp[15], ==, 0);
    g_assert_cmpint(sum(rsdp, 20), ==, 0);

    rsdt = blob + le32(rsdp + 16);
    g_assert_cmpmem(rsdt, 4, "RSDT", 4);
    g_assert_cmpint(le32(rsdt + 4), ==, 36 + 4 * G_N_ELEMENTS(sigs));
    for (guint i = 0; i < G_N_ELEMENTS(sigs); i++) {
        t = blob + le32(rsdt + 36 + 4 * i);
        g_assert_cmpmem(t, 4, sigs[i], 4);
        g_assert_cmpint(sum(t, le32(t + 4)), ==, 0);
    }
    g_assert_cmpint(sum(rsdt, le32(rsdt + 4)), ==, 0);

    fadt = rsdt_find(blob, rsdp, "FACP");
    g_assert_cmpint(le32(fadt + 4), ==, 116);
    g_assert_cmpmem(blob + le32(fadt + 36), 4, "FACS", 4);
    g_assert_cmpuint(le32(fadt + 36) % 64, ==, 0);
    t = blob + le32(fadt + 40);
    g_assert_cmpmem(t, 4, "DSDT", 4);
    g_assert_cmpint(sum(t, le32(t + 4)), ==, 0);
    g_assert_cmphex(le32(fadt + 56), ==, 0x600);

    /* Four possible CPUs, three enabled, APIC IDs from the topology. */
    madt = rsdt_find(blob, rsdp, "APIC");
    for (guint off = 44; off < le32(madt + 4); off += madt[off + 1]) {
        if (madt[off] == 0) {
            g_assert_cmpint(madt[off + 3], ==, cpus);
            enabled += madt[off + 4] & 1;
            cpus++;
        }
    }
    g_assert_cmpuint(cpus, ==, 4);
    g_assert_cmpuint(enabled, ==, 3);

    t = rsdt_find(blob, rsdp, "EFGH");
    g_assert_cmpint(le32(t + 4), ==, 39);
    g_assert_cmpmem(t + 36, 3, "xyz", 3);

    legacy = g_bytes_get_data(r.legacy_blob, &legacy_len);
    g_assert_cmpint(legacy[0] | legacy[1] << 8, ==, 2);
    g_assert_cmpint(legacy[2] | legacy[3] << 8, ==, 48);
    g_assert_cmpmem(legacy + 4, 4, "ABCD", 4);
    g_assert_cmpuint(legacy_len, ==, 2 + 2 + 48 + 2 + 39);
}

/*
 * Runs the loader script the way the firmware does: place the files,
 * relocate pointers, fix checksums.  Afterwards the RSDP must lead to
 * checksum-valid tables at their real addresses.
 */
static void test_loader_script(void)
{
    g_autoptr(MachineProperties) cfg = machine();
    g_auto(AcpiBuildResult) r = {0};
    AcpiMachineInfo info;
    gsize len, tables_len;
    const guint8 *cmds;
    g_autofree guint8 *mem = NULL;
    guint64 base[2] = {0, 0}; /* rsdp, tables */
    const guint64 where[2] = {0xf0000, 0x100000};
    guint allocs = 0, pointers = 0, checksums = 0;
    const guint8 *rsdp, *rsdt;

    acpi_machine_info_pc(&info);
    g_assert_true(acpi_build(cfg, &info, &r, NULL));
    cmds = g_bytes_get_data(r.loader, &len);
    tables_len = g_bytes_get_size(r.tables);
    mem = g_malloc0(where[1] + tables_len);

    for (gsize off = 0; off < len; off += ACPI_LOADER_ENTRY_SIZE) {
        const guint8 *e = cmds + off;
        const char *file = (const char *)e + 4;
        guint idx = g_str_equal(file, ACPI_BUILD_RSDP_FILE) ? 0 : 1;

        switch (le32(e)) {
        case 0:
            continue;
        case ACPI_LOADER_ALLOCATE: {
            GBytes *src = idx == 0 ? r.rsdp : r.tables;

            g_assert_true(idx == 0 ||
                          g_str_equal(file, ACPI_BUILD_TABLES_FILE));
            g_assert_cmpint(e[64], ==,
                            idx == 0 ? ACPI_LOADER_ZONE_FSEG
                                     : ACPI_LOADER_ZONE_HIGH);
            g_assert_cmpuint(where[idx] % le32(e + 60), ==, 0);
            base[idx] = where[idx];
            memcpy(mem + base[idx], g_bytes_get_data(src, NULL),
                   g_bytes_get_size(src));
            allocs++;
            break;
        }
        case ACPI_LOADER_ADD_POINTER: {
            const char *src = (const char *)e + 60;
            guint sidx = g_str_equal(src, ACPI_BUILD_RSDP_FILE) ? 0 : 1;
            guint8 *p = mem + base[idx] + le32(e + 116);
            guint32 v;

            g_assert_cmpint(e[120], ==, 4);
            g_assert_cmpuint(base[idx] * base[sidx], !=, 0);
            v = le32(p) + base[sidx];
            p[0] = v;
            p[1] = v >> 8;
            p[2] = v >> 16;
            p[3] = v >> 24;
            pointers++;
            break;
        }
        case ACPI_LOADER_ADD_CHECKSUM: {
            guint8 *start = mem + base[idx] + le32(e + 64);

            mem[base[idx] + le32(e + 60)] -= sum(start, le32(e + 68));
            checksums++;
            break;
        }
        default:
            g_assert_not_reached();
        }
    }
    g_assert_cmpuint(allocs, ==, 2);
    /* FACP (2), RSDT entries (4), RSDP (1). */
    g_assert_cmpuint(pointers, ==, 7);
    /* DSDT, FACP, APIC, RSDT, RSDP. */
    g_assert_cmpuint(checksums, ==, 5);

    rsdp = mem + base[0];
    g_assert_cmpint(sum(rsdp, 20), ==, 0);
    rsdt = mem + le32(rsdp + 16);
    g_assert_cmpmem(rsdt, 4, "RSDT", 4);
    g_assert_cmpint(sum(rsdt, le32(rsdt + 4)), ==, 0);
    for (guint i = 0; i < (le32(rsdt + 4) - 36) / 4; i++) {
        const guint8 *t = mem + le32(rsdt + 36 + 4 * i);

        g_assert_cmpint(sum(t, le32(t + 4)), ==, 0);
        if (memcmp(t, "FACP", 4) == 0) {
            g_assert_cmpmem(mem + le32(t + 36), 4, "FACS", 4);
            g_assert_cmpmem(mem + le32(t + 40), 4, "DSDT", 4);
        }
    }
}

static void test_build_error_keeps_output(void)
{
    g_autoptr(MachineProperties) cfg = machine();
    AcpiBuildResult r = {0};
    AcpiMachineInfo info;
    g_autoptr(GError) err = NULL;

    cfg->acpitable->next->value->oem_id = g_strdup("TOOLONGID");
    acpi_machine_info_pc(&info);
    g_assert_false(acpi_build(cfg, &info, &r, &err));
    g_assert_cmpstr(err->message, ==,
                    "acpitable[1]: ACPI table OEM id 'TOOLONGID' is longer "
                    "than 6 characters");
    g_assert_null(r.tables);
    g_assert_null(r.rsdp);
    g_assert_null(r.loader);
    g_assert_null(r.legacy_blob);
}

/* iasl -d must disassemble the DSDT and each user table. */
static void test_iasl(void)
{
    g_autofree char *prog = g_find_program_in_path("iasl");
    g_autoptr(MachineProperties) cfg = machine();
    g_auto(AcpiBuildResult) r = {0};
    AcpiMachineInfo info;
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = NULL;
    const guint8 *blob, *rsdp;
    static const char *const sigs[] = {"DSDT", "ABCD", "EFGH"};

    if (prog == NULL) {
        g_test_skip("iasl is not installed");
        return;
    }
    acpi_machine_info_pc(&info);
    g_assert_true(acpi_build(cfg, &info, &r, NULL));
    blob = g_bytes_get_data(r.tables, NULL);
    rsdp = g_bytes_get_data(r.rsdp, NULL);
    dir = g_dir_make_tmp("acpi-XXXXXX", &err);
    g_assert_no_error(err);
    for (guint i = 0; i < G_N_ELEMENTS(sigs); i++) {
        const guint8 *t = rsdt_find(blob, rsdp, sigs[i]);
        g_autofree char *path = NULL;
        g_autofree char *dsl = NULL;
        g_autofree char *text = NULL;
        g_autofree char *out = NULL;
        int status;

        if (i == 0) {
            t = blob + le32(rsdt_find(blob, rsdp, "FACP") + 40);
        }
        g_assert_nonnull(t);
        path = g_strdup_printf("%s/%s.dat", dir, sigs[i]);
        dsl = g_strdup_printf("%s/%s.dsl", dir, sigs[i]);
        g_assert_true(
            g_file_set_contents(path, (const char *)t, le32(t + 4), NULL));
        {
            const char *argv[] = {prog, "-d", path, NULL};

            g_assert_true(g_spawn_sync(dir, (char **)argv, NULL,
                                       G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                       &out, NULL, &status, &err));
        }
        g_assert_no_error(err);
        g_assert_true(g_spawn_check_wait_status(status, &err));
        g_assert_no_error(err);
        g_assert_true(g_file_get_contents(dsl, &text, NULL, &err));
        g_assert_no_error(err);
        if (i == 0) {
            g_assert_nonnull(strstr(text, "Device (FWCF)"));
            g_assert_nonnull(strstr(text, "\"QEMU0002\""));
            g_assert_nonnull(strstr(text, "0x0510"));
        } else {
            g_assert_nonnull(strstr(text, sigs[i]));
        }
        g_unlink(dsl);
        g_unlink(path);
    }
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/acpi/table/data-template", test_data_template);
    g_test_add_func("/hw/acpi/table/no-headers-warns",
                    test_data_no_headers_warns);
    g_test_add_func("/hw/acpi/table/file-overrides", test_file_overrides);
    g_test_add_func("/hw/acpi/table/neither", test_neither_data_nor_file);
    for (gsize i = 0; i < G_N_ELEMENTS(bad_tables); i++) {
        g_autofree char *name =
            g_strdup_printf("/hw/acpi/table/error/%s", bad_tables[i].name);

        g_test_add_data_func(name, &bad_tables[i], test_bad_table);
    }
    g_test_add_func("/hw/acpi/build/tables", test_build);
    g_test_add_func("/hw/acpi/build/loader-script", test_loader_script);
    g_test_add_func("/hw/acpi/build/error-keeps-output",
                    test_build_error_keeps_output);
    g_test_add_func("/hw/acpi/build/iasl", test_iasl);
    return g_test_run();
}
