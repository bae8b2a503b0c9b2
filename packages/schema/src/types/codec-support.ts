import { invalidValueError } from './invalid-value-error';

/**
 * Small shared pieces of the native codecs: length checks, JS-type checks, the
 * "empty sorts first" rule and `Buffer` views. Pure functions, no state.
 */

/** A `Buffer` view of `bytes` (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A `DataView` over exactly `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Numeric order of two signed big-endian two's-complement integers of the same width (the
 * fixed-size integer types, `timestamp`): the first byte compares signed, the rest
 * unsigned. No allocation and no bigint: clustering comparators run per row and per stats
 * update, and a DataView or bigint per compare showed in compaction profiles.
 */
export function compareSignedBigEndian(a: Uint8Array, b: Uint8Array): number {
  const d = (a[0]! ^ 0x80) - (b[0]! ^ 0x80);
  if (d !== 0) return d < 0 ? -1 : 1;
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Throws unless `bytes` has `size` bytes (or none, when `allowEmpty`), with Cassandra's
 * wording: "expected 4 or 0 bytes, got 3".
 */
export function checkFixedLength(typeName: string, bytes: Uint8Array, size: number, allowEmpty: boolean): void {
  if (bytes.length === size || (allowEmpty && bytes.length === 0)) return;
  throw invalidValueError(typeName, `expected ${size}${allowEmpty ? ' or 0' : ''} bytes, got ${bytes.length}`);
}

/**
 * Cassandra sorts an empty value before every non-empty one. Returns the order when
 * either side is empty, undefined when both have content.
 */
export function compareEmptyFirst(a: Uint8Array, b: Uint8Array): number | undefined {
  if (a.length === 0) return b.length === 0 ? 0 : -1;
  if (b.length === 0) return 1;
  return undefined;
}

/** A short description of a JS value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (value instanceof Uint8Array) return `bytes(${value.length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value instanceof Map) return `Map(${value.size})`;
  if (value instanceof Set) return `Set(${value.size})`;
  return typeof value;
}

/** `value` as a bigint, accepting bigint or a safe-integer number. */
export function toBigInt(typeName: string, value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw invalidValueError(typeName, `expected a bigint (or a safe integer number), got ${describeValue(value)}`);
}

/** `value` as an integer bigint in [min, max], accepting bigint or a safe-integer number. */
export function toBigIntInRange(typeName: string, value: unknown, min: bigint, max: bigint): bigint {
  const v = toBigInt(typeName, value);
  if (v < min || v > max) throw invalidValueError(typeName, `${v} is out of range [${min}, ${max}]`);
  return v;
}

/** `value` as an integer number in [min, max]. */
export function toIntInRange(typeName: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidValueError(typeName, `expected an integer number, got ${describeValue(value)}`);
  }
  if (value < min || value > max) throw invalidValueError(typeName, `${value} is out of range [${min}, ${max}]`);
  return value;
}
