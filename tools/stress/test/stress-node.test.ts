import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'cassandra-driver';
import type { StressSummary } from '../src/stress-summary';
import { freePorts, runStress, TestNode } from './node-fixture';

/**
 * The built `stress` command against a real node, as a user runs it: populate then read
 * back every row, a mixed run in JSON-lines output, a fixed-rate run, and the failures a
 * user meets (bad options, nobody listening, a missing table with --no-schema).
 */

jest.setTimeout(180_000);

let node: TestNode;
let scratch: string;

beforeAll(async () => {
  node = await TestNode.start();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'charybdis-stress-out-'));
});

afterAll(async () => {
  await node?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** The JSON value with every leaf replaced by its type name (arrays keep their elements' shapes). */
function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
  return typeof value;
}

function readSummary(file: string): StressSummary {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as StressSummary;
}

test('a write run populates the rows and a read run of the same population finds every one', async () => {
  const common = ['--port', String(node.cqlPort), '--keyspace', 'st_rw', '--rows-per-partition', '4', '--connections', '2', '--concurrency', '16', '--quiet'];
  const writeJson = path.join(scratch, 'write.json');
  const write = await runStress(['write', '-n', '2000', ...common, '--json', writeJson]);
  expect(write.stderr).toBe('');
  expect(write.code).toBe(0);
  expect(write.stdout).toMatch(/^Results: write, closed loop, 16 in flight per connection, 2 connection\(s\), CL ONE$/m);
  expect(write.stdout).toMatch(/^ {2}latency ms {6}p50 [\d.]+ {2}p95 [\d.]+ {2}p99 [\d.]+ {2}p999 [\d.]+ {2}max [\d.]+$/m);
  const w = readSummary(writeJson);
  expect(w).toMatchObject({ workload: 'write', ops: 2000, errors: 0, stoppedBy: 'done', byOp: { write: { ops: 2000 } } });

  // --dist seq reads each of the 2000 rows exactly once.
  const readJson = path.join(scratch, 'read.json');
  const read = await runStress(['read', '-n', '2000', '--dist', 'seq', ...common, '--json', readJson]);
  expect(read.code).toBe(0);
  const r = readSummary(readJson);
  expect(r).toMatchObject({ workload: 'read', ops: 2000, errors: 0, misses: 0, errorsByKind: {} });
  expect(read.stdout).toMatch(/^ {2}reads not found 0$/m);

  // Rows past the population were never written: every read of them misses.
  const beyond = await runStress(['read', '-n', '50', '--first-key', '2000', '--population', '50', ...common, '--format', 'json']);
  expect(beyond.code).toBe(0);
  expect((JSON.parse(beyond.stdout.trim().split('\n').pop()!) as StressSummary).misses).toBe(50);
});

test('mixed with --format json: phase and summary records on stdout, the JSON summary has its documented shape', async () => {
  const run = await runStress(['mixed', '-n', '1500', '--warmup', '300ms', '--ratio', 'write=1,read=2', '--dist', 'zipf:1.1', '--port', String(node.cqlPort),
    '--keyspace', 'st_mixed', '--format', 'json', '--interval', '100ms']);
  expect(run.code).toBe(0);
  const records = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; phase?: string });
  expect(records.filter((r) => r.type === 'phase').map((r) => r.phase)).toEqual(['warmup', 'measure']);
  const intervals = records.filter((x) => x.type === 'interval');
  for (const r of intervals) {
    expect(shapeOf(r)).toEqual({ type: 'string', phase: 'string', elapsedSec: 'number', opsPerSec: 'number', p50Ms: 'number', p99Ms: 'number', maxMs: 'number', errors: 'number', behindMs: 'number' });
  }
  const s = records.at(-1) as unknown as StressSummary;
  const latency = { p50: 'number', p95: 'number', p99: 'number', p999: 'number', max: 'number', mean: 'number' };
  expect(shapeOf(s)).toEqual({
    type: 'string', tool: 'string', workload: 'string', mode: 'string', stoppedBy: 'string',
    config: {
      contactPoints: ['string'], keyspace: 'string', table: 'string', consistency: 'string', connections: 'number', concurrency: 'number', ratePerSec: 'null',
      population: 'number', firstKey: 'number', distribution: 'string', rowsPerPartition: 'number', valueSizeBytes: 'number', ratio: { write: 'number', read: 'number' },
      warmupSec: 'number', seed: 'number',
    },
    warmup: { ops: 'number', errors: 'number', elapsedSec: 'number' },
    elapsedSec: 'number', ops: 'number', opsPerSec: 'number', errors: 'number', errorsByKind: {}, misses: 'number',
    latencyMs: latency,
    byOp: { write: { ops: 'number', latencyMs: latency }, read: { ops: 'number', latencyMs: latency } },
    fixedRate: 'null',
    client: { cpuUsPerOp: 'number', loopDelayP99Ms: 'number', loopDelayMaxMs: 'number' },
    shards: { perConnection: ['number'], shardCount: 'number', balanced: 'boolean', attempts: 'number' },
  });
  expect(s).toMatchObject({
    tool: 'charybdis-stress', workload: 'mixed', mode: 'closed-loop', stoppedBy: 'done', ops: 1500, errors: 0,
    config: { contactPoints: [`127.0.0.1:${node.cqlPort}`], keyspace: 'st_mixed', table: 'rows', consistency: 'ONE', concurrency: 32, population: 1500, distribution: 'zipf:1.1', ratio: { write: 1, read: 2 }, warmupSec: 0.3 },
    shards: { shardCount: 2, balanced: true },
  });
  expect(s.byOp.write!.ops + s.byOp.read!.ops).toBe(1500);
  expect(s.latencyMs.p50).toBeLessThanOrEqual(s.latencyMs.p99);
  expect(s.latencyMs.p99).toBeLessThanOrEqual(s.latencyMs.max);
});

