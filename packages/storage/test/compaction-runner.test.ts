import { MetricsRegistry, hasErrorCode } from '@charybdis/core';
import { encodePartitionUpdate, isEmptyPartitionUpdate, mergeManyPartitionUpdates, purgePartitionUpdate } from '@charybdis/schema';
import type { PartitionUpdate } from '@charybdis/schema';
import { COMPACTION_YIELD_EVERY_PARTITIONS, CompactionErrorCodes, CompactionMetrics, NO_DATA_OUTSIDE_COMPACTION, runCompaction } from '../src/compaction';
import type { CompactionProgress, RunCompactionOptions } from '../src/compaction';
import { comparePartitionUpdates } from '../src/partition-stream';
import fs from 'node:fs';
import { createIoBackend } from '@charybdis/core';
import { SSTableReader, SSTableWriter, sstableFileName } from '../src/sstable';
import type { SSTableIo, SSTableReaderApi } from '../src/sstable';
import { InMemorySSTableDouble, RecordingSSTableWriterDouble } from './fixtures/compaction-doubles';
import { SSTableRecordingLogger, makeSSTableTempDir, removeSSTableTempDirs } from './fixtures/sstable-test-kit';
import {
  COMPACTION_TABLE_ID,
  RANDOM_NOW_SECONDS,
  compactionComparators as comparators,
  compactionRng,
  intCodec,
  randomKeys,
  randomPartitionUpdate,
  readView,
} from './fixtures/compaction-random';
import type { CompactionRng, RandomKey } from './fixtures/compaction-random';

const MIN_INT64 = -(1n << 63n);
const hex = (u: PartitionUpdate): string => encodePartitionUpdate(u).toString('hex');
const keyId = (u: { token: bigint; partitionKey: Uint8Array }): string => `${u.token}:${Buffer.from(u.partitionKey).toString('hex')}`;

/** 2..5 inputs over a shared key set, each partition the merge of 1–2 random writes. */
function randomInputs(r: CompactionRng, keyCount = 40): InMemorySSTableDouble[] {
  const keys = randomKeys(r, keyCount);
  const inputs: InMemorySSTableDouble[] = [];
  for (let g = 1, n = 2 + r.int(4); g <= n; g++) {
    const partitions = keys
      .filter(() => r.chance(0.5))
      .map((k) => mergeManyPartitionUpdates(Array.from({ length: 1 + r.int(2) }, () => randomPartitionUpdate(r, k)), comparators));
    if (partitions.length === 0) partitions.push(randomPartitionUpdate(r, keys[0]!));
    inputs.push(new InMemorySSTableDouble(g, partitions, comparators));
  }
  return inputs;
}

/** What the compaction must produce: the merge of every input's partition per key, purged, empty ones dropped, in partition order. */
function expectedOutput(
  inputs: readonly InMemorySSTableDouble[],
  nowSeconds: number,
  gcGraceSeconds: number,
  maxPurgeable: (key: Uint8Array, token: bigint) => bigint,
): PartitionUpdate[] {
  const byKey = new Map<string, PartitionUpdate[]>();
  for (const input of inputs) for (const p of input.partitions) byKey.set(keyId(p), [...(byKey.get(keyId(p)) ?? []), p]);
  const out: PartitionUpdate[] = [];
  for (const list of byKey.values()) {
    const merged = mergeManyPartitionUpdates(list, comparators);
    const purged = purgePartitionUpdate(
      merged,
      { nowSeconds, gcBeforeSeconds: nowSeconds - gcGraceSeconds, maxPurgeableTimestampUs: maxPurgeable(merged.partitionKey, merged.token) },
      comparators,
    );
    if (!isEmptyPartitionUpdate(purged)) out.push(purged);
  }
  return out.sort(comparePartitionUpdates);
}

/** A per-key mix: nothing outside (all purgeable), data at ts 10 outside, or data older than everything outside. */
function mixedMaxPurgeable(key: Uint8Array): bigint {
  const pick = key[0]! % 3;
  return pick === 0 ? NO_DATA_OUTSIDE_COMPACTION : pick === 1 ? 10n : MIN_INT64;
}

