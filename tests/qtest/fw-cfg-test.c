/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fw_cfg device as a guest sees it, through qtest port I/O and DMA
 * only: registers, well-known keys, the file directory, every file of a
 * machine configured with machine-set, SMBIOS (own decoder, dmidecode)
 * and ACPI (checksums, iasl), and a comparison with qemu-system-x86_64.
 */
#include "prelude.h"

#include <glib/gstdio.h>
#include <string.h>

#include "libqtest.h"

#define PORT_SEL 0x510
#define PORT_DATA 0x511
#define PORT_DMA_HI 0x514
#define PORT_DMA_LO 0x518
#define DESC_ADDR 0x1000
#define BUF_ADDR 0x100000
#define DMA_ERROR 0x01
#define DMA_READ 0x02
#define DMA_SKIP 0x04
#define DMA_SELECT 0x08
#define DMA_WRITE 0x10
#define DIR_SLOTS 32

/*
 * A guest: qmpd through libqtest, or a reference binary speaking the qtest
 * protocol on its stdin/stdout.
 */
typedef struct Guest {
    QTestState *qts;
    GSubprocess *proc;
    GDataInputStream *in;
} Guest;

static char *guest_cmd(Guest *g, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static char *guest_cmd(Guest *g, const char *fmt, ...)
{
    g_autofree char *line = NULL;
    va_list ap;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (g->qts != NULL) {
        return qtest_command(g->qts, "%s", line);
    }
    {
        g_autofree char *nl = g_strconcat(line, "\n", NULL);
        g_autoptr(GError) err = NULL;
        GOutputStream *out = g_subprocess_get_stdin_pipe(g->proc);
        char *reply;

        g_assert_true(
            g_output_stream_write_all(out, nl, strlen(nl), NULL, NULL, &err));
        g_assert_no_error(err);
        do {
            reply = g_data_input_stream_read_line(g->in, NULL, NULL, &err);
            g_assert_no_error(err);
            g_assert_nonnull(reply);
            if (strncmp(reply, "IRQ", 3) != 0) {
                return reply;
            }
            g_free(reply);
        } while (true);
    }
}

/* Sends "OP 0xPORT" and returns the value of the "OK" reply. */
static uint64_t guest_value(Guest *g, const char *op, uint32_t port)
{
    g_autofree char *reply = guest_cmd(g, "%s 0x%x", op, port);

    g_assert_true(g_str_has_prefix(reply, "OK"));
    return g_ascii_strtoull(reply + 3, NULL, 16);
}

static void guest_ok(Guest *g, const char *line)
{
    g_autofree char *reply = guest_cmd(g, "%s", line);

    g_assert_cmpstr(reply, ==, "OK");
}

static void guest_outw(Guest *g, uint16_t port, uint16_t v)
{
    g_autofree char *line = g_strdup_printf("outw 0x%x 0x%x", port, v);

    guest_ok(g, line);
}

static void guest_outl(Guest *g, uint16_t port, uint32_t v)
{
    g_autofree char *line = g_strdup_printf("outl 0x%x 0x%x", port, v);

    guest_ok(g, line);
}

static uint8_t guest_inb(Guest *g, uint16_t port)
{
    return (uint8_t)guest_value(g, "inb", port);
}

static void guest_write(Guest *g, uint64_t addr, const void *buf, gsize len)
{
    g_autoptr(GString) line = g_string_new(NULL);
    const uint8_t *p = buf;

    g_string_printf(line, "write 0x%" PRIx64 " 0x%zx 0x", addr, len);
    for (gsize i = 0; i < len; i++) {
        g_string_append_printf(line, "%02x", p[i]);
    }
    guest_ok(g, line->str);
}

static GBytes *guest_read(Guest *g, uint64_t addr, gsize len)
{
    g_autofree char *reply =
        guest_cmd(g, "read 0x%" PRIx64 " 0x%zx", addr, len);
    uint8_t *buf = g_malloc(len);

    g_assert_true(g_str_has_prefix(reply, "OK 0x"));
    g_assert_cmpuint(strlen(reply), ==, 5 + 2 * len);
    for (gsize i = 0; i < len; i++) {
        char hex[3] = {reply[5 + 2 * i], reply[6 + 2 * i], 0};

        buf[i] = (uint8_t)g_ascii_strtoull(hex, NULL, 16);
    }
    return g_bytes_new_take(buf, len);
}

/* ---- fw_cfg access ---- */

static GBytes *fw_port_read(Guest *g, uint16_t key, gsize len)
{
    uint8_t *buf = g_malloc(len ? len : 1);

    guest_outw(g, PORT_SEL, key);
    for (gsize i = 0; i < len; i++) {
        buf[i] = guest_inb(g, PORT_DATA);
    }
    return g_bytes_new_take(buf, len);
}

/*
 * Runs one DMA descriptor at DESC_ADDR, written through the two 32-bit
 * halves of the big-endian address register.  Returns the control word
 * the device wrote back.
 */
static uint32_t fw_dma(Guest *g, uint32_t control, uint32_t len, uint64_t addr)
{
    uint8_t desc[16];
    uint32_t c = GUINT32_TO_BE(control), l = GUINT32_TO_BE(len);
    uint64_t a = GUINT64_TO_BE(addr);
    g_autoptr(GBytes) back = NULL;
    uint32_t result;

    memcpy(desc, &c, 4);
    memcpy(desc + 4, &l, 4);
    memcpy(desc + 8, &a, 8);
    guest_write(g, DESC_ADDR, desc, sizeof(desc));
    guest_outl(g, PORT_DMA_HI, 0);
    guest_outl(g, PORT_DMA_LO, GUINT32_TO_BE(DESC_ADDR));
    back = guest_read(g, DESC_ADDR, 4);
    memcpy(&result, g_bytes_get_data(back, NULL), 4);
    return GUINT32_FROM_BE(result);
}

static GBytes *fw_dma_read(Guest *g, uint16_t key, gsize len)
{
    if (len == 0) {
        return g_bytes_new(NULL, 0);
    }
    g_assert_cmphex(fw_dma(g, ((uint32_t)key << 16) | DMA_SELECT | DMA_READ,
                           (uint32_t)len, BUF_ADDR),
                    ==, 0);
    return guest_read(g, BUF_ADDR, len);
}

typedef struct FwFile {
    char name[57];
    uint32_t size;
    uint16_t select;
} FwFile;

static uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static uint32_t le32_at(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
           p[0];
}

/* Reads and checks the directory (key 0x19); returns FwFile entries. */
static GArray *fw_dir(Guest *g)
{
    gsize size = 4 + 64 * DIR_SLOTS;
    g_autoptr(GBytes) dir = fw_dma_read(g, 0x19, size);
    const uint8_t *p = g_bytes_get_data(dir, NULL);
    uint32_t count = be32_at(p);
    GArray *files = g_array_new(FALSE, TRUE, sizeof(FwFile));

    g_assert_cmpuint(count, <=, DIR_SLOTS);
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = p + 4 + 64 * i;
        FwFile f = {0};

        f.size = be32_at(e);
        f.select = (uint16_t)(e[4] << 8 | e[5]);
        g_assert_cmpuint(e[6] | e[7], ==, 0);
        g_assert_cmpuint(e[63], ==, 0);
        memcpy(f.name, e + 8, 56);
        g_array_append_val(files, f);
    }
    return files;
}

