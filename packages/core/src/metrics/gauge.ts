import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';
import type { MetricOptions } from './metric-family';
import { MetricFamily } from './metric-family';
import type { GaugeFamilySnapshot } from './metrics-snapshot';

/** Options of a gauge: a callback gauge passes `collect` (only without labels). */
export interface GaugeOptions<L extends string> extends MetricOptions<L> {
  /**
   * Evaluated at each collection instead of a stored value, for quantities owned
   * elsewhere (queue lengths, memory in use). For labeled gauges use a child's
   * `setCallback`.
   */
  collect?: () => number;
}

/** One gauge series: a stored value, or a callback evaluated at collection. */
export class GaugeChild {
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

  /** Sets the value. INVALID_STATE on a callback gauge (the callback owns the value). */
  set(value: number): void {
    this.#checkStored();
    this.#value = value;
  }

  /** Adds `delta` (default 1). */
  inc(delta = 1): void {
    this.#checkStored();
    this.#value += delta;
  }

  /** Subtracts `delta` (default 1). */
  dec(delta = 1): void {
    this.#checkStored();
    this.#value -= delta;
  }

  /** Makes this a callback gauge (or, with undefined, a stored one again, starting at 0). */
  setCallback(callback: (() => number) | undefined): void {
    this.#callback = callback;
    this.#value = 0;
  }

  #checkStored(): void {
    if (this.#callback !== undefined) {
      throw new CharybdisError(ErrorCodes.INVALID_STATE, 'cannot set a callback gauge; its callback owns the value');
    }
  }
}

/**
 * A value that goes up and down (connections open, bytes in memtables). Created by
 * `MetricsRegistry.gauge()`. Without labels, `set/inc/dec` update the single series; with
 * `collect`, the value is read from the callback at each collection. A callback that
 * throws makes `collect()` fail with METRIC_COLLECT_FAILED naming this gauge.
 */
export class Gauge<L extends string = never> extends MetricFamily<L, GaugeChild> {
  readonly type = 'gauge' as const;
  /** The registration callback, kept to compare re-registrations. */
  readonly callback: (() => number) | undefined;

  constructor(options: GaugeOptions<L>, maxSeries: number) {
    super(options, maxSeries);
    this.callback = options.collect;
    if (options.collect !== undefined && this.labelNames.length !== 0) {
      throw new CharybdisError(
        ErrorCodes.INVALID_ARGUMENT,
        `${this.name}: collect callback is only for gauges without labels; use labels({...}).setCallback()`,
      );
    }
    if (this.labelNames.length === 0) this.unlabeledChild().setCallback(options.collect);
  }

  /** Sets the unlabeled series (INVALID_STATE if the gauge has labels or a callback). */
  set(value: number): void {
    this.unlabeledChild().set(value);
  }

  /** Adds `delta` (default 1) to the unlabeled series. */
  inc(delta = 1): void {
    this.unlabeledChild().inc(delta);
  }

  /** Subtracts `delta` (default 1) from the unlabeled series. */
  dec(delta = 1): void {
    this.unlabeledChild().dec(delta);
  }

  /** Value of the unlabeled series (evaluates the callback, if any). */
  get value(): number {
    return this.unlabeledChild().value;
  }

  collect(): GaugeFamilySnapshot {
    const samples = [];
    for (const { labelValues, child } of this.series()) {
      let value: number;
      try {
        value = child.value;
      } catch (err) {
        throw new CharybdisError(ErrorCodes.METRIC_COLLECT_FAILED, `${this.name}: gauge callback threw`, { cause: err });
      }
      if (typeof value !== 'number') {
        throw new CharybdisError(ErrorCodes.METRIC_COLLECT_FAILED, `${this.name}: gauge callback returned ${typeof value}, not a number`);
      }
      samples.push({ labelValues: [...labelValues], value });
    }
    return { type: 'gauge', name: this.name, help: this.help, labelNames: [...this.labelNames], samples };
  }

  protected newChild(): GaugeChild {
    return new GaugeChild();
  }
}
