import { hasErrorCode } from '@charybdis/core';
import { SelectTestDb, TEST_NOW_MS } from './fixtures/select-test-db';

async function expectInvalid(p: Promise<unknown>, message: string): Promise<void> {
  await expect(p).rejects.toThrow(message);
  await p.catch((err: unknown) => expect(hasErrorCode(err, 'CQL_INVALID')).toBe(true));
}

async function db(): Promise<SelectTestDb> {
  const d = new SelectTestDb();
  d.createTable({ name: 't', columns: { k: 'int', c: 'int', v: 'int', b: 'bigint', f: 'double', d: 'decimal', txt: 'text', s: 'text' }, partitionKey: ['k'], clustering: ['c'], statics: ['s'] });
  for (let k = 0; k < 3; k++) {
    for (let c = 0; c < 4; c++) {
      await d.insert('t', { k, c, v: c + 10 * k, b: BigInt(c) * 1_000_000_000_000n, f: c / 2, d: { unscaledValue: BigInt(c * 15), scale: 1 }, txt: `t${c}` }, { timestampUs: 5000n + BigInt(c) });
    }
  }
  await d.insert('t', { k: 0, s: 'static0' }, { timestampUs: 7000n });
  await d.insert('t', { k: 9, s: 'only-static' }, { timestampUs: 7000n });
  d.createTable({ name: 'm', columns: { k: 'int', v: 'int', l: 'list<int>', mp: 'map<text, int>', ts: 'timestamp', u: 'uuid', bl: 'blob', fr: 'frozen<set<int>>' }, partitionKey: ['k'] });
  await d.insert('m', { k: 1, v: 2147483647, l: [1, 2], mp: new Map([['a', 1]]), ts: new Date(Date.UTC(2011, 1, 3, 4, 5)), u: '550e8400-e29b-41d4-a716-446655440000', bl: Buffer.from('cafe', 'hex'), fr: new Set([3, 1]) });
  await d.insert('m', { k: 2, v: 1 }, { ttlSeconds: 100, nowSeconds: Math.floor(TEST_NOW_MS / 1000) - 30, timestampUs: 123n });
  return d;
}

