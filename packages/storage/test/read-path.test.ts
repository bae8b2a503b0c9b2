/**
 * The read path against a brute-force model: random writes split over memtable and SSTable
 * test doubles, read back through readSinglePartition and readRange with random slices,
 * order, limits, columns and paging, and compared with what a reader of all the writes
 * must see (computed without the merge code). Also the SSTable-skipping rules, each
 * checked on the doubles' call logs, and that skipping never changes a result.
 */
import { isEmptyPartitionUpdate, normalizePartitionUpdate } from '@charybdis/schema';
import type { Cell, PartitionUpdate, Row, TableComparators } from '@charybdis/schema';
import { comparePartitionPositions, mergePartitionStreams } from '../src/partition-stream';
import { readRange, readSinglePartition } from '../src/read';
import type { PagingState, RangeReadCommand, ReadCommand, ResultPartition } from '../src/read';
import type { ClusteringSlice } from '../src/sstable/sstable-types';
import { RANDOM_COUNTER_TABLE, RANDOM_NOW_SECONDS, RANDOM_TABLE, mulberry32, randomChance, randomClusteringSlices, randomInt, randomPartitionUpdates, randomPick, randomTablePartitionKey } from './fixtures/random-partition-updates';
import type { SeededRng } from './fixtures/random-partition-updates';
import { hex, keyOf, MapMemtableDouble, InMemorySSTableDouble } from './fixtures/read-path-doubles';
import type { ModelPartitionInput} from './fixtures/read-path-model';
import { modelRead, render, concatPages, countedRows, viaCodec } from './fixtures/read-path-model';

interface Scenario {
  readonly tc: TableComparators;
  readonly memtables: MapMemtableDouble[];
  readonly sstables: InMemorySSTableDouble[];
  /** Written partitions in partition order, plus one never written. */
  readonly partitions: ModelPartitionInput[];
}

/**
 * Random writes in epochs of rising timestamps, spread over 1-6 sources either at random
 * or like flushes (older epochs in older SSTables, the newest in the memtables), which is
 * what makes timestamp elimination and clustering skipping kick in.
 */
function buildScenario(rng: SeededRng, counter: boolean): Scenario {
  const tc = counter ? RANDOM_COUNTER_TABLE : RANDOM_TABLE;
  const sstableCount = randomInt(rng, 5);
  const sourceCount = sstableCount + 1 + randomInt(rng, 2);
  const byFlush = randomChance(rng, 0.5);
  const epochs = 1 + randomInt(rng, 5);
  const perSource: PartitionUpdate[][] = Array.from({ length: sourceCount }, () => []);
  const all: PartitionUpdate[] = [];
  for (let e = 0; e < epochs; e++) {
    const writes = randomPartitionUpdates(rng, {
      count: 2 + randomInt(rng, 8),
      partitionKeys: 6,
      counter,
      minTimestampUs: 1 + e * 10,
      timestampSpanUs: byFlush ? 10 : 15,
      deletionRate: randomPick(rng, [0, 1, 1, 2]),
      clusteringValues: randomPick(rng, [3, 6]),
    });
    for (const w of writes) {
      const source = byFlush ? Math.min(sourceCount - 1, Math.floor((e * sourceCount) / epochs) + randomInt(rng, 2)) : randomInt(rng, sourceCount);
      perSource[source]!.push(w);
      all.push(w);
    }
  }
  const sstables: InMemorySSTableDouble[] = [];
  const memtables: MapMemtableDouble[] = [];
  perSource.forEach((writes, i) => {
    if (i < sstableCount) {
      if (writes.some((w) => !isEmptyPartitionUpdate(normalizePartitionUpdate(w, tc)))) sstables.push(new InMemorySSTableDouble(i, writes, tc, randomChance(rng, 0.2)));
      else memtables.push(new MapMemtableDouble(tc));
    } else {
      const m = new MapMemtableDouble(tc);
      for (const w of writes) m.apply(w);
      memtables.push(m);
    }
  });
  const keys = new Map<string, PartitionUpdate[]>();
  for (const w of all) keys.set(keyOf(w), [...(keys.get(keyOf(w)) ?? []), w]);
  const partitions = [...keys.values()].map((ws) => ({ partitionKey: ws[0]!.partitionKey, token: ws[0]!.token, writes: ws }));
  partitions.push({ ...randomTablePartitionKey(99), writes: [] });
  partitions.sort((a, b) => comparePartitionPositions(a.token, a.partitionKey, b.token, b.partitionKey));
  return { tc, memtables, sstables, partitions };
}

