/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine configuration through the real daemon: a bare start
 * configured piece by piece with machine-set, read back with
 * query-machine-config and qom-get, the -M spelling it reports, the end
 * of the configuration phase, bad input over QMP, legacy options against
 * their -M twins, -M help and command-line errors.
 */
#include "prelude.h"

#include <string.h>
#include <sys/wait.h>

#include "libqtest.h"

#define BARE "-nodefaults -incoming defer"

/* Returns: (transfer full): the "return" member of a successful reply. */
static JsonNode *qmp_return(QTestState *s, const char *json)
{
    return qtest_qmp_assert_success_ref(s, "%s", json);
}

static JsonNode *query_config(QTestState *s, char **ret_cmdline)
{
    g_autoptr(JsonNode) ret =
        qmp_return(s, "{\"execute\": \"query-machine-config\"}");
    JsonObject *info = json_node_get_object(ret);

    if (ret_cmdline != NULL) {
        *ret_cmdline = g_strdup(json_object_get_string_member(info, "cmdline"));
    }
    return json_node_copy(json_object_get_member(info, "config"));
}

static char *node_text(JsonNode *node)
{
    return json_to_string(node, FALSE);
}

static void assert_json_equal(JsonNode *got, JsonNode *want)
{
    if (!json_node_equal(got, want)) {
        g_autofree char *a = node_text(got);
        g_autofree char *b = node_text(want);

        g_error("JSON differs\n  got  %s\n  want %s", a, b);
    }
}

static void machine_set(QTestState *s, const char *args)
{
    g_autofree char *cmd = g_strdup_printf(
        "{\"execute\": \"machine-set\", \"arguments\": %s}", args);

    qtest_qmp_assert_success(s, "%s", cmd);
}

static char *write_file(QTestState *s, const char *name, const void *data,
                        gsize len)
{
    char *path = qtest_tmp_path(s, name);
    g_autoptr(GError) err = NULL;

    g_assert_true(g_file_set_contents(path, data, len, &err));
    g_assert_no_error(err);
    return path;
}

static const guint8 acpi_table[40] = {
    'S', 'S', 'D', 'T', 40,  0,   0,   0,   1,   0,   'O', 'E', 'M', 'I',
    'D', ' ', 'T', 'A', 'B', 'L', 'E', 'I', 'D', ' ', 1,   0,   0,   0,
    'A', 'S', 'L', ' ', 1,   0,   0,   0,   1,   2,   3,   4};
static const guint8 smbios_oem_blob[] = {126, 4, 0, 0x7e, 'X', 0, 0};

static const char *const members[] = {
    "smp",    "memory",    "boot",
    "uuid",   "smbios",    "rtc",
    "fw-cfg", "acpitable", "semihosting-config",
};

