import { Unpackr } from 'msgpackr';
import { FragmentReassembly } from '../src/smp/fragment-reassembly';
import { FRAGMENT_HEADER_BYTES, peekRequestId, SmpCodec, writeFragmentHeader } from '../src/smp/smp-codec';
import { createSmpBuffers, DEFAULT_MAX_MESSAGE_BYTES, fragmentThresholdBytes, Smp, type SmpErrorContext, type SmpOptions, type SmpStats } from '../src/smp';
import { TestShards } from './fixtures/smp-harness';
import type { BackpressureResult, SeqState } from './fixtures/smp-protocol';
import { seededRandom } from './fixtures/seeded-random';

// Messages larger than the fragment threshold (a quarter of the ring) travel as fragments and
// are reassembled before dispatch. In-thread tests use two Smp instances in this thread (as
// smp-api.test.ts); the worker tests run shards on real threads (compiled fixtures: build first).

const MiB = 1024 * 1024;

interface Node {
  shards: Smp[];
  errors: { err: unknown; context: SmpErrorContext }[];
}

function startNode(ringCapacityBytes: number, options: SmpOptions = {}, perShard: SmpOptions[] = []): Node {
  const buffers = createSmpBuffers(2, { ringCapacityBytes });
  const errors: Node['errors'] = [];
  const shards = [0, 1].map(
    (id) => new Smp(id, buffers, { onError: (err, context) => errors.push({ err, context }), ...options, ...perShard[id] }),
  );
  for (const smp of shards) smp.registerVerb('echo', (p) => p);
  return { shards, errors };
}

/** Deterministic bytes: `size` bytes from `seed` (a mismatch anywhere shows in a compare). */
function pattern(size: number, seed: number): Buffer {
  // Filled a word at a time through a typed array: per-byte Buffer stores are slow under jest.
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer, 0, size);
}

function sameBytes(actual: unknown, expected: Buffer): boolean {
  return actual instanceof Uint8Array && Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected);
}

