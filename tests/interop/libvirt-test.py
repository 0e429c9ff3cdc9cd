#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""libvirt drives qmpd as its QEMU.

A private libvirt daemon (libvirtd in session mode, a child of this test,
with its own configuration, socket and run/state/cache/log folders in a
temporary folder) is given a wrapper named qemu-system-x86_64 that runs
qmpd.  Then, each step asserting:

  1. virsh domcapabilities --emulatorbin WRAPPER --arch x86_64
     --virttype qemu: succeeds and lists the pc machine, CPU modes and
     devices;
  2. virsh define + virsh start of a small TCG domain with a direct
     kernel boot (the guest of tests/guest/); its report appears on the
     serial port (a file);
  3. virsh qemu-monitor-command DOM '{"execute":"query-machine-config"}'
     reaches qmpd (query-status against real QEMU).

Run as root, the daemon, virsh and the emulator run as an unprivileged
user (QMPD_LIBVIRT_USER, else qmpd-libvirt, else nobody), so the
daemon is a session daemon (qemu:///session) whose folders all follow
HOME and the XDG_* variables pointing into the temporary folder; nothing
of a system libvirtd (/etc/libvirt, /var/lib/libvirt, /run/libvirt) is
read or written.  Run as another user, the daemon runs as that user.

Usage:
  libvirt-test.py [--qmpd PATH] [--real-qemu [PATH]] [--keep]
                  [--trace FILE]
  libvirt-test.py --summarize FILE   (a condensed QMP trace of FILE)
  QMPD_BINARY           qmpd to test (default build/system/qmpd)
  QMPD_LIBVIRT_QEMU     set to a QEMU binary: the wrapper runs that QEMU
                        instead of qmpd (the reference run; step 3 then
                        asks query-status)
  QMPD_GUEST_KERNEL, QMPD_GUEST_INITRD, QMPD_GUEST_STATUS
                        the guest (set by meson; see tests/guest/)
  QMPD_LIBVIRT_KEEP=1   keep the temporary folder (logs) and print it
  QMPD_LIBVIRT_TRACE=F  copy libvirt's debug log (monitor, capabilities,
                        process) to F, and the emulator's command lines
                        to F.argv