static void test_configure_all(void)
{
    g_autoptr(QTestState) s = qtest_init(BARE);
    g_autofree char *fw = write_file(s, "fw.bin", "\x00\x01\xff", 3);
    g_autofree char *tbl = write_file(s, "t.aml", acpi_table, 40);
    g_autofree char *body = write_file(s, "b.aml", "\x10\x20", 2);
    g_autofree char *blob =
        write_file(s, "oem.bin", smbios_oem_blob, sizeof(smbios_oem_blob));
    g_autofree char *fw_b64 =
        g_base64_encode((const guchar *)"\x00\x01\xff", 3);
    g_autofree char *tbl_b64 = g_base64_encode(acpi_table, 40);
    g_autofree char *blob_b64 =
        g_base64_encode(smbios_oem_blob, sizeof(smbios_oem_blob));
    g_autofree char *args = NULL;
    g_autofree char *cmdline = NULL;
    g_autofree char *second_args = NULL;
    g_autofree char *quoted = NULL;
    g_autoptr(JsonNode) config = NULL;
    g_autoptr(JsonNode) config2 = NULL;
    g_autoptr(JsonNode) type = NULL;
    JsonObject *cfg;
    JsonArray *items;

    /* No type yet: /machine is the placeholder base type. */
    type = qmp_return(s, "{\"execute\": \"qom-get\", \"arguments\":"
                         " {\"path\": \"/machine\", \"property\": \"type\"}}");
    g_assert_cmpstr(json_node_get_string(type), ==, "machine");
    g_clear_pointer(&type, json_node_unref);

    machine_set(s, "{\"type\": \"pc\"}");
    machine_set(s, "{\"smp\": {\"cpus\": 2, \"maxcpus\": 4, \"sockets\": 2}}");
    machine_set(s, "{\"memory\": {\"size\": 268435456, \"max-size\":"
                   " 1073741824, \"slots\": 2}}");
    machine_set(s, "{\"boot\": {\"order\": \"nc\", \"once\": \"d\", \"menu\":"
                   " true, \"splash\": \"/s.bmp\", \"splash-time\": 500,"
                   " \"reboot-timeout\": 1000, \"strict\": true}}");
    machine_set(s, "{\"uuid\": \"12345678-1234-1234-1234-123456789abc\"}");
    args = g_strdup_printf(
        "{\"smbios\": {\"entry-point-type\": \"64\","
        " \"type0\": {\"vendor\": \"V, Inc.\", \"version\": \"1\","
        " \"date\": \"01/02/2003\", \"release\": \"1.2\", \"uefi\": true,"
        " \"vm\": false},"
        " \"type1\": {\"manufacturer\": \"M\", \"product\": \"P\","
        " \"version\": \"v\", \"serial\": \"S=1\", \"sku\": \"K\","
        " \"family\": \"F\"},"
        " \"type2\": {\"manufacturer\": \"M\", \"product\": \"P\","
        " \"version\": \"v\", \"serial\": \"s\", \"asset\": \"A\","
        " \"location\": \"L\"},"
        " \"type3\": {\"manufacturer\": \"M\", \"version\": \"v\","
        " \"serial\": \"s\", \"asset\": \"A\", \"sku\": \"K\"},"
        " \"type4\": {\"sock-pfx\": \"Socket\", \"manufacturer\": \"M\","
        " \"version\": \"v\", \"serial\": \"s\", \"asset\": \"A\","
        " \"part\": \"P\", \"processor-family\": 254, \"processor-id\": 1234,"
        " \"max-speed\": 3000, \"current-speed\": 2500},"
        " \"type8\": [{\"internal-reference\": \"J1\","
        " \"external-reference\": \"USB\", \"connector-type\": 18,"
        " \"port-type\": 16}, {}],"
        " \"type9\": [{\"slot-designation\": \"PCIe 1\", \"slot-type\": 166,"
        " \"slot-data-bus-width\": 8, \"current-usage\": 3,"
        " \"slot-length\": 4, \"slot-id\": 4660,"
        " \"slot-characteristics1\": 12, \"slot-characteristics2\": 3}],"
        " \"type11\": {\"values\": [\"one\", \"t,w=o\", \"\"]},"
        " \"type17\": {\"loc-pfx\": \"Slot\", \"bank\": \"B\","
        " \"manufacturer\": \"M\", \"serial\": \"s\", \"asset\": \"A\","
        " \"part\": \"P\", \"speed\": 3200},"
        " \"type41\": [{\"designation\": \"NIC\", \"kind\": \"ethernet\","
        " \"instance\": 2}],"
        " \"files\": [{\"file\": \"%s\"}]}}",
        blob);
    machine_set(s, args);
    machine_set(s, "{\"rtc\": {\"base\": \"2006-06-17T16:01:21\","
                   " \"clock\": \"vm\", \"driftfix\": \"slew\"}}");
    g_free(args);
    args =
        g_strdup_printf("{\"fw-cfg\": [{\"name\": \"opt/s\", \"string\":"
                        " \"a,b\"}, {\"name\": \"opt/f\", \"file\": \"%s\"}],"
                        " \"acpitable\": [{\"file\": [\"%s\"]},"
                        " {\"sig\": \"TEST\", \"rev\": 2, \"oem-id\": \"OEM\","
                        " \"oem-table-id\": \"TABLE\", \"oem-rev\": 3,"
                        " \"asl-compiler-id\": \"ASL\","
                        " \"asl-compiler-rev\": 4,"
                        " \"data\": [\"%s\", \"%s\"]}]}",
                        fw, tbl, body, body);
    machine_set(s, args);
    /* "char0" is the library's monitor chardev; it must exist at init. */
    machine_set(s, "{\"semihosting-config\": {\"enable\": true, \"target\":"
                   " \"native\", \"chardev\": \"char0\", \"userspace\": true,"
                   " \"arg\": [\"prog\", \"a b\"]}}");

    config = query_config(s, &cmdline);
    cfg = json_node_get_object(config);
    g_assert_cmpstr(json_object_get_string_member(cfg, "type"), ==, "pc");
    g_assert_cmpint(json_object_get_int_member(
                        json_object_get_object_member(cfg, "smp"), "cores"),
                    ==, 2);
    items = json_object_get_array_member(cfg, "fw-cfg");
    g_assert_cmpstr(json_object_get_string_member(
                        json_array_get_object_element(items, 1), "data"),
                    ==, fw_b64);
    items = json_object_get_array_member(cfg, "acpitable");
    g_assert_cmpstr(json_object_get_string_member(
                        json_array_get_object_element(items, 0), "blob"),
                    ==, tbl_b64);
    g_assert_cmpstr(json_object_get_string_member(
                        json_array_get_object_element(items, 1), "blob"),
                    ==, "ECAQIA==");
    items = json_object_get_array_member(
        json_object_get_object_member(cfg, "smbios"), "files");
    g_assert_cmpstr(json_object_get_string_member(
                        json_array_get_object_element(items, 0), "data"),
                    ==, blob_b64);
    /* The empty type 8 element got its defaults. */
    items = json_object_get_array_member(
        json_object_get_object_member(cfg, "smbios"), "type8");
    g_assert_cmpint(json_object_get_int_member(
                        json_array_get_object_element(items, 1), "port-type"),
                    ==, 0);

    /* qom-get /machine MEMBER is the same view. */
    for (gsize i = 0; i < G_N_ELEMENTS(members); i++) {
        g_autofree char *cmd =
            g_strdup_printf("{\"execute\": \"qom-get\", \"arguments\":"
                            " {\"path\": \"/machine\", \"property\": \"%s\"}}",
                            members[i]);
        g_autoptr(JsonNode) got = qmp_return(s, cmd);

        assert_json_equal(got, json_object_get_member(cfg, members[i]));
    }
    type = qmp_return(s, "{\"execute\": \"qom-get\", \"arguments\":"
                         " {\"path\": \"/machine\", \"property\": \"type\"}}");
    g_assert_cmpstr(json_node_get_string(type), ==, "pc-i440fx-7.2-machine");

    /* The -M spelling starts a second daemon with the same configuration. */
    quoted = g_shell_quote(cmdline);
    second_args = g_strdup_printf(BARE " -M %s", quoted);
    {
        g_autoptr(QTestState) s2 = qtest_init(second_args);

        config2 = query_config(s2, NULL);
    }
    assert_json_equal(config2, config);

    /* The configuration phase ends; the configuration is frozen. */
    qtest_qmp_assert_success(s, "{\"execute\": \"x-exit-preconfig\"}");
    qtest_qmp_assert_error(
        s, "GenericError",
        "The command is permitted only before machine initialization",
        "{\"execute\": \"machine-set\", \"arguments\": {\"uuid\":"
        " \"87654321-4321-4321-4321-cba987654321\"}}");
    qtest_qmp_assert_error(
        s, "GenericError",
        "The machine configuration cannot change after machine "
        "initialization",
        "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"/machine\","
        " \"property\": \"rtc\", \"value\": {\"base\": \"utc\"}}}");
    g_clear_pointer(&config2, json_node_unref);
    config2 = query_config(s, NULL);
    assert_json_equal(config2, config);
}

