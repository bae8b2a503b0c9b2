import { CharybdisError } from '../errors';
import { LatencyHistogram } from './latency-histogram';
import { RunQueue } from './run-queue';
import { MAX_SHARES, MIN_SHARES, SHARES_SCALE, SchedErrorCode } from './scheduler-options';

/**
 * One queued runnable: a task not yet started (`fn` set) or a yielded task waiting to be
 * resumed (`fn` null; `resolve` resumes it). `resolve`/`reject` settle the promise the
 * caller of `run()`/`yield()` holds.
 */
export interface RunEntry {
  fn: (() => unknown) | null;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  enqueuedAtMs: number;
}

/** Plain-data snapshot of one scheduling group (`group.stats()`). */
export interface SchedulingGroupStats {
  name: string;
  shares: number;
  /** CPU time charged to the group: the sum of its segments (resume → yield/await). */
  runtimeMs: number;
  /** Runtime normalised by shares (runtimeMs × 1000 / shares, plus idle clamping). */
  vruntime: number;
  /** Tasks started (run() calls that reached the CPU). */
  tasksRun: number;
  /** Times a task of the group really yielded (re-entered the run queue). */
  yields: number;
  /** run() calls refused with SCHED_QUEUE_FULL. */
  tasksRejected: number;
  /** Entries queued now (new tasks and yielded tasks waiting to resume). */
  queueLength: number;
  /** The bound on queueLength for new tasks. */
  maxQueueLength: number;
  /** Waiting time (enqueue → start or resume) of every entry started so far. */
  waitCount: number;
  waitMsTotal: number;
  waitMsMax: number;
  /** Percentiles from a fixed-bucket histogram: ≤ 12.5% above the true value. */
  waitMsP50: number;
  waitMsP99: number;
  /** Segments longer than the stall threshold, and the longest segment seen. */
  stalls: number;
  segmentMsMax: number;
}

/**
 * The scheduler-private state of one scheduling group: its run queue, its share of the
 * CPU and its counters. Users hold the {@link SchedulingGroup} facade instead.
 *
 * Thread: created and mutated only by the owning shard's CpuScheduler, on that thread.
 */
export class GroupState {
  readonly name: string;
  readonly maxQueueLength: number;
  readonly queue = new RunQueue<RunEntry>();
  readonly waits = new LatencyHistogram();
  shares: number;
  vruntime: number;
  runtimeMs = 0;
  tasksRun = 0;
  yields = 0;
  tasksRejected = 0;
  stalls = 0;
  segmentMsMax = 0;
  /** Stall-log rate limiting (see StallDetector). */
  lastStallLogMs = -Infinity;
  suppressedStallLogs = 0;

  constructor(name: string, shares: number, maxQueueLength: number, initialVruntime: number) {
    this.name = name;
    this.shares = checkShares(name, shares);
    this.maxQueueLength = maxQueueLength;
    this.vruntime = initialVruntime;
  }

  /** Charges one segment of CPU time: real runtime, and vruntime scaled by shares. */
  charge(durationMs: number): void {
    this.runtimeMs += durationMs;
    this.vruntime += (durationMs * SHARES_SCALE) / this.shares;
    if (durationMs > this.segmentMsMax) this.segmentMsMax = durationMs;
  }

  stats(): SchedulingGroupStats {
    return {
      name: this.name,
      shares: this.shares,
      runtimeMs: this.runtimeMs,
      vruntime: this.vruntime,
      tasksRun: this.tasksRun,
      yields: this.yields,
      tasksRejected: this.tasksRejected,
      queueLength: this.queue.length,
      maxQueueLength: this.maxQueueLength,
      waitCount: this.waits.count,
      waitMsTotal: this.waits.totalMs,
      waitMsMax: this.waits.max,
      waitMsP50: this.waits.quantileMs(0.5),
      waitMsP99: this.waits.quantileMs(0.99),
      stalls: this.stalls,
      segmentMsMax: this.segmentMsMax,
    };
  }
}

/** Returns `shares` if it is a number in 1..1000, else throws SCHED_INVALID_SHARES. */
export function checkShares(groupName: string, shares: number): number {
  if (typeof shares !== 'number' || !Number.isFinite(shares) || shares < MIN_SHARES || shares > MAX_SHARES) {
    throw new CharybdisError(
      SchedErrorCode.invalidShares,
      `scheduling group ${groupName}: shares must be a number in ${MIN_SHARES}..${MAX_SHARES}, got ${String(shares)}`,
    );
  }
  return shares;
}
