import { addIndex } from '@charybdis/schema';
import type { IndexTargetSpec } from '@charybdis/schema';
import { SelectTestDb } from './fixtures/select-test-db';

const FILTERING =
  'Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING';

function index(d: SelectTestDb, table: string, target: IndexTargetSpec): void {
  d.schema = d.schema.withTable(addIndex(d.table(table), d.schema.tables(d.keyspace), { name: undefined, targets: [target] }, false)!);
}

async function db(): Promise<SelectTestDb> {
  const d = new SelectTestDb();
  d.createTable({ name: 't', columns: { k: 'int', c: 'int', v: 'int', w: 'int', s: 'int' }, partitionKey: ['k'], clustering: ['c'], statics: ['s'] });
  for (let k = 0; k < 5; k++) {
    await d.insert('t', { k, s: k % 2 });
    for (let c = 0; c < 4; c++) await d.insert('t', { k, c, v: (k + c) % 3, w: c });
  }
  index(d, 't', { kind: 'simple', column: 'v' });
  index(d, 't', { kind: 'simple', column: 'c' });
  index(d, 't', { kind: 'simple', column: 's' });
  d.createTable({ name: 'coll', columns: { k: 'int', l: 'list<int>', m: 'map<text, int>' }, partitionKey: ['k'] });
  await d.insert('coll', { k: 1, l: [1, 2], m: new Map([['x', 1]]) });
  await d.insert('coll', { k: 2, l: [3], m: new Map([['y', 2]]) });
  index(d, 'coll', { kind: 'simple', column: 'l' });
  index(d, 'coll', { kind: 'keys', column: 'm' });
  return d;
}

describe('SELECT on indexed columns (answered by a filtered scan)', () => {
  let d: SelectTestDb;
  beforeAll(async () => {
    d = await db();
  });

  it('an indexed EQ needs no ALLOW FILTERING and returns exactly the matching rows', async () => {
    const all = await d.query('SELECT k, c FROM t WHERE v = 0');
    const expected: [number, number][] = [];
    for (let k = 0; k < 5; k++) for (let c = 0; c < 4; c++) if ((k + c) % 3 === 0) expected.push([k, c]);
    expect(all.rows.map((r) => [r.k as number, r.c as number]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!)).toEqual(expected);
    expect((await d.query('SELECT k, c FROM t WHERE k = 1 AND v = 0')).rows.map((r) => [r.k, r.c])).toEqual([[1, 2]]);
    expect((await d.query('SELECT k, c FROM t WHERE c = 3')).rows.length).toBe(5);
    expect((await d.query('SELECT DISTINCT k, s FROM t WHERE s = 1')).rows.map((r) => r.k).sort()).toEqual([1, 3]);
  });

  it('other restrictions still need ALLOW FILTERING', async () => {
    await expect(d.query('SELECT * FROM t WHERE v = 0 AND w = 1')).rejects.toThrow(FILTERING);
    await expect(d.query('SELECT * FROM t WHERE v = 0 AND c = 1')).rejects.toThrow(FILTERING);
    await expect(d.query('SELECT * FROM t WHERE v > 0')).rejects.toThrow(FILTERING);
    expect((await d.query('SELECT k, c FROM t WHERE v = 0 AND w = 1 ALLOW FILTERING')).rows.map((r) => [r.k, r.c]).sort()).toEqual([
      [2, 1],
    ]);
  });

  it('CONTAINS and CONTAINS KEY use values() and keys() indexes', async () => {
    expect((await d.query('SELECT k FROM coll WHERE l CONTAINS 3')).rows.map((r) => r.k)).toEqual([2]);
    expect((await d.query("SELECT k FROM coll WHERE m CONTAINS KEY 'x'")).rows.map((r) => r.k)).toEqual([1]);
    await expect(d.query('SELECT k FROM coll WHERE m CONTAINS 1')).rejects.toThrow(FILTERING);
    await expect(d.query('SELECT k FROM coll WHERE l CONTAINS 1 AND l CONTAINS 2')).rejects.toThrow(FILTERING);
  });

  it('pages through an indexed query', async () => {
    const expected = (await d.query('SELECT k, c FROM t WHERE v = 1')).rows.map((r) => [r.k, r.c]);
    for (const pageSize of [1, 2, 5]) {
      const { rows } = await d.queryAllPages('SELECT k, c FROM t WHERE v = 1', pageSize, []);
      expect(rows.map((r) => [r.k, r.c])).toEqual(expected);
    }
  });
});