function randomCommand(rng: SeededRng, tc: TableComparators, counter: boolean): ReadCommand {
  const names = tc.schema.columns.map((c) => c.name);
  const cmd: { -readonly [K in keyof ReadCommand]: ReadCommand[K] } = {
    slices: randomClusteringSlices(rng, { counter }),
    reversed: randomChance(rng, 0.5),
    rowLimit: randomPick(rng, [1, 2, 3, 7, Infinity]),
    nowSeconds: RANDOM_NOW_SECONDS - 2 + randomInt(rng, 5),
  };
  if (randomChance(rng, 0.3)) cmd.perPartitionLimit = 1 + randomInt(rng, 3);
  if (randomChance(rng, 0.3)) cmd.columns = names.filter(() => randomChance(rng, 0.4));
  const mode = randomPick(rng, [undefined, 'full', 'withRows', 'none'] as const);
  if (mode !== undefined) cmd.staticRow = mode;
  return cmd;
}

function rangeStream(s: Scenario, fromToken: bigint | undefined, toToken: bigint | undefined): AsyncIterable<PartitionUpdate> {
  return mergePartitionStreams([...s.memtables.map((m) => m.scan(fromToken, toToken)), ...s.sstables.map((t) => t.scan(fromToken, toToken))], s.tc);
}

// ---------------------------------------------------------------- tests

describe('readSinglePartition gives what a brute-force reader of all the writes sees', () => {
  test.each([false, true])('random reads, with and without SSTable skipping (counter table: %s)', async (counter) => {
    const rng = mulberry32(counter ? 202 : 101);
    let rowsSeen = 0;
    let skipped = 0;
    for (let round = 0; round < 120; round++) {
      const s = buildScenario(rng, counter);
      for (let q = 0; q < 4; q++) {
        const cmd = randomCommand(rng, s.tc, counter);
        const p = randomPick(rng, s.partitions);
        const sources = { memtables: s.memtables, sstables: s.sstables };
        const got = await readSinglePartition(sources, p.partitionKey, p.token, cmd, s.tc);
        const expected = modelRead([p], cmd, s.tc);
        expect(render(got.partition === null ? [] : [got.partition])).toEqual(render(expected));
        expect(got.rowsReturned).toBe(countedRows(expected));
        const unskipped = await readSinglePartition(sources, p.partitionKey, p.token, cmd, s.tc, { skipping: { bloom: false, clustering: false, timestamp: false } });
        expect(render(unskipped.partition === null ? [] : [unskipped.partition])).toEqual(render(expected));
        expect(unskipped.sstablesRead).toBe(s.sstables.length);
        expect(got.sstablesRead + got.skippedByBloom + got.skippedByClustering + got.skippedByTimestamp).toBe(s.sstables.length);
        rowsSeen += countedRows(expected);
        skipped += got.skippedByClustering + got.skippedByTimestamp;
        // Counter tombstones beat counters whatever the timestamps: no timestamp elimination there.
        if (counter) expect(got.skippedByTimestamp).toBe(0);
      }
    }
    // The scenarios must exercise what they claim to.
    expect(rowsSeen).toBeGreaterThan(300);
    expect(skipped).toBeGreaterThan(counter ? 0 : 10);
  });

  test.each([false, true])('paging through a partition returns every row once, in order, in both directions (counter table: %s)', async (counter) => {
    const rng = mulberry32(counter ? 404 : 303);
    let multiPage = 0;
    for (let round = 0; round < 100; round++) {
      const s = buildScenario(rng, counter);
      const p = randomPick(rng, s.partitions);
      const cmd = { ...randomCommand(rng, s.tc, counter), rowLimit: 1 + randomInt(rng, 3) };
      const expected = modelRead([p], { ...cmd, rowLimit: Infinity }, s.tc);
      const pages: ResultPartition[][] = [];
      let state: PagingState | undefined;
      for (let i = 0; ; i++) {
        expect(i).toBeLessThan(100);
        const got = await readSinglePartition({ memtables: s.memtables, sstables: s.sstables }, p.partitionKey, p.token, state === undefined ? cmd : { ...cmd, pagingState: state }, s.tc);
        const page = got.partition === null ? [] : [got.partition];
        expect(countedRows(page)).toBeLessThanOrEqual(cmd.rowLimit);
        if (got.pagingState !== null) expect(countedRows(page)).toBe(cmd.rowLimit);
        pages.push(page);
        if (got.pagingState === null) break;
        state = viaCodec(got.pagingState, s.tc);
      }
      if (pages.length > 1) multiPage++;
      expect(render(concatPages(pages))).toEqual(render(expected));
    }
    expect(multiPage).toBeGreaterThan(10);
  });
});

