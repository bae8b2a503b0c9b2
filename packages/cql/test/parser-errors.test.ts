import { hasErrorCode } from '@charybdis/core';
import { CQL_SYNTAX_ERROR, ParserLimits, parseCqlStatement } from '../src/parser';

function syntaxError(text: string): string {
  try {
    parseCqlStatement(text);
  } catch (err) {
    if (!hasErrorCode(err, CQL_SYNTAX_ERROR)) throw err;
    return (err as Error).message;
  }
  throw new Error(`expected a syntax error for: ${text.slice(0, 80)}`);
}

describe('syntax errors', () => {
  test.each<[string, string]>([
    ['SELECT * FORM t', "line 1:9 mismatched input 'FORM' expecting K_FROM"],
    ['SELCT * FROM t', "line 1:0 no viable alternative at input 'SELCT'"],
    ['SELECT a, b t', "line 1:12 mismatched input 't' expecting K_FROM"],
    ['SELECT * FROM', "line 1:13 no viable alternative at input '<EOF>'"],
    ['SELECT * FROM t WHERE', "line 1:21 no viable alternative at input '<EOF>'"],
    ['SELECT * FROM t WHERE a', "line 1:23 no viable alternative at input '<EOF>'"],
    ['INSERT INTO t (a) VALUE (1)', "line 1:18 mismatched input 'VALUE' expecting K_VALUES"],
    ['INSERT INTO t (a) VALUES (1', "line 1:27 mismatched input '<EOF>' expecting ')'"],
    ['UPDATE t SET a = 1', "line 1:18 mismatched input '<EOF>' expecting K_WHERE"],
    ['DELETE FROM t', "line 1:13 mismatched input '<EOF>' expecting K_WHERE"],
    ["SELECT * FROM t WHERE a = 'abc", "line 1:26 unterminated string literal: missing closing '"],
    ['SELECT * FROM t WHERE a = 1.2.3', "line 1:29 mismatched input '.' expecting EOF"],
    ['SELECT * FROM t WHERE a = 12abc', "line 1:26 invalid number '12abc'"],
    [
      'SELECT from FROM t',
      'line 1:7 no viable alternative at input \'from\' (\'from\' is a reserved keyword; write "from" to use it as a name)',
    ],
    [
      'CREATE TABLE t (select int PRIMARY KEY)',
      'line 1:16 no viable alternative at input \'select\' (\'select\' is a reserved keyword; write "select" to use it as a name)',
    ],
    // a table needs at least one definition (a trailing comma is fine, an empty list is not)
    ['CREATE TABLE t ()', "line 1:16 no viable alternative at input ')'"],
    ['CREATE TABLE t (, a int PRIMARY KEY)', "line 1:16 no viable alternative at input ','"],
    ['SELECT * FROM t; SELECT', "line 1:17 mismatched input 'SELECT' expecting EOF"],
    ['SELECT * FROM t garbage', "line 1:16 mismatched input 'garbage' expecting EOF"],
    ['SELECT * FROM t;;', "line 1:16 mismatched input ';' expecting EOF"],
    ['SELECT * FROM ?', 'line 1:14 Bind variables cannot be used for table names'],
    ['USE ?', 'line 1:4 Bind variables cannot be used for keyspace names'],
    ['UPDATE t SET a = b + 1 WHERE k = 1', 'line 1:17 Only expressions of the form X = X + <value> are supported.'],
    ['UPDATE t SET l = [1] + m WHERE k = 1', 'line 1:23 Only expressions of the form X = <value> + X are supported.'],
    ['INSERT INTO t (a) VALUES (1) USING TTL 1 AND TTL 2', 'line 1:45 duplicate TTL in USING clause'],
    ['CREATE TYPE bitstring (a int)', 'line 1:12 Invalid (reserved) user type name bitstring'],
    ['CREATE KEYSPACE ks WITH replication = {?: 1}', "line 1:39 Invalid property value '?': properties take constants, names or maps of constants (bind variables are not supported in DDL queries)"],
    ['SELECT * FROM t WHERE (a, b) = 1', 'line 1:31 a multi-column relation compares with a tuple literal or a bind marker'],
    ['SELECT * FROM t WHERE\n  a = 1 AND\n  AND b = 2', "line 3:2 no viable alternative at input 'AND' ('and' is a reserved keyword; write \"and\" to use it as a name)"],
    ['', "line 1:0 no viable alternative at input '<EOF>'"],
    ['DESCRIBE ONLY TABLE t', "line 1:14 mismatched input 'TABLE' expecting K_KEYSPACE"],
  ])('%s', (text, message) => {
    expect(syntaxError(text)).toBe(message);
  });

  test('messages keep the fragments ScyllaDB and Cassandra test suites match on', () => {
    expect(syntaxError('SELECT * FROM t WHERE a = 1 ORDER c')).toMatch(/mismatched input 'c' expecting K_BY/);
    expect(syntaxError('SELEC * FROM t')).toMatch(/no viable alternative at input/);
  });
});

