import { parseCqlStatement } from '../src/parser';
import type { BindMarker, Constant, Statement, Term } from '../src/parser';

const int = (text: string): Constant => ({ kind: 'constant', type: 'integer', text });
const str = (text: string): Constant => ({ kind: 'constant', type: 'string', text });
const marker = (index: number, name?: string): BindMarker => ({ kind: 'bindMarker', index, name });
const table = (name: string, keyspace?: string) => ({ keyspace, name });
const col = (name: string) => ({ kind: 'column' as const, name });
const eq = (column: string, value: Term) => ({ kind: 'compare' as const, column, operator: '=' as const, value });
const noUsing = { ttl: undefined, timestamp: undefined, timeout: undefined };

function select(overrides: Record<string, unknown>): unknown {
  return {
    kind: 'select',
    table: table('t'),
    json: false,
    distinct: false,
    wildcard: false,
    selectors: [],
    where: [],
    groupBy: [],
    orderBy: [],
    perPartitionLimit: undefined,
    limit: undefined,
    allowFiltering: false,
    bypassCache: false,
    timeout: undefined,
    ...overrides,
  };
}

function parsed(text: string): Statement {
  return parseCqlStatement(text).statement;
}

describe('SELECT', () => {
  test.each<[string, Record<string, unknown>]>([
    ['SELECT * FROM t', { wildcard: true }],
    ['select * from KS.T;', { wildcard: true, table: table('t', 'ks') }],
    ['SELECT * FROM "Ks"."Tab"', { wildcard: true, table: table('Tab', 'Ks') }],
    ['SELECT JSON a FROM t', { json: true, selectors: [{ expr: col('a') }] }],
    ['SELECT DISTINCT a FROM t', { distinct: true, selectors: [{ expr: col('a') }] }],
    ['SELECT json, distinct FROM t', { selectors: [{ expr: col('json') }, { expr: col('distinct') }] }],
    ['SELECT key, ttl, type FROM t', { selectors: [{ expr: col('key') }, { expr: col('ttl') }, { expr: col('type') }] }],
    ['SELECT a AS "B", b AS c FROM t', { selectors: [{ expr: col('a'), alias: 'B' }, { expr: col('b'), alias: 'c' }] }],
    [
      'SELECT count(*), COUNT(1), count(v), writetime(v), TTL(v) FROM t',
      {
        selectors: [
          { expr: { kind: 'countRows' } },
          { expr: { kind: 'countRows' } },
          { expr: { kind: 'functionCall', name: table('count'), args: [col('v')] } },
          { expr: { kind: 'writetime', column: 'v' } },
          { expr: { kind: 'ttl', column: 'v' } },
        ],
      },
    ],
    [
      'SELECT min(a), ks.f(a, 1, ?), token(k), toJson(m), uuid(), now(), currentTimestamp() FROM t',
      {
        selectors: [
          { expr: { kind: 'functionCall', name: table('min'), args: [col('a')] } },
          { expr: { kind: 'functionCall', name: table('f', 'ks'), args: [col('a'), { kind: 'term', term: int('1') }, { kind: 'term', term: marker(0) }] } },
          { expr: { kind: 'functionCall', name: table('token'), args: [col('k')] } },
          { expr: { kind: 'functionCall', name: table('tojson'), args: [col('m')] } },
          { expr: { kind: 'functionCall', name: table('uuid'), args: [] } },
          { expr: { kind: 'functionCall', name: table('now'), args: [] } },
          { expr: { kind: 'functionCall', name: table('currenttimestamp'), args: [] } },
        ],
      },
    ],
    [
      'SELECT CAST(a AS text), (bigint) ?, u.street.name FROM t',
      {
        selectors: [
          { expr: { kind: 'cast', arg: col('a'), type: { kind: 'native', name: 'text' } } },
          { expr: { kind: 'typeHint', type: { kind: 'native', name: 'bigint' }, arg: { kind: 'term', term: marker(0) } } },
          { expr: { kind: 'field', receiver: { kind: 'field', receiver: col('u'), field: 'street' }, field: 'name' } },
        ],
      },
    ],
    [
      "SELECT m['k'], s[1..3], s[..2], s[1..], l[0] FROM t",
      {
        selectors: [
          { expr: { kind: 'element', receiver: col('m'), key: str('k') } },
          { expr: { kind: 'slice', receiver: col('s'), from: int('1'), to: int('3') } },
          { expr: { kind: 'slice', receiver: col('s'), from: undefined, to: int('2') } },
          { expr: { kind: 'slice', receiver: col('s'), from: int('1'), to: undefined } },
          { expr: { kind: 'element', receiver: col('l'), key: int('0') } },
        ],
      },
    ],
    [
      'SELECT a + b * 2, a -1, -a, (a + b) % 3 FROM t',
      {
        selectors: [
          {
            expr: {
              kind: 'arithmetic',
              operator: '+',
              left: col('a'),
              right: { kind: 'arithmetic', operator: '*', left: col('b'), right: { kind: 'term', term: int('2') } },
            },
          },
          { expr: { kind: 'arithmetic', operator: '-', left: col('a'), right: { kind: 'term', term: int('1') } } },
          { expr: { kind: 'negation', arg: col('a') } },
          {
            expr: {
              kind: 'arithmetic',
              operator: '%',
              left: { kind: 'arithmetic', operator: '+', left: col('a'), right: col('b') },
              right: { kind: 'term', term: int('3') },
            },
          },
        ],
      },
    ],
    [
      'SELECT * FROM t WHERE a = 1 AND b < 2 AND c <= 3 AND d > 4 AND e >= 5 AND f != 6',
      {
        wildcard: true,
        where: ['=', '<', '<=', '>', '>=', '!='].map((operator, i) => ({
          kind: 'compare',
          column: 'abcdef'[i],
          operator,
          value: int(String(i + 1)),
        })),
      },
    ],
    [
      "SELECT * FROM t WHERE a IN (1, 2) AND b IN ? AND c IN :list AND s CONTAINS 1 AND m CONTAINS KEY 'k' AND n LIKE 'x%'",
      {
        wildcard: true,
        where: [
          { kind: 'in', column: 'a', values: { kind: 'inList', terms: [int('1'), int('2')] } },
          { kind: 'in', column: 'b', values: { kind: 'inMarker', marker: marker(0) } },
          { kind: 'in', column: 'c', values: { kind: 'inMarker', marker: marker(1, 'list') } },
          { kind: 'compare', column: 's', operator: 'CONTAINS', value: int('1') },
          { kind: 'compare', column: 'm', operator: 'CONTAINS KEY', value: str('k') },
          { kind: 'compare', column: 'n', operator: 'LIKE', value: str('x%') },
        ],
      },
    ],
    [
      'SELECT * FROM t WHERE (c1, c2) > (1, 2) AND (c1, c2) <= ? AND (c1, c2) IN ((1, 2), (3, 4)) AND (c1) IN ?',
      {
        wildcard: true,
        where: [
          { kind: 'multiColumn', columns: ['c1', 'c2'], operator: '>', value: { kind: 'tuple', elements: [int('1'), int('2')] } },
          { kind: 'multiColumn', columns: ['c1', 'c2'], operator: '<=', value: marker(0) },
          {
            kind: 'multiColumnIn',
            columns: ['c1', 'c2'],
            values: {
              kind: 'inList',
              terms: [
                { kind: 'tuple', elements: [int('1'), int('2')] },
                { kind: 'tuple', elements: [int('3'), int('4')] },
              ],
            },
          },
          { kind: 'multiColumnIn', columns: ['c1'], values: { kind: 'inMarker', marker: marker(1) } },
        ],
      },
    ],
    [
      "SELECT * FROM t WHERE token(a, b) > token(?, ?) AND v IS NOT NULL AND m['k'] = 1 AND (x = 2)",
      {
        wildcard: true,
        where: [
          {
            kind: 'token',
            columns: ['a', 'b'],
            operator: '>',
            value: { kind: 'functionCall', name: table('token'), args: [marker(0), marker(1)] },
          },
          { kind: 'isNotNull', column: 'v' },
          { kind: 'mapElement', column: 'm', key: str('k'), operator: '=', value: int('1') },
          eq('x', int('2')),
        ],
      },
    ],
    [
      'SELECT a FROM t WHERE k = 1 GROUP BY k, c ORDER BY c DESC, d ASC, e PER PARTITION LIMIT 2 LIMIT ? ALLOW FILTERING BYPASS CACHE USING TIMEOUT 10s',
      {
        selectors: [{ expr: col('a') }],
        where: [eq('k', int('1'))],
        groupBy: ['k', 'c'],
        orderBy: [
          { column: 'c', order: 'desc' },
          { column: 'd', order: 'asc' },
          { column: 'e', order: 'asc' },
        ],
        perPartitionLimit: int('2'),
        limit: marker(0),
        allowFiltering: true,
        bypassCache: true,
        timeout: { kind: 'constant', type: 'duration', text: '10s' },
      },
    ],
  ])('%s', (text, fields) => {
    expect(parsed(text)).toEqual(select(fields));
  });
});

