/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the machine configuration (hw/core): every legacy option
 * and key against its -M twin, render -> parse identity over generated
 * configurations, the all-or-nothing error table of machine_config_set(),
 * CPU topology derivation and the defaults of each machine type.
 */

#include "prelude.h"

#include <glib/gstdio.h>

#include "hw/core/machine-config.h"
#include "hw/core/machine-legacy.h"
#include "hw/core/machine-smp.h"
#include "hw/core/machine-type.h"
#include "qapi-visit.h"
#include "util/error.h"
#include "util/json-writer.h"
#include "util/keyval.h"

/* Scratch folder holding the files the cases name, written as "@D". */
static char *tmp_dir;

static char *expand_dir(const char *text)
{
    g_auto(GStrv) parts = g_strsplit(text, "@D", -1);

    return g_strjoinv(tmp_dir, parts);
}

static char *tmp_path(const char *name)
{
    return g_build_filename(tmp_dir, name, NULL);
}

static void write_tmp(const char *name, const void *data, gsize len)
{
    g_autofree char *path = tmp_path(name);
    g_autoptr(GError) err = NULL;

    g_assert_true(g_file_set_contents(path, data, len, &err));
    g_assert_no_error(err);
}

/* A 40-byte ACPI table: a 36-byte header and a 4-byte body. */
static const guint8 acpi_table[40] = {
    'S', 'S', 'D', 'T', 40,  0,   0,   0,   1,   0,   'O', 'E', 'M', 'I',
    'D', ' ', 'T', 'A', 'B', 'L', 'E', 'I', 'D', ' ', 1,   0,   0,   0,
    'A', 'S', 'L', ' ', 1,   0,   0,   0,   1,   2,   3,   4};

/* SMBIOS type 1 structure: header, no formatted fields, "A", end. */
static const guint8 smbios_type1_blob[] = {1, 4, 0, 1, 'A', 0, 0};

static void make_files(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir_path = NULL;

    tmp_dir = g_dir_make_tmp("test-machine-config-XXXXXX", &err);
    g_assert_no_error(err);
    write_tmp("fw.bin", "\x00\x01\xff,=", 5);
    write_tmp("body.aml", "\x10\x20\x30", 3);
    write_tmp("t1.aml", acpi_table, sizeof(acpi_table));
    write_tmp("t2.aml", acpi_table, sizeof(acpi_table));
    write_tmp("short.aml", acpi_table, 35);
    write_tmp("oem.txt", "hello, oem", 10);
    write_tmp("oem-nul.txt", "a\0b", 3);
    write_tmp("smbios1.bin", smbios_type1_blob, sizeof(smbios_type1_blob));
    write_tmp("smbios-short.bin", smbios_type1_blob, 3);
    dir_path = tmp_path("a-dir");
    g_assert_cmpint(g_mkdir(dir_path, 0700), ==, 0);
}

static void remove_files(void)
{
    g_autoptr(GDir) dir = g_dir_open(tmp_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = tmp_path(name);

        g_remove(path);
    }
    g_rmdir(tmp_dir);
    g_clear_pointer(&tmp_dir, g_free);
}

static char *json_text(JsonNode *node)
{
    return json_to_string(node, FALSE);
}

static char *config_text(const MachineProperties *cfg)
{
    g_autoptr(JsonNode) node = machine_config_to_json(cfg);

    return json_text(node);
}

/* Decodes an -M value the way the command line does. */
static MachineProperties *decode_twin(const char *twin)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) tree = keyval_parse(twin, "type", NULL, &err);
    MachineProperties *cfg;

    g_assert_no_error(err);
    cfg = machine_config_from_json(tree, true, &err);
    g_assert_no_error(err);
    return cfg;
}

static MachineProperties *decode_legacy(const char *option, const char *arg)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) tree =
        machine_legacy_to_keyval(option, arg, NULL, &err);
    MachineProperties *cfg;

    g_assert_no_error(err);
    cfg = machine_config_from_json(tree, true, &err);
    g_assert_no_error(err);
    return cfg;
}

static void assert_same(const char *what, const MachineProperties *legacy,
                        const MachineProperties *twin)
{
    g_autofree char *a = config_text(legacy);
    g_autofree char *b = config_text(twin);

    if (!machine_config_equal(legacy, twin)) {
        g_error("%s: legacy %s != -M %s", what, a, b);
    }
    /* An empty decode on both sides would prove nothing. */
    g_assert_cmpstr(a, !=, "{}");
}

/* ---- 1. legacy options and their -M twins ---- */

typedef struct LegacyCase {
    const char *option;
    const char *arg;  /* "@D" is the scratch folder */
    const char *twin; /* the -M spelling */
    bool filled;      /* equal only once defaults are filled */
} LegacyCase;

static const LegacyCase legacy_cases[] = {
    /* -smbios: special keys (plain fields come from smbios_keys below) */
    /*
     * This also leaves an empty smbios.type1, which -M cannot spell: it
     * marks type 1 as given, as in QEMU (a type 1 blob then conflicts).
     */
    {"smbios", "type=1,uuid=12345678-1234-1234-1234-123456789abc",
     "uuid=12345678-1234-1234-1234-123456789abc", true},
    {"smbios", "type=1,serial=S,uuid=12345678-1234-1234-1234-123456789abc",
     "smbios.type1.serial=S,uuid=12345678-1234-1234-1234-123456789abc"},
    {"smbios", "type=11,value=one", "smbios.type11.values.0=one"},
    {"smbios", "type=11,value=a,,b,value=,path=@D/oem.txt,value=z",
     "smbios.type11.values.0=a,,b,smbios.type11.values.1=,"
     "smbios.type11.values.2=hello,, oem,smbios.type11.values.3=z"},
    {"smbios", "type=11,path=@D/oem.txt", "smbios.type11.values.0=hello,, oem"},
    {"smbios", "file=@D/smbios1.bin", "smbios.files.0.file=@D/smbios1.bin"},
    {"smbios", "type=0x11,speed=5", "smbios.type17.speed=5"},
    {"smbios", "type=41,kind=sas", "smbios.type41.0.kind=sas"},
    /* qmpd applies QEMU's pci_device key (QEMU ignores it) */
    {"smbios", "type=9,pci_device=nic0", "smbios.type9.0.pcidev=nic0"},
    /* -rtc */
    {"rtc", "base=utc", "rtc.base=utc"},
    {"rtc", "base=localtime", "rtc.base=localtime"},
    {"rtc", "base=2006-06-17T16:01:21", "rtc.base=2006-06-17T16:01:21"},
    {"rtc", "base=2006-06-17", "rtc.base=2006-06-17"},
    {"rtc", "clock=host", "rtc.clock=host"},
    {"rtc", "clock=rt", "rtc.clock=rt"},
    {"rtc", "clock=vm", "rtc.clock=vm"},
    {"rtc", "driftfix=none", "rtc.driftfix=none"},
    {"rtc", "driftfix=slew", "rtc.driftfix=slew"},
    {"rtc", "base=utc,clock=vm,driftfix=slew",
     "rtc.base=utc,rtc.clock=vm,rtc.driftfix=slew"},
    /* -fw_cfg (implied key "name"; an empty value counts as absent) */
    {"fw_cfg", "opt/a,string=x", "fw-cfg.0.name=opt/a,fw-cfg.0.string=x"},
    {"fw_cfg", "name=opt/a,string=x,,y",
     "fw-cfg.0.name=opt/a,fw-cfg.0.string=x,,y"},
    {"fw_cfg", "name=opt/a,file=@D/fw.bin",
     "fw-cfg.0.name=opt/a,fw-cfg.0.file=@D/fw.bin"},
    {"fw_cfg", "name=opt/a,gen_id=g0",
     "fw-cfg.0.name=opt/a,fw-cfg.0.gen-id=g0"},
    {"fw_cfg",
     "name=opt/a,string=x,file=", "fw-cfg.0.name=opt/a,fw-cfg.0.string=x"},
    /* -acpitable (implied key "data"; ':' separates paths) */
    {"acpitable", "@D/body.aml", "acpitable.0.data.0=@D/body.aml"},
    {"acpitable", "data=@D/body.aml:@D/fw.bin",
     "acpitable.0.data.0=@D/body.aml,acpitable.0.data.1=@D/fw.bin"},
    {"acpitable", "file=@D/t1.aml", "acpitable.0.file.0=@D/t1.aml"},
    {"acpitable", "file=@D/t1.aml:@D/t2.aml",
     "acpitable.0.file.0=@D/t1.aml,acpitable.0.file.1=@D/t2.aml"},
    {"acpitable", "sig=SSDT,data=@D/body.aml",
     "acpitable.0.sig=SSDT,acpitable.0.data.0=@D/body.aml"},
    {"acpitable", "rev=2,data=@D/body.aml",
     "acpitable.0.rev=2,acpitable.0.data.0=@D/body.aml"},
    {"acpitable", "oem_id=OEMID,data=@D/body.aml",
     "acpitable.0.oem-id=OEMID,acpitable.0.data.0=@D/body.aml"},
    {"acpitable", "oem_table_id=TABLEID,data=@D/body.aml",
     "acpitable.0.oem-table-id=TABLEID,acpitable.0.data.0=@D/body.aml"},
    {"acpitable", "oem_rev=7,data=@D/body.aml",
     "acpitable.0.oem-rev=7,acpitable.0.data.0=@D/body.aml"},
    {"acpitable", "asl_compiler_id=ASLC,data=@D/body.aml",
     "acpitable.0.asl-compiler-id=ASLC,acpitable.0.data.0=@D/body.aml"},
    {"acpitable", "asl_compiler_rev=9,file=@D/t1.aml",
     "acpitable.0.asl-compiler-rev=9,acpitable.0.file.0=@D/t1.aml"},
    /* -semihosting-config (implied key "enable"; giving it enables) */
    {"semihosting-config", "enable=on", "semihosting-config.enable=on"},
    {"semihosting-config", "off", "semihosting-config.enable=off"},
    {"semihosting-config", "target=native",
     "semihosting-config.enable=on,semihosting-config.target=native"},
    {"semihosting-config", "target=gdb",
     "semihosting-config.enable=on,semihosting-config.target=gdb"},
    {"semihosting-config", "target=auto",
     "semihosting-config.enable=on,semihosting-config.target=auto"},
    {"semihosting-config", "chardev=c0",
     "semihosting-config.enable=on,semihosting-config.chardev=c0"},
    {"semihosting-config", "userspace=on",
     "semihosting-config.enable=on,semihosting-config.userspace=on"},
    {"semihosting-config", "arg=prog,arg=a,,b,arg=",
     "semihosting-config.enable=on,semihosting-config.arg.0=prog,"
     "semihosting-config.arg.1=a,,b,semihosting-config.arg.2="},
    /* -m (a bare number means MiB; maxmem is max-size) */
    {"m", "512", "memory.size=512M"},
    {"m", "size=1G", "memory.size=1073741824"},
    {"m", "1G,slots=2,maxmem=4G",
     "memory.size=1G,memory.slots=2,memory.max-size=4G"},
    {"m", "maxmem=8G", "memory.max-size=8G"},
    /* -smp, -boot (keyval, implied cpus / order) */
    {"smp", "4", "smp.cpus=4"},
    {"smp", "cpus=4,maxcpus=8,sockets=2,dies=1,clusters=1,cores=2,threads=2",
     "smp.cpus=4,smp.maxcpus=8,smp.sockets=2,smp.dies=1,smp.clusters=1,"
     "smp.cores=2,smp.threads=2"},
    {"boot", "cd", "boot.order=cd"},
    {"boot",
     "order=c,once=d,menu=on,splash=/s.bmp,splash-time=100,"
     "reboot-timeout=5,strict=on",
     "boot.order=c,boot.once=d,boot.menu=on,boot.splash=/s.bmp,"
     "boot.splash-time=100,boot.reboot-timeout=5,boot.strict=on"},
    /* -uuid, -M */
    {"uuid", "12345678-1234-1234-1234-123456789abc",
     "uuid=12345678-1234-1234-1234-123456789abc"},
    {"M", "pc", "type=pc"},
    {"machine", "type=none", "type=none"},
    {"M", "pc,accel=qtest", "type=pc"},
    {"M", "smbios-entry-point-type=64", "smbios.entry-point-type=64"},
    {"M", "pc,smbios_entry_point_type=32",
     "type=pc,smbios.entry-point-type=32"},

};

