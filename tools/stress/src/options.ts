import { parseArgs } from 'node:util';
import type { DistributionSpec } from './key-distribution';
import { StressError, StressErrorCode } from './stress-error';
import { parseCount, parseDurationMs, parseRatePerSec, parseSizeBytes } from './units';

/** The workloads: INSERTs, SELECTs by primary key, or both in a ratio. */
export type WorkloadKind = 'write' | 'read' | 'mixed';
/** One operation of a workload. */
export type OpKind = 'write' | 'read';

export const DEFAULT_KEYSPACE = 'charybdis_stress';
export const DEFAULT_TABLE = 'rows';
export const DEFAULT_POPULATION = 1_000_000;
export const DEFAULT_OPS = 100_000;
export const DEFAULT_VALUE_SIZE_BYTES = 100;
/** In flight per connection in the closed loop. */
export const DEFAULT_CONCURRENCY = 32;
/** Fixed-rate mode: at most this many outstanding per connection (the driver allows 2048). */
export const DEFAULT_RATE_CONCURRENCY = 1024;
/** The most in flight per connection (a v4 connection has 32768 stream ids). */
export const MAX_CONCURRENCY = 30_000;
export const DEFAULT_INTERVAL_MS = 1000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 12_000;
export const DEFAULT_BALANCE_ATTEMPTS = 8;
export const DEFAULT_SEED = 1;
/** Consistency levels a single-row read or write can use. */
export const CONSISTENCY_LEVELS = ['ANY', 'ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_QUORUM', 'EACH_QUORUM', 'LOCAL_ONE'] as const;
export type ConsistencyName = (typeof CONSISTENCY_LEVELS)[number];

/** Everything a run needs, validated. */
export interface StressOptions {
  workload: WorkloadKind;
  /** host:port of each contact point. */
  contactPoints: string[];
  localDataCenter: string;
  user?: string;
  password?: string;
  keyspace: string;
  table: string;
  replicationFactor: number;
  /** False with --no-schema: the keyspace and table must exist. */
  createSchema: boolean;
  rowsPerPartition: number;
  valueSizeBytes: number;
  /** Operations to measure; undefined when the run is bounded by durationMs. */
  ops?: number;
  durationMs?: number;
  /** Rows the keys are drawn from: first key .. first key + population - 1. */
  population: number;
  firstKey: number;
  distribution: DistributionSpec;
  /** Mixed workload: relative weights of writes and reads. */
  ratio: Record<OpKind, number>;
  consistency: ConsistencyName;
  connections: number;
  /** Closed loop: requests kept in flight per connection. Fixed rate: the most outstanding per connection. */
  concurrency: number;
  /** Fixed-rate (open loop) mode when set. */
  ratePerSec?: number;
  /** Untimed operations before the measured run (same workload and mode). */
  warmupMs: number;
  intervalMs: number;
  seed: number;
  format: 'text' | 'json';
  jsonFile?: string;
  quiet: boolean;
  /** Stop (exit 1) once more than this many operations failed. */
  maxErrors?: number;
  requestTimeoutMs: number;
  /** Reconnects until the connections spread evenly over the node's shards; 0 = do not check. */
  balanceAttempts: number;
  /** Route each operation to a connection of the shard owning its partition (`--connections` per shard). */
  shardAware: boolean;
}

/** What the command line asks for. */
export type StressCommand = { kind: 'help' } | { kind: 'run'; options: StressOptions };

