// CQL end to end (suite "cql"): a real node process (`charybdis --smp 2 --memory 2G`,
// commitlog_sync periodic, scratch folder, free ports) driven by tools/stress (one stress
// process per phase, cql-bench-stress.ts), so the node's /proc CPU time is its own.
// Prepared single-row statements on (pk bigint, ck bigint, v blob(100)), CL ONE:
//   connections: stress reconnects until its connections spread evenly over the shards
//       (the driver is not shard-aware), as a shard-aware driver's would.
//   warm-up: each stress run first runs its own load unmeasured: CQL_BENCH_WARMUP_SECONDS
//       before the first phase, half that before the others (a fresh process is cold).
//   insert|select.saturated: CQL_BENCH_IN_FLIGHT requests outstanding for CQL_BENCH_SECONDS
//       (INSERTs write new rows in order; SELECTs pick written rows uniformly at random):
//       ops/s, p50/p99, and the node's CPU µs per operation (utime + stime of
//       /proc/<pid>/stat around the measured run / operations).
//   insert|select.fixed_rate: CQL_BENCH_RATE_FRACTION (1/2) of the saturated rate for
//       CQL_BENCH_SECONDS, open loop (stress --rate): latency from each request's intended
//       start (no coordinated omission), plus the service time from its actual start, and
//       the node's own latency (decode to response, from its cql_request_latency_us
//       histogram: nodeP50AtMostMs/nodeP99AtMostMs are bucket bounds, within 2x above) — what
//       the node adds, apart from the client, the kernel and CPU contention on the machine;
//       and the node's event-loop delay (nodeLoopDelayP99Ms/MaxMs, worst shard, from its
//       reactor_loop_delay_* gauges): how long an arriving request waited before it was read,
//       which the request histogram does not see. The driver's own loop delay is beside it.
// Targets (DESIGN.md §5a, the CQL issue): <= 50 µs of node CPU per write and per read;
// p99 <= 5 ms at half the saturated rate. The driver and the node share the machine's
// cores, so saturated figures are pessimistic where cores are few.
// Env: CQL_BENCH_SECONDS (15), CQL_BENCH_WARMUP_SECONDS (5), CQL_BENCH_IN_FLIGHT (128),
// CQL_BENCH_CONNECTIONS (2), CQL_BENCH_SMP (2), CQL_BENCH_MEMORY (2G), CQL_BENCH_RATE_FRACTION
// (0.5), CQL_BENCH_DIR (scratch parent; else the OS temp folder), CQL_BENCH_PROFILE_DIR
// (when set: the node runs with --cpu-prof into it, each shard worker writes its own
// profile, and the fixed-rate phases are skipped so the profile is the saturated load;
// summarize one with node packages/cql/dist/bench/cql-bench-profile-top.js FILE),
// CQL_BENCH_NODE_LOG (a file that also gets the node's log lines, e.g. to line up latency
// spikes with memtable flushes), CQL_BENCH_SHARD_AWARE=1 (stress --shard-aware: every request
// goes to a connection of the shard owning its partition, as with ScyllaDB's shard-aware
// drivers, so none crosses shards inside the node; the default is cassandra-driver's
// behaviour, where half the requests land on the other shard).
// Run: npx tsc -b && node tools/dev/bench.mjs cql (the build includes tools/stress)
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reportBench } from '@charybdis/core';
import { nodeLatencyQuantileMs, readNodeCounters, sharesBetween } from './cql-bench-metrics';
import type { NodeCounters } from './cql-bench-metrics';
import { BenchNode, clockTicksPerSec, freePorts, processCpuUs } from './cql-bench-node';
import { runStress } from './cql-bench-stress';
import type { StressSummary } from './cql-bench-stress';