/* Every plain -smbios key: type, legacy key, member, a value. */
typedef struct SmbiosKey {
    int type;
    const char *key;
    const char *member;
    const char *value;
} SmbiosKey;

static const SmbiosKey smbios_keys[] = {
    {0, "vendor", "vendor", "V,,x"},
    {0, "version", "version", "1.0"},
    {0, "date", "date", "01/02/2003"},
    {0, "release", "release", "1.2"},
    {0, "uefi", "uefi", "on"},
    {0, "vm", "vm", "off"},
    {1, "manufacturer", "manufacturer", "M"},
    {1, "product", "product", "P q"},
    {1, "version", "version", "v"},
    {1, "serial", "serial", "a=b"},
    {1, "sku", "sku", "S"},
    {1, "family", "family", "F"},
    {2, "manufacturer", "manufacturer", "M"},
    {2, "product", "product", "P"},
    {2, "version", "version", "v"},
    {2, "serial", "serial", "s"},
    {2, "asset", "asset", "A"},
    {2, "location", "location", "L"},
    {3, "manufacturer", "manufacturer", "M"},
    {3, "version", "version", "v"},
    {3, "serial", "serial", "s"},
    {3, "asset", "asset", "A"},
    {3, "sku", "sku", "S"},
    {4, "sock_pfx", "sock-pfx", "Socket"},
    {4, "manufacturer", "manufacturer", "M"},
    {4, "version", "version", "v"},
    {4, "serial", "serial", "s"},
    {4, "asset", "asset", "A"},
    {4, "part", "part", "P"},
    {4, "max-speed", "max-speed", "3000"},
    {4, "current-speed", "current-speed", "2500"},
    {4, "processor-family", "processor-family", "0xfe"},
    {4, "processor-id", "processor-id", "123456"},
    {8, "internal_reference", "internal-reference", "J1"},
    {8, "external_reference", "external-reference", "USB"},
    {8, "connector_type", "connector-type", "18"},
    {8, "port_type", "port-type", "16"},
    {9, "slot_designation", "slot-designation", "PCIe 1"},
    {9, "slot_type", "slot-type", "166"},
    {9, "slot_data_bus_width", "slot-data-bus-width", "8"},
    {9, "current_usage", "current-usage", "3"},
    {9, "slot_length", "slot-length", "4"},
    {9, "slot_id", "slot-id", "4660"},
    {9, "slot_characteristics1", "slot-characteristics1", "12"},
    {9, "slot_characteristics2", "slot-characteristics2", "3"},
    {9, "pci_device", "pcidev", "dev0"},
    {17, "loc_pfx", "loc-pfx", "Slot"},
    {17, "bank", "bank", "B0"},
    {17, "manufacturer", "manufacturer", "M"},
    {17, "serial", "serial", "s"},
    {17, "asset", "asset", "A"},
    {17, "part", "part", "P"},
    {17, "speed", "speed", "3200"},
    {41, "designation", "designation", "NIC"},
    {41, "kind", "kind", "ethernet"},
    {41, "instance", "instance", "2"},
    {41, "pcidev", "pcidev", "nic0"},
};

static bool smbios_type_is_list(int type)
{
    return type == 8 || type == 9 || type == 41;
}

static void test_legacy_smbios_keys(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(smbios_keys); i++) {
        const SmbiosKey *k = &smbios_keys[i];
        g_autofree char *arg =
            g_strdup_printf("type=%d,%s=%s", k->type, k->key, k->value);
        g_autofree char *twin = g_strdup_printf(
            "smbios.type%d.%s%s=%s", k->type,
            smbios_type_is_list(k->type) ? "0." : "", k->member, k->value);
        g_autoptr(MachineProperties) a = decode_legacy("smbios", arg);
        g_autoptr(MachineProperties) b = decode_twin(twin);

        assert_same(arg, a, b);
    }
}

static void test_legacy_table(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(legacy_cases); i++) {
        const LegacyCase *c = &legacy_cases[i];
        g_autofree char *arg = expand_dir(c->arg);
        g_autofree char *twin = expand_dir(c->twin);
        g_autoptr(MachineProperties) a = decode_legacy(c->option, arg);
        g_autoptr(MachineProperties) b = decode_twin(twin);
        g_autofree char *what = g_strdup_printf("-%s %s", c->option, arg);

        if (c->filled) {
            g_autoptr(MachineProperties) fa = machine_config_fill_defaults(a);
            g_autoptr(MachineProperties) fb = machine_config_fill_defaults(b);

            assert_same(what, fa, fb);
        } else {
            assert_same(what, a, b);
        }
    }
}

/* Options merged in order, as the command line does. */
static MachineProperties *decode_sequence(const char *const *opts)
{
    g_autoptr(JsonNode) merged = json_node_new(JSON_NODE_OBJECT);
    g_autoptr(GError) err = NULL;
    MachineProperties *cfg;

    json_node_take_object(merged, json_object_new());
    for (gsize i = 0; opts[i] != NULL; i += 2) {
        g_autofree char *arg = expand_dir(opts[i + 1]);
        g_autoptr(JsonNode) frag =
            machine_legacy_to_keyval(opts[i], arg, NULL, &err);

        g_assert_no_error(err);
        g_assert_true(keyval_merge(json_node_get_object(merged),
                                   json_node_get_object(frag), &err));
        g_assert_no_error(err);
    }
    cfg = machine_config_from_json(merged, true, &err);
    g_assert_no_error(err);
    return cfg;
}

typedef struct MergeCase {
    const char *opts[9]; /* option, argument pairs, NULL-terminated */
    const char *twin;
} MergeCase;

