import { codecFor, mapType, nativeType, setType, listType, tupleType } from '@charybdis/schema';
import type { PartitionUpdate } from '@charybdis/schema';
import { encodePartitionKey } from '../src/modification/partition-key';
import { ModsHarness, NOW_MS } from './fixtures/mods-test-schema';

const int = (n: number) => codecFor(nativeType('int')).serialize(n);
const text = (s: string) => Buffer.from(s, 'utf8');
const NOW_S = Math.floor(NOW_MS / 1000);

function only(updates: readonly PartitionUpdate[]): PartitionUpdate {
  expect(updates).toHaveLength(1);
  return updates[0]!;
}

describe('INSERT', () => {
  it('writes a row marker and cells at the client timestamp', async () => {
    const h = new ModsHarness();
    await h.run("INSERT INTO kv (k, v, s) VALUES (1, 2, 'x')");
    const u = only(h.lastUpdates());
    expect(u.tableId).toBe(h.table('kv').id);
    expect(Buffer.from(u.partitionKey)).toEqual(int(1));
    expect(u.token).toBe(encodePartitionKey([int(1)]).token);
    expect(u.rows).toEqual([
      {
        clustering: [],
        marker: { timestampUs: 1000n },
        columns: [
          { kind: 'simple', column: 's', cell: { kind: 'live', timestampUs: 1000n, value: text('x') } },
          { kind: 'simple', column: 'v', cell: { kind: 'live', timestampUs: 1000n, value: int(2) } },
        ],
      },
    ]);
  });

  it('TTL makes the marker and cells expire; NULL writes a tombstone; unset is skipped', async () => {
    const h = new ModsHarness();
    await h.run('INSERT INTO kv (k, v, s) VALUES (?, ?, ?) USING TTL 10 AND TIMESTAMP 77', [int(1), null, 'unset']);
    const row = only(h.lastUpdates()).rows[0]!;
    expect(row.marker).toEqual({ timestampUs: 77n, ttlSeconds: 10, localExpirationTimeSeconds: NOW_S + 10 });
    expect(row.columns).toEqual([{ kind: 'simple', column: 'v', cell: { kind: 'tombstone', timestampUs: 77n, localDeletionTimeSeconds: NOW_S } }]);
  });

  it('uses the table default TTL unless USING TTL says otherwise (0 = none)', async () => {
    const h = new ModsHarness();
    await h.run('INSERT INTO ttl (k, v) VALUES (1, 1)');
    expect(only(h.lastUpdates()).rows[0]!.marker).toMatchObject({ ttlSeconds: 100 });
    await h.run('INSERT INTO ttl (k, v) VALUES (1, 1) USING TTL 0');
    expect(only(h.lastUpdates()).rows[0]!.marker).toEqual({ timestampUs: 1000n });
  });

  it('timestamp precedence: USING > client default > server time', async () => {
    const h = new ModsHarness();
    await h.run('INSERT INTO kv (k, v) VALUES (1, 1)', [], { timestampUs: null });
    expect(only(h.lastUpdates()).rows[0]!.marker!.timestampUs).toBe(BigInt(NOW_MS) * 1000n);
    await h.run('INSERT INTO kv (k, v) VALUES (1, 1) USING TIMESTAMP 5', [], { timestampUs: 9n });
    expect(only(h.lastUpdates()).rows[0]!.marker!.timestampUs).toBe(5n);
  });

  it('encodes compound partition keys as CompositeType', async () => {
    const h = new ModsHarness();
    await h.run("INSERT INTO ck (a, b, v) VALUES (1, 'xy', 3)");
    expect(Buffer.from(only(h.lastUpdates()).partitionKey).toString('hex')).toBe('0004' + '00000001' + '00' + '0002' + '7879' + '00');
  });

  it('static-only inserts write the static row without clustering', async () => {
    const h = new ModsHarness();
    await h.run('INSERT INTO wide (k, st) VALUES (1, 5)');
    const u = only(h.lastUpdates());
    expect(u.rows).toEqual([]);
    expect(u.staticRow).toEqual({ columns: [{ kind: 'simple', column: 'st', cell: { kind: 'live', timestampUs: 1000n, value: int(5) } }] });
  });

  it('INSERT JSON converts values and nulls missing columns (DEFAULT UNSET skips them)', async () => {
    const h = new ModsHarness();
    await h.run(`INSERT INTO coll JSON '{"k": 1, "l": [1, 2], "m": {"a": 3}, "s": ["q"], "tp": [5, "z"], "fu": {"zip": 9}}'`);
    const row = only(h.lastUpdates()).rows[0]!;
    const col = (name: string) => row.columns.find((c) => c.column === name);
    expect(col('m')).toMatchObject({ kind: 'complex', cells: [{ path: text('a'), cell: { value: int(3) } }] });
    expect(col('tp')).toMatchObject({ cell: { value: codecFor(h.table('coll').columns.find((c) => c.name === 'tp')!.type).serialize([5, 'z']) } });
    expect(col('fl')).toEqual({ kind: 'simple', column: 'fl', cell: { kind: 'tombstone', timestampUs: 1000n, localDeletionTimeSeconds: NOW_S } });
    await h.run(`INSERT INTO kv JSON '{"k": 2, "v": 7}'`);
    expect(only(h.lastUpdates()).rows[0]!.columns.map((c) => [c.column, c.kind === 'simple' ? c.cell.kind : 'complex'])).toEqual([
      ['s', 'tombstone'],
      ['v', 'live'],
    ]);
    await h.run(`INSERT INTO kv JSON '{"k": 2, "v": 7}' DEFAULT UNSET`);
    expect(only(h.lastUpdates()).rows[0]!.columns.map((c) => c.column)).toEqual(['v']);
    await expect(h.run(`INSERT INTO kv JSON '{"k": 2, "zz": 7}'`)).rejects.toThrow('JSON values map contains unrecognized column: zz');
  });

  it('fromJson() converts a JSON text to the value of what it is assigned to; null stays null; bad JSON is refused', async () => {
    const h = new ModsHarness();
    await h.run(`INSERT INTO coll (k, l, tp) VALUES (fromJson('1'), system.fromjson('[1, 2]'), fromJson(?))`, [text('[5, "z"]')]);
    const u = only(h.lastUpdates());
    const col = (name: string) => u.rows[0]!.columns.find((c) => c.column === name);
    expect(Buffer.from(u.partitionKey)).toEqual(int(1));
    expect(col('l')).toMatchObject({ kind: 'complex', cells: [{ cell: { value: int(1) } }, { cell: { value: int(2) } }] });
    expect(col('tp')).toMatchObject({ cell: { value: codecFor(h.table('coll').columns.find((c) => c.name === 'tp')!.type).serialize([5, 'z']) } });
    await h.run(`UPDATE kv SET v = fromJson(null) WHERE k = 1`);
    expect(only(h.lastUpdates()).rows[0]!.columns[0]).toMatchObject({ column: 'v', cell: { kind: 'tombstone' } });
    await expect(h.run(`UPDATE kv SET v = fromJson('"seven"') WHERE k = 1`)).rejects.toThrow(/.+/);
    await expect(h.run(`UPDATE kv SET v = fromJson('{') WHERE k = 1`)).rejects.toThrow(/JSON/);
    await expect(h.run(`UPDATE kv SET v = fromJson('1', '2') WHERE k = 1`)).rejects.toThrow('fromJson() accepts only one argument');
  });
});

