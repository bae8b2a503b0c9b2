import { LatencyHistogram } from './latency-histogram';
import type { OpKind } from './options';

/** Error kinds remembered per phase, with one sample message each (a bound, as a storm of distinct kinds must not grow memory). */
export const MAX_ERROR_KINDS = 32;
const OTHER_KIND = 'other';

/** One error kind's count and its first message. */
export interface ErrorKindStats {
  count: number;
  sample: string;
}

/** What happened in one reporting interval (the progress line). */
export interface IntervalSnapshot {
  /** Operations completed in the interval (successful or not). */
  ops: number;
  errors: number;
  /** Latency of the interval's successful operations, ns. */
  p50Ns: number;
  p99Ns: number;
  maxNs: number;
}

/**
 * The counters and histograms of one phase (warm-up or measured run). Operations are
 * recorded into per-interval histograms; `takeInterval` folds them into the phase totals
 * and starts the next interval, so the hot path touches one histogram per operation.
 * Failed operations count as errors and are not in the latency histograms.
 */
export class PhaseStats {
  readonly total: Record<OpKind, LatencyHistogram> = { write: new LatencyHistogram(), read: new LatencyHistogram() };
  /** Fixed-rate mode: latency from the actual send (the server's view), all operations. */
  readonly service = new LatencyHistogram();
  /** Fixed-rate mode: how late each operation started after its intended start. */
  readonly startLag = new LatencyHistogram();
  readonly ops: Record<OpKind, number> = { write: 0, read: 0 };
  /** Reads that found no row. */
  misses = 0;
  errors = 0;
  readonly errorsByKind = new Map<string, ErrorKindStats>();
  private readonly interval: Record<OpKind, LatencyHistogram> = { write: new LatencyHistogram(), read: new LatencyHistogram() };
  private readonly intervalBoth = new LatencyHistogram();
  private intervalOps = 0;
  private intervalErrors = 0;

  recordSuccess(kind: OpKind, latencyNs: number): void {
    this.interval[kind].record(latencyNs);
    this.ops[kind]++;
    this.intervalOps++;
  }

  recordError(kind: OpKind, errorKind: string, message: string): void {
    this.ops[kind]++;
    this.intervalOps++;
    this.errors++;
    this.intervalErrors++;
    let entry = this.errorsByKind.get(errorKind);
    if (entry === undefined) {
      const key = this.errorsByKind.size < MAX_ERROR_KINDS - 1 ? errorKind : OTHER_KIND;
      entry = this.errorsByKind.get(key);
      if (entry === undefined) {
        entry = { count: 0, sample: key === OTHER_KIND ? `${errorKind}: ${message}` : message };
        this.errorsByKind.set(key, entry);
      }
    }
    entry.count++;
  }

  /** Operations completed in the phase. */
  get totalOps(): number {
    return this.ops.write + this.ops.read;
  }

  /** Ends the current interval: its figures, folded into the totals. */
  takeInterval(): IntervalSnapshot {
    const both = this.intervalBoth;
    both.reset();
    both.add(this.interval.write);
    both.add(this.interval.read);
    const [p50Ns, p99Ns] = both.percentilesNs([0.5, 0.99]);
    const snap: IntervalSnapshot = { ops: this.intervalOps, errors: this.intervalErrors, p50Ns: p50Ns!, p99Ns: p99Ns!, maxNs: both.maxNs };
    for (const kind of ['write', 'read'] as const) {
      this.total[kind].add(this.interval[kind]);
      this.interval[kind].reset();
    }
    this.intervalOps = 0;
    this.intervalErrors = 0;
    return snap;
  }

  /** Every successful operation's latency, both kinds (call after the last `takeInterval`). */
  allLatency(): LatencyHistogram {
    const h = new LatencyHistogram();
    h.add(this.total.write);
    h.add(this.total.read);
    return h;
  }
}
