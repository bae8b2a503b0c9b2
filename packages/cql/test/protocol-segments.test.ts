import zlib from 'node:zlib';
import { Opcode } from '../src/protocol/opcodes';
import { encodeResponse, ResponseWriter } from '../src/protocol/response-writer';
import { crc24, segmentCrc32 } from '../src/protocol/segment-checksums';
import { SegmentDecoder } from '../src/protocol/segment-decoder';
import { MAX_SEGMENT_PAYLOAD_BYTES, SegmentEncoder } from '../src/protocol/segment-encoder';
import { SegmentedFrameDecoder } from '../src/protocol/segmented-frame-decoder';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s|]/g, ''), 'hex');
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randomBytes = (rand: () => number, n: number): Buffer => {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
};

/**
 * An independent CRC24 written straight from the specification's description: the header
 * as one little-endian integer, consumed a byte at a time from its low end (BigInt, so the
 * 40-bit compressed header works without byte arrays).
 */
function referenceCrc24(headerValue: bigint, lengthBytes: number): number {
  let crc = 0x875060n;
  for (let i = 0; i < lengthBytes; i++) {
    crc ^= (headerValue & 0xffn) << 16n;
    headerValue >>= 8n;
    for (let b = 0; b < 8; b++) {
      crc <<= 1n;
      if ((crc & 0x1000000n) !== 0n) crc ^= 0x1974f0bn;
    }
  }
  return Number(crc);
}

function leBytes(value: bigint, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return b;
}

/** A request-like frame with a body of `n` bytes (frames are opaque to the segment layer). */
function frame(stream: number, body: Buffer): Buffer {
  const h = Buffer.alloc(9);
  h[0] = 5;
  h.writeInt16BE(stream, 2);
  h[4] = Opcode.QUERY;
  h.writeInt32BE(body.length, 5);
  return Buffer.concat([h, body]);
}

describe('v5 checksums', () => {
  test('CRC24 known vectors (computed with the algorithm of the specification)', () => {
    expect(crc24(hex('030002'), 0, 3)).toBe(0x7c9642); // 3-byte payload, self-contained
    expect(crc24(hex('000000'), 0, 3)).toBe(0x7de777);
    // 5-byte compressed header: compressed 3, uncompressed 5, self-contained.
    expect(crc24(leBytes(3n | (5n << 17n) | (1n << 34n), 5), 0, 5)).toBe(0x3e7c91);
  });

  test('CRC24 agrees with an independent implementation on random headers (seeded)', () => {
    const rand = prng(1);
    for (let i = 0; i < 500; i++) {
      const n = rand() < 0.5 ? 3 : 5;
      const value = BigInt(Math.floor(rand() * 2 ** 32)) | (BigInt(Math.floor(rand() * 256)) << 32n);
      const masked = value & ((1n << BigInt(8 * n)) - 1n);
      expect(crc24(leBytes(masked, n), 0, n)).toBe(referenceCrc24(masked, n));
    }
  });

  test('CRC32 is zlib crc32 continued from the seed bytes fa 2d 55 ca', () => {
    expect(segmentCrc32(Buffer.alloc(0))).toBe(0x44777ed3);
    expect(segmentCrc32(Buffer.from('abc'))).toBe(0xc5367a08);
    const rand = prng(2);
    for (let i = 0; i < 50; i++) {
      const data = randomBytes(rand, Math.floor(rand() * 1000));
      expect(segmentCrc32(data)).toBe(zlib.crc32(Buffer.concat([hex('fa2d55ca'), data])));
    }
  });
});

