/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the SMBIOS builder: byte comparison with what QEMU 7.2's
 * pc machine publishes, a structure decoder of our own checking every
 * configured field, entry points, errors, and dmidecode when installed.
 */

#include "prelude.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "hw/smbios/smbios.h"
#include "qapi-visit.h"
#include "qapi/json-input-visitor.h"
#include "qapi/visitor.h"
#include "util/error.h"

#define PC_NAME "pc-i440fx-7.2"
#define PC_DESC "Standard PC (i440FX + PIIX, 1996)"

/* The defaults machine_config_fill_defaults() gives a pc machine. */
#define FILLED_SMBIOS                                                        \
    "\"type1\": {\"manufacturer\": \"QEMU\", \"product\": \"" PC_DESC        \
    "\", \"version\": \"" PC_NAME "\"},"                                     \
    "\"type3\": {\"manufacturer\": \"QEMU\", \"version\": \"" PC_NAME "\"}," \
    "\"type17\": {\"loc-pfx\": \"DIMM\", \"manufacturer\": \"QEMU\", "       \
    "\"speed\": 0}"

/*
 * etc/smbios/smbios-tables of QEMU 7.2 for "-M pc -nodefaults" (128 MiB,
 * one CPU), read through fw_cfg.
 */
static const char qemu72_default_tables[] =
    "011b0001010203000000000000000000000000000000000006000051454d5500"
    "5374616e646172642050432028693434304658202b20504949582c2031393936"
    "290070632d6934343066782d372e320000031600030101020000030303020000"
    "0000000000000051454d550070632d6934343066782d372e320000042a000401"
    "030102b10f0600fdfb8b0703000000d007d0074101ffffffffffff0000000101"
    "010200010043505520300051454d550070632d6934343066782d372e32000010"
    "17001001030600000200feff010000000000000000000000112800110010feff"
    "ffffffff80000900010007020000000200000000000000000000000000000000"
    "44494d4d20300051454d550000131f001300000000ffff010000100100000000"
    "0000000000000000000000000000200b00200000000000000000007f04007f00"
    "00";

static const char qemu72_default_anchor[] =
    "5f534d5f001f020851000000000000005f444d495f00410100000000080028";

/* One decoded structure. */
typedef struct Dmi {
    guint8 type;
    guint8 len;
    guint16 handle;
    const guint8 *fmt;
    GPtrArray *strings; /* char *, index 1 at [0] */
} Dmi;

static void dmi_free(gpointer p)
{
    Dmi *d = p;

    g_ptr_array_unref(d->strings);
    g_free(d);
}

/* Walks a table set; every structure must be well formed. */
static GPtrArray *dmi_decode(GBytes *tables)
{
    gsize len;
    const guint8 *p = g_bytes_get_data(tables, &len);
    GPtrArray *out = g_ptr_array_new_with_free_func(dmi_free);
    gsize i = 0;

    while (i < len) {
        Dmi *d = g_new0(Dmi, 1);
        gsize s;

        g_assert_cmpuint(i + 4, <=, len);
        d->type = p[i];
        d->len = p[i + 1];
        d->handle = p[i + 2] | p[i + 3] << 8;
        d->fmt = p + i;
        d->strings = g_ptr_array_new_with_free_func(g_free);
        g_assert_cmpuint(i + d->len + 2, <=, len);
        s = i + d->len;
        if (p[s] == 0) {
            g_assert_cmpint(p[s + 1], ==, 0);
            s += 2;
        } else {
            while (p[s] != 0) {
                gsize n = strnlen((const char *)p + s, len - s);

                g_assert_cmpuint(s + n, <, len);
                g_ptr_array_add(d->strings, g_strndup((const char *)p + s, n));
                s += n + 1;
            }
            s++;
        }
        g_ptr_array_add(out, d);
        i = s;
    }
    g_assert_cmpuint(i, ==, len);
    return out;
}

static const Dmi *dmi_find(GPtrArray *dmis, guint8 type, guint nth)
{
    for (guint i = 0; i < dmis->len; i++) {
        const Dmi *d = dmis->pdata[i];

        if (d->type == type && nth-- == 0) {
            return d;
        }
    }
    return NULL;
}

static guint dmi_count(GPtrArray *dmis, guint8 type)
{
    guint n = 0;

    while (dmi_find(dmis, type, n) != NULL) {
        n++;
    }
    return n;
}

/* The string a formatted-area byte points at ("" for index 0). */
static const char *dmi_str(const Dmi *d, guint off)
{
    guint8 index = d->fmt[off];

    if (index == 0) {
        return "";
    }
    g_assert_cmpuint(index, <=, d->strings->len);
    return d->strings->pdata[index - 1];
}

