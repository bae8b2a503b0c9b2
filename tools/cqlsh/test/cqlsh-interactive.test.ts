import fs from 'node:fs';
import path from 'node:path';
import { CQLSH_BIN, cqlsh, startNode, tempDir } from './support/node-harness';
import type { TestNode } from './support/node-harness';
import { PtySession, ptyAvailable } from './support/pty-session';

/**
 * The real bin/cqlsh at a terminal (a pty through util-linux `script`) against a real
 * node: multi-line input, USE and the prompt, table output, an error without leaving the
 * session, ---MORE--- paging, Ctrl-C, Ctrl-D, the history file.
 */

jest.setTimeout(180_000);

const HAVE_PTY = ptyAvailable();
if (!HAVE_PTY) {
  console.warn('cqlsh-interactive.test.ts skipped: util-linux `script` cannot run a pseudo-terminal here');
}
const ptyTest = HAVE_PTY ? test : test.skip;

let node: TestNode;
let dir: string;

beforeAll(async () => {
  node = await startNode();
  dir = tempDir('cqlsh-interactive-');
});

afterAll(async () => {
  await node?.stop();
});

/** Parses a cqlsh table back: header names and the cells of each row. */
function parseTable(chunk: string): { names: string[]; rows: string[][] } {
  const lines = chunk.split('\n');
  const sep = lines.findIndex((l) => /^-+(\+-+)*$/.test(l));
  const names = lines[sep - 1]!.split('|').map((s) => s.trim());
  const rows: string[][] = [];
  for (const l of lines.slice(sep + 1)) {
    if (l.trim() === '' || !l.startsWith(' ')) break;
    rows.push(l.split('|').map((s) => s.trim()));
  }
  return { names, rows };
}

ptyTest('an interactive session: multi-line DDL, USE, SELECT, an error, paging, Ctrl-C, Ctrl-D', async () => {
  // 250 rows to page through, loaded in batch mode first
  const load = ['CREATE KEYSPACE pg WITH replication = {\'class\': \'SimpleStrategy\', \'replication_factor\': 1};', 'CREATE TABLE pg.many (k int PRIMARY KEY, v int);'];
  for (let i = 0; i < 250; i++) load.push(`INSERT INTO pg.many (k, v) VALUES (${i}, ${i * 2});`);
  const file = path.join(dir, 'load.cql');
  fs.writeFileSync(file, load.join('\n') + '\n');
  const loaded = cqlsh(['127.0.0.1', String(node.port), '-f', file]);
  expect(loaded.stderr).toBe('');
  expect(loaded.status).toBe(0);

  const history = path.join(dir, 'history');
  const sh = new PtySession(`stty rows 30 cols 200; exec ${CQLSH_BIN} 127.0.0.1 ${node.port}`, { CQL_HISTORY: history });
  try {
    await sh.waitFor(`Connected to Test Cluster at 127.0.0.1:${node.port}`);
    await sh.waitFor(/\[cqlsh [^|]+ \| Cassandra [^|]+ \| CQL spec [^|]+ \| Native protocol v4\]/);
    await sh.waitFor('cqlsh> ');

    // a statement over several lines, with a comment holding a ';'
    sh.send("CREATE KEYSPACE it WITH replication = {'class': 'SimpleStrategy', -- rf; below\n");
    await sh.waitFor('   ... ');
    sh.send("'replication_factor': 1};\n");
    await sh.waitFor('cqlsh> ');

    sh.send('USE it;\n');
    await sh.waitFor('cqlsh:it> ');
    sh.send('CREATE TABLE t (\n');
    await sh.waitFor('      ... ');
    sh.send('k int PRIMARY KEY, v text, l list<int>);\n');
    await sh.waitFor('cqlsh:it> ');
    sh.send("INSERT INTO t (k, v, l) VALUES (1, 'one', [1, 2]); INSERT INTO t (k, v) VALUES (22, 'twenty-two');\n");
    await sh.waitFor('cqlsh:it> ');
    sh.send('SELECT * FROM t;\n');
    const out = await sh.waitFor('(2 rows)');
    const table = parseTable(out);
    expect(table.names).toEqual(['k', 'l', 'v']);
    expect(table.rows.sort()).toEqual([['1', '[1, 2]', 'one'], ['22', 'null', 'twenty-two']].sort());
    expect(out).toMatch(/\n k {2}\| l {6}\| v\n----\+--------\+------------\n/);
    await sh.waitFor('cqlsh:it> ');

    // an error is printed (no file:line prefix at a terminal) and the session goes on
    sh.send('SELECT * FROM nope;\n');
    const err = await sh.waitFor('cqlsh:it> ');
    expect(err).toContain('InvalidRequest: Error from server: code=2200 [Invalid query] message="');
    expect(err).not.toContain('<stdin>');
    sh.send("SELECT v FROM t WHERE k = 22;\n");
    expect(parseTable(await sh.waitFor('(1 rows)')).rows).toEqual([['twenty-two']]);

    // paging: a screenful at a time (30 lines: 25 rows with the header, the blank lines and
    // the ---MORE--- line), pages of 100 fetched as needed
    sh.send('SELECT * FROM pg.many;\n');
    const keys: string[] = [];
    for (let screen = 0; screen < 9; screen++) {
      const rows = parseTable(await sh.waitFor('---MORE---')).rows;
      expect(rows).toHaveLength(25);
      keys.push(...rows.map((r) => r[0]!));
      sh.send('\n');
    }
    const last = await sh.waitFor('(250 rows)');
    keys.push(...parseTable(last).rows.map((r) => r[0]!));
    expect(last).not.toContain('---MORE---');
    expect(new Set(keys).size).toBe(250);
    await sh.waitFor('cqlsh:it> ');

    // Ctrl-C drops the half-typed statement
    sh.send('SELECT * FROM');
    await sh.waitFor('SELECT * FROM');
    sh.send('\x03');
    await sh.waitFor(/\ncqlsh:it> /); // a fresh prompt on a new line (not readline's redraw)
    sh.send('SHOW HOST\n');
    const host = await sh.waitFor('cqlsh:it> ');
    expect(host).toContain(`Connected to Test Cluster at 127.0.0.1:${node.port}`);
    expect(host).not.toContain('SyntaxException');

    // Ctrl-D on an empty line leaves with status 0
    sh.send('\x04');
    expect(await sh.exited).toBe(0);
  } finally {
    sh.kill();
  }
  const saved = fs.readFileSync(history, 'utf8');
  expect(saved).toContain('USE it;');
  expect(saved).toContain('SHOW HOST');
  // a statement typed over two lines is also remembered as one line
  expect(saved).toContain('CREATE TABLE t ( k int PRIMARY KEY, v text, l list<int>);');
});