describe('readRange gives what a brute-force reader sees, page after page', () => {
  test.each([false, true])('one page with limits, then a full paging loop (counter table: %s)', async (counter) => {
    const rng = mulberry32(counter ? 606 : 505);
    let pagesSeen = 0;
    let deadStops = 0;
    for (let round = 0; round < 100; round++) {
      const s = buildScenario(rng, counter);
      const tokens = s.partitions.map((p) => p.token);
      const cmd: RangeReadCommand = {
        ...randomCommand(rng, s.tc, counter),
        ...(randomChance(rng, 0.3) ? { fromToken: randomPick(rng, tokens) } : {}),
        ...(randomChance(rng, 0.3) ? { toToken: randomPick(rng, tokens) } : {}),
      };
      const one = await readRange(rangeStream(s, cmd.fromToken, cmd.toToken), cmd, s.tc);
      expect(render(one.partitions)).toEqual(render(modelRead(s.partitions, cmd, s.tc)));

      const expected = modelRead(s.partitions, { ...cmd, rowLimit: Infinity }, s.tc);
      const maxDeadPartitions = randomPick(rng, [1, 2, 100]);
      const pages: ResultPartition[][] = [];
      let state: PagingState | undefined;
      for (let i = 0; ; i++) {
        expect(i).toBeLessThan(200);
        const from = state === undefined ? cmd.fromToken : state.token;
        const got = await readRange(rangeStream(s, from, cmd.toToken), state === undefined ? cmd : { ...cmd, pagingState: state }, s.tc, { maxDeadPartitions });
        expect(countedRows(got.partitions)).toBeLessThanOrEqual(cmd.rowLimit);
        if (got.pagingState !== null && !got.stoppedAtDeadPartitionLimit) expect(countedRows(got.partitions)).toBe(cmd.rowLimit);
        if (got.stoppedAtDeadPartitionLimit) deadStops++;
        expect(got.deadPartitionsScanned).toBeLessThanOrEqual(maxDeadPartitions);
        pages.push(got.partitions);
        if (got.pagingState === null) break;
        state = viaCodec(got.pagingState, s.tc);
      }
      pagesSeen += pages.length;
      expect(render(concatPages(pages))).toEqual(render(expected));
    }
    expect(pagesSeen).toBeGreaterThan(300);
    expect(deadStops).toBeGreaterThan(10);
  });
});

