import fs from 'node:fs';
import path from 'node:path';
import { createIoBackend, hasErrorCode } from '@charybdis/core';
import type { PartitionUpdate } from '@charybdis/schema';
import { SSTABLE_COMPONENTS, SSTableErrorCodes, SSTableReader, SSTableWriter, listSSTables, sstableFileName } from '../src/sstable';
import type { SSTableComponent, SSTableIo } from '../src/sstable';
import { RANDOM_TABLE, mulberry32, randomInt } from './fixtures/random-partition-updates';
import { SSTableRecordingLogger, makeSSTableTempDir, plain, randomSortedPartitions, removeSSTableTempDirs } from './fixtures/sstable-test-kit';

const selection = createIoBackend();
const io: SSTableIo = { backend: selection.backend, ioClass: 'compaction' };

afterAll(async () => {
  await selection.backend.close();
  removeSSTableTempDirs();
});

const FORMAT = { chunkSizeBytes: 4096, partitionBlockSizeBytes: 1024, summaryInterval: 4 };
const PARTITIONS = randomSortedPartitions(mulberry32(3), RANDOM_TABLE, { partitions: 80, largeEvery: 40 });

function create(directory: string, generation: number, logger = new SSTableRecordingLogger()): Promise<SSTableWriter> {
  return SSTableWriter.create({ directory, generation, comparators: RANDOM_TABLE, io, expectedPartitions: 100, logger, ...FORMAT });
}

async function write(directory: string, generation: number, partitions: readonly PartitionUpdate[] = PARTITIONS): Promise<void> {
  const w = await create(directory, generation);
  for (const p of partitions) await w.append(p);
  await w.finish();
}

function open(directory: string, generation: number): Promise<SSTableReader> {
  return SSTableReader.open({ directory, generation, comparators: RANDOM_TABLE, io, logger: new SSTableRecordingLogger() });
}

async function errorOf(p: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message?: string };
  }
  throw new Error('expected a rejection');
}

describe('SSTableWriter errors', () => {
  test('out-of-order and duplicate partitions are refused', async () => {
    const directory = makeSSTableTempDir();
    const w = await create(directory, 1);
    await w.append(PARTITIONS[1]!);
    expect((await errorOf(w.append(PARTITIONS[0]!))).code).toBe(SSTableErrorCodes.OUT_OF_ORDER);
    expect((await errorOf(w.append(PARTITIONS[1]!))).code).toBe(SSTableErrorCodes.OUT_OF_ORDER);
    await w.append(PARTITIONS[2]!);
    expect(w.partitionsWritten).toBe(2);
    await w.finish();
    const r = await open(directory, 1);
    expect(plain(await r.readPartition(PARTITIONS[2]!.partitionKey, PARTITIONS[2]!.token))).toEqual(plain(PARTITIONS[2]));
    expect(await r.readPartition(PARTITIONS[0]!.partitionKey, PARTITIONS[0]!.token)).toBeNull();
    await r.close();
  });

  test('empty updates and empty SSTables are refused; abort leaves no files', async () => {
    const directory = makeSSTableTempDir();
    fs.writeFileSync(path.join(directory, 'unrelated.txt'), 'keep me');
    const w = await create(directory, 7);
    const p = PARTITIONS[0]!;
    const empty = { tableId: p.tableId, partitionKey: p.partitionKey, token: p.token, rows: [], rangeTombstones: [] };
    expect((await errorOf(w.append(empty))).code).toBe(SSTableErrorCodes.EMPTY);
    expect((await errorOf(w.finish())).code).toBe(SSTableErrorCodes.EMPTY);
    for (const x of PARTITIONS.slice(0, 20)) await w.append(x);
    expect(w.dataBytesWritten).toBeGreaterThan(0);
    await w.abort();
    expect(fs.readdirSync(directory)).toEqual(['unrelated.txt']);
    expect((await errorOf(w.append(PARTITIONS[30]!))).code).toBe(SSTableErrorCodes.CLOSED);
  });

  test('a generation that already exists is refused', async () => {
    const directory = makeSSTableTempDir();
    await write(directory, 2, PARTITIONS.slice(0, 3));
    expect((await errorOf(create(directory, 2))).code).toBe(SSTableErrorCodes.INVALID_ARGUMENT);
  });
});

