import {
  LEVELED_MAX_COMPACTING_L0,
  LeveledStrategy,
  SizeTieredStrategy,
  parseCompactionOptions,
  sizeTieredBacklogBytes,
} from '../src/compaction';
import type { CompactionCandidate, CompactionTask, LeveledCompactionOptions, SizeTieredCompactionOptions } from '../src/compaction';
import type { SSTableStats } from '../src/sstable/sstable-types';
import { compactionRng } from './fixtures/compaction-random';

const MIB = 1024 * 1024;
const DAY_MS = 86_400_000;
const NOW_MS = 100 * DAY_MS;

interface CandidateSpec {
  level?: number;
  first?: bigint;
  last?: bigint;
  compacting?: boolean;
  createdAtMs?: number;
  stats?: Partial<SSTableStats>;
}

/** A candidate with honest-enough stats for selection: span [first, last] in tokens (keys irrelevant here). */
function sstable(generation: number, sizeBytes: number, spec: CandidateSpec = {}): CompactionCandidate {
  const stats: SSTableStats = {
    partitionCount: 100,
    rowCount: 1000,
    tombstoneCount: 0,
    dataSizeBytes: sizeBytes,
    uncompressedSizeBytes: sizeBytes,
    firstToken: spec.first ?? -1000n,
    lastToken: spec.last ?? 1000n,
    firstKey: Buffer.from([1]),
    lastKey: Buffer.from([1]),
    minTimestampUs: 1n,
    maxTimestampUs: 100n,
    minLocalDeletionTimeSeconds: null,
    maxLocalDeletionTimeSeconds: null,
    minClustering: null,
    maxClustering: null,
    hasPartitionOrRangeDeletions: false,
    level: spec.level ?? 0,
    createdAtMs: spec.createdAtMs ?? generation,
    ...spec.stats,
  };
  return { generation, sizeBytes, level: spec.level ?? 0, stats, compacting: spec.compacting ?? false };
}

const stcs = (map: Record<string, string> = {}): SizeTieredStrategy =>
  new SizeTieredStrategy(parseCompactionOptions({ class: 'SizeTieredCompactionStrategy', ...map }) as SizeTieredCompactionOptions);
const lcs = (map: Record<string, string> = {}, gcGraceSeconds?: number): LeveledStrategy =>
  new LeveledStrategy(parseCompactionOptions({ class: 'LeveledCompactionStrategy', sstable_size_in_mb: '1', ...map }) as LeveledCompactionOptions, {
    gcGraceSeconds,
  });
const sorted = (task: CompactionTask | null): number[] => [...(task?.inputs ?? [])].sort((a, b) => a - b);