static const MergeCase merge_cases[] = {
    {{"smbios", "type=1,serial=A,product=P", "smbios", "type=1,serial=B", NULL},
     "smbios.type1.serial=B,smbios.type1.product=P"},
    {{"smbios", "type=0,vendor=V", "smbios", "type=0,release=1.2", "smbios",
      "type=0,vendor=W", NULL},
     "smbios.type0.vendor=W,smbios.type0.release=1.2"},
    {{"smbios", "type=8,port_type=1", "smbios", "type=8,port_type=2", NULL},
     "smbios.type8.0.port-type=1,smbios.type8.1.port-type=2"},
    {{"smbios", "type=11,value=a", "smbios", "type=11,value=b", NULL},
     "smbios.type11.values.0=a,smbios.type11.values.1=b"},
    {{"smbios", "file=@D/smbios1.bin", "smbios", "file=@D/fw.bin", NULL},
     "smbios.files.0.file=@D/smbios1.bin,smbios.files.1.file=@D/fw.bin"},
    {{"fw_cfg", "opt/a,string=1", "fw_cfg", "opt/b,string=2", NULL},
     "fw-cfg.0.name=opt/a,fw-cfg.0.string=1,"
     "fw-cfg.1.name=opt/b,fw-cfg.1.string=2"},
    {{"acpitable", "@D/body.aml", "acpitable", "file=@D/t1.aml", NULL},
     "acpitable.0.data.0=@D/body.aml,acpitable.1.file.0=@D/t1.aml"},
    {{"rtc", "base=utc,clock=vm", "rtc", "base=localtime", NULL},
     "rtc.base=localtime,rtc.clock=vm"},
    {{"semihosting-config", "arg=a", "semihosting-config", "arg=b", NULL},
     "semihosting-config.enable=on,semihosting-config.arg.0=a,"
     "semihosting-config.arg.1=b"},
    {{"M", "pc,smp.cpus=2", "smp", "cpus=4", "m", "256", NULL},
     "type=pc,smp.cpus=4,memory.size=256M"},
    {{"uuid", "12345678-1234-1234-1234-123456789abc", "smbios",
      "type=1,serial=S,uuid=87654321-4321-4321-4321-cba987654321", NULL},
     "smbios.type1.serial=S,uuid=87654321-4321-4321-4321-cba987654321"},
};

static void test_legacy_merge(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(merge_cases); i++) {
        const MergeCase *c = &merge_cases[i];
        g_autofree char *twin = expand_dir(c->twin);
        g_autoptr(MachineProperties) a = decode_sequence(c->opts);
        g_autoptr(MachineProperties) b = decode_twin(twin);

        assert_same(c->opts[1], a, b);
    }
}

typedef struct LegacyError {
    const char *option;
    const char *arg;
    const char *error; /* "@D" expanded */
} LegacyError;

static const LegacyError legacy_errors[] = {
    {"smbios", "serial=x", "Must specify type= or file="},
    {"smbios", "type=128", "out of range!"},
    {"smbios", "type=5", "Don't know how to build fields for SMBIOS type 5"},
    {"smbios", "type=1,bogus=1", "Invalid parameter 'bogus'"},
    {"smbios", "type=9,pcidev=x", "Invalid parameter 'pcidev'"},
    {"smbios", "file=@D/smbios1.bin,type=1", "Invalid parameter 'type'"},
    {"smbios", "type=11,path=@D/oem-nul.txt",
     "NUL in OEM strings value in @D/oem-nul.txt"},
    {"rtc", "base=utc,bogus=1", "Invalid parameter 'bogus'"},
    {"fw_cfg", "string=x",
     "name, plus exactly one of file, string and gen_id, are needed"},
    {"fw_cfg", "name=opt/a,bogus=1", "Invalid parameter 'bogus'"},
    {"acpitable", "sig=SSDT", "'-acpitable' requires one of 'data' or 'file'"},
    {"acpitable", "data=@D/body.aml,file=@D/t1.aml",
     "'-acpitable' requires one of 'data' or 'file'"},
    {"acpitable", "data=:", "'-acpitable' requires at least one pathname"},
    {"semihosting-config", "target=moon",
     "unsupported semihosting-config target=moon"},
    {"semihosting-config", "bogus=1", "Invalid parameter 'bogus'"},
    {"m", "size=1G,bogus=1", "Invalid parameter 'bogus'"},
    {"m", "0", "missing 'size' option value"},
    {"uuid", "not-a-uuid", "Fail to parse UUID string"},
    {"M", "pc,smbios_entry_point_type=32,smbios-entry-point-type=64",
     "Conflict between 'smbios_entry_point_type' and "
     "'smbios-entry-point-type'"},
};

static void test_legacy_errors(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(legacy_errors); i++) {
        const LegacyError *c = &legacy_errors[i];
        g_autofree char *arg = expand_dir(c->arg);
        g_autofree char *want = expand_dir(c->error);
        g_autoptr(GError) err = NULL;
        g_autoptr(JsonNode) tree =
            machine_legacy_to_keyval(c->option, arg, NULL, &err);

        g_assert_null(tree);
        g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, want);
    }
}

static void test_legacy_help(void)
{
    g_autoptr(GError) err = NULL;
    bool help = false;
    g_autoptr(JsonNode) tree =
        machine_legacy_to_keyval("M", "pc,help", &help, &err);

    g_assert_no_error(err);
    g_assert_true(help);
    g_assert_true(machine_legacy_is_option("fw_cfg"));
    g_assert_true(machine_legacy_is_option("semihosting-config"));
    g_assert_false(machine_legacy_is_option("chardev"));
}

/* ---- 2. render -> parse identity ---- */

typedef enum FieldKind {
    F_STR,
    F_BOOL,
    F_INT,     /* min..max */
    F_ENUM,    /* one of enums */
    F_STRLIST, /* list of str */
    F_B64,     /* base64 of random bytes */
    F_OBJ,     /* sub */
    F_OBJLIST, /* list of sub */
} FieldKind;

typedef struct Field Field;
struct Field {
    const char *name;
    FieldKind kind;
    int64_t min, max;
    const Field *sub;
    const char *const *enums;
    bool required;
};

#define END                                  \
    {                                        \
        NULL, F_STR, 0, 0, NULL, NULL, false \
    }
#define STR(n)                            \
    {                                     \
        n, F_STR, 0, 0, NULL, NULL, false \
    }
#define BOOL(n)                            \
    {                                      \
        n, F_BOOL, 0, 0, NULL, NULL, false \
    }
#define INT(n, lo, hi)                      \
    {                                       \
        n, F_INT, lo, hi, NULL, NULL, false \
    }
#define ENUM(n, e)                      \
    {                                   \
        n, F_ENUM, 0, 0, NULL, e, false \
    }
#define OBJ(n, s)                      \
    {                                  \
        n, F_OBJ, 0, 0, s, NULL, false \
    }
#define LIST(n, s)                         \
    {                                      \
        n, F_OBJLIST, 0, 0, s, NULL, false \
    }

/* Below 2^53: json-glib holds numbers as gint64/double. */
#define U53 ((INT64_C(1) << 53) - 1)

static const char *const ept_enum[] = {"32", "64", "auto", NULL};
static const char *const kind_enum[] = {
    "other", "unknown", "video", "scsi", "ethernet", "tokenring",
    "sound", "pata",    "sata",  "sas",  NULL};
static const char *const clock_enum[] = {"host", "rt", "vm", NULL};
static const char *const drift_enum[] = {"none", "slew", NULL};
static const char *const target_enum[] = {"native", "gdb", "auto", NULL};
static const char *const type_enum[] = {"pc", "none", "pc-i440fx-7.2", NULL};

static const Field f_smp[] = {INT("cpus", 1, 8),     INT("maxcpus", 1, 8),
                              INT("sockets", 1, 4),  INT("dies", 1, 2),
                              INT("clusters", 1, 2), INT("cores", 1, 4),
                              INT("threads", 1, 2),  END};
static const Field f_memory[] = {INT("size", 0, U53), INT("max-size", 0, U53),
                                 INT("slots", 0, U53), END};
static const Field f_boot[] = {STR("order"),
                               STR("once"),
                               BOOL("menu"),
                               STR("splash"),
                               INT("splash-time", -70000, 70000),
                               INT("reboot-timeout", -2, 65536),
                               BOOL("strict"),
                               END};
static const Field f_type0[] = {
    STR("vendor"), STR("version"), STR("date"), STR("release"),
    BOOL("uefi"),  BOOL("vm"),     END};
static const Field f_type1[] = {STR("manufacturer"),
                                STR("product"),
                                STR("version"),
                                STR("serial"),
                                STR("sku"),
                                STR("family"),
                                END};
static const Field f_type2[] = {STR("manufacturer"),
                                STR("product"),
                                STR("version"),
                                STR("serial"),
                                STR("asset"),
                                STR("location"),
                                END};
static const Field f_type3[] = {STR("manufacturer"), STR("version"),
                                STR("serial"),       STR("asset"),
                                STR("sku"),          END};
