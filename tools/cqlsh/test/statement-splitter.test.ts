import { splitStatements, stripLeading } from '../src/statement-splitter';

const texts = (input: string): string[] => splitStatements(input).statements.map((s) => s.text);

test('statements end at ; and keep their inner text', () => {
  expect(texts('SELECT * FROM t; INSERT INTO t (a) VALUES (1);\n')).toEqual(['SELECT * FROM t', 'INSERT INTO t (a) VALUES (1)']);
});

test('a statement spread over lines is complete only at its ;', () => {
  const r = splitStatements('CREATE TABLE t (\n  a int PRIMARY KEY\n');
  expect(r.statements).toEqual([]);
  expect(r.incomplete).toBe(true);
  const done = splitStatements('CREATE TABLE t (\n  a int PRIMARY KEY\n);\n');
  expect(done.statements).toEqual([{ text: 'CREATE TABLE t (\n  a int PRIMARY KEY\n)', endLine: 3 }]);
  expect(done.incomplete).toBe(false);
});

test('; inside strings, quoted names, $$ strings and comments does not end a statement', () => {
  expect(texts("INSERT INTO t (a) VALUES ('x;y''z;');\n")).toEqual(["INSERT INTO t (a) VALUES ('x;y''z;')"]);
  expect(texts('SELECT "a;b" FROM t;\n')).toEqual(['SELECT "a;b" FROM t']);
  expect(texts('SELECT $$a;b$$ FROM t;\n')).toEqual(['SELECT $$a;b$$ FROM t']);
  expect(texts('SELECT a -- c;omment\nFROM t;\n')).toEqual(['SELECT a -- c;omment\nFROM t']);
  expect(texts('SELECT a // c;omment\nFROM t;\n')).toEqual(['SELECT a // c;omment\nFROM t']);
  expect(texts('SELECT a /* c;\nomment */ FROM t;\n')).toEqual(['SELECT a /* c;\nomment */ FROM t']);
});

test('leading comments are dropped, a comment alone is no statement', () => {
  expect(texts('-- hello;\n/* x; */ SELECT 1 FROM t;\n')).toEqual(['SELECT 1 FROM t']);
  const r = splitStatements('-- only a comment\n');
  expect(r.statements).toEqual([]);
  expect(r.incomplete).toBe(false);
  expect(stripLeading('  // a\n  /* b */ c')).toBe('c');
});

test('an unterminated string leaves the statement incomplete', () => {
  const r = splitStatements("INSERT INTO t (a) VALUES ('abc);\n");
  expect(r.statements).toEqual([]);
  expect(r.incomplete).toBe(true);
});

test('shell commands also end at the end of their line', () => {
  expect(texts('DESCRIBE KEYSPACES\nexit\nSELECT 1\nFROM t;\n')).toEqual(['DESCRIBE KEYSPACES', 'exit', 'SELECT 1\nFROM t']);
  expect(texts('expand on;\n')).toEqual(['expand on']);
  // USE is not one of them (cqlsh needs its ;)
  expect(splitStatements('USE ks\n').incomplete).toBe(true);
});

test('a batch runs to APPLY BATCH whatever ; it contains', () => {
  const input = 'BEGIN BATCH\nINSERT INTO t (a) VALUES (1);\nINSERT INTO t (a) VALUES (2);\nAPPLY BATCH;\nSELECT * FROM t;\n';
  expect(texts(input)).toEqual(['BEGIN BATCH\nINSERT INTO t (a) VALUES (1);\nINSERT INTO t (a) VALUES (2);\nAPPLY BATCH', 'SELECT * FROM t']);
  expect(splitStatements('BEGIN BATCH\nINSERT INTO t (a) VALUES (1);\n').incomplete).toBe(true);
});

test('line numbers count from the given first line', () => {
  const r = splitStatements('\nSELECT 1 FROM t;\n\nSELECT\n2 FROM t;\n', 10);
  expect(r.statements.map((s) => s.endLine)).toEqual([11, 14]);
});
