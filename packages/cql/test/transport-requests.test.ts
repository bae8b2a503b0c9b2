import type net from 'node:net';
import { MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION } from '../src/transport/transport-limits';
import { RequestMemoryBudget } from '../src/transport/request-memory-budget';
import type { StatementScheduler } from '../src/transport/request-handler';
import { startTransport, type TransportHarness } from './fixtures/transport-handler-double';
import { RawCqlClient, parseError, parseTextRows, queryBody, requestFrame, startupBody, waitFor } from './fixtures/transport-raw-client';

const STARTUP = 1;
const READY = 2;
const QUERY = 7;
const RESULT = 8;

/** A seeded generator (mulberry32) so "random" delays are the same on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function ready(h: TransportHarness, version = 4, options: Record<string, string> = { CQL_VERSION: '3.0.0' }): Promise<RawCqlClient> {
  const c = await RawCqlClient.connect(h.port);
  if (version === 5) c.expectSegmentsAfterStartup(options.COMPRESSION === 'lz4' ? 'lz4' : null);
  c.send(requestFrame(version, 0, STARTUP, startupBody(options)));
  const [r] = await c.next();
  expect(r!.opcode).toBe(READY);
  return c;
}

function query(version: number, stream: number, text: string): Buffer {
  return requestFrame(version, stream, QUERY, queryBody(text, version));
}

/** Counts the server socket's writes and reads from now on. */
function spy(socket: net.Socket): { writes: number; reads: number } {
  const counts = { writes: 0, reads: 0 };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => {
    counts.writes++;
    return write(...args);
  });
  socket.on('data', () => counts.reads++);
  return counts;
}

describe('CqlConnection requests', () => {
  let h: TransportHarness;
  afterEach(async () => {
    await h.close();
  });

  it('answers 1000 concurrent requests on one connection out of order, each on its own stream', async () => {
    h = await startTransport();
    const c = await ready(h);
    const random = seededRandom(7);
    const frames: Buffer[] = [];
    for (let stream = 1; stream <= 1000; stream++) frames.push(query(4, stream, `delay ${Math.floor(random() * 30)} r${stream}`));
    c.send(...frames);
    const replies = await c.next(1000, 20_000);
    const order = replies.map((r) => r.stream);
    expect(new Set(order).size).toBe(1000);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    for (const r of replies) {
      expect(r.opcode).toBe(RESULT);
      expect(parseTextRows(r.body)).toEqual([[`r${r.stream}`]]);
    }
    c.close();
  });

  it('writes every response ready in one event-loop turn with one socket write', async () => {
    h = await startTransport();
    const c = await ready(h);
    const counts = spy(h.serverSockets[0]!);
    const frames = Array.from({ length: 100 }, (_, i) => query(4, i + 1, `echo ${i}`));
    c.send(...frames);
    const replies = await c.next(100);
    expect(replies.map((r) => r.stream)).toEqual(frames.map((_, i) => i + 1));
    // One write per socket read that carried requests (loopback delivers the 100 together).
    expect(counts.writes).toBeGreaterThanOrEqual(1);
    expect(counts.writes).toBeLessThanOrEqual(counts.reads);
    c.close();
  });

  it(`answers request ${MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION + 1} with Overloaded while ${MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION} are in flight`, async () => {
    h = await startTransport();
    const c = await ready(h);
    const n = MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION;
    c.send(...Array.from({ length: n + 1 }, (_, i) => query(4, i + 1, `hold ${i + 1}`)));
    const [overloaded] = await c.next();
    expect(overloaded!.stream).toBe(n + 1);
    const err = parseError(overloaded!.body);
    expect(err.code).toBe(0x1001);
    expect(err.message).toContain(`limit ${n}`);
    expect(h.handler.heldCount).toBe(n);
    h.handler.release();
    const rest = await c.next(n);
    expect(rest.every((r) => r.opcode === RESULT)).toBe(true);
    // Once answered, the slots are free again.
    c.send(query(4, 5000, 'echo again'));
    expect(parseTextRows((await c.next())[0]!.body)).toEqual([['again']]);
    c.close();
  });

  it('turns a handler exception into a Server error on its stream and keeps serving', async () => {
    h = await startTransport();
    const c = await ready(h);
    c.send(query(4, 1, 'throw disk on fire'), query(4, 2, 'invalid no such table'), query(4, 3, 'void'));
    const replies = await c.next(3);
    const byStream = new Map(replies.map((r) => [r.stream, r]));
    expect(parseError(byStream.get(1)!.body)).toEqual({ code: 0x0000, message: 'disk on fire' });
    expect(parseError(byStream.get(2)!.body)).toEqual({ code: 0x2200, message: 'no such table' });
    expect(byStream.get(3)!.body.readInt32BE(0)).toBe(1); // Void
    c.close();
  });

  it('drops the answers of a client that disconnected mid-request and releases its budget', async () => {
    const budget = new RequestMemoryBudget(1 << 20);
    h = await startTransport({ budget });
    const c = await ready(h);
    c.send(...Array.from({ length: 10 }, (_, i) => query(4, i + 1, `hold ${i}`)));
    await waitFor(() => h.handler.heldCount === 10, 'the requests to reach the handler');
    expect(budget.used).toBeGreaterThan(0);
    c.close();
    await waitFor(() => h.transport.connectionCount === 0, 'the server to see the disconnect');
    h.handler.release();
    await waitFor(() => budget.used === 0, 'the budget to be released');
    const d = await ready(h);
    d.send(query(4, 1, 'echo still fine'));
    expect(parseTextRows((await d.next())[0]!.body)).toEqual([['still fine']]);
    d.close();
  });

  it('runs the requests of one socket read as one task of the statement scheduling group', async () => {
    const scheduler = {
      runs: 0,
      run<T>(fn: () => T | PromiseLike<T>): Promise<Awaited<T>> {
        this.runs++;
        return new Promise((resolve) => setImmediate(() => resolve(fn() as Awaited<T>)));
      },
    };
    h = await startTransport({ scheduler });
    const c = await ready(h);
    const counts = spy(h.serverSockets[0]!);
    c.send(...Array.from({ length: 50 }, (_, i) => query(4, i + 1, `echo ${i}`)));
    const replies = await c.next(50);
    expect(replies.every((r) => r.opcode === RESULT)).toBe(true);
    expect(scheduler.runs).toBeGreaterThanOrEqual(1);
    expect(scheduler.runs).toBeLessThanOrEqual(counts.reads);
    c.close();
  });

  it('answers Overloaded when the scheduling group refuses the task', async () => {
    const scheduler: StatementScheduler = {
      run: () => Promise.reject(Object.assign(new Error('scheduling group queue is full'), { code: 'SCHED_QUEUE_FULL' })),
    };
    h = await startTransport({ scheduler });
    const c = await ready(h);
    c.send(query(4, 1, 'echo a'), query(4, 2, 'echo b'));
    const replies = await c.next(2);
    for (const r of replies) expect(parseError(r.body)).toEqual({ code: 0x1001, message: 'The statement scheduler refused the request: scheduling group queue is full' });
    expect(h.handler.calls).toBe(0);
    c.close();
  });

  it('stops reading a connection whose in-flight bytes exceed its limit until requests complete', async () => {
    h = await startTransport({ limits: { maxInFlightBytes: 1000 } });
    const c = await ready(h);
    const first = query(4, 1, `hold ${'a'.repeat(990)}`); // alone over the limit: admitted, nothing else in flight
    const second = query(4, 2, 'echo small');
    c.send(first, second);
    const server = h.serverSockets[0]!;
    const target = server.bytesRead;
    await waitFor(() => server.bytesRead >= target + first.length + second.length, 'the server to read both frames');
    await waitFor(() => h.handler.heldCount === 1, 'the first request to be held');
    expect(h.handler.calls).toBe(1);
    h.handler.release();
    const replies = await c.next(2);
    expect(replies.map((r) => r.stream)).toEqual([1, 2]);
    c.close();
  });

  it('makes connections wait (not fail) for the shared per-shard budget', async () => {
    const budget = new RequestMemoryBudget(2000);
    h = await startTransport({ budget });
    const a = await ready(h);
    const b = await ready(h);
    a.send(query(4, 1, `hold ${'a'.repeat(1990)}`));
    await waitFor(() => h.handler.heldCount === 1, 'the big request to be held');
    b.send(query(4, 1, 'echo b'));
    await waitFor(() => budget.waiting === 1, 'the second connection to wait for the budget');
    expect(h.handler.calls).toBe(1);
    h.handler.release();
    expect(parseTextRows((await b.next())[0]!.body)).toEqual([['b']]);
    expect((await a.next())[0]!.opcode).toBe(RESULT);
    await waitFor(() => budget.used === 0, 'the budget to drain');
    a.close();
    b.close();
  });
});