const SUITE = 'cql';
const SECONDS = envNumber('CQL_BENCH_SECONDS', 15, 1);
const WARMUP_SECONDS = envNumber('CQL_BENCH_WARMUP_SECONDS', 5, 0);
const IN_FLIGHT = envNumber('CQL_BENCH_IN_FLIGHT', 128, 1);
const CONNECTIONS = envNumber('CQL_BENCH_CONNECTIONS', 2, 1);
const SMP = envNumber('CQL_BENCH_SMP', 2, 1);
const MEMORY = process.env.CQL_BENCH_MEMORY ?? '2G';
const RATE_FRACTION = envNumber('CQL_BENCH_RATE_FRACTION', 0.5, 0.01);
const PROFILE_DIR = process.env.CQL_BENCH_PROFILE_DIR;
const NODE_LOG = process.env.CQL_BENCH_NODE_LOG;
/** Stress routes each request to its partition's shard (as a shard-aware driver would); CQL_BENCH_CONNECTIONS then spread over the shards. */
const SHARD_AWARE = process.env.CQL_BENCH_SHARD_AWARE === '1';
/** Connection sets stress tries before settling for an uneven one. */
const BALANCE_ATTEMPTS = 8;
/** Fixed-rate phases: at most this many requests outstanding per connection (the driver allows 2048). */
const FIXED_RATE_IN_FLIGHT_PER_CONNECTION = 1024;
const KEYSPACE = 'cql_bench';
/** Rows of the sequential INSERT phases never wrap around. */
const WRITE_POPULATION = 2 ** 40;
const SEED = 0x5eed;
const TARGET_CPU_US_PER_OP = 50;
const TARGET_P99_MS_AT_FIXED_RATE = 5;
const NODE_READY_TIMEOUT_MS = 60_000;
/** The node flushes its memtables when it stops; then it is killed. */
const NODE_STOP_TIMEOUT_MS = 60_000;

function envNumber(name: string, dflt: number, min: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name}=${v}: expected a number >= ${min}`);
  return n;
}

type Operation = 'insert' | 'select';

/** A phase with the node's side of it. */
interface MeasuredPhase {
  result: StressSummary;
  serverCpuUsPerOp: number;
  /** Node CPU over the phase in cores (1 = one core busy throughout). */
  serverCores: number;
  /** Each shard's share of the phase's EXECUTE requests (which connections carried them). */
  shardShares: number[];
  /** The node's own p50/p99 (decode to response, its histogram's bucket bound), ms. */
  nodeP50Ms: number | null;
  nodeP99Ms: number | null;
  /** The node's event-loop delay over the measured run (worst shard), ms. */
  nodeLoopDelayP99Ms: number;
  nodeLoopDelayMaxMs: number;
}

/** What the benchmark started, so every path out can stop it. */
class Resources {
  node: BenchNode | null = null;
  /** The stress run under way, if any. */
  stress: ChildProcess | null = null;
  private cleaned: Promise<void> | null = null;

  constructor(readonly dir: string) {}

  cleanup(): Promise<void> {
    this.cleaned ??= (async () => {
      // SIGTERM: stress stops starting requests, lets the outstanding ones finish and exits.
      this.stress?.kill('SIGTERM');
      const code = await this.node?.stop(NODE_STOP_TIMEOUT_MS);
      if (code !== undefined && code !== 0) process.stderr.write(`cql bench: the node exited with ${code}:\n${this.node!.recentOutput()}\n`);
      fs.rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.cleaned;
  }
}

/** The scratch parent: CQL_BENCH_DIR, else the OS temp folder. */
function scratchParent(): string {
  const dir = process.env.CQL_BENCH_DIR ?? os.tmpdir();
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** What the stress run of a phase is given, besides the common options. */
interface PhaseArgs {
  op: Operation;
  warmupSeconds: number;
  /** Closed loop when absent. */
  ratePerSec?: number;
  /** INSERTs: the first new row. SELECTs: rows 0 .. this - 1 exist. */
  rows: number;
}

function stressArgs(contactPoint: string, p: PhaseArgs): string[] {
  const [host, port] = contactPoint.split(':') as [string, string];
  const perConnection = p.ratePerSec === undefined ? Math.ceil(IN_FLIGHT / CONNECTIONS) : FIXED_RATE_IN_FLIGHT_PER_CONNECTION;
  return [
    p.op === 'insert' ? 'write' : 'read',
    '--host', host, '--port', port, '--keyspace', KEYSPACE, '--cl', 'ONE', '--value-size', '100',
    ...(SHARD_AWARE
      ? ['--shard-aware', '--connections', String(Math.max(1, Math.round(CONNECTIONS / SMP)))]
      : ['--connections', String(CONNECTIONS), '--balance-attempts', String(BALANCE_ATTEMPTS)]),
    '--concurrency', String(perConnection),
    '--duration', `${SECONDS}s`, '--warmup', `${p.warmupSeconds}s`, '--seed', String(SEED),
    ...(p.op === 'insert' ? ['--dist', 'seq', '--first-key', String(p.rows), '--population', String(WRITE_POPULATION)] : ['--dist', 'uniform', '--population', String(Math.max(1, p.rows))]),
    ...(p.ratePerSec === undefined ? [] : ['--rate', String(Math.round(p.ratePerSec))]),
  ];
}

async function measure(r: Resources, ticksPerSec: number, metricsUrl: string, contactPoint: string, p: PhaseArgs): Promise<MeasuredPhase> {
  const node = r.node!;
  let counts0: NodeCounters = { executes: [], latencyBuckets: new Map(), loopDelayP99Ms: NaN, loopDelayMaxMs: NaN };
  let counts1: NodeCounters = counts0;
  let cpu0 = 0;
  let cpuUs = 0;
  let startMs = 0;
  const result = await runStress(stressArgs(contactPoint, p), {
    onMeasureStart: async () => {
      cpu0 = processCpuUs(node.pid, ticksPerSec);
      startMs = Date.now();
      counts0 = await readNodeCounters(metricsUrl, SMP);
    },
    onMeasureEnd: async () => {
      cpuUs = processCpuUs(node.pid, ticksPerSec) - cpu0;
      counts1 = await readNodeCounters(metricsUrl, SMP);
    },
    onProcess: (proc) => (r.stress = proc),
  });
  const mode = p.ratePerSec === undefined ? 'saturated' : 'fixed-rate';
  process.stderr.write(`cql bench: ${p.op} ${mode} ran ${startMs}..${startMs + Math.round(result.elapsedSec * 1000)} (epoch ms, as the node's log 'time')`);
  if (result.shards !== null) process.stderr.write(`; connections on shards ${result.shards.perConnection.join(',')} after ${result.shards.attempts} attempt(s)${result.shards.balanced ? '' : ' (uneven)'}`);
  process.stderr.write('\n');
  if (result.errors > 0) {
    const samples = Object.entries(result.errorsByKind).map(([kind, e]) => `${kind} x${e.count}: ${e.sample}`);
    process.stderr.write(`cql bench: ${p.op} ${mode}: ${result.errors} errors, ${samples.join(' | ')}\n`);
  }
  return {
    result,
    serverCpuUsPerOp: result.ops === 0 ? 0 : Math.round(cpuUs / result.ops),
    serverCores: Math.round((cpuUs / 1e6 / result.elapsedSec) * 100) / 100,
    shardShares: sharesBetween(counts0.executes, counts1.executes),
    nodeP50Ms: nodeLatencyQuantileMs(counts0, counts1, 0.5),
    nodeP99Ms: nodeLatencyQuantileMs(counts0, counts1, 0.99),
    // The reading at the start reset the node's loop-delay window: this one covers the run.
    nodeLoopDelayP99Ms: counts1.loopDelayP99Ms,
    nodeLoopDelayMaxMs: counts1.loopDelayMaxMs,
  };
}

