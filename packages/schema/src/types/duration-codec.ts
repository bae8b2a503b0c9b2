import { nativeType } from './cql-type';
import { describeValue } from './codec-support';
import { compareBytesUnsigned } from './compare-bytes';
import { decodeSignedVInt, encodeSignedVInt } from './cassandra-vint';
import { invalidValueError } from './invalid-value-error';
import type { CqlDuration, ValueCodec } from './value-codec';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function checkSigns(months: number, days: number, nanoseconds: bigint): void {
  const allNonNegative = months >= 0 && days >= 0 && nanoseconds >= 0n;
  const allNonPositive = months <= 0 && days <= 0 && nanoseconds <= 0n;
  if (!allNonNegative && !allNonPositive) {
    throw invalidValueError(
      'duration',
      `months, days and nanoseconds must all have the same sign (${months}, ${days}, ${nanoseconds})`,
    );
  }
}

function decode(bytes: Uint8Array): CqlDuration {
  if (bytes.length < 3) throw invalidValueError('duration', `expected at least 3 bytes, got ${bytes.length}`);
  const months = decodeSignedVInt(bytes, 0);
  const days = months && decodeSignedVInt(bytes, months.next);
  const nanos = days && decodeSignedVInt(bytes, days.next);
  if (months === undefined || days === undefined || nanos === undefined) {
    throw invalidValueError('duration', 'truncated: expected three signed vints (months, days, nanoseconds)');
  }
  if (nanos.next !== bytes.length) {
    throw invalidValueError('duration', `${bytes.length - nanos.next} unexpected bytes after the nanoseconds`);
  }
  if (months.value < BigInt(INT32_MIN) || months.value > BigInt(INT32_MAX)) {
    throw invalidValueError('duration', `months must be a 32-bit integer, got ${months.value}`);
  }
  if (days.value < BigInt(INT32_MIN) || days.value > BigInt(INT32_MAX)) {
    throw invalidValueError('duration', `days must be a 32-bit integer, got ${days.value}`);
  }
  const result = { months: Number(months.value), days: Number(days.value), nanoseconds: nanos.value };
  checkSigns(result.months, result.days, result.nanoseconds);
  return result;
}

/**
 * `duration`: JS `{ months, days, nanoseconds }` (int32, int32, bigint int64), all of one
 * sign; encoded as three signed Cassandra vints; no empty value. Ordered by bytes (Cassandra's
 * DurationType is BYTE_ORDER; durations cannot be clustering columns anyway).
 */
export function durationCodec(): ValueCodec<CqlDuration> {
  return {
    type: nativeType('duration'),
    serialize(value: CqlDuration): Buffer {
      if (
        typeof value !== 'object' ||
        value === null ||
        !Number.isInteger(value.months) ||
        !Number.isInteger(value.days) ||
        (typeof value.nanoseconds !== 'bigint' && !Number.isSafeInteger(value.nanoseconds))
      ) {
        throw invalidValueError('duration', `expected { months: int32, days: int32, nanoseconds: bigint }, got ${describeValue(value)}`);
      }
      const nanoseconds = BigInt(value.nanoseconds);
      if (value.months < INT32_MIN || value.months > INT32_MAX || value.days < INT32_MIN || value.days > INT32_MAX) {
        throw invalidValueError('duration', `months and days must be 32-bit integers (${value.months}, ${value.days})`);
      }
      if (nanoseconds < -(1n << 63n) || nanoseconds >= 1n << 63n) {
        throw invalidValueError('duration', `nanoseconds must be a 64-bit integer, got ${nanoseconds}`);
      }
      checkSigns(value.months, value.days, nanoseconds);
      return Buffer.concat([
        encodeSignedVInt(BigInt(value.months)),
        encodeSignedVInt(BigInt(value.days)),
        encodeSignedVInt(nanoseconds),
      ]);
    },
    deserialize: decode,
    validate(bytes: Uint8Array): void {
      decode(bytes);
    },
    compare: compareBytesUnsigned,
  };
}
