# SPDX-License-Identifier: GPL-2.0-or-later
"""Generates Pqapi-visit.{c,h}: one visit_type_T() per type (and
visit_type_T_members() for objects), driving any Visitor."""

from .common import c_string, indent, mcgen
from .gen import CFile, HFile
from .schema import (AlternateType, ArrayType, BuiltinType, EnumType,
                     ObjectType)


def visit_fn(t):
    """The visit function of type @t."""
    return 'visit_type_' + t.c_name()


def gen_member_visits(members, obj='obj'):
    out = ''
    for m in members:
        field = '%s->%s' % (obj, m.c_name())
        call = '%s(v, %s, &%s, errp)' % (visit_fn(m.type), c_string(m.name),
                                         field)
        if not m.optional:
            out += mcgen('''
                    if (!%(call)s) {
                        return false;
                    }
                ''', call=call)
        elif m.needs_has():
            out += mcgen('''
                    if (visit_optional(v, %(n)s, &%(o)s->has_%(c)s)) {
                        if (!%(call)s) {
                            return false;
                        }
                    }
                ''', n=c_string(m.name), o=obj, c=m.c_name(), call=call)
        else:
            out += mcgen('''
                    has_%(c)s = !!%(f)s;
                    if (visit_optional(v, %(n)s, &has_%(c)s)) {
                        if (!%(call)s) {
                            return false;
                        }
                    }
                ''', n=c_string(m.name), f=field, c=m.c_name(), call=call)
    return out


def gen_members_fn(t):
    local_ptr_opt = [m for m in t.local_members
                     if m.optional and not m.needs_has()]
    out = mcgen('''

        bool visit_type_%(c)s_members(Visitor *v, %(c)s *obj, GError **errp)
        {
        ''', c=t.c_name())
    for m in local_ptr_opt:
        out += '    bool has_%s;\n' % m.c_name()
    if local_ptr_opt:
        out += '\n'
    if t.base is not None:
        out += mcgen('''
                if (!visit_type_%(b)s_members(v, (%(b)s *)obj, errp)) {
                    return false;
                }
            ''', b=t.base.c_name())
    out += gen_member_visits(t.local_members)
    if t.variants:
        tag = t.tag_member
        out += '    switch (obj->%s) {\n' % tag.c_name()
        for var in t.variants:
            out += '    case %s:\n' % tag.type.const(var.case)
            if var.type.is_empty():
                out += '        break;\n'
            else:
                out += ('        return visit_type_%s_members(v, &obj->u.%s, '
                        'errp);\n' % (var.type.c_name(), var.c_name()))
        out += '    default:\n        break;\n    }\n'
    out += '    return true;\n}\n'
    return out


def gen_object_visit(t):
    return mcgen('''

        bool visit_type_%(c)s(Visitor *v, const char *name, %(c)s **obj,
                        GError **errp)
        {
            bool ok = false;

            if (!visit_start_struct(v, name, (void **)obj, sizeof(%(c)s), errp)) {
                return false;
            }
            if (!*obj) {
                /* only the dealloc visitor meets a NULL member */
                ok = true;
                goto out_obj;
            }
            if (!visit_type_%(c)s_members(v, *obj, errp)) {
                goto out_obj;
            }
            ok = visit_check_struct(v, errp);
        out_obj:
            visit_end_struct(v, (void **)obj);
            if (!ok && visit_is_input(v)) {
                qapi_free_%(c)s(*obj);
                *obj = NULL;
            }
            return ok;
        }
        ''', c=t.c_name())


def gen_list_visit(list_name, elem):
    if isinstance(elem, EnumType) or (isinstance(elem, BuiltinType)):
        value = '&tail->value'
    else:
        value = '&tail->value'
    return mcgen('''

        bool visit_type_%(c)s(Visitor *v, const char *name, %(c)s **obj,
                        GError **errp)
        {
            bool ok = false;
            %(c)s *tail;
            size_t size = sizeof(**obj);

            if (!visit_start_list(v, name, (GenericList **)obj, size, errp)) {
                return false;
            }
            for (tail = *obj; tail;
                 tail = (%(c)s *)visit_next_list(v, (GenericList *)tail, size)) {
                if (!%(fn)s(v, NULL, %(value)s, errp)) {
                    goto out_obj;
                }
            }
            ok = visit_check_list(v, errp);
        out_obj:
            visit_end_list(v, (void **)obj);
            if (!ok && visit_is_input(v)) {
                qapi_free_%(c)s(*obj);
                *obj = NULL;
            }
            return ok;
        }
        ''', c=list_name, fn=visit_fn(elem), value=value)


def gen_enum_visit(t):
    return mcgen('''

        bool visit_type_%(c)s(Visitor *v, const char *name, %(c)s *obj,
                        GError **errp)
        {
            int value = *obj;
            bool ok = visit_type_enum(v, name, &value, &%(c)s_lookup, errp);

            *obj = value;
            return ok;
        }
        ''', c=t.c_name())


QTYPES = {'string': 'QTYPE_QSTRING', 'number': 'QTYPE_QNUM',
          'int': 'QTYPE_QNUM', 'boolean': 'QTYPE_QBOOL',
          'null': 'QTYPE_QNULL', 'object': 'QTYPE_QDICT',
          'array': 'QTYPE_QLIST'}


