import { SegmentPool, hasErrorCode, LsaErrorCode } from '@charybdis/core';
import type { LsaPressureEvent } from '@charybdis/core';
import {
  MURMUR3_MAX_TOKEN,
  MURMUR3_MIN_TOKEN,
  TableComparators,
  codecFor,
  encodePartitionUpdate,
  mergeManyPartitionUpdates,
  murmur3Token,
  nativeType,
  setType,
} from '@charybdis/schema';
import type { Cell, ColumnData, DeletionTime, PartitionUpdate, RangeTombstone, Row } from '@charybdis/schema';
import { Memtable, MemtableErrorCodes } from '../src/memtable';
import { compareEntryKeys, encodeEntryKey, readOrderedToken } from '../src/memtable/memtable-entry';

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
const int = codecFor(nativeType('int'));
const comparators = new TableComparators({
  clusteringTypes: [nativeType('int')],
  columns: [
    { name: 'v', type: nativeType('int') },
    { name: 't', type: nativeType('text') },
    { name: 'st', type: nativeType('int') },
    { name: 's', type: setType(nativeType('int')) },
  ],
});

const VALUES = [Buffer.alloc(0), Buffer.from([0]), Buffer.from([1]), Buffer.from([0x80, 0]), Buffer.alloc(40, 7)];
const ts = (r: Rng): bigint => BigInt(1 + r.int(12));
const deletion = (r: Rng): DeletionTime => ({ markedForDeleteAtUs: ts(r), localDeletionTimeSeconds: 100 + r.int(4) });

function cell(r: Rng): Cell {
  const k = r.int(4);
  if (k < 2) return { kind: 'live', timestampUs: ts(r), value: r.pick(VALUES) };
  if (k === 2) return { kind: 'expiring', timestampUs: ts(r), value: r.pick(VALUES), ttlSeconds: 1 + r.int(2), localDeletionTimeSeconds: 100 + r.int(4) };
  return { kind: 'tombstone', timestampUs: ts(r), localDeletionTimeSeconds: 100 + r.int(4) };
}

function columns(r: Rng): ColumnData[] {
  const out: ColumnData[] = [];
  if (r.chance(0.7)) out.push({ kind: 'simple', column: 'v', cell: cell(r) });
  if (r.chance(0.3)) out.push({ kind: 'simple', column: 't', cell: cell(r) });
  if (r.chance(0.3)) {
    const cells = [0, 1, 2].filter(() => r.chance(0.5)).map((i) => ({ path: int.serialize(i), cell: cell(r) }));
    out.push(r.chance(0.3) ? { kind: 'complex', column: 's', cells, deletion: deletion(r) } : { kind: 'complex', column: 's', cells });
  }
  return out;
}

interface Key {
  partitionKey: Buffer;
  token: bigint;
}

/** A random update of one of `keys`: small domains, so writes to a partition collide often. */
function randomUpdate(r: Rng, key: Key): PartitionUpdate {
  const rows: Row[] = [];
  for (let i = r.int(4); i > 0; i--) {
    const row: { clustering: Buffer[]; marker?: { timestampUs: bigint }; deletion?: DeletionTime; columns: ColumnData[] } = {
      clustering: [int.serialize(r.int(6))],
      columns: columns(r),
    };
    if (r.chance(0.5)) row.marker = { timestampUs: ts(r) };
    if (r.chance(0.1)) row.deletion = deletion(r);
    rows.push(row);
  }
  const rangeTombstones: RangeTombstone[] = [];
  if (r.chance(0.2)) {
    const a = r.int(6);
    rangeTombstones.push({
      start: { kind: 'inclStart', prefix: [int.serialize(a)] },
      end: { kind: 'inclEnd', prefix: [int.serialize(a + r.int(3))] },
      deletion: deletion(r),
    });
  }
  const update: { -readonly [K in keyof PartitionUpdate]: PartitionUpdate[K] } = { tableId: TABLE_ID, partitionKey: key.partitionKey, token: key.token, rows, rangeTombstones };
  if (r.chance(0.05)) update.partitionDeletion = deletion(r);
  if (r.chance(0.3)) update.staticRow = { columns: [{ kind: 'simple', column: 'st', cell: cell(r) }] };
  return update;
}