describe('listSSTables', () => {
  test('removes partial generations (no TOC), keeps complete ones and unknown files', async () => {
    const directory = makeSSTableTempDir();
    await write(directory, 12, PARTITIONS.slice(0, 5));
    await write(directory, 3, PARTITIONS.slice(5, 9));
    // An interrupted write: Data and Index streamed, no TOC.
    const w = await create(directory, 8);
    for (const p of PARTITIONS.slice(0, 5)) await w.append(p);
    // A crash between TOC removal and the rest of a delete.
    await write(directory, 5, PARTITIONS.slice(0, 2));
    fs.unlinkSync(path.join(directory, sstableFileName(5, 'TOC')));
    fs.writeFileSync(path.join(directory, 'cha-notes.txt'), 'x');
    const logger = new SSTableRecordingLogger();
    const result = await listSSTables(directory, logger);
    expect(result).toEqual({ generations: [3, 12], removedPartial: [5, 8] });
    expect(fs.readdirSync(directory).filter((f) => /^cha-(5|8)-/.test(f))).toEqual([]);
    expect(fs.existsSync(path.join(directory, 'cha-notes.txt'))).toBe(true);
    const warned = logger.warnings().map((l) => l.obj);
    expect(warned).toEqual([
      expect.objectContaining({ generation: 5, files: expect.arrayContaining([sstableFileName(5, 'Data')]) as unknown }),
      expect.objectContaining({ generation: 8, files: [sstableFileName(8, 'Data'), sstableFileName(8, 'Index')] }),
    ]);
    await (await open(directory, 3)).close();
    await w.abort();
  });

  test('a TOC torn while being written (a crash before its rename) leaves the generation partial, never complete', async () => {
    const directory = makeSSTableTempDir();
    await write(directory, 4, PARTITIONS.slice(0, 3));
    const toc = path.join(directory, sstableFileName(4, 'TOC'));
    // What a kill between creating and finishing the TOC leaves now: its temporary file, torn.
    fs.renameSync(toc, `${toc}.tmp`);
    fs.truncateSync(`${toc}.tmp`, 3);
    const result = await listSSTables(directory, new SSTableRecordingLogger());
    expect(result).toEqual({ generations: [], removedPartial: [4] });
    expect(fs.readdirSync(directory)).toEqual([]);
  });
});

describe('SSTable corruption', () => {
  /** Opens, reads every partition, scans and verifies: the first error, or null when all succeed. */
  async function readEverything(directory: string, generation: number): Promise<{ code?: string; message?: string } | null> {
    try {
      const r = await open(directory, generation);
      try {
        for (const p of PARTITIONS) await r.readPartition(p.partitionKey, p.token);
        for await (const _ of r.scan()) void _;
        await r.verify();
      } finally {
        await r.close();
      }
      return null;
    } catch (err) {
      return err as { code?: string; message?: string };
    }
  }

  const rng = mulberry32(1234);
  const components: SSTableComponent[] = SSTABLE_COMPONENTS.filter(() => true);

  test.each(components)('a flipped byte in %s is detected and names the file', async (component) => {
    for (let round = 0; round < 6; round++) {
      const directory = makeSSTableTempDir();
      await write(directory, 1);
      const file = path.join(directory, sstableFileName(1, component));
      const bytes = fs.readFileSync(file);
      const at = randomInt(rng, bytes.length);
      bytes[at] = bytes[at]! ^ (1 << randomInt(rng, 8));
      fs.writeFileSync(file, bytes);
      const err = await readEverything(directory, 1);
      expect(err?.code).toBe(SSTableErrorCodes.CORRUPT);
      expect(err?.message).toContain(file);
    }
  });

  test.each(components)('a truncated %s is detected and names the file', async (component) => {
    const directory = makeSSTableTempDir();
    await write(directory, 1);
    const file = path.join(directory, sstableFileName(1, component));
    fs.truncateSync(file, randomInt(rng, fs.statSync(file).size));
    const err = await readEverything(directory, 1);
    expect(err?.code).toBe(SSTableErrorCodes.CORRUPT);
    expect(err?.message).toContain(file);
  });

  test.each(components)('a missing %s is SSTABLE_MISSING_COMPONENT', async (component) => {
    const directory = makeSSTableTempDir();
    await write(directory, 1);
    fs.unlinkSync(path.join(directory, sstableFileName(1, component)));
    const err = await errorOf(open(directory, 1));
    expect(err.code).toBe(SSTableErrorCodes.MISSING_COMPONENT);
    expect(err.message).toContain(sstableFileName(1, component));
  });

  test('reads after close are refused; delete removes every file; linkInto makes a usable copy', async () => {
    const directory = makeSSTableTempDir();
    const snapshot = makeSSTableTempDir();
    await write(directory, 9);
    const r = await open(directory, 9);
    await r.linkInto(snapshot);
    await r.delete();
    expect(fs.readdirSync(directory)).toEqual([]);
    expect(hasErrorCode(await errorOf(r.readPartition(PARTITIONS[0]!.partitionKey, PARTITIONS[0]!.token)), SSTableErrorCodes.CLOSED)).toBe(true);
    const copy = await open(snapshot, 9);
    await copy.verify();
    expect(plain(await copy.readPartition(PARTITIONS[3]!.partitionKey, PARTITIONS[3]!.token))).toEqual(plain(PARTITIONS[3]));
    await copy.close();
  });
});