describe('UPDATE', () => {
  it('writes cells without a row marker, for every IN key', async () => {
    const h = new ModsHarness();
    await h.run('UPDATE kv SET v = 3 WHERE k IN (1, 2)');
    const updates = h.lastUpdates();
    expect(updates).toHaveLength(2);
    for (const u of updates) expect(u.rows[0]).toEqual({ clustering: [], columns: [{ kind: 'simple', column: 'v', cell: { kind: 'live', timestampUs: 1000n, value: int(3) } }] });
  });

  it('IN on the last clustering column gives one row per value (cartesian product)', async () => {
    const h = new ModsHarness();
    await h.run("UPDATE wide SET v = 1 WHERE k = 0 AND c IN (1, 2) AND d IN ('a', 'b')");
    const u = only(h.lastUpdates());
    expect(u.rows.map((r) => r.clustering.map((b) => Buffer.from(b).toString('hex')))).toEqual([
      ['00000001', '62'],
      ['00000001', '61'],
      ['00000002', '62'],
      ['00000002', '61'],
    ]);
  });

  it('refuses cartesian products over 100', async () => {
    const h = new ModsHarness();
    const ins = `(${Array.from({ length: 11 }, (_, i) => i).join(', ')})`;
    await expect(h.run(`UPDATE wide SET v = 1 WHERE k IN ${ins} AND c = 1 AND d = 'a'`)).resolves.toBeUndefined();
    await expect(h.run(`UPDATE wide SET v = 1 WHERE k = 1 AND c IN ${ins} AND d IN ('a','b','c','d','e','f','g','h','i','j')`)).rejects.toThrow(
      'clustering-key cartesian product size 110 is greater than maximum 100',
    );
  });

  it('replaces collections with a tombstone at timestamp - 1', async () => {
    const h = new ModsHarness();
    await h.run("UPDATE coll SET s = {'b', 'a'}, m = {'k': 1}, l = [7] WHERE k = 1");
    const row = only(h.lastUpdates()).rows[0]!;
    const deletion = { markedForDeleteAtUs: 999n, localDeletionTimeSeconds: NOW_S };
    expect(row.columns.find((c) => c.column === 's')).toEqual({
      kind: 'complex',
      column: 's',
      deletion,
      cells: [
        { path: text('a'), cell: { kind: 'live', timestampUs: 1000n, value: Buffer.alloc(0) } },
        { path: text('b'), cell: { kind: 'live', timestampUs: 1000n, value: Buffer.alloc(0) } },
      ],
    });
    expect(row.columns.find((c) => c.column === 'm')).toEqual({ kind: 'complex', column: 'm', deletion, cells: [{ path: text('k'), cell: { kind: 'live', timestampUs: 1000n, value: int(1) } }] });
    const l = row.columns.find((c) => c.column === 'l');
    expect(l).toMatchObject({ deletion, cells: [{ cell: { value: int(7) } }] });
  });

  it('collections read back with add, prepend, subtract, element set and delete', async () => {
    const h = new ModsHarness();
    const read = async () => {
      const res = await h.data.read(h.table('coll').id, int(1), encodePartitionKey([int(1)]).token, {
        slices: [{ start: { kind: 'inclStart', prefix: [] }, end: { kind: 'inclEnd', prefix: [] } }],
        reversed: false,
        rowLimit: 10,
        nowSeconds: NOW_S,
      });
      const cells = res.partition?.rows[0]?.cells ?? [];
      const out: Record<string, string[]> = {};
      for (const c of cells) if (c.kind === 'collection') out[c.column] = c.elements.map((e) => `${Buffer.from(e.path).toString('hex')}=${Buffer.from(e.value).toString('hex')}`);
      return out;
    };
    const listValues = async () => (await read()).l?.map((e) => e.split('=')[1]) ?? [];
    await h.run('UPDATE coll SET l = [1, 2] WHERE k = 1');
    await h.run('UPDATE coll SET l = l + [3] WHERE k = 1');
    await h.run('UPDATE coll SET l = [0] + l WHERE k = 1');
    expect(await listValues()).toEqual(['00000000', '00000001', '00000002', '00000003']);
    await h.run('UPDATE coll SET l[1] = 9 WHERE k = 1');
    expect(await listValues()).toEqual(['00000000', '00000009', '00000002', '00000003']);
    await h.run('DELETE l[0] FROM coll WHERE k = 1');
    await h.run('DELETE l[?] FROM coll WHERE k = 1', ['unset']);
    await expect(h.run('DELETE m[?] FROM coll WHERE k = 1', ['unset'])).rejects.toThrow('Invalid unset map key');
    await h.run('UPDATE coll SET l = l - [2, 3] WHERE k = 1');
    expect(await listValues()).toEqual(['00000009']);
    await expect(h.run('UPDATE coll SET l[5] = 1 WHERE k = 1')).rejects.toThrow('List index 5 out of bound, list has size 1');
    await expect(h.run('UPDATE coll SET l[0] = 1 WHERE k = 2')).rejects.toThrow('Attempted to set an element on a list which is null');

    await h.run("UPDATE coll SET s = s + {'b', 'a'}, m = m + {'x': 1, 'y': 2} WHERE k = 1");
    await h.run("UPDATE coll SET s = s - {'a'}, m = m - {'x'}, m['z'] = 3 WHERE k = 1");
    await h.run("UPDATE coll SET m['y'] = null WHERE k = 1");
    const r = await read();
    expect(r.s).toEqual(['62=']);
    expect(r.m).toEqual(['7a=00000003']);
    await h.run("DELETE m['z'], s FROM coll WHERE k = 1");
    const after = await read();
    expect(after.m).toBeUndefined();
    expect(after.s).toBeUndefined();
  });

  it('sets and deletes fields of a non-frozen UDT', async () => {
    const h = new ModsHarness();
    await h.run("UPDATE coll SET u.zip = 5, u.street = 'x' WHERE k = 1");
    expect(only(h.lastUpdates()).rows[0]!.columns).toEqual([
      {
        kind: 'complex',
        column: 'u',
        cells: [
          { path: Uint8Array.of(0, 0), cell: { kind: 'live', timestampUs: 1000n, value: text('x') } },
          { path: Uint8Array.of(0, 1), cell: { kind: 'live', timestampUs: 1000n, value: int(5) } },
        ],
      },
    ]);
    await h.run('DELETE u.zip FROM coll WHERE k = 1');
    expect(only(h.lastUpdates()).rows[0]!.columns[0]).toEqual({
      kind: 'complex',
      column: 'u',
      cells: [{ path: Uint8Array.of(0, 1), cell: { kind: 'tombstone', timestampUs: 1000n, localDeletionTimeSeconds: NOW_S } }],
    });
    await expect(h.run('UPDATE coll SET fu.zip = 1 WHERE k = 1')).rejects.toThrow('Invalid operation (fu.zip = 1) for frozen UDT column fu');
    await expect(h.run('UPDATE coll SET tp.zip = 1 WHERE k = 1')).rejects.toThrow('Invalid operation (tp.zip = 1) for non-UDT column tp');
    await expect(h.run('DELETE fu.zip FROM coll WHERE k = 1')).rejects.toThrow('Frozen UDT column fu does not support field deletion');
    await expect(h.run('DELETE tp.zip FROM coll WHERE k = 1')).rejects.toThrow('Invalid deletion operation for non-UDT column tp');
  });

  it('bound collection values are split into cells', async () => {
    const h = new ModsHarness();
    await h.run('UPDATE coll SET m = ?, s = s + ? WHERE k = ?', [
      codecFor(mapType(nativeType('text'), nativeType('int'))).serialize(new Map([['a', 1]])),
      codecFor(setType(nativeType('text'))).serialize(['q']),
      int(1),
    ]);
    const row = only(h.lastUpdates()).rows[0]!;
    expect(row.columns.map((c) => [c.column, c.kind === 'complex' ? c.cells.length : 0])).toEqual([
      ['m', 1],
      ['s', 1],
    ]);
    await h.run('UPDATE coll SET fl = ? WHERE k = 1', [codecFor(listType(nativeType('int'), true)).serialize([1])]);
    expect(only(h.lastUpdates()).rows[0]!.columns[0]).toMatchObject({ kind: 'simple', column: 'fl' });
  });
});