describe('terms', () => {
  const valueOf = (term: string): Term => {
    const s = parsed(`SELECT * FROM t WHERE a = ${term}`);
    if (s.kind !== 'select') throw new Error('not a select');
    const relation = s.where[0]!;
    if (relation.kind !== 'compare') throw new Error('not a comparison');
    return relation.value;
  };

  test.each<[string, Term]>([
    ["'x''y'", str("x'y")],
    ['$$x\'y$$', str("x'y")],
    ['-12', int('-12')],
    ['1.5e3', { kind: 'constant', type: 'float', text: '1.5e3' }],
    ['-Infinity', { kind: 'constant', type: 'float', text: '-Infinity' }],
    ['NaN', { kind: 'constant', type: 'float', text: 'NaN' }],
    ['true', { kind: 'constant', type: 'boolean', text: 'true' }],
    ['0xcafe', { kind: 'constant', type: 'hex', text: '0xcafe' }],
    ['8a5e6ef0-1b7c-11ef-9262-0242ac120002', { kind: 'constant', type: 'uuid', text: '8a5e6ef0-1b7c-11ef-9262-0242ac120002' }],
    ['1h30m', { kind: 'constant', type: 'duration', text: '1h30m' }],
    ['PT1H', { kind: 'constant', type: 'duration', text: 'PT1H' }],
    ['NULL', { kind: 'null' }],
    ['[1, 2]', { kind: 'list', elements: [int('1'), int('2')] }],
    ['[]', { kind: 'list', elements: [] }],
    ['{1, 2}', { kind: 'set', elements: [int('1'), int('2')] }],
    ["{'a': 1, 'b': ?}", { kind: 'map', entries: [{ key: str('a'), value: int('1') }, { key: str('b'), value: marker(0) }] }],
    ['{}', { kind: 'emptyBraces' }],
    ['{street: \'x\', "Zip": 1}', { kind: 'udt', fields: [{ name: 'street', value: str('x') }, { name: 'Zip', value: int('1') }] }],
    ['(1, \'a\', ?)', { kind: 'tuple', elements: [int('1'), str('a'), marker(0)] }],
    ['(1)', { kind: 'tuple', elements: [int('1')] }],
    ['(int) 3', { kind: 'typeHint', type: { kind: 'native', name: 'int' }, term: int('3') }],
    ['(set<int>) ?', { kind: 'typeHint', type: { kind: 'set', element: { kind: 'native', name: 'int' } }, term: marker(0) }],
    ['(ks.addr) {}', { kind: 'typeHint', type: { kind: 'udt', keyspace: 'ks', name: 'addr' }, term: { kind: 'emptyBraces' } }],
    ['blobAsInt(0x00000001)', { kind: 'functionCall', name: table('blobasint'), args: [{ kind: 'constant', type: 'hex', text: '0x00000001' }] }],
    ['ks."F"()', { kind: 'functionCall', name: table('F', 'ks'), args: [] }],
    [':"Named"', marker(0, 'Named')],
    ['[{1: (2, [3])}]', { kind: 'list', elements: [{ kind: 'map', entries: [{ key: int('1'), value: { kind: 'tuple', elements: [int('2'), { kind: 'list', elements: [int('3')] }] } }] }] }],
  ])('%s', (text, term) => {
    expect(valueOf(text)).toEqual(term);
  });
});

