import { hasErrorCode } from '../src/errors';
import { LsaBTree, LsaErrorCode, NULL_HANDLE, SegmentPool, checkBTreeInvariants, compareBytes, reverseComparator } from '../src/lsa';
import type { LsaComparator, LsaRegion } from '../src/lsa';
import { seededRandom } from './fixtures/seeded-random';

// The memtable's sorted index: an LsaBTree over objects in an LSA region, checked against
// a sorted-array model with a bytewise and a reversed comparator and several node sizes,
// while compaction keeps moving the objects underneath.

const mulberry32 = seededRandom;

/** Objects are `[keyLength u8][key][value]`; this compares the keys with `inner`. */
function keyPrefix(inner: LsaComparator): LsaComparator {
  return (a, ao, _al, b, bo) => inner(a, ao + 1, a[ao]!, b, bo + 1, b[bo]!);
}

function encode(key: Uint8Array, value: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(1 + key.length + value.length);
  out[0] = key.length;
  out.set(key, 1);
  out.set(value, 1 + key.length);
  return out;
}

interface Entry {
  key: Uint8Array;
  handle: number;
}

/** The model: entries sorted by `cmp` over keys. */
class SortedModel {
  readonly entries: Entry[] = [];
  constructor(readonly cmp: (a: Uint8Array, b: Uint8Array) => number) {}

  /** First index whose key is ≥ key. */
  lowerBound(key: Uint8Array): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(this.entries[mid]!.key, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  find(key: Uint8Array): number {
    const i = this.lowerBound(key);
    const e = this.entries[i];
    return e !== undefined && this.cmp(e.key, key) === 0 ? i : -1;
  }
}

function expectSame(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new Error(`${what}: got ${actual}, expected ${expected}`);
}

interface Variant {
  name: string;
  cmp: LsaComparator;
  modelCmp: (a: Uint8Array, b: Uint8Array) => number;
  minDegree: number;
  alphabet: number;
  maxKeyLength: number;
}

const bytewise = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(a, b);
const variants: Variant[] = [];
for (const minDegree of [2, 3, 32]) {
  const wide = minDegree === 32;
  variants.push({ name: `bytewise t=${minDegree}`, cmp: keyPrefix(compareBytes), modelCmp: bytewise, minDegree, alphabet: wide ? 64 : 4, maxKeyLength: wide ? 4 : 5 });
  variants.push({
    name: `reversed t=${minDegree}`,
    cmp: keyPrefix(reverseComparator(compareBytes)),
    modelCmp: (a, b) => -bytewise(a, b),
    minDegree,
    alphabet: wide ? 64 : 4,
    maxKeyLength: wide ? 4 : 5,
  });
}

class IndexHarness {
  readonly rnd: () => number;
  readonly pool = new SegmentPool({ budgetBytes: 512 * 4096, segmentSizeBytes: 4096, targetOccupancy: 0.95 });
  readonly region: LsaRegion = this.pool.createRegion({ name: 'memtable' });
  readonly tree: LsaBTree;
  readonly model: SortedModel;

  constructor(
    readonly v: Variant,
    seed: number,
  ) {
    this.rnd = mulberry32(seed);
    this.tree = new LsaBTree(this.region, v.cmp, { minDegree: v.minDegree });
    this.model = new SortedModel(v.modelCmp);
  }

  key(): Uint8Array {
    const n = Math.floor(this.rnd() * (this.v.maxKeyLength + 1));
    const k = new Uint8Array(n);
    for (let i = 0; i < n; i++) k[i] = Math.floor(this.rnd() * this.v.alphabet) * 3;
    return k;
  }

  insert(): void {
    const key = this.key();
    const h = this.region.allocateCopy(encode(key, new Uint8Array([Math.floor(this.rnd() * 256)])));
    const old = this.tree.insert(h);
    const i = this.model.find(key);
    if (i >= 0) {
      expectSame(old, this.model.entries[i]!.handle, 'replaced handle');
      this.model.entries[i]!.handle = h;
      this.region.free(old);
    } else {
      expectSame(old, NULL_HANDLE, 'insert of a new key');
      this.model.entries.splice(this.model.lowerBound(key), 0, { key, handle: h });
    }
  }

  remove(): void {
    const key = this.key();
    const removed = this.tree.remove(encode(key));
    const i = this.model.find(key);
    expectSame(removed, i >= 0 ? this.model.entries[i]!.handle : NULL_HANDLE, 'removed handle');
    if (i >= 0) {
      this.model.entries.splice(i, 1);
      this.region.free(removed);
    }
  }

  removeHandle(): void {
    const e = this.model.entries[Math.floor(this.rnd() * this.model.entries.length)];
    if (e === undefined) return;
    // Another object with an equal key is not the entry: removeHandle leaves the tree alone.
    const twin = this.region.allocateCopy(encode(e.key));
    if (this.tree.removeHandle(twin)) throw new Error('removeHandle removed an equal key held by another handle');
    this.region.free(twin);
    if (!this.tree.removeHandle(e.handle)) throw new Error(`removeHandle(${e.handle}) did not find the entry`);
    this.model.entries.splice(this.model.find(e.key), 1);
    this.region.free(e.handle);
  }

