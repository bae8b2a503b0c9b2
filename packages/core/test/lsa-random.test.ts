import { hasErrorCode } from '../src/errors';
import { LsaErrorCode, SegmentPool } from '../src/lsa';
import type { LsaRegion } from '../src/lsa';
import { seededRandom } from './fixtures/seeded-random';

// Randomized allocate/free/write/compact/evict/pin sequences against a Map-based model,
// many seeds. After every operation: the budget holds and each region's object count and
// payload bytes match the model. Regularly: every live handle reads back its exact bytes,
// every pinned view still shows its bytes, and SegmentPool.checkInvariants() recomputes
// every segment's accounting from the headers in its bytes.

const SEG = 4096;
const SEGMENTS = 24;
const SEEDS = 60;
const OPS = 3000;

const mulberry32 = seededRandom;

interface Pin {
  count: number;
  view: Uint8Array;
  expected: Uint8Array;
  freed: boolean;
}

/** What the model knows of one region: live objects' bytes and pinned objects. */
class RegionModel {
  readonly live = new Map<number, Uint8Array>();
  readonly pins = new Map<number, Pin>();
  payloadBytes = 0;
  constructor(
    public region: LsaRegion,
    readonly evictable: boolean,
  ) {}

  add(h: number, data: Uint8Array): void {
    if (this.live.has(h)) throw new Error(`handle ${h} allocated while live`);
    this.live.set(h, data);
    this.payloadBytes += data.length;
  }

  drop(h: number): void {
    const data = this.live.get(h)!;
    this.live.delete(h);
    this.payloadBytes -= data.length;
  }
}

/** Byte equality without jest's element-by-element matcher (too slow for this many checks). */
function expectBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (!Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected)) {
    throw new Error(`${what}: got ${Buffer.from(actual).toString('hex')}, expected ${Buffer.from(expected).toString('hex')}`);
  }
}

function expectSame(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new Error(`${what}: got ${actual}, expected ${expected}`);
}

class Harness {
  readonly rnd: () => number;
  readonly pool: SegmentPool;
  readonly mt: RegionModel;
  readonly cache: RegionModel;
  evictions = 0;
  ooms = 0;

  constructor(seed: number) {
    this.rnd = mulberry32(seed);
    this.pool = new SegmentPool({ budgetBytes: SEGMENTS * SEG, segmentSizeBytes: SEG, chunkSizeBytes: 8 * SEG, targetOccupancy: 0.85 });
    this.mt = new RegionModel(this.pool.createRegion({ name: 'memtable' }), false);
    const cacheModel = new RegionModel(this.pool.createRegion({ name: 'cache', evictable: true, onEvict: (h) => this.onEvict(h) }), true);
    this.cache = cacheModel;
  }

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  pick<T>(xs: readonly T[]): T | undefined {
    return xs.length === 0 ? undefined : xs[this.int(xs.length)];
  }

