#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Side-by-side benchmark: a QEMU-run guest migrated qmpd -> qmpd, and the
same guest migrated QEMU -> QEMU directly.

The guest is tests/guest/'s kernel and initramfs booted with
'qmpd.fill=MIB qmpd.counter=1': after its report it writes MIB MiB from
/dev/urandom into a file of its in-RAM root (so that much guest memory is
random), prints 'QMPD-GUEST filled', then counts on its serial port.

  qmpd  source: qmpd -nodefaults -accel tcg -m MEM -kernel K -initrd I
                -append A -chardev socket,... -serial chardev:s0 -qmp ...
        destination: qmpd -nodefaults -chardev socket,... -serial
                chardev:s0 -qmp ... -incoming defer   (told nothing else:
                it starts its QEMU once the configuration arrived, and
                that time counts)
  qmpd-configured  the same source; the destination is given the
                source's configuration too (as QEMU's destination must
                be), so it starts its QEMU when it listens and hands the
                stream to it; the script waits for that QEMU to be up
                before 'migrate', as it does for QEMU's destination
  qemu  source: qemu-system-x86_64 -nodefaults -no-user-config -display
                none -machine pc-i440fx-7.2 -accel tcg -cpu qemu64 -smp 1
                -m MEM (the rest as above)
        destination: the same plus -incoming defer, started beforehand as
                QEMU needs
  qemu-fd  QEMU alone as above, except that the script accepts the
                destination's connection and hands it to the destination
                QEMU as qmpd does (getfd, migrate-incoming fd:): the
                hand-over without qmpd, a control

Method.  Each guest (--guests per kind) boots and fills once, then
migrates hop after hop, each time to a new destination process; each
round runs every guest's hop in a shuffled order (after --warmup hops
each, not counted), and a guest waits paused while the others hop.  The
boot order is shuffled too and recorded.  Before a hop the guest runs
--settle seconds, then the script waits until the host took back the
memory the last hop freed (wait_memory_reported()).  Every serial port
is read all the time (see Serial).  With --warm-host, the script
touches and frees that much memory right before 'migrate', so the
destination takes memory its host already backs (warm_host()).  Both
sources get the same parameters (max-bandwidth --bandwidth, default
downtime-limit, the "events" capability) through QMP (qmpd forwards
them to its QEMU); both destinations listen with migrate-incoming on a
unix socket.

Measured from the 'migrate' command to the MIGRATION event 'completed'
on the source: 'wall'.  Also QEMU's own total-time and downtime from
query-migrate (for qmpd, QEMU's clock starts when qmpd handed it the
channel, so it leaves out qmpd's prelude and a bare destination's QEMU
start-up; 'wall' does not), and the CPU time each process used over the
same span, and how many bytes the guest printed meanwhile.

The issue's targets, reported and never asserted: total time at most
1.05x QEMU's, downtime at most QEMU's plus 5 ms.  The tables give
medians of the hops of all guests of a kind, the 95% bootstrap interval
of the ratio of medians (resampling guests, then hops: see interval()),
the minimums, and each guest's own medians.

--write-results appends this run's raw figures to
bench/data/qemu-migration.json; --render turns that record into tables
(the build does, into BUILD/bench/qemu-migration-results.md).  Python 3
standard library only.
"""
import argparse
import datetime
import json
import mmap
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import results

SECTION = '## QEMU-run guest migration'
HERE = os.path.dirname(os.path.abspath(__file__))


def connect_unix(path, timeout):
    """Connects to a unix socket, retrying until it exists and listens."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Qmp:
    """A minimal QMP client on a unix socket; events are kept in order."""

    def __init__(self, path, timeout=60.0):
        self.sock = connect_unix(path, timeout)
        self.buf = b''
        self.events = []
        self._read()  # greeting
        self.cmd('qmp_capabilities')

    def _read(self):
        while b'\n' not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError('QMP connection closed')
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def cmd(self, name, fd=None, **args):
        """Runs @name; @fd goes along with it (SCM_RIGHTS), as getfd
        needs."""
        req = {'execute': name}
        if args:
            req['arguments'] = args
        data = json.dumps(req).encode() + b'\n'
        if fd is None:
            self.sock.sendall(data)
        else:
            socket.send_fds(self.sock, [data], [fd])
        while True:
            msg = self._read()
            if 'event' in msg:
                self.events.append(msg)
                continue
            if 'error' in msg:
                raise RuntimeError('%s: %s' % (name, msg['error']['desc']))
            return msg['return']

    def migration_end(self, timeout):
        """Blocks until a MIGRATION event says completed, failed or
        cancelled; returns that status and the time it was read."""
        deadline = time.monotonic() + timeout
        while True:
            while self.events:
                ev = self.events.pop(0)
                status = ev.get('data', {}).get('status')
                if ev['event'] == 'MIGRATION' and \
                        status in ('completed', 'failed', 'cancelled'):
                    return status, time.monotonic()
            self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
            try:
                msg = self._read()
            except socket.timeout:
                raise TimeoutError('no end of the migration')
            finally:
                self.sock.settimeout(None)
            if 'event' in msg:
                self.events.append(msg)

    def close(self):
        self.sock.close()


