/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the legacy machine options (hw/core): every -smbios, -rtc,
 * -fw_cfg, -acpitable, -semihosting-config, -m, -smp, -boot, -uuid and -M
 * spelling decodes to the same configuration as its -M twin, merges in
 * command-line order, and fails with QEMU's messages.
 */

#include "prelude.h"

#include "hw/core/machine-config.h"
#include "hw/core/machine-legacy.h"
#include "machine-config-testlib.h"
#include "qapi-visit.h"
#include "util/error.h"
#include "util/keyval.h"

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
    {"M", "pc,accel=qtest", "type=pc,accel.type=qtest"},
    {"M", "accel=tcg:qtest", "accel.type=tcg"},
    /* -accel, -cpu and the direct-boot options */
    {"accel", "tcg", "accel.type=tcg"},
    {"accel", "tcg,thread=multi", "accel.type=tcg,accel.thread=multi"},
    {"accel", "accel=qtest", "accel.type=qtest"},
    {"cpu", "qemu64,+avx", "cpu=qemu64,,+avx"},
    {"kernel", "/boot/vmlinuz", "kernel=/boot/vmlinuz"},
    {"initrd", "/boot/initrd.img", "initrd=/boot/initrd.img"},
    {"append", "console=ttyS0 quiet", "append=console=ttyS0 quiet"},
    {"bios", "/usr/share/seabios/bios.bin",
     "firmware=/usr/share/seabios/bios.bin"},
    {"option-rom", "/r.rom,bootindex=2",
     "option-rom.0.file=/r.rom,option-rom.0.bootindex=2"},
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
        g_autoptr(MachineProperties) a =
            machine_test_decode_legacy("smbios", arg);
        g_autoptr(MachineProperties) b = machine_test_decode_twin(twin);

        machine_test_assert_same(arg, a, b);
    }
}

static void test_legacy_table(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(legacy_cases); i++) {
        const LegacyCase *c = &legacy_cases[i];
        g_autofree char *arg = machine_test_expand_dir(c->arg);
        g_autofree char *twin = machine_test_expand_dir(c->twin);
        g_autoptr(MachineProperties) a =
            machine_test_decode_legacy(c->option, arg);
        g_autoptr(MachineProperties) b = machine_test_decode_twin(twin);
        g_autofree char *what = g_strdup_printf("-%s %s", c->option, arg);

        if (c->filled) {
            g_autoptr(MachineProperties) fa = machine_config_fill_defaults(a);
            g_autoptr(MachineProperties) fb = machine_config_fill_defaults(b);

            machine_test_assert_same(what, fa, fb);
        } else {
            machine_test_assert_same(what, a, b);
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
        g_autofree char *arg = machine_test_expand_dir(opts[i + 1]);
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
        g_autofree char *twin = machine_test_expand_dir(c->twin);
        g_autoptr(MachineProperties) a = decode_sequence(c->opts);
        g_autoptr(MachineProperties) b = machine_test_decode_twin(twin);

        machine_test_assert_same(c->opts[1], a, b);
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
        g_autofree char *arg = machine_test_expand_dir(c->arg);
        g_autofree char *want = machine_test_expand_dir(c->error);
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
    g_assert_nonnull(tree);
    g_assert_true(help);
    g_assert_true(machine_legacy_is_option("fw_cfg"));
    g_assert_true(machine_legacy_is_option("semihosting-config"));
    g_assert_false(machine_legacy_is_option("chardev"));
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

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    machine_test_make_files();
    g_test_add_func("/hw/machine-config/legacy/smbios-keys",
                    test_legacy_smbios_keys);
    g_test_add_func("/hw/machine-config/legacy/table", test_legacy_table);
    g_test_add_func("/hw/machine-config/legacy/merge", test_legacy_merge);
    g_test_add_func("/hw/machine-config/legacy/errors", test_legacy_errors);
    g_test_add_func("/hw/machine-config/legacy/help", test_legacy_help);
    g_test_add_func("/hw/machine-config/legacy/entry-point-mixed",
                    test_legacy_entry_point_mixed);
    ret = g_test_run();
    machine_test_remove_files();
    return ret;
}
