import { CharybdisError } from '../../errors';
import { Fifo } from '../../smp/fifo';
import type { CapacityLimiter } from './capacity-limiter';
import { IoQueueErrorCode } from './io-queue-errors';

/** What the fair queue needs of an entry: its cost, a finite number > 0, fixed once enqueued. */
export interface FairQueueEntry {
  readonly cost: number;
}

/** A class's index in its fair queue, returned by {@link FairQueue.addClass}. */
export type FairQueueClassId = number;

/** Called for each entry the fair queue hands out, with the class it came from. */
export type FairQueueDispatchHandler<E> = (entry: E, classId: FairQueueClassId) => void;

/** Options of {@link FairQueue}. */
export interface FairQueueOptions {
  /** Decides whether the picked entry may start (e.g. an {@link InFlightLimiter}). */
  limiter: CapacityLimiter;
  /** Default bound on each class's queued entries; default {@link DEFAULT_FAIR_QUEUE_MAX_QUEUE_LENGTH}. */
  maxQueueLength?: number;
  /**
   * Raw cost a class that becomes active again may be ahead of the busiest class, i.e. how
   * much it may dispatch before the others get a turn (see README.md, "Idle classes");
   * default 0. Bounded so an idle class cannot bank credit.
   */
  idleCredit?: number;
  /** Most classes; default {@link FAIR_QUEUE_MAX_CLASSES}. */
  maxClasses?: number;
}

/** Options of {@link FairQueue.addClass}. */
export interface FairQueueClassOptions {
  /** Bound on this class's queued entries (overrides the queue's default). */
  maxQueueLength?: number;
}

/** Plain-data snapshot of one class of a fair queue. */
export interface FairQueueClassStats {
  name: string;
  shares: number;
  /** Entries waiting in the class's FIFO, and their total cost. */
  queueLength: number;
  queuedCost: number;
  maxQueueLength: number;
  /** Cost dispatched so far divided by shares (plus idle clamping): what picks the next class. */
  accumulated: number;
  /** Entries handed out, and their total raw cost. */
  dispatched: number;
  dispatchedCost: number;
  /** Times the class went from nothing queued to something queued. */
  activations: number;
  /** `enqueue()` calls refused because the class's queue was full. */
  rejected: number;
  /** Entries handed out and not yet completed. */
  inFlight: number;
}

/** Plain-data snapshot of a fair queue. */
export interface FairQueueStats {
  /** The accumulated value of the last class picked (monotonic between renormalisations). */
  virtualTime: number;
  /** Entries handed out and not yet completed, and their total cost. */
  inFlight: number;
  inFlightCost: number;
  /** Entries queued over all classes. */
  queued: number;
  classes: FairQueueClassStats[];
}

/** Shares are 1..1000, as the CPU scheduler's scheduling groups. */
export const FAIR_QUEUE_MIN_SHARES = 1;
export const FAIR_QUEUE_MAX_SHARES = 1000;
/** Default bound on a class's queued entries. */
export const DEFAULT_FAIR_QUEUE_MAX_QUEUE_LENGTH = 10_000;
/** Default bound on classes per fair queue (a handful are used; Seastar allows 16 scheduling groups). */
export const FAIR_QUEUE_MAX_CLASSES = 64;
/**
 * When the virtual time passes this, every class's accumulated value is shifted down by it,
 * so that the per-entry increments (cost / shares, often well below 1) never become small
 * against the accumulated values and lose precision.
 */
export const FAIR_QUEUE_RENORMALIZE_THRESHOLD = 2 ** 20;

interface ClassState<E> {
  readonly id: FairQueueClassId;
  readonly name: string;
  readonly maxQueueLength: number;
  readonly queue: Fifo<E>;
  shares: number;
  queuedCost: number;
  accumulated: number;
  dispatched: number;
  dispatchedCost: number;
  activations: number;
  rejected: number;
  /** Entries of this class handed out and not yet completed. */
  inFlight: number;
}

