# SPDX-License-Identifier: GPL-2.0-or-later
"""Generates Pqapi-types.{c,h}: C types, enum lookup tables, free
functions and member feature tables; and, with --builtins, the list types
of the built-in types (qapi-builtin-types.{c,h})."""

from .common import c_name, c_string, mcgen
from .gen import CFile, HFile
from .schema import (AlternateType, ArrayType, BuiltinType, EnumType,
                     ObjectType)

FEATURE_BITS = {'deprecated': 'QAPI_FEATURE_DEPRECATED',
                'unstable': 'QAPI_FEATURE_UNSTABLE',
                'host-local': 'QAPI_FEATURE_HOST_LOCAL'}


def feature_mask(features):
    bits = [FEATURE_BITS[f] for f in features if f in FEATURE_BITS]
    return ' | '.join(bits) if bits else '0'


def member_decl(m, indent='    '):
    out = ''
    if m.needs_has():
        out += '%sbool has_%s;\n' % (indent, m.c_name())
    ctype = m.type.c_type()
    sep = '' if ctype.endswith('*') else ' '
    out += '%s%s%s%s;\n' % (indent, ctype, sep, m.c_name())
    return out


def list_struct(elem_ctype, list_name):
    sep = '' if elem_ctype.endswith('*') else ' '
    return mcgen('''
        struct %(name)s {
            struct %(name)s *next;
            %(ctype)s%(sep)svalue;
        };
        ''', name=list_name, ctype=elem_ctype, sep=sep)


def gen_builtin_types(schema, outdir):
    h = HFile('qapi-builtin-types.h', 'Lists of the QAPI built-in types',
              'the built-in type table')
    c = CFile('qapi-builtin-types.c', 'Lists of the QAPI built-in types',
              'the built-in type table')
    h.add('\n#include "qapi/util.h"\n')
    c.add('\n#include "prelude.h"\n\n#include "qapi-builtin-types.h"\n'
          '#include "qapi-builtin-visit.h"\n#include '
          '"qapi/dealloc-visitor.h"\n')
    for t in schema.builtins:
        ln = t.c_list_name()
        h.add('\ntypedef struct %s %s;\n' % (ln, ln))
        h.add(list_struct(t.c_type(), ln))
        h.add(free_decl(ln))
        c.add(free_def(ln))
    h.write(outdir)
    c.write(outdir)


def free_decl(cname):
    return mcgen('''

        /** qapi_free_%(c)s: frees @obj and everything it owns; NULL is ok */
        void qapi_free_%(c)s(%(c)s *obj);
        G_DEFINE_AUTOPTR_CLEANUP_FUNC(%(c)s, qapi_free_%(c)s)
        ''', c=cname)


def free_def(cname):
    return mcgen('''

        void qapi_free_%(c)s(%(c)s *obj)
        {
            Visitor *v;

            if (!obj) {
                return;
            }
            v = qapi_dealloc_visitor_new();
            visit_type_%(c)s(v, NULL, &obj, NULL);
            visit_free(v);
        }
        ''', c=cname)


def gen_enum_decl(t):
    out = '\ntypedef enum %s {\n' % t.c_name()
    for v in t.values:
        out += '    %s,\n' % t.const(v.name)
    out += '    %s,\n} %s;\n' % (t.const('_MAX'), t.c_name())
    out += mcgen('''

        extern const QEnumLookup %(c)s_lookup;
        #define %(c)s_str(val) qapi_enum_lookup(&%(c)s_lookup, (val))
        ''', c=t.c_name())
    return out


def gen_enum_def(t):
    out = '\nconst QEnumLookup %s_lookup = {\n' % t.c_name()
    out += '    .array = (const char *const[]){\n'
    for v in t.values:
        out += '        [%s] = %s,\n' % (t.const(v.name), c_string(v.name))
    out += '    },\n'
    if any(v.features for v in t.values):
        out += '    .features = (const unsigned[]){\n'
        for v in t.values:
            out += '        [%s] = %s,\n' % (t.const(v.name),
                                             feature_mask(v.features))
        out += '    },\n'
    out += '    .size = %s,\n};\n' % t.const('_MAX')
    return out


