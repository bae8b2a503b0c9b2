/**
 * Options, defaults and built-in classes of the I/O queue. Plain data and types only; the
 * queue itself is in io-queue.ts.
 */
import type { MetricsRegistry } from '../../metrics';
import type { IoDiskProperties } from './io-properties';

/** Time source of an I/O queue: milliseconds with sub-millisecond precision. */
export interface IoQueueClock {
  now(): number;
}

/**
 * Runs `pump` later, once (default `queueMicrotask`): the queue coalesces the requests
 * submitted and the completions reported in one synchronous run into a single fair
 * dispatch pass. Tests inject a fake they step by hand.
 */
export type ScheduleDispatch = (pump: () => void) => void;

/** One I/O class: a name, its shares (1..1000), optionally its own queue bound. */
export interface IoClassDefinition {
  readonly name: string;
  readonly shares: number;
  readonly maxQueueLength?: number;
}

/** Names of the built-in I/O classes (DESIGN.md §3). */
export const IoClassName = {
  /** Commitlog appends and syncs: a client write waits for them. */
  commitlog: 'commitlog',
  /** Reads serving CQL queries (SSTable data and index pages). */
  query: 'query',
  /** Writing a memtable out as an SSTable. */
  memtableFlush: 'memtable_flush',
  /** Reading and writing SSTables being compacted. */
  compaction: 'compaction',
  /** Streaming to and from other nodes (bootstrap, decommission, repair). */
  streaming: 'streaming',
} as const;

/** One of the built-in class names. */
export type IoClassNameValue = (typeof IoClassName)[keyof typeof IoClassName];

/**
 * The classes every I/O queue starts with, with ScyllaDB's static shares (and the CPU
 * scheduling groups' ones): 1000 for everything but streaming, 200. Flush and compaction
 * shares are meant to be moved at run time by backlog controllers (`setShares`).
 */
export const DEFAULT_IO_CLASSES: readonly IoClassDefinition[] = Object.freeze([
  { name: IoClassName.commitlog, shares: 1000 },
  { name: IoClassName.query, shares: 1000 },
  { name: IoClassName.memtableFlush, shares: 1000 },
  { name: IoClassName.compaction, shares: 1000 },
  { name: IoClassName.streaming, shares: 200 },
]);

/** Default bound on each class's queued requests. */
export const DEFAULT_IO_MAX_QUEUE_LENGTH = 10_000;
/**
 * Default bound on requests in the device, whatever their cost: the io_uring submission
 * queue is finite, and tiny requests on a fast disk would otherwise fill hundreds of slots.
 */
export const DEFAULT_IO_MAX_IN_FLIGHT_REQUESTS = 256;

/**
 * Default headroom of an idle class, as a fraction of the window: one request of a class
 * with nothing in flight may exceed a full window by this much, or by the cost of one
 * 4 KiB read if that is more (README.md, "Headroom for idle classes"). With the default
 * 1 ms window, five classes could add at most 1.25 ms to the device.
 */
export const DEFAULT_IO_IDLE_CLASS_HEADROOM_FRACTION = 0.25;

/** Options of {@link IoQueue}. */
export interface IoQueueOptions {
  /** The device model (`diskForDirectory(...)`); default {@link DEFAULT_IO_DISK}. */
  disk?: IoDiskProperties;
  /** Device time the requests in flight may add up to, ms; default 1 (see README.md). */
  latencyGoalMs?: number;
  /** Bound on requests in flight; default {@link DEFAULT_IO_MAX_IN_FLIGHT_REQUESTS}. */
  maxInFlightRequests?: number;
  /** Default bound on each class's queue; default {@link DEFAULT_IO_MAX_QUEUE_LENGTH}. */
  maxQueueLength?: number;
  /** The classes to create; default {@link DEFAULT_IO_CLASSES}. More with `createClass`. */
  classes?: readonly IoClassDefinition[];
  /**
   * Device time a class waking up from idle may dispatch ahead of the busy classes, µs;
   * default one latency goal (`latencyGoalMs × 1000`).
   */
  idleCreditUs?: number;
  /**
   * Device time by which one request of a class with nothing in flight may exceed a full
   * window, µs; default {@link DEFAULT_IO_IDLE_CLASS_HEADROOM_FRACTION} of the window, and
   * at least the cost of a 4 KiB read; 0 turns it off.
   */
  idleClassHeadroomUs?: number;
  /** Per-class metrics are registered here when given (label `mountpoint` = `name`). */
  metrics?: MetricsRegistry;
  /** Label of this queue in metrics; default the disk's mountpoints joined with `:`. */
  name?: string;
  /** Default: `performance.now()`. */
  clock?: IoQueueClock;
  /** Default: `queueMicrotask`. */
  scheduleDispatch?: ScheduleDispatch;
  /**
   * Benchmark-only baseline: every request is dispatched at once, in `submit()`, with no
   * queueing, no fairness and no in-flight bound. Counters and latencies are still kept.
   */
  bypass?: boolean;
}