static const Field f_type4[] = {STR("sock-pfx"),
                                STR("manufacturer"),
                                STR("version"),
                                STR("serial"),
                                STR("asset"),
                                STR("part"),
                                INT("processor-family", 0, 65535),
                                INT("processor-id", 0, U53),
                                INT("max-speed", 0, U53),
                                INT("current-speed", 0, U53),
                                END};
static const Field f_type8[] = {
    STR("internal-reference"), STR("external-reference"),
    INT("connector-type", 0, 255), INT("port-type", 0, 255), END};
static const Field f_type9[] = {STR("slot-designation"),
                                INT("slot-type", 0, 255),
                                INT("slot-data-bus-width", 0, 255),
                                INT("current-usage", 0, 255),
                                INT("slot-length", 0, 255),
                                INT("slot-id", 0, 65535),
                                INT("slot-characteristics1", 0, 255),
                                INT("slot-characteristics2", 0, 255),
                                STR("pcidev"),
                                END};
static const Field f_type11[] = {{"values", F_STRLIST, 0, 0, NULL, NULL, true},
                                 END};
static const Field f_type17[] = {
    STR("loc-pfx"), STR("bank"), STR("manufacturer"),    STR("serial"),
    STR("asset"),   STR("part"), INT("speed", 0, 65535), END};
static const Field f_type41[] = {STR("designation"), ENUM("kind", kind_enum),
                                 INT("instance", 0, 255), STR("pcidev"), END};
/* Elements as a set leaves them: the bytes are always there. */
static const Field f_filedata[] = {
    STR("file"), {"data", F_B64, 0, 0, NULL, NULL, true}, END};
static const Field f_smbios[] = {ENUM("entry-point-type", ept_enum),
                                 OBJ("type0", f_type0),
                                 OBJ("type1", f_type1),
                                 OBJ("type2", f_type2),
                                 OBJ("type3", f_type3),
                                 OBJ("type4", f_type4),
                                 LIST("type8", f_type8),
                                 LIST("type9", f_type9),
                                 OBJ("type11", f_type11),
                                 OBJ("type17", f_type17),
                                 LIST("type41", f_type41),
                                 LIST("files", f_filedata),
                                 END};
static const Field f_rtc[] = {STR("base"), ENUM("clock", clock_enum),
                              ENUM("driftfix", drift_enum), END};
static const Field f_fw_cfg[] = {
    {"name", F_STR, 0, 0, NULL, NULL, true},  STR("string"), STR("file"),
    {"data", F_B64, 0, 0, NULL, NULL, false}, STR("gen-id"), END};
static const Field f_acpi[] = {STR("sig"),
                               INT("rev", 0, 255),
                               STR("oem-id"),
                               STR("oem-table-id"),
                               INT("oem-rev", 0, G_MAXUINT32),
                               STR("asl-compiler-id"),
                               INT("asl-compiler-rev", 0, G_MAXUINT32),
                               {"file", F_STRLIST, 0, 0, NULL, NULL, false},
                               {"data", F_STRLIST, 0, 0, NULL, NULL, false},
                               {"blob", F_B64, 0, 0, NULL, NULL, true},
                               END};
static const Field f_semi[] = {BOOL("enable"),
                               ENUM("target", target_enum),
                               STR("chardev"),
                               BOOL("userspace"),
                               {"arg", F_STRLIST, 0, 0, NULL, NULL, false},
                               END};
static const Field f_machine[] = {ENUM("type", type_enum),
                                  OBJ("smp", f_smp),
                                  OBJ("memory", f_memory),
                                  OBJ("boot", f_boot),
                                  STR("uuid"),
                                  OBJ("smbios", f_smbios),
                                  OBJ("rtc", f_rtc),
                                  LIST("fw-cfg", f_fw_cfg),
                                  LIST("acpitable", f_acpi),
                                  OBJ("semihosting-config", f_semi),
                                  END};

/* Strings that stress the -M syntax: separators, escapes, keywords. */
static const char *const tricky[] = {
    "",     ",",       ",,",     "a,b",        "=",      "a=b",
    " ",    " lead",   "trail ", "x.y",        "0",      "-1",
    "on",   "help",    "?",      "ünïcødé ✓",  "日本語", "a,=b,,c",
    "0x10", "type=pc", "\t",     "smp.cpus=4", "1.2",    "=,",
};

static char *random_string(GRand *r)
{
    if (g_rand_boolean(r)) {
        return g_strdup(tricky[g_rand_int_range(r, 0, G_N_ELEMENTS(tricky))]);
    }
    GString *s = g_string_new(NULL);
    int len = g_rand_int_range(r, 0, 12);

    for (int i = 0; i < len; i++) {
        static const char alphabet[] = "abcXYZ019 ,=.-_/:é";
        g_string_append_c(s, alphabet[g_rand_int_range(r, 0, 17)]);
    }
    return g_string_free(s, FALSE);
}

static int64_t random_int(GRand *r, int64_t lo, int64_t hi)
{
    /* Hit the ends often: that is where encodings break. */
    switch (g_rand_int_range(r, 0, 4)) {
    case 0:
        return lo;
    case 1:
        return hi;
    default:
        return lo + (int64_t)(g_rand_double(r) * (double)(hi - lo));
    }
}

static JsonNode *random_object(GRand *r, const Field *fields, int depth);

static JsonNode *random_value(GRand *r, const Field *f, int depth)
{
    JsonNode *node = json_node_alloc();

    switch (f->kind) {
    case F_STR: {
        g_autofree char *s = random_string(r);

        return json_node_init_string(node, s);
    }
    case F_BOOL:
        return json_node_init_boolean(node, g_rand_boolean(r));
    case F_INT:
        return json_node_init_int(node, random_int(r, f->min, f->max));
    case F_ENUM: {
        guint n = g_strv_length((char **)f->enums);

        return json_node_init_string(node, f->enums[g_rand_int_range(r, 0, n)]);
    }
    case F_STRLIST: {
        JsonArray *a = json_array_new();
        int n = g_rand_int_range(r, 1, 4);

        for (int i = 0; i < n; i++) {
            g_autofree char *s = random_string(r);

            json_array_add_string_element(a, s);
        }
        return json_node_init_array(node, a);
    }
    case F_B64: {
        int n = g_rand_int_range(r, 0, 40);
        g_autofree guint8 *bytes = g_malloc(n + 1);
        g_autofree char *text = NULL;

        for (int i = 0; i < n; i++) {
            bytes[i] = g_rand_int_range(r, 0, 256);
        }
        text = g_base64_encode(bytes, n);
        return json_node_init_string(node, text);
    }
    case F_OBJ:
        json_node_free(node);
        return random_object(r, f->sub, depth + 1);
    case F_OBJLIST: {
        JsonArray *a = json_array_new();
        int n = g_rand_int_range(r, 1, 4);

        for (int i = 0; i < n; i++) {
            json_array_add_element(a, random_object(r, f->sub, depth + 1));
        }
        return json_node_init_array(node, a);
    }
    }
    g_assert_not_reached();
}

static JsonNode *random_object(GRand *r, const Field *fields, int depth)
{
    JsonObject *obj = json_object_new();
    JsonNode *node = json_node_alloc();

    for (const Field *f = fields; f->name != NULL; f++) {
        /* Top-level members less often, so cases differ in shape. */
        if (f->required || g_rand_int_range(r, 0, depth == 0 ? 3 : 2) == 0) {
            json_object_set_member(obj, f->name, random_value(r, f, depth));
        }
    }
    /*
     * -M has no spelling for an empty object, so a sparse configuration
     * holding one cannot round-trip; filled ones never hold one.
     */
    if (json_object_get_size(obj) == 0 && depth > 0) {
        json_object_set_member(obj, fields[0].name,
                               random_value(r, &fields[0], depth));
    }
    return json_node_init_object(node, obj);
}

/* Asserts render -> keyval_parse -> decode gives back @cfg. */
static void assert_round_trip(const MachineProperties *cfg)
{
    g_autofree char *line = machine_config_render(cfg);
    g_autoptr(GError) err = NULL;
    bool help = false;
    g_autoptr(JsonNode) tree = keyval_parse(line, "type", &help, &err);
    g_autoptr(MachineProperties) back = NULL;

    if (tree == NULL) {
        g_error("rendered line does not parse: %s\n  line: %s", err->message,
                line);
    }
    g_assert_false(help);
    back = machine_config_from_json(tree, true, &err);
    if (back == NULL) {
        g_error("rendered line does not decode: %s\n  line: %s", err->message,
                line);
    }
    if (!machine_config_equal(cfg, back)) {
        g_autofree char *a = config_text(cfg);
        g_autofree char *b = config_text(back);

        g_error("round trip changed the configuration\n  line: %s\n"
                "  before: %s\n  after:  %s",
                line, a, b);
    }
}

#define ROUND_TRIP_CASES 400