test('fixed-rate mode runs rate x duration operations and reports the service time and the schedule lag', async () => {
  const json = path.join(scratch, 'rate.json');
  const run = await runStress(['write', '--rate', '400/s', '--duration', '1s', '--port', String(node.cqlPort), '--keyspace', 'st_rate', '--connections', '2', '--json', json, '--quiet']);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^Results: write, fixed rate 400\/s \(at most 1024 outstanding per connection\)/m);
  expect(run.stdout).toMatch(/^ {2}behind schedule mean [\d.]+ ms {2}p99 [\d.]+ ms {2}max [\d.]+ ms$/m);
  const s = readSummary(json);
  expect(s).toMatchObject({ mode: 'fixed-rate', ops: 400, errors: 0, config: { ratePerSec: 400, concurrency: 1024 } });
  expect(s.fixedRate).toMatchObject({ targetOpsPerSec: 400, plannedOps: 400 });
  expect(shapeOf(s.fixedRate)).toEqual({
    targetOpsPerSec: 'number', plannedOps: 'number',
    serviceLatencyMs: { p50: 'number', p95: 'number', p99: 'number', p999: 'number', max: 'number', mean: 'number' },
    startLagMs: { mean: 'number', p99: 'number', max: 'number' },
  });
  // From the intended start is never shorter than from the send.
  expect(s.latencyMs.max).toBeGreaterThanOrEqual(s.fixedRate!.serviceLatencyMs.max);
});