static const FwFile *fw_find(GArray *files, const char *name)
{
    for (guint i = 0; i < files->len; i++) {
        const FwFile *f = &g_array_index(files, FwFile, i);

        if (g_str_equal(f->name, name)) {
            return f;
        }
    }
    return NULL;
}

/* A file's bytes through DMA, or NULL when the directory lacks it. */
static GBytes *fw_file(Guest *g, GArray *files, const char *name)
{
    const FwFile *f = fw_find(files, name);

    return f != NULL ? fw_dma_read(g, f->select, f->size) : NULL;
}

static void assert_bytes(GBytes *got, const void *want, gsize len)
{
    gsize n;
    const uint8_t *p;

    g_assert_nonnull(got);
    p = g_bytes_get_data(got, &n);
    g_assert_cmpuint(n, ==, len);
    if (len > 0) {
        g_assert_cmpmem(p, n, want, len);
    }
}

/* ---- SMBIOS decoding ---- */

typedef struct Dmi {
    uint8_t type;
    uint8_t len;
    uint16_t handle;
    const uint8_t *fmt;
    const char *strings[16]; /* [0] is string 1 */
    guint n_strings;
} Dmi;

/* Splits a table set into structures; fails the test when malformed. */
static GArray *dmi_parse(GBytes *tables)
{
    gsize len;
    const uint8_t *p = g_bytes_get_data(tables, &len);
    GArray *out = g_array_new(FALSE, TRUE, sizeof(Dmi));
    gsize off = 0;

    while (off < len) {
        Dmi d = {0};
        const uint8_t *s;

        g_assert_cmpuint(off + 4, <=, len);
        d.type = p[off];
        d.len = p[off + 1];
        d.handle = (uint16_t)(p[off + 2] | p[off + 3] << 8);
        d.fmt = p + off;
        g_assert_cmpuint(d.len, >=, 4);
        g_assert_cmpuint(off + d.len + 2, <=, len);
        s = p + off + d.len;
        if (s[0] == 0) {
            g_assert_cmpuint(s[1], ==, 0);
            off += d.len + 2;
        } else {
            while (s[0] != 0) {
                gsize sl = strnlen((const char *)s, len - (s - p));

                g_assert_cmpuint((gsize)(s - p) + sl + 1, <, len);
                g_assert_cmpuint(d.n_strings, <, G_N_ELEMENTS(d.strings));
                d.strings[d.n_strings++] = (const char *)s;
                s += sl + 1;
            }
            off = (gsize)(s - p) + 1;
        }
        g_array_append_val(out, d);
        if (d.type == 127) {
            break;
        }
    }
    g_assert_cmpuint(off, ==, len);
    return out;
}