static guint dmi_u16(const Dmi *d, guint off)
{
    return d->fmt[off] | d->fmt[off + 1] << 8;
}

static guint32 dmi_u32(const Dmi *d, guint off)
{
    return dmi_u16(d, off) | (guint32)dmi_u16(d, off + 2) << 16;
}

static MachineProperties *config_from_json(const char *json)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) err = NULL;
    MachineProperties *cfg = NULL;
    Visitor *v;

    g_assert_true(json_parser_load_from_data(parser, json, -1, &err));
    g_assert_no_error(err);
    v = json_input_visitor_new(json_parser_get_root(parser));
    g_assert_true(visit_type_MachineProperties(v, NULL, &cfg, &err));
    g_assert_no_error(err);
    visit_free(v);
    return cfg;
}

static GBytes *bytes_from_hex(const char *hex)
{
    gsize n = strlen(hex) / 2;
    guint8 *p = g_malloc(n);

    for (gsize i = 0; i < n; i++) {
        p[i] = g_ascii_xdigit_value(hex[2 * i]) << 4 |
               g_ascii_xdigit_value(hex[2 * i + 1]);
    }
    return g_bytes_new_take(p, n);
}

static void build_ok(const MachineProperties *cfg, GBytes **tables,
                     GBytes **anchor)
{
    SmbiosMachineInfo info;
    g_autoptr(GError) err = NULL;

    smbios_machine_info_pc(&info, PC_NAME, PC_DESC, cfg->memory->size);
    g_assert_true(smbios_build(cfg, &info, tables, anchor, &err));
    g_assert_no_error(err);
}

static void test_default_matches_qemu(void)
{
    g_autoptr(MachineProperties) cfg = config_from_json(
        "{\"smp\": {\"cpus\": 1, \"maxcpus\": 1, \"sockets\": 1, \"dies\": 1,"
        " \"clusters\": 1, \"cores\": 1, \"threads\": 1},"
        " \"memory\": {\"size\": 134217728},"
        " \"smbios\": {\"entry-point-type\": \"32\", " FILLED_SMBIOS "}}");
    g_autoptr(GBytes) tables = NULL;
    g_autoptr(GBytes) anchor = NULL;
    g_autoptr(GBytes) want_tables = bytes_from_hex(qemu72_default_tables);
    g_autoptr(GBytes) want_anchor = bytes_from_hex(qemu72_default_anchor);

    build_ok(cfg, &tables, &anchor);
    g_assert_cmpmem(g_bytes_get_data(tables, NULL), g_bytes_get_size(tables),
                    g_bytes_get_data(want_tables, NULL),
                    g_bytes_get_size(want_tables));
    g_assert_cmpmem(g_bytes_get_data(anchor, NULL), g_bytes_get_size(anchor),
                    g_bytes_get_data(want_anchor, NULL),
                    g_bytes_get_size(want_anchor));
}

/* Every configurable field, 2 sockets of 2 cores, 5 GiB. */
static const char rich_json[] =
    "{\"smp\": {\"cpus\": 4, \"maxcpus\": 4, \"sockets\": 2, \"dies\": 1,"
    " \"clusters\": 1, \"cores\": 2, \"threads\": 1},"
    " \"memory\": {\"size\": 5368709120},"
    " \"uuid\": \"12345678-9abc-def0-1122-334455667788\","
    " \"smbios\": {\"entry-point-type\": \"auto\","
    " \"type0\": {\"vendor\": \"VV\", \"version\": \"VE\","
    "   \"date\": \"01/02/2023\", \"release\": \"1.2\", \"uefi\": true,"
    "   \"vm\": true},"
    " \"type1\": {\"manufacturer\": \"QEMU\", \"product\": \"P1\","
    "   \"version\": \"V1\", \"serial\": \"SER\", \"sku\": \"SK\","
    "   \"family\": \"FAM\"},"
    " \"type2\": {\"manufacturer\": \"M2\", \"product\": \"P2\","
    "   \"version\": \"V2\", \"serial\": \"BSER\", \"asset\": \"BA\","
    "   \"location\": \"LOC\"},"
    " \"type3\": {\"manufacturer\": \"M3\", \"version\": \"V3\","
    "   \"serial\": \"CS\", \"asset\": \"CA\", \"sku\": \"CSK\"},"
    " \"type4\": {\"sock-pfx\": \"S\", \"manufacturer\": \"M4\","
    "   \"version\": \"V4\", \"serial\": \"PS\", \"asset\": \"PA\","
    "   \"part\": \"PP\", \"processor-family\": 300,"
    "   \"processor-id\": 1234605616436508552, \"max-speed\": 3000,"
    "   \"current-speed\": 2500},"
    " \"type8\": [{\"internal-reference\": \"IR\","
    "   \"external-reference\": \"ER\", \"connector-type\": 5,"
    "   \"port-type\": 6}],"
    " \"type9\": [{\"slot-designation\": \"SL\", \"slot-type\": 1,"
    "   \"slot-data-bus-width\": 2, \"current-usage\": 3,"
    "   \"slot-length\": 4, \"slot-id\": 261,"
    "   \"slot-characteristics1\": 6, \"slot-characteristics2\": 7}],"
    " \"type11\": {\"values\": [\"hello\", \"world\", \"hello\"]},"
    " \"type17\": {\"loc-pfx\": \"L\", \"bank\": \"B\","
    "   \"manufacturer\": \"M17\", \"serial\": \"MS\", \"asset\": \"MA\","
    "   \"part\": \"MP\", \"speed\": 1600},"
    " \"type41\": [{\"designation\": \"D41\", \"kind\": \"ethernet\","
    "   \"instance\": 3}]}}";

