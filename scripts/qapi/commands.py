# SPDX-License-Identifier: GPL-2.0-or-later
"""Generates Pqapi-commands.{c,h}: handler prototypes, marshallers and
Pqmp_init_marshal()."""

from .common import c_name, c_string, indent, mcgen
from .gen import CFile, HFile
from .schema import PHASES


def handler_params(cmd_or_event, arg_type, boxed):
    """The parameter list of a handler / event sender (without errp)."""
    if arg_type is None:
        return []
    if boxed:
        ptype = arg_type.c_param_type()
        return ['%s%sarg' % (ptype, '' if ptype.endswith('*') else ' ')]
    out = []
    for m in arg_type.all_members():
        if m.needs_has():
            out.append('bool has_%s' % m.c_name())
        ptype = m.type.c_param_type()
        sep = '' if ptype.endswith('*') else ' '
        out.append('%s%s%s' % (ptype, sep, m.c_name()))
    return out


def handler_args(arg_type, boxed, var='arg.'):
    if arg_type is None:
        return []
    if boxed:
        return ['&arg']
    out = []
    for m in arg_type.all_members():
        if m.needs_has():
            out.append('%shas_%s' % (var, m.c_name()))
        out.append('%s%s' % (var, m.c_name()))
    return out


def ret_ctype(cmd):
    if cmd.ret_type is None:
        return 'void'
    return cmd.ret_type.c_type()


def handler_decl(cmd):
    params = handler_params(cmd, cmd.arg_type, cmd.boxed) + ['GError **errp']
    rt = ret_ctype(cmd)
    sep = '' if rt.endswith('*') else ' '
    return '%s%sqmp_%s(%s);\n' % (rt, sep, c_name(cmd.name), ', '.join(params))


def marshal_sig(cmd):
    return ('void qmp_marshal_%s(JsonObject *args, JsonNode **ret, '
            'GError **errp)' % c_name(cmd.name))


def gen_output_fn(typ):
    return mcgen('''

        static void qmp_marshal_output_%(c)s(%(t)sret_in, JsonNode **ret_out)
        {
            Visitor *v = json_output_visitor_new(ret_out);

            visit_type_%(c)s(v, NULL, &ret_in, NULL);
            visit_complete(v, ret_out);
            visit_free(v);
            v = qapi_dealloc_visitor_new();
            visit_type_%(c)s(v, NULL, &ret_in, NULL);
            visit_free(v);
        }
        ''', c=typ.c_name(), t=typ.c_type() + ('' if typ.c_type().endswith('*')
                                             else ' '))


def gen_marshal(cmd):
    arg = cmd.arg_type
    rt = cmd.ret_type
    out = '\n%s\n{\n' % marshal_sig(cmd)
    out += '    GError *err = NULL;\n    bool ok = false;\n'
    out += '    g_autoptr(JsonNode) root = json_node_new(JSON_NODE_OBJECT);\n'
    out += '    Visitor *v;\n'
    if arg is not None:
        out += '    %s arg = {0};\n' % arg.c_name()
    if rt is not None:
        ctype = rt.c_type()
        sep = '' if ctype.endswith('*') else ' '
        out += '    %s%sretval;\n' % (ctype, sep)
    out += mcgen('''

            json_node_set_object(root, args);
            v = json_input_visitor_new(root);
            if (!visit_start_struct(v, NULL, NULL, 0, errp)) {
                goto out;
            }
        ''')
    if arg is not None:
        out += mcgen('''
                if (visit_type_%(a)s_members(v, &arg, errp)) {
                    ok = visit_check_struct(v, errp);
                }
            ''', a=arg.c_name())
    else:
        out += '    ok = visit_check_struct(v, errp);\n'
    out += mcgen('''
            visit_end_struct(v, NULL);
            if (!ok) {
                goto out;
            }
        ''')
    call = 'qmp_%s(%s)' % (c_name(cmd.name), ', '.join(
        handler_args(arg, cmd.boxed) + ['&err']))
    if rt is not None:
        out += '    retval = %s;\n' % call
    else:
        out += '    %s;\n' % call
    out += mcgen('''
            if (err) {
                g_propagate_error(errp, err);
                goto out;
            }
        ''')
    if rt is not None:
        out += '    qmp_marshal_output_%s(retval, ret);\n' % rt.c_name()
    else:
        out += '    *ret = qmp_empty_return();\n'
    out += '\nout:\n    visit_free(v);\n'
    if arg is not None:
        out += mcgen('''
                v = qapi_dealloc_visitor_new();
                visit_start_struct(v, NULL, NULL, 0, NULL);
                visit_type_%(a)s_members(v, &arg, NULL);
                visit_end_struct(v, NULL);
                visit_free(v);
            ''', a=arg.c_name())
    out += '}\n'
    return out


def phase_mask(cmd):
    if len(cmd.phases) == len(PHASES):
        return 'PHASE_MASK_ALL'
    return ' | '.join('PHASE_MASK(PHASE_%s)' % c_name(p, False).upper()
                      for p in cmd.phases)


def gen_commands(schema, outdir, prefix):
    sname = schema.fname
    h = HFile(prefix + 'qapi-commands.h', 'QMP command handlers and '
              'marshallers', sname)
    c = CFile(prefix + 'qapi-commands.c', 'QMP command marshallers', sname)
    h.add(mcgen('''

        #include "qapi/qmp-registry.h"
        #include "%(p)sqapi-types.h"

        /*
         * Handlers (qmp_NAME) are written by hand in the layer that owns the
         * command; marshallers (qmp_marshal_NAME) are generated, except for
         * commands with 'gen': false, whose marshaller is hand-written too.
         */
        ''', p=prefix))
    c.add(mcgen('''

        #include "prelude.h"

        #include "qapi/dealloc-visitor.h"
        #include "qapi/json-input-visitor.h"
        #include "qapi/json-output-visitor.h"
        #include "qapi/qmp-dispatch.h"
        #include "%(p)sqapi-commands.h"
        #include "%(p)sqapi-visit.h"
        ''', p=prefix))
    done = set()
    for cmd in schema.commands:
        if cmd.gen:
            h.add('\n' + handler_decl(cmd))
        h.add(marshal_sig(cmd) + ';\n')
        if not cmd.gen:
            continue
        rt = cmd.ret_type
        if rt is not None and rt.name not in done:
            done.add(rt.name)
            c.add(gen_output_fn(rt))
        c.add(gen_marshal(cmd))
    h.add('\n/** %sqmp_init_marshal: registers every command of the schema */'
          '\nvoid %sqmp_init_marshal(QmpCommandList *cmds);\n'
          % (c_name(prefix, False), c_name(prefix, False)))
    c.add('\nvoid %sqmp_init_marshal(QmpCommandList *cmds)\n{\n'
          % c_name(prefix, False))
    for cmd in schema.commands:
        opts = 'QCO_ALLOW_OOB' if cmd.allow_oob else 'QCO_NO_OPTIONS'
        c.add('    qmp_register_command(cmds, %s, qmp_marshal_%s,\n'
              '                         %s, %s);\n'
              % (c_string(cmd.name), c_name(cmd.name), phase_mask(cmd), opts))
    c.add('}\n')
    h.write(outdir)
    c.write(outdir)