  get(): void {
    const key = this.key();
    const i = this.model.find(key);
    expectSame(this.tree.get(encode(key)), i >= 0 ? this.model.entries[i]!.handle : NULL_HANDLE, 'get');
  }

  seek(): void {
    const key = this.key();
    const c = this.tree.cursor().seek(encode(key));
    let i = this.model.lowerBound(key);
    for (let k = 0; k < 20; k++, i++) {
      const e = this.model.entries[i];
      if (c.valid !== (e !== undefined)) throw new Error(`seek step ${k}: cursor valid ${c.valid}, model has ${e === undefined ? 'no' : 'an'} entry`);
      if (e === undefined) break;
      expectSame(c.handle, e.handle, `seek step ${k}`);
      c.next();
    }
  }

  step(): void {
    const r = this.rnd();
    if (r < 0.45) this.insert();
    else if (r < 0.65) this.remove();
    else if (r < 0.7) this.removeHandle();
    else if (r < 0.85) this.get();
    else if (r < 0.95) this.seek();
    else this.pool.compactStep(1 + Math.floor(this.rnd() * 20_000));
  }

  checkAll(): void {
    expect([...this.tree]).toEqual(this.model.entries.map((e) => e.handle));
    expect(checkBTreeInvariants(this.tree)).toBe(this.model.entries.length);
    this.pool.checkInvariants();
  }
}

describe.each(variants)('LsaBTree against a sorted array ($name)', (v) => {
  test('random insert/replace/remove/get/seek with compaction moving the objects', () => {
    let moved = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const h = new IndexHarness(v, seed * 7919 + v.minDegree);
      for (let i = 0; i < 3000; i++) {
        h.step();
        if (i % 250 === 0) h.checkAll();
      }
      h.checkAll();
      moved += h.pool.stats().compactionMovedBytes;
    }
    expect(moved).toBeGreaterThan(0);
  });
});