static void test_render_random(void)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(20240601);
    guint nonempty = 0;

    for (int i = 0; i < ROUND_TRIP_CASES; i++) {
        g_autoptr(JsonNode) json = random_object(r, f_machine, 0);
        g_autoptr(GError) err = NULL;
        g_autoptr(MachineProperties) cfg =
            machine_config_from_json(json, false, &err);
        g_autoptr(MachineProperties) full = NULL;

        g_assert_no_error(err);
        full = machine_config_fill_defaults(cfg);
        assert_round_trip(cfg);
        assert_round_trip(full);
        nonempty += cfg->smbios != NULL && cfg->fw_cfg != NULL;
    }
    /* The generator must reach the interesting members. */
    g_assert_cmpuint(nonempty, >, ROUND_TRIP_CASES / 20);
}

static const char *const fixed_configs[] = {
    "{}",
    "{\"type\": \"none\"}",
    "{\"smbios\": {\"type11\": {\"values\": [\"\", \",\", \"=\", \"a,,b\"]}}}",
    "{\"fw-cfg\": [{\"name\": \"opt/,=\", \"string\": \",\"},"
    " {\"name\": \"opt/b\", \"file\": \"/x,y\", \"data\": \"AAEC\"}]}",
    "{\"acpitable\": [{\"data\": [\"/a:b\", \"c,d\"], \"blob\": \"\"}]}",
    "{\"memory\": {\"size\": 9007199254740991, \"max-size\": 0}}",
    "{\"boot\": {\"splash-time\": -1, \"reboot-timeout\": -1}}",
    "{\"semihosting-config\": {\"arg\": [\"\", \"help\", \"?\"]}}",
    "{\"rtc\": {\"base\": \"2006-06-17T16:01:21\"}, \"uuid\": \"\"}",
    "{\"smbios\": {\"type1\": {\"serial\": \"ünïcødé, ✓ = ok\"}}}",
};

static void test_render_fixed(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(fixed_configs); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(JsonNode) json = json_from_string(fixed_configs[i], &err);
        g_autoptr(MachineProperties) cfg = NULL;
        g_autoptr(MachineProperties) full = NULL;

        g_assert_no_error(err);
        cfg = machine_config_from_json(json, false, &err);
        g_assert_no_error(err);
        full = machine_config_fill_defaults(cfg);
        assert_round_trip(cfg);
        assert_round_trip(full);
    }
}

static void test_render_text(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) json = json_from_string(
        "{\"type\": \"pc\", \"smp\": {\"cpus\": 2}, \"fw-cfg\":"
        " [{\"name\": \"opt/a\", \"string\": \"x,y\"}],"
        " \"semihosting-config\": {\"enable\": true}}",
        &err);
    g_autoptr(MachineProperties) cfg =
        machine_config_from_json(json, false, &err);
    g_autofree char *line = NULL;
    g_autoptr(JsonNode) got = NULL;
    g_autoptr(JsonNode) want = NULL;

    g_assert_no_error(err);
    line = machine_config_render(cfg);
    /* Member order follows the JSON object, so compare the parsed trees. */
    got = keyval_parse(line, NULL, NULL, &err);
    g_assert_no_error(err);
    want = keyval_parse("type=pc,smp.cpus=2,fw-cfg.0.name=opt/a,"
                        "fw-cfg.0.string=x,,y,semihosting-config.enable=on",
                        NULL, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(json_node_equal(got, want));
    g_assert_nonnull(strstr(line, "fw-cfg.0.string=x,,y"));
}

/* ---- 3. machine_config_set: the all-or-nothing error table ---- */

static const char base_config[] =
    "{\"type\": \"pc\", \"smp\": {\"cpus\": 2}, \"rtc\": {\"base\": \"utc\"},"
    " \"fw-cfg\": [{\"name\": \"opt/base\", \"string\": \"b\"}],"
    " \"smbios\": {\"type1\": {\"serial\": \"S0\"}}}";

/*
 * Decodes @json as machine-set does and applies it.  Decoding errors are
 * returned like set errors: both must leave the configuration alone.
 */
static bool set_json(const char *json, GPtrArray *warnings, GError **errp)
{
    g_autofree char *text = expand_dir(json);
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) node = json_from_string(text, &err);
    g_autoptr(MachineProperties) patch = NULL;

    g_assert_no_error(err);
    patch = machine_config_from_json(node, false, errp);
    return patch != NULL && machine_config_set(patch, warnings, errp);
}

static void set_base(void)
{
    g_autoptr(GError) err = NULL;

    machine_config_reset();
    g_assert_true(set_json(base_config, NULL, &err));
    g_assert_no_error(err);
}

/* machine-set's own path: every member named is replaced. */
static void test_set_json_empty_list_clears(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) clear = json_from_string("{\"fw-cfg\": []}", &err);
    g_autoptr(JsonNode) keep =
        json_from_string("{\"smp\": {\"cpus\": 2}}", &err);

    set_base();
    g_assert_nonnull(machine_config_get()->fw_cfg);
    /* A patch without the member keeps it ... */
    g_assert_true(machine_config_set_json(keep, false, NULL, &err));
    g_assert_no_error(err);
    g_assert_nonnull(machine_config_get()->fw_cfg);
    /* ... an empty list clears it. */
    g_assert_true(machine_config_set_json(clear, false, NULL, &err));
    g_assert_no_error(err);
    g_assert_null(machine_config_get()->fw_cfg);
    g_assert_nonnull(machine_config_get()->smbios);
}

/* -M smbios-entry-point-type and smbios.* in one option both apply. */
static void test_legacy_entry_point_mixed(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) tree = machine_legacy_to_keyval(
        "M", "pc,smbios.type1.serial=X,smbios-entry-point-type=64", NULL, &err);
    g_autoptr(MachineProperties) cfg = NULL;

    g_assert_no_error(err);
    cfg = machine_config_from_json(tree, true, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(cfg->smbios->type1->serial, ==, "X");
    g_assert_true(cfg->smbios->has_entry_point_type);
    g_assert_cmpint(cfg->smbios->entry_point_type, ==,
                    SMBIOS_ENTRY_POINT_TYPE_64);
}

typedef struct BadCase {
    const char *patch; /* "@D" expanded */
    const char *error; /* "@D" expanded */
    bool bare;         /* applied to an empty configuration */
} BadCase;

/* fw_cfg names of 55 (the longest allowed) and 56 bytes. */
#define LONG55 "opt/012345678901234567890123456789012345678901234567890"
#define LONG56 "opt/0123456789012345678901234567890123456789012345678901"
#define RTC_ERR                                                                \
    "rtc.base: invalid datetime format, valid formats: '2006-06-17T16:01:21' " \
    "or '2006-06-17'"
#define FW_NEED "name, plus exactly one of file, string and gen_id, are needed"

