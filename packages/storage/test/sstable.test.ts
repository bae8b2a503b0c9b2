import fs from 'node:fs';
import { createIoBackend } from '@charybdis/core';
import { MURMUR3_MAX_TOKEN, MURMUR3_MIN_TOKEN, murmur3Token } from '@charybdis/schema';
import type { ClusteringPrefix, PartitionUpdate, TableComparators } from '@charybdis/schema';
import { SSTableReader, SSTableWriter, sstableFileName } from '../src/sstable';
import type { ClusteringSlice, RawPartition, SSTableIo, SSTableStats } from '../src/sstable';
import { RANDOM_COUNTER_TABLE, RANDOM_TABLE, mulberry32, randomClusteringSlices, randomInt, randomPartitionUpdates } from './fixtures/random-partition-updates';
import {
  SSTableRecordingLogger,
  bruteForceRestrict,
  makeSSTableTempDir,
  normalizedSorted,
  plain,
  randomSortedPartitions,
  removeSSTableTempDirs,
  sameTokenPartitions,
  ReadCountingBackendDouble,
} from './fixtures/sstable-test-kit';
import { comparePartitionUpdates } from '../src/partition-stream';

const selection = createIoBackend();
const io: SSTableIo = { backend: selection.backend, ioClass: 'memtable_flush' };

afterAll(async () => {
  await selection.backend.close();
  removeSSTableTempDirs();
});

/** Small sizes so that a few hundred partitions span many chunks, pages and blocks. */
const SMALL_FORMAT = { chunkSizeBytes: 4096, partitionBlockSizeBytes: 1024, summaryInterval: 8 };

async function writeTable(directory: string, generation: number, comparators: TableComparators, partitions: readonly PartitionUpdate[]): Promise<SSTableStats> {
  const writer = await SSTableWriter.create({ directory, generation, comparators, io, expectedPartitions: partitions.length, logger: new SSTableRecordingLogger(), ...SMALL_FORMAT });
  for (const p of partitions) await writer.append(p);
  return writer.finish();
}

function open(directory: string, generation: number, comparators: TableComparators): Promise<SSTableReader> {
  return SSTableReader.open({ directory, generation, comparators, io, logger: new SSTableRecordingLogger() });
}

