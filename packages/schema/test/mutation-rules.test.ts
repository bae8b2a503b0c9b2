import { hasErrorCode } from '@charybdis/core';
import {
  MutationErrorCodes,
  TableComparators,
  counterCell,
  counterTotal,
  deletionSupersedes,
  emptyPartitionUpdate,
  expiringCell,
  isCellLive,
  isLivenessLive,
  liveCell,
  livenessSupersedes,
  mergeManyPartitionUpdates,
  mergePartitionUpdates,
  normalizePartitionUpdate,
  normalizeRangeTombstones,
  purgePartitionUpdate,
  rangeTombstoneDeletionAt,
  reconcileCells,
  rowHasLiveData,
  tombstoneCell,
} from '../src/mutation';
import type { Cell, ColumnData, DeletionTime, PartitionUpdate, RangeTombstone, Row } from '../src/mutation';
import { BOTTOM_BOUND, TOP_BOUND, codecFor, listType, nativeType, setType } from '../src/types';
import type { BoundKind, ClusteringBound } from '../src/types';

const TABLE_ID = '0b6a1b0e-2f39-4c2f-9d6e-3f3c1b0d9e11';
const KEY = Buffer.from('6b6579', 'hex');
const int = codecFor(nativeType('int'));
const tc = new TableComparators({
  clusteringTypes: [nativeType('int'), nativeType('int')],
  columns: [
    { name: 'v', type: nativeType('int') },
    { name: 'w', type: nativeType('int') },
    { name: 'st', type: nativeType('text') },
    { name: 's', type: setType(nativeType('int')) },
    { name: 'l', type: listType(nativeType('int')) },
  ],
});
const counters = new TableComparators({ clusteringTypes: [], columns: [{ name: 'c', type: nativeType('counter') }] });

const del = (markedForDeleteAtUs: bigint, localDeletionTimeSeconds = 1000): DeletionTime => ({ markedForDeleteAtUs, localDeletionTimeSeconds });
const ck = (...values: number[]): Buffer[] => values.map((v) => int.serialize(v));
const b = (kind: BoundKind, ...values: number[]): ClusteringBound => ({ kind, prefix: ck(...values) });
const simple = (column: string, cell: Cell): ColumnData => ({ kind: 'simple', column, cell });
const row = (clustering: Buffer[], columns: ColumnData[], extra: Partial<Row> = {}): Row => ({ clustering, columns, ...extra });
function update(parts: Partial<PartitionUpdate>): PartitionUpdate {
  return { ...emptyPartitionUpdate(TABLE_ID, KEY), ...parts };
}
const v = (ts: bigint, value = 1): ColumnData => simple('v', liveCell(ts, int.serialize(value)));

/** The cell of column `column` in the row at `clustering`, or undefined. */
function cellAt(u: PartitionUpdate, clustering: Buffer[], column: string): Cell | undefined {
  const r = u.rows.find((x) => tc.clustering.compare(x.clustering, clustering) === 0);
  const c = r?.columns.find((x) => x.column === column);
  return c?.kind === 'simple' ? c.cell : undefined;
}

