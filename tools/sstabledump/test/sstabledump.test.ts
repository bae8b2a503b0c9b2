// Black-box tests of the sstabledump CLI: real SSTables written with SSTableWriter through
// a real IoBackend, dumped by the compiled tool (`npx tsc -b tools/sstabledump` first) run
// as a child process, its JSON parsed. Every timestamp and local time is fixed; the only
// clock-dependent field (`expired`) uses expiries far in the past or far in the future.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createIoBackend } from '@charybdis/core';
import { counterCell, expiringCell, liveCell, murmur3Token, tombstoneCell } from '@charybdis/schema';
import type { Cell, ColumnData, PartitionUpdate, Row } from '@charybdis/schema';
import { sstableFileName } from '@charybdis/storage';
import { MAIN, comparatorsOf, compositeKey, enc, removeTempDirs, sstabledump, tempDir, writeSSTable, writeSchemaFile } from './fixtures/sstabledump-kit';
import type { SchemaDoc } from './fixtures/sstabledump-kit';

const TABLE_ID = '2b9f3f1e-5c1d-4d7e-8a4b-0c6f1e2d3a4b';
/** Server time of the writes (2023-11-14T22:13:20Z). */
const NOW = 1_700_000_000;
const TS = 1_700_000_000_000_000n;
/** An expiring write made so late that it cannot have expired when the test runs (expiry in 2096). */
const LATE_NOW = 4_000_000_000;
const UUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const TIMEUUID_1 = '50554d6e-29bb-11e5-b345-feff819cdc9f';
const TIMEUUID_2 = '50554d6f-29bb-11e5-b345-feff819cdc9f';

const EVENTS: SchemaDoc = {
  partitionKey: ['int'],
  clustering: [{ name: 'ck', type: 'int', order: 'ASC' }],
  columns: [
    { name: 'b', type: 'blob' },
    { name: 'f', type: 'frozen<list<int>>' },
    { name: 'l', type: 'list<int>' },
    { name: 'm', type: 'map<text, int>' },
    { name: 'n', type: 'bigint' },
    { name: 's', type: 'set<text>' },
    { name: 'st', type: 'text', static: true },
    { name: 'u', type: 'uuid' },
    { name: 'v', type: 'text' },
  ],
};

const simple = (column: string, cell: Cell): ColumnData => ({ kind: 'simple', column, cell });
const row = (ck: number, fields: Omit<Row, 'clustering'>): Row => ({ clustering: [enc('int', ck)], ...fields });

function partition(key: number, fields: Partial<PartitionUpdate>): PartitionUpdate {
  const partitionKey = enc('int', key);
  return { tableId: TABLE_ID, partitionKey, token: murmur3Token(partitionKey), rows: [], rangeTombstones: [], ...fields };
}

/** Key 1: static row, a full row, TTLs, a cell tombstone, a row deletion. */
const P1 = partition(1, {
  staticRow: { columns: [simple('st', liveCell(TS, enc('text', 'static-1')))] },
  rows: [
    row(1, {
      marker: { timestampUs: TS },
      columns: [
        simple('b', liveCell(TS, enc('blob', Buffer.from([0xca, 0xfe])))),
        simple('n', liveCell(TS, enc('bigint', 9_007_199_254_740_993n))),
        simple('u', liveCell(TS, enc('uuid', UUID))),
        simple('v', liveCell(TS + 1n, enc('text', 'hello'))),
      ],
    }),
    row(2, {
      marker: { timestampUs: TS, ttlSeconds: 100, localExpirationTimeSeconds: LATE_NOW + 100 },
      columns: [simple('n', expiringCell(TS, enc('bigint', 7n), 60, NOW)), simple('v', expiringCell(TS, enc('text', 'later'), 100, LATE_NOW))],
    }),
    row(3, { deletion: { markedForDeleteAtUs: TS - 10n, localDeletionTimeSeconds: NOW }, columns: [simple('v', tombstoneCell(TS, NOW))] }),
  ],
});