export const USAGE = `Usage: stress <write|read|mixed> [options]

Drives a node with prepared single-row statements through cassandra-driver, on a table
(pk bigint, ck bigint, v blob, PRIMARY KEY (pk, ck)) that it creates if missing, and
prints latency percentiles (from each request's intended start in --rate mode).

Workload:
  write | read | mixed        INSERTs, SELECTs by primary key, or both (--ratio)
  --ratio write=W,read=R      mixed: relative weights (default write=1,read=1)
  -n, --ops N                 operations to measure (default ${DEFAULT_OPS} unless --duration)
  --duration D                measure for D instead (30s, 2m, 500ms)
  --warmup D                  run the same load for D first, unmeasured (default 0)
  --population N              rows keys are drawn from (default: the -n count, else ${DEFAULT_POPULATION})
  --first-key K               first row of the population (default 0)
  --dist seq|uniform|zipf[:S] key distribution (default seq for write, uniform otherwise;
                              zipf exponent S default 0.99; the first row is the most popular)
  --rows-per-partition R      rows per partition: row i is pk i/R, ck i%R (default 1)
  --value-size SIZE           blob bytes per row, e.g. 100, 4k (default ${DEFAULT_VALUE_SIZE_BYTES})
  --cl LEVEL                  consistency level (default ONE)
  --seed N                    seed of the key choice (default ${DEFAULT_SEED})

Load shape:
  --connections C             connections to each node (default 1)
  --concurrency N             requests in flight per connection (default ${DEFAULT_CONCURRENCY});
                              with --rate, the most outstanding (default ${DEFAULT_RATE_CONCURRENCY})
  --rate R[/s]                fixed rate (open loop): operation i is due at i/R s and its
                              latency counts from then, however late it starts
  --max-errors N              stop with exit 1 after more than N failed operations
  --request-timeout D         driver read timeout (default ${DEFAULT_REQUEST_TIMEOUT_MS / 1000}s)

Connection and schema:
  --host HOST[:PORT][,...]    contact points (default 127.0.0.1)
  --port PORT                 port of contact points without one (default 9042)
  --dc NAME                   local data center (default datacenter1)
  --user NAME --password PW   PasswordAuthenticator credentials
  --keyspace NAME             (default ${DEFAULT_KEYSPACE}); --table NAME (default ${DEFAULT_TABLE})
  --replication-factor N      of a keyspace stress creates (default 1)
  --no-schema                 do not create the keyspace and table
  --balance-attempts N        reconnect up to N times until the connections spread evenly
                              over the node's shards (SCYLLA_SHARD); 0 = off (default ${DEFAULT_BALANCE_ATTEMPTS})
  --shard-aware               send each operation to a connection of the shard that owns
                              its partition, as ScyllaDB's shard-aware drivers do
                              (--connections then counts per shard)

Output:
  --interval D                progress every D (default 1s): a live line on a terminal,
                              one line per interval otherwise
  --quiet                     no progress, only the summary
  --format text|json          json: stdout gets JSON lines (phase, interval, summary)
  --json FILE                 also write the summary as JSON to FILE
  -h, --help                  print this help

Exit status: 0 done, 1 failed (node unreachable, schema, --max-errors exceeded),
2 bad options, 130 interrupted (the summary is still printed).`;

