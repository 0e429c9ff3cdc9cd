#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Side-by-side benchmark of qmpd and a reference QEMU.

Both binaries run the same way: '-M none -nodefaults -display none' with a
QMP monitor that connects to a unix socket this script listens on (as
libqtest does).  Measured per binary:

  greeting   time from exec to the QMP greeting (median of --runs)
  ready      time from exec to the qmp_capabilities reply (median)
  rss        peak resident set (VmHWM) after negotiation and --idle seconds
  rt/s       query-status round trips per second on one client

Prints a table with ratios (reference / qmpd, so bigger is better for
qmpd); --write-results adds the run to bench/data/qmp.json, which the
build renders (--render).  Nothing here asserts on timings.  Python 3 standard library only.
"""
import argparse
import datetime
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import results

COMMON_ARGS = ['-M', 'none', '-nodefaults', '-display', 'none']
ACCEPT_TIMEOUT = 30.0
TARGETS = {'ready': 5.0, 'rss': 5.0, 'rt/s': 3.0}


class Daemon:
    """One started binary with a negotiated QMP connection."""

    def __init__(self, binary, tmpdir, tag):
        path = os.path.join(tmpdir, tag + '.sock')
        if os.path.exists(path):
            os.unlink(path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(1)
        listener.settimeout(ACCEPT_TIMEOUT)
        argv = [binary] + COMMON_ARGS + [
            '-chardev', 'socket,path=%s,id=bench0' % path,
            '-mon', 'chardev=bench0,mode=control']
        start = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        try:
            self.sock, _ = listener.accept()
        finally:
            listener.close()
            os.unlink(path)
        self.sock.settimeout(ACCEPT_TIMEOUT)
        self.rfile = self.sock.makefile('rb')
        self._expect(b'"QMP"')
        self.greeting_s = time.perf_counter() - start
        self.sock.sendall(b'{"execute": "qmp_capabilities"}')
        self._expect(b'"return"')
        self.ready_s = time.perf_counter() - start

    def _expect(self, marker):
        line = self.rfile.readline()
        if marker not in line:
            raise RuntimeError('unexpected QMP line: %r' % line[:200])
        return line

    def peak_rss_kib(self):
        with open('/proc/%d/status' % self.proc.pid) as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
        raise RuntimeError('no VmHWM for pid %d' % self.proc.pid)

    def round_trips(self, count):
        req = b'{"execute": "query-status"}'
        start = time.perf_counter()
        for _ in range(count):
            self.sock.sendall(req)
            self._expect(b'"return"')
        return count / (time.perf_counter() - start)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.rfile.close()
        self.sock.close()


def version_of(binary):
    try:
        out = subprocess.run([binary, '-version'], capture_output=True,
                             text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return '?'
    return out.splitlines()[0].strip() if out else '?'


def measure(binary, args, tmpdir, tag):
    greeting, ready = [], []
    for _ in range(args.runs):
        d = Daemon(binary, tmpdir, tag)
        greeting.append(d.greeting_s)
        ready.append(d.ready_s)
        d.stop()
    d = Daemon(binary, tmpdir, tag)
    try:
        time.sleep(args.idle)
        rss = d.peak_rss_kib()
        rts = d.round_trips(args.round_trips)
    finally:
        d.stop()
    return {
        'greeting': statistics.median(greeting) * 1000.0,
        'ready': statistics.median(ready) * 1000.0,
        'rss': float(rss),
        'rt/s': rts,
        'version': version_of(binary),
    }


ROWS = [
    # key, label, unit, True when bigger is better
    ('greeting', 'exec to greeting (median)', 'ms', False),
    ('ready', 'exec to qmp_capabilities (median)', 'ms', False),
    ('rss', 'peak RSS when idle (VmHWM)', 'KiB', False),
    ('rt/s', 'query-status round trips', '1/s', True),
]


def ratio(key, ours, ref, bigger_better):
    if ref is None or ours[key] == 0 or ref[key] == 0:
        return None
    return ours[key] / ref[key] if bigger_better else ref[key] / ours[key]


def table(ours, ref):
    lines = ['| metric | unit | qmpd | qemu | advantage | target |',
             '| --- | --- | ---: | ---: | ---: | ---: |']
    for key, label, unit, bigger in ROWS:
        r = ratio(key, ours, ref, bigger)
        target = TARGETS.get(key)
        lines.append('| %s | %s | %.1f | %s | %s | %s |' % (
            label, unit, ours[key],
            '%.1f' % ref[key] if ref else '-',
            '%.1fx' % r if r is not None else '-',
            '>= %.0fx' % target if target else '-'))
    return '\n'.join(lines)


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or '?'


def run_record(args, ours, ref, ref_binary):
    """One run as bench/data/qmp.json keeps it."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return {
        'date': now.strftime('%Y-%m-%d %H:%M UTC'),
        'machine': '%d CPUs, %s, %s %s' % (os.cpu_count() or 0, cpu_model(),
                                           platform.system(),
                                           platform.release()),
        'qmpd': '`%s` (%s)' % (args.binary, ours['version']),
        'reference': ('`%s` (%s)' % (ref_binary, ref['version'])
                      if ref else 'not installed'),
        'runs': args.runs, 'idle_s': args.idle,
        'round_trips': args.round_trips,
        'qmpd_results': {k: ours[k] for k, _, _, _ in ROWS},
        'reference_results': ({k: ref[k] for k, _, _, _ in ROWS}
                              if ref else None),
    }


