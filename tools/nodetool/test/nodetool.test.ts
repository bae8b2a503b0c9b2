import net from 'node:net';
import { Client } from 'cassandra-driver';
import { freePorts, nodetool, snapshotFiles, sstableFiles, startTestNode } from './fixtures/node-fixture';
import type { TestNode } from './fixtures/node-fixture';

/**
 * Every nodetool command against a real node, its output parsed back as a script would.
 * nodetool runs as the built bin script (`npx tsc -b` first).
 */

jest.setTimeout(120_000);

let node: TestNode;
let client: Client;
/** `-p <api port>` of the node under test. */
let at: string[];

beforeAll(async () => {
  node = await startTestNode(2);
  at = ['-h', '127.0.0.1', '-p', String(node.apiPort)];
  client = new Client({ contactPoints: [`127.0.0.1:${node.cqlPort}`], localDataCenter: 'datacenter1' });
  await client.connect();
  await client.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  await client.execute('CREATE TABLE ks.t (pk int PRIMARY KEY, v text)');
  await client.execute('CREATE TABLE ks.other (pk int PRIMARY KEY, v text)');
});

afterAll(async () => {
  await client?.shutdown();
  await node?.dispose();
});

async function write(table: string, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) await client.execute(`INSERT INTO ks.${table} (pk, v) VALUES (?, ?)`, [i, `value ${i}`], { prepare: true });
}

