import { Schema } from '@charybdis/schema';
import { loadSchema } from '../src/schema-service/load-schema';
import { TestSchemaNode } from './fixtures/processor-node';

const KS = "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; keyspace?: string; table?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('schema statements through the schema service (3 shards)', () => {
  let node: TestSchemaNode;
  beforeEach(() => {
    node = new TestSchemaNode(3);
  });

  it('CREATE KEYSPACE is applied on every shard, persisted, announced, and changes the version', async () => {
    const before = node.services[0]!.schema.version;
    const change = await node.ddl(KS, 1);
    expect(change).toEqual({ change: 'CREATED', target: 'KEYSPACE', keyspace: 'ks' });
    const versions = node.services.map((s) => s.schema.version);
    expect(new Set(versions).size).toBe(1);
    expect(versions[0]).not.toBe(before);
    for (const s of node.services) expect(s.schema.keyspace('ks')?.replication).toEqual({ class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '1' });
    for (const r of node.records) expect(r.events).toEqual([{ type: 'SCHEMA_CHANGE', schema: change }]);
    const loaded = await loadSchema(node.data);
    expect(loaded.version).toBe(node.services[0]!.schema.version);
  });

  it('CREATE TABLE, ALTER, CREATE/ALTER TYPE round-trip through system_schema (loadSchema gives the same schema)', async () => {
    await node.ddl(KS);
    await node.ddl('CREATE TYPE ks.address (street text, zip int)', 2);
    const created = await node.ddl('CREATE TABLE t (k int, c text, v frozen<address>, s int static, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC) AND comment = \'hi\'', 1, 'ks');
    expect(created).toEqual({ change: 'CREATED', target: 'TABLE', keyspace: 'ks', name: 't' });
    for (const r of node.records) expect(r.diffs.at(-1)!.added.map((t) => t.name)).toEqual(['t']);
    expect(await node.ddl('ALTER TABLE ks.t ADD w list<int>', 2)).toEqual({ change: 'UPDATED', target: 'TABLE', keyspace: 'ks', name: 't' });
    for (const r of node.records) expect(r.diffs.at(-1)!.altered.map((t) => t.name)).toEqual(['t']);
    expect(await node.ddl('ALTER TYPE ks.address ADD city text')).toEqual({ change: 'UPDATED', target: 'TYPE', keyspace: 'ks', name: 'address' });
    const table = node.services[1]!.schema.table('ks', 't')!;
    expect(table.clustering[0]!.order).toBe('DESC');
    expect(table.options.comment).toBe('hi');
    const v = table.columns.find((c) => c.name === 'v')!;
    expect(v.type.kind === 'udt' && v.type.fields.map((f) => f.name)).toEqual(['street', 'zip', 'city']);
    const loaded = await loadSchema(node.data);
    expect(loaded.version).toBe(node.services[0]!.schema.version);
    expect(loaded.definition('ks')).toEqual(node.services[2]!.schema.definition('ks'));
  });

  it('CLUSTERING ORDER BY may order a prefix of the clustering columns; the rest are ASC', async () => {
    await node.ddl(KS);
    await node.ddl('CREATE TABLE ks.p (k int, c int, d int, PRIMARY KEY (k, c, d)) WITH CLUSTERING ORDER BY (c DESC)');
    expect(node.services[0]!.schema.table('ks', 'p')!.clustering.map((c) => [c.name, c.order])).toEqual([
      ['c', 'DESC'],
      ['d', 'ASC'],
    ]);
  });

  it('DROP TABLE / TYPE / KEYSPACE are announced and persisted as deletions', async () => {
    await node.ddl(KS);
    await node.ddl('CREATE TYPE ks.ty (a int)');
    await node.ddl('CREATE TABLE ks.t (k int PRIMARY KEY, v frozen<ty>)');
    expect((await rejection(node.ddl('DROP TYPE ks.ty'))).message).toBe("Cannot drop user type 'ks.ty' as it is still used by tables t");
    expect(await node.ddl('DROP TABLE ks.t', 1)).toEqual({ change: 'DROPPED', target: 'TABLE', keyspace: 'ks', name: 't' });
    for (const r of node.records) expect(r.diffs.at(-1)!.dropped.map((t) => t.name)).toEqual(['t']);
    expect(await node.ddl('DROP TYPE ks.ty')).toEqual({ change: 'DROPPED', target: 'TYPE', keyspace: 'ks', name: 'ty' });
    expect((await loadSchema(node.data)).definition('ks')).toEqual(node.services[0]!.schema.definition('ks'));
    await node.ddl('CREATE TABLE ks.u (k int PRIMARY KEY)');
    expect(await node.ddl('DROP KEYSPACE ks', 2)).toEqual({ change: 'DROPPED', target: 'KEYSPACE', keyspace: 'ks' });
    for (const r of node.records) expect(r.diffs.at(-1)!.dropped.map((t) => t.name)).toEqual(['u']);
    const loaded = await loadSchema(node.data);
    expect(loaded.userKeyspaces()).toEqual([]);
    expect(loaded.version).toBe(Schema.of().version);
  });

  it('IF [NOT] EXISTS makes a no-op return null, with no event and no version change', async () => {
    await node.ddl(KS);
    await node.ddl('CREATE TABLE ks.t (k int PRIMARY KEY, v int)');
    const version = node.services[0]!.schema.version;
    const events = node.records[1]!.events.length;
    expect(await node.ddl(KS.replace('KEYSPACE', 'KEYSPACE IF NOT EXISTS'))).toBeNull();
    expect(await node.ddl('CREATE TABLE IF NOT EXISTS ks.t (k int PRIMARY KEY)')).toBeNull();
    expect(await node.ddl('DROP TABLE IF EXISTS ks.nope')).toBeNull();
    expect(await node.ddl('DROP KEYSPACE IF EXISTS nope')).toBeNull();
    expect(await node.ddl('ALTER TABLE IF EXISTS ks.nope ADD x int')).toBeNull();
    expect(await node.ddl('ALTER TABLE ks.t DROP IF EXISTS nope')).toBeNull();
    expect(await node.ddl('DROP TYPE IF EXISTS ks.nope')).toBeNull();
    expect(await node.ddl("ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")).toBeNull();
    expect(node.services[0]!.schema.version).toBe(version);
    expect(node.records[1]!.events.length).toBe(events);
  });

  it('AlreadyExists keeps its keyspace and table across shards', async () => {
    await node.ddl(KS);
    await node.ddl('CREATE TABLE ks.t (k int PRIMARY KEY)');
    const ks = await rejection(node.ddl(KS, 2));
    expect(ks).toMatchObject({ code: 'CQL_ALREADY_EXISTS', message: 'Cannot add existing keyspace "ks"', keyspace: 'ks', table: '' });
    const t = await rejection(node.ddl('CREATE TABLE t (k int PRIMARY KEY)', 1, 'ks'));
    expect(t).toMatchObject({ code: 'CQL_ALREADY_EXISTS', message: 'Cannot add already existing table "t" to keyspace "ks"', keyspace: 'ks', table: 't' });
  });

  it.each([
    ['CREATE TABLE nope.t (k int PRIMARY KEY)', 'CQL_INVALID', "Keyspace 'nope' doesn't exist"],
    ['CREATE TABLE t (k int PRIMARY KEY)', 'CQL_INVALID', 'No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename'],
    ['DROP TABLE ks.nope', 'CQL_INVALID', "Table 'ks.nope' doesn't exist"],
    ['DROP KEYSPACE nope', 'CQL_INVALID', "Keyspace 'nope' doesn't exist"],
    ['ALTER TABLE ks.nope ADD x int', 'CQL_INVALID', "Table 'ks.nope' doesn't exist"],
    ['ALTER TYPE ks.nope ADD x int', 'CQL_INVALID', "Type 'ks.nope' doesn't exist"],
    ['CREATE TABLE ks.t2 (k int PRIMARY KEY, v nope)', 'CQL_INVALID', 'Unknown type ks.nope'],
    ['CREATE TABLE ks.t2 (k int, v int, PRIMARY KEY (k), PRIMARY KEY (v))', 'CQL_INVALID', 'Multiple PRIMARY KEYs specified (exactly one required)'],
    ['CREATE TABLE ks.t2 (k int, c int, v int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (v ASC)', 'CQL_INVALID', 'Only clustering key columns can be defined in CLUSTERING ORDER directive: [v]'],
    ['CREATE TABLE ks.t2 (k int, c int, d int, PRIMARY KEY (k, c, d)) WITH CLUSTERING ORDER BY (d ASC, c ASC)', 'CQL_INVALID', 'The order of columns in the CLUSTERING ORDER directive must match that of the clustering columns (c must appear before d)'],
    // a prefix of the clustering columns may be ordered (the rest are ASC), but not a gap
    ['CREATE TABLE ks.t2 (k int, c int, d int, PRIMARY KEY (k, c, d)) WITH CLUSTERING ORDER BY (d ASC)', 'CQL_INVALID', 'Missing CLUSTERING ORDER for column c'],
    ['CREATE TABLE ks.t2 (k int PRIMARY KEY, v int) WITH COMPACT STORAGE', 'CQL_NOT_SUPPORTED', 'COMPACT STORAGE tables are not supported (as in Cassandra 4.0)'],
    ['CREATE TABLE ks.t2 (k int PRIMARY KEY) WITH foo = 1', 'SCHEMA_UNKNOWN_OPTION', "Unknown property 'foo'"],
    ['CREATE TABLE ks.t2 (k int PRIMARY KEY) WITH comment = \'a\' AND comment = \'b\'', 'CQL_SYNTAX', "Multiple definition for property 'comment'"],
    ['CREATE TABLE ks.t2 (k int PRIMARY KEY) WITH gc_grace_seconds = -1', 'SCHEMA_INVALID_OPTION', undefined],
    ["CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy'}", 'SCHEMA_INVALID_OPTION', 'SimpleStrategy requires a replication_factor strategy option.'],
    // a datacenter given twice is a syntax error, as in Cassandra's grammar
    ["CREATE KEYSPACE k2 WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc1': 3}", 'CQL_SYNTAX', "Multiple definition for property replication: key 'dc1'"],
    ['ALTER TABLE ks.t RENAME v TO w', 'SCHEMA_INVALID_DEFINITION', 'Cannot rename non PRIMARY KEY column v'],
    ['ALTER TABLE ks.t ALTER v TYPE bigint', 'CQL_INVALID', 'Altering column types is no longer supported'],
    ['DROP TABLE system.local', 'CQL_UNAUTHORIZED', 'system keyspace is not user-modifiable.'],
    ["ALTER KEYSPACE system_schema WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}", 'CQL_UNAUTHORIZED', 'system_schema keyspace is not user-modifiable.'],
    ['CREATE TABLE ks.t2 (k counter PRIMARY KEY)', 'SCHEMA_INVALID_DEFINITION', "counter type is not supported for PRIMARY KEY column 'k'"],
  ])('%s → %s', async (text, code, message) => {
    await node.ddl(KS);
    await node.ddl('CREATE TABLE ks.t (k int PRIMARY KEY, v int)');
    const version = node.services[1]!.schema.version;
    const err = await rejection(node.ddl(text, 1));
    expect(err.code).toBe(code);
    if (message !== undefined) expect(err.message).toBe(message);
    expect(node.services[1]!.schema.version).toBe(version);
  });

  it('serializes concurrent DDL from every shard', async () => {
    await node.ddl(KS);
    const names = [...Array(12).keys()].map((i) => `t${i}`);
    const changes = await Promise.all(names.map((n, i) => node.ddl(`CREATE TABLE ks.${n} (k int PRIMARY KEY)`, i % 3)));
    expect(changes.every((c) => c?.change === 'CREATED')).toBe(true);
    for (const s of node.services) expect(s.schema.tables('ks').map((t) => t.name).sort()).toEqual([...names].sort());
    expect((await loadSchema(node.data)).version).toBe(node.services[0]!.schema.version);
  });

  it('gives DDLs strictly increasing timestamps even when the clock stands still', async () => {
    await node.ddl(KS);
    await node.ddl('CREATE TABLE ks.t (k int PRIMARY KEY, v int)');
    await node.ddl('ALTER TABLE ks.t DROP v');
    await node.ddl('ALTER TABLE ks.t ADD v int');
    const loaded = await loadSchema(node.data);
    expect(loaded.table('ks', 't')!.columns.map((c) => c.name)).toEqual(['v']);
    expect(loaded.version).toBe(node.services[0]!.schema.version);
    const stamps = node.data.applied.map((u) => u.rows[0]?.marker?.timestampUs ?? u.rows[0]?.deletion?.markedForDeleteAtUs).filter((t) => t !== undefined);
    expect(new Set(stamps).size).toBeGreaterThanOrEqual(4);
  });

  it('CREATE/DROP INDEX announce TABLE UPDATED, persist in system_schema.indexes, and go with their table', async () => {
    await node.ddl(KS);
    await node.ddl('CREATE TABLE ks.t (k int, c int, v int, m map<text, int>, PRIMARY KEY (k, c))');
    expect(await node.ddl('CREATE INDEX ON ks.t (v)', 1)).toEqual({ change: 'UPDATED', target: 'TABLE', keyspace: 'ks', name: 't' });
    await node.ddl('CREATE INDEX mi ON t (entries(m))', 2, 'ks');
    expect(await node.ddl('CREATE INDEX IF NOT EXISTS mi ON ks.t (keys(m))')).toBeNull();
    for (const s of node.services) expect(s.schema.table('ks', 't')!.indexes!.map((i) => [i.name, i.options.target])).toEqual([['mi', 'entries(m)'], ['t_v_idx', 'v']]);
    expect((await loadSchema(node.data)).table('ks', 't')!.indexes).toEqual(node.services[0]!.schema.table('ks', 't')!.indexes);
    const taken = await rejection(node.ddl('CREATE INDEX mi ON ks.t (c)'));
    expect([taken.code, taken.message]).toEqual(['SCHEMA_INVALID_DEFINITION', 'Index mi already exists']);
    expect((await rejection(node.ddl('ALTER TABLE ks.t DROP v'))).message).toBe('Cannot drop column v because it has dependent secondary indexes (t_v_idx)');
    expect(await node.ddl('DROP INDEX ks.t_v_idx')).toEqual({ change: 'UPDATED', target: 'TABLE', keyspace: 'ks', name: 't' });
    expect(await node.ddl('DROP INDEX IF EXISTS ks.t_v_idx')).toBeNull();
    expect((await rejection(node.ddl('DROP INDEX ks.t_v_idx'))).message).toBe("Index 'ks.t_v_idx' doesn't exist");
    await node.ddl('DROP TABLE ks.t');
    await node.ddl('CREATE TABLE ks.t (k int PRIMARY KEY, v int)');
    expect(node.services[0]!.schema.table('ks', 't')!.indexes).toBeUndefined();
    expect((await loadSchema(node.data)).version).toBe(node.services[0]!.schema.version);
  });

  it('TRUNCATE reaches every shard', async () => {
    await node.services[2]!.truncate('some-table-id');
    for (const r of node.records) expect(r.truncated).toEqual(['some-table-id']);
  });
});