def gen_alternate_visit(t):
    out = mcgen('''

        bool visit_type_%(c)s(Visitor *v, const char *name, %(c)s **obj,
                        GError **errp)
        {
            bool ok = false;

            if (!visit_start_alternate(v, name, (GenericAlternate **)obj,
                                       sizeof(**obj), errp)) {
                return false;
            }
            if (!*obj) {
                /* only the dealloc visitor meets a NULL member */
                ok = true;
                goto out_obj;
            }
        ''', c=t.c_name())
    # keyval input delivers every scalar as a string: with no string
    # branch, such a string goes to the first scalar branch
    has_string = any(v.type.json_type() == 'string' for v in t.variants)
    scalar = [v for v in t.variants
              if v.type.json_type() in ('number', 'int', 'boolean')]
    if not has_string and scalar:
        s = scalar[0]
        out += mcgen('''
                if ((*obj)->type == QTYPE_QSTRING && visit_is_keyval(v)) {
                    (*obj)->type = %(q)s;
                }
            ''', q=QTYPES[s.type.json_type()])
    if not has_string and any(v.type.json_type() == 'null'
                              for v in t.variants):
        pass
    out += '    switch ((*obj)->type) {\n'
    for var in t.variants:
        q = QTYPES[var.type.json_type()]
        out += '    case %s:\n' % q
        if isinstance(var.type, ObjectType):
            out += mcgen('''
                        if (!visit_start_struct(v, name, NULL, 0, errp)) {
                            break;
                        }
                        if (visit_type_%(t)s_members(v, &(*obj)->u.%(c)s, errp)) {
                            ok = visit_check_struct(v, errp);
                        }
                        visit_end_struct(v, NULL);
                        break;
                ''', t=var.type.c_name(), c=var.c_name())
        else:
            out += ('        ok = %s(v, name, &(*obj)->u.%s, errp);\n'
                    '        break;\n' % (visit_fn(var.type), var.c_name()))
    out += mcgen('''
            default:
                if (visit_is_input(v)) {
                    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                                "Invalid parameter type for '%%s', expected: %%s",
                                name ? name : "null", %(n)s);
                } else {
                    ok = true;
                }
                break;
            }
        out_obj:
            visit_end_alternate(v, (void **)obj);
            if (!ok && visit_is_input(v)) {
                qapi_free_%(c)s(*obj);
                *obj = NULL;
            }
            return ok;
        }
        ''', n=c_string(t.name), c=t.c_name())
    return out


def visit_decl(t):
    ref = '*' if isinstance(t, EnumType) else '**'
    return ('bool %s(Visitor *v, const char *name, %s %sobj, GError **errp);\n'
            % (visit_fn(t), t.c_name(), ref))


def gen_builtin_visit(schema, outdir):
    h = HFile('qapi-builtin-visit.h', 'Visitors of the built-in list types',
              'the built-in type table')
    c = CFile('qapi-builtin-visit.c', 'Visitors of the built-in list types',
              'the built-in type table')
    h.add('\n#include "qapi-builtin-types.h"\n#include "qapi/visitor.h"\n\n')
    c.add('\n#include "prelude.h"\n\n#include "qapi-builtin-visit.h"\n')
    for t in schema.builtins:
        ln = t.c_list_name()
        h.add('bool visit_type_%s(Visitor *v, const char *name, %s **obj, '
              'GError **errp);\n' % (ln, ln))
        c.add(gen_list_visit(ln, t))
    h.write(outdir)
    c.write(outdir)


def gen_visit(schema, outdir, prefix):
    sname = schema.fname
    h = HFile(prefix + 'qapi-visit.h', 'Visitors of the schema-defined types',
              sname)
    c = CFile(prefix + 'qapi-visit.c', 'Visitors of the schema-defined types',
              sname)
    h.add(mcgen('''

        #include "qapi/visitor.h"
        #include "qapi-builtin-visit.h"
        #include "%(p)sqapi-types.h"

        ''', p=prefix))
    c.add(mcgen('''

        #include "prelude.h"

        #include "util/error.h"
        #include "%(p)sqapi-visit.h"
        ''', p=prefix))
    for t in schema.user_types():
        if isinstance(t, ObjectType):
            h.add('bool visit_type_%s_members(Visitor *v, %s *obj, '
                  'GError **errp);\n' % (t.c_name(), t.c_name()))
            c.add(gen_members_fn(t))
            h.add(visit_decl(t))
            c.add(gen_object_visit(t))
        elif isinstance(t, EnumType):
            h.add(visit_decl(t))
            c.add(gen_enum_visit(t))
        elif isinstance(t, AlternateType):
            h.add(visit_decl(t))
            c.add(gen_alternate_visit(t))
        if not t.is_implicit:
            ln = t.c_list_name()
            h.add('bool visit_type_%s(Visitor *v, const char *name, %s **obj, '
                  'GError **errp);\n' % (ln, ln))
            c.add(gen_list_visit(ln, t))
    h.write(outdir)
    c.write(outdir)