/** Yields to the event loop until `done()` holds (each shard polls in setImmediate/waitAsync). */
async function until(done: () => boolean, maxTurns = 10_000): Promise<void> {
  for (let turn = 0; turn < maxTurns && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
  if (!done()) throw new Error(`condition not reached after ${maxTurns} event-loop turns`);
}

function peer(smp: Smp, shard: number): SmpStats['peers'][number] {
  return smp.stats().peers[shard]!;
}

describe('smp fragment codec and reassembly (pure)', () => {
  test('a fragment header followed by its chunk decodes as the message [5, id, index, count, total, chunk]', () => {
    const chunk = Buffer.from('hello fragment');
    const header = Buffer.alloc(FRAGMENT_HEADER_BYTES);
    writeFragmentHeader(header, 0xfffffffe, 3, 7, 1000, chunk.length);
    const decoded = new Unpackr({ useRecords: false }).unpack(Buffer.concat([header, chunk])) as unknown[];
    expect(decoded.slice(0, 5)).toEqual([5, 0xfffffffe, 3, 7, 1000]);
    expect(Buffer.from(decoded[5] as Uint8Array).equals(chunk)).toBe(true);
  });

  test('peekRequestId reads the id of an encoded request at every integer width, 0 for anything else', () => {
    const codec = new SmpCodec();
    for (const id of [1, 127, 128, 255, 256, 65535, 65536, 0xffffffff]) {
      const bytes = codec.encodeRequest(id, 'verb', 'payload');
      expect(peekRequestId(bytes.subarray(bytes.start, bytes.end))).toBe(id);
    }
    const oneWay = codec.encodeOneWay('verb', 1);
    expect(peekRequestId(oneWay.subarray(oneWay.start, oneWay.end))).toBe(0);
    expect(peekRequestId(Buffer.from([0x94, 1]))).toBe(0);
    expect(peekRequestId(Buffer.from([0x94, 1, 0xce, 1]))).toBe(0);
  });

  test('reassembly returns the message after its last fragment, rejects fragments out of sequence', () => {
    const r = new FragmentReassembly(3, 100);
    expect(r.add(1, 0, 3, 6, Buffer.from('ab'))).toBeNull();
    expect(r.bufferedBytes).toBe(6);
    expect(r.add(1, 1, 3, 6, Buffer.from('cd'))).toBeNull();
    expect(r.add(1, 2, 3, 6, Buffer.from('ef'))!.toString()).toBe('abcdef');
    expect(r.active).toBe(false);

    const codes = (fn: () => unknown): unknown => {
      try {
        fn();
        return 'nothing thrown';
      } catch (err) {
        return (err as { code?: unknown }).code;
      }
    };
    expect(codes(() => r.add(2, 1, 3, 6, Buffer.from('cd')))).toBe('SMP_FRAGMENT_ERROR'); // no start
    r.add(2, 0, 3, 6, Buffer.from('ab'));
    expect(codes(() => r.add(2, 2, 3, 6, Buffer.from('ef')))).toBe('SMP_FRAGMENT_ERROR'); // skipped one
    expect(r.active).toBe(false);
    r.add(4, 0, 2, 4, Buffer.from('ab'));
    expect(codes(() => r.add(4, 1, 2, 4, Buffer.from('cde')))).toBe('SMP_FRAGMENT_ERROR'); // overflow
    r.add(5, 0, 2, 5, Buffer.from('ab'));
    expect(codes(() => r.add(5, 1, 2, 5, Buffer.from('c')))).toBe('SMP_FRAGMENT_ERROR'); // short
    // Too large: refused once at its start, its other fragments skipped quietly, no memory held.
    expect(codes(() => r.add(6, 0, 3, 101, Buffer.from('x')))).toBe('SMP_MESSAGE_TOO_LARGE');
    expect(r.bufferedBytes).toBe(0);
    expect(r.add(6, 1, 3, 101, Buffer.from('x'))).toBeNull();
    expect(r.add(6, 2, 3, 101, Buffer.from('x'))).toBeNull();
    expect(r.add(7, 0, 1, 2, Buffer.from('ok'))!.toString()).toBe('ok');
  });

  test('any split of a message into fragments reassembles to the same bytes (seeded)', () => {
    const random = seededRandom(42);
    for (let round = 0; round < 200; round++) {
      const total = 1 + Math.floor(random() * 5000);
      const original = pattern(total, round + 1);
      const chunkBytes = 1 + Math.floor(random() * total);
      const count = Math.ceil(total / chunkBytes);
      const r = new FragmentReassembly(0, 5000);
      let whole: Buffer | null = null;
      for (let i = 0; i < count; i++) whole = r.add(round, i, count, total, original.subarray(i * chunkBytes, (i + 1) * chunkBytes));
      expect(whole!.equals(original)).toBe(true);
    }
  });
});

describe('smp fragmentation (shards in one thread)', () => {
  let node: Node | undefined;
  afterEach(async () => {
    await Promise.all(node?.shards.map((s) => s.stop()) ?? []);
    node = undefined;
  });

  test('4 MiB and 20 MiB requests and answers round-trip byte-exact over a 1 MiB ring; stats count them', async () => {
    node = startNode(MiB);
    const [s0, s1] = node.shards as [Smp, Smp];
    for (const [size, seed] of [[4 * MiB, 1], [20 * MiB, 2]] as const) {
      const payload = pattern(size, seed);
      const answer = await s0.invokeOn(1, 'echo', { blob: payload, tag: size });
      expect((answer as { tag: number }).tag).toBe(size);
      expect(sameBytes((answer as { blob: unknown }).blob, payload)).toBe(true);
    }
    const out = peer(s0, 1);
    const threshold = fragmentThresholdBytes(MiB);
    expect(out.fragmentedMessagesSent).toBe(2);
    expect(out.fragmentedBytesSent).toBeGreaterThan(24 * MiB);
    expect(out.fragmentsSent).toBeGreaterThanOrEqual(Math.ceil(out.fragmentedBytesSent / threshold));
    expect(out.fragmentedMessagesReceived).toBe(2); // the answers came back in fragments too
    expect(out.reassemblyBytes).toBe(0);
    expect(peer(s1, 0)).toMatchObject({ fragmentedMessagesReceived: 2, fragmentedMessagesSent: 2, fragmentErrors: 0, reassemblyBytes: 0 });
    expect(node.errors).toEqual([]);
  });

  test('messages up to the threshold go whole (the old path), one byte more goes in fragments', async () => {
    node = startNode(4096);
    const [s0] = node.shards as [Smp, Smp];
    const codec = new SmpCodec();
    const threshold = fragmentThresholdBytes(4096);
    // Find the payload length whose one-way encoding is exactly the threshold.
    let pad = threshold - 20;
    while (codec.encodeOneWay('echo', 'x'.repeat(pad)).end < threshold) pad++;
    const bytes = codec.encodeOneWay('echo', 'x'.repeat(pad));
    expect(bytes.end - bytes.start).toBe(threshold);
    await s0.send(1, 'echo', 'x'.repeat(pad));
    await s0.invokeOn(1, 'echo', null);
    expect(peer(s0, 1).fragmentsSent).toBe(0);
    await s0.send(1, 'echo', 'x'.repeat(pad + 1));
    await s0.invokeOn(1, 'echo', null);
    expect(peer(s0, 1)).toMatchObject({ fragmentedMessagesSent: 1, fragmentsSent: 2 });
  });

  test('large and small messages interleaved in both directions arrive in order and intact', async () => {
    node = startNode(4096, { maxPendingMessages: 8, maxPendingBytes: 64 * 1024 });
    const [s0, s1] = node.shards as [Smp, Smp];
    const count = 300;
    const seen: string[][] = [[], []];
    const bad: string[] = [];
    const sizeOf = (from: number, seq: number): number => {
      const r = seededRandom(from * 100_000 + seq)();
      return r < 0.5 ? Math.floor(r * 400) : Math.floor(r * 40_000); // half small, half up to 10 ring sizes
    };
    for (const smp of [s0, s1]) {
      smp.registerVerb<{ seq: number; kind: string; data: Uint8Array }>('seq', (p, from) => {
        if (!sameBytes(p.data, pattern(sizeOf(from, p.seq), p.seq + 1))) bad.push(`${from}:${p.seq}`);
        seen[smp.shardId]!.push(`${p.kind}${p.seq}`);
        return { seq: p.seq, data: p.data };
      });
    }
    const run = async (from: Smp, to: number): Promise<void> => {
      const answers: Promise<void>[] = [];
      let last: Promise<void> = Promise.resolve();
      for (let seq = 0; seq < count; seq++) {
        const data = pattern(sizeOf(from.shardId, seq), seq + 1);
        if (seq % 3 === 0) {
          answers.push(
            from.invokeOn<{ seq: number; data: Uint8Array }>(to, 'seq', { seq, kind: 'r', data }).then((a) => {
              if (a.seq !== seq || !sameBytes(a.data, data)) bad.push(`answer ${from.shardId}:${seq}`);
            }),
          );
        } else {
          last = from.send(to, 'seq', { seq, kind: 's', data });
        }
        if (seq % 16 === 15) await last;
      }
      await last;
      await Promise.all(answers);
    };
    await Promise.all([run(s0, 1), run(s1, 0)]);
    await Promise.all([s0.invokeOn(1, 'echo', 'barrier'), s1.invokeOn(0, 'echo', 'barrier')]);
    expect(bad).toEqual([]);
    const expected = [...Array(count).keys()].map((seq) => `${seq % 3 === 0 ? 'r' : 's'}${seq}`);
    expect(seen).toEqual([expected, expected]);
    for (const [smp, other] of [[s0, 1], [s1, 0]] as const) {
      const stats = peer(smp, other);
      expect(stats.fragmentedMessagesSent).toBeGreaterThan(50);
      expect(stats.fragmentedMessagesReceived).toBeGreaterThan(50);
      expect(stats.pendingBytesMax).toBeLessThanOrEqual(64 * 1024);
      expect(stats.fragmentErrors).toBe(0);
    }
    expect(node.errors).toEqual([]);
  });

  test('a message over the limit is refused with SMP_MESSAGE_TOO_LARGE naming the limit (default 64 MiB)', async () => {
    node = startNode(MiB);
    const [s0] = node.shards as [Smp, Smp];
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(64 * MiB);
    const huge = Buffer.alloc(DEFAULT_MAX_MESSAGE_BYTES + 1);
    const limit = expect.stringContaining(`the largest smp message is ${64 * MiB} bytes`) as unknown;
    await expect(s0.invokeOn(1, 'echo', huge)).rejects.toMatchObject({ code: 'SMP_MESSAGE_TOO_LARGE', message: limit });
    await expect(s0.send(1, 'echo', huge)).rejects.toMatchObject({ code: 'SMP_MESSAGE_TOO_LARGE', message: limit });
    expect(peer(s0, 1)).toMatchObject({ inFlightRequests: 0, pendingBytes: 0, fragmentsSent: 0 });
    await expect(s0.invokeOn(1, 'echo', 'still fine')).resolves.toBe('still fine');
  });

  test('a receiver with a smaller limit refuses the message: the request fails, a one-way goes to onError', async () => {
    node = startNode(4096, {}, [{}, { maxMessageBytes: 10_000 }]);
    const [s0, s1] = node.shards as [Smp, Smp];
    const seen: number[] = [];
    s1.registerVerb<Uint8Array>('take', (p) => seen.push(p.length));
    await expect(s0.invokeOn(1, 'take', Buffer.alloc(20_000))).rejects.toMatchObject({
      code: 'SMP_MESSAGE_TOO_LARGE',
      message: expect.stringContaining('the largest smp message is 10000 bytes') as unknown,
    });
    await s0.send(1, 'take', Buffer.alloc(30_000));
    await expect(s0.invokeOn(1, 'take', Buffer.alloc(9_000))).resolves.toBe(1); // the stream goes on
    expect(seen).toEqual([9_000]);
    expect(node.errors.map((e) => (e.err as { code?: string }).code)).toEqual(['SMP_MESSAGE_TOO_LARGE', 'SMP_MESSAGE_TOO_LARGE']);
    expect(peer(s1, 0)).toMatchObject({ fragmentErrors: 2, reassemblyBytes: 0 });
  });

  test('a slow receiver holds the sender back: the backlog stays within maxPendingBytes', async () => {
    const maxPendingBytes = 64 * 1024;
    node = startNode(4096, { maxPendingBytes });
    const [s0, s1] = node.shards as [Smp, Smp];
    let received = 0;
    s1.registerVerb('sink', () => {
      received++;
    });
    let maxSeen = 0;
    let last: Promise<void> = Promise.resolve();
    const count = 200;
    for (let i = 0; i < count; i++) {
      // 20 KiB each, 64 per burst: 1.25 MiB offered per burst, 20 times the byte bound.
      last = s0.send(1, 'sink', pattern(20 * 1024, i));
      maxSeen = Math.max(maxSeen, peer(s0, 1).pendingBytes);
      if (i % 64 === 63) await last;
    }
    await last;
    await s0.invokeOn(1, 'echo', 'barrier');
    expect(received).toBe(count);
    const stats = peer(s0, 1);
    expect(maxSeen).toBeLessThanOrEqual(maxPendingBytes);
    expect(stats.pendingBytesMax).toBeLessThanOrEqual(maxPendingBytes);
    expect(stats.pendingBytesMax).toBeGreaterThan(maxPendingBytes / 2); // the bound was what held it
    expect(stats.blockedSends).toBeGreaterThan(0);
    expect(stats.pendingBytes).toBe(0);
  });

  test('a message larger than maxPendingBytes is admitted alone and still goes through', async () => {
    node = startNode(4096, { maxPendingBytes: 16 * 1024 });
    const [s0] = node.shards as [Smp, Smp];
    const sends = [s0.send(1, 'echo', pattern(100_000, 1)), s0.send(1, 'echo', pattern(100_000, 2))];
    expect(peer(s0, 1).blockedSenders).toBe(1); // the second waits for the first to leave the backlog
    await Promise.all(sends);
    const blob = pattern(200_000, 3);
    expect(sameBytes(await s0.invokeOn(1, 'echo', blob), blob)).toBe(true);
    expect(peer(s0, 1).pendingBytesMax).toBeLessThanOrEqual(200_100);
  });

  test('a fragmented request times out like any other; its late answer is dropped and counted', async () => {
    node = startNode(MiB);
    const [s0, s1] = node.shards as [Smp, Smp];
    const held: (() => void)[] = [];
    s1.registerVerb<Uint8Array>('hold', (p) => new Promise((resolve) => held.push(() => resolve(p))));
    await expect(s0.invokeOn(1, 'hold', pattern(3 * MiB, 1), { timeoutMs: 50 })).rejects.toMatchObject({ code: 'SMP_TIMEOUT' });
    await until(() => held.length === 1); // the request still arrived whole
    held.shift()!(); // a 3 MiB late answer, in fragments
    const blob = pattern(2 * MiB, 2);
    expect(sameBytes(await s0.invokeOn(1, 'echo', blob), blob)).toBe(true); // its answer follows the late one
    expect(peer(s0, 1)).toMatchObject({ timeouts: 1, lateResponses: 1, inFlightRequests: 0, fragmentedMessagesReceived: 2 });
  });

  test('a sender that stops mid-message: the receiver drops the partial message, serves nothing of it', async () => {
    node = startNode(MiB);
    const [s0, s1] = node.shards as [Smp, Smp];
    let served = 0;
    s1.registerVerb('take', () => served++);
    void s0.send(1, 'take', pattern(8 * MiB, 1)); // admitted: ~3 fragments in the ring, the rest in the backlog
    expect(peer(s0, 1).pendingBytes).toBeGreaterThan(8 * MiB);
    await s0.stop(); // publishes what is in the ring, drops the rest
    expect(peer(s0, 1).pendingBytes).toBe(0);
    await until(() => peer(s1, 0).fragmentErrors === 1);
    expect(peer(s1, 0)).toMatchObject({ fragmentsReceived: 3, fragmentedMessagesReceived: 0, reassemblyBytes: 0 });
    expect(served).toBe(0);
    expect(node.errors).toEqual([]); // a peer's stop is not an error
    await expect(s1.invokeOn(0, 'echo', 1)).rejects.toMatchObject({ code: 'SMP_PEER_STOPPED' });
  });

  test('a receiver that stops mid-message fails the fragmented request with SMP_PEER_STOPPED', async () => {
    node = startNode(MiB);
    const [s0, s1] = node.shards as [Smp, Smp];
    const call = s0.invokeOn(1, 'echo', pattern(20 * MiB, 1));
    await until(() => peer(s1, 0).reassemblyBytes > 0);
    await s1.stop();
    await expect(call).rejects.toMatchObject({ code: 'SMP_PEER_STOPPED' });
    expect(peer(s0, 1)).toMatchObject({ pendingBytes: 0, inFlightRequests: 0 });
  });
});

describe('smp fragmentation across worker threads', () => {
  let shards: TestShards | undefined;
  afterEach(async () => {
    await shards?.terminate();
    shards = undefined;
  });

  test('4 MiB and 20 MiB requests and answers round-trip byte-exact', async () => {
    shards = new TestShards(2);
    for (const [size, seed] of [[4 * MiB, 3], [20 * MiB, 4]] as const) {
      const blob = pattern(size, seed);
      const answer = await shards.call(1, { cmd: 'invoke', shard: 0, verb: 'echo', payload: blob });
      expect(sameBytes(answer, blob)).toBe(true);
    }
    const stats = await shards.call<SmpStats>(1, { cmd: 'stats' });
    expect(stats.peers[0]).toMatchObject({ fragmentedMessagesSent: 2, fragmentedMessagesReceived: 2, fragmentErrors: 0, pendingBytes: 0 });
  });

  test('large and small messages interleaved in both directions arrive in order', async () => {
    shards = new TestShards(2, { ringCapacityBytes: 64 * 1024 });
    const count = 120;
    const random = seededRandom(7);
    const calls: Promise<unknown>[] = [];
    for (let seq = 0; seq < count; seq++) {
      for (const from of [0, 1]) {
        const pad = 'p'.repeat(random() < 0.3 ? Math.floor(random() * 600_000) : Math.floor(random() * 200));
        calls.push(shards.call(from, { cmd: 'send', shard: 1 - from, verb: 'seq', payload: { seq, pad } }));
        if (seq % 10 === 0) {
          const blob = pattern(Math.floor(random() * 300_000), seq);
          calls.push(shards.call(from, { cmd: 'invoke', shard: 1 - from, verb: 'echo', payload: blob }).then((a) => expect(sameBytes(a, blob)).toBe(true)));
        }
      }
    }
    await Promise.all(calls);
    await Promise.all([0, 1].map((from) => shards!.call(from, { cmd: 'invoke', shard: 1 - from, verb: 'echo', payload: 'barrier' })));
    for (const shard of [0, 1]) {
      const state = await shards.call<SeqState>(shard, { cmd: 'seq-state' });
      expect(state.violations).toEqual([]);
      expect(state.expected[1 - shard]).toBe(count);
      const stats = await shards.call<SmpStats>(shard, { cmd: 'stats' });
      expect(stats.peers[1 - shard]!.fragmentedMessagesReceived).toBeGreaterThan(20);
    }
  });

  test('a slow consumer holds a fast producer of large messages within the backlog byte bound', async () => {
    shards = new TestShards(2);
    const count = 300;
    // 300 KB messages, 64 per burst (19 MB offered per burst) to a consumer that blocks now and then.
    const result = await shards.call<BackpressureResult>(0, { cmd: 'backpressure', args: { target: 1, count, padBytes: 300_000, burst: 64 } });
    expect(result.blockedSends).toBeGreaterThan(0);
    const stats = await shards.call<SmpStats>(0, { cmd: 'stats' });
    expect(stats.peers[1]!.pendingBytesMax).toBeLessThanOrEqual(16 * MiB); // DEFAULT_MAX_PENDING_BYTES
    expect(stats.peers[1]!.fragmentedMessagesSent).toBe(count);
    const state = await shards.call<SeqState>(1, { cmd: 'seq-state' });
    expect(state.violations).toEqual([]);
    expect(state.expected[0]).toBe(count);
  });
});
