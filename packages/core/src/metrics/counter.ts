import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';
import type { MetricOptions } from './metric-family';
import { MetricFamily } from './metric-family';
import type { CounterFamilySnapshot } from './metrics-snapshot';

/** One counter series. */
export class CounterChild {
  #value = 0;

  /** Current value. */
  get value(): number {
    return this.#value;
  }

  /** Adds `delta` (default 1); INVALID_ARGUMENT unless it is finite and ≥ 0 (counters only go up). */
  inc(delta = 1): void {
    if (!(delta >= 0 && delta !== Number.POSITIVE_INFINITY)) {
      throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `counter increment must be finite and >= 0, got ${delta}`);
    }
    this.#value += delta;
  }
}

/**
 * A monotonically increasing count (requests served, bytes written). Prometheus names
 * counters with a `_total` suffix by convention. Created by `MetricsRegistry.counter()`;
 * without labels, `inc()` updates the single series, otherwise use `labels({...}).inc()`.
 */
export class Counter<L extends string = never> extends MetricFamily<L, CounterChild> {
  readonly type = 'counter' as const;

  constructor(options: MetricOptions<L>, maxSeries: number) {
    super(options, maxSeries);
    if (this.labelNames.length === 0) this.unlabeledChild();
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
    for (const { labelValues, child } of this.series()) samples.push({ labelValues: [...labelValues], value: child.value });
    return { type: 'counter', name: this.name, help: this.help, labelNames: [...this.labelNames], samples };
  }

  protected newChild(): CounterChild {
    return new CounterChild();
  }
}