function writerFactory(): { writers: RecordingSSTableWriterDouble[]; createWriter: (expected: number) => Promise<RecordingSSTableWriterDouble> } {
  const writers: RecordingSSTableWriterDouble[] = [];
  return {
    writers,
    createWriter: (expected) => {
      const w = new RecordingSSTableWriterDouble(1000 + writers.length, expected, comparators);
      writers.push(w);
      return Promise.resolve(w);
    },
  };
}

function baseOptions(
  inputs: readonly InMemorySSTableDouble[],
  createWriter: (expected: number) => Promise<RecordingSSTableWriterDouble>,
): RunCompactionOptions<RecordingSSTableWriterDouble> {
  return {
    inputs,
    comparators,
    createWriter,
    maxOutputBytes: Infinity,
    nowSeconds: RANDOM_NOW_SECONDS,
    gcGraceSeconds: 100,
    maxPurgeableTimestamp: mixedMaxPurgeable,
  };
}

async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('runCompaction', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('writes the purged merge of all inputs, in order (seed %i)', async (seed) => {
    const r = compactionRng(seed);
    const inputs = randomInputs(r);
    const { writers, createWriter } = writerFactory();
    const gcGraceSeconds = r.pick([0, 100, 250]);
    const result = await runCompaction({ ...baseOptions(inputs, createWriter), gcGraceSeconds });
    const want = expectedOutput(inputs, RANDOM_NOW_SECONDS, gcGraceSeconds, mixedMaxPurgeable);
    const got = result.outputs.flatMap((o) => o.writer.appended);
    expect(got.map(hex)).toEqual(want.map(hex));
    expect(result.outputs.map((o) => o.writer)).toEqual(writers);
    expect(writers).toHaveLength(1);
    expect(writers[0]!.state).toBe('finished');
    expect(result.outputs[0]!.stats.partitionCount).toBe(want.length);
    expect(result.partitionsIn).toBe(inputs.reduce((n, i) => n + i.partitions.length, 0));
    expect(result.partitionsMerged).toBe(new Set(inputs.flatMap((i) => i.partitions.map(keyId))).size);
    expect(result.partitionsOut).toBe(want.length);
    expect(result.bytesRead).toBe(inputs.reduce((n, i) => n + i.stats.dataSizeBytes, 0));
    expect(result.bytesWritten).toBe(writers[0]!.dataBytesWritten);
    expect(writers[0]!.expectedPartitions).toBe(result.partitionsIn);
    expect(inputs.every((i) => i.scansStarted === 1 && i.scansClosed === 1)).toBe(true);
  });

  it('purges something across seeds (the property above is not vacuous)', async () => {
    let purged = 0;
    let dropped = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const inputs = randomInputs(compactionRng(seed));
      const result = await runCompaction({ ...baseOptions(inputs, writerFactory().createWriter), maxPurgeableTimestamp: () => NO_DATA_OUTSIDE_COMPACTION });
      purged += result.tombstonesPurged;
      dropped += result.partitionsMerged - result.partitionsOut;
    }
    expect(purged).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
  });

  it.each([11, 12, 13, 14])('changes nothing a reader sees when nothing is purgeable, at any later time (seed %i)', async (seed) => {
    const inputs = randomInputs(compactionRng(seed));
    for (const nowSeconds of [RANDOM_NOW_SECONDS - 400, RANDOM_NOW_SECONDS, RANDOM_NOW_SECONDS + 500]) {
      const result = await runCompaction({ ...baseOptions(inputs, writerFactory().createWriter), nowSeconds, maxPurgeableTimestamp: () => MIN_INT64 });
      const out = new Map(result.outputs.flatMap((o) => o.writer.appended).map((p) => [keyId(p), p] as const));
      const byKey = new Map<string, PartitionUpdate[]>();
      for (const input of inputs) for (const p of input.partitions) byKey.set(keyId(p), [...(byKey.get(keyId(p)) ?? []), p]);
      for (const [id, list] of byKey) {
        const merged = mergeManyPartitionUpdates(list, comparators);
        for (const readAt of [nowSeconds, nowSeconds + 1, nowSeconds + 150, nowSeconds + 10_000]) {
          expect(readView(out.get(id) ?? null, readAt)).toBe(readView(merged, readAt));
        }
      }
    }
  });

  describe('gc_grace and maxPurgeableTimestamp', () => {
    const key: RandomKey = randomKeys(compactionRng(99), 1)[0]!;
    const NOW = RANDOM_NOW_SECONDS;
    const row = (ck: number, extra: object): PartitionUpdate['rows'][number] => ({ clustering: [intCodec.serialize(ck)], columns: [], ...extra });
    const partition = (rows: PartitionUpdate['rows']): PartitionUpdate => ({ tableId: COMPACTION_TABLE_ID, partitionKey: key.partitionKey, token: key.token, rows, rangeTombstones: [] });
    // Input 1: a live row 1 at ts 3 and row 2 at ts 3; input 2: a row deletion of row 1 at ts 5, deleted 200 s ago.
    const live = new InMemorySSTableDouble(1, [partition([row(1, { marker: { timestampUs: 3n } }), row(2, { marker: { timestampUs: 3n } })])], comparators);
    const deleted = new InMemorySSTableDouble(2, [partition([row(1, { deletion: { markedForDeleteAtUs: 5n, localDeletionTimeSeconds: NOW - 200 } })])], comparators);

    async function compactRows(gcGraceSeconds: number, maxPurgeable: bigint): Promise<{ rows: PartitionUpdate['rows']; calls: string[] }> {
      const calls: string[] = [];
      const result = await runCompaction({
        ...baseOptions([live, deleted], writerFactory().createWriter),
        nowSeconds: NOW,
        gcGraceSeconds,
        maxPurgeableTimestamp: (k, token) => {
          calls.push(keyId({ partitionKey: k, token }));
          return maxPurgeable;
        },
      });
      return { rows: result.outputs.flatMap((o) => o.writer.appended).flatMap((p) => p.rows), calls };
    }

    it('drops a tombstone older than gc_grace when nothing outside may hold shadowed data', async () => {
      const { rows, calls } = await compactRows(100, NO_DATA_OUTSIDE_COMPACTION);
      expect(rows.map((r) => intCodec.deserialize(r.clustering[0]!))).toEqual([2]); // row 1: data shadowed, tombstone purged
      expect(calls).toEqual([keyId(key)]);
    });

    it('keeps it within gc_grace', async () => {
      const { rows } = await compactRows(300, NO_DATA_OUTSIDE_COMPACTION);
      expect(rows[0]).toEqual({ clustering: [intCodec.serialize(1)], columns: [], deletion: { markedForDeleteAtUs: 5n, localDeletionTimeSeconds: NOW - 200 } });
    });

    it('keeps it while data outside the compaction may be older than the tombstone, drops it once all of it is newer', async () => {
      // Data outside with timestamp ≤ 5 could be shadowed by the tombstone: keep it.
      expect((await compactRows(100, 5n)).rows.some((r) => r.deletion !== undefined)).toBe(true);
      expect((await compactRows(100, 1n)).rows.some((r) => r.deletion !== undefined)).toBe(true);
      // Everything outside is newer than the tombstone (min timestamp 6): it shadows nothing there, drop it.
      expect((await compactRows(100, 6n)).rows.some((r) => r.deletion !== undefined)).toBe(false);
    });

    it('never asks for maxPurgeableTimestamp of a partition with nothing to purge', async () => {
      const calls: unknown[] = [];
      await runCompaction({ ...baseOptions([live], writerFactory().createWriter), maxPurgeableTimestamp: (k) => (calls.push(k), NO_DATA_OUTSIDE_COMPACTION) });
      expect(calls).toEqual([]);
    });

    it('writes no output at all when everything is purged', async () => {
      const lonely = new InMemorySSTableDouble(3, [partition([row(7, { deletion: { markedForDeleteAtUs: 5n, localDeletionTimeSeconds: NOW - 200 } })])], comparators);
      const { writers, createWriter } = writerFactory();
      const result = await runCompaction({ ...baseOptions([lonely], createWriter), maxPurgeableTimestamp: () => NO_DATA_OUTSIDE_COMPACTION });
      expect(result.outputs).toEqual([]);
      expect(writers).toEqual([]);
      expect(result).toMatchObject({ partitionsIn: 1, partitionsMerged: 1, partitionsOut: 0, tombstonesPurged: 1, bytesWritten: 0 });
    });
  });

  it('splits the output at partition boundaries once an output reaches maxOutputBytes', async () => {
    const inputs = randomInputs(compactionRng(21), 200);
    const { writers, createWriter } = writerFactory();
    const maxOutputBytes = 2000;
    const result = await runCompaction({ ...baseOptions(inputs, createWriter), maxOutputBytes });
    const want = expectedOutput(inputs, RANDOM_NOW_SECONDS, 100, mixedMaxPurgeable);
    expect(result.outputs.length).toBeGreaterThan(3);
    expect(result.outputs.map((o) => o.writer)).toEqual(writers);
    expect(result.outputs.flatMap((o) => o.writer.appended).map(hex)).toEqual(want.map(hex));
    result.outputs.forEach((o, i) => {
      const w = o.writer;
      expect(w.state).toBe('finished');
      const last = i === result.outputs.length - 1;
      if (!last) expect(w.dataBytesWritten).toBeGreaterThanOrEqual(maxOutputBytes);
      // It was cut at the first boundary past the limit: without its last partition it was below.
      if (!last) expect(w.dataBytesWritten - encodePartitionUpdate(w.appended[w.appended.length - 1]!).length).toBeLessThan(maxOutputBytes);
      expect(o.stats.partitionCount).toBe(w.appended.length);
      expect(w.expectedPartitions).toBeGreaterThanOrEqual(1);
      expect(w.expectedPartitions).toBeLessThan(result.partitionsIn);
    });
    expect(result.bytesWritten).toBe(writers.reduce((n, w) => n + w.dataBytesWritten, 0));
  });

  it('calls yieldPoint every few partitions and reports progress', async () => {
    const inputs = randomInputs(compactionRng(31), 120);
    let yields = 0;
    const progress: CompactionProgress[] = [];
    const result = await runCompaction({
      ...baseOptions(inputs, writerFactory().createWriter),
      yieldPoint: () => {
        yields++;
        return Promise.resolve();
      },
      onProgress: (p) => progress.push(p),
    });
    expect(yields).toBeGreaterThanOrEqual(Math.floor(result.partitionsMerged / COMPACTION_YIELD_EVERY_PARTITIONS));
    expect(yields).toBeGreaterThan(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.partitionsIn).toBeGreaterThanOrEqual(progress[i - 1]!.partitionsIn);
    expect(progress[progress.length - 1]).toEqual({
      partitionsIn: result.partitionsIn,
      partitionsInTotal: result.partitionsIn,
      partitionsOut: result.partitionsOut,
      bytesWritten: result.bytesWritten,
    });
  });

  it('aborts every output, finished ones included, when the signal fires, and closes the scans', async () => {
    const inputs = randomInputs(compactionRng(41), 200);
    const { writers, createWriter } = writerFactory();
    const controller = new AbortController();
    let yields = 0;
    const err = await rejectionOf(
      runCompaction({
        ...baseOptions(inputs, createWriter),
        maxOutputBytes: 1000,
        signal: controller.signal,
        yieldPoint: () => {
          if (++yields === 4) controller.abort(new Error('shutdown'));
          return Promise.resolve();
        },
      }),
    );
    expect(hasErrorCode(err, CompactionErrorCodes.ABORTED)).toBe(true);
    expect(((err as Error).cause as Error).message).toBe('shutdown');
    expect(writers.length).toBeGreaterThan(1);
    expect(writers.every((w) => w.state === 'aborted')).toBe(true);
    expect(writers.some((w) => w.abortedAfterFinish)).toBe(true);
    expect(inputs.every((i) => i.scansClosed === i.scansStarted)).toBe(true);
  });

  it('deletes finished outputs through deleteFinishedOutput and aborts only the open one', async () => {
    const inputs = randomInputs(compactionRng(46), 200);
    const { writers, createWriter } = writerFactory();
    const deleted: number[] = [];
    const controller = new AbortController();
    let yields = 0;
    const err = await rejectionOf(
      runCompaction({
        ...baseOptions(inputs, createWriter),
        maxOutputBytes: 1000,
        signal: controller.signal,
        yieldPoint: () => {
          if (++yields === 4) controller.abort();
          return Promise.resolve();
        },
        deleteFinishedOutput: (o) => {
          expect(o.stats.partitionCount).toBe(o.writer.appended.length);
          deleted.push(o.writer.generation);
          return Promise.resolve();
        },
      }),
    );
    expect(hasErrorCode(err, CompactionErrorCodes.ABORTED)).toBe(true);
    const finished = writers.filter((w) => w.state === 'finished');
    expect(finished.length).toBeGreaterThan(0);
    expect(deleted).toEqual(finished.map((w) => w.generation));
    expect(writers.filter((w) => w.state !== 'finished').every((w) => w.state === 'aborted' && !w.abortedAfterFinish)).toBe(true);
    expect(writers.length - finished.length).toBeLessThanOrEqual(1); // an open one only if the abort came mid-output
  });

  it('aborts every output and rethrows when a writer fails', async () => {
    const inputs = randomInputs(compactionRng(42), 200);
    const boom = new Error('disk full');
    const writers: RecordingSSTableWriterDouble[] = [];
    const createWriter = (expected: number): Promise<RecordingSSTableWriterDouble> => {
      const w = new RecordingSSTableWriterDouble(writers.length, expected, comparators);
      if (writers.length === 2) w.failAppendAt = { index: 3, error: boom };
      writers.push(w);
      return Promise.resolve(w);
    };
    expect(await rejectionOf(runCompaction({ ...baseOptions(inputs, createWriter), maxOutputBytes: 1000 }))).toBe(boom);
    expect(writers).toHaveLength(3);
    expect(writers.every((w) => w.state === 'aborted')).toBe(true);
    expect(inputs.every((i) => i.scansClosed === i.scansStarted)).toBe(true);
  });

  it('aborts every output and rethrows when an input fails to read', async () => {
    const inputs = randomInputs(compactionRng(43), 100);
    const corrupt = Object.assign(new Error('SSTable corrupt at offset 4096'), { code: 'SSTABLE_CORRUPT' });
    inputs[1]!.failScanAfter = { partitions: 10, error: corrupt };
    const { writers, createWriter } = writerFactory();
    expect(await rejectionOf(runCompaction(baseOptions(inputs, createWriter)))).toBe(corrupt);
    expect(writers).toHaveLength(1);
    expect(writers[0]!.state).toBe('aborted');
    expect(inputs.every((i) => i.scansClosed === i.scansStarted)).toBe(true);
  });

  it('reports COMPACTION_CLEANUP_FAILED, with both errors, when an abort fails too', async () => {
    const inputs = randomInputs(compactionRng(44), 50);
    inputs[0]!.failScanAfter = { partitions: 5, error: new Error('read failed') };
    const stuck = new Error('unlink failed');
    const createWriter = (expected: number): Promise<RecordingSSTableWriterDouble> => {
      const w = new RecordingSSTableWriterDouble(7, expected, comparators);
      w.failAbort = stuck;
      return Promise.resolve(w);
    };
    const err = await rejectionOf(runCompaction(baseOptions(inputs, createWriter)));
    expect(hasErrorCode(err, CompactionErrorCodes.CLEANUP_FAILED)).toBe(true);
    expect((err as Error).message).toContain('read failed');
    const errors = ((err as Error).cause as AggregateError).errors as Error[];
    expect(errors.map((e) => e.message)).toEqual(['read failed', 'unlink failed']);
  });

  it('rejects tasks it cannot run', async () => {
    const input = randomInputs(compactionRng(45))[0]!;
    const { createWriter } = writerFactory();
    const invalid = async (o: Partial<RunCompactionOptions<RecordingSSTableWriterDouble>>): Promise<boolean> =>
      hasErrorCode(await rejectionOf(runCompaction({ ...baseOptions([input], createWriter), ...o })), CompactionErrorCodes.INVALID_TASK);
    expect(await invalid({ inputs: [] })).toBe(true);
    expect(await invalid({ inputs: [input, input] })).toBe(true);
    expect(await invalid({ maxOutputBytes: 0 })).toBe(true);
    expect(await invalid({ maxOutputBytes: Number.NaN })).toBe(true);
    expect(await invalid({ gcGraceSeconds: -1 })).toBe(true);
    expect(await invalid({ nowSeconds: 1.5 })).toBe(true);
    expect(input.scansStarted).toBe(0);
  });
});

