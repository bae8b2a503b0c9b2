import { hasErrorCode } from '@charybdis/core';
import {
  CatalogErrorCodes,
  SYSTEM_KEYSPACES,
  SYSTEM_SCHEMA_TABLES,
  SYSTEM_TABLES,
  Schema,
  alterTable,
  createKeyspaceMetadata,
  createTableMetadata,
  createUserType,
  tableMutationSchema,
} from '../src/catalog';
import type { KeyspaceDefinition, TableMetadata } from '../src/catalog';
import { TableComparators } from '../src/mutation';
import { cqlTypeToString, nativeType, reversedType } from '../src/types';

const int = nativeType('int');
const text = nativeType('text');

function columnsOf(t: TableMetadata): string[] {
  return [...t.partitionKey, ...t.clustering, ...t.columns].map((c) => `${c.name} ${cqlTypeToString(c.type)}`);
}

function keyspace(name = 'ks', id = '11111111-1111-4111-8111-111111111111'): KeyspaceDefinition {
  const ks = createKeyspaceMetadata(name, { replication: { class: 'SimpleStrategy', replication_factor: 1 } });
  const t = createTableMetadata({
    keyspace: name,
    name: 't',
    id,
    columns: [
      { name: 'k', type: int },
      { name: 'c', type: text },
      { name: 'v', type: text },
    ],
    partitionKey: ['k'],
    clustering: [{ name: 'c', order: 'DESC' }],
  });
  return { keyspace: ks, tables: [t] };
}

