import { CharybdisError } from '../errors';
import { checkLsaInvariants } from './check-lsa-invariants';
import type { LsaInvariantReport } from './check-lsa-invariants';
import { LsaErrorCode } from './lsa-errors';
import { MAX_REGIONS, OCCUPANCY_BUCKETS, SEGMENT_CLOSED } from './lsa-layout';
import type { LsaCounters } from './lsa-metrics';
import { registerLsaMetrics } from './lsa-metrics';
import { LsaRegion } from './lsa-region';
import type { LsaRegionOptions, RegionHost } from './lsa-region-types';
import { OccupancyBuckets } from './occupancy-buckets';
import type { ResolvedPoolOptions, SegmentPoolOptions, SegmentPoolStats } from './segment-pool-options';
import { resolvePoolOptions } from './segment-pool-options';
import { SegmentTable } from './segment-table';

/**
 * One shard's LSA memory (Seastar's `logalloc::tracker` and segment pool): a budget of
 * fixed-size segments, the regions that own them, and the policies that get memory back
 * when an allocation finds no free segment.
 *
 * Reclaim, on demand (inside `allocate`), one step at a time until a segment is free:
 * 0. take back another region's active segment if it holds nothing;
 * 1. compact the sparsest compactible segment if it is at most `reclaimCompactOccupancy`
 *    full (cheap: little to move);
 * 2. otherwise evict about one segment of least recently used objects from the largest
 *    evictable region (the cache);
 * 3. otherwise compact a denser segment (up to 31/32 full);
 * 4. (after as many compaction steps as there are segments, only eviction continues:
 *    large objects can make compaction go round in circles)
 * 5. otherwise tell the largest non-evictable region to flush (`onPressure`, `hard`) and
 *    throw LSA_OUT_OF_MEMORY. The budget is never exceeded.
 *
 * In the background, `compactStep()` evacuates the sparsest segments while occupancy is
 * below `targetOccupancy`; {@link LsaBackgroundCompactor} runs it in a scheduling group.
 *
 * Thread: one pool per shard, created by the shard's composition root, used only on the
 * shard's thread; its regions, handles and segment memory never cross threads.
 */
export class SegmentPool {
  readonly budgetBytes: number;
  readonly segmentSizeBytes: number;
  readonly totalSegments: number;
  readonly reserveSegments: number;
  readonly targetOccupancy: number;
  readonly #options: ResolvedPoolOptions;
  readonly #table: SegmentTable;
  readonly #buckets: OccupancyBuckets;
  readonly #host: RegionHost;
  readonly #regions: (LsaRegion | undefined)[] = [];
  readonly #freeRegionIds: number[] = [];
  readonly #counters: LsaCounters | null;
  #regionCount = 0;
  #nonEvictableSegments = 0;
  #softPressureArmed = true;
  #compactionWaiter: (() => void) | null = null;
  #movedBytes = 0;
  #segmentsCompacted = 0;
  #onDemandCompactions = 0;
  #evictedObjects = 0;
  #evictedBytes = 0;
  #outOfMemoryErrors = 0;
  #pressureEvents = 0;