/** Rows a phase added: its warm-up and its measured run (a sequential write continues through both). */
const rowsWritten = (s: StressSummary): number => (s.warmup?.ops ?? 0) + s.ops;

/** The stress process's event-loop delay: latency lost on the client side of the machine. */
const driverLoop = (r: StressSummary): Record<string, number> => ({ driverLoopDelayP99Ms: r.client.loopDelayP99Ms, driverLoopDelayMaxMs: r.client.loopDelayMaxMs });

function reportSaturated(op: Operation, p: MeasuredPhase): void {
  const r = p.result;
  const inFlight = Math.ceil(IN_FLIGHT / CONNECTIONS) * CONNECTIONS;
  const common = { inFlight, connections: CONNECTIONS, shardAware: SHARD_AWARE, smp: SMP, seconds: r.elapsedSec, ops: r.ops, errors: r.errors, misses: r.misses, shardShares: p.shardShares };
  reportBench({ suite: SUITE, metric: `${op}.saturated.ops_per_s`, value: r.opsPerSec, unit: 'ops/s', ...common, note: 'driver and node share the cores: pessimistic on small machines' });
  reportBench({ suite: SUITE, metric: `${op}.saturated.p50_ms`, value: r.latencyMs.p50, unit: 'ms', inFlight });
  reportBench({ suite: SUITE, metric: `${op}.saturated.p99_ms`, value: r.latencyMs.p99, unit: 'ms', inFlight, p999Ms: r.latencyMs.p999, maxMs: r.latencyMs.max, ...driverLoop(r) });
  reportBench({
    suite: SUITE,
    metric: `${op}.saturated.server_cpu_us_per_op`,
    value: p.serverCpuUsPerOp,
    unit: 'us/op',
    target: `<= ${TARGET_CPU_US_PER_OP}`,
    met: p.serverCpuUsPerOp <= TARGET_CPU_US_PER_OP,
    serverCores: p.serverCores,
    driverCpuUsPerOp: r.client.cpuUsPerOp,
  });
}

