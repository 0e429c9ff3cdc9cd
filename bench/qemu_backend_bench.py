#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Side-by-side benchmark of qmpd's QEMU backend against QEMU run directly.

qmpd with '-accel tcg' starts qemu-system-x86_64 when its configuration
phase ends and stays in front of it: QMP goes through qmpd, and the serial
port is relayed from QEMU through qmpd.  This script boots the same Linux
guest both ways and compares what a management stack sees:

  qmpd    qmpd -nodefaults -accel tcg -m MEM -kernel K -initrd I
               -append A -chardev socket,id=s0,path=SERIAL
               -serial chardev:s0 -qmp unix:QMP,server=on,wait=off
               -no-reboot
  qemu    qemu-system-x86_64 -nodefaults -no-user-config -display none
               -machine pc-i440fx-7.2 -accel tcg -cpu qemu64 -smp 1
               -m MEM (the rest as above)

The direct command line is what qmpd itself hands QEMU, less the
descriptors qmpd passes (its private QMP channel and the serial relay):
the record keeps the line qmpd logged (QMPD_LOG_QEMU_CMDLINE=1) so the
two can be compared.  Both connect their serial chardev, as a client, to
a unix socket this script listens on, so no byte is lost and none waits
for a poll.

Measured each round (the order of the starts flips every round;
--rounds rounds, after one unrecorded warm-up boot of each binary):

  boot      one boot with no QMP client: from exec to the first complete
            serial line (the kernel's first console line), to the first
            'QMPD-GUEST' line (the guest's init), to 'QMPD-GUEST done' and
            to the process's exit (the guest powers off)
  rss       while that guest runs, VmRSS of the qmpd process (not its QEMU
            child) sampled every --sample-ms: the largest sample (with its
            RssAnon and RssFile) and qmpd's VmHWM; the QEMU processes'
            largest VmRSS for context
  rt/s      a second start with '-S' (the guest stays paused, so no vCPU
            competes for the host's CPUs): query-status round trips per
            second on one QMP client, each request waiting for its reply
            (--round-trips of them after 200 unrecorded ones)
  ready     in that start, exec to the first query-status answer: the
            start-up without guest code, where qmpd adds its own work
            (its start, the command line, QEMU's start, the handshake);
            the difference, as a share of QEMU's boot, is a far less
            noisy reading of the boot target than two boots compared

and, to tell where qmpd's cost comes from:

  handshake a boot of QEMU started directly with '-S' and a second
            monitor on which the script sends what qmpd sends its QEMU
            before the guest runs (qmp_capabilities, query-version, cont),
            replies read but not parsed; its boot times less the plain QEMU's are what that
            exchange costs QEMU, qmpd's less these what qmpd adds itself
  socat     query-status round trips through socat, a byte-forwarding
            proxy, in front of QEMU (when socat is installed): what one
            more hop costs on this machine
  preconfig qmpd's VmRSS, RssAnon and RssFile in its configuration phase
            ('--preconfig', same options, no QEMU yet), once per run

The guest: a kernel and an initramfs whose init writes 'QMPD-GUEST
key=value' lines and 'QMPD-GUEST done' to ttyS0 and powers off (the one
tests/guest/ builds, by default).  Without that initramfs, and given a
static busybox (--busybox), the script writes such an initramfs itself
into its temporary folder.

--write-results records the run in bench/data/qemu-backend.json; the
build renders that record (--render RECORD --output FILE) into
BUILD/bench/qemu-backend-results.md.  Targets are printed, never
asserted.  Python 3 standard library only.
"""
import argparse
import datetime
import glob
import gzip
import json
import os
import platform
import resource
import select
import shutil
import shlex
import signal
import socket
import stat
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import results

SECTION = '## QEMU backend'
CONNECT_TIMEOUT = 30.0
GUEST_MARK = b'QMPD-GUEST'
DONE_MARK = b'QMPD-GUEST done'
DEFAULT_KERNELS = '/var/cache/qmpd/guest-kernel/boot/vmlinuz-*'
DEFAULT_INITRD = os.path.join('build', 'tests', 'guest',
                              'initramfs.cpio.gz')
# Targets from the issue: qmpd's boot at most 3% slower, round trips at
# least 0.8x the direct rate, qmpd's own RSS at most 8 MiB.
TARGET_BOOT_OVERHEAD = 0.03
TARGET_RTT_RATIO = 0.8
TARGET_RSS_KIB = 8 * 1024

BUSYBOX_INIT = b'''#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
read up idle < /proc/uptime
/bin/busybox echo "QMPD-GUEST init=busybox uptime=$up" > /dev/ttyS0
/bin/busybox echo "QMPD-GUEST done" > /dev/ttyS0
/bin/busybox poweroff -f
'''


# ---- the guest ----

def cpio_newc(entries):
    """An uncompressed 'newc' cpio archive of @entries, each
    (name, mode, data, (rdev major, rdev minor))."""
    out = bytearray()
    trailer = [('TRAILER!!!', 0, b'', (0, 0))]
    for ino, (name, mode, data, rdev) in enumerate(entries + trailer, 1):
        name_z = name.encode() + b'\0'
        fields = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
                  len(name_z), 0)
        out += b'070701' + b''.join(b'%08X' % v for v in fields) + name_z
        out += b'\0' * (-len(out) % 4)
        out += data
        out += b'\0' * (-len(out) % 4)
    return bytes(out)


def busybox_initrd(busybox, path):
    """Writes to @path a gzipped initramfs: @busybox and BUSYBOX_INIT."""
    with open(busybox, 'rb') as f:
        bb = f.read()
    d, r, c = stat.S_IFDIR | 0o755, stat.S_IFREG | 0o755, stat.S_IFCHR | 0o600
    entries = [('dev', d, b'', (0, 0)), ('dev/console', c, b'', (5, 1)),
               ('dev/ttyS0', c, b'', (4, 64)), ('proc', d, b'', (0, 0)),
               ('bin', d, b'', (0, 0)), ('bin/busybox', r, bb, (0, 0)),
               ('init', r, BUSYBOX_INIT, (0, 0))]
    with open(path, 'wb') as f:
        f.write(gzip.compress(cpio_newc(entries)))


def find_guest(args, repo, tmpdir):
    """Returns: (kernel, initrd, a description of the initrd)."""
    kernel = args.kernel
    if not kernel:
        found = sorted(glob.glob(DEFAULT_KERNELS))
        if not found:
            sys.exit('no guest kernel: pass --kernel (or build tests/guest, '
                     'which extracts one to %s)' % DEFAULT_KERNELS)
        kernel = found[-1]
    initrd = args.initrd
    if not initrd and os.path.exists(os.path.join(repo, DEFAULT_INITRD)):
        initrd = os.path.join(repo, DEFAULT_INITRD)
    if initrd:
        return kernel, initrd, initrd
    busybox = args.busybox or shutil.which('busybox') or '/bin/busybox'
    if not os.path.exists(busybox):
        sys.exit('no guest initramfs: pass --initrd, build tests/guest, or '
                 'install busybox-static (or pass --busybox)')
    initrd = os.path.join(tmpdir, 'busybox-initramfs.cpio.gz')
    busybox_initrd(busybox, initrd)
    try:
        version = subprocess.run([busybox], capture_output=True, text=True,
                                 timeout=10).stdout.split('\n', 1)[0]
    except (OSError, subprocess.SubprocessError):
        version = '?'
    return kernel, initrd, 'an initramfs the script wrote with %s (%s)' % (
        busybox,
        version.replace(' multi-call binary.', '').strip() or '?')


# ---- processes ----

def listen(path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    sock.listen(1)
    sock.settimeout(CONNECT_TIMEOUT)
    return sock


def proc_status(pid, keys=('VmRSS', 'VmHWM')):
    """Returns: {key: KiB} from /proc/@pid/status, {} once it is gone."""
    out = {}
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                name, _, rest = line.partition(':')
                if name in keys:
                    out[name] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        return {}
    return out


def child_of(pid):
    """Returns: the pid of @pid's first child, or None."""
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
            kids = f.read().split()
        return int(kids[0]) if kids else None
    except (OSError, ValueError):
        return None


class Run:
    """One started binary (in its own process group) and its serial
    socket, read by a thread that stamps the marker lines."""

    def __init__(self, argv, tmpdir, tag, env=None, serial=True,
                 monitor=False):
        self.tag = tag
        self.serial_path = os.path.join(tmpdir, tag + '-serial.sock')
        self.qmp_path = os.path.join(tmpdir, tag + '-qmp.sock')
        self.mon_path = os.path.join(tmpdir, tag + '-mon.sock')
        for p in (self.serial_path, self.qmp_path, self.mon_path):
            if os.path.exists(p):
                os.unlink(p)
        self.stamps = {}
        self.serial_bytes = 0
        self.guest_lines = []
        self.errors = []
        self.listener = None
        self.threads = []
        if serial:
            self.listener = listen(self.serial_path)
        self.mon_listener = None
        if monitor:
            self.mon_listener = listen(self.mon_path)
        argv = [a.replace('@SERIAL@', self.serial_path)
                 .replace('@QMP@', self.qmp_path)
                 .replace('@MON@', self.mon_path) for a in argv]
        self.argv = argv
        self.stderr = open(os.path.join(tmpdir, tag + '.stderr'), 'w+b')
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=self.stderr, env=env,
                                     start_new_session=True)
        self.exited = threading.Event()
        self._spawn(self._wait)
        if serial:
            self._spawn(self._read_serial)

    def _spawn(self, fn):
        t = threading.Thread(target=fn, daemon=True)
        t.start()
        self.threads.append(t)

    def _stamp(self, key):
        self.stamps.setdefault(key, time.perf_counter() - self.start)

    def _wait(self):
        # A blocking waitpid: Popen.wait(timeout) polls in sleeps of up to
        # 50 ms, too coarse for an exit time.
        self.proc.wait()
        self._stamp('exit')
        self.exited.set()

    def _read_serial(self):
        try:
            conn, _ = self.listener.accept()
        except OSError as e:
            self.errors.append('serial: %s' % e)
            return
        pending = b''
        with conn:
            while True:
                # The peer closes at its exit; the timeout is a safety net.
                ready, _, _ = select.select([conn], [], [], 1.0)
                if not ready:
                    if self.exited.is_set():
                        break
                    continue
                chunk = conn.recv(65536)
                if not chunk:
                    break
                self.serial_bytes += len(chunk)
                pending += chunk
                while b'\n' in pending:
                    line, _, pending = pending.partition(b'\n')
                    if line.strip():
                        self._stamp('first_line')
                    if GUEST_MARK in line:
                        self._stamp('guest_line')
                        self.guest_lines.append(
                            line.decode(errors='replace').strip())
                    if DONE_MARK in line:
                        self._stamp('done')

    def error_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors='replace').strip()

    def wait_exit(self, timeout):
        if not self.exited.wait(timeout):
            raise RuntimeError('%s: still running after %.0f s' %
                               (self.tag, timeout))

    def stop(self):
        """Ends the process group if still there; releases everything."""
        if self.proc.poll() is None:
            try:
                self.proc.terminate()
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        try:
            # The group this script made at the start: the binary and,
            # for qmpd, its QEMU child.
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        for t in self.threads:
            t.join(timeout=5)
        for sock in (self.listener, self.mon_listener):
            if sock is not None:
                sock.close()
        self.stderr.close()
        for p in (self.serial_path, self.qmp_path, self.mon_path):
            if os.path.exists(p):
                os.unlink(p)


RSS_KEYS = ('VmRSS', 'VmHWM', 'RssAnon', 'RssFile')
# What qmpd asks QEMU before it resumes the guest; the 'qemu -S +
# handshake' runs replay it from the script (see handshake()).
HANDSHAKE = ('qmp_capabilities', 'query-version', 'cont')


class Sampler:
    """Samples /proc/PID/status of a process (and VmRSS of its first
    child) every @interval seconds while it runs."""

    def __init__(self, run, interval, child):
        self.run, self.interval, self.child = run, interval, child
        self.samples = []  # (seconds since exec, own status, child VmRSS)
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        pid, kid = self.run.proc.pid, None
        while not self.run.exited.is_set():
            own = proc_status(pid, RSS_KEYS)
            if not own:
                break
            if self.child and kid is None:
                kid = child_of(pid)
            theirs = proc_status(kid).get('VmRSS') if kid else None
            self.samples.append((time.perf_counter() - self.run.start, own,
                                 theirs))
            self.run.exited.wait(self.interval)

    def join(self):
        self.thread.join(timeout=5)


class Qmp:
    """A QMP client on a connected socket: greeting and capabilities."""

    def __init__(self, sock, timeout):
        self.sock = sock
        self.sock.settimeout(timeout)
        self.rfile = self.sock.makefile('rb')
        self.expect(b'"QMP"')

    @classmethod
    def connect(cls, path, run, timeout):
        """Connects to @run's QMP server socket once it is there."""
        deadline = time.monotonic() + timeout
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(path)
                break
            except OSError:
                sock.close()
                if run.proc.poll() is not None:
                    raise RuntimeError('%s exited: %s' % (
                        run.tag, run.error_text()[-2000:]))
                if time.monotonic() > deadline:
                    raise RuntimeError('%s: no QMP socket' % run.tag)
                time.sleep(0.01)
        return cls(sock, timeout)

    def expect(self, marker):
        """Returns: the next line holding @marker, skipping events."""
        while True:
            line = self.rfile.readline()
            if not line:
                raise RuntimeError('QMP connection closed')
            if marker in line:
                return line
            if b'"event"' not in line:
                raise RuntimeError('unexpected QMP line: %r' % line[:200])

    def command(self, name):
        self.sock.sendall(b'{"execute": "%s"}' % name.encode())
        return self.expect(b'"return"')

    def close(self):
        self.rfile.close()
        self.sock.close()


def handshake(run, timeout):
    """Plays qmpd's part for a QEMU started with -S and a client monitor
    on @run's monitor socket: the same requests qmpd sends before it
    resumes the guest (replies read, not parsed).  Returns: the client
    and {step: seconds from exec to its reply}."""
    conn, _ = run.mon_listener.accept()
    qmp = Qmp(conn, timeout)
    steps = {'greeting': time.perf_counter() - run.start}
    for name in HANDSHAKE:
        qmp.command(name)
        steps[name] = time.perf_counter() - run.start
    return qmp, steps


def host_cpu():
    """Returns: seconds the host's CPUs spent busy and stolen so far."""
    with open('/proc/stat') as f:
        v = [int(x) for x in f.readline().split()[1:]]
    hz = os.sysconf('SC_CLK_TCK')
    # user nice system idle iowait irq softirq steal ...
    return (v[0] + v[1] + v[2] + v[5] + v[6]) / hz, v[7] / hz


def children_cpu():
    """Returns: (user s, system s, minor faults) of the reaped children
    and their reaped descendants (qmpd's QEMU included)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime, r.ru_stime, r.ru_minflt


def boot_once(argv, tmpdir, tag, args, env, kind):
    """One boot of the guest; @kind is 'qmpd', 'qemu' or 'handshake'."""
    busy0, steal0 = host_cpu()
    kids0 = children_cpu()
    self0 = time.process_time()
    run = Run(argv, tmpdir, tag, env=env, monitor=kind == 'handshake')
    qmp = None
    try:
        sampler = Sampler(run, args.sample_ms / 1000.0, child=kind == 'qmpd')
        steps = {}
        if kind == 'handshake':
            qmp, steps = handshake(run, CONNECT_TIMEOUT)
        run.wait_exit(args.boot_timeout)
        sampler.join()
        for t in run.threads:
            t.join(timeout=5)
        st = run.stamps
        missing = [k for k in ('first_line', 'guest_line', 'done')
                   if k not in st]
        if missing or run.proc.returncode != 0:
            raise RuntimeError('%s: exit %s, no %s%s; stderr: %s' % (
                tag, run.proc.returncode, ', '.join(missing) or '-',
                ''.join('; ' + e for e in run.errors),
                run.error_text()[-2000:]))
        out = {k: round(v * 1000.0, 2) for k, v in st.items()}
        # Where the CPU time went: the started processes (user, system),
        # this script, and everything else on the machine (other load).
        busy1, steal1 = host_cpu()
        kids1 = children_cpu()
        user, system = kids1[0] - kids0[0], kids1[1] - kids0[1]
        mine = time.process_time() - self0
        out['cpu'] = {
            'user_s': round(user, 3), 'system_s': round(system, 3),
            'minflt': kids1[2] - kids0[2],
            'script_s': round(mine, 3),
            'other_s': round(max(0.0, busy1 - busy0 - user - system - mine),
                             3),
            'steal_s': round(steal1 - steal0, 3)}
        out['serial_bytes'] = run.serial_bytes
        out['guest_lines'] = run.guest_lines
        if steps:
            out['handshake'] = {k: round(v * 1000.0, 2)
                                for k, v in steps.items()}
        # "While the guest runs": from its first serial line to 'done'.
        during = [s for s in sampler.samples
                  if st['first_line'] <= s[0] <= st['done']]
        out['samples'] = len(during)
        qemu = [s[2] if kind == 'qmpd' else s[1].get('VmRSS')
                for s in during]
        qemu = [v for v in qemu if v]
        out['qemu_rss_max_kib'] = max(qemu) if qemu else None
        if kind == 'qmpd':
            own = [s[1] for s in during if s[1].get('VmRSS')]
            top = max(own, key=lambda x: x['VmRSS']) if own else {}
            out['qmpd_rss_max_kib'] = top.get('VmRSS')
            out['qmpd_rss_anon_kib'] = top.get('RssAnon')
            out['qmpd_rss_file_kib'] = top.get('RssFile')
            out['qmpd_hwm_kib'] = (sampler.samples[-1][1].get('VmHWM')
                                   if sampler.samples else None)
            for line in run.error_text().splitlines():
                if line.startswith('qmpd: starting '):
                    out['qemu_cmdline'] = line[len('qmpd: starting '):] \
                        .replace(tmpdir, '$TMP')
        return out
    finally:
        if qmp is not None:
            qmp.close()
        run.stop()


def quit_and_wait(qmp, run):
    qmp.sock.sendall(b'{"execute": "quit"}')
    try:
        qmp.expect(b'"return"')
    except (OSError, RuntimeError):
        pass
    run.wait_exit(CONNECT_TIMEOUT)


def round_trips_once(argv, tmpdir, tag, args, socat=None):
    """query-status round trips per second on one client of a start of
    @argv with -S; through a socat byte proxy when @socat is its path."""
    run = Run(argv + ['-S'], tmpdir, tag)
    proxy, qmp = None, None
    proxy_path = os.path.join(tmpdir, tag + '-proxy.sock')
    try:
        path = run.qmp_path
        if socat:
            # The QEMU socket first, so socat connects on the first try.
            Qmp.connect(run.qmp_path, run, CONNECT_TIMEOUT).close()
            proxy = subprocess.Popen(
                [socat, 'UNIX-LISTEN:' + proxy_path,
                 'UNIX-CONNECT:' + run.qmp_path],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True)
            path = proxy_path
        qmp = Qmp.connect(path, run, CONNECT_TIMEOUT)
        qmp.command('qmp_capabilities')
        qmp.command('query-status')
        # The machine is up and answers (for qmpd: QEMU started and
        # negotiated): the start-up part of a boot, without guest code.
        ready_ms = (time.perf_counter() - run.start) * 1000.0
        for _ in range(200):
            reply = qmp.command('query-status')
        status = json.loads(reply)['return'].get('status')
        req = b'{"execute": "query-status"}'
        start = time.perf_counter()
        for _ in range(args.round_trips):
            qmp.sock.sendall(req)
            qmp.expect(b'"return"')
        rate = args.round_trips / (time.perf_counter() - start)
        quit_and_wait(qmp, run)
        return {'rate': rate, 'status': status, 'ready_ms': ready_ms}
    finally:
        if qmp is not None:
            qmp.close()
        if proxy is not None:
            proxy.terminate()
            try:
                proxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proxy.kill()
                proxy.wait()
        if os.path.exists(proxy_path):
            os.unlink(proxy_path)
        run.stop()


def preconfig_rss(argv, tmpdir):
    """qmpd's memory in its configuration phase (--preconfig, the same
    options, no QEMU yet), the baseline for what the hand-off adds."""
    run = Run(argv + ['--preconfig'], tmpdir, 'preconfig')
    qmp = None
    try:
        qmp = Qmp.connect(run.qmp_path, run, CONNECT_TIMEOUT)
        qmp.command('qmp_capabilities')
        qmp.command('query-status')
        time.sleep(0.2)
        status = proc_status(run.proc.pid, RSS_KEYS)
        if child_of(run.proc.pid) is not None:
            raise RuntimeError('qmpd --preconfig started a child')
        quit_and_wait(qmp, run)
        return status
    finally:
        if qmp is not None:
            qmp.close()
        run.stop()


# ---- the run ----

def version_of(binary):
    try:
        out = subprocess.run([binary, '-version'], capture_output=True,
                             text=True, timeout=30).stdout
        return out.splitlines()[0].strip() if out else '?'
    except (OSError, subprocess.SubprocessError):
        return '?'


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or '?'


def command_lines(args, qmpd, reference, kernel, initrd):
    common = ['-m', args.memory, '-kernel', kernel, '-initrd', initrd,
              '-append', args.append,
              '-chardev', 'socket,id=s0,path=@SERIAL@',
              '-serial', 'chardev:s0',
              '-qmp', 'unix:@QMP@,server=on,wait=off', '-no-reboot']
    mine = [qmpd, '-nodefaults', '-accel', 'tcg'] + common
    ref = [reference, '-nodefaults', '-no-user-config', '-display', 'none',
           '-machine', 'pc-i440fx-7.2', '-accel', 'tcg', '-cpu', 'qemu64',
           '-smp', '1'] + common
    return mine, ref


HANDSHAKE_ARGS = ['-S', '-chardev', 'socket,id=hs0,path=@MON@',
                  '-mon', 'chardev=hs0,mode=control']


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def shown(argv):
    """@argv for a POSIX shell, the script's sockets under $TMP."""
    return ' '.join(shlex.quote(a).replace('@SERIAL@', '$TMP/serial.sock')
                    .replace('@QMP@', '$TMP/qmp.sock')
                    .replace('@MON@', '$TMP/mon.sock') for a in argv)


