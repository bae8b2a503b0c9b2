import { SegmentEncoder } from '../src/protocol/segment-encoder';
import { DEFAULT_SOCKET_WRITE_HIGH_WATER_BYTES } from '../src/transport/transport-limits';
import { startTransport, type TransportHarness } from './fixtures/transport-handler-double';
import { RawCqlClient, parseError, parseTextRows, queryBody, requestFrame, startupBody, waitFor } from './fixtures/transport-raw-client';

const STARTUP = 1;
const QUERY = 7;
const RESULT = 8;
const ERROR = 0;

function seededBytes(seed: number, n: number): Buffer {
  let a = seed >>> 0;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = a >>> 24;
  }
  return out;
}

async function ready(h: TransportHarness, version = 4): Promise<RawCqlClient> {
  const c = await RawCqlClient.connect(h.port);
  if (version === 5) c.expectSegmentsAfterStartup(null);
  c.send(requestFrame(version, 0, STARTUP, startupBody()));
  await c.next();
  return c;
}

/** Every frame the server sent before closing, once it closed. */
async function repliesUntilClose(c: RawCqlClient): Promise<Array<{ stream: number; opcode: number; code: number; message: string }>> {
  await c.waitClosed();
  const out = [];
  while (c.buffered > 0) {
    const [f] = await c.next();
    out.push({ stream: f!.stream, opcode: f!.opcode, ...parseError(f!.body) });
  }
  return out;
}

describe('CqlConnection malformed input', () => {
  let h: TransportHarness;
  let bystander: RawCqlClient;
  beforeEach(async () => {
    h = await startTransport();
    bystander = await ready(h);
  });
  afterEach(async () => {
    // Whatever happened to the other connection, this one is still served.
    bystander.send(requestFrame(4, 77, QUERY, queryBody('echo alive', 4)));
    const [r] = await bystander.next();
    expect(parseTextRows(r!.body)).toEqual([['alive']]);
    bystander.close();
    await h.close();
  });

  it('a frame of another version mid-stream: ProtocolError on its stream, then close', async () => {
    const c = await ready(h);
    c.send(requestFrame(3, 12, QUERY, queryBody('echo x', 3)));
    expect(await repliesUntilClose(c)).toEqual([
      { stream: 12, opcode: ERROR, code: 0x000a, message: 'frame of protocol version 3 on a connection that negotiated version 4' },
    ]);
  });

  it('an unsupported version byte mid-stream: ProtocolError in the connection version, then close', async () => {
    const c = await ready(h);
    c.send(requestFrame(0x07, 13, QUERY, queryBody('echo x', 4)));
    const replies = await repliesUntilClose(c);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ stream: 13, code: 0x000a });
    expect(replies[0]!.message).toContain('Invalid or unsupported protocol version (7)');
  });

  it('a request with the response direction bit: ProtocolError, then close', async () => {
    const c = await ready(h);
    c.send(requestFrame(0x84, 4, QUERY, queryBody('echo x', 4)));
    expect(await repliesUntilClose(c)).toEqual([
      { stream: 4, opcode: ERROR, code: 0x000a, message: 'frame has the response direction bit set; clients send requests' },
    ]);
  });

  it('a body length over the frame limit: ProtocolError from the header alone, then close', async () => {
    const c = await ready(h);
    const header = requestFrame(4, 8, QUERY);
    header.writeInt32BE(0x7fff0000, 5);
    c.sendRaw(header);
    const replies = await repliesUntilClose(c);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ stream: 8, opcode: ERROR, code: 0x000a });
    expect(replies[0]!.message).toContain('frame body length 2147418112');
  });

  it('a truncated body inside an intact frame: ProtocolError on that stream, and the connection goes on', async () => {
    const c = await ready(h);
    const body = queryBody('echo x', 4).subarray(0, 7); // the [long string] announces 6 bytes, 3 remain
    c.send(requestFrame(4, 21, QUERY, body), requestFrame(4, 22, QUERY, queryBody('echo next', 4)));
    const [bad, good] = await c.next(2);
    expect(bad!.stream).toBe(21);
    expect(parseError(bad!.body).code).toBe(0x000a);
    expect(parseError(bad!.body).message).toContain('QUERY');
    expect(good!.stream).toBe(22);
    expect(parseTextRows(good!.body)).toEqual([['next']]);
    c.close();
  });

  it.each([1, 2, 3, 4, 5])('seeded garbage #%i after STARTUP: only ProtocolErrors, then close', async (seed) => {
    const c = await ready(h);
    c.sendRaw(seededBytes(seed, 4096));
    const replies = await repliesUntilClose(c);
    for (const r of replies) expect(r).toMatchObject({ opcode: ERROR, code: 0x000a });
    expect(h.handler.calls).toBe(0);
  });

  it('v5: a corrupted segment closes the connection', async () => {
    const c = await ready(h, 5);
    const segment = new SegmentEncoder(null).encode(requestFrame(5, 1, QUERY, queryBody('echo x', 5)));
    segment[segment.length - 1] = segment[segment.length - 1]! ^ 0xff; // payload CRC32
    c.sendRaw(segment);
    await c.waitClosed();
    expect(h.handler.calls).toBe(0);
  });
});

describe('CqlConnection socket backpressure', () => {
  it('stops reading from a client that does not read its responses, and resumes when it does', async () => {
    const h = await startTransport();
    try {
      const c = await ready(h);
      const server = h.serverSockets[0]!;
      c.socket.pause(); // the client stops reading
      const total = 1000;
      const padding = 'p'.repeat(20_000);
      const frames = Array.from({ length: total }, (_, i) => requestFrame(4, i + 1, QUERY, queryBody(`blob 65536 ${padding}`, 4)));
      const sentBytes = frames.reduce((n, f) => n + f.length, 0);
      c.send(...frames);
      // Once the kernel buffers are full the server's queue cannot drain: it must be paused.
      await waitFor(
        () => server.isPaused() && server.writableLength >= DEFAULT_SOCKET_WRITE_HIGH_WATER_BYTES,
        'the server to stop reading with its socket backed up',
      );
      expect(h.handler.calls).toBeLessThan(total / 2);
      expect(server.bytesRead).toBeLessThan(sentBytes);
      // Memory stays bounded: the high-water mark plus the answers of the last read, not
      // the 64 MiB of answers asked for.
      expect(server.writableLength).toBeLessThan(16 * 1024 * 1024);

      c.socket.resume();
      const replies = await c.next(total, 30_000);
      expect(replies.every((r) => r.opcode === RESULT)).toBe(true);
      expect(h.handler.calls).toBe(total);
      c.close();
    } finally {
      await h.close();
    }
  });
});