describe('cell reconciliation (Cassandra 4 Cells.resolveRegular)', () => {
  const both = (a: Cell, x: Cell): Cell => {
    const r1 = reconcileCells(a, x);
    expect(reconcileCells(x, a)).toEqual(r1);
    return r1;
  };

  test('the higher timestamp wins, whatever the kinds', () => {
    expect(both(liveCell(2n, Buffer.from([0])), tombstoneCell(1n, 500))).toEqual(liveCell(2n, Buffer.from([0])));
    expect(both(liveCell(1n, Buffer.from([9])), tombstoneCell(2n, 1))).toEqual(tombstoneCell(2n, 1));
    expect(both(expiringCell(5n, Buffer.from([1]), 10, 100), liveCell(4n, Buffer.from([0xff])))).toEqual(expiringCell(5n, Buffer.from([1]), 10, 100));
  });

  test('tie: a tombstone beats a live cell', () => {
    expect(both(liveCell(3n, Buffer.from([0xff])), tombstoneCell(3n, 1))).toEqual(tombstoneCell(3n, 1));
  });

  test('tie: an expiring cell beats a regular live cell (CASSANDRA-14592)', () => {
    expect(both(liveCell(3n, Buffer.from([0xff])), expiringCell(3n, Buffer.from([0]), 10, 100))).toEqual(expiringCell(3n, Buffer.from([0]), 10, 100));
  });

  test('tie: a tombstone beats an expiring cell, even one expiring later', () => {
    expect(both(expiringCell(3n, Buffer.from([1]), 1000, 5000), tombstoneCell(3n, 10))).toEqual(tombstoneCell(3n, 10));
  });

  test('tie between expiring cells: the later expiry wins, before values are compared', () => {
    expect(both(expiringCell(3n, Buffer.from([0xff]), 10, 100), expiringCell(3n, Buffer.from([0]), 20, 100))).toEqual(
      expiringCell(3n, Buffer.from([0]), 20, 100),
    );
  });

  test('tie between tombstones: the later local deletion time wins', () => {
    expect(both(tombstoneCell(3n, 100), tombstoneCell(3n, 101))).toEqual(tombstoneCell(3n, 101));
  });

  test('tie between live cells: the greater value wins, bytes compared unsigned', () => {
    expect(both(liveCell(3n, Buffer.from([0x7f])), liveCell(3n, Buffer.from([0x80])))).toEqual(liveCell(3n, Buffer.from([0x80])));
    expect(both(liveCell(3n, Buffer.from([1])), liveCell(3n, Buffer.from([1, 0])))).toEqual(liveCell(3n, Buffer.from([1, 0])));
    expect(both(liveCell(3n, Buffer.alloc(0)), liveCell(3n, Buffer.from([0])))).toEqual(liveCell(3n, Buffer.from([0])));
  });

  test('full tie of expiring cells with different TTLs: the larger TTL (our tie-break, for commutativity)', () => {
    const a: Cell = { kind: 'expiring', timestampUs: 3n, value: Buffer.from([1]), ttlSeconds: 10, localDeletionTimeSeconds: 200 };
    const x: Cell = { kind: 'expiring', timestampUs: 3n, value: Buffer.from([1]), ttlSeconds: 20, localDeletionTimeSeconds: 200 };
    expect(both(a, x)).toBe(x);
  });

  test('counters: a tombstone beats a counter whatever the timestamps; counters merge shards by clock, then count', () => {
    const id1 = '11111111-1111-4111-8111-111111111111';
    const id2 = '22222222-2222-4222-8222-222222222222';
    const c1 = counterCell(10n, [{ counterId: id1, clock: 2n, count: 5n }, { counterId: id2, clock: 1n, count: 1n }]);
    const c2 = counterCell(20n, [{ counterId: id1, clock: 1n, count: 100n }, { counterId: id2, clock: 1n, count: 3n }]);
    const merged = both(c1, c2);
    expect(merged).toEqual(counterCell(20n, [{ counterId: id1, clock: 2n, count: 5n }, { counterId: id2, clock: 1n, count: 3n }]));
    expect(merged.kind === 'counter' && counterTotal(merged.shards)).toBe(8n);
    expect(both(c2, tombstoneCell(1n, 5))).toEqual(tombstoneCell(1n, 5));
    expect(() => reconcileCells(c1, liveCell(1n, Buffer.alloc(8)))).toThrow(expect.objectContaining({ code: MutationErrorCodes.INVALID_MUTATION }) as Error);
  });
});