static void test_fields(void)
{
    g_autoptr(MachineProperties) cfg = config_from_json(rich_json);
    g_autoptr(GBytes) tables = NULL;
    g_autoptr(GBytes) anchor = NULL;
    g_autoptr(GPtrArray) dmis = NULL;
    g_autoptr(GHashTable) handles = g_hash_table_new(NULL, NULL);
    static const guint8 uuid[16] = {0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a,
                                    0xf0, 0xde, 0x11, 0x22, 0x33, 0x44,
                                    0x55, 0x66, 0x77, 0x88};
    const Dmi *d;
    const guint8 *ep;
    gsize max = 0;

    build_ok(cfg, &tables, &anchor);
    dmis = dmi_decode(tables);
    for (guint i = 0; i < dmis->len; i++) {
        d = dmis->pdata[i];
        g_assert_false(
            g_hash_table_contains(handles, GUINT_TO_POINTER(d->handle)));
        g_hash_table_add(handles, GUINT_TO_POINTER(d->handle));
    }

    d = dmi_find(dmis, 0, 0);
    g_assert_nonnull(d);
    g_assert_cmpstr(dmi_str(d, 4), ==, "VV");
    g_assert_cmpstr(dmi_str(d, 5), ==, "VE");
    g_assert_cmpstr(dmi_str(d, 8), ==, "01/02/2023");
    g_assert_cmphex(dmi_u16(d, 6), ==, 0xe800);
    g_assert_cmphex(d->fmt[19], ==, 0x1c);
    g_assert_cmpint(d->fmt[20], ==, 1);
    g_assert_cmpint(d->fmt[21], ==, 2);

    d = dmi_find(dmis, 1, 0);
    g_assert_cmphex(d->handle, ==, 0x100);
    g_assert_cmpstr(dmi_str(d, 4), ==, "QEMU");
    g_assert_cmpstr(dmi_str(d, 5), ==, "P1");
    g_assert_cmpstr(dmi_str(d, 6), ==, "V1");
    g_assert_cmpstr(dmi_str(d, 7), ==, "SER");
    g_assert_cmpstr(dmi_str(d, 25), ==, "SK");
    g_assert_cmpstr(dmi_str(d, 26), ==, "FAM");
    g_assert_cmpmem(d->fmt + 8, 16, uuid, 16);

    d = dmi_find(dmis, 2, 0);
    g_assert_cmpstr(dmi_str(d, 4), ==, "M2");
    g_assert_cmpstr(dmi_str(d, 8), ==, "BA");
    g_assert_cmpstr(dmi_str(d, 10), ==, "LOC");
    g_assert_cmphex(dmi_u16(d, 11), ==, 0x300);

    d = dmi_find(dmis, 3, 0);
    g_assert_cmpstr(dmi_str(d, 4), ==, "M3");
    g_assert_cmpstr(dmi_str(d, 6), ==, "V3");
    g_assert_cmpstr(dmi_str(d, 7), ==, "CS");
    g_assert_cmpstr(dmi_str(d, 8), ==, "CA");
    g_assert_cmpstr(dmi_str(d, 21), ==, "CSK");

    g_assert_cmpuint(dmi_count(dmis, 4), ==, 2);
    for (guint i = 0; i < 2; i++) {
        g_autofree char *sock = g_strdup_printf("S %u", i);

        d = dmi_find(dmis, 4, i);
        g_assert_cmpint(d->len, ==, 42);
        g_assert_cmphex(d->handle, ==, 0x400 + i);
        g_assert_cmpstr(dmi_str(d, 4), ==, sock);
        g_assert_cmpstr(dmi_str(d, 7), ==, "M4");
        g_assert_cmpstr(dmi_str(d, 16), ==, "V4");
        g_assert_cmpstr(dmi_str(d, 32), ==, "PS");
        g_assert_cmpstr(dmi_str(d, 33), ==, "PA");
        g_assert_cmpstr(dmi_str(d, 34), ==, "PP");
        g_assert_cmphex(dmi_u32(d, 8), ==, 0x55667788);
        g_assert_cmphex(dmi_u32(d, 12), ==, 0x11223344);
        g_assert_cmpint(d->fmt[6], ==, 0xfe);
        g_assert_cmpint(dmi_u16(d, 40), ==, 300);
        g_assert_cmpint(dmi_u16(d, 20), ==, 3000);
        g_assert_cmpint(dmi_u16(d, 22), ==, 2500);
        g_assert_cmpint(d->fmt[35], ==, 2);
        g_assert_cmpint(d->fmt[37], ==, 2);
    }

    d = dmi_find(dmis, 8, 0);
    g_assert_cmphex(d->handle, ==, 0x800); /* moved away from type 0 */
    g_assert_cmpstr(dmi_str(d, 4), ==, "IR");
    g_assert_cmpstr(dmi_str(d, 6), ==, "ER");
    g_assert_cmpint(d->fmt[5], ==, 0);
    g_assert_cmpint(d->fmt[7], ==, 5);
    g_assert_cmpint(d->fmt[8], ==, 6);

    d = dmi_find(dmis, 9, 0);
    g_assert_cmpint(d->len, ==, 17);
    g_assert_cmpstr(dmi_str(d, 4), ==, "SL");
    g_assert_cmpmem(d->fmt + 5, 4, "\x01\x02\x03\x04", 4);
    g_assert_cmpint(dmi_u16(d, 9), ==, 261);
    g_assert_cmpint(d->fmt[11], ==, 6);
    g_assert_cmpint(d->fmt[12], ==, 7);
    g_assert_cmphex(dmi_u16(d, 13), ==, 0xffff);

    /* No de-duplication: "hello" twice, as QEMU does. */
    d = dmi_find(dmis, 11, 0);
    g_assert_cmpint(d->fmt[4], ==, 3);
    g_assert_cmpuint(d->strings->len, ==, 3);
    g_assert_cmpstr(d->strings->pdata[2], ==, "hello");

    d = dmi_find(dmis, 16, 0);
    g_assert_cmphex(dmi_u32(d, 7), ==, 5u << 20);
    g_assert_cmpint(dmi_u16(d, 13), ==, 1);
    d = dmi_find(dmis, 17, 0);
    g_assert_cmpstr(dmi_str(d, 16), ==, "L 0");
    g_assert_cmpstr(dmi_str(d, 17), ==, "B");
    g_assert_cmpstr(dmi_str(d, 23), ==, "M17");
    g_assert_cmpstr(dmi_str(d, 24), ==, "MS");
    g_assert_cmpstr(dmi_str(d, 25), ==, "MA");
    g_assert_cmpstr(dmi_str(d, 26), ==, "MP");
    g_assert_cmpint(dmi_u16(d, 12), ==, 5120);
    g_assert_cmpint(dmi_u16(d, 21), ==, 1600);
    g_assert_cmpint(dmi_u16(d, 32), ==, 1600);

    /* 3 GiB below 4 GiB, 2 GiB above. */
    g_assert_cmpuint(dmi_count(dmis, 19), ==, 2);
    d = dmi_find(dmis, 19, 0);
    g_assert_cmphex(dmi_u32(d, 8), ==, 0x2fffff);
    d = dmi_find(dmis, 19, 1);
    g_assert_cmphex(d->handle, ==, 0x1301);
    g_assert_cmphex(dmi_u32(d, 4), ==, 0x400000);
    g_assert_cmphex(dmi_u32(d, 8), ==, 0x5fffff);

    d = dmi_find(dmis, 41, 0);
    g_assert_cmpstr(dmi_str(d, 4), ==, "D41");
    g_assert_cmphex(d->fmt[5], ==, 0x85);
    g_assert_cmpint(d->fmt[6], ==, 3);

    d = dmis->pdata[dmis->len - 1];
    g_assert_cmpint(d->type, ==, 127);

    /* auto picked the 2.1 entry point; its counts match the tables. */
    g_assert_cmpuint(g_bytes_get_size(anchor), ==, 31);
    ep = g_bytes_get_data(anchor, NULL);
    g_assert_cmpmem(ep, 4, "_SM_", 4);
    g_assert_cmpint(ep[22] | ep[23] << 8, ==, g_bytes_get_size(tables));
    g_assert_cmpint(ep[28] | ep[29] << 8, ==, dmis->len);
    for (guint i = 0; i < dmis->len; i++) {
        const Dmi *x = dmis->pdata[i];
        const Dmi *next = i + 1 < dmis->len ? dmis->pdata[i + 1] : NULL;
        gsize end =
            next != NULL
                ? (gsize)(next->fmt - x->fmt)
                : (gsize)((const guint8 *)g_bytes_get_data(tables, NULL) +
                          g_bytes_get_size(tables) - x->fmt);

        max = MAX(max, end);
    }
    g_assert_cmpint(ep[8] | ep[9] << 8, ==, max);
}

