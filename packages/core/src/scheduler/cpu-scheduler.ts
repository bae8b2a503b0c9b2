import { CharybdisError } from '../errors';
import type { RunEntry, SchedulingGroupStats } from './group-state';
import { GroupState } from './group-state';
import type {
  CpuSchedulerOptions,
  SchedulerClock,
  SchedulingGroupOptions,
  YieldToEventLoop,
} from './scheduler-options';
import {
  DEFAULT_MAX_QUEUE_LENGTH,
  DEFAULT_STALL_LOG_INTERVAL_MS,
  DEFAULT_STALL_THRESHOLD_MS,
  DEFAULT_TASK_QUOTA_MS,
  MAX_GROUPS,
  SchedErrorCode,
} from './scheduler-options';
import type { GroupHost } from './scheduling-group';
import { SchedulingGroup } from './scheduling-group';
import { StallDetector } from './stall-detector';

/** Plain-data snapshot of a scheduler (`scheduler.stats()`). */
export interface CpuSchedulerStats {
  bypass: boolean;
  taskQuotaMs: number;
  stallThresholdMs: number;
  /** Event-loop turns in which the run loop ran (one per quota, roughly). */
  slices: number;
  /** Segments run: task starts plus resumptions after a real yield. */
  segments: number;
  /** scheduler.maybeYield() calls made outside any segment (nothing to yield to). */
  unscopedYields: number;
  /** The floor idle groups are clamped to when they become active again. */
  minVruntime: number;
  groups: SchedulingGroupStats[];
}

/** Options of {@link CpuScheduler.stop}. */
export interface CpuSchedulerStopOptions {
  /**
   * Reject every queued task and yielded task with SCHED_STOPPED instead of running them
   * (default false: queued work is drained first).
   */
  abortQueued?: boolean;
}

/** Where the run loop is: no work, waiting for an event-loop turn, or inside a slice. */
type LoopState = 'idle' | 'parked' | 'running';
/** open → draining|aborting (stop() called) → stopped (queues empty). */
type Lifecycle = 'open' | 'draining' | 'aborting' | 'stopped';

/**
 * The CPU scheduler of one shard (Seastar's reactor run queues with scheduling groups).
 * Work is queued into {@link SchedulingGroup}s; the run loop repeatedly starts the queued
 * entry of the group with the least vruntime (runtime normalised by shares) until the task
 * quota is used, then yields to the event loop so I/O and timers run, and resumes.
 *
 * Each started entry is a *segment*: the loop calls the task (or resolves the promise a
 * yielded task awaits), lets the microtask queue drain, and charges the elapsed time to
 * the group. See README.md for what is and is not controlled on a JS event loop.
 *
 * Thread: one instance per shard, constructed in and used only by that shard's worker
 * thread. Nothing here is shared across threads.
 */
export class CpuScheduler {
  private readonly groups: GroupState[] = [];
  private readonly handles = new Map<string, SchedulingGroup>();
  private readonly clock: SchedulerClock;
  private readonly yieldToEventLoop: YieldToEventLoop;
  private readonly quotaMs: number;
  private readonly bypass: boolean;
  private readonly defaultMaxQueueLength: number;
  private readonly stallDetector: StallDetector;
  private readonly host: GroupHost;
  private readonly resolvedVoid: Promise<void> = Promise.resolve();
  private loop: LoopState = 'idle';
  private lifecycle: Lifecycle = 'open';
  /** Group of the open segment, or null between segments and outside slices. */
  private current: GroupState | null = null;
  private segmentStartMs = 0;
  private sliceStartMs = 0;
  private minVruntime = 0;
  private slices = 0;
  private segments = 0;
  private unscopedYields = 0;
  private stopped: Promise<void> | null = null;
  private resolveStopped: (() => void) | null = null;

  constructor(options: CpuSchedulerOptions) {
    this.clock = options.clock ?? { now: () => performance.now() };
    this.yieldToEventLoop = options.yieldToEventLoop ?? ((resume) => void setImmediate(resume));
    this.quotaMs = positive('taskQuotaMs', options.taskQuotaMs ?? DEFAULT_TASK_QUOTA_MS);
    this.bypass = options.bypass ?? false;
    this.defaultMaxQueueLength = positiveInt('maxQueueLength', options.maxQueueLength ?? DEFAULT_MAX_QUEUE_LENGTH);
    this.stallDetector = new StallDetector(
      options.logger,
      positive('stallThresholdMs', options.stallThresholdMs ?? DEFAULT_STALL_THRESHOLD_MS),
      nonNegative('stallLogIntervalMs', options.stallLogIntervalMs ?? DEFAULT_STALL_LOG_INTERVAL_MS),
    );
    this.host = {
      run: (group, fn) => this.submit(group, fn),
      yield: (group) => this.yieldGroup(group),
      shouldYield: (group) => this.wouldYield(group),
    };
  }