describe('v5 segments', () => {
  test('an uncompressed self-contained segment, byte by byte', () => {
    const payload = frame(1, hex('abcdef'));
    const encoded = new SegmentEncoder().encode(payload);
    const header = leBytes(BigInt(payload.length) | (1n << 17n), 3);
    const crc = leBytes(BigInt(referenceCrc24(BigInt(payload.length) | (1n << 17n), 3)), 3);
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32LE(zlib.crc32(Buffer.concat([hex('fa2d55ca'), payload])), 0);
    expect(encoded).toEqual(Buffer.concat([header, crc, payload, trailer]));
  });

  test.each([null, 'lz4'] as const)('compression %s: many frames pack into self-contained segments; large ones span segments', (compression) => {
    const rand = prng(compression === null ? 3 : 4);
    const frames: Buffer[] = [];
    for (let i = 0; i < 60; i++) {
      // Mostly small frames, a few over 128 KiB; compressible text half the time.
      const size = rand() < 0.05 ? 140_000 + Math.floor(rand() * 200_000) : Math.floor(rand() * 5000);
      const body = rand() < 0.5 ? Buffer.from('row data '.repeat(Math.ceil(size / 9)).slice(0, size)) : randomBytes(rand, size);
      frames.push(frame(i, body));
    }
    frames.push(frame(99, randomBytes(rand, 300_000)));
    const wire = new SegmentEncoder(compression).encode(Buffer.concat(frames));

    // The segment layer alone: self-contained segments hold whole frames, no payload is over the limit.
    const segments = new SegmentDecoder(compression);
    segments.push(wire);
    let selfContained = 0;
    let spanning = 0;
    for (let s = segments.next(); s !== null; s = segments.next()) {
      expect(s.payload.length).toBeLessThanOrEqual(MAX_SEGMENT_PAYLOAD_BYTES);
      if (s.selfContained) selfContained++;
      else spanning++;
    }
    expect(selfContained).toBeLessThan(frames.length / 3);
    expect(spanning).toBeGreaterThanOrEqual(3);

    // Random chunking through the whole v5 inbound path gives the frames back.
    for (let trial = 0; trial < 5; trial++) {
      const d = new SegmentedFrameDecoder(compression);
      const out: Buffer[] = [];
      for (let pos = 0; pos < wire.length; ) {
        const n = 1 + Math.floor(rand() * 70_000);
        d.push(wire.subarray(pos, pos + n));
        pos += n;
        for (let f = d.next(); f !== null; f = d.next()) {
          expect(f.header.stream).toBe(frames[out.length]!.readInt16BE(2));
          out.push(Buffer.from(f.body));
        }
      }
      // Buffer.equals: jest's deep equality walks megabytes byte by byte.
      expect(out.length).toBe(frames.length);
      expect(out.every((body, i) => body.equals(frames[i]!.subarray(9)))).toBe(true);
      expect(d.bufferedBytes).toBe(0);
    }
  });

  test('lz4 segments really compress, and incompressible ones go out as is (uncompressed length 0)', () => {
    const text = frame(1, Buffer.from('abc'.repeat(10_000)));
    const wire = new SegmentEncoder('lz4').encode(text);
    expect(wire.length).toBeLessThan(text.length / 10);
    const uncompressedLength = (wire[2]! >> 1) | (wire[3]! << 7) | ((wire[4]! & 3) << 15);
    expect(uncompressedLength).toBe(text.length);
    const noise = frame(2, randomBytes(prng(5), 1000));
    const raw = new SegmentEncoder('lz4').encode(noise);
    expect((raw[2]! >> 1) | (raw[3]! << 7)).toBe(0);
    expect(raw.subarray(8, 8 + noise.length)).toEqual(noise);
  });

  test('response frames from a ResponseWriter go into segments in one write', () => {
    const w = new ResponseWriter();
    for (let i = 0; i < 10; i++) w.writeResponse({ version: 5, stream: i }, { kind: 'result', result: { kind: 'void' } });
    const frames = w.take();
    const wire = new SegmentEncoder().encode(frames);
    expect(wire.length).toBe(frames.length + 10); // one self-contained segment
    const d = new SegmentDecoder();
    d.push(wire);
    expect(d.next()).toEqual({ payload: frames, selfContained: true });
    expect(() => new SegmentEncoder().encode(frames.subarray(0, frames.length - 1))).toThrow(/incomplete frame at offset 117/);
  });

  test('a flipped bit in a header or a payload is a CRC error, and the decoder stays failed', () => {
    const wire = new SegmentEncoder().encode(Buffer.concat([frame(1, hex('0102')), frame(2, hex('03'))]));
    for (let i = 0; i < wire.length; i++) {
      const bad = Buffer.from(wire);
      bad[i]! ^= 0x10;
      const d = new SegmentedFrameDecoder(null);
      d.push(bad);
      let caught: unknown;
      try {
        while (d.next() !== null);
      } catch (err) {
        caught = err;
      }
      // A corrupted length can also leave the decoder waiting for bytes that never come.
      if (caught === undefined) {
        expect(d.bufferedBytes).toBeGreaterThan(0);
        continue;
      }
      expect(caught).toMatchObject({ code: 'CQL_SEGMENT_CRC' });
      expect((caught as Error).message).toMatch(/v5 segment (header CRC24|payload CRC32) mismatch .*the stream is corrupt/);
    }
    const d = new SegmentDecoder();
    const bad = Buffer.from(wire);
    bad[10]! ^= 1;
    d.push(bad);
    expect(() => d.next()).toThrow(/payload CRC32 mismatch/);
    expect(() => d.next()).toThrow(/payload CRC32 mismatch/);
  });

  test('a self-contained segment that ends inside a frame is a protocol error', () => {
    const f = frame(1, hex('010203'));
    const seg1 = new SegmentEncoder().encode(f); // valid, then hand-build a truncated one
    const partial = f.subarray(0, 5);
    const header = leBytes(BigInt(partial.length) | (1n << 17n), 3);
    const crc = leBytes(BigInt(referenceCrc24(BigInt(partial.length) | (1n << 17n), 3)), 3);
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32LE(segmentCrc32(partial), 0);
    const d = new SegmentedFrameDecoder(null);
    d.push(Buffer.concat([header, crc, partial, trailer, seg1]));
    expect(() => {
      while (d.next() !== null);
    }).toThrow(/self-contained v5 segment ended inside a frame/);
  });

  test('random input to the segment decoders is data or a clean error (seeded)', () => {
    const rand = prng(6);
    for (let i = 0; i < 3000; i++) {
      const compression = i % 2 === 0 ? null : ('lz4' as const);
      const d = new SegmentedFrameDecoder(compression);
      d.push(randomBytes(rand, Math.floor(rand() * 200)));
      try {
        while (d.next() !== null);
      } catch (err) {
        expect(['CQL_SEGMENT_CRC', 'CQL_PROTOCOL', 'CQL_FRAME_TOO_LARGE', 'CQL_UNSUPPORTED_VERSION']).toContain((err as { code: string }).code);
      }
    }
  });

  test('a malformed lz4 payload with valid CRCs is a CQL_PROTOCOL error', () => {
    const payload = hex('ffffffffffff');
    const value = BigInt(payload.length) | (100n << 17n) | (1n << 34n);
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32LE(segmentCrc32(payload), 0);
    const d = new SegmentDecoder('lz4');
    d.push(Buffer.concat([leBytes(value, 5), leBytes(BigInt(referenceCrc24(value, 5)), 3), payload, trailer]));
    expect(() => d.next()).toThrow(expect.objectContaining({ code: 'CQL_PROTOCOL' }) as Error);
    expect(encodeResponse({ version: 5, stream: 0 }, { kind: 'ready' }).length).toBe(9);
  });
});
