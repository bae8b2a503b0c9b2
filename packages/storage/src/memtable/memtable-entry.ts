import type { LsaComparator } from '@charybdis/core';

/**
 * The byte layout of one memtable partition entry, an LSA object (see docs/memtable.md):
 *
 * ```
 * [0, 8)          token: i64 big-endian with the sign bit flipped (bytewise = signed order)
 * [8, 12)         u32 big-endian partition key length k
 * [12, 12 + k)    partition key bytes
 * [12 + k, size)  the partition's encoded, normalized PartitionUpdate (encodePartitionUpdate)
 * ```
 *
 * The first 12 + k bytes are the entry's key; a probe for `LsaBTree.get` / `cursor().seek`
 * is exactly such a prefix (no update bytes). Pure functions, no state.
 */

/** Bytes before the partition key: token (8) + key length (4). */
export const ENTRY_KEY_HEADER_BYTES = 12;

const SIGN_BIT = 0x8000_0000_0000_0000n;

/** Writes the token with its sign bit flipped, so that unsigned byte order is signed token order. */
export function writeOrderedToken(out: Uint8Array, offset: number, token: bigint): void {
  const u = BigInt.asUintN(64, token) ^ SIGN_BIT;
  const hi = Number(u >> 32n);
  const lo = Number(u & 0xffff_ffffn);
  writeU32(out, offset, hi);
  writeU32(out, offset + 4, lo);
}

/** Inverse of {@link writeOrderedToken}. */
export function readOrderedToken(bytes: Uint8Array, offset: number): bigint {
  const u = (BigInt(readU32(bytes, offset)) << 32n) | BigInt(readU32(bytes, offset + 4));
  return BigInt.asIntN(64, u ^ SIGN_BIT);
}

/** The key prefix of an entry (token + key length + key): a probe for the index. */
export function encodeEntryKey(token: bigint, partitionKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(ENTRY_KEY_HEADER_BYTES + partitionKey.length);
  writeEntryKey(out, 0, token, partitionKey);
  return out;
}

/** Writes the key prefix at `offset`; returns the offset just past it. */
export function writeEntryKey(out: Uint8Array, offset: number, token: bigint, partitionKey: Uint8Array): number {
  writeOrderedToken(out, offset, token);
  writeU32(out, offset + 8, partitionKey.length);
  out.set(partitionKey, offset + ENTRY_KEY_HEADER_BYTES);
  return offset + ENTRY_KEY_HEADER_BYTES + partitionKey.length;
}

/** Size of an entry holding `keyLength` key bytes and `updateLength` encoded update bytes. */
export function entrySizeBytes(keyLength: number, updateLength: number): number {
  return ENTRY_KEY_HEADER_BYTES + keyLength + updateLength;
}

/** Offset (relative to the entry's first byte) where the encoded update starts. */
export function entryUpdateOffset(bytes: Uint8Array, entryOffset: number): number {
  return ENTRY_KEY_HEADER_BYTES + readU32(bytes, entryOffset + 8);
}

/**
 * Orders entries (and probes) by token, then by partition key bytes unsigned, the shorter
 * key first on a common prefix (Cassandra's decorated-key order). Reads only the key
 * prefix, never the update bytes, and allocates nothing.
 */
export const compareEntryKeys: LsaComparator = (a, aOffset, _aLength, b, bOffset, _bLength) => {
  for (let i = 0; i < 8; i++) {
    const d = a[aOffset + i]! - b[bOffset + i]!;
    if (d !== 0) return d;
  }
  const ak = readU32(a, aOffset + 8);
  const bk = readU32(b, bOffset + 8);
  const n = ak < bk ? ak : bk;
  const ap = aOffset + ENTRY_KEY_HEADER_BYTES;
  const bp = bOffset + ENTRY_KEY_HEADER_BYTES;
  for (let i = 0; i < n; i++) {
    const d = a[ap + i]! - b[bp + i]!;
    if (d !== 0) return d;
  }
  return ak - bk;
};

function writeU32(out: Uint8Array, offset: number, v: number): void {
  out[offset] = v >>> 24;
  out[offset + 1] = (v >>> 16) & 0xff;
  out[offset + 2] = (v >>> 8) & 0xff;
  out[offset + 3] = v & 0xff;
}

function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}
