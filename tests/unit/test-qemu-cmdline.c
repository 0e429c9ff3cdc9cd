/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden tests of the QEMU command-line renderer: each member family to
 * its QEMU arguments, the blobs handed over as /dev/fd/N, and the members
 * QEMU cannot be given.  That QEMU 7.2 accepts what is rendered is
 * checked by tests/qtest/qemu-backend-test.c.
 */

#include "prelude.h"

#include "accel/qemu-cmdline.h"
#include "hw/core/machine-config.h"

#define FRAME                                                \
    "-S -nodefaults -no-user-config -display none -chardev " \
    "socket,id=qmpd-control,fd=3 -mon chardev=qmpd-control,mode=control "

typedef struct RenderCase {
    const char *config;
    const char *expect;
} RenderCase;

static const RenderCase render_cases[] = {
    /* Pinned: versioned machine type, CPU model, topology, KiB of RAM. */
    {"{\"accel\": {\"type\": \"tcg\"}}",
     FRAME "-machine type=pc-i440fx-7.2 -accel tcg -cpu qemu64 "
           "-smp cpus=1,maxcpus=1,sockets=1,dies=1,cores=1,threads=1 "
           "-m size=131072K"},
    {"{\"type\": \"pc\", \"accel\": {\"type\": \"tcg\", \"thread\": "
     "\"multi\"}, \"cpu\": \"max,+avx\", \"smp\": {\"cpus\": 2, "
     "\"maxcpus\": 4}, \"memory\": {\"size\": 1000, "
     "\"slots\": 2, \"max-size\": 1073741824}}",
     FRAME "-machine type=pc-i440fx-7.2 -accel tcg,thread=multi "
           "-cpu max,+avx "
           "-smp cpus=2,maxcpus=4,sockets=1,dies=1,cores=4,threads=1 "
           "-m size=8K,slots=2,maxmem=1048576K"},
    /* Boot and direct boot: paths verbatim, option values escaped. */
    {"{\"accel\": {\"type\": \"kvm\"}, \"boot\": {\"order\": \"nc\", "
     "\"menu\": true, \"splash-time\": 5, \"reboot-timeout\": -1}, "
     "\"kernel\": \"/k, v\", \"initrd\": \"/i\", \"append\": "
     "\"console=ttyS0 a,b\", \"firmware\": \"/bios.bin\", \"option-rom\": "
     "[{\"file\": \"/a,b.rom\", \"bootindex\": 3}, {\"file\": \"/c.rom\"}], "
     "\"uuid\": \"12345678-1234-1234-1234-123456789abc\"}",
     FRAME "-machine type=pc-i440fx-7.2 -accel kvm -cpu qemu64 "
           "-smp cpus=1,maxcpus=1,sockets=1,dies=1,cores=1,threads=1 "
           "-m size=131072K -boot order=nc,menu=on,splash-time=5,"
           "reboot-timeout=-1 -bios /bios.bin -kernel '/k, v' -initrd /i "
           "-append 'console=ttyS0 a,b' -option-rom "
           "romfile=/a,,b.rom,bootindex=3 -option-rom romfile=/c.rom "
           "-uuid 12345678-1234-1234-1234-123456789abc"},
    /* SMBIOS under QEMU's keys; the entry point on -machine. */
    {"{\"accel\": {\"type\": \"tcg\"}, \"smbios\": {\"entry-point-type\": "
     "\"64\", \"type0\": {\"vendor\": \"V\", \"uefi\": true}, \"type1\": "
     "{\"serial\": \"a,b\"}, \"type4\": {\"sock-pfx\": \"S\", "
     "\"max-speed\": 10}, \"type8\": [{\"internal-reference\": \"J1\"}, "
     "{\"port-type\": 3}], \"type11\": {\"values\": [\"x\", \"y,z\"]}, "
     "\"type17\": {\"loc-pfx\": \"D\"}, \"type41\": [{\"designation\": "
     "\"eth\", \"kind\": \"ethernet\"}]}}",
     FRAME "-machine type=pc-i440fx-7.2,smbios-entry-point-type=64 "
           "-accel tcg -cpu qemu64 "
           "-smp cpus=1,maxcpus=1,sockets=1,dies=1,cores=1,threads=1 "
           "-m size=131072K -smbios type=0,vendor=V,uefi=on "
           "-smbios type=1,serial=a,,b -smbios type=4,sock_pfx=S,"
           "max-speed=10 -smbios type=8,internal_reference=J1 "
           "-smbios type=8,port_type=3 -smbios type=11,value=x,value=y,,z "
           "-smbios type=17,loc_pfx=D "
           "-smbios type=41,designation=eth,kind=ethernet"},
    /* RTC, fw_cfg and ACPI: bytes as blobs after the serial relays. */
    {"{\"accel\": {\"type\": \"tcg\"}, \"rtc\": {\"base\": \"2020-01-01\", "
     "\"clock\": \"vm\", \"driftfix\": \"slew\"}, \"fw-cfg\": [{\"name\": "
     "\"opt/s\", \"string\": \"1,2\"}, {\"name\": \"opt/d\", \"data\": "
     "\"AAE=\"}], \"acpitable\": [{\"sig\": \"TEST\", \"rev\": 2, "
     "\"oem-id\": \"O\", \"data\": [\"x\"], \"blob\": \"AA==\"}], "
     "\"smbios\": {\"files\": [{\"file\": \"t\", \"data\": \"AQ==\"}]}}",
     FRAME "-machine type=pc-i440fx-7.2 -accel tcg -cpu qemu64 "
           "-smp cpus=1,maxcpus=1,sockets=1,dies=1,cores=1,threads=1 "
           "-m size=131072K -smbios file=/dev/fd/6 "
           "-rtc base=2020-01-01,clock=vm,driftfix=slew "
           "-fw_cfg name=opt/s,string=1,,2 -fw_cfg name=opt/d,file=/dev/fd/7 "
           "-acpitable sig=TEST,rev=2,oem_id=O,data=/dev/fd/8 "
           "-serial null -chardev socket,id=qmpd-serial1,fd=5 "
           "-serial chardev:qmpd-serial1"},
};

