# SPDX-License-Identifier: GPL-2.0-or-later
"""Generates Pqapi-introspect.{c,h}: the query-qmp-schema data.

Entries: every command and event, plus every type reachable from them.
Non-builtin type names are masked as decimal strings ("0" is the empty
object type); sized integer types are reported as 'int', as QEMU does."""

import json

from .common import c_name, c_string, mcgen
from .gen import CFile, HFile
from .schema import (AlternateType, ArrayType, BuiltinType, EnumType,
                     ObjectType)


class Introspector:
    def __init__(self, schema):
        self.schema = schema
        self.names = {}        # type name -> entry name
        self.queue = []
        self.entries = []
        self.next_id = 1
        self.names['q_empty'] = '0'
        self.need_empty = False

    def use(self, typ):
        """The introspection name of @typ, queueing its entry."""
        if typ is None:
            self.need_empty = True
            return '0'
        if isinstance(typ, BuiltinType) and typ.json_type() == 'int':
            typ = self.schema.types['int']
        if isinstance(typ, ArrayType):
            elem = self.use(typ.element)
            name = '[%s]' % elem
            if name not in self.names:
                self.names[name] = name
                self.queue.append((typ, name))
            return name
        if isinstance(typ, ObjectType) and typ.is_empty() and \
                not typ.features:
            self.need_empty = True
            return '0'
        if typ.name not in self.names:
            if isinstance(typ, BuiltinType):
                name = typ.name
            else:
                name = str(self.next_id)
                self.next_id += 1
            self.names[typ.name] = name
            self.queue.append((typ, name))
        return self.names[typ.name]

    @staticmethod
    def _with_features(obj, features):
        if features:
            obj['features'] = list(features)
        return obj

    def _member(self, m):
        obj = {'name': m.name, 'type': self.use(m.type)}
        if m.optional:
            obj['default'] = None
        return self._with_features(obj, m.features)

    def _type_entry(self, typ, name):
        obj = {'name': name}
        if isinstance(typ, BuiltinType):
            obj['meta-type'] = 'builtin'
            obj['json-type'] = typ.json_type()
        elif isinstance(typ, EnumType):
            obj['meta-type'] = 'enum'
            obj['members'] = [self._with_features({'name': v.name},
                                                  v.features)
                              for v in typ.values]
            obj['values'] = [v.name for v in typ.values]
        elif isinstance(typ, ArrayType):
            obj['meta-type'] = 'array'
            obj['element-type'] = self.use(typ.element)
        elif isinstance(typ, ObjectType):
            obj['meta-type'] = 'object'
            obj['members'] = [self._member(m) for m in typ.all_members()]
            if typ.variants is not None:
                obj['tag'] = typ.tag
                obj['variants'] = [{'case': v.case,
                                    'type': self.use(v.type)}
                                   for v in typ.variants]
        elif isinstance(typ, AlternateType):
            obj['meta-type'] = 'alternate'
            obj['members'] = [{'type': self.use(v.type)}
                              for v in typ.variants]
        return self._with_features(obj, typ.features)

    def build(self):
        for cmd in self.schema.commands:
            obj = {'name': cmd.name, 'meta-type': 'command',
                   'arg-type': self.use(cmd.arg_type),
                   'ret-type': self.use(cmd.ret_type)}
            if cmd.allow_oob:
                obj['allow-oob'] = True
            self.entries.append(self._with_features(obj, cmd.features))
        for ev in self.schema.events:
            obj = {'name': ev.name, 'meta-type': 'event',
                   'arg-type': self.use(ev.arg_type)}
            self.entries.append(self._with_features(obj, ev.features))
        while self.queue:
            typ, name = self.queue.pop(0)
            self.entries.append(self._type_entry(typ, name))
        if self.need_empty:
            self.entries.append({'name': '0', 'meta-type': 'object',
                                 'members': []})
        return self.entries


def gen_introspect(schema, outdir, prefix):
    sname = schema.fname
    entries = Introspector(schema).build()
    fn = c_name(prefix, False) + 'qmp_schema_introspection'
    h = HFile(prefix + 'qapi-introspect.h', 'QAPI introspection data', sname)
    c = CFile(prefix + 'qapi-introspect.c', 'QAPI introspection data', sname)
    h.add(mcgen('''

        #include <json-glib/json-glib.h>

        #include "prelude.h"

        /* The SchemaInfo array as JSON text (see qapi/introspect.json). */
        extern const char %(fn)s_json[];

        /**
         * %(fn)s:
         * Returns: (transfer full): the SchemaInfo array as a JSON node,
         * parsed from %(fn)s_json on every call.
         */
        JsonNode *%(fn)s(void);
        ''', fn=fn))
    c.add(mcgen('''

        #include "prelude.h"

        #include "%(p)sqapi-introspect.h"

        const char %(fn)s_json[] =
            "[\\n"
        ''', p=prefix, fn=fn))
    for i, e in enumerate(entries):
        text = json.dumps(e, separators=(', ', ': '))
        if i + 1 < len(entries):
            text += ','
        c.add('    %s\n' % c_string(text + '\n'))
    c.add(mcgen('''
            "]";

        JsonNode *%(fn)s(void)
        {
            g_autoptr(GError) err = NULL;
            JsonNode *node = json_from_string(%(fn)s_json, &err);

            g_assert_no_error(err);
            return node;
        }
        ''', fn=fn))
    h.write(outdir)
    c.write(outdir)
