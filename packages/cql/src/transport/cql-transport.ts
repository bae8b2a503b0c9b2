import type net from 'node:net';
import type { Logger } from '@charybdis/core';
import { AllowAllAuthenticator } from './allow-all-authenticator';
import type { Authenticator } from './authenticator';
import { ClientTlsWrapper, type ClientTlsOptions } from './client-tls';
import { CqlConnection, type ConnectionContext } from './cql-connection';
import { EventBus } from './event-bus';
import type { RequestHandler, StatementScheduler } from './request-handler';
import { RequestMemoryBudget } from './request-memory-budget';
import type { ShardIdentity } from './shard-identity';
import { supportedOptions } from './supported-options';
import { DEFAULT_MAX_IN_FLIGHT_BYTES_PER_SHARD, DEFAULT_TRANSPORT_LIMITS, type TransportLimits } from './transport-limits';
import { NOOP_TRANSPORT_METRICS, type TransportMetrics } from './transport-metrics';

/** What one shard's CQL transport is built from (by the server's composition root). */
export interface CqlTransportOptions {
  /** Executes statements: the shard's QueryProcessor. */
  handler: RequestHandler;
  /** Reported in SUPPORTED (SCYLLA_SHARD, SCYLLA_NR_SHARDS, SCYLLA_SHARD_AWARE_PORT). */
  identity: ShardIdentity;
  log: Logger;
  /** The shard's event registry; a new one when omitted (reachable as `transport.events`). */
  events?: EventBus;
  /** Default AllowAllAuthenticator. */
  authenticator?: Authenticator;
  /** The shard's request-bytes budget; a new one of DEFAULT_MAX_IN_FLIGHT_BYTES_PER_SHARD when omitted. */
  budget?: RequestMemoryBudget;
  metrics?: TransportMetrics;
  /** The shard's `statement` scheduling group; requests run directly when null or omitted. */
  scheduler?: StatementScheduler | null;
  /** Per-connection bounds; omitted fields take DEFAULT_TRANSPORT_LIMITS. */
  limits?: Partial<TransportLimits>;
  /** Wall clock in ms (tests pass a fake). */
  clock?: () => number;
  /** TLS for every accepted socket; null or omitted: plain TCP. */
  tls?: ClientTlsOptions | null;
}

/**
 * The CQL native protocol server of one shard: it turns every socket the shard's
 * listeners accept into a `CqlConnection` sharing the shard's handler, event bus,
 * request-bytes budget, authenticator and metrics, and keeps track of them so the node
 * can close them at shutdown. Listening is the server's job; this owns connections only.
 *
 * Runs on its shard's thread; one per shard.
 */
export class CqlTransport {
  /** The shard's event registry: the query processor and the cluster layer publish here. */
  readonly events: EventBus;
  private readonly context: ConnectionContext;
  private readonly connections = new Set<CqlConnection>();
  private readonly tls: ClientTlsWrapper | null;
  private readonly closeWaiters: Array<() => void> = [];
  private readonly onConnectionClosed = (connection: CqlConnection): void => {
    this.connections.delete(connection);
    if (this.connections.size === 0) for (const resolve of this.closeWaiters.splice(0)) resolve();
  };

  constructor(options: CqlTransportOptions) {
    this.events = options.events ?? new EventBus();
    this.tls = options.tls == null ? null : new ClientTlsWrapper(options.tls, options.log);
    this.context = {
      handler: options.handler,
      supported: supportedOptions(options.identity),
      authenticator: options.authenticator ?? new AllowAllAuthenticator(),
      events: this.events,
      budget: options.budget ?? new RequestMemoryBudget(DEFAULT_MAX_IN_FLIGHT_BYTES_PER_SHARD),
      metrics: options.metrics ?? NOOP_TRANSPORT_METRICS,
      scheduler: options.scheduler ?? null,
      limits: Object.freeze({ ...DEFAULT_TRANSPORT_LIMITS, ...options.limits }),
      log: options.log,
      clock: options.clock ?? Date.now,
    };
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Serves `socket` (just accepted on this shard) until it closes. */
  accept(socket: net.Socket): CqlConnection {
    socket.setNoDelay(true);
    const served = this.tls === null ? socket : this.tls.wrap(socket);
    const connection = new CqlConnection(served, this.context, this.onConnectionClosed);
    this.connections.add(connection);
    return connection;
  }

  /** Destroys every open connection and resolves once all have closed. */
  closeAll(): Promise<void> {
    if (this.connections.size === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    for (const connection of this.connections) connection.destroy();
    return done;
  }
}
