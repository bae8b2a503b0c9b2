import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'cassandra-driver';
import { familyOf, freePorts, parsePrometheusText, portArgs, promqlMetricNames, startNode, sumOf, tempDir } from './src';
import type { NodeProcess, PromFamily } from './src';

/**
 * The Prometheus endpoint of a real node (2 shards) driven through cassandra-driver: the
 * exposition is valid text format, the per-table, commitlog and CQL metrics move exactly
 * with the statements run, a dropped table's series disappear, and the Grafana dashboard
 * only queries metric families the node exports.
 */

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..');
const DASHBOARD = path.join(ROOT, 'tools', 'grafana', 'charybdis-dashboard.json');

let cwd: string;
let ports: number[];
let node: NodeProcess;
let client: Client;

async function scrape(): Promise<Map<string, PromFamily>> {
  const res = await fetch(`http://127.0.0.1:${ports[3]}/metrics`);
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text());
}

/** Series of `name` that carry the labels ks=ks, table=t. */
function tableSeries(families: Map<string, PromFamily>, name: string): number {
  return familyOf(name, families)?.samples.filter((s) => s.labels.ks === 'ks' && s.labels.table === 't').length ?? 0;
}

beforeAll(async () => {
  cwd = tempDir('charybdis-metrics-');
  ports = await freePorts(4);
  node = startNode(['--smp', '2', '--memory', '1G', ...portArgs(ports)], { cwd });
  await node.ready;
  client = new Client({ contactPoints: [`127.0.0.1:${ports[0]}`], localDataCenter: 'datacenter1' });
  await client.connect();
  await client.execute("CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 1}");
  await client.execute('CREATE TABLE ks.t (k int PRIMARY KEY, v text)');
});

afterAll(async () => {
  await client?.shutdown();
  if (node !== undefined && node.proc.exitCode === null) expect(await node.stop()).toBe(0);
  if (cwd !== undefined) fs.rmSync(cwd, { recursive: true, force: true });
});

