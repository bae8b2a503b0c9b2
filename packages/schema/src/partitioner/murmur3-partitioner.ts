/**
 * Cassandra's Murmur3Partitioner: the token of a partition key is the first 64 bits of
 * MurmurHash3 x64/128 (seed 0) of the serialized key, as a signed 64-bit number. It must
 * be bit-exact with Cassandra, ScyllaDB and the drivers' token-aware routing, including
 * Cassandra's quirk of sign-extending the tail bytes (Java bytes are signed).
 *
 * Every write and every read hashes its key, so the 64-bit arithmetic is done on pairs of
 * unsigned 32-bit halves (hi, lo) in plain numbers: no BigInt until the result. The
 * unit test checks it against cassandra-driver's tokenizer on every key length 1..80.
 */

/** The smallest token, which no key hashes to: the empty key's token and the ring's start. */
export const MURMUR3_MIN_TOKEN = -(1n << 63n);
/** The largest token. */
export const MURMUR3_MAX_TOKEN = (1n << 63n) - 1n;

const C1_HI = 0x87c37b91;
const C1_LO = 0x114253d5;
const C2_HI = 0x4cf5ad43;
const C2_LO = 0x2745937f;
const F1_HI = 0xff51afd7;
const F1_LO = 0xed558ccd;
const F2_HI = 0xc4ceb9fe;
const F2_LO = 0x1a85ec53;

// The result of the 64-bit helpers below (one pair; the hash is synchronous and not re-entrant).
let rHi = 0;
let rLo = 0;

/** (aHi:aLo * bHi:bLo) mod 2^64 into rHi:rLo. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const mid = a0 * b1 + a1 * b0; // < 2^33, exact
  const low = a0 * b0 + (mid % 0x10000) * 0x10000; // < 2^33, exact
  rLo = low >>> 0;
  const carry = Math.floor(low / 0x100000000);
  rHi = (a1 * b1 + Math.floor(mid / 0x10000) + carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

/** Rotates hi:lo left by r (0 < r < 64) into rHi:rLo. */
function rotl64(hi: number, lo: number, r: number): void {
  if (r >= 32) {
    const t = hi;
    hi = lo;
    lo = t;
    r -= 32;
  }
  if (r === 0) {
    rHi = hi;
    rLo = lo;
    return;
  }
  rHi = ((hi << r) | (lo >>> (32 - r))) >>> 0;
  rLo = ((lo << r) | (hi >>> (32 - r))) >>> 0;
}

/** MurmurHash3's 64-bit finalizer of hi:lo into rHi:rLo. */
function fmix64(hi: number, lo: number): void {
  lo = (lo ^ (hi >>> 1)) >>> 0; // k ^= k >>> 33
  mul64(hi, lo, F1_HI, F1_LO);
  hi = rHi;
  lo = (rLo ^ (rHi >>> 1)) >>> 0;
  mul64(hi, lo, F2_HI, F2_LO);
  rLo = (rLo ^ (rHi >>> 1)) >>> 0;
}

/** XOR of the tail bytes key[from + i] for i in [0, n), each sign-extended to 64 bits and shifted by 8*i, into rHi:rLo. */
function tailWord(key: Uint8Array, from: number, n: number): void {
  let hi = 0;
  let lo = 0;
  for (let i = n - 1; i >= 0; i--) {
    const b = key[from + i]!;
    // Java's (long) byte: bytes >= 0x80 are negative, so every bit above them is set.
    const vHi = b >= 0x80 ? 0xffffffff : 0;
    const vLo = b >= 0x80 ? (0xffffff00 | b) >>> 0 : b;
    const s = i * 8;
    if (s === 0) {
      hi ^= vHi;
      lo ^= vLo;
    } else if (s < 32) {
      hi ^= (vHi << s) | (vLo >>> (32 - s));
      lo ^= vLo << s;
    } else {
      hi ^= vLo << (s - 32);
    }
  }
  rHi = hi >>> 0;
  rLo = lo >>> 0;
}

const resultView = new DataView(new ArrayBuffer(8));

