#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""QEMU's test harness classes, unchanged, launching qmpd as the
emulator binary: QEMUMachine (monitor on an inherited socketpair,
-display none -vga none) and QEMUQtestMachine (-qtest unix:path=...,
-accel qtest)."""

import tempfile
import unittest

import interop_common

interop_common.require_qemu_python()

# pylint: disable=wrong-import-position
from qemu.machine import QEMUMachine  # noqa: E402
from qemu.machine.qtest import QEMUQtestMachine  # noqa: E402


class MachineTest(unittest.TestCase):
    def setUp(self):
        self.binary = interop_common.qmpd_binary()
        self.tmp = tempfile.TemporaryDirectory(prefix='qmpd-interop-')

    def tearDown(self):
        self.tmp.cleanup()

    def test_qemu_machine(self):
        vm = QEMUMachine(self.binary, args=['-S', '-name', 'harness'],
                         base_temp_dir=self.tmp.name)
        vm.launch()
        try:
            status = vm.qmp('query-status')['return']
            self.assertEqual(status['status'], 'prelaunch')
            self.assertEqual(vm.qmp('query-name')['return'],
                             {'name': 'harness'})
            vm.qmp('cont')
            vm.event_wait('RESUME', timeout=10)
            self.assertTrue(vm.qmp('query-status')['return']['running'])
            self.assertEqual(vm.qmp('human-monitor-command',
                                    command_line='info status')['return'],
                             'VM status: running\r\n')
        finally:
            vm.shutdown()
        self.assertEqual(vm.exitcode(), 0)

    def test_qtest_machine(self):
        vm = QEMUQtestMachine(self.binary, args=['-M', 'pc'],
                              base_temp_dir=self.tmp.name)
        vm.launch()
        try:
            # The CMOS RTC's status register A through ports 0x70/0x71,
            # and a RAM round trip through the qtest protocol.
            # (Replies come back with their newline, from QEMU too.)
            self.assertEqual(vm.qtest('outb 0x70 0x0a'), 'OK\n')
            self.assertTrue(vm.qtest('inb 0x71').startswith('OK 0x'))
            self.assertEqual(vm.qtest('writel 0x1000 0x12345678'), 'OK\n')
            self.assertEqual(vm.qtest('readl 0x1000'), 'OK 0x0000000012345678\n')
            cfg = vm.qmp('query-machine-config')['return']['config']
            self.assertEqual(cfg['accel']['type'], 'qtest')
        finally:
            vm.shutdown()
        self.assertEqual(vm.exitcode(), 0)


if __name__ == '__main__':
    interop_common.run_tests()