describe('row markers, deletion times, TTL', () => {
  test('marker: later timestamp; on a tie one with a TTL beats one without, then the later expiry', () => {
    expect(livenessSupersedes({ timestampUs: 2n }, { timestampUs: 1n, ttlSeconds: 5, localExpirationTimeSeconds: 99 })).toBe(true);
    expect(livenessSupersedes({ timestampUs: 2n, ttlSeconds: 5, localExpirationTimeSeconds: 99 }, { timestampUs: 2n })).toBe(true);
    expect(livenessSupersedes({ timestampUs: 2n }, { timestampUs: 2n, ttlSeconds: 5, localExpirationTimeSeconds: 99 })).toBe(false);
    expect(livenessSupersedes({ timestampUs: 2n, ttlSeconds: 5, localExpirationTimeSeconds: 100 }, { timestampUs: 2n, ttlSeconds: 50, localExpirationTimeSeconds: 99 })).toBe(true);
  });

  test('deletion time: later markedForDeleteAt, then later local deletion time', () => {
    expect(deletionSupersedes(del(2n, 1), del(1n, 999))).toBe(true);
    expect(deletionSupersedes(del(2n, 6), del(2n, 5))).toBe(true);
    expect(deletionSupersedes(del(2n, 5), del(2n, 5))).toBe(false);
  });

  test('an expiring cell is live strictly before its expiry, dead at it', () => {
    const c = expiringCell(1n, Buffer.from([1]), 10, 1000);
    expect(c.localDeletionTimeSeconds).toBe(1010);
    expect(isCellLive(c, 1009)).toBe(true);
    expect(isCellLive(c, 1010)).toBe(false);
    expect(isCellLive(tombstoneCell(1n, 5), 0)).toBe(false);
    expect(isLivenessLive({ timestampUs: 1n, ttlSeconds: 10, localExpirationTimeSeconds: 1010 }, 1010)).toBe(false);
    expect(isLivenessLive({ timestampUs: 1n }, 2 ** 31)).toBe(true);
  });

  test('an expired cell still shadows an older live value (it behaves as a tombstone)', () => {
    const merged = mergePartitionUpdates(
      update({ rows: [row(ck(1, 1), [simple('v', expiringCell(5n, int.serialize(1), 10, 1000))])] }),
      update({ rows: [row(ck(1, 1), [v(4n, 2)])] }),
      tc,
    );
    const r = merged.rows[0]!;
    expect(rowHasLiveData(r, 1005)).toBe(true);
    expect(rowHasLiveData(r, 1010)).toBe(false);
    expect(cellAt(merged, ck(1, 1), 'v')!.kind).toBe('expiring');
  });

  test('TTL limits are Cassandra\'s', () => {
    expect(() => expiringCell(1n, Buffer.alloc(0), 0, 10)).toThrow(/TTL must be an integer in \[1, 630720000\]/);
    expect(() => expiringCell(1n, Buffer.alloc(0), 630720001, 10)).toThrow(/TTL must be/);
  });
});