/** Keys with Murmur3 tokens, or (`forcedTokens`) with a few shared extreme tokens so that key order within a token matters. */
function makeKeys(r: Rng, n: number, forcedTokens: boolean): Key[] {
  const TOKENS = [MURMUR3_MIN_TOKEN, -1n, 0n, 1n, MURMUR3_MAX_TOKEN, -(1n << 40n), 1n << 40n];
  const seen = new Set<string>();
  const keys: Key[] = [];
  while (keys.length < n) {
    const len = r.int(6);
    const partitionKey = Buffer.from(Array.from({ length: len }, () => r.pick([0, 1, 0x7f, 0x80, 0xff])));
    const token = forcedTokens ? r.pick(TOKENS) : murmur3Token(partitionKey);
    const id = `${token}:${partitionKey.toString('hex')}`;
    if (seen.has(id)) continue;
    seen.add(id);
    keys.push({ partitionKey, token });
  }
  return keys;
}

const keyId = (k: { token: bigint; partitionKey: Uint8Array }): string => `${k.token}:${Buffer.from(k.partitionKey).toString('hex')}`;
const compareKeys = (a: Key, b: Key): number => (a.token < b.token ? -1 : a.token > b.token ? 1 : Buffer.compare(a.partitionKey, b.partitionKey));
const encoded = (u: PartitionUpdate): string => encodePartitionUpdate(u).toString('hex');

/** The model: every update applied to each partition, merged at once. */
class Model {
  readonly updates = new Map<string, { key: Key; list: PartitionUpdate[] }>();
  add(key: Key, u: PartitionUpdate): void {
    const e = this.updates.get(keyId(key)) ?? { key, list: [] };
    e.list.push(u);
    this.updates.set(keyId(key), e);
  }
  merged(key: Key): PartitionUpdate | null {
    const e = this.updates.get(keyId(key));
    return e === undefined ? null : mergeManyPartitionUpdates(e.list, comparators);
  }
  sortedKeys(): Key[] {
    return [...this.updates.values()].map((e) => e.key).sort(compareKeys);
  }
}

function expectMatchesModel(memtable: Memtable, model: Model, keys: readonly Key[]): void {
  expect(memtable.partitionCount).toBe(model.updates.size);
  for (const key of keys) {
    const got = memtable.get(key.partitionKey, key.token);
    const want = model.merged(key);
    if (want === null) expect(got).toBeNull();
    else expect(got === null ? null : encoded(got)).toBe(encoded(want));
  }
  const scanned = [...memtable.scan()];
  const sorted = model.sortedKeys();
  expect(scanned.map(keyId)).toEqual(sorted.map(keyId));
  expect(scanned.map(encoded)).toEqual(sorted.map((k) => encoded(model.merged(k)!)));
}

function smallPool(budgetBytes = 4 << 20): SegmentPool {
  return new SegmentPool({ budgetBytes, segmentSizeBytes: 4096, chunkSizeBytes: 64 * 1024 });
}

describe('memtable entry layout', () => {
  it('orders tokens as signed integers and keys unsigned, shorter first', () => {
    const tokens = [MURMUR3_MIN_TOKEN, -(1n << 62n), -256n, -1n, 0n, 1n, 255n, 256n, 1n << 62n, MURMUR3_MAX_TOKEN];
    const keys = [Buffer.alloc(0), Buffer.from([0]), Buffer.from([0, 0]), Buffer.from([1]), Buffer.from([0x80]), Buffer.from([0xff, 0])];
    const probes = tokens.flatMap((t) => keys.map((k) => encodeEntryKey(t, k)));
    for (let i = 0; i < probes.length; i++) {
      expect(readOrderedToken(probes[i]!, 0)).toBe(tokens[Math.floor(i / keys.length)]);
      for (let j = 0; j < probes.length; j++) {
        const c = compareEntryKeys(probes[i]!, 0, probes[i]!.length, probes[j]!, 0, probes[j]!.length);
        expect(Math.sign(c)).toBe(Math.sign(i - j));
      }
    }
  });
});