def measure(args, repo, tmpdir):
    kernel, initrd, initrd_what = find_guest(args, repo, tmpdir)
    mine, ref = command_lines(args, args.qmpd, args.reference, kernel, initrd)
    env = dict(os.environ, QMPD_LOG_QEMU_CMDLINE='1')
    boots = [('qmpd', mine, env, 'qmpd'), ('qemu', ref, None, 'qemu')]
    if not args.no_handshake:
        boots.append(('qemu-handshake', ref + HANDSHAKE_ARGS, None,
                      'handshake'))
    rtts = [('qmpd', mine, None), ('qemu', ref, None)]
    socat = None if args.no_socat else shutil.which('socat')
    if socat:
        rtts.append(('socat', ref, socat))
    res = {tag: {'boot': [], 'rtt': []}
           for tag in [b[0] for b in boots] + [r[0] for r in rtts]}
    load = os.getloadavg()
    baseline = preconfig_rss(mine, tmpdir)
    log('qmpd --preconfig: %s' % baseline)
    if not args.no_warmup:
        for tag, argv, e, kind in boots[:2]:
            boot_once(argv, tmpdir, 'warm-' + tag, args, e, kind)
            log('warm-up %s done' % tag)
    for rnd in range(args.rounds):
        flip = rnd % 2 == 1
        for tag, argv, e, kind in (boots[::-1] if flip else boots):
            b = boot_once(argv, tmpdir, 'r%d-%s' % (rnd, tag), args, e, kind)
            res[tag]['boot'].append(b)
            log('round %d %-14s boot: first line %5.0f ms, guest line '
                '%5.0f ms, exit %5.0f ms; cpu %s%s' % (
                    rnd, tag, b['first_line'], b['guest_line'], b['exit'],
                    b['cpu'],
                    ', qmpd VmRSS max %s KiB' % b['qmpd_rss_max_kib']
                    if kind == 'qmpd' else ''))
        for tag, argv, proxy in (rtts[::-1] if flip else rtts):
            r = round_trips_once(argv, tmpdir, 'r%d-%s-rtt' % (rnd, tag),
                                 args, socat=proxy)
            res[tag]['rtt'].append(r)
            log('round %d %-14s %.0f query-status/s (status %s)' % (
                rnd, tag, r['rate'], r['status']))
    qemu_line = next((b['qemu_cmdline'] for b in res['qmpd']['boot']
                      if 'qemu_cmdline' in b), None)
    for b in res['qmpd']['boot']:
        b.pop('qemu_cmdline', None)
    return {
        'date': datetime.datetime.now(datetime.timezone.utc).strftime(
            '%Y-%m-%d %H:%M UTC'),
        'cpus': os.cpu_count(),
        'cpu_model': cpu_model(),
        'host_kernel': '%s %s' % (platform.system(), platform.release()),
        'load_average_at_start': [round(x, 2) for x in load],
        'qmpd': args.qmpd_label or args.qmpd,
        'qmpd_version': version_of(args.qmpd),
        'reference': args.reference,
        'reference_version': version_of(args.reference),
        'socat': socat,
        'guest_kernel': os.path.basename(kernel),
        'guest_initrd': initrd_what.replace(tmpdir, '$TMP'),
        'memory': args.memory,
        'append': args.append,
        'rounds': args.rounds,
        'round_trips': args.round_trips,
        'sample_ms': args.sample_ms,
        'command_qmpd': shown(mine).replace(tmpdir, '$TMP'),
        'command_qemu': shown(ref).replace(tmpdir, '$TMP'),
        'command_handshake': shown(HANDSHAKE_ARGS),
        'qmpd_started': qemu_line,
        'qmpd_preconfig_kib': baseline,
        'res': res,
    }


