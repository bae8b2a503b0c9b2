import { execFileSync, spawnSync } from 'node:child_process';
import net from 'node:net';
import { Client, types } from 'cassandra-driver';
import { freePorts, portArgs, startNode, tempDir } from './src';
import type { NodeProcess } from './src';

/**
 * A real node used through cassandra-driver, as a user would (issue 7's black-box list):
 * metadata, every type, prepared statements across a restart, paging, batches, TTL,
 * restart durability, a 4 MiB value, 1000 concurrent requests, malformed frames, and a
 * Python driver smoke test when Debian's python3-cassandra is installed.
 */

jest.setTimeout(120_000);

/** A driver value as text (Long, BigDecimal, Uuid, LocalDate… all print themselves). */
function text(value: unknown): string {
  return (value as { toString(): string }).toString();
}

let cwd: string;
let ports: number[];
let node: NodeProcess;
let client: Client;

async function start(): Promise<void> {
  node = startNode(['--smp', '2', '--memory', '1G', ...portArgs(ports)], { cwd });
  await node.ready;
  client = new Client({ contactPoints: [`127.0.0.1:${ports[0]}`], localDataCenter: 'datacenter1' });
  await client.connect();
}

async function stop(): Promise<void> {
  await client.shutdown();
  expect(await node.stop()).toBe(0);
}

beforeAll(async () => {
  cwd = tempDir('charybdis-cql-');
  ports = await freePorts(4);
  await start();
  await client.execute("CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 1}");
});

afterAll(async () => {
  if (node.proc.exitCode === null) await stop();
});

test('connects and reads metadata: keyspaces, tables, columns, tokens', async () => {
  await client.execute('CREATE TABLE ks.meta (a int, b text, c bigint static, d list<int>, PRIMARY KEY (a, b)) WITH CLUSTERING ORDER BY (b DESC)');
  await client.metadata.refreshKeyspaces();
  expect(Object.keys(client.metadata.keyspaces)).toEqual(expect.arrayContaining(['system', 'system_schema', 'ks']));
  const t = await client.metadata.getTable('ks', 'meta');
  expect(t.partitionKeys.map((c) => c.name)).toEqual(['a']);
  expect(t.clusteringKeys.map((c) => c.name)).toEqual(['b']);
  expect(t.clusteringOrder).toEqual(['DESC']);
  expect(t.columns.map((c) => c.name).sort()).toEqual(['a', 'b', 'c', 'd']);
  expect((t.columnsByName.c as unknown as { isStatic: boolean }).isStatic).toBe(true);
  expect(t.columnsByName.d!.type.code).toBe(types.dataTypes.list);
  const local = (await client.execute("SELECT tokens, release_version, schema_version FROM system.local WHERE key = 'local'")).first();
  expect((local.get('tokens') as string[]).length).toBeGreaterThan(0);
  expect(local.get('release_version')).toMatch(/^4\./);
  expect(client.metadata.getTokenRanges().size).toBeGreaterThan(0);
  const replicas = client.getReplicas('ks', Buffer.from([0, 0, 0, 1]));
  expect(replicas).toHaveLength(1);
});

