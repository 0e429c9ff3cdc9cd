#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Side-by-side benchmark of the qtest protocol: qmpd against a reference
QEMU.

Both binaries run as '-M pc -nodefaults -display none -S -qtest unix:SOCK
-qtest-log /dev/null' and connect to a socket this script listens on, as
libqtest does (QEMU 7.2 has no qtest accelerator, but -qtest with -S
serves port and memory requests under TCG).  Measured per binary, each
request waiting for its reply (no pipelining):

  outb+inb     pairs of 'outb 0x80 0x1' / 'inb 0x80' per second, the
               client sleeping until each reply (like libqtest)
  writel+readl pairs of 'writel ADDR V' / 'readl ADDR' per second
  outb+inb polling
               the same with a client that spins on its socket instead
               of sleeping, so the server's own wake-up cost shows
  b64write     MiB/s writing 1 MiB per request
  b64read      MiB/s reading 1 MiB per request
  read 64x1    MiB/s of one hex 'read' of 64 MiB (a 128 MiB reply)
  read 1x64    MiB/s of the same 64 MiB as 64 hex reads of 1 MiB

Prints a table with ratios (qmpd / reference, bigger is better for qmpd);
--write-results adds the run to bench/data/qtest.json, which the build
renders (--render).  Nothing here asserts on timings.
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

import results

ACCEPT_TIMEOUT = 30.0
MIB = 1 << 20
TARGETS = {'outb+inb': 3.0, 'writel+readl': 3.0, 'outb+inb polling': 3.0,
           'b64write': 5.0, 'b64read': 5.0}


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

    def request_polling(self, line):
        """Like request(), but spins on a non-blocking socket instead of
        sleeping until the reply arrives (a client that trades CPU for
        latency).  Only for short replies: the buffered reader is bypassed,
        so the two styles must not be mixed within a measurement."""
        sock = self.sock
        sock.sendall(line)
        buf = b''
        while True:
            try:
                chunk = sock.recv(4096, socket.MSG_DONTWAIT)
            except BlockingIOError:
                continue
            if not chunk:
                raise RuntimeError('connection closed')
            buf += chunk
            if buf.endswith(b'\n'):
                break
        if not buf.startswith(b'OK') or buf.count(b'\n') != 1:
            raise RuntimeError('%r: unexpected reply %r' % (line, buf[:200]))
        return buf

    def close(self):
        self.sock.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def pairs_per_second(peer, first, second, count, polling=False):
    send = peer.request_polling if polling else peer.request
    start = time.perf_counter()
    for _ in range(count):
        send(first)
        send(second)
    return count / (time.perf_counter() - start)


BLOCK = bytes((i * 7 + (i >> 10)) & 0xff for i in range(MIB))


def b64write_mib_s(peer, count):
    line = b'b64write 0x100000 0x100000 ' + base64.b64encode(BLOCK) + b'\n'
    start = time.perf_counter()
    for _ in range(count):
        peer.request(line)
    return count / (time.perf_counter() - start)


def timed_reads(peer, line, reply_len, count):
    """Sends @line @count times, receiving each reply of known length
    straight into one buffer (a line reader or a decoder in Python would
    measure the client, not the server).  Returns the seconds taken and
    the last reply, for the caller to check after timing."""
    buf = bytearray(reply_len)
    view = memoryview(buf)
    start = time.perf_counter()
    for _ in range(count):
        peer.sock.sendall(line)
        got = 0
        while got < reply_len:
            n = peer.sock.recv_into(view[got:])
            if n == 0:
                raise RuntimeError('connection closed')
            got += n
    return time.perf_counter() - start, buf


def b64read_mib_s(peer, count):
    seconds, buf = timed_reads(peer, b'b64read 0x100000 0x100000\n',
                               len(b'OK ') + len(base64.b64encode(BLOCK)) + 1,
                               count)
    if not buf.startswith(b'OK ') or buf[-1:] != b'\n' or \
            base64.b64decode(bytes(buf[3:-1])) != BLOCK:
        raise RuntimeError('b64read returned other bytes than written')
    return count / seconds