describe('limits', () => {
  test('nesting deeper than the limit is a clean error, not a stack overflow', () => {
    const depth = ParserLimits.MAX_NESTING_DEPTH + 5;
    for (const [open, close] of [
      ['[', ']'],
      ['(', ')'],
      ['{', '}'],
      ['f(', ')'],
    ] as const) {
      const text = `SELECT * FROM t WHERE a = ${open.repeat(depth)}1${close.repeat(depth)}`;
      expect(syntaxError(text)).toMatch(/statement nested too deeply: the limit is 100 levels/);
    }
    const selector = `SELECT ${'f('.repeat(depth)}a${')'.repeat(depth)} FROM t`;
    expect(syntaxError(selector)).toMatch(/nested too deeply/);
    const type = `CREATE TABLE t (k int PRIMARY KEY, v ${'frozen<list<'.repeat(depth)}int${'>>'.repeat(depth)})`;
    expect(syntaxError(type)).toMatch(/nested too deeply/);
    const relation = `SELECT * FROM t WHERE ${'('.repeat(depth)}a = 1${')'.repeat(depth)}`;
    expect(syntaxError(relation)).toMatch(/nested too deeply/);
    const negation = `SELECT ${'- '.repeat(depth)}a FROM t`;
    expect(syntaxError(negation)).toMatch(/nested too deeply/);
  });

  test('nesting within the limit parses', () => {
    const depth = 40;
    const text = `SELECT * FROM t WHERE a = ${'['.repeat(depth)}1${']'.repeat(depth)}`;
    expect(parseCqlStatement(text).statement.kind).toBe('select');
  });

  test('a statement longer than the limit is refused before it is scanned', () => {
    const text = `SELECT * FROM t WHERE a = '${'x'.repeat(ParserLimits.MAX_STATEMENT_LENGTH)}'`;
    expect(syntaxError(text)).toMatch(/^line 1:0 statement too long: \d+ characters, the limit is 1048576$/);
  });

  test('a long statement within the limit parses', () => {
    const values = Array.from({ length: 5000 }, (_, i) => String(i)).join(', ');
    const { statement } = parseCqlStatement(`SELECT * FROM t WHERE k IN (${values})`);
    expect(statement.kind === 'select' && statement.where[0]!.kind === 'in').toBe(true);
  });

  test('the number of bind markers is bounded by the protocol', () => {
    const many = Array.from({ length: ParserLimits.MAX_BIND_MARKERS + 1 }, () => '?').join(',');
    expect(syntaxError(`SELECT * FROM t WHERE k IN (${many})`)).toMatch(/too many bind markers: the limit is 65535/);
  });
});