static void test_default_type_at_exit(void)
{
    g_autoptr(QTestState) s = qtest_init(BARE);
    g_autoptr(JsonNode) before = query_config(s, NULL);
    g_autoptr(JsonNode) after = NULL;

    g_assert_false(
        json_object_has_member(json_node_get_object(before), "type"));
    qtest_qmp_assert_success(
        s, "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"/machine\","
           " \"property\": \"rtc\", \"value\": {\"base\": \"localtime\"}}}");
    qtest_qmp_assert_success(s, "{\"execute\": \"x-exit-preconfig\"}");
    after = query_config(s, NULL);
    g_assert_cmpstr(
        json_object_get_string_member(json_node_get_object(after), "type"), ==,
        "pc");
    g_assert_cmpstr(
        json_object_get_string_member(
            json_object_get_object_member(json_node_get_object(after), "rtc"),
            "base"),
        ==, "localtime");
}

#define OEM_2000                                                         \
    "\"" OEM_200 OEM_200 OEM_200 OEM_200 OEM_200 OEM_200 OEM_200 OEM_200 \
        OEM_200 OEM_200 "\""
#define OEM_200                                                             \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define OEM_10                                                                \
    OEM_2000 "," OEM_2000 "," OEM_2000 "," OEM_2000 "," OEM_2000 "," OEM_2000 \
             "," OEM_2000 "," OEM_2000 "," OEM_2000 "," OEM_2000
