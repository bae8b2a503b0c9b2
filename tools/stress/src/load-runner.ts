import { FixedRateSchedule } from './fixed-rate-schedule';
import type { OpKind } from './options';
import type { IntervalSnapshot } from './phase-stats';
import { PhaseStats } from './phase-stats';
import { errorMessage } from './stress-error';

const NS_PER_MS = 1e6;
/**
 * Closed loop: a slot whose request failed waits this long before its next one. Without
 * it, a down node (requests fail at once) spins the loop on microtasks at full CPU and
 * starves the timers (progress lines, the duration).
 */
export const ERROR_BACKOFF_MS = 10;

/** Time and timers, so tests can run the scheduler on a fake clock. `now` is in ms (fractions allowed). */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Called once per operation with the driver's error, or null and the result. */
export type OpDone = (err: unknown, result?: { rowLength: number }) => void;

/** What actually performs an operation (the CQL workload; a double in unit tests). */
export interface OpExecutor {
  /** Starts one operation on row `row`; calls `done` exactly once, never synchronously. */
  execute(kind: OpKind, row: number, done: OpDone): void;
  /** A short stable name for an error (e.g. writeTimeout, OperationTimedOutError). */
  errorKind(err: unknown): string;
}

/** How the runner shapes the load. */
export interface RunnerConfig {
  executor: OpExecutor;
  clock: Clock;
  /** The next operation's kind (mixed workloads draw it from the ratio). */
  nextKind: () => OpKind;
  /** The next operation's row. */
  nextRow: () => number;
  /** Closed loop: requests kept in flight. Fixed rate: the most outstanding at once. */
  maxInFlight: number;
  /** Fixed-rate mode when set. */
  ratePerSec?: number;
  /** Stop once more than this many operations failed in a phase. */
  maxErrors?: number;
  intervalMs: number;
  /** Called at the end of every interval of a phase (not for the last, partial one). */
  onInterval?: (phase: string, snap: IntervalSnapshot, timing: IntervalTiming) => void;
}

/** When an interval ended, for the progress line. */
export interface IntervalTiming {
  /** Since the phase started. */
  elapsedMs: number;
  /** Length of this interval (timers fire late under load). */
  intervalMs: number;
  /** Fixed rate: how far the next operation is behind its intended start (0 when on time or closed loop). */
  behindMs: number;
}

/** What bounds a phase: an operation count or a duration. */
export interface PhasePlan {
  name: string;
  ops?: number;
  durationMs?: number;
}

/** How a phase ended. */
export interface PhaseOutcome {
  stats: PhaseStats;
  elapsedMs: number;
  stoppedBy: 'done' | 'max-errors' | 'interrupted';
  /** Fixed rate: operations the plan asked for. */
  plannedOps?: number;
}

/**
 * One request slot: the state of an operation in flight, reused from operation to
 * operation, with its completion callback bound once (no closure per operation).
 */
class Slot {
  kind: OpKind = 'write';
  intendedMs = 0;
  sentMs = 0;
  readonly done: OpDone;

  constructor(runner: LoadRunner) {
    this.done = (err, result) => runner.complete(this, err, result);
  }
}

/**
 * Runs phases of load against an executor. Closed loop (`ratePerSec` unset): `maxInFlight`
 * slots each start their next operation when the last one completes; latency is from send
 * to completion. Fixed rate: operation i is due at phase start + i / rate
 * ({@link FixedRateSchedule}); due operations are started from a timer while fewer than
 * `maxInFlight` are outstanding; latency counts from the intended start (however late the
 * send), and the send-to-completion time and the start lag are kept apart.
 */
export class LoadRunner {
  private stats = new PhaseStats();
  private plan: PhasePlan = { name: '' };
  private startMs = 0;
  private deadlineMs = Infinity;
  private opLimit = Infinity;
  private issued = 0;
  private inFlight = 0;
  /** Closed loop: slots waiting out ERROR_BACKOFF_MS after a failure. */
  private backingOff = 0;
  private stopReason: PhaseOutcome['stoppedBy'] | null = null;
  private schedule: FixedRateSchedule | null = null;
  private readonly freeSlots: Slot[] = [];
  private pumpTimer: unknown = null;
  private intervalTimer: unknown = null;
  private intervalStartMs = 0;
  private finish: (() => void) | null = null;

  constructor(private readonly config: RunnerConfig) {}

  /** Asks the running phase (and any later one) to stop: nothing new starts, outstanding operations complete. */
  stop(): void {
    this.stopReason ??= 'interrupted';
    this.maybeFinish();
  }

  get interrupted(): boolean {
    return this.stopReason === 'interrupted';
  }