  constructor(options: SegmentPoolOptions) {
    const o = resolvePoolOptions(options);
    this.#options = o;
    this.budgetBytes = o.budgetBytes;
    this.segmentSizeBytes = o.segmentSizeBytes;
    this.totalSegments = Math.floor(o.budgetBytes / o.segmentSizeBytes);
    this.reserveSegments = o.reserveSegments;
    this.targetOccupancy = o.targetOccupancy;
    this.#table = new SegmentTable(o.segmentSizeBytes, this.totalSegments, o.chunkSizeBytes);
    this.#buckets = new OccupancyBuckets(this.totalSegments, o.segmentSizeBytes);
    this.#host = {
      table: this.#table,
      buckets: this.#buckets,
      refill: (region, totalBytes) => this.#refill(region, totalBytes),
      takeForCompaction: (region) => this.#take(region),
      close: (region, s) => this.#close(region, s),
      shrunk: (s) => this.#shrunk(s),
      pinsChanged: (s) => this.#pinsChanged(s),
      destroyed: (region) => this.#destroyRegion(region),
      checkNotReclaiming: (what) => this.#checkNotReclaiming(what),
      reclaiming: false,
    };
    this.#counters = options.metrics === undefined ? null : registerLsaMetrics(options.metrics, () => this.stats());
  }

  /**
   * A new region. Evictable regions (the row cache) must pass `onEvict`; non-evictable
   * ones (memtables) usually pass `onPressure`. LSA_LIMIT_EXCEEDED past MAX_REGIONS.
   */
  createRegion(options: LsaRegionOptions = {}): LsaRegion {
    if (options.evictable === true && typeof options.onEvict !== 'function') {
      throw new CharybdisError(LsaErrorCode.INVALID_OPTION, 'an evictable region needs an onEvict callback');
    }
    if (options.evictable !== true && options.onEvict !== undefined) {
      throw new CharybdisError(LsaErrorCode.INVALID_OPTION, 'onEvict is only for evictable regions');
    }
    const id = this.#freeRegionIds.pop() ?? this.#regions.length;
    if (id >= MAX_REGIONS) throw new CharybdisError(LsaErrorCode.LIMIT_EXCEEDED, `a pool holds at most ${MAX_REGIONS} regions`);
    const region = new LsaRegion(this.#host, id, options);
    this.#regions[id] = region;
    this.#regionCount++;
    return region;
  }

  /** Whether background compaction has work: occupancy below target and a candidate below it. */
  compactionWanted(): boolean {
    return this.#backgroundCandidate() >= 0;
  }

  /**
   * One bounded step of background compaction: evacuates the sparsest segments (those
   * below `targetOccupancy`) until about `maxBytes` were moved (at least one segment, at
   * most one segment past it) or occupancy reached the target. Returns the bytes moved (0:
   * nothing to do). Invalidates unpinned views.
   */
  compactStep(maxBytes: number): number {
    this.#checkNotReclaiming('compactStep');
    let moved = 0;
    while (moved < maxBytes) {
      const s = this.#backgroundCandidate();
      if (s < 0) break;
      moved += this.#evacuate(s);
    }
    return moved;
  }

  /** The segment background compaction would evacuate next, or -1. */
  #backgroundCandidate(): number {
    const t = this.#table;
    const maxLive = this.targetOccupancy * this.segmentSizeBytes;
    if (t.liveTotal >= maxLive * t.usedCount) return -1;
    const s = this.#buckets.sparsest(t.live, maxLive);
    return s >= 0 && this.#canEvacuate(s) ? s : -1;
  }

  /**
   * Resolves when `compactionWanted()` becomes true (at once if it is), or when `signal`
   * aborts. One waiter at a time (the pool's background compactor).
   */
  whenCompactionWanted(signal?: AbortSignal): Promise<void> {
    if (this.#compactionWaiter !== null) {
      return Promise.reject(new CharybdisError(LsaErrorCode.INVALID_STATE, 'another compactor is already waiting on this pool'));
    }
    if (this.compactionWanted() || signal?.aborted === true) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        if (this.#compactionWaiter === done) this.#compactionWaiter = null;
        resolve();
      };
      this.#compactionWaiter = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  stats(): SegmentPoolStats {
    const t = this.#table;
    let metadata = t.descriptorBytes + this.#buckets.bytes;
    for (const r of this.#regions) if (r !== undefined) metadata += r.metadataBytes;
    const usedBytes = t.usedCount * this.segmentSizeBytes;
    return {
      budgetBytes: this.budgetBytes,
      segmentSizeBytes: this.segmentSizeBytes,
      totalSegments: this.totalSegments,
      usedSegments: t.usedCount,
      freeSegments: this.totalSegments - t.usedCount,
      reserveSegments: this.reserveSegments,
      materializedBytes: t.materializedBytes,
      liveBytes: t.liveTotal,
      occupancy: usedBytes === 0 ? 1 : t.liveTotal / usedBytes,
      regions: this.#regionCount,
      nonEvictableSegments: this.#nonEvictableSegments,
      compactibleSegments: this.#buckets.count,
      metadataBytes: metadata,
      compactionMovedBytes: this.#movedBytes,
      segmentsCompacted: this.#segmentsCompacted,
      onDemandCompactions: this.#onDemandCompactions,
      evictedObjects: this.#evictedObjects,
      evictedBytes: this.#evictedBytes,
      outOfMemoryErrors: this.#outOfMemoryErrors,
      pressureEvents: this.#pressureEvents,
    };
  }

  /**
   * Recomputes every segment's accounting from the headers in its bytes and checks it
   * against the descriptors, the handle tables, the LRU lists and the buckets; throws an
   * Error naming the first violation. O(total bytes): for tests and debugging.
   */
  checkInvariants(): LsaInvariantReport {
    const regions: LsaRegion[] = [];
    for (const r of this.#regions) if (r !== undefined) regions.push(r);
    return checkLsaInvariants(this.#table, this.#buckets, regions, this.reserveSegments);
  }

  // ---- segment transitions (through the regions' host) ----

  #refill(region: LsaRegion, totalBytes: number): void {
    const t = this.#table;
    // Compaction alone can livelock when objects are large (segments each holding one
    // object over half a segment look sparse but cannot be merged): after this many
    // steps only eviction may continue, so OOM always means "nothing left to evict".
    let compactionSteps = this.totalSegments + 8;
    for (;;) {
      const a = region.active;
      if (a >= 0) {
        if (t.top[a]! + totalBytes <= this.segmentSizeBytes) return;
        region.active = -1;
        this.#close(region, a);
      }
      if (t.available > this.reserveSegments) {
        this.#take(region);
        return;
      }
      if (!this.#reclaimOnce(compactionSteps-- > 0)) this.#outOfMemory(region, totalBytes);
    }
  }

  /** Makes a free segment `region`'s active one; returns it, or -1 if none is left. */
  #take(region: LsaRegion): number {
    const s = this.#table.take(region.id);
    if (s < 0) return -1;
    region.active = s;
    region.segmentCount++;
    if (!region.evictable) {
      this.#nonEvictableSegments++;
      if (this.#softPressureArmed && this.#nonEvictableSegments * this.segmentSizeBytes >= this.#options.pressureRatio * this.budgetBytes) {
        this.#softPressureArmed = false;
        this.#notifyPressure('soft');
      }
    }
    return s;
  }

  #close(region: LsaRegion, s: number): void {
    const t = this.#table;
    t.close(s);
    if (t.live[s] === 0) {
      this.#release(s, region);
    } else if (t.pinned[s] === 0) {
      this.#buckets.insert(s, t.live[s]!);
      this.#wakeCompactor();
    }
  }

  #shrunk(s: number): void {
    const t = this.#table;
    const live = t.live[s]!;
    if (live === 0) {
      this.#release(s, this.#regions[t.owner[s]!]!);
      return;
    }
    if (this.#buckets.contains(s)) {
      this.#buckets.update(s, live);
      if (this.#compactionWaiter !== null) this.#wakeCompactor();
    }
  }

  #pinsChanged(s: number): void {
    const t = this.#table;
    if (t.pinned[s] !== 0) {
      if (this.#buckets.contains(s)) this.#buckets.remove(s);
    } else if (t.state[s] === SEGMENT_CLOSED && t.live[s] !== 0) {
      this.#buckets.insert(s, t.live[s]!);
      this.#wakeCompactor();
    }
  }

  #release(s: number, region: LsaRegion): void {
    if (this.#buckets.contains(s)) this.#buckets.remove(s);
    this.#table.release(s);
    region.segmentCount--;
    if (!region.evictable) {
      this.#nonEvictableSegments--;
      if (this.#nonEvictableSegments * this.segmentSizeBytes < this.#options.pressureRatio * this.budgetBytes) this.#softPressureArmed = true;
    }
  }

  #destroyRegion(region: LsaRegion): void {
    const t = this.#table;
    for (let s = 0; s < t.count && region.segmentCount > 0; s++) {
      if (t.owner[s] !== region.id) continue;
      t.liveTotal -= t.live[s]!;
      t.live[s] = 0;
      this.#release(s, region);
    }
    this.#regions[region.id] = undefined;
    this.#freeRegionIds.push(region.id);
    this.#regionCount--;
  }

  // ---- reclaim ----

  /** One reclaim step (see the class comment); false when nothing could be reclaimed. */
  #reclaimOnce(mayCompact: boolean): boolean {
    this.#host.reclaiming = true;
    try {
      const size = this.segmentSizeBytes;
      if (this.#releaseEmptyActive()) return true;
      if (mayCompact && this.#compactSparsest(this.#options.reclaimCompactOccupancy * size)) return true;
      if (this.#evictSome()) return true;
      return mayCompact && this.#compactSparsest(((OCCUPANCY_BUCKETS - 1) * size) / OCCUPANCY_BUCKETS);
    } finally {
      this.#host.reclaiming = false;
    }
  }

  /** Takes back an active segment that holds nothing (e.g. a cache evicted to empty). */
  #releaseEmptyActive(): boolean {
    const t = this.#table;
    for (const r of this.#regions) {
      if (r === undefined || r.active < 0 || t.live[r.active] !== 0) continue;
      const a = r.active;
      r.active = -1;
      t.close(a);
      this.#release(a, r);
      return true;
    }
    return false;
  }

  #compactSparsest(maxLiveBytes: number): boolean {
    const s = this.#buckets.sparsest(this.#table.live, maxLiveBytes);
    if (s < 0 || !this.#canEvacuate(s)) return false;
    this.#evacuate(s);
    this.#onDemandCompactions++;
    return true;
  }

  /** Evacuation takes at most one fresh segment: possible if one is free or the target has room. */
  #canEvacuate(s: number): boolean {
    const t = this.#table;
    if (t.available >= 1) return true;
    const a = this.#regions[t.owner[s]!]!.active;
    return a >= 0 && this.segmentSizeBytes - t.top[a]! >= t.live[s]!;
  }

  #evacuate(s: number): number {
    const t = this.#table;
    const region = this.#regions[t.owner[s]!]!;
    this.#buckets.remove(s);
    const moved = region.evacuate(s);
    this.#release(s, region);
    this.#movedBytes += moved;
    this.#segmentsCompacted++;
    if (this.#counters !== null) {
      this.#counters.compactionMovedBytes.inc(moved);
      this.#counters.segmentsCompacted.inc();
    }
    return moved;
  }

  /** Evicts about a segment's worth, from the largest evictable region that has something to give. */
  #evictSome(): boolean {
    const candidates: LsaRegion[] = [];
    for (const r of this.#regions) if (r !== undefined && r.evictable && r.liveBytes > 0) candidates.push(r);
    candidates.sort((a, b) => b.liveBytes - a.liveBytes);
    for (const victim of candidates) {
      const before = victim.evictedObjects;
      const freed = victim.evict(this.segmentSizeBytes);
      if (freed === 0) continue; // everything it holds is pinned
      const objects = victim.evictedObjects - before;
      this.#evictedObjects += objects;
      this.#evictedBytes += freed;
      if (this.#counters !== null) {
        this.#counters.evictedObjects.inc(objects);
        this.#counters.evictedBytes.inc(freed);
      }
      return true;
    }
    return false;
  }

  #outOfMemory(region: LsaRegion, totalBytes: number): never {
    this.#outOfMemoryErrors++;
    this.#counters?.outOfMemory.inc();
    this.#notifyPressure('hard');
    const t = this.#table;
    throw new CharybdisError(
      LsaErrorCode.OUT_OF_MEMORY,
      `region ${region.name}: no room for a ${totalBytes}-byte object within the LSA budget of ${this.budgetBytes} bytes ` +
        `(${t.usedCount}/${this.totalSegments} segments used, occupancy ${(t.liveTotal / Math.max(1, t.usedCount * this.segmentSizeBytes)).toFixed(3)})`,
    );
  }

  /** Tells the largest non-evictable region with a callback to flush. */
  #notifyPressure(kind: 'soft' | 'hard'): void {
    let target: LsaRegion | null = null;
    for (const r of this.#regions) {
      if (r !== undefined && !r.evictable && r.hasPressureCallback && (target === null || r.segmentCount > target.segmentCount)) target = r;
    }
    if (target === null) return;
    this.#pressureEvents++;
    this.#counters?.pressureEvents.inc();
    target.notifyPressure({
      kind,
      regionName: target.name,
      regionBytes: target.segmentCount * this.segmentSizeBytes,
      nonEvictableBytes: this.#nonEvictableSegments * this.segmentSizeBytes,
      budgetBytes: this.budgetBytes,
    });
  }

  #wakeCompactor(): void {
    const waiter = this.#compactionWaiter;
    if (waiter !== null && this.compactionWanted()) waiter();
  }

  #checkNotReclaiming(what: string): void {
    if (this.#host.reclaiming) {
      throw new CharybdisError(LsaErrorCode.INVALID_STATE, `cannot ${what} while the LSA is reclaiming memory (from an onEvict callback)`);
    }
  }
}