describe('system keyspaces and their tables', () => {
  it('system table ids are Cassandra’s name-based ids (TableId.forSystemTable)', () => {
    // As in a Cassandra 4 data directory: <table>-<id without dashes>.
    const ids = (m: ReadonlyMap<string, TableMetadata>): Record<string, string> => Object.fromEntries([...m].map(([n, t]) => [n, t.id.replace(/-/g, '')]));
    expect(ids(SYSTEM_SCHEMA_TABLES)).toMatchObject({
      keyspaces: 'abac5682dea631c5b535b3d6cffd0fb6',
      tables: 'afddfb9dbc1e30688056eed6c302ba09',
      columns: '24101c25a2ae3af787c1b40ee1aca33f',
    });
    expect(ids(SYSTEM_TABLES)).toMatchObject({ local: '7ad54392bcdd35a684174e047860b377', peers: '37f71aca7dc2383ba70672528af04d4f' });
  });

  it('system_schema tables match Cassandra 4.0’s column lists', () => {
    expect([...SYSTEM_SCHEMA_TABLES.keys()]).toEqual(['keyspaces', 'tables', 'columns', 'triggers', 'dropped_columns', 'views', 'types', 'functions', 'aggregates', 'indexes']);
    const get = (n: string): TableMetadata => SYSTEM_SCHEMA_TABLES.get(n)!;
    // plus ScyllaDB's replication_v2, which tools read before replication
    expect(columnsOf(get('keyspaces'))).toEqual(['keyspace_name text', 'durable_writes boolean', 'replication frozen<map<text, text>>', 'replication_v2 frozen<map<text, text>>']);
    expect(columnsOf(get('columns'))).toEqual([
      'keyspace_name text',
      'table_name text',
      'column_name text',
      'clustering_order text',
      'column_name_bytes blob',
      'kind text',
      'position int',
      'type text',
    ]);
    expect(columnsOf(get('tables')).sort()).toEqual(
      [
        'keyspace_name text',
        'table_name text',
        'bloom_filter_fp_chance double',
        'caching frozen<map<text, text>>',
        'comment text',
        'compaction frozen<map<text, text>>',
        'compression frozen<map<text, text>>',
        'crc_check_chance double',
        'dclocal_read_repair_chance double',
        'default_time_to_live int',
        'extensions frozen<map<text, blob>>',
        'flags frozen<set<text>>',
        'gc_grace_seconds int',
        'id uuid',
        'max_index_interval int',
        'memtable_flush_period_in_ms int',
        'min_index_interval int',
        'read_repair_chance double',
        'speculative_retry text',
        'additional_write_policy text',
        'cdc boolean',
        'read_repair text',
      ].sort(),
    );
    expect(columnsOf(get('dropped_columns'))).toEqual(['keyspace_name text', 'table_name text', 'column_name text', 'dropped_time timestamp', 'kind text', 'type text']);
    expect(columnsOf(get('types'))).toEqual(['keyspace_name text', 'type_name text', 'field_names frozen<list<text>>', 'field_types frozen<list<text>>']);
    expect(columnsOf(get('functions')).slice(0, 3)).toEqual(['keyspace_name text', 'function_name text', 'argument_types frozen<list<text>>']);
    expect(get('aggregates').clustering.map((c) => c.name)).toEqual(['aggregate_name', 'argument_types']);
    expect(get('indexes').columns.map((c) => c.name)).toEqual(['kind', 'options']);
    expect(get('views').columns.map((c) => c.name)).toEqual(expect.arrayContaining(['base_table_id', 'base_table_name', 'where_clause', 'include_all_columns']));
    expect(get('triggers').clustering.map((c) => c.name)).toEqual(['table_name', 'trigger_name']);
    for (const t of SYSTEM_SCHEMA_TABLES.values()) {
      expect(t.partitionKey.map((c) => c.name)).toEqual(['keyspace_name']);
      expect(t.options.gc_grace_seconds).toBe(604800);
      expect(t.options.memtable_flush_period_in_ms).toBe(3600000);
    }
    expect(get('columns').options.comment).toBe('column definitions');
  });

  it('system tables hold what the drivers select', () => {
    const local = SYSTEM_TABLES.get('local')!;
    expect(local.partitionKey.map((c) => c.name)).toEqual(['key']);
    const localCols = Object.fromEntries(local.columns.map((c) => [c.name, cqlTypeToString(c.type)]));
    expect(localCols).toMatchObject({
      cluster_name: 'text',
      data_center: 'text',
      rack: 'text',
      release_version: 'text',
      host_id: 'uuid',
      partitioner: 'text',
      tokens: 'set<text>',
      schema_version: 'uuid',
      rpc_address: 'inet',
      rpc_port: 'int',
      listen_address: 'inet',
      broadcast_address: 'inet',
      cql_version: 'text',
      native_protocol_version: 'text',
    });
    const peers = SYSTEM_TABLES.get('peers')!;
    expect(peers.partitionKey.map((c) => c.name)).toEqual(['peer']);
    expect(peers.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['rpc_address', 'data_center', 'rack', 'host_id', 'release_version', 'schema_version', 'tokens', 'preferred_ip']));
    const v2 = SYSTEM_TABLES.get('peers_v2')!;
    expect([...v2.partitionKey, ...v2.clustering].map((c) => c.name)).toEqual(['peer', 'peer_port']);
    expect(v2.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['native_address', 'native_port', 'preferred_port']));
    expect(SYSTEM_TABLES.get('size_estimates')!.clustering.map((c) => c.name)).toEqual(['table_name', 'range_start', 'range_end']);
  });

  it('every Schema holds system, system_schema and system_auth with LocalStrategy', () => {
    const s = Schema.of();
    expect(s.keyspaceNames()).toEqual(['system', 'system_schema', 'system_auth']);
    expect(s.keyspace('system')!.replication).toEqual({ class: 'org.apache.cassandra.locator.LocalStrategy' });
    expect(s.table('system_schema', 'columns')).toBe(SYSTEM_SCHEMA_TABLES.get('columns'));
    expect(s.tableById(SYSTEM_TABLES.get('local')!.id)!.name).toBe('local');
    expect(SYSTEM_KEYSPACES).toHaveLength(3);
    expect(s.table('system_auth', 'roles')!.columns.map((c) => c.name)).toEqual(['can_login', 'is_superuser', 'member_of', 'salted_hash']);
    expect(() => Schema.of([{ ...keyspace(), keyspace: { ...keyspace().keyspace, name: 'system' } }])).toThrow('system keyspace is not user-modifiable');
  });
});

