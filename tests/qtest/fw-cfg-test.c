/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fw_cfg device as a guest sees it, through qtest port I/O and DMA
 * only: registers, DMA, well-known keys, the file directory and every
 * file of a machine configured with machine-set, and the configurations
 * machine-set must refuse.  fw-cfg-tables-test.c covers SMBIOS and ACPI.
 */
#include "prelude.h"

#include <string.h>

#include "fw-cfg-guest.h"
#include "libqtest.h"

/* CFG_UUID in RFC 4122 (big-endian) byte order. */
static const uint8_t cfg_uuid_rfc[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
                                         0xde, 0xf0, 0x11, 0x22, 0x33, 0x44,
                                         0x55, 0x66, 0x77, 0x88};

/* ---- registers, DMA, keys and files ---- */

/* ---- tests ---- */

static void test_registers(void)
{
    g_autoptr(Guest) g = guest_start("-M pc -nodefaults");
    g_autoptr(GBytes) sig = fw_port_read(g, 0x0000, 6);
    g_autoptr(GBytes) id = fw_port_read(g, 0x0001, 4);
    g_autoptr(GBytes) sig_wc = fw_port_read(g, 0x4000, 4);
    g_autoptr(GBytes) bad = fw_port_read(g, 0x0040, 4);
    g_autoptr(GBytes) bad_arch = fw_port_read(g, 0xc07f, 4);
    static const uint8_t id3[4] = {3, 0, 0, 0};
    static const uint8_t zeros[4] = {0};

    /* Past the end of "QEMU" reads 0. */
    assert_bytes(sig, "QEMU\0\0", 6);
    assert_bytes(id, id3, 4);
    /* Bit 14 (write channel) is ignored; out-of-range keys read 0. */
    assert_bytes(sig_wc, "QEMU", 4);
    assert_bytes(bad, zeros, 4);
    assert_bytes(bad_arch, zeros, 4);

    /* 0x510 reads data too; 16-bit reads are refused (0). */
    guest_outw(g, PORT_SEL, 0);
    g_assert_cmphex(guest_inb(g, PORT_SEL), ==, 'Q');
    g_assert_cmphex(guest_value(g, "inw", PORT_SEL), ==, 0);
    /* Data writes change nothing, not even the offset. */
    guest_ok(g, "outb 0x511 0x41");
    guest_ok(g, "outb 0x510 0x41");
    g_assert_cmphex(guest_inb(g, PORT_DATA), ==, 'E');
    /* Reselecting rewinds. */
    guest_outw(g, PORT_SEL, 0);
    g_assert_cmphex(guest_inb(g, PORT_DATA), ==, 'Q');

    /* The DMA register reads "QEMU CFG", big-endian. */
    g_assert_cmphex(guest_value(g, "inl", PORT_DMA_HI), ==, 0x554d4551);
    g_assert_cmphex(guest_value(g, "inl", PORT_DMA_LO), ==, 0x47464320);
    g_assert_cmphex(guest_value(g, "inb", PORT_DMA_HI), ==, 'Q');
    g_assert_cmphex(guest_value(g, "inw", 0x516), ==, 0x554d);
}

