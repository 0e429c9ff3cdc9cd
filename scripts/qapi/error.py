# SPDX-License-Identifier: GPL-2.0-or-later
"""Schema errors: every message is "FILE:LINE: text"."""


class QAPIError(Exception):
    """A problem in a schema, located at a file and line."""

    def __init__(self, info, msg):
        super().__init__(msg)
        self.info = info
        self.msg = msg

    def __str__(self):
        if self.info is None:
            return self.msg
        return '%s: %s' % (self.info, self.msg)


class SourceInfo:
    """Where something was written: a file name and a 1-based line."""

    def __init__(self, fname, line):
        self.fname = fname
        self.line = line

    def __str__(self):
        return '%s:%d' % (self.fname, self.line)