static void test_entry_point_64(void)
{
    g_autoptr(MachineProperties) cfg = config_from_json(rich_json);
    g_autoptr(GBytes) tables = NULL;
    g_autoptr(GBytes) anchor = NULL;
    g_autoptr(GPtrArray) dmis = NULL;
    const guint8 *ep;
    const Dmi *d;

    cfg->smbios->entry_point_type = SMBIOS_ENTRY_POINT_TYPE_64;
    build_ok(cfg, &tables, &anchor);
    ep = g_bytes_get_data(anchor, NULL);
    g_assert_cmpuint(g_bytes_get_size(anchor), ==, 24);
    g_assert_cmpmem(ep, 5, "_SM3_", 5);
    g_assert_cmpint(ep[6], ==, 24);
    g_assert_cmpint(ep[7], ==, 3);
    g_assert_cmpint(ep[10], ==, 1);
    g_assert_cmpint(ep[12] | ep[13] << 8, ==, g_bytes_get_size(tables));
    dmis = dmi_decode(tables);
    d = dmi_find(dmis, 4, 1);
    g_assert_cmpint(d->len, ==, 48);
    g_assert_cmpint(dmi_u16(d, 42), ==, 2);
    g_assert_cmpint(dmi_u16(d, 46), ==, 2);
}

