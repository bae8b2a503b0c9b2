import { randomBytes } from 'node:crypto';
import { crc32c, crc32cFallback, nativeStatus } from '../src';

// Published CRC-32C check values (RFC 3720 appendix B.4 and the common "123456789" check).
const vectors: Array<[string, Uint8Array, number]> = [
  ['"123456789"', Buffer.from('123456789'), 0xe3069283],
  ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
  ['32 bytes of 0xff', new Uint8Array(32).fill(0xff), 0x62a8ab43],
  ['bytes 0..31', Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
  ['bytes 31..0', Uint8Array.from({ length: 32 }, (_, i) => 31 - i), 0x113fdb5c],
  ['empty', new Uint8Array(0), 0],
];

describe('crc32c', () => {
  test.each(vectors)('fallback gives the check value for %s', (_name, data, expected) => {
    expect(crc32cFallback(data)).toBe(expected);
  });

  test.each(vectors)('facade gives the check value for %s', (_name, data, expected) => {
    expect(crc32c(data)).toBe(expected);
  });

  test('a seed continues a checksum across chunks', () => {
    const data = randomBytes(1000);
    for (const cut of [0, 1, 7, 8, 9, 500, 999, 1000]) {
      const first = crc32c(data.subarray(0, cut));
      expect(crc32c(data.subarray(cut), first)).toBe(crc32c(data));
      expect(crc32cFallback(data.subarray(cut), crc32cFallback(data.subarray(0, cut)))).toBe(crc32cFallback(data));
    }
  });

  test('works on a view into a larger buffer', () => {
    const big = randomBytes(4096);
    const view = big.subarray(13, 13 + 1000);
    expect(crc32c(view)).toBe(crc32cFallback(Uint8Array.from(view)));
  });
});

const describeNative = nativeStatus().kind === 'native' ? describe : describe.skip;
if (nativeStatus().kind !== 'native') {
  console.warn(`native addon not loaded (${nativeStatus().reason}); native-vs-fallback tests skipped`);
}

describeNative('crc32c native vs fallback', () => {
  test('identical on random inputs of every length up to 300 bytes and on large ones', () => {
    for (let len = 0; len <= 300; len++) {
      const data = randomBytes(len);
      const seed = randomBytes(4).readUInt32LE(0);
      expect([len, crc32c(data, seed)]).toEqual([len, crc32cFallback(data, seed)]);
    }
    for (const len of [4096, 65536 + 3, 1 << 20]) {
      const data = randomBytes(len);
      expect(crc32c(data)).toBe(crc32cFallback(data));
    }
  });
});
