// CQL end to end (suite "cql"): a real node process (`charybdis --smp 2 --memory 2G`,
// commitlog_sync periodic, scratch folder, free ports) driven by cassandra-driver from a
// separate load-generator process (cql-bench-load.ts), so the node's /proc CPU time is its
// own. Prepared single-row statements on (pk bigint, ck bigint, v blob(100)), CL ONE:
//   setup: keyspace and table; connections are reopened until requests spread evenly over
//       the shards (the driver is not shard-aware), as a shard-aware driver's would.
//   warm-up: CQL_BENCH_WARMUP_SECONDS of INSERTs, then half that of SELECTs (not reported).
//   insert|select.saturated: CQL_BENCH_IN_FLIGHT requests outstanding for CQL_BENCH_SECONDS
//       (SELECTs pick written keys at random): ops/s, p50/p99, and the node's CPU µs per
//       operation (utime + stime of /proc/<pid>/stat around the phase / operations).
//   insert|select.fixed_rate: CQL_BENCH_RATE_FRACTION (1/2) of the saturated rate for
//       CQL_BENCH_SECONDS, open loop: latency from each request's intended start (no
//       coordinated omission), plus the service time from its actual start.
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
// spikes with memtable flushes).
// Run: npx tsc -b packages/cql && node tools/dev/bench.mjs cql
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reportBench } from '@charybdis/core';
import { executeCountsByShard, sharesBetween } from './cql-bench-metrics';
import { LoadProcess } from './cql-bench-load-process';
import { BenchNode, clockTicksPerSec, freePorts, processCpuUs } from './cql-bench-node';
import type { LoadCommand, Operation, PhaseResult } from './cql-bench-protocol';

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
/** Connection sets tried before settling for an uneven one. */
const BALANCE_ATTEMPTS = 8;
const SEED = 0x5eed;
const TARGET_CPU_US_PER_OP = 50;
const TARGET_P99_MS_AT_FIXED_RATE = 5;
const NODE_READY_TIMEOUT_MS = 60_000;
/** The node flushes its memtables when it stops; then it is killed. */
const NODE_STOP_TIMEOUT_MS = 60_000;
const LOAD_STOP_TIMEOUT_MS = 10_000;

function envNumber(name: string, dflt: number, min: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name}=${v}: expected a number >= ${min}`);
  return n;
}

/** A phase with the node's side of it. */
interface MeasuredPhase {
  result: PhaseResult;
  serverCpuUsPerOp: number;
  /** Node CPU over the phase in cores (1 = one core busy throughout). */
  serverCores: number;
  /** Each shard's share of the phase's EXECUTE requests (which connections carried them). */
  shardShares: number[];
}

/** What the benchmark started, so every path out can stop it. */
class Resources {
  node: BenchNode | null = null;
  load: LoadProcess | null = null;
  private cleaned: Promise<void> | null = null;

  constructor(readonly dir: string) {}

  cleanup(): Promise<void> {
    this.cleaned ??= (async () => {
      try {
        await this.load?.stop(LOAD_STOP_TIMEOUT_MS);
      } catch (err) {
        process.stderr.write(`cql bench: stopping the load generator: ${String(err)}\n`);
        this.load?.kill();
      }
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

async function measure(r: Resources, ticksPerSec: number, metricsUrl: string, cmd: LoadCommand): Promise<MeasuredPhase> {
  const node = r.node!;
  const counts0 = await executeCountsByShard(metricsUrl, SMP);
  const cpu0 = processCpuUs(node.pid, ticksPerSec);
  const startMs = Date.now();
  const reply = await r.load!.send(cmd);
  process.stderr.write(`cql bench: ${cmd.kind} ${'op' in cmd ? cmd.op : ''} ran ${startMs}..${Date.now()} (epoch ms, as the node's log 'time')\n`);
  const cpuUs = processCpuUs(node.pid, ticksPerSec) - cpu0;
  const counts1 = await executeCountsByShard(metricsUrl, SMP);
  if (reply.kind !== 'phase-done') throw new Error(`unexpected reply ${reply.kind} to ${cmd.kind}`);
  const result = reply.result;
  if (result.errors > 0) process.stderr.write(`cql bench: ${result.op} ${result.mode}: ${result.errors} errors, e.g. ${result.errorSamples.join(' | ')}\n`);
  return {
    result,
    serverCpuUsPerOp: result.ops === 0 ? 0 : Math.round(cpuUs / result.ops),
    serverCores: Math.round((cpuUs / 1e6 / result.elapsedSec) * 100) / 100,
    shardShares: sharesBetween(counts0, counts1),
  };
}

const ms = (us: number): number => Math.round(us) / 1000;

/** The driver process's event-loop delay: latency lost on the client side of the machine. */
const driverLoop = (r: PhaseResult): Record<string, number> => ({ driverLoopDelayP99Ms: ms(r.driverLoopDelayP99Us), driverLoopDelayMaxMs: ms(r.driverLoopDelayMaxUs) });