/** Mulberry32: a small seeded PRNG so fuzz failures replay. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS = [
  "SELECT a, count(*), writetime(v), m['k'], s[1..2] FROM ks.t WHERE k = ? AND (c1, c2) > (1, 2) AND token(k) > 5 GROUP BY k ORDER BY c1 DESC LIMIT 10 ALLOW FILTERING",
  "INSERT INTO t (a, b, c) VALUES (?, {'k': [1, 2]}, (int) 3) IF NOT EXISTS USING TTL 5 AND TIMESTAMP :ts",
  "UPDATE t USING TIMESTAMP 1 SET c = c + 1, l = [0] + l, m['x'] = 1h30m, u.f = {a: 1} WHERE k = 0x01 IF v IN (1, 2)",
  'DELETE a, m[?] FROM t USING TIMESTAMP 5 WHERE k = 8a5e6ef0-1b7c-11ef-9262-0242ac120002 IF EXISTS',
  "BEGIN UNLOGGED BATCH INSERT INTO t (a) VALUES ($$x$$); DELETE FROM t WHERE a = -NaN; APPLY BATCH",
  "CREATE TABLE IF NOT EXISTS t (a int, b frozen<map<text, tuple<int, \"U\">>>, c text static, PRIMARY KEY ((a), b)) WITH CLUSTERING ORDER BY (b DESC) AND comment = 'x'",
  "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND durable_writes = true",
  "CREATE MATERIALIZED VIEW mv AS SELECT * FROM t WHERE a IS NOT NULL PRIMARY KEY (a, b) WITH comment = 'v'",
  "CREATE ROLE r WITH PASSWORD = 'p' AND LOGIN = true; -- trailing comment",
  'GRANT SELECT ON ALL KEYSPACES TO r',
  "CREATE FUNCTION f(a int) CALLED ON NULL INPUT RETURNS int LANGUAGE lua AS 'return a'",
];

const FRAGMENTS = ['(', ')', '[', ']', '{', '}', ',', ';', ':', '?', '..', '.', '-', "'", '"', '$$', '/*', '--', ' SELECT ', ' FROM ', ' WHERE ', ' AND ', ' IN ', 'NULL', '0x', '1e', 'P1', '<', '>', '=', 'frozen<', '\n'];

/** Parses and checks the outcome: an AST or a CQL_SYNTAX error, nothing else. */
function parseOrSyntaxError(text: string): 'ok' | 'error' {
  try {
    const result = parseCqlStatement(text);
    expect(typeof result.statement.kind).toBe('string');
    return 'ok';
  } catch (err) {
    if (!hasErrorCode(err, CQL_SYNTAX_ERROR)) {
      throw new Error(`non-syntax failure for ${JSON.stringify(text)}: ${String(err)}`, { cause: err });
    }
    expect((err as Error).message).toMatch(/^line \d+:\d+ /);
    return 'error';
  }
}

describe('fuzzing', () => {
  test('the corpus parses as is', () => {
    for (const text of CORPUS) expect(parseOrSyntaxError(text)).toBe('ok');
  });

  test('random byte strings give an AST or a CQL_SYNTAX error', () => {
    const random = prng(0xc0ffee);
    for (let i = 0; i < 3000; i++) {
      const length = Math.floor(random() * 60);
      let text = '';
      for (let j = 0; j < length; j++) text += String.fromCharCode(Math.floor(random() * (random() < 0.8 ? 128 : 0x3000)));
      parseOrSyntaxError(text);
    }
  });

  test('random mutations of valid statements give an AST or a CQL_SYNTAX error', () => {
    const random = prng(42);
    const outcomes = { ok: 0, error: 0 };
    for (let i = 0; i < 6000; i++) {
      let text = CORPUS[Math.floor(random() * CORPUS.length)]!;
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * (text.length + 1));
        const roll = random();
        if (roll < 0.35) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 5));
        else if (roll < 0.7) text = text.slice(0, at) + FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]! + text.slice(at);
        else if (roll < 0.85) text = text.slice(0, at);
        else text = text.slice(0, at) + String.fromCharCode(Math.floor(random() * 128)) + text.slice(at + 1);
      }
      outcomes[parseOrSyntaxError(text)]++;
    }
    // Both outcomes must occur, or the mutations are not exercising the parser.
    expect(outcomes.ok).toBeGreaterThan(100);
    expect(outcomes.error).toBeGreaterThan(1000);
  });
});
