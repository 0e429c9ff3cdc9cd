# SPDX-License-Identifier: GPL-2.0-or-later
"""Naming rules shared by the generators (how schema names become C)."""

import re

# C keywords, plus words the compiler predefines as macros in gnu mode or
# that glibc/glib headers take; member names equal to one get a 'q_'.
_RESERVED = frozenset('''
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
    _Static_assert _Thread_local asm typeof bool true false errno unix linux
    i386 NULL
'''.split())


def c_name(name, protect=True):
    """@name as a C identifier: every character other than a letter,
    digit or '_' becomes '_'; reserved words get a 'q_' prefix."""
    out = re.sub(r'[^A-Za-z0-9_]', '_', name)
    if protect and out and (out in _RESERVED or out[0].isdigit()):
        return 'q_' + out
    return out


def camel_to_upper(name):
    """CamelCase to UPPER_SNAKE: RunState -> RUN_STATE, QMPCapability ->
    QMP_CAPABILITY.  An underscore goes before an upper-case letter that
    starts a new word: one followed by a lower-case letter, or one right
    after a digit."""
    s = c_name(name, False)
    if name.isupper():
        return s
    out = []
    for i, ch in enumerate(s):
        if ch.isupper() and i > 0 and s[i - 1] != '_':
            nxt_lower = i + 1 < len(s) and s[i + 1].islower()
            if nxt_lower or s[i - 1].isdigit():
                # 'ABc': the break goes before 'B' unless the previous
                # letter already started a word
                out.append('_')
        out.append(ch)
    return ''.join(out).lstrip('_').upper()


def c_enum_const(type_name, value, prefix=None):
    """The C constant of enum @type_name's @value."""
    pre = (prefix if prefix is not None else camel_to_upper(type_name)) + '_'
    return (pre + c_name(value, False)).upper()


def mcgen(text, **kw):
    """Dedents a triple-quoted template and fills %(name)s fields.  The
    indentation of the closing line (the one holding the closing quotes)
    is column 0, so templates can be written indented like the code that
    will surround them."""
    lines = text.split('\n')
    if lines and lines[0] == '':
        lines = lines[1:]
    base = 0
    if lines and lines[-1].strip() == '':
        base = len(lines[-1])
        lines[-1] = ''
    out = '\n'.join(ln[base:] if ln.strip() else '' for ln in lines)
    return out % kw if kw else out


def indent(text, n=4):
    """Indents every non-empty line of @text by @n spaces."""
    return '\n'.join((' ' * n + ln) if ln.strip() else ln
                     for ln in text.split('\n'))


def c_string(s):
    """@s as a C string literal."""
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append('\\' + ch)
        elif ch == '\n':
            out.append('\\n')
        elif ' ' <= ch < '\x7f':
            out.append(ch)
        else:
            for b in ch.encode('utf-8'):
                out.append('\\%03o' % b)
    out.append('"')
    return ''.join(out)
