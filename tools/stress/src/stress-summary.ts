import type { Connected } from './connect';
import { formatDistribution } from './key-distribution';
import type { LatencyHistogram } from './latency-histogram';
import type { PhaseOutcome } from './load-runner';
import type { OpKind, StressOptions, WorkloadKind } from './options';
import { nsToMs } from './units';

/** Latency percentiles of a run, milliseconds rounded to the microsecond. */
export interface LatencySummaryMs {
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/**
 * The machine-readable result of a run (`--json FILE`, or the last line with
 * `--format json`). Fields are only added, never renamed: benchmarks parse it.
 */
export interface StressSummary {
  type: 'summary';
  tool: 'charybdis-stress';
  workload: WorkloadKind;
  mode: 'closed-loop' | 'fixed-rate';
  /** done, max-errors (more than --max-errors failures) or interrupted (SIGINT/SIGTERM). */
  stoppedBy: PhaseOutcome['stoppedBy'];
  config: {
    contactPoints: string[];
    keyspace: string;
    table: string;
    consistency: string;
    connections: number;
    /** Per connection: in flight (closed loop) or the most outstanding (fixed rate). */
    concurrency: number;
    ratePerSec: number | null;
    population: number;
    firstKey: number;
    distribution: string;
    rowsPerPartition: number;
    valueSizeBytes: number;
    ratio: Record<OpKind, number> | null;
    warmupSec: number;
    seed: number;
  };
  /** The unmeasured warm-up before the run (null without --warmup): with --dist seq, the run's rows follow the warm-up's. */
  warmup: null | { ops: number; errors: number; elapsedSec: number };
  elapsedSec: number;
  /** Operations completed in the measured run, successful or not. */
  ops: number;
  opsPerSec: number;
  errors: number;
  /** Failed operations by kind (writeTimeout, OperationTimedOutError, …) with the first message of each. */
  errorsByKind: Record<string, { count: number; sample: string }>;
  /** Reads that found no row. */
  misses: number;
  /** Successful operations; in fixed-rate mode from each operation's intended start. */
  latencyMs: LatencySummaryMs;
  byOp: Partial<Record<OpKind, { ops: number; latencyMs: LatencySummaryMs }>>;
  fixedRate: null | {
    targetOpsPerSec: number;
    plannedOps: number;
    /** From the actual send to completion: what the server and network took. */
    serviceLatencyMs: LatencySummaryMs;
    /** How late operations were sent after their intended start (load generator behind schedule). */
    startLagMs: { mean: number; p99: number; max: number };
  };
  client: {
    /** CPU (user + system) of the stress process per measured operation. */
    cpuUsPerOp: number;
    /** The stress process's event-loop delay: latency lost on the client side. */
    loopDelayP99Ms: number;
    loopDelayMaxMs: number;
  };
  /** Which node shard each connection landed on (null when the node does not say). */
  shards: null | { perConnection: number[]; shardCount: number; balanced: boolean; attempts: number };
}

/** Client-side measurements taken around the measured run. */
export interface ClientMeasurements {
  cpuUs: number;
  loopDelayP99Ns: number;
  loopDelayMaxNs: number;
}

export function latencySummary(h: LatencyHistogram): LatencySummaryMs {
  const [p50, p95, p99, p999] = h.percentilesNs([0.5, 0.95, 0.99, 0.999]);
  return { p50: nsToMs(p50!), p95: nsToMs(p95!), p99: nsToMs(p99!), p999: nsToMs(p999!), max: nsToMs(h.maxNs), mean: nsToMs(h.meanNs) };
}

function roundSec(ms: number): number {
  return Math.round(ms) / 1000;
}

/** Builds the summary of a measured phase. */
export function buildSummary(o: StressOptions, outcome: PhaseOutcome, warmup: PhaseOutcome | null, connected: Pick<Connected, 'layout' | 'attempts' | 'balanced'>, client: ClientMeasurements): StressSummary {
  const stats = outcome.stats;
  const elapsedSec = outcome.elapsedMs / 1000;
  const ops = stats.totalOps;
  const byOp: StressSummary['byOp'] = {};
  for (const kind of ['write', 'read'] as const) {
    if (stats.ops[kind] > 0) byOp[kind] = { ops: stats.ops[kind], latencyMs: latencySummary(stats.total[kind]) };
  }
  const lag = stats.startLag;
  return {
    type: 'summary',
    tool: 'charybdis-stress',
    workload: o.workload,
    mode: o.ratePerSec === undefined ? 'closed-loop' : 'fixed-rate',
    stoppedBy: outcome.stoppedBy,
    config: {
      contactPoints: o.contactPoints,
      keyspace: o.keyspace,
      table: o.table,
      consistency: o.consistency,
      connections: o.connections,
      concurrency: o.concurrency,
      ratePerSec: o.ratePerSec ?? null,
      population: o.population,
      firstKey: o.firstKey,
      distribution: formatDistribution(o.distribution),
      rowsPerPartition: o.rowsPerPartition,
      valueSizeBytes: o.valueSizeBytes,
      ratio: o.workload === 'mixed' ? o.ratio : null,
      warmupSec: o.warmupMs / 1000,
      seed: o.seed,
    },
    warmup: warmup === null ? null : { ops: warmup.stats.totalOps, errors: warmup.stats.errors, elapsedSec: roundSec(warmup.elapsedMs) },
    elapsedSec: roundSec(outcome.elapsedMs),
    ops,
    opsPerSec: elapsedSec > 0 ? Math.round(ops / elapsedSec) : 0,
    errors: stats.errors,
    errorsByKind: Object.fromEntries(stats.errorsByKind),
    misses: stats.misses,
    latencyMs: latencySummary(stats.allLatency()),
    byOp,
    fixedRate:
      o.ratePerSec === undefined
        ? null
        : {
            targetOpsPerSec: o.ratePerSec,
            plannedOps: outcome.plannedOps ?? ops,
            serviceLatencyMs: latencySummary(stats.service),
            startLagMs: { mean: nsToMs(lag.meanNs), p99: nsToMs(lag.percentileNs(0.99)), max: nsToMs(lag.maxNs) },
          },
    client: {
      cpuUsPerOp: ops === 0 ? 0 : Math.round((client.cpuUs / ops) * 10) / 10,
      loopDelayP99Ms: nsToMs(client.loopDelayP99Ns),
      loopDelayMaxMs: nsToMs(client.loopDelayMaxNs),
    },
    shards: connected.layout === null ? null : { perConnection: connected.layout.shards, shardCount: connected.layout.shardCount, balanced: connected.balanced, attempts: connected.attempts },
  };
}
