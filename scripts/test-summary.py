#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Prints one line 'N passed, N failed, N skipped' for a meson test run.

Counts individual test cases: every TAP line ('ok', 'not ok', '# SKIP') of
TAP tests, and each non-TAP test as one case.  A TAP test that crashed
before printing a plan still counts as one failure.
"""
import json
import re
import sys

TAP_LINE = re.compile(r'^(not ok|ok)\b(.*)$')
TAP_PLAN = re.compile(r'^1\.\.\d+', re.M)
TAP_ANY = re.compile(r'^(not )?ok \d+', re.M)


def count_tap(stdout):
    passed = failed = skipped = 0
    for line in stdout.splitlines():
        m = TAP_LINE.match(line.strip())
        if not m:
            continue
        rest = m.group(2)
        if re.search(r'#\s*SKIP', rest, re.I):
            skipped += 1
        elif m.group(1) == 'ok' or re.search(r'#\s*TODO', rest, re.I):
            passed += 1
        else:
            failed += 1
    return passed, failed, skipped


def main():
    passed = failed = skipped = 0
    try:
        with open(sys.argv[1], encoding='utf-8') as f:
            entries = [json.loads(line) for line in f if line.strip()]
    except OSError as e:
        print(f'test-summary: cannot read {sys.argv[1]}: {e.strerror}')
        print('0 passed, 1 failed')
        return
    for e in entries:
        result = e.get('result', 'FAIL')
        stdout = e.get('stdout') or ''
        # meson's log does not record the protocol; TAP output shows itself.
        if TAP_PLAN.search(stdout) or TAP_ANY.search(stdout):
            p, f, s = count_tap(stdout)
            if result not in ('OK', 'SKIP', 'EXPECTEDFAIL') and f == 0:
                f = 1  # crashed, timed out or bad plan
            if p + f + s == 0 and result == 'SKIP':
                s = 1
            passed, failed, skipped = passed + p, failed + f, skipped + s
        elif result == 'OK' or result == 'EXPECTEDFAIL':
            passed += 1
        elif result == 'SKIP':
            skipped += 1
        else:
            failed += 1
    print(f'{passed} passed, {failed} failed, {skipped} skipped')


if __name__ == '__main__':
    main()
