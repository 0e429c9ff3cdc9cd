#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs every libFuzzer target for a set time; what they find becomes a test.

Configures (once) and builds a clang build with ASan, UBSan and coverage
instrumentation in every library, then runs each fuzz-NAME-libfuzzer
program for --time seconds.  Each target grows a scratch corpus outside
git (BUILD/fuzz-corpus/NAME), seeded from tests/fuzz/NAME and, where a
script writes part of the corpus at build time, from BUILD/tests/fuzz/NAME.
Crashes, timeouts, leaks and out-of-memory inputs land in
BUILD/fuzz-artifacts/NAME and are copied into tests/fuzz/NAME under
timeout-SHA1, leak-SHA1, oom-SHA1), where `make check` (suite 'fuzz')
replays them.  The exit status is 1 when anything was found.

usage: fuzz.py [--build DIR] [--time SECONDS] [--timeout SECONDS]
               [--targets NAME,...] [--keep-going]

--keep-going runs libFuzzer in fork mode, which records a finding and
carries on until the time is up instead of stopping at the first one.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ_SRC = os.path.join(SRC, 'tests', 'fuzz')
ARTIFACT_KINDS = ('crash-', 'timeout-', 'leak-', 'oom-')

# UBSan reports must stop the run, or libFuzzer never sees them; the ASan
# options are the ones CI runs the sanitizer build with.
SANITIZER_ENV = {
    'ASAN_OPTIONS': 'detect_leaks=1:strict_string_checks=1',
    'UBSAN_OPTIONS': 'halt_on_error=1:print_stacktrace=1',
}

STATUS_RE = re.compile(r'^#(\d+)\s*(\w*)\s+cov: (\d+) ft: (\d+) '
                       r'corp: (\d+)/(\S+)')
FORK_STATUS_RE = re.compile(r'^#(\d+): cov: (\d+) ft: (\d+) corp: (\d+) '
                            r'exec/s:? (\d+)')
STAT_RE = re.compile(r'^stat::(\w+):\s+(\d+)')
EDGES_RE = re.compile(r'^INFO: Loaded \d+ modules?\s+\((\d+) inline 8-bit '
                      r'counters\)')
# What a finding was: sanitizer summaries, glib assertion messages, UBSan.
REASON_RE = re.compile(r'^(SUMMARY: |ERROR:|\*\* .*ERROR|.*runtime error: )')


def log(msg):
    print(msg, flush=True)


def setup(build):
    if os.path.exists(os.path.join(build, 'build.ninja')):
        return
    env = dict(os.environ, CC='clang')
    # Coverage instrumentation everywhere, not only in the harness: the
    # code under test lives in the static libraries.
    subprocess.run(['meson', 'setup', build,
                    '-Db_sanitize=address,undefined',
                    '-Dc_args=-fsanitize=fuzzer-no-link',
                    '-Dwerror=true'], cwd=SRC, env=env, check=True)


def introspect_targets(build):
    out = subprocess.run(['meson', 'introspect', '--targets'], cwd=build,
                         capture_output=True, text=True, check=True).stdout
    fuzzers, corpora = {}, []
    for t in json.loads(out):
        if not t['defined_in'].endswith(os.path.join('tests', 'fuzz',
                                                     'meson.build')):
            continue
        m = re.fullmatch(r'fuzz-(.+)-libfuzzer', t['name'])
        if m:
            fuzzers[m.group(1)] = t['filename'][0]
        elif t['type'] == 'custom':
            corpora.extend(t['filename'])
    return fuzzers, corpora


def build_targets(build, paths):
    rel = [os.path.relpath(p, os.path.abspath(build)) for p in paths]
    subprocess.run(['ninja', '-C', build] + rel, check=True)


def parse_log(path, keep_going):
    """Returns the last status line and its numbers."""
    res = {'line': '', 'execs': None, 'cov': None, 'ft': None,
           'corp': None, 'corp_size': '', 'exec_s': None, 'edges': None,
           'reasons': []}
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if REASON_RE.match(line) and line not in res['reasons']:
                res['reasons'].append(line)
            m = EDGES_RE.match(line)
            if m:
                res['edges'] = int(m.group(1))
            m = FORK_STATUS_RE.match(line) if keep_going else None
            if m:
                res.update(line=line, execs=int(m.group(1)),
                           cov=int(m.group(2)), ft=int(m.group(3)),
                           corp=int(m.group(4)), exec_s=int(m.group(5)))
                continue
            m = STATUS_RE.match(line)
            if m and not keep_going:
                res.update(line=line, execs=int(m.group(1)),
                           cov=int(m.group(3)), ft=int(m.group(4)),
                           corp=int(m.group(5)), corp_size=m.group(6))
                continue
            m = STAT_RE.match(line)
            if m and m.group(1) == 'number_of_executed_units':
                res['execs'] = int(m.group(2))
            elif m and m.group(1) == 'average_exec_per_sec':
                res['exec_s'] = int(m.group(2))
    return res


