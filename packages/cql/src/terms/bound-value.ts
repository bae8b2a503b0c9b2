import { codecFor, cqlTypeToString, unreversedType } from '@charybdis/schema';
import type { CqlType } from '@charybdis/schema';
import type { TermReceiver } from './term-types';
import { serializeCollection, serializeComponents, sortUnique, splitCollection, splitComponents } from './collection-bytes';
import { invalidRequest } from './term-errors';

/**
 * Validation of bound values against their receiver: the size checks of Cassandra's
 * fixed-size serializers with their messages (what drivers show for a value of the wrong
 * type), then the type's full validation, then the canonical form of sets and maps, nested
 * ones included (sorted, without duplicates, as Cassandra's Sets/Maps.Value.fromSerialized
 * rebuild them).
 */

/** Fixed sizes and Cassandra's messages for a wrong size (`%d` is the size received). */
const FIXED_SIZES: Readonly<Record<string, { sizes: readonly number[]; message: string }>> = {
  int: { sizes: [0, 4], message: 'Expected 4 or 0 byte int (%d)' },
  bigint: { sizes: [0, 8], message: 'Expected 8 or 0 byte long (%d)' },
  counter: { sizes: [0, 8], message: 'Expected 8 or 0 byte long (%d)' },
  smallint: { sizes: [2], message: 'Expected 2 bytes for a smallint (%d)' },
  tinyint: { sizes: [1], message: 'Expected 1 byte for a tinyint (%d)' },
  float: { sizes: [0, 4], message: 'Expected 4 or 0 byte value for a float (%d)' },
  double: { sizes: [0, 8], message: 'Expected 8 or 0 byte value for a double (%d)' },
  boolean: { sizes: [0, 1], message: 'Expected 1 or 0 byte value (%d)' },
  uuid: { sizes: [0, 16], message: 'UUID should be 16 or 0 bytes (%d)' },
  timeuuid: { sizes: [0, 16], message: 'UUID should be 16 or 0 bytes (%d)' },
  timestamp: { sizes: [0, 8], message: 'Expected 8 or 0 byte long for date (%d)' },
  date: { sizes: [4], message: 'Expected 4 byte long for date (%d)' },
  time: { sizes: [8], message: 'Expected 8 byte long for time (%d)' },
};

function checkSize(type: CqlType, bytes: Uint8Array): void {
  if (type.kind !== 'native') return;
  const fixed = FIXED_SIZES[type.name];
  if (fixed !== undefined && !fixed.sizes.includes(bytes.length)) throw invalidRequest(fixed.message.replace('%d', String(bytes.length)));
  if (type.name === 'timeuuid' && bytes.length === 16 && bytes[6]! >> 4 !== 1) throw invalidRequest('Invalid version for TimeUUID type.');
}

/** True when a set or map appears anywhere in `type` (its values may need reordering). */
function hasSetOrMap(type: CqlType): boolean {
  const t = unreversedType(type);
  switch (t.kind) {
    case 'set':
    case 'map':
      return true;
    case 'list':
      return hasSetOrMap(t.element);
    case 'tuple':
      return t.elements.some(hasSetOrMap);
    case 'udt':
      return t.fields.some((f) => hasSetOrMap(f.type));
    default:
      return false;
  }
}

function sameParts<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((e, i) => e === b[i]);
}

/**
 * The canonical form of a validated value: every set and map in it, nested ones included
 * (`frozen<map<set<int>, int>>`), sorted and without duplicates; the input itself when it
 * already is.
 */
function canonicalValue(type: CqlType, bytes: Uint8Array): Uint8Array {
  const t = unreversedType(type);
  switch (t.kind) {
    case 'list': {
      if (!hasSetOrMap(t.element)) return bytes;
      const elements = splitCollection(bytes, 1);
      const out = elements.map((e) => canonicalValue(t.element, e));
      return sameParts(elements, out) ? bytes : serializeCollection(out);
    }
    case 'set': {
      const codec = codecFor(t.element);
      const elements = splitCollection(bytes, 1);
      const nested = hasSetOrMap(t.element) ? elements.map((e) => canonicalValue(t.element, e)) : elements;
      const sorted = sortUnique([...nested], (a, b) => codec.compare(a, b));
      return sameParts(elements, sorted) ? bytes : serializeCollection(sorted);
    }
    case 'map': {
      const codec = codecFor(t.key);
      const flat = splitCollection(bytes, 2);
      const nestedKeys = hasSetOrMap(t.key);
      const nestedValues = hasSetOrMap(t.value);
      const entries: [Uint8Array, Uint8Array][] = [];
      for (let i = 0; i < flat.length; i += 2) {
        entries.push([nestedKeys ? canonicalValue(t.key, flat[i]!) : flat[i]!, nestedValues ? canonicalValue(t.value, flat[i + 1]!) : flat[i + 1]!]);
      }
      const sorted = sortUnique([...entries], (a, b) => codec.compare(a[0], b[0]));
      return sameParts(flat, sorted.flat()) ? bytes : serializeCollection(sorted.flat(), sorted.length);
    }
    case 'tuple':
    case 'udt': {
      const types = t.kind === 'tuple' ? t.elements : t.fields.map((f) => f.type);
      if (!types.some(hasSetOrMap)) return bytes;
      const parts = splitComponents(bytes);
      const out = parts.map((p, i) => (p === null || types[i] === undefined ? p : canonicalValue(types[i], p)));
      return sameParts(parts, out) ? bytes : serializeComponents(out);
    }
    default:
      return bytes;
  }
}

/**
 * Checks a bound value for `receiver` and returns it in canonical form. Throws CQL_INVALID
 * with Cassandra's wording ("Expected 4 or 0 byte int (8)") or the type's validation error
 * naming the receiver.
 */
export function validateBoundValue(bytes: Uint8Array, receiver: TermReceiver): Uint8Array {
  const type = unreversedType(receiver.type);
  checkSize(type, bytes);
  try {
    codecFor(type).validate(bytes);
  } catch (err) {
    throw invalidRequest(`Exception while binding column ${receiver.name}: ${(err as Error).message}`, err);
  }
  return canonicalValue(type, bytes);
}

/** The type as CQL prints it, for messages. */
export function typeName(type: CqlType): string {
  return cqlTypeToString(type);
}