describe('SELECT selection', () => {
  let d: SelectTestDb;
  beforeAll(async () => {
    d = await db();
  });

  test('* lists partition key, clustering, static, then regular columns by name; static-only partitions appear', async () => {
    const r = await d.query('SELECT * FROM t WHERE k = 9');
    expect(r.columns).toEqual(['k', 'c', 's', 'b', 'd', 'f', 'txt', 'v']);
    expect(r.rows).toEqual([{ k: 9, c: null, b: null, d: null, f: null, s: 'only-static', txt: null, v: null }]);
    const r0 = await d.query('SELECT c, s FROM t WHERE k = 0');
    expect(r0.rows.map((x) => x.s)).toEqual(['static0', 'static0', 'static0', 'static0']);
    // A whole-partition query returns the static-only partition as one row even without its
    // static columns (Cassandra's returnStaticContentOnPartitionWithNoRows; ScyllaDB too, #10091;
    // cassandra_tests delete_test testStaticColumnDeletionWithMultipleStaticColumns).
    expect((await d.query('SELECT k, v FROM t WHERE k = 9')).rows).toEqual([{ k: 9, v: null }]);
    // Clustering restricted: no static-only row either.
    expect((await d.query('SELECT k, s FROM t WHERE k = 9 AND c = 1')).rows).toEqual([]);
  });

  test('aliases, writetime and ttl', async () => {
    const r = await d.query('SELECT v AS value, writetime(v), ttl(v) FROM t WHERE k = 1 AND c = 2');
    expect(r.columns).toEqual(['value', 'writetime(v)', 'ttl(v)']);
    expect(r.rows).toEqual([{ value: 12, 'writetime(v)': 5002n, 'ttl(v)': null }]);
    const t = await d.query('SELECT ttl(v), writetime(v) FROM m WHERE k = 2');
    expect(t.rows).toEqual([{ 'ttl(v)': 70, 'writetime(v)': 123n }]);
    // Expired once its TTL has passed.
    expect((await d.query('SELECT v FROM m WHERE k = 2', [], { nowMs: TEST_NOW_MS + 80_000 })).rows).toEqual([]);
    await expectInvalid(d.query('SELECT writetime(k) FROM t'), 'Cannot use selection function writeTime on PRIMARY KEY part k');
    await expectInvalid(d.query('SELECT ttl(l) FROM m'), 'Cannot use selection function ttl on non-frozen collection l');
    await expectInvalid(d.query('SELECT nope FROM t'), 'Undefined column name nope');
  });

  test('collections come out in the protocol encoding', async () => {
    const r = await d.query('SELECT l, mp, fr FROM m WHERE k = 1');
    expect(r.rows[0]).toEqual({ l: [1, 2], mp: new Map([['a', 1]]), fr: new Set([1, 3]) });
  });

  test('token(), CAST, toJson and blob conversions', async () => {
    const r = await d.query('SELECT token(k), CAST(v AS bigint), CAST(v AS text), CAST(f AS int), toJson(txt), intAsBlob(v) FROM t WHERE k = 1 AND c = 3');
    expect(r.columns).toEqual(['system.token(k)', 'cast(v as bigint)', 'cast(v as text)', 'cast(f as int)', 'system.tojson(txt)', 'system.intasblob(v)']);
    const row = r.rows[0]!;
    expect(typeof row['system.token(k)']).toBe('bigint');
    expect(row['cast(v as bigint)']).toBe(13n);
    expect(row['cast(v as text)']).toBe('13');
    expect(row['cast(f as int)']).toBe(1);
    expect(row['system.tojson(txt)']).toBe('"t3"');
    expect(Buffer.from(row['system.intasblob(v)'] as Uint8Array).toString('hex')).toBe('0000000d');
    const m = await d.query('SELECT CAST(f AS text), CAST(d AS double) FROM t WHERE k = 1 AND c = 3');
    expect(m.rows[0]!['cast(f as text)']).toBe('1.5');
    expect(m.rows[0]!['cast(d as double)']).toBe(4.5);
    await expectInvalid(d.query('SELECT CAST(bl AS int) FROM m'), 'bl cannot be cast to int');
  });

  test('aggregates with Cassandra result types', async () => {
    const r = await d.query('SELECT count(*), count(v), min(v), max(txt), sum(v), avg(v), sum(f), avg(d), sum(b) FROM t WHERE k = 1');
    expect(r.columns).toEqual(['count', 'system.count(v)', 'system.min(v)', 'system.max(txt)', 'system.sum(v)', 'system.avg(v)', 'system.sum(f)', 'system.avg(d)', 'system.sum(b)']);
    expect(r.rows).toEqual([
      {
        count: 4n,
        'system.count(v)': 4n,
        'system.min(v)': 10,
        'system.max(txt)': 't3',
        'system.sum(v)': 46,
        'system.avg(v)': 11,
        'system.sum(f)': 3,
        'system.avg(d)': { unscaledValue: 22n, scale: 1 },
        'system.sum(b)': 6_000_000_000_000n,
      },
    ]);
    const empty = await d.query('SELECT count(*), sum(v), avg(v), min(v) FROM t WHERE k = 5');
    expect(empty.rows).toEqual([{ count: 0n, 'system.sum(v)': 0, 'system.avg(v)': 0, 'system.min(v)': null }]);
    const overflow = await d.query('SELECT sum(v) FROM m');
    expect(overflow.rows[0]!['system.sum(v)']).toBe(-2147483648);
    const whole = await d.query('SELECT count(1) FROM t');
    expect(whole.rows[0]!.count).toBe(13n);
  });

  test('GROUP BY partition key and clustering prefix', async () => {
    const r = await d.query('SELECT k, count(*), max(c) FROM t GROUP BY k');
    expect(r.rows.map((x) => [x.k, x.count, x['system.max(c)']]).sort()).toEqual([
      [0, 4n, 3],
      [1, 4n, 3],
      [2, 4n, 3],
      [9, 1n, null],
    ].sort());
    const r2 = await d.query('SELECT c, v FROM t WHERE k = 2 GROUP BY k, c LIMIT 2');
    expect(r2.rows).toEqual([{ c: 0, v: 20 }, { c: 1, v: 21 }]);
    await expectInvalid(d.query('SELECT count(*) FROM t GROUP BY v'), 'Group by is currently only supported on the columns of the PRIMARY KEY, got v');
    await expectInvalid(d.query('SELECT count(*) FROM t GROUP BY c'), 'Group by currently only support groups of columns following their declared order in the PRIMARY KEY');
  });

  test('DISTINCT', async () => {
    const r = await d.query('SELECT DISTINCT k, s FROM t');
    expect(r.rows.map((x) => [x.k, x.s]).sort()).toEqual([[0, 'static0'], [1, null], [2, null], [9, 'only-static']].sort());
    await expectInvalid(d.query('SELECT DISTINCT v FROM t'), 'SELECT DISTINCT queries must only request partition key columns and/or static columns (not v)');
    await expectInvalid(d.query('SELECT DISTINCT s FROM t'), 'SELECT DISTINCT queries must request all the partition key columns (missing k)');
    // Partitions given by key: no range to group, the key columns may be left out.
    const byKey = await d.query('SELECT DISTINCT s FROM t WHERE k IN (0, 9)');
    expect(byKey.rows.map((x) => x.s).sort()).toEqual(['only-static', 'static0']);
  });

  test('SELECT JSON', async () => {
    const r = await d.query('SELECT JSON k, v AS "Value", ts, u, bl, l, mp, fr FROM m WHERE k = 1');
    expect(r.columns).toEqual(['[json]']);
    expect(r.rows[0]!['[json]']).toBe(
      '{"k": 1, "\\"Value\\"": 2147483647, "ts": "2011-02-03 04:05:00.000Z", "u": "550e8400-e29b-41d4-a716-446655440000", "bl": "0xcafe", "l": [1, 2], "mp": {"a": 1}, "fr": [1, 3]}',
    );
    const n = await d.query('SELECT JSON k, f, d, s FROM t WHERE k = 1 AND c = 1');
    expect(JSON.parse(n.rows[0]!['[json]'] as string)).toEqual({ k: 1, f: 0.5, d: 1.5, s: null });
  });

  test('ORDER BY, LIMIT and PER PARTITION LIMIT', async () => {
    expect((await d.query('SELECT c FROM t WHERE k = 1 ORDER BY c DESC')).rows.map((x) => x.c)).toEqual([3, 2, 1, 0]);
    expect((await d.query('SELECT c FROM t WHERE k = 1 ORDER BY c DESC LIMIT 2')).rows.map((x) => x.c)).toEqual([3, 2]);
    const inOrder = await d.query('SELECT k, c FROM t WHERE k IN (2, 1) ORDER BY c DESC LIMIT 3');
    expect(inOrder.rows.map((x) => x.c)).toEqual([3, 3, 2]);
    await expectInvalid(d.query('SELECT k, c FROM t WHERE k IN (2, 1) ORDER BY c DESC', [], { pageSize: 2 }), 'Cannot page queries with both ORDER BY and a IN restriction on the partition key');
    await expectInvalid(d.query('SELECT c FROM t ORDER BY c DESC'), 'ORDER BY is only supported when the partition key is restricted by an EQ or an IN.');
    await expectInvalid(d.query('SELECT c FROM t WHERE k = 1 ORDER BY v'), 'Order by is currently only supported on the clustered columns of the PRIMARY KEY, got v');
    const ppl = await d.query('SELECT k, c FROM t PER PARTITION LIMIT 1');
    expect(ppl.rows.filter((x) => x.c !== null).length).toBe(3);
    expect(ppl.rows.every((x) => x.c === 0 || x.c === null)).toBe(true);
    expect((await d.query('SELECT c FROM t WHERE k = 1 LIMIT ?', [3])).rows.length).toBe(3);
    await expectInvalid(d.query('SELECT c FROM t LIMIT 0'), 'LIMIT must be strictly positive');
    await expectInvalid(d.query('SELECT c FROM t PER PARTITION LIMIT ?', [-1]), 'PER PARTITION LIMIT must be strictly positive');
  });

  test('PER PARTITION LIMIT and DISTINCT combinations are rejected as in Cassandra', async () => {
    await expectInvalid(d.query('SELECT count(*) FROM t PER PARTITION LIMIT 1'), 'PER PARTITION LIMIT is not allowed with aggregate queries.');
    expect((await d.query('SELECT k, count(*) FROM t GROUP BY k PER PARTITION LIMIT 1')).rows.length).toBe(4);
    await expectInvalid(d.query('SELECT DISTINCT k FROM t PER PARTITION LIMIT 1'), 'PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries');
    await expectInvalid(d.query('SELECT DISTINCT k FROM t WHERE k = 1 GROUP BY k, c'), 'Grouping on clustering columns is not allowed for SELECT DISTINCT queries');
  });

  test('ORDER BY may skip only clustering columns restricted to one value', async () => {
    d.createTable({ name: 'ob', columns: { a: 'int', b: 'int', c: 'int' }, partitionKey: ['a'], clustering: ['b', 'c'] });
    for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) await d.insert('ob', { a: 0, b, c });
    expect((await d.query('SELECT c FROM ob WHERE a = 0 AND b = 1 ORDER BY c DESC')).rows.map((x) => x.c)).toEqual([2, 1, 0]);
    expect((await d.query('SELECT c FROM ob WHERE a = 0 AND b IN (1) ORDER BY c DESC')).rows.map((x) => x.c)).toEqual([2, 1, 0]);
    expect((await d.query('SELECT c FROM ob WHERE a = 0 AND (b, c) = (1, 1) ORDER BY c DESC')).rows.map((x) => x.c)).toEqual([1]);
    const skip = "Unsupported order by relation - column b doesn't have an ordering or EQ relation.";
    await expectInvalid(d.query('SELECT c FROM ob WHERE a = 0 ORDER BY c ASC'), skip);
    await expectInvalid(d.query('SELECT c FROM ob WHERE a = 0 AND b IN (0, 1) ORDER BY c'), skip);
    await expectInvalid(d.query('SELECT c FROM ob WHERE a = 0 AND b < 1 ORDER BY c'), skip);
  });

  test('selector functions take literal and bound arguments; type errors name the argument', async () => {
    const r = await d.query('SELECT intAsBlob(7), intAsBlob(?) FROM t WHERE k = 1 AND c = 0', [9]);
    expect(r.columns).toEqual(['system.intasblob(7)', 'system.intasblob(?)']);
    expect(Buffer.from(r.rows[0]!['system.intasblob(7)'] as Uint8Array).toString('hex')).toBe('00000007');
    expect(Buffer.from(r.rows[0]!['system.intasblob(?)'] as Uint8Array).toString('hex')).toBe('00000009');
    await expectInvalid(d.query('SELECT minTimeuuid(txt) FROM t'), 'Type error: txt cannot be passed as argument 0 of function system.mintimeuuid of type timestamp');
  });

  test('CAST to the argument type is dropped, keeping the column name', async () => {
    const r = await d.query('SELECT CAST(v AS int) FROM t WHERE k = 1 AND c = 0');
    expect(r.columns).toEqual(['v']);
    expect(r.rows).toEqual([{ v: 10 }]);
  });

  test('token() selector errors follow Cassandra', async () => {
    d.createTable({ name: 'tk', columns: { k1: 'uuid', k2: 'text' }, partitionKey: ['k1', 'k2'] });
    await expectInvalid(d.query('SELECT token(k1) FROM tk'), 'Invalid number of arguments in call to function system.token: 2 required but 1 provided');
    await expectInvalid(d.query('SELECT token(k2, k1) FROM tk'), 'Type error: k2 cannot be passed as argument 0 of function system.token of type uuid');
  });
});