static MachineProperties *decode(const char *text)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) node = json_from_string(text, &err);
    MachineProperties *cfg;

    g_assert_no_error(err);
    cfg = machine_config_from_json(node, false, &err);
    g_assert_no_error(err);
    return cfg;
}

static void test_golden(void)
{
    static const int serial_fds[] = {-1, 5};

    for (gsize i = 0; i < G_N_ELEMENTS(render_cases); i++) {
        g_autoptr(MachineProperties) cfg = decode(render_cases[i].config);
        g_autoptr(GError) err = NULL;
        bool with_serial = i == G_N_ELEMENTS(render_cases) - 1;
        QemuRenderParams params = {
            .control_fd = 3,
            .serial_fds = serial_fds,
            .serial_count = with_serial ? 2 : 0,
            .first_blob_fd = 6,
        };
        g_autoptr(QemuCmdline) cl = qemu_cmdline_render(cfg, &params, &err);
        g_autofree char *text = NULL;

        g_assert_no_error(err);
        text = qemu_cmdline_to_string(cl);
        if (g_strcmp0(text, render_cases[i].expect) != 0) {
            g_error("case %zu:\n  got  %s\n  want %s", i, text,
                    render_cases[i].expect);
        }
    }
}

static void test_blobs(void)
{
    g_autoptr(MachineProperties) cfg =
        decode(render_cases[G_N_ELEMENTS(render_cases) - 1].config);
    QemuRenderParams params = {.control_fd = 3, .first_blob_fd = 10};
    g_autoptr(GError) err = NULL;
    g_autoptr(QemuCmdline) cl = qemu_cmdline_render(cfg, &params, &err);
    static const struct {
        int fd;
        const char *what;
        const char *bytes;
        gsize len;
    } want[] = {
        {10, "smbios.files[0]", "\x01", 1},
        {11, "fw-cfg[1]", "\x00\x01", 2},
        {12, "acpitable[0]", "\x00", 1},
    };

    g_assert_no_error(err);
    g_assert_cmpuint(cl->blobs->len, ==, G_N_ELEMENTS(want));
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++) {
        const QemuBlob *b = g_ptr_array_index(cl->blobs, i);
        gsize len;
        const void *data = g_bytes_get_data(b->bytes, &len);

        g_assert_cmpint(b->fd, ==, want[i].fd);
        g_assert_cmpstr(b->what, ==, want[i].what);
        g_assert_cmpmem(data, len, want[i].bytes, want[i].len);
    }
}

