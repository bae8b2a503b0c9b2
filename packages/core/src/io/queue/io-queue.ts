import { CharybdisError } from '../../errors';
import type { FairQueueClassId, FairQueueEntry } from './fair-queue';
import { FairQueue } from './fair-queue';
import { InFlightLimiter } from './in-flight-limiter';
import type { IoClassStats } from './io-class-state';
import { IoClassState } from './io-class-state';
import type { IoQueueRequestKind, IoQueueRequest } from './io-cost-model';
import { IoCostModel, requestProblem } from './io-cost-model';
import { DEFAULT_IO_DISK } from './io-properties';
import type { IoClassDefinition, IoQueueClock, IoQueueOptions, ScheduleDispatch } from './io-queue-options';
import {
  DEFAULT_IO_CLASSES,
  DEFAULT_IO_IDLE_CLASS_HEADROOM_FRACTION,
  DEFAULT_IO_MAX_IN_FLIGHT_REQUESTS,
  DEFAULT_IO_MAX_QUEUE_LENGTH,
} from './io-queue-options';
import { IoQueueErrorCode } from './io-queue-errors';
import { IoQueueMetrics } from './io-queue-metrics';

/** Plain-data snapshot of an I/O queue (`ioQueue.stats()`). */
export interface IoQueueStats {
  /** The metrics label of this queue (by default the disk's mountpoints). */
  name: string;
  /** True when the disk model is the built-in default, not a measurement. */
  diskIsDefault: boolean;
  bypass: boolean;
  latencyGoalMs: number;
  /** The in-flight window: total modelled device time, µs, and number of requests. */
  maxInFlightCostUs: number;
  maxInFlightRequests: number;
  /** How far one request of a class with nothing in flight may exceed a full window, µs. */
  idleClassHeadroomUs: number;
  /** What is in the device now. */
  inFlightRequests: number;
  inFlightCostUs: number;
  /** Requests waiting in all class queues. */
  queuedRequests: number;
  classes: IoClassStats[];
}

/** Options of {@link IoQueue.stop}. */
export interface IoQueueStopOptions {
  /** Reject queued requests with IO_QUEUE_STOPPED instead of dispatching them (default false). */
  abortQueued?: boolean;
}

/** Options of {@link IoQueue.createClass}. */
export interface IoClassOptions {
  /** Bound on this class's queued requests (default: the queue's `maxQueueLength`). */
  maxQueueLength?: number;
}

/** One submitted request, from `submit()` to its completion. */
interface IoEntry extends FairQueueEntry {
  readonly cost: number;
  readonly cls: IoClassState;
  readonly kind: IoQueueRequestKind;
  readonly sizeBytes: number;
  readonly dispatch: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
  readonly submittedAtMs: number;
}

type Lifecycle = 'open' | 'stopping' | 'stopped';

/**
 * The I/O scheduler of one shard for one disk (Seastar's `io_queue`). Every disk request
 * goes through `submit(className, request, dispatch)`: the request is charged a cost from
 * the disk model ({@link IoCostModel}: modelled device time), queued in its class, and
 * `dispatch` — the function that really performs the I/O — is called when the
 * {@link FairQueue} picks it and the device has room: the total cost in flight stays
 * within one latency goal of device time, so a new high-priority request never waits
 * behind a deep device queue, only behind the current window.
 *
 * The promise `submit` returns settles as `dispatch`'s promise does, with the same value
 * or the same error, unchanged. Whatever happens, the request's capacity is returned when
 * that promise settles and the queue keeps serving. `dispatch` must settle eventually
 * (timeouts belong to the backend): a request that never completes holds its share of the
 * window forever.
 *
 * Thread: one instance per shard and disk, constructed in and used only by that shard's
 * worker thread. Nothing here is shared across threads. See README.md for the design.
 */
