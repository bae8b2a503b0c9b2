import { nativeType } from './cql-type';
import { checkFixedLength, compareEmptyFirst, compareSignedBigEndian, describeValue, toBigIntInRange, toIntInRange, viewOf } from './codec-support';
import { compareBytesUnsigned } from './compare-bytes';
import { invalidValueError } from './invalid-value-error';
import type { ValueCodec } from './value-codec';

/** `date` stores days as an unsigned int32 with the epoch at 2^31 (so byte order is date order). */
const DATE_EPOCH_OFFSET = 2 ** 31;
/** Nanoseconds in a day: `time` values are in [0, NANOS_PER_DAY). */
const NANOS_PER_DAY = 86_400_000_000_000n;
/** The largest |milliseconds| a JS `Date` can hold. */
const MAX_DATE_MS = 8.64e15;

/**
 * `date`: JS number of days since 1970-01-01 (negative before), in [-2^31, 2^31-1]; 4 bytes
 * (no empty value); byte order, which is chronological thanks to the 2^31 bias.
 */
function dateCodec(): ValueCodec<number> {
  return {
    type: nativeType('date'),
    serialize(value: number): Buffer {
      const days = toIntInRange('date', value, -DATE_EPOCH_OFFSET, DATE_EPOCH_OFFSET - 1);
      const out = Buffer.alloc(4);
      out.writeUInt32BE(days + DATE_EPOCH_OFFSET);
      return out;
    },
    deserialize(bytes: Uint8Array): number {
      checkFixedLength('date', bytes, 4, false);
      return viewOf(bytes).getUint32(0) - DATE_EPOCH_OFFSET;
    },
    validate(bytes: Uint8Array): void {
      checkFixedLength('date', bytes, 4, false);
    },
    compare: compareBytesUnsigned,
  };
}

function checkTime(bytes: Uint8Array): bigint {
  checkFixedLength('time', bytes, 8, false);
  const nanos = viewOf(bytes).getBigInt64(0);
  if (nanos < 0n || nanos >= NANOS_PER_DAY) {
    throw invalidValueError('time', `${nanos} nanoseconds is not a time of day (must be in [0, ${NANOS_PER_DAY}))`);
  }
  return nanos;
}

/**
 * `time`: JS bigint nanoseconds since midnight (a safe-integer number is accepted on
 * input), in [0, 86399999999999]; 8 bytes; byte order (= numeric for valid values).
 */
function timeCodec(): ValueCodec<bigint> {
  return {
    type: nativeType('time'),
    serialize(value: bigint): Buffer {
      const nanos = toBigIntInRange('time', value, 0n, NANOS_PER_DAY - 1n);
      const out = Buffer.alloc(8);
      out.writeBigInt64BE(nanos);
      return out;
    },
    deserialize: checkTime,
    validate(bytes: Uint8Array): void {
      checkTime(bytes);
    },
    compare: compareBytesUnsigned,
  };
}

/**
 * `timestamp`: signed int64 milliseconds since the epoch. Input: a `Date`, an integer
 * number of milliseconds or a bigint. Output: a `Date`, or a bigint when the value is
 * beyond what a `Date` can hold (|ms| > 8.64e15). Empty allowed (null). Numeric order.
 */
function timestampCodec(): ValueCodec<Date | bigint | number> {
  return {
    type: nativeType('timestamp'),
    serialize(value: Date | bigint | number): Buffer {
      let ms: bigint;
      if (value instanceof Date) {
        const t = value.getTime();
        if (Number.isNaN(t)) throw invalidValueError('timestamp', 'invalid Date');
        ms = BigInt(t);
      } else if (typeof value === 'number' || typeof value === 'bigint') {
        ms = toBigIntInRange('timestamp', value, -(1n << 63n), (1n << 63n) - 1n);
      } else {
        throw invalidValueError('timestamp', `expected a Date, number or bigint, got ${describeValue(value)}`);
      }
      const out = Buffer.alloc(8);
      out.writeBigInt64BE(ms);
      return out;
    },
    deserialize(bytes: Uint8Array): Date | bigint | null {
      checkFixedLength('timestamp', bytes, 8, true);
      if (bytes.length === 0) return null;
      const ms = viewOf(bytes).getBigInt64(0);
      return ms >= -MAX_DATE_MS && ms <= MAX_DATE_MS ? new Date(Number(ms)) : ms;
    },
    validate(bytes: Uint8Array): void {
      checkFixedLength('timestamp', bytes, 8, true);
    },
    compare(a: Uint8Array, b: Uint8Array): number {
      const e = compareEmptyFirst(a, b);
      if (e !== undefined) return e;
      checkFixedLength('timestamp', a, 8, false);
      checkFixedLength('timestamp', b, 8, false);
      return compareSignedBigEndian(a, b);
    },
  };
}

/** The `date`, `time` and `timestamp` codecs. */
export const temporalCodecs = {
  date: dateCodec,
  time: timeCodec,
  timestamp: timestampCodec,
} as const;
