/**
 * Big-endian two's complement integers of any length, as `varint` and the unscaled part
 * of `decimal` are encoded (Java's `BigInteger.toByteArray()` / `new BigInteger(bytes)`).
 */

/** The minimal two's complement encoding of `value` (zero is one 0x00 byte, as in Java). */
export function bigintToTwosComplement(value: bigint): Buffer {
  let bytes: number;
  if (value >= 0n) {
    // One sign bit more than the magnitude needs.
    bytes = Math.floor(value.toString(2).length / 8) + 1;
    if (value === 0n) bytes = 1;
  } else {
    const magnitude = -value - 1n;
    bytes = magnitude === 0n ? 1 : Math.floor(magnitude.toString(2).length / 8) + 1;
  }
  const unsigned = value >= 0n ? value : (1n << BigInt(bytes * 8)) + value;
  return Buffer.from(unsigned.toString(16).padStart(bytes * 2, '0'), 'hex');
}

/** The integer a two's complement byte string encodes (any length, redundant sign bytes allowed). */
export function twosComplementToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'));
  return bytes[0]! & 0x80 ? unsigned - (1n << BigInt(bytes.length * 8)) : unsigned;
}