describe('SizeTieredStrategy', () => {
  it('compacts min_threshold SSTables of similar size into level 0, unsplit', () => {
    const task = stcs().nextTask([sstable(1, 100 * MIB), sstable(2, 110 * MIB), sstable(3, 90 * MIB), sstable(4, 105 * MIB)], NOW_MS);
    expect(task).toMatchObject({ outputLevel: 0, maxOutputBytes: Infinity, reason: 'size-tiered' });
    expect(sorted(task)).toEqual([1, 2, 3, 4]);
  });

  it('waits below min_threshold and honours a custom one', () => {
    const three = [sstable(1, 100 * MIB), sstable(2, 110 * MIB), sstable(3, 90 * MIB)];
    expect(stcs().nextTask(three, NOW_MS)).toBeNull();
    expect(sorted(stcs({ min_threshold: '3' }).nextTask(three, NOW_MS))).toEqual([1, 2, 3]);
  });

  it('leaves outliers out of the bucket (the growing average × bucket_high)', () => {
    const all = [sstable(1, 100 * MIB), sstable(2, 120 * MIB), sstable(3, 140 * MIB), sstable(4, 130 * MIB), sstable(5, 1024 * MIB), sstable(6, 80 * MIB)];
    // In size order: 80 starts the bucket, 100 < 80 × 1.5, and so on up the average; 1 GiB is far out.
    expect(sorted(stcs().nextTask(all, NOW_MS))).toEqual([1, 2, 3, 4, 6]);
    // bucket_high 1.2: 80 | 100 | 120 130 140 — no bucket reaches 4 …
    expect(stcs({ bucket_high: '1.2' }).nextTask(all, NOW_MS)).toBeNull();
    // … and with min_threshold 3 the similar three go.
    expect(sorted(stcs({ bucket_high: '1.2', min_threshold: '3' }).nextTask(all, NOW_MS))).toEqual([2, 3, 4]);
  });

  it('puts every SSTable below min_sstable_size in one bucket, whatever their ratio', () => {
    const small = [sstable(1, 1 * MIB), sstable(2, 5 * MIB), sstable(3, 20 * MIB), sstable(4, 45 * MIB)];
    expect(sorted(stcs().nextTask(small, NOW_MS))).toEqual([1, 2, 3, 4]);
    expect(stcs({ min_sstable_size: String(MIB) }).nextTask(small, NOW_MS)).toBeNull();
  });

  it('takes at most max_threshold SSTables, the smallest of the bucket', () => {
    const many = Array.from({ length: 40 }, (_, i) => sstable(i + 1, 100 * MIB + i));
    expect(sorted(stcs().nextTask(many, NOW_MS))).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(stcs({ max_threshold: '6' }).nextTask(many, NOW_MS)!.inputs).toHaveLength(6);
  });

  it('prefers the bucket with more SSTables, then the smaller average size', () => {
    const big = [1, 2, 3, 4].map((g) => sstable(g, 1024 * MIB));
    const medium = [5, 6, 7, 8, 9].map((g) => sstable(g, 200 * MIB));
    expect(sorted(stcs().nextTask([...big, ...medium], NOW_MS))).toEqual([5, 6, 7, 8, 9]);
    const medium4 = medium.slice(0, 4);
    expect(sorted(stcs().nextTask([...big, ...medium4], NOW_MS))).toEqual([5, 6, 7, 8]);
  });

  it('never hands out an SSTable that is compacting, and stops when disabled', () => {
    const all = [1, 2, 3, 4, 5].map((g) => sstable(g, 100 * MIB, { compacting: g <= 2 }));
    expect(stcs().nextTask(all, NOW_MS)).toBeNull();
    all.push(sstable(6, 100 * MIB));
    expect(sorted(stcs().nextTask(all, NOW_MS))).toEqual([3, 4, 5, 6]);
    expect(stcs({ enabled: 'false' }).nextTask(all, NOW_MS)).toBeNull();
  });

  it('estimates pending tasks as Σ ⌈bucket / max_threshold⌉ over qualifying buckets', () => {
    const s = stcs();
    const bucketA = Array.from({ length: 70 }, (_, i) => sstable(i + 1, 100 * MIB));
    const bucketB = Array.from({ length: 5 }, (_, i) => sstable(100 + i, 2048 * MIB));
    const lone = [sstable(200, 20 * 1024 * MIB)];
    expect(s.estimatePendingTasks([...bucketA, ...bucketB, ...lone])).toBe(3 + 1);
    expect(s.estimatePendingTasks(lone)).toBe(0);
  });

  it('reports a backlog of Σ size × log_T(total / size)', () => {
    const s = stcs();
    expect(s.backlogBytes([])).toBe(0);
    expect(s.backlogBytes([sstable(1, 500 * MIB)])).toBe(0);
    const four = [1, 2, 3, 4].map((g) => sstable(g, 100 * MIB));
    expect(s.backlogBytes(four)).toBeCloseTo(400 * MIB, 0); // 4 × 100 MiB × log4(4)
    const sixteen = Array.from({ length: 16 }, (_, i) => sstable(i, 100 * MIB));
    expect(s.backlogBytes(sixteen)).toBeCloseTo(1600 * MIB * 2, 0);
    expect(sizeTieredBacklogBytes([300, 100], 2)).toBeCloseTo(300 * Math.log2(4 / 3) + 100 * Math.log2(4), 6);
    // Compacting the four into one removes the backlog.
    expect(s.backlogBytes([sstable(9, 400 * MIB)])).toBe(0);
  });

  describe('single-SSTable tombstone compaction', () => {
    const gcBeforeS = NOW_MS / 1000 - 864_000;
    const tombstoned = (generation: number, spec: CandidateSpec = {}): CompactionCandidate =>
      sstable(generation, 10 * MIB, {
        createdAtMs: NOW_MS - 2 * DAY_MS,
        ...spec,
        stats: { tombstoneCount: 500, rowCount: 500, minLocalDeletionTimeSeconds: gcBeforeS - 1000, maxLocalDeletionTimeSeconds: gcBeforeS - 10, ...spec.stats },
      });

    it('compacts alone an old SSTable whose droppable tombstones pass tombstone_threshold', () => {
      expect(stcs().nextTask([tombstoned(7)], NOW_MS)).toEqual({ inputs: [7], outputLevel: 0, maxOutputBytes: Infinity, reason: 'tombstones' });
    });

    it('waits for tombstone_compaction_interval, gc_grace and the threshold', () => {
      expect(stcs().nextTask([tombstoned(7, { createdAtMs: NOW_MS - 1000 })], NOW_MS)).toBeNull();
      expect(stcs({ tombstone_compaction_interval: '0' }).nextTask([tombstoned(7, { createdAtMs: NOW_MS - 1000 })], NOW_MS)).not.toBeNull();
      const young = tombstoned(7, { stats: { minLocalDeletionTimeSeconds: gcBeforeS + 10, maxLocalDeletionTimeSeconds: gcBeforeS + 100 } });
      expect(stcs().nextTask([young], NOW_MS)).toBeNull();
      expect(stcs({ tombstone_threshold: '0.6' }).nextTask([tombstoned(7)], NOW_MS)).toBeNull();
    });

    it('skips an SSTable overlapping older data elsewhere unless unchecked_tombstone_compaction', () => {
      const older = sstable(3, 500 * MIB, { stats: { minTimestampUs: 1n } });
      expect(stcs().nextTask([tombstoned(7), older], NOW_MS)).toBeNull();
      expect(stcs({ unchecked_tombstone_compaction: 'true' }).nextTask([tombstoned(7), older], NOW_MS)!.inputs).toEqual([7]);
      const disjoint = sstable(3, 500 * MIB, { first: 5000n, last: 6000n });
      expect(stcs().nextTask([tombstoned(7), disjoint], NOW_MS)!.inputs).toEqual([7]);
    });
  });
});

