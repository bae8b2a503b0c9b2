// The "superseding version" fast path of runCompaction (a newer version that covers every
// other version of its partition is copied raw): property tests against the generic
// decode → merge → purge → encode path, on seeded random overwrites that include
// deletions, TTLs (live and expired), collections, static rows and counters.
import fs from 'node:fs';
import { createIoBackend } from '@charybdis/core';
import {
  TableComparators,
  encodePartitionUpdate,
  encodedUpdateCovers,
  isEmptyPartitionUpdate,
  mergeManyPartitionUpdates,
  nativeType,
  normalizePartitionUpdate,
} from '@charybdis/schema';
import type { Cell, ColumnData, DeletionTime, PartitionUpdate, Row } from '@charybdis/schema';
import { NO_DATA_OUTSIDE_COMPACTION, runCompaction } from '../src/compaction';
import { supersedingVersion } from '../src/compaction/superseding-version';
import { comparePartitionUpdates } from '../src/partition-stream';
import { SSTableReader, SSTableWriter, sstableFileName } from '../src/sstable';
import type { RawPartition, SSTableIo, SSTableReaderApi } from '../src/sstable';
import { SSTableRecordingLogger, makeSSTableTempDir, removeSSTableTempDirs } from './fixtures/sstable-test-kit';
import {
  COMPACTION_TABLE_ID,
  RANDOM_NOW_SECONDS,
  compactionComparators as comparators,
  compactionRng,
  intCodec,
  randomKeys,
} from './fixtures/compaction-random';
import type { CompactionRng, RandomKey } from './fixtures/compaction-random';

const counterComparators = new TableComparators({ clusteringTypes: [nativeType('int')], columns: [{ name: 'c', type: nativeType('counter') }] });

/** How often the rarer shapes appear (0 = never): deletions of every kind, collections, counters. */
interface Mix {
  readonly deletions: number;
  readonly collections: number;
  readonly counters: boolean;
}

/** A local time around now: expiring cells and markers are live or already expired. */
const ldt = (r: CompactionRng): number => RANDOM_NOW_SECONDS - 300 + r.int(600);

function randomCell(r: CompactionRng, ts: bigint, mix: Mix): Cell {
  if (mix.counters) {
    const shards = [1, 2, 3]
      .filter(() => r.chance(0.6))
      .map((i) => ({ counterId: `00000000-0000-4000-8000-00000000000${i}`, clock: BigInt(1 + r.int(5)), count: BigInt(r.int(100) - 50) }));
    return { kind: 'counter', timestampUs: ts, shards: shards.length > 0 ? shards : [{ counterId: '00000000-0000-4000-8000-000000000001', clock: 1n, count: 1n }] };
  }
  if (r.chance(mix.deletions * 0.5)) return { kind: 'tombstone', timestampUs: ts, localDeletionTimeSeconds: ldt(r) };
  if (r.chance(0.2)) return { kind: 'expiring', timestampUs: ts, value: intCodec.serialize(r.int(100)), ttlSeconds: 1 + r.int(200), localDeletionTimeSeconds: ldt(r) };
  return { kind: 'live', timestampUs: ts, value: intCodec.serialize(r.int(100)) };
}