describe('DELETE', () => {
  const deletion = { markedForDeleteAtUs: 1000n, localDeletionTimeSeconds: NOW_S };

  it('deletes partitions, rows, ranges and columns', async () => {
    const h = new ModsHarness();
    await h.run('DELETE FROM wide WHERE k = 1');
    expect(only(h.lastUpdates())).toMatchObject({ partitionDeletion: deletion, rows: [], rangeTombstones: [] });
    await h.run("DELETE FROM wide WHERE k = 1 AND c = 2 AND d = 'a'");
    expect(only(h.lastUpdates()).rows).toEqual([{ clustering: [int(2), text('a')], deletion, columns: [] }]);
    await h.run('DELETE FROM wide WHERE k = 1 AND c = 2');
    expect(only(h.lastUpdates()).rangeTombstones).toEqual([{ start: { kind: 'inclStart', prefix: [int(2)] }, end: { kind: 'inclEnd', prefix: [int(2)] }, deletion }]);
    await h.run('DELETE FROM wide WHERE k = 1 AND c > 2 AND c <= 5');
    expect(only(h.lastUpdates()).rangeTombstones).toEqual([{ start: { kind: 'exclStart', prefix: [int(2)] }, end: { kind: 'inclEnd', prefix: [int(5)] }, deletion }]);
    await h.run("DELETE v FROM wide USING TIMESTAMP 5 WHERE k = 1 AND c = 2 AND d = 'a'");
    expect(only(h.lastUpdates()).rows[0]!.columns).toEqual([{ kind: 'simple', column: 'v', cell: { kind: 'tombstone', timestampUs: 5n, localDeletionTimeSeconds: NOW_S } }]);
    await h.run('DELETE st FROM wide WHERE k = 1');
    expect(only(h.lastUpdates()).staticRow!.columns[0]).toMatchObject({ column: 'st', cell: { kind: 'tombstone' } });
  });
});

