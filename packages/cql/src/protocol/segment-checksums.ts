import zlib from 'node:zlib';

/** Initial value of the v5 segment header CRC24. */
export const CRC24_INIT = 0x875060;
/** Polynomial of the v5 segment header CRC24 (with its x^24 bit). */
export const CRC24_POLY = 0x1974f0b;
/** The bytes the v5 payload CRC32 is primed with (its "seed"). */
export const CRC32_SEED_BYTES: readonly number[] = [0xfa, 0x2d, 0x55, 0xca];

/**
 * CRC24 of a segment header: `length` bytes of `bytes` from `offset`, taken in wire order
 * (the header is little-endian, so its least significant byte comes first).
 */
export function crc24(bytes: Uint8Array, offset: number, length: number): number {
  let crc = CRC24_INIT;
  for (let i = 0; i < length; i++) {
    crc ^= bytes[offset + i]! << 16;
    for (let bit = 0; bit < 8; bit++) {
      crc <<= 1;
      if ((crc & 0x1000000) !== 0) crc ^= CRC24_POLY;
    }
  }
  return crc & 0xffffff;
}

type Crc32 = (data: Uint8Array, value?: number) => number;

/** zlib's CRC-32 (IEEE), native in Node ≥ 20.15; a table-driven fallback before that. */
const zlibCrc32: Crc32 = (zlib as unknown as { crc32?: Crc32 }).crc32 ?? tableCrc32;

function makeCrc32Table(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const CRC32_TABLE = makeCrc32Table();

function tableCrc32(data: Uint8Array, value = 0): number {
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC32_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** The CRC32 state after the seed bytes: every payload CRC continues from it. */
const CRC32_SEEDED = zlibCrc32(Uint8Array.from(CRC32_SEED_BYTES));

/** CRC32 of a segment payload (zlib CRC-32 continued from the seed bytes). */
export function segmentCrc32(payload: Uint8Array): number {
  return zlibCrc32(payload, CRC32_SEEDED) >>> 0;
}
