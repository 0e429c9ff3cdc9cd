#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""CPR benchmark: qmpd's cpr-transfer against its own precopy.

For each guest size (512M, 2G and, when the host has the memory, 8G) one
source is started per mode, '-S' with '-M aux-ram-share=on' (RAM in a
shared memfd, needed by cpr-transfer; precopy gets the same guest), and
min(1 GiB, half of RAM) of random bytes are written through qtest
('b64write', 1 MiB requests).  Then:

  precopy       migrate over a unix socket to a bare '-incoming defer'
                qmpd (max-bandwidth 100 GiB/s, default downtime-limit);
  cpr-transfer  mode cpr-transfer, migrate with a main and a cpr channel
                (unix sockets) to a bare qmpd started with both
                '-incoming' channels.

Reported from the source's query-migrate once it shows 'completed':
total-time, downtime and ram.transferred (the main channel's bytes).
cpr-exec is not implemented yet (docs/system/cpr.md), so it has no row.

Every measurement is repeated --rounds times, the modes alternating;
tables give the median with the range.  --write-results appends the run
to bench/data/cpr.json; --render RECORD renders a record.  Nothing here
asserts on timings.  Python 3 standard library only.
"""
import argparse
import datetime
import os
import shutil
import sys
import tempfile

import migration_bench as mb
import results

SECTION = '## cpr'
SIZES = [('512M', 512 * mb.MIB), ('2G', 2 * mb.GIB), ('8G', 8 * mb.GIB)]


def fill_source(src, fill, chunks):
    for off in range(0, fill, mb.MIB):
        src.b64write(off, mb.MIB, chunks[(off // mb.MIB) % len(chunks)])


def run_once(binary, tmpdir, mode, mem, fill, chunks):
    tag = '%s-%s' % (mode, mem)
    main_sock = os.path.join(tmpdir, tag + '-main.sock')
    cpr_sock = os.path.join(tmpdir, tag + '-cpr.sock')
    src = mb.Peer(binary, tmpdir, tag + '-src',
                  ['-S', '-m', mem, '-M', 'aux-ram-share=on'], qtest=True)
    dst = None
    try:
        fill_source(src, fill, chunks)
        if mode == 'precopy':
            dst = mb.Peer(binary, tmpdir, tag + '-dst', ['-incoming', 'defer'])
            for p in (src, dst):
                p.cmd('migrate-set-parameters',
                      **{'max-bandwidth': 100 * mb.GIB})
            dst.cmd('migrate-incoming', uri='unix:' + main_sock)
            src.cmd('migrate', uri='unix:' + main_sock)
        else:
            dst = mb.Peer(binary, tmpdir, tag + '-dst', [
                '-incoming', 'unix:' + main_sock, '-incoming',
                'cpr,addr.transport=socket,addr.type=unix,addr.path=' +
                cpr_sock])
            src.cmd('migrate-set-parameters', mode='cpr-transfer')
            unix = {'transport': 'socket', 'type': 'unix'}
            src.cmd('migrate', channels=[
                {'channel-type': 'main', 'addr': dict(unix, path=main_sock)},
                {'channel-type': 'cpr', 'addr': dict(unix, path=cpr_sock)}])
        info = mb.wait_completed(src, timeout=600.0)
        mb.wait_completed(dst)
        return {'total_ms': info['total-time'],
                'downtime_ms': info['downtime'],
                'transferred': info['ram']['transferred']}
    finally:
        src.stop()
        if dst is not None:
            dst.stop()


def available_bytes():
    with open('/proc/meminfo', encoding='ascii') as f:
        for line in f:
            if line.startswith('MemAvailable:'):
                return int(line.split()[1]) * 1024
    return 0


def measure(args):
    chunks = mb.random_chunks()
    rows = {}
    tmpdir = tempfile.mkdtemp(prefix='cpr-bench-')
    try:
        for name, size in SIZES:
            if args.sizes and name not in args.sizes.split(','):
                continue
            fill = min(mb.GIB, size // 2)
            # precopy holds two copies of RAM at once
            if 2 * size + mb.GIB > available_bytes():
                print('skipping %s: not enough memory' % name)
                continue
            for rnd in range(args.rounds):
                for mode in ('precopy', 'cpr-transfer'):
                    r = run_once(args.qmpd, tmpdir, mode, name, fill, chunks)
                    print('%s %s round %d: %s' % (name, mode, rnd + 1, r))
                    rows.setdefault('%s/%s' % (name, mode), []).append(r)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return {'date': datetime.date.today().isoformat(),
            'qmpd': mb.version_of(args.qmpd), 'rounds': args.rounds,
            'rows': rows}


def section_text(record):
    run = record['runs'][-1] if 'runs' in record else record
    out = [SECTION, '',
           'Run of %s, %d rounds; median (min-max).  Guest RAM in a shared '
           'memfd, min(1 GiB, half of RAM) random.' %
           (run['date'], run['rounds']), '',
           '| RAM | mode | total ms | downtime ms | main channel bytes |'
           ' CPR/precopy total |',
           '| --- | --- | --- | --- | --- | --- |']
    for name, _ in SIZES:
        pre = run['rows'].get(name + '/precopy')
        for mode in ('precopy', 'cpr-transfer'):
            rs = run['rows'].get('%s/%s' % (name, mode))
            if not rs:
                continue
            ratio = ''
            if mode != 'precopy' and pre:
                ratio = '1/%.0f' % (
                    mb.statistics.median([r['total_ms'] for r in pre]) /
                    max(mb.statistics.median([r['total_ms'] for r in rs]),
                        1))
            out.append('| %s | %s | %s | %s | %s | %s |' % (
                name, mode,
                mb.median_range([r['total_ms'] for r in rs], '%d'),
                mb.median_range([r['downtime_ms'] for r in rs], '%d'),
                mb.median_range([r['transferred'] for r in rs], '%d'),
                ratio))
    out += ['', 'total-time has millisecond resolution; a cpr-transfer of '
            '0-3 ms is at the clock\'s grain.  cpr-exec: not implemented.',
            '']
    return '\n'.join(out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--qmpd', default=os.path.join(
        here, '..', 'build', 'system', 'qmpd'))
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--sizes', help='comma-separated subset of 512M,2G,8G')
    results.add_record_args(ap, 'cpr.json')
    args = ap.parse_args()
    if results.render_record(args, section_text):
        return 0
    run = measure(args)
    print(section_text(run))
    if args.write_results:
        results.append_run(os.path.join(here, 'data', 'cpr.json'), run)
    return 0


if __name__ == '__main__':
    sys.exit(main())
