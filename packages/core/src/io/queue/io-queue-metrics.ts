import type { CounterChild, HistogramChild, MetricsRegistry } from '../../metrics';
import { exponentialBuckets } from '../../metrics';

/** Bucket bounds of the wait and latency histograms: 10 µs to ~5 s, doubling. */
export const IO_LATENCY_BUCKETS_MS: readonly number[] = Object.freeze(exponentialBuckets(0.01, 2, 20));

/** Where the gauges of one class read their values (evaluated at collection). */
export interface IoClassGaugeSources {
  readonly queueLength: () => number;
  readonly inFlight: () => number;
  readonly shares: () => number;
}

/** The series of one I/O class, kept by the class so the hot path does no label lookups. */
export interface IoClassMetrics {
  readonly readRequests: CounterChild;
  readonly writeRequests: CounterChild;
  readonly readBytes: CounterChild;
  readonly writeBytes: CounterChild;
  readonly dispatchedCostUs: CounterChild;
  readonly errors: CounterChild;
  readonly rejected: CounterChild;
  readonly waitMs: HistogramChild;
  readonly latencyMs: HistogramChild;
}

type Labels = 'mountpoint' | 'class';

/**
 * The I/O queue's metric families in one registry, labelled `mountpoint` (the queue) and
 * `class`; requests and bytes also by `kind` (read, write). Several queues of one shard
 * (one per disk) share the families. Registering again with the same definitions finds
 * the existing ones, so a restarted queue keeps its counters.
 */
export class IoQueueMetrics {
  readonly #mountpoint: string;
  readonly #requests;
  readonly #bytes;
  readonly #cost;
  readonly #errors;
  readonly #rejected;
  readonly #queueLength;
  readonly #inFlight;
  readonly #shares;
  readonly #waitMs;
  readonly #latencyMs;

  constructor(registry: MetricsRegistry, mountpoint: string) {
    this.#mountpoint = mountpoint;
    const labelNames: Labels[] = ['mountpoint', 'class'];
    const kindLabels: Array<Labels | 'kind'> = ['mountpoint', 'class', 'kind'];
    this.#requests = registry.counter({ name: 'io_queue_requests_total', help: 'I/O requests dispatched to the device', labelNames: kindLabels });
    this.#bytes = registry.counter({ name: 'io_queue_bytes_total', help: 'Bytes of the I/O requests dispatched to the device', labelNames: kindLabels });
    this.#cost = registry.counter({
      name: 'io_queue_dispatched_cost_us_total',
      help: 'Modelled device time of the dispatched I/O requests, microseconds',
      labelNames,
    });
    this.#errors = registry.counter({ name: 'io_queue_errors_total', help: 'I/O requests that completed with an error', labelNames });
    this.#rejected = registry.counter({ name: 'io_queue_rejected_total', help: 'I/O requests refused because the class queue was full', labelNames });
    this.#queueLength = registry.gauge({ name: 'io_queue_queue_length', help: 'I/O requests waiting in the class queue', labelNames });
    this.#inFlight = registry.gauge({ name: 'io_queue_in_flight_requests', help: 'I/O requests of the class in the device', labelNames });
    this.#shares = registry.gauge({ name: 'io_queue_shares', help: 'Shares of the I/O class', labelNames });
    this.#waitMs = registry.histogram({
      name: 'io_queue_wait_ms',
      help: 'Time I/O requests waited in the queue before dispatch, ms',
      labelNames,
      buckets: IO_LATENCY_BUCKETS_MS,
    });
    this.#latencyMs = registry.histogram({
      name: 'io_queue_latency_ms',
      help: 'Time from submission to completion of I/O requests (queue wait plus device), ms',
      labelNames,
      buckets: IO_LATENCY_BUCKETS_MS,
    });
  }

  /** Creates (or finds) the series of class `name` and points its gauges at `sources`. */
  forClass(name: string, sources: IoClassGaugeSources): IoClassMetrics {
    const labels = { mountpoint: this.#mountpoint, class: name };
    const read = { ...labels, kind: 'read' };
    const write = { ...labels, kind: 'write' };
    this.#queueLength.labels(labels).setCallback(sources.queueLength);
    this.#inFlight.labels(labels).setCallback(sources.inFlight);
    this.#shares.labels(labels).setCallback(sources.shares);
    return {
      readRequests: this.#requests.labels(read),
      writeRequests: this.#requests.labels(write),
      readBytes: this.#bytes.labels(read),
      writeBytes: this.#bytes.labels(write),
      dispatchedCostUs: this.#cost.labels(labels),
      errors: this.#errors.labels(labels),
      rejected: this.#rejected.labels(labels),
      waitMs: this.#waitMs.labels(labels),
      latencyMs: this.#latencyMs.labels(labels),
    };
  }
}
