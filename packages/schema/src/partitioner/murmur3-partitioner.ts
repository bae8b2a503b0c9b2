/**
 * Cassandra's Murmur3Partitioner: the token of a partition key is the first 64 bits of
 * MurmurHash3 x64/128 (seed 0) of the serialized key, as a signed 64-bit number. It must
 * be bit-exact with Cassandra, ScyllaDB and the drivers' token-aware routing, including
 * Cassandra's quirk of sign-extending the tail bytes (Java bytes are signed).
 *
 * BigInt keeps this obviously correct; a faster version (32-bit halves or the native addon)
 * will replace it when a benchmark of the request path says so.
 */

const MASK64 = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;

/** The smallest token, which no key hashes to: the empty key's token and the ring's start. */
export const MURMUR3_MIN_TOKEN = -(1n << 63n);
/** The largest token. */
export const MURMUR3_MAX_TOKEN = (1n << 63n) - 1n;

function rotl64(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & MASK64;
}

function fmix64(k: bigint): bigint {
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK64;
  k ^= k >> 33n;
  return k;
}

/** Byte `b` as Java's `(long) byte`: sign-extended to 64 bits, as an unsigned BigInt. */
function signExtendedByte(b: number): bigint {
  return BigInt.asUintN(64, BigInt(b >= 0x80 ? b - 0x100 : b));
}

/** First 64 bits of Cassandra's MurmurHash3 x64/128 of `key`, as a signed 64-bit BigInt. */
export function murmur3Hash64(key: Uint8Array): bigint {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  const len = key.length;
  const nblocks = len >>> 4;
  let h1 = 0n;
  let h2 = 0n;
  for (let i = 0; i < nblocks; i++) {
    let k1 = view.getBigUint64(i * 16, true);
    let k2 = view.getBigUint64(i * 16 + 8, true);
    k1 = (k1 * C1) & MASK64;
    k1 = rotl64(k1, 31n);
    k1 = (k1 * C2) & MASK64;
    h1 ^= k1;
    h1 = rotl64(h1, 27n);
    h1 = (h1 + h2) & MASK64;
    h1 = (h1 * 5n + 0x52dce729n) & MASK64;
    k2 = (k2 * C2) & MASK64;
    k2 = rotl64(k2, 33n);
    k2 = (k2 * C1) & MASK64;
    h2 ^= k2;
    h2 = rotl64(h2, 31n);
    h2 = (h2 + h1) & MASK64;
    h2 = (h2 * 5n + 0x38495ab5n) & MASK64;
  }
  const tail = nblocks * 16;
  const rest = len & 15;
  let k1 = 0n;
  let k2 = 0n;
  for (let i = rest - 1; i >= 8; i--) k2 ^= (signExtendedByte(key[tail + i]!) << BigInt((i - 8) * 8)) & MASK64;
  if (rest > 8) {
    k2 = (k2 * C2) & MASK64;
    k2 = rotl64(k2, 33n);
    k2 = (k2 * C1) & MASK64;
    h2 ^= k2;
  }
  for (let i = Math.min(rest, 8) - 1; i >= 0; i--) k1 ^= (signExtendedByte(key[tail + i]!) << BigInt(i * 8)) & MASK64;
  if (rest > 0) {
    k1 = (k1 * C1) & MASK64;
    k1 = rotl64(k1, 31n);
    k1 = (k1 * C2) & MASK64;
    h1 ^= k1;
  }
  const blen = BigInt(len);
  h1 ^= blen;
  h2 ^= blen;
  h1 = (h1 + h2) & MASK64;
  h2 = (h2 + h1) & MASK64;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = (h1 + h2) & MASK64;
  return BigInt.asIntN(64, h1);
}

/**
 * The token of a serialized partition key (for a compound key, its composite
 * serialization). The empty key gets {@link MURMUR3_MIN_TOKEN}; a hash equal to the
 * minimum is moved to {@link MURMUR3_MAX_TOKEN}, as Cassandra does, so no key owns the
 * ring's start.
 */
export function murmur3Token(key: Uint8Array): bigint {
  if (key.length === 0) return MURMUR3_MIN_TOKEN;
  const h = murmur3Hash64(key);
  return h === MURMUR3_MIN_TOKEN ? MURMUR3_MAX_TOKEN : h;
}