static void test_dma(void)
{
    g_autoptr(Guest) g = guest_start("-M pc -nodefaults");
    g_autoptr(GBytes) got = NULL;
    uint8_t fill[8];

    /* READ with SELECT; past the end the buffer is zero-filled. */
    memset(fill, 0xaa, sizeof(fill));
    guest_write(g, BUF_ADDR, fill, sizeof(fill));
    g_assert_cmphex(fw_dma(g, DMA_SELECT | DMA_READ, 6, BUF_ADDR), ==, 0);
    got = guest_read(g, BUF_ADDR, 8);
    assert_bytes(got, "QEMU\0\0\xaa\xaa", 8);
    g_clear_pointer(&got, g_bytes_unref);

    /* SKIP advances the offset of the item selected with it ... */
    g_assert_cmphex(fw_dma(g, 0x00000000 | DMA_SELECT | DMA_SKIP, 2, 0), ==, 0);
    /* ... so a READ without SELECT continues there, as the port does. */
    g_assert_cmphex(fw_dma(g, DMA_READ, 1, BUF_ADDR), ==, 0);
    g_assert_cmphex(guest_inb(g, PORT_DATA), ==, 'U');
    got = guest_read(g, BUF_ADDR, 1);
    assert_bytes(got, "M", 1);
    g_clear_pointer(&got, g_bytes_unref);

    /* SKIP stops at the end of the item. */
    guest_outw(g, PORT_SEL, 0);
    g_assert_cmphex(fw_dma(g, DMA_SKIP, 100, 0), ==, 0);
    g_assert_cmphex(guest_inb(g, PORT_DATA), ==, 0);

    /* SELECT alone selects (the ID item) and reads nothing. */
    g_assert_cmphex(fw_dma(g, (0x0001u << 16) | DMA_SELECT, 4, BUF_ADDR), ==,
                    0);
    g_assert_cmphex(guest_inb(g, PORT_DATA), ==, 3);

    /* WRITE to a read-only item sets ERROR and changes nothing. */
    guest_write(g, BUF_ADDR, "ABCD", 4);
    g_assert_cmphex(fw_dma(g, DMA_SELECT | DMA_WRITE, 4, BUF_ADDR), ==,
                    DMA_ERROR);
    got = fw_port_read(g, 0, 4);
    assert_bytes(got, "QEMU", 4);
    g_clear_pointer(&got, g_bytes_unref);

    /* READ into an address with no RAM sets ERROR. */
    g_assert_cmphex(
        fw_dma(g, DMA_SELECT | DMA_READ, 4, G_GUINT64_CONSTANT(0x4000000000)),
        ==, DMA_ERROR);

    /* A descriptor without an operation bit completes with 0. */
    g_assert_cmphex(fw_dma(g, 0, 4, BUF_ADDR), ==, 0);

    /*
     * The high half counts: with it set to 1 the descriptor is looked for
     * above 4 GiB (no RAM there), not at DESC_ADDR, so the one prepared at
     * DESC_ADDR must stay untouched.
     */
    {
        uint8_t desc[16] = {0, 0, 0, DMA_SELECT | DMA_READ, 0, 0, 0, 4};
        uint64_t a = GUINT64_TO_BE(BUF_ADDR);

        memcpy(desc + 8, &a, 8);
        guest_write(g, DESC_ADDR, desc, sizeof(desc));
        guest_write(g, BUF_ADDR, "....", 4);
        guest_outl(g, PORT_DMA_HI, GUINT32_TO_BE(1));
        guest_outl(g, PORT_DMA_LO, GUINT32_TO_BE(DESC_ADDR));
        got = guest_read(g, BUF_ADDR, 4);
        assert_bytes(got, "....", 4);
        g_clear_pointer(&got, g_bytes_unref);
        got = guest_read(g, DESC_ADDR, 4);
        assert_bytes(got, desc, 4);
        g_clear_pointer(&got, g_bytes_unref);

        /* The register went back to 0: a low-half write alone runs it. */
        guest_outl(g, PORT_DMA_LO, GUINT32_TO_BE(DESC_ADDR));
        got = guest_read(g, BUF_ADDR, 4);
        assert_bytes(got, "QEMU", 4);
        g_clear_pointer(&got, g_bytes_unref);
        got = guest_read(g, DESC_ADDR, 4);
        assert_bytes(got, "\0\0\0\0", 4);
    }
}

