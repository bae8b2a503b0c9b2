import { BOTTOM_BOUND, SYSTEM_SCHEMA_TABLES, SYSTEM_TABLES, TOP_BOUND, codecFor, emptyPartitionUpdate, liveCell, murmur3Token, nativeType, parseCqlType } from '@charybdis/schema';
import type { PartitionUpdate } from '@charybdis/schema';
import type { PagingState, RangeReadCommand, ResultColumn, ResultRow } from '@charybdis/storage';
import { SystemTablesDataAccess } from '../src/system-tables/system-tables-data-access';
import type { LocalNodeInfo } from '../src/system-tables/local-node-info';
import { apportion, sumSizeEstimates, tokenRanges } from '../src/system-tables/size-estimates';
import { TestSchemaNode } from './fixtures/processor-node';

const text = codecFor(nativeType('text'));
const NODE: LocalNodeInfo = {
  clusterName: 'Test Cluster',
  dataCenter: 'datacenter1',
  rack: 'rack1',
  hostId: '2f7a2b8e-8f0c-4d8e-9b1a-6c3d5e7f9a0b',
  tokens: ['-9223372036854775808'],
  rpcAddress: '127.0.0.1',
  listenAddress: '127.0.0.1',
  broadcastAddress: '127.0.0.1',
  rpcPort: 9042,
  listenPort: 7000,
  gossipGeneration: 1_700_000_000,
};
const ALL: RangeReadCommand = { slices: [{ start: BOTTOM_BOUND, end: TOP_BOUND }], reversed: false, rowLimit: Infinity, nowSeconds: 1_700_000_000 };

function value(row: ResultRow, column: string): unknown {
  const cell: ResultColumn | undefined = row.cells.find((c) => c.column === column);
  if (cell === undefined) return undefined;
  if (cell.kind === 'collection') return cell.elements.map((e) => text.deserialize(e.path));
  return cell.value;
}

function rowName(key: Uint8Array, clustering: readonly Uint8Array[]): string {
  return [key, ...clustering].map((b) => text.deserialize(b) as string).join('.');
}

function decode(row: ResultRow, column: string, type: string): unknown {
  const bytes = value(row, column) as Uint8Array;
  return codecFor(parseCqlType(type)).deserialize(bytes);
}