test('a round trip of every type, prepared and not', async () => {
  await client.execute(`CREATE TABLE ks.alltypes (k int PRIMARY KEY, a ascii, b bigint, bl blob, bo boolean, d decimal, db double, f float, i inet, n int,
    t text, ts timestamp, u uuid, tu timeuuid, vi varint, dt date, tm time, si smallint, ti tinyint, du duration,
    l list<text>, s set<int>, m map<text, int>, tp tuple<int, text>, fl frozen<list<int>>)`);
  const values = [
    1, 'ascii', types.Long.fromString('-9223372036854775808'), Buffer.from('cafe', 'hex'), true, types.BigDecimal.fromString('-12.345'), 1.5e300, 2.5,
    '10.0.0.1', 2147483647, 'text ✓', new Date('2024-02-29T12:34:56.789Z'), types.Uuid.random(), types.TimeUuid.now(), types.Integer.fromString('123456789012345678901234567890'),
    new types.LocalDate(2024, 2, 29), types.LocalTime.fromString('12:34:56.123456789'), 32767, -128, new types.Duration(1, 2, types.Long.fromNumber(3000000000)),
    ['x', 'y'], [3, 1, 2], { a: 1, b: 2 }, new types.Tuple(7, 'seven'), [9, 8],
  ];
  const cols = 'k, a, b, bl, bo, d, db, f, i, n, t, ts, u, tu, vi, dt, tm, si, ti, du, l, s, m, tp, fl';
  const marks = cols.split(',').map(() => '?').join(', ');
  await client.execute(`INSERT INTO ks.alltypes (${cols}) VALUES (${marks})`, values, { prepare: true });
  for (const prepare of [true, false]) {
    // Unprepared, the driver would send 1 as a double: the hint makes it an int, as users do.
    const row = (await client.execute('SELECT * FROM ks.alltypes WHERE k = ?', [1], { prepare, hints: ['int'] })).first();
    expect(row.get('a')).toBe('ascii');
    expect(text(row.get('b'))).toBe('-9223372036854775808');
    expect((row.get('bl') as Buffer).toString('hex')).toBe('cafe');
    expect(row.get('bo')).toBe(true);
    expect(text(row.get('d'))).toBe('-12.345');
    expect(row.get('db')).toBe(1.5e300);
    expect(row.get('f')).toBe(2.5);
    expect(text(row.get('i'))).toBe('10.0.0.1');
    expect(row.get('n')).toBe(2147483647);
    expect(row.get('t')).toBe('text ✓');
    expect((row.get('ts') as Date).toISOString()).toBe('2024-02-29T12:34:56.789Z');
    expect(text(row.get('u'))).toBe(text(values[12]));
    expect(text(row.get('tu'))).toBe(text(values[13]));
    expect(text(row.get('vi'))).toBe('123456789012345678901234567890');
    expect(text(row.get('dt'))).toBe('2024-02-29');
    expect(text(row.get('tm'))).toBe('12:34:56.123456789');
    expect(row.get('si')).toBe(32767);
    expect(row.get('ti')).toBe(-128);
    expect(text(row.get('du'))).toBe(text(values[19]));
    expect(row.get('l')).toEqual(['x', 'y']);
    expect(row.get('s')).toEqual([1, 2, 3]);
    expect(row.get('m')).toEqual({ a: 1, b: 2 });
    expect((row.get('tp') as types.Tuple).values()).toEqual([7, 'seven']);
    expect(row.get('fl')).toEqual([9, 8]);
  }
});

test('paging over many pages, batches, TTL expiry', async () => {
  await client.execute('CREATE TABLE ks.wide (p int, c int, v text, PRIMARY KEY (p, c))');
  const insert = 'INSERT INTO ks.wide (p, c, v) VALUES (?, ?, ?)';
  await Promise.all(Array.from({ length: 1000 }, (_, c) => client.execute(insert, [1, c, `v${c}`], { prepare: true })));
  const seen: number[] = [];
  let pageState: string | undefined;
  let pages = 0;
  do {
    const r = await client.execute('SELECT c FROM ks.wide WHERE p = ?', [1], { prepare: true, fetchSize: 77, pageState });
    for (const row of r.rows) seen.push(row.get('c') as number);
    pageState = r.pageState ?? undefined;
    pages++;
  } while (pageState !== undefined);
  expect(seen).toEqual(Array.from({ length: 1000 }, (_, c) => c));
  expect(pages).toBeGreaterThanOrEqual(13);
  await client.batch(
    [
      { query: insert, params: [2, 1, 'a'] },
      { query: insert, params: [3, 1, 'b'] },
      { query: 'DELETE FROM ks.wide WHERE p = ? AND c = ?', params: [1, 0] },
    ],
    { prepare: true },
  );
  expect((await client.execute('SELECT p FROM ks.wide WHERE p IN (2, 3)')).rowLength).toBe(2);
  expect((await client.execute('SELECT c FROM ks.wide WHERE p = 1 AND c = 0')).rowLength).toBe(0);
  await client.execute("INSERT INTO ks.wide (p, c, v) VALUES (4, 1, 'short') USING TTL 1");
  expect((await client.execute('SELECT TTL(v) FROM ks.wide WHERE p = 4')).first().get('ttl(v)')).toBeLessThanOrEqual(1);
  await new Promise((r) => setTimeout(r, 2100));
  expect((await client.execute('SELECT * FROM ks.wide WHERE p = 4')).rowLength).toBe(0);
});

test('a 4 MiB value, and 1000 concurrent requests on one connection', async () => {
  await client.execute('CREATE TABLE ks.blobs (k int PRIMARY KEY, v blob)');
  const big = Buffer.alloc(4 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
  await client.execute('INSERT INTO ks.blobs (k, v) VALUES (?, ?)', [1, big], { prepare: true });
  expect(((await client.execute('SELECT v FROM ks.blobs WHERE k = 1')).first().get('v') as Buffer).equals(big)).toBe(true);
  const one = new Client({ contactPoints: [`127.0.0.1:${ports[0]}`], localDataCenter: 'datacenter1', pooling: { coreConnectionsPerHost: { [types.distance.local]: 1 } } });
  await one.connect();
  try {
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => one.execute('SELECT v FROM ks.wide WHERE p = 1 AND c = ?', [1 + (i % 999)], { prepare: true })));
    results.forEach((r, i) => expect(r.first().get('v')).toBe(`v${1 + (i % 999)}`));
  } finally {
    await one.shutdown();
  }
});