def gen_object_struct(t):
    out = '\nstruct %s {\n' % t.c_name()
    members = t.all_members()
    for m in members:
        out += member_decl(m)
    if t.variants:
        cases = [v for v in t.variants if not v.type.is_empty()]
        if cases:
            out += '    union { /* by %s */\n' % t.tag
            for v in cases:
                out += '        %s %s;\n' % (v.type.c_name(), v.c_name())
            out += '    } u;\n'
    if not members and not t.variants:
        out += '    /* empty: C needs a member */\n    char qapi_dummy;\n'
    elif not members and not any(not v.type.is_empty()
                                 for v in t.variants):
        out += '    char qapi_dummy;\n'
    out += '};\n'
    return out


def gen_alternate_struct(t):
    out = '\nstruct %s {\n    QType type;\n    union {\n' % t.c_name()
    for v in t.variants:
        if isinstance(v.type, ObjectType):
            out += '        %s %s;\n' % (v.type.c_name(), v.c_name())
        else:
            ctype = v.type.c_type()
            sep = '' if ctype.endswith('*') else ' '
            out += '        %s%s%s;\n' % (ctype, sep, v.c_name())
    out += '    } u;\n};\n'
    return out


def gen_member_table(t):
    out = '\nconst QapiMemberInfo %s_members[] = {\n' % t.c_name()
    for m in t.all_members():
        out += '    { %s, %s, %s },\n' % (
            c_string(m.name), 'true' if m.optional else 'false',
            feature_mask(m.features))
    out += '    { NULL, false, 0 },\n};\n'
    return out


def by_value_deps(t):
    if isinstance(t, ObjectType) and t.variants:
        return [v.type for v in t.variants]
    if isinstance(t, AlternateType):
        return [v.type for v in t.variants if isinstance(v.type, ObjectType)]
    return []


def gen_types(schema, outdir, prefix):
    sname = schema.fname
    h = HFile(prefix + 'qapi-types.h', 'Schema-defined QAPI types', sname)
    c = CFile(prefix + 'qapi-types.c', 'Schema-defined QAPI types', sname)
    h.add('\n#include "qapi/util.h"\n#include "qapi-builtin-types.h"\n')
    c.add(mcgen('''

        #include "prelude.h"

        #include "qapi/dealloc-visitor.h"
        #include "%(p)sqapi-types.h"
        #include "%(p)sqapi-visit.h"
        ''', p=prefix))
    types = schema.user_types()
    enums = [t for t in types if isinstance(t, EnumType)]
    complex_types = [t for t in types
                     if isinstance(t, (ObjectType, AlternateType))]
    for t in enums:
        h.add(gen_enum_decl(t))
        c.add(gen_enum_def(t))
    h.add('\n')
    for t in complex_types:
        h.add('typedef struct %s %s;\n' % (t.c_name(), t.c_name()))
    h.add('\n')
    for t in enums + complex_types:
        if not t.is_implicit:
            ln = t.c_list_name()
            h.add('typedef struct %s %s;\n' % (ln, ln))
    for t in enums + complex_types:
        if not t.is_implicit:
            h.add(list_struct(t.c_type(), t.c_list_name()))
    done = set()

    def emit(t):
        if t.name in done:
            return
        done.add(t.name)
        for dep in by_value_deps(t):
            emit(dep)
        if isinstance(t, ObjectType):
            h.add(gen_object_struct(t))
        else:
            h.add(gen_alternate_struct(t))
    for t in complex_types:
        emit(t)
    for t in complex_types:
        h.add(free_decl(t.c_name()))
        c.add(free_def(t.c_name()))
        if not t.is_implicit:
            h.add(free_decl(t.c_list_name()))
            c.add(free_def(t.c_list_name()))
    for t in enums:
        h.add(free_decl(t.c_list_name()))
        c.add(free_def(t.c_list_name()))
    h.add('\n/* Member tables: every member, base first, with feature '
          'bits */\n')
    for t in complex_types:
        if isinstance(t, ObjectType) and not t.is_implicit:
            h.add('extern const QapiMemberInfo %s_members[];\n' % t.c_name())
            c.add(gen_member_table(t))
    h.write(outdir)
    c.write(outdir)