  /** n pseudo-random bytes from one draw (an xorshift stream seeded by the PRNG). */
  data(n: number): Uint8Array {
    const b = new Uint8Array(n);
    let x = (this.int(0x7fffffff) | 1) >>> 0;
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      b[i] = x & 0xff;
    }
    return b;
  }

  size(): number {
    const r = this.rnd();
    if (r < 0.01) return SEG - 8; // the largest object
    if (r < 0.06) return this.int(1500);
    return this.int(300);
  }

  region(): RegionModel {
    return this.rnd() < 0.5 ? this.mt : this.cache;
  }

  onEvict(h: number): void {
    const m = this.cache;
    if (!m.live.has(h) || m.pins.has(h)) throw new Error(`evicted ${h}: not a live unpinned cache object`);
    m.drop(h);
    this.evictions++;
    if (this.rnd() < 0.3) m.region.free(h); // the cache may free it itself
  }

  step(): void {
    const r = this.rnd();
    if (r < 0.35) this.allocate();
    else if (r < 0.55) this.free();
    else if (r < 0.63) this.overwrite();
    else if (r < 0.73) this.readOne();
    else if (r < 0.78) this.pin();
    else if (r < 0.83) this.unpin();
    else if (r < 0.86) this.touch();
    else if (r < 0.95) this.pool.compactStep(1 + this.int(3 * SEG));
    else if (r < 0.955) this.flushMemtable();
    else this.readOne();
  }

  allocate(): void {
    const m = this.region();
    const data = this.data(this.size());
    let h: number;
    try {
      h = this.rnd() < 0.5 ? m.region.allocateCopy(data) : m.region.allocate(data.length);
    } catch (err) {
      if (!hasErrorCode(err, LsaErrorCode.OUT_OF_MEMORY)) throw err;
      this.ooms++;
      // OOM only once eviction has nothing left: every cache object still there is pinned.
      for (const k of this.cache.live.keys()) if (!this.cache.pins.has(k)) throw new Error(`OOM while ${k} was evictable`, { cause: err });
      return;
    }
    expectSame(m.region.sizeOf(h), data.length, 'size of a new object');
    m.region.write(h, data);
    m.add(h, data);
  }

  free(): void {
    const m = this.region();
    const h = this.pick([...m.live.keys()]);
    if (h === undefined) return;
    m.region.free(h);
    m.drop(h);
    const pin = m.pins.get(h);
    if (pin !== undefined) pin.freed = true;
    if (m.region.isLive(h)) throw new Error(`${h} still live after free`);
  }

  overwrite(): void {
    const m = this.region();
    const h = this.pick([...m.live.keys()]);
    if (h === undefined) return;
    const data = this.data(m.live.get(h)!.length);
    m.region.write(h, data);
    m.live.set(h, data);
    const pin = m.pins.get(h);
    if (pin !== undefined) pin.expected = data;
  }

  readOne(): void {
    const m = this.region();
    const h = this.pick([...m.live.keys()]);
    if (h !== undefined) expectBytes(m.region.read(h), m.live.get(h)!, `read ${h}`);
  }

  pin(): void {
    const m = this.region();
    const h = this.pick([...m.live.keys()]);
    if (h === undefined) return;
    m.region.pin(h);
    const pin = m.pins.get(h);
    if (pin !== undefined) pin.count++;
    else m.pins.set(h, { count: 1, view: m.region.read(h), expected: m.live.get(h)!, freed: false });
  }

  unpin(): void {
    const m = this.region();
    const h = this.pick([...m.pins.keys()]);
    if (h === undefined) return;
    const pin = m.pins.get(h)!;
    expectBytes(pin.view, pin.expected, `pinned view of ${h}`);
    m.region.unpin(h);
    if (--pin.count === 0) m.pins.delete(h);
  }

  touch(): void {
    const h = this.pick([...this.cache.live.keys()]);
    if (h !== undefined) this.cache.region.touch(h);
  }

  flushMemtable(): void {
    if (this.mt.pins.size !== 0) return;
    this.mt.region.destroy();
    for (const h of this.mt.live.keys()) expect(hasErrorCode(errorOf(() => this.mt.region.read(h)), LsaErrorCode.INVALID_STATE)).toBe(true);
    const fresh = new RegionModel(this.pool.createRegion({ name: 'memtable' }), false);
    (this as { mt: RegionModel }).mt = fresh;
  }

  checkCheap(): void {
    const s = this.pool.stats();
    if (s.usedSegments > s.totalSegments || s.materializedBytes > s.budgetBytes) throw new Error(`budget exceeded: ${JSON.stringify(s)}`);
    for (const m of [this.mt, this.cache]) {
      expectSame(m.region.objectCount, m.live.size, `${m.region.name} objects`);
      expectSame(m.region.payloadBytes, m.payloadBytes, `${m.region.name} payload bytes`);
      expectSame(m.region.pinnedCount, m.pins.size, `${m.region.name} pinned`);
    }
  }

  checkFull(): void {
    for (const m of [this.mt, this.cache]) {
      for (const [h, data] of m.live) expectBytes(m.region.read(h), data, `${m.region.name} handle ${h}`);
      for (const [h, pin] of m.pins) expectBytes(pin.view, pin.expected, `${m.region.name} pinned view of ${h}`);
    }
    this.pool.checkInvariants();
  }
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

test(`random operations on ${SEEDS} seeds agree with the model`, () => {
  let compactions = 0;
  let evictions = 0;
  let ooms = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const h = new Harness(seed);
    for (let i = 0; i < OPS; i++) {
      h.step();
      h.checkCheap();
      if (i % 97 === 0) h.checkFull();
    }
    h.checkFull();
    const s = h.pool.stats();
    expect(s.evictedObjects).toBe(h.evictions);
    compactions += s.segmentsCompacted;
    evictions += h.evictions;
    ooms += h.ooms;
  }
  // The sequences really exercised compaction, eviction and the budget limit.
  expect(compactions).toBeGreaterThan(SEEDS * 10);
  expect(evictions).toBeGreaterThan(SEEDS * 10);
  expect(ooms).toBeGreaterThan(0);
});

test('a pool that only ever holds pinned objects and churn never exceeds its budget', () => {
  for (let seed = 100; seed < 110; seed++) {
    const rnd = mulberry32(seed);
    const pool = new SegmentPool({ budgetBytes: 8 * SEG, segmentSizeBytes: SEG });
    const r = pool.createRegion();
    const live: number[] = [];
    for (let i = 0; i < 2000; i++) {
      if (rnd() < 0.6) {
        try {
          const h = r.allocate(Math.floor(rnd() * 900));
          if (rnd() < 0.05) r.pin(h);
          live.push(h);
        } catch (err) {
          expect(hasErrorCode(err, LsaErrorCode.OUT_OF_MEMORY)).toBe(true);
        }
      } else if (live.length > 0) {
        const k = Math.floor(rnd() * live.length);
        r.free(live[k]!);
        live.splice(k, 1);
      }
      if (pool.stats().usedSegments > 8) throw new Error('budget exceeded');
    }
    pool.checkInvariants();
  }
});
