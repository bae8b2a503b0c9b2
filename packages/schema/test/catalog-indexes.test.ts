import { addIndex, alterTable, createKeyspaceMetadata, createTableMetadata, dropIndex, indexTarget, parseIndexTarget, schemaFromPartitions, schemaMutations, Schema } from '../src/catalog';
import type { IndexDefinition, KeyspaceDefinition, TableMetadata } from '../src/catalog';
import type { PartitionUpdate } from '../src/mutation';
import { parseCqlType } from '../src/types';

function table(name = 't'): TableMetadata {
  const columns = { k: 'int', c: 'int', v: 'int', s: 'int', l: 'list<int>', m: 'map<text, int>', fl: 'frozen<list<int>>', d: 'duration' };
  return createTableMetadata({
    keyspace: 'ks',
    name,
    columns: Object.entries(columns).map(([n, type]) => ({ name: n, type: parseCqlType(type), static: n === 's' })),
    partitionKey: ['k'],
    clustering: [{ name: 'c' }],
  });
}

function add(t: TableMetadata, def: Partial<IndexDefinition> & { targets: IndexDefinition['targets'] }, others: TableMetadata[] = [t], ifNotExists = false): TableMetadata | null {
  return addIndex(t, others, { name: def.name, targets: def.targets }, ifNotExists);
}

describe('secondary index metadata', () => {
  it('stores targets as Cassandra does and names unnamed indexes <table>_<column>_idx', () => {
    let t = add(table(), { targets: [{ kind: 'simple', column: 'v' }] })!;
    t = add(t, { targets: [{ kind: 'simple', column: 'l' }] })!;
    t = add(t, { targets: [{ kind: 'keys', column: 'm' }] })!;
    t = add(t, { name: 'e', targets: [{ kind: 'entries', column: 'm' }] })!;
    t = add(t, { name: 'f', targets: [{ kind: 'full', column: 'fl' }] })!;
    t = add(t, { name: 's_idx', targets: [{ kind: 'simple', column: 's' }] })!;
    expect(t.indexes!.map((i) => [i.name, i.kind, i.options.target])).toEqual([
      ['e', 'COMPOSITES', 'entries(m)'],
      ['f', 'COMPOSITES', 'full(fl)'],
      ['s_idx', 'COMPOSITES', 's'],
      ['t_l_idx', 'COMPOSITES', 'values(l)'],
      ['t_m_idx', 'COMPOSITES', 'keys(m)'],
      ['t_v_idx', 'COMPOSITES', 'v'],
    ]);
    // A second unnamed index on the same column name gets a suffix (when its target differs).
    const again = add(t, { targets: [{ kind: 'values', column: 'm' }] })!;
    expect(again.indexes!.map((i) => i.name)).toContain('t_m_idx_1');
    expect(indexTarget(t.indexes![0]!)).toEqual({ kind: 'entries', column: 'm' });
    expect(parseIndexTarget('"Weird"')).toEqual({ kind: 'simple', column: 'Weird' });
  });

  it('rejects invalid indexes with Cassandra messages', () => {
    const t = table();
    const bad = (def: Partial<IndexDefinition> & { targets: IndexDefinition['targets'] }): string => {
      try {
        add(t, def);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(bad({ targets: [{ kind: 'simple', column: 'nope' }] })).toBe("Column 'nope' doesn't exist");
    expect(bad({ targets: [{ kind: 'simple', column: 'k' }] })).toBe('Cannot create secondary index on the only partition key column k');
    expect(bad({ targets: [{ kind: 'simple', column: 'd' }] })).toBe('Secondary indexes are not supported on duration columns');
    expect(bad({ targets: [{ kind: 'full', column: 'l' }] })).toBe('full() indexes can only be created on frozen collections');
    expect(bad({ targets: [{ kind: 'values', column: 'fl' }] })).toContain('Frozen collections only support full() indexes');
    expect(bad({ targets: [{ kind: 'keys', column: 'l' }] })).toBe('Cannot create index on keys of column l with non-map type');
    expect(bad({ targets: [{ kind: 'keys', column: 'v' }] })).toContain('Non-collection columns only support simple indexes');
    expect(bad({ name: 'bad-name', targets: [{ kind: 'simple', column: 'v' }] })).toContain("(got 'bad-name')");
    expect(bad({ targets: [] })).toBe('Only CUSTOM indexes can be created without specifying a target column');
  });

  it('keeps index names unique in the keyspace and refuses indexing a target twice, unless IF NOT EXISTS', () => {
    const t = add(table(), { name: 'i', targets: [{ kind: 'simple', column: 'v' }] })!;
    const u = table('u');
    expect(() => add(u, { name: 'i', targets: [{ kind: 'simple', column: 'v' }] }, [t, u])).toThrow('Index i already exists');
    expect(add(u, { name: 'i', targets: [{ kind: 'simple', column: 'v' }] }, [t, u], true)).toBeNull();
    expect(() => add(t, { name: 'j', targets: [{ kind: 'simple', column: 'v' }] })).toThrow('Index j is a duplicate of existing index i');
    expect(add(t, { name: 'j', targets: [{ kind: 'simple', column: 'v' }] }, [t], true)).toBeNull();
  });

  it('refuses dropping an indexed column; DROP INDEX removes the index', () => {
    const t = add(table(), { name: 'i', targets: [{ kind: 'simple', column: 'v' }] })!;
    expect(() => alterTable(t, { kind: 'drop', columns: ['v'], timestampUs: 1_000_000n })).toThrow('Cannot drop column v because it has dependent secondary indexes (i)');
    const dropped = dropIndex(t, 'i');
    expect(dropped.indexes).toBeUndefined();
    expect(alterTable(dropped, { kind: 'drop', columns: ['v'], timestampUs: 1_000_000n }).columns.map((c) => c.name)).not.toContain('v');
  });

  it('round-trips through system_schema.indexes and disappears with its table', () => {
    const ks = createKeyspaceMetadata('ks', { replication: { class: 'SimpleStrategy', replication_factor: '1' } });
    const plain: KeyspaceDefinition = { keyspace: ks, tables: [table()] };
    const indexed: KeyspaceDefinition = { keyspace: ks, tables: [add(table(), { targets: [{ kind: 'entries', column: 'm' }] })!] };
    const updates: PartitionUpdate[] = [...schemaMutations(plain, 1_000_000n), ...schemaMutations(indexed, 2_000_000n, plain)];
    const byTable = (list: PartitionUpdate[]): Map<string, PartitionUpdate[]> => {
      const out = new Map<string, PartitionUpdate[]>();
      for (const [name, meta] of [...Schema.of().tables('system_schema')].map((m) => [m.name, m] as const)) {
        out.set(name, list.filter((u) => u.tableId === meta.id));
      }
      return out;
    };
    const loaded = schemaFromPartitions(byTable(updates));
    expect(loaded.table('ks', 't')!.indexes).toEqual(indexed.tables[0]!.indexes);
    expect(loaded.version).toBe(Schema.of([indexed]).version);
    const withoutTable: KeyspaceDefinition = { keyspace: ks, tables: [] };
    const afterDrop = schemaFromPartitions(byTable([...updates, ...schemaMutations(withoutTable, 3_000_000n, indexed)]));
    expect(afterDrop.tables('ks')).toEqual([]);
    const recreated = schemaFromPartitions(byTable([...updates, ...schemaMutations(withoutTable, 3_000_000n, indexed), ...schemaMutations(plain, 4_000_000n, withoutTable)]));
    expect(recreated.table('ks', 't')!.indexes).toBeUndefined();
  });
});
