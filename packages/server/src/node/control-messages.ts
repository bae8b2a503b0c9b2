import type { IoDiskProperties, MetricsSnapshot, SmpBuffers } from '@charybdis/core';
import type { NodeConfig } from '../config';
import type { AdminReply, AdminRequest } from './admin/admin-requests';

/**
 * Messages between the supervisor (main thread) and the shard workers, over each worker's
 * MessagePort. Control only: data between shards will travel over the smp rings.
 * Plain data, discriminated by `kind`.
 */

/** Given to each worker at start (workerData). */
export interface ShardWorkerData {
  shardId: number;
  shardCount: number;
  config: NodeConfig;
  /** Pretty logs: decided by the supervisor, since a worker's stdout is never a TTY. */
  logPretty: boolean;
  /** False when the native addon is missing: then only shard 0 listens, without SO_REUSEPORT. */
  reusePort: boolean;
  /** Fault injection for tests: this shard throws an uncaught error soon after listening. */
  crashAfterListenMs: number | null;
  /** The node's smp rings (SharedArrayBuffers), the same object for every shard. */
  smpBuffers: SmpBuffers;
  /** The disk model of the data directory, for the shard's I/O queue. */
  ioDisk: IoDiskProperties;
  /** This node's host id and tokens (node-identity.json), the same for every shard. */
  identity: { hostId: string; tokens: readonly string[] };
  /** When the node started, seconds since the epoch (system.local's gossip_generation). */
  startedAtSeconds: number;
}

export type SupervisorToShard =
  | { kind: 'smp-check' }
  | { kind: 'open-tables' }
  | { kind: 'listen' }
  | { kind: 'collect-metrics'; requestId: number }
  /** A REST admin API request (answered by `admin-reply` with the same id). */
  | { kind: 'admin'; requestId: number; request: AdminRequest }
  | { kind: 'drain' };

/** One listening socket of a shard. */
export interface ListenerEndpoint {
  name: 'native_transport_port' | 'native_shard_aware_transport_port';
  host: string;
  port: number;
}

export type ShardToSupervisor =
  | { kind: 'booted'; ioBackend: string; ioBackendReason: string }
  | { kind: 'tables-opened'; tables: number; replayed: number }
  | { kind: 'smp-checked'; ok: true; shardsAnswered: number[]; elapsedUs: number }
  | { kind: 'smp-checked'; ok: false; message: string; code: string }
  | { kind: 'listening'; endpoints: ListenerEndpoint[] }
  | { kind: 'listen-failed'; message: string; code: string }
  | { kind: 'metrics'; requestId: number; snapshot: MetricsSnapshot }
  | { kind: 'admin-reply'; requestId: number; reply: AdminReply };
