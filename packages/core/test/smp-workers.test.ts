import { performance } from 'node:perf_hooks';
import type { SmpStats } from '../src/smp';
import { compiledFixture, TestShards } from './fixtures/smp-harness';
import type { BackpressureResult, FloodResult, Reply, SeqState, StopInFlightResult } from './fixtures/smp-protocol';

// Shards on real worker threads (the compiled fixtures/smp-worker.ts: run `npx tsc -b` first).

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('Smp across worker threads', () => {
  let shards: TestShards | undefined;
  afterEach(async () => {
    await shards?.terminate();
    shards = undefined;
  });

  test('every pair of 4 shards: messages arrive exactly once and in order, with full rings', async () => {
    const n = 4;
    const count = 1500;
    shards = new TestShards(n, { ringCapacityBytes: 1024, maxPendingMessages: 8 });
    const all = [...Array(n).keys()];
    const floods = await Promise.all(
      all.map((shard) =>
        shards!.call<FloodResult>(shard, {
          cmd: 'flood',
          args: { targets: all.filter((t) => t !== shard), count, seed: 1 + shard, maxPadBytes: 120, invokeEvery: 5, burst: 16 },
        }),
      ),
    );
    for (const flood of floods) {
      expect(flood.invokeFailures).toEqual([]);
      expect(flood.sent).toBe(count * (n - 1));
    }
    let fullRingWaits = 0;
    let blockedSends = 0;
    for (const shard of all) {
      const state = await shards.call<SeqState>(shard, { cmd: 'seq-state' });
      expect(state.violations).toEqual([]);
      expect(state.expected).toEqual(all.map((from) => (from === shard ? 0 : count)));
      const stats = await shards.call<SmpStats>(shard, { cmd: 'stats' });
      for (const peer of stats.peers) {
        expect(peer.pendingMessagesMax).toBeLessThanOrEqual(8);
        expect(peer.inFlightRequests).toBe(0);
        fullRingWaits += peer.fullRingWaits;
        blockedSends += peer.blockedSends;
      }
    }
    // The small rings really filled up, and senders really waited for admission.
    expect(fullRingWaits).toBeGreaterThan(0);
    expect(blockedSends).toBeGreaterThan(0);
  });

  test('handler errors return with their code across threads; the shard keeps serving', async () => {
    shards = new TestShards(2);
    await expect(shards.error(0, { cmd: 'invoke', shard: 1, verb: 'fail-coded', payload: { code: 'X_BAD', message: 'bad thing' } })).resolves.toEqual({
      code: 'X_BAD',
      message: 'bad thing',
    });
    await expect(shards.error(0, { cmd: 'invoke', shard: 1, verb: 'fail-plain', payload: { message: 'no code' } })).resolves.toEqual({
      code: 'SMP_REMOTE_ERROR',
      message: 'no code',
    });
    await expect(shards.error(0, { cmd: 'invoke', shard: 1, verb: 'fail-async', payload: { code: 'X_LATER', message: 'later' } })).resolves.toEqual({
      code: 'X_LATER',
      message: 'later',
    });
    await expect(shards.error(0, { cmd: 'invoke', shard: 1, verb: 'no-such-verb', payload: null })).resolves.toMatchObject({ code: 'SMP_UNKNOWN_VERB' });
    await expect(shards.call(0, { cmd: 'invoke', shard: 1, verb: 'echo', payload: { still: 'serving' } })).resolves.toEqual({ still: 'serving' });
    await expect(shards.call(1, { cmd: 'invoke-all', verb: 'shard-id', payload: null })).resolves.toEqual([0, 1]);
    await expect(shards.call(0, { cmd: 'map-reduce-sum', verb: 'shard-id', payload: null })).resolves.toBe(1);
  });

  test('a timeout gives SMP_TIMEOUT; the late answer is dropped and counted', async () => {
    shards = new TestShards(2);
    await expect(shards.error(0, { cmd: 'invoke', shard: 1, verb: 'hold', payload: null, timeoutMs: 30 })).resolves.toMatchObject({ code: 'SMP_TIMEOUT' });
    await shards.call(1, { cmd: 'release' });
    await shards.call(0, { cmd: 'invoke', shard: 1, verb: 'echo', payload: 'after' }); // behind the late answer
    const stats = await shards.call<SmpStats>(0, { cmd: 'stats' });
    expect(stats.peers[1]).toMatchObject({ timeouts: 1, lateResponses: 1, inFlightRequests: 0 });
  });

  test('stop while requests are in flight fails them promptly, on both sides, and the thread exits', async () => {
    shards = new TestShards(2, { ringCapacityBytes: 1024, maxPendingMessages: 4 });
    // Shard 1 also waits on shard 0, which will never answer before it stops.
    await shards.call(1, { cmd: 'pending-requests', shard: 0, verb: 'hold', count: 5 });
    // 200 held requests (more than the ring and the pending bound take) and 200 sends.
    const result = await shards.call<StopInFlightResult>(0, { cmd: 'stop-in-flight', args: { target: 1, requests: 200, sends: 200 } });
    expect(result.stopMs).toBeLessThan(1000);
    expect(new Set(result.outcomes)).toEqual(new Set(['SMP_STOPPED']));
    expect(result.afterStop).toBe('SMP_STOPPED');
    await expect(shards.call<string[]>(1, { cmd: 'settled' })).resolves.toEqual(Array(5).fill('SMP_PEER_STOPPED'));
    // Shard 0 holds no handle of its own once stopped: closing its port lets the thread end.
    let timer: NodeJS.Timeout | undefined;
    const exited = new Promise<number | string>((resolve) => {
      shards!.workers[0]!.once('exit', resolve);
      timer = setTimeout(() => resolve('still running after 5 s'), 5000);
    });
    await shards.call(0, { cmd: 'exit' });
    await expect(exited).resolves.toBe(0);
    clearTimeout(timer);
  });

  test.each([true, false])('keepAlive=%s decides whether a shard holding no handle lives to see the answer to its request', async (keepAlive) => {
    shards = new TestShards(2, { keepAlive, scripts: { 0: compiledFixture('smp-keepalive-worker') } });
    const worker = shards.workers[0]!;
    const answers: unknown[] = [];
    worker.on('message', (reply: Reply) => answers.push(reply.outcome));
    const exitCode = await new Promise<number>((resolve) => worker.once('exit', resolve));
    expect(exitCode).toBe(0);
    // With keepAlive off, the thread ends while the request is still in flight.
    expect(answers).toEqual(keepAlive ? [{ ok: true, value: 'delayed' }] : []);
  });

  test('backpressure bounds what waits to enter a full ring (slow consumer, fast producer)', async () => {
    const bound = 16;
    shards = new TestShards(2, { ringCapacityBytes: 2048, maxPendingMessages: bound });
    const count = 3000;
    const result = await shards.call<BackpressureResult>(0, { cmd: 'backpressure', args: { target: 1, count, padBytes: 40, burst: 64 } });
    expect(result.maxPendingSeen).toBeLessThanOrEqual(bound);
    expect(result.pendingMessagesMax).toBe(bound); // the bound was reached, never passed
    expect(result.fullRingWaits).toBeGreaterThan(0);
    expect(result.blockedSends).toBeGreaterThan(0);
    const state = await shards.call<SeqState>(1, { cmd: 'seq-state' });
    expect(state.violations).toEqual([]);
    expect(state.expected[0]).toBe(count);
  });

  test('idle shards use no CPU', async () => {
    const n = 4;
    shards = new TestShards(n, { ringCapacityBytes: 4096 });
    const all = [...Array(n).keys()];
    // Some traffic first, so every shard has been woken and gone back to sleep.
    await Promise.all(
      all.map((shard) =>
        shards!.call(shard, { cmd: 'flood', args: { targets: all.filter((t) => t !== shard), count: 200, seed: shard + 7, maxPadBytes: 50, invokeEvery: 3, burst: 32 } }),
      ),
    );
    await sleep(100);
    const elu0 = shards.workers.map((w) => w.performance.eventLoopUtilization());
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(300);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const utilization = shards.workers.map((w, i) => w.performance.eventLoopUtilization(elu0[i]).utilization);
    // A polling loop would keep a worker's event loop busy (~1.0) and burn ~a core.
    for (const u of utilization) expect(u).toBeLessThan(0.05);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(wallMs * 0.3);
    // And the shards still wake up when a message arrives.
    await expect(shards.call(3, { cmd: 'invoke', shard: 0, verb: 'echo', payload: 'wake' })).resolves.toBe('wake');
  });
});
