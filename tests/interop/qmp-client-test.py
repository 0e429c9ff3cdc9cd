#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""QEMU's qemu.qmp library, unchanged, against qmpd: the asyncio client
(QMPClient) and the legacy synchronous QEMUMonitorProtocol."""

import asyncio
import unittest

import interop_common
from interop_common import Qmpd

interop_common.require_qemu_python()

# pylint: disable=wrong-import-position
from qemu.qmp import QMPClient, ExecuteError  # noqa: E402
from qemu.qmp.legacy import QEMUMonitorProtocol  # noqa: E402


class AsyncClientTest(unittest.TestCase):
    def setUp(self):
        self.qmpd = Qmpd('-S', '-name', 'interop')

    def tearDown(self):
        self.qmpd.close()

    def test_query_and_events(self):
        async def scenario():
            qmp = QMPClient('interop')
            await qmp.connect(self.qmpd.sock)
            # The greeting the library parsed.
            self.assertIn('oob', qmp.greeting.QMP.capabilities)
            status = await qmp.execute('query-status')
            self.assertEqual(status['status'], 'prelaunch')
            self.assertFalse(status['running'])
            name = await qmp.execute('query-name')
            self.assertEqual(name, {'name': 'interop'})
            # The client's default listener, qmp.events, sees every event.
            await qmp.execute('cont')
            event = await asyncio.wait_for(qmp.events.get(), 10)
            self.assertEqual(event['event'], 'RESUME')
            status = await qmp.execute('query-status')
            self.assertEqual(status['status'], 'running')
            with self.assertRaises(ExecuteError) as ctx:
                await qmp.execute('no-such-command')
            self.assertEqual(ctx.exception.error_class, 'CommandNotFound')
            text = await qmp.execute('human-monitor-command',
                                     {'command-line': 'info status'})
            self.assertEqual(text, 'VM status: running\r\n')
            await qmp.disconnect()

        asyncio.run(scenario())


class LegacyClientTest(unittest.TestCase):
    def setUp(self):
        # The 7.2 legacy client asks for "the current" event loop, which
        # Python 3.10+ no longer creates implicitly once asyncio.run()
        # (the test above) has run in this thread.
        asyncio.set_event_loop(asyncio.new_event_loop())
        self.qmpd = Qmpd('-S')

    def tearDown(self):
        self.qmpd.close()

    def test_cmd_and_events(self):
        qmp = QEMUMonitorProtocol(self.qmpd.sock)
        greeting = qmp.connect(negotiate=True)
        self.assertIn('QMP', greeting)
        self.assertEqual(qmp.cmd('query-status')['return']['status'],
                         'prelaunch')
        self.assertEqual(qmp.command('cont'), {})
        event = qmp.pull_event(wait=10.0)
        self.assertEqual(event['event'], 'RESUME')
        reply = qmp.cmd('human-monitor-command',
                        {'command-line': 'info name'})
        self.assertEqual(reply, {'return': ''})
        reply = qmp.cmd('no-such-command')
        self.assertEqual(reply['error']['class'], 'CommandNotFound')
        qmp.cmd('quit')
        # The server hangs up after "quit"; the library reports that as
        # EOFError on close, with QEMU as well (QEMUMachine expects it).
        try:
            qmp.close()
        except EOFError:
            pass
        self.assertEqual(self.qmpd.proc.wait(timeout=10), 0)


if __name__ == '__main__':
    interop_common.run_tests()