static const Dmi *dmi_find(GArray *dmis, uint8_t type)
{
    for (guint i = 0; i < dmis->len; i++) {
        if (g_array_index(dmis, Dmi, i).type == type) {
            return &g_array_index(dmis, Dmi, i);
        }
    }
    return NULL;
}

/* String @index (1-based) of @d, "" for index 0. */
static const char *dmi_string(const Dmi *d, uint8_t index)
{
    if (index == 0) {
        return "";
    }
    g_assert_cmpuint(index, <=, d->n_strings);
    return d->strings[index - 1];
}

/* ---- ACPI ---- */

static uint8_t sum8(const uint8_t *p, gsize len)
{
    uint8_t s = 0;

    for (gsize i = 0; i < len; i++) {
        s += p[i];
    }
    return s;
}

/*
 * Finds the table with signature @sig listed in the RSDT, whose address
 * the RSDP (not yet patched by a loader) gives as an offset in @blob.
 */
static const uint8_t *acpi_find(GBytes *blob, GBytes *rsdp, const char *sig)
{
    gsize blen;
    const uint8_t *b = g_bytes_get_data(blob, &blen);
    const uint8_t *r = g_bytes_get_data(rsdp, NULL);
    uint32_t rsdt = le32_at(r + 16);
    uint32_t rlen;

    g_assert_cmpuint(rsdt + 36, <=, blen);
    g_assert_cmpmem(b + rsdt, 4, "RSDT", 4);
    rlen = le32_at(b + rsdt + 4);
    for (uint32_t off = 36; off + 4 <= rlen; off += 4) {
        uint32_t t = le32_at(b + rsdt + off);

        g_assert_cmpuint(t + 36, <=, blen);
        if (memcmp(b + t, sig, 4) == 0) {
            return b + t;
        }
    }
    return NULL;
}

