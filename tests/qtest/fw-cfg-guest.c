/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest side of the fw_cfg qtests: a guest (qmpd or a reference
 * QEMU, both over the qtest protocol), the fw_cfg port and DMA interface
 * as firmware drives it, the file directory, and decoders for the SMBIOS
 * and ACPI tables it carries.
 */
#include "prelude.h"

#include <string.h>

#include "fw-cfg-guest.h"

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
uint64_t guest_value(Guest *g, const char *op, uint32_t port)
{
    g_autofree char *reply = guest_cmd(g, "%s 0x%x", op, port);

    g_assert_true(g_str_has_prefix(reply, "OK"));
    return g_ascii_strtoull(reply + 3, NULL, 16);
}

void guest_ok(Guest *g, const char *line)
{
    g_autofree char *reply = guest_cmd(g, "%s", line);

    g_assert_cmpstr(reply, ==, "OK");
}

void guest_outw(Guest *g, uint16_t port, uint16_t v)
{
    g_autofree char *line = g_strdup_printf("outw 0x%x 0x%x", port, v);

    guest_ok(g, line);
}

void guest_outl(Guest *g, uint16_t port, uint32_t v)
{
    g_autofree char *line = g_strdup_printf("outl 0x%x 0x%x", port, v);

    guest_ok(g, line);
}

uint8_t guest_inb(Guest *g, uint16_t port)
{
    return (uint8_t)guest_value(g, "inb", port);
}

void guest_write(Guest *g, uint64_t addr, const void *buf, gsize len)
{
    g_autoptr(GString) line = g_string_new(NULL);
    const uint8_t *p = buf;

    g_string_printf(line, "write 0x%" PRIx64 " 0x%zx 0x", addr, len);
    for (gsize i = 0; i < len; i++) {
        g_string_append_printf(line, "%02x", p[i]);
    }
    guest_ok(g, line->str);
}

GBytes *guest_read(Guest *g, uint64_t addr, gsize len)
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

GBytes *fw_port_read(Guest *g, uint16_t key, gsize len)
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
uint32_t fw_dma(Guest *g, uint32_t control, uint32_t len, uint64_t addr)
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

GBytes *fw_dma_read(Guest *g, uint16_t key, gsize len)
{
    if (len == 0) {
        return g_bytes_new(NULL, 0);
    }
    g_assert_cmphex(fw_dma(g, ((uint32_t)key << 16) | DMA_SELECT | DMA_READ,
                           (uint32_t)len, BUF_ADDR),
                    ==, 0);
    return guest_read(g, BUF_ADDR, len);
}

static uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

uint32_t le32_at(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
           p[0];
}

/* Reads and checks the directory (key 0x19); returns FwFile entries. */
GArray *fw_dir(Guest *g)
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

const FwFile *fw_find(GArray *files, const char *name)
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
GBytes *fw_file(Guest *g, GArray *files, const char *name)
{
    const FwFile *f = fw_find(files, name);

    return f != NULL ? fw_dma_read(g, f->select, f->size) : NULL;
}

void assert_bytes(GBytes *got, const void *want, gsize len)
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

/* Splits a table set into structures; fails the test when malformed. */
GArray *dmi_parse(GBytes *tables)
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

const Dmi *dmi_find(GArray *dmis, uint8_t type)
{
    for (guint i = 0; i < dmis->len; i++) {
        if (g_array_index(dmis, Dmi, i).type == type) {
            return &g_array_index(dmis, Dmi, i);
        }
    }
    return NULL;
}

/* String @index (1-based) of @d, "" for index 0. */
const char *dmi_string(const Dmi *d, uint8_t index)
{
    if (index == 0) {
        return "";
    }
    g_assert_cmpuint(index, <=, d->n_strings);
    return d->strings[index - 1];
}

/*
 * dmidecode's dump format: the entry point at 0 (checksums fixed up, as
 * firmware would) and the tables at 0x20.
 */
char *write_dmi_dump(const char *dir, GBytes *anchor, GBytes *tables)
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

/* ---- ACPI ---- */

uint8_t sum8(const uint8_t *p, gsize len)
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
const uint8_t *acpi_find(GBytes *blob, GBytes *rsdp, const char *sig)
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

Guest *guest_start(const char *args)
{
    g_autoptr(GError) err = NULL;
    Guest *g = g_new0(Guest, 1);

    g->qts = qtest_init_full(qtest_binary(), args, QTEST_INIT_QTEST, &err);
    g_assert_no_error(err);
    return g;
}

void guest_free(Guest *g)
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

/* The configured machine of most tests, set only through machine-set. */
#define CFG_RAM (256u << 20)

const uint8_t cfg_blob[6] = {0x00, 0x01, 0xfe, 0xff, 'x', 0x00};
const uint8_t acpi_body[7] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3};

Guest *configured_start(void)
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
GBytes *expected_acpi_table(void)
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

/* ---- comparison with QEMU ---- */

const char *reference_binary(void)
{
    const char *env = g_getenv("QMPD_REFERENCE_BINARY");

    return env != NULL && env[0] != '\0' ? env : "qemu-system-x86_64";
}

/* QEMU speaks qtest on its stdin/stdout; -S keeps the CPU stopped. */
Guest *reference_start(const char *binary, const char *args, GError **errp)
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

void assert_same_bytes(const char *what, GBytes *mine, GBytes *theirs)
{
    g_test_message("comparing %s", what);
    g_assert_nonnull(mine);
    g_assert_nonnull(theirs);
    assert_bytes(mine, g_bytes_get_data(theirs, NULL),
                 g_bytes_get_size(theirs));
}

void assert_same_dmi_string(GArray *mine, GArray *theirs, uint8_t type,
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