/** `Label: value` lines of tablestats for one table, as a map. */
function tableSection(stdout: string, table: string): Map<string, string> {
  const lines = stdout.split('\n');
  const start = lines.indexOf(`\t\tTable: ${table}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const out = new Map<string, string>();
  for (let i = start; i < lines.length && lines[i] !== ''; i++) {
    const m = /^\t\t([^:]+): (.*)$/.exec(lines[i]!);
    if (m !== null) out.set(m[1]!, m[2]!);
  }
  return out;
}

describe('node information', () => {
  test('status shows this node up and normal, with the host id of system.local', async () => {
    const hostId = ((await client.execute('SELECT host_id FROM system.local')).first().get('host_id') as { toString(): string }).toString();
    const r = await nodetool([...at, 'status']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual(['Datacenter: datacenter1', '=======================', 'Status=Up/Down', '|/ State=Normal/Leaving/Joining/Moving']);
    expect(lines[4]).toMatch(/^--\s+Address\s+Load\s+Tokens\s+Owns\s+Host ID\s+Rack$/);
    const fields = lines[5]!.split(/\s{2,}/);
    expect(fields[0]).toBe('UN');
    expect(fields[1]).toBe('127.0.0.1');
    expect(fields[3]).toBe('256');
    expect(fields[4]).toBe('100.0%');
    expect(fields[5]).toBe(hostId);
    expect(fields[6]).toBe('rack1');
  });

  test('status <keyspace> shows effective ownership; an unknown keyspace is named', async () => {
    expect((await nodetool([...at, 'status', 'ks'])).stdout).toContain('Owns (effective)');
    const r = await nodetool([...at, 'status', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('nodetool: Keyspace nope does not exist\n');
  });

  test('info prints the id, load and location; -T lists every token', async () => {
    const r = await nodetool([...at, 'info']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID {21}: [0-9a-f-]{36}$/m);
    expect(r.stdout).toMatch(/^Native Transport active: true$/m);
    expect(r.stdout).toMatch(/^Load {19}: \d/m);
    expect(r.stdout).toMatch(/^Heap Memory \(MB\) {7}: \d+\.\d\d \/ \d+\.\d\d$/m);
    expect(r.stdout).toMatch(/^Off Heap Memory \(MB\) {3}: \d+\.\d\d$/m);
    expect(r.stdout).toMatch(/^Data Center {12}: datacenter1$/m);
    expect(r.stdout).toMatch(/^Token {18}: \(invoke with -T\/--tokens to see all 256 tokens\)$/m);
    const tokens = (await nodetool([...at, 'info', '-T'])).stdout.split('\n').filter((l) => l.startsWith('Token'));
    expect(tokens).toHaveLength(256);
  });

  test('ring lists 256 tokens, sorted, each Up Normal with 100.00%', async () => {
    const r = await nodetool([...at, 'ring']);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('127.0.0.1'));
    expect(rows).toHaveLength(256);
    const tokens = rows.map((l) => BigInt(l.trim().split(/\s+/).pop()!));
    expect([...tokens].sort((a, b) => (a < b ? -1 : 1))).toEqual(tokens);
    expect(rows[0]).toMatch(/rack1\s+Up\s+Normal\s+.*100\.00%/);
  });

  test('describering prints one TokenRange per token; getendpoints this node', async () => {
    const r = await nodetool([...at, 'describering', 'ks']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Schema Version:[0-9a-f-]{36}$/m);
    const ranges = r.stdout.split('\n').filter((l) => l.startsWith('\tTokenRange('));
    expect(ranges).toHaveLength(256);
    expect(ranges[0]).toMatch(/endpoints:\[127\.0\.0\.1\], rpc_endpoints:\[127\.0\.0\.1\], endpoint_details:\[EndpointDetails\(host:127\.0\.0\.1, datacenter:datacenter1, rack:rack1\)\]\)$/);
    expect(await nodetool([...at, 'getendpoints', 'ks', 't', '42'])).toEqual({ code: 0, stdout: '127.0.0.1\n', stderr: '' });
    expect((await nodetool([...at, 'getendpoints', 'ks', 'nope', '42'])).stderr).toBe('nodetool: Table ks.nope does not exist\n');
  });

  test('version prints the release version', async () => {
    expect(await nodetool([...at, 'version'])).toEqual({ code: 0, stdout: 'ReleaseVersion: 4.0.11\n', stderr: '' });
  });
});

describe('data operations', () => {
  test('flush ks t writes SSTables for that table only; tablestats counts them', async () => {
    await write('t', 0, 100);
    await write('other', 0, 10);
    expect(sstableFiles(node, 'ks', 't')).toEqual([]);
    expect(await nodetool([...at, 'flush', 'ks', 't'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const files = sstableFiles(node, 'ks', 't');
    expect(files.length).toBeGreaterThan(0);
    expect(sstableFiles(node, 'ks', 'other')).toEqual([]);
    const r = await nodetool([...at, 'tablestats', 'ks.t']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['Total number of tables: 1', '----------------', 'Keyspace : ks']);
    const t = tableSection(r.stdout, 't');
    expect(t.get('SSTable count')).toBe(String(files.length));
    expect(t.get('Number of partitions (estimate)')).toBe('100');
    expect(t.get('Local write count')).toBe('100');
    expect(t.get('Memtable partition count')).toBe('0');
    expect(Number(t.get('Space used (live)'))).toBeGreaterThan(0);
    // cfstats is the old name; a whole keyspace lists both tables.
    const ks = await nodetool([...at, 'cfstats', 'ks']);
    expect(ks.stdout).toContain('Total number of tables: 2');
    expect(tableSection(ks.stdout, 'other').get('Memtable partition count')).toBe('10');
  });

  test('flush with no arguments flushes every keyspace', async () => {
    expect((await nodetool([...at, 'flush'])).code).toBe(0);
    expect(sstableFiles(node, 'ks', 'other').length).toBeGreaterThan(0);
  });

  test('compact ks t merges each shard\'s SSTables into one, printing nothing off a terminal', async () => {
    await write('t', 100, 100);
    await nodetool([...at, 'flush', 'ks', 't']);
    const before = sstableFiles(node, 'ks', 't').length;
    expect(before).toBeGreaterThan(2);
    expect(await nodetool([...at, 'compact', 'ks', 't'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(sstableFiles(node, 'ks', 't').length).toBeLessThanOrEqual(2);
    const t = tableSection((await nodetool([...at, 'tablestats', 'ks.t'])).stdout, 't');
    expect(t.get('Number of partitions (estimate)')).toBe('200');
    expect((await nodetool([...at, 'compactionstats'])).stdout).toMatch(/^pending tasks: \d+$/m);
  });

  test('tablehistograms takes ks table or ks.table and prints the percentile rows', async () => {
    for (const args of [['tablehistograms', 'ks', 't'], ['cfhistograms', 'ks.t']]) {
      const r = await nodetool([...at, ...args]);
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toBe('ks/t histograms');
      expect(lines[1]).toMatch(/^Percentile\s+Read Latency\s+Write Latency\s+SSTables\s+Partition Size\s+Cell Count$/);
      expect(lines.slice(3, 10).map((l) => l.split(/\s+/)[0])).toEqual(['50%', '75%', '95%', '98%', '99%', 'Min', 'Max']);
    }
    const bad = await nodetool([...at, 'tablehistograms', 'ks.nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Table ks.nope does not exist');
  });

  test('cleanup succeeds (one node owns every token); enable/disableautocompaction toggle', async () => {
    expect(await nodetool([...at, 'cleanup', 'ks'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await nodetool([...at, 'disableautocompaction', 'ks', 'other'])).code).toBe(0);
    expect(tableSection((await nodetool([...at, 'tablestats', 'ks.other'])).stdout, 'other').get('Auto compaction')).toBe('disabled');
    expect((await nodetool([...at, 'enableautocompaction', 'ks', 'other'])).code).toBe(0);
    expect(tableSection((await nodetool([...at, 'tablestats', 'ks.other'])).stdout, 'other').get('Auto compaction')).toBe('enabled');
  });

  test('snapshot, listsnapshots and clearsnapshot round trip, with the files on disk', async () => {
    const snap = await nodetool([...at, 'snapshot', '-t', 'before', 'ks']);
    expect(snap).toEqual({
      code: 0,
      stdout: 'Requested creating snapshot(s) for [ks] with snapshot name [before] and options {skipFlush=false}\nSnapshot directory: before\n',
      stderr: '',
    });
    expect(snapshotFiles(node, 'ks', 't', 'before')).toEqual(expect.arrayContaining([expect.stringMatching(/-TOC\.txt$/)]));
    const list = await nodetool([...at, 'listsnapshots']);
    expect(list.code).toBe(0);
    const rows = list.stdout.split('\n').filter((l) => l.startsWith('before'));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 3))).toEqual([['before', 'ks', 'other'], ['before', 'ks', 't']]);
    // True size 0: every file is still a live SSTable too.
    expect(rows[1]!.split(/\s+/).slice(3, 5)).toEqual(['0', 'bytes']);
    expect(list.stdout).toContain('Total TrueDiskSpaceUsed: 0 bytes');

    const again = await nodetool([...at, 'snapshot', '-t', 'before', 'ks']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Snapshot before already exists');

    expect((await nodetool([...at, 'clearsnapshot', '-t', 'before', 'ks'])).stdout).toBe('Requested clearing snapshot(s) for [ks] with snapshot name [before]\n');
    expect(snapshotFiles(node, 'ks', 't', 'before')).toEqual([]);
    expect((await nodetool([...at, 'listsnapshots'])).stdout).toBe('Snapshot Details: \nThere are no snapshots\n');
  });

  test('snapshot -kt takes the listed keyspace.table pairs', async () => {
    expect((await nodetool([...at, 'snapshot', '-t', 'pairs', '-kt', 'ks.t,ks.other'])).stdout).toContain('for [ks.t,ks.other] with snapshot name [pairs]');
    expect(snapshotFiles(node, 'ks', 't', 'pairs').length).toBeGreaterThan(0);
    expect(snapshotFiles(node, 'ks', 'other', 'pairs').length).toBeGreaterThan(0);
    expect((await nodetool([...at, 'snapshot', '-t', 'x', '-kt', 'ks.t', 'ks'])).code).toBe(2);
    expect((await nodetool([...at, 'clearsnapshot', '-t', 'pairs'])).code).toBe(0);
  });

  test('snapshot of one table with --table, then clearsnapshot --all', async () => {
    expect((await nodetool([...at, 'snapshot', '--tag', 'one', '--table', 't', 'ks'])).code).toBe(0);
    expect(snapshotFiles(node, 'ks', 't', 'one').length).toBeGreaterThan(0);
    expect(snapshotFiles(node, 'ks', 'other', 'one')).toEqual([]);
    expect((await nodetool([...at, 'clearsnapshot', '--all'])).code).toBe(0);
    expect(snapshotFiles(node, 'ks', 't', 'one')).toEqual([]);
  });

  test('snapshot --ttl records when it expires; listsnapshots shows creation and expiration times', async () => {
    expect((await nodetool([...at, 'snapshot', '-t', 'brief', '--ttl', '2m', 'ks'])).stdout).toContain('options {skipFlush=false, ttl=2m}');
    const row = (await nodetool([...at, 'listsnapshots'])).stdout.split('\n').find((l) => l.startsWith('brief'))!;
    const [created, expires] = row.split(/\s+/).slice(7, 9).map((s) => Date.parse(s));
    expect(expires! - created!).toBe(120_000);
    const short = await nodetool([...at, 'snapshot', '-t', 'tooshort', '--ttl', '10s', 'ks']);
    expect(short.code).toBe(1);
    expect(short.stderr).toBe('nodetool: ttl for snapshot must be at least 1 minute, not "10s"\n');
    expect((await nodetool([...at, 'clearsnapshot', '-t', 'brief'])).code).toBe(0);
  });

  test('decommission of the only node is refused, saying why', async () => {
    expect(await nodetool([...at, 'decommission'])).toEqual({ code: 1, stdout: '', stderr: 'nodetool: no other normal nodes in the ring; decommission would be pointless\n' });
  });

  test('settraceprobability: 0 is accepted, anything else is not supported; gettraceprobability says 0', async () => {
    expect(await nodetool([...at, 'gettraceprobability'])).toEqual({ code: 0, stdout: 'Current trace probability: 0.0\n', stderr: '' });
    expect(await nodetool([...at, 'statusgossip'])).toEqual({ code: 0, stdout: 'not running\n', stderr: '' });
    expect((await nodetool([...at, 'settraceprobability', '0'])).code).toBe(0);
    const r = await nodetool([...at, 'settraceprobability', '0.5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('nodetool: query tracing is not supported by Charybdis: the trace probability stays 0\n');
  });
});

describe('command line errors', () => {
  test.each([
    [['bogus'], "nodetool: Unknown command 'bogus'"],
    [['flush', '--frobnicate'], 'nodetool: Found unexpected parameters: [--frobnicate]'],
    [['getendpoints', 'ks', 't'], "nodetool: Missing required arguments for 'getendpoints'"],
    [['describering'], "nodetool: Missing required arguments for 'describering'"],
    [['version', 'extra'], 'nodetool: Found unexpected parameters: [extra]'],
    [['tablehistograms', 'justone'], 'nodetool: tablehistograms requires <keyspace> <table> or <keyspace.table>'],
    [['clearsnapshot'], 'nodetool: Specify snapshot name or --all'],
    [['snapshot', '--table', 't'], 'nodetool: When specifying the table for a snapshot, you must specify one and only one keyspace'],
    [['settraceprobability', 'often'], "nodetool: Trace probability must be between 0 and 1, not 'often'"],
    [['-p', 'nine', 'status'], "nodetool: Invalid port 'nine'"],
    [['status', '-h'], "nodetool: Required value for '-h' is missing"],
  ])('nodetool %j: usage on stderr, exit 2', async (args, message) => {
    const r = await nodetool(['-p', String(node.apiPort), ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(message)).toBe(true);
    expect(r.stderr).toMatch(/usage: nodetool|SYNOPSIS/);
  });

  test('unknown keyspace or table: one line naming it, exit 1', async () => {
    expect(await nodetool([...at, 'flush', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'nodetool: Keyspace nope does not exist\n' });
    expect(await nodetool([...at, 'compact', 'ks', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'nodetool: Table ks.nope does not exist\n' });
    expect((await nodetool([...at, 'tablestats', 'nope'])).stderr).toBe('nodetool: Keyspace nope does not exist\n');
  });

  test('help lists the commands and says -p is the API port; help <command> shows its synopsis', async () => {
    const r = await nodetool(['help']);
    expect(r.code).toBe(0);
    for (const c of ['status', 'flush', 'compact', 'tablestats', 'snapshot', 'clearsnapshot', 'listsnapshots', 'drain', 'describering', 'getendpoints']) {
      expect(r.stdout).toMatch(new RegExp(`^    ${c}\\s`, 'm'));
    }
    expect(r.stdout).toContain('REST admin API port');
    const flush = await nodetool(['help', 'flush']);
    expect(flush.code).toBe(0);
    expect(flush.stdout).toContain('flush [<keyspace> <tables>...]');
    const none = await nodetool([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('usage: nodetool');
  });

  test('nothing listening on the API port: one ECONNREFUSED line, exit 1', async () => {
    const [port] = await freePorts(1);
    expect(await nodetool(['-p', String(port), 'status'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `nodetool: Failed to connect to '127.0.0.1:${port}' - ECONNREFUSED\n`,
    });
  });
});

/** True when a TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('native transport', () => {
  test('disablebinary closes the CQL port, enablebinary reopens it, statusbinary says which', async () => {
    expect(await nodetool([...at, 'statusbinary'])).toEqual({ code: 0, stdout: 'running\n', stderr: '' });
    expect((await nodetool([...at, 'disablebinary'])).code).toBe(0);
    expect(await refused(node.cqlPort)).toBe(true);
    expect((await nodetool([...at, 'statusbinary'])).stdout).toBe('not running\n');
    expect((await nodetool([...at, 'enablebinary'])).code).toBe(0);
    expect(await refused(node.cqlPort)).toBe(false);
    // A driver reconnects after its backoff; a new client connects at once, and replaces the old one for the next tests.
    const fresh = new Client({ contactPoints: [`127.0.0.1:${node.cqlPort}`], localDataCenter: 'datacenter1' });
    expect((await fresh.execute('SELECT count(*) FROM ks.t')).rowLength).toBe(1);
    await client.shutdown();
    client = fresh;
  });
});

describe('drain', () => {
  test('flushes, closes the CQL port, and the node still answers nodetool', async () => {
    await write('other', 100, 5);
    const before = sstableFiles(node, 'ks', 'other').length;
    expect(await nodetool([...at, 'drain'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(sstableFiles(node, 'ks', 'other').length).toBeGreaterThan(before);
    expect(await refused(node.cqlPort)).toBe(true);
    const enable = await nodetool([...at, 'enablebinary']);
    expect(enable.code).toBe(1);
    expect(enable.stderr).toContain('the node is drained');
    expect((await nodetool([...at, 'info'])).stdout).toMatch(/^Operation Mode {9}: DRAINED$/m);
    await client.shutdown();
    expect(await node.stop()).toBe(0);
  });
});
