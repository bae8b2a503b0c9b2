import { nativeType } from './cql-type';
import { checkFixedLength, compareEmptyFirst, compareSignedBigEndian, toBigInt, toBigIntInRange, toIntInRange, viewOf } from './codec-support';
import { bigintToTwosComplement, twosComplementToBigint } from './twos-complement';
import type { ValueCodec } from './value-codec';

/**
 * Codecs of the integer types. Signed big-endian two's complement; ordering is numeric
 * (Cassandra's Int32Type, LongType, ShortType, ByteType, IntegerType). Empty values: Cassandra
 * accepts a zero-length `int`, `bigint`, `counter` and `varint` (decoded as null) but not a
 * zero-length `smallint` or `tinyint`.
 */

function fixedIntCodec(
  name: 'tinyint' | 'smallint' | 'int',
  size: 1 | 2 | 4,
  allowEmpty: boolean,
): ValueCodec<number> {
  const min = -(2 ** (size * 8 - 1));
  const max = 2 ** (size * 8 - 1) - 1;
  const read = (bytes: Uint8Array): number => {
    const view = viewOf(bytes);
    return size === 1 ? view.getInt8(0) : size === 2 ? view.getInt16(0) : view.getInt32(0);
  };
  return {
    type: nativeType(name),
    serialize(value: number): Buffer {
      const v = toIntInRange(name, value, min, max);
      const out = Buffer.alloc(size);
      if (size === 1) out.writeInt8(v);
      else if (size === 2) out.writeInt16BE(v);
      else out.writeInt32BE(v);
      return out;
    },
    deserialize(bytes: Uint8Array): number | null {
      checkFixedLength(name, bytes, size, allowEmpty);
      return bytes.length === 0 ? null : read(bytes);
    },
    validate(bytes: Uint8Array): void {
      checkFixedLength(name, bytes, size, allowEmpty);
    },
    compare(a: Uint8Array, b: Uint8Array): number {
      const e = compareEmptyFirst(a, b);
      if (e !== undefined) return e;
      checkFixedLength(name, a, size, false);
      checkFixedLength(name, b, size, false);
      return compareSignedBigEndian(a, b);
    },
  };
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function int64Codec(name: 'bigint' | 'counter'): ValueCodec<bigint> {
  return {
    type: nativeType(name),
    serialize(value: bigint): Buffer {
      const v = toBigIntInRange(name, value, INT64_MIN, INT64_MAX);
      const out = Buffer.alloc(8);
      out.writeBigInt64BE(v);
      return out;
    },
    deserialize(bytes: Uint8Array): bigint | null {
      checkFixedLength(name, bytes, 8, true);
      return bytes.length === 0 ? null : viewOf(bytes).getBigInt64(0);
    },
    validate(bytes: Uint8Array): void {
      checkFixedLength(name, bytes, 8, true);
    },
    compare(a: Uint8Array, b: Uint8Array): number {
      const e = compareEmptyFirst(a, b);
      if (e !== undefined) return e;
      checkFixedLength(name, a, 8, false);
      checkFixedLength(name, b, 8, false);
      return compareSignedBigEndian(a, b);
    },
  };
}

/**
 * `varint`: an arbitrary-precision integer, minimal two's complement on output; any
 * non-empty byte string is a valid input (redundant sign bytes included), compared
 * numerically, so 0x0001 and 0x01 are equal.
 */
function varintCodec(): ValueCodec<bigint> {
  return {
    type: nativeType('varint'),
    serialize(value: bigint): Buffer {
      return bigintToTwosComplement(toBigInt('varint', value));
    },
    deserialize(bytes: Uint8Array): bigint | null {
      return bytes.length === 0 ? null : twosComplementToBigint(bytes);
    },
    validate(): void {
      // Every byte string is a two's complement integer (Cassandra's IntegerSerializer).
    },
    compare(a: Uint8Array, b: Uint8Array): number {
      const e = compareEmptyFirst(a, b);
      if (e !== undefined) return e;
      const x = twosComplementToBigint(a);
      const y = twosComplementToBigint(b);
      return x < y ? -1 : x > y ? 1 : 0;
    },
  };
}

/** The integer codecs by type name. */
export const integerCodecs = {
  tinyint: (): ValueCodec<number> => fixedIntCodec('tinyint', 1, false),
  smallint: (): ValueCodec<number> => fixedIntCodec('smallint', 2, false),
  int: (): ValueCodec<number> => fixedIntCodec('int', 4, true),
  bigint: (): ValueCodec<bigint> => int64Codec('bigint'),
  counter: (): ValueCodec<bigint> => int64Codec('counter'),
  varint: varintCodec,
} as const;