/**
 * A generic weighted fair queue (Seastar's `fair_queue`): classes with shares, each a
 * bounded FIFO of entries carrying a cost. `dispatch()` repeatedly picks the class with
 * the least accumulated cost / shares among those with queued entries and hands out the
 * head of its FIFO, as long as the {@link CapacityLimiter} admits it; `complete()` gives
 * the entry's capacity back. Busy classes therefore receive dispatched cost in proportion
 * to their shares. A class that becomes active again is clamped to the others'
 * accumulated value minus a bounded credit, so being idle banks nothing.
 *
 * It knows nothing of disks: the I/O queue computes costs from its disk model and picks
 * the limiter. The owner decides when to call `dispatch()` (after enqueueing, after a
 * completion). See README.md for the math.
 *
 * Thread: one instance per owner on one shard's thread; nothing here is shared.
 */
export class FairQueue<E extends FairQueueEntry> {
  readonly maxQueueLength: number;
  readonly idleCredit: number;
  readonly maxClasses: number;
  readonly #limiter: CapacityLimiter;
  readonly #classes: ClassState<E>[] = [];
  readonly #byName = new Map<string, ClassState<E>>();
  #virtualTime = 0;
  #inFlight = 0;
  #inFlightCost = 0;
  #queued = 0;
  #dispatching = false;

  constructor(options: FairQueueOptions) {
    this.#limiter = options.limiter;
    this.maxQueueLength = positiveInt('maxQueueLength', options.maxQueueLength ?? DEFAULT_FAIR_QUEUE_MAX_QUEUE_LENGTH);
    this.maxClasses = positiveInt('maxClasses', options.maxClasses ?? FAIR_QUEUE_MAX_CLASSES);
    const idleCredit = options.idleCredit ?? 0;
    if (typeof idleCredit !== 'number' || !Number.isFinite(idleCredit) || idleCredit < 0) {
      throw new CharybdisError(IoQueueErrorCode.invalidOption, `FairQueue: idleCredit must be a number >= 0, got ${String(idleCredit)}`);
    }
    this.idleCredit = idleCredit;
  }