export class IoQueue {
  readonly model: IoCostModel;
  readonly bypass: boolean;
  readonly name: string;
  readonly maxInFlightRequests: number;
  readonly idleClassHeadroomUs: number;
  readonly #fq: FairQueue<IoEntry>;
  readonly #classes = new Map<string, IoClassState>();
  readonly #classList: IoClassState[] = [];
  readonly #clock: IoQueueClock;
  readonly #scheduleDispatch: ScheduleDispatch;
  readonly #metrics: IoQueueMetrics | undefined;
  #pumpScheduled = false;
  #inFlightRequests = 0;
  #inFlightCostUs = 0;
  #lifecycle: Lifecycle = 'open';
  #stopped: Promise<void> | null = null;
  #resolveStopped: (() => void) | null = null;

  constructor(options: IoQueueOptions = {}) {
    const disk = options.disk ?? DEFAULT_IO_DISK;
    this.model = new IoCostModel(disk, options.latencyGoalMs);
    this.bypass = options.bypass ?? false;
    this.name = options.name ?? disk.mountpoints.join(':');
    this.maxInFlightRequests = options.maxInFlightRequests ?? DEFAULT_IO_MAX_IN_FLIGHT_REQUESTS;
    const idleCreditUs = options.idleCreditUs ?? this.model.maxInFlightCostUs;
    this.idleClassHeadroomUs =
      options.idleClassHeadroomUs ??
      Math.max(
        this.model.maxInFlightCostUs * DEFAULT_IO_IDLE_CLASS_HEADROOM_FRACTION,
        this.model.costUs({ kind: 'read', sizeBytes: 4096 }),
      );
    this.#fq = new FairQueue<IoEntry>({
      limiter: new InFlightLimiter({
        maxCost: this.model.maxInFlightCostUs,
        maxEntries: this.maxInFlightRequests,
        idleClassHeadroom: this.idleClassHeadroomUs,
      }),
      maxQueueLength: options.maxQueueLength ?? DEFAULT_IO_MAX_QUEUE_LENGTH,
      idleCredit: idleCreditUs,
    });
    this.#clock = options.clock ?? { now: () => performance.now() };
    this.#scheduleDispatch = options.scheduleDispatch ?? queueMicrotask;
    this.#metrics = options.metrics === undefined ? undefined : new IoQueueMetrics(options.metrics, this.name);
    for (const def of options.classes ?? DEFAULT_IO_CLASSES) this.#addClass(def);
  }

  /**
   * Adds a user-defined class with `shares` (1..1000); IO_DUPLICATE_CLASS if the name is
   * taken, IO_TOO_MANY_CLASSES past 64 classes. A new class starts level with the busy
   * ones: it neither owes nor is owed device time.
   */
  createClass(name: string, shares: number, options: IoClassOptions = {}): void {
    this.#addClass({ name, shares, ...options });
  }

  /** True if a class called `name` exists. */
  hasClass(name: string): boolean {
    return this.#classes.has(name);
  }

  /**
   * Changes a class's shares (1..1000) at run time, e.g. from a backlog controller. Applies
   * to requests dispatched from now on. IO_UNKNOWN_CLASS, IO_INVALID_SHARES.
   */
  setShares(className: string, shares: number): void {
    this.#fq.setShares(this.#class(className).fqClass, shares);
  }

  /** A class's current shares (IO_UNKNOWN_CLASS if there is none). */
  shares(className: string): number {
    return this.#fq.shares(this.#class(className).fqClass);
  }

  /** The modelled device time of `request`, µs (IO_INVALID_REQUEST if malformed). */
  costUs(request: IoQueueRequest): number {
    return this.model.costUs(request);
  }

  /** The largest request of `kind` that fits the in-flight window; callers should split larger I/O. */
  maxRequestSizeBytes(kind: IoQueueRequestKind): number {
    return this.model.maxRequestSizeBytes(kind);
  }

  /**
   * Queues a disk request of class `className` and resolves or rejects as `dispatch`'s
   * promise does once the queue has admitted and run it. Rejects (without calling
   * `dispatch`) with IO_UNKNOWN_CLASS, IO_INVALID_REQUEST (see {@link IoQueueRequest}),
   * IO_QUEUE_FULL when the class already holds its bound of queued requests (shed load,
   * do not retry in a loop), IO_QUEUE_STOPPED after `stop()`.
   *
   * `dispatch` is never called synchronously from `submit` (except in bypass mode), so
   * the requests submitted in one synchronous run are ordered by the fair queue, not by
   * arrival. A synchronous throw from `dispatch` counts as a rejection.
   */
  submit<T>(className: string, request: IoQueueRequest, dispatch: () => Promise<T>): Promise<T> {
    if (this.#lifecycle !== 'open') return Promise.reject(stoppedError(className));
    const cls = this.#classes.get(className);
    if (cls === undefined) return Promise.reject(unknownClassError(className));
    const problem = requestProblem(request);
    if (problem !== undefined) return Promise.reject(new CharybdisError(IoQueueErrorCode.invalidRequest, `class ${className}: ${problem}`));
    if (typeof dispatch !== 'function') {
      return Promise.reject(new CharybdisError(IoQueueErrorCode.invalidRequest, `class ${className}: dispatch must be a function`));
    }
    if (!this.bypass && this.#fq.isFull(cls.fqClass)) {
      cls.onRejected();
      return Promise.reject(
        new CharybdisError(IoQueueErrorCode.queueFull, `I/O class ${className}: queue is full (${this.#fq.classStats(cls.fqClass).maxQueueLength} requests)`),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const entry: IoEntry = {
        cost: this.model.costOfUs(request.kind, request.sizeBytes),
        cls,
        kind: request.kind,
        sizeBytes: request.sizeBytes,
        dispatch,
        resolve: resolve as (value: unknown) => void,
        reject,
        submittedAtMs: this.#clock.now(),
      };
      if (this.bypass) {
        this.#start(entry);
        return;
      }
      this.#fq.enqueue(cls.fqClass, entry); // cannot throw: class, cost and room were checked above
      this.#kick();
    });
  }

  /**
   * Stops accepting requests: `submit()` rejects with IO_QUEUE_STOPPED from now on.
   * Resolves once nothing is queued or in flight: queued requests are still dispatched
   * (default) or rejected with IO_QUEUE_STOPPED (`abortQueued`); requests in the device
   * are waited for (they cannot be recalled).
   */
  stop(options: IoQueueStopOptions = {}): Promise<void> {
    if (this.#lifecycle === 'open') this.#lifecycle = 'stopping';
    if (options.abortQueued === true) {
      for (const entry of this.#fq.clear()) entry.reject(stoppedError(entry.cls.name));
    }
    if (this.#stopped === null) {
      this.#stopped = new Promise<void>((resolve) => {
        this.#resolveStopped = resolve;
      });
    }
    this.#maybeFinishStop();
    return this.#stopped;
  }

  /** Plain-data snapshot of one class (IO_UNKNOWN_CLASS if there is none). */
  classStats(className: string): IoClassStats {
    return this.#classStats(this.#class(className));
  }

  /** Plain-data snapshot of the queue and every class, in creation order. */
  stats(): IoQueueStats {
    return {
      name: this.name,
      diskIsDefault: this.model.disk.isDefault,
      bypass: this.bypass,
      latencyGoalMs: this.model.latencyGoalMs,
      maxInFlightCostUs: this.model.maxInFlightCostUs,
      idleClassHeadroomUs: this.idleClassHeadroomUs,
      maxInFlightRequests: this.maxInFlightRequests,
      inFlightRequests: this.#inFlightRequests,
      inFlightCostUs: this.#inFlightCostUs,
      queuedRequests: this.#fq.queued,
      classes: this.#classList.map((c) => this.#classStats(c)),
    };
  }

  #addClass(def: IoClassDefinition): void {
    const fqClass: FairQueueClassId = this.#fq.addClass(
      def.name,
      def.shares,
      def.maxQueueLength === undefined ? {} : { maxQueueLength: def.maxQueueLength },
    );
    const state = new IoClassState(def.name, fqClass);
    state.metrics = this.#metrics?.forClass(def.name, {
      queueLength: () => this.#fq.queueLength(fqClass),
      inFlight: () => state.inFlight,
      shares: () => this.#fq.shares(fqClass),
    });
    this.#classes.set(def.name, state);
    this.#classList.push(state);
  }

  #class(className: string): IoClassState {
    const cls = this.#classes.get(className);
    if (cls === undefined) throw unknownClassError(className);
    return cls;
  }

  /** Asks for one dispatch pass, unless one is already pending or nothing is queued. */
  #kick(): void {
    if (this.#pumpScheduled || this.#fq.queued === 0) return;
    this.#pumpScheduled = true;
    this.#scheduleDispatch(this.#pump);
  }

  readonly #pump = (): void => {
    this.#pumpScheduled = false;
    this.#fq.dispatch(this.#onAdmitted);
  };

  readonly #onAdmitted = (entry: IoEntry): void => {
    this.#start(entry);
  };

  /** The request enters the device: count it, call its dispatch, watch its promise. */
  #start(entry: IoEntry): void {
    const nowMs = this.#clock.now();
    entry.cls.onDispatch(entry.kind, entry.sizeBytes, entry.cost, nowMs - entry.submittedAtMs);
    this.#inFlightRequests++;
    this.#inFlightCostUs += entry.cost;
    let pending: unknown;
    try {
      pending = entry.dispatch();
    } catch (err) {
      this.#finish(entry, true, err); // a synchronous throw is a failed request like any other
      return;
    }
    void Promise.resolve(pending).then(
      (value) => this.#finish(entry, false, value),
      (err: unknown) => this.#finish(entry, true, err),
    );
  }

  /** The request left the device: give its capacity back, settle the caller, dispatch more. */
  #finish(entry: IoEntry, failed: boolean, outcome: unknown): void {
    if (!this.bypass) this.#fq.complete(entry, entry.cls.fqClass);
    this.#inFlightRequests--;
    this.#inFlightCostUs = this.#inFlightRequests === 0 ? 0 : Math.max(0, this.#inFlightCostUs - entry.cost);
    entry.cls.onComplete(this.#clock.now() - entry.submittedAtMs, failed);
    if (failed) entry.reject(outcome);
    else entry.resolve(outcome);
    this.#kick();
    this.#maybeFinishStop();
  }

  #classStats(cls: IoClassState): IoClassStats {
    const fq = this.#fq.classStats(cls.fqClass);
    return {
      name: cls.name,
      shares: fq.shares,
      queueLength: fq.queueLength,
      maxQueueLength: fq.maxQueueLength,
      inFlight: cls.inFlight,
      readRequests: cls.readRequests,
      writeRequests: cls.writeRequests,
      readBytes: cls.readBytes,
      writeBytes: cls.writeBytes,
      dispatchedCostUs: cls.dispatchedCostUs,
      completed: cls.completed,
      errors: cls.errors,
      rejected: cls.rejected,
      accumulated: fq.accumulated,
      waitMsTotal: cls.waits.totalMs,
      waitMsMax: cls.waits.max,
      waitMsP50: cls.waits.quantileMs(0.5),
      waitMsP99: cls.waits.quantileMs(0.99),
      latencyMsMax: cls.latencies.max,
      latencyMsP50: cls.latencies.quantileMs(0.5),
      latencyMsP99: cls.latencies.quantileMs(0.99),
    };
  }

  #maybeFinishStop(): void {
    if (this.#lifecycle !== 'stopping' || this.#fq.queued > 0 || this.#inFlightRequests > 0) return;
    this.#lifecycle = 'stopped';
    this.#resolveStopped?.();
  }
}

function stoppedError(className: string): CharybdisError {
  return new CharybdisError(IoQueueErrorCode.stopped, `I/O queue is stopped (class ${className})`);
}

function unknownClassError(className: string): CharybdisError {
  return new CharybdisError(IoQueueErrorCode.unknownClass, `no I/O class called ${String(className)}`);
}