static void test_well_known_keys(void)
{
    g_autoptr(Guest) g = configured_start();
    g_autoptr(GBytes) uuid = fw_port_read(g, 0x02, 16);
    g_autoptr(GBytes) ram = fw_port_read(g, 0x03, 8);
    g_autoptr(GBytes) nographic = fw_port_read(g, 0x04, 2);
    g_autoptr(GBytes) cpus = fw_port_read(g, 0x05, 2);
    g_autoptr(GBytes) menu = fw_port_read(g, 0x0e, 2);
    g_autoptr(GBytes) max = fw_port_read(g, 0x0f, 2);
    g_autoptr(GBytes) numa = fw_dma_read(g, 0x0d, 8 * 9);
    g_autoptr(GBytes) irq0 = fw_port_read(g, 0x8002, 4);
    g_autoptr(GBytes) hpet = fw_dma_read(g, 0x8004, 121);
    g_autoptr(GBytes) legacy = NULL;
    g_autoptr(GBytes) table = expected_acpi_table();
    uint8_t want_ram[8] = {0, 0, 0, 0x10, 0, 0, 0, 0};
    uint8_t zeros[121] = {0};
    gsize tlen;
    const uint8_t *t = g_bytes_get_data(table, &tlen);
    g_autofree uint8_t *want_legacy = g_malloc(4 + tlen);

    assert_bytes(uuid, cfg_uuid_rfc, 16);
    assert_bytes(ram, want_ram, 8);
    assert_bytes(nographic, "\0\0", 2);
    assert_bytes(cpus, "\x02\0", 2);
    assert_bytes(menu, "\x01\0", 2);
    /* 2 sockets x 3 cores: core ids take 2 bits, last APIC id is 6. */
    assert_bytes(max, "\x07\0", 2);
    /* No NUMA nodes: count 0, then 0 for each of the 7 APIC ids. */
    assert_bytes(numa, zeros, 8 * 9);
    assert_bytes(irq0, "\x01\0\0\0", 4);
    /* No HPET on qmpd's pc: count 0. */
    assert_bytes(hpet, zeros, 121);

    want_legacy[0] = 1;
    want_legacy[1] = 0;
    want_legacy[2] = (uint8_t)tlen;
    want_legacy[3] = (uint8_t)(tlen >> 8);
    memcpy(want_legacy + 4, t, tlen);
    legacy = fw_dma_read(g, 0x8000, 4 + tlen + 4);
    {
        g_autofree uint8_t *padded = g_malloc0(4 + tlen + 4);

        memcpy(padded, want_legacy, 4 + tlen);
        assert_bytes(legacy, padded, 4 + tlen + 4);
    }
}

/* Every file of the configured machine, sorted, with its exact bytes. */
static void test_files(void)
{
    g_autoptr(Guest) g = configured_start();
    g_autoptr(GArray) files = fw_dir(g);
    static const char *const names[] = {
        "bios-geometry",
        "bootorder",
        "etc/acpi/rsdp",
        "etc/acpi/tables",
        "etc/boot-fail-wait",
        "etc/boot-menu-wait",
        "etc/e820",
        "etc/smbios/smbios-anchor",
        "etc/smbios/smbios-tables",
        "etc/system-states",
        "etc/table-loader",
        "etc/tpm/log",
        "opt/org.test/bin",
        "opt/org.test/str",
    };
    /* Reserved AMD HT window, then 256 MiB of RAM at 0. */
    static const uint8_t e820[40] = {
        0, 0, 0, 0, 0xfd, 0, 0, 0, 0, 0, 0, 0,    3, 0, 0, 0, 2, 0, 0, 0,
        0, 0, 0, 0, 0,    0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 1, 0, 0, 0};
    static const uint8_t states[6] = {0x80, 0, 0, 0x81, 0x82, 0x80};
    g_autoptr(GBytes) dir = fw_dma_read(g, 0x19, 4 + 64 * DIR_SLOTS);
    const uint8_t *d = g_bytes_get_data(dir, NULL);
    struct {
        const char *name;
        const void *bytes;
        gsize len;
    } content[] = {
        {"bios-geometry", "", 0},
        {"bootorder", "", 0},
        {"etc/boot-fail-wait", "\xe8\x03\0\0", 4},
        {"etc/boot-menu-wait", "\x2c\x01", 2},
        {"etc/e820", e820, sizeof(e820)},
        {"etc/system-states", states, sizeof(states)},
        {"etc/tpm/log", "", 0},
        {"opt/org.test/bin", cfg_blob, sizeof(cfg_blob)},
        {"opt/org.test/str", CFG_STRING, strlen(CFG_STRING)},
    };

    g_assert_cmpuint(files->len, ==, G_N_ELEMENTS(names));
    for (guint i = 0; i < files->len; i++) {
        const FwFile *f = &g_array_index(files, FwFile, i);

        g_assert_cmpstr(f->name, ==, names[i]);
        g_assert_cmphex(f->select, ==, 0x20 + i);
    }
    /* Unused slots are all zero. */
    for (gsize i = 4 + 64 * files->len; i < 4 + 64 * DIR_SLOTS; i++) {
        g_assert_cmpuint(d[i], ==, 0);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(content); i++) {
        g_autoptr(GBytes) got = fw_file(g, files, content[i].name);
        const FwFile *f = fw_find(files, content[i].name);
        g_autoptr(GBytes) by_port = fw_port_read(g, f->select, f->size + 2);
        g_autofree uint8_t *padded = g_malloc0(content[i].len + 2);

        g_test_message("checking %s", content[i].name);
        assert_bytes(got, content[i].bytes, content[i].len);
        /* The port gives the same bytes, then zeros. */
        if (content[i].len > 0) {
            memcpy(padded, content[i].bytes, content[i].len);
        }
        assert_bytes(by_port, padded, content[i].len + 2);
    }
    g_assert_cmpuint(fw_find(files, "etc/acpi/tables")->size % 131072, ==, 0);
    g_assert_cmpuint(fw_find(files, "etc/acpi/rsdp")->size, ==, 20);
    g_assert_cmpuint(fw_find(files, "etc/table-loader")->size % 4096, ==, 0);
    g_assert_cmpuint(fw_find(files, "etc/smbios/smbios-anchor")->size, ==, 31);
}

