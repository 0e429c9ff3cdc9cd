#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""QEMU's QMP command-line tools, unchanged, against qmpd: qmp-shell
(QMP and -H human mode, commands fed on stdin) and qom-tree, qom-list
and qom-get, each run as QEMU ships it (scripts/qmp/ in its source)."""

import json
import os
import subprocess
import sys
import unittest

import interop_common
from interop_common import Qmpd

interop_common.require_qemu_python()

SCRIPTS = os.path.join(interop_common.QEMU_SOURCE, 'scripts', 'qmp')


def run_tool(name, args, stdin=''):
    """Runs scripts/qmp/NAME; returns its standard output."""
    proc = subprocess.run([sys.executable, os.path.join(SCRIPTS, name)]
                          + args, input=stdin, capture_output=True,
                          text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise AssertionError(f'{name} {args} exited {proc.returncode}: '
                             f'{proc.stderr}')
    return proc.stdout


class QmpShellTest(unittest.TestCase):
    def setUp(self):
        self.qmpd = Qmpd('-S', '-name', 'shell')

    def tearDown(self):
        self.qmpd.close()

    def replies(self, out):
        """The JSON replies in qmp-shell's output, one per prompt."""
        found = []
        for chunk in out.split('(QEMU) ')[1:]:
            chunk = chunk.strip()
            if chunk:
                found.append(json.loads(chunk))
        return found

    def test_qmp_mode(self):
        out = run_tool('qmp-shell', [self.qmpd.sock],
                       'query-status\nquery-name\ncont\nquery-status\n'
                       'qom-get path=/machine property=type\n')
        self.assertIn('Welcome to the QMP low-level shell!', out)
        replies = self.replies(out)
        self.assertEqual(replies[0]['return']['status'], 'prelaunch')
        self.assertEqual(replies[1], {'return': {'name': 'shell'}})
        self.assertEqual(replies[2], {'return': {}})
        self.assertEqual(replies[3]['return']['status'], 'running')
        self.assertIn('return', replies[4])

    def test_hmp_mode(self):
        out = run_tool('qmp-shell', ['-H', self.qmpd.sock],
                       'info status\ninfo name\nbogus\n')
        self.assertIn('Welcome to the HMP shell!', out)
        self.assertIn('VM status: paused (prelaunch)', out)
        self.assertIn('\nshell', out.replace('(QEMU) ', '\n'))
        self.assertIn("unknown command: 'bogus'", out)


class QomToolsTest(unittest.TestCase):
    def setUp(self):
        self.qmpd = Qmpd('-M', 'pc')

    def tearDown(self):
        self.qmpd.close()

    def test_qom_list(self):
        out = run_tool('qom-list', ['--socket', self.qmpd.sock, '/machine'])
        lines = out.splitlines()
        self.assertIn('unattached/', lines)
        self.assertIn('type', lines)

    def test_qom_get(self):
        out = run_tool('qom-get', ['--socket', self.qmpd.sock,
                                   '/machine.type'])
        self.assertEqual(out.strip(), 'pc-i440fx-7.2-machine')

    def test_qom_tree(self):
        out = run_tool('qom-tree', ['--socket', self.qmpd.sock, '/machine'])
        self.assertTrue(out.startswith('/machine\n'))
        self.assertIn('\n/machine/unattached\n', out)
        # Every property line is "  NAME: VALUE (TYPE)"; none failed.
        self.assertIn('  type: pc-i440fx-7.2-machine (string)\n', out)
        self.assertNotIn('<EXCEPTION', out)


if __name__ == '__main__':
    interop_common.run_tests()