test('errors are counted by kind and the run goes on; past --max-errors it stops with exit 1', async () => {
  // A table without the column v: the server refuses every INSERT (Invalid, undefined column).
  const client = new Client({ contactPoints: [`127.0.0.1:${node.cqlPort}`], localDataCenter: 'datacenter1' });
  await client.connect();
  try {
    await client.execute("CREATE KEYSPACE st_err WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await client.execute('CREATE TABLE st_err.rows (pk bigint, ck bigint, w blob, PRIMARY KEY (pk, ck))');
  } finally {
    await client.shutdown();
  }
  const port = String(node.cqlPort);
  const json = path.join(scratch, 'errors.json');
  const counted = await runStress(['write', '-n', '40', '--port', port, '--keyspace', 'st_err', '--no-schema', '--concurrency', '4', '--json', json, '--quiet']);
  expect(counted.code).toBe(0);
  const s = readSummary(json);
  expect(s).toMatchObject({ ops: 40, errors: 40, stoppedBy: 'done', errorsByKind: { invalid: { count: 40 } } });
  expect(s.errorsByKind.invalid!.sample).toMatch(/\bv\b/);
  expect(counted.stdout).toMatch(/^ {2}errors {10}40\n {4}invalid: 40 \(e\.g\. .+\)$/m);

  const stopped = await runStress(['write', '-n', '100000', '--port', port, '--keyspace', 'st_err', '--no-schema', '--concurrency', '1', '--max-errors', '5', '--quiet']);
  expect(stopped.code).toBe(1);
  expect(stopped.stdout).toMatch(/stopped early \(max-errors\)/);
  expect(stopped.stderr).toBe('stress: error: stopped after 6 failed operations (more than --max-errors 5)\n');

  const inWarmup = await runStress(['write', '-n', '10', '--warmup', '10s', '--port', port, '--keyspace', 'st_err', '--no-schema', '--concurrency', '1', '--max-errors', '3', '--quiet']);
  expect(inWarmup.code).toBe(1);
  expect(inWarmup.stderr).toMatch(/^stress: error: stopped during the warm-up after 4 failed operations \(more than --max-errors 3\): invalid x4 \(e\.g\. .+\)\n$/);
});

/** Messages the node's shards sent each other so far (smp_messages_sent_total, peer != shard). */
async function crossShardMessages(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${node.prometheusPort}/metrics`)).text();
  let total = 0;
  for (const m of text.matchAll(/^smp_messages_sent_total\{peer="(\d+)",shard="(\d+)"\} (\d+)$/gm)) if (m[1] !== m[2]) total += Number(m[3]);
  return total;
}

test('--shard-aware sends every operation to the shard owning its partition: nothing crosses shards in the node', async () => {
  const port = String(node.cqlPort);
  const before = await crossShardMessages();
  const aware = await runStress(['write', '--port', port, '--table', 'aware', '-n', '2000', '--shard-aware', '--quiet']);
  expect(aware.code).toBe(0);
  expect(aware.stdout).toContain('connections on shards 0,1 of 2');
  const afterAware = await crossShardMessages();
  // A few for the schema (DDL runs on shard 0 and is published); none per operation.
  expect(afterAware - before).toBeLessThan(100);
  const plain = await runStress(['write', '--port', port, '--table', 'aware', '-n', '2000', '--first-key', '2000', '--quiet']);
  expect(plain.code).toBe(0);
  // Without routing about half the operations go to the other shard (a request and its reply each).
  expect((await crossShardMessages()) - afterAware).toBeGreaterThan(1000);
});

test('bad options print the usage and exit 2', async () => {
  const run = await runStress(['write', '--concurrency', 'lots']);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^stress: error: --concurrency must be a whole number from 1 to 30000, got 'lots'\n\nUsage: stress/);
  expect(run.stdout).toBe('');
});

test('an unreachable node is one clear line and exit 1', async () => {
  const [port] = await freePorts(1);
  const run = await runStress(['write', '-n', '10', '--port', String(port)]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^stress: error: cannot connect to 127\\.0\\.0\\.1:${port}: .+\\n$`));
});

test('--no-schema with a missing table is exit 1 naming the table', async () => {
  const run = await runStress(['read', '-n', '10', '--port', String(node.cqlPort), '--keyspace', 'st_absent', '--no-schema']);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe('stress: error: table st_absent.rows does not exist (drop --no-schema to create it)\n');
});
