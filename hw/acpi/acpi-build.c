/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc machine's ACPI tables as fw_cfg publishes them: qmpd's own
 * minimal tables (FACS, DSDT, FACP, APIC), the user tables, the RSDT that
 * lists them, the RSDP, and the loader script that links them in memory.
 */

#include "prelude.h"

#include <string.h>

#include "acpi-internal.h"
#include "hw/acpi/acpi-build.h"
#include "hw/acpi/acpi-table.h"
#include "util/error.h"

#define FACS_LEN 64
#define FADT_REV1_LEN 116
#define RSDP_LEN 20
#define TABLES_ALIGN (128 * 1024)
#define FACS_ALIGN 64
#define RSDP_ALIGN 16
#define IOAPIC_ADDR 0xfec00000u
#define LAPIC_ADDR 0xfee00000u

static void put_le16(guint8 *p, guint16 v)
{
    v = GUINT16_TO_LE(v);
    memcpy(p, &v, 2);
}

static void put_le32(guint8 *p, guint32 v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p, &v, 4);
}

/* Appends @len zero bytes and returns their offset. */
static guint reserve(GByteArray *a, guint len)
{
    guint off = a->len;

    g_byte_array_set_size(a, off + len);
    memset(a->data + off, 0, len);
    return off;
}

static void append_u8(GByteArray *a, guint8 v)
{
    g_byte_array_append(a, &v, 1);
}

static void append_le16(GByteArray *a, guint16 v)
{
    /* reserve() may move a->data: take the offset first. */
    guint off = reserve(a, 2);

    put_le16(a->data + off, v);
}

static void append_le32(GByteArray *a, guint32 v)
{
    guint off = reserve(a, 4);

    put_le32(a->data + off, v);
}

/* Starts a table with QEMU's own OEM header values; returns its offset. */
static guint table_begin(GByteArray *a, const char *sig, guint8 rev)
{
    guint off = reserve(a, ACPI_TABLE_HEADER_SIZE);
    guint8 *h = a->data + off;

    memcpy(h, sig, 4);
    h[8] = rev;
    memcpy(h + 10, "BOCHS ", 6);
    memcpy(h + 16, "BXPC    ", 8);
    put_le32(h + 24, 1);
    memcpy(h + 28, "BXPC", 4);
    put_le32(h + 32, 1);
    return off;
}

/* Sets the length and checksum; the loader is told to redo the latter. */
static void table_end(GByteArray *a, guint off, GByteArray *loader)
{
    guint len = a->len - off;

    put_le32(a->data + off + 4, len);
    a->data[off + ACPI_TABLE_CHECKSUM_OFFSET] = 0;
    a->data[off + ACPI_TABLE_CHECKSUM_OFFSET] =
        acpi_checksum(a->data + off, len);
    acpi_loader_add_checksum(loader, ACPI_BUILD_TABLES_FILE,
                             off + ACPI_TABLE_CHECKSUM_OFFSET, off, len);
}

/*
 * AML package length: one byte up to 63, else a lead byte holding the
 * extra byte count and the low nibble, then the rest 8 bits at a time.
 * @body is the length of what follows the encoding.
 */
static void aml_pkg_length(GByteArray *a, gsize body)
{
    gsize total;
    guint extra;

    if (body + 1 < 0x40) {
        append_u8(a, body + 1);
        return;
    }
    extra = body + 2 < 0x1000 ? 1 : body + 3 < 0x100000 ? 2 : 3;
    total = body + 1 + extra;
    append_u8(a, extra << 6 | (total & 0x0f));
    for (guint i = 0; i < extra; i++) {
        append_u8(a, (total >> (4 + 8 * i)) & 0xff);
    }
}

/* Appends an AML package (opcode bytes, length, body) and frees @body. */
static void aml_package(GByteArray *a, const guint8 *op, guint op_len,
                        GByteArray *body)
{
    g_byte_array_append(a, op, op_len);
    aml_pkg_length(a, body->len);
    g_byte_array_append(a, body->data, body->len);
    g_byte_array_unref(body);
}

