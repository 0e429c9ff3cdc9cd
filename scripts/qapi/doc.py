# SPDX-License-Identifier: GPL-2.0-or-later
"""Documentation blocks: '##' ... '##' comments.

A block is one of:
  * a heading: first line '= Title' ('==' for a section, and so on),
    optionally followed by free text;
  * free text;
  * a definition's documentation: first line '@Name:', then free text,
    '@member: text' lines (continuation lines indented), an optional
    'Features:' line followed by '@feature: text' lines, and tagged
    sections 'Returns:', 'Errors:', 'Since:', 'Note:', 'Example:' ...
"""

import re

from .error import QAPIError, SourceInfo

TAGS = ('Returns', 'Errors', 'Since', 'Note', 'Notes', 'Example',
        'Examples', 'TODO')
_ARG_RE = re.compile(r'@([A-Za-z0-9_*-]+):(?: (.*)|$)')
_TAG_RE = re.compile(r'(%s):(?: (.*)|$)' % '|'.join(TAGS))


class Doc:
    def __init__(self, info):
        self.info = info
        self.symbol = None
        self.heading = None       # (level, title) for headings
        self.body = []            # free-text lines
        self.args = {}            # member name -> [lines]
        self.arg_info = {}        # member name -> SourceInfo
        self.features = {}        # feature name -> [lines]
        self.feature_info = {}
        self.sections = []        # [(tag, [lines])]

    @staticmethod
    def text(lines):
        return '\n'.join(lines).strip('\n')


def parse_doc_block(lines, info):
    """@lines: [(text, lineno)] with the leading '# ' removed."""
    doc = Doc(info)
    if not lines:
        return doc
    first, first_line = lines[0]
    rest = lines[1:]
    if first.startswith('='):
        level = len(first) - len(first.lstrip('='))
        title = first[level:].strip()
        if not title:
            raise QAPIError(SourceInfo(info.fname, first_line),
                            'heading without a title')
        doc.heading = (level, title)
    elif first.startswith('@'):
        m = re.fullmatch(r'@([^ :]+):', first.rstrip())
        if not m:
            raise QAPIError(SourceInfo(info.fname, first_line),
                            "definition documentation must start with "
                            "'@NAME:' alone on its line")
        doc.symbol = m.group(1)
    else:
        rest = lines
    if doc.symbol is None:
        doc.body = [text for text, _ in rest]
        return doc

    target = doc.body       # where continuation lines go
    mode = 'body'           # body | args | features | section
    features_mode = False
    for text, lineno in rest:
        here = SourceInfo(info.fname, lineno)
        m = _ARG_RE.fullmatch(text)
        if m and mode != 'section':
            name = m.group(1)
            table, infos = ((doc.features, doc.feature_info)
                            if features_mode else (doc.args, doc.arg_info))
            if name in table:
                raise QAPIError(here, "'%s' is documented twice" % name)
            table[name] = [m.group(2) or '']
            infos[name] = here
            target = table[name]
            mode = 'args'
            continue
        if text.rstrip() == 'Features:':
            if features_mode:
                raise QAPIError(here, "duplicate 'Features:' line")
            features_mode = True
            mode = 'features'
            target = None
            continue
        m = _TAG_RE.fullmatch(text.rstrip())
        if m:
            sec = [m.group(2) or '']
            doc.sections.append((m.group(1), sec))
            target = sec
            mode = 'section'
            continue
        if mode == 'args':
            if text.strip() == '':
                target = None
                mode = 'gap'
                continue
            if not text.startswith(' '):
                raise QAPIError(here, 'continuation line of a member '
                                'description must be indented')
            target.append(text.strip())
            continue
        if mode in ('gap', 'features'):
            if text.strip() == '':
                continue
            if features_mode:
                raise QAPIError(here, "text after 'Features:' must be "
                                "'@feature: description' lines")
            # free text after the member list
            doc.sections.append(('', [text]))
            target = doc.sections[-1][1]
            mode = 'section'
            continue
        target.append(text)
    return doc
