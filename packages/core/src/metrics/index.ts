/**
 * Per-shard metrics: a bounded registry of counters, gauges and histograms, plain-data
 * snapshots a shard sends to the main thread, and the Prometheus text renderer that
 * merges every shard's snapshot with a `shard` label.
 */
export { MetricsRegistry, METRICS_DEFAULT_MAX_SERIES_PER_METRIC, METRICS_DEFAULT_MAX_METRICS } from './metrics-registry';
export type { MetricsRegistryOptions } from './metrics-registry';
export { MetricFamily } from './metric-family';
export type { MetricOptions, LabelValues } from './metric-family';
export { Counter, CounterChild } from './counter';
export type { CounterOptions } from './counter';
export { Gauge, GaugeChild } from './gauge';
export type { GaugeOptions } from './gauge';
export { Histogram, HistogramChild } from './histogram';
export type { HistogramOptions } from './histogram';
export { exponentialBuckets } from './exponential-buckets';
export { linearBuckets } from './linear-buckets';
export { checkMetricName } from './check-metric-name';
export { checkLabelName, RESERVED_LABEL_NAMES } from './check-label-name';
export { renderPrometheus, PROMETHEUS_TEXT_CONTENT_TYPE } from './render-prometheus';
export type { ShardMetricsSnapshot } from './render-prometheus';
export type {
  MetricsSnapshot,
  MetricFamilySnapshot,
  CounterFamilySnapshot,
  GaugeFamilySnapshot,
  HistogramFamilySnapshot,
  ScalarSample,
  HistogramSample,
  MetricType,
} from './metrics-snapshot';
