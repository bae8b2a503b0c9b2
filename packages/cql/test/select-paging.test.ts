import { hasErrorCode } from '@charybdis/core';
import { SelectTestDb } from './fixtures/select-test-db';

/** A seeded generator (mulberry32) so that the data is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function db(): Promise<SelectTestDb> {
  const d = new SelectTestDb();
  d.createTable({ name: 't', columns: { k: 'int', c: 'int', v: 'text', s: 'int' }, partitionKey: ['k'], clustering: ['c'], statics: ['s'] });
  const random = rng(42);
  for (let k = 0; k < 8; k++) {
    const rows = Math.floor(random() * 6);
    for (let c = 0; c < rows; c++) await d.insert('t', { k, c, v: `v${k}.${c}` });
    if (random() < 0.4) await d.insert('t', { k, s: k * 10 });
  }
  await d.insert('t', { k: 100, s: 1 });
  return d;
}

const key = (r: Record<string, unknown>): string => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

describe('SELECT paging', () => {
  let d: SelectTestDb;
  beforeAll(async () => {
    d = await db();
  });

  const queries: [string, unknown[]][] = [
    ['SELECT * FROM t', []],
    ['SELECT k, c, v FROM t', []],
    ['SELECT * FROM t WHERE k = 3', []],
    ['SELECT k, c FROM t WHERE k = 3 ORDER BY c DESC', []],
    ['SELECT * FROM t WHERE k IN (1, 2, 3, 100, 4)', []],
    ['SELECT k, c FROM t WHERE k IN (1, 2, 3, 4) AND c >= 1', []],
    ['SELECT * FROM t LIMIT 7', []],
    ['SELECT k, c FROM t PER PARTITION LIMIT 2', []],
    ['SELECT k, c FROM t PER PARTITION LIMIT 2 LIMIT 9', []],
    ['SELECT k, c FROM t WHERE k IN (5, 6, 7) PER PARTITION LIMIT 3 LIMIT 4', []],
    ["SELECT k, c FROM t WHERE v > 'v3' ALLOW FILTERING", []],
    ['SELECT k, c FROM t WHERE c = 1 ALLOW FILTERING', []],
    ['SELECT DISTINCT k, s FROM t', []],
    ['SELECT k, c FROM t WHERE token(k) > ?', [-(2n ** 61n)]],
  ];

  test.each(queries)('%s: every page size gives the unpaged rows, none repeated or skipped', async (cql, values) => {
    const unpaged = await d.query(cql, values as never[]);
    expect(unpaged.pagingState).toBeNull();
    const expected = unpaged.rows.map(key);
    expect(expected.length).toBeGreaterThan(0);
    for (let pageSize = 1; pageSize <= expected.length + 1; pageSize++) {
      const { rows, pages } = await d.queryAllPages(cql, pageSize, values as never[]);
      expect(rows.map(key)).toEqual(expected);
      if (!cql.includes('FILTERING')) expect(pages).toBeLessThanOrEqual(Math.ceil(expected.length / pageSize) + 1);
    }
  });

  test('aggregates page internally and return one result without paging state', async () => {
    const r = await d.query('SELECT count(*) FROM t', [], { pageSize: 1 });
    const all = await d.query('SELECT * FROM t');
    expect(r.rows).toEqual([{ count: BigInt(all.rows.length) }]);
    expect(r.pagingState).toBeNull();
    const g = await d.query('SELECT k, count(*) FROM t GROUP BY k', [], { pageSize: 2 });
    expect(g.pagingState).toBeNull();
    expect(g.rows.reduce((n, x) => n + (x.count as bigint), 0n)).toBe(BigInt(all.rows.length));
  });

  test('a paging state resumes on another execution (stateless) and LIMIT carries over', async () => {
    const first = await d.query('SELECT k, c FROM t LIMIT 5', [], { pageSize: 3 });
    expect(first.rows.length).toBe(3);
    const second = await d.query('SELECT k, c FROM t LIMIT 5', [], { pageSize: 3, pagingState: first.pagingState });
    expect(second.rows.length).toBe(2);
    expect(second.pagingState).toBeNull();
  });

  test('a corrupt or foreign paging state is refused', async () => {
    const first = await d.query('SELECT k, c FROM t', [], { pageSize: 2 });
    const bad = Uint8Array.from(first.pagingState!);
    bad[bad.length - 6] = bad[bad.length - 6]! ^ 0xff;
    for (const state of [bad, new Uint8Array([1, 2, 3]), first.pagingState!.subarray(0, 10)]) {
      const p = d.query('SELECT k, c FROM t', [], { pageSize: 2, pagingState: state });
      await expect(p).rejects.toThrow('Invalid value for the paging state');
      await p.catch((err: unknown) => expect(hasErrorCode(err, 'CQL_INVALID')).toBe(true));
    }
    d.createTable({ name: 'other', columns: { k: 'int', c: 'int' }, partitionKey: ['k'], clustering: ['c'] });
    await expect(d.query('SELECT k, c FROM other', [], { pageSize: 2, pagingState: first.pagingState })).rejects.toThrow('Invalid value for the paging state');
  });
});
