#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the mechanical seeds of the text fuzz targets at build time.

Some seeds are the same bytes many times over (deep nesting, long
payloads); they are built by rule here instead of being kept in git.
The target is the output folder's name: json-streamer, keyval or
qtest-protocol.  The hand-written seeds stay in tests/fuzz/TARGET.

usage: make-bulk-corpus.py OUTDIR [STAMP]
(STAMP, written last, lets the build system track the folder.)
"""
import base64
import os
import sys

import corpus_out


def pattern(n):
    """n bytes that repeat only every 256 (i * 7 mod 256)."""
    return bytes(i * 7 % 256 for i in range(n))


def json_streamer():
    # Nested to the streamer's limit, and one level past it followed by
    # a message that must still be read.
    return {
        'deep-1024': b'[' * 1024 + b']' * 1024,
        'deep-1025': b'[' * 1025 + b']' * 1025 + b'{"after": true}',
    }


def keyval():
    # A key fragment may have 127 bytes: this one has 130.
    return {
        'deep': b'a.' * 199 + b'a=1',
        'long-fragment': b'a.' + b'k' * 130 + b'=1',
    }


def qtest_protocol():
    big = pattern(0x10000)
    half = pattern(0x8000)
    return {
        'large-b64': b'b64write 0x2000 0x10000 ' + base64.b64encode(big) +
                     b'\nb64read 0x2000 0x10000\nread 0x2000 0x100\n',
        'large-hex': b'write 0x2000 0x8000 0x' + half.hex().encode() +
                     b'\nread 0x2000 0x8000\n',
        'many-spaces': b' ' * 3000,
    }


TARGETS = {
    'json-streamer': json_streamer,
    'keyval': keyval,
    'qtest-protocol': qtest_protocol,
}

if __name__ == '__main__':
    corpus_out.write(TARGETS[os.path.basename(sys.argv[1])](), sys.argv)