/** Key 2: collections (list, set, map with a collection tombstone) and a frozen list. */
const P2 = partition(2, {
  rows: [
    row(1, {
      columns: [
        simple('f', liveCell(TS, enc('frozen<list<int>>', [1, 2, 3]))),
        { kind: 'complex', column: 'l', cells: [{ path: enc('timeuuid', TIMEUUID_1), cell: liveCell(TS, enc('int', 10)) }, { path: enc('timeuuid', TIMEUUID_2), cell: liveCell(TS, enc('int', 20)) }] },
        { kind: 'complex', column: 'm', deletion: { markedForDeleteAtUs: TS - 1n, localDeletionTimeSeconds: NOW }, cells: [{ path: enc('text', 'k1'), cell: liveCell(TS, enc('int', 1)) }] },
        { kind: 'complex', column: 's', cells: [{ path: enc('text', 'a'), cell: liveCell(TS, Buffer.alloc(0)) }, { path: enc('text', 'b'), cell: liveCell(TS, Buffer.alloc(0)) }] },
      ],
    }),
  ],
});

/** Key 3: a partition deletion, a range tombstone [5, 8) and rows inside and after it. */
const P3 = partition(3, {
  partitionDeletion: { markedForDeleteAtUs: TS - 100n, localDeletionTimeSeconds: NOW },
  rangeTombstones: [{ start: { kind: 'inclStart', prefix: [enc('int', 5)] }, end: { kind: 'exclEnd', prefix: [enc('int', 8)] }, deletion: { markedForDeleteAtUs: TS, localDeletionTimeSeconds: NOW } }],
  rows: [row(6, { columns: [simple('v', liveCell(TS + 5n, enc('text', 'inside')))] }), row(9, { columns: [simple('v', liveCell(TS + 5n, enc('text', 'after')))] })],
});

const P4 = partition(4, { rows: [row(1, { columns: [simple('v', liveCell(TS, enc('text', 'four')))] })] });

type J = Record<string, unknown>;
const selection = createIoBackend();
let dataFile: string;
let schemaFile: string;

beforeAll(async () => {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npx tsc -b tools/sstabledump\` before these tests`);
  dataFile = await writeSSTable(selection.backend, comparatorsOf(EVENTS), [P1, P2, P3, P4]);
  schemaFile = writeSchemaFile(EVENTS);
});
afterAll(async () => {
  await selection.backend.close();
  removeTempDirs();
});