def hex_read_mib_s(peer, size, count):
    # The first MiB (written by the warm-up) is compared.
    seconds, buf = timed_reads(peer, b'read 0x100000 0x%x\n' % size,
                               len(b'OK 0x') + 2 * size + 1, count)
    if not buf.startswith(b'OK 0x') or buf[-1:] != b'\n' or \
            bytes(buf[5:5 + 2 * MIB]) != BLOCK.hex().encode():
        raise RuntimeError('read returned other bytes than written')
    return count * size / MIB / seconds


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
            'outb+inb polling': pairs_per_second(
                peer, b'outb 0x80 0x1\n', b'inb 0x80\n', args.pairs,
                polling=True),
            'b64write': b64write_mib_s(peer, args.blocks),
            'b64read': b64read_mib_s(peer, args.blocks),
            'read 64x1': hex_read_mib_s(peer, 64 * MIB, 1),
            'read 1x64': hex_read_mib_s(peer, MIB, 64),
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
         'outb+inb polling': 'pairs/s', 'b64write': 'MiB/s',
         'b64read': 'MiB/s', 'read 64x1': 'MiB/s', 'read 1x64': 'MiB/s'}


def table(mine, ref):
    rows = ['| metric | unit | qmpd | qemu | advantage | target |',
            '| --- | --- | ---: | ---: | ---: | ---: |']
    for key in ('outb+inb', 'writel+readl', 'outb+inb polling', 'b64write',
                'b64read', 'read 64x1', 'read 1x64'):
        theirs = ref.get(key) if ref else None
        ratio = '%.1fx' % (mine[key] / theirs) if theirs else '-'
        target = '>= %gx' % TARGETS[key] if key in TARGETS else '-'
        rows.append('| %s | %s | %.1f | %s | %s | %s |' % (
            key, UNITS[key], mine[key],
            '%.1f' % theirs if theirs else '-', ratio, target))
    return '\n'.join(rows)


def run_record(args, mine, ref, ref_binary):
    """One run as bench/data/qtest.json keeps it."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return {
        'date': now.strftime('%Y-%m-%d %H:%M UTC'),
        'machine': '%d CPUs, %s' % (os.cpu_count() or 0, platform.platform()),
        'load_average_at_start': args.load,
        'qmpd': '`%s` (%s)' % (args.binary, version_of(args.binary)),
        'reference': ('`%s` (%s)' % (ref_binary, version_of(ref_binary))
                      if ref_binary else 'not installed'),
        'pairs': args.pairs, 'blocks': args.blocks,
        'qmpd_results': mine, 'reference_results': ref,
    }


def render(record):
    """The readable results: every recorded run, newest first."""
    text = [
        '# qtest protocol',
        '',
        'Rendered from bench/data/qtest.json (`bench/qtest_bench.py '
        '--write-results` adds a run).',
        '"advantage" is qmpd\'s rate divided by the reference\'s; each '
        'request',
        'waits for its reply.  Targets are from the issue, never asserted.',
    ]
    for run in reversed(record['runs']):
        text += [
            '',
            '## Run of %s' % run['date'],
            '',
            '- machine: %s; load average %.2f at start' % (
                run['machine'], run['load_average_at_start']),
            '- qmpd: %s' % run['qmpd'],
            '- reference: %s' % run['reference'],
            '- both run as `-M pc -nodefaults -display none -S -m 128 -qtest '
            'unix:SOCK -qtest-log /dev/null`',
            '- pairs per measurement: %d; 1 MiB blocks per measurement: %d'
            % (run['pairs'], run['blocks']),
            '',
            table(run['qmpd_results'], run['reference_results']),
        ]
    return '\n'.join(text) + '\n'


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--binary', default='build/system/qmpd')
    parser.add_argument('--reference',
                        default=shutil.which('qemu-system-x86_64'))
    parser.add_argument('--pairs', type=int, default=20000)
    parser.add_argument('--blocks', type=int, default=64)
    results.add_record_args(parser, 'qtest.json')
    args = parser.parse_args()
    if results.render_record(args, render):
        return 0
    args.load = os.getloadavg()[0]

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
        results.append_run(os.path.join(here, 'data', 'qtest.json'),
                           run_record(args, mine, ref, args.reference))
    return 0


if __name__ == '__main__':
    sys.exit(main())
