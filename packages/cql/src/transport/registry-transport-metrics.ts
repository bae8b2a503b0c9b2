import { exponentialBuckets } from '@charybdis/core';
import type { Counter, CounterChild, HistogramChild, MetricsRegistry } from '@charybdis/core';
import { ErrorCode, Opcode } from '../protocol/opcodes';
import type { TransportMetrics } from './transport-metrics';

const OPCODE_NAMES = new Map<number, string>(Object.entries(Opcode).map(([name, code]) => [code, name.toLowerCase()]));
const ERROR_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name.toLowerCase()]));
/** Bucket bounds of `cql_request_latency_us`: 8 µs doubling up to ~8.4 s (as the per-table latencies). */
export const CQL_REQUEST_LATENCY_BUCKETS_US: readonly number[] = Object.freeze(exponentialBuckets(8, 2, 21));

/**
 * `TransportMetrics` on one shard's MetricsRegistry:
 * `cql_connections` (gauge), `cql_connections_opened_total`, `cql_requests_total{opcode}`,
 * `cql_errors_total{code}`, `cql_requests_in_flight` (gauge) and `cql_request_latency_us`
 * (histogram of statement requests, decode to response). Label values come from
 * the protocol's fixed opcode and error-code tables (unknown ones share `other`), so the
 * series count is bounded (the caches are keyed by a byte / a protocol code); children are looked up once and kept.
 */
export class RegistryTransportMetrics implements TransportMetrics {
  private connections = 0;
  private inFlight = 0;
  private readonly opened: Counter;
  private readonly requests = new Map<number, CounterChild>();
  private readonly errors = new Map<number, CounterChild>();
  private readonly requestFamily;
  private readonly errorFamily;
  private readonly latency: HistogramChild;

  constructor(registry: MetricsRegistry) {
    registry.gauge({ name: 'cql_connections', help: 'CQL client connections open now', collect: () => this.connections });
    registry.gauge({ name: 'cql_requests_in_flight', help: 'CQL requests being processed now', collect: () => this.inFlight });
    this.opened = registry.counter({ name: 'cql_connections_opened_total', help: 'CQL client connections accepted' });
    this.requestFamily = registry.counter({ name: 'cql_requests_total', help: 'CQL request frames received, by opcode', labelNames: ['opcode'] });
    this.errorFamily = registry.counter({ name: 'cql_errors_total', help: 'CQL ERROR responses sent, by error code', labelNames: ['code'] });
    this.latency = registry
      .histogram({
        name: 'cql_request_latency_us',
        help: 'Time from decoding a statement request (QUERY, PREPARE, EXECUTE, BATCH) to its response, in microseconds',
        buckets: CQL_REQUEST_LATENCY_BUCKETS_US,
      })
      .labels({});
  }

  connectionOpened(): void {
    this.connections++;
    this.opened.inc();
  }

  connectionClosed(): void {
    this.connections--;
  }

  requestReceived(opcode: number): void {
    let child = this.requests.get(opcode);
    if (child === undefined) {
      child = this.requestFamily.labels({ opcode: OPCODE_NAMES.get(opcode) ?? 'other' });
      this.requests.set(opcode, child);
    }
    child.inc();
  }

  errorSent(code: number): void {
    let child = this.errors.get(code);
    if (child === undefined) {
      child = this.errorFamily.labels({ code: ERROR_NAMES.get(code) ?? 'other' });
      this.errors.set(code, child);
    }
    child.inc();
  }

  inFlightChanged(delta: number): void {
    this.inFlight += delta;
  }

  requestCompleted(latencyUs: number): void {
    this.latency.observe(latencyUs);
  }
}