  /** Runs one phase to its end; resolves once every operation it started has completed. */
  runPhase(plan: PhasePlan): Promise<PhaseOutcome> {
    const clock = this.config.clock;
    this.stats = new PhaseStats();
    this.plan = plan;
    this.startMs = clock.now();
    this.intervalStartMs = this.startMs;
    this.issued = 0;
    this.inFlight = 0;
    this.backingOff = 0;
    if (this.stopReason !== 'interrupted') this.stopReason = null;
    this.deadlineMs = plan.durationMs === undefined ? Infinity : this.startMs + plan.durationMs;
    const rate = this.config.ratePerSec;
    this.opLimit = plan.ops ?? (rate === undefined ? Infinity : Math.max(1, Math.floor((rate * (plan.durationMs ?? 0)) / 1000)));
    this.schedule = rate === undefined ? null : new FixedRateSchedule(this.startMs, rate, this.opLimit);
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    this.intervalTimer = clock.setTimer(() => this.onIntervalTimer(), this.config.intervalMs);
    if (this.schedule === null) {
      for (let i = 0; i < this.config.maxInFlight && this.mayIssueClosed(); i++) this.send(this.slot(), null);
    } else {
      this.pump();
    }
    this.maybeFinish();
    return done.then(() => {
      clock.clearTimer(this.intervalTimer);
      if (this.pumpTimer !== null) clock.clearTimer(this.pumpTimer);
      this.pumpTimer = null;
      this.stats.takeInterval();
      const outcome: PhaseOutcome = { stats: this.stats, elapsedMs: clock.now() - this.startMs, stoppedBy: this.stopReason ?? 'done' };
      if (this.schedule !== null) outcome.plannedOps = this.opLimit;
      return outcome;
    });
  }

  /** Completion of an operation (called through a slot's bound callback). */
  complete(slot: Slot, err: unknown, result?: { rowLength: number }): void {
    const now = this.config.clock.now();
    this.inFlight--;
    const stats = this.stats;
    if (err === null || err === undefined) {
      stats.recordSuccess(slot.kind, (now - slot.intendedMs) * NS_PER_MS);
      if (slot.kind === 'read' && result !== undefined && result.rowLength === 0) stats.misses++;
      if (this.schedule !== null) stats.service.record((now - slot.sentMs) * NS_PER_MS);
    } else {
      stats.recordError(slot.kind, this.config.executor.errorKind(err), errorMessage(err));
      if (this.config.maxErrors !== undefined && stats.errors > this.config.maxErrors) this.stopReason ??= 'max-errors';
    }
    if (this.schedule === null && this.mayIssueClosed()) {
      if (err === null || err === undefined) {
        this.send(slot, null);
      } else {
        this.backingOff++;
        this.config.clock.setTimer(() => this.afterBackoff(slot), ERROR_BACKOFF_MS);
      }
      return;
    }
    this.freeSlots.push(slot);
    if (this.schedule !== null) this.pump();
    this.maybeFinish();
  }

  private afterBackoff(slot: Slot): void {
    this.backingOff--;
    if (this.mayIssueClosed()) {
      this.send(slot, null);
      return;
    }
    this.freeSlots.push(slot);
    this.maybeFinish();
  }

  private mayIssueClosed(): boolean {
    return this.stopReason === null && this.issued < this.opLimit && this.config.clock.now() < this.deadlineMs;
  }

  private slot(): Slot {
    return this.freeSlots.pop() ?? new Slot(this);
  }

  /** Starts the next operation in `slot`; `intendedMs` null (closed loop) means now. */
  private send(slot: Slot, intendedMs: number | null): void {
    const kind = this.config.nextKind();
    const row = this.config.nextRow();
    slot.kind = kind;
    slot.sentMs = this.config.clock.now();
    slot.intendedMs = intendedMs ?? slot.sentMs;
    this.issued++;
    this.inFlight++;
    this.config.executor.execute(kind, row, slot.done);
  }

  /** Fixed rate: starts every due operation there is room for, then sets the timer for the next one. */
  private pump(): void {
    const schedule = this.schedule!;
    const clock = this.config.clock;
    if (this.stopReason !== null) return;
    const now = clock.now();
    const due = schedule.dueBy(now);
    while (this.issued < due && this.inFlight < this.config.maxInFlight) {
      const slot = this.slot();
      const intended = schedule.intendedStartMs(this.issued);
      this.send(slot, intended);
      this.stats.startLag.record((slot.sentMs - intended) * NS_PER_MS);
    }
    // With every slot busy the next completion pumps again; otherwise wake for the next due operation.
    if (this.issued < this.opLimit && this.inFlight < this.config.maxInFlight && this.pumpTimer === null) {
      this.pumpTimer = clock.setTimer(() => {
        this.pumpTimer = null;
        this.pump();
      }, Math.max(0, schedule.intendedStartMs(this.issued) - now));
    }
  }

  private maybeFinish(): void {
    if (this.inFlight > 0 || this.backingOff > 0 || this.finish === null) return;
    const allIssued = this.issued >= this.opLimit || (this.schedule === null && this.config.clock.now() >= this.deadlineMs);
    if (!allIssued && this.stopReason === null) return;
    const finish = this.finish;
    this.finish = null;
    finish();
  }

  private onIntervalTimer(): void {
    const clock = this.config.clock;
    const now = clock.now();
    const snap = this.stats.takeInterval();
    const behindMs = this.schedule === null ? 0 : this.schedule.behindMs(this.issued, now);
    this.config.onInterval?.(this.plan.name, snap, { elapsedMs: now - this.startMs, intervalMs: now - this.intervalStartMs, behindMs });
    this.intervalStartMs = now;
    this.intervalTimer = clock.setTimer(() => this.onIntervalTimer(), this.config.intervalMs);
  }
}
