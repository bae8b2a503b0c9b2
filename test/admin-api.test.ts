import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'cassandra-driver';
import { freePorts, portArgs, startNode, tempDir } from './src';
import type { NodeProcess } from './src';

/**
 * The REST admin API of a real node (packages/server/docs/admin-api.md), over HTTP as
 * nodetool and ScyllaDB's test suite use it: status codes, JSON shapes, errors naming what
 * is wrong, and operations whose effect shows on disk.
 */

jest.setTimeout(120_000);

let cwd: string;
let ports: number[];
let node: NodeProcess;
let client: Client;

/** An admin API call: status and parsed JSON body. */
async function api(method: string, pathAndQuery: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`http://127.0.0.1:${ports[2]}${pathAndQuery}`, { method });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as unknown, headers: res.headers };
}

/** SSTables (TOC files) of ks.<table> on disk, over every shard. */
function sstableFiles(table: string): string[] {
  const ksDir = path.join(cwd, 'data', 'data', 'ks');
  const tableDir = fs.readdirSync(ksDir).find((d) => d.startsWith(`${table}-`))!;
  return fs
    .readdirSync(path.join(ksDir, tableDir))
    .filter((d) => d.startsWith('shard-'))
    .flatMap((d) => fs.readdirSync(path.join(ksDir, tableDir, d)).filter((f) => f.endsWith('-TOC.txt')));
}

beforeAll(async () => {
  cwd = tempDir('charybdis-admin-api-');
  ports = await freePorts(4);
  node = startNode(['--smp', '2', '--memory', '1G', ...portArgs(ports)], { cwd });
  await node.ready;
  client = new Client({ contactPoints: [`127.0.0.1:${ports[0]}`], localDataCenter: 'datacenter1' });
  await client.connect();
  await client.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  await client.execute('CREATE TABLE ks.t (pk int PRIMARY KEY, v text)');
  await client.execute('CREATE TABLE ks.u (pk int PRIMARY KEY, v text)');
});

afterAll(async () => {
  await client?.shutdown();
  if (node.proc.exitCode === null) await node.stop();
  fs.rmSync(cwd, { recursive: true, force: true });
});

