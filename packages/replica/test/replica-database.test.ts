import { promises as fs, existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { MetricsRegistry, hasErrorCode, renderPrometheus } from '@charybdis/core';
import { BOTTOM_BOUND, TOP_BOUND, emptyPartitionUpdate, liveCell, murmur3Token, nativeType, normalizePartitionUpdate } from '@charybdis/schema';
import type { ReadCommand } from '@charybdis/storage';
import { sstableFileName } from '@charybdis/storage';
import { ReplicaErrorCodes } from '../src';
import type { ReplicaDatabase, Table } from '../src';
import { RecordingLoggerDouble, ReplicaTestDirs, deletePartition, int, kvTable, text, writeRow } from './fixtures/replica-test-kit';

const NOW_SECONDS = Math.floor(Date.now() / 1000);

function command(overrides: Partial<ReadCommand> = {}): ReadCommand {
  return { slices: [{ start: BOTTOM_BOUND, end: TOP_BOUND }], reversed: false, rowLimit: Infinity, nowSeconds: NOW_SECONDS, ...overrides };
}

/** The rows of partition pk as [ck, v] pairs. */
async function rows(table: Table, pk: number, overrides: Partial<ReadCommand> = {}): Promise<[number, string | null][]> {
  const key = int.serialize(pk);
  const result = await table.read(key, murmur3Token(key), command(overrides));
  return (result.partition?.rows ?? []).map((r) => {
    const v = r.cells.find((c) => c.column === 'v');
    return [int.deserialize(r.clustering[0]!) as number, v !== undefined && v.kind === 'simple' ? (text.deserialize(v.value) as string) : null];
  });
}

let dirs: ReplicaTestDirs;
let db: ReplicaDatabase | undefined;

beforeEach(() => {
  dirs = new ReplicaTestDirs();
});

afterEach(async () => {
  await db?.stop();
  db = undefined;
  await dirs.close();
});

async function openFresh(logger = new RecordingLoggerDouble(), nowMs?: () => number): Promise<{ db: ReplicaDatabase; table: Table; logger: RecordingLoggerDouble }> {
  db = await dirs.open(dirs.storage({ logger, nowMs }));
  const table = await db.addTable(kvTable({ compaction: { class: 'SizeTieredCompactionStrategy', min_threshold: '2', min_sstable_size: '1' } }));
  await db.replay();
  return { db, table, logger };
}

async function restart(logger = new RecordingLoggerDouble()): Promise<{ db: ReplicaDatabase; table: Table }> {
  await db?.stop();
  db = undefined;
  return openFresh(logger);
}

describe('ReplicaDatabase', () => {
  test('writes are readable from the memtable, after a flush, and after a restart', async () => {
    const { db: d } = await openFresh();
    let table = d.table(kvTable().id);
    await d.apply(writeRow(1, 1, 'a', 1n));
    await d.apply(writeRow(1, 2, 'b', 1n));
    expect(await rows(table, 1)).toEqual([[1, 'a'], [2, 'b']]);
    await table.flush();
    expect(table.stats().sstableCount).toBe(1);
    await d.apply(writeRow(1, 2, 'B', 2n)); // newer, in the memtable
    await d.apply(writeRow(1, 3, 'c', 1n));
    expect(await rows(table, 1)).toEqual([[1, 'a'], [2, 'B'], [3, 'c']]);
    expect(await rows(table, 1, { reversed: true, rowLimit: 2 })).toEqual([[3, 'c'], [2, 'B']]);
    ({ table } = await restart()); // the unflushed writes come back from the commitlog
    expect(await rows(table, 1)).toEqual([[1, 'a'], [2, 'B'], [3, 'c']]);
    expect(await rows(table, 2)).toEqual([]);
  });

  test('replay applies the commitlog, flushes it, and recycles the segments', async () => {
    const { db: d } = await openFresh();
    for (let i = 0; i < 300; i++) await d.apply(writeRow(i, 0, 'x'.repeat(400), 1n));
    expect(d.commitlogStats().segmentsCreated).toBeGreaterThan(1);
    const logger = new RecordingLoggerDouble();
    await d.stop();
    db = await dirs.open(dirs.storage({ logger }));
    const table = await db.addTable(kvTable());
    const report = await db.replay();
    expect(report.applied).toBe(300);
    expect(table.stats().sstableCount).toBeGreaterThanOrEqual(1);
    expect(table.stats().memtablePartitions).toBe(0);
    for (const pk of [0, 150, 299]) expect(await rows(table, pk)).toEqual([[0, 'x'.repeat(400)]]);
    // Everything is in SSTables now: a second restart has nothing to replay.
    await db.stop();
    db = await dirs.open(dirs.storage());
    await db.addTable(kvTable());
    expect((await db.replay()).applied).toBe(0);
  });

  test('a first replay pass for the schema tables, then the full replay once the other tables are known', async () => {
    const { db: d, table } = await openFresh();
    const other = await d.addTable(kvTable({ name: 'other', id: 'd4b7c1d0-1111-4222-8333-944455556666' }));
    await d.apply(writeRow(1, 1, 'schema-ish', 1n));
    await d.apply(writeRow(1, 1, 'user data', 1n, undefined, other.id));
    await d.stop();
    db = await dirs.open(dirs.storage());
    const first = await db.addTable(kvTable());
    const pass = await db.replay({ onlyTables: new Set([first.id]) });
    expect(pass.applied).toBe(1);
    expect(await rows(first, 1)).toEqual([[1, 'schema-ish']]);
    await first.flush(); // a flush now must not recycle segments holding the other table's entries
    const second = await db.addTable(kvTable({ name: 'other', id: other.id }));
    await db.replay();
    expect(await rows(second, 1)).toEqual([[1, 'user data']]);
    expect(table.id).toBe(first.id);
  });

  test('a replay larger than memory flushes as it goes and loses nothing (no segment recycled before it is replayed)', async () => {
    db = await dirs.open(dirs.storage({ budgetBytes: 64 * 1024 * 1024 }));
    await db.addTable(kvTable());
    await db.replay();
    for (let i = 0; i < 4000; i++) await db.apply(writeRow(i, 0, 'r'.repeat(600), 1n));
    await db.stop(); // no flush: everything is only in the commitlog
    db = await dirs.open(dirs.storage({ budgetBytes: 1024 * 1024 }));
    const table = await db.addTable(kvTable());
    const report = await db.replay();
    expect(report.applied).toBe(4000);
    expect(table.stats().flushes).toBeGreaterThan(1);
    for (const pk of [0, 1234, 3999]) expect(await rows(table, pk)).toEqual([[0, 'r'.repeat(600)]]);
    await db.stop();
    db = await dirs.open(dirs.storage({ budgetBytes: 64 * 1024 * 1024 }));
    const again = await db.addTable(kvTable());
    await db.replay();
    let found = 0;
    for (let pk = 0; pk < 4000; pk += 7) if ((await rows(again, pk)).length === 1) found++;
    expect(found).toBe(Math.ceil(4000 / 7));
  });

  test('a flush lets the commitlog recycle what it covered', async () => {
    const { db: d, table } = await openFresh();
    for (let i = 0; i < 400; i++) await d.apply(writeRow(i, 0, 'y'.repeat(400), 1n));
    const before = d.commitlogStats();
    await table.flush();
    await d.apply(writeRow(1, 1, 'z', 2n)); // lets the discard run after the flush
    await new Promise((r) => setImmediate(r));
    await d.flushAll();
    const after = d.commitlogStats();
    expect(after.segmentsRecycled + after.segmentsDeleted).toBeGreaterThan(before.segmentsRecycled + before.segmentsDeleted);
  });

  test('deletes and TTLs are applied by reads, across memtable and SSTables', async () => {
    const { db: d, table } = await openFresh();
    await d.apply(writeRow(5, 1, 'keep', 1n));
    await d.apply(writeRow(5, 2, 'gone', 1n));
    await table.flush();
    await d.apply(writeRow(5, 2, null, 2n)); // UPDATE … SET v = null: the INSERT's row marker keeps the row
    await d.apply(writeRow(5, 3, 'short', 3n, { ttlSeconds: 10, nowSeconds: NOW_SECONDS - 20 })); // expired row
    expect(await rows(table, 5)).toEqual([[1, 'keep'], [2, null]]);
    await d.apply(deletePartition(6, 5n, NOW_SECONDS));
    await d.apply(writeRow(6, 1, 'old', 4n));
    await d.apply(writeRow(6, 2, 'new', 6n));
    expect(await rows(table, 6)).toEqual([[2, 'new']]);
  });

  test('range reads page over memtables and SSTables', async () => {
    const { db: d, table } = await openFresh();
    for (let pk = 0; pk < 40; pk++) {
      await d.apply(writeRow(pk, 1, `v${pk}`, 1n));
      if (pk === 20) await table.flush();
    }
    const seen: number[] = [];
    let pagingState;
    for (let page = 0; page < 20; page++) {
      const r = await table.readRange({ ...command({ rowLimit: 7, pagingState }) });
      for (const p of r.partitions) seen.push(int.deserialize(p.partitionKey) as number);
      pagingState = r.pagingState ?? undefined;
      if (pagingState === undefined) break;
    }
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
  });

  test('size-tiered compaction merges flushed SSTables and keeps the data; its metrics count it', async () => {
    const registry = new MetricsRegistry();
    db = await dirs.open({ ...dirs.storage(), metrics: registry });
    const d = db;
    const table = await d.addTable(kvTable({ compaction: { class: 'SizeTieredCompactionStrategy', min_threshold: '2', min_sstable_size: '1' } }));
    await d.replay();
    for (let round = 0; round < 4; round++) {
      for (let pk = 0; pk < 50; pk++) await d.apply(writeRow(pk, round, `r${round}`, BigInt(round + 1)));
      await table.flush();
    }
    await d.compactions.compactAll(table);
    expect(table.stats().sstableCount).toBe(1);
    for (const pk of [0, 25, 49]) expect(await rows(table, pk)).toEqual([[0, 'r0'], [1, 'r1'], [2, 'r2'], [3, 'r3']]);
    const files = readdirSync(table.directories.shard).filter((f) => f.endsWith('-TOC.txt'));
    expect(files).toHaveLength(1);
    const text = renderPrometheus([{ shard: 0, snapshot: registry.collect() }]);
    expect(text).toMatch(/compaction_tasks_completed_total\{[^}]*ks="ks",table="t"[^}]*\} [1-9]/);
    expect(text).toMatch(/compaction_bytes_written_total\{[^}]*ks="ks",table="t"[^}]*\} [1-9]/);
    expect(text).toContain('compaction_backlog_bytes');
  });

  test('compaction purges tombstones only after gc_grace_seconds', async () => {
    let nowMs = Date.now();
    db = await dirs.open(dirs.storage({ nowMs: () => nowMs }));
    const table = await db.addTable(kvTable({ gcGraceSeconds: 100 }));
    await db.replay();
    const nowSeconds = Math.floor(nowMs / 1000);
    await db.apply(writeRow(7, 1, 'x', 1n));
    await table.flush();
    await db.apply(deletePartition(7, 2n, nowSeconds));
    await table.flush();
    await db.compactions.compactAll(table);
    expect(table.stats().sstableCount).toBe(1); // the tombstone stays: gc_grace has not passed
    expect(await rows(table, 7)).toEqual([]);
    nowMs += 200_000;
    await db.compactions.compactAll(table);
    expect(table.stats().sstableCount).toBe(0); // tombstone and shadowed row both gone
    expect(await rows(table, 7)).toEqual([]);
  });

  test('truncate removes the data for good, including from the commitlog', async () => {
    const { db: d } = await openFresh();
    let table = d.table(kvTable().id);
    await d.apply(writeRow(1, 1, 'a', 1n));
    await table.flush();
    await d.apply(writeRow(2, 1, 'b', 1n));
    await d.truncate(table.id);
    expect(await rows(table, 1)).toEqual([]);
    expect(await rows(table, 2)).toEqual([]);
    await d.apply(writeRow(3, 1, 'after', 2n));
    ({ table } = await restart());
    expect(await rows(table, 1)).toEqual([]);
    expect(await rows(table, 2)).toEqual([]);
    expect(await rows(table, 3)).toEqual([[1, 'after']]);
  });

  test('snapshot hard-links the SSTables into snapshots/<tag>', async () => {
    const { db: d, table } = await openFresh();
    await d.apply(writeRow(1, 1, 'a', 1n));
    const [dir] = await d.snapshot('before-upgrade');
    expect(dir).toBe(table.directories.snapshot('before-upgrade'));
    const linked = readdirSync(dir!);
    expect(linked).toContain(sstableFileName(1, 'TOC'));
    const stat = await fs.stat(path.join(dir!, sstableFileName(1, 'Data')));
    expect(stat.nlink).toBe(2);
    await expect(d.snapshot('../escape')).rejects.toMatchObject({ code: ReplicaErrorCodes.INVALID_ARGUMENT });
  });

  test('a corrupt SSTable marks only its table failed, naming the file', async () => {
    const { db: d, table } = await openFresh();
    const other = await d.addTable(kvTable({ name: 'other', id: 'a2b7c1d0-1111-4222-8333-944455556666' }));
    await d.apply(writeRow(1, 1, 'a', 1n));
    await d.apply(writeRow(1, 1, 'o', 1n, undefined, other.id));
    await d.flushAll();
    const dataFile = path.join(table.directories.shard, sstableFileName(1, 'Statistics'));
    const bytes = await fs.readFile(dataFile);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await fs.writeFile(dataFile, bytes);
    await d.stop();
    const logger = new RecordingLoggerDouble();
    db = await dirs.open(dirs.storage({ logger }));
    const broken = await db.addTable(kvTable());
    const fine = await db.addTable(kvTable({ name: 'other', id: 'a2b7c1d0-1111-4222-8333-944455556666' }));
    await db.replay();
    expect(broken.failure?.message).toContain(dataFile);
    const key = int.serialize(1);
    await expect(broken.read(key, murmur3Token(key), command())).rejects.toMatchObject({ code: ReplicaErrorCodes.TABLE_FAILED });
    await expect(db.apply(writeRow(2, 1, 'b', 2n))).rejects.toMatchObject({ code: ReplicaErrorCodes.TABLE_FAILED });
    expect(await rows(fine, 1)).toEqual([[1, 'o']]);
    expect(logger.messages('error')).toContain('table marked failed');
  });

  test('start-up completes an interrupted compaction and drops partial SSTables', async () => {
    const { db: d, table } = await openFresh();
    await d.apply(writeRow(1, 1, 'old', 1n));
    await table.flush(); // generation 1
    await d.apply(writeRow(1, 1, 'new', 2n));
    await table.flush(); // generation 2
    const shardDir = table.directories.shard;
    await d.stop();
    db = undefined;
    // A crash after the compaction log said "generation 1 is replaced" but before it went:
    await fs.writeFile(path.join(shardDir, 'compaction-99.log'), JSON.stringify({ version: 1, inputs: [1] }));
    // ... and a flush that died before its TOC:
    await fs.writeFile(path.join(shardDir, sstableFileName(7, 'Data')), 'partial');
    const { table: t2 } = await openFresh();
    // Generation 1 is gone; 2 stays (replay may flush what the commitlog still held as a new one).
    expect(t2.sstables.map((s) => s.generation)).toContain(2);
    expect(t2.sstables.map((s) => s.generation)).not.toContain(1);
    expect(t2.sstables.map((s) => s.generation)).not.toContain(7);
    expect(existsSync(path.join(shardDir, 'compaction-99.log'))).toBe(false);
    expect(existsSync(path.join(shardDir, sstableFileName(7, 'Data')))).toBe(false);
    expect(await rows(t2, 1)).toEqual([[1, 'new']]);
  });

  test('dropping a table removes its files and its data does not come back from the commitlog', async () => {
    const { db: d, table } = await openFresh();
    await d.apply(writeRow(1, 1, 'a', 1n));
    await table.flush();
    await d.apply(writeRow(2, 1, 'b', 1n)); // only in the memtable and the commitlog
    const dir = table.directories.shard;
    await d.dropTable(table.id);
    expect(existsSync(dir)).toBe(false);
    expect(() => d.table(table.id)).toThrow(expect.objectContaining({ code: ReplicaErrorCodes.UNKNOWN_TABLE }) as Error);
    await d.stop();
    db = await dirs.open(dirs.storage());
    // Re-created with the same name, as CQL does: a new table id, so nothing of the old one applies.
    const again = await db.addTable(kvTable({ id: 'c3b7c1d0-1111-4222-8333-944455556666' }));
    const report = await db.replay();
    expect(report.unknownTable).toBeGreaterThanOrEqual(1);
    expect(report.applied).toBe(0);
    expect(await rows(again, 1)).toEqual([]);
    expect(await rows(again, 2)).toEqual([]);
  });

  test('ALTER TABLE: a new column is writable at once; data before and after reads back, also after a restart', async () => {
    const { db: d, table } = await openFresh();
    await d.apply(writeRow(1, 1, 'before', 1n));
    const base = kvTable();
    const altered = { ...base, schema: { ...base.schema, columns: [...base.schema.columns, { name: 'w', type: nativeType('int') }] }, compaction: { class: 'LeveledCompactionStrategy' } };
    d.alterTable(altered);
    const key = int.serialize(1);
    const withW = normalizePartitionUpdate(
      { ...emptyPartitionUpdate(base.id, key), rows: [{ clustering: [int.serialize(2)], marker: { timestampUs: 2n }, columns: [{ kind: 'simple', column: 'w', cell: liveCell(2n, int.serialize(42)) }] }] },
      table.comparators,
    );
    await d.apply(withW);
    await table.flush();
    const read = async (t: Table): Promise<unknown[]> => {
      const r = await t.read(key, murmur3Token(key), command());
      return (r.partition?.rows ?? []).map((row) => row.cells.map((c) => (c.kind === 'simple' ? `${c.column}=${Buffer.from(c.value).toString('hex')}` : c.column)));
    };
    const expected = [['v=6265666f7265'], ['w=0000002a']];
    expect(await read(table)).toEqual(expected);
    await d.stop();
    db = await dirs.open(dirs.storage());
    const reopened = await db.addTable(altered);
    await db.replay();
    expect(await read(reopened)).toEqual(expected);
    expect(() => db!.alterTable({ ...altered, id: '00000000-0000-4000-8000-000000000001' })).toThrow(expect.objectContaining({ code: ReplicaErrorCodes.UNKNOWN_TABLE }) as Error);
  });

  test('bad input: unknown table, duplicate table, bad compaction options', async () => {
    const { db: d } = await openFresh();
    await expect(d.apply(writeRow(1, 1, 'a', 1n, undefined, '00000000-0000-4000-8000-000000000000'))).rejects.toMatchObject({ code: ReplicaErrorCodes.UNKNOWN_TABLE });
    await expect(d.addTable(kvTable())).rejects.toMatchObject({ code: ReplicaErrorCodes.TABLE_EXISTS });
    await expect(d.addTable(kvTable({ name: 'x', id: 'b2b7c1d0-1111-4222-8333-944455556666', compaction: { class: 'NoSuchStrategy' } }))).rejects.toMatchObject({
      code: ReplicaErrorCodes.INVALID_ARGUMENT,
    });
    expect(() => d.tableByName('ks', 'missing')).toThrow('unknown table ks.missing');
    await d.stop();
    await expect(d.apply(writeRow(1, 1, 'a', 1n))).rejects.toMatchObject({ code: ReplicaErrorCodes.STOPPED });
    db = undefined;
  });

  test('memory pressure flushes memtables instead of failing writes', async () => {
    db = await dirs.open(dirs.storage({ budgetBytes: 2 * 1024 * 1024 }));
    const table = await db.addTable(kvTable());
    await db.replay();
    for (let i = 0; i < 3000; i++) await db.apply(writeRow(i, 0, 'p'.repeat(1000), 1n));
    await db.flushAll();
    expect(table.stats().flushes).toBeGreaterThan(1);
    for (const pk of [0, 1500, 2999]) expect(await rows(table, pk)).toEqual([[0, 'p'.repeat(1000)]]);
    expect(hasErrorCode(table.failure, ReplicaErrorCodes.TABLE_FAILED)).toBe(false);
  });
});