/*
 * The fw_cfg device, so that guests (Linux's qemu_fw_cfg driver) find
 * the interface:
 *   Scope (\_SB) { Device (FWCF) { Name (_HID, "QEMU0002")
 *     Name (_STA, 0x0B) Name (_CRS, ResourceTemplate () {
 *       IO (Decode16, base, base, 0x01, 0x0C) }) } }
 */
static void aml_fw_cfg_device(GByteArray *a, guint16 base)
{
    static const guint8 scope_op[] = {0x10};
    static const guint8 device_op[] = {0x5b, 0x82};
    static const guint8 buffer_op[] = {0x11};
    GByteArray *scope = g_byte_array_new();
    GByteArray *dev = g_byte_array_new();
    GByteArray *buf = g_byte_array_new();
    const guint8 io[] = {
        0x47, 0x01, base & 0xff, base >> 8, base & 0xff, base >> 8,
        0x01, 0x0c, 0x79,        0x00, /* end tag, checksum 0 = not computed */
    };

    g_byte_array_append(dev, (const guint8 *)"FWCF", 4);
    g_byte_array_append(dev, (const guint8 *)"\x08_HID\x0dQEMU0002", 15);
    g_byte_array_append(dev, (const guint8 *)"\x08_STA\x0a\x0b", 7);
    g_byte_array_append(dev, (const guint8 *)"\x08_CRS", 5);
    append_u8(buf, 0x0a); /* BytePrefix: buffer size */
    append_u8(buf, sizeof(io));
    g_byte_array_append(buf, io, sizeof(io));
    aml_package(dev, buffer_op, sizeof(buffer_op), buf);

    g_byte_array_append(scope, (const guint8 *)"\\_SB_", 5);
    aml_package(scope, device_op, sizeof(device_op), dev);
    aml_package(a, scope_op, sizeof(scope_op), scope);
}

static void build_fadt(GByteArray *a, GByteArray *loader,
                       const AcpiMachineInfo *info, guint facs, guint dsdt)
{
    guint off = table_begin(a, "FACP", 1);
    guint8 *f;

    reserve(a, FADT_REV1_LEN - ACPI_TABLE_HEADER_SIZE);
    f = a->data + off;
    put_le32(f + 36, facs);
    put_le32(f + 40, dsdt);
    f[44] = 1; /* INT_MODEL (ACPI 1.0): APIC */
    put_le16(f + 46, info->sci_irq);
    put_le32(f + 48, 0xb2); /* SMI command port */
    f[52] = 0xf1;           /* ACPI enable */
    f[53] = 0xf0;           /* ACPI disable */
    put_le32(f + 56, info->pm_io_base);
    put_le32(f + 64, info->pm_io_base + 0x04);
    put_le32(f + 76, info->pm_io_base + 0x08);
    put_le32(f + 80, info->gpe0_io_base);
    f[88] = 4;                 /* PM1 event block length */
    f[89] = 2;                 /* PM1 control block length */
    f[91] = 4;                 /* PM timer length */
    f[92] = 4;                 /* GPE0 block length */
    put_le16(f + 96, 0x0fff);  /* C2 not supported */
    put_le16(f + 98, 0x0fff);  /* C3 not supported */
    f[108] = 0x32;             /* RTC century register */
    put_le32(f + 112, 0x80a5); /* WBINVD, PROC_C1, SLP_BUTTON, RTC_S4,
                                * USE_PLATFORM_CLOCK */
    acpi_loader_add_pointer(loader, ACPI_BUILD_TABLES_FILE,
                            ACPI_BUILD_TABLES_FILE, off + 36, 4);
    acpi_loader_add_pointer(loader, ACPI_BUILD_TABLES_FILE,
                            ACPI_BUILD_TABLES_FILE, off + 40, 4);
    table_end(a, off, loader);
}

static guint bits_for(int64_t n)
{
    guint bits = 0;

    while (n > 1 && ((int64_t)1 << bits) < n) {
        bits++;
    }
    return bits;
}