static MachineProperties *many_cores_config(const char *ep)
{
    g_autofree char *json = g_strdup_printf(
        "{\"smp\": {\"cpus\": 300, \"maxcpus\": 300, \"sockets\": 1,"
        " \"dies\": 1, \"clusters\": 1, \"cores\": 300, \"threads\": 1},"
        " \"memory\": {\"size\": 134217728},"
        " \"smbios\": {\"entry-point-type\": \"%s\", " FILLED_SMBIOS "}}",
        ep);

    return config_from_json(json);
}

static void test_auto_falls_back(void)
{
    g_autoptr(MachineProperties) cfg = many_cores_config("auto");
    g_autoptr(GBytes) tables = NULL;
    g_autoptr(GBytes) anchor = NULL;
    g_autoptr(GPtrArray) dmis = NULL;
    const Dmi *d;

    build_ok(cfg, &tables, &anchor);
    g_assert_cmpuint(g_bytes_get_size(anchor), ==, 24);
    dmis = dmi_decode(tables);
    d = dmi_find(dmis, 4, 0);
    g_assert_cmpint(d->fmt[35], ==, 0xff);
    g_assert_cmpint(dmi_u16(d, 42), ==, 300);
}

/* A config whose OEM strings push the set past 64 KiB. */
static MachineProperties *oversize_config(const char *ep)
{
    g_autoptr(GString) json = g_string_new(NULL);
    g_autofree char *big = g_strnfill(300, 'x');

    g_string_append_printf(
        json,
        "{\"smp\": {\"cpus\": 1, \"maxcpus\": 1, \"sockets\": 1, \"dies\": 1,"
        " \"clusters\": 1, \"cores\": 1, \"threads\": 1},"
        " \"memory\": {\"size\": 134217728},"
        " \"smbios\": {\"entry-point-type\": \"%s\", " FILLED_SMBIOS
        ", \"type11\": {\"values\": [",
        ep);
    for (int i = 0; i < 230; i++) {
        g_string_append_printf(json, "%s\"%s\"", i ? ", " : "", big);
    }
    g_string_append(json, "]}}}");
    return config_from_json(json->str);
}

typedef struct ErrorCase {
    const char *name;
    MachineProperties *(*make)(void);
    const char *message;
} ErrorCase;

static MachineProperties *err_cores_32(void)
{
    return many_cores_config("32");
}

static MachineProperties *err_oversize_32(void)
{
    return oversize_config("32");
}

static MachineProperties *with_file(const char *base64)
{
    g_autofree char *json = g_strdup_printf(
        "{\"smp\": {\"cpus\": 2, \"maxcpus\": 2, \"sockets\": 2, \"dies\": 1,"
        " \"clusters\": 1, \"cores\": 1, \"threads\": 1},"
        " \"memory\": {\"size\": 134217728},"
        " \"smbios\": {\"entry-point-type\": \"32\", " FILLED_SMBIOS
        ", \"files\": [{\"data\": \"%s\"}]}}",
        base64);

    return config_from_json(json);
}