class Serial:
    """Connects to a serial chardev's server socket and reads it all the
    time, as a management stack's console log does.  A reader that stops
    would change the guest: QEMU writes the serial port a byte at a time,
    each byte costs its socket's send buffer a whole buffer's overhead, so
    QEMU alone stalls the guest's console after a few hundred bytes,
    while qmpd's relay reads them on and would let the guest run."""

    def __init__(self, path, timeout=60.0):
        self.sock = connect_unix(path, timeout)
        self.text = b''
        self.total = 0  # bytes read since connected
        self.cond = threading.Condition()
        self.closed = False
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b''
            with self.cond:
                if not data:
                    self.closed = True
                else:
                    # Keep the tail only: the counter never stops.
                    self.text = (self.text + data)[-65536:]
                    self.total += len(data)
                self.cond.notify_all()
            if not data:
                return

    def forget(self):
        """Drops what was read so far: wait_for() then sees new text only."""
        with self.cond:
            self.text = b''

    def wait_for(self, word, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while word.encode() not in self.text:
                if self.closed:
                    raise EOFError('serial closed before %r' % word)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError('no %r on the serial port; tail: %r' %
                                       (word, self.text[-400:]))
                self.cond.wait(left)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.thread.join()
        self.sock.close()


def chardev(path):
    return ['-chardev', 'socket,id=s0,path=%s,server=on,wait=off' % path,
            '-serial', 'chardev:s0']


def guest_args(args):
    return ['-kernel', args.kernel, '-initrd', args.initrd, '-append',
            'console=ttyS0 panic=-1 qmpd.fill=%d qmpd.counter=1' % args.fill]


def spawn(argv, log):
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT)


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def children(pid):
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
            return f.read().split()
    except OSError:
        return []


def proc_counts(pid):
    """What @pid used so far, its ended threads included (QEMU's migration
    thread ends with the migration): CPU time in ms, the part of it spent
    in the kernel, and page faults; {} once gone."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            # The command name may hold spaces: count from its ')'.
            fields = f.read().rsplit(')', 1)[1].split()
    except OSError:
        return {}
    tick = 1000.0 / os.sysconf('SC_CLK_TCK')
    return {'cpu_ms': (int(fields[11]) + int(fields[12])) * tick,
            'sys_ms': int(fields[12]) * tick, 'faults': int(fields[7])}


def huge_kib(pid):
    """Anonymous memory of @pid backed by transparent huge pages, in KiB."""
    try:
        with open('/proc/%d/smaps_rollup' % pid) as f:
            for line in f:
                if line.startswith('AnonHugePages:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


REPORTED = '/sys/module/page_reporting/parameters/reported_kib'


def wait_memory_reported(timeout=20.0):
    """On a VM whose kernel hands free memory back to its host (free page
    reporting), waits until no pass of it ran for 1.5 s, and returns the
    seconds waited (None where the kernel does not report).  This paces
    the hops more than it settles the host: measured on 12-06, a pass
    handed back 15-25 MiB every 2-3 s, so the wait ends between passes;
    and touching 1 GiB of fresh memory took about 3 s whether reporting
    ran or was stopped (page_reporting_order=11), while between hops a
    destination took 0.35 to 1.8 s of CPU for the same 600 MiB.  Memory
    a process freed went cold within 2-3 s (see warm_host()).
    So the guests hop in a shuffled order, several guests per kind pool
    their hops, and --warm-host or --prealloc take the host's backing
    speed out of the measured time."""
    if not os.path.exists(REPORTED):
        return None
    t0 = last_change = time.monotonic()
    with open(REPORTED) as f:
        last = f.read()
    while time.monotonic() - last_change < 1.5 and \
            time.monotonic() - t0 < timeout:
        time.sleep(0.25)
        with open(REPORTED) as f:
            now = f.read()
        if now != last:
            last, last_change = now, time.monotonic()
    return time.monotonic() - t0


def warm_host(mib):
    """Touches @mib MiB of fresh memory and frees it again; returns the
    seconds that took.  On this VM memory a process freed goes cold
    within 2-3 s, and the next process to touch it pays about 2 s of CPU
    per GiB for the host to back it again; touched again within a second,
    640 MiB took 0.05 s (measured on 12-06).  A destination that takes
    its RAM right after this gets memory its host already backs, as a
    process does on a host that leaves freed memory backed (bare metal,
    say): the host's backing speed, which swings tenfold between days,
    leaves the measured time.  How long this took is itself a reading of
    that speed."""
    t0 = time.monotonic()
    size = mib << 20
    # Private: mmap's default for -1 is shared memory, which takes no
    # transparent huge pages.
    with mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS) \
            as m:
        m.madvise(mmap.MADV_HUGEPAGE)
        for off in range(0, size, mmap.PAGESIZE):
            m[off] = 1
    return time.monotonic() - t0


def host_busy_ms():
    """Non-idle CPU time of the whole machine so far, in ms."""
    with open('/proc/stat') as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest* are in user)
    busy = sum(fields[:8]) - fields[3] - fields[4]
    return busy * 1000.0 / os.sysconf('SC_CLK_TCK')


def hand_over(dst, path):
    """Listens on @path in the place of the destination QEMU @dst, and
    gives it the connection the way qmpd gives it one (getfd, then
    migrate-incoming fd:), on a thread; returns that thread."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)

    def run():
        with listener:
            conn, _ = listener.accept()
        with conn:
            dst.cmd('getfd', fd=conn.fileno(), fdname='migration')
        dst.cmd('migrate-incoming', uri='fd:migration')

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def prepare(src, dst, uri, bandwidth, dst_proc=None, handover=False):
    """Sets both sides up for one migration.  With @dst_proc, waits until
    that destination has started its QEMU ahead.  With @handover, the
    script takes the connection and hands it to @dst; returns the thread
    that does (None without)."""
    src.cmd('migrate-set-capabilities', capabilities=[
        {'capability': 'events', 'state': True}])
    src.cmd('migrate-set-parameters', **{'max-bandwidth': bandwidth})
    if handover:
        return hand_over(dst, uri[len('unix:'):])
    dst.cmd('migrate-incoming', uri=uri)
    if dst_proc is not None:
        deadline = time.monotonic() + 60
        while not children(dst_proc.pid):
            if time.monotonic() > deadline:
                raise RuntimeError('the destination started no QEMU ahead')
            time.sleep(0.01)
        # Answered once qmpd's main loop is back, i.e. QEMU negotiated.
        dst.cmd('query-status')
    return None