/* ---- starting qmpd ---- */

static Guest *guest_start(const char *args)
{
    g_autoptr(GError) err = NULL;
    Guest *g = g_new0(Guest, 1);

    g->qts = qtest_init_full(qtest_binary(), args, QTEST_INIT_QTEST, &err);
    g_assert_no_error(err);
    return g;
}

static void guest_free(Guest *g)
{
    if (g == NULL) {
        return;
    }
    if (g->qts != NULL) {
        qtest_quit(g->qts);
    }
    if (g->proc != NULL) {
        g_subprocess_force_exit(g->proc);
        g_subprocess_wait(g->proc, NULL, NULL);
        g_object_unref(g->proc);
    }
    g_clear_object(&g->in);
    g_free(g);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Guest, guest_free)

/* The configured machine of most tests, set only through machine-set. */
#define CFG_UUID "12345678-9abc-def0-1122-334455667788"
#define CFG_STRING "hello fw_cfg, no NUL"
#define CFG_RAM (256u << 20)

static const uint8_t cfg_uuid_rfc[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
                                         0xde, 0xf0, 0x11, 0x22, 0x33, 0x44,
                                         0x55, 0x66, 0x77, 0x88};
static const uint8_t cfg_blob[] = {0x00, 0x01, 0xfe, 0xff, 'x', 0x00};
static const uint8_t acpi_body[] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3};

static Guest *configured_start(void)
{
    Guest *g = guest_start("-preconfig -nodefaults");
    g_autofree char *blob64 = g_base64_encode(cfg_blob, sizeof(cfg_blob));
    g_autofree char *body64 = g_base64_encode(acpi_body, sizeof(acpi_body));
    g_autofree char *cmd = g_strdup_printf(
        "{\"execute\": \"machine-set\", \"arguments\": {"
        "\"type\": \"pc\", \"uuid\": \"" CFG_UUID "\","
        "\"memory\": {\"size\": %u},"
        "\"smp\": {\"cpus\": 2, \"maxcpus\": 6, \"sockets\": 2, \"cores\": 3, "
        "\"threads\": 1},"
        "\"boot\": {\"menu\": true, \"splash-time\": 300, "
        "\"reboot-timeout\": 1000},"
        "\"smbios\": {\"type1\": {\"serial\": \"SER-1\", \"sku\": \"SKU9\", "
        "\"family\": \"FAM\"}, \"type3\": {\"asset\": \"CHAS\"}, "
        "\"type11\": {\"values\": [\"hello\", \"world\"]}},"
        "\"fw-cfg\": [{\"name\": \"opt/org.test/str\", \"string\": "
        "\"" CFG_STRING
        "\"}, {\"name\": \"opt/org.test/bin\", \"data\": \"%s\"}],"
        "\"acpitable\": [{\"sig\": \"TSTA\", \"oem-id\": \"OEMID1\", "
        "\"oem-table-id\": \"TBLID123\", \"oem-rev\": 16909060, "
        "\"data\": [\"body.bin\"], \"blob\": \"%s\"}]}}",
        CFG_RAM, blob64, body64);

    qtest_qmp_assert_success(g->qts, "%s", cmd);
    qtest_qmp_assert_success(g->qts, "{\"execute\": \"x-exit-preconfig\"}");
    return g;
}