describe('shadowing', () => {
  test('a partition tombstone shadows everything written at or before it, and nothing after', () => {
    const merged = mergePartitionUpdates(
      update({
        staticRow: { columns: [simple('st', liveCell(5n, Buffer.from('a')))] },
        rows: [row(ck(1, 1), [v(4n), simple('w', liveCell(6n, int.serialize(2)))], { marker: { timestampUs: 5n } }), row(ck(2, 2), [v(9n)])],
        rangeTombstones: [{ start: b('inclStart', 0), end: b('inclEnd', 9), deletion: del(3n) }],
      }),
      update({ partitionDeletion: del(5n) }),
      tc,
    );
    expect(merged.staticRow).toBeUndefined();
    expect(merged.rows.map((r) => r.columns.map((c) => c.column))).toEqual([['w'], ['v']]);
    expect(merged.rows[0]!.marker).toBeUndefined();
    expect(merged.rangeTombstones).toEqual([]); // weaker than the partition deletion
    expect(merged.partitionDeletion).toEqual(del(5n));
  });

  test('a range tombstone shadows the rows of its slice only, honouring inclusive and exclusive bounds', () => {
    const rows = [0, 1, 2, 3, 4].map((c) => row(ck(c, 0), [v(1n)]));
    const cases: [ClusteringBound, ClusteringBound, number[]][] = [
      [b('inclStart', 1), b('inclEnd', 3), [0, 4]],
      [b('exclStart', 1), b('exclEnd', 3), [0, 1, 3, 4]],
      [b('exclStart', 1), b('inclEnd', 3), [0, 1, 4]],
      [BOTTOM_BOUND, b('exclEnd', 2), [2, 3, 4]],
      [b('exclStart', 2), TOP_BOUND, [0, 1, 2]],
      [b('inclStart', 2, 0), b('inclEnd', 2, 0), [0, 1, 3, 4]],
      [b('inclStart', 2, 1), b('inclEnd', 2, 5), [0, 1, 2, 3, 4]],
    ];
    for (const [start, end, survivors] of cases) {
      const merged = mergePartitionUpdates(update({ rows }), update({ rangeTombstones: [{ start, end, deletion: del(1n) }] }), tc);
      expect(merged.rows.map((r) => int.deserialize(r.clustering[0]!))).toEqual(survivors);
    }
  });

  test('a range tombstone does not shadow the static row', () => {
    const merged = normalizePartitionUpdate(
      update({ staticRow: { columns: [simple('st', liveCell(1n, Buffer.from('x')))] }, rangeTombstones: [{ start: BOTTOM_BOUND, end: TOP_BOUND, deletion: del(9n) }] }),
      tc,
    );
    expect(merged.staticRow?.columns).toHaveLength(1);
  });

  test('a row tombstone shadows the row marker and cells at or before it, not later ones', () => {
    const merged = mergePartitionUpdates(
      update({ rows: [row(ck(1, 1), [v(5n), simple('w', liveCell(6n, int.serialize(7)))], { marker: { timestampUs: 5n } })] }),
      update({ rows: [row(ck(1, 1), [], { deletion: del(5n) })] }),
      tc,
    );
    expect(merged.rows).toEqual([row(ck(1, 1), [simple('w', liveCell(6n, int.serialize(7)))], { deletion: del(5n) })]);
  });

  test('a row tombstone weaker than a covering range tombstone is dropped', () => {
    const merged = mergePartitionUpdates(
      update({ rows: [row(ck(1, 1), [v(9n)], { deletion: del(3n) })] }),
      update({ rangeTombstones: [{ start: b('inclStart', 1), end: b('inclEnd', 1), deletion: del(4n) }] }),
      tc,
    );
    expect(merged.rows).toEqual([row(ck(1, 1), [v(9n)])]);
  });

  test('a collection tombstone shadows the older elements of its collection only', () => {
    const elem = (i: number, ts: bigint): { path: Buffer; cell: Cell } => ({ path: int.serialize(i), cell: liveCell(ts, Buffer.alloc(0)) });
    // UPDATE t SET s = {3} USING TIMESTAMP 10: a collection tombstone at 9 and the new element at 10.
    const merged = mergePartitionUpdates(
      update({ rows: [row(ck(1, 1), [{ kind: 'complex', column: 's', cells: [elem(1, 5n), elem(2, 9n)] }, v(5n)])] }),
      update({ rows: [row(ck(1, 1), [{ kind: 'complex', column: 's', deletion: del(9n), cells: [elem(3, 10n)] }])] }),
      tc,
    );
    expect(merged.rows[0]!.columns).toEqual([{ kind: 'complex', column: 's', deletion: del(9n), cells: [elem(3, 10n)] }, v(5n)]);
  });

  test('a collection tombstone that a row deletion supersedes is dropped', () => {
    const merged = normalizePartitionUpdate(
      update({ rows: [row(ck(1, 1), [{ kind: 'complex', column: 's', deletion: del(4n), cells: [] }], { deletion: del(5n) })] }),
      tc,
    );
    expect(merged.rows).toEqual([row(ck(1, 1), [], { deletion: del(5n) })]);
  });

  test('a deletion at the same timestamp as a write shadows it (ties go to the deletion)', () => {
    const merged = mergePartitionUpdates(update({ rows: [row(ck(1, 1), [v(7n)])] }), update({ partitionDeletion: del(7n) }), tc);
    expect(merged.rows).toEqual([]);
  });

  test('counter cells survive a merge under a deletion (merging stays a join) and go at purge', () => {
    const c = counterCell(5n, [{ counterId: '11111111-1111-4111-8111-111111111111', clock: 1n, count: 1n }]);
    const u = (parts: Partial<PartitionUpdate>): PartitionUpdate => ({ ...emptyPartitionUpdate(TABLE_ID, KEY), ...parts });
    const merged = mergePartitionUpdates(u({ rows: [row([], [simple('c', c)])] }), u({ partitionDeletion: del(6n) }), counters);
    expect(merged.rows).toHaveLength(1);
    expect(rowHasLiveData(merged.rows[0]!, 0, merged.partitionDeletion)).toBe(false);
    const purged = purgePartitionUpdate(merged, { nowSeconds: 2000, gcBeforeSeconds: 0 }, counters);
    expect(purged.rows).toEqual([]);
    expect(purged.partitionDeletion).toEqual(del(6n));
  });
});

