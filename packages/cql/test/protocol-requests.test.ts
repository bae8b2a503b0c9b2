import { BodyWriter } from '../src/protocol/body-writer';
import { FrameDecoder } from '../src/protocol/frame-decoder';
import { FrameReader, UNSET_VALUE } from '../src/protocol/frame-reader';
import { Consistency, Opcode } from '../src/protocol/opcodes';
import {
  encodeUnsupportedVersionError,
  supportedVersionsDescription,
  unsupportedVersionMessage,
} from '../src/protocol/protocol-version';
import { decodeRequest, type RequestHeader } from '../src/protocol/request-decoder';
import { negotiateStartup } from '../src/protocol/startup-options';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s|]/g, ''), 'hex');
const str = (s: string): string => {
  const b = Buffer.from(s, 'utf8');
  return b.length.toString(16).padStart(4, '0') + b.toString('hex');
};
const lstr = (s: string): string => {
  const b = Buffer.from(s, 'utf8');
  return b.length.toString(16).padStart(8, '0') + b.toString('hex');
};
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
const randomBytes = (rand: () => number, n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
const header = (opcode: number, version = 4, flags = 0, stream = 1): RequestHeader => ({ version, flags, stream, opcode });

// Request bodies written byte by byte from the specification's layouts.
const STARTUP_BODY = `0001 ${str('CQL_VERSION')} ${str('3.0.0')}`;
/** QUERY v4: consistency ONE, flags values|page_size|paging_state|timestamp, values [0xabcd, null, unset]. */
const QUERY_V4_BODY =
  `${lstr('SELECT ?')} 0001 2d | 0003 00000002abcd ffffffff fffffffe | 00001388 | 00000003 010203 | 0000000000003039`;
/** The same in v5: the flags are an [int], plus keyspace (0x80) and now_in_seconds (0x100). */
const QUERY_V5_BODY =
  `${lstr('SELECT ?')} 0001 000001ad | 0003 00000002abcd ffffffff fffffffe | 00001388 | 00000003 010203 | 0000000000003039 | ${str('ks')} | 00000064`;
const NAMED_QUERY_BODY = `${lstr('INSERT :a')} 0006 41 | 0001 ${str('a')} 00000001 07`;
const EXECUTE_V4_BODY = `0002 cafe | 0004 30 | 0008 | 0000000000000001`;
const EXECUTE_V5_BODY = `0002 cafe | 0001 aa | 0004 00000010 | 0008`;
const PREPARE_V5_BODY = `${lstr('SELECT 1')} 00000001 ${str('ks')}`;
const BATCH_V4_BODY =
  `01 0002 | 00 ${lstr('INSERT 1')} 0001 00000001 01 | 01 0002 beef 0002 ffffffff fffffffe | 0004 30 | 0009 | 0000000000000007`;
const BATCH_V5_BODY = `00 0001 | 01 0001 aa 0000 | 0001 00000080 ${str('ks')}`;
const REGISTER_BODY = `0002 ${str('TOPOLOGY_CHANGE')} ${str('SCHEMA_CHANGE')}`;

const VECTORS: [string, RequestHeader, string][] = [
  ['STARTUP', header(Opcode.STARTUP), STARTUP_BODY],
  ['AUTH_RESPONSE', header(Opcode.AUTH_RESPONSE), '00000005 0075007000'],
  ['QUERY v4', header(Opcode.QUERY), QUERY_V4_BODY],
  ['QUERY v5', header(Opcode.QUERY, 5), QUERY_V5_BODY],
  ['QUERY named', header(Opcode.QUERY), NAMED_QUERY_BODY],
  ['PREPARE v4', header(Opcode.PREPARE), lstr('SELECT 1')],
  ['PREPARE v5', header(Opcode.PREPARE, 5), PREPARE_V5_BODY],
  ['EXECUTE v4', header(Opcode.EXECUTE), EXECUTE_V4_BODY],
  ['EXECUTE v5', header(Opcode.EXECUTE, 5), EXECUTE_V5_BODY],
  ['BATCH v4', header(Opcode.BATCH), BATCH_V4_BODY],
  ['BATCH v5', header(Opcode.BATCH, 5), BATCH_V5_BODY],
  ['REGISTER', header(Opcode.REGISTER), REGISTER_BODY],
  ['QUERY with custom payload', header(Opcode.QUERY, 4, 0x04), `0001 ${str('k')} 00000001 ff ${lstr('X')} 0001 00`],
];

describe('request decoding against hand-built bodies', () => {
  test('STARTUP is a string map', () => {
    const r = decodeRequest(header(Opcode.STARTUP), hex(STARTUP_BODY));
    expect(r).toEqual({ kind: 'startup', options: new Map([['CQL_VERSION', '3.0.0']]) });
  });

  test('QUERY v4 with values, null, unset, page size, paging state and timestamp', () => {
    const body = hex(QUERY_V4_BODY);
    const r = decodeRequest(header(Opcode.QUERY), body);
    if (r.kind !== 'query') throw new Error(r.kind);
    expect(r.query).toBe('SELECT ?');
    expect(r.params).toMatchObject({
      consistency: Consistency.ONE,
      flags: 0x2d,
      names: null,
      skipMetadata: false,
      pageSize: 5000,
      serialConsistency: null,
      timestamp: 12345n,
      keyspace: null,
      nowInSeconds: null,
    });
    expect(r.params.values).toEqual([hex('abcd'), null, UNSET_VALUE]);
    expect(r.params.pagingState).toEqual(hex('010203'));
    // Values are views of the frame body, not copies.
    expect((r.params.values![0] as Buffer).buffer).toBe(body.buffer);
  });

  test('QUERY v5 reads [int] flags, keyspace and now_in_seconds', () => {
    const r = decodeRequest(header(Opcode.QUERY, 5), hex(QUERY_V5_BODY));
    if (r.kind !== 'query') throw new Error(r.kind);
    expect(r.params).toMatchObject({ flags: 0x1ad, keyspace: 'ks', nowInSeconds: 100, timestamp: 12345n, pageSize: 5000 });
  });

  test('QUERY with named values', () => {
    const r = decodeRequest(header(Opcode.QUERY), hex(NAMED_QUERY_BODY));
    if (r.kind !== 'query') throw new Error(r.kind);
    expect(r.params.consistency).toBe(Consistency.LOCAL_QUORUM);
    expect(r.params.names).toEqual(['a']);
    expect(r.params.values).toEqual([hex('07')]);
  });

  test('EXECUTE v4 and v5 (result_metadata_id)', () => {
    const v4 = decodeRequest(header(Opcode.EXECUTE), hex(EXECUTE_V4_BODY));
    expect(v4).toMatchObject({ kind: 'execute', id: hex('cafe'), resultMetadataId: null });
    if (v4.kind !== 'execute') throw new Error(v4.kind);
    expect(v4.params).toMatchObject({ consistency: Consistency.QUORUM, serialConsistency: Consistency.SERIAL, timestamp: 1n });
    const v5 = decodeRequest(header(Opcode.EXECUTE, 5), hex(EXECUTE_V5_BODY));
    expect(v5).toMatchObject({ kind: 'execute', id: hex('cafe'), resultMetadataId: hex('aa') });
  });

  test('PREPARE v4 is only the query; v5 adds flags and keyspace', () => {
    expect(decodeRequest(header(Opcode.PREPARE), hex(lstr('SELECT 1')))).toMatchObject({ query: 'SELECT 1', keyspace: null });
    expect(decodeRequest(header(Opcode.PREPARE, 5), hex(PREPARE_V5_BODY))).toMatchObject({ query: 'SELECT 1', keyspace: 'ks' });
  });

  test('BATCH with a query string and a prepared id, serial consistency and timestamp', () => {
    const r = decodeRequest(header(Opcode.BATCH), hex(BATCH_V4_BODY));
    expect(r).toMatchObject({
      kind: 'batch',
      batchType: 1,
      consistency: Consistency.QUORUM,
      serialConsistency: Consistency.LOCAL_SERIAL,
      timestamp: 7n,
      keyspace: null,
    });
    if (r.kind !== 'batch') throw new Error(r.kind);
    expect(r.entries).toEqual([
      { query: 'INSERT 1', id: null, values: [hex('01')] },
      { query: null, id: hex('beef'), values: [null, UNSET_VALUE] },
    ]);
    expect(decodeRequest(header(Opcode.BATCH, 5), hex(BATCH_V5_BODY))).toMatchObject({ batchType: 0, keyspace: 'ks' });
  });

  test('REGISTER, OPTIONS and AUTH_RESPONSE', () => {
    expect(decodeRequest(header(Opcode.REGISTER), hex(REGISTER_BODY))).toEqual({
      kind: 'register',
      events: ['TOPOLOGY_CHANGE', 'SCHEMA_CHANGE'],
    });
    expect(decodeRequest(header(Opcode.OPTIONS), Buffer.alloc(0))).toEqual({ kind: 'options' });
    expect(decodeRequest(header(Opcode.AUTH_RESPONSE), hex('00000005 0075007000'))).toEqual({
      kind: 'authResponse',
      token: Buffer.from('\0u\0p\0'.slice(0, 5)),
    });
  });

  test('custom payload precedes the message when the flag is set', () => {
    const r = decodeRequest(header(Opcode.QUERY, 4, 0x04), hex(`0001 ${str('k')} 00000001 ff ${lstr('X')} 0001 00`));
    expect(r).toMatchObject({ kind: 'query', query: 'X', customPayload: new Map([['k', hex('ff')]]) });
  });

  test.each(VECTORS)('%s: every truncation is a CQL_PROTOCOL error naming the message', (name, h, body) => {
    const full = hex(body);
    for (let cut = 0; cut < full.length; cut++) {
      let caught: unknown;
      try {
        decodeRequest(h, full.subarray(0, cut));
      } catch (err) {
        caught = err;
      }
      expect(caught).toMatchObject({ code: 'CQL_PROTOCOL', stream: h.stream });
      expect((caught as Error).message).toMatch(/^malformed [A-Z_]+ body: /);
    }
    // And trailing garbage is refused too.
    expect(() => decodeRequest(h, Buffer.concat([full, hex('00')]))).toThrow(/unexpected trailing bytes/);
  });

  test('bad lengths, levels, kinds and opcodes are rejected with the field named', () => {
    const cases: [RequestHeader, string, RegExp][] = [
      [header(Opcode.QUERY), `${lstr('Q')} 0011 00`, /consistency.*unknown consistency level code 0x0011/],
      [header(Opcode.QUERY), `fffffff0`, /query.*negative \[long string\] length/],
      [header(Opcode.QUERY), `${lstr('Q')} 0001 01 0001 fffffffd`, /value.*invalid \[value\] length -3/],
      [header(Opcode.QUERY, 3), `${lstr('Q')} 0001 01 0001 fffffffe`, /invalid \[value\] length -2/],
      [header(Opcode.QUERY), `${lstr('Q')} 0001 01 ffff`, /values count.*needs 262140 bytes/],
      [header(Opcode.BATCH), `03 0000 0001 00`, /batch type.*not 3/],
      [header(Opcode.BATCH), `00 0001 02 0000 0000`, /batch entry kind.*not 2/],
      [header(Opcode.BATCH), `00 0000 0001 40`, /named values are not supported in BATCH/],
      [header(Opcode.BATCH), `00 0000 0001 01`, /BATCH does not take flags 0x1/],
      [header(Opcode.REGISTER), `0001 ${str('NOPE')}`, /unknown event type 'NOPE'/],
      [header(Opcode.READY), ``, /0x02 is not a request opcode/],
    ];
    for (const [h, body, message] of cases) {
      expect(() => decodeRequest(h, hex(body))).toThrow(message);
    }
  });

  test('random bodies never throw anything but CQL_PROTOCOL (seeded)', () => {
    const rand = prng(42);
    const opcodes = [Opcode.STARTUP, Opcode.QUERY, Opcode.PREPARE, Opcode.EXECUTE, Opcode.BATCH, Opcode.REGISTER, Opcode.AUTH_RESPONSE];
    let decoded = 0;
    for (let i = 0; i < 6000; i++) {
      const h = header(opcodes[i % opcodes.length]!, 3 + (i % 3), Math.floor(rand() * 16));
      // Mutate a valid body half of the time so the decoder gets past the first fields.
      const vector = VECTORS[Math.floor(rand() * VECTORS.length)]!;
      const body = rand() < 0.5 ? randomBytes(rand, Math.floor(rand() * 64)) : hex(vector[2]);
      if (body.length > 0 && rand() < 0.5) body[Math.floor(rand() * body.length)] = Math.floor(rand() * 256);
      try {
        decodeRequest(h, body);
        decoded++;
      } catch (err) {
        expect(err).toMatchObject({ code: 'CQL_PROTOCOL' });
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});

describe('primitive notations', () => {
  test('each reader reads what the matching writer wrote', () => {
    const w = new BodyWriter(16);
    w.writeByte(0xfe);
    w.writeShort(0xfffe);
    w.writeInt(-5);
    w.writeLong(-(2n ** 63n));
    w.writeString('héllo');
    w.writeLongString('long');
    w.writeUuid(hex('00112233445566778899aabbccddeeff'));
    w.writeStringList(['a', '']);
    w.writeBytes(null);
    w.writeValue(UNSET_VALUE);
    w.writeShortBytes(hex('0102'));
    w.writeInet({ address: hex('7f000001'), port: 9042 });
    w.writeInetAddr(hex('00000000000000000000000000000001'));
    w.writeStringMap(new Map([['k', 'v']]));
    w.writeStringMultimap(new Map([['k', ['v1', 'v2']]]));
    w.writeBytesMap(new Map([['k', hex('ff')], ['n', null]]));
    const r = new FrameReader(w.take(), 'TEST');
    expect(r.readByte('a')).toBe(0xfe);
    expect(r.readShort('a')).toBe(0xfffe);
    expect(r.readInt('a')).toBe(-5);
    expect(r.readLong('a')).toBe(-(2n ** 63n));
    expect(r.readString('a')).toBe('héllo');
    expect(r.readLongString('a')).toBe('long');
    expect(r.readUuid('a')).toEqual(hex('00112233445566778899aabbccddeeff'));
    expect(r.readStringList('a')).toEqual(['a', '']);
    expect(r.readBytes('a')).toBeNull();
    expect(r.readValue('a')).toBe(UNSET_VALUE);
    expect(r.readShortBytes('a')).toEqual(hex('0102'));
    expect(r.readInet('a')).toEqual({ address: hex('7f000001'), port: 9042 });
    expect(r.readInetAddr('a')).toEqual(hex('00000000000000000000000000000001'));
    expect(r.readStringMap('a')).toEqual(new Map([['k', 'v']]));
    expect(r.readStringMultimap('a')).toEqual(new Map([['k', ['v1', 'v2']]]));
    expect(r.readBytesMap('a')).toEqual(new Map([['k', hex('ff')], ['n', null]]));
    r.expectEnd();
  });

  test('[unsigned vint] matches the specification example and round-trips at every size', () => {
    const w = new BodyWriter();
    w.writeUnsignedVint(256000n);
    expect(w.take()).toEqual(hex('c3e800')); // [110]00011 11101000 00000000
    const samples = [0n, 1n, 127n, 128n, 16383n, 16384n, 2n ** 56n - 1n, 2n ** 56n, 2n ** 64n - 1n];
    for (const v of samples) w.writeUnsignedVint(v);
    const signed = [0n, -1n, 1n, -2n, 2n ** 63n - 1n, -(2n ** 63n)];
    for (const v of signed) w.writeVint(v);
    const bytes = w.take();
    const r = new FrameReader(bytes, 'TEST');
    for (const v of samples) expect(r.readUnsignedVint('u')).toBe(v);
    for (const v of signed) expect(r.readVint('s')).toBe(v);
    r.expectEnd();
    // Zig-zag: -1 → 1, 1 → 2.
    w.writeVint(-1n);
    w.writeVint(1n);
    expect(w.take()).toEqual(hex('0102'));
  });

  test('a hostile count is refused before anything is allocated', () => {
    const r = new FrameReader(hex('ffff 0001'), 'TEST');
    expect(() => r.readStringList('names')).toThrow(/names at offset 2: needs 131070 bytes but only 2 remain/);
    expect(() => new FrameReader(hex('03 010203'), 'TEST').readInetAddr('addr')).toThrow(/4 or 16 bytes, not 3/);
  });

  test('the writer keeps handed-out slabs intact while it grows', () => {
    const w = new BodyWriter(8);
    w.writeInt(1);
    const first = w.take();
    const m = w.mark();
    w.writeInt(0);
    for (let i = 0; i < 100; i++) w.writeLongString('x'.repeat(i));
    w.patchInt(m, 77);
    const second = w.take();
    expect(first).toEqual(hex('00000001'));
    expect(second.readInt32BE(0)).toBe(77);
    expect(second.length).toBe(4 + 100 * 4 + (99 * 100) / 2);
  });
});

describe('version negotiation', () => {
  test('the message uses Cassandra wording that the drivers match', () => {
    expect(supportedVersionsDescription()).toBe('3/v3, 4/v4, 5/v5');
    expect(unsupportedVersionMessage(0x42)).toBe(
      'Invalid or unsupported protocol version (66); supported versions are (3/v3, 4/v4, 5/v5)',
    );
    expect(unsupportedVersionMessage(6).toLowerCase()).toContain('unsupported protocol version');
  });

  test('a too-new version is answered in a v4 header on the same stream', () => {
    const frame = encodeUnsupportedVersionError(0x42, 7);
    const message = unsupportedVersionMessage(0x42);
    expect(frame.subarray(0, 9)).toEqual(hex(`84 00 0007 00 ${(6 + message.length).toString(16).padStart(8, '0')}`));
    expect(frame.readInt32BE(9)).toBe(0x000a);
    expect(frame.toString('utf8', 15)).toBe(message);
  });

  test('a v2 client gets its own 8-byte header with a one-byte stream', () => {
    const frame = encodeUnsupportedVersionError(2, -3);
    expect(frame.subarray(0, 4)).toEqual(hex('82 00 fd 00'));
    expect(frame.readInt32BE(4)).toBe(frame.length - 8);
    expect(frame.readInt32BE(8)).toBe(0x000a);
  });
});

describe('STARTUP negotiation', () => {
  test('any 3.x CQL version, lz4 or nothing; snappy and missing versions are refused', () => {
    expect(negotiateStartup(new Map([['CQL_VERSION', '3.0.0'], ['DRIVER_NAME', 'x']]))).toEqual({ cqlVersion: '3.0.0', compression: null });
    expect(negotiateStartup(new Map([['CQL_VERSION', '3.4.5'], ['COMPRESSION', 'LZ4']]))).toEqual({ cqlVersion: '3.4.5', compression: 'lz4' });
    expect(() => negotiateStartup(new Map([['CQL_VERSION', '3.0.0'], ['COMPRESSION', 'snappy']]))).toThrow(
      /Unknown compression algorithm: snappy \(supported: lz4\)/,
    );
    expect(() => negotiateStartup(new Map())).toThrow(expect.objectContaining({ code: 'CQL_PROTOCOL', message: 'Missing value CQL_VERSION in STARTUP message' }) as Error);
    expect(() => negotiateStartup(new Map([['CQL_VERSION', '4.0.0']]))).toThrow(/unsupported CQL version 4.0.0/);
  });
});

describe('FrameDecoder', () => {
  const frame = (version: number, stream: number, opcode: number, body: Buffer, flags = 0): Buffer => {
    const h = Buffer.alloc(9);
    h[0] = version;
    h[1] = flags;
    h.writeInt16BE(stream, 2);
    h[4] = opcode;
    h.writeInt32BE(body.length, 5);
    return Buffer.concat([h, body]);
  };

  test('a STARTUP frame decodes from the bytes of the specification', () => {
    const bytes = hex(`04 00 0000 01 00000016 ${STARTUP_BODY}`);
    const d = new FrameDecoder();
    d.push(bytes);
    const f = d.next()!;
    expect(f.header).toEqual({ version: 4, isResponse: false, flags: 0, stream: 0, opcode: Opcode.STARTUP, bodyLength: 22 });
    expect(f.body.buffer).toBe(bytes.buffer); // no copy
    expect(decodeRequest(f.header, f.body)).toMatchObject({ kind: 'startup' });
    expect(d.next()).toBeNull();
  });

  test('frames split at every possible point, several per chunk, come out whole (seeded)', () => {
    const rand = prng(7);
    const frames = Array.from({ length: 40 }, (_, i) => frame(4, i, Opcode.QUERY, randomBytes(rand, Math.floor(rand() * 300))));
    const all = Buffer.concat(frames);
    for (let trial = 0; trial < 20; trial++) {
      const d = new FrameDecoder();
      const out: Buffer[] = [];
      for (let pos = 0; pos < all.length; ) {
        const n = 1 + Math.floor(rand() * 200);
        d.push(all.subarray(pos, pos + n));
        pos += n;
        for (let f = d.next(); f !== null; f = d.next()) out.push(Buffer.concat([all.subarray(0, 0), f.body]));
      }
      expect(out).toEqual(frames.map((f) => f.subarray(9)));
      expect(d.bufferedBytes).toBe(0);
    }
  });

  test('an oversize body is refused from the header, before the body arrives', () => {
    const d = new FrameDecoder({ maxBodyBytes: 1024 });
    d.push(hex('04 00 0005 07 00000401'));
    expect(() => d.next()).toThrow(expect.objectContaining({ code: 'CQL_FRAME_TOO_LARGE', stream: 5, version: 4 }) as Error);
    expect(() => d.next()).toThrow(/outside the accepted range 0..1024/); // stays failed
  });

  test('unsupported versions are reported with their stream as soon as it is readable', () => {
    const d = new FrameDecoder();
    d.push(hex('42 00 00'));
    expect(d.next()).toBeNull();
    d.push(hex('09'));
    expect(() => d.next()).toThrow(expect.objectContaining({ code: 'CQL_UNSUPPORTED_VERSION', stream: 9, version: 0x42 }) as Error);
    const legacy = new FrameDecoder();
    legacy.push(hex('02 00 ff'));
    expect(() => legacy.next()).toThrow(expect.objectContaining({ code: 'CQL_UNSUPPORTED_VERSION', stream: -1, version: 2 }) as Error);
  });

  test('a response direction bit or a version change is a protocol error', () => {
    const d = new FrameDecoder();
    d.push(frame(0x84, 3, Opcode.OPTIONS, Buffer.alloc(0)));
    expect(() => d.next()).toThrow(expect.objectContaining({ code: 'CQL_PROTOCOL', stream: 3 }) as Error);
    const v = new FrameDecoder({ version: 4 });
    v.push(frame(5, 3, Opcode.OPTIONS, Buffer.alloc(0)));
    expect(() => v.next()).toThrow(/version 5 on a connection that negotiated version 4/);
  });

  test('random byte streams give frames or a CqlProtocolError, nothing else (seeded)', () => {
    const rand = prng(99);
    for (let i = 0; i < 3000; i++) {
      const d = new FrameDecoder({ maxBodyBytes: 4096 });
      const bytes = randomBytes(rand, Math.floor(rand() * 64));
      if (bytes.length > 0 && rand() < 0.7) bytes[0] = 3 + Math.floor(rand() * 3);
      d.push(bytes);
      try {
        while (d.next() !== null);
      } catch (err) {
        expect(['CQL_PROTOCOL', 'CQL_FRAME_TOO_LARGE', 'CQL_UNSUPPORTED_VERSION']).toContain((err as { code: string }).code);
      }
    }
  });

  test('takeRemaining hands over the bytes after the last frame', () => {
    const d = new FrameDecoder();
    d.push(Buffer.concat([frame(5, 1, Opcode.STARTUP, hex(STARTUP_BODY)), hex('0102')]));
    expect(d.next()).not.toBeNull();
    expect(d.takeRemaining()).toEqual(hex('0102'));
  });
});