describe('CqlConnection compression and v5 segments', () => {
  let h: TransportHarness;
  beforeEach(async () => {
    h = await startTransport();
  });
  afterEach(async () => {
    await h.close();
  });

  it('v4 lz4: compressed requests are read and compressible responses are compressed', async () => {
    const c = await ready(h, 4, { CQL_VERSION: '3.0.0', COMPRESSION: 'lz4' });
    c.compressFrames();
    c.send(query(4, 1, `echo ${'z'.repeat(5000)}`), query(4, 2, 'blob 20000'));
    const [a, b] = await c.next(2);
    expect(a!.flags & 0x01).toBe(1);
    expect(parseTextRows(a!.body)).toEqual([['z'.repeat(5000)]]);
    expect(parseTextRows(b!.body)).toEqual([['x'.repeat(20000)]]);
    c.close();
  });

  it('v4: a compressed frame without negotiated compression is a ProtocolError on its stream', async () => {
    const c = await ready(h, 4);
    c.compressFrames();
    c.send(query(4, 3, `echo ${'q'.repeat(200)}`));
    const [r] = await c.next();
    expect(r!.stream).toBe(3);
    expect(parseError(r!.body)).toEqual({ code: 0x000a, message: 'frame has the compression flag set but no compression was negotiated in STARTUP' });
    c.close();
  });

  it.each([null, 'lz4'] as const)('v5 (%s): frames over 128 KiB span segments both ways', async (compression) => {
    const c = await ready(h, 5, compression === null ? { CQL_VERSION: '3.0.0' } : { CQL_VERSION: '3.0.0', COMPRESSION: 'lz4' });
    const random = seededRandom(11);
    const big = Array.from({ length: 300 * 1024 }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('');
    c.send(query(5, 1, `echo ${big}`), query(5, 2, 'blob 200000'));
    const [a, b] = await c.next(2);
    expect(parseTextRows(a!.body)).toEqual([[big]]);
    expect(parseTextRows(b!.body)).toEqual([['x'.repeat(200000)]]);
    expect(c.segmentCount).toBeGreaterThanOrEqual(4);
    c.close();
  });

  it('v5: many small responses share one segment', async () => {
    const c = await ready(h, 5);
    const counts = spy(h.serverSockets[0]!);
    const before = c.segmentCount;
    c.send(...Array.from({ length: 200 }, (_, i) => query(5, i + 1, `echo ${i}`)));
    const replies = await c.next(200);
    expect(replies.map((r) => parseTextRows(r.body)[0]![0])).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    expect(c.segmentCount - before).toBe(counts.writes);
    expect(counts.writes).toBeLessThanOrEqual(counts.reads);
    c.close();
  });
});