const SPEC = {
  ops: { type: 'string', short: 'n' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  population: { type: 'string' },
  'first-key': { type: 'string' },
  dist: { type: 'string' },
  'rows-per-partition': { type: 'string' },
  'value-size': { type: 'string' },
  cl: { type: 'string' },
  seed: { type: 'string' },
  ratio: { type: 'string' },
  connections: { type: 'string' },
  'shard-aware': { type: 'boolean' },
  concurrency: { type: 'string' },
  rate: { type: 'string' },
  'max-errors': { type: 'string' },
  'request-timeout': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  dc: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  keyspace: { type: 'string' },
  table: { type: 'string' },
  'replication-factor': { type: 'string' },
  'no-schema': { type: 'boolean' },
  'balance-attempts': { type: 'string' },
  interval: { type: 'string' },
  quiet: { type: 'boolean' },
  format: { type: 'string' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

/**
 * Parses stress's command line (`argv` without node and the script). Throws a
 * StressError STRESS_USAGE naming the bad argument.
 */
export function parseStressArgs(argv: readonly string[]): StressCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: SPEC, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs' TypeErrors may come from another realm (jest): read the message, not instanceof.
    const text = (err as { message?: unknown }).message;
    throw usageError(typeof text === 'string' ? text.replace(/\s*\n\s*/g, ' ').replace(/ To specify a positional argument.*$/, '') : String(err));
  }
  const v = parsed.values;
  if (v.help === true) return { kind: 'help' };
  if (parsed.positionals.length === 0) throw usageError('missing the workload: write, read or mixed');
  if (parsed.positionals.length > 1) throw usageError(`unexpected argument '${parsed.positionals[1]}'`);
  const workload = parsed.positionals[0]!;
  if (workload !== 'write' && workload !== 'read' && workload !== 'mixed') throw usageError(`unknown workload '${workload}' (write, read or mixed)`);
  if (v.ops !== undefined && v.duration !== undefined) throw usageError('give -n/--ops or --duration, not both');
  if (v.ratio !== undefined && workload !== 'mixed') throw usageError('--ratio applies to the mixed workload only');
  if ((v.user === undefined) !== (v.password === undefined)) throw usageError('--user and --password go together');

  const ops = v.duration === undefined ? (v.ops === undefined ? DEFAULT_OPS : count('--ops', v.ops, 1)) : undefined;
  const ratePerSec = v.rate === undefined ? undefined : positive('--rate', parseRatePerSec(v.rate), v.rate);
  const port = v.port === undefined ? 9042 : count('--port', v.port, 1, 65535);
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw usageError(`--format must be text or json, got '${format}'`);
  const options: StressOptions = {
    workload,
    contactPoints: (v.host ?? '127.0.0.1').split(',').map((h) => contactPoint(h.trim(), port)),
    localDataCenter: v.dc ?? 'datacenter1',
    keyspace: identifier('--keyspace', v.keyspace ?? DEFAULT_KEYSPACE),
    table: identifier('--table', v.table ?? DEFAULT_TABLE),
    replicationFactor: v['replication-factor'] === undefined ? 1 : count('--replication-factor', v['replication-factor'], 1, 100),
    createSchema: v['no-schema'] !== true,
    rowsPerPartition: v['rows-per-partition'] === undefined ? 1 : count('--rows-per-partition', v['rows-per-partition'], 1),
    valueSizeBytes: v['value-size'] === undefined ? DEFAULT_VALUE_SIZE_BYTES : size('--value-size', v['value-size']),
    population: v.population === undefined ? (v.ops !== undefined ? ops! : DEFAULT_POPULATION) : count('--population', v.population, 1),
    firstKey: v['first-key'] === undefined ? 0 : count('--first-key', v['first-key'], 0),
    distribution: v.dist === undefined ? { kind: workload === 'write' ? 'seq' : 'uniform' } : distribution(v.dist),
    ratio: v.ratio === undefined ? { write: 1, read: 1 } : ratio(v.ratio),
    consistency: consistency(v.cl ?? 'ONE'),
    connections: v.connections === undefined ? 1 : count('--connections', v.connections, 1, 64),
    concurrency: v.concurrency === undefined ? (ratePerSec === undefined ? DEFAULT_CONCURRENCY : DEFAULT_RATE_CONCURRENCY) : count('--concurrency', v.concurrency, 1, MAX_CONCURRENCY),
    warmupMs: v.warmup === undefined ? 0 : duration('--warmup', v.warmup, 0),
    intervalMs: v.interval === undefined ? DEFAULT_INTERVAL_MS : duration('--interval', v.interval, 100),
    seed: v.seed === undefined ? DEFAULT_SEED : count('--seed', v.seed, 0, 2 ** 32 - 1),
    format,
    quiet: v.quiet === true,
    requestTimeoutMs: v['request-timeout'] === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : duration('--request-timeout', v['request-timeout'], 1),
    balanceAttempts: v['balance-attempts'] === undefined ? DEFAULT_BALANCE_ATTEMPTS : count('--balance-attempts', v['balance-attempts'], 0, 100),
    shardAware: v['shard-aware'] === true,
  };
  if (ops !== undefined) options.ops = ops;
  if (v.duration !== undefined) options.durationMs = duration('--duration', v.duration, 1);
  if (ratePerSec !== undefined) options.ratePerSec = ratePerSec;
  if (v.user !== undefined) options.user = v.user;
  if (v.password !== undefined) options.password = v.password;
  if (v.json !== undefined) options.jsonFile = v.json;
  if (v['max-errors'] !== undefined) options.maxErrors = count('--max-errors', v['max-errors'], 0);
  if (!Number.isSafeInteger(options.firstKey + options.population)) throw usageError('--first-key plus --population must stay below 2^53');
  return { kind: 'run', options };
}

function usageError(problem: string): StressError {
  return new StressError(StressErrorCode.usage, problem);
}

function count(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = parseCount(text);
  if (n === undefined || n < min || n > max) {
    throw usageError(`${flag} must be a whole number${max === Number.MAX_SAFE_INTEGER ? ` >= ${min}` : ` from ${min} to ${max}`}, got '${text}'`);
  }
  return n;
}

function positive(flag: string, n: number | undefined, text: string): number {
  if (n === undefined || !(n > 0)) throw usageError(`${flag} must be a positive number (e.g. 5000 or 5000/s), got '${text}'`);
  return n;
}

function duration(flag: string, text: string, minMs: number): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms < minMs) throw usageError(`${flag} must be a duration such as 30s, 500ms or 2m${minMs > 0 ? ` (at least ${minMs} ms)` : ''}, got '${text}'`);
  return ms;
}

