/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the machine configuration (hw/core): the all-or-nothing
 * error table of machine_config_set(), CPU topology derivation and the
 * defaults of each machine type.  The legacy options and rendering have
 * their own programs (test-machine-legacy.c, test-machine-render.c).
 */

#include "prelude.h"

#include <string.h>

#include <glib/gstdio.h>

#include "hw/core/machine-config.h"
#include "hw/core/machine-smp.h"
#include "hw/core/machine-type.h"
#include "machine-config-testlib.h"
#include "qapi-visit.h"
#include "util/error.h"

/* ---- machine_config_set: the all-or-nothing error table ---- */

/* machine-set's own path: every member named is replaced. */
static void test_set_json_empty_list_clears(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) clear = json_from_string("{\"fw-cfg\": []}", &err);
    g_autoptr(JsonNode) keep =
        json_from_string("{\"smp\": {\"cpus\": 2}}", &err);

    machine_test_set_base();
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
    /* Rounded up to 8 KiB first, then compared (obs 7.2: -m 1k,maxmem=1k). */
    {"{\"memory\": {\"size\": 1, \"max-size\": 1}}",
     "memory.max-size: invalid value of maxmem: maximum memory size (0x1) "
     "must be at least the initial memory size (0x2000)"},
    {"{\"memory\": {\"size\": 1, \"max-size\": 8192, \"slots\": 1}}",
     "memory.slots: invalid value of maxmem: memory slots were specified but "
     "maximum memory size (0x2000) is equal to the initial memory size "
     "(0x2000)"},
    /* json-glib reads the big ones as the negative ones: both refused. */
    {"{\"memory\": {\"size\": -8192}}",
     "Parameter 'memory.size' expects a non-negative number below 2^63"},
    {"{\"memory\": {\"size\": 18446744073709543424}}",
     "Parameter 'memory.size' expects a non-negative number below 2^63"},
    {"{\"memory\": {\"size\": 9223372036854775808}}",
     "Parameter 'memory.size' expects a non-negative number below 2^63"},
    {"{\"memory\": {\"size\": 1073741824, \"max-size\": -1}}",
     "Parameter 'memory.max-size' expects a non-negative number below 2^63"},
    /*
     * The pc memory map with qemu64's 40 address bits; each text is what
     * QEMU 7.2 prints for the same -m (obs: 2T; 1009G+1M; 1G,slots=1,
     * maxmem=1007G; 1G,slots=300,maxmem=8E; 1G,slots=257,maxmem=2G).  The
     * base configuration has SMBIOS fields, whose check once built one
     * memory device per 16 GiB of whatever size it was given.
     */
    {"{\"memory\": {\"size\": 2199023255552}}",
     "memory.size: Address space limit 0xffffffffff < 0x2ffbfffffff "
     "phys-bits too low (40)"},
    {"{\"memory\": {\"size\": 1083405500417}}",
     "memory.size: Address space limit 0xffffffffff < 0x1fc3fffffff "
     "phys-bits too low (40)"},
    {"{\"memory\": {\"size\": 1073741824, \"max-size\": 1081258016768,"
     " \"slots\": 1}}",
     "memory.max-size: Address space limit 0xffffffffff < 0x1fc3fffffff "
     "phys-bits too low (40)"},
    {"{\"memory\": {\"size\": 1073741824,"
     " \"max-size\": 9223372036854775807, \"slots\": 300}}",
     "memory.max-size: Address space limit 0xffffffffff < 0x8000014b3fffffff "
     "phys-bits too low (40)"},
    {"{\"memory\": {\"size\": 9223372036854775807}}",
     "memory.size: Address space limit 0xffffffffff < 0x800000ffbfffffff "
     "phys-bits too low (40)"},
    {"{\"memory\": {\"size\": 1073741824, \"max-size\": 2147483648,"
     " \"slots\": 257}}",
     "memory.slots: unsupported amount of memory slots: 257"},
    /* qmpd's own RAM blocks stop at 1 TiB. */
    {"{\"type\": \"none\", \"memory\": {\"size\": 1099511627777}}",
     "memory.size: ram size 0x10000002000 is above the 0x10000000000 bytes "
     "this machine supports",
     true},
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

    machine_test_write_tmp("big.aml", big, 65500);
    for (gsize i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        const BadCase *c = &bad_cases[i];
        g_autofree char *want = machine_test_expand_dir(c->error);
        g_autoptr(GError) err = NULL;
        g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(JsonNode) before = NULL;
        g_autoptr(JsonNode) after = NULL;

        if (c->bare) {
            machine_config_reset();
        } else {
            machine_test_set_base();
        }
        before = machine_config_to_json(machine_config_get());
        g_test_message("patch: %s", c->patch);
        g_assert_false(machine_test_set_json(c->patch, warnings, &err));
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
    g_assert_true(machine_test_set_json("{\"rtc\": {\"base\": \"localtime\"}}",
                                        NULL, &err));
    g_assert_no_error(err);
    g_assert_null(machine_config_get()->type);
    g_assert_false(machine_config_is_frozen());
    machine_config_freeze();
    g_assert_true(machine_config_is_frozen());
    /* The default type applies only now. */
    g_assert_cmpstr(machine_config_get()->type, ==, "pc");
    before = machine_config_to_json(machine_config_get());
    g_assert_false(
        machine_test_set_json("{\"rtc\": {\"base\": \"utc\"}}", NULL, &err));
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
    g_autofree char *want_text = machine_test_expand_dir(json);
    g_autoptr(JsonNode) want = json_from_string(want_text, NULL);
    JsonNode *got = json_object_get_member(json_node_get_object(cfg), member);
    g_autofree char *got_text =
        got != NULL ? machine_test_json_text(got) : NULL;

    g_assert_nonnull(want);
    g_assert_cmpstr(got_text, ==, want_text);
}

