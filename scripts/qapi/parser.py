# SPDX-License-Identifier: GPL-2.0-or-later
"""Reads schema files: Python-literal-style JSON with '#' comments and
'##' documentation blocks, following {'include': ...} directives."""

import os

from .error import QAPIError, SourceInfo
from .doc import parse_doc_block


class Expr:
    """One top-level definition as written, with its location and doc."""

    def __init__(self, data, info, doc):
        self.data = data
        self.info = info
        self.doc = doc


class FreeDoc:
    """A documentation block not attached to a definition (headings)."""

    def __init__(self, doc):
        self.doc = doc


class SchemaParser:
    """Parses one file; includes are parsed recursively into the same
    item list.  Each file is included at most once."""

    def __init__(self, fname, seen=None, parent_info=None):
        self.fname = fname
        self.seen = seen if seen is not None else set()
        self.items = []
        try:
            with open(fname, encoding='utf-8') as f:
                self.src = f.read()
        except OSError as e:
            raise QAPIError(parent_info,
                            "can't read %s file '%s': %s"
                            % ('include' if parent_info else 'schema',
                               fname, e.strerror))
        self.seen.add(os.path.abspath(fname))
        self.pos = 0
        self.line = 1
        self.line_pos = 0
        self.pending_doc = None
        self._parse_file()

    def _info(self, line=None):
        return SourceInfo(self.fname, self.line if line is None else line)

    def _error(self, msg, line=None):
        raise QAPIError(self._info(line), msg)

    # -- lexer ------------------------------------------------------------
    def _next_token(self):
        """Sets self.tok to one of '{}[],:', "'" (string in self.val),
        't' (true/false in self.val), '#' (doc block in self.val), None
        (end of file).  Plain comments are skipped."""
        src = self.src
        while True:
            if self.pos >= len(src):
                self.tok = None
                return
            ch = src[self.pos]
            self.tok_line = self.line
            if ch == '#':
                end = src.find('\n', self.pos)
                if end < 0:
                    end = len(src)
                text = src[self.pos:end]
                at_line_start = src[self.line_pos:self.pos].strip() == ''
                if text.rstrip() == '##' and at_line_start:
                    self._read_doc_block()
                    self.tok = '#'
                    return
                self.pos = end
            elif ch == '\n':
                self.pos += 1
                self.line += 1
                self.line_pos = self.pos
            elif ch in ' \t\r':
                self.pos += 1
            elif ch in '{}[],:':
                self.tok = ch
                self.pos += 1
                return
            elif ch == "'":
                self._read_string()
                self.tok = "'"
                return
            elif src.startswith('true', self.pos):
                self.tok, self.val = 't', True
                self.pos += 4
                return
            elif src.startswith('false', self.pos):
                self.tok, self.val = 't', False
                self.pos += 5
                return
            else:
                self._error("stray '%s'" % ch)

    def _read_string(self):
        src = self.src
        self.pos += 1
        out = []
        while True:
            if self.pos >= len(src) or src[self.pos] == '\n':
                self._error('missing terminating "\'"')
            ch = src[self.pos]
            self.pos += 1
            if ch == "'":
                break
            if ch == '\\':
                if self.pos >= len(src):
                    self._error('missing terminating "\'"')
                esc = src[self.pos]
                self.pos += 1
                if esc not in "\\'\"/":
                    self._error("unknown escape \\%s" % esc)
                ch = esc
            elif not ch.isprintable() and ch != '\t':
                self._error('control character in string')
            out.append(ch)
        self.val = ''.join(out)

    def _read_doc_block(self):
        """Reads '##' ... '##' starting at self.pos; sets self.val."""
        src = self.src
        start_line = self.line
        lines = []
        # skip the opening '##' line
        end = src.find('\n', self.pos)
        if end < 0:
            self._error('documentation comment must end with \'##\'')
        self.pos = end + 1
        self.line += 1
        self.line_pos = self.pos
        while True:
            if self.pos >= len(src):
                self._error("documentation comment must end with '##'",
                            start_line)
            end = src.find('\n', self.pos)
            if end < 0:
                end = len(src)
            text = src[self.pos:end].rstrip()
            stripped = text.lstrip()
            lineno = self.line
            self.pos = min(end + 1, len(src))
            self.line += 1
            self.line_pos = self.pos
            if stripped == '##':
                break
            if not stripped.startswith('#'):
                self._error("documentation comment line must begin "
                            "with '#'", lineno)
            body = stripped[1:]
            if body and body[0] != ' ':
                self._error("missing space after '#'", lineno)
            lines.append((body[1:], lineno))
        self.val = parse_doc_block(lines, SourceInfo(self.fname, start_line))

    # -- grammar ----------------------------------------------------------
    def _value(self):
        if self.tok == '{':
            return self._object()
        if self.tok == '[':
            return self._array()
        if self.tok in ("'", 't'):
            val = self.val
            self._next_token()
            return val
        self._error('expected value')

    def _object(self):
        obj = {}
        self._next_token()
        if self.tok == '}':
            self._next_token()
            return obj
        while True:
            if self.tok != "'":
                self._error('expected string')
            key = self.val
            self._next_token()
            if self.tok != ':':
                self._error("expected ':'")
            self._next_token()
            if key in obj:
                self._error("duplicate key '%s'" % key)
            obj[key] = self._value()
            if self.tok == '}':
                self._next_token()
                return obj
            if self.tok != ',':
                self._error("expected ',' or '}'")
            self._next_token()

    def _array(self):
        arr = []
        self._next_token()
        if self.tok == ']':
            self._next_token()
            return arr
        while True:
            arr.append(self._value())
            if self.tok == ']':
                self._next_token()
                return arr
            if self.tok != ',':
                self._error("expected ',' or ']'")
            self._next_token()

    def _parse_file(self):
        self._next_token()
        while self.tok is not None:
            if self.tok == '#':
                doc = self.val
                self._next_token()
                if doc.symbol is None:
                    if self.pending_doc is not None:
                        self._orphan(self.pending_doc)
                    self.items.append(FreeDoc(doc))
                else:
                    if self.pending_doc is not None:
                        self._orphan(self.pending_doc)
                    self.pending_doc = doc
                continue
            if self.tok != '{':
                self._error('expected object')
            line = self.tok_line
            info = self._info(line)
            data = self._object()
            if 'include' in data:
                self._include(data, info)
                continue
            doc, self.pending_doc = self.pending_doc, None
            self.items.append(Expr(data, info, doc))
        if self.pending_doc is not None:
            self._orphan(self.pending_doc)

    def _orphan(self, doc):
        raise QAPIError(doc.info, "documentation for '%s' is not followed "
                        "by the definition" % doc.symbol)

    def _include(self, data, info):
        if self.pending_doc is not None:
            self._orphan(self.pending_doc)
        if len(data) != 1:
            raise QAPIError(info, "invalid 'include' directive")
        name = data['include']
        if not isinstance(name, str):
            raise QAPIError(info, "value of 'include' must be a string")
        path = os.path.join(os.path.dirname(self.fname), name)
        if os.path.abspath(path) in self.seen:
            return
        sub = SchemaParser(path, self.seen, info)
        self.items.extend(sub.items)


def parse_schema(fname):
    """Returns the flat list of Expr and FreeDoc items of @fname, and the
    paths of every file read (for the build's dependency file)."""
    parser = SchemaParser(fname)
    return parser.items, sorted(parser.seen)
