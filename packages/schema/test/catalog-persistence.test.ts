import {
  SYSTEM_SCHEMA_TABLES,
  Schema,
  alterTable,
  alterUserType,
  createKeyspaceMetadata,
  createTableMetadata,
  createUserType,
  dropKeyspaceMutations,
  isCounterTable,
  schemaFromPartitions,
  schemaMutations,
  schemaPartitionKey,
  SYSTEM_SCHEMA_COMPARATORS,
} from '../src/catalog';
import type { ColumnDefinition, KeyspaceDefinition, KeyspaceMetadata, RawOptions, TableMetadata } from '../src/catalog';
import { mergeManyPartitionUpdates } from '../src/mutation';
import type { PartitionUpdate } from '../src/mutation';
import { codecFor, listType, mapType, nativeType, parseCqlType, setType, tupleType } from '../src/types';
import type { CqlType, NativeTypeName } from '../src/types';

/** mulberry32: a small seeded PRNG, so every failure is reproducible from its seed. */
function prng(seed: number): { int(max: number): number; chance(p: number): boolean; pick<T>(xs: readonly T[]): T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (max) => Math.floor(next() * max), chance: (p) => next() < p, pick: (xs) => xs[Math.floor(next() * xs.length)]! };
}
type Rng = ReturnType<typeof prng>;

const ID_BY_TABLE = new Map([...SYSTEM_SCHEMA_TABLES].map(([name, t]) => [t.id, name]));

/** Groups updates by system_schema table, as storage would hold them. */
function byTable(updates: readonly PartitionUpdate[]): Map<string, PartitionUpdate[]> {
  const out = new Map<string, PartitionUpdate[]>();
  for (const u of updates) {
    const name = ID_BY_TABLE.get(u.tableId)!;
    out.set(name, [...(out.get(name) ?? []), u]);
  }
  return out;
}

