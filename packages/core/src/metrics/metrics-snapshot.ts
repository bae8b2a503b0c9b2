/**
 * What `MetricsRegistry.collect()` returns: plain data only (arrays, strings, numbers; no
 * class instances, no Maps), so a shard can post it to the main thread with msgpackr or
 * structured clone and `renderPrometheus` can read it there. Values may be NaN or ±Infinity
 * (gauges), which both encodings carry.
 */
export interface MetricsSnapshot {
  families: MetricFamilySnapshot[];
}

/** The three metric types, with Prometheus' names. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One series of a counter or gauge: its label values, in the family's `labelNames` order. */
export interface ScalarSample {
  labelValues: string[];
  value: number;
}

/**
 * One series of a histogram. `buckets[i]` is the cumulative count of observations
 * `<= bounds[i]` (Prometheus `le` semantics); the implicit `+Inf` bucket is `count`.
 */
export interface HistogramSample {
  labelValues: string[];
  buckets: number[];
  count: number;
  sum: number;
}

interface FamilySnapshotBase {
  name: string;
  help: string;
  labelNames: string[];
}

/** A counter family: monotonically increasing values. */
export interface CounterFamilySnapshot extends FamilySnapshotBase {
  type: 'counter';
  samples: ScalarSample[];
}

/** A gauge family: values that go up and down (or are read from a callback). */
export interface GaugeFamilySnapshot extends FamilySnapshotBase {
  type: 'gauge';
  samples: ScalarSample[];
}

/** A histogram family: `bounds` are the finite upper bounds, strictly increasing. */
export interface HistogramFamilySnapshot extends FamilySnapshotBase {
  type: 'histogram';
  bounds: number[];
  samples: HistogramSample[];
}

/** One metric family of a snapshot, discriminated by `type`. */
export type MetricFamilySnapshot = CounterFamilySnapshot | GaugeFamilySnapshot | HistogramFamilySnapshot;
