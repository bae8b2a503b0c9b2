/**
 * filterPartition on hand-built partitions (each rule of "what a read returns" on its
 * own), command validation, and the paging state codec (round trip, damaged bytes).
 */
import { hasErrorCode } from '@charybdis/core';
import { BOTTOM_BOUND, TOP_BOUND, TableComparators, codecFor, mergeManyPartitionUpdates, nativeType } from '@charybdis/schema';
import type { Cell, ColumnData, DeletionTime, PartitionUpdate, Row } from '@charybdis/schema';
import { ReadErrorCodes, decodePagingState, encodePagingState, filterPartition } from '../src/read';
import type { PagingState, ReadCommand, ResultPartition } from '../src/read';
import type { ClusteringSlice } from '../src/sstable/sstable-types';
import {
  RANDOM_COUNTER_TABLE,
  RANDOM_TABLE,
  mulberry32,
  randomChance,
  randomInt,
  randomPartitionUpdates,
  randomTablePartitionKey,
} from './fixtures/random-partition-updates';

const tc = RANDOM_TABLE;
const int = codecFor(nativeType('int'));
const text = codecFor(nativeType('text'));
const NOW = 1000;
const KEY = randomTablePartitionKey(7);
const WHOLE: ClusteringSlice[] = [{ start: BOTTOM_BOUND, end: TOP_BOUND }];

const live = (ts: number, v: number): Cell => ({ kind: 'live', timestampUs: BigInt(ts), value: int.serialize(v) });
const expiring = (ts: number, v: number, expiry: number): Cell => ({ kind: 'expiring', timestampUs: BigInt(ts), value: int.serialize(v), ttlSeconds: 50, localDeletionTimeSeconds: expiry });
const del = (ts: number): DeletionTime => ({ markedForDeleteAtUs: BigInt(ts), localDeletionTimeSeconds: 1 });
const v = (cell: Cell): ColumnData => ({ kind: 'simple', column: 'v', cell });
const clustering = (c1: number, c2 = 'a'): Uint8Array[] => [int.serialize(c1), text.serialize(c2)];
const row = (c1: number, columns: ColumnData[], extra: Partial<Row> = {}): Row => ({ clustering: clustering(c1), columns, ...extra });
const partition = (rows: Row[], extra: Partial<PartitionUpdate> = {}): PartitionUpdate =>
  mergeManyPartitionUpdates([{ tableId: 't', partitionKey: KEY.partitionKey, token: KEY.token, rows, rangeTombstones: [], ...extra }], tc);
const command = (extra: Partial<ReadCommand> = {}): ReadCommand => ({ slices: WHOLE, reversed: false, rowLimit: Infinity, nowSeconds: NOW, ...extra });
const c1s = (p: ResultPartition | null): number[] => (p === null ? [] : p.rows.map((r) => int.deserialize(r.clustering[0]!) as number));