describe('clusterings that compare equal but are spelled differently', () => {
  test('decimal 1.0 and 1.00 are one row, spelled with the smaller bytes whatever the merge order', () => {
    const decimal = codecFor(nativeType('decimal'));
    const dtc = new TableComparators({ clusteringTypes: [nativeType('decimal')], columns: [{ name: 'v', type: nativeType('int') }] });
    const oneTenths = decimal.serialize({ unscaledValue: 10n, scale: 1 });
    const oneHundredths = decimal.serialize({ unscaledValue: 100n, scale: 2 });
    const a = update({ rows: [row([oneHundredths], [v(1n, 1)])] });
    const x = update({ rows: [row([oneTenths], [v(2n, 2)])] });
    const ax = mergePartitionUpdates(a, x, dtc);
    expect(mergePartitionUpdates(x, a, dtc)).toEqual(ax);
    expect(ax.rows).toEqual([row([oneTenths], [v(2n, 2)])]); // 00000001 0a < 00000002 64
  });
});

describe('range tombstone normalization', () => {
  const rt = (start: ClusteringBound, end: ClusteringBound, d: bigint): RangeTombstone => ({ start, end, deletion: del(d) });

  test('overlapping tombstones split into disjoint slices, each with the strongest deletion', () => {
    const out = normalizeRangeTombstones([rt(b('inclStart', 1), b('inclEnd', 5), 1n), rt(b('exclStart', 2), b('exclEnd', 4), 3n)], undefined, tc.clustering);
    expect(out).toEqual([
      rt(b('inclStart', 1), b('inclEnd', 2), 1n),
      rt(b('exclStart', 2), b('exclEnd', 4), 3n),
      rt(b('inclStart', 4), b('inclEnd', 5), 1n),
    ]);
    expect(rangeTombstoneDeletionAt(out, ck(3, 0), tc.clustering)).toEqual(del(3n));
    expect(rangeTombstoneDeletionAt(out, ck(4, 0), tc.clustering)).toEqual(del(1n));
    expect(rangeTombstoneDeletionAt(out, ck(6, 0), tc.clustering)).toBeUndefined();
  });

  test('adjacent or overlapping slices with the same deletion are joined; empty slices vanish', () => {
    const out = normalizeRangeTombstones(
      [rt(b('inclStart', 1), b('exclEnd', 3), 2n), rt(b('inclStart', 3), b('inclEnd', 4), 2n), rt(b('inclStart', 2), b('inclEnd', 2), 2n), rt(b('exclStart', 7), b('inclEnd', 7), 9n)],
      undefined,
      tc.clustering,
    );
    expect(out).toEqual([rt(b('inclStart', 1), b('inclEnd', 4), 2n)]);
  });

  test('a tombstone weaker than or equal to the partition deletion is dropped', () => {
    expect(normalizeRangeTombstones([rt(BOTTOM_BOUND, TOP_BOUND, 5n)], del(5n), tc.clustering)).toEqual([]);
    expect(normalizeRangeTombstones([rt(BOTTOM_BOUND, TOP_BOUND, 6n)], del(5n), tc.clustering)).toHaveLength(1);
  });
});