  /**
   * Creates a scheduling group with `shares` (1..1000). Names are unique per scheduler;
   * the built-in ones (statement, memtable, compaction, …) are created by the shard's
   * composition root. A new group starts at the current minimum vruntime, so it neither
   * owes nor is owed CPU time.
   */
  createGroup(name: string, shares: number, options: SchedulingGroupOptions = {}): SchedulingGroup {
    if (typeof name !== 'string' || name.length === 0) {
      throw new CharybdisError(SchedErrorCode.invalidOption, 'scheduling group name must be a non-empty string');
    }
    if (this.handles.has(name)) {
      throw new CharybdisError(SchedErrorCode.duplicateGroup, `scheduling group ${name} already exists`);
    }
    if (this.groups.length >= MAX_GROUPS) {
      throw new CharybdisError(SchedErrorCode.tooManyGroups, `at most ${MAX_GROUPS} scheduling groups per shard`);
    }
    const maxQueueLength = positiveInt('maxQueueLength', options.maxQueueLength ?? this.defaultMaxQueueLength);
    const state = new GroupState(name, shares, maxQueueLength, this.minVruntime);
    const handle = new SchedulingGroup(this.host, state);
    this.groups.push(state);
    this.handles.set(name, handle);
    return handle;
  }

  /** The group called `name`, if it exists. */
  group(name: string): SchedulingGroup | undefined {
    return this.handles.get(name);
  }

  /**
   * `yield()` of the group whose segment is running now. Outside any segment (e.g. in a
   * continuation after I/O) the scheduler cannot know the caller's group: it resolves at
   * once and counts an unscoped yield; use `group.yield()` there.
   */
  maybeYield(): Promise<void> {
    if (this.current !== null) return this.yieldGroup(this.current);
    if (this.lifecycle === 'aborting' || this.lifecycle === 'stopped') return Promise.reject(stoppedError('-'));
    this.unscopedYields++;
    return this.resolvedVoid;
  }

  /**
   * Stops accepting tasks: run() rejects with SCHED_STOPPED from now on. Resolves once no
   * entry is queued and no segment runs: queued tasks and yielded tasks are run to their
   * next suspension (default) or rejected with SCHED_STOPPED (`abortQueued`). Tasks parked
   * on I/O are not waited for; their next `yield()` rejects with SCHED_STOPPED.
   */
  stop(options: CpuSchedulerStopOptions = {}): Promise<void> {
    if (this.lifecycle === 'open') this.lifecycle = 'draining';
    if (options.abortQueued === true && this.lifecycle === 'draining') this.lifecycle = 'aborting';
    if (this.lifecycle === 'aborting') this.rejectAllQueued();
    if (this.stopped === null) {
      this.stopped = new Promise<void>((resolve) => {
        this.resolveStopped = resolve;
      });
    }
    this.maybeFinishStop();
    return this.stopped;
  }

  stats(): CpuSchedulerStats {
    return {
      bypass: this.bypass,
      taskQuotaMs: this.quotaMs,
      stallThresholdMs: this.stallDetector.thresholdMs,
      slices: this.slices,
      segments: this.segments,
      unscopedYields: this.unscopedYields,
      minVruntime: this.minVruntime,
      groups: this.groups.map((g) => g.stats()),
    };
  }

  // ---- task submission (called through the groups' host) ----