#define OEM_STRINGS_40 OEM_10 "," OEM_10 "," OEM_10 "," OEM_10

typedef struct QmpBadCase {
    const char *args; /* machine-set arguments */
    const char *klass;
    const char *desc;
} QmpBadCase;

static const QmpBadCase qmp_bad_cases[] = {
    {"{\"bogus\": 1}", "GenericError", "Parameter 'bogus' is unexpected"},
    {"{\"smp\": {\"cpus\": \"two\"}}", "GenericError",
     "Invalid parameter type for 'smp.cpus', expected: integer"},
    {"{\"rtc\": {\"base\": \"2006-06-17x\"}}", "GenericError",
     "rtc.base: invalid datetime format, valid formats: "
     "'2006-06-17T16:01:21' or '2006-06-17'"},
    {"{\"uuid\": \"nope\"}", "GenericError", "uuid: Fail to parse UUID string"},
    {"{\"smbios\": {\"type0\": {\"release\": \"1.256\"}}}", "GenericError",
     "smbios.type0.release: Invalid release"},
    {"{\"smbios\": {\"type4\": {\"max-speed\": 65536}}}", "GenericError",
     "smbios.type4.max-speed: SMBIOS CPU speed is too large (> 65535)"},
    /* No PCI device exists yet, so a slot cannot name one. */
    {"{\"smbios\": {\"type9\": [{\"slot-designation\": \"S\","
     " \"pcidev\": \"nic0\"}]}}",
     "GenericError", "smbios: No PCI device nic0 for SMBIOS type 9 entry S"},
    /* 40 OEM strings of 2000 bytes: over the 64 KiB the tables may use. */
    {"{\"smbios\": {\"type11\": {\"values\": [" OEM_STRINGS_40 "]}}}",
     "GenericError", "smbios: SMBIOS table length 80373 exceeds 65535"},
    {"{\"fw-cfg\": [{\"name\": \"opt/a\", \"string\": \"1\"},"
     " {\"name\": \"opt/a\", \"string\": \"2\"}]}",
     "GenericError", "fw-cfg[1]: duplicate fw_cfg file name: opt/a"},
    {"{\"fw-cfg\": [{\"name\": \"etc/e820\", \"string\": \"1\"}]}",
     "GenericError", "fw-cfg[0]: duplicate fw_cfg file name: etc/e820"},
    {"{\"fw-cfg\": [{\"name\": \"opt/a\", \"file\": \"/nonexistent/f\"}]}",
     "GenericError",
     "fw-cfg[0].file: can't load /nonexistent/f: No such file or directory"},
    {"{\"acpitable\": [{\"data\": [\"/nonexistent/a\"]}]}", "GenericError",
     "acpitable[0]: can't open file /nonexistent/a: No such file or "
     "directory"},
    {"{\"smp\": {\"cpus\": 4, \"maxcpus\": 2}}", "GenericError",
     "smp: Invalid CPU topology: maxcpus must be equal to or greater than "
     "smp: sockets (1) * dies (1) * cores (2) * threads (1) == maxcpus (2) "
     "< smp_cpus (4)"},
    {"{\"memory\": {\"size\": 2097152, \"max-size\": 1048576}}", "GenericError",
     "memory.max-size: invalid value of maxmem: maximum memory size "
     "(0x100000) must be at least the initial memory size (0x200000)"},
    {"{\"type\": \"q35\"}", "GenericError",
     "type: unsupported machine type: \"q35\""},
    /* json-glib reads 2^64 - 8192 as -8192: neither is a size. */
    {"{\"memory\": {\"size\": 18446744073709543424}}", "GenericError",
     "Parameter 'memory.size' expects a non-negative number below 2^63"},
    {"{\"memory\": {\"size\": -8192}}", "GenericError",
     "Parameter 'memory.size' expects a non-negative number below 2^63"},
    /* Past 2^64 a literal is no integer at all (json-glib made it -1). */
    {"{\"smbios\": {\"type4\": {\"processor-id\": 18446744073709551616}}}",
     "GenericError", "Parameter 'smbios.type4.processor-id' expects uint64"},
    /* Compared after rounding the size up to 8 KiB, as QEMU does. */
    {"{\"memory\": {\"size\": 1, \"max-size\": 1}}", "GenericError",
     "memory.max-size: invalid value of maxmem: maximum memory size (0x1) "
     "must be at least the initial memory size (0x2000)"},
};

