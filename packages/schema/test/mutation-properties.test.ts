import { hasErrorCode } from '@charybdis/core';
import {
  MutationErrorCodes,
  TableComparators,
  decodePartitionUpdate,
  deletionDeletes,
  emptyPartitionUpdate,
  encodePartitionUpdate,
  maxDeletion,
  mergeLiveness,
  mergeManyPartitionUpdates,
  mergePartitionUpdates,
  normalizePartitionUpdate,
  reconcileCells,
} from '../src/mutation';
import type {
  Cell,
  ColumnData,
  DeletionTime,
  LivenessInfo,
  PartitionUpdate,
  RangeTombstone,
  Row,
} from '../src/mutation';
import { codecFor, listType, mapType, nativeType, reversedType, setType, udtType } from '../src/types';
import type { BoundKind, ClusteringBound } from '../src/types';

/** mulberry32: a small seeded PRNG, so every failure is reproducible from its seed. */
function prng(seed: number): { int(max: number): number; chance(p: number): boolean; pick<T>(xs: readonly T[]): T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (max) => Math.floor(next() * max), chance: (p) => next() < p, pick: (xs) => xs[Math.floor(next() * xs.length)]! };
}
type Rng = ReturnType<typeof prng>;

const TABLE_ID = '6ab09bec-e68e-48d9-a5f8-97e6fb4c9b47';
const KEY = Buffer.from('00000001', 'hex');
const int = codecFor(nativeType('int'));
const text = codecFor(nativeType('text'));
const timeuuid = codecFor(nativeType('timeuuid'));

const comparators = new TableComparators({
  clusteringTypes: [nativeType('int'), reversedType(nativeType('text'))],
  columns: [
    { name: 'v', type: nativeType('int') },
    { name: 't', type: nativeType('text') },
    { name: 'st', type: nativeType('int') },
    { name: 'l', type: listType(nativeType('int')) },
    { name: 's', type: setType(nativeType('int')) },
    { name: 'm', type: mapType(nativeType('int'), nativeType('text')) },
    { name: 'u', type: udtType('ks', 'pair', [{ name: 'a', type: nativeType('int') }, { name: 'b', type: nativeType('text') }]) },
  ],
});
const counterComparators = new TableComparators({
  clusteringTypes: [nativeType('int')],
  columns: [{ name: 'c', type: nativeType('counter') }, { name: 'd', type: nativeType('counter') }],
});

const VALUES = [Buffer.alloc(0), Buffer.from([0]), Buffer.from([1]), Buffer.from([0x7f]), Buffer.from([0x80]), Buffer.from([0x80, 0])];
const LIST_PATHS = ['00000001-0000-1000-8000-000000000000', '00000002-0000-1000-8000-000000000000', '00000001-0000-1000-7f00-000000000000'].map(
  (s) => timeuuid.serialize(s),
);
const COUNTER_IDS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];

const ts = (r: Rng): bigint => BigInt(1 + r.int(12));
const ldt = (r: Rng): number => 100 + r.int(4);
const deletion = (r: Rng): DeletionTime => ({ markedForDeleteAtUs: ts(r), localDeletionTimeSeconds: ldt(r) });

function cell(r: Rng): Cell {
  const k = r.int(4);
  if (k < 2) return { kind: 'live', timestampUs: ts(r), value: r.pick(VALUES) };
  if (k === 2) return { kind: 'expiring', timestampUs: ts(r), value: r.pick(VALUES), ttlSeconds: 1 + r.int(2), localDeletionTimeSeconds: ldt(r) };
  return { kind: 'tombstone', timestampUs: ts(r), localDeletionTimeSeconds: ldt(r) };
}

function counterCellGen(r: Rng): Cell {
  if (r.chance(0.15)) return { kind: 'tombstone', timestampUs: ts(r), localDeletionTimeSeconds: ldt(r) };
  const ids = COUNTER_IDS.filter(() => r.chance(0.6));
  return {
    kind: 'counter',
    timestampUs: ts(r),
    shards: ids.map((counterId) => ({ counterId, clock: BigInt(1 + r.int(3)), count: BigInt(r.int(7) - 3) })),
  };
}