describe('LsaBTree', () => {
  const bigKey = (i: number): Uint8Array => {
    const k = new Uint8Array(4);
    new DataView(k.buffer).setUint32(0, i);
    return k;
  };

  test('large trees: ascending, descending and random inserts, then removal of everything', () => {
    const pool = new SegmentPool({ budgetBytes: 64 << 20 });
    const region = pool.createRegion();
    const tree = new LsaBTree(region, keyPrefix(compareBytes));
    const n = 60_000;
    const rnd = mulberry32(42);
    const order = Array.from({ length: n }, (_, i) => i);
    for (const [name, keys] of [
      ['ascending', order],
      ['descending', [...order].reverse()],
      ['random', [...order].sort(() => rnd() - 0.5)],
    ] as const) {
      for (const i of keys) expectSame(tree.insert(region.allocateCopy(encode(bigKey(i)))), NULL_HANDLE, `${name} insert ${i}`);
      expect(checkBTreeInvariants(tree)).toBe(n);
      expect(tree.memoryBytes / n).toBeLessThan(12);
      const c = tree.cursor().seekFirst();
      for (let i = 0; i < n; i++, c.next()) expectSame(region.read(c.handle)[4]!, i & 0xff, `${name} entry ${i}`);
      expect(c.valid).toBe(false);
      for (const i of [...order].sort(() => rnd() - 0.5)) {
        const h = tree.remove(encode(bigKey(i)));
        if (h === NULL_HANDLE) throw new Error(`${name}: key ${i} not found for removal`);
        region.free(h);
      }
      expect(tree.size).toBe(0);
      expect(checkBTreeInvariants(tree)).toBe(0);
    }
  });

  test('a cache index: eviction removes victims from the tree through onEvict', () => {
    const pool = new SegmentPool({ budgetBytes: 64 * 4096, segmentSizeBytes: 4096 });
    let tree: LsaBTree | null = null;
    const cache = pool.createRegion({ name: 'cache', evictable: true, onEvict: (h) => expect(tree!.removeHandle(h)).toBe(true) });
    tree = new LsaBTree(cache, keyPrefix(compareBytes), { minDegree: 4 });
    const memtable = pool.createRegion({ name: 'memtable' });
    for (let i = 0; i < 3000; i++) {
      const old = tree.insert(cache.allocateCopy(encode(bigKey(i % 2000), new Uint8Array(40))));
      if (old !== NULL_HANDLE) cache.free(old);
    }
    const cached = tree.size;
    expect(cached).toBe(2000);
    for (let i = 0; i < 1500; i++) memtable.allocate(100); // memtables push the cache out
    expect(tree.size).toBeLessThan(cached);
    expect(tree.size).toBe(cache.objectCount);
    expect(checkBTreeInvariants(tree)).toBe(cache.objectCount);
    // Keys 0..999 were re-inserted last (most recently used): eviction took from 1000..1999.
    const survivors = [...tree].map((h) => new DataView(cache.read(h).buffer, cache.read(h).byteOffset + 1).getUint32(0));
    expect(survivors.length).toBeGreaterThan(1000);
    expect(survivors.slice(0, 1000)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(pool.stats().evictedObjects).toBe(2000 - survivors.length);
    pool.checkInvariants();
  });

  test('cursors: empty tree, seek past the end, and invalidation by a change', () => {
    const pool = new SegmentPool({ budgetBytes: 1 << 20 });
    const region = pool.createRegion();
    const tree = new LsaBTree(region, compareBytes, { minDegree: 2 });
    expect(tree.cursor().seekFirst().valid).toBe(false);
    expect(tree.cursor().seek(new Uint8Array([1])).valid).toBe(false);
    for (let i = 0; i < 50; i++) tree.insert(region.allocateCopy(new Uint8Array([i * 2])));
    expect(tree.cursor().seek(new Uint8Array([200])).valid).toBe(false);
    const c = tree.cursor().seek(new Uint8Array([7]));
    expect(region.read(c.handle)).toEqual(new Uint8Array([8]));
    tree.insert(region.allocateCopy(new Uint8Array([9])));
    expect(hasErrorCode(errorOf(() => c.next()), LsaErrorCode.INDEX_MODIFIED)).toBe(true);
    expect(hasErrorCode(errorOf(() => c.handle), LsaErrorCode.INDEX_MODIFIED)).toBe(true);
    c.seek(new Uint8Array([8]));
    c.next();
    expect(region.read(c.handle)).toEqual(new Uint8Array([9]));
    // Inserting a handle that is already there is a no-op, not a replacement.
    expect(tree.insert(c.handle)).toBe(NULL_HANDLE);
    expect(tree.size).toBe(51);
    tree.clear();
    expect(tree.size).toBe(0);
    expect([...tree]).toEqual([]);
    expect(hasErrorCode(errorOf(() => new LsaBTree(region, compareBytes, { minDegree: 1 })), LsaErrorCode.INVALID_OPTION)).toBe(true);
  });

  test('a memtable order: token (signed 64-bit), partition key, then clustering key descending', () => {
    // Object: token i64 BE | pk length u8 | pk | ck length u8 | ck | value.
    const tokenPkCk: LsaComparator = (a, ao, _al, b, bo) => {
      const ta = new DataView(a.buffer, a.byteOffset + ao, 8).getBigInt64(0);
      const tb = new DataView(b.buffer, b.byteOffset + bo, 8).getBigInt64(0);
      if (ta !== tb) return ta < tb ? -1 : 1;
      const pka = a[ao + 8]!;
      const pkb = b[bo + 8]!;
      const c = compareBytes(a, ao + 9, pka, b, bo + 9, pkb);
      if (c !== 0) return c;
      return compareBytes(b, bo + 10 + pkb, b[bo + 9 + pkb]!, a, ao + 10 + pka, a[ao + 9 + pka]!); // DESC
    };
    const row = (token: bigint, pk: number[], ck: number[]): Uint8Array => {
      const out = new Uint8Array(8 + 1 + pk.length + 1 + ck.length + 1);
      new DataView(out.buffer).setBigInt64(0, token);
      out[8] = pk.length;
      out.set(pk, 9);
      out[9 + pk.length] = ck.length;
      out.set(ck, 10 + pk.length);
      return out;
    };
    const pool = new SegmentPool({ budgetBytes: 1 << 20 });
    const region = pool.createRegion();
    const tree = new LsaBTree(region, tokenPkCk, { minDegree: 3 });
    const rnd = mulberry32(7);
    const rows: Array<{ token: bigint; pk: number[]; ck: number[] }> = [];
    for (let i = 0; i < 500; i++) {
      const r = {
        token: BigInt(Math.floor(rnd() * 20) - 10) * 0x1000_0000_0000n,
        pk: [Math.floor(rnd() * 3)],
        ck: Array.from({ length: Math.floor(rnd() * 3) }, () => Math.floor(rnd() * 4)),
      };
      const old = tree.insert(region.allocateCopy(row(r.token, r.pk, r.ck)));
      if (old !== NULL_HANDLE) region.free(old);
      else rows.push(r);
    }
    rows.sort((x, y) => {
      if (x.token !== y.token) return x.token < y.token ? -1 : 1;
      const c = Buffer.compare(Buffer.from(x.pk), Buffer.from(y.pk));
      return c !== 0 ? c : Buffer.compare(Buffer.from(y.ck), Buffer.from(x.ck));
    });
    expect([...tree].map((h) => Buffer.from(region.read(h)).toString('hex'))).toEqual(
      rows.map((r) => Buffer.from(row(r.token, r.pk, r.ck)).toString('hex')),
    );
    expect(checkBTreeInvariants(tree)).toBe(rows.length);
  });
});

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