Skips (exit 77, saying why) only when libvirt (libvirtd, virsh, the
QEMU driver) is not installed.  The guest is needed too: when it was
not built, the test fails saying so (scripts/install-deps.sh provides
it).
"""

import argparse
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
LIBVIRTD = "/usr/sbin/libvirtd"
VIRSH = "/usr/bin/virsh"
QEMU_DRIVER = "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so"
DOMAIN = "qmpd-libvirt"
# What the guest prints (tests/guest/README.md).
GUEST_APPEND = "console=ttyS0 panic=-1 qmpd.hold=1"
BOOT_TIMEOUT_S = 120
VIRSH_TIMEOUT_S = 120
LOG_FILTERS = ("1:qemu.qemu_monitor 1:qemu.qemu_monitor_json "
               "1:qemu.qemu_capabilities 1:qemu.qemu_process "
               "1:qemu.qemu_command 1:qemu.qemu_domain 3:*")

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))

_results = []


def log(msg):
    print(msg, flush=True)


def skip(reason):
    log(f"SKIP: {reason}")
    sys.exit(SKIP)


class StepFailed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise StepFailed(what)


def find_libvirt():
    missing = [p for p in (LIBVIRTD, VIRSH) if not os.access(p, os.X_OK)]
    if not os.path.exists(QEMU_DRIVER):
        # Other layouts: any connection-driver/libvirt_driver_qemu.so.
        import glob
        found = glob.glob("/usr/lib*/**/connection-driver/libvirt_driver_qemu.so",
                          recursive=True)
        if not found:
            missing.append("libvirt's QEMU driver (libvirt-daemon-driver-qemu)")
    if missing:
        skip("libvirt is not installed (missing: " + ", ".join(missing) +
             "); scripts/install-deps.sh installs libvirt-daemon, "
             "libvirt-clients and libvirt-daemon-driver-qemu")


def pick_user():
    """The account the daemon runs as: None means the current one."""
    if os.geteuid() != 0:
        return None
    names = [os.environ.get("QMPD_LIBVIRT_USER"), "qmpd-libvirt", "nobody"]
    for name in names:
        if not name:
            continue
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise StepFailed("running as root but no unprivileged account to run "
                     "libvirtd as (tried qmpd-libvirt, nobody); "
                     "scripts/install-deps.sh creates qmpd-libvirt")


class Harness:
    def __init__(self, args):
        self.args = args
        self.user = pick_user()
        # Unix socket paths are short (108 bytes) and the unprivileged
        # user must reach the folder: a long or private TMPDIR is not used.
        base = tempfile.gettempdir()
        if len(base) > 40 or (self.user and not os.access(base, os.X_OK)):
            base = "/tmp"
        self.tmp = tempfile.mkdtemp(prefix="qmpd-libvirt-", dir=base)
        os.chmod(self.tmp, 0o755)
        self.home = os.path.join(self.tmp, "home")
        self.config = os.path.join(self.tmp, "config")
        self.runtime = os.path.join(self.tmp, "run")
        self.cache = os.path.join(self.tmp, "cache")
        self.data = os.path.join(self.tmp, "data")
        self.bindir = os.path.join(self.tmp, "bin")
        self.guestdir = os.path.join(self.tmp, "guest")
        self.sockdir = os.path.join(self.runtime, "libvirt")
        self.sock = os.path.join(self.sockdir, "libvirt-sock")
        self.debug_log = os.path.join(self.tmp, "libvirtd-debug.log")
        self.daemon_out = os.path.join(self.tmp, "libvirtd.out")
        self.serial_log = os.path.join(self.guestdir, "serial.log")
        self.argv_log = os.path.join(self.tmp, "emulator-argv.log")
        for d in (self.home, self.config, self.runtime, self.cache,
                  self.data, self.bindir, self.guestdir, self.sockdir,
                  os.path.join(self.config, "libvirt")):
            os.makedirs(d, exist_ok=True)
        os.chmod(self.runtime, 0o700)
        self.wrapper = os.path.join(self.bindir, "qemu-system-x86_64")
        self.daemon = None
        self.uri = f"qemu:///session?socket={self.sock}"

    # ---- set-up ----

    def write(self, path, text, mode=0o644):
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)

    def write_wrapper(self):
        """qemu-system-x86_64 in bin/: runs qmpd (or the reference QEMU).

        qmpd itself looks for qemu-system-x86_64 on PATH for the
        hand-off, so the wrapper takes its own folder off PATH first."""
        target = self.args.real_qemu or self.args.qmpd
        argv_log = self.argv_log
        # libvirt gives the emulator a fresh environment: qmpd's switch to
        # log the QEMU command line it renders (into the domain's log).
        extra = "" if self.args.real_qemu else \
            "QMPD_LOG_QEMU_CMDLINE=1\nexport QMPD_LOG_QEMU_CMDLINE\n"
        self.write(self.wrapper, f"""#!/bin/sh
# Generated by tests/interop/libvirt-test.py: libvirt's emulator.
printf '%s\\n' "--- $$" >>'{argv_log}'
for a in "$@"; do printf '%s\\n' "$a" >>'{argv_log}'; done
PATH=$(printf '%s' "$PATH" | tr ':' '\\n' | grep -vxF '{self.bindir}' |
       paste -sd: -)
export PATH
{extra}exec '{target}' "$@"
""", 0o755)

    def write_config(self):
        lv = os.path.join(self.config, "libvirt")
        self.write(os.path.join(self.tmp, "libvirtd.conf"), f"""\
# Private session daemon of tests/interop/libvirt-test.py
unix_sock_dir = "{self.sockdir}"
log_filters = "{LOG_FILTERS}"
log_outputs = "1:file:{self.debug_log}"
""")
        # The QEMU driver of a session daemon reads
        # $XDG_CONFIG_HOME/libvirt/qemu.conf.  stdio_handler "file": the
        # emulator's output goes to a file, with no virtlogd spawned.
        self.write(os.path.join(lv, "qemu.conf"), """\
