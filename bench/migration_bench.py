#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Side-by-side benchmark of RAM migration: qmpd against a reference QEMU.

Three guests, each migrated over a unix socket between two processes of
the same binary:

  random-warm  '-m 4G', 2 GiB of random bytes written at 0..2 GiB; the
               host has just backed the memory the destination gets
  random-cold  the same guest, but the destination's memory is new to
               the host (see below)
  zero         '-m 1G', 16 MiB of random bytes, the rest never written

Both ends run '-M pc -nodefaults -display none -m SIZE'; the source adds
'-S' (the guest stays paused, i.e. idle) and '-qtest unix:SOCK', through
which this script fills RAM with 'b64write' requests of 1 MiB (QEMU 7.2
has no qtest accelerator, but '-qtest' with '-S' serves memory requests
under TCG).  The random data is the same 64 MiB buffer repeated, which
makes no difference to either implementation (neither deduplicates).
Both sides get max-bandwidth 100 GiB/s (QEMU's default is 128 MiB/s) and
keep the default downtime-limit (300 ms).  Reported from the source's
query-migrate once it shows 'completed': total-time, downtime and
ram.transferred; throughput = transferred / total-time.  The reference
runs twice: on one channel, and with the multifd capability on four
channels (for information: the targets compare single channels).

Warm and cold memory.  These machines are virtual machines whose
hypervisor backs guest memory on first touch and takes back what the
guest kernel reports free (free page reporting, a few seconds after it is
freed).  A destination writing 2 GiB into memory the host does not back
pays a hypervisor fault per page, several times the cost of the kernel's
own page clear, and that, not either program, sets the pace.  So each
random migration runs twice: 'warm' touches and frees 2.5 GiB just
before 'migrate' (backed pages head the free lists, as on bare metal),
'cold' waits COLD_WAIT seconds first so the host has taken them back.

Measured in the same run, each round:
- the unix-socket ceiling: a child process writes 2 GiB in 4 MiB pieces
  into a socketpair, the parent reads them into one buffer (no fresh
  memory on either side);
- the cold backing rate: after COLD_WAIT seconds, two threads populate
  2 GiB of new memory (MADV_POPULATE_WRITE); the most a destination on
  this machine can land per second in cold memory, doing nothing else.

Every measurement is repeated --rounds times, the binaries alternating,
and the tables give the median with the range.

--write-results records the run's raw figures in bench/data/migration.json;
the build renders that record (--render RECORD --output FILE) into
BUILD/bench/migration-results.md, tables and reading notes included, so
only measurements are committed.  Nothing here asserts on timings.  Python 3 standard library only.
"""
import argparse
import base64
import ctypes
import datetime
import mmap
import statistics
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import results


ACCEPT_TIMEOUT = 60.0
MIB = 1 << 20
GIB = 1 << 30
MADV_POPULATE_WRITE = 23  # Linux 5.14
# Long enough for free page reporting to hand freed memory to the host.
COLD_WAIT = 10.0
SECTION = '## migration'
# name, guest RAM, bytes written, the destination's memory
SCENARIOS = [('random-warm', '4G', 2 * GIB, 'warm'),
             ('random-cold', '4G', 2 * GIB, 'cold'),
             ('zero', '1G', 16 * MIB, 'warm')]
BASE_ARGS = ['-M', 'pc', '-nodefaults', '-display', 'none']
NOTES = '''
Reading the table:

- {reach}
- The socket ceiling moves bytes between two buffers and never touches
  new memory; the cold backing rate is two threads doing nothing but
  faulting memory in, while a migration also copies every byte through
  the socket.  A migration does all of that work and more, so neither
  limit is there to be passed (both are noisy; a single run may come out
  a little above one).  The reference's warm rate varies
  a lot between runs (0.6 to 2.4 GB/s in runs on 2026-12-04), so the
  warm ratio does too; at 2.4 GB/s, 3x would be above the ceiling.
- Both CPUs are busy for the whole warm transfer.  A perf profile of a
  warm run (2026-12-04, all CPUs) split the busy samples about 45%
  source, 37% destination and 18% the destination's populator.  The
  largest items: the source's kernel copying guest RAM (in no cache)
  into the socket, 28% of busy samples; the populator's page clearing,
  16%; the destination copying pages from its receive buffer into RAM,
  13%, and out of the socket, 11%.  qmpd's other code (page records,
  dirty bitmap, stream parsing) is about 5%.
- So more channels cannot help on two CPUs: the reference's four
  multifd channels stay well behind qmpd's one.  What is left to win is
  work, not parallelism: a packet format that names pages before their
  data (as multifd's does) would let the destination read pages straight
  into RAM and save the copy out of its receive buffer.
- The unix socket send buffer matters: with the kernel's default (about
  200 KiB) the source stalled whenever the destination loaded a section;
  qmpd asks for 4 MiB (capped by net.core.wmem_max), which took the warm
  case from about 4.3 to 5.0 GB/s in alternating runs.
- Downtime is the stop-and-copy of the device sections and the last
  dirty pages, and qmpd's includes the destination loading them and
  answering (the source completes on the destination's verdict).  The
  source stops the guest only when the destination's PONG says it loaded
  everything sent before; stopping when the socket was merely empty left
  up to a socket buffer of loading inside the downtime (up to 27 ms in
  cold runs on 2026-12-04).
'''


def listen(path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    sock.listen(1)
    sock.settimeout(ACCEPT_TIMEOUT)
    return sock


class Peer:
    """One started binary with QMP (and optionally qtest) connections."""

    def __init__(self, binary, tmpdir, tag, args, qtest=False):
        qmp_path = os.path.join(tmpdir, tag + '-qmp.sock')
        qt_path = os.path.join(tmpdir, tag + '-qtest.sock')
        qmp_l = listen(qmp_path)
        qt_l = listen(qt_path) if qtest else None
        argv = [binary] + BASE_ARGS + args + [
            '-chardev', 'socket,path=%s,id=bench0' % qmp_path,
            '-mon', 'chardev=bench0,mode=control']
        if qtest:
            argv += ['-qtest', 'unix:' + qt_path, '-qtest-log', '/dev/null']
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        try:
            self.qmp, _ = qmp_l.accept()
            self.qt = qt_l.accept()[0] if qtest else None
        finally:
            qmp_l.close()
            os.unlink(qmp_path)
            if qt_l is not None:
                qt_l.close()
                os.unlink(qt_path)
        self.qmp.settimeout(ACCEPT_TIMEOUT)
        self.rfile = self.qmp.makefile('rb')
        self.rfile.readline()
        self.cmd('qmp_capabilities')
        if self.qt is not None:
            self.qt.settimeout(ACCEPT_TIMEOUT)
            self.qt_rfile = self.qt.makefile('rb')

    def cmd(self, name, **args):
        req = {'execute': name}
        if args:
            req['arguments'] = args
        self.qmp.sendall(json.dumps(req).encode())
        while True:
            reply = json.loads(self.rfile.readline())
            if 'return' in reply:
                return reply['return']
            if 'error' in reply:
                raise RuntimeError('%s: %s' % (name, reply['error']))

    def b64write(self, addr, size, data_b64):
        self.qt.sendall(b'b64write 0x%x 0x%x ' % (addr, size) + data_b64 +
                        b'\n')
        line = self.qt_rfile.readline()
        if not line.startswith(b'OK'):
            raise RuntimeError('b64write: %r' % line[:100])

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def random_chunks():
    rnd = os.urandom(64 * MIB)
    return [base64.b64encode(rnd[i:i + MIB]) for i in range(0, 64 * MIB, MIB)]


def wait_completed(peer, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = peer.cmd('query-migrate')
        status = info.get('status')
        if status == 'completed':
            return info
        if status in ('failed', 'cancelled'):
            raise RuntimeError('migration %s: %s' %
                               (status, info.get('error-desc')))
        time.sleep(0.05)
    raise RuntimeError('migration did not complete')


def populate(mem, offset, size):
    """Faults in @size bytes of the mmap @mem at @offset for writing."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    base = ctypes.c_char.from_buffer(mem, offset)
    try:
        if libc.madvise(ctypes.addressof(base), size,
                        MADV_POPULATE_WRITE) != 0:
            for off in range(offset, offset + size, mmap.PAGESIZE):
                mem[off] = 1
    finally:
        del base


def back_free_memory(size):
    """Has the host back @size bytes of guest memory, then frees them, so
    the next process to allocate memory gets pages the host backs."""
    mem = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    try:
        populate(mem, 0, size)
    finally:
        mem.close()


def cold_backing_rate(total=2 * GIB, threads=2):
    """GB/s at which @threads threads fault in @total bytes of memory the
    host has taken back (after COLD_WAIT seconds of rest)."""
    time.sleep(COLD_WAIT)
    mem = mmap.mmap(-1, total, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    try:
        part = total // threads
        workers = [threading.Thread(target=populate, args=(mem, i * part,
                                                            part))
                   for i in range(threads)]
        start = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return total / (time.perf_counter() - start) / 1e9
    finally:
        mem.close()


def migrate_once(binary, tmpdir, tag, mem, fill, chunks, memory='cold',
                 channels=1):
    src = Peer(binary, tmpdir, tag + '-src', ['-S', '-m', mem], qtest=True)
    dst = None
    try:
        for off in range(0, fill, MIB):
            src.b64write(off, MIB, chunks[(off // MIB) % len(chunks)])
        dst = Peer(binary, tmpdir, tag + '-dst',
                   ['-m', mem, '-incoming', 'defer'])
        for p in (src, dst):
            p.cmd('migrate-set-parameters', **{'max-bandwidth': 100 * GIB})
            if channels > 1:
                p.cmd('migrate-set-capabilities', capabilities=[
                    {'capability': 'multifd', 'state': True}])
                p.cmd('migrate-set-parameters',
                      **{'multifd-channels': channels})
        uri = 'unix:' + os.path.join(tmpdir, tag + '-mig.sock')
        dst.cmd('migrate-incoming', uri=uri)
        if memory == 'warm':
            back_free_memory(fill + 512 * MIB)
        else:
            time.sleep(COLD_WAIT)
        src.cmd('migrate', uri=uri)
        info = wait_completed(src)
        wait_completed(dst)
        ram = info['ram']
        total_ms = info['total-time']
        return {'total_ms': total_ms, 'downtime_ms': info['downtime'],
                'transferred': ram['transferred'],
                'normal_bytes': ram['normal-bytes'],
                'gbps': ram['transferred'] / (total_ms / 1000.0) / 1e9}
    finally:
        src.stop()
        if dst is not None:
            dst.stop()


def socket_ceiling(total=2 * GIB, piece=4 * MIB):
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:
        a.close()
        data = memoryview(os.urandom(piece))
        for _ in range(total // piece):
            b.sendall(data)
        b.close()
        os._exit(0)
    b.close()
    buf = bytearray(piece)
    view = memoryview(buf)
    got = 0
    start = time.perf_counter()
    while got < total:
        n = a.recv_into(view, piece)
        if n == 0:
            break
        got += n
    elapsed = time.perf_counter() - start
    a.close()
    os.waitpid(pid, 0)
    return got / elapsed / 1e9


def median_range(values, fmt):
    """'median (min-max)' of @values, each formatted with @fmt."""
    med = statistics.median(values)
    if len(values) == 1:
        return fmt % med
    return '%s (%s-%s)' % (fmt % med, fmt % min(values), fmt % max(values))


def version_of(binary):
    try:
        out = subprocess.run([binary, '-version'], capture_output=True,
                             text=True, timeout=30).stdout
        return out.splitlines()[0] if out else '?'
    except (OSError, subprocess.SubprocessError):
        return '?'


def section_text(record):
    """Renders a run's @record (see main()); reads nothing else."""
    res, configs = record['res'], record['configs']
    ceiling = statistics.median(record['ceilings'])
    bound = statistics.median(record['backing'])
    tags = [tag for tag, _, _ in configs]
    mine, ref = res['qmpd'], res.get('qemu')
    lines = [SECTION, '',
             'Rendered from `bench/data/migration.json`, recorded by '
             '`bench/migration_bench.py',
             '--write-results`.  RAM migration over a unix socket between '
             'two processes of',
             'the same binary; see the script\'s docstring for the method '
             '(warm and cold',
             'destination memory included).  Throughput is ram.transferred '
             '/ total-time',
             '(GB = 1e9 bytes); downtime is query-migrate\'s (ms).  Each '
             'cell is the median',
             'of %d rounds (the binaries alternating), with the range.  '
             '"ratio" is qmpd' % record['rounds'],
             'against the reference on one channel.', '',
             '- date: %s' % record['date'],
             '- machine: %d CPUs' % record['cpus'],
             '- qmpd: `%s`' % record['qmpd'],
             '- reference: `%s` (%s)' % (record['reference'],
                                         record['reference_version']),
             '- unix socket ceiling (same run): %s GB/s' %
             median_range(record['ceilings'], '%.2f'),
             '- cold backing rate (same run, two threads populating 2 GiB '
             'of memory the host took back): %s GB/s' %
             median_range(record['backing'], '%.2f'), '',
             '| guest | metric | %s | ratio | target |' % ' | '.join(tags),
             '| --- | --- |%s ---: | ---: |' % (' ---: |' * len(tags))]

    def cell(tag, name, key, fmt, scale=1.0):
        runs = res.get(tag, {}).get(name)
        if not runs:
            return '-'
        return median_range([r[key] * scale for r in runs], fmt)

    def med(runs, key):
        return statistics.median(r[key] for r in runs)

    def row(name, metric, key, fmt, ratio, target, scale=1.0):
        cells = [cell(tag, name, key, fmt, scale) for tag in tags]
        lines.append('| %s | %s | %s | %s | %s |' % (
            name, metric, ' | '.join(cells), ratio, target))

    for name, _, _, memory in SCENARIOS:
        m = mine[name]
        r = ref[name] if ref else None
        is_random = name.startswith('random')
        row(name, 'throughput GB/s', 'gbps', '%.2f',
            '%.2fx' % (med(m, 'gbps') / med(r, 'gbps')) if r else '-',
            '>= 3x' if is_random else '-')
        row(name, 'share of socket ceiling', 'gbps', '%.0f%%', '-',
            '>= 75%' if is_random else '-', scale=100.0 / ceiling)
        if memory == 'cold':
            row(name, 'share of cold backing rate', 'gbps', '%.0f%%', '-',
                '-', scale=100.0 / bound)
        row(name, 'total-time ms', 'total_ms', '%d', '-', '-')
        row(name, 'downtime ms', 'downtime_ms', '%d', '-',
            '<= qemu' if name == 'zero' else '-')
        row(name, 'transferred MB', 'transferred', '%.1f', '-', '-',
            scale=1e-6)
    return '\n'.join(lines) + '\n' + NOTES.format(
        reach=reach_text(res, ceiling, bound))


def reach_text(res, ceiling, bound):
    """Per regime: the 3x target against this run's physical limit."""
    ref = res.get('qemu')
    if not ref:
        return 'No reference ran, so no ratio.'
    out = []
    for name, limit, what in (
            ('random-warm', ceiling, 'the socket ceiling'),
            ('random-cold', bound, 'the cold backing rate')):
        mine = statistics.median(r['gbps'] for r in res['qmpd'][name])
        goal = 3 * statistics.median(r['gbps'] for r in ref[name])
        verdict = ('met' if mine >= goal else
                   'not met, but within reach' if goal < limit else
                   'out of reach for any program here')
        share = ''
        if limit is ceiling:
            share = '; 75%% of the ceiling: %s' % (
                'met' if mine >= 0.75 * ceiling else 'not met')
        out.append('%s: 3x the reference is %.2f GB/s against %s of\n'
                   '  %.2f GB/s.  qmpd moved %.2f GB/s (%.0f%% of that '
                   'limit).  3x: %s%s.' % (name, goal, what, limit, mine,
                                          100 * mine / limit, verdict,
                                          share))
    return '\n- '.join(out)


def measure(args):
    """Runs every round; Returns: the record section_text() renders."""
    chunks = random_chunks()
    ceilings, backing = [], []
    configs = [('qmpd', args.qmpd, 1)]
    if not args.no_reference:
        configs.append(('qemu', args.reference, 1))
        if not args.no_multifd:
            configs.append(('qemu multifd 4', args.reference, 4))
    res = {tag: {name: [] for name, _, _, _ in SCENARIOS}
           for tag, _, _ in configs}
    with tempfile.TemporaryDirectory(prefix='migbench-') as tmpdir:
        for rnd in range(args.rounds):
            ceilings.append(socket_ceiling())
            backing.append(cold_backing_rate())
            print('round %d: socket ceiling %.2f GB/s, cold backing rate '
                  '%.2f GB/s' % (rnd, ceilings[-1], backing[-1]), flush=True)
            # Alternate which binary goes first, so neither always
            # inherits the memory the other just freed.
            order = configs if rnd % 2 == 0 else configs[::-1]
            for tag, binary, channels in order:
                for name, mem, fill, memory in SCENARIOS:
                    run = migrate_once(binary, tmpdir, 'r%d%s' % (rnd, name),
                                       mem, fill, chunks, memory, channels)
                    res[tag][name].append(run)
                    print('%-14s %-11s %s' % (tag, name, run), flush=True)
    return {'date': datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M UTC'),
            'cpus': os.cpu_count(), 'qmpd': args.qmpd,
            'reference': args.reference,
            'reference_version': version_of(args.reference),
            'rounds': args.rounds, 'configs': configs, 'res': res,
            'ceilings': ceilings, 'backing': backing}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--qmpd', default=os.path.join(
        here, '..', 'build', 'system', 'qmpd'))
    ap.add_argument('--reference', default=shutil.which(
        'qemu-system-x86_64') or '/usr/bin/qemu-system-x86_64')
    ap.add_argument('--no-reference', action='store_true')
    ap.add_argument('--no-multifd', action='store_true',
                    help='skip the reference\'s four-channel runs')
    ap.add_argument('--rounds', type=int, default=3)
    results.add_record_args(ap, 'migration.json')
    args = ap.parse_args()
    if results.render_record(args, section_text):
        return 0

    record = measure(args)
    print(section_text(record))
    if args.write_results:
        with open(os.path.join(here, 'data', 'migration.json'), 'w',
                  encoding='utf-8') as f:
            json.dump(record, f, indent=1)
            f.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