def migrate(src, uri):
    """Runs one migration; returns the figures."""
    src.events.clear()
    t0 = time.monotonic()
    src.cmd('migrate', uri=uri)
    # Waits for the event rather than polling query-migrate: a poll costs
    # QEMU's monitor about 10 us per byte, on the CPUs the migration uses.
    status, t1 = src.migration_end(300)
    wall = t1 - t0
    info = src.cmd('query-migrate')
    if status != 'completed':
        raise RuntimeError('migration %s: %s' %
                           (status, info.get('error-desc')))
    # QEMU 7.2 says "completed" a moment before it sets its times (seen
    # once as total-time 0): ask again for them.
    for _ in range(50):
        if info.get('total-time'):
            break
        time.sleep(0.01)
        info = src.cmd('query-migrate')
    total = info.get('total-time')
    return {'wall_ms': wall * 1000.0,
            'total_ms': total,
            'downtime_ms': info.get('downtime'),
            'setup_ms': info.get('setup-time'),
            'transferred': info.get('ram', {}).get('transferred')}


# QEMU alone; "qemu-fd" is given the stream as qmpd gives it (hand_over()).
QEMU_KINDS = ('qemu', 'qemu-fd')


class Chain:
    """One guest of one kind, booted and filled once, then migrated hop
    after hop to a new destination each time.  Between its hops it is
    paused ('stop'), so the other kinds' hops run with it idle."""

    last_end = None  # when the last hop's source ended (monotonic)

    def __init__(self, kind, args, tmp):
        self.kind, self.args, self.tmp = kind, args, tmp
        self.base = base_kind(kind)
        self.log = open(os.path.join(tmp, '%s-log.txt' % kind), 'w')
        self.hops = 0
        d = self._dir()
        self.proc = spawn(self._argv(d, 'source'), self.log)
        self.qmp = Qmp(os.path.join(d, 'q'))
        self.ser = Serial(os.path.join(d, 's'))
        self.ser.wait_for('QMPD-GUEST filled', args.boot_timeout)
        self.qmp.cmd('stop')

    def _dir(self):
        d = os.path.join(self.tmp, '%s-%d' % (self.kind, self.hops))
        os.mkdir(d)
        return d

    def _argv(self, d, role):
        a = self.args
        ends = chardev(os.path.join(d, 's')) + \
            ['-qmp', 'unix:%s,server=on,wait=off' % os.path.join(d, 'q')]
        if role == 'destination':
            ends += ['-incoming', 'defer']
        backend = []
        if a.prealloc:
            backend = ['-object', 'memory-backend-ram,id=ram0,size=%s,'
                       'prealloc=on' % a.mem, '-machine',
                       'memory-backend=ram0']
        if self.base in QEMU_KINDS:
            return [a.qemu, '-nodefaults', '-no-user-config', '-display',
                    'none', '-machine', 'pc-i440fx-7.2', '-accel', 'tcg',
                    '-cpu', 'qemu64', '-smp', '1', '-m', a.mem] + \
                backend + guest_args(a) + ends
        config = ['-accel', 'tcg', '-m', a.mem] + backend + guest_args(a)
        if role == 'destination' and self.base == 'qmpd':
            config = []  # told nothing: the stream configures it
        return [a.qmpd, '-nodefaults'] + config + ends

    def _pids(self, proc):
        """The processes doing the work: (qmpd or None, QEMU)."""
        if self.base in QEMU_KINDS:
            return None, proc.pid
        kids = children(proc.pid)
        return proc.pid, int(kids[0]) if kids else None

    def hop(self):
        """Resumes the guest, migrates it to a new destination, pauses it
        there; returns the figures."""
        a = self.args
        self.qmp.cmd('cont')
        self.ser.forget()
        self.ser.wait_for('QMPD-COUNTER', 30)
        time.sleep(a.settle)
        reported_wait = wait_memory_reported()
        self.hops += 1
        d = self._dir()
        dproc = spawn(self._argv(d, 'destination'), self.log)
        try:
            dqmp = Qmp(os.path.join(d, 'q'))
            dser = Serial(os.path.join(d, 's'))
            uri = 'unix:' + os.path.join(d, 'mig.sock')
            src_pids = self._pids(self.proc)

            def sample():
                dst_pids = self._pids(dproc)
                pids = {'src_qmpd': src_pids[0], 'src_qemu': src_pids[1],
                        'dst_qmpd': dst_pids[0], 'dst_qemu': dst_pids[1]}
                return {k: proc_counts(v) for k, v in pids.items() if v}

            handing = prepare(
                self.qmp, dqmp, uri, a.bandwidth,
                dproc if self.base == 'qmpd-configured' else None,
                handover=self.base == 'qemu-fd')
            # QEMU alone is up a little earlier before 'migrate' than the
            # QEMU a configured qmpd starts ahead; --dest-idle evens that.
            time.sleep(a.dest_idle)
            warmed = warm_host(a.warm_host) if a.warm_host else None
            # A bare qmpd destination starts its QEMU inside the measured
            # time: its whole start-up is counted then, as it should be.
            before, host0 = sample(), host_busy_ms()
            out0 = self.ser.total
            since = time.monotonic() - Chain.last_end \
                if Chain.last_end is not None else None
            fig = migrate(self.qmp, uri)
            # How long ago the last hop's source ended and freed its RAM.
            fig['since_last_end_s'] = since
            if handing is not None:
                handing.join()
            # What the guest printed meanwhile: how busy it was.
            fig['guest_serial_bytes'] = self.ser.total - out0
            after, host = sample(), host_busy_ms() - host0
            for k, counts in after.items():
                for what, v in counts.items():
                    fig['%s_%s' % (k, what)] = \
                        v - before.get(k, {}).get(what, 0)
            fig['dst_qemu_huge_kib'] = huge_kib(self._pids(dproc)[1])
            fig['host_busy_ms'] = host
            fig['reported_wait_s'] = reported_wait
            if warmed is not None:
                fig['warm_host_s'] = warmed
            # The guest goes on counting on the destination.
            dser.wait_for('QMPD-COUNTER', 60)
            dqmp.cmd('stop')
        except BaseException:
            stop(dproc)
            raise
        for c in (self.qmp, self.ser):
            c.close()
        stop(self.proc)
        Chain.last_end = time.monotonic()
        self.proc, self.qmp, self.ser = dproc, dqmp, dser
        return fig

    def close(self):
        for c in (self.qmp, self.ser):
            c.close()
        stop(self.proc)
        self.log.close()