  /**
   * Adds a class with `shares` (1..1000) and returns its id. Names are unique. A new class
   * starts at the current virtual time: it neither owes nor is owed anything.
   */
  addClass(name: string, shares: number, options: FairQueueClassOptions = {}): FairQueueClassId {
    if (typeof name !== 'string' || name.length === 0) {
      throw new CharybdisError(IoQueueErrorCode.invalidOption, 'FairQueue: class name must be a non-empty string');
    }
    if (this.#byName.has(name)) throw new CharybdisError(IoQueueErrorCode.duplicateClass, `FairQueue: class ${name} already exists`);
    if (this.#classes.length >= this.maxClasses) {
      throw new CharybdisError(IoQueueErrorCode.tooManyClasses, `FairQueue: at most ${this.maxClasses} classes`);
    }
    const state: ClassState<E> = {
      id: this.#classes.length,
      name,
      maxQueueLength: positiveInt('maxQueueLength', options.maxQueueLength ?? this.maxQueueLength),
      queue: new Fifo<E>(),
      shares: checkShares(name, shares),
      queuedCost: 0,
      accumulated: this.#virtualTime,
      dispatched: 0,
      dispatchedCost: 0,
      activations: 0,
      rejected: 0,
      inFlight: 0,
    };
    this.#classes.push(state);
    this.#byName.set(name, state);
    return state.id;
  }

  /** The id of the class called `name`, if any. */
  classId(name: string): FairQueueClassId | undefined {
    return this.#byName.get(name)?.id;
  }

  /** Number of classes. */
  get classCount(): number {
    return this.#classes.length;
  }

  /**
   * Changes a class's shares (1..1000). Takes effect for entries dispatched from now on;
   * what the class accumulated so far keeps its weight (as in Seastar).
   */
  setShares(classId: FairQueueClassId, shares: number): void {
    const state = this.#state(classId);
    state.shares = checkShares(state.name, shares);
  }

  /** The class's current shares. */
  shares(classId: FairQueueClassId): number {
    return this.#state(classId).shares;
  }

  /** Entries queued in one class. */
  queueLength(classId: FairQueueClassId): number {
    return this.#state(classId).queue.length;
  }

  /** True when the class holds its bound of queued entries: `enqueue()` would throw IO_QUEUE_FULL. */
  isFull(classId: FairQueueClassId): boolean {
    const state = this.#state(classId);
    return state.queue.length >= state.maxQueueLength;
  }

  /** Entries queued over all classes. */
  get queued(): number {
    return this.#queued;
  }

  /** Entries dispatched and not yet completed. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Total cost of the entries dispatched and not yet completed. */
  get inFlightCost(): number {
    return this.#inFlightCost;
  }

  /**
   * Queues `entry` at the tail of its class's FIFO. Throws IO_QUEUE_FULL (counted in the
   * class's `rejected`) when the class holds `maxQueueLength` entries, IO_INVALID_REQUEST
   * unless the cost is a finite number > 0, IO_UNKNOWN_CLASS for a bad id. Does not
   * dispatch: the owner calls `dispatch()`.
   */
  enqueue(classId: FairQueueClassId, entry: E): void {
    const state = this.#state(classId);
    const cost = entry.cost;
    if (typeof cost !== 'number' || !Number.isFinite(cost) || cost <= 0) {
      throw new CharybdisError(IoQueueErrorCode.invalidRequest, `FairQueue: entry cost must be a finite number > 0, got ${String(cost)}`);
    }
    if (state.queue.length >= state.maxQueueLength) {
      state.rejected++;
      throw new CharybdisError(
        IoQueueErrorCode.queueFull,
        `class ${state.name}: queue is full (${state.maxQueueLength} requests)`,
      );
    }
    if (state.queue.length === 0) this.#activate(state);
    state.queue.push(entry);
    state.queuedCost += cost;
    this.#queued++;
  }

  /**
   * Hands out entries, least accumulated cost / shares first, while the limiter admits the
   * picked class's head entry; returns how many were handed out. Stops at the first entry
   * the limiter refuses rather than skipping it for a cheaper one (which would starve large
   * entries). `handler` runs synchronously for each entry, after the queue's state is
   * updated; if it throws, dispatching stops and the error propagates (the entry counts as
   * in flight until `complete()`). A call made from inside `handler` returns 0 at once: the
   * running loop sees whatever was enqueued meanwhile.
   */
  dispatch(handler: FairQueueDispatchHandler<E>): number {
    if (this.#dispatching) return 0;
    this.#dispatching = true;
    let count = 0;
    try {
      for (;;) {
        const state = this.#pick();
        if (state === null) break;
        const entry = state.queue.peek() as E; // #pick only returns classes with queued entries
        if (!this.#limiter.tryAcquire(entry.cost, state.inFlight)) break;
        this.#take(state, entry);
        count++;
        handler(entry, state.id);
      }
    } finally {
      this.#dispatching = false;
    }
    return count;
  }

  /**
   * Reports a dispatched entry of class `classId` finished (successfully or not) and gives
   * its capacity back to the limiter. Throws IO_NOT_IN_FLIGHT when nothing of that class is
   * in flight (a double completion). Does not dispatch: the owner calls `dispatch()` next.
   */
  complete(entry: E, classId: FairQueueClassId): void {
    const state = this.#state(classId);
    if (state.inFlight === 0) {
      throw new CharybdisError(IoQueueErrorCode.notInFlight, `FairQueue: complete() with no entry of class ${state.name} in flight`);
    }
    state.inFlight--;
    this.#inFlight--;
    this.#inFlightCost = this.#inFlight === 0 ? 0 : Math.max(0, this.#inFlightCost - entry.cost);
    this.#limiter.release(entry.cost);
  }

  /** Removes every queued entry of every class and returns them (for the owner's stop). */
  clear(): E[] {
    const out: E[] = [];
    for (const state of this.#classes) {
      for (const entry of state.queue.clear()) out.push(entry);
      state.queuedCost = 0;
    }
    this.#queued = 0;
    return out;
  }

  /** Plain-data snapshot of one class. */
  classStats(classId: FairQueueClassId): FairQueueClassStats {
    const s = this.#state(classId);
    return {
      name: s.name,
      shares: s.shares,
      queueLength: s.queue.length,
      queuedCost: s.queuedCost,
      maxQueueLength: s.maxQueueLength,
      accumulated: s.accumulated,
      dispatched: s.dispatched,
      dispatchedCost: s.dispatchedCost,
      activations: s.activations,
      rejected: s.rejected,
      inFlight: s.inFlight,
    };
  }

  /** Plain-data snapshot of the queue and every class, in creation order. */
  stats(): FairQueueStats {
    return {
      virtualTime: this.#virtualTime,
      inFlight: this.#inFlight,
      inFlightCost: this.#inFlightCost,
      queued: this.#queued,
      classes: this.#classes.map((s) => this.classStats(s.id)),
    };
  }

  #state(classId: FairQueueClassId): ClassState<E> {
    const state = this.#classes[classId];
    if (state === undefined) throw new CharybdisError(IoQueueErrorCode.unknownClass, `FairQueue: no class with id ${String(classId)}`);
    return state;
  }

  /**
   * A class with nothing queued gets an entry. Its accumulated value is raised to at least
   * `virtualTime − idleCredit / shares`: it may get ahead of the busy classes by at most
   * `idleCredit` of raw cost, however long it was idle.
   */
  #activate(state: ClassState<E>): void {
    const floor = this.#virtualTime - this.idleCredit / state.shares;
    if (state.accumulated < floor) state.accumulated = floor;
    state.activations++;
  }

  /** The class with queued entries and the least accumulated value (ties: creation order). */
  #pick(): ClassState<E> | null {
    let best: ClassState<E> | null = null;
    for (const state of this.#classes) {
      if (state.queue.length > 0 && (best === null || state.accumulated < best.accumulated)) best = state;
    }
    return best;
  }