  private submit(group: GroupState, fn: () => unknown): Promise<unknown> {
    if (this.lifecycle !== 'open') return Promise.reject(stoppedError(group.name));
    if (this.bypass) return this.runBypassed(group, fn);
    if (group.queue.length >= group.maxQueueLength) {
      group.tasksRejected++;
      return Promise.reject(
        new CharybdisError(
          SchedErrorCode.queueFull,
          `scheduling group ${group.name}: run queue is full (${group.maxQueueLength} entries)`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.enqueue(group, { fn, resolve, reject, enqueuedAtMs: this.clock.now() });
    });
  }

  private yieldGroup(group: GroupState): Promise<void> {
    if (this.lifecycle === 'aborting' || this.lifecycle === 'stopped') return Promise.reject(stoppedError(group.name));
    if (!this.wouldYield(group)) return this.resolvedVoid;
    group.yields++;
    return new Promise<void>((resolve, reject) => {
      this.enqueue(group, { fn: null, resolve: () => resolve(), reject, enqueuedAtMs: this.clock.now() });
    });
  }

  /** A yield suspends unless the caller is inside its own group's segment with quota left. */
  private wouldYield(group: GroupState): boolean {
    if (this.bypass) return false;
    return this.current !== group || this.clock.now() - this.sliceStartMs >= this.quotaMs;
  }

  /**
   * Queues an entry. A group that had nothing queued is (re)activated: its vruntime is
   * raised to at least the minimum vruntime minus one quota, so a long-idle group gets a
   * bounded head start instead of a burst worth all the time it did not use.
   */
  private enqueue(group: GroupState, entry: RunEntry): void {
    if (group.queue.length === 0) {
      const floor = this.minVruntime - this.quotaMs;
      if (group.vruntime < floor) group.vruntime = floor;
    }
    group.queue.push(entry);
    if (this.loop === 'idle') this.park();
  }

  /** Bypass mode: run the task now, FIFO by construction, still measuring its sync part. */
  private runBypassed(group: GroupState, fn: () => unknown): Promise<unknown> {
    const startMs = this.clock.now();
    const outer = this.current;
    group.waits.record(0);
    group.tasksRun++;
    this.current = group;
    try {
      // The executor runs fn synchronously; a throw becomes a rejection of this promise.
      return new Promise((resolve) => resolve(fn()));
    } finally {
      this.current = outer;
      const endMs = this.clock.now();
      group.charge(endMs - startMs);
      this.stallDetector.observe(group, endMs - startMs, endMs);
    }
  }

  // ---- the run loop ----

  /** Asks the event loop for a turn; the loop is parked until it comes. */
  private park(): void {
    this.loop = 'parked';
    this.yieldToEventLoop(this.onEventLoopTurn);
  }

  /** A new slice. The pump must start from a microtask, see onDrained. */
  private readonly onEventLoopTurn = (): void => {
    this.loop = 'running';
    this.slices++;
    this.sliceStartMs = this.clock.now();
    queueMicrotask(this.pump);
  };

  /**
   * Runs once the microtasks the segment caused have all run: Node runs a nextTick
   * callback queued from a microtask only after the microtask queue is empty. The pump
   * itself runs as a microtask so that its own nextTick is deferred the same way.
   */
  private readonly onDrained = (): void => {
    queueMicrotask(this.pump);
  };

  /** Closes the open segment, then starts the next one or parks or goes idle. */
  private readonly pump = (): void => {
    const nowMs = this.clock.now();
    if (this.current !== null) this.closeSegment(nowMs);
    const next = this.pickNext();
    if (next === null) {
      this.loop = 'idle';
      this.maybeFinishStop();
      return;
    }
    if (nowMs - this.sliceStartMs >= this.quotaMs) {
      this.park();
      return;
    }
    this.openSegment(next, nowMs);
    process.nextTick(this.onDrained);
  };

  /** The group with queued entries and the least vruntime (ties: creation order). */
  private pickNext(): GroupState | null {
    let best: GroupState | null = null;
    for (const g of this.groups) {
      if (g.queue.length > 0 && (best === null || g.vruntime < best.vruntime)) best = g;
    }
    return best;
  }

  private openSegment(group: GroupState, nowMs: number): void {
    const entry = group.queue.shift();
    if (entry === undefined) return; // pickNext only returns groups with queued entries
    group.waits.record(nowMs - entry.enqueuedAtMs);
    this.current = group;
    this.segmentStartMs = nowMs;
    this.segments++;
    if (entry.fn === null) {
      entry.resolve(undefined); // the yielded task continues in the microtasks that follow
      return;
    }
    group.tasksRun++;
    let result: unknown;
    try {
      result = entry.fn();
    } catch (err) {
      entry.reject(err);
      return;
    }
    entry.resolve(result);
  }

  private closeSegment(nowMs: number): void {
    const group = this.current;
    if (group === null) return;
    this.current = null;
    const durationMs = Math.max(0, nowMs - this.segmentStartMs);
    group.charge(durationMs);
    this.raiseMinVruntime(group);
    this.stallDetector.observe(group, durationMs, nowMs);
  }

  /** minVruntime: monotonic; the least vruntime of the active groups and the one just run. */
  private raiseMinVruntime(justRun: GroupState): void {
    let least = justRun.vruntime;
    for (const g of this.groups) {
      if (g.queue.length > 0 && g.vruntime < least) least = g.vruntime;
    }
    if (least > this.minVruntime) this.minVruntime = least;
  }

  // ---- stopping ----

  private rejectAllQueued(): void {
    for (const g of this.groups) {
      for (const entry of g.queue.drain()) entry.reject(stoppedError(g.name));
    }
  }

  private maybeFinishStop(): void {
    if (this.lifecycle !== 'draining' && this.lifecycle !== 'aborting') return;
    if (this.current !== null || this.groups.some((g) => g.queue.length > 0)) return;
    this.lifecycle = 'stopped';
    this.resolveStopped?.();
  }
}

function stoppedError(groupName: string): CharybdisError {
  return new CharybdisError(SchedErrorCode.stopped, `CPU scheduler is stopped (group ${groupName})`);
}

function positive(name: string, value: number): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new CharybdisError(SchedErrorCode.invalidOption, `${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new CharybdisError(SchedErrorCode.invalidOption, `${name} must be a number >= 0, got ${String(value)}`);
  }
  return value;
}

function positiveInt(name: string, value: number): number {
  if (!(Number.isSafeInteger(value) && value > 0)) {
    throw new CharybdisError(SchedErrorCode.invalidOption, `${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
