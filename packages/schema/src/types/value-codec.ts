import type { CqlType } from './cql-type';

/** A `decimal`: `unscaledValue × 10^-scale` (Java's BigDecimal); `scale` is an int32. */
export interface CqlDecimal {
  readonly unscaledValue: bigint;
  readonly scale: number;
}

/**
 * A `duration`: months and days (int32) and nanoseconds (int64), all of the same sign
 * (Cassandra rejects mixed signs).
 */
export interface CqlDuration {
  readonly months: number;
  readonly days: number;
  readonly nanoseconds: bigint;
}

/**
 * A JS value of some CQL type (see docs/types.md for the mapping of each type). `null`
 * is an absent tuple component or UDT field, or the empty value of a type where Cassandra
 * allows one (e.g. a zero-length `int`).
 */
export type CqlValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Date
  | Uint8Array
  | CqlDecimal
  | CqlDuration
  | readonly CqlValue[]
  | ReadonlySet<CqlValue>
  | ReadonlyMap<CqlValue, CqlValue>
  | { readonly [field: string]: CqlValue };

/**
 * The codec and comparator of one CQL type, built by `codecFor(type)`. Stateless and
 * immutable: build one per column when a table's schema is loaded and share it.
 *
 * The byte form is the CQL native protocol v4 value encoding (`[bytes]` contents without
 * the length), which is also the cell value stored by the storage engine; frozen
 * collections use the v3+ form with int32 counts and lengths.
 */
export interface ValueCodec<T = CqlValue> {
  /** The type this codec is for. */
  readonly type: CqlType;
  /**
   * Encodes a JS value. Throws `SCHEMA_INVALID_VALUE` when the value does not fit the type
   * (wrong JS type, out of range, invalid string…). Sets and maps come out sorted by the
   * element/key comparator, without duplicates, as Cassandra stores them.
   */
  serialize(value: T): Buffer;
  /**
   * Validates, then decodes. A zero-length input of a type where Cassandra accepts an
   * empty value (numbers, uuid, inet, boolean, timestamp) decodes to null.
   */
  deserialize(bytes: Uint8Array): T | null;
  /** Throws `SCHEMA_INVALID_VALUE` (naming the type and the problem) unless `bytes` is valid. */
  validate(bytes: Uint8Array): void;
  /**
   * Cassandra's sort order of two encodings of this type (negative, zero, positive), as
   * used for clustering columns, set elements and map keys. Empty values sort first.
   * Inputs are assumed valid; invalid ones give an arbitrary but consistent order or a
   * `SCHEMA_INVALID_VALUE` error, never a crash.
   */
  compare(a: Uint8Array, b: Uint8Array): number;
}