  /** Pops `entry` (the head of `state`) and charges it to the class. */
  #take(state: ClassState<E>, entry: E): void {
    state.queue.shift();
    this.#queued--;
    state.queuedCost = state.queue.length === 0 ? 0 : state.queuedCost - entry.cost;
    if (state.accumulated > this.#virtualTime) this.#virtualTime = state.accumulated;
    state.accumulated += entry.cost / state.shares;
    state.dispatched++;
    state.dispatchedCost += entry.cost;
    state.inFlight++;
    this.#inFlight++;
    this.#inFlightCost += entry.cost;
    if (this.#virtualTime > FAIR_QUEUE_RENORMALIZE_THRESHOLD) this.#renormalize();
  }

  /**
   * Shifts every accumulated value down by the virtual time. Order between classes is
   * unchanged; idle classes are clamped now to where activation would put them anyway, so
   * their values stay bounded.
   */
  #renormalize(): void {
    const base = this.#virtualTime;
    for (const state of this.#classes) {
      state.accumulated -= base;
      if (state.queue.length === 0) state.accumulated = Math.max(state.accumulated, -this.idleCredit / state.shares);
    }
    this.#virtualTime = 0;
  }
}

/** Returns `shares` if it is a number in 1..1000, else throws IO_INVALID_SHARES. */
export function checkShares(className: string, shares: number): number {
  if (typeof shares !== 'number' || !Number.isFinite(shares) || shares < FAIR_QUEUE_MIN_SHARES || shares > FAIR_QUEUE_MAX_SHARES) {
    throw new CharybdisError(
      IoQueueErrorCode.invalidShares,
      `class ${className}: shares must be a number in ${FAIR_QUEUE_MIN_SHARES}..${FAIR_QUEUE_MAX_SHARES}, got ${String(shares)}`,
    );
  }
  return shares;
}

function positiveInt(name: string, value: number): number {
  if (!(Number.isSafeInteger(value) && value > 0)) {
    throw new CharybdisError(IoQueueErrorCode.invalidOption, `FairQueue: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
