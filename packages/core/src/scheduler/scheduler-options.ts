/**
 * Options, defaults and error codes of the CPU scheduler. Everything here is plain data
 * or a type; the scheduler itself is in cpu-scheduler.ts.
 */

/** Time source of a scheduler: milliseconds with sub-millisecond precision. */
export interface SchedulerClock {
  now(): number;
}

/**
 * Hands control back to the event loop and calls `resume` on a later turn (default:
 * `setImmediate`, so I/O and timer callbacks run in between). Tests inject a fake they
 * step by hand.
 */
export type YieldToEventLoop = (resume: () => void) => void;

/** What the scheduler needs of a logger (a pino `Logger` fits). */
export interface SchedulerLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

/** Options of {@link CpuScheduler}. */
export interface CpuSchedulerOptions {
  /** Receives the stall warnings; usually the shard's logger. */
  logger: SchedulerLogger;
  /** Default: `performance.now()`. */
  clock?: SchedulerClock;
  /** Default: `setImmediate`. */
  yieldToEventLoop?: YieldToEventLoop;
  /** CPU time the run loop spends before yielding to the event loop; default 0.5 ms. */
  taskQuotaMs?: number;
  /** A task segment longer than this is a stall (logged, counted); default 25 ms. */
  stallThresholdMs?: number;
  /** At most one stall warning per group per this interval; default 10 s. */
  stallLogIntervalMs?: number;
  /** Default bound of a group's run queue (createGroup may override); default 10 000. */
  maxQueueLength?: number;
  /**
   * Benchmark-only baseline: `run()` calls the task at once (FIFO, no quota, no yielding);
   * `yield()` never yields. Runtime, task counts and stalls are still recorded.
   */
  bypass?: boolean;
}

/** Options of {@link CpuScheduler.createGroup}. */
export interface SchedulingGroupOptions {
  /** Queued entries beyond which `run()` rejects with SCHED_QUEUE_FULL. */
  maxQueueLength?: number;
}

/** Seastar's task quota: 0.5 ms of run-queue work between event-loop polls. */
export const DEFAULT_TASK_QUOTA_MS = 0.5;
/** Seastar's default `blocked-reactor-notify-ms`. */
export const DEFAULT_STALL_THRESHOLD_MS = 25;
export const DEFAULT_STALL_LOG_INTERVAL_MS = 10_000;
export const DEFAULT_MAX_QUEUE_LENGTH = 10_000;
/** Shares are 1..1000 as in Seastar's scheduling groups. */
export const MIN_SHARES = 1;
export const MAX_SHARES = 1000;
/** Scheduling groups per scheduler (Seastar allows 16; a handful are used). */
export const MAX_GROUPS = 64;
/**
 * Vruntime normalisation: a group with `shares` shares advances its vruntime by
 * `runtimeMs × SHARES_SCALE / shares`, so a 1000-share group's vruntime moves at wall speed.
 */
export const SHARES_SCALE = 1000;

/** Stable `code`s of the scheduler's CharybdisErrors. */
export const SchedErrorCode = {
  /** run() on a group whose queue is at its bound; callers turn it into Overloaded. */
  queueFull: 'SCHED_QUEUE_FULL',
  /** run()/yield() after stop(). */
  stopped: 'SCHED_STOPPED',
  /** Shares outside 1..1000 or not a finite number. */
  invalidShares: 'SCHED_INVALID_SHARES',
  /** Bad scheduler or group option (quota, thresholds, bounds, name). */
  invalidOption: 'SCHED_INVALID_OPTION',
  /** createGroup with a name already in use. */
  duplicateGroup: 'SCHED_DUPLICATE_GROUP',
  /** More than MAX_GROUPS groups. */
  tooManyGroups: 'SCHED_TOO_MANY_GROUPS',
} as const;