/* Without boot.splash-time there is no etc/boot-menu-wait. */
static void test_files_default(void)
{
    g_autoptr(Guest) g = guest_start("-M pc -nodefaults");
    g_autoptr(GArray) files = fw_dir(g);
    g_autoptr(GBytes) fail_wait = fw_file(g, files, "etc/boot-fail-wait");
    g_autoptr(GBytes) e820 = fw_file(g, files, "etc/e820");
    const uint8_t *e;

    g_assert_cmpuint(files->len, ==, 11);
    g_assert_null(fw_find(files, "etc/boot-menu-wait"));
    assert_bytes(fail_wait, "\xff\xff\xff\xff", 4);
    g_assert_cmpuint(g_bytes_get_size(e820), ==, 40);
    e = g_bytes_get_data(e820, NULL);
    /* 128 MiB at 0, type 1. */
    g_assert_cmphex(le32_at(e + 20 + 8), ==, 128u << 20);
    g_assert_cmphex(le32_at(e + 20 + 16), ==, 1);
}

/* ---- bad input at set time ---- */

typedef struct BadCase {
    const char *name;
    const char *args; /* machine-set arguments; @LONG@: a 56-byte name */
    const char *desc;
} BadCase;

static const BadCase bad_cases[] = {
    {"name-too-long",
     "{\"fw-cfg\": [{\"name\": \"@LONG@\", \"string\": \"x\"}]}",
     "fw-cfg[0]: name too long (max. 55 char)"},
    {"no-content", "{\"fw-cfg\": [{\"name\": \"opt/a\", \"string\": \"\"}]}",
     "fw-cfg[0]: name, plus exactly one of file, string and gen_id, are "
     "needed"},
    {"bad-base64", "{\"fw-cfg\": [{\"name\": \"opt/a\", \"data\": \"@@\"}]}",
     "fw-cfg[0]: data is not valid base64"},
    {"smbios-file-short", "{\"smbios\": {\"files\": [{\"data\": \"fgQA\"}]}}",
     "smbios.files[0]: SMBIOS structure is shorter than its 4-byte header"},
    {"smbios-file-bad-length",
     "{\"smbios\": {\"files\": [{\"data\": \"fgIAAAAA\"}]}}",
     "smbios.files[0]: SMBIOS structure length 2 does not fit its 6 bytes"},
    {"acpi-file-truncated",
     "{\"acpitable\": [{\"file\": [\"t.bin\"], \"blob\": \"U1NEVA==\"}]}",
     "acpitable[0]: ACPI table claiming to have header is too short, "
     "available: 4, expected: 36"},
    {"acpi-oem-id-too-long",
     "{\"acpitable\": [{\"oem-id\": \"SEVENCH\", \"data\": [\"b\"], "
     "\"blob\": \"AA==\"}]}",
     "acpitable[0].oem-id: must be at most 6 characters"},
};