describe('SSTable round trip', () => {
  const rng = mulberry32(0x5eed);
  const directory = makeSSTableTempDir();
  const forced = randomSortedPartitions(rng, RANDOM_TABLE, { partitions: 1, firstKey: 90_000 })[0]!;
  // Several keys on one token (in the middle of the ring), in key order.
  const partitions = [
    ...randomSortedPartitions(rng, RANDOM_TABLE, { partitions: 300, largeEvery: 30 }),
    ...sameTokenPartitions(forced, 17n, ['a', 'ab', 'b', 'zz']),
  ].sort(comparePartitionUpdates);
  let reader: SSTableReader;
  let stats: SSTableStats;

  beforeAll(async () => {
    stats = await writeTable(directory, 1, RANDOM_TABLE, partitions);
    reader = await open(directory, 1, RANDOM_TABLE);
  });
  afterAll(() => reader.close());

  test('the data spans many chunks, and large partitions many blocks', () => {
    const large = partitions.filter((p) => p.rows.length > 100);
    expect(large.length).toBeGreaterThanOrEqual(5);
    expect(large.some((p) => p.rangeTombstones.length > 0)).toBe(true);
    expect(stats.uncompressedSizeBytes / SMALL_FORMAT.chunkSizeBytes).toBeGreaterThan(20);
    expect(stats.dataSizeBytes).toBe(fs.statSync(`${directory}/${sstableFileName(1, 'Data')}`).size);
  });

  test('a narrow slice of a large partition reads only the blocks it touches', async () => {
    // One partition of ~1 MiB (~25 KiB compressed: many 4 KiB chunks).
    const dir = makeSSTableTempDir();
    const raw = randomPartitionUpdates(mulberry32(8), { count: 1500, partitionKeys: 1, maxRowsPerUpdate: 40, clusteringValues: 20000, deletionRate: 0.01, timestampSpanUs: 1_000_000 });
    const [big] = normalizedSorted(raw, RANDOM_TABLE);
    await writeTable(dir, 2, RANDOM_TABLE, [big!]);
    const counting = new ReadCountingBackendDouble(selection.backend);
    const countingIo: SSTableIo = { backend: counting, ioClass: 'query' };
    const bytesFor = async (slices?: ClusteringSlice[]): Promise<number> => {
      const r = await SSTableReader.open({ directory: dir, generation: 2, comparators: RANDOM_TABLE, io: countingIo, logger: new SSTableRecordingLogger() });
      const before = counting.bytesRead;
      const got = await r.readPartition(big!.partitionKey, big!.token, slices);
      const n = counting.bytesRead - before;
      expect(plain(got)).toEqual(plain(slices === undefined ? big : bruteForceRestrict(big!, slices, RANDOM_TABLE.clustering)));
      await r.close();
      return n;
    };
    const whole = await bytesFor();
    expect(whole).toBeGreaterThan(20 * 4096);
    for (const at of [0.1, 0.5, 0.9]) {
      const c1 = big!.rows[Math.floor(big!.rows.length * at)]!.clustering[0]!;
      const narrow = [{ start: { kind: 'inclStart' as const, prefix: [c1] }, end: { kind: 'inclEnd' as const, prefix: [c1] } }];
      expect(await bytesFor(narrow)).toBeLessThan(whole / 4);
    }
  });

  test('readPartition of every key returns exactly what was written', async () => {
    for (const p of partitions) expect(plain(await reader.readPartition(p.partitionKey, p.token))).toEqual(plain(p));
  });

  test('absent keys read as null, including keys sharing a stored token', async () => {
    for (let i = 0; i < 200; i++) {
      const key = Buffer.from(`absent-${i}`);
      expect(await reader.readPartition(key, murmur3Token(key))).toBeNull();
    }
    expect(await reader.readPartition(Buffer.from('aa'), 17n)).toBeNull();
    expect(await reader.readPartition(Buffer.from('zzz'), 17n)).toBeNull();
    expect(await reader.readPartition(Buffer.from(''), MURMUR3_MIN_TOKEN)).toBeNull();
  });

  test('sliced reads equal a brute-force restriction of the written partition', async () => {
    const sliceRng = mulberry32(77);
    const cmp = RANDOM_TABLE.clustering;
    for (const p of partitions) {
      const large = p.rows.length > 100;
      for (let n = large ? 25 : 2; n > 0; n--) {
        const slices = randomClusteringSlices(sliceRng, { maxSlices: 4, clusteringValues: large ? 400 : 5 });
        const got = await reader.readPartition(p.partitionKey, p.token, slices);
        expect(plain(got)).toEqual(plain(bruteForceRestrict(p, slices, cmp)));
      }
    }
  });

  test('scan over random token ranges equals the filtered partition list', async () => {
    const all: PartitionUpdate[] = [];
    for await (const p of reader.scan()) all.push(p);
    expect(plain(all)).toEqual(plain(partitions));
    const scanRng = mulberry32(99);
    const tokens = partitions.map((p) => p.token);
    for (let i = 0; i < 30; i++) {
      const pick = (): bigint => (randomInt(scanRng, 3) === 0 ? BigInt(randomInt(scanRng, 1 << 30)) << 33n : tokens[randomInt(scanRng, tokens.length)]!);
      let from: bigint | undefined = pick();
      let to: bigint | undefined = pick();
      if (from > to) [from, to] = [to, from];
      if (i % 10 === 1) from = undefined;
      if (i % 10 === 2) to = undefined;
      const got: PartitionUpdate[] = [];
      for await (const p of reader.scan(from, to)) got.push(p);
      const want = partitions.filter((p) => (from === undefined || p.token >= from) && (to === undefined || p.token <= to));
      expect(plain(got)).toEqual(plain(want));
    }
    const none: PartitionUpdate[] = [];
    for await (const p of reader.scan(MURMUR3_MAX_TOKEN, MURMUR3_MAX_TOKEN)) none.push(p);
    expect(none).toEqual([]);
  });

  test('scanRaw gives every partition as stored; decodeRaw equals scan', async () => {
    const raws: RawPartition[] = [];
    for await (const batch of reader.scanRaw()) raws.push(...batch);
    expect(raws.map((r) => reader.decodeRaw(r)).map(plain)).toEqual(plain(partitions));
    expect(raws.every((r) => r.tableId === partitions[0]!.tableId)).toBe(true);
    // Large partitions carry their block index offset; small ones none.
    expect(raws.filter((r) => r.blockIndexOffset !== null).length).toBeGreaterThanOrEqual(5);
  });

  test('appendRaw copies, alone or mixed with append, give byte-identical Data and Index and exact stats', async () => {
    const raws: RawPartition[] = [];
    for await (const batch of reader.scanRaw()) raws.push(...batch);
    const logger = new SSTableRecordingLogger();
    for (const [generation, mixed] of [[11, false], [12, true]] as const) {
      const writer = await SSTableWriter.create({ directory, generation, comparators: RANDOM_TABLE, io, expectedPartitions: raws.length, logger, ...SMALL_FORMAT });
      // Mixed: every third partition decoded and appended the usual way; issued without awaiting each call.
      const appends = raws.map((r, i) => (mixed && i % 3 === 0 ? writer.append(reader.decodeRaw(r)) : writer.appendRaw(r)));
      await Promise.all(appends);
      const copied = await writer.finish();
      expect(plain({ ...copied, createdAtMs: 0 })).toEqual(plain({ ...stats, createdAtMs: 0 }));
      for (const c of ['Data', 'Index', 'Summary', 'Filter', 'Digest'] as const) {
        expect(fs.readFileSync(`${directory}/${sstableFileName(generation, c)}`).equals(fs.readFileSync(`${directory}/${sstableFileName(1, c)}`))).toBe(true);
      }
      const copy = await open(directory, generation, RANDOM_TABLE);
      await copy.verify();
      await copy.delete();
    }
  });

  test('appendRaw refuses partitions out of order', async () => {
    const raws: RawPartition[] = [];
    for await (const batch of reader.scanRaw()) raws.push(...batch);
    const writer = await SSTableWriter.create({ directory, generation: 13, comparators: RANDOM_TABLE, io, expectedPartitions: 2, logger: new SSTableRecordingLogger() });
    await writer.appendRaw(raws[1]!);
    await expect(writer.appendRaw(raws[0]!)).rejects.toMatchObject({ code: 'SSTABLE_OUT_OF_ORDER' });
    await writer.abort();
  });

  test('verify passes on an intact SSTable', async () => {
    await expect(reader.verify()).resolves.toBeUndefined();
  });

  test('stats match the data', () => {
    expect(plain(stats)).toEqual(plain({ ...expectedStats(partitions, RANDOM_TABLE), dataSizeBytes: stats.dataSizeBytes, uncompressedSizeBytes: stats.uncompressedSizeBytes, createdAtMs: stats.createdAtMs }));
    expect(plain(reader.stats)).toEqual(plain(stats));
    const files = fs.readdirSync(directory).filter((f) => f.startsWith('cha-1-'));
    expect(files.sort()).toEqual(['Data', 'Digest', 'Filter', 'Index', 'Statistics', 'Summary', 'TOC'].map((c) => sstableFileName(1, c as 'Data')).sort());
    expect(reader.totalSizeBytes).toBe(files.reduce((n, f) => n + fs.statSync(`${directory}/${f}`).size, 0));
  });
});

