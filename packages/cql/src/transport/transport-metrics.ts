/**
 * What the transport counts, as calls the server maps onto core's MetricsRegistry (see
 * `RegistryTransportMetrics`). Called on the connection's shard, synchronously, on the
 * hot path: implementations only bump numbers.
 */
export interface TransportMetrics {
  connectionOpened(): void;
  connectionClosed(): void;
  /** A request frame was decoded (every opcode, including OPTIONS and STARTUP). */
  requestReceived(opcode: number): void;
  /** An ERROR response with `code` was written. */
  errorSent(code: number): void;
  /** Requests in flight changed by `delta` (±1). */
  inFlightChanged(delta: number): void;
  /** A statement request (QUERY, PREPARE, EXECUTE, BATCH) was answered after `latencyUs` since its frame was decoded. */
  requestCompleted(latencyUs: number): void;
}

/** Metrics that go nowhere (tests, tools). */
export const NOOP_TRANSPORT_METRICS: TransportMetrics = Object.freeze({
  connectionOpened(): void {},
  connectionClosed(): void {},
  requestReceived(): void {},
  errorSent(): void {},
  inFlightChanged(): void {},
  requestCompleted(): void {},
});
