import { hasErrorCode } from '../src/errors';
import { LsaErrorCode, NULL_HANDLE, OBJECT_HEADER_BYTES, SegmentPool, footprintBytes } from '../src/lsa';
import type { LsaPressureEvent, LsaRegion } from '../src/lsa';
import { MetricsRegistry } from '../src/metrics';

// Targeted tests of SegmentPool / LsaRegion: allocation and exact accounting, the budget,
// compaction (on demand and stepwise), pinning, eviction, pressure, destroy, metrics.
// Small segments (4 KiB) so a few hundred objects exercise every path.

const SEG = 4096;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

function pool(segments: number, extra: Partial<ConstructorParameters<typeof SegmentPool>[0]> = {}): SegmentPool {
  return new SegmentPool({ budgetBytes: segments * SEG, segmentSizeBytes: SEG, chunkSizeBytes: 4 * SEG, ...extra });
}

describe('allocation and reads', () => {
  test('objects read back exactly; handles are small integers; accounting is exact', () => {
    const p = pool(8);
    const r = p.createRegion({ name: 'mt' });
    const a = r.allocateCopy(bytes(10, 1));
    const b = r.allocateCopy(bytes(0, 2));
    const c = r.allocate(33);
    r.write(c, bytes(33, 3));
    expect([a, b, c]).toEqual([1, 2, 3]);
    expect(r.read(a)).toEqual(bytes(10, 1));
    expect(r.read(b).length).toBe(0);
    expect(r.read(c)).toEqual(bytes(33, 3));
    expect(r.sizeOf(c)).toBe(33);
    expect(r.bufferOf(a).subarray(r.offsetOf(a), r.offsetOf(a) + 10)).toEqual(bytes(10, 1));
    expect(footprintBytes(10)).toBe(OBJECT_HEADER_BYTES + 12);
    expect(r.stats()).toMatchObject({ objects: 3, payloadBytes: 43, liveBytes: footprintBytes(10) + footprintBytes(0) + footprintBytes(33), segments: 1, deadBytes: 0 });

    r.free(a);
    expect(r.stats()).toMatchObject({ objects: 2, payloadBytes: 33, deadBytes: footprintBytes(10) });
    expect(codeOf(() => r.read(a))).toBe(LsaErrorCode.INVALID_HANDLE);
    expect(codeOf(() => r.free(a))).toBe(LsaErrorCode.INVALID_HANDLE);
    for (const bad of [NULL_HANDLE, -1, 1.5, 99, Number.NaN]) expect(codeOf(() => r.read(bad))).toBe(LsaErrorCode.INVALID_HANDLE);
    // A freed handle is reused.
    expect(r.allocate(4)).toBe(a);
    expect(p.checkInvariants().objectsChecked).toBe(3);
  });

  test('size limits: the largest object fills a segment; larger or invalid sizes are refused', () => {
    const p = pool(4);
    const r = p.createRegion();
    expect(r.maxObjectBytes).toBe(SEG - OBJECT_HEADER_BYTES);
    const h = r.allocate(r.maxObjectBytes);
    expect(r.sizeOf(h)).toBe(SEG - OBJECT_HEADER_BYTES);
    expect(codeOf(() => r.allocate(r.maxObjectBytes + 1))).toBe(LsaErrorCode.OBJECT_TOO_LARGE);
    expect(codeOf(() => r.allocate(-1))).toBe(LsaErrorCode.INVALID_OPTION);
    expect(codeOf(() => r.allocate(1.5))).toBe(LsaErrorCode.INVALID_OPTION);
    expect(() => r.write(h, new Uint8Array(2), r.maxObjectBytes - 1)).toThrow(RangeError);
  });

  test('an emptied segment goes back to the pool at once; the active one is reused from its start', () => {
    const p = pool(8);
    const r = p.createRegion();
    const hs = [];
    for (let i = 0; i < 100; i++) hs.push(r.allocate(100)); // 108 bytes each: 37 per segment
    expect(p.stats().usedSegments).toBe(3);
    for (const h of hs.slice(0, 37)) r.free(h);
    expect(p.stats().usedSegments).toBe(2);
    for (const h of hs.slice(37)) r.free(h);
    expect(p.stats().usedSegments).toBe(1); // the active segment stays with its region
    expect(r.stats()).toMatchObject({ objects: 0, liveBytes: 0, deadBytes: 0 });
    p.checkInvariants();
  });

  test('options are validated', () => {
    expect(codeOf(() => new SegmentPool({ budgetBytes: 1 << 20, segmentSizeBytes: 5000 }))).toBe(LsaErrorCode.INVALID_OPTION);
    expect(codeOf(() => new SegmentPool({ budgetBytes: SEG, segmentSizeBytes: SEG }))).toBe(LsaErrorCode.INVALID_OPTION);
    expect(codeOf(() => new SegmentPool({ budgetBytes: 2 ** 34 }))).toBe(LsaErrorCode.INVALID_OPTION);
    expect(codeOf(() => new SegmentPool({ budgetBytes: 1 << 20, targetOccupancy: 1.5 }))).toBe(LsaErrorCode.INVALID_OPTION);
    expect(codeOf(() => new SegmentPool({ budgetBytes: 1 << 20, reserveSegments: 0 }))).toBe(LsaErrorCode.INVALID_OPTION);
    const p = new SegmentPool({ budgetBytes: 1 << 20 });
    expect(codeOf(() => p.createRegion({ evictable: true }))).toBe(LsaErrorCode.INVALID_OPTION);
    expect(codeOf(() => p.createRegion({ onEvict: () => undefined }))).toBe(LsaErrorCode.INVALID_OPTION);
  });
});

