# SPDX-License-Identifier: GPL-2.0-or-later
"""The checked schema: definitions resolved into entity objects.

check_schema() turns the parser's items into a Schema, reporting the first
problem as a QAPIError located at the definition's line."""

import re

from .common import c_name, c_enum_const
from .error import QAPIError
from .parser import Expr, FreeDoc, parse_schema

PHASES = ('no-machine', 'machine-created', 'accel-created',
          'machine-initialized', 'machine-ready')
# features with a meaning to the generator; any other name is allowed
SPECIAL_FEATURES = ('deprecated', 'unstable', 'host-local')

_NAME_RE = re.compile(r'(__[a-z0-9.-]+_)?[A-Za-z][A-Za-z0-9_-]*$')
_VALUE_RE = re.compile(r'(__[a-z0-9.-]+_)?[A-Za-z0-9][A-Za-z0-9_.-]*$')


# -- entities ---------------------------------------------------------------
class Entity:
    meta = None

    def __init__(self, name, info=None, doc=None, features=()):
        self.name = name
        self.info = info
        self.doc = doc
        self.features = list(features)

    def c_name(self):
        return c_name(self.name)

    def describe(self):
        return "%s '%s'" % (self.meta, self.name)

    def has_feature(self, name):
        return name in self.features


class Type(Entity):
    """Common to all types.  c_type(): the C type of a member / variable;
    c_param_type(): as a function parameter; json_type(): the JSON type
    an alternate branch of this type accepts; is_pointer(): the C type is
    a pointer (NULL can mean absent)."""

    is_implicit = False

    def c_type(self):
        return self.c_name() + ' *'

    def is_pointer(self):
        return True


class BuiltinType(Type):
    meta = 'built-in type'

    def __init__(self, name, ctype, json_type):
        super().__init__(name)
        self._ctype = ctype
        self._json = json_type

    def c_name(self):
        return self.name

    def c_type(self):
        return self._ctype

    def c_param_type(self):
        return 'const char *' if self.name == 'str' else self._ctype

    def is_pointer(self):
        return self._ctype.endswith('*')

    def json_type(self):
        return self._json

    def c_list_name(self):
        return self.name + 'List'


class EnumType(Type):
    meta = 'enum'

    def __init__(self, name, info, doc, values, prefix, features=(),
                 implicit=False):
        super().__init__(name, info, doc, features)
        self.values = values       # [EnumValue]
        self.prefix = prefix
        self.is_implicit = implicit

    def c_type(self):
        return self.c_name()

    def c_param_type(self):
        return self.c_name()

    def is_pointer(self):
        return False

    def json_type(self):
        return 'string'

    def const(self, value):
        return c_enum_const(self.name, value, self.prefix)

    def c_list_name(self):
        return self.c_name() + 'List'


class EnumValue:
    def __init__(self, name, features):
        self.name = name
        self.features = features


class ArrayType(Type):
    meta = 'array'

    def __init__(self, element):
        super().__init__('[%s]' % element.name)
        self.element = element

    def c_name(self):
        return self.element.c_list_name()

    def c_param_type(self):
        return self.c_type()

    def json_type(self):
        return 'array'

    def c_list_name(self):
        raise AssertionError('lists of lists are not supported')


class Member:
    def __init__(self, name, typ, optional, features, info, owner):
        self.name = name
        self.type = typ            # a Type after resolution, str before
        self.optional = optional
        self.features = features
        self.info = info
        self.owner = owner

    def c_name(self):
        return c_name(self.name)

    def needs_has(self):
        """Optional scalars get a has_ flag; optional pointers don't."""
        return self.optional and not self.type.is_pointer()


class Variant:
    def __init__(self, case, typ, info):
        self.case = case
        self.type = typ

    def c_name(self):
        return c_name(self.case)


