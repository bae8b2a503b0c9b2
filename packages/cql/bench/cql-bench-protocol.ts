// The messages between the CQL benchmark (the parent, which owns the node process and reads
// its CPU time) and its load generator (a child process that owns the cassandra-driver
// client). Plain data, one JSON object per line: commands on the child's stdin, replies on
// its stdout. The parent sends one command and waits for its reply before the next, so a
// phase's server CPU can be read right before and right after it.

/** How the load generator reaches the node and shapes its connections. */
export interface LoadConfig {
  /** host:port of the node's CQL port. */
  contactPoint: string;
  /** Base URL of the node's Prometheus endpoint, for the connection-balance check. */
  metricsUrl: string;
  /** The node's shard count (smp). */
  shardCount: number;
  /** Driver connections to the node (cassandra-driver is not shard-aware: the kernel picks each one's shard). */
  connections: number;
  /** Attempts at a connection set whose requests are spread over the shards within BALANCE_MAX_SHARE. */
  balanceAttempts: number;
  /** Seed of the key choice for reads. */
  seed: number;
}

export type Operation = 'insert' | 'select';

export type LoadCommand =
  /** Connect, create the keyspace and table, and settle on balanced connections. */
  | { kind: 'setup' }
  /** Keep `inFlight` requests outstanding for `seconds`. */
  | { kind: 'saturated'; op: Operation; seconds: number; inFlight: number }
  /** Start requests at `ratePerSec` for `seconds`, latency counted from each intended start. */
  | { kind: 'fixed-rate'; op: Operation; seconds: number; ratePerSec: number }
  | { kind: 'quit' };

/** Latency figures of one phase, microseconds. */
export interface LatencySummary {
  count: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  meanUs: number;
}

export interface PhaseResult {
  op: Operation;
  mode: 'saturated' | 'fixed-rate';
  /** Requests that completed (successfully or not) inside the phase. */
  ops: number;
  errors: number;
  /** First error messages, for the log (bounded). */
  errorSamples: string[];
  /** SELECTs that found no row although their key was written. */
  misses: number;
  elapsedSec: number;
  opsPerSec: number;
  /** Saturated: request latency. Fixed-rate: from the intended start (no coordinated omission). */
  latency: LatencySummary;
  /** Fixed-rate only: from the moment the request was actually sent. */
  serviceLatency?: LatencySummary;
  /** Fixed-rate only: mean delay between a request's intended and actual start (timer granularity). */
  meanStartLagUs?: number;
  /** The target rate of a fixed-rate phase. */
  ratePerSec?: number;
  /** The load generator's own event-loop delay (p99, max) in µs: large values mean latency was lost in the driver process, not the node. */
  driverLoopDelayP99Us: number;
  driverLoopDelayMaxUs: number;
  /** CPU the load generator itself spent, µs per operation (it shares the machine with the node). */
  driverCpuUsPerOp: number;
}

export type LoadReply =
  | { kind: 'setup-done'; attempts: number; balanced: boolean; shardShares: number[]; keysWritten: number }
  | { kind: 'phase-done'; result: PhaseResult }
  | { kind: 'error'; message: string };