describe('SSTable selection: each skipping rule, checked on the call logs', () => {
  const tc = RANDOM_TABLE;
  const key = randomTablePartitionKey(1);
  const other = randomTablePartitionKey(2);
  const int = (n: number): Uint8Array => Uint8Array.of(0, 0, 0, n);
  const text = (s: string): Uint8Array => Buffer.from(s);
  const row = (c1: number, ts: bigint, v = 1): Row => ({
    clustering: [int(c1), text('a')],
    marker: { timestampUs: ts },
    columns: [{ kind: 'simple', column: 'v', cell: { kind: 'live', timestampUs: ts, value: int(v) } }],
  });
  const update = (k: { partitionKey: Uint8Array; token: bigint }, rows: Row[], extra: Partial<PartitionUpdate> = {}): PartitionUpdate => ({
    tableId: 't',
    partitionKey: k.partitionKey,
    token: k.token,
    rows,
    rangeTombstones: [],
    ...extra,
  });
  const sliceOf = (c1: number): ClusteringSlice[] => [{ start: { kind: 'inclStart', prefix: [int(c1)] }, end: { kind: 'inclEnd', prefix: [int(c1)] } }];
  const cmd = (slices: ClusteringSlice[], extra: Partial<ReadCommand> = {}): ReadCommand => ({ slices, reversed: false, rowLimit: Infinity, nowSeconds: RANDOM_NOW_SECONDS, ...extra });
  const NO_SKIPPING = { skipping: { bloom: false, clustering: false, timestamp: false } };

  async function bothWays(memtables: MapMemtableDouble[], sstables: InMemorySSTableDouble[], command: ReadCommand): Promise<Awaited<ReturnType<typeof readSinglePartition>>> {
    const got = await readSinglePartition({ memtables, sstables }, key.partitionKey, key.token, command, tc);
    const all = await readSinglePartition({ memtables, sstables }, key.partitionKey, key.token, command, tc, NO_SKIPPING);
    expect(render(got.partition === null ? [] : [got.partition])).toEqual(render(all.partition === null ? [] : [all.partition]));
    return got;
  }

  test('the bloom filter rules out an SSTable without the key; a false positive is read and changes nothing', async () => {
    const without = new InMemorySSTableDouble(1, [update(other, [row(0, 5n)])], tc);
    const falsePositive = new InMemorySSTableDouble(2, [update(other, [row(0, 5n)])], tc, true);
    const withKey = new InMemorySSTableDouble(3, [update(key, [row(0, 5n)])], tc);
    const got = await bothWays([], [without, falsePositive, withKey], cmd(sliceOf(0)));
    expect(got.skippedByBloom).toBe(1);
    expect(got.sstablesRead).toBe(2);
    expect(without.readPartitionCalls).toEqual([hex(key.partitionKey)]); // only by the unskipped read
    expect(falsePositive.readPartitionCalls).toHaveLength(2);
    expect(got.partition!.rows).toHaveLength(1);
  });

  test('clustering statistics rule out an SSTable outside the slices only when the static row is not needed and it has no partition or range deletion', async () => {
    const farRows = new InMemorySSTableDouble(1, [update(key, [row(3, 5n), row(4, 5n)])], tc);
    const inRange = new InMemorySSTableDouble(2, [update(key, [row(0, 6n)])], tc);
    const farWithRangeTombstone = new InMemorySSTableDouble(
      3,
      [update(key, [row(3, 5n)], { rangeTombstones: [{ start: { kind: 'inclStart', prefix: [int(0)] }, end: { kind: 'inclEnd', prefix: [int(0)] }, deletion: { markedForDeleteAtUs: 7n, localDeletionTimeSeconds: 1 } }] })],
      tc,
    );
    const noStatic = await bothWays([], [farRows, inRange, farWithRangeTombstone], cmd(sliceOf(0), { staticRow: 'none' }));
    expect(noStatic.skippedByClustering).toBe(1);
    expect(farRows.readPartitionCalls).toHaveLength(1); // the unskipped read only
    expect(farWithRangeTombstone.readPartitionCalls).toHaveLength(2);
    // The range tombstone (ts 7) deletes the row written at ts 6: skipping it would have been wrong.
    expect(noStatic.partition).toBeNull();

    // A read that needs the static row cannot skip by clustering: the statistics say nothing about static data.
    const staticOnly = new InMemorySSTableDouble(4, [update(key, [row(4, 5n)], { staticRow: { columns: [{ kind: 'simple', column: 'st', cell: { kind: 'live', timestampUs: 9n, value: int(7) } }] } })], tc);
    const withStatic = await bothWays([], [staticOnly, inRange], cmd(sliceOf(0), { staticRow: 'withRows' }));
    expect(withStatic.skippedByClustering).toBe(0);
    expect(withStatic.partition!.staticRow!.cells).toHaveLength(1);
  });

  test('timestamp elimination: a partition deletion found first stops the read of older SSTables', async () => {
    const memtable = new MapMemtableDouble(tc);
    memtable.apply(update(key, [row(0, 30n)], { partitionDeletion: { markedForDeleteAtUs: 20n, localDeletionTimeSeconds: 1 } }));
    const older = new InMemorySSTableDouble(1, [update(key, [row(1, 10n), row(0, 19n)])], tc);
    const newer = new InMemorySSTableDouble(2, [update(key, [row(2, 25n)])], tc);
    const oldest = new InMemorySSTableDouble(3, [update(key, [row(3, 2n)])], tc);
    const got = await bothWays([memtable], [older, oldest, newer], cmd([{ start: { kind: 'inclStart', prefix: [] }, end: { kind: 'inclEnd', prefix: [] } }]));
    expect(got.skippedByTimestamp).toBe(2);
    expect(got.sstablesRead).toBe(1);
    expect(newer.readPartitionCalls).toHaveLength(2);
    expect(older.readPartitionCalls).toHaveLength(1);
    expect(oldest.readPartitionCalls).toHaveLength(1);
    expect(got.partition!.rows.map((r) => r.clustering[0]![3])).toEqual([0, 2]);

    // A deletion found in the newest SSTable eliminates the older ones too (read newest first).
    const deleting = new InMemorySSTableDouble(4, [update(key, [], { partitionDeletion: { markedForDeleteAtUs: 50n, localDeletionTimeSeconds: 1 } })], tc);
    const second = await bothWays([], [older, deleting, newer], cmd(sliceOf(0)));
    expect(second.sstablesRead).toBe(1);
    expect(second.skippedByTimestamp).toBe(2);
    expect(second.partition).toBeNull();
  });

  test('counter tables never use timestamp elimination: an old counter tombstone beats a newer counter', async () => {
    const ctc = RANDOM_COUNTER_TABLE;
    const counterRow = (cell: Cell): Row => ({ clustering: [int(0)], columns: [{ kind: 'simple', column: 'c1', cell }] });
    const memtable = new MapMemtableDouble(ctc);
    memtable.apply(update(key, [counterRow({ kind: 'counter', timestampUs: 30n, shards: [{ counterId: '11111111-1111-4111-8111-111111111111', clock: 1n, count: 5n }] })], { partitionDeletion: { markedForDeleteAtUs: 20n, localDeletionTimeSeconds: 1 } }));
    const old = new InMemorySSTableDouble(1, [update(key, [counterRow({ kind: 'tombstone', timestampUs: 3n, localDeletionTimeSeconds: 1 })])], ctc);
    const got = await readSinglePartition({ memtables: [memtable], sstables: [old] }, key.partitionKey, key.token, cmd(sliceOf(0)), ctc);
    expect(got.sstablesRead).toBe(1);
    expect(got.partition).toBeNull();
  });

  test('a paging state of another partition is rejected; one that finished the partition reads nothing', async () => {
    const sstable = new InMemorySSTableDouble(1, [update(key, [row(0, 5n)])], tc);
    const sources = { memtables: [], sstables: [sstable] };
    const foreign: PagingState = { partitionKey: other.partitionKey, token: other.token, lastClustering: null, remainingInPartition: null };
    await expect(readSinglePartition(sources, key.partitionKey, key.token, cmd(sliceOf(0), { pagingState: foreign }), tc)).rejects.toMatchObject({ code: 'READ_INVALID_PAGING_STATE' });
    const done: PagingState = { ...foreign, partitionKey: key.partitionKey, token: key.token };
    const got = await readSinglePartition(sources, key.partitionKey, key.token, cmd(sliceOf(0), { pagingState: done }), tc);
    expect(got.partition).toBeNull();
    expect(sstable.readPartitionCalls).toHaveLength(0);
  });
});