test('concurrent increments of one counter from connections on every shard add up exactly', async () => {
  // Eight connections land on both shards but with a 1-in-128 chance; a counter update is a
  // read-before-write, so updates coordinated by two shards must still run one at a time
  // (they run on the shard owning the partition).
  await client.execute('CREATE TABLE ks.hits (k int PRIMARY KEY, n counter)');
  const many = new Client({ contactPoints: [`127.0.0.1:${ports[0]}`], localDataCenter: 'datacenter1', pooling: { coreConnectionsPerHost: { [types.distance.local]: 8 } } });
  await many.connect();
  try {
    const increments = 600;
    await Promise.all(Array.from({ length: increments }, () => many.execute('UPDATE ks.hits SET n = n + 1 WHERE k = 7', [], { prepare: true })));
    const row = (await client.execute('SELECT n FROM ks.hits WHERE k = 7')).first();
    expect(text(row.get('n'))).toBe(String(increments));
  } finally {
    await many.shutdown();
  }
});

test('UDTs: writetime() and ttl() of one field, a value from before ALTER TYPE ADD, fromJson(), a prepared SELECT routed by named markers', async () => {
  await client.execute('CREATE TYPE ks.pt (a int, b int)');
  await client.execute('CREATE TABLE ks.udts (p int PRIMARY KEY, x pt, f frozen<pt>)');
  await client.execute('UPDATE ks.udts USING TIMESTAMP 1000 SET x.a = 1 WHERE p = 1');
  await client.execute('UPDATE ks.udts USING TIMESTAMP 2000 AND TTL 3600 SET x.b = 2 WHERE p = 1');
  await client.execute("UPDATE ks.udts USING TIMESTAMP 3000 SET f = fromJson('{\"a\": 5}') WHERE p = 1");
  const row = (await client.execute('SELECT writetime(x.a), writetime(x.b), ttl(x.a), ttl(x.b), writetime(f.a), f FROM ks.udts WHERE p = 1')).first();
  const text = (name: string): string => String(row.get(name) as unknown);
  expect(text('writetime(x.a)')).toBe('1000');
  expect(text('writetime(x.b)')).toBe('2000');
  expect(row.get('ttl(x.a)')).toBeNull();
  expect(row.get('ttl(x.b)')).toBeGreaterThan(3500);
  expect(text('writetime(f.a)')).toBe('3000'); // a frozen UDT is one cell
  expect(row.get('f')).toEqual({ a: 5, b: null });
  await expect(client.execute('SELECT writetime(p.a) FROM ks.udts')).rejects.toThrow(/PRIMARY KEY/);
  await expect(client.execute('SELECT writetime(x.zz) FROM ks.udts')).rejects.toThrow(/no field zz/);
  await client.execute('CREATE TABLE ks.udtck (p int, c frozen<pt>, v int, PRIMARY KEY (p, c))');
  await client.execute('INSERT INTO ks.udtck (p, c, v) VALUES (0, {a: 1}, 0)');
  await client.execute('ALTER TYPE ks.pt ADD c int');
  await client.execute('INSERT INTO ks.udtck (p, c, v) VALUES (0, {a: 1}, 1)'); // the same clustering: c is null
  await client.execute("INSERT INTO ks.udtck (p, c, v) VALUES (0, {a: 1, b: 7}, 2)");
  const prepared = await client.execute('SELECT v FROM ks.udtck WHERE p = :pk', { pk: 0 }, { prepare: true });
  expect(prepared.rows.map((r) => r.get('v') as number)).toEqual([1, 2]);
});