function size(flag: string, text: string): number {
  const n = parseSizeBytes(text);
  if (n === undefined || n < 1 || n > 256 * 1024 * 1024) throw usageError(`${flag} must be a size from 1 byte to 256M (e.g. 100, 4k), got '${text}'`);
  return n;
}

function identifier(flag: string, text: string): string {
  if (!IDENTIFIER.test(text)) throw usageError(`${flag} must be a CQL identifier (a letter, then letters, digits or _), got '${text}'`);
  return text;
}

function contactPoint(text: string, defaultPort: number): string {
  const m = /^([^:\s]+|\[[0-9a-fA-F:]+\])(?::(\d+))?$/.exec(text);
  if (m === null) throw usageError(`--host must be HOST or HOST:PORT, got '${text}'`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!(port >= 1 && port <= 65535)) throw usageError(`--host port must be 1..65535, got '${text}'`);
  return `${m[1]}:${port}`;
}

function distribution(text: string): DistributionSpec {
  if (text === 'seq' || text === 'uniform') return { kind: text };
  const m = /^zipf(?::(\d+(?:\.\d+)?))?$/.exec(text);
  if (m !== null) {
    const exponent = m[1] === undefined ? 0.99 : Number(m[1]);
    if (exponent > 0) return { kind: 'zipf', exponent };
  }
  throw usageError(`--dist must be seq, uniform or zipf[:EXPONENT] with EXPONENT > 0, got '${text}'`);
}

function ratio(text: string): Record<OpKind, number> {
  const out: Record<OpKind, number> = { write: 0, read: 0 };
  for (const part of text.split(',')) {
    const m = /^\s*(write|read)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (m === null) throw usageError(`--ratio must look like write=1,read=3, got '${text}'`);
    out[m[1] as OpKind] = Number(m[2]);
  }
  if (out.write + out.read <= 0) throw usageError(`--ratio needs a positive weight, got '${text}'`);
  return out;
}

function consistency(text: string): ConsistencyName {
  const upper = text.toUpperCase();
  const found = CONSISTENCY_LEVELS.find((c) => c === upper);
  if (found === undefined) throw usageError(`--cl must be one of ${CONSISTENCY_LEVELS.join(', ')}, got '${text}'`);
  return found;
}