# ---- rendering ----

def med(values):
    return statistics.median(values)


def median_range(values, fmt):
    if not values:
        return '-'
    if len(values) == 1:
        return fmt % values[0]
    return '%s (%s-%s)' % (fmt % med(values), fmt % min(values),
                           fmt % max(values))


def overhead(mine, ref, diff='%+.0f ms'):
    """qmpd's median over the reference's minus one, and the range of
    the same within each round; Returns: (text, value or None)."""
    if not mine or not ref:
        return '-', None
    total = med(mine) / med(ref) - 1.0
    paired = [m / r - 1.0 for m, r in zip(mine, ref)]
    return ('%+.1f%% = ' + diff + ' (%+.1f%% to %+.1f%%)') % (
        100 * total, med(mine) - med(ref), 100 * min(paired),
        100 * max(paired)), total


def rate_ratio(mine, ref):
    if not mine or not ref:
        return '-', None
    total = med(mine) / med(ref)
    paired = [m / r for m, r in zip(mine, ref)]
    return '%.2fx (%.2f-%.2fx)' % (total, min(paired), max(paired)), total


BOOT_ROWS = [('first_line', 'exec to first serial line', True),
             ('guest_line', 'exec to first QMPD-GUEST line', True),
             ('done', 'exec to QMPD-GUEST done', False),
             ('exit', 'exec to exit (guest powered off)', False)]