/* x86 APIC ID of CPU @index: socket, die, core and thread bit fields. */
static guint32 apic_id_of(const SMPConfiguration *smp, int64_t index)
{
    int64_t threads = smp->threads, cores = smp->cores, dies = smp->dies;
    guint tb = bits_for(threads), cb = bits_for(cores), db = bits_for(dies);
    int64_t thread = index % threads;
    int64_t core = index / threads % cores;
    int64_t die = index / (threads * cores) % dies;
    int64_t socket = index / (threads * cores * dies);

    return socket << (tb + cb + db) | die << (tb + cb) | core << tb | thread;
}

static void build_madt(GByteArray *a, GByteArray *loader,
                       const SMPConfiguration *smp)
{
    static const guint8 level_irqs[] = {5, 9, 10, 11};
    guint off = table_begin(a, "APIC", 1);
    bool x2apic = false;

    append_le32(a, LAPIC_ADDR);
    append_le32(a, 1); /* PCAT_COMPAT: legacy PICs present */
    for (int64_t i = 0; i < smp->maxcpus; i++) {
        guint32 id = apic_id_of(smp, i);
        guint32 flags = i < smp->cpus ? 1 : 0; /* enabled */

        if (id < 0xff) {
            append_u8(a, 0); /* processor local APIC */
            append_u8(a, 8);
            append_u8(a, i);
            append_u8(a, id);
            append_le32(a, flags);
        } else {
            x2apic = true;
            append_u8(a, 9); /* processor local x2APIC */
            append_u8(a, 16);
            append_le16(a, 0);
            append_le32(a, id);
            append_le32(a, flags);
            append_le32(a, i);
        }
    }
    append_u8(a, 1); /* I/O APIC 0 at GSI 0 */
    append_u8(a, 12);
    append_u8(a, 0);
    append_u8(a, 0);
    append_le32(a, IOAPIC_ADDR);
    append_le32(a, 0);
    /* ISA IRQ 0 arrives on GSI 2; the PCI IRQs are level, active high. */
    append_u8(a, 2);
    append_u8(a, 10);
    append_u8(a, 0);
    append_u8(a, 0);
    append_le32(a, 2);
    append_le16(a, 0);
    for (guint i = 0; i < G_N_ELEMENTS(level_irqs); i++) {
        append_u8(a, 2);
        append_u8(a, 10);
        append_u8(a, 0);
        append_u8(a, level_irqs[i]);
        append_le32(a, level_irqs[i]);
        append_le16(a, 0x0d);
    }
    /* LINT1 of every processor is the NMI. */
    append_u8(a, 4);
    append_u8(a, 6);
    append_u8(a, 0xff);
    append_le16(a, 0);
    append_u8(a, 1);
    if (x2apic) {
        append_u8(a, 0x0a);
        append_u8(a, 12);
        append_le16(a, 0);
        append_le32(a, 0xffffffffu);
        append_u8(a, 1);
        reserve(a, 3);
    }
    table_end(a, off, loader);
}

static void build_rsdt(GByteArray *a, GByteArray *loader, GArray *entries)
{
    guint off = table_begin(a, "RSDT", 1);

    for (guint i = 0; i < entries->len; i++) {
        guint at = a->len;

        append_le32(a, g_array_index(entries, guint32, i));
        acpi_loader_add_pointer(loader, ACPI_BUILD_TABLES_FILE,
                                ACPI_BUILD_TABLES_FILE, at, 4);
    }
    table_end(a, off, loader);
}

static GBytes *build_rsdp(GByteArray *loader, guint rsdt)
{
    guint8 *r = g_malloc0(RSDP_LEN);

    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "BOCHS ", 6);
    r[15] = 0; /* revision 0: ACPI 1.0, RSDT only */
    put_le32(r + 16, rsdt);
    r[8] = acpi_checksum(r, RSDP_LEN);
    acpi_loader_add_pointer(loader, ACPI_BUILD_RSDP_FILE,
                            ACPI_BUILD_TABLES_FILE, 16, 4);
    acpi_loader_add_checksum(loader, ACPI_BUILD_RSDP_FILE, 8, 0, RSDP_LEN);
    return g_bytes_new_take(r, RSDP_LEN);
}

void acpi_machine_info_pc(AcpiMachineInfo *ret)
{
    ret->fw_cfg_io_base = 0x510;
    ret->pm_io_base = 0x600;
    ret->gpe0_io_base = 0xafe0;
    ret->sci_irq = 9;
}