describe('INSERT, UPDATE, DELETE, BATCH, TRUNCATE, USE', () => {
  test.each<[string, Statement]>([
    [
      'INSERT INTO ks.t (a, "B") VALUES (1, ?) IF NOT EXISTS USING TTL 86400 AND TIMESTAMP :ts',
      {
        kind: 'insert',
        table: table('t', 'ks'),
        values: { kind: 'values', columns: ['a', 'B'], terms: [int('1'), marker(0)] },
        condition: { kind: 'ifNotExists' },
        using: { ttl: int('86400'), timestamp: marker(1, 'ts'), timeout: undefined },
      },
    ],
    [
      'INSERT INTO t JSON \'{"a": 1}\'',
      { kind: 'insert', table: table('t'), values: { kind: 'json', json: str('{"a": 1}'), defaultUnset: false }, condition: { kind: 'none' }, using: noUsing },
    ],
    [
      'INSERT INTO t JSON ? DEFAULT UNSET USING TIMEOUT 1s',
      {
        kind: 'insert',
        table: table('t'),
        values: { kind: 'json', json: marker(0), defaultUnset: true },
        condition: { kind: 'none' },
        using: { ttl: undefined, timestamp: undefined, timeout: { kind: 'constant', type: 'duration', text: '1s' } },
      },
    ],
    [
      "UPDATE t USING TTL ? SET a = 1, c = c + ?, d = d - 2, e = e -3, l = [0] + l, f += {1}, g -= {'x'}, m['k'] = 'v', u.zip = 2 WHERE k = ? IF a = 1 AND m['k'] IN ('v', 'w') AND u.zip > 1",
      {
        kind: 'update',
        table: table('t'),
        using: { ttl: marker(0), timestamp: undefined, timeout: undefined },
        assignments: [
          { kind: 'set', target: { kind: 'column', column: 'a' }, value: int('1') },
          { kind: 'add', column: 'c', value: marker(1) },
          { kind: 'subtract', column: 'd', value: int('2') },
          { kind: 'subtract', column: 'e', value: int('3') },
          { kind: 'prepend', column: 'l', value: { kind: 'list', elements: [int('0')] } },
          { kind: 'add', column: 'f', value: { kind: 'set', elements: [int('1')] } },
          { kind: 'subtract', column: 'g', value: { kind: 'set', elements: [str('x')] } },
          { kind: 'set', target: { kind: 'element', column: 'm', key: str('k') }, value: str('v') },
          { kind: 'set', target: { kind: 'field', column: 'u', field: 'zip' }, value: int('2') },
        ],
        where: [eq('k', marker(2))],
        condition: {
          kind: 'if',
          conditions: [
            { kind: 'compare', target: { kind: 'column', column: 'a' }, operator: '=', value: int('1') },
            { kind: 'in', target: { kind: 'element', column: 'm', key: str('k') }, values: { kind: 'inList', terms: [str('v'), str('w')] } },
            { kind: 'compare', target: { kind: 'field', column: 'u', field: 'zip' }, operator: '>', value: int('1') },
          ],
        },
      },
    ],
    [
      'UPDATE t SET v = now() WHERE k = 1 IF EXISTS',
      {
        kind: 'update',
        table: table('t'),
        using: noUsing,
        assignments: [{ kind: 'set', target: { kind: 'column', column: 'v' }, value: { kind: 'functionCall', name: table('now'), args: [] } }],
        where: [eq('k', int('1'))],
        condition: { kind: 'ifExists' },
      },
    ],
    [
      "DELETE a, m['k'], u.f FROM t USING TIMESTAMP 5 WHERE k = 1 IF a != null",
      {
        kind: 'delete',
        targets: [
          { kind: 'column', column: 'a' },
          { kind: 'element', column: 'm', key: str('k') },
          { kind: 'field', column: 'u', field: 'f' },
        ],
        table: table('t'),
        using: { ttl: undefined, timestamp: int('5'), timeout: undefined },
        where: [eq('k', int('1'))],
        condition: { kind: 'if', conditions: [{ kind: 'compare', target: { kind: 'column', column: 'a' }, operator: '!=', value: { kind: 'null' } }] },
      },
    ],
    [
      'DELETE FROM t WHERE k IN (1, 2) IF EXISTS',
      {
        kind: 'delete',
        targets: [],
        table: table('t'),
        using: noUsing,
        where: [{ kind: 'in', column: 'k', values: { kind: 'inList', terms: [int('1'), int('2')] } }],
        condition: { kind: 'ifExists' },
      },
    ],
    [
      'BEGIN COUNTER BATCH UPDATE t SET c = c + 1 WHERE k = ?; UPDATE t SET c = c - ? WHERE k = 2 APPLY BATCH;',
      {
        kind: 'batch',
        type: 'counter',
        using: noUsing,
        statements: [
          { kind: 'update', table: table('t'), using: noUsing, assignments: [{ kind: 'add', column: 'c', value: int('1') }], where: [eq('k', marker(0))], condition: { kind: 'none' } },
          { kind: 'update', table: table('t'), using: noUsing, assignments: [{ kind: 'subtract', column: 'c', value: marker(1) }], where: [eq('k', int('2'))], condition: { kind: 'none' } },
        ],
      },
    ],
    [
      'BEGIN BATCH USING TIMESTAMP ? INSERT INTO t (k) VALUES (?) DELETE FROM t WHERE k = ? APPLY BATCH',
      {
        kind: 'batch',
        type: 'logged',
        using: { ttl: undefined, timestamp: marker(0), timeout: undefined },
        statements: [
          { kind: 'insert', table: table('t'), values: { kind: 'values', columns: ['k'], terms: [marker(1)] }, condition: { kind: 'none' }, using: noUsing },
          { kind: 'delete', targets: [], table: table('t'), using: noUsing, where: [eq('k', marker(2))], condition: { kind: 'none' } },
        ],
      },
    ],
    ['BEGIN UNLOGGED BATCH APPLY BATCH', { kind: 'batch', type: 'unlogged', using: noUsing, statements: [] }],
    ['TRUNCATE ks.t', { kind: 'truncate', table: table('t', 'ks') }],
    ['TRUNCATE TABLE t', { kind: 'truncate', table: table('t') }],
    ['USE "MyKs"', { kind: 'use', keyspace: 'MyKs' }],
    ['use MyKs;', { kind: 'use', keyspace: 'myks' }],
  ])('%s', (text, statement) => {
    expect(parsed(text)).toEqual(statement);
  });
});