describe('Memtable', () => {
  it.each([1, 2, 3, 4, 5, 6])('matches mergeManyPartitionUpdates per partition, with compaction between operations (seed %i)', (seed) => {
    const r = prng(seed);
    const pool = smallPool();
    const memtable = Memtable.create(pool, comparators, { tableId: TABLE_ID });
    const keys = makeKeys(r, 30, seed % 2 === 0);
    const model = new Model();
    let moved = 0;
    for (let i = 0; i < 600; i++) {
      const key = r.pick(keys);
      const u = randomUpdate(r, key);
      memtable.apply(u);
      model.add(key, u);
      if (r.chance(0.2)) moved += pool.compactStep(1 << 20);
      if (i % 100 === 99) {
        expectMatchesModel(memtable, model, keys);
        pool.checkInvariants();
      }
    }
    expect(moved).toBeGreaterThan(0); // compaction did move entries under the memtable
    expectMatchesModel(memtable, model, keys);
    expect(memtable.occupiedBytes).toBe(pool.stats().liveBytes);
    memtable.destroy();
    expect(pool.stats().usedSegments).toBe(0);
  });

  it('scans token ranges inclusively, in order', () => {
    const r = prng(11);
    const pool = smallPool();
    const memtable = Memtable.create(pool, comparators, { tableId: TABLE_ID });
    const keys = makeKeys(r, 60, true).concat(makeKeys(r, 60, false));
    const model = new Model();
    for (const key of keys) {
      const u = randomUpdate(r, key);
      memtable.apply(u);
      model.add(key, u);
    }
    const sorted = model.sortedKeys();
    const bounds = [undefined, MURMUR3_MIN_TOKEN, -1n, 0n, 1n, MURMUR3_MAX_TOKEN, ...sorted.filter(() => r.chance(0.1)).map((k) => k.token)];
    for (const from of bounds) {
      for (const to of bounds) {
        const want = sorted.filter((k) => (from === undefined || k.token >= from) && (to === undefined || k.token <= to));
        const got = [...memtable.scan(from, to)];
        expect(got.map(keyId)).toEqual(want.map(keyId));
      }
    }
    memtable.destroy();
  });

  it('keeps scanning correctly while compaction runs and writes happen between steps', () => {
    const r = prng(12);
    const pool = smallPool();
    const memtable = Memtable.create(pool, comparators, { tableId: TABLE_ID });
    const keys = makeKeys(r, 80, false);
    const model = new Model();
    for (let i = 0; i < 400; i++) {
      const key = r.pick(keys);
      const u = randomUpdate(r, key);
      memtable.apply(u);
      model.add(key, u);
    }
    const before = model.sortedKeys();
    const seen: PartitionUpdate[] = [];
    for (const pu of memtable.scan()) {
      seen.push(pu);
      // overwrite existing partitions (their content changes, the key set does not) and compact
      const key = r.pick(keys.filter((k) => model.updates.has(keyId(k))));
      const u = randomUpdate(r, key);
      memtable.apply(u);
      model.add(key, u);
      pool.compactStep(1 << 20);
    }
    expect(seen.map(keyId)).toEqual(before.map(keyId));
    expectMatchesModel(memtable, model, keys);
    memtable.destroy();
  });

  it('a scan sees partitions added ahead of its position and none twice', () => {
    const r = prng(13);
    const pool = smallPool();
    const memtable = Memtable.create(pool, comparators, { tableId: TABLE_ID });
    const all = makeKeys(r, 200, false);
    const initial = all.slice(0, 100);
    const later = all.slice(100);
    for (const key of initial) memtable.apply(randomUpdate(r, key));
    const expected = [...initial];
    const seen: Key[] = [];
    for (const pu of memtable.scan()) {
      const position: Key = { token: pu.token, partitionKey: Buffer.from(pu.partitionKey) };
      seen.push(position);
      const key = later.pop();
      if (key === undefined) continue;
      memtable.apply(randomUpdate(r, key));
      if (compareKeys(key, position) > 0) expected.push(key);
      pool.compactStep(1 << 20);
    }
    expect(seen.map(keyId)).toEqual(expected.sort(compareKeys).map(keyId));
    expect(memtable.partitionCount).toBe(200 - later.length);
    memtable.destroy();
  });

  it('tracks min/max timestamps and clear() empties it', () => {
    const pool = smallPool();
    const memtable = Memtable.create(pool, comparators, { tableId: TABLE_ID });
    expect(memtable.minTimestampUs).toBeNull();
    const key = Buffer.from('k');
    const row = (tsUs: bigint): Row => ({ clustering: [int.serialize(1)], columns: [{ kind: 'simple', column: 'v', cell: { kind: 'live', timestampUs: tsUs, value: int.serialize(1) } }] });
    memtable.apply({ tableId: TABLE_ID, partitionKey: key, token: murmur3Token(key), rows: [row(50n)], rangeTombstones: [] });
    memtable.apply({
      tableId: TABLE_ID,
      partitionKey: key,
      token: murmur3Token(key),
      partitionDeletion: { markedForDeleteAtUs: -7n, localDeletionTimeSeconds: 1 },
      rows: [row(900n)],
      rangeTombstones: [],
    });
    expect(memtable.minTimestampUs).toBe(-7n);
    expect(memtable.maxTimestampUs).toBe(900n);
    expect(memtable.partitionCount).toBe(1);
    expect(memtable.occupiedBytes).toBeGreaterThan(0);
    memtable.clear();
    expect(memtable.partitionCount).toBe(0);
    expect(memtable.occupiedBytes).toBe(0);
    expect(memtable.minTimestampUs).toBeNull();
    expect(memtable.get(key, murmur3Token(key))).toBeNull();
    expect([...memtable.scan()]).toEqual([]);
    memtable.destroy();
    expect(() => memtable.get(key, 0n)).toThrow(expect.objectContaining({ code: MemtableErrorCodes.DESTROYED }) as Error);
    expect(pool.stats().usedSegments).toBe(0);
  });

  it('rejects updates of another table, partitions larger than a segment and evictable regions', () => {
    const pool = smallPool();
    const memtable = Memtable.create(pool, comparators, { tableId: TABLE_ID });
    const key = Buffer.from('k');
    expect(() => memtable.apply({ tableId: '00000000-0000-4000-8000-000000000000', partitionKey: key, token: 0n, rows: [], rangeTombstones: [] })).toThrow(
      expect.objectContaining({ code: MemtableErrorCodes.WRONG_TABLE }) as Error,
    );
    // a partition bigger than a segment is a clean error and changes nothing
    const row = (value: Buffer): Row => ({ clustering: [int.serialize(1)], columns: [{ kind: 'simple', column: 't', cell: { kind: 'live', timestampUs: 1n, value } }] });
    memtable.apply({ tableId: TABLE_ID, partitionKey: key, token: 5n, rows: [row(Buffer.from('small'))], rangeTombstones: [] });
    const before = encoded(memtable.get(key, 5n)!);
    expect(() => memtable.apply({ tableId: TABLE_ID, partitionKey: key, token: 5n, rows: [{ ...row(Buffer.alloc(5000, 1)), clustering: [int.serialize(2)] }], rangeTombstones: [] })).toThrow(
      expect.objectContaining({ code: LsaErrorCode.OBJECT_TOO_LARGE }) as Error,
    );
    expect(encoded(memtable.get(key, 5n)!)).toBe(before);
    expect(memtable.partitionCount).toBe(1);
    const cache = pool.createRegion({ evictable: true, onEvict: () => undefined });
    expect(() => new Memtable(cache, comparators, { tableId: TABLE_ID })).toThrow(expect.objectContaining({ code: MemtableErrorCodes.INVALID_OPTION }) as Error);
    memtable.destroy();
  });

  it('under a small budget: tells onFlushNeeded, and LSA_OUT_OF_MEMORY leaves every partition as it was', async () => {
    const r = prng(21);
    const pool = smallPool(16 * 4096);
    const events: LsaPressureEvent[] = [];
    const memtable = Memtable.create(pool, comparators, { tableId: TABLE_ID, name: 'memtable:ks.t', onFlushNeeded: (e) => events.push(e) });
    const keys = makeKeys(r, 600, false);
    const model = new Model();
    let ooms = 0;
    for (let i = 0; i < 6000 && ooms < 30; i++) {
      const key = r.pick(keys);
      const u = randomUpdate(r, key);
      const before = memtable.get(key.partitionKey, key.token);
      const count = memtable.partitionCount;
      try {
        memtable.apply(u);
        model.add(key, u);
      } catch (err) {
        if (!hasErrorCode(err, LsaErrorCode.OUT_OF_MEMORY)) throw err;
        ooms++;
        const after = memtable.get(key.partitionKey, key.token);
        expect(after === null ? null : encoded(after)).toBe(before === null ? null : encoded(before));
        expect(memtable.partitionCount).toBe(count);
      }
      if (r.chance(0.3)) pool.compactStep(1 << 20);
    }
    expect(ooms).toBeGreaterThan(0);
    pool.checkInvariants();
    expectMatchesModel(memtable, model, keys);
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.map((e) => e.kind)).toContain('soft');
    expect(events.map((e) => e.kind)).toContain('hard');
    expect(events.every((e) => e.regionName === 'memtable:ks.t')).toBe(true);
    memtable.destroy();
    expect(pool.stats().usedSegments).toBe(0);
    expect(pool.stats().regions).toBe(0);
  });
});