static void fallback_smp(const MachineProperties *cfg, SMPConfiguration *ret)
{
    const SMPConfiguration *smp = cfg->smp;

    /* Filled configurations have every member; be safe with others. */
    ret->cpus = smp != NULL && smp->has_cpus ? smp->cpus : 1;
    ret->maxcpus = smp != NULL && smp->has_maxcpus ? smp->maxcpus : ret->cpus;
    ret->dies = smp != NULL && smp->has_dies ? MAX(smp->dies, 1) : 1;
    ret->cores = smp != NULL && smp->has_cores ? MAX(smp->cores, 1) : 1;
    ret->threads = smp != NULL && smp->has_threads ? MAX(smp->threads, 1) : 1;
    if (smp == NULL || !smp->has_cores) {
        ret->cores = ret->maxcpus;
    }
}

bool acpi_build(const MachineProperties *cfg, const AcpiMachineInfo *info,
                AcpiBuildResult *ret, GError **errp)
{
    g_autoptr(GPtrArray) user = NULL;
    g_autoptr(GByteArray) loader = NULL;
    g_autoptr(GByteArray) a = NULL;
    g_autoptr(GArray) rsdt_entries = NULL;
    SMPConfiguration smp;
    guint facs, dsdt, rsdt, padded;
    GBytes *rsdp;

    g_return_val_if_fail(cfg != NULL && info != NULL && ret != NULL, false);

    user = acpi_user_tables_build(cfg->acpitable, NULL, errp);
    if (user == NULL) {
        return false;
    }
    fallback_smp(cfg, &smp);
    loader = g_byte_array_new();
    a = g_byte_array_new();
    rsdt_entries = g_array_new(FALSE, FALSE, sizeof(guint32));

    acpi_loader_allocate(loader, ACPI_BUILD_RSDP_FILE, RSDP_ALIGN,
                         ACPI_LOADER_ZONE_FSEG);
    acpi_loader_allocate(loader, ACPI_BUILD_TABLES_FILE, FACS_ALIGN,
                         ACPI_LOADER_ZONE_HIGH);

    /* The FACS has no checksum and must be 64-byte aligned: it goes first. */
    facs = reserve(a, FACS_LEN);
    memcpy(a->data + facs, "FACS", 4);
    put_le32(a->data + facs + 4, FACS_LEN);

    dsdt = table_begin(a, "DSDT", 1);
    aml_fw_cfg_device(a, info->fw_cfg_io_base);
    table_end(a, dsdt, loader);

    g_array_append_val(rsdt_entries, a->len);
    build_fadt(a, loader, info, facs, dsdt);
    g_array_append_val(rsdt_entries, a->len);
    build_madt(a, loader, &smp);

    /* User tables are complete already: no loader command needed. */
    for (guint i = 0; i < user->len; i++) {
        gsize len;
        const guint8 *p = g_bytes_get_data(user->pdata[i], &len);

        g_array_append_val(rsdt_entries, a->len);
        g_byte_array_append(a, p, len);
    }
    rsdt = a->len;
    build_rsdt(a, loader, rsdt_entries);
    rsdp = build_rsdp(loader, rsdt);

    /* QEMU pads so that the blob size rarely changes across versions. */
    padded = (a->len + TABLES_ALIGN - 1) / TABLES_ALIGN * TABLES_ALIGN;
    reserve(a, padded - a->len);

    ret->legacy_blob = acpi_legacy_blob_build(user);
    ret->rsdp = rsdp;
    ret->tables = g_byte_array_free_to_bytes(g_steal_pointer(&a));
    ret->loader = acpi_loader_finish(g_steal_pointer(&loader));
    return true;
}

void acpi_build_result_clear(AcpiBuildResult *r)
{
    g_clear_pointer(&r->tables, g_bytes_unref);
    g_clear_pointer(&r->rsdp, g_bytes_unref);
    g_clear_pointer(&r->loader, g_bytes_unref);
    g_clear_pointer(&r->legacy_blob, g_bytes_unref);
}
