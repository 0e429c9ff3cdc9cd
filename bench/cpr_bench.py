#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""CPR benchmark: qmpd's cpr-transfer and cpr-exec against its own precopy.

For each guest size (512M, 2G and, when the host has the memory, 8G) one
source is started per mode, '-S' with '-M aux-ram-share=on' (RAM in a
shared memfd, needed by cpr-transfer and cpr-exec) except for
precopy-private, and min(1 GiB, half of RAM) of random bytes are written
through qtest ('b64write', 1 MiB requests).  Then:

  precopy-private  the same guest with private anonymous RAM
                   ('aux-ram-share=off', the default, as most guests
                   run): the ordinary migration baseline;
  precopy          migrate over a unix socket to a bare '-incoming
                   defer' qmpd (max-bandwidth 100 GiB/s, default
                   downtime-limit), RAM in the shared memfd;
  cpr-transfer     mode cpr-transfer, migrate with a main and a cpr
                   channel (unix sockets) to a bare qmpd started with
                   both '-incoming' channels;
  cpr-exec         mode cpr-exec into the same binary with the source's
                   own command line less '-S', through a state file in
                   the temporary folder.

precopy-private, precopy and cpr-transfer are reported from the source's
query-migrate once it shows 'completed': total-time, downtime and
ram.transferred (the main channel's bytes).  cpr-exec's source is gone
once it executed and the new program does not time an incoming
migration, so it is timed with QMP event timestamps (host wall clock,
microseconds): the guest is resumed ('cont') before 'migrate', the old
program's STOP and the new program's RESUME bracket the downtime, and
the total runs from sending 'migrate' to RESUME; its bytes are the state
file's size.  The guest does no work under qtest, so a running guest
costs the same as a paused one.

Every measurement is repeated --rounds times, the modes alternating;
tables give the median with the range.  --write-results appends the run
to bench/data/cpr.json; --render RECORD renders a record.  Nothing here
asserts on timings.  Python 3 standard library only.
"""
import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import time

import migration_bench as mb
import results

SECTION = '## cpr'
SIZES = [('512M', 512 * mb.MIB), ('2G', 2 * mb.GIB), ('8G', 8 * mb.GIB)]
# In measuring order; runs recorded before 2026-12-07 have the middle two.
MODES = ['precopy-private', 'precopy', 'cpr-transfer', 'cpr-exec']
# How many copies of guest RAM a mode holds at once.
COPIES = {'precopy-private': 2, 'precopy': 2, 'cpr-transfer': 1,
          'cpr-exec': 1}


def fill_source(src, fill, chunks):
    for off in range(0, fill, mb.MIB):
        src.b64write(off, mb.MIB, chunks[(off // mb.MIB) % len(chunks)])


def event_time(event):
    ts = event['timestamp']
    return ts['seconds'] + ts['microseconds'] / 1e6


def cpr_exec(src, state):
    """cpr-exec of @src into its own command line less '-S' (so the guest
    runs again and the new program says so with RESUME).  Returns the
    figures, timed with event timestamps (see the module's doc)."""
    with open('/proc/%d/cmdline' % src.proc.pid, 'rb') as f:
        argv = [a.decode() for a in f.read().split(b'\0')[:-1]]
    argv.remove('-S')
    src.cmd('cont')
    src.cmd('migrate-set-parameters', mode='cpr-exec',
            **{'cpr-exec-command': argv})
    start = time.time()
    src.qmp.sendall(json.dumps({'execute': 'migrate', 'arguments': {
        'uri': 'file:' + state}}).encode())
    # The old program answers and stops the guest, the new one resumes it;
    # Peer.cmd() would drop the events, so they are read here.
    events = {}
    deadline = time.monotonic() + 600.0
    while 'RESUME' not in events:
        if time.monotonic() > deadline:
            raise RuntimeError('cpr-exec: no RESUME')
        msg = json.loads(src.rfile.readline())
        if 'error' in msg:
            raise RuntimeError('migrate: %s' % msg['error'])
        if msg.get('event') in ('STOP', 'RESUME'):
            events.setdefault(msg['event'], msg)
    if 'STOP' not in events:
        raise RuntimeError('cpr-exec: RESUME without STOP')
    info = mb.wait_completed(src)
    if src.cmd('query-status')['status'] != 'running':
        raise RuntimeError('cpr-exec: the guest is not running: %s' % info)
    resume = event_time(events['RESUME'])
    return {'total_ms': round((resume - start) * 1000),
            'downtime_ms': round((resume - event_time(events['STOP'])) *
                                 1000),
            'transferred': os.path.getsize(state)}


def run_once(binary, tmpdir, mode, mem, fill, chunks):
    tag = '%s-%s' % (mode, mem)
    main_sock = os.path.join(tmpdir, tag + '-main.sock')
    cpr_sock = os.path.join(tmpdir, tag + '-cpr.sock')
    share = [] if mode == 'precopy-private' else ['-M', 'aux-ram-share=on']
    src = mb.Peer(binary, tmpdir, tag + '-src', ['-S', '-m', mem] + share,
                  qtest=True)
    dst = None
    try:
        fill_source(src, fill, chunks)
        if mode == 'cpr-exec':
            return cpr_exec(src, os.path.join(tmpdir, tag + '.state'))
        if mode in ('precopy', 'precopy-private'):
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
    modes = [m for m in MODES if not args.modes or m in args.modes.split(',')]
    tmpdir = tempfile.mkdtemp(prefix='cpr-bench-')
    try:
        for name, size in SIZES:
            if args.sizes and name not in args.sizes.split(','):
                continue
            fill = min(mb.GIB, size // 2)
            copies = max(COPIES[m] for m in modes)
            if copies * size + mb.GIB > available_bytes():
                print('skipping %s: not enough memory' % name)
                continue
            for rnd in range(args.rounds):
                for mode in modes:
                    r = run_once(args.qmpd, tmpdir, mode, name, fill, chunks)
                    print('%s %s round %d: %s' % (name, mode, rnd + 1, r))
                    rows.setdefault('%s/%s' % (name, mode), []).append(r)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    # 'modes' is new in 2026-12-07's format; older runs measured precopy
    # and cpr-transfer.
    return {'date': datetime.date.today().isoformat(),
            'qmpd': mb.version_of(args.qmpd), 'rounds': args.rounds,
            'modes': modes, 'rows': rows}


def median_total(rs):
    return mb.statistics.median([r['total_ms'] for r in rs])


def ratio(rs, base):
    """@rs's median total against @base's: '1/N' when at least twice
    shorter, else a factor ('1.29x' is 29% longer)."""
    if not base or not rs or rs is base:
        return ''
    factor = median_total(rs) / max(median_total(base), 1)
    if factor <= 0.5:
        return '1/%.0f' % (median_total(base) / max(median_total(rs), 1))
    return '%.2fx' % factor


def section_text(record):
    run = record['runs'][-1] if 'runs' in record else record
    modes = run.get('modes', ['precopy', 'cpr-transfer'])
    private_note = (' (precopy-private: private anonymous RAM)'
                    if 'precopy-private' in modes else '')
    out = [SECTION, '',
           'Run of %s, %d rounds; median (min-max).  Guest RAM in a shared '
           'memfd%s, min(1 GiB, half of RAM) random.' %
           (run['date'], run['rounds'], private_note), '',
           '| RAM | mode | total ms | downtime ms | bytes moved |'
           ' total vs precopy | total vs precopy-private |',
           '| --- | --- | --- | --- | --- | --- | --- |']
    for name, _ in SIZES:
        pre = run['rows'].get(name + '/precopy')
        private = run['rows'].get(name + '/precopy-private')
        for mode in MODES:
            rs = run['rows'].get('%s/%s' % (name, mode))
            if not rs:
                continue
            out.append('| %s | %s | %s | %s | %s | %s | %s |' % (
                name, mode,
                mb.median_range([r['total_ms'] for r in rs], '%d'),
                mb.median_range([r['downtime_ms'] for r in rs], '%d'),
                mb.median_range([r['transferred'] for r in rs], '%d'),
                ratio(rs, pre) if mode.startswith('cpr') else '',
                ratio(rs, private) if mode != 'precopy-private' else ''))
    out += ['', 'Bytes moved: the main channel\'s (precopy, cpr-transfer) or '
            'the state file\'s (cpr-exec).  total-time has millisecond '
            'resolution; a cpr-transfer of 0-3 ms is at the clock\'s grain.']
    if 'cpr-exec' in modes:
        out += ['cpr-exec is timed on QMP event timestamps: total from '
                'sending migrate to the new program\'s RESUME, downtime '
                'from the old program\'s STOP to that RESUME; both include '
                'the new program\'s start-up.']
    else:
        out += ['cpr-exec: not measured in this run.']
    if 'precopy-private' not in modes:
        out += ['precopy of private RAM: not measured in this run.']
    out.append('')
    return '\n'.join(out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--qmpd', default=os.path.join(
        here, '..', 'build', 'system', 'qmpd'))
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--sizes', help='comma-separated subset of 512M,2G,8G')
    ap.add_argument('--modes', help='comma-separated subset of ' +
                    ','.join(MODES))
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
