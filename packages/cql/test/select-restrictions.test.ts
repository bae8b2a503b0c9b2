import { hasErrorCode } from '@charybdis/core';
import { parseCqlStatement } from '../src/parser';
import { prepareSelect } from '../src/select';
import { SelectTestDb } from './fixtures/select-test-db';

const FILTERING =
  'Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING';

async function db(): Promise<SelectTestDb> {
  const d = new SelectTestDb();
  d.createTable({ name: 't', columns: { k: 'int', c1: 'int', c2: 'int', v: 'text', s: 'int' }, partitionKey: ['k'], clustering: ['c1', 'c2'], statics: ['s'] });
  for (let k = 0; k < 4; k++) for (let c1 = 0; c1 < 3; c1++) for (let c2 = 0; c2 < 3; c2++) await d.insert('t', { k, c1, c2, v: `${k}-${c1}-${c2}` });
  d.createTable({ name: 'ck', columns: { a: 'int', b: 'text', c: 'int', v: 'int' }, partitionKey: ['a', 'b'], clustering: [{ name: 'c', order: 'DESC' }] });
  for (const a of [1, 2]) for (const b of ['x', 'y']) for (let c = 0; c < 4; c++) await d.insert('ck', { a, b, c, v: a * 100 + c });
  d.createTable({ name: 'coll', columns: { k: 'int', l: 'list<int>', st: 'set<text>', m: 'map<text, int>', v: 'int' }, partitionKey: ['k'] });
  await d.insert('coll', { k: 1, l: [1, 2], st: new Set(['a', 'b']), m: new Map([['x', 1], ['y', 2]]), v: 10 });
  await d.insert('coll', { k: 2, l: [3], st: new Set(['c']), m: new Map([['x', 5]]), v: 20 });
  return d;
}

async function expectInvalid(p: Promise<unknown>, message: string | RegExp): Promise<void> {
  await expect(p).rejects.toThrow(message);
  await p.catch((err: unknown) => expect(hasErrorCode(err, 'CQL_INVALID')).toBe(true));
}