async function dumpJson(args: string[]): Promise<J[]> {
  const run = await sstabledump(args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as J[];
}

function byKey(partitions: J[], key: number): J {
  const p = partitions.find((x) => (x.partition as J).key instanceof Array && ((x.partition as J).key as unknown[])[0] === key);
  if (p === undefined) throw new Error(`partition ${key} not in the dump`);
  return p;
}

describe('the JSON dump', () => {
  let dump: J[];
  beforeAll(async () => {
    dump = await dumpJson([dataFile, '--schema', schemaFile]);
  });

  test('lists every partition once, in token order, with its key and token', () => {
    const tokens = [P1, P2, P3, P4].map((p) => p.token).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(dump.map((p) => (p.partition as J).token)).toEqual(tokens.map(String));
    expect(dump.map((p) => ((p.partition as J).key as number[])[0]).sort()).toEqual([1, 2, 3, 4]);
  });

  test('decodes the static row, the row marker and values by their types', () => {
    const rows = byKey(dump, 1).rows as J[];
    expect(rows[0]).toEqual({ type: 'static_block', cells: [{ name: 'st', value: 'static-1', tstamp: Number(TS) }] });
    expect(rows[1]).toEqual({
      type: 'row',
      clustering: [1],
      liveness_info: { tstamp: Number(TS) },
      cells: [
        { name: 'b', value: '0xcafe', tstamp: Number(TS) },
        { name: 'n', value: '9007199254740993', tstamp: Number(TS) },
        { name: 'u', value: UUID, tstamp: Number(TS) },
        { name: 'v', value: 'hello', tstamp: Number(TS) + 1 },
      ],
    });
  });

  test('shows TTLs, expiry and whether they have expired', () => {
    const r2 = (byKey(dump, 1).rows as J[])[2]!;
    expect(r2.liveness_info).toEqual({ tstamp: Number(TS), ttl: 100, expires_at: LATE_NOW + 100, expired: false });
    expect(r2.cells).toEqual([
      { name: 'n', value: '7', tstamp: Number(TS), ttl: 60, expires_at: NOW + 60, expired: true },
      { name: 'v', value: 'later', tstamp: Number(TS), ttl: 100, expires_at: LATE_NOW + 100, expired: false },
    ]);
  });

  test('shows row deletions and cell tombstones', () => {
    const r3 = (byKey(dump, 1).rows as J[])[3]!;
    expect(r3).toEqual({
      type: 'row',
      clustering: [3],
      deletion_info: { marked_deleted: Number(TS) - 10, local_delete_time: NOW },
      cells: [{ name: 'v', deletion_info: { local_delete_time: NOW }, tstamp: Number(TS) }],
    });
  });

  test('shows collections element by element with their path, and frozen ones whole', () => {
    const cells = ((byKey(dump, 2).rows as J[])[0]!.cells as J[]).map(({ tstamp: _t, ...rest }) => rest);
    expect(cells).toEqual([
      { name: 'f', value: [1, 2, 3] },
      { name: 'l', path: [TIMEUUID_1], value: 10 },
      { name: 'l', path: [TIMEUUID_2], value: 20 },
      { name: 'm', deletion_info: { marked_deleted: Number(TS) - 1, local_delete_time: NOW } },
      { name: 'm', path: ['k1'], value: 1 },
      { name: 's', path: ['a'], value: '' },
      { name: 's', path: ['b'], value: '' },
    ]);
  });

  test('shows the partition deletion and range tombstone bounds around the rows they cover', () => {
    const p3 = byKey(dump, 3);
    expect((p3.partition as J).deletion_info).toEqual({ marked_deleted: Number(TS) - 100, local_delete_time: NOW });
    const deletion = { marked_deleted: Number(TS), local_delete_time: NOW };
    expect((p3.rows as J[]).map((r) => (r.type === 'row' ? { row: r.clustering } : r))).toEqual([
      { type: 'range_tombstone_bound', start: { type: 'inclusive', clustering: [5], deletion_info: deletion } },
      { row: [6] },
      { type: 'range_tombstone_bound', end: { type: 'exclusive', clustering: [8], deletion_info: deletion } },
      { row: [9] },
    ]);
  });

  test('accepts any component file of the SSTable', async () => {
    const toc = path.join(path.dirname(dataFile), sstableFileName(1, 'TOC'));
    expect(await dumpJson([toc, '--schema', schemaFile])).toEqual(dump);
  });
});

describe('options', () => {
  test('-k dumps only the given keys, in the order given; absent keys print nothing', async () => {
    const dump = await dumpJson([dataFile, '--schema', schemaFile, '-k', '3', '-k', '1', '-k', '99', '-k', '3']);
    expect(dump.map((p) => (p.partition as J).key)).toEqual([[3], [1]]);
    expect(dump[1]).toEqual(byKey(await dumpJson([dataFile, '--schema', schemaFile]), 1));
  });

  test('-x leaves keys out, with or without -k', async () => {
    const all = await dumpJson([dataFile, '--schema', schemaFile, '-x', '2', '-x', '4']);
    expect(all.map((p) => ((p.partition as J).key as number[])[0]).sort()).toEqual([1, 3]);
    const some = await dumpJson([dataFile, '--schema', schemaFile, '-k', '1', '-k', '2', '-x', '1']);
    expect(some.map((p) => (p.partition as J).key)).toEqual([[2]]);
  });

  test('-d prints one line per partition in the internal form', async () => {
    const run = await sstabledump([dataFile, '--schema', schemaFile, '-d']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const line1 = lines.find((l) => l.startsWith('[1]@'))!;
    expect(line1).toContain(`[1]@${P1.token}`);
    expect(line1).toContain('Static: [st="static-1"');
    expect(line1).toContain('Row[info=[ts=1700000000000000]]: 1 | [b="0xcafe" ts=1700000000000000]');
    expect(line1).toContain('ttl=60 exp=1700000060 expired');
    expect(lines.find((l) => l.startsWith('[3]@'))).toContain('RT start inclusive (5) del=[ts=1700000000000000 ldt=1700000000]');
  });

  test('-t adds ISO-8601 forms of timestamps and local times', async () => {
    const [p] = await dumpJson([dataFile, '--schema', schemaFile, '-t', '-k', '1']);
    const rows = p!.rows as J[];
    expect(rows[1]!.liveness_info).toEqual({ tstamp: Number(TS), tstamp_iso: '2023-11-14T22:13:20.000000Z' });
    expect(((rows[3]!.cells as J[])[0]!.deletion_info as J).local_delete_time_iso).toBe('2023-11-14T22:13:20Z');
    expect(((rows[2]!.cells as J[])[0] as J).expires_at_iso).toBe('2023-11-14T22:14:20Z');
    expect(((rows[1]!.cells as J[])[3] as J).tstamp_iso).toBe('2023-11-14T22:13:20.000001Z');
  });
});

describe('composite partition keys, DESC clustering and counters', () => {
  const COUNTS: SchemaDoc = {
    partitionKey: ['text', 'int'],
    clustering: [{ name: 'day', type: 'date', order: 'DESC' }],
    columns: [{ name: 'hits', type: 'counter' }],
  };
  const shard = (id: string, count: bigint): { counterId: string; clock: bigint; count: bigint } => ({ counterId: id, clock: 1n, count });
  const counts = (site: string, shardNo: number, days: string[]): PartitionUpdate => {
    const partitionKey = compositeKey(enc('text', site), enc('int', shardNo));
    const rows = days.map((d): Row => ({ clustering: [enc('date', Math.round(Date.parse(d) / 86_400_000))], columns: [simple('hits', counterCell(TS, [shard(UUID, 5n), shard('7f2504e0-4f89-41d3-9a0c-0305e82c3301', 7n)]))] }));
    return { tableId: TABLE_ID, partitionKey, token: murmur3Token(partitionKey), rows, rangeTombstones: [] };
  };
  let file: string;
  let schema: string;

  beforeAll(async () => {
    file = await writeSSTable(selection.backend, comparatorsOf(COUNTS), [counts('a:b', 1, ['2024-01-01', '2024-01-03']), counts('c', 2, ['2024-02-01'])]);
    schema = writeSchemaFile(COUNTS);
  });

  test('keys are split into their components, DESC rows come newest first, counters show their total', async () => {
    const dump = await dumpJson([file, '--schema', schema]);
    const p = dump.find((x) => ((x.partition as J).key as unknown[])[0] === 'a:b')!;
    expect((p.partition as J).key).toEqual(['a:b', 1]);
    expect((p.rows as J[]).map((r) => [r.clustering, (r.cells as J[])[0]!.value])).toEqual([
      [['2024-01-03'], '12'],
      [['2024-01-01'], '12'],
    ]);
  });

  test('-k takes composite keys with ":" between the parts and "\\:" inside them', async () => {
    const dump = await dumpJson([file, '--schema', schema, '-k', "'c':2", '-k', 'a\\:b:1']);
    expect(dump.map((p) => (p.partition as J).key)).toEqual([['c', 2], ['a:b', 1]]);
  });
});

describe('--verify', () => {
  test('prints OK for a sound SSTable', async () => {
    const run = await sstabledump([dataFile, '--schema', schemaFile, '--verify']);
    expect(run).toEqual({ code: 0, stdout: 'OK\n', stderr: '' });
  });

  test('names the corrupt file, and so does a dump of it', async () => {
    const dir = tempDir();
    for (const name of fs.readdirSync(path.dirname(dataFile))) fs.copyFileSync(path.join(path.dirname(dataFile), name), path.join(dir, name));
    const copy = path.join(dir, path.basename(dataFile));
    const bytes = fs.readFileSync(copy);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x40;
    fs.writeFileSync(copy, bytes);
    for (const extra of [['--verify'], []]) {
      const run = await sstabledump([copy, '--schema', schemaFile, ...extra]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('sstabledump: error: Corrupt SSTable component');
      expect(run.stderr).toContain(copy);
      expect(run.stdout).not.toContain('OK');
    }
  });
});

describe('errors exit 1 with a message on stderr', () => {
  async function fails(args: string[], message: string | RegExp): Promise<string> {
    const run = await sstabledump(args);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^sstabledump: error: /);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Usage: sstabledump');
    return run.stderr;
  }

  test('no arguments, an unknown option, no schema', async () => {
    const stderr = await fails([], 'no SSTable file given');
    expect(stderr).toContain('--schema FILE');
    await fails([dataFile, '--schema', schemaFile, '--bogus'], "unknown option '--bogus'");
    await fails([dataFile], '--schema FILE is needed');
    await fails([dataFile, '--schema'], '--schema needs a value');
  });

  test('a missing file', async () => {
    await fails([path.join(tempDir(), 'cha-1-Data.db'), '--schema', schemaFile], /cha-1-Data\.db: no such file/);
  });

  test('a file that is not an SSTable', async () => {
    await fails([schemaFile, '--schema', schemaFile], /schema\.json is not an SSTable/);
    const lone = path.join(tempDir(), 'cha-7-Data.db');
    fs.writeFileSync(lone, 'not an sstable');
    await fails([lone, '--schema', schemaFile], /SSTable component .*cha-7-Index\.db is missing/);
  });

  test('a schema file that is not valid', async () => {
    await fails([dataFile, '--schema', path.join(tempDir(), 'none.json')], /Invalid schema file .*none\.json: cannot read it/);
    await fails([dataFile, '--schema', writeSchemaFile(null, '{"partitionKey": [')], /Invalid schema file .*: not JSON/);
    await fails([dataFile, '--schema', writeSchemaFile({ ...EVENTS, partitionKey: ['integer'] })], /partitionKey\[0\]: Invalid CQL type 'integer'/);
    await fails([dataFile, '--schema', writeSchemaFile({ ...EVENTS, clustering: [{ name: 'ck', type: 'int', order: 'UP' }] })], /clustering\[0\]: order must be "ASC" or "DESC"/);
    await fails([dataFile, '--schema', writeSchemaFile({ ...EVENTS, columns: [...EVENTS.columns, { name: 'v', type: 'int' }] })], /column 'v' is declared twice/);
  });

  test('a schema that does not match the SSTable', async () => {
    const mismatch = /The (schema does not match the SSTable|data does not decode with this schema)/;
    const withoutV = { ...EVENTS, columns: EVENTS.columns.filter((c) => c.name !== 'v') };
    expect(await fails([dataFile, '--schema', writeSchemaFile(withoutV)], mismatch)).toContain('column v is not in the table');
    expect(await fails([dataFile, '--schema', writeSchemaFile({ ...EVENTS, clustering: [] })], mismatch)).toContain('its rows have 1 clustering column(s), the schema declares 0');
    const twoCk = { ...EVENTS, clustering: [{ name: 'ck', type: 'int' }, { name: 'ck2', type: 'int' }] };
    expect(await fails([dataFile, '--schema', writeSchemaFile(twoCk)], mismatch)).toContain('the schema declares 2');
    expect(await fails([dataFile, '--schema', writeSchemaFile({ ...EVENTS, partitionKey: ['uuid'] })], mismatch)).toContain('partition key');
    const wrongType = { ...EVENTS, columns: EVENTS.columns.map((c) => (c.name === 'u' ? { name: 'u', type: 'int' } : c)) };
    expect(await fails([dataFile, '--schema', writeSchemaFile(wrongType), '-k', '1'], mismatch)).toContain('column u (int)');
  });

  test('a key that does not parse as the partition key type', async () => {
    await fails([dataFile, '--schema', schemaFile, '-k', 'abc'], /Invalid key 'abc' for a partition key \(int\): expected an integer/);
  });
});