static MachineProperties *err_blob_short(void)
{
    return with_file("AQI="); /* 01 02 */
}

static MachineProperties *err_blob_length(void)
{
    return with_file("CxAAAAAA"); /* formatted length 16 of 6 bytes */
}

static MachineProperties *err_blob_no_nul(void)
{
    return with_file("CwUAAAFh"); /* "a" never terminated */
}

static MachineProperties *err_blob_trailing(void)
{
    return with_file("CwQAAAAAAA=="); /* one byte after the double NUL */
}

static MachineProperties *err_type4_count(void)
{
    return with_file("BAQAAAAA"); /* one type 4, two sockets */
}

static MachineProperties *err_pcidev(void)
{
    MachineProperties *cfg = config_from_json(rich_json);

    cfg->smbios->type41->value->pcidev = g_strdup("nic0");
    return cfg;
}

static const ErrorCase error_cases[] = {
    {"cores-32", err_cores_32,
     "SMBIOS 2.0 doesn't support number of processor cores/threads more "
     "than 255, use -machine smbios-entry-point-type=64 option to enable "
     "SMBIOS 3.0 support"},
    {"oversize-32", err_oversize_32,
     "SMBIOS 2.1 table length 69557 exceeds 65535"},
    {"blob-short", err_blob_short,
     "SMBIOS file 0: SMBIOS structure is shorter than its 4-byte header"},
    {"blob-length", err_blob_length,
     "SMBIOS file 0: SMBIOS structure length 16 does not fit its 6 bytes"},
    {"blob-no-nul", err_blob_no_nul,
     "SMBIOS file 0: SMBIOS structure does not end with a double NUL "
     "terminator"},
    {"blob-trailing", err_blob_trailing,
     "SMBIOS file 0: SMBIOS structure has 1 trailing bytes"},
    {"type4-count", err_type4_count,
     "Expected 2 SMBIOS Type 4 tables, got 1 instead"},
    {"pcidev", err_pcidev, "No PCI device nic0 for SMBIOS type 41 entry D41"},
};