/** L1+ SSTables of `size` tiling [start, start + count × width) without overlap. */
function tiled(level: number, firstGeneration: number, count: number, start: bigint, width: bigint, size = MIB): CompactionCandidate[] {
  return Array.from({ length: count }, (_, i) =>
    sstable(firstGeneration + i, size, { level, first: start + BigInt(i) * width, last: start + BigInt(i + 1) * width - 1n }),
  );
}

describe('LeveledStrategy', () => {
  it('moves L0 to L1 from 4 SSTables on, with exactly the L1 SSTables overlapping their span', () => {
    const l1 = tiled(1, 100, 5, 0n, 100n); // [0,99] [100,199] ... [400,499]
    const l0 = [1, 2, 3].map((g) => sstable(g, MIB / 2, { first: 150n, last: 320n }));
    const s = lcs();
    expect(s.nextTask([...l0, ...l1], NOW_MS)).toBeNull();
    l0.push(sstable(4, MIB / 2, { first: 120n, last: 250n }));
    const task = s.nextTask([...l0, ...l1], NOW_MS);
    expect(task).toMatchObject({ outputLevel: 1, maxOutputBytes: MIB, reason: 'leveled-l0' });
    expect(sorted(task)).toEqual([1, 2, 3, 4, 101, 102, 103]);
  });

  it('promotes from a level over fanout^n × sstable_size, round robin, with the overlapping SSTables of the next level', () => {
    const s = lcs({ fanout_size: '2' }); // L1 may hold 2 MiB, L2 4 MiB
    const l1 = tiled(1, 10, 4, 0n, 100n); // 4 MiB in L1
    const l2Small = tiled(2, 50, 4, 0n, 50n).map((c) => ({ ...c, sizeBytes: MIB / 2 })); // [0,49] … [150,199]: 2 MiB, within L2's 4
    const all = [...l1, ...l2Small];
    const first = s.nextTask(all, NOW_MS);
    expect(first).toMatchObject({ outputLevel: 2, maxOutputBytes: MIB, reason: 'leveled-promotion' });
    expect(sorted(first)).toEqual([10, 50, 51]);
    const mark = (task: CompactionTask | null, pool: CompactionCandidate[]): CompactionCandidate[] =>
      pool.map((c) => (task?.inputs.includes(c.generation) === true ? { ...c, compacting: true } : c));
    // Still 3 MiB free in L1 > 2 MiB: the next SSTable after the last promoted one.
    const afterFirst = mark(first, all);
    const second = s.nextTask(afterFirst, NOW_MS);
    expect(sorted(second)).toEqual([11, 52, 53]);
    // Only 2 MiB of L1 is free now: within budget, nothing more.
    expect(s.nextTask(mark(second, afterFirst), NOW_MS)).toBeNull();
    // When the first two are done (gone from L1), the round robin continues after [100,199] and then wraps.
    const s2 = lcs({ fanout_size: '2' });
    const l1b = tiled(1, 10, 3, 0n, 100n);
    expect(s2.nextTask(l1b, NOW_MS)!.inputs).toEqual([10]);
    expect(s2.nextTask(l1b, NOW_MS)!.inputs).toEqual([11]);
    expect(s2.nextTask(l1b, NOW_MS)!.inputs).toEqual([12]);
    expect(s2.nextTask(l1b, NOW_MS)!.inputs).toEqual([10]);
  });

  it('promotes the deepest over-budget level first', () => {
    const s = lcs({ fanout_size: '2' });
    const l1 = tiled(1, 10, 3, 0n, 100n); // 3 MiB > 2
    const l2 = tiled(2, 20, 5, 1000n, 100n); // 5 MiB > 4
    expect(s.nextTask([...l1, ...l2], NOW_MS)).toMatchObject({ inputs: [20], outputLevel: 3 });
  });

  it('size-tiers L0 when it holds more than 32 SSTables, keeping the output in L0', () => {
    const l0 = Array.from({ length: LEVELED_MAX_COMPACTING_L0 + 1 }, (_, i) => sstable(i + 1, (i % 2 === 0 ? 1 : 8) * MIB));
    const task = lcs({ min_sstable_size: '0' }).nextTask(l0, NOW_MS);
    expect(task).toMatchObject({ outputLevel: 0, maxOutputBytes: Infinity, reason: 'leveled-l0-size-tiered' });
    expect(task!.inputs.every((g) => g % 2 === 1)).toBe(true);
    expect(task!.inputs).toHaveLength(17);
    // With 32 or fewer, the normal L0 → L1 path takes up to 32, oldest first.
    const task32 = lcs().nextTask(l0.slice(0, 32), NOW_MS);
    expect(task32).toMatchObject({ outputLevel: 1, reason: 'leveled-l0' });
    expect(task32!.inputs).toHaveLength(32);
  });

  it('runs one L0 → L1 task at a time: a second one could write into the gaps of the first one\'s span', () => {
    const s = lcs();
    // A running L0 → L1 task: L0 inputs at both ends of [0, 700] and the L1 SSTables in that span.
    const running = [
      ...[1, 2].map((g) => sstable(g, MIB / 4, { first: 0n, last: 100n, compacting: true })),
      ...[3, 4].map((g) => sstable(g, MIB / 4, { first: 600n, last: 700n, compacting: true })),
      sstable(101, MIB, { level: 1, first: 0n, last: 99n, compacting: true }),
      sstable(102, MIB, { level: 1, first: 650n, last: 699n, compacting: true }),
    ];
    // Four new flushes in the gap overlap none of those SSTables, but the first task may
    // write one L1 SSTable spanning [0, 700]: the second must wait.
    const fresh = [5, 6, 7, 8].map((g) => sstable(g, MIB / 4, { first: 300n, last: 400n }));
    expect(s.nextTask([...running, ...fresh], NOW_MS)).toBeNull();
    // Once the first task is done (its output in L1), the second one goes, with that output.
    const output = sstable(103, 2 * MIB, { level: 1, first: 0n, last: 700n });
    expect(sorted(s.nextTask([...fresh, output], NOW_MS))).toEqual([5, 6, 7, 8, 103]);
  });

  it('does not write into a level span where a compacting SSTable of that level or the one above lies (levels left overlapping by a crash)', () => {
    const s = lcs({ fanout_size: '2' });
    // L2 holds two overlapping SSTables (duplicates a crash left); one is being compacted.
    const l2 = [sstable(20, MIB, { level: 2, first: 300n, last: 350n, compacting: true }), sstable(21, MIB, { level: 2, first: 0n, last: 500n })];
    const l1 = tiled(1, 10, 3, 0n, 100n).concat(tiled(1, 13, 1, 600n, 100n)); // 4 MiB > 2: promotions wanted
    const task = s.nextTask([...l1, ...l2], NOW_MS);
    // [0,99] … [200,299] would take [0,500] from L2, whose span holds the busy one; only [600,699] may go.
    expect(task).toMatchObject({ inputs: [13], outputLevel: 2 });
  });

  it('never issues concurrent tasks sharing an SSTable or writing overlapping spans into one level (random layouts)', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = compactionRng(seed);
      const pool: CompactionCandidate[] = [];
      let gen = 1;
      // L0: up to 80 flushes, narrow or wide; L1..L3: non-overlapping runs, dense or with wide gaps.
      for (let i = r.int(80); i > 0; i--) {
        const a = BigInt(r.int(10_000));
        pool.push(sstable(gen++, (1 + r.int(8)) * (MIB / 4), { first: a, last: a + BigInt(r.int(r.chance(0.5) ? 300 : 3000)), createdAtMs: r.int(1000) }));
      }
      for (let level = 1; level <= 3; level++) {
        let at = BigInt(r.int(300));
        const sparse = r.chance(0.4);
        for (let i = 1 + r.int(30 * level); i > 0; i--) {
          const width = BigInt(1 + r.int(400));
          pool.push(sstable(gen++, (1 + r.int(4)) * (MIB / 2), { level, first: at, last: at + width - 1n }));
          at += width + BigInt(r.int(sparse ? 3000 : 50));
        }
      }
      const s = lcs({ fanout_size: String(2 + r.int(3)) });
      const tasks: CompactionTask[] = [];
      let live = pool;
      for (let t = s.nextTask(live, NOW_MS); t !== null; t = s.nextTask(live, NOW_MS)) {
        tasks.push(t);
        const inputs = t.inputs;
        live = live.map((c) => (inputs.includes(c.generation) ? { ...c, compacting: true } : c));
        expect(tasks.length).toBeLessThan(200);
      }
      expect(tasks.length).toBeGreaterThan(0);
      const used = tasks.flatMap((t) => t.inputs);
      expect(new Set(used).size).toBe(used.length);
      const spanOf = (t: CompactionTask): [bigint, bigint] => {
        const inputs = pool.filter((c) => t.inputs.includes(c.generation));
        return [inputs.reduce((m, c) => (c.stats.firstToken < m ? c.stats.firstToken : m), inputs[0]!.stats.firstToken),
          inputs.reduce((m, c) => (c.stats.lastToken > m ? c.stats.lastToken : m), inputs[0]!.stats.lastToken)];
      };
      for (let i = 0; i < tasks.length; i++) {
        for (let j = i + 1; j < tasks.length; j++) {
          if (tasks[i]!.outputLevel === 0 || tasks[i]!.outputLevel !== tasks[j]!.outputLevel) continue;
          const [a0, a1] = spanOf(tasks[i]!);
          const [b0, b1] = spanOf(tasks[j]!);
          expect(a1 < b0 || b1 < a0).toBe(true);
        }
      }
    }
  });

  it('estimates pending tasks and backlog from the bytes over each level budget', () => {
    const s = lcs({ fanout_size: '10' });
    const l1 = tiled(1, 10, 13, 0n, 100n); // 13 MiB, budget 10 MiB → 3 promotions
    const l0 = [1, 2, 3, 4, 5].map((g) => sstable(g, MIB));
    expect(s.estimatePendingTasks(l1)).toBe(3);
    expect(s.estimatePendingTasks([...l0, ...l1])).toBe(4);
    expect(s.estimatePendingTasks(tiled(1, 10, 10, 0n, 100n))).toBe(0);
    // Deepest level 1: L0 bytes × 11 + L1 excess × 11.
    expect(s.backlogBytes([...l0, ...l1])).toBe(5 * MIB * 11 + 3 * MIB * 11);
    expect(s.backlogBytes(tiled(1, 10, 10, 0n, 100n))).toBe(0);
  });

  it('compacts an SSTable alone in its level to drop tombstones', () => {
    const gcBeforeS = NOW_MS / 1000 - 100;
    const l2 = tiled(2, 20, 3, 0n, 100n).map((c, i) =>
      i !== 1
        ? c
        : { ...c, stats: { ...c.stats, createdAtMs: 0, tombstoneCount: 900, rowCount: 100, minLocalDeletionTimeSeconds: 0, maxLocalDeletionTimeSeconds: gcBeforeS - 1 } },
    );
    expect(lcs({}, 100).nextTask(l2, NOW_MS)).toEqual({ inputs: [21], outputLevel: 2, maxOutputBytes: MIB, reason: 'tombstones' });
    expect(lcs({ enabled: 'false' }, 100).nextTask(l2, NOW_MS)).toBeNull();
  });
});
