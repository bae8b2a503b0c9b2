import { cqlTypeToString } from './cql-type';
import type { ListType, MapType, SetType } from './cql-type';
import { asBuffer, compareEmptyFirst, describeValue } from './codec-support';
import { invalidValueError } from './invalid-value-error';
import type { CqlValue, ValueCodec } from './value-codec';

/**
 * Frozen collection values in the native protocol v3+ form: an int32 element count, then
 * every element (a map: key then value) as an int32 length and that many bytes. Null
 * elements (negative lengths) are not allowed, as in Cassandra. Non-frozen collections
 * use the same form on the wire; in storage they are one cell per element (see the
 * mutation model).
 */

/** Splits a collection value into its `count * perEntry` element byte strings (views, no copies). */
export function splitCollection(typeName: string, bytes: Uint8Array, perEntry: 1 | 2): Uint8Array[] {
  const buf = asBuffer(bytes);
  const kind = perEntry === 2 ? 'map' : /^(?:frozen<)?set</.test(typeName) ? 'set' : 'list';
  // Cassandra's wording (CollectionSerializer): drivers and tests match "not enough bytes".
  if (buf.length < 4) throw invalidValueError(typeName, `Not enough bytes to read a ${kind} (expected an int32 element count, got ${buf.length} bytes)`);
  const count = buf.readInt32BE(0);
  if (count < 0) throw invalidValueError(typeName, `The data cannot be deserialized as a ${kind} (element count ${count})`);
  // Every element takes at least its 4-byte length, which bounds a hostile count.
  if (count * perEntry * 4 > buf.length - 4) {
    throw invalidValueError(typeName, `Not enough bytes to read a ${kind} (element count ${count} does not fit in ${buf.length} bytes)`);
  }
  const parts: Uint8Array[] = [];
  let offset = 4;
  for (let i = 0; i < count * perEntry; i++) {
    if (offset + 4 > buf.length) throw invalidValueError(typeName, `truncated at element ${i >> (perEntry - 1)}`);
    const length = buf.readInt32BE(offset);
    offset += 4;
    if (length < 0) throw invalidValueError(typeName, `null is not supported inside collections (element ${i >> (perEntry - 1)})`);
    if (offset + length > buf.length) {
      throw invalidValueError(typeName, `element ${i >> (perEntry - 1)} has length ${length} but only ${buf.length - offset} bytes remain`);
    }
    parts.push(buf.subarray(offset, offset + length));
    offset += length;
  }
  if (offset !== buf.length) throw invalidValueError(typeName, `${buf.length - offset} unexpected bytes after the last element`);
  return parts;
}

/** Joins element byte strings into a collection value with `count` entries. */
export function joinCollection(count: number, parts: readonly Uint8Array[]): Buffer {
  let size = 4;
  for (const p of parts) size += 4 + p.length;
  const out = Buffer.alloc(size);
  out.writeInt32BE(count, 0);
  let offset = 4;
  for (const p of parts) {
    out.writeInt32BE(p.length, offset);
    out.set(p, offset + 4);
    offset += 4 + p.length;
  }
  return out;
}

/**
 * Cassandra's order of frozen lists and sets (ListType.compareListOrSet) and, with
 * `perEntry` 2, of maps (MapType.compareMaps): element by element (a map: key, then value),
 * then the shorter first.
 */
function compareCollections(
  typeName: string,
  a: Uint8Array,
  b: Uint8Array,
  perEntry: 1 | 2,
  compareAt: (index: number, x: Uint8Array, y: Uint8Array) => number,
): number {
  const e = compareEmptyFirst(a, b);
  if (e !== undefined) return e;
  const xs = splitCollection(typeName, a, perEntry);
  const ys = splitCollection(typeName, b, perEntry);
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const c = compareAt(i, xs[i]!, ys[i]!);
    if (c !== 0) return c;
  }
  return xs.length === ys.length ? 0 : xs.length < ys.length ? -1 : 1;
}

function iterableOf(typeName: string, value: unknown): Iterable<CqlValue> {
  if (Array.isArray(value) || value instanceof Set) return value as Iterable<CqlValue>;
  throw invalidValueError(typeName, `expected an array or a Set, got ${describeValue(value)}`);
}

