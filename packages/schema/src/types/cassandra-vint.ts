/**
 * Cassandra's variable-length integers (VIntCoding), used by `duration` values: an
 * unsigned vint stores its extra-byte count as leading one bits of the first byte
 * (0xxxxxxx = 1 byte, 10xxxxxx + 1 byte, …, 11111111 + 8 bytes), big-endian; a signed vint
 * is the unsigned vint of the zigzag encoding. This is not protobuf's LEB128.
 */

const MASK64 = (1n << 64n) - 1n;

/** Zigzag: 0, -1, 1, -2… → 0, 1, 2, 3… (64-bit). */
function zigzag(v: bigint): bigint {
  return ((v << 1n) ^ (v >> 63n)) & MASK64;
}

function unzigzag(u: bigint): bigint {
  return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n));
}

/** The bytes of the unsigned vint of `u` (0 <= u < 2^64). */
export function encodeUnsignedVInt(u: bigint): Buffer {
  // Bytes needed: 1 + ceil((bits - 7) / 7), capped at 9 (first byte 0xff + 8 bytes).
  const bits = u === 0n ? 1 : u.toString(2).length;
  const size = bits <= 7 ? 1 : Math.min(9, 1 + Math.ceil((bits - 7) / 7));
  const out = Buffer.alloc(size);
  let rest = u;
  for (let i = size - 1; i >= 1; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  const extra = size - 1;
  const prefix = (0xff << (8 - extra)) & 0xff;
  out[0] = prefix | Number(rest);
  return out;
}

/** The bytes of the signed vint of `v` (a signed 64-bit value). */
export function encodeSignedVInt(v: bigint): Buffer {
  return encodeUnsignedVInt(zigzag(v));
}

/** A decoded vint and the offset just past it. */
export interface DecodedVInt {
  readonly value: bigint;
  readonly next: number;
}

/**
 * Decodes the unsigned vint at `offset`; undefined when the input ends inside it.
 * Non-minimal encodings are accepted, as Cassandra accepts them.
 */
export function decodeUnsignedVInt(bytes: Uint8Array, offset: number): DecodedVInt | undefined {
  if (offset >= bytes.length) return undefined;
  const first = bytes[offset]!;
  let extra = 0;
  while (extra < 8 && first & (0x80 >> extra)) extra++;
  if (offset + 1 + extra > bytes.length) return undefined;
  let value = BigInt(first & (0xff >> extra));
  for (let i = 1; i <= extra; i++) value = (value << 8n) | BigInt(bytes[offset + i]!);
  return { value: value & MASK64, next: offset + 1 + extra };
}

/** Decodes the signed vint at `offset`; undefined when the input ends inside it. */
export function decodeSignedVInt(bytes: Uint8Array, offset: number): DecodedVInt | undefined {
  const d = decodeUnsignedVInt(bytes, offset);
  return d === undefined ? undefined : { value: unzigzag(d.value), next: d.next };
}