/** True when a TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

async function write(table: string, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) await client.execute(`INSERT INTO ks.${table} (pk, v) VALUES (?, ?)`, [i, `value ${i}`], { prepare: true });
}

describe('the node', () => {
  test('host_id and tokens are those of system.local', async () => {
    const local = (await client.execute('SELECT host_id, tokens FROM system.local')).first();
    const hostId = (local.get('host_id') as { toString(): string }).toString();
    const hostIds = await api('GET', '/storage_service/host_id');
    expect(hostIds).toMatchObject({ status: 200, body: [{ key: '127.0.0.1', value: hostId }] });
    expect((await api('GET', '/storage_service/hostid/local')).body).toBe(hostId);
    const tokens = (await api('GET', '/storage_service/tokens')).body as string[];
    expect(tokens).toHaveLength(256);
    expect(new Set(tokens)).toEqual(new Set(local.get('tokens') as string[]));
  });

  test('release version, mode, ownership and the ring', async () => {
    expect((await api('GET', '/storage_service/release_version')).body).toBe('4.0.11');
    expect((await api('GET', '/storage_service/operation_mode')).body).toBe('NORMAL');
    expect((await api('GET', '/storage_service/ownership/')).body).toEqual([{ key: '127.0.0.1', value: 1 }]);
    const ring = (await api('GET', '/storage_service/describe_ring/ks')).body as { start_token: string; end_token: string; endpoints: string[] }[];
    expect(ring).toHaveLength(256);
    expect(ring[0]).toMatchObject({ endpoints: ['127.0.0.1'], rpc_endpoints: ['127.0.0.1'], endpoint_details: [{ host: '127.0.0.1', datacenter: 'datacenter1', rack: 'rack1' }] });
    // The ranges chain: each starts where the previous one ended, the first wraps around.
    for (let i = 1; i < ring.length; i++) expect(ring[i]!.start_token).toBe(ring[i - 1]!.end_token);
    expect(ring[0]!.start_token).toBe(ring[ring.length - 1]!.end_token);
    expect((await api('GET', '/storage_service/natural_endpoints/ks?cf=t&key=1')).body).toEqual(['127.0.0.1']);
  });

  test('memory: heaps of every thread and the LSA memory', async () => {
    const m = (await api('GET', '/charybdis/memory')).body as Record<string, number>;
    expect(m.heap_used_bytes).toBeGreaterThan(0);
    expect(m.heap_total_bytes).toBeGreaterThanOrEqual(m.heap_used_bytes!);
    expect(m.off_heap_bytes).toBeGreaterThanOrEqual(0);
  });

  test('keyspace and table names (what ScyllaDB\'s test suite probes)', async () => {
    expect((await api('GET', '/column_family/name/keyspace')).body).toEqual(expect.arrayContaining(['system', 'system_schema', 'ks']));
    expect((await api('GET', '/column_family/name')).body).toEqual(expect.arrayContaining(['ks:t', 'ks:u']));
    expect((await api('GET', '/storage_service/keyspaces?type=user')).body).toEqual(['ks']);
  });
});

describe('operations', () => {
  test('keyspace_flush writes SSTables; live_ss_table_count and table_stats count them', async () => {
    await write('t', 0, 50);
    expect(sstableFiles('t')).toEqual([]);
    expect((await api('POST', '/storage_service/keyspace_flush/ks?cf=t')).status).toBe(200);
    const files = sstableFiles('t');
    expect(files.length).toBeGreaterThan(0);
    expect((await api('GET', '/column_family/metrics/live_ss_table_count/ks:t')).body).toBe(files.length);
    const [stats] = (await api('GET', '/charybdis/table_stats?cf=ks.t')).body as Record<string, unknown>[];
    expect(stats).toMatchObject({ keyspace: 'ks', table: 't', sstable_count: files.length, estimated_partitions: 50, write_count: 50, memtable_partitions: 0 });
    expect(stats!.space_used_live_bytes).toBeGreaterThan(0);
    expect(sstableFiles('u')).toEqual([]); // only the table asked for
  });

  test('system.size_estimates gives the flushed partitions of every shard, over the node\'s token ranges', async () => {
    // ks.t holds the 50 flushed partitions of the test above, spread over both shards.
    const rows = (await client.execute("SELECT range_start, range_end, partitions_count, mean_partition_size FROM system.size_estimates WHERE keyspace_name = 'ks' AND table_name = 't'")).rows;
    const local = (await client.execute('SELECT tokens FROM system.local')).first();
    expect(rows.length).toBe((local.get('tokens') as string[]).length + 1); // the wrapping range is split at the minimum token
    const total = rows.reduce((n, r) => n + Number(r.get('partitions_count') as unknown), 0);
    expect(total).toBeGreaterThanOrEqual(45);
    expect(total).toBeLessThanOrEqual(55);
    expect(Number(rows[0]!.get('mean_partition_size') as unknown)).toBeGreaterThan(0);
    // ks.u has nothing flushed
    const u = (await client.execute("SELECT partitions_count FROM system.size_estimates WHERE keyspace_name = 'ks' AND table_name = 'u'")).rows;
    expect(u.reduce((n, r) => n + Number(r.get('partitions_count') as unknown), 0)).toBe(0);
  });

  test('keyspace_compaction merges each shard\'s SSTables into one', async () => {
    await write('t', 50, 50);
    await api('POST', '/storage_service/keyspace_flush/ks');
    const before = sstableFiles('t').length;
    expect((await api('POST', '/storage_service/keyspace_compaction/ks?cf=t')).status).toBe(200);
    const after = sstableFiles('t').length;
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThanOrEqual(2); // two shards
    expect((await api('GET', '/compaction_manager/compactions')).body).toEqual([]);
  });

  test('snapshots: take, list with sizes, refuse a duplicate tag, clear', async () => {
    expect(await api('POST', '/storage_service/snapshots/?tag=snap1&kn=ks&cf=t')).toMatchObject({ status: 200, body: 'snap1' });
    const listed = (await api('GET', '/storage_service/snapshots/')).body as { key: string; value: { ks: string; cf: string; live: number; total: number }[] }[];
    expect(listed).toEqual([{ key: 'snap1', value: [expect.objectContaining({ ks: 'ks', cf: 't', live: 0 })] }]);
    expect(listed[0]!.value[0]!.total).toBeGreaterThan(0);
    const dup = await api('POST', '/storage_service/snapshots?tag=snap1&kn=ks');
    expect(dup.status).toBe(400);
    expect((dup.body as { message: string }).message).toContain('snap1');
    expect((await api('DELETE', '/storage_service/snapshots?tag=snap1')).status).toBe(200);
    expect((await api('GET', '/storage_service/snapshots')).body).toEqual([]);
  });

  test('a snapshot with a TTL lists its creation and expiry times, a minute or more apart', async () => {
    expect((await api('POST', '/storage_service/snapshots?tag=ttl1&kn=ks&ttl=60s')).status).toBe(200);
    const [snap] = (await api('GET', '/storage_service/snapshots')).body as { key: string; value: { created_at: number; expires_at: number | null }[] }[];
    expect(snap!.key).toBe('ttl1');
    for (const d of snap!.value) expect(d.expires_at! - d.created_at).toBe(60);
    expect(fs.readFileSync(path.join(cwd, 'data', 'data', 'ks', fs.readdirSync(path.join(cwd, 'data', 'data', 'ks')).find((d) => d.startsWith('t-'))!, 'snapshots', 'ttl1', 'shard-0', 'manifest.json'), 'utf8')).toContain('expires_at');
    expect(await api('POST', '/storage_service/snapshots?tag=ttl2&kn=ks&ttl=59s')).toMatchObject({ status: 400, body: { message: 'ttl for snapshot must be at least 1 minute, not "59s"' } });
    expect(await api('POST', '/storage_service/snapshots?tag=ttl2&kn=ks&ttl=soon')).toMatchObject({ status: 400 });
    expect((await api('DELETE', '/storage_service/snapshots?tag=ttl1')).status).toBe(200);
  });

  test('auto-compaction can be turned off and on per table', async () => {
    expect((await api('DELETE', '/column_family/autocompaction/ks:u')).status).toBe(200);
    expect((await api('GET', '/column_family/autocompaction/ks:u')).body).toBe(false);
    expect((await api('POST', '/storage_service/auto_compaction/ks?cf=u')).status).toBe(200);
    expect((await api('GET', '/column_family/autocompaction/ks:u')).body).toBe(true);
  });
});

describe('errors', () => {
  test.each([
    ['POST', '/storage_service/keyspace_flush/nope', 400, 'Keyspace nope does not exist'],
    ['POST', '/storage_service/keyspace_flush/ks?cf=nope', 400, 'Table ks.nope does not exist'],
    ['POST', '/storage_service/keyspace_compaction/nope', 400, 'Keyspace nope does not exist'],
    ['GET', '/storage_service/describe_ring/nope', 400, 'Keyspace nope does not exist'],
    ['GET', '/storage_service/natural_endpoints/ks?key=1', 400, 'parameter cf'],
    ['GET', '/column_family/metrics/live_ss_table_count/ks.t', 400, 'keyspace:table'],
    ['POST', '/storage_service/keyspace_compaction/ks?flush_memtables=maybe', 400, 'flush_memtables'],
    ['POST', '/storage_service/snapshots?tag=../x', 400, 'invalid snapshot name'],
    ['POST', '/storage_service/trace_probability?probability=2', 400, 'between 0 and 1'],
    ['POST', '/storage_service/trace_probability?probability=0.5', 501, 'not supported'],
    ['GET', '/no/such/endpoint', 404, 'no such endpoint'],
    ['DELETE', '/storage_service/flush', 405, 'use POST'],
  ])('%s %s → %d', async (method, url, status, message) => {
    const res = await api(method, url);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toMatchObject({ code: status, message: expect.stringContaining(message) as string, error: expect.any(String) as string });
  });

  test('a 405 says which methods are allowed', async () => {
    expect((await api('GET', '/storage_service/drain')).status).toBe(200);
    expect((await api('DELETE', '/storage_service/drain')).headers.get('allow')).toBe('POST, GET');
  });
});

describe('native transport', () => {
  test('DELETE closes the CQL port, POST reopens it, GET says which', async () => {
    expect((await api('DELETE', '/storage_service/native_transport')).status).toBe(200);
    expect((await api('GET', '/storage_service/native_transport')).body).toBe(false);
    expect(await refused(ports[0]!)).toBe(true);
    expect((await api('POST', '/storage_service/native_transport')).status).toBe(200);
    expect((await api('GET', '/storage_service/native_transport')).body).toBe(true);
    expect(await refused(ports[0]!)).toBe(false);
    // The old client's connections were closed: use a new one for the rest.
    await client.shutdown();
    client = new Client({ contactPoints: [`127.0.0.1:${ports[0]}`], localDataCenter: 'datacenter1' });
    await client.connect();
  });
});

describe('drain', () => {
  test('closes the CQL port, flushes, and the API keeps answering', async () => {
    await write('u', 0, 10);
    expect((await api('POST', '/storage_service/drain')).status).toBe(200);
    expect(sstableFiles('u').length).toBeGreaterThan(0);
    expect((await api('GET', '/storage_service/operation_mode')).body).toBe('DRAINED');
    expect(await refused(ports[0]!)).toBe(true);
    expect(await api('POST', '/storage_service/native_transport')).toMatchObject({ status: 503, body: { message: expect.stringContaining('drained') as string } });
    await client.shutdown();
    expect(await node.stop()).toBe(0);
  });
});

test('a node whose api_port is taken refuses to start, naming api_port', async () => {
  const busy = net.createServer();
  const [port, ...others] = await freePorts(4);
  await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
  const dir = tempDir('charybdis-admin-busy-');
  try {
    const other = startNode(['--smp', '1', '--memory', '256M', ...portArgs([others[0]!, others[1]!, port!, others[2]!])], { cwd: dir });
    expect(await other.exited).toBe(1);
    expect(other.stderr.join('\n')).toContain(`cannot listen on 127.0.0.1:${port} (api_port): the port is already in use by another process [EADDRINUSE]`);
  } finally {
    await new Promise((resolve) => busy.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