describe('purging (compaction with gc_grace)', () => {
  const options = { nowSeconds: 10_000, gcBeforeSeconds: 5_000 };

  test('tombstones older than gcBefore go; newer ones stay', () => {
    const u = normalizePartitionUpdate(
      update({
        partitionDeletion: del(1n, 4_999),
        rows: [
          row(ck(1, 1), [simple('v', tombstoneCell(5n, 4_000)), simple('w', tombstoneCell(5n, 6_000))], { deletion: del(2n, 5_000) }),
          row(ck(2, 2), [{ kind: 'complex', column: 's', deletion: del(3n, 100), cells: [] }]),
        ],
        rangeTombstones: [{ start: b('inclStart', 5), end: b('inclEnd', 6), deletion: del(3n, 1) }],
      }),
      tc,
    );
    const purged = purgePartitionUpdate(u, options, tc);
    expect(purged.partitionDeletion).toBeUndefined();
    expect(purged.rangeTombstones).toEqual([]);
    expect(purged.rows).toEqual([row(ck(1, 1), [simple('w', tombstoneCell(5n, 6_000))], { deletion: del(2n, 5_000) })]);
  });

  test('an expired cell becomes a tombstone dated at its write time, then goes once that is past gc grace', () => {
    const expired = { kind: 'expiring', timestampUs: 5n, value: int.serialize(1), ttlSeconds: 3_000, localDeletionTimeSeconds: 7_000 } as const;
    const u = update({ rows: [row(ck(1, 1), [simple('v', expired)])] });
    const purged = purgePartitionUpdate(u, options, tc);
    expect(cellAt(purged, ck(1, 1), 'v')).toEqual(tombstoneCell(5n, 4_000));
    expect(purgePartitionUpdate(u, { nowSeconds: 20_000, gcBeforeSeconds: 7_001 }, tc).rows).toEqual([]);
    // Not expired yet: untouched.
    expect(purgePartitionUpdate(u, { nowSeconds: 6_999, gcBeforeSeconds: 5_000 }, tc)).toEqual(u);
  });

  test('an expired row marker goes once past gc grace', () => {
    const u = update({ rows: [row(ck(1, 1), [], { marker: { timestampUs: 1n, ttlSeconds: 10, localExpirationTimeSeconds: 4_000 } })] });
    expect(purgePartitionUpdate(u, options, tc).rows).toEqual([]);
    expect(purgePartitionUpdate(u, { nowSeconds: 4_500, gcBeforeSeconds: 3_000 }, tc).rows).toHaveLength(1);
  });

  test('tombstones at or above maxPurgeableTimestamp are kept (data they shadow may live elsewhere)', () => {
    const u = update({ partitionDeletion: del(10n, 1) });
    expect(purgePartitionUpdate(u, { ...options, maxPurgeableTimestampUs: 10n }, tc).partitionDeletion).toEqual(del(10n, 1));
    expect(purgePartitionUpdate(u, { ...options, maxPurgeableTimestampUs: 11n }, tc).partitionDeletion).toBeUndefined();
  });
});

describe('invalid merges are clean errors', () => {
  const code = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (err) {
      return hasErrorCode(err, MutationErrorCodes.INVALID_MUTATION) ? (err as Error).message : `other: ${String(err)}`;
    }
    return undefined;
  };

  test('different partitions, unknown columns, kind mismatches, bad clusterings', () => {
    expect(code(() => mergePartitionUpdates(update({}), { ...update({}), partitionKey: Buffer.from('x') }, tc))).toMatch(/partition keys 6b6579 and 78/);
    expect(code(() => mergePartitionUpdates(update({}), { ...update({}), tableId: 'x' }, tc))).toMatch(/cannot merge updates of tables/);
    expect(code(() => normalizePartitionUpdate(update({ rows: [row(ck(1, 1), [simple('nope', liveCell(1n, Buffer.alloc(0)))])] }), tc))).toMatch(/unknown column nope/);
    expect(code(() => normalizePartitionUpdate(update({ rows: [row(ck(1, 1), [{ kind: 'complex', column: 'v', cells: [] }])] }), tc))).toMatch(/single-cell but the update has complex data/);
    expect(code(() => normalizePartitionUpdate(update({ rows: [row(ck(1, 1), [simple('s', liveCell(1n, Buffer.alloc(0)))])] }), tc))).toMatch(/multi-cell but the update has simple data/);
    expect(code(() => normalizePartitionUpdate(update({ rows: [row(ck(1, 1), [simple('v', counterCell(1n, []))])] }), tc))).toMatch(/counter cell in non-counter column v int/);
    expect(code(() => mergeManyPartitionUpdates([], tc))).toMatch(/nothing to merge/);
    expect(() => normalizePartitionUpdate(update({ rows: [row(ck(1), [])] }), tc)).toThrow(/1 components for 2 clustering columns/);
  });
});