# Further guests of one kind are named KIND-b, KIND-c, ... (--guests).
GUEST_LETTERS = 'bcdefghij'


def base_kind(key):
    """The kind a guest's key names: 'qemu-c' -> 'qemu'."""
    if len(key) > 2 and key[-2] == '-' and key[-1] in GUEST_LETTERS:
        return key[:-2]
    return key


def guests_of(results, kind):
    """The hop lists of every guest of @kind, first guest first."""
    return [results[k] for k in sorted(results) if base_kind(k) == kind]


def pooled(groups):
    return [r for g in groups for r in g]


def median(rows, key):
    vals = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def minimum(rows, key):
    vals = [r[key] for r in rows if r.get(key) is not None]
    return min(vals) if vals else None


def interval(a_groups, b_groups, key, diff):
    """95% bootstrap interval of the ratio (or difference) of the two
    pooled medians: how far the comparison could move with other rounds
    of the same machine.  Each side is a list of guests (lists of hops).
    Hops of one guest are not independent of each other (a guest keeps
    what it dirties from hop to hop), so where a side has several guests
    each resample draws guests first, then hops within each drawn guest;
    with one guest per side it draws hops only.  Seeded, so a record
    always renders the same."""
    a = [[r[key] for r in g if r.get(key) is not None] for g in a_groups]
    b = [[r[key] for r in g if r.get(key) is not None] for g in b_groups]
    a, b = [g for g in a if g], [g for g in b if g]
    if sum(map(len, a)) < 5 or sum(map(len, b)) < 5:
        return None
    rng = random.Random(20261206)

    def resample(groups):
        if len(groups) > 1:
            groups = rng.choices(groups, k=len(groups))
        return statistics.median(
            [v for g in groups for v in rng.choices(g, k=len(g))])

    stats = []
    for _ in range(2000):
        ma, mb = resample(a), resample(b)
        if diff:
            stats.append(ma - mb)
        elif mb:
            stats.append(ma / mb)
    stats.sort()
    return stats[int(0.025 * len(stats))], stats[int(0.975 * len(stats))]