function reportFixedRate(op: Operation, p: MeasuredPhase): void {
  const r = p.result;
  const fixed = r.fixedRate!;
  const common = { shardAware: SHARD_AWARE, ratePerSec: fixed.targetOpsPerSec, achievedOpsPerSec: r.opsPerSec, rateFraction: RATE_FRACTION, errors: r.errors, misses: r.misses };
  reportBench({ suite: SUITE, metric: `${op}.fixed_rate.p50_ms`, value: r.latencyMs.p50, unit: 'ms', ...common, serviceP50Ms: fixed.serviceLatencyMs.p50, nodeP50AtMostMs: p.nodeP50Ms });
  reportBench({
    suite: SUITE,
    metric: `${op}.fixed_rate.p99_ms`,
    value: r.latencyMs.p99,
    unit: 'ms',
    target: `<= ${TARGET_P99_MS_AT_FIXED_RATE}`,
    met: r.latencyMs.p99 <= TARGET_P99_MS_AT_FIXED_RATE,
    ...common,
    p999Ms: r.latencyMs.p999,
    maxMs: r.latencyMs.max,
    serviceP99Ms: fixed.serviceLatencyMs.p99,
    nodeP99AtMostMs: p.nodeP99Ms,
    nodeLoopDelayP99Ms: p.nodeLoopDelayP99Ms,
    nodeLoopDelayMaxMs: p.nodeLoopDelayMaxMs,
    meanStartLagMs: fixed.startLagMs.mean,
    ...driverLoop(r),
    note: 'from the intended start (open loop); includes the ~1 ms timer granularity (meanStartLagMs)',
  });
  reportBench({
    suite: SUITE,
    metric: `${op}.fixed_rate.server_cpu_us_per_op`,
    value: p.serverCpuUsPerOp,
    unit: 'us/op',
    target: `<= ${TARGET_CPU_US_PER_OP}`,
    met: p.serverCpuUsPerOp <= TARGET_CPU_US_PER_OP,
    serverCores: p.serverCores,
    driverCpuUsPerOp: r.client.cpuUsPerOp,
  });
}

async function run(r: Resources): Promise<void> {
  const ports = (await freePorts(4)) as [number, number, number, number];
  const metricsUrl = `http://127.0.0.1:${ports[3]}`;
  const workdir = path.join(r.dir, 'node');
  fs.mkdirSync(workdir);
  const nodeArgs = PROFILE_DIR !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`] : [];
  r.node = new BenchNode({ workdir, ports, smp: SMP, memory: MEMORY, nodeArgs, ...(NODE_LOG !== undefined ? { logFile: path.resolve(NODE_LOG) } : {}) });
  let readyTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    r.node.ready,
    new Promise((_, reject) => (readyTimer = setTimeout(() => reject(new Error(`the node was not ready within ${NODE_READY_TIMEOUT_MS} ms:\n${r.node!.recentOutput()}`)), NODE_READY_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(readyTimer));

  const contactPoint = `127.0.0.1:${ports[0]}`;
  process.stderr.write(`cql bench: node pid ${r.node.pid}; ${CONNECTIONS} connections\n`);
  const ticks = clockTicksPerSec();
  let rows = 0;
  const saturated = new Map<Operation, MeasuredPhase>();
  for (const op of ['insert', 'select'] as const) {
    const warmupSeconds = op === 'insert' ? WARMUP_SECONDS : WARMUP_SECONDS / 2;
    const p = await measure(r, ticks, metricsUrl, contactPoint, { op, warmupSeconds, rows });
    if (op === 'insert') rows += rowsWritten(p.result);
    saturated.set(op, p);
    reportSaturated(op, p);
  }
  if (PROFILE_DIR !== undefined) {
    process.stderr.write(`cql bench: profiling, fixed-rate phases skipped; profiles go to ${PROFILE_DIR} when the node stops\n`);
    return;
  }
  for (const op of ['insert', 'select'] as const) {
    const ratePerSec = Math.max(1, saturated.get(op)!.result.opsPerSec * RATE_FRACTION);
    const p = await measure(r, ticks, metricsUrl, contactPoint, { op, warmupSeconds: WARMUP_SECONDS / 2, ratePerSec, rows });
    if (op === 'insert') rows += rowsWritten(p.result);
    reportFixedRate(op, p);
  }
}

async function main(): Promise<void> {
  const r = new Resources(fs.mkdtempSync(path.join(scratchParent(), 'charybdis-cql-bench-')));
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`cql bench: ${signal}, stopping the node\n`);
    void r.cleanup().finally(() => process.exit(128 + os.constants.signals[signal]));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await run(r);
  } finally {
    await r.cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`cql bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
