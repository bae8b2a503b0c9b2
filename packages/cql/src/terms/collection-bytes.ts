import { invalidRequest } from './term-errors';

/**
 * The v4 serialized forms of collections, tuples and UDTs (int32 count, then int32 length
 * + bytes per element; tuples and UDTs: int32 length + bytes per component, -1 for null),
 * built from and split into already-serialized elements. Pure helpers shared by terms
 * (literals, bound values) and modifications (splitting a collection into cells).
 */

const NULL_LENGTH = -1;

/** `count, (len, bytes)*` from serialized elements (already sorted and deduplicated for sets and maps). */
export function serializeCollection(elements: readonly Uint8Array[], count: number = elements.length): Buffer {
  let size = 4;
  for (const e of elements) size += 4 + e.length;
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(count, 0);
  let pos = 4;
  for (const e of elements) {
    out.writeInt32BE(e.length, pos);
    out.set(e, pos + 4);
    pos += 4 + e.length;
  }
  return out;
}

/** The components of a tuple or UDT value, null components as -1. */
export function serializeComponents(components: readonly (Uint8Array | null)[]): Buffer {
  let size = 0;
  for (const c of components) size += 4 + (c === null ? 0 : c.length);
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const c of components) {
    if (c === null) {
      out.writeInt32BE(NULL_LENGTH, pos);
      pos += 4;
    } else {
      out.writeInt32BE(c.length, pos);
      out.set(c, pos + 4);
      pos += 4 + c.length;
    }
  }
  return out;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The elements of a serialized list or set (`perElement` 1) or the keys and values of a
 * map, flattened (`perElement` 2). The bytes must already be validated by the type's codec.
 */
export function splitCollection(bytes: Uint8Array, perElement: 1 | 2): Uint8Array[] {
  if (bytes.length < 4) throw invalidRequest('Not enough bytes to read a collection');
  const v = view(bytes);
  const count = v.getInt32(0);
  const out: Uint8Array[] = [];
  let pos = 4;
  for (let i = 0; i < count * perElement; i++) {
    if (pos + 4 > bytes.length) throw invalidRequest('Not enough bytes to read a collection element');
    const len = v.getInt32(pos);
    pos += 4;
    if (len < 0 || pos + len > bytes.length) throw invalidRequest('Invalid collection element length');
    out.push(bytes.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}

/** The components of a serialized tuple or UDT value (null for -1); validated bytes expected. */
export function splitComponents(bytes: Uint8Array): (Uint8Array | null)[] {
  const v = view(bytes);
  const out: (Uint8Array | null)[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (pos + 4 > bytes.length) throw invalidRequest('Not enough bytes to read a tuple component');
    const len = v.getInt32(pos);
    pos += 4;
    if (len < 0) {
      out.push(null);
      continue;
    }
    if (pos + len > bytes.length) throw invalidRequest('Invalid tuple component length');
    out.push(bytes.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}

/** Sorts by `compare` and drops comparator-equal duplicates, keeping the last one written (a later literal element wins, as Cassandra's sorted set/map builders do). */
export function sortUnique<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  const indexed = items.map((item, i) => ({ item, i }));
  indexed.sort((a, b) => compare(a.item, b.item) || b.i - a.i);
  const out: T[] = [];
  for (const { item } of indexed) {
    if (out.length > 0 && compare(out[out.length - 1]!, item) === 0) continue;
    out.push(item);
  }
  return out;
}