def compare(a_groups, b_groups, key, diff, stat=median):
    """Guests @a_groups against @b_groups on @key as text: the ratio (or
    difference) of the statistics of their pooled hops, with its 95%
    interval for medians."""
    a, b = stat(pooled(a_groups), key), stat(pooled(b_groups), key)
    fmt = (lambda v: '%+.1f ms' % v) if diff else (lambda v: '%.3fx' % v)
    if a is None or b is None:
        return '-'
    text = fmt(a - b) if diff else fmt(a / b if b else float('inf'))
    iv = interval(a_groups, b_groups, key, diff) if stat is median else None
    if iv is not None:
        text += ' (95%%: %s to %s)' % (fmt(iv[0]), fmt(iv[1]))
    return text


# What the table of each guest shows.
GUEST_METRICS = (('wall', 'wall_ms'), ('total-time', 'total_ms'),
                 ('downtime', 'downtime_ms'),
                 ('dest. QEMU CPU', 'dst_qemu_cpu_ms'))


def render_guests(results, meta):
    """One row per guest: where several guests of a kind ran, how far
    they differ from each other, next to how far the kinds differ."""
    order = meta.get('boot_order', [])
    lines = ['', 'Each guest on its own (medians of its hops; boot '
             'position 1 waited longest for its first hop):', '',
             '| guest | boot position | hops | ' +
             ' | '.join('%s (ms)' % n for n, _ in GUEST_METRICS) + ' |',
             '| --- | ---: | ---: |' + ' ---: |' * len(GUEST_METRICS)]
    fmt = lambda v: '-' if v is None else '%.1f' % v
    for key in sorted(results):
        rows = results[key]
        pos = order.index(key) + 1 if key in order else '-'
        lines.append('| %s | %s | %d | %s |' % (
            key, pos, len(rows),
            ' | '.join(fmt(median(rows, k)) for _, k in GUEST_METRICS)))
    return lines


def with_part(hop):
    """@hop with qmpd's part added: the wall time QEMU's own total-time
    leaves out (for QEMU alone, the monitor's and the event's latency)."""
    total = hop.get('total_ms')
    return dict(hop, handoff_ms=hop['wall_ms'] - total if total else None)