describe('runCompaction over real SSTables (raw-copy fast path)', () => {
  const selection = createIoBackend();
  const io: SSTableIo = { backend: selection.backend, ioClass: 'compaction' };
  const logger = new SSTableRecordingLogger();
  const format = { chunkSizeBytes: 4096, summaryInterval: 4 };
  afterAll(async () => {
    await selection.backend.close();
    removeSSTableTempDirs();
  });

  const open = (directory: string, generation: number): Promise<SSTableReader> => SSTableReader.open({ directory, generation, comparators, io, logger });

  async function writeReal(directory: string, generation: number, partitions: readonly PartitionUpdate[]): Promise<SSTableReader> {
    const w = await SSTableWriter.create({ directory, generation, comparators, io, expectedPartitions: partitions.length, logger, ...format });
    for (const p of partitions) await w.append(p);
    await w.finish();
    return open(directory, generation);
  }

  /** The reader without its raw API: runCompaction takes the generic (decode everything) path. */
  function generic(r: SSTableReader): SSTableReaderApi {
    return {
      generation: r.generation, directory: r.directory, stats: r.stats, totalSizeBytes: r.totalSizeBytes,
      mayContainKey: (k, t) => r.mayContainKey(k, t), readPartition: (k, t, sl) => r.readPartition(k, t, sl), scan: (a, b) => r.scan(a, b),
      verify: () => r.verify(), linkInto: (d) => r.linkInto(d), close: () => r.close(), delete: () => r.delete(),
    };
  }

  async function compactReal(directory: string, inputs: readonly SSTableReaderApi[], firstGeneration: number, gcGraceSeconds: number, maxPurgeable = mixedMaxPurgeable) {
    let g = firstGeneration;
    return runCompaction({
      inputs, comparators, maxOutputBytes: Infinity, nowSeconds: RANDOM_NOW_SECONDS, gcGraceSeconds, maxPurgeableTimestamp: maxPurgeable,
      createWriter: (expectedPartitions) => SSTableWriter.create({ directory, generation: g++, comparators, io, expectedPartitions, logger, ...format }),
    });
  }

  async function scanAll(directory: string, generation: number): Promise<PartitionUpdate[]> {
    const r = await open(directory, generation);
    const out: PartitionUpdate[] = [];
    for await (const p of r.scan()) out.push(p);
    await r.verify();
    await r.close();
    return out;
  }

  it.each([21, 22, 23, 24, 25])('writes the same SSTable, byte for byte, as the generic path, and the purged merge (seed %i)', async (seed) => {
    const r = compactionRng(seed);
    // Real SSTables refuse empty partitions (and empty SSTables): keep the non-empty ones.
    const doubles = randomInputs(r, 120)
      .map((d) => new InMemorySSTableDouble(d.generation, d.partitions.filter((p) => !isEmptyPartitionUpdate(p)), comparators))
      .filter((d) => d.partitions.length > 0);
    const directory = makeSSTableTempDir();
    const readers = await Promise.all(doubles.map((d, i) => writeReal(directory, i + 1, d.partitions)));
    const gcGraceSeconds = r.pick([0, 100, 250]);
    const fast = await compactReal(directory, readers, 100, gcGraceSeconds);
    const slow = await compactReal(directory, readers.map(generic), 200, gcGraceSeconds);
    const want = expectedOutput(doubles, RANDOM_NOW_SECONDS, gcGraceSeconds, mixedMaxPurgeable);
    if (want.length === 0) {
      expect(fast.outputs).toEqual([]);
      return;
    }
    expect((await scanAll(directory, 100)).map(hex)).toEqual(want.map(hex));
    expect(plain(fast.outputs[0]!.stats, true)).toEqual(plain(slow.outputs[0]!.stats, true));
    for (const c of ['Data', 'Index', 'Summary', 'Filter'] as const) {
      expect(fs.readFileSync(`${directory}/${sstableFileName(100, c)}`).equals(fs.readFileSync(`${directory}/${sstableFileName(200, c)}`))).toBe(true);
    }
    expect({ ...fast, outputs: [], durationMs: 0 }).toEqual({ ...slow, outputs: [], durationMs: 0 });
    await Promise.all(readers.map((x) => x.close()));
  });

  it('still purges a partition found in one input only when it holds purgeable data', async () => {
    const directory = makeSSTableTempDir();
    const [k1, k2] = randomKeys(compactionRng(5), 2).sort((a, b) => comparePartitionUpdates({ ...a, tableId: '', rows: [], rangeTombstones: [] }, { ...b, tableId: '', rows: [], rangeTombstones: [] }));
    const row = (extra: object): PartitionUpdate['rows'][number] => ({ clustering: [intCodec.serialize(1)], columns: [], ...extra });
    const part = (k: RandomKey, rows: PartitionUpdate['rows']): PartitionUpdate => ({ tableId: COMPACTION_TABLE_ID, partitionKey: k.partitionKey, token: k.token, rows, rangeTombstones: [] });
    // k1: a row deletion 200 s old (past gc_grace 100); k2: a marker whose TTL expired 500 s ago (past gc_grace too).
    const deleted = part(k1!, [row({ deletion: { markedForDeleteAtUs: 5n, localDeletionTimeSeconds: RANDOM_NOW_SECONDS - 200 } })]);
    const expired = part(k2!, [row({ marker: { timestampUs: 5n, ttlSeconds: 60, localExpirationTimeSeconds: RANDOM_NOW_SECONDS - 500 } })]);
    const input = await writeReal(directory, 1, [deleted, expired].sort(comparePartitionUpdates));
    const result = await compactReal(directory, [input], 100, 100, () => NO_DATA_OUTSIDE_COMPACTION);
    expect(result).toMatchObject({ partitionsIn: 2, partitionsMerged: 2, partitionsOut: 0, tombstonesPurged: 2 });
    expect(result.outputs).toEqual([]);
    await input.close();
  });
});