def tables(record):
    res = record['res']
    mine, ref = res['qmpd'], res.get('qemu') or {}

    def col(side, key):
        return [b[key] for b in res.get(side, {}).get('boot', [])
                if b.get(key) is not None]

    def rates(side):
        return [x['rate'] for x in res.get(side, {}).get('rtt', [])]

    lines = ['| metric | unit | qmpd | qemu | qmpd vs qemu | target | met |',
             '| --- | --- | ---: | ---: | ---: | ---: | --- |']
    for key, label, target in BOOT_ROWS:
        m, r = col('qmpd', key), col('qemu', key)
        cell, total = overhead(m, r)
        met = '-'
        if target and total is not None:
            met = 'yes' if total <= TARGET_BOOT_OVERHEAD else 'no'
        lines.append('| %s | ms | %s | %s | %s | %s | %s |' % (
            label, median_range(m, '%.0f'), median_range(r, '%.0f'), cell,
            '<= +%.0f%%' % (100 * TARGET_BOOT_OVERHEAD) if target else '-',
            met))
    m, r = col('qmpd', 'guest_line'), col('qemu', 'guest_line')
    if m and r:
        best = min(m) / min(r) - 1.0
        lines.append('| exec to first QMPD-GUEST line, best of %d | ms | %.0f '
                     '| %.0f | %+.1f%% = %+.0f ms | <= +%.0f%% | %s |' % (
                         min(len(m), len(r)), min(m), min(r), 100 * best,
                         min(m) - min(r), 100 * TARGET_BOOT_OVERHEAD,
                         'yes' if best <= TARGET_BOOT_OVERHEAD else 'no'))
    ready = {side: [x['ready_ms'] for x in res.get(side, {}).get('rtt', [])
                    if x.get('ready_ms') is not None]
             for side in ('qmpd', 'qemu')}
    if ready['qmpd'] and ready['qemu']:
        lines.append('| exec to first query-status answer (`-S`: start-up '
                     'without guest code) | ms | %s | %s | %s | - | - |' % (
                         median_range(ready['qmpd'], '%.0f'),
                         median_range(ready['qemu'], '%.0f'),
                         overhead(ready['qmpd'], ready['qemu'])[0]))
        # The start-up is where qmpd adds anything to a boot (once QEMU
        # runs the guest, qmpd is not in its way): its extra start-up
        # time against the whole boot has far less noise than two boots
        # compared.
        extra = med(ready['qmpd']) - med(ready['qemu'])
        for key, label in (('first_line', 'first serial line'),
                           ('guest_line', 'first QMPD-GUEST line')):
            boot_ref = col('qemu', key)
            if not boot_ref:
                continue
            share = extra / med(boot_ref)
            lines.append('| qmpd\'s extra start-up as a share of QEMU\'s '
                         'exec to %s | %% | %+.2f%% (%+.0f ms of %.0f ms) '
                         '| - | - | <= +%.0f%% | %s |' % (
                             label, 100 * share, extra, med(boot_ref),
                             100 * TARGET_BOOT_OVERHEAD,
                             'yes' if share <= TARGET_BOOT_OVERHEAD
                             else 'no'))
    cell, total = rate_ratio(rates('qmpd'), rates('qemu'))
    lines.append('| query-status round trips | 1/s | %s | %s | %s | '
                 '>= %.1fx | %s |' % (
                     median_range(rates('qmpd'), '%.0f'),
                     median_range(rates('qemu'), '%.0f'), cell,
                     TARGET_RTT_RATIO, '-' if total is None else
                     'yes' if total >= TARGET_RTT_RATIO else 'no'))
    rss = col('qmpd', 'qmpd_rss_max_kib')
    lines.append('| qmpd VmRSS while the guest runs (largest sample) | KiB '
                 '| %s | - | - | <= %d | %s |' % (
                     median_range(rss, '%d'), TARGET_RSS_KIB,
                     ('yes' if max(rss) <= TARGET_RSS_KIB else 'no')
                     if rss else '-'))
    lines.append('| qmpd VmHWM (peak, whole run) | KiB | %s | - | - | - '
                 '| - |' % median_range(col('qmpd', 'qmpd_hwm_kib'), '%d'))
    cpu = {side: [b['cpu']['user_s'] + b['cpu']['system_s']
                  for b in res.get(side, {}).get('boot', []) if 'cpu' in b]
           for side in ('qmpd', 'qemu', 'qemu-handshake')}
    lines.append('| CPU time of the started processes per boot | s | %s | %s '
                 '| %s | - | - |' % (median_range(cpu['qmpd'], '%.2f'),
                                     median_range(cpu['qemu'], '%.2f'),
                                     overhead(cpu['qmpd'], cpu['qemu'],
                                              '%+.2f s')[0]))
    q_m = [v / 1024.0 for v in col('qmpd', 'qemu_rss_max_kib')]
    q_r = [v / 1024.0 for v in col('qemu', 'qemu_rss_max_kib')]
    lines.append('| QEMU VmRSS (largest sample; for qmpd, its child) | MiB '
                 '| %s | %s | - | - | - |' % (median_range(q_m, '%.0f'),
                                             median_range(q_r, '%.0f')))

    ctx = ['| context (same run) | unit | value | vs qemu |',
           '| --- | --- | ---: | ---: |']
    for key, label, target in BOOT_ROWS[:2]:
        h = col('qemu-handshake', key)
        if h:
            ctx.append('| %s: qemu -S, the script replaying qmpd\'s '
                       'handshake | ms | %s | %s |' % (
                           label, median_range(h, '%.0f'),
                           overhead(h, col('qemu', key))[0]))
    h, r = col('qemu-handshake', 'guest_line'), col('qemu', 'guest_line')
    if h and r:
        ctx.append('| exec to first QMPD-GUEST line, best of %d: qemu -S, '
                   'the script replaying qmpd\'s handshake | ms | %.0f | '
                   '%+.1f%% = %+.0f ms |' % (
                       min(len(h), len(r)), min(h), 100 * (min(h) / min(r)
                                                           - 1.0),
                       min(h) - min(r)))
    steps = [b['handshake'] for b in res.get('qemu-handshake', {})
             .get('boot', []) if b.get('handshake')]
    if steps:
        ctx.append('| handshake replies, ms from exec (median): %s | ms | '
                   '- | - |' % ', '.join(
                       '%s %.0f' % (k, med([s[k] for s in steps]))
                       for k in ('greeting',) + HANDSHAKE))
    if rates('socat'):
        ctx.append('| query-status round trips through socat (a byte '
                   'proxy) in front of qemu | 1/s | %s | %s |' % (
                       median_range(rates('socat'), '%.0f'),
                       rate_ratio(rates('socat'), rates('qemu'))[0]))
    base = record.get('qmpd_preconfig_kib') or {}
    if base:
        ctx.append('| qmpd in its configuration phase (--preconfig, no '
                   'QEMU): VmRSS = RssAnon + RssFile | KiB | %d = %d + %d '
                   '| - |' % (base.get('VmRSS', 0), base.get('RssAnon', 0),
                              base.get('RssFile', 0)))
    anon, files = col('qmpd', 'qmpd_rss_anon_kib'), \
        col('qmpd', 'qmpd_rss_file_kib')
    if anon and files:
        ctx.append('| qmpd while the guest runs (largest sample): RssAnon, '
                   'RssFile | KiB | %s, %s | - |' % (
                       median_range(anon, '%d'), median_range(files, '%d')))
    return '\n'.join(lines), '\n'.join(ctx)


