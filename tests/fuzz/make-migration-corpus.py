#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the migration-stream fuzz corpus into a folder at build time.

Two well-formed streams are built from the wire format (QEVM header,
CONFIGURATION, FULL/START/PART/END sections with footers, EOF, JSON
vmdescription; docs/system/migration.md): a pc configuration-only stream
and a 'none' machine stream with 1 MiB of RAM.  Every other input is one of
them truncated or with a few bytes changed, as named below, so the corpus
stays small, reviewable and reproducible.

usage: make-migration-corpus.py OUTDIR [STAMP]
(STAMP, written last, lets the build system track the folder.)
"""
import json
import struct
import sys

import corpus_out

EOF_ = 0x00
START, PART, END, FULL = 0x01, 0x02, 0x03, 0x04
VMDESC, CONFIGURATION, FOOTER = 0x06, 0x07, 0x7E
RAM_ZERO, RAM_MEM_SIZE, RAM_PAGE, RAM_EOS, RAM_CONTINUE = 0x02, 0x04, 0x08, 0x10, 0x20
PAGE = 4096


class Stream:
    """Big-endian writer that remembers named offsets."""

    def __init__(self):
        self.data = bytearray()
        self.at = {}

    def mark(self, name):
        self.at[name] = len(self.data)

    def u8(self, v):
        self.data += struct.pack('>B', v)

    def be32(self, v):
        self.data += struct.pack('>I', v)

    def be64(self, v):
        self.data += struct.pack('>Q', v)

    def raw(self, b):
        self.data += b

    def counted(self, s):
        self.u8(len(s))
        self.raw(s.encode())

    def section_start(self, kind, sid, idstr, version):
        self.u8(kind)
        self.be32(sid)
        self.counted(idstr)
        self.be32(0)  # instance id
        self.be32(version)

    def footer(self, sid):
        self.u8(FOOTER)
        self.be32(sid)


def compact(obj):
    return json.dumps(obj, separators=(',', ':')).encode()


def header(s, machine):
    s.raw(b'QEVM')
    s.be32(3)
    s.mark('configuration')
    s.u8(CONFIGURATION)
    s.be32(len(machine))
    s.raw(machine.encode())


def machine_config(s, sid, config):
    s.mark('first-section')
    s.section_start(FULL, sid, 'machine-config', 1)
    body = compact(config)
    s.mark('config-length')
    s.be32(len(body))
    s.raw(body)
    s.footer(sid)


def globalstate(s, sid, state):
    s.section_start(FULL, sid, 'globalstate', 1)
    s.mark('globalstate-size')
    s.be32(len(state) + 1)
    s.raw(state.encode().ljust(100, b'\0'))
    s.footer(sid)


def vmdescription(s, machine):
    desc = {
        'page_size': PAGE,
        'configuration': {'vmsd_name': 'configuration', 'version': 1,
                          'machine': machine},
        'devices': [
            {'name': 'machine-config', 'instance_id': 0,
             'vmsd_name': 'machine-config', 'version': 1,
             'fields': [{'name': 'json', 'type': 'buffer', 'size': 0}]},
            {'name': 'globalstate', 'instance_id': 0,
             'vmsd_name': 'globalstate', 'version': 1,
             'fields': [{'name': 'size', 'type': 'uint32', 'size': 4},
                        {'name': 'runstate', 'type': 'buffer',
                         'size': 100}]},
        ],
    }
    s.u8(EOF_)
    body = compact(desc)
    s.u8(VMDESC)
    s.be32(len(body))
    s.raw(body)


def config_stream():
    s = Stream()
    header(s, 'pc-i440fx-7.2')
    machine_config(s, 0, {'type': 'pc',
                          'smbios': {'type1': {'serial': 'FUZZ'}},
                          'rtc': {'base': '2020-01-02', 'clock': 'vm'}})
    globalstate(s, 1, 'prelaunch')
    vmdescription(s, 'pc-i440fx-7.2')
    return s


def ram_pages():
    """1 MiB: a counting page at 0x3000, a tagged page at 0x9000."""
    pages = {0x3000: bytes(i % 256 for i in range(PAGE)),
             0x9000: b'qmpd-ram'.ljust(PAGE, b'\0')}
    return [(off, pages.get(off)) for off in range(0, 1 << 20, PAGE)]


def ram_stream():
    s = Stream()
    size = 1 << 20
    header(s, 'none')
    machine_config(s, 0, {'type': 'none', 'memory': {'size': size}})
    s.section_start(START, 1, 'ram', 4)
    s.mark('ram-total')
    s.be64(size | RAM_MEM_SIZE)
    s.mark('ram-block-name')
    s.counted('ram')
    s.mark('ram-block-size')
    s.be64(size)
    s.be64(RAM_EOS)
    s.footer(1)
    s.u8(PART)
    s.be32(1)
    for index, (off, data) in enumerate(ram_pages()):
        flags = RAM_PAGE if data else RAM_ZERO
        if index > 0:
            flags |= RAM_CONTINUE
        if data and 'first-data-page' not in s.at:
            s.mark('first-data-page')
        s.be64(off | flags)
        if index == 0:
            s.counted('ram')
        s.raw(data if data else b'\0')
    s.be64(RAM_EOS)
    s.footer(1)
    s.u8(END)
    s.be32(1)
    s.be64(RAM_EOS)
    s.footer(1)
    globalstate(s, 2, 'prelaunch')
    vmdescription(s, 'none')
    return s


def patched(s, offset, new):
    data = bytearray(s.data)
    data[offset:offset + len(new)] = new
    return bytes(data)


def corpus():
    c = config_stream()
    r = ram_stream()
    at, rat = c.at, r.at
    cfg_len = struct.unpack('>I', c.data[at['config-length']:
                                         at['config-length'] + 4])[0]
    # The flags byte of the first page that carries data.
    page_flags = rat['first-data-page'] + 7
    out = {
        'valid': bytes(c.data),
        'empty': b'',
        'bad-magic': patched(c, 3, b'N'),
        'version-2': patched(c, 7, b'\x02'),
        'no-configuration': patched(c, at['configuration'], b'\x04'),
        'huge-name-length': patched(c, at['configuration'] + 1,
                                    b'\xff\xff\xff\xff'),
        'unknown-section-type': patched(c, at['first-section'], b'\x09'),
        # "machine-config" -> "nachine-config"
        'unknown-section': patched(c, at['first-section'] + 6, b'n'),
        'section-version-9': patched(c, at['config-length'] - 1, b'\x09'),
        'huge-config-length': patched(c, at['config-length'],
                                      b'\xff\xff\xff\xf0'),
        'config-length-short': patched(
            c, at['config-length'], struct.pack('>I', cfg_len - 1)),
        'config-not-json': patched(c, at['config-length'] + 4, b'#'),
        'globalstate-bad-size': patched(c, at['globalstate-size'] + 3,
                                        b'\xff'),
        'trailing-garbage': bytes(c.data) + b'\x01\x02',
        'ram-valid': bytes(r.data),
        'ram-huge-total': patched(r, rat['ram-total'],
                                  b'\xff\xff\xff\xff\xff\xff\xf0'),
        # block "ram" -> "rom"
        'ram-unknown-block': patched(r, rat['ram-block-name'] + 2, b'o'),
        # block size 0x100000 -> 0x200000
        'ram-length-mismatch': patched(r, rat['ram-block-size'] + 5,
                                       b'\x20'),
        'ram-offset-out-of-range': patched(
            r, rat['first-data-page'] + 5, b'\x10\x00'),
        'ram-continue-toggled': patched(r, page_flags, b'\x08'),
        'ram-flags-xbzrle': patched(r, page_flags, b'\x60'),
        'ram-flags-zero-and-page': patched(r, page_flags, b'\x2a'),
        'ram-truncated-in-sizes': bytes(r.data[:rat['ram-block-size'] + 3]),
        # 2000 of the page's 4096 bytes
        'ram-truncated-in-page': bytes(r.data[:rat['first-data-page'] + 8 +
                                              2000]),
    }
    for n in (0, 4, 8, 9, 20, 30, 60, 359, 679, 718):
        out['truncated-%d' % n] = bytes(c.data[:n])
    return out


def main():
    corpus_out.write(corpus(), sys.argv)


if __name__ == '__main__':
    main()