def run_target(name, binary, build, seconds, timeout, keep_going):
    corpus = os.path.join(build, 'fuzz-corpus', name)
    artifacts = os.path.join(build, 'fuzz-artifacts', name)
    logs = os.path.join(build, 'fuzz-logs')
    logfile = os.path.join(logs, name + '.log')
    seeds = [d for d in (os.path.join(FUZZ_SRC, name),
                         os.path.join(build, 'tests', 'fuzz', name))
             if os.path.isdir(d)]

    os.makedirs(corpus, exist_ok=True)
    os.makedirs(logs, exist_ok=True)
    # Left-overs were copied out by the run that made them.
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(artifacts)
    cmd = [os.path.abspath(binary), corpus] + seeds + [
        '-max_total_time=%d' % seconds,
        '-timeout=%d' % timeout,
        '-artifact_prefix=%s/' % artifacts,
        '-print_final_stats=1',
    ]
    if keep_going:
        cmd += ['-fork=1', '-ignore_crashes=1', '-ignore_timeouts=1',
                '-ignore_ooms=1']
    log('fuzz: %s for %ds (log: %s)' % (name, seconds,
                                        os.path.relpath(logfile, SRC)))
    env = dict(os.environ, **SANITIZER_ENV)
    start = time.monotonic()
    with open(logfile, 'w') as out:
        # libFuzzer ends on its own; the limit only guards against a hang
        # that its own timeout did not catch.
        try:
            rc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT,
                                env=env, timeout=seconds + 10 * timeout + 60,
                                cwd=SRC).returncode
        except subprocess.TimeoutExpired:
            rc = 'hung'
    elapsed = time.monotonic() - start
    found = sorted(f for f in os.listdir(artifacts)
                   if f.startswith(ARTIFACT_KINDS))
    saved = []
    for f in found:
        dest = os.path.join(FUZZ_SRC, name, f)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(os.path.join(artifacts, f), dest)
        saved.append(os.path.relpath(dest, SRC))
    stats = parse_log(logfile, keep_going)
    stats.update(name=name, rc=rc, elapsed=elapsed, saved=saved,
                 log=os.path.relpath(logfile, SRC),
                 corpus_files=len(os.listdir(corpus)))
    return stats


def fmt(v):
    return '?' if v is None else '{:,}'.format(v)


def report(results):
    log('')
    log('fuzz summary:')
    for r in results:
        log('  %-18s %s' % (r['name'],
                            r['line'].replace('\t', ' ') or '(no status line)'))
    log('')
    log('| target | time | executions | exec/s | cov | ft | corpus size '
        '| findings |')
    log('|---|---|---|---|---|---|---|---|')
    for r in results:
        corp = fmt(r['corp'])
        if r['corp_size']:
            corp += ' (%s)' % r['corp_size']
        findings = ', '.join(os.path.basename(s) for s in r['saved'])
        # cov counts edges reached among all instrumented in the program
        cov = fmt(r['cov'])
        if r['edges']:
            cov += ' of %s' % fmt(r['edges'])
        log('| %s | %ds | %s | %s | %s | %s | %s | %s |' % (
            r['name'], round(r['elapsed']), fmt(r['execs']),
            fmt(r['exec_s']), cov, fmt(r['ft']), corp,
            findings or 'none'))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', default='build-fuzz')
    ap.add_argument('--time', type=int, default=60)
    ap.add_argument('--timeout', type=int, default=10,
                    help='seconds one input may take (libFuzzer -timeout)')
    ap.add_argument('--targets', default='',
                    help='comma- or space-separated names (default: all)')
    ap.add_argument('--keep-going', action='store_true')
    args = ap.parse_args()
    build = os.path.join(SRC, args.build)

    setup(build)
    fuzzers, corpora = introspect_targets(build)
    if not fuzzers:
        sys.exit('fuzz: %s declares no libFuzzer programs; it must be a '
                 'clang build (remove it to let this script set it up)'
                 % args.build)
    names = [n for n in re.split(r'[,\s]+', args.targets) if n] or \
        sorted(fuzzers)
    unknown = [n for n in names if n not in fuzzers]
    if unknown:
        sys.exit('fuzz: unknown target(s) %s; known: %s'
                 % (', '.join(unknown), ', '.join(sorted(fuzzers))))
    build_targets(build, [fuzzers[n] for n in names] + corpora)

    results = [run_target(n, fuzzers[n], build, args.time, args.timeout,
                          args.keep_going) for n in names]
    report(results)
    failed = False
    for r in results:
        for s in r['saved']:
            log('fuzz: %s found %s (see %s)' % (r['name'], s, r['log']))
            failed = True
        for line in r['reasons'][:8]:
            log('fuzz:     %s' % line)
        if not r['saved'] and r['rc'] != 0:
            log('fuzz: %s exited with %s and left no artifact (see %s)'
                % (r['name'], r['rc'], r['log']))
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