describe('filterPartition: live data only', () => {
  test('expired cells and markers are dropped at their expiry; ttl() is the time left', () => {
    const u = partition([row(0, [v(expiring(1, 5, NOW + 30))]), row(1, [v(expiring(1, 6, NOW))]), row(2, [], { marker: { timestampUs: 1n, ttlSeconds: 9, localExpirationTimeSeconds: NOW } })]);
    const got = filterPartition(u, command(), tc);
    expect(c1s(got.partition)).toEqual([0]);
    expect(got.partition!.rows[0]!.cells).toEqual([{ kind: 'simple', column: 'v', value: int.serialize(5), writetimeUs: 1n, ttlSeconds: 30 }]);
    expect(c1s(filterPartition(u, command({ nowSeconds: NOW - 1 }), tc).partition)).toEqual([0, 1, 2]);
  });

  test('a row with a live marker and no live cell is returned; projected columns do not decide row existence', () => {
    const u = partition([row(0, [], { marker: { timestampUs: 1n } }), row(1, [{ kind: 'simple', column: 't', cell: live(1, 0) }]), row(2, [v({ kind: 'tombstone', timestampUs: 2n, localDeletionTimeSeconds: 1 })])]);
    const got = filterPartition(u, command({ columns: ['v'] }), tc);
    expect(c1s(got.partition)).toEqual([0, 1]);
    expect(got.partition!.rows.map((r) => r.cells.length)).toEqual([0, 0]);
  });

  test('partition, range, row and collection tombstones delete what they cover, and nothing newer', () => {
    const rangeTombstones = [{ start: { kind: 'inclStart' as const, prefix: [int.serialize(2)] }, end: { kind: 'inclEnd' as const, prefix: [int.serialize(3)] }, deletion: del(10) }];
    const u = partition(
      [
        row(0, [v(live(4, 0))]),
        row(1, [v(live(6, 1))]),
        row(2, [v(live(9, 2))]),
        row(3, [v(live(11, 3))]),
        row(4, [v(live(7, 4))], { deletion: del(8) }),
        row(5, [{ kind: 'complex', column: 's', deletion: del(6), cells: [{ path: int.serialize(1), cell: live(5, 0) }, { path: int.serialize(2), cell: live(7, 0) }] }]),
      ],
      { partitionDeletion: del(5), rangeTombstones },
    );
    const got = filterPartition(u, command(), tc);
    expect(c1s(got.partition)).toEqual([1, 3, 5]);
    const set = got.partition!.rows[2]!.cells[0]!;
    expect(set.kind === 'collection' ? set.elements.map((e) => int.deserialize(e.path)) : set).toEqual([2]);
  });

  test('cells of a dropped column written at or before its drop are dead, and keep no row alive', () => {
    // v dropped at 10 (and re-added): its older cells vanish, newer ones stay; t untouched
    const dropped = new TableComparators({ ...tc.schema, columns: tc.schema.columns.map((c) => (c.name === 'v' ? { ...c, droppedAtUs: 10n } : c)) });
    const u = mergeManyPartitionUpdates(
      [{ tableId: 't', partitionKey: KEY.partitionKey, token: KEY.token, rows: [row(0, [v(live(10, 0))]), row(1, [v(live(11, 1))]), row(2, [v(live(5, 2)), { kind: 'simple', column: 't', cell: live(1, 0) }])], rangeTombstones: [] }],
      dropped,
    );
    const got = filterPartition(u, command(), dropped);
    expect(c1s(got.partition)).toEqual([1, 2]);
    expect(got.partition!.rows.map((r) => r.cells.map((c) => c.column))).toEqual([['v'], ['t']]);
    expect(c1s(filterPartition(u, command(), tc).partition)).toEqual([0, 1, 2]);
  });

  test('counters give their total as an 8-byte bigint', () => {
    const shards = [
      { counterId: '11111111-1111-4111-8111-111111111111', clock: 1n, count: 5n },
      { counterId: '22222222-2222-4222-8222-222222222222', clock: 1n, count: -7n },
    ];
    const u = mergeManyPartitionUpdates(
      [{ tableId: 't', partitionKey: KEY.partitionKey, token: KEY.token, rows: [{ clustering: [int.serialize(0)], columns: [{ kind: 'simple', column: 'c1', cell: { kind: 'counter', timestampUs: 3n, shards } }] }], rangeTombstones: [] }],
      RANDOM_COUNTER_TABLE,
    );
    const cell = filterPartition(u, command(), RANDOM_COUNTER_TABLE).partition!.rows[0]!.cells[0]!;
    expect(cell).toEqual({ kind: 'counter', column: 'c1', total: -2n, value: Uint8Array.of(255, 255, 255, 255, 255, 255, 255, 254), writetimeUs: 3n });
  });
});

