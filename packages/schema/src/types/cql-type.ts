/**
 * The CQL type model: plain, immutable data (so types can cross shards and nodes as they
 * are) describing every type a column, a collection element, a tuple component or a UDT
 * field can have. Codecs and comparators are built from it by `codecFor`.
 *
 * `frozen` only exists on the types that can be multi-cell (list, set, map, UDT): a
 * non-frozen one is stored as one cell per element and can only be a top-level column
 * type. Tuples are always frozen. `reversed` is not a CQL type but the type of a
 * clustering column declared `WITH CLUSTERING ORDER BY (c DESC)`: same values and
 * encoding, inverted order (Cassandra's ReversedType).
 */

/** Every native CQL type name (`varchar` is parsed as `text`). */
export const NATIVE_TYPE_NAMES = [
  'ascii',
  'bigint',
  'blob',
  'boolean',
  'counter',
  'date',
  'decimal',
  'double',
  'duration',
  'float',
  'inet',
  'int',
  'smallint',
  'text',
  'time',
  'timestamp',
  'timeuuid',
  'tinyint',
  'uuid',
  'varint',
] as const;

/** A native CQL type name. */
export type NativeTypeName = (typeof NATIVE_TYPE_NAMES)[number];

/** A native (non-parameterized) type. */
export interface NativeType {
  readonly kind: 'native';
  readonly name: NativeTypeName;
}

/** `list<element>`, frozen or not. */
export interface ListType {
  readonly kind: 'list';
  readonly element: CqlType;
  readonly frozen: boolean;
}

/** `set<element>`, frozen or not. */
export interface SetType {
  readonly kind: 'set';
  readonly element: CqlType;
  readonly frozen: boolean;
}

/** `map<key, value>`, frozen or not. */
export interface MapType {
  readonly kind: 'map';
  readonly key: CqlType;
  readonly value: CqlType;
  readonly frozen: boolean;
}

/** `tuple<...>`: always frozen, components may be null. */
export interface TupleType {
  readonly kind: 'tuple';
  readonly elements: readonly CqlType[];
}

/** One field of a user-defined type. */
export interface UdtField {
  readonly name: string;
  readonly type: CqlType;
}

/** A user-defined type `keyspace.name` with its fields in declaration order. */
export interface UdtType {
  readonly kind: 'udt';
  readonly keyspace: string;
  readonly name: string;
  readonly fields: readonly UdtField[];
  readonly frozen: boolean;
}

/** The type of a DESC clustering column: the base type's values in inverted order. */
export interface ReversedType {
  readonly kind: 'reversed';
  readonly base: CqlType;
}

/** Any CQL type. */
export type CqlType = NativeType | ListType | SetType | MapType | TupleType | UdtType | ReversedType;

/** A native type. */
export function nativeType(name: NativeTypeName): NativeType {
  return { kind: 'native', name };
}

/** `list<element>`; pass `frozen` for `frozen<list<element>>` (the element is then frozen too). */
export function listType(element: CqlType, frozen = false): ListType {
  return { kind: 'list', element: frozen ? freezeType(element) : element, frozen };
}

/** `set<element>`; pass `frozen` for `frozen<set<element>>`. */
export function setType(element: CqlType, frozen = false): SetType {
  return { kind: 'set', element: frozen ? freezeType(element) : element, frozen };
}

/** `map<key, value>`; pass `frozen` for `frozen<map<key, value>>`. */
export function mapType(key: CqlType, value: CqlType, frozen = false): MapType {
  return { kind: 'map', key: frozen ? freezeType(key) : key, value: frozen ? freezeType(value) : value, frozen };
}

/** `tuple<...>`; its components are frozen, as in CQL. */
export function tupleType(elements: readonly CqlType[]): TupleType {
  return { kind: 'tuple', elements: elements.map(freezeType) };
}

/** A user-defined type; pass `frozen` for `frozen<name>` (its fields are then frozen too). */
export function udtType(keyspace: string, name: string, fields: readonly UdtField[], frozen = false): UdtType {
  return {
    kind: 'udt',
    keyspace,
    name,
    fields: fields.map((f) => ({ name: f.name, type: frozen ? freezeType(f.type) : f.type })),
    frozen,
  };
}

/** The type of a DESC clustering column over `base` (reversing twice gives `base` back). */
export function reversedType(base: CqlType): CqlType {
  return base.kind === 'reversed' ? base.base : { kind: 'reversed', base };
}

/** `frozen<type>`: the same type with it and everything inside it frozen. */
export function freezeType(type: CqlType): CqlType {
  switch (type.kind) {
    case 'native':
      return type;
    case 'list':
      return type.frozen ? type : listType(type.element, true);
    case 'set':
      return type.frozen ? type : setType(type.element, true);
    case 'map':
      return type.frozen ? type : mapType(type.key, type.value, true);
    case 'tuple':
      return type;
    case 'udt':
      return type.frozen ? type : udtType(type.keyspace, type.name, type.fields, true);
    case 'reversed':
      return { kind: 'reversed', base: freezeType(type.base) };
  }
}

/** The type without its `reversed` wrapper (the type of the values). */
export function unreversedType(type: CqlType): CqlType {
  return type.kind === 'reversed' ? type.base : type;
}

/**
 * True for a non-frozen collection or UDT: stored as one cell per element (a "complex"
 * column in Cassandra's words), each keyed by a cell path.
 */
export function isMultiCellType(type: CqlType): boolean {
  return (type.kind === 'list' || type.kind === 'set' || type.kind === 'map' || type.kind === 'udt') && !type.frozen;
}

/** True for `counter`. */
export function isCounterType(type: CqlType): boolean {
  return type.kind === 'native' && type.name === 'counter';
}

/** Structural equality of two types (UDTs compare keyspace, name, fields and frozenness). */
export function cqlTypesEqual(a: CqlType, b: CqlType): boolean {
  return cqlTypeToString(a, true) === cqlTypeToString(b, true);
}

function quoteIdentifier(name: string): string {
  return /^[a-z][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/**
 * The CQL spelling of a type, as `DESCRIBE` prints it: `map<text, frozen<list<int>>>`,
 * `frozen<tuple<int, text>>`, `frozen<address>`. A reversed type prints as its base type
 * (the order is a property of the column, not of the type). `withUdtFields` also spells
 * UDT fields out (used for structural equality).
 */
export function cqlTypeToString(type: CqlType, withUdtFields = false): string {
  const inner = (t: CqlType): string => cqlTypeToString(t, withUdtFields);
  const wrap = (frozen: boolean, s: string): string => (frozen ? `frozen<${s}>` : s);
  switch (type.kind) {
    case 'native':
      return type.name;
    case 'list':
      return wrap(type.frozen, `list<${inner(type.element)}>`);
    case 'set':
      return wrap(type.frozen, `set<${inner(type.element)}>`);
    case 'map':
      return wrap(type.frozen, `map<${inner(type.key)}, ${inner(type.value)}>`);
    case 'tuple':
      return `frozen<tuple<${type.elements.map(inner).join(', ')}>>`;
    case 'udt': {
      let s = quoteIdentifier(type.name);
      if (withUdtFields) {
        s = `${quoteIdentifier(type.keyspace)}.${s}{${type.fields.map((f) => `${quoteIdentifier(f.name)} ${inner(f.type)}`).join(', ')}}`;
      }
      return wrap(type.frozen, s);
    }
    case 'reversed':
      return withUdtFields ? `reversed<${inner(type.base)}>` : inner(type.base);
  }
}