/** First 64 bits of Cassandra's MurmurHash3 x64/128 of `key`, as a signed 64-bit BigInt. */
export function murmur3Hash64(key: Uint8Array): bigint {
  const len = key.length;
  const nblocks = len >>> 4;
  let h1Hi = 0;
  let h1Lo = 0;
  let h2Hi = 0;
  let h2Lo = 0;
  for (let i = 0; i < nblocks; i++) {
    const o = i * 16;
    // Little-endian 64-bit words k1 (bytes o..o+7) and k2 (o+8..o+15).
    const k1Lo = (key[o]! | (key[o + 1]! << 8) | (key[o + 2]! << 16) | (key[o + 3]! << 24)) >>> 0;
    const k1Hi = (key[o + 4]! | (key[o + 5]! << 8) | (key[o + 6]! << 16) | (key[o + 7]! << 24)) >>> 0;
    const k2Lo = (key[o + 8]! | (key[o + 9]! << 8) | (key[o + 10]! << 16) | (key[o + 11]! << 24)) >>> 0;
    const k2Hi = (key[o + 12]! | (key[o + 13]! << 8) | (key[o + 14]! << 16) | (key[o + 15]! << 24)) >>> 0;
    mixK1(k1Hi, k1Lo);
    h1Hi = (h1Hi ^ rHi) >>> 0;
    h1Lo = (h1Lo ^ rLo) >>> 0;
    rotl64(h1Hi, h1Lo, 27);
    add64(rHi, rLo, h2Hi, h2Lo);
    mul64(rHi, rLo, 0, 5);
    add64(rHi, rLo, 0, 0x52dce729);
    h1Hi = rHi;
    h1Lo = rLo;
    mixK2(k2Hi, k2Lo);
    h2Hi = (h2Hi ^ rHi) >>> 0;
    h2Lo = (h2Lo ^ rLo) >>> 0;
    rotl64(h2Hi, h2Lo, 31);
    add64(rHi, rLo, h1Hi, h1Lo);
    mul64(rHi, rLo, 0, 5);
    add64(rHi, rLo, 0, 0x38495ab5);
    h2Hi = rHi;
    h2Lo = rLo;
  }
  const tail = nblocks * 16;
  const rest = len & 15;
  if (rest > 8) {
    tailWord(key, tail + 8, rest - 8);
    mixK2(rHi, rLo);
    h2Hi = (h2Hi ^ rHi) >>> 0;
    h2Lo = (h2Lo ^ rLo) >>> 0;
  }
  if (rest > 0) {
    tailWord(key, tail, Math.min(rest, 8));
    mixK1(rHi, rLo);
    h1Hi = (h1Hi ^ rHi) >>> 0;
    h1Lo = (h1Lo ^ rLo) >>> 0;
  }
  // len < 2^32: it only touches the low halves.
  h1Lo = (h1Lo ^ len) >>> 0;
  h2Lo = (h2Lo ^ len) >>> 0;
  add64(h1Hi, h1Lo, h2Hi, h2Lo);
  h1Hi = rHi;
  h1Lo = rLo;
  add64(h2Hi, h2Lo, h1Hi, h1Lo);
  h2Hi = rHi;
  h2Lo = rLo;
  fmix64(h1Hi, h1Lo);
  h1Hi = rHi;
  h1Lo = rLo;
  fmix64(h2Hi, h2Lo);
  add64(h1Hi, h1Lo, rHi, rLo);
  resultView.setUint32(0, rHi);
  resultView.setUint32(4, rLo);
  return resultView.getBigInt64(0);
}

/** (aHi:aLo + bHi:bLo) mod 2^64 into rHi:rLo. */
function add64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = aLo + bLo;
  rLo = lo >>> 0;
  rHi = (aHi + bHi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** k1 *= C1; k1 = rotl(k1, 31); k1 *= C2 — into rHi:rLo. */
function mixK1(hi: number, lo: number): void {
  mul64(hi, lo, C1_HI, C1_LO);
  rotl64(rHi, rLo, 31);
  mul64(rHi, rLo, C2_HI, C2_LO);
}

/** k2 *= C2; k2 = rotl(k2, 33); k2 *= C1 — into rHi:rLo. */
function mixK2(hi: number, lo: number): void {
  mul64(hi, lo, C2_HI, C2_LO);
  rotl64(rHi, rLo, 33);
  mul64(rHi, rLo, C1_HI, C1_LO);
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