stdio_handler = "file"
""")
        # A client config too, so virsh never reads the user's.
        self.write(os.path.join(lv, "libvirt.conf"), "")

    def copy_guest(self):
        kernel = self.args.kernel
        initrd = self.args.initrd
        status = os.environ.get("QMPD_GUEST_STATUS")
        for p in (kernel, initrd):
            if not p or not os.path.exists(p):
                why = ""
                if status and os.path.exists(status):
                    with open(status) as f:
                        why = ": " + f.read().strip()
                raise StepFailed(f"the test guest is missing ({p}){why}; "
                                 "run scripts/install-deps.sh and ninja")
        self.kernel = os.path.join(self.guestdir, "vmlinuz")
        self.initrd = os.path.join(self.guestdir, "initramfs.cpio.gz")
        shutil.copyfile(kernel, self.kernel)
        shutil.copyfile(initrd, self.initrd)

    def chown_all(self):
        if not self.user:
            return
        uid, gid = self.user.pw_uid, self.user.pw_gid
        for root, dirs, files in os.walk(self.tmp):
            os.chown(root, uid, gid)
            for n in files:
                os.chown(os.path.join(root, n), uid, gid)

    def env(self):
        path = self.bindir + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:" \
            "/usr/bin:/sbin:/bin"
        e = {
            "PATH": path,
            "HOME": self.home,
            "XDG_CONFIG_HOME": self.config,
            "XDG_RUNTIME_DIR": self.runtime,
            "XDG_CACHE_HOME": self.cache,
            "XDG_DATA_HOME": self.data,
            "XDG_STATE_HOME": os.path.join(self.data, "state"),
            "LIBVIRT_AUTOSTART": "0",
            "LIBVIRT_DEFAULT_URI": self.uri,
            "LANG": "C",
            "LC_ALL": "C",
            "TMPDIR": self.tmp,
        }
        if self.user:
            e["USER"] = e["LOGNAME"] = self.user.pw_name
        for k in ("QMPD_LOG_QEMU_CMDLINE",):
            if k in os.environ:
                e[k] = os.environ[k]
        return e

    def popen_kw(self):
        kw = {"env": self.env(), "cwd": self.home}
        if self.user:
            kw.update(user=self.user.pw_uid, group=self.user.pw_gid,
                      extra_groups=[])
        return kw

    def start_daemon(self):
        out = open(self.daemon_out, "w")
        self.daemon = subprocess.Popen(
            [LIBVIRTD, "--config", os.path.join(self.tmp, "libvirtd.conf"),
             "--pid-file", os.path.join(self.runtime, "libvirtd.pid")],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, **self.popen_kw())
        out.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.daemon.poll() is not None:
                raise StepFailed("libvirtd exited with status "
                                 f"{self.daemon.returncode}: "
                                 + self.tail(self.daemon_out))
            if os.path.exists(self.sock):
                s = socket.socket(socket.AF_UNIX)
                try:
                    s.connect(self.sock)
                    return
                except OSError:
                    pass
                finally:
                    s.close()
            time.sleep(0.1)
        raise StepFailed("libvirtd did not listen on " + self.sock)

    def stop_daemon(self):
        if not self.daemon or self.daemon.poll() is not None:
            return
        self.daemon.send_signal(signal.SIGTERM)
        try:
            self.daemon.wait(20)
        except subprocess.TimeoutExpired:
            self.daemon.kill()
            self.daemon.wait()

    def kill_leftovers(self):
        """Ends what is left of this run: only processes whose command
        line names the private folder (the daemon's children, and the
        emulators it daemonized), so nothing else is touched."""
        me = os.getpid()
        for _ in range(2):
            found = False
            for pid in os.listdir("/proc"):
                if not pid.isdigit() or int(pid) == me:
                    continue
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        cmdline = f.read()
                except OSError:
                    continue
                if self.tmp.encode() in cmdline:
                    found = True
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except OSError:
                        pass
            if not found:
                return
            time.sleep(0.2)

    def tail(self, path, n=40):
        try:
            with open(path, errors="replace") as f:
                lines = f.readlines()
        except OSError:
            return f"({path} unreadable)"
        return "".join(lines[-n:])

    def virsh(self, *argv, timeout=VIRSH_TIMEOUT_S):
        cmd = [VIRSH, "-q", "-c", self.uri] + list(argv)
        log("# virsh " + " ".join(argv))
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout,
                           **self.popen_kw())
        return p

    # ---- the steps ----

    def step_domcapabilities(self):
        p = self.virsh("domcapabilities", "--emulatorbin", self.wrapper,
                       "--arch", "x86_64", "--virttype", "qemu")
        check(p.returncode == 0,
              f"virsh domcapabilities failed ({p.returncode}): "
              f"{p.stderr.strip()}")
        xml = p.stdout
        with open(os.path.join(self.tmp, "domcapabilities.xml"), "w") as f:
            f.write(xml)
        check(f"<path>{self.wrapper}</path>" in xml,
              "domcapabilities does not name the wrapper as emulator")
        m = re.search(r"<machine>([^<]*)</machine>", xml)
        check(m and re.match(r"pc(-i440fx-[0-9.]+)?$", m.group(1)),
              "domcapabilities: the machine is not pc: "
              + (m.group(1) if m else "(none)"))
        check("<domain>qemu</domain>" in xml,
              "domcapabilities: virt type is not qemu")
        check(re.search(r"<mode name='custom' supported='yes'", xml),
              "domcapabilities: CPU mode custom not supported")
        check(re.search(r"<model[^>]*>qemu64</model>", xml),
              "domcapabilities: CPU model qemu64 not listed")
        check(re.search(r"<mode name='maximum' supported='yes'", xml),
              "domcapabilities: CPU mode maximum not supported")
        check(re.search(r"<disk supported='yes'>", xml),
              "domcapabilities: no disk devices")
        check(re.search(r"<serial supported='yes'>", xml)
              or re.search(r"<devices>", xml),
              "domcapabilities: no devices")
        log(f"# machine {m.group(1)}")

    def domain_xml(self):
        return f"""<domain type='qemu'>
  <name>{DOMAIN}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{self.kernel}</kernel>
    <initrd>{self.initrd}</initrd>
    <cmdline>{GUEST_APPEND}</cmdline>
  </os>
  <features><acpi/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>{self.wrapper}</emulator>
    <controller type='usb' model='none'/>
    <serial type='file'>
      <source path='{self.serial_log}'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