describe('filterPartition: static rows, slices, order, limits', () => {
  const st = { columns: [{ kind: 'simple' as const, column: 'st', cell: live(1, 9) }] };

  test('a static-only partition is one row in full mode, nothing in withRows mode, and the static row comes with rows', () => {
    const onlyStatic = partition([], { staticRow: st });
    const full = filterPartition(onlyStatic, command(), tc);
    expect(full.rowsReturned).toBe(1);
    expect(full.partition!.staticRow!.cells).toHaveLength(1);
    expect(filterPartition(onlyStatic, command({ staticRow: 'withRows' }), tc).partition).toBeNull();
    const both = partition([row(1, [v(live(1, 1))])], { staticRow: st });
    expect(filterPartition(both, command({ staticRow: 'withRows' }), tc).partition!.staticRow).toBeDefined();
    expect(filterPartition(both, command({ staticRow: 'none' }), tc).partition!.staticRow).toBeUndefined();
    // A slice restriction makes the default 'withRows'.
    const slice: ClusteringSlice[] = [{ start: { kind: 'inclStart', prefix: [int.serialize(5)] }, end: TOP_BOUND }];
    expect(filterPartition(onlyStatic, command({ slices: slice }), tc).partition).toBeNull();
  });

  test('resuming after the last row of a partition with a static row gives nothing (its static row was shown already)', () => {
    const u = partition([row(1, [v(live(1, 1))])], { staticRow: st });
    const first = filterPartition(u, command(), tc);
    expect(first.partition!.staticRow).toBeDefined();
    const pagingState: PagingState = { partitionKey: KEY.partitionKey, token: KEY.token, lastClustering: first.lastClustering, remainingInPartition: null };
    const again = filterPartition(u, command({ pagingState }), tc);
    expect(again.partition).toBeNull();
    expect(again.rowsReturned).toBe(0);
  });

  test('slices (on prefixes of the DESC text column), reversed order and limits', () => {
    const rows = [0, 1, 2, 3].flatMap((c) => ['a', 'b', 'c'].map((t) => ({ clustering: clustering(c, t), columns: [v(live(1, c))] })));
    const u = partition(rows);
    const slices: ClusteringSlice[] = [
      { start: { kind: 'exclStart', prefix: [int.serialize(0), text.serialize('b')] }, end: { kind: 'inclEnd', prefix: [int.serialize(1)] } },
      { start: { kind: 'inclStart', prefix: [int.serialize(3), text.serialize('b')] }, end: TOP_BOUND },
    ];
    const render = (p: ResultPartition | null): string[] => (p === null ? [] : p.rows.map((r) => `${int.deserialize(r.clustering[0]!) as number}${text.deserialize(r.clustering[1]!) as string}`));
    // c2 is DESC: within c1 = 0, rows after 'b' are 'a'.
    expect(render(filterPartition(u, command({ slices }), tc).partition)).toEqual(['0a', '1c', '1b', '1a', '3b', '3a']);
    expect(render(filterPartition(u, command({ slices, reversed: true }), tc).partition)).toEqual(['3a', '3b', '1a', '1b', '1c', '0a']);
    const limited = filterPartition(u, command({ slices, reversed: true, rowLimit: 3 }), tc);
    expect(render(limited.partition)).toEqual(['3a', '3b', '1a']);
    expect(limited.exhausted).toBe(false);
    const perPartition = filterPartition(u, command({ slices, perPartitionLimit: 2, rowLimit: 2 }), tc);
    expect(perPartition.exhausted).toBe(true);
    // Exactly at the last live row: nothing more to give.
    expect(filterPartition(u, command({ slices, rowLimit: 6 }), tc).exhausted).toBe(true);
  });

  test('resuming from a paging state continues strictly after the last row, in both directions', () => {
    const u = partition([0, 1, 2, 3, 4].map((c) => row(c, [v(live(1, c))])));
    for (const reversed of [false, true]) {
      const seen: number[] = [];
      let state: PagingState | undefined;
      for (let i = 0; i < 10; i++) {
        const got = filterPartition(u, command({ reversed, rowLimit: 2, ...(state === undefined ? {} : { pagingState: state }) }), tc);
        seen.push(...c1s(got.partition));
        if (got.exhausted) break;
        state = { partitionKey: KEY.partitionKey, token: KEY.token, lastClustering: got.lastClustering, remainingInPartition: null };
      }
      expect(seen).toEqual(reversed ? [4, 3, 2, 1, 0] : [0, 1, 2, 3, 4]);
    }
  });

  test('invalid commands are READ_INVALID_COMMAND errors', () => {
    const u = partition([row(0, [v(live(1, 0))])]);
    const a: ClusteringSlice = { start: { kind: 'inclStart', prefix: [int.serialize(1)] }, end: { kind: 'inclEnd', prefix: [int.serialize(3)] } };
    const b: ClusteringSlice = { start: { kind: 'inclStart', prefix: [int.serialize(2)] }, end: TOP_BOUND };
    const bad: Partial<ReadCommand>[] = [{ slices: [a, b] }, { slices: [b, a] }, { slices: [{ start: a.end, end: a.start }] }, { rowLimit: 0 }, { rowLimit: 1.5 }, { perPartitionLimit: 0 }, { columns: ['nope'] }, { nowSeconds: -1 }];
    for (const extra of bad) expect(() => filterPartition(u, command(extra), tc)).toThrow(expect.objectContaining({ code: ReadErrorCodes.INVALID_COMMAND }) as Error);
  });
});