def render(results, meta):
    results = {k: [with_part(h) for h in v] for k, v in results.items()}
    q, r = guests_of(results, 'qmpd'), guests_of(results, 'qemu')
    qc = guests_of(results, 'qmpd-configured')
    qf = guests_of(results, 'qemu-fd')
    chain = meta.get('method') == 'chain'
    per_kind = max(len(r), len(q), len(qc), len(qf))
    lines = ['### Run of %s' % meta['date'], '',
             'Medians of %d round(s)%s. Targets from the issue are '
             'reported, never asserted.' % (
                 meta['rounds'], ', %d guests per kind, their hops pooled '
                 '(the intervals resample guests, then hops)' % per_kind
                 if per_kind > 1 else ''), '',
             '- machine: %s; load average %s at the start, %s at the end '
             '(other work shares the machine: the minimum says what each '
             'does when undisturbed)' % (meta['machine'], meta['load_start'],
                                         meta['load_end']),
             '- guest: `-m %s`, %d MiB of random bytes written by the guest '
             '(tests/guest, `qmpd.fill`), TCG' % (meta['mem'], meta['fill']),
             '- max-bandwidth %d B/s on both sources, downtime-limit '
             'default; unix socket' % meta['bandwidth'],
             '- wall: `migrate` to `completed` on the source; total-time '
             'and downtime: QEMU\'s own figures (for qmpd they start at the '
             'hand-off)',
             '- ' + '; '.join(
                 (['qmpd -> qmpd, bare: the destination starts its QEMU '
                   'once the configuration arrived (inside the measured '
                   'time)'] if q else []) +
                 (['qmpd -> qmpd, configured: the destination was given '
                   'the configuration and started its QEMU before '
                   '`migrate`, as QEMU\'s destination is'] if qc else []) +
                 (['QEMU -> QEMU, fd: the script accepts the connection '
                   'for the destination QEMU and hands it over as qmpd '
                   'does (`getfd`, `migrate-incoming fd:`): no qmpd, the '
                   'same hand-over'] if qf else []))]
    if chain:
        lines.append(
            '- method: each guest booted once, migrated hop after '
            'hop (%d warm-up hop(s) not counted), paused while the others '
            'hop, the guests %s in each round; %s s of running before '
            'each hop, then a wait until the kernel stopped handing freed '
            'memory back to the host; serial ports read all the time; the '
            'end seen by the MIGRATION event%s'
            % (meta.get('warmup', 0),
               'shuffled (seed %d)' % meta['seed'] if 'seed' in meta
               else 'rotated', meta.get('settle_s'),
               '; %s s between the destination being ready and `migrate`' %
               meta['dest_idle_s'] if meta.get('dest_idle_s') else ''))
        if 'boot_order' in meta:
            lines.append('- guests booted in the order %s (the first waits '
                         'longest for its first hop)' %
                         ', '.join(meta['boot_order']))
        lines.append('- guest RAM: ' + RAM_SETUPS[ram_setup(meta)][1] % meta)
    else:
        lines.append(
            '- method: a fresh boot per round, the kinds rotated; the '
            'serial ports were not read during the migration, and QEMU '
            'alone stops taking the guest\'s console output after about '
            '300 unread bytes where qmpd queues up to 1 MiB, so QEMU\'s '
            'guest mostly waited on its console while qmpd\'s ran its '
            'counter (docs/system/qemu-backend.md): these runs favour QEMU')
    lines += ['',
              '| metric | statistic | destination | %s (ms) | '
              'QEMU -> QEMU (ms) | ratio / difference | target |' %
              ('that kind' if qf else 'qmpd -> qmpd'),
              '| --- | --- | --- | ---: | ---: | ---: | ---: |']

    def row(name, key, target, diff=False):
        fmt = lambda v: '-' if v is None else '%.1f' % v
        for label, groups in (('bare', q), ('configured', qc),
                              ('QEMU, fd: hand-over', qf)):
            if not groups:
                continue
            for stat, fn in (('median', median), ('min', minimum)):
                lines.append('| %s | %s | %s | %s | %s | %s | %s |' % (
                    name, stat, label, fmt(fn(pooled(groups), key)),
                    fmt(fn(pooled(r), key)),
                    compare(groups, r, key, diff, fn), target))

    row('wall (migrate to completed)', 'wall_ms', '<= 1.05x')
    row('total-time (QEMU)', 'total_ms', '<= 1.05x')
    row('downtime (QEMU)', 'downtime_ms', '<= +5 ms', diff=True)
    row('setup-time (QEMU)', 'setup_ms', '-')
    if chain:
        row('qmpd\'s part (wall - total-time)', 'handoff_ms', '-', diff=True)
        row('CPU of the source\'s QEMU', 'src_qemu_cpu_ms', '-')
        row('CPU of the destination\'s QEMU', 'dst_qemu_cpu_ms', '-')
        if any('dst_qemu_faults' in x for x in pooled(r)):
            row('... of it in the kernel', 'dst_qemu_sys_ms', '-')
            row('page faults of the destination\'s QEMU (count)',
                'dst_qemu_faults', '-')
            row('its RAM in huge pages at the end (KiB)',
                'dst_qemu_huge_kib', '-')
        for label, groups in (('bare', q), ('configured', qc)):
            if groups:
                lines.append(
                    '| CPU of both qmpd processes | median | %s | %.1f | - '
                    '| - | - |' % (label, statistics.median(
                        [x.get('src_qmpd_cpu_ms', 0) +
                         x.get('dst_qmpd_cpu_ms', 0)
                         for x in pooled(groups)])))
    if per_kind > 1:
        lines += render_guests(results, meta)
    return '\n'.join(lines) + '\n'


# How a destination's RAM gets backed: (title, how a run's notes say it).
RAM_SETUPS = {
    'lazy': ('lazily backed RAM',
             'QEMU\'s default (taken as the migration writes it: the '
             'host\'s speed at backing fresh memory is part of the '
             'figures)'),
    'warm': ('lazily backed RAM, host memory warmed',
             'QEMU\'s default, and right before `migrate` the script '
             'touched and freed %(warm_host_mib)d MiB (warm_host()), so '
             'the destination takes memory its host already backs, as on '
             'a host that leaves freed memory backed'),
    'prealloc': ('preallocated RAM',
                 '`memory-backend-ram,prealloc=on`: every destination '
                 'backs all its RAM before `migrate`, so no fresh memory '
                 'is taken during the migration'),
}