static void test_error(gconstpointer data)
{
    const ErrorCase *c = data;
    g_autoptr(MachineProperties) cfg = c->make();
    SmbiosMachineInfo info;
    GBytes *tables = NULL, *anchor = NULL;
    g_autoptr(GError) err = NULL;

    smbios_machine_info_pc(&info, PC_NAME, PC_DESC, cfg->memory->size);
    g_assert_false(smbios_build(cfg, &info, &tables, &anchor, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, c->message);
    g_assert_null(tables);
    g_assert_null(anchor);
}

static void test_check_size(void)
{
    g_autoptr(MachineProperties) big = oversize_config("64");
    g_autoptr(MachineProperties) ok = config_from_json(rich_json);
    g_autoptr(MachineProperties) none = config_from_json("{}");
    g_autoptr(GError) err = NULL;

    g_assert_true(smbios_check_size(ok, &err));
    g_assert_no_error(err);
    g_assert_true(smbios_check_size(none, &err));
    g_assert_no_error(err);
    g_assert_false(smbios_check_size(big, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "smbios: SMBIOS table length 69552 exceeds 65535");
}

static void test_user_file_first(void)
{
    /* Type 11 "blobstr", handle 0x1234: it replaces the generated one. */
    g_autoptr(MachineProperties) cfg = with_file("CwU0EgFibG9ic3RyAAA=");
    g_autoptr(GBytes) tables = NULL;
    g_autoptr(GBytes) anchor = NULL;
    g_autoptr(GPtrArray) dmis = NULL;
    const Dmi *d;

    cfg->smbios->type11 = g_new0(SmbiosType11, 1);
    QAPI_LIST_PREPEND(cfg->smbios->type11->values, g_strdup("generated"));
    build_ok(cfg, &tables, &anchor);
    dmis = dmi_decode(tables);
    d = dmis->pdata[0];
    g_assert_cmpint(d->type, ==, 11);
    g_assert_cmphex(d->handle, ==, 0x1234);
    g_assert_cmpstr(dmi_str(d, 4), ==, "blobstr");
    g_assert_cmpuint(dmi_count(dmis, 11), ==, 1);
    g_assert_cmpuint(dmi_count(dmis, 4), ==, 2);
}

/*
 * One type 17 structure per 16 GiB: the builder refuses a RAM size whose
 * structures outrun their handle range before it builds any of them, so
 * a huge size fails at once instead of looping.
 */
static void test_memory_device_count(void)
{
    static const uint64_t too_big[] = {
        (G_GUINT64_CONSTANT(8) << 40) + 1,
        G_GUINT64_CONSTANT(1) << 63,
        UINT64_MAX,
    };
    g_autoptr(MachineProperties) cfg = config_from_json(
        "{\"memory\": {\"size\": 8796093022208},"
        " \"smbios\": {\"entry-point-type\": \"64\", " FILLED_SMBIOS "}}");
    g_autoptr(GBytes) tables = NULL;
    g_autoptr(GBytes) anchor = NULL;
    g_autoptr(GPtrArray) dmis = NULL;

    /* 8 TiB: 512 structures, handles 0x1100 to 0x12ff. */
    build_ok(cfg, &tables, &anchor);
    dmis = dmi_decode(tables);
    g_assert_cmpuint(dmi_count(dmis, 17), ==, 512);
    for (gsize i = 0; i < G_N_ELEMENTS(too_big); i++) {
        SmbiosMachineInfo info;
        g_autoptr(GError) err = NULL;
        g_autoptr(GBytes) t = NULL;
        g_autoptr(GBytes) a = NULL;
        g_autofree char *want = NULL;

        cfg->memory->size = too_big[i];
        smbios_machine_info_pc(&info, PC_NAME, PC_DESC, cfg->memory->size);
        g_assert_false(smbios_build(cfg, &info, &t, &a, &err));
        g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
        want = g_strdup_printf(
            "RAM size 0x%" PRIx64 " needs %" PRIu64
            " SMBIOS memory devices, more than the 512 that fit between "
            "handles 0x1100 and 0x1300",
            too_big[i], (too_big[i] - 1) / (G_GUINT64_CONSTANT(16) << 30) + 1);
        g_assert_cmpstr(err->message, ==, want);
        g_assert_null(t);
        g_assert_null(a);
    }
}

/* One type 4 structure per socket, the count checked before the loop. */
static void test_processor_count(void)
{
    g_autoptr(MachineProperties) cfg = config_from_json(
        "{\"smp\": {\"sockets\": 1099511627776},"
        " \"memory\": {\"size\": 134217728},"
        " \"smbios\": {\"entry-point-type\": \"64\", " FILLED_SMBIOS "}}");
    SmbiosMachineInfo info;
    g_autoptr(GError) err = NULL;
    g_autoptr(GBytes) tables = NULL;
    g_autoptr(GBytes) anchor = NULL;
    g_autoptr(GPtrArray) dmis = NULL;

    smbios_machine_info_pc(&info, PC_NAME, PC_DESC, cfg->memory->size);
    g_assert_false(smbios_build(cfg, &info, &tables, &anchor, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "1099511627776 sockets need more SMBIOS processor "
                    "structures than the 1024 that fit between handles 0x400 "
                    "and 0x800");
    g_assert_null(tables);
    cfg->smp->sockets = 1024;
    build_ok(cfg, &tables, &anchor);
    dmis = dmi_decode(tables);
    g_assert_cmpuint(dmi_count(dmis, 4), ==, 1024);
}

static void test_uuid_and_regions(void)
{
    guint8 u[16];
    SmbiosMachineInfo info;
    g_autoptr(GError) err = NULL;

    g_assert_false(smbios_uuid_parse("not-a-uuid", u, &err));
    g_assert_cmpstr(err->message, ==, "Invalid UUID 'not-a-uuid'");
    g_assert_true(smbios_uuid_parse(NULL, u, NULL));
    g_assert_cmpint(u[0] | u[15], ==, 0);

    smbios_machine_info_pc(&info, PC_NAME, PC_DESC, 0xe0000000ull - 8192);
    g_assert_cmpuint(info.n_regions, ==, 1);
    smbios_machine_info_pc(&info, PC_NAME, PC_DESC, 0xe0000000ull);
    g_assert_cmpuint(info.n_regions, ==, 2);
    g_assert_cmphex(info.regions[0].size, ==, 0xc0000000ull);
    g_assert_cmphex(info.regions[1].start, ==, 0x100000000ull);
    g_assert_cmphex(info.regions[1].size, ==, 0x20000000ull);
}

static guint8 sum(const guint8 *p, gsize n)
{
    guint8 s = 0;

    while (n-- > 0) {
        s += *p++;
    }
    return s;
}

/*
 * dmidecode's dump format: the entry point at offset 0 and the tables at
 * the address it names (0x20 here), checksums valid.
 */
static char *write_dump(GBytes *anchor, GBytes *tables)
{
    gsize alen, tlen;
    const guint8 *a = g_bytes_get_data(anchor, &alen);
    const guint8 *t = g_bytes_get_data(tables, &tlen);
    g_autofree guint8 *buf = g_malloc0(0x20 + tlen);
    g_autoptr(GError) err = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("smbios-XXXXXX.bin", &path, &err);

    g_assert_no_error(err);
    close(fd);
    memcpy(buf, a, alen);
    memcpy(buf + 0x20, t, tlen);
    if (alen == 31) {
        buf[0x18] = 0x20;
        buf[0x15] = -sum(buf + 0x10, 15);
        buf[4] = -sum(buf, 31);
    } else {
        buf[0x10] = 0x20;
        buf[5] = -sum(buf, 24);
    }
    g_assert_true(g_file_set_contents(path, (char *)buf, 0x20 + tlen, &err));
    return path;
}

static void test_dmidecode(void)
{
    g_autofree char *prog = g_find_program_in_path("dmidecode");
    g_autoptr(MachineProperties) cfg = config_from_json(rich_json);
    g_autoptr(GBytes) tables = NULL;
    g_autoptr(GBytes) anchor = NULL;
    g_autofree char *path = NULL;
    g_autofree char *out = NULL;
    g_autofree char *errout = NULL;
    g_autoptr(GError) err = NULL;
    int status;
    static const char *const expect[] = {
        "Vendor: VV",
        "Release Date: 01/02/2023",
        "BIOS Revision: 1.2",
        "Serial Number: SER",
        "UUID: 12345678-9abc-def0-1122-334455667788",
        "SKU Number: SK",
        "Family: FAM",
        "Location In Chassis: LOC",
        "Asset Tag: CA",
        "Socket Designation: S 1",
        "Max Speed: 3000 MHz",
        "Current Speed: 2500 MHz",
        "Part Number: PP",
        "Internal Reference Designator: IR",
        "External Reference Designator: ER",
        "Designation: SL",
        "String 1: hello",
        "String 2: world",
        "Locator: L 0",
        "Bank Locator: B",
        "Speed: 1600 MT/s",
        "Reference Designation: D41",
        "Type: Ethernet",
        "Size: 5 GB",
    };

    if (prog == NULL) {
        g_test_skip("dmidecode is not installed");
        return;
    }
    build_ok(cfg, &tables, &anchor);
    path = write_dump(anchor, tables);
    for (int ep = 0; ep < 2; ep++) {
        const char *argv[] = {prog, "--from-dump", path, NULL};

        g_clear_pointer(&out, g_free);
        g_clear_pointer(&errout, g_free);
        g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT,
                                   NULL, NULL, &out, &errout, &status, &err));
        g_assert_no_error(err);
        g_assert_true(g_spawn_check_wait_status(status, &err));
        g_assert_no_error(err);
        g_assert_null(strstr(out, "Invalid entry length"));
        g_assert_null(strstr(errout, "checksum"));
        for (gsize i = 0; i < G_N_ELEMENTS(expect); i++) {
            if (strstr(out, expect[i]) == NULL) {
                g_test_message("dmidecode output:\n%s", out);
            }
            g_assert_nonnull(strstr(out, expect[i]));
        }
        if (ep == 0) {
            /* Again through the 3.0 entry point. */
            g_autoptr(GBytes) t64 = NULL;
            g_autoptr(GBytes) a64 = NULL;

            cfg->smbios->entry_point_type = SMBIOS_ENTRY_POINT_TYPE_64;
            build_ok(cfg, &t64, &a64);
            g_unlink(path);
            g_free(path);
            path = write_dump(a64, t64);
            g_assert_nonnull(path);
        }
    }
    g_unlink(path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/smbios/default-matches-qemu",
                    test_default_matches_qemu);
    g_test_add_func("/hw/smbios/fields", test_fields);
    g_test_add_func("/hw/smbios/entry-point-64", test_entry_point_64);
    g_test_add_func("/hw/smbios/auto-falls-back", test_auto_falls_back);
    g_test_add_func("/hw/smbios/user-file-first", test_user_file_first);
    g_test_add_func("/hw/smbios/check-size", test_check_size);
    g_test_add_func("/hw/smbios/uuid-and-regions", test_uuid_and_regions);
    g_test_add_func("/hw/smbios/memory-device-count", test_memory_device_count);
    g_test_add_func("/hw/smbios/processor-count", test_processor_count);
    for (gsize i = 0; i < G_N_ELEMENTS(error_cases); i++) {
        g_autofree char *name =
            g_strdup_printf("/hw/smbios/error/%s", error_cases[i].name);

        g_test_add_data_func(name, &error_cases[i], test_error);
    }
    g_test_add_func("/hw/smbios/dmidecode", test_dmidecode);
    return g_test_run();
}