describe('multi-column relations and clustering order', () => {
  const deletion = { markedForDeleteAtUs: 1000n, localDeletionTimeSeconds: NOW_S };

  it('(c, d) = / IN address rows, bound as literals or as one tuple', async () => {
    const h = new ModsHarness();
    await h.run("DELETE FROM wide WHERE k = 1 AND (c, d) = (2, 'a')");
    expect(only(h.lastUpdates()).rows).toEqual([{ clustering: [int(2), text('a')], deletion, columns: [] }]);
    await h.run("DELETE FROM wide WHERE k = 1 AND (c, d) IN ((2, 'a'), (?, ?))", [int(3), text('b')]);
    expect(only(h.lastUpdates()).rows.map((r) => r.clustering)).toEqual([
      [int(2), text('a')],
      [int(3), text('b')],
    ]);
    const tuple = codecFor(tupleType([nativeType('int'), nativeType('text')])).serialize([4, 'z']);
    await h.run('UPDATE wide SET v = 7 WHERE k = 1 AND (c, d) = ?', [tuple]);
    expect(only(h.lastUpdates()).rows[0]!.clustering).toEqual([int(4), text('z')]);
    await h.run('UPDATE wide SET v = 7 WHERE k = 1 AND (c) IN ((1), (2)) AND d = ?', [text('q')]);
    expect(only(h.lastUpdates()).rows.map((r) => r.clustering)).toEqual([
      [int(1), text('q')],
      [int(2), text('q')],
    ]);
  });

  it('multi-column slices become range tombstones; a DESC column swaps the sides', async () => {
    const h = new ModsHarness();
    await h.run('DELETE FROM wide WHERE k = 1 AND (c) > (2)');
    expect(only(h.lastUpdates()).rangeTombstones).toEqual([{ start: { kind: 'exclStart', prefix: [int(2)] }, end: { kind: 'inclEnd', prefix: [] }, deletion }]);
    await h.run("DELETE FROM wide WHERE k = 1 AND c = 2 AND d > 'a'");
    expect(only(h.lastUpdates()).rangeTombstones).toEqual([{ start: { kind: 'inclStart', prefix: [int(2)] }, end: { kind: 'exclEnd', prefix: [int(2), text('a')] }, deletion }]);
    await h.run("DELETE FROM wide WHERE k = 1 AND c = 2 AND (d) <= ('a')");
    expect(only(h.lastUpdates()).rangeTombstones).toEqual([{ start: { kind: 'inclStart', prefix: [int(2), text('a')] }, end: { kind: 'inclEnd', prefix: [int(2)] }, deletion }]);
  });

  it('checks the total clustering and compound partition key sizes', async () => {
    const h = new ModsHarness();
    await expect(h.run('UPDATE ck SET v = 1 WHERE a = 1 AND b = ?', [Buffer.alloc(65_527, 0x61)])).rejects.toThrow('Key length of 65537 is longer than maximum of 65535');
    await h.run('UPDATE ck SET v = 1 WHERE a = 1 AND b = ?', [Buffer.alloc(65_525, 0x61)]);
    await expect(h.run('UPDATE wide SET v = 1 WHERE k = 1 AND c = 1 AND d = ?', [Buffer.alloc(65_533, 0x61)])).rejects.toThrow('Key length of 65537 is longer than maximum of 65535');
  });

  it.each<[string, string]>([
    ["DELETE FROM wide WHERE k = 1 AND (d, c) = ('a', 1)", 'Clustering columns must appear in the PRIMARY KEY order in multi-column relations: (d, c)'],
    ['DELETE FROM wide WHERE (k, c) = (1, 1)', 'Multi-column relations can only be applied to clustering columns but was applied to: k'],
    ["DELETE FROM wide WHERE k = 1 AND (c, d) > (1, 'a')", 'Multi-column slice restrictions on clustering columns of mixed order are not supported in DELETE statements yet'],
    ['DELETE FROM wide WHERE k = 1 AND (c, d) = (1)', 'Expected 2 elements in value tuple, but got 1'],
    ['DELETE FROM wide WHERE k = 1 AND c = 1 AND (c) > (0)', 'c cannot be restricted by more than one relation if it includes an Equal'],
    ["UPDATE wide SET v = 1 WHERE k = 1 AND (c, d) > (1, 'a')", 'Multi-column slice restrictions'],
    ["DELETE st FROM wide WHERE k = 1 AND c = 1 AND d = 'a'", 'Invalid restrictions on clustering columns since the DELETE statement modifies only static columns'],
    ['INSERT INTO kv (k, v) VALUES (null, 1)', 'Invalid null value in condition for column k'],
    ['INSERT INTO kv (k, v) VALUES (null, 1) IF NOT EXISTS', 'Invalid null value in condition for column k'],
  ])('%s', async (cql, message) => {
    const h = new ModsHarness();
    await expect((async () => h.run(cql))()).rejects.toThrow(message);
  });
});

