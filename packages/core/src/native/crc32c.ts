import { nativeBinding } from './native-addon';

const POLY_REFLECTED = 0x82f63b78;

/** Slicing-by-8 tables for CRC-32C, built once (immutable after construction). */
const TABLES: Uint32Array[] = (() => {
  const t: Uint32Array[] = Array.from({ length: 8 }, () => new Uint32Array(256));
  const t0 = t[0]!;
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
    t0[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 8; s++) {
      const prev = t[s - 1]![i]!;
      t[s]![i] = ((prev >>> 8) ^ t0[prev & 0xff]!) >>> 0;
    }
  }
  return t;
})();

/**
 * CRC-32C (Castagnoli) in pure TypeScript, continuing from `seed` (the CRC of the bytes
 * before `data`, 0 to start). Same results as the native function; about an order of
 * magnitude slower on large inputs.
 */
export function crc32cFallback(data: Uint8Array, seed = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [
    Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array,
  ];
  let crc = ~seed >>> 0;
  let i = 0;
  const len = data.length;
  const end8 = len - (len % 8);
  while (i < end8) {
    const lo = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) ^ crc;
    const hi = data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24);
    crc =
      t7[lo & 0xff]! ^ t6[(lo >>> 8) & 0xff]! ^ t5[(lo >>> 16) & 0xff]! ^ t4[lo >>> 24]! ^
      t3[hi & 0xff]! ^ t2[(hi >>> 8) & 0xff]! ^ t1[(hi >>> 16) & 0xff]! ^ t0[hi >>> 24]!;
    i += 8;
  }
  while (i < len) crc = (crc >>> 8) ^ t0[(crc ^ data[i++]!) & 0xff]!;
  return ~crc >>> 0;
}

/**
 * CRC-32C (Castagnoli) of `data`, continuing from `seed` (0 to start), as an unsigned
 * 32-bit number. Uses the addon (SSE4.2 where the CPU has it) when loaded, else
 * {@link crc32cFallback}.
 */
export function crc32c(data: Uint8Array, seed = 0): number {
  const native = nativeBinding();
  return native !== null ? native.crc32c(data, seed >>> 0) >>> 0 : crc32cFallback(data, seed);
}
