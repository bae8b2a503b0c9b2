import { DEFAULT_MAX_FRAME_BODY_BYTES } from '../protocol/frame-codec';

/**
 * Requests one connection may have in flight (QUERY, PREPARE, EXECUTE, BATCH, AUTH_RESPONSE
 * being processed). The next one is answered at once with Overloaded (0x1001): drivers
 * keep at most 1024–2048 streams busy per connection, so only a misbehaving client meets it.
 */
export const MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = 1024;
/**
 * Request bytes (frame header + body) one connection may have in flight. Beyond it the
 * connection stops reading its socket until requests complete (Cassandra's
 * backpressure), so a fast client is slowed down rather than failed. A single frame is
 * always admitted when the connection has nothing in flight, whatever its size.
 */
export const DEFAULT_MAX_IN_FLIGHT_BYTES_PER_CONNECTION = 4 * DEFAULT_MAX_FRAME_BODY_BYTES;
/** Request bytes all connections of one shard may have in flight (the shared `RequestMemoryBudget`). */
export const DEFAULT_MAX_IN_FLIGHT_BYTES_PER_SHARD = 16 * DEFAULT_MAX_FRAME_BODY_BYTES;
/**
 * Response bytes queued in a socket beyond which the connection stops reading requests
 * until the socket drains: a client that does not read its responses cannot make the
 * shard buffer without bound.
 */
export const DEFAULT_SOCKET_WRITE_HIGH_WATER_BYTES = 1024 * 1024;
/** How long a connection we are closing waits for the client to close its side before destroying it. */
export const CLOSE_LINGER_MS = 5_000;
/** Initial output slab of a connection; it grows for large responses (see BodyWriter). */
export const CONNECTION_WRITER_SLAB_BYTES = 16 * 1024;

/** The per-connection bounds; every field defaults to the constant of the same meaning. */
export interface TransportLimits {
  maxInFlightRequests: number;
  maxInFlightBytes: number;
  /** Largest request frame body accepted (checked from the header, before buffering). */
  maxFrameBodyBytes: number;
  socketWriteHighWaterBytes: number;
}

/** The defaults: Cassandra's frame limit, 1024 requests, 64 MiB, 1 MiB of unsent responses. */
export const DEFAULT_TRANSPORT_LIMITS: Readonly<TransportLimits> = Object.freeze({
  maxInFlightRequests: MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
  maxInFlightBytes: DEFAULT_MAX_IN_FLIGHT_BYTES_PER_CONNECTION,
  maxFrameBodyBytes: DEFAULT_MAX_FRAME_BODY_BYTES,
  socketWriteHighWaterBytes: DEFAULT_SOCKET_WRITE_HIGH_WATER_BYTES,
});