/* The user ACPI table as it must appear: QEMU's template, overrides. */
static GBytes *expected_acpi_table(void)
{
    uint8_t t[36 + sizeof(acpi_body)] = {0};
    uint32_t len = sizeof(t), oem_rev = 16909060, one = 1;

    memcpy(t, "TSTA", 4);
    memcpy(t + 4, &len, 4); /* the host is little-endian, as x86 */
    t[8] = 1;
    memcpy(t + 10, "OEMID1", 6);
    memcpy(t + 16, "TBLID123", 8);
    memcpy(t + 24, &oem_rev, 4);
    memcpy(t + 28, "QEMU", 4);
    memcpy(t + 32, &one, 4);
    memcpy(t + 36, acpi_body, sizeof(acpi_body));
    t[9] = (uint8_t)-sum8(t, sizeof(t));
    return g_bytes_new(t, sizeof(t));
}

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

/*
 * dmidecode's dump format: the entry point at 0 (checksums fixed up, as
 * firmware would) and the tables at 0x20.
 */
static char *write_dmi_dump(const char *dir, GBytes *anchor, GBytes *tables)
{
    gsize alen, tlen;
    const uint8_t *a = g_bytes_get_data(anchor, &alen);
    const uint8_t *t = g_bytes_get_data(tables, &tlen);
    g_autofree uint8_t *buf = g_malloc0(0x20 + tlen);
    char *path = g_build_filename(dir, "dmi.bin", NULL);
    g_autoptr(GError) err = NULL;

    g_assert_cmpuint(alen, ==, 31);
    memcpy(buf, a, alen);
    memcpy(buf + 0x20, t, tlen);
    buf[0x18] = 0x20;
    buf[0x15] = (uint8_t)-sum8(buf + 0x10, 15);
    buf[4] = (uint8_t)-sum8(buf, 31);
    g_assert_true(g_file_set_contents(path, (char *)buf, 0x20 + tlen, &err));
    g_assert_no_error(err);
    return path;
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

static const char *reference_binary(void)
{
    const char *env = g_getenv("QMPD_REFERENCE_BINARY");

    return env != NULL && env[0] != '\0' ? env : "qemu-system-x86_64";
}

/* QEMU speaks qtest on its stdin/stdout; -S keeps the CPU stopped. */
static Guest *reference_start(const char *binary, const char *args,
                              GError **errp)
{
    g_autofree char *cmd =
        g_strdup_printf("%s -M pc -nodefaults -S -display none -qtest stdio "
                        "-qtest-log /dev/null %s",
                        binary, args);
    g_auto(GStrv) argv = NULL;
    Guest *g;
    GSubprocess *proc;

    if (!g_shell_parse_argv(cmd, NULL, &argv, errp)) {
        return NULL;
    }
    proc = g_subprocess_newv((const char *const *)argv,
                             G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                 G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                 G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                             errp);
    if (proc == NULL) {
        return NULL;
    }
    g = g_new0(Guest, 1);
    g->proc = proc;
    g->in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(proc));
    return g;
}

static void assert_same_bytes(const char *what, GBytes *mine, GBytes *theirs)
{
    g_test_message("comparing %s", what);
    g_assert_nonnull(mine);
    g_assert_nonnull(theirs);
    assert_bytes(mine, g_bytes_get_data(theirs, NULL),
                 g_bytes_get_size(theirs));
}

static void assert_same_dmi_string(GArray *mine, GArray *theirs, uint8_t type,
                                   guint offset)
{
    const Dmi *a = dmi_find(mine, type);
    const Dmi *b = dmi_find(theirs, type);

    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_cmpuint(offset, <, MIN(a->len, b->len));
    g_assert_cmpstr(dmi_string(a, a->fmt[offset]), ==,
                    dmi_string(b, b->fmt[offset]));
}

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
    g_test_add_func("/fw_cfg/smbios/decode", test_smbios);
    g_test_add_func("/fw_cfg/smbios/dmidecode", test_dmidecode);
    g_test_add_func("/fw_cfg/acpi/user-table", test_acpi);
    g_test_add_func("/fw_cfg/bad-input/table", test_bad_input);
    g_test_add_func("/fw_cfg/bad-input/smbios-oversize", test_smbios_oversize);
    g_test_add_func("/fw_cfg/differential", test_differential);
    return g_test_run();
}