function serializeElement(typeName: string, codec: ValueCodec, value: CqlValue): Buffer {
  if (value === null || value === undefined) throw invalidValueError(typeName, 'null is not supported inside collections');
  return codec.serialize(value);
}

/** Sorts encoded elements by `compare` and drops later duplicates (Cassandra keeps sets sorted and unique). */
function sortUnique<T>(items: T[], key: (item: T) => Uint8Array, compare: (a: Uint8Array, b: Uint8Array) => number): T[] {
  const sorted = items.slice().sort((x, y) => compare(key(x), key(y)));
  const out: T[] = [];
  for (const item of sorted) {
    const last = out[out.length - 1];
    if (last === undefined || compare(key(last), key(item)) !== 0) out.push(item);
  }
  return out;
}

/** `list<element>`: JS array (a Set is accepted on input). */
export function listCodec(type: ListType, element: ValueCodec): ValueCodec<readonly CqlValue[]> {
  const name = cqlTypeToString(type);
  return {
    type,
    serialize(value: readonly CqlValue[]): Buffer {
      const parts = Array.from(iterableOf(name, value), (v) => serializeElement(name, element, v));
      return joinCollection(parts.length, parts);
    },
    deserialize(bytes: Uint8Array): CqlValue[] {
      return splitCollection(name, bytes, 1).map((p) => element.deserialize(p));
    },
    validate(bytes: Uint8Array): void {
      for (const p of splitCollection(name, bytes, 1)) element.validate(p);
    },
    compare: (a, b) => compareCollections(name, a, b, 1, (_, x, y) => element.compare(x, y)),
  };
}

/** `set<element>`: JS Set (an array is accepted on input); stored sorted and unique. */
export function setCodec(type: SetType, element: ValueCodec): ValueCodec<ReadonlySet<CqlValue>> {
  const name = cqlTypeToString(type);
  return {
    type,
    serialize(value: ReadonlySet<CqlValue>): Buffer {
      const parts = Array.from(iterableOf(name, value), (v) => serializeElement(name, element, v));
      const unique = sortUnique(parts, (p) => p, (x, y) => element.compare(x, y));
      return joinCollection(unique.length, unique);
    },
    deserialize(bytes: Uint8Array): Set<CqlValue> {
      return new Set(splitCollection(name, bytes, 1).map((p) => element.deserialize(p)));
    },
    validate(bytes: Uint8Array): void {
      for (const p of splitCollection(name, bytes, 1)) element.validate(p);
    },
    compare: (a, b) => compareCollections(name, a, b, 1, (_, x, y) => element.compare(x, y)),
  };
}

/** `map<key, value>`: JS Map; stored sorted by key, keys unique. */
export function mapCodec(type: MapType, key: ValueCodec, value: ValueCodec): ValueCodec<ReadonlyMap<CqlValue, CqlValue>> {
  const name = cqlTypeToString(type);
  return {
    type,
    serialize(map: ReadonlyMap<CqlValue, CqlValue>): Buffer {
      if (!(map instanceof Map)) throw invalidValueError(name, `expected a Map, got ${describeValue(map)}`);
      const entries: [Buffer, Buffer][] = [];
      for (const [k, v] of map as Map<CqlValue, CqlValue>) {
        entries.push([serializeElement(name, key, k), serializeElement(name, value, v)]);
      }
      const unique = sortUnique(entries, (e) => e[0], (x, y) => key.compare(x, y));
      return joinCollection(unique.length, unique.flat());
    },
    deserialize(bytes: Uint8Array): Map<CqlValue, CqlValue> {
      const parts = splitCollection(name, bytes, 2);
      const out = new Map<CqlValue, CqlValue>();
      for (let i = 0; i < parts.length; i += 2) out.set(key.deserialize(parts[i]!), value.deserialize(parts[i + 1]!));
      return out;
    },
    validate(bytes: Uint8Array): void {
      const parts = splitCollection(name, bytes, 2);
      for (let i = 0; i < parts.length; i += 2) {
        key.validate(parts[i]!);
        value.validate(parts[i + 1]!);
      }
    },
    compare: (a, b) =>
      compareCollections(name, a, b, 2, (i, x, y) => (i % 2 === 0 ? key.compare(x, y) : value.compare(x, y))),
  };
}
