import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { cqlsh, freePorts, startNode, tempDir } from './support/node-harness';
import type { TestNode } from './support/node-harness';

/**
 * The real bin/cqlsh without a terminal (-e, -f, piped stdin) against a real node: output,
 * cqlsh's `source:line:Error` lines and exit statuses (0 ok, 2 a statement failed, 1 no
 * connection), bad input, and the DESCRIBE round trip (describe, drop, recreate from the
 * output through -f, describe again: same text). The tests run in order and share the
 * node; the first one creates the keyspace `b` the following ones read.
 */

jest.setTimeout(180_000);

let node: TestNode;
let dir: string;
let hostPort: string[];

beforeAll(async () => {
  node = await startNode();
  dir = tempDir('cqlsh-batch-');
  hostPort = ['127.0.0.1', String(node.port)];
});

afterAll(async () => {
  await node?.stop();
});

function writeFile(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

test('-e runs statements and prints cqlsh tables; status 0', () => {
  const setup = cqlsh([...hostPort, '-e', "CREATE KEYSPACE b WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}; CREATE TABLE b.t (k int PRIMARY KEY, v text, ts timestamp, f float, bo boolean, bl blob, s set<text>)"]);
  expect(setup.stderr).toBe('');
  expect(setup.status).toBe(0);
  const ins = cqlsh([...hostPort, '-e', "INSERT INTO b.t (k, v, ts, f, bo, bl, s) VALUES (1, 'x', '2024-01-02 03:04:05.678+0000', 2.5, true, 0xcafe, {'a', 'b'})"]);
  expect(ins.status).toBe(0);
  const r = cqlsh([...hostPort, '-e', 'SELECT * FROM b.t']);
  expect(r.status).toBe(0);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(
    [
      '',
      ' k | bl     | bo   | f   | s          | ts                              | v',
      '---+--------+------+-----+------------+---------------------------------+---',
      " 1 | 0xcafe | True | 2.5 | {'a', 'b'} | 2024-01-02 03:04:05.678000+0000 | x",
      '',
      '(1 rows)',
      '',
    ].join('\n'),
  );
});

test('-e with a failing statement: <stdin>:LINE:Class: message on stderr, status 2', () => {
  const r = cqlsh([...hostPort, '-e', 'SELECT * FROM b.nope']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^<stdin>:1:InvalidRequest: Error from server: code=2200 \[Invalid query\] message=".+"\n$/);
});

test('an unknown command is a syntax error from the server: status 2', () => {
  const r = cqlsh([...hostPort, '-e', 'FROBNICATE everything']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^<stdin>:1:SyntaxException: /);
});

test('-f runs every statement, reports FILE:LINE for each error and goes on; status 2', () => {
  const file = writeFile('errors.cql', [
    'USE b;',
    "INSERT INTO t (k, v) VALUES (2, 'two');",
    'SELECT * FROM',
    '  missing_table;',
    'CONSISTENCY QUORUM',
    'SELECT v FROM t WHERE k = 2;',
  ].join('\n') + '\n');
  const r = cqlsh([...hostPort, '-f', file]);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:InvalidRequest: Error from server: code=2200`));
  expect(r.stdout).toContain('Consistency level set to QUORUM.');
  expect(r.stdout).toContain(' two\n\n(1 rows)');
});

test('-f with a UTF-8 byte order mark', () => {
  const r = cqlsh([...hostPort, '-f', writeFile('bom.cql', '\ufeffSELECT k FROM b.t WHERE k = 1;\n')]);
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('(1 rows)');
});

test('-f with an unterminated string at the end: Incomplete statement, status 2', () => {
  const file = writeFile('unterminated.cql', "SELECT * FROM b.t WHERE v = 'abc;\n");
  const r = cqlsh([...hostPort, '-f', file]);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe(`${file}:1:Incomplete statement at end of file\n`);
});

test('statements piped on stdin run as a script', () => {
  const r = cqlsh(hostPort, { input: 'SELECT k FROM b.t WHERE k = 1;\nEXPAND ON\nSELECT k, v FROM b.t WHERE k = 1;\n' });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('\n k\n---\n 1\n\n(1 rows)\n');
  expect(r.stdout).toContain('@ Row 1\n---+---\n k | 1\n v | x\n\n(1 rows)');
});

test("SOURCE 'file' runs a file, its errors prefixed by that file's name and line", () => {
  const inner = writeFile('inner.cql', "SELECT k FROM b.t WHERE k = 1;\n\nSELECT * FROM b.missing;\nEXIT\nSELECT 'not run' FROM b.t;\n");
  const r = cqlsh(hostPort, { input: `SOURCE '${inner}'\nSELECT v FROM b.t WHERE k = 1;\nSOURCE '${path.join(dir, 'none.cql')}'\n` });
  expect(r.stdout).toContain('\n k\n---\n 1\n\n(1 rows)\n');
  expect(r.stdout).toContain('\n v\n---\n x\n\n(1 rows)\n');
  const errors = r.stderr.split('\n');
  expect(errors[0]).toMatch(new RegExp(`^${inner.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:InvalidRequest: `));
  expect(errors[1]).toMatch(/^<stdin>:3:Could not open '.*none\.cql': /);
  expect(r.stdout).not.toContain('not run'); // EXIT ended the sourced file, not the shell
  expect(errors).toHaveLength(3); // two errors and the final newline
  expect(r.status).toBe(2);
});

test('shell commands: CONSISTENCY, SERIAL CONSISTENCY, PAGING, TRACING, SHOW, HELP, bad forms', () => {
  const r = cqlsh(hostPort, {
    input: ['CONSISTENCY', 'CONSISTENCY LOCAL_QUORUM', 'SERIAL CONSISTENCY LOCAL_SERIAL', 'PAGING 50', 'PAGING OFF', 'TRACING ON', 'SHOW HOST', 'HELP CONSISTENCY', 'CONSISTENCY BOGUS', 'SHOW NOTHING', 'HELP NOPE'].join('\n') + '\n',
  });
  expect(r.stdout).toContain('Current consistency level is ONE.');
  expect(r.stdout).toContain('Consistency level set to LOCAL_QUORUM.');
  expect(r.stdout).toContain('Serial consistency level set to LOCAL_SERIAL.');
  expect(r.stdout).toContain('Page size: 50');
  expect(r.stdout).toContain('PAGING set to OFF');
  expect(r.stdout).toContain('Tracing is not supported yet');
  expect(r.stdout).toContain(`Connected to Test Cluster at 127.0.0.1:${node.port}`);
  expect(r.stdout).toContain('CONSISTENCY [level]');
  expect(r.stderr.split('\n')).toEqual(['<stdin>:9:Improper CONSISTENCY command.', '<stdin>:10:Improper SHOW command.', '<stdin>:11:*** No help on NOPE', '']);
  expect(r.status).toBe(2);
});

test('an unreachable host: one Connection error line, status 1', async () => {
  const [port] = await freePorts(1);
  const r = cqlsh(['127.0.0.1', String(port), '-e', 'SELECT 1', '--connect-timeout', '2']);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`^Connection error: \\('Unable to connect to any servers', \\{'127\\.0\\.0\\.1:${port}': '.*ECONNREFUSED.*'\\}\\)\\n$`));
  expect(r.stdout).toBe('');
});

test('a host that accepts but never answers: --connect-timeout bounds the wait, status 1', async () => {
  const silent = net.createServer(() => undefined); // accepts, never replies
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const port = (silent.address() as net.AddressInfo).port;
    const r = cqlsh(['127.0.0.1', String(port), '--connect-timeout', '1', '-e', 'SELECT 1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`Connection error: ('Unable to connect to any servers', {'127.0.0.1:${port}': 'Timed out creating connection (1 seconds)'})\n`);
  } finally {
    silent.close();
  }
});

test('--ssl against a node without TLS: a Connection error, status 1', () => {
  const r = cqlsh([...hostPort, '--ssl', '--connect-timeout', '5', '-e', 'SELECT 1'], { env: { SSL_VALIDATE: 'false' } });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^Connection error: \('Unable to connect to any servers', \{'127\.0\.0\.1:\d+': '.+'\}\)\n$/);
});

test('bad command lines and missing files', () => {
  const bad = cqlsh(['--bogus']);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('cqlsh: error: unrecognized arguments: --bogus');
  const noTerminal = cqlsh([...hostPort, '-u', 'bob', '-e', 'SELECT 1']);
  expect(noTerminal.status).toBe(2);
  expect(noTerminal.stderr).toBe('cqlsh: error: -u without -p needs a terminal to ask the password on\n');
  const missing = cqlsh([...hostPort, '-f', path.join(dir, 'does-not-exist.cql')]);
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/^Can't open '.*does-not-exist\.cql': /);
  const help = cqlsh(['--help']);
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/^Usage: cqlsh \[options\] \[host \[port\]\]/);
  expect(cqlsh(['--version']).stdout).toMatch(/^cqlsh \d+\.\d+\.\d+\n$/);
});

test('DESCRIBE round trip: describe, drop, recreate from the output with -f, describe again', () => {
  const schema = [
    "CREATE KEYSPACE rt WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND durable_writes = false;",
    'CREATE TYPE rt.address (street text, "Zip" int);',
    'CREATE TYPE rt.person (name text, home frozen<address>);',
    `CREATE TABLE rt."Events" (
       day date, seq int, at timestamp, tags set<text>, scores list<int>, attrs map<text, int>,
       owner frozen<person>, note text static, "select" text,
       PRIMARY KEY ((day), at, seq)
     ) WITH CLUSTERING ORDER BY (at DESC, seq ASC) AND comment = 'it''s a test' AND gc_grace_seconds = 3600
       AND default_time_to_live = 86400 AND bloom_filter_fp_chance = 0.05;`,
    'CREATE INDEX events_note ON rt."Events" (note);',
    'CREATE INDEX ON rt."Events" (keys(attrs));',
    'CREATE TABLE rt.simple (id uuid PRIMARY KEY, v blob);',
  ].join('\n');
  const created = cqlsh([...hostPort, '-f', writeFile('schema.cql', schema)]);
  expect(created.stderr).toBe('');
  expect(created.status).toBe(0);

  const first = cqlsh([...hostPort, '-e', 'DESCRIBE KEYSPACE rt']);
  expect(first.status).toBe(0);
  const text = first.stdout;
  expect(text).toContain("CREATE KEYSPACE rt WITH replication = {'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '1'} AND durable_writes = false;");
  expect(text).toContain('CREATE TYPE rt.person (\n    name text,\n    home frozen<address>\n);');
  expect(text.indexOf('CREATE TYPE rt.address')).toBeLessThan(text.indexOf('CREATE TYPE rt.person'));
  expect(text).toContain('    note text static,');
  expect(text).toContain('    "select" text,');
  expect(text).toContain('    PRIMARY KEY (day, at, seq)\n) WITH CLUSTERING ORDER BY (at DESC, seq ASC)');
  expect(text).toContain("    AND comment = 'it''s a test'");
  expect(text).toContain('    AND gc_grace_seconds = 3600');
  expect(text).toContain('CREATE INDEX events_note ON rt."Events" (note);');
  expect(text).toMatch(/CREATE INDEX "?\w+"? ON rt\."Events" \(keys\(attrs\)\);/);

  const dropped = cqlsh([...hostPort, '-e', 'DROP KEYSPACE rt']);
  expect(dropped.status).toBe(0);
  expect(cqlsh([...hostPort, '-e', 'DESCRIBE KEYSPACE rt']).stderr).toBe("<stdin>:1:Keyspace 'rt' not found.\n");

  const recreated = cqlsh([...hostPort, '-f', writeFile('described.cql', text)]);
  expect(recreated.stderr).toBe('');
  expect(recreated.status).toBe(0);
  const second = cqlsh([...hostPort, '-e', 'DESCRIBE KEYSPACE rt']);
  expect(second.stdout).toBe(text);

  // the other DESCRIBE forms
  const tables = cqlsh([...hostPort, '-k', 'rt', '-e', 'DESC TABLES']);
  expect(tables.stdout).toBe('\n"Events"  simple\n\n');
  const table = cqlsh([...hostPort, '-e', 'DESCRIBE TABLE rt.simple']);
  expect(table.stdout).toContain('CREATE TABLE rt.simple (\n    id uuid PRIMARY KEY,\n    v blob\n) WITH');
  expect(cqlsh([...hostPort, '-e', 'DESCRIBE TYPE rt.address']).stdout).toBe('\nCREATE TYPE rt.address (\n    street text,\n    "Zip" int\n);\n\n');
  expect(cqlsh([...hostPort, '-e', 'DESCRIBE INDEX rt.events_note']).stdout).toBe('\nCREATE INDEX events_note ON rt."Events" (note);\n\n');
  expect(cqlsh([...hostPort, '-e', 'DESCRIBE KEYSPACES']).stdout).toMatch(/\brt\b/);
  expect(cqlsh([...hostPort, '-e', 'DESCRIBE CLUSTER']).stdout).toContain('Cluster: Test Cluster');
  const schemaOut = cqlsh([...hostPort, '-e', 'DESCRIBE SCHEMA']).stdout;
  expect(schemaOut).toContain('CREATE KEYSPACE rt ');
  expect(schemaOut).not.toContain('CREATE KEYSPACE system');
  const noTable = cqlsh([...hostPort, '-e', 'DESCRIBE TABLE rt.nope']);
  expect(noTable.status).toBe(2);
  expect(noTable.stderr).toBe("<stdin>:1:Table 'nope' not found in keyspace 'rt'.\n");
});
