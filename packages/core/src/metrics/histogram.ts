import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';
import type { MetricOptions } from './metric-family';
import { MetricFamily } from './metric-family';
import type { HistogramFamilySnapshot } from './metrics-snapshot';

/** Options of a histogram: its bucket bounds are fixed at registration. */
export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  /**
   * Finite upper bounds, strictly increasing (see `exponentialBuckets`). A trailing
   * `Infinity` may be given and is dropped: the `+Inf` bucket is always there.
   */
  buckets: readonly number[];
}

/** One histogram series: per-bucket counts, sum and count of observations. */
export class HistogramChild {
  readonly #bounds: Float64Array;
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot is (last bound, +Inf]. */
  readonly #counts: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(bounds: Float64Array) {
    this.#bounds = bounds;
    this.#counts = new Float64Array(bounds.length + 1);
  }

  /** Number of observations. */
  get count(): number {
    return this.#count;
  }

  /** Sum of observed values. */
  get sum(): number {
    return this.#sum;
  }

  /**
   * Records one value: it lands in the first bucket whose bound is ≥ value (`le`).
   * INVALID_ARGUMENT for NaN, which no bucket can hold.
   */
  observe(value: number): void {
    if (Number.isNaN(value)) throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, 'histogram observation is NaN');
    const bounds = this.#bounds;
    let lo = 0;
    let hi = bounds.length; // answer in [lo, hi]; hi = bounds.length means the +Inf bucket
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((bounds[mid] as number) >= value) hi = mid;
      else lo = mid + 1;
    }
    (this.#counts[lo] as number)++;
    this.#count++;
    this.#sum += value;
  }

  /** Cumulative counts, one per finite bound (the +Inf bucket is `count`). */
  cumulativeBuckets(): number[] {
    const out: number[] = [];
    let running = 0;
    for (let i = 0; i < this.#bounds.length; i++) {
      running += this.#counts[i] as number;
      out.push(running);
    }
    return out;
  }
}

/**
 * A distribution (latencies, sizes) in fixed buckets, exported the Prometheus way:
 * cumulative `_bucket{le=...}` series ending with `le="+Inf"`, plus `_sum` and `_count`.
 * Created by `MetricsRegistry.histogram()`; without labels, `observe()` updates the single
 * series.
 */
export class Histogram<L extends string = never> extends MetricFamily<L, HistogramChild> {
  readonly type = 'histogram' as const;
  /** The finite bucket bounds, strictly increasing. */
  readonly bounds: readonly number[];
  readonly #bounds: Float64Array;

  constructor(options: HistogramOptions<L>, maxSeries: number) {
    super(options, maxSeries);
    const bounds = [...options.buckets];
    if (bounds.length > 0 && bounds[bounds.length - 1] === Number.POSITIVE_INFINITY) bounds.pop();
    if (bounds.length === 0) throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `${this.name}: at least one finite bucket bound is required`);
    for (let i = 0; i < bounds.length; i++) {
      const bound = bounds[i] as number;
      if (typeof bound !== 'number' || !Number.isFinite(bound) || (i > 0 && !(bound > (bounds[i - 1] as number)))) {
        throw new CharybdisError(
          ErrorCodes.INVALID_ARGUMENT,
          `${this.name}: bucket bounds must be finite and strictly increasing, got [${bounds.join(', ')}]`,
        );
      }
    }
    this.bounds = Object.freeze(bounds);
    this.#bounds = Float64Array.from(bounds);
    if (this.labelNames.length === 0) this.unlabeledChild();
  }

  /** Records one value in the unlabeled series (INVALID_STATE if the histogram has labels). */
  observe(value: number): void {
    this.unlabeledChild().observe(value);
  }

  collect(): HistogramFamilySnapshot {
    const samples = [];
    for (const { labelValues, child } of this.series()) {
      samples.push({ labelValues: [...labelValues], buckets: child.cumulativeBuckets(), count: child.count, sum: child.sum });
    }
    return { type: 'histogram', name: this.name, help: this.help, labelNames: [...this.labelNames], bounds: [...this.bounds], samples };
  }

  protected newChild(): HistogramChild {
    return new HistogramChild(this.#bounds);
  }
}
