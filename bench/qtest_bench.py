#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Side-by-side benchmark of the qtest protocol: qmpd against a reference
QEMU.

Both binaries run as '-M pc -nodefaults -display none -S -qtest unix:SOCK
-qtest-log /dev/null' and connect to a socket this script listens on, as
libqtest does (QEMU 7.2 has no qtest accelerator, but -qtest with -S
serves port and memory requests under TCG).  Measured per binary, each
request waiting for its reply (no pipelining):

  outb+inb     pairs of 'outb 0x80 0x1' / 'inb 0x80' per second
  writel+readl pairs of 'writel ADDR V' / 'readl ADDR' per second
  b64write     MiB/s writing 1 MiB per request
  b64read      MiB/s reading 1 MiB per request

Prints a table with ratios (qmpd / reference, bigger is better for qmpd);
--write-results replaces the "qtest protocol" section of bench/RESULTS.md
and leaves the rest of the file alone.  Nothing here asserts on timings.
Python 3 standard library only.
"""
import argparse
import base64
import datetime
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ACCEPT_TIMEOUT = 30.0
MIB = 1 << 20
SECTION = '## qtest protocol'
TARGETS = {'outb+inb': 3.0, 'writel+readl': 3.0, 'b64write': 5.0,
           'b64read': 5.0}


class QTestPeer:
    """One started binary with its qtest connection."""

    def __init__(self, binary, tmpdir, tag):
        path = os.path.join(tmpdir, tag + '.sock')
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(1)
        listener.settimeout(ACCEPT_TIMEOUT)
        argv = [binary, '-M', 'pc', '-nodefaults', '-display', 'none', '-S',
                '-m', '128', '-qtest', 'unix:' + path,
                '-qtest-log', '/dev/null']
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        try:
            self.sock, _ = listener.accept()
        finally:
            listener.close()
            os.unlink(path)
        self.sock.settimeout(ACCEPT_TIMEOUT)
        self.rfile = self.sock.makefile('rb', buffering=1 << 22)

    def request(self, line):
        self.sock.sendall(line)
        reply = self.rfile.readline()
        if not reply.startswith(b'OK'):
            raise RuntimeError('%r: unexpected reply %r' % (line[:60],
                                                            reply[:200]))
        return reply

    def close(self):
        self.sock.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def pairs_per_second(peer, first, second, count):
    start = time.perf_counter()
    for _ in range(count):
        peer.request(first)
        peer.request(second)
    return count / (time.perf_counter() - start)


def b64write_mib_s(peer, count):
    data = bytes((i * 7 + (i >> 10)) & 0xff for i in range(MIB))
    line = b'b64write 0x100000 0x100000 ' + base64.b64encode(data) + b'\n'
    start = time.perf_counter()
    for _ in range(count):
        peer.request(line)
    return count / (time.perf_counter() - start)


def b64read_mib_s(peer, count):
    expect = None
    start = time.perf_counter()
    for _ in range(count):
        reply = peer.request(b'b64read 0x100000 0x100000\n')
        data = base64.b64decode(reply[3:].strip())
        if len(data) != MIB or (expect is not None and data != expect):
            raise RuntimeError('b64read returned %d bytes' % len(data))
        expect = data
    return count / (time.perf_counter() - start)


def measure(binary, tmpdir, tag, args):
    peer = QTestPeer(binary, tmpdir, tag)
    try:
        # warm up the connection and the guest pages
        pairs_per_second(peer, b'outb 0x80 0x1\n', b'inb 0x80\n', 200)
        b64write_mib_s(peer, 2)
        return {
            'outb+inb': pairs_per_second(peer, b'outb 0x80 0x1\n',
                                         b'inb 0x80\n', args.pairs),
            'writel+readl': pairs_per_second(
                peer, b'writel 0x1000 0x12345678\n', b'readl 0x1000\n',
                args.pairs),
            'b64write': b64write_mib_s(peer, args.blocks),
            'b64read': b64read_mib_s(peer, args.blocks),
        }
    finally:
        peer.close()


def version_of(binary):
    try:
        out = subprocess.run([binary, '--version'], capture_output=True,
                             text=True, timeout=10).stdout
        return out.splitlines()[0] if out else '?'
    except (OSError, subprocess.SubprocessError):
        return '?'


UNITS = {'outb+inb': 'pairs/s', 'writel+readl': 'pairs/s',
         'b64write': 'MiB/s', 'b64read': 'MiB/s'}


def table(mine, ref):
    rows = ['| metric | unit | qmpd | qemu | advantage | target |',
            '| --- | --- | ---: | ---: | ---: | ---: |']
    for key in ('outb+inb', 'writel+readl', 'b64write', 'b64read'):
        theirs = ref.get(key) if ref else None
        ratio = '%.1fx' % (mine[key] / theirs) if theirs else '-'
        rows.append('| %s | %s | %.1f | %s | %s | >= %gx |' % (
            key, UNITS[key], mine[key],
            '%.1f' % theirs if theirs else '-', ratio, TARGETS[key]))
    return '\n'.join(rows)


def section_text(args, mine, ref, ref_binary):
    now = datetime.datetime.now(datetime.timezone.utc)
    lines = [
        SECTION,
        '',
        'Written by `bench/qtest_bench.py --write-results`; rerun it to '
        'refresh.',
        '"advantage" is qmpd\'s rate divided by the reference\'s; each '
        'request',
        'waits for its reply.  Targets are from the issue, never asserted.',
        '',
        '- date: %s' % now.strftime('%Y-%m-%d %H:%M UTC'),
        '- machine: %d CPUs, %s' % (os.cpu_count() or 0, platform.platform()),
        '- qmpd: `%s` (%s)' % (args.binary, version_of(args.binary)),
        '- reference: %s' % ('`%s` (%s)' % (ref_binary, version_of(ref_binary))
                             if ref_binary else 'not installed'),
        '- both run as `-M pc -nodefaults -display none -S -m 128 -qtest '
        'unix:SOCK -qtest-log /dev/null`',
        '- pairs per measurement: %d; 1 MiB blocks per measurement: %d' % (
            args.pairs, args.blocks),
        '',
        table(mine, ref),
        '',
    ]
    return '\n'.join(lines)


def write_results(path, text):
    try:
        with open(path) as f:
            old = f.read()
    except FileNotFoundError:
        old = '# Benchmark results\n'
    start = old.find(SECTION + '\n')
    if start < 0:
        new = old.rstrip('\n') + '\n\n' + text
    else:
        end = old.find('\n## ', start + len(SECTION))
        rest = old[end + 1:] if end >= 0 else ''
        new = old[:start] + text + ('\n' + rest if rest else '')
    with open(path, 'w') as f:
        f.write(new)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--binary', default='build/system/qmpd')
    parser.add_argument('--reference',
                        default=shutil.which('qemu-system-x86_64'))
    parser.add_argument('--pairs', type=int, default=20000)
    parser.add_argument('--blocks', type=int, default=64)
    parser.add_argument('--write-results', action='store_true')
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix='qtest-bench-') as tmpdir:
        mine = measure(args.binary, tmpdir, 'qmpd', args)
        ref = None
        if args.reference:
            ref = measure(args.reference, tmpdir, 'qemu', args)
        else:
            print('reference QEMU not installed: qmpd numbers only',
                  file=sys.stderr)
    print(table(mine, ref))
    if args.write_results:
        write_results(os.path.join(here, 'RESULTS.md'),
                      section_text(args, mine, ref, args.reference))
    return 0


if __name__ == '__main__':
    sys.exit(main())