describe('paging state codec', () => {
  function randomState(seed: number): PagingState {
    const rng = mulberry32(seed);
    const u = randomPartitionUpdates(rng, { count: 1, partitionKeys: 50 })[0]!;
    const hasClustering = randomChance(rng, 0.7);
    return {
      partitionKey: u.partitionKey,
      token: u.token,
      lastClustering: hasClustering ? clustering(randomInt(rng, 1000) - 500, ['', 'x', 'héllo'][randomInt(rng, 3)]) : null,
      remainingInPartition: hasClustering && randomChance(rng, 0.5) ? 1 + randomInt(rng, 100000) : null,
    };
  }

  test('decode(encode(s)) == s', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const s = randomState(seed);
      const back = decodePagingState(encodePagingState(s), tc);
      expect({ ...back, partitionKey: Buffer.from(back.partitionKey), lastClustering: back.lastClustering?.map((c) => Buffer.from(c)) ?? null }).toEqual({
        ...s,
        partitionKey: Buffer.from(s.partitionKey),
        lastClustering: s.lastClustering?.map((c) => Buffer.from(c)) ?? null,
      });
    }
  });

  test('every truncation and random damage is a clean READ_INVALID_PAGING_STATE error', () => {
    const rng = mulberry32(77);
    let checked = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const bytes = encodePagingState(randomState(seed));
      for (let cut = 0; cut < bytes.length; cut++) {
        expect(() => decodePagingState(bytes.subarray(0, cut), tc)).toThrow(expect.objectContaining({ code: ReadErrorCodes.INVALID_PAGING_STATE }) as Error);
        checked++;
      }
      for (let k = 0; k < 20; k++) {
        const damaged = Uint8Array.from(bytes);
        const at = randomInt(rng, damaged.length);
        damaged[at] = damaged[at]! ^ (1 + randomInt(rng, 255));
        try {
          decodePagingState(damaged, tc);
          throw new Error(`damage at ${at} was not detected`);
        } catch (err) {
          expect(hasErrorCode(err, ReadErrorCodes.INVALID_PAGING_STATE)).toBe(true);
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(() => decodePagingState(Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), tc)).toThrow(/unknown version 9/);
  });

  test('a state whose clustering does not fit the table is rejected (with a valid checksum)', () => {
    const s: PagingState = { partitionKey: KEY.partitionKey, token: KEY.token, lastClustering: [int.serialize(1)], remainingInPartition: null };
    expect(() => decodePagingState(encodePagingState(s), tc)).toThrow(expect.objectContaining({ code: ReadErrorCodes.INVALID_PAGING_STATE }) as Error);
    const badInt: PagingState = { ...s, lastClustering: [Uint8Array.of(1, 2), text.serialize('a')] };
    expect(() => decodePagingState(encodePagingState(badInt), tc)).toThrow(expect.objectContaining({ code: ReadErrorCodes.INVALID_PAGING_STATE }) as Error);
    // Without the table, only the structure is checked.
    expect(decodePagingState(encodePagingState(s)).lastClustering).toHaveLength(1);
  });
});
