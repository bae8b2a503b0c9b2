// smp benchmark: two shards (worker threads) over one set of SmpBuffers.
//   1. one-way small messages per second (send(), ~30-byte messages)
//   2. pipelined request/response round trips per second (many in flight)
//   3. ping-pong latency at depth 1 (p50, p99)
// Run with `npx tsc -b && node tools/dev/bench.mjs smp`. Prints BENCH lines (DESIGN.md §8).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { reportBench } from '../src/bench/bench-report';
import { createSmpBuffers, Smp, type SmpBuffers } from '../src/smp';

const ONE_WAY_MESSAGES = 3_000_000;
const ONE_WAY_BURST = 256;
const ROUND_TRIPS = 1_000_000;
const PIPELINE_DEPTH = 512;
const PING_PONGS = 20_000;
const WARMUP_MESSAGES = 200_000;

interface BenchWorkerData {
  shardId: number;
  buffers: SmpBuffers;
}

interface Results {
  oneWayPerSec: number;
  oneWayBatch: number;
  oneWayNotifies: number;
  roundTripsPerSec: number;
  roundTripNotifies: number;
  pingP50Us: number;
  pingP99Us: number;
  payloadBytes: number;
}

const PAYLOAD = { i: 0, s: 'abcdefghijkl' };

async function oneWay(smp: Smp, count: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  let last: Promise<void> = Promise.resolve();
  for (let i = 0; i < count; i++) {
    PAYLOAD.i = i;
    last = smp.send(1, 'sink', PAYLOAD);
    if ((i & (ONE_WAY_BURST - 1)) === ONE_WAY_BURST - 1) await last;
  }
  await last;
  const received = await smp.invokeOn<number>(1, 'sink-count', null);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (received < count) throw new Error(`sink saw ${received} of ${count} messages`);
  return count / seconds;
}

async function pipelined(smp: Smp, count: number, depth: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  let started = 0;
  let done = 0;
  await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      if (++done === count) resolve();
      else if (started < count) start();
    };
    const start = (): void => {
      started++;
      smp.invokeOn(1, 'echo', started).then(next, reject);
    };
    for (let i = 0; i < depth && started < count; i++) start();
  });
  return count / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function pingPong(smp: Smp, count: number): Promise<number[]> {
  const latenciesUs: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await smp.invokeOn(1, 'echo', i);
    latenciesUs.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return latenciesUs.sort((a, b) => a - b);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function driver(smp: Smp): Promise<Results> {
  await oneWay(smp, WARMUP_MESSAGES);
  await pipelined(smp, WARMUP_MESSAGES / 4, PIPELINE_DEPTH);
  const before = smp.stats().peers[1]!;
  const oneWayPerSec = await oneWay(smp, ONE_WAY_MESSAGES);
  const after = smp.stats().peers[1]!;
  const roundTripsPerSec = await pipelined(smp, ROUND_TRIPS, PIPELINE_DEPTH);
  const afterRoundTrips = smp.stats().peers[1]!;
  const sorted = await pingPong(smp, PING_PONGS);
  return {
    oneWayPerSec,
    oneWayBatch: (after.messagesSent - before.messagesSent) / Math.max(1, after.batchesSent - before.batchesSent),
    oneWayNotifies: after.notifies - before.notifies,
    roundTripsPerSec,
    roundTripNotifies: afterRoundTrips.notifies - after.notifies,
    pingP50Us: percentile(sorted, 0.5),
    pingP99Us: percentile(sorted, 0.99),
    payloadBytes: Math.round((after.bytesSent - before.bytesSent) / Math.max(1, after.messagesSent - before.messagesSent)),
  };
}

function shardMain(data: BenchWorkerData): void {
  const port = parentPort!;
  const smp = new Smp(data.shardId, data.buffers);
  let sunk = 0;
  smp.registerVerb('sink', () => {
    sunk++;
  });
  smp.registerVerb('sink-count', () => sunk);
  smp.registerVerb('echo', (p) => p);
  port.on('message', (cmd: string) => {
    if (cmd === 'run') {
      driver(smp).then(
        (results) => port.postMessage(results),
        (err: unknown) => {
          throw err;
        },
      );
    } else if (cmd === 'stop') {
      void smp.stop().then(() => port.close());
    }
  });
}

async function main(): Promise<void> {
  const buffers = createSmpBuffers(2);
  const workers = [0, 1].map((shardId) => new Worker(__filename, { workerData: { shardId, buffers } satisfies BenchWorkerData }));
  const results = await new Promise<Results>((resolve, reject) => {
    workers[0]!.once('message', resolve);
    for (const w of workers) w.once('error', reject);
    workers[0]!.postMessage('run');
  });
  for (const w of workers) w.postMessage('stop');
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
  const common = { shards: 2, ringCapacityBytes: buffers.ringCapacityBytes };
  reportBench({ suite: 'core', metric: 'smp_one_way_msgs_per_s', value: Math.round(results.oneWayPerSec), unit: 'msgs/s', target: 1_000_000, messageBytes: results.payloadBytes, avgBatch: Math.round(results.oneWayBatch), burst: ONE_WAY_BURST, messages: ONE_WAY_MESSAGES, notifies: results.oneWayNotifies, ...common });
  reportBench({ suite: 'core', metric: 'smp_round_trips_per_s', value: Math.round(results.roundTripsPerSec), unit: 'req/s', target: 200_000, depth: PIPELINE_DEPTH, requests: ROUND_TRIPS, notifies: results.roundTripNotifies, ...common });
  reportBench({ suite: 'core', metric: 'smp_ping_pong_latency_p50', value: Math.round(results.pingP50Us * 10) / 10, unit: 'us', depth: 1, ...common });
  reportBench({ suite: 'core', metric: 'smp_ping_pong_latency_p99', value: Math.round(results.pingP99Us * 10) / 10, unit: 'us', depth: 1, ...common });
}

if (isMainThread) {
  main().catch((err: unknown) => {
    process.stderr.write(`smp bench failed: ${String(err)}\n`);
    process.exitCode = 1;
  });
} else {
  shardMain(workerData as BenchWorkerData);
}
