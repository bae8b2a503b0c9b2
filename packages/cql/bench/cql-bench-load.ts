// The CQL benchmark's load generator: a child process of cql.bench.ts (so the driver's CPU
// is not in the node's /proc accounting) that drives a node through cassandra-driver with
// prepared single-row INSERTs and SELECTs by primary key (bigint pk, bigint ck, 100-byte
// blob, CL ONE). It obeys one command per stdin line and answers one JSON line on stdout
// (cql-bench-protocol.ts); it exits when stdin closes, so it never outlives the benchmark.
// Run by the benchmark only: node dist/bench/cql-bench-load.js '<LoadConfig JSON>'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Client, types } from 'cassandra-driver';
import { LatencyHistogram } from './cql-bench-histogram';
import { executeCountsByShard, sharesBetween } from './cql-bench-metrics';
import type { LatencySummary, LoadCommand, LoadConfig, LoadReply, Operation, PhaseResult } from './cql-bench-protocol';

const KEYSPACE = 'cql_bench';
const TABLE = 'rows';
const INSERT_CQL = `INSERT INTO ${KEYSPACE}.${TABLE} (pk, ck, v) VALUES (?, ?, ?)`;
const SELECT_CQL = `SELECT pk, ck, v FROM ${KEYSPACE}.${TABLE} WHERE pk = ? AND ck = ?`;
const VALUE_BYTES = 100;
const VALUE = Buffer.from(Array.from({ length: VALUE_BYTES }, (_, i) => (i * 31 + 7) & 0xff));
const EXEC_OPTIONS = { prepare: true, consistency: types.consistencies.one };
/** The connection-balance probe: this many INSERTs, this many at a time. */
const PROBE_REQUESTS = 4000;
const PROBE_IN_FLIGHT = 64;
/** Connections count as balanced when every shard's share of requests is within ±25 % of an even split. */
const BALANCE_TOLERANCE = 0.25;
/** At most this many requests outstanding in a fixed-rate phase, per connection (the driver allows 2048). */
const FIXED_RATE_IN_FLIGHT_PER_CONNECTION = 1024;
/** Resolution of the load generator's event-loop delay monitor, ms. */
const LOOP_DELAY_RESOLUTION_MS = 1;
/** Error messages kept per phase for the report. */
const MAX_ERROR_SAMPLES = 5;

/** Counters of one phase. */
interface PhaseCounters {
  ops: number;
  errors: number;
  misses: number;
  errorSamples: string[];
}

function summarize(h: LatencyHistogram): LatencySummary {
  return {
    count: h.count,
    p50Us: h.percentileUs(0.5),
    p99Us: h.percentileUs(0.99),
    p999Us: h.percentileUs(0.999),
    maxUs: h.maxUs,
    meanUs: Math.round(h.meanUs),
  };
}

/** Watches this process's event loop for the length of one phase. */
function startLoopDelay(): IntervalHistogram & { disable(): boolean } {
  const h = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  h.enable();
  return h;
}

/** mulberry32: a small seeded generator, so read keys are the same from run to run. */
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

/** Owns the driver client and the key space written so far (keys 0 .. keysWritten-1). */
class LoadGenerator {
  private client: Client | null = null;
  private keysWritten = 0;
  private readonly random: () => number;

  constructor(private readonly config: LoadConfig) {
    this.random = seededRandom(config.seed);
  }