/** Stats as plain data; `ignoreTime` drops createdAtMs. */
function plain(stats: object, ignoreTime = false): unknown {
  const s = JSON.parse(JSON.stringify(stats, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>;
  if (ignoreTime) delete s.createdAtMs;
  return s;
}

describe('CompactionMetrics', () => {
  it('counts tasks and bytes, exposes them per table in a MetricsRegistry', async () => {
    const inputs = randomInputs(compactionRng(51));
    let pending = 3;
    const metrics = new CompactionMetrics({ pendingTasks: () => pending, backlogBytes: () => 12345 });
    metrics.taskStarted();
    const result = await runCompaction({ ...baseOptions(inputs, writerFactory().createWriter), clockMs: ((t) => () => (t += 500))(0) });
    expect(result.durationMs).toBe(500);
    metrics.taskCompleted(result);
    metrics.taskStarted();
    metrics.taskFailed(Object.assign(new Error('x'), { code: CompactionErrorCodes.ABORTED }));
    metrics.taskStarted();
    metrics.taskFailed(new Error('disk'));
    const snap = metrics.snapshot();
    expect(snap).toMatchObject({
      bytesRead: result.bytesRead,
      bytesWritten: result.bytesWritten,
      tasksCompleted: 1,
      tasksFailed: 2,
      tasksAborted: 1,
      tasksRunning: 0,
      pendingTasks: 3,
      backlogBytes: 12345,
      throughputBytesPerSecond: result.bytesRead * 2,
    });

    const registry = new MetricsRegistry();
    metrics.register(registry, 'ks', 't');
    metrics.taskStarted();
    metrics.taskCompleted({ bytesRead: 10, bytesWritten: 5, partitionsIn: 1, partitionsOut: 1, tombstonesPurged: 0, durationMs: 1 });
    pending = 7;
    const value = (name: string): number | undefined => {
      const family = registry.collect().families.find((f) => f.name === name);
      const sample = family?.samples.find((s) => s.labelValues.join('.') === 'ks.t') as { value: number } | undefined;
      return sample?.value;
    };
    expect(value('compaction_bytes_read_total')).toBe(result.bytesRead + 10);
    expect(value('compaction_tasks_completed_total')).toBe(2);
    expect(value('compaction_tasks_failed_total')).toBe(2);
    expect(value('compaction_pending_tasks')).toBe(7);
    expect(value('compaction_backlog_bytes')).toBe(12345);
    expect(() => metrics.register(registry, 'ks', 't')).toThrow(/already registered/);
    expect(registry.collect().families.find((f) => f.name === 'compaction_bytes_read_total')!.labelNames).toEqual(['ks', 'table']);
    // The table is dropped: its series go, the snapshot stays readable.
    metrics.unregister();
    expect(registry.collect().families.every((f) => f.samples.length === 0)).toBe(true);
    expect(value('compaction_tasks_completed_total')).toBeUndefined();
    expect(metrics.snapshot().tasksCompleted).toBe(2);
  });
});