/** A random (not yet normalized) update of `key` with every timestamp in [base + 1, base + 20]. */
function randomVersion(r: CompactionRng, key: RandomKey, base: bigint, mix: Mix): PartitionUpdate {
  const ts = (): bigint => base + BigInt(1 + r.int(20));
  const deletion = (): DeletionTime => ({ markedForDeleteAtUs: ts(), localDeletionTimeSeconds: ldt(r) });
  const columns = (): ColumnData[] => {
    const out: ColumnData[] = [];
    if (mix.counters) {
      if (r.chance(0.9)) out.push({ kind: 'simple', column: 'c', cell: randomCell(r, ts(), mix) });
      return out;
    }
    if (r.chance(0.85)) out.push({ kind: 'simple', column: 'v', cell: randomCell(r, ts(), mix) });
    if (r.chance(mix.collections)) {
      const cells = [0, 1, 2].filter(() => r.chance(0.6)).map((i) => ({ path: intCodec.serialize(i), cell: randomCell(r, ts(), mix) }));
      out.push(r.chance(mix.deletions) ? { kind: 'complex', column: 's', cells, deletion: deletion() } : { kind: 'complex', column: 's', cells });
    }
    return out;
  };
  const rows: Row[] = Array.from({ length: 1 + r.int(3) }, () => {
    const row: { clustering: Buffer[]; marker?: Row['marker']; deletion?: DeletionTime; columns: ColumnData[] } = { clustering: [intCodec.serialize(r.int(5))], columns: columns() };
    if (!mix.counters && r.chance(0.6)) row.marker = r.chance(0.2) ? { timestampUs: ts(), ttlSeconds: 100, localExpirationTimeSeconds: ldt(r) } : { timestampUs: ts() };
    if (r.chance(mix.deletions * 0.3)) row.deletion = deletion();
    return row;
  });
  const update: { -readonly [K in keyof PartitionUpdate]: PartitionUpdate[K] } = { tableId: COMPACTION_TABLE_ID, partitionKey: key.partitionKey, token: key.token, rows, rangeTombstones: [] };
  if (r.chance(mix.deletions * 0.2)) {
    const a = r.int(5);
    update.rangeTombstones = [{ start: { kind: 'inclStart', prefix: [intCodec.serialize(a)] }, end: { kind: 'inclEnd', prefix: [intCodec.serialize(a + r.int(2))] }, deletion: deletion() }];
  }
  if (r.chance(mix.deletions * 0.1)) update.partitionDeletion = deletion();
  if (!mix.counters && r.chance(0.25)) update.staticRow = { columns: [{ kind: 'simple', column: 'st', cell: randomCell(r, ts(), mix) }] };
  return update;
}

/**
 * A version older than `newer` (timestamps below `base`): usually the same shape with fewer
 * rows, markers or columns and other values (covered), sometimes something `newer` lacks.
 */
function olderVersion(r: CompactionRng, newer: PartitionUpdate, key: RandomKey, base: bigint, mix: Mix): PartitionUpdate {
  const fresh = randomVersion(r, key, base, mix);
  if (r.chance(0.2)) return fresh;
  const cellLike = (): Cell => randomCell(r, base + BigInt(1 + r.int(20)), mix);
  const sameShape = (cols: readonly ColumnData[]): ColumnData[] =>
    cols
      .filter(() => r.chance(0.85))
      .map((c) => (c.kind === 'simple' ? { kind: 'simple', column: c.column, cell: cellLike() } : { kind: 'complex', column: c.column, cells: c.cells.map((e) => ({ path: e.path, cell: cellLike() })) }));
  const rows = newer.rows
    .filter(() => r.chance(0.8))
    .map((row): Row => ({
      clustering: row.clustering,
      columns: sameShape(row.columns),
      ...(row.marker !== undefined && r.chance(0.8) ? { marker: { timestampUs: base + BigInt(1 + r.int(20)) } } : {}),
    }));
  if (r.chance(0.15)) rows.push(...fresh.rows.slice(0, 1)); // a row or column newer may lack
  const older: { -readonly [K in keyof PartitionUpdate]: PartitionUpdate[K] } = { ...newer, rows, rangeTombstones: [] };
  delete older.partitionDeletion;
  if (newer.staticRow !== undefined && r.chance(0.7)) older.staticRow = { columns: sameShape(newer.staticRow.columns) };
  else delete older.staticRow;
  if (r.chance(0.1) && fresh.staticRow !== undefined) older.staticRow = fresh.staticRow;
  return older;
}

const MIXES: readonly Mix[] = [
  { deletions: 0, collections: 0, counters: false },
  { deletions: 0.15, collections: 0.2, counters: false },
  { deletions: 0.5, collections: 0.5, counters: false },
  { deletions: 0.1, collections: 0, counters: true },
];