static const BadCase bad_cases[] = {
    /* types and unknown members (the visitor) */
    {"{\"bogus\": 1}", "Parameter 'bogus' is unexpected"},
    {"{\"smp\": {\"cpus\": \"two\"}}",
     "Invalid parameter type for 'smp.cpus', expected: integer"},
    {"{\"smp\": {\"cpus\": 2, \"drawers\": 1}}",
     "Parameter 'smp.drawers' is unexpected"},
    {"{\"rtc\": \"utc\"}",
     "Invalid parameter type for 'rtc', expected: object"},
    {"{\"fw-cfg\": {\"name\": \"opt/a\"}}",
     "Invalid parameter type for 'fw-cfg', expected: array"},
    {"{\"fw-cfg\": [{\"string\": \"x\"}]}",
     "Parameter 'fw-cfg[0].name' is missing"},
    {"{\"rtc\": {\"clock\": \"moon\"}}",
     "Parameter 'rtc.clock' does not accept value 'moon'"},
    {"{\"smbios\": {\"type11\": {\"values\": [\"a\", 1]}}}",
     "Invalid parameter type for 'smbios.type11.values[1]', expected: string"},
    {"{\"smbios\": {\"type8\": [{\"port-type\": 256}]}}",
     "Parameter 'smbios.type8[0].port-type' expects uint8_t"},

    {"{\"boot\": {\"menu\": \"yes\"}}",
     "Invalid parameter type for 'boot.menu', expected: boolean"},
    /* machine type */
    {"{\"type\": \"q35\"}", "type: unsupported machine type: \"q35\""},
    /* formats */
    {"{\"uuid\": \"1234\"}", "uuid: Fail to parse UUID string"},
    {"{\"uuid\": \"12345678-1234-1234-1234-123456789abcd\"}",
     "uuid: Fail to parse UUID string"},
    {"{\"rtc\": {\"base\": \"2006-06-17x\"}}", RTC_ERR},
    {"{\"rtc\": {\"base\": \"2006-13-01\"}}", RTC_ERR},
    {"{\"rtc\": {\"base\": \"2006-02-30\"}}", RTC_ERR},
    {"{\"rtc\": {\"base\": \"2006-06-17T24:00:00\"}}", RTC_ERR},
    {"{\"rtc\": {\"base\": \"2006-06-17 16:01:21\"}}", RTC_ERR},
    {"{\"rtc\": {\"base\": \"17-06-2006\"}}", RTC_ERR},
    {"{\"rtc\": {\"base\": \"0000-01-01\"}}", RTC_ERR},
    {"{\"rtc\": {\"base\": \"UTC\"}}", RTC_ERR},
    {"{\"rtc\": {\"base\": \"\"}}", RTC_ERR},
    {"{\"smbios\": {\"type0\": {\"release\": \"1\"}}}",
     "smbios.type0.release: Invalid release"},
    {"{\"smbios\": {\"type0\": {\"release\": \"1.2.3\"}}}",
     "smbios.type0.release: Invalid release"},
    {"{\"smbios\": {\"type0\": {\"release\": \"256.0\"}}}",
     "smbios.type0.release: Invalid release"},
    {"{\"smbios\": {\"type0\": {\"release\": \"1.x\"}}}",
     "smbios.type0.release: Invalid release"},
    {"{\"smbios\": {\"type0\": {\"release\": \"\"}}}",
     "smbios.type0.release: Invalid release"},
    {"{\"boot\": {\"order\": \"cz\"}}", "boot.order: Invalid boot device 'z'"},
    {"{\"boot\": {\"order\": \"cdc\"}}",
     "boot.order: Boot device 'c' was given twice"},
    {"{\"boot\": {\"once\": \"C\"}}", "boot.once: Invalid boot device 'C'"},
    /* ranges */
    {"{\"smbios\": {\"type4\": {\"max-speed\": 65536}}}",
     "smbios.type4.max-speed: SMBIOS CPU speed is too large (> 65535)"},
    {"{\"smbios\": {\"type4\": {\"current-speed\": 70000}}}",
     "smbios.type4.current-speed: SMBIOS CPU speed is too large (> 65535)"},
    {"{\"boot\": {\"splash-time\": 65536}}",
     "boot.splash-time: splash-time is invalid,it should be a value between 0 "
     "and 65535"},
    {"{\"boot\": {\"reboot-timeout\": -2}}",
     "boot.reboot-timeout: reboot timeout is invalid,it should be a value "
     "between -1 and 65535"},
    {"{\"memory\": {\"size\": 1073741824, \"max-size\": 536870912}}",
     "memory.max-size: invalid value of maxmem: maximum memory size "
     "(0x20000000) must be at least the initial memory size (0x40000000)"},
    {"{\"memory\": {\"max-size\": 1048576}}",
     "memory.max-size: invalid value of maxmem: maximum memory size "
     "(0x100000) must be at least the initial memory size (0x8000000)"},
    {"{\"memory\": {\"slots\": 2}}",
     "memory.slots: slots specified but no max-size"},
    {"{\"memory\": {\"size\": 1048576, \"max-size\": 1048576, \"slots\": 1}}",
     "memory.slots: invalid value of maxmem: memory slots were specified but "
     "maximum memory size (0x100000) is equal to the initial memory size "
     "(0x100000)"},
    /* smp arithmetic */
    {"{\"smp\": {\"cpus\": 0}}",
     "smp: Invalid CPU topology: CPU topology parameters must be greater than "
     "zero"},
    {"{\"smp\": {\"cpus\": 4, \"sockets\": 2, \"cores\": 2, \"threads\": 2}}",
     "smp: Invalid CPU topology: product of the hierarchy must match maxcpus: "
     "sockets (2) * dies (1) * cores (2) * threads (2) != maxcpus (4)"},
    {"{\"smp\": {\"cpus\": 4, \"maxcpus\": 2}}",
     "smp: Invalid CPU topology: maxcpus must be equal to or greater than smp: "
     "sockets (1) * dies (1) * cores (2) * threads (1) == maxcpus (2) < "
     "smp_cpus (4)"},
    {"{\"smp\": {\"cpus\": 256}}",
     "smp: Invalid SMP CPUs 256. The max CPUs supported by machine "
     "'pc-i440fx-7.2' is 255"},
    {"{\"smp\": {\"clusters\": 2}}",
     "smp: clusters > 1 not supported by this machine's CPU topology"},
    {"{\"type\": \"none\"}",
     "smp: Invalid SMP CPUs 2. The max CPUs supported by machine 'none' is 1"},
    {"{\"type\": \"none\", \"smp\": {\"dies\": 2}}",
     "smp: dies > 1 not supported by this machine's CPU topology"},
    /* fw_cfg names and contents */
    {"{\"fw-cfg\": [{\"name\": \"opt/a\", \"string\": \"1\"},"
     " {\"name\": \"opt/a\", \"string\": \"2\"}]}",
     "fw-cfg[1]: duplicate fw_cfg file name: opt/a"},
    {"{\"fw-cfg\": [{\"name\": \"etc/e820\", \"string\": \"1\"}]}",
     "fw-cfg[0]: duplicate fw_cfg file name: etc/e820"},
    {"{\"fw-cfg\": [{\"name\": \"opt/a\", \"string\": \"1\"},"
     " {\"name\": \"bootorder\", \"string\": \"2\"}]}",
     "fw-cfg[1]: duplicate fw_cfg file name: bootorder"},
    {"{\"fw-cfg\": [{\"name\": \"" LONG56 "\", \"string\": \"1\"}]}",
     "fw-cfg[0]: name too long (max. 55 char)"},
    {"{\"fw-cfg\": [{\"name\": \"\", \"string\": \"1\"}]}",
     "fw-cfg[0]: " FW_NEED},
    {"{\"fw-cfg\": [{\"name\": \"opt/a\"}]}", "fw-cfg[0]: " FW_NEED},
    {"{\"fw-cfg\": [{\"name\": \"opt/a\", \"string\": \"\"}]}",
     "fw-cfg[0]: " FW_NEED},
    {"{\"fw-cfg\": [{\"name\": \"opt/a\", \"string\": \"1\", \"data\": "
     "\"AA==\"}]}",
     "fw-cfg[0]: " FW_NEED},
    {"{\"fw-cfg\": [{\"name\": \"opt/a\", \"gen-id\": \"g0\"}]}",
     "fw-cfg[0]: Cannot find object ID 'g0'"},
    {"{\"fw-cfg\": [{\"name\": \"opt/a\", \"data\": \"not base64!\"}]}",
     "fw-cfg[0]: data is not valid base64"},
    {"{\"fw-cfg\": [{\"name\": \"opt/a\", \"file\": \"@D/missing\"}]}",
     "fw-cfg[0].file: can't load @D/missing: No such file or directory"},
    {"{\"fw-cfg\": [{\"name\": \"opt/a\", \"file\": \"@D/a-dir\"}]}",
     "fw-cfg[0].file: can't load @D/a-dir: Is a directory"},
    {"{\"type\": \"none\", \"smp\": {\"cpus\": 1},"
     " \"fw-cfg\": [{\"name\": \"opt/a\", \"string\": \"1\"}]}",
     "fw-cfg: fw_cfg device not available"},
    /* ACPI tables */
    {"{\"acpitable\": [{\"sig\": \"SSDT\"}]}",
     "acpitable[0]: '-acpitable' requires one of 'data' or 'file'"},
    {"{\"acpitable\": [{\"file\": [\"@D/t1.aml\"], \"data\": "
     "[\"@D/body.aml\"]}]}",
     "acpitable[0]: '-acpitable' requires one of 'data' or 'file'"},
    {"{\"acpitable\": [{\"sig\": \"SSDTX\", \"data\": [\"@D/body.aml\"]}]}",
     "acpitable[0].sig: must be at most 4 characters"},
    {"{\"acpitable\": [{\"oem-id\": \"OEMIDXY\", \"data\": "
     "[\"@D/body.aml\"]}]}",
     "acpitable[0].oem-id: must be at most 6 characters"},
    {"{\"acpitable\": [{\"oem-table-id\": \"TABLEIDXY\","
     " \"data\": [\"@D/body.aml\"]}]}",
     "acpitable[0].oem-table-id: must be at most 8 characters"},
    {"{\"acpitable\": [{\"asl-compiler-id\": \"ASLCX\","
     " \"data\": [\"@D/body.aml\"]}]}",
     "acpitable[0].asl-compiler-id: must be at most 4 characters"},
    {"{\"acpitable\": [{\"file\": [\"@D/short.aml\"]}]}",
     "acpitable[0]: ACPI table claiming to have header is too short, "
     "available: 35, expected: 36"},
    {"{\"acpitable\": [{\"data\": [\"@D/body.aml\"]},"
     " {\"data\": [\"@D/body.aml\", \"@D/missing\"]}]}",
     "acpitable[1]: can't open file @D/missing: No such file or directory"},
    {"{\"acpitable\": [{\"data\": [\"@D/big.aml\"]}]}",
     "acpitable[0]: ACPI table too big, requested: 65536, max: 65535"},
    {"{\"acpitable\": [{\"data\": [\"@D/big.aml\", \"@D/big.aml\"]}]}",
     "acpitable[0]: ACPI table too big, requested: 131000, max: 65535"},
    {"{\"acpitable\": [{\"data\": [\"x\"], \"blob\": \"@@\"}]}",
     "acpitable[0]: blob is not valid base64"},
    {"{\"type\": \"none\", \"smp\": {\"cpus\": 1},"
     " \"acpitable\": [{\"data\": [\"@D/body.aml\"]}]}",
     "acpitable: this machine has no ACPI tables", true},
    /* SMBIOS blobs */
    {"{\"smbios\": {\"files\": [{\"file\": \"@D/missing\"}]}}",
     "smbios.files[0]: Cannot read SMBIOS file @D/missing: No such file or "
     "directory"},
    {"{\"smbios\": {\"files\": [{}]}}",
     "smbios.files[0]: one of 'file' or 'data' is needed"},
    {"{\"smbios\": {\"files\": [{\"file\": \"@D/smbios-short.bin\"}]}}",
     "smbios.files[0]: SMBIOS structure is shorter than its 4-byte header"},
    {"{\"smbios\": {\"files\": [{\"data\": \"AQ8AAQA=\"}]}}",
     "smbios.files[0]: SMBIOS structure length 15 does not fit its 5 bytes"},
    {"{\"smbios\": {\"files\": [{\"data\": \"AQQAAUEA\"}]}}",
     "smbios.files[0]: SMBIOS structure does not end with a double NUL "
     "terminator"},
    {"{\"smbios\": {\"files\": [{\"data\": \"AQQAAQAAAQ==\"}]}}",
     "smbios.files[0]: SMBIOS structure has 1 trailing bytes"},
    {"{\"smbios\": {\"files\": [{\"data\": \"AQQAAQAA\"},"
     " {\"data\": \"%%%%\"}]}}",
     "smbios.files[1]: data is not valid base64"},
    {"{\"smbios\": {\"type1\": {\"serial\": \"x\"},"
     " \"files\": [{\"file\": \"@D/smbios1.bin\"}]}}",
     "smbios.files[0]: can't load type 1 struct, fields already specified!"},
    {"{\"smp\": {\"cpus\": 2, \"sockets\": 2},"
     " \"smbios\": {\"files\": [{\"data\": \"BAQABAAA\"}]}}",
     "smbios.files: Expected 2 SMBIOS Type 4 tables, got 1 instead"},
};