class ObjectType(Type):
    """Structs, flat unions and implicit argument types."""
    meta = 'struct'

    def __init__(self, name, info, doc, base, members, features=(),
                 implicit=False):
        super().__init__(name, info, doc, features)
        self.base = base                # name, then ObjectType or None
        self.local_members = members    # [Member] (not the base's)
        self.is_implicit = implicit
        self.tag = None                 # unions: discriminator name
        self.variants = None            # unions: [Variant]
        self.tag_member = None

    def all_members(self):
        out = self.base.all_members() if self.base else []
        return out + self.local_members

    def json_type(self):
        return 'object'

    def is_union(self):
        return self.variants is not None

    def c_param_type(self):
        return self.c_type()

    def c_list_name(self):
        return self.c_name() + 'List'

    def is_empty(self):
        return not self.all_members() and not self.variants


class UnionType(ObjectType):
    meta = 'union'


class AlternateType(Type):
    meta = 'alternate'

    def __init__(self, name, info, doc, variants, features=()):
        super().__init__(name, info, doc, features)
        self.variants = variants       # [Variant]; case = branch name

    def json_type(self):
        return 'value'

    def c_param_type(self):
        return self.c_type()

    def c_list_name(self):
        return self.c_name() + 'List'


class Command(Entity):
    meta = 'command'

    def __init__(self, name, info, doc, arg_type, ret_type, boxed,
                 allow_oob, phases, features, gen):
        super().__init__(name, info, doc, features)
        self.arg_type = arg_type
        self.ret_type = ret_type
        self.boxed = boxed
        self.allow_oob = allow_oob
        self.phases = phases           # list of phase names
        self.gen = gen


class Event(Entity):
    meta = 'event'

    def __init__(self, name, info, doc, arg_type, boxed, features):
        super().__init__(name, info, doc, features)
        self.arg_type = arg_type
        self.boxed = boxed


BUILTINS = [
    ('str', 'char *', 'string'),
    ('number', 'double', 'number'),
    ('int', 'int64_t', 'int'),
    ('int8', 'int8_t', 'int'),
    ('int16', 'int16_t', 'int'),
    ('int32', 'int32_t', 'int'),
    ('int64', 'int64_t', 'int'),
    ('uint8', 'uint8_t', 'int'),
    ('uint16', 'uint16_t', 'int'),
    ('uint32', 'uint32_t', 'int'),
    ('uint64', 'uint64_t', 'int'),
    ('size', 'uint64_t', 'int'),
    ('bool', 'bool', 'boolean'),
    ('any', 'JsonNode *', 'value'),
    ('null', 'JsonNode *', 'null'),
]