describe('SSTable of a counter table', () => {
  test('round trip of counter cells, counter tombstones and static counters', async () => {
    const directory = makeSSTableTempDir();
    const partitions = randomSortedPartitions(mulberry32(5), RANDOM_COUNTER_TABLE, { partitions: 120, counter: true, largeEvery: 40 });
    const stats = await writeTable(directory, 3, RANDOM_COUNTER_TABLE, partitions);
    const reader = await open(directory, 3, RANDOM_COUNTER_TABLE);
    for (const p of partitions) expect(plain(await reader.readPartition(p.partitionKey, p.token))).toEqual(plain(p));
    expect(plain(stats)).toEqual(plain({ ...expectedStats(partitions, RANDOM_COUNTER_TABLE), dataSizeBytes: stats.dataSizeBytes, uncompressedSizeBytes: stats.uncompressedSizeBytes, createdAtMs: stats.createdAtMs }));
    await reader.verify();
    await reader.close();
  });
});

describe('SSTable bloom filter', () => {
  test('no false negatives, false positives near 1%', async () => {
    const directory = makeSSTableTempDir();
    const partitions = randomSortedPartitions(mulberry32(11), RANDOM_TABLE, { partitions: 5000 });
    await writeTable(directory, 4, RANDOM_TABLE, partitions);
    const reader = await open(directory, 4, RANDOM_TABLE);
    for (const p of partitions) expect(reader.mayContainKey(p.partitionKey, p.token)).toBe(true);
    let positives = 0;
    const probes = 50_000;
    for (let i = 0; i < probes; i++) {
      const key = Buffer.from(`probe-${i}`);
      if (reader.mayContainKey(key, murmur3Token(key))) positives++;
    }
    const rate = positives / probes;
    expect(rate).toBeGreaterThan(0.002);
    expect(rate).toBeLessThan(0.02);
    await reader.close();
  });
});

