import { SEGMENT_ACTIVE, SEGMENT_CLOSED, SEGMENT_FREE, footprintBytes } from './lsa-layout';
import type { LsaRegion } from './lsa-region';
import type { RegionInspection } from './lsa-region-types';
import type { OccupancyBuckets } from './occupancy-buckets';
import type { SegmentTable } from './segment-table';

/** What `SegmentPool.checkInvariants()` looked at. */
export interface LsaInvariantReport {
  segmentsChecked: number;
  objectsChecked: number;
  liveBytes: number;
  deadBytes: number;
}

interface RegionTally {
  region: LsaRegion;
  info: RegionInspection;
  segments: number;
  objects: number;
  liveBytes: number;
  payloadBytes: number;
  pinnedPerSegment: Map<number, number>;
}

/**
 * Recomputes the accounting of every segment from the object headers in its bytes and
 * compares it with the segment descriptors, the regions' handle tables, pin maps and LRU
 * lists, and the occupancy buckets (the invariants documented on SegmentTable,
 * HandleTable, LruList and OccupancyBuckets). Throws an Error naming the first violation.
 */
export function checkLsaInvariants(
  table: SegmentTable,
  buckets: OccupancyBuckets,
  regions: readonly LsaRegion[],
  reserveSegments: number,
): LsaInvariantReport {
  const tallies = new Map<number, RegionTally>();
  for (const region of regions) {
    const info = region.inspect();
    const pinnedPerSegment = new Map<number, number>();
    for (const h of info.pinnedHandles) {
      const loc = info.locate(h);
      check(loc >= 0, `region ${region.name}: pinned handle ${h} is not allocated`);
      const s = loc >>> table.segmentWordBits;
      pinnedPerSegment.set(s, (pinnedPerSegment.get(s) ?? 0) + 1);
    }
    tallies.set(region.id, { region, info, segments: 0, objects: 0, liveBytes: 0, payloadBytes: 0, pinnedPerSegment });
  }
  const report: LsaInvariantReport = { segmentsChecked: 0, objectsChecked: 0, liveBytes: 0, deadBytes: 0 };
  let used = 0;
  for (let s = 0; s < table.count; s++) {
    report.segmentsChecked++;
    if (table.state[s] === SEGMENT_FREE) {
      check(table.owner[s] === -1 && table.live[s] === 0 && table.top[s] === 0 && table.pinned[s] === 0, `free segment ${s} has state`);
      check(!buckets.contains(s), `free segment ${s} is in the buckets`);
      continue;
    }
    used++;
    const tally = tallies.get(table.owner[s]!);
    check(tally !== undefined, `segment ${s} is owned by unknown region ${table.owner[s]}`);
    checkSegment(table, buckets, s, tally, report);
  }
  check(used === table.usedCount, `usedCount ${table.usedCount} but ${used} segments are owned`);
  check(report.liveBytes === table.liveTotal, `liveTotal ${table.liveTotal} but segments hold ${report.liveBytes} live bytes`);
  check(table.available >= reserveSegments, `only ${table.available} free segments, reserve is ${reserveSegments}`);
  for (const t of tallies.values()) checkRegion(table, t);
  return report;
}

function checkSegment(table: SegmentTable, buckets: OccupancyBuckets, s: number, tally: RegionTally, report: LsaInvariantReport): void {
  const { region, info } = tally;
  const top = table.top[s]!;
  check(top <= table.segmentSizeBytes && top % 4 === 0, `segment ${s}: bad top ${top}`);
  check((table.state[s] === SEGMENT_ACTIVE) === (region.active === s), `segment ${s}: active state disagrees with region ${region.name}`);
  const words = table.words(s);
  let live = 0;
  for (let off = 0; off < top; ) {
    const w = off >>> 2;
    const h = words[w]!;
    const size = words[w + 1]!;
    const total = footprintBytes(size);
    check(off + total <= top, `segment ${s}: object at ${off} (${total} bytes) runs past top ${top}`);
    if (h !== 0) {
      check(info.locate(h) === ((s << table.segmentWordBits) | w), `segment ${s}: header at ${off} names handle ${h}, which points elsewhere`);
      live += total;
      tally.payloadBytes += size;
      tally.objects++;
      report.objectsChecked++;
    }
    off += total;
  }
  check(live === table.live[s], `segment ${s}: descriptor says ${table.live[s]} live bytes, headers say ${live}`);
  check(table.pinned[s] === (tally.pinnedPerSegment.get(s) ?? 0), `segment ${s}: pinned ${table.pinned[s]} disagrees with the pin map`);
  const listed = table.state[s] === SEGMENT_CLOSED && table.pinned[s] === 0 && live > 0;
  check(buckets.contains(s) === listed, `segment ${s}: bucket membership is ${buckets.contains(s)}, expected ${listed}`);
  if (listed) check(buckets.bucketOf(s) === buckets.bucketFor(live), `segment ${s}: in bucket ${buckets.bucketOf(s)}, expected ${buckets.bucketFor(live)}`);
  check(!(table.state[s] === SEGMENT_CLOSED && live === 0), `closed segment ${s} is empty but was not released`);
  tally.segments++;
  tally.liveBytes += live;
  report.liveBytes += live;
  report.deadBytes += top - live;
}

function checkRegion(table: SegmentTable, t: RegionTally): void {
  const { region, info } = t;
  check(t.segments === region.segmentCount, `region ${region.name}: segmentCount ${region.segmentCount}, owns ${t.segments}`);
  check(t.objects === info.handleCount, `region ${region.name}: ${info.handleCount} handles, ${t.objects} live headers`);
  check(info.zombies === info.zombieHandles.length, `region ${region.name}: zombie count ${info.zombies} disagrees with the pin map`);
  let zombieBytes = 0;
  let zombiePayload = 0;
  for (const h of info.zombieHandles) {
    const loc = info.locate(h);
    const size = table.words(loc >>> table.segmentWordBits)[(loc & table.segmentWordMask) + 1]!;
    zombiePayload += size;
    zombieBytes += footprintBytes(size);
  }
  check(region.liveBytes + zombieBytes === t.liveBytes, `region ${region.name}: liveBytes ${region.liveBytes} (+${zombieBytes} zombie), segments hold ${t.liveBytes}`);
  check(region.payloadBytes + zombiePayload === t.payloadBytes, `region ${region.name}: payloadBytes ${region.payloadBytes} (+${zombiePayload} zombie), headers say ${t.payloadBytes}`);
  if (region.evictable) {
    check(info.lruLength === info.handleCount - info.pinnedHandles.length, `region ${region.name}: LRU holds ${info.lruLength}, expected live unpinned ${info.handleCount - info.pinnedHandles.length}`);
  }
}

function check(cond: boolean, message: string): asserts cond {
  if (!cond) throw new Error(`LSA invariant violated: ${message}`);
}