describe('encodedUpdateCovers', () => {
  it.each(MIXES.map((m, i) => [i, m] as const))('implies that merging the older version gives the newer one, byte for byte (mix %i)', (i, mix) => {
    const cmp = mix.counters ? counterComparators : comparators;
    const r = compactionRng(700 + i);
    let covered = 0;
    for (let n = 0; n < 1500; n++) {
      const [key] = randomKeys(r, 1);
      const newer = normalizePartitionUpdate(randomVersion(r, key!, 1000n, mix), cmp);
      // 1–3 older versions, each with timestamps below newer's (any order among themselves).
      const older = Array.from({ length: 1 + r.int(3) }, (_, g) => normalizePartitionUpdate(olderVersion(r, newer, key!, BigInt(g) * 100n, mix), cmp));
      if (isEmptyPartitionUpdate(newer) || older.some(isEmptyPartitionUpdate)) continue;
      const newerBytes = encodePartitionUpdate(newer);
      if (!encodedUpdateCovers(newerBytes, older.map((u) => encodePartitionUpdate(u)))) continue;
      covered++;
      const versions = [...older];
      versions.splice(r.int(versions.length + 1), 0, newer);
      const merged = encodePartitionUpdate(mergeManyPartitionUpdates(versions, cmp));
      expect(merged.toString('hex')).toBe(newerBytes.toString('hex'));
    }
    // Not vacuous where "newest wins" holds; never claimed for counters (their merge sums).
    if (mix.counters) expect(covered).toBe(0);
    else expect(covered).toBeGreaterThan(mix.deletions < 0.5 ? 50 : 5);
  });

  it('says no for malformed or truncated bytes instead of throwing', () => {
    const r = compactionRng(9);
    const [key] = randomKeys(r, 1);
    const mix = MIXES[0]!;
    const newer = encodePartitionUpdate(normalizePartitionUpdate(randomVersion(r, key!, 1000n, mix), comparators));
    expect(encodedUpdateCovers(newer, [newer])).toBe(true);
    expect(encodedUpdateCovers(newer, [])).toBe(true);
    for (let cut = 0; cut < newer.length; cut++) {
      expect(encodedUpdateCovers(newer, [newer, newer.subarray(0, cut)])).toBe(false);
      expect(encodedUpdateCovers(newer.subarray(0, cut), [newer])).toBe(false);
    }
  });
});