describe('SystemTablesDataAccess', () => {
  let node: TestSchemaNode;
  let data: SystemTablesDataAccess;
  const local = SYSTEM_TABLES.get('local')!;
  beforeEach(async () => {
    node = new TestSchemaNode(1);
    data = new SystemTablesDataAccess(node.data, node.services[0]!, NODE);
    await node.ddl("CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 1}");
    await node.ddl('CREATE TABLE ks.t (k int, c text, m map<text, int>, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC)');
  });

  it("serves system.local WHERE key = 'local' with every column the drivers read", async () => {
    const key = text.serialize('local');
    const result = await data.read(local.id, key, murmur3Token(key), ALL);
    expect(result.pagingState).toBeNull();
    const row = result.partition!.rows[0]!;
    expect(decode(row, 'cluster_name', 'text')).toBe('Test Cluster');
    expect(decode(row, 'data_center', 'text')).toBe('datacenter1');
    expect(decode(row, 'rack', 'text')).toBe('rack1');
    expect(decode(row, 'release_version', 'text')).toBe('4.0.11');
    expect(decode(row, 'cql_version', 'text')).toBe('3.4.5');
    expect(decode(row, 'partitioner', 'text')).toBe('org.apache.cassandra.dht.Murmur3Partitioner');
    expect(decode(row, 'host_id', 'uuid')).toBe(NODE.hostId);
    expect(decode(row, 'schema_version', 'uuid')).toBe(node.services[0]!.schema.version);
    expect(decode(row, 'rpc_address', 'inet')).toBe('127.0.0.1');
    expect(decode(row, 'rpc_port', 'int')).toBe(9042);
    expect(decode(row, 'bootstrapped', 'text')).toBe('COMPLETED');
    expect(value(row, 'tokens')).toEqual(['-9223372036854775808']);
    const other = text.serialize('other');
    expect((await data.read(local.id, other, murmur3Token(other), ALL)).partition).toBeNull();
  });

  it('system.local without WHERE has exactly one row, whose schema_version follows DDL', async () => {
    const page = await data.readRange(local.id, { ...ALL, columns: ['schema_version'] });
    expect(page.partitions.length).toBe(1);
    expect(page.partitions[0]!.rows[0]!.cells.map((c) => c.column)).toEqual(['schema_version']);
    const before = decode(page.partitions[0]!.rows[0]!, 'schema_version', 'uuid');
    await node.ddl('DROP TABLE ks.t');
    const after = decode((await data.readRange(local.id, ALL)).partitions[0]!.rows[0]!, 'schema_version', 'uuid');
    expect(after).not.toBe(before);
    expect(after).toBe(node.services[0]!.schema.version);
  });

  it('system.peers and size_estimates are empty; peers_v2 is Invalid', async () => {
    expect((await data.readRange(SYSTEM_TABLES.get('peers')!.id, ALL)).partitions).toEqual([]);
    expect((await data.readRange(SYSTEM_TABLES.get('size_estimates')!.id, ALL)).partitions).toEqual([]);
    await expect(data.readRange(SYSTEM_TABLES.get('peers_v2')!.id, ALL)).rejects.toMatchObject({ code: 'CQL_INVALID', message: 'unconfigured table peers_v2' });
  });

  it('system_schema.keyspaces lists the system keyspaces and the user ones', async () => {
    const page = await data.readRange(SYSTEM_SCHEMA_TABLES.get('keyspaces')!.id, ALL);
    const names = page.partitions.map((p) => text.deserialize(p.partitionKey)).sort();
    expect(names).toEqual(['ks', 'system', 'system_auth', 'system_schema']);
    const ks = page.partitions.find((p) => text.deserialize(p.partitionKey) === 'ks')!;
    expect(decode(ks.rows[0]!, 'replication', 'map<text, text>')).toEqual(new Map([['class', 'org.apache.cassandra.locator.NetworkTopologyStrategy'], ['datacenter1', '1']]));
    expect(decode(ks.rows[0]!, 'durable_writes', 'boolean')).toBe(true);
  });

  it("system_schema.tables / columns WHERE keyspace_name = 'ks' AND table_name = 't'", async () => {
    const key = text.serialize('ks');
    const slice = { start: { kind: 'inclStart' as const, prefix: [text.serialize('t')] }, end: { kind: 'inclEnd' as const, prefix: [text.serialize('t')] } };
    const tables = await data.read(SYSTEM_SCHEMA_TABLES.get('tables')!.id, key, murmur3Token(key), { ...ALL, slices: [slice] });
    expect(tables.partition!.rows.length).toBe(1);
    expect(decode(tables.partition!.rows[0]!, 'flags', 'frozen<set<text>>')).toEqual(new Set(['compound']));
    const columns = await data.read(SYSTEM_SCHEMA_TABLES.get('columns')!.id, key, murmur3Token(key), { ...ALL, slices: [slice], columns: ['kind', 'type', 'clustering_order', 'position'] });
    const described = columns.partition!.rows.map((r) => [
      text.deserialize(r.clustering[1]!),
      decode(r, 'kind', 'text'),
      decode(r, 'type', 'text'),
      decode(r, 'clustering_order', 'text'),
      decode(r, 'position', 'int'),
    ]);
    expect(described).toEqual([
      ['c', 'clustering', 'text', 'desc', 0],
      ['k', 'partition_key', 'int', 'none', 0],
      ['m', 'regular', 'map<text, int>', 'none', -1],
    ]);
  });

  it('pages system_schema.columns without losing or repeating rows', async () => {
    const id = SYSTEM_SCHEMA_TABLES.get('columns')!.id;
    const all = (await data.readRange(id, ALL)).partitions.flatMap((p) => p.rows.map((r) => rowName(p.partitionKey, r.clustering)));
    expect(all.length).toBeGreaterThan(50);
    for (const pageSize of [1, 7, 50]) {
      const seen: string[] = [];
      let state: PagingState | undefined;
      for (let i = 0; i < 1000; i++) {
        const page = await data.readRange(id, { ...ALL, rowLimit: pageSize, ...(state === undefined ? {} : { pagingState: state }) });
        for (const p of page.partitions) for (const r of p.rows) seen.push(rowName(p.partitionKey, r.clustering));
        if (page.pagingState === null) break;
        state = page.pagingState;
      }
      expect(seen).toEqual(all);
    }
  });

  it('refuses writes to virtual tables and passes other writes through', async () => {
    const key = text.serialize('local');
    const write: PartitionUpdate = { ...emptyPartitionUpdate(local.id, key), rows: [{ clustering: [], columns: [{ kind: 'simple', column: 'rack', cell: liveCell(1n, text.serialize('r')) }] }] };
    await expect(data.mutateAll([write])).rejects.toMatchObject({ code: 'CQL_UNAUTHORIZED', message: 'system keyspace is not user-modifiable.' });
    const t = node.services[0]!.schema.table('ks', 't')!;
    const int = codecFor(nativeType('int'));
    const user: PartitionUpdate = { ...emptyPartitionUpdate(t.id, int.serialize(1)), rows: [{ clustering: [text.serialize('a')], marker: { timestampUs: 1n }, columns: [] }] };
    await data.mutateAll([user]);
    expect((await data.readRange(t.id, ALL)).partitions.length).toBe(1);
    expect(data.isVirtual(t.id)).toBe(false);
    expect(data.isVirtual(local.id)).toBe(true);
  });
});

describe('system.size_estimates ranges and counts', () => {
  const MIN = -(2n ** 63n);
  const MAX = 2n ** 63n - 1n;

  test('the node\'s ranges cover the ring once: between tokens, and the wrapping one split at the minimum token', () => {
    const ranges = tokenRanges(['100', '-5', '100']);
    expect(ranges).toEqual([
      [-5n, 100n],
      [100n, MIN],
      [MIN, -5n],
    ]);
    expect(tokenRanges([String(MIN)])).toEqual([[MIN, MIN]]);
    // widths add up to the whole ring
    const width = ([s, e]: [bigint, bigint]): bigint => (e === MIN ? MAX - s + 1n : e - s);
    const many = tokenRanges(['-9000000000000000000', '0', '42', '9000000000000000000']);
    expect(many.reduce((n, r) => n + width(r), 0n)).toBe(2n ** 64n);
  });

  test('counts are split in proportion and add up exactly, however small the table', () => {
    const fractions = Array.from({ length: 256 }, () => 1 / 256);
    expect(apportion(50, fractions).reduce((a, b) => a + b, 0)).toBe(50);
    expect(apportion(0, fractions).every((c) => c === 0)).toBe(true);
    expect(apportion(10, [0.5, 0.3, 0.2])).toEqual([5, 3, 2]);
    expect(apportion(1, [0.25, 0.75])).toEqual([0, 1]);
    expect(sumSizeEstimates([[{ tableId: 't', partitions: 3, bytes: 30 }], [{ tableId: 't', partitions: 4, bytes: 50 }, { tableId: 'u', partitions: 1, bytes: 5 }]])).toEqual(
      new Map([
        ['t', { tableId: 't', partitions: 7, bytes: 80 }],
        ['u', { tableId: 'u', partitions: 1, bytes: 5 }],
      ]),
    );
  });
});