describe('SELECT restrictions', () => {
  let d: SelectTestDb;
  beforeAll(async () => {
    d = await db();
  });

  test('partition key EQ reads one partition in clustering order', async () => {
    const r = await d.query('SELECT c1, c2, v FROM t WHERE k = 1');
    expect(r.rows.map((x) => [x.c1, x.c2])).toEqual([
      [0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2],
    ]);
    expect(r.rows[0]!.v).toBe('1-0-0');
  });

  test('partition key IN returns each key once, partitions in key value order (not token order)', async () => {
    const r = await d.query('SELECT k FROM t WHERE k IN (3, 1, 3, 0, 2) AND c1 = 0 AND c2 = 0');
    expect(r.rows.map((x) => x.k)).toEqual([0, 1, 2, 3]);
    const all = await d.query('SELECT DISTINCT k FROM t');
    expect(all.rows.map((x) => x.k)).not.toEqual([0, 1, 2, 3]); // a scan is in token order
    const ck = await d.query("SELECT a, b FROM ck WHERE a IN (2, 1) AND b IN ('y', 'x') AND c = 0");
    expect(ck.rows.map((x) => [x.a, x.b])).toEqual([[1, 'x'], [1, 'y'], [2, 'x'], [2, 'y']]);
  });

  test('bound values: EQ and IN ? markers', async () => {
    const r = await d.query('SELECT v FROM t WHERE k = ? AND c1 IN ? AND c2 = ?', [2, [2, 0], 1]);
    expect(r.rows.map((x) => x.v)).toEqual(['2-0-1', '2-2-1']);
  });

  test('clustering slices, prefix EQ + slice, empty slice', async () => {
    expect((await d.query('SELECT v FROM t WHERE k = 0 AND c1 = 1 AND c2 >= 1')).rows.map((x) => x.v)).toEqual(['0-1-1', '0-1-2']);
    expect((await d.query('SELECT v FROM t WHERE k = 0 AND c1 > 0 AND c1 < 2')).rows.length).toBe(3);
    expect((await d.query('SELECT v FROM t WHERE k = 0 AND c1 > 2')).rows).toEqual([]);
    expect((await d.query('SELECT v FROM t WHERE k = 0 AND c1 > 1 AND c1 < 1')).rows).toEqual([]);
  });

  test('multi-column slices and IN tuples', async () => {
    const r = await d.query('SELECT c1, c2 FROM t WHERE k = 0 AND (c1, c2) > (1, 1) AND (c1) < (2)');
    expect(r.rows.map((x) => [x.c1, x.c2])).toEqual([[1, 2]]);
    const r2 = await d.query('SELECT c1, c2 FROM t WHERE k = 0 AND (c1, c2) IN ((2, 2), (0, 1))');
    expect(r2.rows.map((x) => [x.c1, x.c2])).toEqual([[0, 1], [2, 2]]);
    const r3 = await d.query('SELECT c1, c2 FROM t WHERE k = 0 AND (c1, c2) = (1, 0)');
    expect(r3.rows).toEqual([{ c1: 1, c2: 0 }]);
  });

  test('composite partition key and DESC clustering: slices follow natural value order', async () => {
    const r = await d.query("SELECT c FROM ck WHERE a = 1 AND b = 'y' AND c > 0 AND c <= 2");
    expect(r.rows.map((x) => x.c)).toEqual([2, 1]);
    const asc = await d.query("SELECT c FROM ck WHERE a = 1 AND b = 'y' ORDER BY c ASC");
    expect(asc.rows.map((x) => x.c)).toEqual([0, 1, 2, 3]);
    const both = await d.query("SELECT a, b, c FROM ck WHERE a IN (1, 2) AND b = 'x' AND c = 3");
    expect(both.rows.length).toBe(2);
  });

  test('token ranges', async () => {
    const all = await d.query('SELECT DISTINCT k, token(k) FROM t');
    const tokens = all.rows.map((x) => x['system.token(k)'] as bigint);
    expect([...tokens].sort((a, b) => (a < b ? -1 : 1))).toEqual(tokens);
    const mid = tokens[1]!;
    const gt = await d.query('SELECT DISTINCT k FROM t WHERE token(k) > ?', [mid]);
    expect(gt.rows.map((x) => x.k)).toEqual(all.rows.slice(2).map((x) => x.k));
    const ge = await d.query(`SELECT DISTINCT k FROM t WHERE token(k) >= ${mid} AND token(k) <= ${tokens[2]}`);
    expect(ge.rows.map((x) => x.k)).toEqual(all.rows.slice(1, 3).map((x) => x.k));
    const eq = await d.query(`SELECT DISTINCT k FROM t WHERE token(k) = ${mid}`);
    expect(eq.rows.map((x) => x.k)).toEqual([all.rows[1]!.k]);
    expect((await d.query(`SELECT k FROM t WHERE token(k) > ${tokens[2]} AND token(k) < ${mid}`)).rows).toEqual([]);
  });

  test('filtering needs ALLOW FILTERING and then filters rows', async () => {
    await expectInvalid(d.query("SELECT * FROM t WHERE v = '1-1-1'"), FILTERING);
    await expectInvalid(d.query('SELECT * FROM t WHERE k = 1 AND c2 = 1'), 'PRIMARY KEY column "c2" cannot be restricted as preceding column "c1" is not restricted');
    await expectInvalid(d.query('SELECT * FROM t WHERE c1 = 1'), FILTERING);
    const r = await d.query("SELECT k, c1, c2 FROM t WHERE v = '1-1-1' ALLOW FILTERING");
    expect(r.rows).toEqual([{ k: 1, c1: 1, c2: 1 }]);
    const r2 = await d.query('SELECT c1 FROM t WHERE k = 1 AND c2 = 2 ALLOW FILTERING');
    expect(r2.rows.map((x) => x.c1)).toEqual([0, 1, 2]);
    const r3 = await d.query('SELECT k FROM t WHERE k > 1 AND c1 = 0 AND c2 = 0 ALLOW FILTERING');
    expect(r3.rows.map((x) => x.k).sort()).toEqual([2, 3]);
  });

  test('collection filters: CONTAINS, CONTAINS KEY, m[k] = v', async () => {
    await expectInvalid(d.query('SELECT k FROM coll WHERE l CONTAINS 1'), FILTERING);
    expect((await d.query('SELECT k FROM coll WHERE l CONTAINS 3 ALLOW FILTERING')).rows).toEqual([{ k: 2 }]);
    expect((await d.query("SELECT k FROM coll WHERE st CONTAINS 'a' ALLOW FILTERING")).rows).toEqual([{ k: 1 }]);
    expect((await d.query("SELECT k FROM coll WHERE m CONTAINS KEY 'y' ALLOW FILTERING")).rows).toEqual([{ k: 1 }]);
    expect((await d.query('SELECT k FROM coll WHERE m CONTAINS 5 ALLOW FILTERING')).rows).toEqual([{ k: 2 }]);
    expect((await d.query("SELECT k FROM coll WHERE m['x'] = 5 ALLOW FILTERING")).rows).toEqual([{ k: 2 }]);
    expect((await d.query("SELECT k FROM coll WHERE m['x'] < 5 ALLOW FILTERING")).rows).toEqual([{ k: 1 }]);
    await expectInvalid(d.query('SELECT k FROM coll WHERE v CONTAINS 1 ALLOW FILTERING'), 'Cannot use CONTAINS on non-collection column v');
  });

  test("invalid combinations use Cassandra's messages", async () => {
    await expectInvalid(d.query('SELECT * FROM t WHERE k > 1'), FILTERING);
    await expectInvalid(d.query("SELECT * FROM ck WHERE a = 1"), FILTERING);
    await expectInvalid(d.query('SELECT * FROM t WHERE k = 1 AND c1 > 0 AND c2 = 1'), 'Clustering column "c2" cannot be restricted (preceding column "c1" is restricted by a non-EQ relation)');
    await expectInvalid(d.query('SELECT * FROM t WHERE x = 1'), 'Undefined column name x');
    await expectInvalid(d.query('SELECT * FROM t WHERE k = 1 AND k = 2'), 'k cannot be restricted by more than one relation if it includes an Equal');
    await expectInvalid(d.query('SELECT * FROM t WHERE k = 1 AND c1 > 0 AND c1 > 1'), 'More than one restriction was found for the start bound on c1');
    await expectInvalid(d.query('SELECT * FROM t WHERE token(k) > 0 AND k = 1'), 'cannot be restricted by both a normal relation and a token relation');
    await expectInvalid(d.query("SELECT * FROM ck WHERE token(a) > 0"), 'The token() function must be applied to all partition key components or none of them');
    await expectInvalid(d.query("SELECT * FROM ck WHERE token(b, a) > 0"), 'The token function arguments must be in the partition key order: a, b');
    await expectInvalid(d.query('SELECT * FROM t WHERE k = 1 AND (c2, c1) > (1, 1)'), 'Clustering columns must appear in the PRIMARY KEY order in multi-column relations');
    await expectInvalid(d.query('SELECT * FROM t WHERE k = 1 AND (c2) > (1)'), 'PRIMARY KEY column "c2" cannot be restricted as preceding column "c1" is not restricted');
    await expectInvalid(d.query('SELECT * FROM t WHERE (k, c1) > (1, 1)'), 'Multi-column relations can only be applied to clustering columns but was applied to: k');
    await expectInvalid(d.query('SELECT * FROM t WHERE k = 1 AND c1 = 1 AND (c2) > (1)'), 'Mixing single column relations and multi column relations');
    await expectInvalid(d.query('SELECT * FROM t WHERE v IS NOT NULL'), 'Unsupported restriction: v IS NOT NULL');
    await expectInvalid(d.query('SELECT * FROM t WHERE k = 1 AND v != 1 ALLOW FILTERING'), 'Unsupported "!=" relation');
    await expectInvalid(d.query('SELECT * FROM t WHERE k = ?', [null]), 'Invalid null value in condition for column k');
    await expectInvalid(d.query('SELECT * FROM nope WHERE k = 1'), 'unconfigured table nope');
    await expectInvalid(d.query('SELECT * FROM t WHERE k = 1 AND (c1) != (0)'), 'Unsupported "!=" relation: (c1) != (0)');
    await expectInvalid(d.query('SELECT * FROM t WHERE (v) != (0)'), 'Unsupported "!=" relation: (v) != (0)');
    await expectInvalid(d.query('SELECT * FROM t WHERE k = 1 AND (c1, c2) IN ((1), (1, 2))'), 'Expected 2 elements in value tuple, but got 1');
    await expectInvalid(d.query("SELECT * FROM ck WHERE a = 1 AND b = ?", ['x'.repeat(65536)]), 'Key length of 65536 is longer than maximum of 65535');
  });

  test('token(values) on the right of a token relation', async () => {
    const all = await d.query('SELECT DISTINCT k, token(k) FROM t');
    const ks = all.rows.map((x) => x.k as number);
    const from = await d.query(`SELECT DISTINCT k FROM t WHERE token(k) >= token(${ks[1]!}) AND token(k) < token(?)`, [ks[3]!]);
    expect(from.rows.map((x) => x.k)).toEqual(ks.slice(1, 3));
    const eq = await d.query("SELECT DISTINCT a, b FROM ck WHERE token(a, b) = token(2, 'x')");
    expect(eq.rows).toEqual([{ a: 2, b: 'x' }]);
    await expectInvalid(d.query('SELECT * FROM ck WHERE token(a, b) > token(1)'), 'Invalid number of arguments in call to function system.token: 2 required but 1 provided');
    await expectInvalid(d.query('SELECT * FROM ck WHERE token(a, a) > 0'), 'The token() function contains duplicate partition key components');
  });

  test('mixed ASC/DESC multi-column slices need no ALLOW FILTERING', async () => {
    d.createTable({ name: 'mx', columns: { k: 'int', c1: 'int', c2: 'int' }, partitionKey: ['k'], clustering: ['c1', { name: 'c2', order: 'DESC' }] });
    for (let c1 = 0; c1 < 2; c1++) for (let c2 = 0; c2 < 3; c2++) await d.insert('mx', { k: 0, c1, c2 });
    const r = await d.query('SELECT c1, c2 FROM mx WHERE k = 0 AND (c1, c2) > (0, 1)');
    expect(r.rows.map((x) => [x.c1, x.c2])).toEqual([[0, 2], [1, 2], [1, 1], [1, 0]]);
  });

  test('slices on durations, CONTAINS on clustering and frozen map entries are rejected with Cassandra messages', async () => {
    d.createTable({ name: 'du', columns: { k: 'int', c: 'frozen<list<int>>', d: 'duration', ld: 'list<duration>', fm: 'frozen<map<int, int>>' }, partitionKey: ['k'], clustering: ['c'] });
    await expectInvalid(d.query('SELECT * FROM du WHERE d > 1s ALLOW FILTERING'), 'Slice restrictions are not supported on duration columns');
    await expectInvalid(d.query('SELECT * FROM du WHERE ld <= [1s] ALLOW FILTERING'), 'Slice restrictions are not supported on collections containing durations');
    await expectInvalid(d.query('SELECT * FROM du WHERE k = 1 AND c CONTAINS 2'), 'Clustering columns can only be restricted with CONTAINS with a secondary index or filtering');
    await expectInvalid(d.query('SELECT * FROM du WHERE fm[1] = 2 ALLOW FILTERING'), 'Map-entry equality predicates on frozen map column fm are not supported');
    await expectInvalid(d.query('SELECT * FROM t WHERE c1 > 0 AND v CONTAINS 1'), /.+/);
  });

  test('IN cartesian products are bounded', async () => {
    const many = Array.from({ length: 11 }, (_, i) => i).join(', ');
    await expectInvalid(d.query(`SELECT * FROM ck WHERE a IN (${many}) AND b IN ('a','b','c','d','e','f','g','h','i','j')`), 'partition key cartesian product size 110 is greater than maximum 100');
  });

  test('prepared metadata: bound variables and partition key indexes', () => {
    const p = parseCqlStatement('SELECT v FROM ck WHERE b = ? AND a = ? AND c IN ? LIMIT ?');
    const s = prepareSelect(p.statement as never, { schema: d.schema, keyspace: 'ks' }, p.boundMarkers);
    expect(s.boundVariables.map((b) => [b.name, b.type.kind === 'native' ? b.type.name : b.type.kind])).toEqual([
      ['b', 'text'],
      ['a', 'int'],
      ['in(c)', 'list'],
      ['[limit]', 'int'],
    ]);
    expect(s.partitionKeyBindIndexes).toEqual([1, 0]);
    expect(s.resultColumns!.map((c) => [c.keyspace, c.table, c.name])).toEqual([['ks', 'ck', 'v']]);
  });

  test('named markers give partition key indexes too (drivers route by them); a marker inside a function does not', () => {
    const indexes = (cql: string): readonly number[] => {
      const p = parseCqlStatement(cql);
      return prepareSelect(p.statement as never, { schema: d.schema, keyspace: 'ks' }, p.boundMarkers).partitionKeyBindIndexes;
    };
    expect(indexes('SELECT v FROM ck WHERE c = :x AND b = :y AND a = :z')).toEqual([2, 1]);
    expect(indexes("SELECT v FROM ck WHERE a = :z AND b = blobAsText(textAsBlob(:y))")).toEqual([]);
  });
});
