import { setImmediate as nextTurn } from 'node:timers/promises';
import { hasErrorCode } from '../src/errors';
import { LsaBackgroundCompactor, LsaErrorCode, SegmentPool } from '../src/lsa';
import type { LsaRegion } from '../src/lsa';
import { CpuScheduler } from '../src/scheduler';

// The background compactor: compaction steps run as a task of a scheduling group and
// yield between steps, park when there is nothing to do, wake on frees, and stop.

const SEG = 4096;
const logger = { warn: (): void => undefined };

function fragmentedPool(): { pool: SegmentPool; region: LsaRegion; kept: Map<number, number> } {
  const pool = new SegmentPool({ budgetBytes: 256 * SEG, segmentSizeBytes: SEG, targetOccupancy: 0.9 });
  const region = pool.createRegion();
  const kept = new Map<number, number>();
  for (let i = 0; i < 6000; i++) {
    const h = region.allocateCopy(new Uint8Array(100).fill(i & 0xff));
    if (i % 4 === 0) kept.set(h, i & 0xff);
    else region.free(h);
  }
  return { pool, region, kept };
}

/** Lets the event loop turn until `cond` holds (bounded: a hang fails, not times out). */
async function turnsUntil(cond: () => boolean, maxTurns = 20_000): Promise<number> {
  for (let i = 0; i < maxTurns; i++) {
    if (cond()) return i;
    await nextTurn();
  }
  throw new Error('condition never became true');
}

test('compacts to the target in bounded steps, parks, wakes on frees, and stops', async () => {
  const { pool, region, kept } = fragmentedPool();
  const sched = new CpuScheduler({ logger });
  const group = sched.createGroup('compaction', 200);
  const compactor = new LsaBackgroundCompactor({ pool, group, stepBytes: 2 * SEG });
  expect(pool.compactionWanted()).toBe(true);
  compactor.start();
  expect(() => compactor.start()).toThrow(expect.objectContaining({ code: LsaErrorCode.INVALID_STATE }) as Error);
  await turnsUntil(() => !pool.compactionWanted());
  const first = compactor.stats();
  expect(first.steps).toBeGreaterThan(3);
  expect(first.movedBytes / first.steps).toBeLessThanOrEqual(3 * SEG); // each step ≈ stepBytes, + at most one segment
  expect(pool.stats().occupancy).toBeGreaterThan(0.85);
  for (const [h, fill] of kept) expect(region.read(h)[0]).toBe(fill);

  // Parked: freeing more wakes it, and it compacts again.
  let k = 0;
  for (const h of [...kept.keys()]) {
    if (k++ % 2 === 0) {
      region.free(h);
      kept.delete(h);
    }
  }
  await turnsUntil(() => compactor.stats().steps > first.steps && !pool.compactionWanted());
  for (const [h, fill] of kept) expect(region.read(h)[0]).toBe(fill);
  pool.checkInvariants();

  await compactor.stop();
  expect(compactor.stats().running).toBe(false);
  for (const h of [...kept.keys()].filter((_, i) => i % 2 === 0)) region.free(h);
  for (let i = 0; i < 20; i++) await nextTurn();
  expect(pool.compactionWanted()).toBe(true); // nobody compacts after stop
  await sched.stop();
});

test('a foreground group runs between compaction steps', async () => {
  const { pool } = fragmentedPool();
  let nowMs = 0;
  // Every clock read advances 0.3 ms, so each compaction step uses up a task quota.
  const sched = new CpuScheduler({ logger, clock: { now: () => (nowMs += 0.3) } });
  const statement = sched.createGroup('statement', 1000);
  const compaction = sched.createGroup('compaction', 1000);
  const compactor = new LsaBackgroundCompactor({ pool, group: compaction, stepBytes: SEG });
  compactor.start();
  await turnsUntil(() => compactor.stats().steps >= 2);
  const stepsBefore = compactor.stats().steps;
  const stepsSeenByStatement = await statement.run(() => compactor.stats().steps);
  expect(stepsSeenByStatement - stepsBefore).toBeLessThanOrEqual(2);
  expect(pool.compactionWanted()).toBe(true);
  await compactor.stop();
  await sched.stop();
});

test('a failing loop is reported to onError and by stop(); a stopping scheduler ends it quietly', async () => {
  class BrokenPool extends SegmentPool {
    override compactStep(): number {
      throw new Error('compaction bug');
    }
  }
  const sched = new CpuScheduler({ logger });
  const group = sched.createGroup('compaction', 100);
  const errors: unknown[] = [];
  const broken = new LsaBackgroundCompactor({ pool: new BrokenPool({ budgetBytes: 1 << 20 }), group, onError: (e) => errors.push(e) });
  broken.start();
  await turnsUntil(() => errors.length === 1);
  await expect(broken.stop()).rejects.toThrow('compaction bug');

  const { pool } = fragmentedPool();
  const ok = new LsaBackgroundCompactor({ pool, group });
  ok.start();
  await nextTurn();
  await sched.stop({ abortQueued: true });
  await ok.stop(); // SCHED_STOPPED from group.yield() ends the loop without an error
  expect(errors).toHaveLength(1);
  expect(hasErrorCode(errors[0], LsaErrorCode.INVALID_STATE)).toBe(false);
  expect(() => new LsaBackgroundCompactor({ pool, group, stepBytes: 0 })).toThrow(expect.objectContaining({ code: LsaErrorCode.INVALID_OPTION }) as Error);
});
