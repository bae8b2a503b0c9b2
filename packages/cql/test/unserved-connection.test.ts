import net from 'node:net';
import pino from 'pino';
import { ErrorCode, FRAME_HEADER_BYTES, Opcode, decodeStringMultimap, serveUnservedCqlConnection } from '../src';

interface Reply {
  version: number;
  stream: number;
  opcode: number;
  body: Buffer;
}

function request(version: number, stream: number, opcode: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(FRAME_HEADER_BYTES);
  h.writeUInt8(version, 0);
  h.writeInt16BE(stream, 2);
  h.writeUInt8(opcode, 4);
  h.writeInt32BE(body.length, 5);
  return Buffer.concat([h, body]);
}

/** A raw client: send bytes, collect response frames until `count` arrive or the server closes. */
async function exchange(port: number, chunks: Buffer[], count: number): Promise<{ replies: Reply[]; closed: boolean }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let data = Buffer.alloc(0);
  const replies: Reply[] = [];
  let closed = false;
  const done = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      while (data.length >= FRAME_HEADER_BYTES && data.length >= FRAME_HEADER_BYTES + data.readInt32BE(5)) {
        const len = data.readInt32BE(5);
        expect(data[0]! & 0x80).toBe(0x80);
        replies.push({
          version: data[0]! & 0x7f,
          stream: data.readInt16BE(2),
          opcode: data[4]!,
          body: data.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + len),
        });
        data = data.subarray(FRAME_HEADER_BYTES + len);
      }
      if (replies.length >= count) resolve();
    });
    socket.on('close', () => {
      closed = true;
      resolve();
    });
  });
  for (const c of chunks) {
    socket.write(c);
    await new Promise((r) => setImmediate(r));
  }
  await done;
  if (!closed) {
    await new Promise((r) => setTimeout(r, 20));
    socket.destroy();
  }
  return { replies, closed };
}

describe('connection handler of a node that does not serve CQL yet', () => {
  let server: net.Server;
  let port: number;
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    server = net.createServer((s) => serveUnservedCqlConnection(s, { shardId: 1, shardCount: 2, shardAwarePort: 19042 }, log));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test('OPTIONS gets SUPPORTED naming the shard that accepted the connection', async () => {
    const { replies } = await exchange(port, [request(4, 5, Opcode.OPTIONS)], 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ version: 4, stream: 5, opcode: Opcode.SUPPORTED });
    const options = decodeStringMultimap(replies[0]!.body);
    expect(options.get('SCYLLA_SHARD')).toEqual(['1']);
    expect(options.get('SCYLLA_NR_SHARDS')).toEqual(['2']);
    expect(options.get('SCYLLA_SHARD_AWARE_PORT')).toEqual(['19042']);
    expect(options.has('CQL_VERSION')).toBe(false);
  });

  test('any other request gets an ERROR saying CQL is not served, and the connection stays usable', async () => {
    const startup = Buffer.from([0, 1, 0, 11, ...Buffer.from('CQL_VERSION'), 0, 5, ...Buffer.from('3.0.0')]);
    const { replies, closed } = await exchange(port, [request(4, 1, Opcode.STARTUP, startup), request(4, 2, Opcode.OPTIONS)], 2);
    expect(closed).toBe(false);
    expect(replies.map((r) => [r.stream, r.opcode])).toEqual([
      [1, Opcode.ERROR],
      [2, Opcode.SUPPORTED],
    ]);
    expect(replies[0]!.body.readInt32BE(0)).toBe(ErrorCode.SERVER_ERROR);
    expect(replies[0]!.body.toString('utf8', 6)).toMatch(/does not serve CQL requests yet/);
  });

  test('pipelined frames split at every byte boundary are answered in order', async () => {
    const bytes = Buffer.concat([request(4, 10, Opcode.OPTIONS), request(3, 11, Opcode.QUERY, Buffer.alloc(50, 1)), request(4, 12, Opcode.OPTIONS)]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    const { replies } = await exchange(port, chunks, 3);
    expect(replies.map((r) => [r.version, r.stream, r.opcode])).toEqual([
      [4, 10, Opcode.SUPPORTED],
      [3, 11, Opcode.ERROR],
      [4, 12, Opcode.SUPPORTED],
    ]);
  });

  test.each([5, 6, 65, 2])('protocol version %i gets a protocol error naming the supported versions, then close', async (v) => {
    // Ask for more replies than will come: exchange() then returns only when the server closes.
    const { replies, closed } = await exchange(port, [request(v, 0, Opcode.OPTIONS)], 99);
    expect(closed).toBe(true);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.opcode).toBe(Opcode.ERROR);
    expect(replies[0]!.body.readInt32BE(0)).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(replies[0]!.body.toString('utf8', 6)).toMatch(/unsupported protocol version/);
  });

  test('an oversize or negative body length gets a protocol error and the connection is closed', async () => {
    const huge = request(4, 3, Opcode.QUERY);
    huge.writeInt32BE(512 * 1024 * 1024, 5);
    const res = await exchange(port, [huge], 99);
    expect(res.closed).toBe(true);
    expect(res.replies[0]!.body.readInt32BE(0)).toBe(ErrorCode.PROTOCOL_ERROR);
    const negative = request(4, 3, Opcode.QUERY);
    negative.writeInt32BE(-5, 5);
    const res2 = await exchange(port, [negative], 99);
    expect(res2.closed).toBe(true);
    expect(res2.replies[0]!.body.readInt32BE(0)).toBe(ErrorCode.PROTOCOL_ERROR);
  });

  test('a frame with the response bit set is a protocol error', async () => {
    const bad = request(0x84, 9, Opcode.OPTIONS);
    const { replies, closed } = await exchange(port, [bad], 99);
    expect(closed).toBe(true);
    expect(replies[0]).toMatchObject({ stream: 9, opcode: Opcode.ERROR });
    expect(replies[0]!.body.readInt32BE(0)).toBe(ErrorCode.PROTOCOL_ERROR);
  });
});