ptyTest('-k starts in a keyspace; EXPAND ON pages vertically; Ctrl-C at ---MORE--- stops; EXIT', async () => {
  // uses the keyspaces the first test created
  const sh = new PtySession(`stty rows 30 cols 200; exec ${CQLSH_BIN} -k pg 127.0.0.1 ${node.port}`, { CQL_HISTORY: path.join(dir, 'history2') });
  try {
    await sh.waitFor('cqlsh:pg> ');
    sh.send('EXPAND ON\n');
    expect(await sh.waitFor('cqlsh:pg> ')).toContain('EXPAND set to ON');
    sh.send('PAGING 2\n');
    expect(await sh.waitFor('cqlsh:pg> ')).toContain('Page size: 2');
    sh.send('SELECT k, v FROM many;\n');
    const page1 = await sh.waitFor('---MORE---');
    expect(page1).toMatch(/@ Row 1\n-+\+-+\n k \| \d+\n v \| \d+\n\n@ Row 2\n/);
    sh.send('\n');
    expect(await sh.waitFor('---MORE---')).toContain('@ Row 3');
    sh.send('\x03');
    const stopped = await sh.waitFor(/\ncqlsh:pg> /);
    expect(stopped).not.toContain('@ Row 5');
    expect(stopped).toContain('(4 rows)');
    sh.send('EXIT\n');
    expect(await sh.exited).toBe(0);
  } finally {
    sh.kill();
  }
});

ptyTest('-u without -p asks for the password without echoing it; the prompt names the user', async () => {
  // the node does not authenticate yet: the credentials are offered and not asked for
  const sh = new PtySession(`${CQLSH_BIN} -u bob 127.0.0.1 ${node.port}`, { CQL_HISTORY: path.join(dir, 'history3') });
  try {
    await sh.waitFor('Password: ');
    sh.send('s3cret\r');
    const rest = await sh.waitFor('bob@cqlsh> ');
    expect(rest).not.toContain('s3cret');
    sh.send('\x04');
    expect(await sh.exited).toBe(0);
  } finally {
    sh.kill();
  }
});
