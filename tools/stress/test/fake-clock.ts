import type { Clock, OpDone, OpExecutor } from '../src/load-runner';
import type { OpKind } from '../src/options';

/**
 * Test double of the runner's clock: time moves only when the test says so, and timers due
 * by then fire (late, at the new time) in the order they were due.
 */
export class FakeClock implements Clock {
  private t = 0;
  private nextId = 1;
  private timers: { id: number; at: number; fn: () => void }[] = [];

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.t + delayMs, fn });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }

  /** Jumps to `ms`, then fires every timer due by then (a stalled event loop catching up). */
  advanceTo(ms: number): void {
    this.t = ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= ms).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) return;
      this.clearTimer(due.id);
      due.fn();
    }
  }
}

/** A sent operation the test completes by hand. */
export interface PendingOp {
  kind: OpKind;
  row: number;
  sentAt: number;
  done: OpDone;
}

/** Test double of the CQL workload: remembers each operation until the test completes it. */
export class ManualExecutor implements OpExecutor {
  readonly sent: PendingOp[] = [];

  constructor(private readonly clock: FakeClock) {}

  execute(kind: OpKind, row: number, done: OpDone): void {
    this.sent.push({ kind, row, sentAt: this.clock.now(), done });
  }

  errorKind(err: unknown): string {
    return (err as { kind?: string }).kind ?? 'unknown';
  }
}
