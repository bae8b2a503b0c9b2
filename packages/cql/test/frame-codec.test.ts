import { randomBytes } from 'node:crypto';
import {
  FRAME_HEADER_BYTES,
  Opcode,
  decodeFrameHeader,
  decodeStringMultimap,
  encodeErrorBody,
  encodeResponseFrame,
  encodeStringMultimap,
} from '../src';

function requestHeader(version: number, stream: number, opcode: number, bodyLength: number, flags = 0): Buffer {
  const b = Buffer.alloc(FRAME_HEADER_BYTES);
  b.writeUInt8(version, 0);
  b.writeUInt8(flags, 1);
  b.writeInt16BE(stream, 2);
  b.writeUInt8(opcode, 4);
  b.writeInt32BE(bodyLength, 5);
  return b;
}

describe('frame header codec', () => {
  test('decodes a request header', () => {
    expect(decodeFrameHeader(requestHeader(4, -2, Opcode.QUERY, 17, 0x02))).toEqual({
      version: 4,
      isResponse: false,
      flags: 0x02,
      stream: -2,
      opcode: Opcode.QUERY,
      bodyLength: 17,
    });
  });

  test('needs all nine bytes, at any offset', () => {
    const buf = Buffer.concat([Buffer.from([0xaa, 0xbb]), requestHeader(4, 7, Opcode.OPTIONS, 0)]);
    for (let cut = 0; cut < FRAME_HEADER_BYTES + 2; cut++) expect(decodeFrameHeader(buf.subarray(0, cut), 2)).toBeNull();
    expect(decodeFrameHeader(buf, 2)).toMatchObject({ version: 4, stream: 7, opcode: Opcode.OPTIONS });
  });

  test('rejects negative and oversize body lengths with a stable code', () => {
    expect(() => decodeFrameHeader(requestHeader(4, 0, Opcode.QUERY, -1))).toThrow(
      expect.objectContaining({ code: 'CQL_FRAME_TOO_LARGE' }) as Error,
    );
    expect(() => decodeFrameHeader(requestHeader(4, 0, Opcode.QUERY, 1025), 0, 1024)).toThrow(/outside the accepted range/);
  });

  test('a response round-trips through the decoder with the direction bit', () => {
    const body = encodeErrorBody(0x2200, 'bad');
    const frame = encodeResponseFrame({ version: 4, flags: 0, stream: 300, opcode: Opcode.ERROR, body });
    expect(decodeFrameHeader(frame)).toEqual({
      version: 4,
      isResponse: true,
      flags: 0,
      stream: 300,
      opcode: Opcode.ERROR,
      bodyLength: body.length,
    });
    expect(frame.readInt32BE(9)).toBe(0x2200);
    expect(frame.toString('utf8', 15)).toBe('bad');
  });

  test('any nine bytes decode to a header or a clean error', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(FRAME_HEADER_BYTES);
      try {
        const h = decodeFrameHeader(bytes);
        expect(h).not.toBeNull();
        expect(h!.bodyLength).toBeGreaterThanOrEqual(0);
      } catch (err) {
        expect(err).toMatchObject({ code: 'CQL_FRAME_TOO_LARGE' });
      }
    }
  });
});

describe('[string multimap]', () => {
  test('round-trips, including empty lists and non-ASCII text', () => {
    const map = new Map<string, string[]>([
      ['COMPRESSION', []],
      ['CQL_VERSION', ['3.4.7']],
      ['ключ', ['a', 'β', '']],
    ]);
    expect(decodeStringMultimap(encodeStringMultimap(map))).toEqual(map);
  });

  test('a truncated map is a clean error at every cut', () => {
    const bytes = encodeStringMultimap(new Map([['K', ['v1', 'v2']]]));
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => decodeStringMultimap(bytes.subarray(0, cut))).toThrow(
        expect.objectContaining({ code: 'CQL_MALFORMED_BODY' }) as Error,
      );
    }
  });
});