  async setup(): Promise<LoadReply> {
    let client = await this.connect();
    await client.execute(`CREATE KEYSPACE ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute(`CREATE TABLE ${KEYSPACE}.${TABLE} (pk bigint, ck bigint, v blob, PRIMARY KEY (pk, ck))`);
    // cassandra-driver is not shard-aware: the kernel hashes each connection to a shard.
    // Reconnect until the requests spread evenly, as a shard-aware driver's would.
    for (let attempt = 1; ; attempt++) {
      const before = await executeCountsByShard(this.config.metricsUrl, this.config.shardCount);
      const counters: PhaseCounters = { ops: 0, errors: 0, misses: 0, errorSamples: [] };
      let issued = 0;
      const lane = async (): Promise<void> => {
        while (issued++ < PROBE_REQUESTS) await this.request('insert', counters);
      };
      await Promise.all(Array.from({ length: PROBE_IN_FLIGHT }, lane));
      if (counters.errors > 0) throw new Error(`probe INSERTs failed: ${counters.errorSamples.join('; ')}`);
      const shares = sharesBetween(before, await executeCountsByShard(this.config.metricsUrl, this.config.shardCount));
      const even = 1 / this.config.shardCount;
      const balanced = shares.every((s) => Math.abs(s - even) <= BALANCE_TOLERANCE * even);
      if (balanced || attempt >= this.config.balanceAttempts) {
        return { kind: 'setup-done', attempts: attempt, balanced, shardShares: shares, keysWritten: this.keysWritten };
      }
      await client.shutdown();
      this.client = null;
      client = await this.connect();
    }
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      contactPoints: [this.config.contactPoint],
      localDataCenter: 'datacenter1',
      pooling: { coreConnectionsPerHost: { [types.distance.local]: this.config.connections } },
    });
    await client.connect();
    this.client = client;
    return client;
  }

  /** One request; failures are counted (and sampled) in `c`, never thrown. */
  private async request(op: Operation, c: PhaseCounters): Promise<void> {
    const client = this.client!;
    try {
      if (op === 'insert') {
        const key = types.Long.fromNumber(this.keysWritten++);
        await client.execute(INSERT_CQL, [key, key, VALUE], EXEC_OPTIONS);
      } else {
        const key = types.Long.fromNumber(Math.floor(this.random() * this.keysWritten));
        const rs = await client.execute(SELECT_CQL, [key, key], EXEC_OPTIONS);
        if (rs.rowLength !== 1) c.misses++;
      }
    } catch (err) {
      c.errors++;
      if (c.errorSamples.length < MAX_ERROR_SAMPLES) c.errorSamples.push(String(err));
    }
    c.ops++;
  }

  /** `inFlight` closed-loop lanes for `seconds`; each lane's next request starts when its last one ends. */
  async saturated(op: Operation, seconds: number, inFlight: number): Promise<PhaseResult> {
    const latency = new LatencyHistogram();
    const c: PhaseCounters = { ops: 0, errors: 0, misses: 0, errorSamples: [] };
    const loop = startLoopDelay();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const until = t0 + seconds * 1000;
    const lane = async (): Promise<void> => {
      while (performance.now() < until) {
        const start = performance.now();
        await this.request(op, c);
        latency.record((performance.now() - start) * 1000);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    return this.result(op, 'saturated', c, t0, cpu0, loop, { latency: summarize(latency) });
  }

  /**
   * Open loop: request i is due at t0 + i / rate and its latency counts from then, so a
   * stalled server is charged for every request it delayed (no coordinated omission).
   * Requests are started from a timer (about 1 ms granularity, so the lag is reported too),
   * at most FIXED_RATE_IN_FLIGHT_PER_CONNECTION per connection outstanding.
   */
  async fixedRate(op: Operation, seconds: number, ratePerSec: number): Promise<PhaseResult> {
    const latency = new LatencyHistogram();
    const service = new LatencyHistogram();
    const c: PhaseCounters = { ops: 0, errors: 0, misses: 0, errorSamples: [] };
    const maxInFlight = FIXED_RATE_IN_FLIGHT_PER_CONNECTION * this.config.connections;
    const total = Math.max(1, Math.floor(ratePerSec * seconds));
    const intervalMs = 1000 / ratePerSec;
    const loop = startLoopDelay();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let issued = 0;
    let inFlight = 0;
    let lagSumMs = 0;
    await new Promise<void>((resolve) => {
      const start = (intended: number): void => {
        const sent = performance.now();
        lagSumMs += sent - intended;
        inFlight++;
        void this.request(op, c).then(() => {
          const end = performance.now();
          latency.record((end - intended) * 1000);
          service.record((end - sent) * 1000);
          inFlight--;
          if (c.ops === total) resolve();
        });
      };
      const tick = (): void => {
        const now = performance.now();
        while (issued < total && inFlight < maxInFlight && t0 + issued * intervalMs <= now) start(t0 + issued++ * intervalMs);
        if (issued < total) setTimeout(tick, Math.max(0, t0 + issued * intervalMs - performance.now()));
      };
      tick();
    });
    return this.result(op, 'fixed-rate', c, t0, cpu0, loop, {
      latency: summarize(latency),
      serviceLatency: summarize(service),
      meanStartLagUs: Math.round((lagSumMs / total) * 1000),
      ratePerSec: Math.round(ratePerSec),
    });
  }

  private result(
    op: Operation,
    mode: PhaseResult['mode'],
    c: PhaseCounters,
    t0: number,
    cpu0: NodeJS.CpuUsage,
    loop: IntervalHistogram & { disable(): boolean },
    extra: Pick<PhaseResult, 'latency' | 'serviceLatency' | 'meanStartLagUs' | 'ratePerSec'>,
  ): PhaseResult {
    const elapsedSec = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    loop.disable();
    return {
      op,
      mode,
      ops: c.ops,
      errors: c.errors,
      errorSamples: c.errorSamples,
      misses: c.misses,
      elapsedSec: Math.round(elapsedSec * 1000) / 1000,
      opsPerSec: Math.round(c.ops / elapsedSec),
      driverLoopDelayP99Us: Math.round(loop.percentile(99) / 1000),
      driverLoopDelayMaxUs: Math.round(loop.max / 1000),
      driverCpuUsPerOp: c.ops === 0 ? 0 : Math.round((cpu.user + cpu.system) / c.ops),
      ...extra,
    };
  }

  async close(): Promise<void> {
    await this.client?.shutdown();
    this.client = null;
  }
}

async function handle(gen: LoadGenerator, cmd: LoadCommand): Promise<LoadReply | null> {
  switch (cmd.kind) {
    case 'setup':
      return gen.setup();
    case 'saturated':
      return { kind: 'phase-done', result: await gen.saturated(cmd.op, cmd.seconds, cmd.inFlight) };
    case 'fixed-rate':
      return { kind: 'phase-done', result: await gen.fixedRate(cmd.op, cmd.seconds, cmd.ratePerSec) };
    case 'quit':
      return null;
  }
}

function reply(msg: LoadReply): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

function main(): void {
  const gen = new LoadGenerator(JSON.parse(process.argv[2] ?? '') as LoadConfig);
  const lines = createInterface({ input: process.stdin });
  // Commands run one after another: the parent waits for each reply anyway.
  let chain = Promise.resolve();
  const finish = (): void => {
    chain = chain.then(() => gen.close()).then(() => process.exit(0));
  };
  lines.on('line', (line) => {
    chain = chain.then(async () => {
      const cmd = JSON.parse(line) as LoadCommand;
      try {
        const out = await handle(gen, cmd);
        if (out === null) {
          lines.close();
          return;
        }
        reply(out);
      } catch (err) {
        process.stderr.write(`cql-bench-load: ${cmd.kind} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        reply({ kind: 'error', message: `${cmd.kind}: ${String(err)}` });
      }
    });
  });
  lines.once('close', finish);
}

main();
