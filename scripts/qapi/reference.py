# SPDX-License-Identifier: GPL-2.0-or-later
"""Generates Pqmp-reference.md, the QMP reference, from the schema's doc
comments: headings, then every command, event and type in schema order."""

from .doc import Doc
from .gen import write_if_changed
from .schema import (AlternateType, Command, EnumType, Event, ObjectType)


def _type_ref(t):
    if t is None:
        return ''
    if t.name.startswith('['):
        return 'array of %s' % _type_ref(t.element)
    if t.meta == 'built-in type':
        return '`%s`' % t.name
    return '[`%s`](#%s)' % (t.name, t.name.lower())


def _para(lines):
    return Doc.text(lines)


def _example(lines):
    text = Doc.text(lines)
    body = '\n'.join(ln[4:] if ln.startswith('    ') else ln
                     for ln in text.split('\n'))
    return '```\n%s\n```' % body.strip('\n')


def _members_table(ent, members, doc):
    out = []
    for m in members:
        desc = ' '.join(doc.args.get(m.name, [])).strip() if doc else ''
        flags = []
        if m.optional:
            flags.append('optional')
        flags += ['feature *%s*' % f for f in m.features]
        extra = ' (%s)' % ', '.join(flags) if flags else ''
        out.append('- `%s`: %s%s — %s' % (m.name, _type_ref(m.type), extra,
                                          desc))
    return out


def _entity(ent):
    doc = ent.doc
    kind = {'command': 'Command', 'event': 'Event', 'enum': 'Enum',
            'struct': 'Object', 'union': 'Union',
            'alternate': 'Alternate'}[ent.meta]
    out = ['<a id="%s"></a>' % ent.name.lower(), '',
           '### %s `%s`' % (kind, ent.name), '']
    returns = [Doc.text(lines) for tag, lines in doc.sections
               if tag == 'Returns']
    body = _para(doc.body)
    if body:
        out += [body, '']
    if isinstance(ent, EnumType):
        out += ['Values:', '']
        for v in ent.values:
            desc = ' '.join(doc.args.get(v.name, [])).strip()
            out.append('- `%s`: %s' % (v.name, desc))
        out.append('')
    elif isinstance(ent, ObjectType):
        members = ent.local_members
        if ent.base is not None and ent.base.is_implicit:
            members = ent.base.local_members
        elif ent.base is not None:
            out += ['The members of %s, and:' % _type_ref(ent.base), '']
        if members:
            out += ['Members:', ''] + _members_table(ent, members, doc) + ['']
        if ent.variants:
            out += ['Depending on `%s`:' % ent.tag, '']
            for v in ent.variants:
                out.append('- `%s`: the members of %s' % (v.case,
                                                         _type_ref(v.type)))
            out.append('')
    elif isinstance(ent, AlternateType):
        out += ['One of:', '']
        for v in ent.variants:
            desc = ' '.join(doc.args.get(v.case, [])).strip()
            out.append('- `%s`: %s — %s' % (v.case, _type_ref(v.type), desc))
        out.append('')
    elif isinstance(ent, (Command, Event)):
        arg = ent.arg_type
        if arg is not None and arg.is_implicit:
            out += ['Arguments:', ''] + _members_table(
                ent, arg.local_members, doc) + ['']
        elif arg is not None:
            out += ['Arguments: the members of %s%s.' % (
                _type_ref(arg), ' (boxed)' if ent.boxed else ''), '']
        if isinstance(ent, Command):
            if ent.ret_type is not None:
                out += ['Returns: %s%s' % (
                    _type_ref(ent.ret_type),
                    ' — ' + returns[0] if returns else ''), '']
            phases = ('every phase' if len(ent.phases) == 5
                      else ', '.join('`%s`' % p for p in ent.phases))
            out += ['Allowed in: %s%s' % (
                phases, '; supports out-of-band execution'
                if ent.allow_oob else ''), '']
    for tag, lines in doc.sections:
        if tag == 'Returns':
            continue
        if tag in ('Example', 'Examples'):
            out += ['%s:' % tag, '', _example(lines), '']
        elif tag:
            out += ['%s: %s' % (tag, _para(lines)), '']
        else:
            out += [_para(lines), '']
    if doc.features:
        out += ['Features:', '']
        for f, lines in doc.features.items():
            out.append('- `%s`: %s' % (f, ' '.join(lines).strip()))
        out.append('')
    return out


def gen_reference(schema, outdir, prefix):
    out = []
    for kind, item in schema.docs:
        if kind == 'doc':
            if item.heading:
                level, title = item.heading
                out += ['#' * level + ' ' + title, '']
            text = _para(item.body)
            if text:
                out += [text, '']
        elif not item.is_implicit_entity():
            out += _entity(item)
    text = '\n'.join(out).rstrip('\n') + '\n'
    write_if_changed('%s/%sqmp-reference.md' % (outdir, prefix), text)