function clustering(r: Rng): Buffer[] {
  return [int.serialize(r.int(4)), text.serialize(r.pick(['a', 'b', 'c']))];
}

function complexColumn(r: Rng, column: string, paths: readonly Buffer[]): ColumnData {
  const cells = paths.filter(() => r.chance(0.5)).map((path) => ({ path, cell: cell(r) }));
  const base = { kind: 'complex' as const, column, cells };
  return r.chance(0.3) ? { ...base, deletion: deletion(r) } : base;
}

function columns(r: Rng): ColumnData[] {
  const out: ColumnData[] = [];
  if (r.chance(0.6)) out.push({ kind: 'simple', column: 'v', cell: cell(r) });
  if (r.chance(0.3)) out.push({ kind: 'simple', column: 't', cell: cell(r) });
  if (r.chance(0.3)) out.push(complexColumn(r, 'l', LIST_PATHS));
  if (r.chance(0.3)) out.push(complexColumn(r, 's', [0, 1, 2].map((i) => int.serialize(i))));
  if (r.chance(0.3)) out.push(complexColumn(r, 'm', [0, 1, 2].map((i) => int.serialize(i))));
  if (r.chance(0.2)) out.push(complexColumn(r, 'u', [Buffer.from([0, 0]), Buffer.from([0, 1])]));
  return out;
}

function marker(r: Rng): LivenessInfo {
  return r.chance(0.3) ? { timestampUs: ts(r), ttlSeconds: 1 + r.int(2), localExpirationTimeSeconds: ldt(r) } : { timestampUs: ts(r) };
}

function bound(r: Rng, start: boolean): ClusteringBound {
  const prefix = clustering(r).slice(0, r.int(3));
  const inclusive = r.chance(0.5);
  const kind: BoundKind = start ? (inclusive ? 'inclStart' : 'exclStart') : inclusive ? 'inclEnd' : 'exclEnd';
  return { kind, prefix };
}

/** A random update of the test table: small domains, so writes collide often. */
function randomUpdate(r: Rng): PartitionUpdate {
  const rows: Row[] = [];
  for (let i = r.int(5); i > 0; i--) {
    const row: { clustering: Buffer[]; marker?: LivenessInfo; deletion?: DeletionTime; columns: ColumnData[] } = { clustering: clustering(r), columns: columns(r) };
    if (r.chance(0.5)) row.marker = marker(r);
    if (r.chance(0.2)) row.deletion = deletion(r);
    rows.push(row);
  }
  const rangeTombstones: RangeTombstone[] = [];
  for (let i = r.chance(0.4) ? 1 + r.int(2) : 0; i > 0; i--) rangeTombstones.push({ start: bound(r, true), end: bound(r, false), deletion: deletion(r) });
  const update: { -readonly [K in keyof PartitionUpdate]: PartitionUpdate[K] } = { ...emptyPartitionUpdate(TABLE_ID, KEY), rows, rangeTombstones };
  if (r.chance(0.1)) update.partitionDeletion = deletion(r);
  if (r.chance(0.3)) update.staticRow = { columns: [{ kind: 'simple', column: 'st', cell: cell(r) }] };
  return update;
}

function randomCounterUpdate(r: Rng): PartitionUpdate {
  const rows: Row[] = [];
  for (let i = r.int(4); i > 0; i--) {
    const cols: ColumnData[] = [];
    if (r.chance(0.7)) cols.push({ kind: 'simple', column: 'c', cell: counterCellGen(r) });
    if (r.chance(0.4)) cols.push({ kind: 'simple', column: 'd', cell: counterCellGen(r) });
    rows.push(r.chance(0.2) ? { clustering: [int.serialize(r.int(3))], deletion: deletion(r), columns: cols } : { clustering: [int.serialize(r.int(3))], columns: cols });
  }
  const update: { -readonly [K in keyof PartitionUpdate]: PartitionUpdate[K] } = { ...emptyPartitionUpdate(TABLE_ID, KEY), rows };
  if (r.chance(0.1)) update.partitionDeletion = deletion(r);
  return update;
}