static void test_set_errors(void)
{
    g_autofree char *big = g_malloc0(65500);

    write_tmp("big.aml", big, 65500);
    for (gsize i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        const BadCase *c = &bad_cases[i];
        g_autofree char *want = expand_dir(c->error);
        g_autoptr(GError) err = NULL;
        g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(JsonNode) before = NULL;
        g_autoptr(JsonNode) after = NULL;

        if (c->bare) {
            machine_config_reset();
        } else {
            set_base();
        }
        before = machine_config_to_json(machine_config_get());
        g_test_message("patch: %s", c->patch);
        g_assert_false(set_json(c->patch, warnings, &err));
        g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, want);
        g_assert_cmpuint(warnings->len, ==, 0);
        after = machine_config_to_json(machine_config_get());
        g_assert_true(json_node_equal(before, after));
    }
    machine_config_reset();
}

static void test_set_frozen(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) before = NULL;
    g_autoptr(JsonNode) after = NULL;

    machine_config_reset();
    g_assert_true(set_json("{\"rtc\": {\"base\": \"localtime\"}}", NULL, &err));
    g_assert_no_error(err);
    g_assert_null(machine_config_get()->type);
    g_assert_false(machine_config_is_frozen());
    machine_config_freeze();
    g_assert_true(machine_config_is_frozen());
    /* The default type applies only now. */
    g_assert_cmpstr(machine_config_get()->type, ==, "pc");
    before = machine_config_to_json(machine_config_get());
    g_assert_false(set_json("{\"rtc\": {\"base\": \"utc\"}}", NULL, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "The machine configuration cannot change after machine "
                    "initialization");
    after = machine_config_to_json(machine_config_get());
    g_assert_true(json_node_equal(before, after));
    machine_config_reset();
    g_assert_false(machine_config_is_frozen());
}

static void assert_stored(const char *member, const char *json)
{
    g_autoptr(JsonNode) cfg = machine_config_to_json(machine_config_get());
    g_autofree char *want_text = expand_dir(json);
    g_autoptr(JsonNode) want = json_from_string(want_text, NULL);
    JsonNode *got = json_object_get_member(json_node_get_object(cfg), member);
    g_autofree char *got_text = got != NULL ? json_text(got) : NULL;

    g_assert_nonnull(want);
    g_assert_cmpstr(got_text, ==, want_text);
}