"""

    def step_start(self):
        xml_path = os.path.join(self.tmp, "domain.xml")
        self.write(xml_path, self.domain_xml())
        # Only this file: touching the wrapper would change its ctime,
        # and libvirt would probe it again.
        if self.user:
            os.chown(xml_path, self.user.pw_uid, self.user.pw_gid)
        p = self.virsh("define", xml_path)
        check(p.returncode == 0, f"virsh define failed: {p.stderr.strip()}")
        p = self.virsh("start", DOMAIN)
        check(p.returncode == 0, f"virsh start failed: {p.stderr.strip()}")
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        text = ""
        while time.monotonic() < deadline:
            try:
                with open(self.serial_log, errors="replace") as f:
                    text = f.read()
            except OSError:
                text = ""
            if "QMPD-GUEST done" in text:
                break
            time.sleep(0.2)
        check("QMPD-GUEST begin" in text,
              "no guest output on the serial port within "
              f"{BOOT_TIMEOUT_S} s; serial: {text[-500:]!r}")
        check("QMPD-GUEST done" in text, "the guest report did not end")
        check(re.search(r"QMPD-GUEST cpus=1\r?\n", text),
              "the guest does not see 1 CPU")
        mem = re.search(r"QMPD-GUEST memtotal\.kb=(\d+)", text)
        check(mem and 150000 < int(mem.group(1)) <= 262144,
              "the guest's memory is not about 256 MiB")
        p = self.virsh("domstate", DOMAIN)
        check(p.returncode == 0 and "running" in p.stdout,
              f"domain not running: {p.stdout.strip()} {p.stderr.strip()}")

    def step_monitor(self):
        cmd = "query-status" if self.args.real_qemu else "query-machine-config"
        p = self.virsh("qemu-monitor-command", DOMAIN,
                       '{"execute":"%s"}' % cmd)
        check(p.returncode == 0,
              f"qemu-monitor-command {cmd} failed: {p.stderr.strip()}")
        check('"return"' in p.stdout, f"{cmd}: no return: {p.stdout!r}")
        if self.args.real_qemu:
            check('"running"' in p.stdout, f"query-status: {p.stdout}")
        else:
            check('"accel"' in p.stdout and '"tcg"' in p.stdout,
                  f"query-machine-config: {p.stdout}")

    def teardown_domain(self):
        self.virsh("destroy", DOMAIN)
        self.virsh("undefine", DOMAIN)


_SEND = re.compile(r"QEMU_MONITOR_SEND_MSG: mon=(\S+) msg=(.*?)(?: fd=-?\d+)?$")
_RECV = re.compile(r"QEMU_MONITOR_RECV_REPLY: mon=(\S+) reply=(.*)$")
_EVENT = re.compile(r"QEMU_MONITOR_RECV_EVENT: mon=(\S+) event=(.*)$")


def summarize(path, out=sys.stdout, width=160):
    """Condenses libvirt's debug log to one line per QMP message:
    [monitor] >> command arguments, << reply (errors by class), ! event.
    Monitors are numbered in order of first use (each probe and each
    domain start opens one)."""
    import json
    mons = {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = _SEND.search(line)
            if m:
                n = mons.setdefault(m.group(1), len(mons) + 1)
                try:
                    j = json.loads(m.group(2))
                    args = j.get("arguments")
                    a = "" if args is None else " " + json.dumps(
                        args, separators=(",", ":"))
                    out.write(f"[{n}] >> {j.get('execute')}{a}"[:width] + "\n")
                except ValueError:
                    out.write(f"[{n}] >> {m.group(2)}"[:width] + "\n")
                continue
            m = _RECV.search(line)
            if m:
                n = mons.get(m.group(1), "?")
                try:
                    j = json.loads(m.group(2))
                except ValueError:
                    out.write(f"[{n}] << (unparsed) {m.group(2)}"[:width] + "\n")
                    continue
                if "error" in j:
                    e = j["error"]
                    out.write(f"[{n}] << error {e.get('class')}: "
                              f"{e.get('desc')}"[:width] + "\n")
                else:
                    out.write(f"[{n}] << " + json.dumps(j.get("return"))
                              [:width - 8] + "\n")
                continue
            m = _EVENT.search(line)
            if m:
                n = mons.get(m.group(1), "?")
                out.write(f"[{n}] ! {m.group(2)}"[:width] + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qmpd", default=os.environ.get(
        "QMPD_BINARY", os.path.join(SRC, "build", "system", "qmpd")))
    ap.add_argument("--real-qemu", nargs="?", const="/usr/bin/qemu-system-x86_64",
                    default=os.environ.get("QMPD_LIBVIRT_QEMU") or None,
                    help="reference run: the wrapper execs this QEMU")
    ap.add_argument("--kernel", default=os.environ.get("QMPD_GUEST_KERNEL"))
    ap.add_argument("--initrd", default=os.environ.get("QMPD_GUEST_INITRD"))
    ap.add_argument("--keep", action="store_true",
                    default=os.environ.get("QMPD_LIBVIRT_KEEP") == "1")
    ap.add_argument("--trace", default=os.environ.get("QMPD_LIBVIRT_TRACE"),
                    help="copy libvirt's debug log here")
    ap.add_argument("--summarize", metavar="LOG",
                    help="only print a condensed QMP trace of a debug log "
                    "written with --trace, then exit")
    args = ap.parse_args()
    if args.summarize:
        summarize(args.summarize)
        return 0
    if not args.kernel:
        args.kernel = os.path.join(SRC, "build", "tests", "guest", "vmlinuz")
    if not args.initrd:
        args.initrd = os.path.join(SRC, "build", "tests", "guest",
                                   "initramfs.cpio.gz")

    find_libvirt()
    target = args.real_qemu or args.qmpd
    if not os.access(target, os.X_OK):
        log(f"FAIL: emulator {target} is not executable")
        return 1
    log(f"# emulator behind the wrapper: {target}")

    h = Harness(args)
    log(f"# temporary folder {h.tmp}")
    rc = 0
    steps = [("domcapabilities", h.step_domcapabilities),
             ("define and start a TCG domain", h.step_start),
             ("qemu-monitor-command", h.step_monitor)]
    try:
        h.write_wrapper()
        h.write_config()
        h.copy_guest()
        h.chown_all()
        h.start_daemon()
        log(f"# libvirtd {h.daemon.pid} on {h.sock}")
        for n, (name, fn) in enumerate(steps, 1):
            try:
                fn()
                log(f"ok {n} - {name}")
            except StepFailed as e:
                log(f"not ok {n} - {name}: {e}")
                rc = 1
                break
    except StepFailed as e:
        log(f"FAIL: {e}")
        rc = 1
    finally:
        try:
            if h.daemon and h.daemon.poll() is None:
                h.teardown_domain()
        except Exception as e:  # teardown must not hide the result
            log(f"# teardown: {e}")
        h.stop_daemon()
        h.kill_leftovers()
        if rc:
            log("# libvirtd output:\n" + h.tail(h.daemon_out))
            qlog = os.path.join(h.cache, "libvirt", "qemu", "log",
                                DOMAIN + ".log")
            if os.path.exists(qlog):
                log("# emulator log:\n" + h.tail(qlog))
        if args.trace and os.path.exists(h.debug_log):
            shutil.copyfile(h.debug_log, args.trace)
            if os.path.exists(h.argv_log):
                shutil.copyfile(h.argv_log, args.trace + ".argv")
        if args.keep:
            log(f"# kept {h.tmp}")
        else:
            shutil.rmtree(h.tmp, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