def section_text(record):
    """Renders every run of @record ({"runs": [...]}), oldest first."""
    lines = [
        SECTION, '',
        'Rendered from `bench/data/qemu-backend.json`, recorded by '
        '`bench/qemu_backend_bench.py',
        '--write-results`.  The same guest booted under TCG by qmpd '
        '(which starts',
        'QEMU and relays QMP and the serial port) and by QEMU started '
        'directly; see',
        'the script\'s docstring for the method.  Each cell is the median '
        'over the',
        'rounds (the binaries alternating) with the range; "qmpd vs qemu" '
        'is the',
        'ratio of the medians, with the range of the same ratio within '
        'each round.', '',
    ]
    return '\n'.join(lines + [run_text(run) for run in record['runs']])


def run_text(record):
    """Renders one run (see measure()); reads nothing else."""
    main, ctx = tables(record)
    lines = [
        '### Run of %s (%d rounds)' % (record['date'], record['rounds']), '',
        '- date: %s' % record['date'],
        '- machine: %d CPUs, %s, %s; load average %s at start' % (
            record['cpus'], record['cpu_model'], record['host_kernel'],
            ' '.join('%.2f' % x for x in record['load_average_at_start'])),
        '- qmpd: `%s` (%s)' % (record['qmpd'], record['qmpd_version']),
        '- reference: `%s` (%s)' % (record['reference'],
                                    record['reference_version']),
        '- guest: %s, %s, `-m %s`, `-append \'%s\'`' % (
            record['guest_kernel'], record['guest_initrd'],
            record['memory'], record['append']),
        '- query-status round trips per measurement: %d (guest paused, '
        '`-S`); RSS sampled every %d ms' % (record['round_trips'],
                                           record['sample_ms']),
        '- qmpd: `%s`' % record['command_qmpd'],
        '- qemu: `%s`' % record['command_qemu'],
        '- qmpd started: `%s`' % (record.get('qmpd_started') or '?'),
        '- handshake runs: the qemu line plus `%s`' %
        record.get('command_handshake', '-'),
        '',
        main, '',
        ctx, '',
    ]
    return '\n'.join(lines)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--qmpd', default=os.path.join(repo, 'build', 'system',
                                                   'qmpd'))
    ap.add_argument('--qmpd-label', help='how the record names the qmpd '
                    'binary (default: its path)')
    ap.add_argument('--reference', default=shutil.which(
        'qemu-system-x86_64') or '/usr/bin/qemu-system-x86_64')
    ap.add_argument('--kernel', help='guest kernel (default: the newest %s)'
                    % DEFAULT_KERNELS)
    ap.add_argument('--initrd', help='guest initramfs (default: %s)'
                    % DEFAULT_INITRD)
    ap.add_argument('--busybox', help='static busybox for an initramfs of '
                    'the script\'s own when there is no --initrd')
    ap.add_argument('--memory', default='256M')
    ap.add_argument('--append', default='console=ttyS0 panic=-1')
    ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--round-trips', type=int, default=2000)
    ap.add_argument('--sample-ms', type=int, default=20)
    ap.add_argument('--boot-timeout', type=float, default=180.0)
    ap.add_argument('--no-warmup', action='store_true')
    ap.add_argument('--no-handshake', action='store_true',
                    help='skip the qemu -S + replayed handshake boots')
    ap.add_argument('--no-socat', action='store_true',
                    help='skip the round trips through socat')
    results.add_record_args(ap, 'qemu-backend.json')
    args = ap.parse_args()
    if results.render_record(args, section_text):
        return 0

    for binary in (args.qmpd, args.reference):
        if not os.access(binary, os.X_OK):
            sys.exit('%s: not an executable' % binary)
    # SIGTERM unwinds like ^C, so every started process and socket goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    with tempfile.TemporaryDirectory(prefix='qemu-backend-bench-') as tmpdir:
        record = measure(args, repo, tmpdir)
    print(run_text(record))
    if args.write_results:
        path = os.path.join(here, 'data', 'qemu-backend.json')
        results.append_run(path, record)
        print('added the run to %s' % path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