def ram_setup(meta):
    """Which of RAM_SETUPS a run used."""
    if meta.get('prealloc'):
        return 'prealloc'
    return 'warm' if meta.get('warm_host_mib') else 'lazy'


RECORD = os.path.join(HERE, 'data', 'qemu-migration.json')
KIND_LABELS = {'qmpd-configured': 'qmpd -> qmpd, configured',
               'qemu-fd': 'QEMU -> QEMU, fd: hand-over',
               'qemu': 'QEMU -> QEMU'}


def render_across_runs(record):
    """Every run of the current method (guests migrated hop after hop,
    serial ports read) together: each guest is one more draw of what a
    guest of that kind does, whichever run it was in.  Returns the
    summary (one row per comparison and RAM setup, which
    docs/system/migration.md reads) and the full tables."""
    summary = ['### Summary: every run of this method together', '',
               'Medians, with the 95% interval of the ratio (or difference); '
               'the intervals resample guests, then hops.', '',
               '| comparison | guest RAM | guests (hops) per kind | wall | '
               'total-time | downtime |',
               '| --- | --- | ---: | ---: | ---: | ---: |']
    lines = []
    qmpd, fd, qemu = 'qmpd-configured', 'qemu-fd', 'qemu'
    # The last pair is qmpd's own cost: the same hand-over with and
    # without qmpd.
    for setup in RAM_SETUPS:
        for kind, against in ((qmpd, qemu), (fd, qemu), (qmpd, fd)):
            runs = [run for run in record['runs']
                    if run['meta'].get('method') == 'chain' and
                    ram_setup(run['meta']) == setup and
                    guests_of(run['results'], kind) and
                    guests_of(run['results'], against)]
            q = [g for run in runs for g in guests_of(run['results'], kind)]
            r = [g for run in runs
                 for g in guests_of(run['results'], against)]
            if not q:
                continue
            lines += ['### All runs of this method together: %s against '
                      '%s (%s)' % (KIND_LABELS[kind], KIND_LABELS[against],
                                   RAM_SETUPS[setup][0]), '',
                      'Runs of %s: %d and %d guests, %d and %d hops; the '
                      'intervals resample guests, then hops.' % (
                          ', '.join(run['meta']['date'] for run in runs),
                          len(q), len(r), len(pooled(q)), len(pooled(r))),
                      '',
                      '| metric | %s (ms) | %s (ms) | ratio / difference | '
                      'target |' % (KIND_LABELS[kind], KIND_LABELS[against]),
                      '| --- | ---: | ---: | ---: | ---: |']
            compared = {}
            for name, key, diff, target in (
                    ('wall', 'wall_ms', False, '<= 1.05x'),
                    ('total-time', 'total_ms', False, '<= 1.05x'),
                    ('downtime', 'downtime_ms', True, '<= +5 ms'),
                    ('CPU of the destination\'s QEMU', 'dst_qemu_cpu_ms',
                     False, '-'),
                    ('CPU of the source\'s QEMU', 'src_qemu_cpu_ms', False,
                     '-')):
                compared[key] = compare(q, r, key, diff)
                lines.append('| %s | %.1f | %.1f | %s | %s |' % (
                    name, median(pooled(q), key), median(pooled(r), key),
                    compared[key], target))
            lines.append('')
            summary.append('| %s against %s | %s | %d (%d) | %s | %s | %s |'
                           % (KIND_LABELS[kind], KIND_LABELS[against],
                              RAM_SETUPS[setup][0], len(q), len(pooled(q)),
                              compared['wall_ms'], compared['total_ms'],
                              compared['downtime_ms']))
    return summary + [''] + lines


def render_record(record):
    """The readable results of every recorded run, newest last, then every
    run of the current method together."""
    parts = [SECTION, '',
             'Rendered from `bench/data/qemu-migration.json`, recorded by '
             '`bench/qemu_migration_bench.py --write-results`.', '']
    for run in record['runs']:
        parts.append(render(run['results'], run['meta']))
    parts += render_across_runs(record)
    return '\n'.join(parts)


