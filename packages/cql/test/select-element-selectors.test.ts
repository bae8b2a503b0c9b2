import { hasErrorCode } from '@charybdis/core';
import { codecFor, nativeType, parseCqlType, udtType } from '@charybdis/schema';
import type { CqlType } from '@charybdis/schema';
import { fieldSelector } from '../src/select/element-selectors';
import type { ScalarSelector } from '../src/select/selector-nodes';
import type { RowView } from '../src/select/row-view';
import { SelectTestDb } from './fixtures/select-test-db';

async function expectInvalid(p: Promise<unknown>, message: string | RegExp): Promise<void> {
  await expect(p).rejects.toThrow(message);
  await p.catch((err: unknown) => expect(hasErrorCode(err, 'CQL_INVALID')).toBe(true));
}

async function db(): Promise<SelectTestDb> {
  const d = new SelectTestDb();
  d.createTable({
    name: 'c',
    columns: { p: 'int', v: 'int', m: 'map<int, int>', mt: 'map<text, frozen<map<text, int>>>', st: 'set<int>', l: 'list<int>', fm: 'frozen<map<int, int>>' },
    partitionKey: ['p'],
  });
  await d.insert('c', { p: 1, v: 5, m: new Map([[1, 10], [2, 20]]), mt: new Map([['a', new Map([['x', 7]])]]), st: new Set([10, 20]), l: [4, 5], fm: new Map([[3, 30]]) }, { timestampUs: 1000n });
  await d.insert('c', { p: 1, m: new Map([[3, 30]]) }, { timestampUs: 2000n, ttlSeconds: 500 });
  await d.insert('c', { p: 2, v: 1 });
  return d;
}

describe('SELECT element, field and element metadata selectors', () => {
  let d: SelectTestDb;
  beforeAll(async () => {
    d = await db();
  });

  test('m[k], s[e], l[i], nested subscripts and frozen maps', async () => {
    const r = await d.query("SELECT m[1], m[3], m[9], st[20], st[11], l[1], l[7], mt['a']['x'], fm[3] FROM c WHERE p = 1");
    expect(r.columns).toEqual(['m[1]', 'm[3]', 'm[9]', 'st[20]', 'st[11]', 'l[1]', 'l[7]', "mt['a']['x']", 'fm[3]']);
    expect(Object.values(r.rows[0]!)).toEqual([10, 30, null, 20, null, 5, null, 7, 30]);
    expect((await d.query('SELECT m[1] AS one FROM c WHERE p = 2')).rows).toEqual([{ one: null }]);
  });

  test('subscripts may be bind markers, typed by the collection key', async () => {
    const r = await d.query('SELECT m[?] AS x, m[:k] AS y FROM c WHERE p = ?', [2, 1, 1]);
    expect(Object.values(r.rows[0]!)).toEqual([20, 10]);
    await expectInvalid(d.query("SELECT m['x'] FROM c WHERE p = 1"), /.+/);
  });

  test('only collections can be subscripted', async () => {
    await expectInvalid(d.query('SELECT v[2] FROM c'), 'Invalid element selection: v is of type int is not a collection');
    await expectInvalid(d.query('SELECT token(p)[2] FROM c'), 'is not a collection');
  });

  test('writetime() and ttl() of one element of a non-frozen map or set', async () => {
    const r = await d.query('SELECT writetime(m[1]), writetime(m[3]), writetime(m[9]), ttl(m[1]), ttl(m[3]), writetime(st[10]) FROM c WHERE p = 1');
    const row = Object.values(r.rows[0]!);
    expect(row.slice(0, 4)).toEqual([1000n, 2000n, null, null]);
    expect(typeof row[4]).toBe('number');
    expect(row[5]).toBe(1000n);
    expect((await d.query('SELECT writetime(m[1]) FROM c WHERE p = 2')).rows).toEqual([{ 'writetime(m[1])': null }]);
    await expectInvalid(d.query('SELECT writetime(v[1]) FROM c'), ' v ');
    await expectInvalid(d.query('SELECT ttl(l[0]) FROM c'), 'Element selection');
    await expectInvalid(d.query('SELECT writetime(fm[3]) FROM c'), 'fm');
    await expectInvalid(d.query('SELECT writetime(p[1]) FROM c'), 'PRIMARY KEY');
  });

  test('t.field reads one field of a UDT value; unknown fields and non-UDTs are rejected', () => {
    const type: CqlType = udtType('ks', 'u', [
      { name: 'a', type: nativeType('int') },
      { name: 'b', type: parseCqlType('frozen<map<int, int>>') },
    ]);
    const INT = codecFor(nativeType('int'));
    const a = INT.serialize(10);
    // [int32 length][bytes] per field; the trailing field is absent (added after the value was written).
    const value = Buffer.concat([Buffer.from([0, 0, 0, 4]), a]);
    const receiver: ScalarSelector = { kind: 'scalar', type, name: 't', columns: [], evaluate: () => value };
    const row = {} as RowView;
    expect(INT.deserialize(fieldSelector(receiver, 'a').evaluate(row)!)).toBe(10);
    expect(fieldSelector(receiver, 'b').evaluate(row)).toBeNull();
    expect(fieldSelector(receiver, 'a').name).toBe('t.a');
    expect(() => fieldSelector(receiver, 'zz')).toThrow('t of type');
    expect(() => fieldSelector({ ...receiver, type: nativeType('int') }, 'a')).toThrow('Invalid field selection: t of type int is not a user type');
  });
});