static JsonNode *query_config(QTestState *s)
{
    return qtest_qmp_assert_success_ref(
        s, "{\"execute\": \"query-machine-config\"}");
}

static char *oversize_smbios_args(void)
{
    g_autoptr(GString) args =
        g_string_new("{\"smbios\": {\"type11\": {\"values\": [");
    g_autofree char *value = g_strnfill(300, 'v');

    /* A type 11 structure holds at most 255 strings. */
    for (int i = 0; i < 250; i++) {
        g_string_append_printf(args, "%s\"%s\"", i ? ", " : "", value);
    }
    g_string_append(args, "]}}}");
    return g_string_free(g_steal_pointer(&args), FALSE);
}

static void test_bad_input(void)
{
    g_autoptr(Guest) g = guest_start("-preconfig -nodefaults");
    g_autoptr(JsonNode) before = NULL;
    g_autofree char *long_name = g_strnfill(56, 'n');
    g_autoptr(GArray) files = NULL;
    g_autoptr(GBytes) keep = NULL;

    qtest_qmp_assert_success(
        g->qts, "{\"execute\": \"machine-set\", \"arguments\": {\"fw-cfg\": "
                "[{\"name\": \"opt/keep\", \"string\": \"k\"}]}}");
    before = query_config(g->qts);
    for (gsize i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        const BadCase *c = &bad_cases[i];
        g_autoptr(GString) args = g_string_new(c->args);
        g_autofree char *cmd = NULL;
        g_autoptr(JsonNode) after = NULL;

        g_string_replace(args, "@LONG@", long_name, 0);
        cmd = g_strdup_printf(
            "{\"execute\": \"machine-set\", \"arguments\": %s}", args->str);
        g_test_message("case %s", c->name);
        qtest_qmp_assert_error(g->qts, "GenericError", c->desc, "%s", cmd);
        after = query_config(g->qts);
        g_assert_true(json_node_equal(after, before));
    }
    /* Nothing of the refused values reached the device. */
    qtest_qmp_assert_success(g->qts, "{\"execute\": \"x-exit-preconfig\"}");
    files = fw_dir(g);
    g_assert_cmpuint(files->len, ==, 12);
    keep = fw_file(g, files, "opt/keep");
    assert_bytes(keep, "k", 1);
}

/*
 * SMBIOS tables over 65535 bytes (250 OEM strings of 300 bytes) must be
 * refused by machine-set (smbios_check_size()), leaving the configuration
 * as it was.
 */
static void test_smbios_oversize(void)
{
    g_autoptr(Guest) g = guest_start("-preconfig -nodefaults");
    g_autofree char *args = oversize_smbios_args();
    g_autoptr(JsonNode) before = query_config(g->qts);
    g_autoptr(JsonNode) after = NULL;
    g_autoptr(JsonObject) reply = qtest_qmp(
        g->qts, "{\"execute\": \"machine-set\", \"arguments\": %s}", args);
    const char *desc = qtest_reply_error_desc(reply);

    g_assert_nonnull(desc);
    g_assert_cmpstr(qtest_reply_error_class(reply), ==, "GenericError");
    g_assert_cmpstr(desc, ==,
                    "smbios: SMBIOS table length 75583 exceeds 65535");
    after = query_config(g->qts);
    g_assert_true(json_node_equal(after, before));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fw_cfg/registers", test_registers);
    g_test_add_func("/fw_cfg/dma", test_dma);
    g_test_add_func("/fw_cfg/well-known-keys", test_well_known_keys);
    g_test_add_func("/fw_cfg/files/configured", test_files);
    g_test_add_func("/fw_cfg/files/default", test_files_default);
    g_test_add_func("/fw_cfg/bad-input/table", test_bad_input);
    g_test_add_func("/fw_cfg/bad-input/smbios-oversize", test_smbios_oversize);
    return g_test_run();
}