static void test_qmp_bad_input(void)
{
    g_autoptr(QTestState) s = qtest_init(BARE);
    g_autoptr(JsonNode) before = NULL;

    machine_set(s, "{\"rtc\": {\"base\": \"utc\"}, \"fw-cfg\": [{\"name\":"
                   " \"opt/keep\", \"string\": \"k\"}]}");
    before = query_config(s, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(qmp_bad_cases); i++) {
        const QmpBadCase *c = &qmp_bad_cases[i];
        g_autofree char *cmd = g_strdup_printf(
            "{\"execute\": \"machine-set\", \"arguments\": %s}", c->args);
        g_autoptr(JsonNode) after = NULL;

        qtest_qmp_assert_error(s, c->klass, c->desc, "%s", cmd);
        after = query_config(s, NULL);
        assert_json_equal(after, before);
    }
}

/*
 * Issue 13: a huge memory size next to any SMBIOS member made the check
 * build one memory device per 16 GiB (no reply, memory without bound).
 * Both orders now answer at once; the largest pc memory is stored and
 * its -M spelling starts a second daemon with the same configuration.
 */
static void test_memory_limits(void)
{
    g_autoptr(QTestState) s = qtest_init(BARE);
    g_autoptr(JsonNode) before = NULL;
    g_autoptr(JsonNode) after = NULL;
    g_autoptr(JsonNode) config = NULL;
    g_autoptr(JsonNode) config2 = NULL;
    g_autoptr(JsonNode) mem = NULL;
    g_autofree char *cmdline = NULL;
    g_autofree char *quoted = NULL;
    g_autofree char *second_args = NULL;

    machine_set(s, "{\"smbios\": {\"type11\": {\"values\": []}}}");
    before = query_config(s, NULL);
    qtest_qmp_assert_error(s, "GenericError",
                           "memory.size: Address space limit 0xffffffffff < "
                           "0x800000ffbfffffff phys-bits too low (40)",
                           "{\"execute\": \"machine-set\", \"arguments\":"
                           " {\"memory\": {\"size\": 9223372036854775807}}}");
    qtest_qmp_assert_error(
        s, "GenericError",
        "Parameter 'memory.size' expects a non-negative number below 2^63",
        "{\"execute\": \"machine-set\", \"arguments\":"
        " {\"memory\": {\"size\": 9223372036854775808}}}");
    after = query_config(s, NULL);
    assert_json_equal(after, before);

    /* The other order: the size is refused before SMBIOS is set. */
    machine_set(s, "{\"smbios\": {}}");
    qtest_qmp_assert_error(s, "GenericError",
                           "memory.size: Address space limit 0xffffffffff < "
                           "0x2ffbfffffff phys-bits too low (40)",
                           "{\"execute\": \"machine-set\", \"arguments\":"
                           " {\"memory\": {\"size\": 2199023255552}}}");
    machine_set(s, "{\"smbios\": {\"type1\": {\"serial\": \"X\"}}}");

    /* 1009 GiB: the most a pc with qemu64 takes (obs 7.2). */
    machine_set(s, "{\"memory\": {\"size\": 1083405500416}}");
    mem = qmp_return(s, "{\"execute\": \"qom-get\", \"arguments\":"
                        " {\"path\": \"/machine\", \"property\": \"memory\"}}");
    g_assert_cmpint(
        json_object_get_int_member(json_node_get_object(mem), "size"), ==,
        G_GINT64_CONSTANT(1083405500416));
    config = query_config(s, &cmdline);
    g_assert_nonnull(strstr(cmdline, "memory.size=1083405500416"));
    quoted = g_shell_quote(cmdline);
    second_args = g_strdup_printf(BARE " -M %s", quoted);
    {
        g_autoptr(QTestState) s2 = qtest_init(second_args);

        config2 = query_config(s2, NULL);
    }
    assert_json_equal(config2, config);
}

typedef struct CmdlinePair {
    const char *legacy;
    const char *twin;
} CmdlinePair;