function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function randomId(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => rng.int(16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[rng.int(4)]!;
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const KEY_TYPES: NativeTypeName[] = ['int', 'text', 'bigint', 'uuid', 'timestamp', 'blob', 'ascii', 'date', 'inet', 'decimal', 'varint', 'timeuuid'];

function randomValueType(rng: Rng, ks: KeyspaceMetadata): CqlType {
  const native = (): CqlType => nativeType(rng.pick([...KEY_TYPES, 'duration', 'boolean', 'double']));
  switch (rng.int(7)) {
    case 0:
      return listType(native(), rng.chance(0.3));
    case 1:
      return setType(nativeType(rng.pick(KEY_TYPES)), rng.chance(0.3));
    case 2:
      return mapType(nativeType(rng.pick(KEY_TYPES)), native(), rng.chance(0.3));
    case 3:
      return tupleType([native(), native()]);
    case 4:
      if (ks.userTypes.length > 0) return parseCqlType(`frozen<"${rng.pick(ks.userTypes).name}">`, { resolveUdt: (_k, n) => ks.userTypes.find((t) => t.name === n) });
      return native();
    default:
      return native();
  }
}

function randomOptions(rng: Rng): RawOptions {
  const o: Record<string, RawOptions['x']> = {};
  if (rng.chance(0.3)) o.comment = `comment ${rng.int(1000)} 'quoted' é`;
  if (rng.chance(0.3)) o.gc_grace_seconds = rng.int(1_000_000);
  if (rng.chance(0.3)) o.default_time_to_live = rng.int(100_000);
  if (rng.chance(0.2)) o.compaction = rng.chance(0.5) ? { class: 'LeveledCompactionStrategy', sstable_size_in_mb: 1 + rng.int(200) } : { class: 'TimeWindowCompactionStrategy', compaction_window_unit: 'HOURS' };
  if (rng.chance(0.2)) o.compression = rng.chance(0.5) ? { enabled: false } : { class: 'ZstdCompressor', chunk_length_in_kb: 1 << rng.int(8) };
  if (rng.chance(0.2)) o.caching = { keys: 'NONE', rows_per_partition: rng.int(50) };
  if (rng.chance(0.2)) o.speculative_retry = rng.pick(['ALWAYS', 'NEVER', '50ms', '99.5p']);
  if (rng.chance(0.2)) o.extensions = { e: '0x0102' };
  if (rng.chance(0.2)) o.cdc = true;
  return o;
}

let nameCounter = 0;
function randomTable(rng: Rng, ks: KeyspaceMetadata): TableMetadata {
  const name = `t${nameCounter++}`;
  const pk = Array.from({ length: 1 + rng.int(2) }, (_, i) => ({ name: `pk${i}`, type: nativeType(rng.pick(KEY_TYPES)) }));
  const ck = Array.from({ length: rng.int(3) }, (_, i) => ({ name: `ck${i}`, type: nativeType(rng.pick(KEY_TYPES)) }));
  const counterTable = rng.chance(0.1);
  const regular: ColumnDefinition[] = Array.from({ length: rng.int(5) }, (_, i) => ({
    name: rng.chance(0.2) ? `Col "${i}"` : `v${i}`,
    type: counterTable ? nativeType('counter') : randomValueType(rng, ks),
    static: ck.length > 0 && !counterTable && rng.chance(0.2),
  }));
  return createTableMetadata({
    keyspace: ks.name,
    name,
    id: randomId(rng),
    columns: [...pk, ...ck, ...regular],
    partitionKey: pk.map((c) => c.name),
    clustering: ck.map((c) => ({ name: c.name, order: rng.chance(0.5) ? 'DESC' : 'ASC' })),
    options: counterTable ? {} : randomOptions(rng),
  });
}

function randomKeyspace(rng: Rng, index: number): KeyspaceDefinition {
  const name = `ks${index}_${rng.int(1000)}`;
  let ks = createKeyspaceMetadata(name, {
    replication: rng.chance(0.5) ? { class: 'SimpleStrategy', replication_factor: 1 + rng.int(3) } : { class: 'NetworkTopologyStrategy', dc1: rng.int(4), dc2: 1 },
    durable_writes: rng.chance(0.8),
  });
  const nTypes = rng.int(3);
  for (let i = 0; i < nTypes; i++) {
    const fields = [{ name: 'a', type: nativeType('int') as CqlType }, { name: 'B c', type: rng.chance(0.5) ? listType(nativeType('text')) : nativeType('text') }];
    if (i > 0) fields.push({ name: 'prev', type: parseCqlType(`frozen<type${i - 1}>`, { resolveUdt: (_k, n) => ks.userTypes.find((t) => t.name === n) }) });
    ks = createUserType(ks, `type${i}`, fields);
  }
  const tables = Array.from({ length: 1 + rng.int(3) }, () => randomTable(rng, ks));
  return { keyspace: ks, tables };
}

/** One random DDL on the keyspace (CREATE/DROP TABLE, ADD/DROP column, WITH, ALTER TYPE…). */
function randomChange(rng: Rng, def: KeyspaceDefinition, ts: bigint): KeyspaceDefinition {
  const ks = def.keyspace;
  const withTable = (t: TableMetadata): KeyspaceDefinition => ({ keyspace: ks, tables: def.tables.map((x) => (x.name === t.name ? t : x)) });
  const target = def.tables.length > 0 ? rng.pick(def.tables) : undefined;
  switch (rng.int(6)) {
    case 0:
      return { keyspace: ks, tables: [...def.tables, randomTable(rng, ks)] };
    case 1:
      return target === undefined ? def : { keyspace: ks, tables: def.tables.filter((t) => t !== target) };
    case 2: {
      if (target === undefined || target.columns.length === 0) return def;
      return withTable(alterTable(target, { kind: 'drop', columns: [rng.pick(target.columns).name], timestampUs: ts }));
    }
    case 3: {
      if (target === undefined || isCounterTable(target)) return def;
      return withTable(alterTable(target, { kind: 'add', columns: [{ name: `added${ts}`, type: randomValueType(rng, ks) }] }));
    }
    case 4:
      if (target === undefined) return def;
      return withTable(alterTable(target, { kind: 'options', options: isCounterTable(target) ? { comment: `c${ts}` } : randomOptions(rng) }));
    default: {
      if (ks.userTypes.length === 0) return { keyspace: createUserType(ks, `late${ts}`, [{ name: 'f', type: nativeType('int') }]), tables: def.tables };
      return alterUserType(def, rng.pick(ks.userTypes).name, { kind: 'add', field: { name: `f${ts}`, type: nativeType('text') } });
    }
  }
}

function roundTrip(updates: readonly PartitionUpdate[]): Schema {
  return schemaFromPartitions(byTable(updates));
}

describe('schema ⇄ system_schema mutations', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])('round-trips random schemas (seed %i)', (seed) => {
    const rng = prng(seed);
    const schema = Schema.of(Array.from({ length: 1 + rng.int(3) }, (_, i) => randomKeyspace(rng, i)));
    const updates = schema.userKeyspaces().flatMap((def) => schemaMutations(def, 1_700_000_000_000_000n));
    const back = roundTrip(shuffled(rng, updates));
    expect(back.userKeyspaces()).toEqual(schema.userKeyspaces());
    expect(back.version).toBe(schema.version);
    for (const def of schema.userKeyspaces()) for (const t of def.tables) expect(back.tableById(t.id)).toEqual(t);
  });

  it.each([21, 22, 23, 24, 25, 26])('round-trips after a random ALTER/DROP sequence, updates merged in any order (seed %i)', (seed) => {
    const rng = prng(seed);
    let def = randomKeyspace(rng, 0);
    let ts = 1_000_000_000n;
    const log: PartitionUpdate[] = [...schemaMutations(def, ts)];
    for (let step = 0; step < 12; step++) {
      ts += 1000n + BigInt(rng.int(5000));
      const before = def;
      def = randomChange(rng, def, ts);
      log.push(...schemaMutations(def, ts, before));
    }
    const back = roundTrip(shuffled(rng, log));
    expect(back.userKeyspaces()).toEqual(Schema.of([def]).userKeyspaces());
    // and merging the log into one update per partition first gives the same schema
    const merged = [...byTable(log)].flatMap(([name, us]) => [mergeManyPartitionUpdates(us, SYSTEM_SCHEMA_COMPARATORS.get(name)!)]);
    expect(roundTrip(merged).version).toBe(Schema.of([def]).version);
  });

  it('DROP TABLE deletes the table row and its columns; ALTER replaces the changed column rows only', () => {
    const rng = prng(99);
    const ks = createKeyspaceMetadata('shop', { replication: { class: 'SimpleStrategy', replication_factor: 1 } });
    const orders = createTableMetadata({
      keyspace: 'shop',
      name: 'orders',
      id: randomId(rng),
      columns: [{ name: 'id', type: nativeType('int') }, { name: 'note', type: nativeType('text') }, { name: 'total', type: nativeType('int') }],
      partitionKey: ['id'],
      clustering: [],
    });
    const users = createTableMetadata({ keyspace: 'shop', name: 'users', id: randomId(rng), columns: [{ name: 'id', type: nativeType('int') }, { name: 'v', type: nativeType('text') }], partitionKey: ['id'], clustering: [] });
    const v1: KeyspaceDefinition = { keyspace: ks, tables: [orders, users] };
    const create = schemaMutations(v1, 1000n);

    // ALTER: drop `note`, add `note2`: only the columns of orders change, plus its dropped_columns row
    const altered = alterTable(alterTable(orders, { kind: 'drop', columns: ['note'], timestampUs: 2000n }), { kind: 'add', columns: [{ name: 'note2', type: nativeType('ascii') }] });
    const v2: KeyspaceDefinition = { keyspace: ks, tables: [altered, users] };
    const alter = schemaMutations(v2, 2000n, v1);
    expect(alter.map((u) => ID_BY_TABLE.get(u.tableId)).sort()).toEqual(['columns', 'dropped_columns']);
    const columnsUpdate = alter.find((u) => ID_BY_TABLE.get(u.tableId) === 'columns')!;
    const text = codecFor(nativeType('text'));
    const describe = (u: PartitionUpdate): string[] => u.rows.map((r) => `${r.clustering.map((c) => text.deserialize(c) as string).join('.')}:${r.deletion === undefined ? 'write' : 'delete'}`);
    expect(describe(columnsUpdate)).toEqual(['orders.note:delete', 'orders.note2:write']);
    expect(columnsUpdate.rows[0]!.deletion).toEqual({ markedForDeleteAtUs: 2000n, localDeletionTimeSeconds: 0 });

    // DROP TABLE users: its table row and its column rows are deleted
    const v3: KeyspaceDefinition = { keyspace: ks, tables: [altered] };
    const drop = schemaMutations(v3, 3000n, v2);
    expect(drop.flatMap(describe).sort()).toEqual(['users.id:delete', 'users.v:delete', 'users:delete']);

    const all = [...create, ...alter, ...drop];
    const back = roundTrip(all);
    expect(back.table('shop', 'users')).toBeUndefined();
    expect(back.table('shop', 'orders')).toEqual(altered);
    const columnsAfter = mergeManyPartitionUpdates(byTable(all).get('columns')!, SYSTEM_SCHEMA_COMPARATORS.get('columns')!);
    // the deleted rows keep only their tombstone: no marker, no cells
    expect(describe(columnsAfter)).toEqual(['orders.id:write', 'orders.note:delete', 'orders.note2:write', 'orders.total:write', 'users.id:delete', 'users.v:delete']);
    expect(columnsAfter.rows.filter((r) => r.deletion !== undefined).every((r) => r.marker === undefined && r.columns.length === 0)).toBe(true);

    // DROP KEYSPACE: a partition deletion in every schema table; a later CREATE comes back clean
    const dropKs = dropKeyspaceMutations('shop', 4000n);
    expect(dropKs).toHaveLength(SYSTEM_SCHEMA_TABLES.size);
    expect(dropKs.every((u) => u.partitionDeletion?.markedForDeleteAtUs === 4000n && Buffer.from(u.partitionKey).equals(Buffer.from(schemaPartitionKey('shop'))))).toBe(true);
    expect(roundTrip([...all, ...dropKs]).keyspace('shop')).toBeUndefined();
    const recreated: KeyspaceDefinition = { keyspace: ks, tables: [users] };
    const back2 = roundTrip([...all, ...dropKs, ...schemaMutations(recreated, 5000n)]);
    expect(back2.userKeyspaces()).toEqual(Schema.of([recreated]).userKeyspaces());
  });

  it('stores what drivers read: flags, kinds, positions, clustering_order, unqualified UDT names', () => {
    let ks = createKeyspaceMetadata('app', { replication: { class: 'SimpleStrategy', replication_factor: 3 } });
    ks = createUserType(ks, 'addr', [{ name: 'street', type: nativeType('text') }]);
    const t = createTableMetadata({
      keyspace: 'app',
      name: 't',
      id: '00000000-0000-4000-8000-000000000001',
      columns: [
        { name: 'k', type: nativeType('int') },
        { name: 'c', type: nativeType('timestamp') },
        { name: 'a', type: parseCqlType('frozen<addr>', { resolveUdt: () => ks.userTypes[0] }) },
        { name: 'm', type: mapType(nativeType('text'), nativeType('int'), true) },
        { name: 's', type: nativeType('int'), static: true },
      ],
      partitionKey: ['k'],
      clustering: [{ name: 'c', order: 'DESC' }],
    });
    const updates = byTable(schemaMutations({ keyspace: ks, tables: [t] }, 1n));
    const read = (table: string): Record<string, unknown>[] => {
      const meta = SYSTEM_SCHEMA_TABLES.get(table)!;
      const u = updates.get(table)![0]!;
      return u.rows.map((r) => {
        const out: Record<string, unknown> = {};
        meta.clustering.forEach((c, i) => (out[c.name] = codecFor(c.type).deserialize(r.clustering[i]!)));
        for (const cd of r.columns) if (cd.kind === 'simple' && cd.cell.kind === 'live') out[cd.column] = codecFor(meta.columns.find((c) => c.name === cd.column)!.type).deserialize(cd.cell.value);
        return out;
      });
    };
    const [tableRow] = read('tables');
    expect(tableRow).toMatchObject({ table_name: 't', flags: new Set(['compound']), id: '00000000-0000-4000-8000-000000000001', gc_grace_seconds: 864000, speculative_retry: '99p' });
    expect(tableRow!.caching).toEqual(new Map([['keys', 'ALL'], ['rows_per_partition', 'NONE']]));
    expect(read('keyspaces')[0]).toEqual({ durable_writes: true, replication: new Map([['class', 'org.apache.cassandra.locator.SimpleStrategy'], ['replication_factor', '3']]) });
    const cols = Object.fromEntries(read('columns').map((r) => [r.column_name as string, [r.kind, r.position, r.clustering_order, r.type]]));
    expect(cols).toEqual({
      k: ['partition_key', 0, 'none', 'int'],
      c: ['clustering', 0, 'desc', 'timestamp'],
      a: ['regular', -1, 'none', 'frozen<addr>'],
      m: ['regular', -1, 'none', 'frozen<map<text, int>>'],
      s: ['static', -1, 'none', 'int'],
    });
    expect(read('types')).toEqual([{ type_name: 'addr', field_names: ['street'], field_types: ['text'] }]);
  });

  it('rebuilds UDT changes: ALTER TYPE ADD shows up in the columns that use it', () => {
    let ks = createKeyspaceMetadata('u', { replication: { class: 'SimpleStrategy', replication_factor: 1 } });
    ks = createUserType(ks, 'p', [{ name: 'x', type: nativeType('int') }]);
    const t = createTableMetadata({ keyspace: 'u', name: 't', id: '00000000-0000-4000-8000-000000000002', columns: [{ name: 'k', type: nativeType('int') }, { name: 'v', type: parseCqlType('frozen<p>', { resolveUdt: () => ks.userTypes[0] }) }], partitionKey: ['k'], clustering: [] });
    const v1 = { keyspace: ks, tables: [t] };
    const v2 = alterUserType(v1, 'p', { kind: 'add', field: { name: 'y', type: nativeType('text') } });
    const back = roundTrip([...schemaMutations(v1, 1n), ...schemaMutations(v2, 2n, v1)]);
    expect(back.definition('u')).toEqual(Schema.of([v2]).definition('u'));
  });
});