describe('budget and compaction', () => {
  test('the budget is never exceeded: allocation past it is LSA_OUT_OF_MEMORY', () => {
    const p = pool(6);
    const r = p.createRegion();
    let n = 0;
    let err: unknown;
    try {
      for (;;) {
        r.allocate(500);
        n++;
      }
    } catch (e) {
      err = e;
    }
    expect(hasErrorCode(err, LsaErrorCode.OUT_OF_MEMORY)).toBe(true);
    // 5 usable segments (one is the compaction reserve), 8 objects of 508 bytes each.
    expect(n).toBe(5 * 8);
    const s = p.stats();
    expect(s.usedSegments).toBe(5);
    expect(s.materializedBytes).toBeLessThanOrEqual(6 * SEG);
    expect(s.outOfMemoryErrors).toBe(1);
    p.checkInvariants();
  });

  test('on demand: a full, fragmented pool compacts to make room, and every handle still reads back', () => {
    const p = pool(10);
    const r = p.createRegion();
    const live = new Map<number, Uint8Array>();
    for (let i = 0; ; i++) {
      try {
        const data = bytes(200, i);
        live.set(r.allocateCopy(data), data);
      } catch (err) {
        expect(hasErrorCode(err, LsaErrorCode.OUT_OF_MEMORY)).toBe(true);
        break;
      }
    }
    const full = live.size;
    let k = 0;
    for (const h of [...live.keys()]) if (k++ % 2 === 0) {
      r.free(h);
      live.delete(h);
    }
    // Half the bytes are dead but no segment is empty: only compaction can make room.
    expect(p.stats().usedSegments).toBe(9);
    for (let i = 0; i < full / 2 - 9; i++) {
      const data = bytes(200, 1000 + i);
      live.set(r.allocateCopy(data), data);
    }
    const s = p.stats();
    expect(s.onDemandCompactions).toBeGreaterThan(0);
    expect(s.compactionMovedBytes).toBeGreaterThan(0);
    for (const [h, data] of live) expect(r.read(h)).toEqual(data);
    p.checkInvariants();
  });

  test('compactStep raises occupancy to the target in bounded steps, then reports no work', () => {
    const p = pool(64, { targetOccupancy: 0.9 });
    const r = p.createRegion();
    const hs: number[] = [];
    for (let i = 0; i < 1000; i++) hs.push(r.allocateCopy(bytes(100, i)));
    hs.forEach((h, i) => {
      if (i % 3 !== 0) r.free(h);
    });
    const before = p.stats();
    expect(before.occupancy).toBeLessThan(0.5);
    expect(p.compactionWanted()).toBe(true);
    let steps = 0;
    while (p.compactStep(SEG) > 0) steps++;
    const after = p.stats();
    expect(steps).toBeGreaterThan(1);
    expect(after.usedSegments).toBeLessThan(before.usedSegments / 2);
    // Closed segments are ≥ 90% full; only the active segment's unwritten tail is not.
    expect(after.usedSegments).toBeLessThanOrEqual(Math.ceil(after.liveBytes / (0.9 * SEG)) + 1);
    expect(after.occupancy).toBeGreaterThan(0.85);
    expect(p.compactionWanted()).toBe(false);
    expect(p.compactStep(SEG)).toBe(0);
    hs.forEach((h, i) => {
      if (i % 3 === 0) expect(r.read(h)).toEqual(bytes(100, i));
    });
    p.checkInvariants();
  });
});