function shuffle<T>(r: Rng, xs: readonly T[]): T[] {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Merges `updates` in a random order and a random tree of groupings. */
function mergeRandomly(r: Rng, updates: readonly PartitionUpdate[], tc: TableComparators): PartitionUpdate {
  let pool = shuffle(r, updates);
  while (pool.length > 1) {
    const take = 2 + r.int(Math.min(3, pool.length - 1));
    const group = pool.slice(0, take);
    const merged = group.length === 2 && r.chance(0.5) ? mergePartitionUpdates(group[0]!, group[1]!, tc) : mergeManyPartitionUpdates(group, tc);
    pool = shuffle(r, [merged, ...pool.slice(take)]);
  }
  return normalizePartitionUpdate(pool[0]!, tc);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * The oracle: what a reader sees, computed by brute force from the raw updates: for each
 * cell address, the reconciliation of every write to it, kept when no deletion covering it
 * (partition, any range tombstone containing the row, any row deletion, any collection
 * tombstone of the column) shadows it. Row markers likewise.
 */
function visibleByBruteForce(updates: readonly PartitionUpdate[], tc: TableComparators): Map<string, unknown> {
  let partition: DeletionTime | undefined;
  for (const u of updates) partition = maxDeletion(partition, u.partitionDeletion);
  const rts = updates.flatMap((u) => u.rangeTombstones);
  const rowDeletion = (c: readonly Uint8Array[]): DeletionTime | undefined => {
    let d = partition;
    for (const rt of rts) if (tc.clustering.sliceContains(rt.start, rt.end, c)) d = maxDeletion(d, rt.deletion);
    for (const u of updates) for (const row of u.rows) if (tc.clustering.compare(row.clustering, c) === 0) d = maxDeletion(d, row.deletion);
    return d;
  };
  const winners = new Map<string, { cell: Cell; deletion: DeletionTime | undefined }>();
  const markers = new Map<string, { marker: LivenessInfo; deletion: DeletionTime | undefined }>();
  const visit = (prefix: string, cols: readonly ColumnData[], rowDel: DeletionTime | undefined, complexDel: (column: string) => DeletionTime | undefined): void => {
    for (const c of cols) {
      const entries = c.kind === 'simple' ? [{ key: `${prefix}|${c.column}`, cell: c.cell, del: rowDel }] : c.cells.map((e) => ({ key: `${prefix}|${c.column}|${hex(e.path)}`, cell: e.cell, del: maxDeletion(rowDel, complexDel(c.column)) }));
      for (const e of entries) {
        const w = winners.get(e.key);
        winners.set(e.key, { cell: w === undefined ? e.cell : reconcileCells(w.cell, e.cell), deletion: e.del });
      }
    }
  };
  for (const u of updates) {
    if (u.staticRow !== undefined) visit('static', u.staticRow.columns, partition, () => undefined);
    for (const row of u.rows) {
      const key = row.clustering.map(hex).join(':');
      const del = rowDeletion(row.clustering);
      const complexDel = (column: string): DeletionTime | undefined => {
        let d: DeletionTime | undefined;
        for (const v of updates) {
          for (const other of v.rows) {
            if (tc.clustering.compare(other.clustering, row.clustering) !== 0) continue;
            for (const c of other.columns) if (c.kind === 'complex' && c.column === column) d = maxDeletion(d, c.deletion);
          }
        }
        return d;
      };
      visit(key, row.columns, del, complexDel);
      if (row.marker !== undefined) {
        const m = markers.get(key);
        markers.set(key, { marker: mergeLiveness(m?.marker, row.marker)!, deletion: del });
      }
    }
  }
  const out = new Map<string, unknown>();
  for (const [key, { cell, deletion }] of winners) {
    const counter = key.split('|')[1] === 'c' || key.split('|')[1] === 'd';
    if (counter || !deletionDeletes(deletion, cell.timestampUs)) out.set(key, cell);
  }
  for (const [key, { marker, deletion }] of markers) if (!deletionDeletes(deletion, marker.timestampUs)) out.set(`marker ${key}`, marker);
  return out;
}

/** What a normalized update shows: every cell and marker it holds (it holds nothing shadowed). */
function visibleInNormalized(update: PartitionUpdate): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const visit = (prefix: string, cols: readonly ColumnData[]): void => {
    for (const c of cols) {
      if (c.kind === 'simple') out.set(`${prefix}|${c.column}`, c.cell);
      else for (const e of c.cells) out.set(`${prefix}|${c.column}|${hex(e.path)}`, e.cell);
    }
  };
  if (update.staticRow !== undefined) visit('static', update.staticRow.columns);
  for (const row of update.rows) {
    const key = row.clustering.map(hex).join(':');
    visit(key, row.columns);
    if (row.marker !== undefined) out.set(`marker ${key}`, row.marker);
  }
  return out;
}

const sorted = (m: Map<string, unknown>): [string, unknown][] => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

describe('merge is commutative, associative and idempotent (seeded property tests)', () => {
  const ROUNDS = 400;

  test('merge(a, b) == merge(b, a)', () => {
    const r = prng(1);
    for (let i = 0; i < ROUNDS; i++) {
      const a = randomUpdate(r);
      const b = randomUpdate(r);
      const ab = mergePartitionUpdates(a, b, comparators);
      expect(mergePartitionUpdates(b, a, comparators)).toEqual(ab);
      expect(encodePartitionUpdate(mergePartitionUpdates(b, a, comparators))).toEqual(encodePartitionUpdate(ab));
    }
  });

  test('merge(merge(a, b), c) == merge(a, merge(b, c))', () => {
    const r = prng(2);
    for (let i = 0; i < ROUNDS; i++) {
      const [a, b, c] = [randomUpdate(r), randomUpdate(r), randomUpdate(r)];
      const left = mergePartitionUpdates(mergePartitionUpdates(a, b, comparators), c, comparators);
      const right = mergePartitionUpdates(a, mergePartitionUpdates(b, c, comparators), comparators);
      expect(right).toEqual(left);
    }
  });

  test('merge(a, a) == normalize(a), normalizing twice changes nothing, merging again changes nothing', () => {
    const r = prng(3);
    for (let i = 0; i < ROUNDS; i++) {
      const a = randomUpdate(r);
      const b = randomUpdate(r);
      const na = normalizePartitionUpdate(a, comparators);
      expect(mergePartitionUpdates(a, a, comparators)).toEqual(na);
      expect(normalizePartitionUpdate(na, comparators)).toEqual(na);
      const ab = mergePartitionUpdates(a, b, comparators);
      expect(mergePartitionUpdates(ab, b, comparators)).toEqual(ab);
      expect(mergePartitionUpdates(ab, a, comparators)).toEqual(ab);
    }
  });

  test('many updates merged in random orders and groupings give one result', () => {
    const r = prng(4);
    for (let i = 0; i < 150; i++) {
      const updates = Array.from({ length: 2 + r.int(7) }, () => randomUpdate(r));
      const reference = mergeManyPartitionUpdates(updates, comparators);
      for (let k = 0; k < 4; k++) expect(mergeRandomly(r, updates, comparators)).toEqual(reference);
    }
  });

  test('counter tables: the same properties hold, shards merge by clock', () => {
    const r = prng(5);
    for (let i = 0; i < ROUNDS; i++) {
      const updates = Array.from({ length: 2 + r.int(4) }, () => randomCounterUpdate(r));
      const reference = mergeManyPartitionUpdates(updates, counterComparators);
      expect(mergeRandomly(r, updates, counterComparators)).toEqual(reference);
      expect(mergePartitionUpdates(reference, updates[0]!, counterComparators)).toEqual(reference);
    }
  });

  test('the merged update shows exactly what a brute-force reader of all the writes sees', () => {
    const r = prng(6);
    for (let i = 0; i < ROUNDS; i++) {
      const updates = Array.from({ length: 1 + r.int(5) }, () => randomUpdate(r));
      const merged = mergeRandomly(r, updates, comparators);
      expect(sorted(visibleInNormalized(merged))).toEqual(sorted(visibleByBruteForce(updates, comparators)));
    }
  });

  test('the merged update is sorted and its range tombstones are disjoint', () => {
    const r = prng(7);
    for (let i = 0; i < ROUNDS; i++) {
      const merged = mergeManyPartitionUpdates([randomUpdate(r), randomUpdate(r), randomUpdate(r)], comparators);
      for (let k = 1; k < merged.rows.length; k++) {
        expect(comparators.clustering.compare(merged.rows[k - 1]!.clustering, merged.rows[k]!.clustering)).toBeLessThan(0);
      }
      for (let k = 0; k < merged.rangeTombstones.length; k++) {
        const rt = merged.rangeTombstones[k]!;
        expect(comparators.clustering.compareBounds(rt.start, rt.end)).toBeLessThan(0);
        const next = merged.rangeTombstones[k + 1];
        if (next !== undefined) expect(comparators.clustering.compareBounds(rt.end, next.start)).toBeLessThanOrEqual(0);
      }
    }
  });
});

describe('binary form: round trip and clean errors on damaged input', () => {
  test('decode(encode(u)) == u for random normalized updates, and re-encodes identically', () => {
    const r = prng(8);
    for (let i = 0; i < 300; i++) {
      const u = normalizePartitionUpdate(randomUpdate(r), comparators);
      const bytes = encodePartitionUpdate(u);
      const decoded = decodePartitionUpdate(bytes, comparators);
      expect(decoded).toEqual(u);
      expect(encodePartitionUpdate(decoded)).toEqual(bytes);
      const c = mergeManyPartitionUpdates([randomCounterUpdate(r), randomCounterUpdate(r)], counterComparators);
      expect(decodePartitionUpdate(encodePartitionUpdate(c), counterComparators)).toEqual(c);
    }
  });

  test('every truncation of an encoding is a clean SCHEMA_CORRUPT_MUTATION error', () => {
    const r = prng(9);
    let cuts = 0;
    for (let i = 0; i < 40; i++) {
      const bytes = encodePartitionUpdate(normalizePartitionUpdate(randomUpdate(r), comparators));
      for (let cut = 0; cut < bytes.length; cut++) {
        cuts++;
        const prefix = bytes.subarray(0, cut);
        expect(() => decodePartitionUpdate(prefix, comparators)).toThrow(expect.objectContaining({ code: MutationErrorCodes.CORRUPT_MUTATION }) as Error);
        // Also when the header's length is patched to match (the body itself is cut).
        if (cut > 5) {
          const patched = Buffer.from(prefix);
          patched.writeUInt32BE(cut - 5, 1);
          expect(() => decodePartitionUpdate(patched, comparators)).toThrow(expect.objectContaining({ code: MutationErrorCodes.CORRUPT_MUTATION }) as Error);
        }
      }
    }
    expect(cuts).toBeGreaterThan(1000);
  });

  test('random byte corruption gives an update or a clean error, never anything else', () => {
    const r = prng(10);
    let rejected = 0;
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = Buffer.from(encodePartitionUpdate(normalizePartitionUpdate(randomUpdate(r), comparators)));
      for (let k = 1 + r.int(3); k > 0; k--) bytes[5 + r.int(bytes.length - 5)] = r.int(256);
      try {
        const u = decodePartitionUpdate(bytes, comparators);
        accepted++;
        // Whatever decodes is a structurally sound update that encodes back to valid bytes.
        decodePartitionUpdate(encodePartitionUpdate(u), comparators);
      } catch (err) {
        rejected++;
        if (!hasErrorCode(err, MutationErrorCodes.CORRUPT_MUTATION)) throw err;
      }
    }
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});
