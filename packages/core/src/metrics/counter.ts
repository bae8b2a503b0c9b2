import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';
import type { MetricOptions } from './metric-family';
import { MetricFamily } from './metric-family';
import type { CounterFamilySnapshot } from './metrics-snapshot';

/** Options of a counter: a callback counter passes `collect` (only without labels). */
export interface CounterOptions<L extends string> extends MetricOptions<L> {
  /**
   * Evaluated at each collection instead of a stored value, for totals another component
   * already keeps (bytes a commitlog appended, cache hits). It must never decrease. For
   * labeled counters use a child's `setCallback`.
   */
  collect?: () => number;
}

/** One counter series: a stored total, or a callback read at collection. */
export class CounterChild {
  #value = 0;
  #callback: (() => number) | undefined;

  /** Current value (evaluates the callback, if any). */
  get value(): number {
    return this.#callback === undefined ? this.#value : this.#callback();
  }

  /** True when the value comes from a callback. */
  get hasCallback(): boolean {
    return this.#callback !== undefined;
  }

  /**
   * Adds `delta` (default 1); INVALID_ARGUMENT unless it is finite and ≥ 0 (counters only
   * go up), INVALID_STATE on a callback counter (the callback owns the value).
   */
  inc(delta = 1): void {
    if (!(delta >= 0 && delta !== Number.POSITIVE_INFINITY)) {
      throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `counter increment must be finite and >= 0, got ${delta}`);
    }
    if (this.#callback !== undefined) {
      throw new CharybdisError(ErrorCodes.INVALID_STATE, 'cannot increment a callback counter; its callback owns the value');
    }
    this.#value += delta;
  }

  /** Makes this a callback counter (or, with undefined, a stored one again, starting at 0). */
  setCallback(callback: (() => number) | undefined): void {
    this.#callback = callback;
    this.#value = 0;
  }
}

/**
 * A monotonically increasing count (requests served, bytes written). Prometheus names
 * counters with a `_total` suffix by convention. Created by `MetricsRegistry.counter()`;
 * without labels, `inc()` updates the single series, otherwise use `labels({...}).inc()`.
 * With `collect` (or a child's `setCallback`), the total is read from its owner at each
 * collection; a callback that throws fails `collect()` with METRIC_COLLECT_FAILED.
 */
export class Counter<L extends string = never> extends MetricFamily<L, CounterChild> {
  readonly type = 'counter' as const;
  /** The registration callback, kept to compare re-registrations. */
  readonly callback: (() => number) | undefined;

  constructor(options: CounterOptions<L>, maxSeries: number) {
    super(options, maxSeries);
    this.callback = options.collect;
    if (options.collect !== undefined && this.labelNames.length !== 0) {
      throw new CharybdisError(
        ErrorCodes.INVALID_ARGUMENT,
        `${this.name}: collect callback is only for counters without labels; use labels({...}).setCallback()`,
      );
    }
    if (this.labelNames.length === 0) this.unlabeledChild().setCallback(options.collect);
  }

  /** Adds `delta` (default 1) to the unlabeled series (INVALID_STATE if the counter has labels). */
  inc(delta = 1): void {
    this.unlabeledChild().inc(delta);
  }

  /** Value of the unlabeled series. */
  get value(): number {
    return this.unlabeledChild().value;
  }

  collect(): CounterFamilySnapshot {
    const samples = [];
    for (const { labelValues, child } of this.series()) {
      let value: number;
      try {
        value = child.value;
      } catch (err) {
        throw new CharybdisError(ErrorCodes.METRIC_COLLECT_FAILED, `${this.name}: counter callback threw`, { cause: err });
      }
      if (typeof value !== 'number') {
        throw new CharybdisError(ErrorCodes.METRIC_COLLECT_FAILED, `${this.name}: counter callback returned ${typeof value}, not a number`);
      }
      samples.push({ labelValues: [...labelValues], value });
    }
    return { type: 'counter', name: this.name, help: this.help, labelNames: [...this.labelNames], samples };
  }

  protected newChild(): CounterChild {
    return new CounterChild();
  }
}