describe('pinning', () => {
  function fragmented(): { p: SegmentPool; r: LsaRegion; keep: number[] } {
    const p = pool(32, { targetOccupancy: 0.95 });
    const r = p.createRegion();
    const hs: number[] = [];
    for (let i = 0; i < 400; i++) hs.push(r.allocateCopy(bytes(60, i)));
    const keep = hs.filter((_, i) => i % 4 === 0);
    hs.forEach((h, i) => {
      if (i % 4 !== 0) r.free(h);
    });
    return { p, r, keep };
  }

  test('compaction never moves a pinned object; its view stays valid', () => {
    const { p, r, keep } = fragmented();
    const h = keep[1]!;
    r.pin(h);
    const view = r.read(h);
    const where = [r.bufferOf(h), r.offsetOf(h)];
    while (p.compactStep(SEG) > 0);
    expect([r.bufferOf(h), r.offsetOf(h)]).toEqual(where);
    expect(view).toEqual(bytes(60, 4));
    const other = keep[50]!;
    expect(r.read(other)).toEqual(bytes(60, 200));
    r.unpin(h);
    p.checkInvariants();
  });

  test('an object freed while pinned keeps its bytes until the last unpin', () => {
    const { p, r, keep } = fragmented();
    const h = keep[2]!;
    r.pin(h);
    r.pin(h);
    const view = r.read(h);
    const objects = r.objectCount;
    r.free(h);
    expect(codeOf(() => r.read(h))).toBe(LsaErrorCode.INVALID_HANDLE);
    expect(r.objectCount).toBe(objects - 1);
    while (p.compactStep(SEG) > 0);
    r.allocate(60); // a new object never reuses a pinned, freed handle
    expect(view).toEqual(bytes(60, 8));
    p.checkInvariants();
    r.unpin(h);
    expect(view).toEqual(bytes(60, 8));
    r.unpin(h);
    expect(codeOf(() => r.unpin(h))).toBe(LsaErrorCode.INVALID_STATE);
    p.checkInvariants();
  });

  test('withPinned unpins after a sync result, a throw, or a settled promise', async () => {
    const { r, keep } = fragmented();
    const h = keep[0]!;
    expect(r.withPinned(h, (v) => v[0])).toBe(bytes(60, 0)[0]);
    expect(r.pinnedCount).toBe(0);
    expect(() => r.withPinned(h, () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(r.pinnedCount).toBe(0);
    const pending = r.withPinned(h, async (v) => {
      await Promise.resolve();
      return v.length;
    });
    expect(r.pinnedCount).toBe(1);
    await expect(pending).resolves.toBe(60);
    expect(r.pinnedCount).toBe(0);
  });

  test('destroy refuses while pinned', () => {
    const { r, keep } = fragmented();
    r.pin(keep[0]!);
    expect(codeOf(() => r.destroy())).toBe(LsaErrorCode.INVALID_STATE);
    r.unpin(keep[0]!);
    r.destroy();
  });
});

describe('eviction', () => {
  function cache(segments: number): { p: SegmentPool; c: LsaRegion; evicted: number[] } {
    const p = pool(segments);
    const evicted: number[] = [];
    const c = p.createRegion({ name: 'cache', evictable: true, onEvict: (h) => evicted.push(h) });
    return { p, c, evicted };
  }

  test('evicts least recently used first; touch and pin protect objects', () => {
    const { p, c, evicted } = cache(6);
    const hs: number[] = [];
    for (let i = 0; i < 40; i++) hs.push(c.allocateCopy(bytes(500, i))); // fills the 5 usable segments
    c.touch(hs[0]!);
    c.pin(hs[1]!);
    for (let i = 0; i < 10; i++) c.allocateCopy(bytes(500, 100 + i));
    expect(evicted.length).toBeGreaterThanOrEqual(10);
    expect(evicted).not.toContain(hs[0]);
    expect(evicted).not.toContain(hs[1]);
    expect(evicted.slice(0, 3)).toEqual([hs[2], hs[3], hs[4]]);
    for (const [i, h] of hs.entries()) if (!evicted.includes(h)) expect(c.read(h)).toEqual(bytes(500, i));
    expect(c.read(hs[1]!)).toEqual(bytes(500, 1));
    expect(p.stats().evictedObjects).toBe(evicted.length);
    c.unpin(hs[1]!);
    p.checkInvariants();
  });

  test('a non-evictable region (memtable) pushes the cache out; OOM only once nothing is evictable', () => {
    const p = pool(12);
    const evicted = new Set<number>();
    const c = p.createRegion({ name: 'cache', evictable: true, onEvict: (h) => evicted.add(h) });
    const m = p.createRegion({ name: 'memtable' });
    for (let i = 0; i < 80; i++) c.allocateCopy(bytes(400, i));
    let n = 0;
    try {
      for (;;) {
        m.allocate(400);
        n++;
      }
    } catch (err) {
      expect(hasErrorCode(err, LsaErrorCode.OUT_OF_MEMORY)).toBe(true);
    }
    expect(c.objectCount).toBe(0);
    expect(c.stats().segments).toBe(0); // even its empty active segment was taken back
    expect(n).toBe(11 * 10); // 10 objects of 408 bytes per segment, all but the reserve
    p.checkInvariants();
  });

  test('onEvict may free other objects but not allocate; a throwing callback is reported', () => {
    const p = pool(6);
    let mode: 'free-next' | 'allocate' | 'throw' = 'free-next';
    const hs: number[] = [];
    const c: LsaRegion = p.createRegion({
      evictable: true,
      onEvict: (h) => {
        if (mode === 'allocate') c.allocate(8);
        if (mode === 'throw') throw new Error('cache bug');
        const next = hs[hs.indexOf(h) + 1];
        if (next !== undefined && c.isLive(next)) c.free(next);
      },
    });
    for (let i = 0; i < 40; i++) hs.push(c.allocate(500));
    c.allocate(500);
    p.checkInvariants();
    for (let i = 0; i < 20; i++) c.allocate(500);
    mode = 'allocate';
    let err: unknown;
    try {
      for (let i = 0; i < 20; i++) c.allocate(500);
    } catch (e) {
      err = e;
    }
    expect(hasErrorCode(err, LsaErrorCode.EVICTION_FAILED)).toBe(true);
    expect(hasErrorCode((err as Error).cause, LsaErrorCode.INVALID_STATE)).toBe(true);
    mode = 'throw';
    expect(codeOf(() => {
      for (let i = 0; i < 20; i++) c.allocate(500);
    })).toBe(LsaErrorCode.EVICTION_FAILED);
    p.checkInvariants();
  });
});

describe('pressure, destroy, metrics', () => {
  test('soft pressure when memtables pass the ratio, hard pressure on OOM; the largest region is told', async () => {
    const p = pool(20, { pressureRatio: 0.5 });
    const events: Array<[string, LsaPressureEvent]> = [];
    const small = p.createRegion({ name: 'small', onPressure: (e) => events.push(['small', e]) });
    const big = p.createRegion({ name: 'big', onPressure: (e) => events.push(['big', e]) });
    small.allocate(1000);
    for (let i = 0; i < 9 * 3; i++) big.allocate(1300);
    await Promise.resolve();
    expect(events.length).toBe(1);
    expect(events[0]![0]).toBe('big');
    expect(events[0]![1]).toMatchObject({ kind: 'soft', regionName: 'big', budgetBytes: 20 * SEG });
    expect(events[0]![1].nonEvictableBytes).toBeGreaterThanOrEqual(10 * SEG);
    // No second soft event while above the threshold.
    for (let i = 0; i < 6; i++) big.allocate(1300);
    await Promise.resolve();
    expect(events.length).toBe(1);
    expect(codeOf(() => {
      for (;;) big.allocate(1300);
    })).toBe(LsaErrorCode.OUT_OF_MEMORY);
    await Promise.resolve();
    expect(events.map(([, e]) => e.kind)).toEqual(['soft', 'hard']);
    // Flushing (destroying) the big region re-arms the soft threshold.
    big.destroy();
    const again = p.createRegion({ name: 'again', onPressure: (e) => events.push(['again', e]) });
    for (let i = 0; i < 10 * 3; i++) again.allocate(1300);
    await Promise.resolve();
    expect(events.map(([n, e]) => `${n}:${e.kind}`)).toEqual(['big:soft', 'big:hard', 'again:soft']);
  });

  test('destroy returns every segment, invalidates handles, and frees the region id', () => {
    const p = pool(16);
    const r = p.createRegion({ name: 'mt' });
    const h = r.allocate(100);
    for (let i = 0; i < 100; i++) r.allocate(300);
    expect(p.stats().usedSegments).toBeGreaterThan(5);
    r.destroy();
    expect(p.stats()).toMatchObject({ usedSegments: 0, liveBytes: 0, regions: 0 });
    expect(codeOf(() => r.read(h))).toBe(LsaErrorCode.INVALID_STATE);
    expect(codeOf(() => r.allocate(1))).toBe(LsaErrorCode.INVALID_STATE);
    expect(p.createRegion().id).toBe(r.id);
    p.checkInvariants();
  });

  test('metrics: segments, occupancy, moved bytes and evictions', () => {
    const registry = new MetricsRegistry();
    const p = pool(8, { metrics: registry });
    const c = p.createRegion({ evictable: true, onEvict: () => undefined });
    for (let i = 0; i < 100; i++) c.allocate(500);
    const value = (name: string): number => {
      const fam = registry.collect().families.find((f) => f.name === name);
      const sample = fam?.samples[0] as { value: number } | undefined;
      return sample?.value ?? Number.NaN;
    };
    expect(value('lsa_segments')).toBe(8);
    expect(value('lsa_segments_used')).toBe(7);
    expect(value('lsa_segments_free')).toBe(1);
    expect(value('lsa_occupancy_ratio')).toBeGreaterThan(0.9);
    expect(value('lsa_evictions_total')).toBe(p.stats().evictedObjects);
    expect(value('lsa_evictions_total')).toBeGreaterThan(0);
    expect(value('lsa_compaction_moved_bytes_total')).toBe(p.stats().compactionMovedBytes);
    expect(value('lsa_live_bytes')).toBe(p.stats().liveBytes);
  });
});