describe('bind markers', () => {
  test('are numbered in text order across the whole statement, USING and LIMIT included', () => {
    const { boundMarkers } = parseCqlStatement(
      'UPDATE t USING TTL ? AND TIMESTAMP :ts SET a = ?, m[?] = :v WHERE k IN ? AND c = (int) ? IF x = ?',
    );
    expect(boundMarkers.map((m) => [m.index, m.name])).toEqual([
      [0, undefined],
      [1, 'ts'],
      [2, undefined],
      [3, undefined],
      [4, 'v'],
      [5, undefined],
      [6, undefined],
      [7, undefined],
    ]);
  });

  test('carry their position and repeat names as separate markers', () => {
    const { boundMarkers } = parseCqlStatement('SELECT * FROM t\nWHERE a = :x AND b = :x LIMIT ?');
    expect(boundMarkers).toEqual([
      { index: 0, name: 'x', line: 2, column: 10 },
      { index: 1, name: 'x', line: 2, column: 21 },
      { index: 2, name: undefined, line: 2, column: 30 },
    ]);
  });

  test('a statement without markers has none', () => {
    expect(parseCqlStatement("SELECT * FROM system.local WHERE key='local'").boundMarkers).toEqual([]);
  });
});

describe('case and quoting rules', () => {
  test('keywords are case-insensitive, unquoted names lower-cased, quoted names exact', () => {
    expect(parsed('sElEcT "CamelCase", camelCase FrOm "Ks".Tbl WhErE "K" = 1')).toEqual(
      select({
        table: table('tbl', 'Ks'),
        selectors: [{ expr: col('CamelCase') }, { expr: col('camelcase') }],
        where: [eq('K', int('1'))],
      }),
    );
  });

  test('reserved keywords can be names when quoted; unreserved ones also unquoted', () => {
    expect(parsed('SELECT "select", "from", key, type, values, ttl, timestamp, date FROM "table"')).toEqual(
      select({
        table: table('table'),
        selectors: ['select', 'from', 'key', 'type', 'values', 'ttl', 'timestamp', 'date'].map((n) => ({ expr: col(n) })),
      }),
    );
  });

  test('comments and line breaks are ignored anywhere between tokens', () => {
    expect(parsed('SELECT /* all */ *\n-- of it\nFROM t // the table\n;')).toEqual(select({ wildcard: true }));
  });
});
