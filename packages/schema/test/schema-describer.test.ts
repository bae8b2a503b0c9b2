import { quoteIdentifier, parseQualifiedName } from '../src/describe/cql-identifiers';
import { describeIndex, describeKeyspace, describeKeyspaceFull, describeTable, describeType, orderTypes } from '../src/describe/schema-describer';
import type { ColumnRow, KeyspaceSchema, TypeRow } from '../src/describe/schema-model';

const col = (column_name: string, kind: ColumnRow['kind'], type: string, position = -1, clustering_order: ColumnRow['clustering_order'] = 'none'): ColumnRow => ({
  keyspace_name: 'ks', table_name: 't', column_name, kind, position, clustering_order, type,
});

test('identifiers are quoted only when needed', () => {
  expect(quoteIdentifier('abc_1')).toBe('abc_1');
  expect(quoteIdentifier('Mixed')).toBe('"Mixed"');
  expect(quoteIdentifier('select')).toBe('"select"');
  expect(quoteIdentifier('key')).toBe('key'); // unreserved keyword
  expect(quoteIdentifier('1abc')).toBe('"1abc"');
  expect(quoteIdentifier('a"b')).toBe('"a""b"');
  expect(parseQualifiedName('"Ks".Tab')).toEqual({ keyspace: 'Ks', name: 'tab' });
  expect(parseQualifiedName('t')).toEqual({ name: 't' });
  expect(parseQualifiedName('a b')).toBeUndefined();
});

test('CREATE KEYSPACE with replication (class first) and durable_writes', () => {
  expect(describeKeyspace({ keyspace_name: 'Ks', durable_writes: false, replication: { replication_factor: '3', class: 'org.apache.cassandra.locator.SimpleStrategy' } })).toBe(
    `CREATE KEYSPACE "Ks" WITH replication = {'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '3'} AND durable_writes = false;`,
  );
});

test('CREATE TABLE: key columns first, others by name, static, clustering order, options', () => {
  const cols = [
    col('v', 'regular', 'map<text, frozen<addr>>'),
    col('c2', 'clustering', 'int', 1, 'asc'),
    col('p2', 'partition_key', 'text', 1),
    col('s', 'static', 'int'),
    col('c1', 'clustering', 'timestamp', 0, 'desc'),
    col('p1', 'partition_key', 'int', 0),
    col('Up', 'regular', 'set<int>'),
  ];
  const table = {
    keyspace_name: 'ks', table_name: 't',
    options: { comment: "it's", gc_grace_seconds: 10, bloom_filter_fp_chance: 0.01, crc_check_chance: 1, caching: new Map([['keys', 'ALL']]), cdc: false, extensions: {}, id: 'ignored', flags: ['compound'] },
  };
  expect(describeTable(table, cols)).toBe(`CREATE TABLE ks.t (
    p1 int,
    p2 text,
    c1 timestamp,
    c2 int,
    "Up" set<int>,
    s int static,
    v map<text, frozen<addr>>,
    PRIMARY KEY ((p1, p2), c1, c2)
) WITH CLUSTERING ORDER BY (c1 DESC, c2 ASC)
    AND bloom_filter_fp_chance = 0.01
    AND caching = {'keys': 'ALL'}
    AND cdc = false
    AND comment = 'it''s'
    AND crc_check_chance = 1.0
    AND extensions = {}
    AND gc_grace_seconds = 10;`);
});

test('a single partition key without clustering is written inline', () => {
  expect(describeTable({ keyspace_name: 'ks', table_name: 't', options: {} }, [col('k', 'partition_key', 'int', 0), col('v', 'regular', 'text')])).toBe(
    'CREATE TABLE ks.t (\n    k int PRIMARY KEY,\n    v text\n);',
  );
});

test('CREATE TYPE and dependency order of types', () => {
  const a: TypeRow = { keyspace_name: 'ks', type_name: 'a', field_names: ['b'], field_types: ['frozen<zz>'] };
  const zz: TypeRow = { keyspace_name: 'ks', type_name: 'zz', field_names: ['x', 'Y'], field_types: ['int', 'text'] };
  expect(describeType(zz)).toBe('CREATE TYPE ks.zz (\n    x int,\n    "Y" text\n);');
  expect(orderTypes([a, zz]).map((t) => t.type_name)).toEqual(['zz', 'a']);
});

test('CREATE INDEX with plain, collection and quoted targets', () => {
  const idx = (index_name: string, target: string) => ({ keyspace_name: 'ks', table_name: 'T', index_name, kind: 'COMPOSITES', options: { target } });
  expect(describeIndex(idx('i1', 'c'))).toBe('CREATE INDEX i1 ON ks."T" (c);');
  expect(describeIndex(idx('I2', 'keys(m)'))).toBe('CREATE INDEX "I2" ON ks."T" (keys(m));');
  expect(describeIndex(idx('i3', 'select'))).toBe('CREATE INDEX i3 ON ks."T" ("select");');
  expect(describeIndex(idx('i4', '"Mixed"'))).toBe('CREATE INDEX i4 ON ks."T" ("Mixed");');
});

test('DESCRIBE KEYSPACE: keyspace, types, tables each followed by their indexes', () => {
  const schema: KeyspaceSchema = {
    keyspace: { keyspace_name: 'ks', durable_writes: true, replication: { class: 'SimpleStrategy', replication_factor: '1' } },
    types: [{ keyspace_name: 'ks', type_name: 'u', field_names: ['f'], field_types: ['int'] }],
    tables: [{ keyspace_name: 'ks', table_name: 'b', options: {} }, { keyspace_name: 'ks', table_name: 'a', options: {} }],
    columns: [{ ...col('k', 'partition_key', 'int', 0), table_name: 'a' }, { ...col('k', 'partition_key', 'int', 0), table_name: 'b' }],
    indexes: [{ keyspace_name: 'ks', table_name: 'a', index_name: 'ai', kind: 'COMPOSITES', options: { target: 'k' } }],
  };
  expect(describeKeyspaceFull(schema).split('\n\n')).toEqual([
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'} AND durable_writes = true;",
    'CREATE TYPE ks.u (\n    f int\n);',
    'CREATE TABLE ks.a (\n    k int PRIMARY KEY\n);',
    'CREATE INDEX ai ON ks.a (k);',
    'CREATE TABLE ks.b (\n    k int PRIMARY KEY\n);',
  ]);
});