# -- checking -------------------------------------------------------------
class Schema:
    def __init__(self, fname):
        self.fname = fname
        self.types = {}          # name -> Type (incl. builtins, arrays)
        self.entities = []       # user definitions in schema order
        self.commands = []
        self.events = []
        self.docs = []           # ('doc', Doc) / ('def', Entity) in order
        self._where = {}         # name -> info of the definition
        for name, ctype, json in BUILTINS:
            self.types[name] = BuiltinType(name, ctype, json)
        self.builtins = [self.types[b[0]] for b in BUILTINS]
        items, self.files = parse_schema(fname)
        exprs = []
        for item in items:
            if isinstance(item, FreeDoc):
                self.docs.append(('doc', item.doc))
            else:
                exprs.append(item)
                self.docs.append(('expr', item))
        for e in exprs:
            self._define(e)
        for ent in self.entities:
            self._resolve(ent)
        for ent in self.entities:
            self._check(ent)
        for ent in self.entities:
            if ent.doc is not None and not ent.is_implicit_entity():
                check_doc(ent)
        self.docs = [(k, v if k == 'doc' else v.entity)
                     for k, v in self.docs]

    # first pass: create entities with unresolved type names
    def _define(self, expr):
        data, info, doc = expr.data, expr.info, expr.doc
        metas = [k for k in ('enum', 'struct', 'union', 'alternate',
                             'command', 'event') if k in data]
        if len(metas) != 1:
            if metas:
                raise QAPIError(info, "expression must have exactly one of "
                                "'enum', 'struct', 'union', 'alternate', "
                                "'command', 'event'; it has %s"
                                % ', '.join("'%s'" % m for m in metas))
            raise QAPIError(info, "expression is missing a meta-type key "
                            "('enum', 'struct', 'union', 'alternate', "
                            "'command' or 'event')")
        meta = metas[0]
        name = data[meta]
        if not isinstance(name, str):
            raise QAPIError(info, "'%s' requires a string name" % meta)
        what = "%s '%s'" % (meta, name)
        allowed = {
            'enum': ('data', 'prefix', 'features'),
            'struct': ('data', 'base', 'features'),
            'union': ('data', 'base', 'discriminator', 'features'),
            'alternate': ('data', 'features'),
            'command': ('data', 'returns', 'boxed', 'allow-oob',
                        'allow-preconfig', 'phases', 'features', 'gen'),
            'event': ('data', 'boxed', 'features'),
        }[meta]
        for key in data:
            if key != meta and key not in allowed:
                raise QAPIError(info, "%s has unknown key '%s'" % (what, key))
        required = {'enum': ('data',), 'struct': ('data',),
                    'union': ('data', 'base', 'discriminator'),
                    'alternate': ('data',)}.get(meta, ())
        for key in required:
            if key not in data:
                raise QAPIError(info, "%s lacks key '%s'" % (what, key))
        self._check_def_name(name, meta, info)
        if doc is None:
            raise QAPIError(info, "%s lacks a documentation comment" % what)
        if doc.symbol != name:
            raise QAPIError(doc.info, "documentation comment is for '%s', "
                            "but the definition that follows is '%s'"
                            % (doc.symbol, name))
        features = self._features(data.get('features', []), info, what)
        if meta == 'enum':
            ent = self._enum(name, info, doc, data, features, what)
        elif meta in ('struct', 'union'):
            members = self._members(data['data'], info, what) \
                if meta == 'struct' else []
            cls = ObjectType if meta == 'struct' else UnionType
            base = data.get('base')
            if meta == 'union' and isinstance(base, dict):
                base = self._implicit_object(name + '-base', base, info,
                                             what)
            elif base is not None and not isinstance(base, str):
                raise QAPIError(info, "%s 'base' must be a type name%s"
                                % (what, ' or an object' if meta == 'union'
                                   else ''))
            ent = cls(name, info, doc, base, members, features)
            if meta == 'union':
                self._union_variants(ent, data, info, what)
        elif meta == 'alternate':
            ent = self._alternate(name, info, doc, data, features, what)
        elif meta == 'command':
            ent = self._command(name, info, doc, data, features, what)
        else:
            ent = self._event(name, info, doc, data, features, what)
        self._add(ent)
        expr.entity = ent

    def _add(self, ent):
        if ent.name in self.types or ent.name in self._where:
            where = self._where.get(ent.name)
            raise QAPIError(ent.info, "'%s' is already defined%s"
                            % (ent.name, ' at %s' % where if where
                               else ' as a built-in type'))
        self._where[ent.name] = ent.info
        if isinstance(ent, Type):
            self.types[ent.name] = ent
        elif isinstance(ent, Command):
            self.commands.append(ent)
        else:
            self.events.append(ent)
        self.entities.append(ent)

    def _check_def_name(self, name, meta, info):
        if not _NAME_RE.match(name):
            raise QAPIError(info, "%s name '%s' is invalid" % (meta, name))
        bare = re.sub(r'^__[a-z0-9.-]+_', '', name)
        if meta == 'event':
            if bare.upper() != bare:
                raise QAPIError(info, "event name '%s' must be upper case"
                                % name)
        elif meta == 'command':
            if bare.lower() != bare:
                raise QAPIError(info, "command name '%s' must be lower case"
                                % name)
        else:
            if not bare[0].isupper():
                raise QAPIError(info, "type name '%s' must begin with an "
                                "upper-case letter" % name)
            if name.endswith('List'):
                raise QAPIError(info, "type name '%s' must not end with "
                                "'List'" % name)
        if name.startswith('q_') or name.startswith('q-'):
            raise QAPIError(info, "name '%s' uses the reserved prefix 'q_'"
                            % name)

    def _features(self, raw, info, what, member=False):
        if not isinstance(raw, list):
            raise QAPIError(info, "%s 'features' must be an array" % what)
        out = []
        for f in raw:
            if isinstance(f, dict):
                if set(f) - {'name'} or 'name' not in f:
                    raise QAPIError(info, "%s feature must be a name or "
                                    "{'name': NAME}" % what)
                f = f['name']
            if not isinstance(f, str) or not _NAME_RE.match(f):
                raise QAPIError(info, "%s has an invalid feature name %r"
                                % (what, f))
            if f == 'host-local' and not member:
                raise QAPIError(info, "%s: feature 'host-local' is only "
                                "valid on struct members" % what)
            if f in out:
                raise QAPIError(info, "%s lists feature '%s' twice"
                                % (what, f))
            out.append(f)
        return out

    def _enum(self, name, info, doc, data, features, what):
        raw = data['data']
        if not isinstance(raw, list):
            raise QAPIError(info, "%s 'data' must be an array" % what)
        prefix = data.get('prefix')
        if prefix is not None and not isinstance(prefix, str):
            raise QAPIError(info, "%s 'prefix' must be a string" % what)
        values = []
        seen = {}
        for v in raw:
            vfeat = []
            if isinstance(v, dict):
                if 'name' not in v or set(v) - {'name', 'features'}:
                    raise QAPIError(info, "%s value must be a name or "
                                    "{'name': NAME, 'features': [...]}"
                                    % what)
                vfeat = self._features(v.get('features', []), info, what)
                v = v['name']
            if not isinstance(v, str) or not _VALUE_RE.match(v):
                raise QAPIError(info, "%s value %r is invalid" % (what, v))
            cn = c_name(v, False).lower()
            if cn in seen:
                raise QAPIError(info, "%s value '%s' clashes with '%s'"
                                % (what, v, seen[cn]))
            seen[cn] = v
            values.append(EnumValue(v, vfeat))
        return EnumType(name, info, doc, values, prefix, features)

    def _type_ref(self, raw, info, what):
        """A type reference: 'T' or ['T']; resolved later."""
        if isinstance(raw, list):
            if len(raw) != 1 or not isinstance(raw[0], str):
                raise QAPIError(info, "%s: an array type must contain "
                                "exactly one type name" % what)
            return raw
        if not isinstance(raw, str):
            raise QAPIError(info, "%s should be a type name" % what)
        return raw

    def _members(self, raw, info, what):
        if not isinstance(raw, dict):
            raise QAPIError(info, "%s 'data' must be an object" % what)
        out = []
        seen = {}
        for key, val in raw.items():
            optional = key.startswith('*')
            mname = key[1:] if optional else key
            if not _NAME_RE.match(mname):
                raise QAPIError(info, "%s member name '%s' is invalid"
                                % (what, key))
            mwhat = "%s member '%s'" % (what, mname)
            features = []
            if isinstance(val, dict):
                if 'type' not in val or set(val) - {'type', 'features'}:
                    raise QAPIError(info, "%s must be a type name or "
                                    "{'type': T, 'features': [...]}" % mwhat)
                features = self._features(val.get('features', []), info,
                                          mwhat, member=True)
                val = val['type']
            typ = self._type_ref(val, info, mwhat)
            cn = c_name(mname)
            if cn in seen:
                raise QAPIError(info, "%s member '%s' clashes with '%s'"
                                % (what, mname, seen[cn]))
            seen[cn] = mname
            out.append(Member(mname, typ, optional, features, info, what))
        return out

    def _implicit_object(self, name, raw, info, what):
        obj = ObjectType('q_obj_' + name, info, None, None,
                         self._members(raw, info, what), implicit=True)
        self.types[obj.name] = obj
        self.entities.append(obj)
        return obj.name

    def _union_variants(self, ent, data, info, what):
        tag = data['discriminator']
        if not isinstance(tag, str):
            raise QAPIError(info, "%s 'discriminator' must be a string"
                            % what)
        raw = data['data']
        if not isinstance(raw, dict):
            raise QAPIError(info, "%s 'data' must be an object" % what)
        ent.tag = tag
        ent.variants = []
        for case, typ in raw.items():
            if isinstance(typ, dict) and set(typ) == {'type'}:
                typ = typ['type']
            if not isinstance(typ, str):
                raise QAPIError(info, "%s branch '%s' must name a struct "
                                "type" % (what, case))
            ent.variants.append(Variant(case, typ, info))

    def _alternate(self, name, info, doc, data, features, what):
        raw = data['data']
        if not isinstance(raw, dict) or not raw:
            raise QAPIError(info, "%s 'data' must be a non-empty object"
                            % what)
        variants = []
        for case, typ in raw.items():
            if case.startswith('*'):
                raise QAPIError(info, "%s branch '%s' cannot be optional"
                                % (what, case[1:]))
            if not _NAME_RE.match(case):
                raise QAPIError(info, "%s branch name '%s' is invalid"
                                % (what, case))
            if isinstance(typ, dict) and set(typ) == {'type'}:
                typ = typ['type']
            typ = self._type_ref(typ, info, "%s branch '%s'" % (what, case))
            variants.append(Variant(case, typ, info))
        return AlternateType(name, info, doc, variants, features)

    def _arg_type(self, name, data, info, what):
        raw = data.get('data')
        if raw is None:
            return None
        if isinstance(raw, dict):
            return self._implicit_object(name + '-arg', raw, info, what)
        if isinstance(raw, str):
            return raw
        raise QAPIError(info, "%s 'data' must be an object or a type name"
                        % what)

    def _bool(self, data, key, info, what, default=False):
        val = data.get(key, default)
        if not isinstance(val, bool):
            raise QAPIError(info, "%s '%s' must be true or false"
                            % (what, key))
        return val

    def _command(self, name, info, doc, data, features, what):
        arg = self._arg_type(name, data, info, what)
        ret = data.get('returns')
        if ret is not None:
            ret = self._type_ref(ret, info, "%s 'returns'" % what)
        boxed = self._bool(data, 'boxed', info, what)
        if boxed and not isinstance(data.get('data'), str):
            raise QAPIError(info, "%s: 'boxed': true requires 'data' to "
                            "name a type" % what)
        oob = self._bool(data, 'allow-oob', info, what)
        gen = self._bool(data, 'gen', info, what, True)
        preconfig = self._bool(data, 'allow-preconfig', info, what)
        if 'phases' in data:
            if 'allow-preconfig' in data:
                raise QAPIError(info, "%s has both 'allow-preconfig' and "
                                "'phases'" % what)
            phases = data['phases']
            if not isinstance(phases, list) or not phases:
                raise QAPIError(info, "%s 'phases' must be a non-empty "
                                "array of phase names" % what)
            for p in phases:
                if p not in PHASES:
                    raise QAPIError(info, "%s 'phases' has unknown phase %r "
                                    "(known: %s)" % (what, p,
                                                     ', '.join(PHASES)))
            if len(set(phases)) != len(phases):
                raise QAPIError(info, "%s 'phases' lists a phase twice"
                                % what)
            phases = [p for p in PHASES if p in phases]
        elif preconfig:
            phases = list(PHASES)
        else:
            phases = ['machine-ready']
        return Command(name, info, doc, arg, ret, boxed, oob, phases,
                       features, gen)

    def _event(self, name, info, doc, data, features, what):
        arg = self._arg_type(name, data, info, what)
        boxed = self._bool(data, 'boxed', info, what)
        if boxed and not isinstance(data.get('data'), str):
            raise QAPIError(info, "%s: 'boxed': true requires 'data' to "
                            "name a type" % what)
        return Event(name, info, doc, arg, boxed, features)

    # second pass: resolve type names
    def lookup(self, ref, info, what):
        if isinstance(ref, list):
            elem = self.lookup(ref[0], info, what)
            if isinstance(elem, ArrayType):
                raise QAPIError(info, "%s: arrays of arrays are not "
                                "supported" % what)
            name = '[%s]' % elem.name
            if name not in self.types:
                self.types[name] = ArrayType(elem)
            return self.types[name]
        typ = self.types.get(ref)
        if typ is None:
            raise QAPIError(info, "%s uses unknown type '%s'" % (what, ref))
        return typ

    def _resolve(self, ent):
        info = ent.info
        if isinstance(ent, ObjectType):
            for m in ent.local_members:
                m.type = self.lookup(m.type, info, "%s member '%s'"
                                     % (m.owner, m.name))
            if ent.base is not None:
                base = self.lookup(ent.base, info, "%s 'base'"
                                   % ent.describe())
                if type(base) is not ObjectType:
                    raise QAPIError(info, "%s 'base' must be a struct type, "
                                    "not %s" % (ent.describe(),
                                                base.describe()))
                ent.base = base
            for v in ent.variants or []:
                v.type = self.lookup(v.type, info, "%s branch '%s'"
                                     % (ent.describe(), v.case))
        elif isinstance(ent, AlternateType):
            for v in ent.variants:
                v.type = self.lookup(v.type, info, "%s branch '%s'"
                                     % (ent.describe(), v.case))
        elif isinstance(ent, (Command, Event)):
            if ent.arg_type is not None:
                ent.arg_type = self.lookup(ent.arg_type, info, "%s 'data'"
                                           % ent.describe())
            if isinstance(ent, Command) and ent.ret_type is not None:
                ent.ret_type = self.lookup(ent.ret_type, info,
                                           "%s 'returns'" % ent.describe())

    # third pass: semantic checks needing resolved types
    def _check(self, ent):
        info, what = ent.info, ent.describe()
        if isinstance(ent, ObjectType):
            seen = set()
            chain = []
            b = ent.base
            while b is not None:
                if b is ent or b in chain:
                    raise QAPIError(info, "%s is its own base" % what)
                chain.append(b)
                b = b.base
            names = {}
            for m in ent.all_members():
                cn = m.c_name()
                if cn in names and names[cn] is not m:
                    raise QAPIError(info, "%s member '%s' clashes with "
                                    "base member '%s'"
                                    % (what, m.name, names[cn].name))
                names[cn] = m
            if ent.is_union():
                self._check_union(ent, names)
            del seen
        elif isinstance(ent, AlternateType):
            seen = {}
            for v in ent.variants:
                t = v.type
                if isinstance(t, BuiltinType) and t.name == 'any':
                    raise QAPIError(info, "%s branch '%s' cannot use type "
                                    "'any'" % (what, v.case))
                if isinstance(t, AlternateType):
                    raise QAPIError(info, "%s branch '%s' cannot be an "
                                    "alternate" % (what, v.case))
                jt = t.json_type()
                if jt == 'int':
                    jt = 'number'
                if jt in seen:
                    raise QAPIError(info, "%s branches '%s' and '%s' can't "
                                    "be distinguished (both take a JSON %s)"
                                    % (what, seen[jt], v.case, jt))
                seen[jt] = v.case
        elif isinstance(ent, (Command, Event)):
            arg = ent.arg_type
            if arg is not None:
                if ent.boxed:
                    if not isinstance(arg, (ObjectType, AlternateType)):
                        raise QAPIError(info, "%s 'data' must be a struct, "
                                        "union or alternate" % what)
                elif type(arg) is not ObjectType:
                    raise QAPIError(info, "%s 'data' must name a struct "
                                    "type (or use 'boxed': true)" % what)
            if isinstance(ent, Command) and ent.ret_type is not None:
                if isinstance(ent.ret_type, (EnumType, AlternateType)):
                    raise QAPIError(info, "%s 'returns' cannot be %s"
                                    % (what, ent.ret_type.describe()))

    def _check_union(self, ent, members):
        info, what = ent.info, ent.describe()
        tag = members.get(c_name(ent.tag))
        if tag is None or tag.name != ent.tag:
            raise QAPIError(info, "%s discriminator '%s' is not a member of "
                            "its base" % (what, ent.tag))
        if not isinstance(tag.type, EnumType):
            raise QAPIError(info, "%s discriminator '%s' must be of enum "
                            "type, not %s" % (what, ent.tag,
                                              tag.type.describe()))
        if tag.optional:
            raise QAPIError(info, "%s discriminator '%s' must not be "
                            "optional" % (what, ent.tag))
        ent.tag_member = tag
        values = [v.name for v in tag.type.values]
        for v in ent.variants:
            if v.case not in values:
                raise QAPIError(info, "%s branch '%s' is not a value of %s"
                                % (what, v.case, tag.type.describe()))
            if type(v.type) not in (ObjectType, UnionType):
                raise QAPIError(info, "%s branch '%s' must be a struct or "
                                "union, not %s"
                                % (what, v.case, v.type.describe()))
            self._check_branch_clash(ent, v.case, v.type,
                                     {n: m.name for n, m in members.items()},
                                     [ent])

    def _check_branch_clash(self, ent, case, typ, seen, chain):
        """A branch's members travel in the same JSON object as the
        union's own, and so do those of a union branch's branches (its C
        struct is embedded by value): none may share a C name with a
        member already there, and no union may contain itself."""
        info, what = ent.info, ent.describe()
        if not isinstance(typ, ObjectType):
            return      # a nested union's own check reports it
        if typ in chain:
            raise QAPIError(info, "%s branch '%s' contains %s itself"
                            % (what, case, typ.describe()))
        inner = dict(seen)
        for m in typ.all_members():
            if m.c_name() in inner:
                raise QAPIError(info, "%s branch '%s' member '%s' "
                                "clashes with base member '%s'"
                                % (what, case, m.name, inner[m.c_name()]))
            inner[m.c_name()] = m.name
        for v in typ.variants or []:
            self._check_branch_clash(ent, case, v.type, inner, chain + [typ])

    # queries used by the generators
    def object_types(self):
        return [e for e in self.entities if isinstance(e, ObjectType)]

    def user_types(self):
        return [e for e in self.entities if isinstance(e, Type)]

    def array_types(self):
        """Array types of user-defined elements, by element name."""
        return sorted((t for t in self.types.values()
                       if isinstance(t, ArrayType)
                       and not isinstance(t.element, BuiltinType)),
                      key=lambda t: t.name)