static const CmdlinePair cmdline_pairs[] = {
    {"-smbios type=1,serial=S,,1 -smbios type=1,product=P",
     "-M smbios.type1.serial=S,,1,smbios.type1.product=P"},
    {"-smbios type=4,sock_pfx=Sock,max-speed=3000",
     "-M smbios.type4.sock-pfx=Sock,smbios.type4.max-speed=3000"},
    {"-rtc base=2006-06-17,clock=vm,driftfix=slew",
     "-M rtc.base=2006-06-17,rtc.clock=vm,rtc.driftfix=slew"},
    {"-fw_cfg opt/a,string=x -fw_cfg name=opt/b,string=y",
     "-M fw-cfg.0.name=opt/a,fw-cfg.0.string=x,fw-cfg.1.name=opt/b,"
     "fw-cfg.1.string=y"},
    {"-m 512,slots=2,maxmem=1G -smp 2,sockets=2 -boot order=nc,menu=on",
     "-M memory.size=512M,memory.slots=2,memory.max-size=1G,smp.cpus=2,"
     "smp.sockets=2,boot.order=nc,boot.menu=on"},
    {"-uuid 12345678-1234-1234-1234-123456789abc -M pc",
     "-M pc,uuid=12345678-1234-1234-1234-123456789abc"},
    {"-M smbios-entry-point-type=32", "-M smbios.entry-point-type=32"},
    {"-semihosting-config enable=on,target=gdb,arg=p,arg=q",
     "-M semihosting-config.enable=on,semihosting-config.target=gdb,"
     "semihosting-config.arg.0=p,semihosting-config.arg.1=q"},
};

static void test_cmdline_pairs(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(cmdline_pairs); i++) {
        g_autofree char *a1 =
            g_strdup_printf(BARE " %s", cmdline_pairs[i].legacy);
        g_autofree char *a2 =
            g_strdup_printf(BARE " %s", cmdline_pairs[i].twin);
        g_autoptr(JsonNode) c1 = NULL;
        g_autoptr(JsonNode) c2 = NULL;
        g_autoptr(JsonNode) empty = NULL;

        {
            g_autoptr(QTestState) s = qtest_init(a1);

            c1 = query_config(s, NULL);
        }
        {
            g_autoptr(QTestState) s = qtest_init(a2);

            c2 = query_config(s, NULL);
        }
        assert_json_equal(c1, c2);
        if (i == 0) {
            g_autoptr(QTestState) s = qtest_init(BARE);

            empty = query_config(s, NULL);
            /* The options did change something. */
            g_assert_false(json_node_equal(c1, empty));
        }
    }
}

/* Runs the daemon with @args; returns its exit status. */
static int run(const char *args, char **ret_out, char **ret_err)
{
    g_autofree char *line = g_strdup_printf("%s %s", qtest_binary(), args);
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) err = NULL;
    int status = 0;

    g_assert_true(g_shell_parse_argv(line, NULL, &argv, &err));
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               ret_out, ret_err, &status, &err));
    g_assert_no_error(err);
    g_assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_help(void)
{
    g_autofree char *out = NULL;
    g_autofree char *errs = NULL;

    g_assert_cmpint(run("-M help", &out, &errs), ==, 0);
    g_assert_cmpstr(out, ==,
                    "Supported machines are:\n"
                    "pc                   Standard PC (i440FX + PIIX, 1996) "
                    "(alias of pc-i440fx-7.2)\n"
                    "pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) "
                    "(default)\n"
                    "none                 empty machine\n");
    g_assert_cmpstr(errs, ==, "");
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&errs, g_free);
    g_assert_cmpint(run("-M pc,help", &out, &errs), ==, 0);
    g_assert_cmpstr(
        out, ==,
        "pc-i440fx-7.2-machine options:\n"
        "  type=<str> - Machine type (set with -M TYPE)\n"
        "  smp=<SMPConfiguration> - CPU topology\n"
        "  memory=<MemorySizeConfiguration> - Memory size configuration\n"
        "  boot=<BootConfiguration> - Boot configuration\n"
        "  uuid=<str> - Machine UUID, used by fw_cfg and SMBIOS\n"
        "  smbios=<SmbiosConfig> - SMBIOS tables and entry point\n"
        "  rtc=<RtcConfig> - Real-time clock base, clock and drift fix\n"
        "  fw-cfg=<[FwCfgItem]> - User fw_cfg files\n"
        "  acpitable=<[AcpiTableConfig]> - User ACPI tables\n"
        "  semihosting-config=<SemihostingConfig> - Semihosting "
        "configuration\n"
        "  accel=<AccelConfig> - Accelerator\n"
        "  cpu=<str> - CPU model\n"
        "  kernel=<str> - Linux kernel image booted directly\n"
        "  initrd=<str> - Initial RAM disk for the kernel\n"
        "  append=<str> - Kernel command line\n"
        "  firmware=<str> - Firmware image\n"
        "  option-rom=<[OptionRom]> - Extra option ROMs\n"
        "  usb=<bool> - Whether the machine has a USB controller\n"
        "  dump-guest-core=<bool> - Include guest RAM in core "
        "dumps\n"
        "  memory-backend=<str> - Memory backend object providing "
        "guest RAM\n"
        "  aux-ram-share=<bool> - Put the machine's RAM in a shared memfd\n");
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&errs, g_free);
    g_assert_cmpint(run("-M none,help", &out, &errs), ==, 0);
    g_assert_true(g_str_has_prefix(out, "none-machine options:\n"));
}

