import { promises as fs, existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { ReplicaErrorCodes } from '../src';
import type { ReplicaDatabase, Table } from '../src';
import { ReplicaTestDirs, kvTable, writeRow } from './fixtures/replica-test-kit';

/** What the REST admin API asks of a shard's database: snapshots, running compactions, auto-compaction. */

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

async function open(): Promise<{ db: ReplicaDatabase; table: Table }> {
  db = await dirs.open(dirs.storage());
  const table = await db.addTable(kvTable({ compaction: { class: 'SizeTieredCompactionStrategy', min_threshold: '2', min_sstable_size: '1' } }));
  await db.replay();
  return { db, table };
}

/** Lets background work (compactions, with their file I/O) run until `done`, polling up to `rounds` times. */
async function settle(done: () => boolean, rounds = 2000): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('snapshots', () => {
  test('listSnapshots reports each tag with its size; true size grows once the live SSTables are compacted away', async () => {
    const { db: d, table } = await open();
    d.compactions.setAutoCompaction(table, false);
    await d.apply(writeRow(1, 1, 'a', 1n));
    await table.flush();
    await d.apply(writeRow(2, 1, 'b', 1n));
    await d.snapshot('first');
    const [snap] = await d.listSnapshots();
    expect(snap).toMatchObject({ tag: 'first', keyspace: 'ks', table: 't', tableId: table.id, trueSizeBytes: 0 });
    expect(snap!.sizeBytes).toBe(table.stats().sstableBytes);
    await d.compactions.compactAll(table);
    // The compacted-away inputs are unlinked in the background once no read holds them.
    let after = (await d.listSnapshots())[0]!;
    for (let i = 0; i < 400 && after.trueSizeBytes < after.sizeBytes; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      after = (await d.listSnapshots())[0]!;
    }
    expect(after.trueSizeBytes).toBe(after.sizeBytes);
  });

  test('clearSnapshot removes one tag or all of them, and only the snapshot folders', async () => {
    const { db: d, table } = await open();
    await d.apply(writeRow(1, 1, 'a', 1n));
    await d.snapshot('one');
    await d.snapshot('two');
    expect((await d.listSnapshots()).map((s) => s.tag)).toEqual(['one', 'two']);
    expect(await d.clearSnapshot('one')).toBe(1);
    expect((await d.listSnapshots()).map((s) => s.tag)).toEqual(['two']);
    expect(existsSync(path.dirname(table.directories.snapshot('one')))).toBe(false);
    expect(await d.clearSnapshot('absent')).toBe(0);
    expect(await d.clearSnapshot(null)).toBe(1);
    expect(await d.listSnapshots()).toEqual([]);
    expect(existsSync(table.directories.snapshots)).toBe(false);
    expect((await fs.readdir(table.directories.shard)).some((f) => f.endsWith('-TOC.txt'))).toBe(true);
  });

  test('a snapshot with a TTL records its times and is removed once it has expired', async () => {
    let nowMs = 1_800_000_000_500;
    db = await dirs.open(dirs.storage({ nowMs: () => nowMs }));
    const table = await db.addTable(kvTable());
    await db.replay();
    await db.apply(writeRow(1, 1, 'a', 1n));
    await db.snapshot('kept');
    await db.snapshot('short', undefined, { ttlSeconds: 60 });
    const byTag = new Map((await db.listSnapshots()).map((s) => [s.tag, s]));
    expect(byTag.get('kept')).toMatchObject({ createdAtMs: 1_800_000_000_000, expiresAtMs: null });
    expect(byTag.get('short')).toMatchObject({ createdAtMs: 1_800_000_000_000, expiresAtMs: 1_800_000_060_000, trueSizeBytes: 0 });
    expect(await db.clearExpiredSnapshots()).toBe(0);
    nowMs += 60_000;
    expect(await db.clearExpiredSnapshots()).toBe(1);
    expect((await db.listSnapshots()).map((s) => s.tag)).toEqual(['kept']);
    expect(existsSync(path.dirname(table.directories.snapshot('short')))).toBe(false);
    await expect(db.snapshot('bad', undefined, { ttlSeconds: 0 })).rejects.toMatchObject({ code: ReplicaErrorCodes.INVALID_ARGUMENT });
  });

  test('skipFlush snapshots only what is already in SSTables', async () => {
    const { db: d, table } = await open();
    await d.apply(writeRow(1, 1, 'a', 1n));
    await d.snapshot('unflushed', undefined, { skipFlush: true });
    expect(readdirSync(table.directories.snapshot('unflushed'))).toEqual(['manifest.json']);
    expect(table.stats().memtablePartitions).toBe(1);
  });

  test('clearSnapshot refuses a tag that is not a folder name', async () => {
    const { db: d } = await open();
    await expect(d.clearSnapshot('../x')).rejects.toMatchObject({ code: ReplicaErrorCodes.INVALID_ARGUMENT });
  });
});

describe('compactions', () => {
  test('a major compaction is listed as running with its inputs until it finishes', async () => {
    const { db: d, table } = await open();
    d.compactions.setAutoCompaction(table, false);
    for (let round = 0; round < 3; round++) {
      for (let pk = 0; pk < 20; pk++) await d.apply(writeRow(pk, round, 'v', BigInt(round + 1)));
      await table.flush();
    }
    const inputs = table.sstables.map((r) => r.generation);
    const done = d.compactions.compactAll(table);
    const [running] = d.compactions.running();
    expect(running).toMatchObject({ keyspace: 'ks', table: 't', tableId: table.id, reason: 'major', inputs });
    expect(running!.progress.partitionsInTotal).toBe(60);
    await done;
    expect(d.compactions.running()).toEqual([]);
    expect(table.stats().sstableCount).toBe(1);
  });

  test('with auto-compaction off the strategy starts nothing; turned back on, it compacts', async () => {
    const { db: d, table } = await open();
    d.compactions.setAutoCompaction(table, false);
    expect(d.compactions.autoCompactionEnabled(table)).toBe(false);
    for (let round = 0; round < 4; round++) {
      await d.apply(writeRow(round, 1, 'v', 1n));
      await table.flush();
    }
    await settle(() => false, 20); // time enough for the pump to have started a task if it were allowed to
    expect(table.stats().sstableCount).toBe(4);
    d.compactions.setAutoCompaction(table, true);
    await settle(() => table.stats().sstableCount < 4 && d.compactions.running().length === 0);
    expect(table.stats().sstableCount).toBeLessThan(4);
  });
});
