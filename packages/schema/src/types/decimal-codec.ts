import { nativeType } from './cql-type';
import { compareEmptyFirst, describeValue, viewOf } from './codec-support';
import { invalidValueError } from './invalid-value-error';
import { bigintToTwosComplement, twosComplementToBigint } from './twos-complement';
import type { CqlDecimal, ValueCodec } from './value-codec';

function decode(bytes: Uint8Array): CqlDecimal {
  return { unscaledValue: twosComplementToBigint(bytes.subarray(4)), scale: viewOf(bytes).getInt32(0) };
}

/**
 * Zero bytes (the empty value) or an int32 scale followed by at least one byte of unscaled
 * value. Cassandra's validator lets a lone 4-byte scale through, which its own
 * deserializer then fails on ("Zero length BigInteger"); we reject it up front.
 */
function checkLength(bytes: Uint8Array): void {
  if (bytes.length !== 0 && bytes.length < 5) {
    throw invalidValueError('decimal', `expected 0 or at least 5 bytes (int32 scale + unscaled value), got ${bytes.length}`);
  }
}

function decimalDigits(magnitude: bigint): number {
  return magnitude.toString().length;
}

/**
 * Numeric comparison of two decimals, as Java's `BigDecimal.compareTo` (so 1.0 == 1.00).
 * Scales may be far apart (int32), so magnitudes are first compared by their adjusted
 * exponent (digits - scale); only when that is equal are the unscaled values aligned,
 * which then needs at most as many powers of ten as the operands have digits.
 */
export function compareDecimals(a: CqlDecimal, b: CqlDecimal): number {
  const sa = a.unscaledValue === 0n ? 0 : a.unscaledValue < 0n ? -1 : 1;
  const sb = b.unscaledValue === 0n ? 0 : b.unscaledValue < 0n ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const ma = sa < 0 ? -a.unscaledValue : a.unscaledValue;
  const mb = sb < 0 ? -b.unscaledValue : b.unscaledValue;
  const ea = decimalDigits(ma) - a.scale;
  const eb = decimalDigits(mb) - b.scale;
  let magnitudeOrder: number;
  if (ea !== eb) {
    magnitudeOrder = ea < eb ? -1 : 1;
  } else {
    // Same adjusted exponent: scale difference equals digit-count difference, small.
    const shift = a.scale - b.scale;
    const x = shift < 0 ? ma * 10n ** BigInt(-shift) : ma;
    const y = shift > 0 ? mb * 10n ** BigInt(shift) : mb;
    magnitudeOrder = x < y ? -1 : x > y ? 1 : 0;
  }
  return magnitudeOrder === 0 ? 0 : sa * magnitudeOrder;
}

/**
 * `decimal`: int32 scale then the unscaled value as a two's complement varint; JS value
 * `{ unscaledValue: bigint, scale: number }` (value = unscaledValue × 10^-scale; a
 * negative scale multiplies). Ordered numerically.
 */
export function decimalCodec(): ValueCodec<CqlDecimal> {
  return {
    type: nativeType('decimal'),
    serialize(value: CqlDecimal): Buffer {
      if (
        typeof value !== 'object' ||
        value === null ||
        typeof value.unscaledValue !== 'bigint' ||
        typeof value.scale !== 'number' ||
        !Number.isInteger(value.scale) ||
        value.scale < -0x80000000 ||
        value.scale > 0x7fffffff
      ) {
        throw invalidValueError('decimal', `expected { unscaledValue: bigint, scale: int32 }, got ${describeValue(value)}`);
      }
      const unscaled = bigintToTwosComplement(value.unscaledValue);
      const out = Buffer.alloc(4 + unscaled.length);
      out.writeInt32BE(value.scale);
      unscaled.copy(out, 4);
      return out;
    },
    deserialize(bytes: Uint8Array): CqlDecimal | null {
      checkLength(bytes);
      return bytes.length === 0 ? null : decode(bytes);
    },
    validate(bytes: Uint8Array): void {
      checkLength(bytes);
    },
    compare(a: Uint8Array, b: Uint8Array): number {
      const e = compareEmptyFirst(a, b);
      if (e !== undefined) return e;
      checkLength(a);
      checkLength(b);
      return compareDecimals(decode(a), decode(b));
    },
  };
}