typedef struct CmdlineError {
    const char *args;
    const char *line; /* the whole of stderr */
} CmdlineError;

static const CmdlineError cmdline_errors[] = {
    {"-smbios type=4,max-speed=70000",
     "qmpd: -smbios type=4,max-speed=70000: smbios.type4.max-speed: SMBIOS "
     "CPU speed is too large (> 65535)\n"},
    {"-smbios type=99",
     "qmpd: -smbios type=99: Don't know how to build fields for SMBIOS type "
     "99\n"},
    {"-smbios serial=x", "qmpd: -smbios serial=x: Must specify type= or "
                         "file=\n"},
    {"-rtc base=tomorrow",
     "qmpd: -rtc base=tomorrow: rtc.base: invalid datetime format, valid "
     "formats: '2006-06-17T16:01:21' or '2006-06-17'\n"},
    {"-fw_cfg opt/a,string=1 -fw_cfg opt/a,string=2",
     "qmpd: -fw_cfg opt/a,string=2: fw-cfg[1]: duplicate fw_cfg file name: "
     "opt/a\n"},
    {"-acpitable sig=SSDT",
     "qmpd: -acpitable sig=SSDT: '-acpitable' requires one of 'data' or "
     "'file'\n"},
    {"-uuid nope", "qmpd: -uuid nope: Fail to parse UUID string\n"},
    {"-machine q35",
     "qmpd: -machine q35: type: unsupported machine type: \"q35\"\n"},
    {"-smbios type=1,serial=X -M memory.size=8E",
     "qmpd: -M memory.size=8E: Parameter 'memory.size' expects a "
     "non-negative number below 2^63\n"},
    {"-smbios type=1,serial=X -M memory.size=7E",
     "qmpd: -M memory.size=7E: memory.size: Address space limit "
     "0xffffffffff < 0x700000ffbfffffff phys-bits too low (40)\n"},
    {"-m 1k,maxmem=1k",
     "qmpd: -m 1k,maxmem=1k: memory.max-size: invalid value of maxmem: "
     "maximum memory size (0x400) must be at least the initial memory size "
     "(0x2000)\n"},
};

static void test_cmdline_errors(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(cmdline_errors); i++) {
        g_autofree char *args =
            g_strdup_printf("-nodefaults %s", cmdline_errors[i].args);
        g_autofree char *out = NULL;
        g_autofree char *errs = NULL;

        g_assert_cmpint(run(args, &out, &errs), ==, 1);
        g_assert_cmpstr(errs, ==, cmdline_errors[i].line);
        g_assert_cmpstr(out, ==, "");
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/machine-config/configure-all", test_configure_all);
    g_test_add_func("/machine-config/default-type-at-exit",
                    test_default_type_at_exit);
    g_test_add_func("/machine-config/qmp-bad-input", test_qmp_bad_input);
    g_test_add_func("/machine-config/memory-limits", test_memory_limits);
    g_test_add_func("/machine-config/cmdline-pairs", test_cmdline_pairs);
    g_test_add_func("/machine-config/help", test_help);
    g_test_add_func("/machine-config/cmdline-errors", test_cmdline_errors);
    return g_test_run();
}