static void test_set_success(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *fw_b64 =
        g_base64_encode((const guchar *)"\x00\x01\xff,=", 5);
    g_autofree char *acpi_b64 = g_base64_encode(acpi_table, sizeof(acpi_table));
    g_autofree char *fw_json = NULL;

    set_base();
    /* A member given replaces the whole member, others stay. */
    g_assert_true(
        set_json("{\"smbios\": {\"type0\": {\"vendor\": \"V\"}},"
                 " \"fw-cfg\": [{\"name\": \"opt/f\", \"file\": \"@D/fw.bin\"},"
                 " {\"name\": \"" LONG55 "\" , \"string\": \"s\"},"
                 " {\"name\": \"x/no-prefix\", \"string\": \"s\"}]}",
                 warnings, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(machine_config_get()->smbios->type0->vendor, ==, "V");
    g_assert_null(machine_config_get()->smbios->type1);
    g_assert_cmpstr(machine_config_get()->rtc->base, ==, "utc");
    g_assert_cmpint(machine_config_get()->smp->cpus, ==, 2);
    g_assert_cmpuint(strlen(LONG55), ==, 55);
    g_assert_cmpuint(strlen(LONG56), ==, 56);
    /* File bytes are read at set time and kept. */
    fw_json = g_strdup_printf("[{\"name\":\"opt/f\",\"file\":\"@D/fw.bin\","
                              "\"data\":\"%s\"},{\"name\":\"%s\",\"string\":"
                              "\"s\"},{\"name\":\"x/no-prefix\",\"string\":"
                              "\"s\"}]",
                              fw_b64, LONG55);
    assert_stored("fw-cfg", fw_json);
    g_assert_cmpuint(warnings->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(warnings, 0), ==,
                    "fw-cfg[2]: externally provided fw_cfg item names should "
                    "be prefixed with \"opt/\"");

    g_assert_true(set_json(
        "{\"acpitable\": [{\"file\": [\"@D/t1.aml\"]},"
        " {\"data\": [\"@D/body.aml\", \"@D/body.aml\"], \"sig\": \"SSDT\"}],"
        " \"smbios\": {\"files\": [{\"file\": \"@D/smbios1.bin\"}]}}",
        NULL, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(machine_config_get()->acpitable->value->blob, ==, acpi_b64);
    g_assert_cmpstr(machine_config_get()->acpitable->next->value->blob, ==,
                    "ECAwECAw");
    g_assert_cmpstr(machine_config_get()->smbios->files->value->data, ==,
                    "AQQAAUEAAA==");
    /* Once read, the files are no longer needed. */
    {
        g_autofree char *t1 = tmp_path("t1.aml");
        g_autofree char *moved = tmp_path("t1.moved");

        g_assert_cmpint(g_rename(t1, moved), ==, 0);
        g_assert_true(set_json("{\"rtc\": {\"base\": \"utc\"}}", NULL, &err));
        g_assert_no_error(err);
        g_assert_cmpint(g_rename(moved, t1), ==, 0);
    }
    g_assert_cmpstr(machine_config_get()->acpitable->value->blob, ==, acpi_b64);
    assert_stored("rtc", "{\"base\":\"utc\"}");
    machine_config_reset();
}

/* ---- 4. smp derivation and defaults ---- */

typedef struct SmpCase {
    const char *type;
    const char *smp;    /* JSON, or NULL */
    const char *expect; /* "cpus maxcpus sockets dies clusters cores threads" */
} SmpCase;

static const SmpCase smp_cases[] = {
    {"pc", NULL, "1 1 1 1 1 1 1"},
    {"pc", "{}", "1 1 1 1 1 1 1"},
    {"pc", "{\"cpus\": 4}", "4 4 1 1 1 4 1"},
    {"pc", "{\"cpus\": 4, \"sockets\": 2}", "4 4 2 1 1 2 1"},
    {"pc", "{\"cpus\": 4, \"cores\": 2}", "4 4 2 1 1 2 1"},
    {"pc", "{\"cpus\": 8, \"sockets\": 2, \"cores\": 2}", "8 8 2 1 1 2 2"},
    {"pc", "{\"cpus\": 4, \"threads\": 2}", "4 4 1 1 1 2 2"},
    {"pc", "{\"maxcpus\": 8}", "8 8 1 1 1 8 1"},
    {"pc", "{\"cpus\": 2, \"maxcpus\": 4}", "2 4 1 1 1 4 1"},
    {"pc", "{\"sockets\": 2, \"cores\": 2, \"threads\": 2}", "8 8 2 1 1 2 2"},
    {"pc", "{\"cpus\": 4, \"dies\": 2}", "4 4 1 2 1 2 1"},
    {"pc", "{\"cpus\": 1, \"clusters\": 1}", "1 1 1 1 1 1 1"},
    {"pc", "{\"cpus\": 255}", "255 255 1 1 1 255 1"},
    {"none", NULL, "1 1 1 1 1 1 1"},
    {"none", "{\"cpus\": 1, \"maxcpus\": 1}", "1 1 1 1 1 1 1"},
};

static void test_smp_resolve(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(smp_cases); i++) {
        const SmpCase *c = &smp_cases[i];
        g_autoptr(SMPConfiguration) in = NULL;
        g_autoptr(GError) err = NULL;
        g_autofree char *got = NULL;
        SMPConfiguration out = {0};

        if (c->smp != NULL) {
            g_autofree char *json = g_strdup_printf("{\"smp\": %s}", c->smp);
            g_autoptr(JsonNode) node = json_from_string(json, NULL);
            g_autoptr(MachineProperties) cfg =
                machine_config_from_json(node, false, &err);

            g_assert_no_error(err);
            in = g_steal_pointer(&cfg->smp);
        }
        g_assert_true(
            machine_smp_resolve(in, machine_type_find(c->type), &out, &err));
        g_assert_no_error(err);
        got = g_strdup_printf("%" PRId64 " %" PRId64 " %" PRId64 " %" PRId64
                              " %" PRId64 " %" PRId64 " %" PRId64,
                              out.cpus, out.maxcpus, out.sockets, out.dies,
                              out.clusters, out.cores, out.threads);
        g_assert_cmpstr(got, ==, c->expect);
    }
}

static void test_smp_errors_untouched(void)
{
    SMPConfiguration in = {.has_cpus = true, .cpus = -1};
    SMPConfiguration out = {.cpus = 77};
    g_autoptr(GError) err = NULL;

    g_assert_false(
        machine_smp_resolve(&in, machine_type_default(), &out, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "Invalid CPU topology: CPU topology parameters must be "
                    "greater than zero");
    /* Output parameters are set only on success. */
    g_assert_cmpint(out.cpus, ==, 77);
}

typedef struct DefaultsCase {
    const char *config;
    const char *expect;
} DefaultsCase;

static const DefaultsCase defaults_cases[] = {
    {"{}",
     "{\"smp\":{\"cpus\":1,\"maxcpus\":1,\"sockets\":1,\"dies\":1,"
     "\"clusters\":1,\"cores\":1,\"threads\":1},"
     "\"memory\":{\"size\":134217728,\"max-size\":134217728,\"slots\":0},"
     "\"boot\":{\"order\":\"cad\",\"menu\":false,\"reboot-timeout\":-1,"
     "\"strict\":false},"
     "\"smbios\":{\"entry-point-type\":\"auto\","
     "\"type1\":{\"manufacturer\":\"QEMU\",\"product\":\"Standard PC "
     "(i440FX + PIIX, 1996)\",\"version\":\"pc-i440fx-7.2\"},"
     "\"type3\":{\"manufacturer\":\"QEMU\",\"version\":\"pc-i440fx-7.2\"},"
     "\"type4\":{\"sock-pfx\":\"CPU\",\"manufacturer\":\"QEMU\","
     "\"processor-family\":1,\"processor-id\":0,\"max-speed\":2000,"
     "\"current-speed\":2000},"
     "\"type17\":{\"loc-pfx\":\"DIMM\",\"manufacturer\":\"QEMU\","
     "\"speed\":0}},"
     "\"rtc\":{\"base\":\"utc\",\"clock\":\"host\",\"driftfix\":\"none\"}}"},
    {"{\"type\": \"none\"}",
     "{\"type\":\"none\",\"smp\":{\"cpus\":1,\"maxcpus\":1,\"sockets\":1,"
     "\"dies\":1,\"clusters\":1,\"cores\":1,\"threads\":1},"
     "\"memory\":{\"size\":0,\"max-size\":0,\"slots\":0},"
     "\"boot\":{\"menu\":false,\"reboot-timeout\":-1,\"strict\":false}}"},
    {"{\"type\": \"pc\", \"memory\": {\"size\": 1000},"
     " \"smbios\": {\"type0\": {}, \"type2\": {}, \"type8\": [{}],"
     " \"type9\": [{}], \"type11\": {}, \"type41\": [{}]},"
     " \"semihosting-config\": {}}",
     "{\"type\":\"pc\",\"smp\":{\"cpus\":1,\"maxcpus\":1,\"sockets\":1,"
     "\"dies\":1,\"clusters\":1,\"cores\":1,\"threads\":1},"
     "\"memory\":{\"size\":8192,\"max-size\":8192,\"slots\":0},"
     "\"boot\":{\"order\":\"cad\",\"menu\":false,\"reboot-timeout\":-1,"
     "\"strict\":false},"
     "\"smbios\":{\"entry-point-type\":\"auto\","
     "\"type0\":{\"uefi\":false,\"vm\":true},"
     "\"type1\":{\"manufacturer\":\"QEMU\",\"product\":\"Standard PC "
     "(i440FX + PIIX, 1996)\",\"version\":\"pc-i440fx-7.2\"},"
     "\"type2\":{\"manufacturer\":\"QEMU\",\"product\":\"Standard PC "
     "(i440FX + PIIX, 1996)\",\"version\":\"pc-i440fx-7.2\"},"
     "\"type3\":{\"manufacturer\":\"QEMU\",\"version\":\"pc-i440fx-7.2\"},"
     "\"type4\":{\"sock-pfx\":\"CPU\",\"manufacturer\":\"QEMU\","
     "\"processor-family\":1,\"processor-id\":0,\"max-speed\":2000,"
     "\"current-speed\":2000},"
     "\"type8\":[{\"connector-type\":0,\"port-type\":0}],"
     "\"type9\":[{\"slot-type\":0,\"slot-data-bus-width\":0,"
     "\"current-usage\":0,\"slot-length\":0,\"slot-id\":0,"
     "\"slot-characteristics1\":0,\"slot-characteristics2\":0}],"
     "\"type17\":{\"loc-pfx\":\"DIMM\",\"manufacturer\":\"QEMU\","
     "\"speed\":0},"
     "\"type41\":[{\"kind\":\"other\",\"instance\":1}]},"
     "\"rtc\":{\"base\":\"utc\",\"clock\":\"host\",\"driftfix\":\"none\"},"
     "\"semihosting-config\":{\"enable\":true,\"target\":\"auto\","
     "\"userspace\":false}}"},
};

static void test_defaults(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(defaults_cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(JsonNode) node =
            json_from_string(defaults_cases[i].config, &err);
        g_autoptr(MachineProperties) cfg = NULL;
        g_autoptr(MachineProperties) full = NULL;
        g_autoptr(JsonNode) got = NULL;
        g_autoptr(JsonNode) want =
            json_from_string(defaults_cases[i].expect, &err);
        g_autofree char *got_text = NULL;

        g_assert_no_error(err);
        cfg = machine_config_from_json(node, false, &err);
        g_assert_no_error(err);
        full = machine_config_fill_defaults(cfg);
        got = machine_config_to_json(full);
        got_text = json_text(got);
        if (!json_node_equal(got, want)) {
            g_error("defaults of %s:\n  got  %s\n  want %s",
                    defaults_cases[i].config, got_text,
                    defaults_cases[i].expect);
        }
        /* Filling is idempotent and leaves the input alone. */
        {
            g_autoptr(MachineProperties) again =
                machine_config_fill_defaults(full);
            g_autoptr(MachineProperties) orig =
                machine_config_from_json(node, false, &err);

            g_assert_true(machine_config_equal(full, again));
            g_assert_true(machine_config_equal(cfg, orig));
        }
    }
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    make_files();
    g_test_add_func("/hw/machine-config/legacy/smbios-keys",
                    test_legacy_smbios_keys);
    g_test_add_func("/hw/machine-config/legacy/table", test_legacy_table);
    g_test_add_func("/hw/machine-config/legacy/merge", test_legacy_merge);
    g_test_add_func("/hw/machine-config/legacy/errors", test_legacy_errors);
    g_test_add_func("/hw/machine-config/legacy/help", test_legacy_help);
    g_test_add_func("/hw/machine-config/render/random", test_render_random);
    g_test_add_func("/hw/machine-config/render/fixed", test_render_fixed);
    g_test_add_func("/hw/machine-config/render/text", test_render_text);
    g_test_add_func("/hw/machine-config/set/errors", test_set_errors);
    g_test_add_func("/hw/machine-config/set/frozen", test_set_frozen);
    g_test_add_func("/hw/machine-config/set/empty-list-clears",
                    test_set_json_empty_list_clears);
    g_test_add_func("/hw/machine-config/legacy/entry-point-mixed",
                    test_legacy_entry_point_mixed);
    g_test_add_func("/hw/machine-config/set/success", test_set_success);
    g_test_add_func("/hw/machine-config/smp/resolve", test_smp_resolve);
    g_test_add_func("/hw/machine-config/smp/errors-untouched",
                    test_smp_errors_untouched);
    g_test_add_func("/hw/machine-config/defaults", test_defaults);
    ret = g_test_run();
    machine_config_reset();
    remove_files();
    return ret;
}
