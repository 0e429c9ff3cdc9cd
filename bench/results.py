# SPDX-License-Identifier: GPL-2.0-or-later
"""Benchmarks record raw runs in bench/data/NAME.json ({"runs": [...]},
oldest first) and the build renders them; this is their shared plumbing:
add_record_args(), render_record() and append_run().
"""
import json

def add_record_args(ap, record):
    """--write-results, --render and --output for a benchmark whose runs
    are kept in bench/data/@record."""
    ap.add_argument('--write-results', action='store_true',
                    help='record the run in bench/data/%s' % record)
    ap.add_argument('--render', metavar='RECORD',
                    help='render a recorded run; measure nothing')
    ap.add_argument('--output', metavar='FILE',
                    help='with --render: write there instead of stdout')


def render_record(args, render):
    """With --render, writes render(the record) to --output or stdout and
    returns True; without it returns False (the caller measures)."""
    if not args.render:
        return False
    with open(args.render, encoding='utf-8') as f:
        text = render(json.load(f))
    if args.output:
        with open(args.output, 'w', encoding='utf-8') as f:
            f.write(text)
    else:
        print(text)
    return True


def append_run(path, run):
    """Adds @run to the record at @path; earlier runs are kept."""
    try:
        with open(path, encoding='utf-8') as f:
            record = json.load(f)
    except FileNotFoundError:
        record = {'runs': []}
    record['runs'].append(run)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(record, f, indent=1, sort_keys=True)
        f.write('\n')

