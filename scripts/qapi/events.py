# SPDX-License-Identifier: GPL-2.0-or-later
"""Generates Pqapi-events.{c,h}: qapi_event_send_NAME() per event."""

from .commands import handler_params
from .common import c_name, c_string, indent, mcgen
from .gen import CFile, HFile


def event_decl(ev):
    params = handler_params(ev, ev.arg_type, ev.boxed) or ['void']
    return 'void qapi_event_send_%s(%s)' % (c_name(ev.name).lower(),
                                           ', '.join(params))


def gen_event(ev):
    arg = ev.arg_type
    out = '\n%s\n{\n' % event_decl(ev)
    if arg is None:
        out += '    qapi_event_emit(%s, NULL);\n}\n' % c_string(ev.name)
        return out
    out += '    JsonNode *data = NULL;\n    Visitor *v;\n'
    if ev.boxed:
        out += '    %s *param = arg;\n' % arg.c_name()
    else:
        out += '    %s param_value = {0};\n' % arg.c_name()
        out += '    %s *param = &param_value;\n' % arg.c_name()
    out += '\n'
    if not ev.boxed:
        for m in arg.all_members():
            cast = ''
            if m.type.c_param_type() != m.type.c_type():
                cast = '(%s)' % m.type.c_type()
            if m.needs_has():
                out += '    param_value.has_%s = has_%s;\n' % (m.c_name(),
                                                              m.c_name())
            out += '    param_value.%s = %s%s;\n' % (m.c_name(), cast,
                                                     m.c_name())
    out += mcgen('''
            v = json_output_visitor_new(&data);
            if (visit_start_struct(v, "%(n)s", (void **)&param, 0, NULL)) {
                if (visit_type_%(a)s_members(v, param, NULL)) {
                    visit_check_struct(v, NULL);
                }
                visit_end_struct(v, (void **)&param);
            }
            visit_complete(v, &data);
            visit_free(v);
            qapi_event_emit(%(name)s, json_node_get_object(data));
            json_node_unref(data);
        }
        ''', n=ev.name, a=arg.c_name(), name=c_string(ev.name))
    return out


def gen_events(schema, outdir, prefix):
    sname = schema.fname
    h = HFile(prefix + 'qapi-events.h', 'QMP event senders', sname)
    c = CFile(prefix + 'qapi-events.c', 'QMP event senders', sname)
    h.add(mcgen('''

        #include "%(p)sqapi-types.h"

        /*
         * qapi_event_send_NAME: builds the event's data from the arguments
         * (transfer none) and hands it to qapi_event_emit().
         */
        ''', p=prefix))
    c.add(mcgen('''

        #include "prelude.h"

        #include "qapi/json-output-visitor.h"
        #include "qapi/qapi-event.h"
        #include "%(p)sqapi-events.h"
        #include "%(p)sqapi-visit.h"
        ''', p=prefix))
    for ev in schema.events:
        h.add(event_decl(ev) + ';\n')
        c.add(gen_event(ev))
    h.write(outdir)
    c.write(outdir)
