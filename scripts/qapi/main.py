# SPDX-License-Identifier: GPL-2.0-or-later
"""Command line of the QAPI generator."""

import argparse
import os
import sys

from .commands import gen_commands
from .error import QAPIError
from .events import gen_events
from .introspect import gen_introspect
from .reference import gen_reference
from .schema import Schema
from .types import gen_builtin_types, gen_types
from .visit import gen_builtin_visit, gen_visit


def main(argv=None):
    ap = argparse.ArgumentParser(
        description='Generate C code and the QMP reference from a QAPI '
        'schema.')
    ap.add_argument('-o', '--output-dir', default='.',
                    help='where to write the generated files')
    ap.add_argument('-p', '--prefix', default='',
                    help='prefix for the generated file and function names')
    ap.add_argument('-b', '--builtins', action='store_true',
                    help='also generate the built-in list types '
                    '(qapi-builtin-types/visit.{c,h})')
    ap.add_argument('--depfile',
                    help='write a Makefile-style dependency file listing '
                    'every schema file read')
    ap.add_argument('--check-only', action='store_true',
                    help='check the schema, generate nothing')
    ap.add_argument('schema')
    args = ap.parse_args(argv)
    try:
        schema = Schema(args.schema)
    except QAPIError as e:
        print(str(e), file=sys.stderr)
        return 1
    if args.check_only:
        return 0
    os.makedirs(args.output_dir, exist_ok=True)
    out, p = args.output_dir, args.prefix
    if args.builtins:
        gen_builtin_types(schema, out)
        gen_builtin_visit(schema, out)
    gen_types(schema, out, p)
    gen_visit(schema, out, p)
    gen_commands(schema, out, p)
    gen_events(schema, out, p)
    gen_introspect(schema, out, p)
    gen_reference(schema, out, p)
    if args.depfile:
        # ninja wants the custom target's first output here
        first = 'qapi-builtin-types.c' if args.builtins else p + 'qapi-types.c'
        target = os.path.join(out, first)
        deps = ' \\\n  '.join(f.replace(' ', '\\ ') for f in schema.files)
        with open(args.depfile, 'w', encoding='utf-8') as f:
            f.write('%s: \\\n  %s\n' % (target, deps))
    return 0
