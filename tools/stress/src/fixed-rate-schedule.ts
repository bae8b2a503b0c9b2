/**
 * The timetable of a fixed-rate (open-loop) run: operation i is due at start + i / rate.
 * Latency is measured from that intended start, not from when the operation was actually
 * sent, so a stall of the server (or of the load generator) is charged to every operation
 * it delayed: the coordinated-omission-free measurement of Gil Tene's HdrHistogram notes
 * and wrk2.
 */
export class FixedRateSchedule {
  private readonly intervalMs: number;

  /**
   * @param startMs clock time at which operation 0 is due
   * @param ratePerSec operations per second
   * @param total how many operations the run has
   */
  constructor(
    readonly startMs: number,
    readonly ratePerSec: number,
    readonly total: number,
  ) {
    this.intervalMs = 1000 / ratePerSec;
  }

  /** When operation `i` is due. */
  intendedStartMs(i: number): number {
    return this.startMs + i * this.intervalMs;
  }

  /** How many operations are due at `nowMs` (at most `total`). */
  dueBy(nowMs: number): number {
    if (nowMs < this.startMs) return 0;
    return Math.min(this.total, Math.floor((nowMs - this.startMs) / this.intervalMs) + 1);
  }

  /** How far behind schedule a run is that has started `issued` operations at `nowMs` (0 when on time). */
  behindMs(issued: number, nowMs: number): number {
    if (issued >= this.total) return 0;
    return Math.max(0, nowMs - this.intendedStartMs(issued));
  }
}
