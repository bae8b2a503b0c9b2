import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';
import { Counter } from './counter';
import type { CounterOptions } from './counter';
import { Gauge } from './gauge';
import type { GaugeOptions } from './gauge';
import { Histogram } from './histogram';
import type { HistogramOptions } from './histogram';
import type { MetricOptions } from './metric-family';
import type { MetricsSnapshot } from './metrics-snapshot';

/** Default bound on label sets per metric family. */
export const METRICS_DEFAULT_MAX_SERIES_PER_METRIC = 10_000;
/** Default bound on metric families per registry. */
export const METRICS_DEFAULT_MAX_METRICS = 10_000;

/** Options of {@link MetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Most label sets one family may hold (METRIC_CARDINALITY_EXCEEDED beyond). */
  maxSeriesPerMetric?: number;
  /** Most families the registry may hold (METRIC_CARDINALITY_EXCEEDED beyond). */
  maxMetrics?: number;
}

type AnyFamily = Counter<string> | Gauge<string> | Histogram<string>;

/**
 * One shard's metrics: counters, gauges and histograms registered by the services of that
 * shard, collected as plain data (`collect()`) that the shard sends to the main thread,
 * where `renderPrometheus` merges every shard's snapshot into one exposition with a
 * `shard` label. Hangs off the `Shard` context; never shared across workers.
 *
 * Registering a name again with the same definition returns the existing metric, so a
 * service restarted on the same shard finds its metrics; a different type, help, label
 * names, buckets or a second callback (gauge or counter) is METRIC_CONFLICT. So is a name that would collide
 * in the exposition with a histogram's `_bucket`/`_sum`/`_count` series.
 */
export class MetricsRegistry {
  readonly maxSeriesPerMetric: number;
  readonly maxMetrics: number;
  readonly #families = new Map<string, AnyFamily>();
  /** Every exposed series name (histograms expose three) → the family that owns it. */
  readonly #exposedNames = new Map<string, string>();

  constructor(options: MetricsRegistryOptions = {}) {
    this.maxSeriesPerMetric = checkBound(options.maxSeriesPerMetric ?? METRICS_DEFAULT_MAX_SERIES_PER_METRIC, 'maxSeriesPerMetric');
    this.maxMetrics = checkBound(options.maxMetrics ?? METRICS_DEFAULT_MAX_METRICS, 'maxMetrics');
  }

  /** Registers (or finds) a counter; with `collect`, a callback counter. */
  counter<L extends string = never>(options: CounterOptions<L>): Counter<L> {
    return this.#register(options.name, () => new Counter<L>(options, this.maxSeriesPerMetric), (existing) =>
      existing.type === 'counter' && sameLabels(existing, options) && existing.callback === undefined && options.collect === undefined);
  }

  /** Registers (or finds) a gauge; with `collect`, a callback gauge. */
  gauge<L extends string = never>(options: GaugeOptions<L>): Gauge<L> {
    return this.#register(options.name, () => new Gauge<L>(options, this.maxSeriesPerMetric), (existing) =>
      existing.type === 'gauge' && sameLabels(existing, options) && existing.callback === undefined && options.collect === undefined);
  }

  /** Registers (or finds) a histogram with fixed bucket bounds. */
  histogram<L extends string = never>(options: HistogramOptions<L>): Histogram<L> {
    return this.#register(options.name, () => new Histogram<L>(options, this.maxSeriesPerMetric), (existing) => {
      if (existing.type !== 'histogram' || !sameLabels(existing, options)) return false;
      const bounds = options.buckets.filter((b) => b !== Number.POSITIVE_INFINITY);
      return bounds.length === existing.bounds.length && bounds.every((b, i) => b === existing.bounds[i]);
    });
  }

  /** The family registered under `name`, if any. */
  get(name: string): Counter<string> | Gauge<string> | Histogram<string> | undefined {
    return this.#families.get(name);
  }

  /** Unregisters a family (its owner stopped); true if it existed. */
  remove(name: string): boolean {
    const family = this.#families.get(name);
    if (family === undefined) return false;
    this.#families.delete(name);
    for (const exposed of exposedNames(family.type, name)) this.#exposedNames.delete(exposed);
    return true;
  }

  /** Number of registered families. */
  get size(): number {
    return this.#families.size;
  }

  /**
   * Plain-data snapshot of every family, in registration order. Callback gauges are
   * evaluated now; one that throws fails the collection with METRIC_COLLECT_FAILED.
   */
  collect(): MetricsSnapshot {
    const families = [];
    for (const family of this.#families.values()) families.push(family.collect());
    return { families };
  }

  #register<F extends AnyFamily>(name: string, create: () => F, matches: (existing: AnyFamily) => boolean): F {
    const existing = this.#families.get(name);
    if (existing !== undefined) {
      // Build the would-be family first so an invalid definition reports its real error.
      const candidate = create();
      if (existing.help !== candidate.help || !matches(existing)) {
        throw new CharybdisError(ErrorCodes.METRIC_CONFLICT, `metric ${name} is already registered as a ${existing.type} with a different definition`);
      }
      return existing as F;
    }
    const family = create();
    if (this.#families.size >= this.maxMetrics) {
      throw new CharybdisError(ErrorCodes.METRIC_CARDINALITY_EXCEEDED, `more than ${this.maxMetrics} metric families in one registry`);
    }
    const exposed = exposedNames(family.type, name);
    for (const series of exposed) {
      const owner = this.#exposedNames.get(series);
      if (owner !== undefined) {
        throw new CharybdisError(ErrorCodes.METRIC_CONFLICT, `metric ${name} would expose ${series}, which metric ${owner} already exposes`);
      }
    }
    this.#families.set(name, family);
    for (const series of exposed) this.#exposedNames.set(series, name);
    return family;
  }
}

function exposedNames(type: AnyFamily['type'], name: string): string[] {
  return type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
}

function sameLabels(existing: AnyFamily, options: MetricOptions<string>): boolean {
  const labels = options.labelNames ?? [];
  return labels.length === existing.labelNames.length && labels.every((l, i) => l === existing.labelNames[i]);
}

function checkBound(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `MetricsRegistry: ${what} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
