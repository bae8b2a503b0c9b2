import { crc32c } from '@charybdis/core';
import { SSTableByteReader } from './sstable-byte-reader';
import { checkComponentFrame } from './component-frame';
import { SSTABLE_FORMAT_VERSION, SSTableMagic } from './sstable-format';

const MAX_HASHES = 16;
const MIN_BITS = 64;
/** Refuse absurd sizes from a corrupt header before allocating (2^36 bits = 8 GiB). */
const MAX_BITS = 2 ** 36;
const HEADER_BYTES = 24;

/**
 * The Filter component: a bloom filter over the partitions' tokens. A token is the
 * Murmur3 hash of the partition key, so it is used as the key's hash directly (no second
 * hashing of the key): its two 32-bit halves drive Kirsch–Mitzenmacher double hashing,
 * bit_i = (h1 + i·h2) mod m. Sized for BLOOM_FALSE_POSITIVE_CHANCE at the actual count:
 * m = -n·ln p / ln²2 bits, k = round(m/n · ln 2) hashes (p = 1% → 9.6 bits and 7 hashes
 * per key). Immutable once built.
 */
export class BloomFilter {
  private constructor(
    private readonly words: Uint32Array,
    readonly bitCount: number,
    readonly hashCount: number,
  ) {}

  /** A filter holding `tokens[0..count)`, sized for `falsePositiveChance`. */
  static build(tokens: BigInt64Array, count: number, falsePositiveChance: number): BloomFilter {
    const n = Math.max(1, count);
    const bits = Math.min(MAX_BITS, Math.max(MIN_BITS, Math.ceil((-n * Math.log(falsePositiveChance)) / (Math.LN2 * Math.LN2))));
    const hashes = Math.min(MAX_HASHES, Math.max(1, Math.round((bits / n) * Math.LN2)));
    const filter = new BloomFilter(new Uint32Array(Math.ceil(bits / 32)), bits, hashes);
    // The two 32-bit halves of each token read straight from its bytes (little-endian on
    // every platform Node.js supports here): no BigInt arithmetic per key.
    const halves = new Uint32Array(tokens.buffer, tokens.byteOffset, count * 2);
    for (let i = 0; i < count; i++) filter.add(halves[2 * i]!, halves[2 * i + 1]! || 0x9e3779b9);
    return filter;
  }

  private add(h1: number, h2: number): void {
    for (let i = 0; i < this.hashCount; i++) {
      const bit = (h1 + i * h2) % this.bitCount;
      this.words[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  /** False when the token's key was certainly not added. */
  mayContain(token: bigint): boolean {
    const h1 = Number(BigInt.asUintN(32, token));
    const h2 = Number(BigInt.asUintN(32, token >> 32n)) || 0x9e3779b9;
    for (let i = 0; i < this.hashCount; i++) {
      const bit = (h1 + i * h2) % this.bitCount;
      if ((this.words[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** The component: u32 magic, u32 version, u32 hashes, u32 0, u64 bits, the words (u32 LE each), u32 crc32c of all before. */
  encode(): Buffer {
    const out = Buffer.allocUnsafe(HEADER_BYTES + this.words.length * 4 + 4);
    out.writeUInt32LE(SSTableMagic.Filter, 0);
    out.writeUInt32LE(SSTABLE_FORMAT_VERSION, 4);
    out.writeUInt32LE(this.hashCount, 8);
    out.writeUInt32LE(0, 12);
    out.writeBigUInt64LE(BigInt(this.bitCount), 16);
    for (let i = 0; i < this.words.length; i++) out.writeUInt32LE(this.words[i]!, HEADER_BYTES + 4 * i);
    const end = out.length - 4;
    out.writeUInt32LE(crc32c(out.subarray(0, end)), end);
    return out;
  }

  /** Decodes (and checks) a Filter component read from `path`. */
  static decode(bytes: Buffer, path: string): BloomFilter {
    checkComponentFrame(bytes, path, SSTableMagic.Filter, HEADER_BYTES + 4);
    const r = new SSTableByteReader(bytes, path, 0, 8, bytes.length - 4);
    const hashes = r.u32('hash count');
    r.u32('reserved');
    const bits = r.u64('bit count');
    if (hashes < 1 || hashes > MAX_HASHES || bits < MIN_BITS || bits > MAX_BITS) throw r.corrupt(`bad filter shape: ${hashes} hashes, ${bits} bits`);
    const wordCount = Math.ceil(bits / 32);
    if (r.remaining !== wordCount * 4) throw r.corrupt(`${r.remaining} bytes of filter words for ${bits} bits`);
    const words = new Uint32Array(wordCount);
    for (let i = 0; i < wordCount; i++) words[i] = bytes.readUInt32LE(HEADER_BYTES + 4 * i);
    return new BloomFilter(words, bits, hashes);
  }
}