def render(record):
    """The readable results: every recorded run, newest first."""
    text = [
        '# QMP start-up, memory and round trips',
        '',
        'Rendered from bench/data/qmp.json (`bench/run.py '
        '--write-results` adds a run).',
        '"advantage" is how many times better qmpd does than the reference',
        '(reference time / qmpd time, reference RSS / qmpd RSS, qmpd round',
        'trips / reference round trips).  Targets are from the issue; they',
        'are reported, never asserted.',
    ]
    for run in reversed(record['runs']):
        text += [
            '',
            '## Run of %s' % run['date'],
            '',
            '- machine: %s' % run['machine'],
            '- qmpd: %s' % run['qmpd'],
            '- reference: %s' % run['reference'],
            '- both run as `%s` with one QMP monitor on a unix socket'
            % ' '.join(COMMON_ARGS),
            '- runs per start-up median: %d; idle before RSS: %.1f s; '
            'round trips: %d' % (run['runs'], run['idle_s'],
                                 run['round_trips']),
            '',
            table(run['qmpd_results'], run['reference_results']),
        ]
    return '\n'.join(text) + '\n'


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--binary', help='the qmpd executable')
    p.add_argument('--reference', default='qemu-system-x86_64',
                   help='reference binary (default: %(default)s if on PATH)')
    p.add_argument('--no-reference', action='store_true',
                   help='measure qmpd only')
    p.add_argument('--runs', type=int, default=20)
    p.add_argument('--round-trips', type=int, default=20000)
    p.add_argument('--idle', type=float, default=0.5)
    results.add_record_args(p, 'qmp.json')
    args = p.parse_args()
    if results.render_record(args, render):
        return 0

    if not args.binary:
        p.error('--binary is required to measure')
    ref_binary = None
    if not args.no_reference:
        ref_binary = shutil.which(args.reference)
        if not ref_binary:
            print('reference %s not installed: measuring qmpd only'
                  % args.reference, file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix='qmpd-bench-') as tmpdir:
        ours = measure(os.path.abspath(args.binary), args, tmpdir, 'qmpd')
        ref = measure(ref_binary, args, tmpdir, 'ref') if ref_binary else None

    print(table(ours, ref))
    if args.write_results:
        path = os.path.join(here, 'data', 'qmp.json')
        results.append_run(path, run_record(args, ours, ref, ref_binary))
        print('recorded in %s' % path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
