# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared set-up of the interop tests: QEMU's Python package from the
Debian source tree (never copied here), the skip rule, and a qmpd started
on a private QMP socket."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

QEMU_SOURCE = os.environ.get('QMPD_QEMU_SOURCE', '/var/cache/qmpd/qemu-source')
QEMU_PYTHON = os.path.join(QEMU_SOURCE, 'python')
SKIP = 77  # meson's exit code for a skipped test


def require_qemu_python():
    """Puts QEMU's python/ on sys.path, or exits with SKIP and a reason."""
    if not os.path.isdir(os.path.join(QEMU_PYTHON, 'qemu', 'qmp')):
        print(f'SKIP: {QEMU_PYTHON}/qemu/qmp is absent '
              '(scripts/install-deps.sh unpacks QEMU\'s source there)')
        sys.exit(SKIP)
    sys.path.insert(0, QEMU_PYTHON)


def qmpd_binary():
    binary = os.environ.get('QMPD_BINARY')
    if not binary:
        print('QMPD_BINARY is not set', file=sys.stderr)
        sys.exit(1)
    return binary


class Qmpd:
    """A qmpd process with a QMP server socket in its own folder."""

    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix='qmpd-interop-')
        self.sock = os.path.join(self.dir, 'qmp.sock')
        argv = [qmpd_binary(), '-nodefaults',
                '-qmp', f'unix:{self.sock},server=on,wait=off'] + list(args)
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
        # The socket file appears at bind(), before listen(): wait until a
        # connection goes through (that probe client is served and gone
        # before the test's own one).
        deadline = time.monotonic() + 10
        while not self._can_connect():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f'qmpd did not start: {argv}')
            time.sleep(0.02)

    def _can_connect(self):
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(self.sock)
            except OSError:
                return False
            return True

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def run_tests():
    """unittest.main() with TAP-free output; exit 0 or 1."""
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
