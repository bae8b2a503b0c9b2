import { nativeType } from './cql-type';
import { checkFixedLength, compareEmptyFirst, describeValue, viewOf } from './codec-support';
import { invalidValueError } from './invalid-value-error';
import type { ValueCodec } from './value-codec';

/**
 * Java's `Double.compare` / `Float.compare`, which Cassandra's DoubleType and FloatType
 * use: numeric order, except that -0 sorts before +0 and every NaN is equal to every
 * other NaN and greater than +Infinity.
 */
export function compareJavaDoubles(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  const xNaN = Number.isNaN(x);
  const yNaN = Number.isNaN(y);
  if (xNaN || yNaN) return xNaN === yNaN ? 0 : xNaN ? 1 : -1;
  // Equal as numbers: only the sign of zero can still differ.
  const xNeg = Object.is(x, -0);
  const yNeg = Object.is(y, -0);
  return xNeg === yNeg ? 0 : xNeg ? -1 : 1;
}

function floatingCodec(name: 'float' | 'double', size: 4 | 8): ValueCodec<number> {
  const read = (bytes: Uint8Array): number => (size === 4 ? viewOf(bytes).getFloat32(0) : viewOf(bytes).getFloat64(0));
  return {
    type: nativeType(name),
    serialize(value: number): Buffer {
      if (typeof value !== 'number') throw invalidValueError(name, `expected a number, got ${describeValue(value)}`);
      const out = Buffer.alloc(size);
      // NaN is written as the canonical quiet NaN (as Java's Float/Double.floatToIntBits).
      if (size === 4) out.writeFloatBE(value);
      else out.writeDoubleBE(value);
      return out;
    },
    deserialize(bytes: Uint8Array): number | null {
      checkFixedLength(name, bytes, size, true);
      return bytes.length === 0 ? null : read(bytes);
    },
    validate(bytes: Uint8Array): void {
      checkFixedLength(name, bytes, size, true);
    },
    compare(a: Uint8Array, b: Uint8Array): number {
      const e = compareEmptyFirst(a, b);
      if (e !== undefined) return e;
      checkFixedLength(name, a, size, false);
      checkFixedLength(name, b, size, false);
      return compareJavaDoubles(read(a), read(b));
    },
  };
}

/** The `float` (IEEE-754 binary32; JS numbers are rounded to it) and `double` codecs. */
export const floatingCodecs = {
  float: (): ValueCodec<number> => floatingCodec('float', 4),
  double: (): ValueCodec<number> => floatingCodec('double', 8),
} as const;