def _is_implicit_entity(self):
    return getattr(self, 'is_implicit', False)


Entity.is_implicit_entity = _is_implicit_entity


# -- documentation checks -----------------------------------------------------
def _doc_error(doc, name, table_info, msg):
    where = table_info.get(name, doc.info)
    raise QAPIError(where, msg)


def check_doc(ent):
    doc = ent.doc
    what = ent.describe()
    documented = list(doc.args)
    expected = []        # (name, what-kind)
    if isinstance(ent, EnumType):
        expected = [v.name for v in ent.values]
    elif isinstance(ent, ObjectType):
        expected = [m.name for m in ent.local_members]
        if ent.base is not None and ent.base.is_implicit:
            expected = [m.name for m in ent.base.local_members] + expected
    elif isinstance(ent, AlternateType):
        expected = [v.case for v in ent.variants]
    elif isinstance(ent, (Command, Event)):
        if ent.arg_type is not None and ent.arg_type.is_implicit:
            expected = [m.name for m in ent.arg_type.local_members]
    for name in expected:
        if name not in doc.args:
            raise QAPIError(doc.info, "%s: member '%s' is not documented"
                            % (what, name))
    for name in documented:
        if name not in expected:
            _doc_error(doc, name, doc.arg_info,
                       "%s: documented member '%s' does not exist"
                       % (what, name))
    # features: the definition's, its values' and its members'
    used = list(ent.features)
    if isinstance(ent, EnumType):
        for v in ent.values:
            used += v.features
    members = []
    if isinstance(ent, ObjectType):
        members = ent.local_members
        if ent.base is not None and ent.base.is_implicit:
            members = ent.base.local_members + members
    elif isinstance(ent, (Command, Event)) and ent.arg_type is not None \
            and ent.arg_type.is_implicit:
        members = ent.arg_type.local_members
    for m in members:
        used += m.features
    for f in used:
        if f not in doc.features:
            raise QAPIError(doc.info, "%s: feature '%s' is not documented"
                            % (what, f))
    for f in doc.features:
        if f not in used:
            _doc_error(doc, f, doc.feature_info,
                       "%s: documented feature '%s' does not exist"
                       % (what, f))
    if not isinstance(ent, Command):
        for tag, _ in doc.sections:
            if tag == 'Returns':
                raise QAPIError(doc.info, "%s: 'Returns:' is only valid "
                                "for commands" % what)
    elif ent.ret_type is None:
        for tag, _ in doc.sections:
            if tag == 'Returns':
                raise QAPIError(doc.info, "%s: 'Returns:' but the command "
                                "returns nothing" % what)