describe('validation errors', () => {
  it.each<[string, string]>([
    ['UPDATE kv SET v = 1 WHERE v = 2', 'Non PRIMARY KEY columns found in where clause: v'],
    ['UPDATE kv SET v = 1 WHERE x = 2', 'Undefined column name x'],
    ['UPDATE kv SET x = 1 WHERE k = 2', 'Undefined column name x'],
    ['UPDATE kv SET k = 1 WHERE k = 2', 'PRIMARY KEY part k found in SET part'],
    ["UPDATE ck SET v = 1 WHERE a = 1", 'Some partition key parts are missing: b'],
    ['UPDATE wide SET v = 1 WHERE k = 1 AND c = 1', 'Some clustering keys are missing: d'],
    ["UPDATE wide SET v = 1 WHERE k = 1 AND d = 'a'", 'PRIMARY KEY column "d" cannot be restricted as preceding column "c" is not restricted'],
    ['INSERT INTO wide (k, v) VALUES (1, 1)', 'Some clustering keys are missing: c'],
    ['INSERT INTO kv (v) VALUES (1)', 'Some partition key parts are missing: k'],
    ['INSERT INTO kv (k, k) VALUES (1, 1)', 'Multiple definitions found for column k'],
    ['INSERT INTO kv (k, v) VALUES (1)', 'Unmatched column names/values'],
    ['UPDATE kv SET v = 1 WHERE k > 1', 'Only EQ and IN relation are supported on the partition key (unless you use the token() function)'],
    ['UPDATE kv SET v = 1 WHERE token(k) > 1', 'The token function cannot be used in WHERE clauses for UPDATE statements'],
    ['DELETE v FROM wide WHERE k = 1 AND c = 1', 'Range deletions are not supported for specific columns'],
    ['UPDATE counters SET c = 1 WHERE k = 1', 'Cannot set the value of counter column c (counters can only be incremented/decremented, not set)'],
    ['UPDATE kv SET v = v + 1 WHERE k = 1', 'Invalid operation (v = v + ...) for non counter column v'],
    ['INSERT INTO counters (k, c) VALUES (1, 1)', 'INSERT statements are not allowed on counter tables, use UPDATE instead'],
    ['UPDATE counters USING TTL 5 SET c = c + 1 WHERE k = 1', 'Cannot provide custom TTL for counter updates'],
    ['UPDATE kv SET v = 1 WHERE k = 1 IF v = 2', 'Conditional updates (lightweight transactions) are not supported yet'],
    ['INSERT INTO kv (k) VALUES (1) IF NOT EXISTS', 'Conditional updates (lightweight transactions) are not supported yet'],
    ['UPDATE kv SET v = 1, v = 2 WHERE k = 1', 'Multiple incompatible setting of column v'],
    ['UPDATE nope SET v = 1 WHERE k = 1', 'unconfigured table nope'],
    ['UPDATE kv USING TTL -1 SET v = 1 WHERE k = 1', 'A TTL must be greater or equal to 0, but was -1'],
    ['UPDATE kv USING TTL 630720001 SET v = 1 WHERE k = 1', 'ttl is too large. requested (630720001) maximum (630720000)'],
  ])('%s', async (cql, message) => {
    const h = new ModsHarness();
    await expect((async () => h.run(cql))()).rejects.toThrow(message);
  });

  it('reports CQL codes', async () => {
    const h = new ModsHarness();
    await expect((async () => h.run('UPDATE kv SET v = 1 WHERE k = 1 IF EXISTS'))()).rejects.toMatchObject({ code: 'CQL_NOT_SUPPORTED' });
    await expect((async () => h.run('UPDATE kv SET v = 1 WHERE v = 1'))()).rejects.toMatchObject({ code: 'CQL_INVALID' });
  });

  it('checks bound key values', async () => {
    const h = new ModsHarness();
    await expect(h.run('UPDATE kv SET v = 1 WHERE k = ?', ['unset'])).rejects.toThrow('Invalid unset value for column k');
    await expect(h.run('UPDATE kv SET v = 1 WHERE k = ?', [null])).rejects.toThrow('Invalid null value in condition for column k');
    await expect(h.run('UPDATE kv SET v = 1 WHERE k = ?', [Buffer.alloc(8)])).rejects.toThrow('Expected 4 or 0 byte int (8)');
    await expect(h.run('UPDATE bk SET v = 1 WHERE k = ?', [Buffer.alloc(0)])).rejects.toThrow('Key may not be empty');
    await expect(h.run('UPDATE bk SET v = 1 WHERE k = ?', [Buffer.alloc(70_000)])).rejects.toThrow('Key length of 70000 is longer than maximum of 65535');
  });
});

describe('prepared metadata', () => {
  it('names receivers as Cassandra and finds the routing key indexes', () => {
    const h = new ModsHarness();
    const p = h.prepare('UPDATE ck USING TTL ? AND TIMESTAMP ? SET v = :val WHERE b = ? AND a = ?');
    expect(p.boundVariables.map((v) => v.name)).toEqual(['[ttl]', '[timestamp]', 'val', 'b', 'a']);
    expect(p.boundVariables.map((v) => v.type)).toEqual([nativeType('int'), nativeType('bigint'), nativeType('int'), nativeType('text'), nativeType('int')]);
    expect(p.partitionKeyBindIndexes).toEqual([4, 3]);
    expect(h.prepare("UPDATE coll SET m[?] = ?, l = l + ? WHERE k IN ?").boundVariables.map((v) => v.name)).toEqual(['key(m)', 'value(m)', 'l', 'in(k)']);
    expect(h.prepare('UPDATE kv SET v = 1 WHERE k IN (?, ?)').partitionKeyBindIndexes).toEqual([]);
  });
});