test('DESCRIBE answers from the server (as Cassandra 4.0 does for its cqlsh), and its CQL recreates the schema', async () => {
  await client.execute("CREATE KEYSPACE \"Desc\" WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 1}");
  await client.execute('CREATE TYPE "Desc".addr (street text, zip int)');
  await client.execute('CREATE TYPE "Desc".person (name text, home frozen<addr>)');
  await client.execute('CREATE TABLE "Desc".t (k int, c text, p frozen<person>, v int, s int static, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC) AND comment = \'it\'\'s\' AND gc_grace_seconds = 7');
  await client.execute('CREATE INDEX t_v ON "Desc".t (v)');
  const describe = async (cql: string): Promise<string[][]> =>
    (await client.execute(cql)).rows.map((r) => r.keys().map((k) => String(r.get(k) as unknown)));
  const before = await describe('DESCRIBE KEYSPACE "Desc"');
  expect(before.map((r) => r.slice(0, 3))).toEqual([
    ['"Desc"', 'keyspace', '"Desc"'],
    ['"Desc"', 'type', 'addr'],
    ['"Desc"', 'type', 'person'], // after addr, which it uses
    ['"Desc"', 'table', 't'],
    ['"Desc"', 'index', 't_v'],
  ]);
  expect(before[3]![3]).toContain('WITH CLUSTERING ORDER BY (c DESC)');
  expect(before[3]![3]).toContain("comment = 'it''s'");
  expect(await describe('DESCRIBE TABLE "Desc".t')).toEqual([before[3], before[4]]);
  expect(await describe('DESC TYPE "Desc".person')).toEqual([before[2]]);
  expect((await describe('DESCRIBE KEYSPACES')).map((r) => r[2])).toEqual(expect.arrayContaining(['"Desc"', 'system', 'system_schema']));
  await expect(client.execute('DESCRIBE TABLE "Desc".nope')).rejects.toThrow("'nope' not found in keyspace 'Desc'");
  // Drop everything, run the statements DESCRIBE gave, describe again: the same text.
  await client.execute('DROP KEYSPACE "Desc"');
  for (const row of before) await client.execute(row[3]!);
  expect(await describe('DESCRIBE KEYSPACE "Desc"')).toEqual(before);
});

test('errors carry the right codes and messages', async () => {
  await expect(client.execute('SELEKT * FROM ks.wide')).rejects.toMatchObject({ code: types.responseErrorCodes.syntaxError });
  await expect(client.execute('SELECT * FROM ks.nope')).rejects.toMatchObject({ code: types.responseErrorCodes.invalid, message: expect.stringContaining('nope') as string });
  await expect(client.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")).rejects.toMatchObject({
    code: types.responseErrorCodes.alreadyExists,
  });
  await expect(client.execute('INSERT INTO ks.wide (p, c, v) VALUES (?, ?, ?)', ['x', 1, 'v'], { prepare: true })).rejects.toThrow();
});

test('malformed frames get a protocol error and leave other connections working', async () => {
  const answer = await new Promise<Buffer>((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: ports[0]! });
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
    // A v4 header with a body length far beyond the frame limit, then garbage.
    s.write(Buffer.from([0x04, 0x00, 0x00, 0x01, 0x07, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3]));
  });
  expect(answer[4]).toBe(0x00); // ERROR
  expect(answer.readInt32BE(9)).toBe(0x000a); // Protocol error
  expect((await client.execute('SELECT c FROM ks.wide WHERE p = 1 LIMIT 1')).rowLength).toBe(1);
});

test('data, schema and prepared statements survive a restart', async () => {
  const select = 'SELECT v FROM ks.wide WHERE p = ? AND c = ?';
  expect((await client.execute(select, [1, 500], { prepare: true })).first().get('v')).toBe('v500');
  await stop();
  await start();
  // The driver re-prepares on UNPREPARED; ids are deterministic, so it gets the same one back.
  expect((await client.execute(select, [1, 500], { prepare: true })).first().get('v')).toBe('v500');
  expect(text((await client.execute('SELECT count(*) FROM ks.wide WHERE p = 1')).first().get('count'))).toBe('999');
  expect(((await client.execute('SELECT v FROM ks.blobs WHERE k = 1')).first().get('v') as Buffer).length).toBe(4 * 1024 * 1024);
});

// Debian's python3-cassandra lives in the system Python, which a pyenv or venv python3 on PATH may hide.
const python = ['/usr/bin/python3', 'python3'].find((bin) => spawnSync(bin, ['-c', 'import cassandra'], { encoding: 'utf8' }).status === 0);
const pythonTest = python !== undefined ? test : test.skip;
if (python === undefined) console.warn('python3-cassandra is not installed: the Python driver smoke test is skipped (apt-get install python3-cassandra)');

pythonTest('the Python driver: connect, create, prepared insert and select', () => {
  const script = `
from cassandra.cluster import Cluster
c = Cluster(['127.0.0.1'], port=${ports[0]})
s = c.connect()
s.execute("CREATE TABLE IF NOT EXISTS ks.py (k int PRIMARY KEY, v text)")
ins = s.prepare("INSERT INTO ks.py (k, v) VALUES (?, ?)")
for i in range(10):
    s.execute(ins, (i, 'py%d' % i))
sel = s.prepare("SELECT v FROM ks.py WHERE k = ?")
print(s.execute(sel, (7,)).one().v, c.protocol_version)
c.shutdown()
`;
  const out = execFileSync(python!, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
  expect(out.trim().split(/\s+/)[0]).toBe('py7');
});
