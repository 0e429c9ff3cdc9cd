#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the cpr-frame fuzz corpus into a folder at build time.

Inputs follow fuzz-cpr-frame.c: a selector byte (bit 7 set: the
destination's answer; clear: the source's message, with the number of
descriptors in the low bits), then the bytes of docs/system/cpr.md's
framing (all integers big-endian).  Each input is built from the format,
one well-formed or broken in one named way, so the corpus stays small,
reviewable and reproducible.

usage: make-cpr-frame-corpus.py OUTDIR [STAMP]
(STAMP, written last, lets the build system track the folder.)
"""
import struct
import sys

import corpus_out

MESSAGE_MAGIC = 0x51435052  # "QCPR"
ANSWER_MAGIC = 0x51435041   # "QCPA"
CONFIG = b'{"smp":{"cpus":1},"aux-ram-share":true}'


def message(nfds, blocks, config=b'', version=1, nblocks=None,
            table=None):
    """A source's message: header, block table, configuration."""
    if table is None:
        table = b''.join(struct.pack('>B', len(name)) + name +
                         struct.pack('>Q', size) for name, size in blocks)
    head = struct.pack('>IIIII', MESSAGE_MAGIC, version,
                       len(blocks) if nblocks is None else nblocks,
                       len(table), len(config))
    return struct.pack('>B', nfds) + head + table + config


def answer(status, reason=b'', magic=ANSWER_MAGIC):
    return struct.pack('>BIII', 0x80, magic, status, len(reason)) + reason


def corpus():
    ram = (b'ram', 0x100000)
    one = message(1, [ram])
    return {
        'answer-accepted': answer(0),
        'answer-bad-magic': answer(0, magic=MESSAGE_MAGIC),
        'answer-bad-utf8': answer(1, b'r\xc3\xa9\xff\xc3'),
        'answer-refused': answer(1, b"migration: smp.cpus: local value '4' "
                                    b"differs from the stream's '2'"),
        'message-bad-version': message(0, [], version=2),
        'message-fd-mismatch': message(0, [ram]),
        'message-name-overrun': one[:-1],
        'message-no-block': message(0, [], CONFIG),
        'message-one-block': message(1, [(b'pc.ram', 0x20000000)], CONFIG),
        'message-over-limits': message(0, [], nblocks=65),
        'message-two-blocks': message(2, [(b'pc.ram', 0x40000000),
                                          (b'ram', 0x1000)]),
        'message-zero-size': message(1, [(b'ram', 0)]),
    }


def main():
    corpus_out.write(corpus(), sys.argv)


if __name__ == '__main__':
    main()