static void test_set_success(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *fw_b64 =
        g_base64_encode((const guchar *)"\x00\x01\xff,=", 5);
    g_autofree char *acpi_b64 = g_base64_encode(
        machine_test_acpi_table, sizeof(machine_test_acpi_table));
    g_autofree char *fw_json = NULL;

    machine_test_set_base();
    /* A member given replaces the whole member, others stay. */
    g_assert_true(machine_test_set_json(
        "{\"smbios\": {\"type0\": {\"vendor\": \"V\"}},"
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

    g_assert_true(machine_test_set_json(
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
        g_autofree char *t1 = machine_test_tmp_path("t1.aml");
        g_autofree char *moved = machine_test_tmp_path("t1.moved");

        g_assert_cmpint(g_rename(t1, moved), ==, 0);
        g_assert_true(machine_test_set_json("{\"rtc\": {\"base\": \"utc\"}}",
                                            NULL, &err));
        g_assert_no_error(err);
        g_assert_cmpint(g_rename(moved, t1), ==, 0);
    }
    g_assert_cmpstr(machine_config_get()->acpitable->value->blob, ==, acpi_b64);
    assert_stored("rtc", "{\"base\":\"utc\"}");
    machine_config_reset();
}

/*
 * The largest memory each machine takes, with the members that are sized
 * from it (SMBIOS memory devices) present.
 */
static void test_memory_limits(void)
{
    static const struct {
        bool bare; /* applied to an empty configuration */
        const char *patch;
    } accepted[] = {
        /* 1009 GiB: the 64-bit PCI window ends just below 0xfd00000000. */
        {false, "{\"memory\": {\"size\": 1083405500416}}"},
        {false, "{\"memory\": {\"size\": 1073741824,"
                " \"max-size\": 1080184274944, \"slots\": 1}}"},
        {false, "{\"memory\": {\"size\": 1073741824,"
                " \"max-size\": 2147483648, \"slots\": 256}}"},
        {false, "{\"memory\": {\"size\": 0}}"},
        {true, "{\"type\": \"none\", \"memory\": {\"size\": 1099511627776}}"},
        /* QEMU's none machine has no hotplug area to place. */
        {true, "{\"type\": \"none\", \"memory\": {\"size\": 1,"
               " \"max-size\": 9223372036854775807}}"},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(accepted); i++) {
        g_autoptr(GError) err = NULL;

        if (accepted[i].bare) {
            machine_config_reset();
        } else {
            machine_test_set_base();
        }
        g_test_message("patch: %s", accepted[i].patch);
        g_assert_true(machine_test_set_json(accepted[i].patch, NULL, &err));
        g_assert_no_error(err);
        g_assert_nonnull(machine_config_get()->memory);
    }
    machine_config_reset();
}

/* ---- smp derivation and defaults ---- */

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
     "\"type4\":{\"sock-pfx\":\"CPU\",\"manufacturer\":\"QEMU\",\"version\":"
     "\"pc-i440fx-7.2\","
     "\"processor-family\":1,\"processor-id\":0,\"max-speed\":2000,"
     "\"current-speed\":2000},"
     "\"type17\":{\"loc-pfx\":\"DIMM\",\"manufacturer\":\"QEMU\","
     "\"speed\":0}},"
     "\"rtc\":{\"base\":\"utc\",\"clock\":\"host\",\"driftfix\":\"none\"},"
     "\"accel\":{\"type\":\"qtest\"},\"cpu\":\"qemu64\"}"},
    {"{\"type\": \"none\"}",
     "{\"type\":\"none\",\"smp\":{\"cpus\":1,\"maxcpus\":1,\"sockets\":1,"
     "\"dies\":1,\"clusters\":1,\"cores\":1,\"threads\":1},"
     "\"memory\":{\"size\":0,\"max-size\":0,\"slots\":0},"
     "\"boot\":{\"menu\":false,\"reboot-timeout\":-1,\"strict\":false},"
     "\"accel\":{\"type\":\"qtest\"}}"},
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
     "\"type4\":{\"sock-pfx\":\"CPU\",\"manufacturer\":\"QEMU\",\"version\":"
     "\"pc-i440fx-7.2\","
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
     "\"userspace\":false},\"accel\":{\"type\":\"qtest\"},\"cpu\":\"qemu64\"}"},
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
        got_text = machine_test_json_text(got);
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
    machine_test_make_files();
    g_test_add_func("/hw/machine-config/set/errors", test_set_errors);
    g_test_add_func("/hw/machine-config/set/frozen", test_set_frozen);
    g_test_add_func("/hw/machine-config/set/empty-list-clears",
                    test_set_json_empty_list_clears);
    g_test_add_func("/hw/machine-config/set/success", test_set_success);
    g_test_add_func("/hw/machine-config/set/memory-limits", test_memory_limits);
    g_test_add_func("/hw/machine-config/smp/resolve", test_smp_resolve);
    g_test_add_func("/hw/machine-config/smp/errors-untouched",
                    test_smp_errors_untouched);
    g_test_add_func("/hw/machine-config/defaults", test_defaults);
    ret = g_test_run();
    machine_config_reset();
    machine_test_remove_files();
    return ret;
}