/** The stats computed the slow way from the partitions (sizes and time excluded). */
function expectedStats(partitions: readonly PartitionUpdate[], comparators: TableComparators): Omit<SSTableStats, never> {
  const ts: bigint[] = [];
  const ldt: number[] = [];
  let tombstones = 0;
  let rows = 0;
  const clusterings: ClusteringPrefix[] = [];
  const cell = (c: { kind: string; timestampUs: bigint; localDeletionTimeSeconds?: number }): void => {
    ts.push(c.timestampUs);
    if (c.kind === 'tombstone') tombstones++;
    if (c.localDeletionTimeSeconds !== undefined) ldt.push(c.localDeletionTimeSeconds);
  };
  const columns = (cols: PartitionUpdate['rows'][number]['columns']): void => {
    for (const c of cols) {
      if (c.kind === 'simple') cell(c.cell);
      else {
        if (c.deletion) {
          ts.push(c.deletion.markedForDeleteAtUs);
          ldt.push(c.deletion.localDeletionTimeSeconds);
        }
        c.cells.forEach((e) => cell(e.cell));
      }
    }
  };
  for (const p of partitions) {
    for (const d of [p.partitionDeletion, ...p.rangeTombstones.map((r) => r.deletion), ...p.rows.map((r) => r.deletion)]) {
      if (d === undefined) continue;
      tombstones++;
      ts.push(d.markedForDeleteAtUs);
      ldt.push(d.localDeletionTimeSeconds);
    }
    if (p.staticRow) columns(p.staticRow.columns);
    for (const r of p.rows) {
      rows++;
      clusterings.push(r.clustering);
      if (r.marker) {
        ts.push(r.marker.timestampUs);
        if (r.marker.localExpirationTimeSeconds !== undefined) ldt.push(r.marker.localExpirationTimeSeconds);
      }
      columns(r.columns);
    }
  }
  const big = (xs: bigint[], f: (a: bigint, b: bigint) => boolean): bigint | null => (xs.length === 0 ? null : xs.reduce((a, b) => (f(a, b) ? a : b)));
  clusterings.sort((a, b) => comparators.clustering.compare(a, b));
  return {
    partitionCount: partitions.length,
    rowCount: rows,
    tombstoneCount: tombstones,
    dataSizeBytes: 0,
    uncompressedSizeBytes: 0,
    firstToken: partitions[0]!.token,
    lastToken: partitions[partitions.length - 1]!.token,
    firstKey: partitions[0]!.partitionKey,
    lastKey: partitions[partitions.length - 1]!.partitionKey,
    minTimestampUs: big(ts, (a, b) => a < b),
    maxTimestampUs: big(ts, (a, b) => a > b),
    minLocalDeletionTimeSeconds: ldt.length === 0 ? null : Math.min(...ldt),
    maxLocalDeletionTimeSeconds: ldt.length === 0 ? null : Math.max(...ldt),
    minClustering: clusterings[0] ?? null,
    maxClustering: clusterings[clusterings.length - 1] ?? null,
    hasPartitionOrRangeDeletions: partitions.some((p) => p.partitionDeletion !== undefined || p.rangeTombstones.length > 0),
    level: 0,
    createdAtMs: 0,
  };
}
