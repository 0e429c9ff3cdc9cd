#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Golden tests of the QAPI generator, TAP output.

Each CASE.json next to this script with a CASE.err must fail to check
with exactly CASE.err on stderr (the generator runs in this folder, so
locations read "CASE.json:LINE").  qapi-schema-test.json must pass, and
generating it twice must give the same bytes.  --update rewrites the .err
files from the current output."""

import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, '..', '..', 'scripts', 'qapi-gen.py')


def run(args):
    return subprocess.run([sys.executable, GEN] + args, cwd=HERE,
                          capture_output=True, text=True)


def main():
    update = '--update' in sys.argv
    cases = sorted(os.path.basename(p)[:-4]
                   for p in glob.glob(os.path.join(HERE, '*.err')))
    if update:
        cases = sorted(os.path.basename(p)[:-5] for p in
                       glob.glob(os.path.join(HERE, '*.json'))
                       if not p.endswith(('qapi-schema-test.json',
                                          'include-sub.json')))
    print('1..%d' % (len(cases) + 2))
    failed = 0
    n = 0
    for case in cases:
        n += 1
        res = run(['--check-only', case + '.json'])
        errfile = os.path.join(HERE, case + '.err')
        if update:
            with open(errfile, 'w') as f:
                f.write(res.stderr)
        with open(errfile) as f:
            want = f.read()
        if res.returncode != 1 or res.stderr != want:
            failed += 1
            print('not ok %d - %s' % (n, case))
            print('# exit status %d' % res.returncode)
            for line in ('want: ' + want + 'got:  ' + res.stderr).split('\n'):
                print('# ' + line)
        else:
            print('ok %d - %s' % (n, case))
    n += 1
    res = run(['--check-only', 'qapi-schema-test.json'])
    if res.returncode != 0 or res.stderr:
        failed += 1
        print('not ok %d - qapi-schema-test' % n)
        print('# ' + res.stderr.replace('\n', '\n# '))
    else:
        print('ok %d - qapi-schema-test' % n)
    n += 1
    outputs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(2):
            out = os.path.join(tmp, str(i))
            run(['-b', '-p', 'test-', '-o', out, 'qapi-schema-test.json'])
            files = {}
            for name in sorted(os.listdir(out)):
                with open(os.path.join(out, name), 'rb') as f:
                    files[name] = f.read()
            outputs.append(files)
    if outputs[0] != outputs[1] or not outputs[0]:
        failed += 1
        print('not ok %d - deterministic output' % n)
    else:
        print('ok %d - deterministic output' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