describe('the test parser of the text format (it must be able to fail)', () => {
  const ok = '# HELP a_total A\n# TYPE a_total counter\na_total{shard="0",x="q\\"\\\\\\n"} 1\n';
  test('accepts a valid exposition and unescapes label values', () => {
    expect(parsePrometheusText(ok).get('a_total')!.samples[0]!.labels.x).toBe('q"\\\n');
  });
  test.each([
    ['a sample of an undeclared family', '# HELP a A\n# TYPE a gauge\nb 1\n'],
    ['a family without HELP', '# TYPE a gauge\na 1\n'],
    ['a bad escape', '# HELP a A\n# TYPE a gauge\na{x="\\t"} 1\n'],
    ['a duplicate label', '# HELP a A\n# TYPE a gauge\na{x="1",x="2"} 1\n'],
    ['a bad value', '# HELP a A\n# TYPE a gauge\na 1,5\n'],
    ['non-contiguous samples', '# HELP a A\n# TYPE a gauge\na 1\n# HELP b B\n# TYPE b gauge\nb 1\na 2\n'],
    ['decreasing buckets', '# HELP h H\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['+Inf bucket not equal to _count', '# HELP h H\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 2\n'],
    ['a histogram without _sum', '# HELP h H\n# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\n'],
    ['a missing final newline', ok.slice(0, -1)],
  ])('rejects %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});

describe('/metrics of a real node', () => {
  test('parses as Prometheus text format and declares the documented families', async () => {
    const families = await scrape();
    const expected: Record<string, PromFamily['type']> = {
      table_reads_total: 'counter',
      table_range_scans_total: 'counter',
      table_writes_total: 'counter',
      table_read_latency_us: 'histogram',
      table_write_latency_us: 'histogram',
      table_sstables_per_read: 'histogram',
      table_live_sstables: 'gauge',
      table_live_disk_bytes: 'gauge',
      table_total_disk_bytes: 'gauge',
      table_memtable_bytes: 'gauge',
      table_memtable_partitions: 'gauge',
      table_estimated_partitions: 'gauge',
      table_pending_flushes: 'gauge',
      table_memtable_switches_total: 'counter',
      commitlog_bytes_written_total: 'counter',
      commitlog_syncs_total: 'counter',
      commitlog_sync_latency_us: 'histogram',
      commitlog_segments: 'gauge',
      commitlog_pending_operations: 'gauge',
      commitlog_unsynced_bytes: 'gauge',
      memtable_dirty_bytes: 'gauge',
      memtable_flushes_total: 'counter',
      memtable_flush_bytes_total: 'counter',
      memtable_flush_duration_ms: 'histogram',
      cql_requests_total: 'counter',
      cql_errors_total: 'counter',
      cql_request_latency_us: 'histogram',
      cql_statement_cache_entries: 'gauge',
      cql_statement_cache_hits_total: 'counter',
      compaction_pending_tasks: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) expect([name, families.get(name)?.type]).toEqual([name, type]);
    // The per-table families carry {ks, table} and the exporter's shard label; so do compaction's.
    for (const name of ['table_writes_total', 'compaction_bytes_read_total']) {
      const sample = families.get(name)!.samples.find((s) => s.labels.ks === 'ks' && s.labels.table === 't');
      expect(Object.keys(sample?.labels ?? {}).sort()).toEqual(['ks', 'shard', 'table']);
      expect(sample?.labels.shard).toMatch(/^[01]$/);
    }
    // Every family the node exports is documented in docs/metrics.md, and the docs name no family the node lacks.
    const documented = new Set([...fs.readFileSync(path.join(ROOT, 'docs', 'metrics.md'), 'utf8').matchAll(/^\| `([a-z_:][a-z0-9_:]*)` \|/gm)].map((m) => m[1]!));
    expect([...families.keys()].filter((n) => !documented.has(n))).toEqual([]);
    expect([...documented].filter((n) => !families.has(n))).toEqual([]);
  });

  test('writes, reads and scans move the per-table, commitlog and CQL metrics exactly', async () => {
    const before = await scrape();
    const inserts = 23;
    for (let k = 0; k < inserts; k++) await client.execute('INSERT INTO ks.t (k, v) VALUES (?, ?)', [k, `v${k}`], { prepare: true });
    const afterWrites = await scrape();
    const delta = (a: Map<string, PromFamily>, b: Map<string, PromFamily>, name: string, match: Record<string, string> = { ks: 'ks', table: 't' }): number =>
      sumOf(b, name, match) - sumOf(a, name, match);
    expect(delta(before, afterWrites, 'table_writes_total')).toBe(inserts);
    expect(delta(before, afterWrites, 'table_write_latency_us_count')).toBe(inserts);
    expect(delta(before, afterWrites, 'table_reads_total')).toBe(0);
    // Each INSERT appended one entry of at least its key and value to the commitlog.
    expect(delta(before, afterWrites, 'commitlog_entries_written_total', {})).toBeGreaterThanOrEqual(inserts);
    expect(delta(before, afterWrites, 'commitlog_bytes_written_total', {})).toBeGreaterThan(inserts * 8);
    expect(sumOf(afterWrites, 'table_memtable_partitions', { ks: 'ks', table: 't' })).toBe(inserts);
    expect(delta(before, afterWrites, 'cql_requests_total', { opcode: 'execute' })).toBe(inserts);
    expect(delta(before, afterWrites, 'cql_request_latency_us_count', {})).toBeGreaterThanOrEqual(inserts);
    expect(delta(before, afterWrites, 'cql_statement_cache_hits_total', { cache: 'prepared' })).toBeGreaterThanOrEqual(inserts - 1);

    const reads = 9;
    for (let k = 0; k < reads; k++) {
      const row = (await client.execute('SELECT v FROM ks.t WHERE k = ?', [k], { prepare: true })).first();
      expect(row.get('v')).toBe(`v${k}`);
    }
    const afterReads = await scrape();
    expect(delta(afterWrites, afterReads, 'table_reads_total')).toBe(reads);
    expect(delta(afterWrites, afterReads, 'table_read_latency_us_count')).toBe(reads);
    expect(delta(afterWrites, afterReads, 'table_sstables_per_read_count')).toBe(reads);
    expect(delta(afterWrites, afterReads, 'table_writes_total')).toBe(0);

    const all = await client.execute('SELECT k FROM ks.t');
    expect(all.rows).toHaveLength(inserts);
    const afterScan = await scrape();
    expect(delta(afterReads, afterScan, 'table_range_scans_total')).toBeGreaterThanOrEqual(1);
    expect(delta(afterReads, afterScan, 'table_reads_total')).toBe(0);

    // A bad statement is counted by its protocol error code.
    await expect(client.execute('SELECT * FROM ks.missing')).rejects.toThrow(/missing/);
    const afterError = await scrape();
    expect(delta(afterScan, afterError, 'cql_errors_total', { code: 'invalid' })).toBeGreaterThanOrEqual(1);
  });

  test("after DROP TABLE the table's series are gone (its own and compaction's)", async () => {
    const before = await scrape();
    expect(tableSeries(before, 'table_writes_total')).toBe(2); // one per shard
    expect(tableSeries(before, 'compaction_pending_tasks')).toBe(2);
    await client.execute('DROP TABLE ks.t');
    const after = await scrape();
    for (const family of after.values()) {
      const left = family.samples.filter((s) => s.labels.ks === 'ks' && s.labels.table === 't');
      expect([family.name, left.length]).toEqual([family.name, 0]);
    }
  });
});

describe('the Grafana dashboard (tools/grafana/charybdis-dashboard.json)', () => {
  interface Panel {
    type: string;
    title: string;
    targets?: { expr: string }[];
  }
  interface Dashboard {
    panels: Panel[];
    templating: { list: { name: string; type: string; query: unknown; definition?: string }[] };
  }
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as Dashboard;

  test('is what tools/grafana/build-dashboard.mjs writes', () => {
    expect(() => execFileSync(process.execPath, [path.join(ROOT, 'tools', 'grafana', 'build-dashboard.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  test('has a Prometheus datasource variable and shard, ks and table template variables', () => {
    const vars = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(vars.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const name of ['shard', 'ks', 'table']) expect(vars.get(name)?.type).toBe('query');
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(20);
    for (const p of panels) {
      expect([p.title, (p.targets ?? []).length > 0]).toEqual([p.title, true]);
      for (const t of p.targets!) expect(t.expr).toMatch(/shard=~"\$shard"/);
    }
  });

  test('every expression and variable query references only metric families the node exports', async () => {
    const families = await scrape();
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr })));
    for (const v of dashboard.templating.list) if (v.definition !== undefined) exprs.push({ where: `variable ${v.name}`, expr: v.definition.replace(/^label_values\((.*),\s*\w+\)$/, '$1') });
    const unknown: string[] = [];
    const used = new Set<string>();
    for (const { where, expr } of exprs) {
      const names = promqlMetricNames(expr);
      expect([where, names.length > 0]).toEqual([where, true]);
      for (const name of names) {
        const family = familyOf(name, families);
        if (family === undefined) unknown.push(`${where}: ${name}`);
        else used.add(family.name);
      }
    }
    expect(unknown).toEqual([]);
    // The brief's sections are all there.
    for (const prefix of ['table_', 'cql_', 'commitlog_', 'memtable_', 'compaction_', 'lsa_', 'scheduler_', 'io_queue_', 'reactor_', 'smp_']) {
      expect([prefix, [...used].some((n) => n.startsWith(prefix))]).toEqual([prefix, true]);
    }
  });
});
