import type { ClientSession } from '../execution/execution-types';
import type { Request } from '../protocol/request-types';
import type { Response } from '../protocol/response-types';

/** The requests a connection hands to its `RequestHandler`: the statement-carrying ones. */
export type StatementRequest = Extract<Request, { kind: 'query' | 'prepare' | 'execute' | 'batch' }>;

/**
 * Executes QUERY, PREPARE, EXECUTE and BATCH for a connection (the QueryProcessor
 * implements it). Called on the shard that owns the connection, inside its `statement`
 * scheduling group when one is configured, with many calls outstanding per connection.
 *
 * - `session` is the connection's own ClientSession (one per connection; USE changes
 *   its keyspace) and lives as long as the connection.
 * - `nowMs` is the server's wall clock, read once when the request was dispatched.
 * - Byte fields of `request` are views into the received frame: copy what must outlive
 *   the returned promise.
 * - Every CQL-visible failure should be returned as an `{ kind: 'error' }` response. A
 *   rejection is answered with Server error (0x0000), or ProtocolError (0x000A) for a
 *   CQL_PROTOCOL / CQL_FRAME_TOO_LARGE error, on the request's stream; the shard never
 *   crashes.
 */
export interface RequestHandler {
  process(request: StatementRequest, session: ClientSession, nowMs: number): Promise<Response>;
}

/**
 * Where requests run: the shard's `statement` scheduling group (core's SchedulingGroup
 * fits). A rejection of `run` (queue full, scheduler stopped) answers the requests it
 * carried with Overloaded.
 */
export interface StatementScheduler {
  run<T>(fn: () => T | PromiseLike<T>): Promise<Awaited<T>>;
}