function reportSaturated(op: Operation, p: MeasuredPhase): void {
  const r = p.result;
  const common = { inFlight: IN_FLIGHT, connections: CONNECTIONS, smp: SMP, seconds: r.elapsedSec, ops: r.ops, errors: r.errors, misses: r.misses, shardShares: p.shardShares };
  reportBench({ suite: SUITE, metric: `${op}.saturated.ops_per_s`, value: r.opsPerSec, unit: 'ops/s', ...common, note: 'driver and node share the cores: pessimistic on small machines' });
  reportBench({ suite: SUITE, metric: `${op}.saturated.p50_ms`, value: ms(r.latency.p50Us), unit: 'ms', inFlight: IN_FLIGHT });
  reportBench({ suite: SUITE, metric: `${op}.saturated.p99_ms`, value: ms(r.latency.p99Us), unit: 'ms', inFlight: IN_FLIGHT, p999Ms: ms(r.latency.p999Us), maxMs: ms(r.latency.maxUs), ...driverLoop(r) });
  reportBench({
    suite: SUITE,
    metric: `${op}.saturated.server_cpu_us_per_op`,
    value: p.serverCpuUsPerOp,
    unit: 'us/op',
    target: `<= ${TARGET_CPU_US_PER_OP}`,
    met: p.serverCpuUsPerOp <= TARGET_CPU_US_PER_OP,
    serverCores: p.serverCores,
    driverCpuUsPerOp: r.driverCpuUsPerOp,
  });
}

function reportFixedRate(op: Operation, p: MeasuredPhase): void {
  const r = p.result;
  const common = { ratePerSec: r.ratePerSec, achievedOpsPerSec: r.opsPerSec, rateFraction: RATE_FRACTION, errors: r.errors, misses: r.misses };
  reportBench({ suite: SUITE, metric: `${op}.fixed_rate.p50_ms`, value: ms(r.latency.p50Us), unit: 'ms', ...common, serviceP50Ms: ms(r.serviceLatency?.p50Us ?? 0) });
  reportBench({
    suite: SUITE,
    metric: `${op}.fixed_rate.p99_ms`,
    value: ms(r.latency.p99Us),
    unit: 'ms',
    target: `<= ${TARGET_P99_MS_AT_FIXED_RATE}`,
    met: ms(r.latency.p99Us) <= TARGET_P99_MS_AT_FIXED_RATE,
    ...common,
    p999Ms: ms(r.latency.p999Us),
    maxMs: ms(r.latency.maxUs),
    serviceP99Ms: ms(r.serviceLatency?.p99Us ?? 0),
    meanStartLagMs: ms(r.meanStartLagUs ?? 0),
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
    driverCpuUsPerOp: r.driverCpuUsPerOp,
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

  r.load = new LoadProcess({ contactPoint: `127.0.0.1:${ports[0]}`, metricsUrl, shardCount: SMP, connections: CONNECTIONS, balanceAttempts: BALANCE_ATTEMPTS, seed: SEED });
  const setup = await r.load.send({ kind: 'setup' });
  if (setup.kind !== 'setup-done') throw new Error(`unexpected reply ${setup.kind} to setup`);
  process.stderr.write(`cql bench: node pid ${r.node.pid}; ${CONNECTIONS} connections, shard shares ${setup.shardShares.join('/')} after ${setup.attempts} attempt(s)${setup.balanced ? '' : ' (uneven)'}\n`);
  if (WARMUP_SECONDS > 0) {
    await r.load.send({ kind: 'saturated', op: 'insert', seconds: WARMUP_SECONDS, inFlight: IN_FLIGHT });
    await r.load.send({ kind: 'saturated', op: 'select', seconds: WARMUP_SECONDS / 2, inFlight: IN_FLIGHT });
  }
  const ticks = clockTicksPerSec();
  const saturated = new Map<Operation, MeasuredPhase>();
  for (const op of ['insert', 'select'] as const) {
    const p = await measure(r, ticks, metricsUrl, { kind: 'saturated', op, seconds: SECONDS, inFlight: IN_FLIGHT });
    saturated.set(op, p);
    reportSaturated(op, p);
  }
  if (PROFILE_DIR !== undefined) {
    process.stderr.write(`cql bench: profiling, fixed-rate phases skipped; profiles go to ${PROFILE_DIR} when the node stops\n`);
    return;
  }
  for (const op of ['insert', 'select'] as const) {
    const ratePerSec = Math.max(1, saturated.get(op)!.result.opsPerSec * RATE_FRACTION);
    reportFixedRate(op, await measure(r, ticks, metricsUrl, { kind: 'fixed-rate', op, seconds: SECONDS, ratePerSec }));
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