describe('runCompaction: superseding versions copied raw', () => {
  const selection = createIoBackend();
  const io: SSTableIo = { backend: selection.backend, ioClass: 'compaction' };
  const logger = new SSTableRecordingLogger();
  const format = { chunkSizeBytes: 4096, summaryInterval: 4 };
  afterAll(async () => {
    await selection.backend.close();
    removeSSTableTempDirs();
  });

  const open = (directory: string, generation: number, cmp: TableComparators): Promise<SSTableReader> => SSTableReader.open({ directory, generation, comparators: cmp, io, logger });

  function generic(r: SSTableReader): SSTableReaderApi {
    return {
      generation: r.generation, directory: r.directory, stats: r.stats, totalSizeBytes: r.totalSizeBytes,
      mayContainKey: (k, t) => r.mayContainKey(k, t), readPartition: (k, t, sl) => r.readPartition(k, t, sl), scan: (a, b) => r.scan(a, b),
      verify: () => r.verify(), linkInto: (d) => r.linkInto(d), close: () => r.close(), delete: () => r.delete(),
    };
  }

  /** 2..4 inputs; input g holds versions of a shared key set with timestamps above input g − 1's (an overwrite workload). */
  function overwriteInputs(r: CompactionRng, mix: Mix, cmp: TableComparators): PartitionUpdate[][] {
    const keys = randomKeys(r, 150);
    const count = 2 + r.int(3);
    const inputs: PartitionUpdate[][] = Array.from({ length: count }, () => []);
    for (const key of keys) {
      // Newest first, each older one derived from the one after it.
      let newer: PartitionUpdate | null = null;
      for (let g = count - 1; g >= 0; g--) {
        // Mostly later inputs newer; now and then a version newer than the later inputs'
        // (out-of-order writes), or timestamps interleaving with the next input's.
        const base = r.chance(0.1) ? 10_000n + BigInt(g) * 1000n : r.chance(0.25) ? BigInt(g) * 1000n + 995n : BigInt(g) * 1000n;
        // Mostly an older version; sometimes an unrelated one, or an exact duplicate (same timestamps) of the newer one.
        const v: PartitionUpdate =
          newer === null || r.chance(0.1) ? randomVersion(r, key, base, mix) : r.chance(0.15) ? newer : olderVersion(r, newer, key, base, mix);
        const normalized = normalizePartitionUpdate(v, cmp);
        newer = normalized;
        if (!isEmptyPartitionUpdate(normalized) && r.chance(0.8)) inputs[g]!.push(normalized);
      }
    }
    return inputs.map((ps) => ps.sort(comparePartitionUpdates)).filter((ps) => ps.length > 0);
  }

  async function countSuperseding(readers: readonly SSTableReader[]): Promise<number> {
    const byKey = new Map<string, RawPartition[]>();
    for (const reader of readers) {
      for await (const batch of reader.scanRaw()) {
        for (const p of batch) {
          const id = `${p.token}:${Buffer.from(p.partitionKey).toString('hex')}`;
          byKey.set(id, [...(byKey.get(id) ?? []), p]);
        }
      }
    }
    let n = 0;
    for (const versions of byKey.values()) if (versions.length > 1 && supersedingVersion(versions, RANDOM_NOW_SECONDS) !== null) n++;
    return n;
  }

  it.each([31, 32, 33, 34, 35, 36, 37, 38].map((seed) => [seed, MIXES[seed % MIXES.length]!] as const))(
    'writes the same SSTables, byte for byte, as the generic path (seed %i)',
    async (seed, mix) => {
      const cmp = mix.counters ? counterComparators : comparators;
      const r = compactionRng(seed);
      const directory = makeSSTableTempDir();
      const readers: SSTableReader[] = [];
      for (const [i, partitions] of overwriteInputs(r, mix, cmp).entries()) {
        const w = await SSTableWriter.create({ directory, generation: i + 1, comparators: cmp, io, expectedPartitions: partitions.length, logger, ...format });
        for (const p of partitions) await w.append(p);
        await w.finish();
        readers.push(await open(directory, i + 1, cmp));
      }
      const hits = await countSuperseding(readers);
      // Not vacuous: some partitions take the fast path (for counters, only exact duplicates can).
      if (mix.deletions < 0.5) expect(hits).toBeGreaterThan(0);
      const gcGraceSeconds = r.pick([0, 100]);
      const compact = (inputs: readonly SSTableReaderApi[], firstGeneration: number) => {
        let g = firstGeneration;
        return runCompaction({
          inputs, comparators: cmp, maxOutputBytes: 20_000, nowSeconds: RANDOM_NOW_SECONDS, gcGraceSeconds,
          maxPurgeableTimestamp: () => NO_DATA_OUTSIDE_COMPACTION,
          createWriter: (expectedPartitions) => SSTableWriter.create({ directory, generation: g++, comparators: cmp, io, expectedPartitions, logger, ...format }),
        });
      };
      const fast = await compact(readers, 100);
      const slow = await compact(readers.map(generic), 200);
      expect({ ...fast, outputs: [], durationMs: 0 }).toEqual({ ...slow, outputs: [], durationMs: 0 });
      expect(fast.outputs.length).toBe(slow.outputs.length);
      for (let o = 0; o < fast.outputs.length; o++) {
        for (const c of ['Data', 'Index', 'Summary', 'Filter'] as const) {
          const a = fs.readFileSync(`${directory}/${sstableFileName(100 + o, c)}`);
          const b = fs.readFileSync(`${directory}/${sstableFileName(200 + o, c)}`);
          expect(a.equals(b)).toBe(true);
        }
        expect({ ...fast.outputs[o]!.stats, createdAtMs: 0 }).toEqual({ ...slow.outputs[o]!.stats, createdAtMs: 0 });
      }
      await Promise.all(readers.map((x) => x.close()));
    },
  );
});