def main():
    build = os.path.join(os.path.dirname(HERE), 'build')
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--qmpd', default=os.path.join(build, 'system', 'qmpd'))
    ap.add_argument('--qemu', default=shutil.which('qemu-system-x86_64'))
    ap.add_argument('--kernel',
                    default=os.path.join(build, 'tests', 'guest', 'vmlinuz'))
    ap.add_argument('--initrd', default=os.path.join(
        build, 'tests', 'guest', 'initramfs.cpio.gz'))
    ap.add_argument('--mem', default='1152M',
                    help='guest RAM (the in-RAM root may use half of it)')
    ap.add_argument('--fill', type=int, default=512, help='MiB of random')
    ap.add_argument('--bandwidth', type=int, default=100 << 30)
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--boot-timeout', type=float, default=300.0)
    ap.add_argument('--prealloc', action='store_true',
                    help='guest RAM from memory-backend-ram,prealloc=on: '
                    'each destination backs all its RAM when it starts, '
                    'so the migration itself takes no fresh memory')
    ap.add_argument('--seed', type=int, default=1,
                    help='seed of the order of the kinds in each round')
    ap.add_argument('--warmup', type=int, default=1,
                    help='hops per guest before the measured rounds')
    ap.add_argument('--settle', type=float, default=1.0,
                    help='seconds the resumed guest runs before a hop')
    ap.add_argument('--dest-idle', type=float, default=0.0,
                    help='seconds between the destination being ready '
                    'and "migrate"')
    ap.add_argument('--warm-host', type=int, default=0, metavar='MIB',
                    help='right before each migrate, touch and free MIB '
                    'MiB of fresh memory, so that destinations get memory '
                    'the host already backs (see warm_host())')
    ap.add_argument('--kinds', default='qmpd,qmpd-configured,qemu',
                    help='comma-separated subset of qmpd,qmpd-configured,'
                    'qemu-fd,qemu (qemu is always run: the ratios need it)')
    ap.add_argument('--guests', type=int, default=1,
                    help='guests per kind (KIND, KIND-b, KIND-c, ...), '
                    'their hops pooled: what one guest dirties stays with '
                    'it from hop to hop, so two guests of one kind can '
                    'differ as much as the kinds do')
    results.add_record_args(ap, 'qemu-migration.json')
    args = ap.parse_args()
    if results.render_record(args, render_record):
        return
    for what in ('qmpd', 'qemu', 'kernel', 'initrd'):
        if not getattr(args, what) or not os.path.exists(getattr(args, what)):
            sys.exit('missing %s: %r' % (what, getattr(args, what)))
    known = ('qmpd', 'qmpd-configured', 'qemu-fd', 'qemu')
    asked = args.kinds.split(',')
    for k in asked:
        if k not in known:
            sys.exit('unknown kind %r' % k)
    if args.warm_host and args.prealloc:
        sys.exit('--warm-host is for lazily backed RAM: --prealloc backs '
                 'all of it before migrate anyway')
    if not 1 <= args.guests <= len(GUEST_LETTERS) + 1:
        sys.exit('--guests: 1 to %d' % (len(GUEST_LETTERS) + 1))
    kinds = tuple(k + suffix for k in known if k in asked or k == 'qemu'
                  for suffix in [''] + ['-' + c for c in
                                        GUEST_LETTERS[:args.guests - 1]])
    rounds = {k: [] for k in kinds}
    load_start = '%.2f' % os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix='qmpd-qmig-') as tmp:
        chains = {}
        # The guest booted first waits longest for its first hop; the
        # boot order is shuffled too, and recorded.
        boot_order = random.Random(args.seed + 1000).sample(kinds, len(kinds))
        try:
            for kind in boot_order:
                chains[kind] = Chain(kind, args, tmp)
                print('%s: booted and filled' % kind, flush=True)
            for n in range(args.warmup):
                for kind in kinds:
                    fig = chains[kind].hop()
                    print('warm-up %d %s: %s' % (n, kind, fig), flush=True)
            # Shuffled, not rotated: how fast a destination gets fresh
            # memory depends on what the hops before it freed (see
            # wait_memory_reported()), and a fixed pattern could favour a
            # kind.
            rng = random.Random(args.seed)
            for n in range(args.rounds):
                order = rng.sample(kinds, len(kinds))
                for kind in order:
                    fig = chains[kind].hop()
                    print('round %d %s: %s' % (n, kind, fig), flush=True)
                    rounds[kind].append(fig)
        finally:
            for chain in chains.values():
                chain.close()
    meta = {
        'date': datetime.datetime.now(datetime.timezone.utc).strftime(
            '%Y-%m-%d %H:%M UTC'),
        'machine': '%d CPUs, %s' % (os.cpu_count(), platform.platform()),
        'rounds': args.rounds, 'mem': args.mem, 'fill': args.fill,
        'bandwidth': args.bandwidth, 'load_start': load_start,
        'method': 'chain', 'settle_s': args.settle,
        'warmup': args.warmup, 'serial': 'drained',
        'prealloc': args.prealloc, 'seed': args.seed,
        'guests': args.guests, 'dest_idle_s': args.dest_idle,
        'warm_host_mib': args.warm_host,
        'boot_order': list(boot_order),
        'load_end': '%.2f' % os.getloadavg()[0],
    }
    print(render(rounds, meta))
    if args.write_results:
        results.append_run(RECORD, {'meta': meta, 'results': rounds})


if __name__ == '__main__':
    main()
