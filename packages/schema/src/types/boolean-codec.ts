import { nativeType } from './cql-type';
import { checkFixedLength, compareEmptyFirst, describeValue } from './codec-support';
import { invalidValueError } from './invalid-value-error';
import type { ValueCodec } from './value-codec';

/**
 * `boolean`: one byte, 0 is false and anything else true (0x01 on output); empty allowed
 * (null). Order: empty, false, true (every non-zero byte is the same true).
 */
export function booleanCodec(): ValueCodec<boolean> {
  return {
    type: nativeType('boolean'),
    serialize(value: boolean): Buffer {
      if (typeof value !== 'boolean') throw invalidValueError('boolean', `expected a boolean, got ${describeValue(value)}`);
      return Buffer.from([value ? 1 : 0]);
    },
    deserialize(bytes: Uint8Array): boolean | null {
      checkFixedLength('boolean', bytes, 1, true);
      return bytes.length === 0 ? null : bytes[0] !== 0;
    },
    validate(bytes: Uint8Array): void {
      checkFixedLength('boolean', bytes, 1, true);
    },
    compare(a: Uint8Array, b: Uint8Array): number {
      const e = compareEmptyFirst(a, b);
      if (e !== undefined) return e;
      const x = a[0] === 0 ? 0 : 1;
      const y = b[0] === 0 ? 0 : 1;
      return x - y;
    },
  };
}