describe('Schema snapshots and versions', () => {
  it('the same content gives the same version, whatever the order of construction', () => {
    const a = keyspace('a');
    const b = keyspace('b');
    const bWithOtherId = { ...b, tables: [{ ...b.tables[0]!, id: '22222222-2222-4222-8222-222222222222' }] };
    const s1 = Schema.of([a, bWithOtherId]);
    const s2 = Schema.of([bWithOtherId]).withKeyspace(a);
    expect(s1.version).toBe(s2.version);
    expect(s1.version).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Schema.of().version).toBe(Schema.of().version);
    expect(s1.keyspaceNames()).toEqual(['system', 'system_schema', 'system_auth', 'a', 'b']);
  });

  it('any DDL gives a new version, undoing it gives the old one back', () => {
    const base = Schema.of([keyspace()]);
    const t = base.table('ks', 't')!;
    const versions = new Set<string>([base.version]);
    const changes: Schema[] = [
      base.withTable(alterTable(t, { kind: 'options', options: { comment: 'x' } })),
      base.withTable(alterTable(t, { kind: 'add', columns: [{ name: 'w', type: int }] })),
      base.withTable(alterTable(t, { kind: 'drop', columns: ['v'], timestampUs: 1000n })),
      base.withTable(alterTable(t, { kind: 'rename', renames: [{ from: 'k', to: 'kk' }] })),
      base.withoutTable('ks', 't'),
      base.withKeyspace({ ...base.definition('ks')!, keyspace: createUserType(base.keyspace('ks')!, 'u', [{ name: 'f', type: int }]) }),
      base.withKeyspace({ ...base.definition('ks')!, keyspace: { ...base.keyspace('ks')!, durableWrites: false } }),
      base.withoutKeyspace('ks'),
      base.withKeyspace(keyspace('ks2', '33333333-3333-4333-8333-333333333333')),
    ];
    for (const s of changes) {
      expect(versions.has(s.version)).toBe(false);
      versions.add(s.version);
    }
    expect(base.withTable(alterTable(t, { kind: 'options', options: { comment: 'x' } })).withTable(t).version).toBe(base.version);
    expect(base.withoutKeyspace('ks').version).toBe(Schema.of().version);
  });

  it('lookups and errors', () => {
    const s = Schema.of([keyspace()]);
    expect(s.table('ks', 't')!.name).toBe('t');
    expect(s.table('ks', 'nope')).toBeUndefined();
    expect(s.tables('nope')).toEqual([]);
    expect(s.tableById('11111111-1111-4111-8111-111111111111')!.keyspace).toBe('ks');
    const err = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(hasErrorCode(err(() => s.withoutTable('ks', 'nope')), CatalogErrorCodes.NOT_FOUND)).toBe(true);
    expect(hasErrorCode(err(() => s.withTable({ ...s.table('ks', 't')!, keyspace: 'zz' })), CatalogErrorCodes.NOT_FOUND)).toBe(true);
    const dupId = { ...s.table('ks', 't')!, name: 't2' };
    const dup = err(() => s.withTable(dupId)) as Error;
    expect(hasErrorCode(dup, CatalogErrorCodes.INVALID_DEFINITION)).toBe(true);
    expect(dup.message).toContain('has the id');
    expect(hasErrorCode(err(() => Schema.of([keyspace(), keyspace()])), CatalogErrorCodes.ALREADY_EXISTS)).toBe(true);
  });
});

describe('tableMutationSchema', () => {
  it('gives clustering types (reversed for DESC) and every non-key column', () => {
    const t = createTableMetadata({
      keyspace: 'ks',
      name: 't',
      columns: [
        { name: 'k', type: int },
        { name: 'a', type: int },
        { name: 'b', type: text },
        { name: 's', type: int, static: true },
        { name: 'v', type: text },
      ],
      partitionKey: ['k'],
      clustering: [{ name: 'a', order: 'DESC' }, { name: 'b' }],
    });
    const ms = tableMutationSchema(t);
    expect(ms).toEqual({ clusteringTypes: [reversedType(int), text], columns: [{ name: 's', type: int }, { name: 'v', type: text }] });
    const comparators = new TableComparators(ms);
    const enc = (n: number): Uint8Array => Uint8Array.of(0, 0, 0, n);
    expect(comparators.clustering.compare([enc(1)], [enc(2)])).toBeGreaterThan(0); // DESC
    expect(comparators.hasColumn('k')).toBe(false);
  });

  it('keeps a dropped column (until re-added) so older data still decodes', () => {
    const t = createTableMetadata({ keyspace: 'ks', name: 't', columns: [{ name: 'k', type: int }, { name: 'v', type: text }, { name: 'w', type: int }], partitionKey: ['k'], clustering: [] });
    const dropped = alterTable(t, { kind: 'drop', columns: ['w'], timestampUs: 5n });
    expect(tableMutationSchema(dropped).columns).toEqual([{ name: 'v', type: text }, { name: 'w', type: int, droppedAtUs: 1000n }]);
    const readded = alterTable(dropped, { kind: 'add', columns: [{ name: 'w', type: int }] });
    expect(tableMutationSchema(readded).columns.filter((c) => c.name === 'w')).toHaveLength(1);
  });
});
