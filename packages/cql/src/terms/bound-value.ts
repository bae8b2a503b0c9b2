import { codecFor, cqlTypeToString, unreversedType } from '@charybdis/schema';
import type { CqlType } from '@charybdis/schema';
import type { TermReceiver } from './term-types';
import { serializeCollection, sortUnique, splitCollection } from './collection-bytes';
import { invalidRequest } from './term-errors';

/**
 * Validation of bound values against their receiver: the size checks of Cassandra's
 * fixed-size serializers with their messages (what drivers show for a value of the wrong
 * type), then the type's full validation, then the canonical form of sets and maps
 * (sorted, without duplicates, as Cassandra's Sets/Maps.Value.fromSerialized rebuild them).
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

/** Sorted, deduplicated form of a set or map value (validated bytes). */
function canonicalCollection(type: CqlType, bytes: Uint8Array): Uint8Array {
  if (type.kind === 'set') {
    const codec = codecFor(type.element);
    const cmp = (a: Uint8Array, b: Uint8Array): number => codec.compare(a, b);
    const elements = splitCollection(bytes, 1);
    const sorted = sortUnique(elements, cmp);
    return sorted.length === elements.length && elements.every((e, i) => e === sorted[i]) ? bytes : serializeCollection(sorted);
  }
  if (type.kind === 'map') {
    const codec = codecFor(type.key);
    const cmp = (a: Uint8Array, b: Uint8Array): number => codec.compare(a, b);
    const flat = splitCollection(bytes, 2);
    const entries: [Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < flat.length; i += 2) entries.push([flat[i]!, flat[i + 1]!]);
    const sorted = sortUnique(entries, (a, b) => cmp(a[0], b[0]));
    if (sorted.length === entries.length && entries.every((e, i) => e === sorted[i])) return bytes;
    return serializeCollection(sorted.flat(), sorted.length);
  }
  return bytes;
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
  return canonicalCollection(type, bytes);
}

/** The type as CQL prints it, for messages. */
export function typeName(type: CqlType): string {
  return cqlTypeToString(type);
}
