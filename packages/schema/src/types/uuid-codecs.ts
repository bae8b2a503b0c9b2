import { nativeType } from './cql-type';
import { asBuffer, checkFixedLength, compareEmptyFirst, describeValue } from './codec-support';
import { invalidValueError } from './invalid-value-error';
import type { ValueCodec } from './value-codec';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The canonical lowercase string of 16 UUID bytes. */
export function uuidBytesToString(bytes: Uint8Array): string {
  const hex = asBuffer(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 bytes of a UUID string (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, any case). */
export function uuidStringToBytes(typeName: string, value: unknown): Buffer {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw invalidValueError(typeName, `expected a UUID string like 01234567-89ab-cdef-0123-456789abcdef, got ${describeValue(value)}`);
  }
  return Buffer.from(value.replace(/-/g, ''), 'hex');
}

function version(bytes: Uint8Array): number {
  return bytes[6]! >> 4;
}

/**
 * The timestamp part of two version-1 UUIDs in time order: Cassandra reorders the high 8
 * bytes as time_hi_and_version, time_mid, time_low (bytes 6,7,4,5,0,1,2,3) and compares
 * that as a signed long (TimeUUIDType.reorderTimestampBytes).
 */
function compareReorderedTimestamps(a: Uint8Array, b: Uint8Array): number {
  const first = ((a[6]! << 24) >> 24) - ((b[6]! << 24) >> 24);
  if (first !== 0) return first < 0 ? -1 : 1;
  for (const i of [7, 4, 5, 0, 1, 2, 3]) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function compareRange(a: Uint8Array, b: Uint8Array, from: number, to: number, signed: boolean): number {
  for (let i = from; i < to; i++) {
    const d = signed ? ((a[i]! << 24) >> 24) - ((b[i]! << 24) >> 24) : a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * Cassandra's UUIDType order: version first; two version-1 UUIDs by timestamp; others by
 * their high 8 bytes unsigned; then the low 8 bytes unsigned.
 */
export function compareUuids(a: Uint8Array, b: Uint8Array): number {
  const e = compareEmptyFirst(a, b);
  if (e !== undefined) return e;
  checkFixedLength('uuid', a, 16, false);
  checkFixedLength('uuid', b, 16, false);
  const va = version(a);
  const vb = version(b);
  if (va !== vb) return va < vb ? -1 : 1;
  const high = va === 1 ? compareReorderedTimestamps(a, b) : compareRange(a, b, 0, 8, false);
  return high !== 0 ? high : compareRange(a, b, 8, 16, false);
}

/**
 * Cassandra's TimeUUIDType order: by timestamp, then the low 8 bytes compared as
 * *signed* bytes (kept for compatibility, CASSANDRA-8730; UUIDType compares them unsigned).
 */
export function compareTimeUuids(a: Uint8Array, b: Uint8Array): number {
  const e = compareEmptyFirst(a, b);
  if (e !== undefined) return e;
  checkFixedLength('timeuuid', a, 16, false);
  checkFixedLength('timeuuid', b, 16, false);
  const high = compareReorderedTimestamps(a, b);
  return high !== 0 ? high : compareRange(a, b, 8, 16, true);
}

function checkTimeUuid(bytes: Uint8Array): void {
  checkFixedLength('timeuuid', bytes, 16, true);
  if (bytes.length !== 0 && version(bytes) !== 1) {
    throw invalidValueError('timeuuid', `version ${version(bytes)} UUID where a version 1 (time-based) UUID is required`);
  }
}

/** `uuid`: JS lowercase string; 16 bytes (or empty: null); UUIDType order. */
function uuidCodec(): ValueCodec<string> {
  return {
    type: nativeType('uuid'),
    serialize: (value: string): Buffer => uuidStringToBytes('uuid', value),
    deserialize(bytes: Uint8Array): string | null {
      checkFixedLength('uuid', bytes, 16, true);
      return bytes.length === 0 ? null : uuidBytesToString(bytes);
    },
    validate(bytes: Uint8Array): void {
      checkFixedLength('uuid', bytes, 16, true);
    },
    compare: compareUuids,
  };
}

/** `timeuuid`: as `uuid` but version 1 only, in TimeUUIDType order. */
function timeUuidCodec(): ValueCodec<string> {
  return {
    type: nativeType('timeuuid'),
    serialize(value: string): Buffer {
      const bytes = uuidStringToBytes('timeuuid', value);
      checkTimeUuid(bytes);
      return bytes;
    },
    deserialize(bytes: Uint8Array): string | null {
      checkTimeUuid(bytes);
      return bytes.length === 0 ? null : uuidBytesToString(bytes);
    },
    validate: checkTimeUuid,
    compare: compareTimeUuids,
  };
}

/** The `uuid` and `timeuuid` codecs. */
export const uuidCodecs = {
  uuid: uuidCodec,
  timeuuid: timeUuidCodec,
} as const;