static void test_refused(void)
{
    static const struct {
        const char *config;
        const char *error;
    } cases[] = {
        {"{\"semihosting-config\": {\"enable\": true}}",
         "semihosting-config: QEMU has no semihosting on x86 machines"},
        {"{\"fw-cfg\": [{\"name\": \"opt/g\", \"gen-id\": \"g0\"}]}",
         "fw-cfg[0]: a data generator cannot be handed to QEMU"},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(MachineProperties) cfg = decode(cases[i].config);
        QemuRenderParams params = {.control_fd = 3, .first_blob_fd = 4};
        g_autoptr(GError) err = NULL;
        g_autoptr(QemuCmdline) cl = qemu_cmdline_render(cfg, &params, &err);

        g_assert_null(cl);
        g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, cases[i].error);
    }
}

static void test_run_control(void)
{
    g_autoptr(MachineProperties) cfg = decode("{}");
    QemuRenderParams params = {
        .control_fd = 3,
        .first_blob_fd = 4,
        .no_reboot = true,
        .no_shutdown = true,
        .name = "vm,1",
    };
    g_autoptr(QemuCmdline) cl = qemu_cmdline_render(cfg, &params, NULL);
    g_autofree char *text = qemu_cmdline_to_string(cl);

    g_assert_nonnull(
        strstr(text, "-name guest=vm,,1 -no-reboot -no-shutdown -machine"));
}

/*
 * What libvirt's domain gives: machine members, the RAM's backend
 * object, ports as -device with their ids, host-local options last.
 */
static void test_libvirt_domain(void)
{
    g_autoptr(MachineProperties) cfg =
        decode("{\"accel\": {\"type\": \"tcg\"}, \"memory\": {\"size\": "
               "268435456}, \"usb\": false, \"dump-guest-core\": false, "
               "\"memory-backend\": \"pc.ram\"}");
    static const int serial_fds[] = {5, QEMU_SERIAL_ABSENT,
                                     QEMU_SERIAL_UNCONNECTED};
    static const char *const serial_ids[] = {"serial0", NULL, NULL};
    static const char *const host_args[] = {"-overcommit", "mem-lock=off",
                                            "-msg", "timestamp=on", NULL};
    MemoryBackendInfo mb = {.kind = MEMORY_BACKEND_KIND_RAM,
                            .size = 268435456,
                            .merge = true,
                            .dump = false,
                            .reserve = true};
    QemuRenderParams params = {
        .control_fd = 3,
        .serial_fds = serial_fds,
        .serial_count = 3,
        .serial_ids = serial_ids,
        .first_blob_fd = 6,
        .memory_backend_id = "pc.ram",
        .memory_backend = &mb,
        .host_args = host_args,
    };
    g_autoptr(GError) err = NULL;
    g_autoptr(QemuCmdline) cl = qemu_cmdline_render(cfg, &params, &err);
    g_autofree char *text = NULL;

    g_assert_no_error(err);
    text = qemu_cmdline_to_string(cl);
    g_assert_cmpstr(
        text, ==,
        FRAME "-machine type=pc-i440fx-7.2,usb=off,dump-guest-core=off,"
              "memory-backend=pc.ram -accel tcg -cpu qemu64 "
              "-smp cpus=1,maxcpus=1,sockets=1,dies=1,cores=1,threads=1 "
              "-m size=262144K -object '{\"qom-type\":\"memory-backend-ram\","
              "\"id\":\"pc.ram\",\"size\":268435456,\"dump\":false}' "
              "-chardev socket,id=qmpd-serial0,fd=5 "
              "-device isa-serial,chardev=qmpd-serial0,id=serial0,index=0 "
              "-device isa-serial,index=2 "
              "-overcommit mem-lock=off -msg timestamp=on");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/accel/qemu-cmdline/golden", test_golden);
    g_test_add_func("/accel/qemu-cmdline/blobs", test_blobs);
    g_test_add_func("/accel/qemu-cmdline/refused", test_refused);
    g_test_add_func("/accel/qemu-cmdline/libvirt-domain", test_libvirt_domain);
    g_test_add_func("/accel/qemu-cmdline/run-control", test_run_control);
    return g_test_run();
}
