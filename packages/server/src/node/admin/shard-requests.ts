import type { Worker } from 'node:worker_threads';
import { CharybdisError } from '@charybdis/core';
import type { SupervisorToShard } from '../control-messages';
import type { AdminReply, AdminRequest } from './admin-requests';

/** Error codes of a gathered admin request (the HTTP layer maps them to 503/504). */
export const ShardRequestErrorCodes = {
  /** Some shard did not answer in time. */
  TIMEOUT: 'CHARYBDIS_ADMIN_TIMEOUT',
  /** The node is not running (starting, draining by signal, stopped). */
  UNAVAILABLE: 'CHARYBDIS_ADMIN_UNAVAILABLE',
} as const;

/** Admin requests in flight at once; more is refused (a misbehaving script must not pile up work on the shards). */
export const MAX_ADMIN_REQUESTS_IN_FLIGHT = 64;

interface Pending {
  replies: (AdminReply | null)[];
  missing: number;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The supervisor's side of admin requests to shards: sends a request with a fresh id to
 * some shards over their control ports, gathers one reply per shard, and rejects with
 * CHARYBDIS_ADMIN_TIMEOUT naming the silent shards when they do not all answer within the
 * time bound. Replies arriving later are dropped. Lives on the main thread.
 */
export class ShardRequests {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly workers: () => readonly Worker[]) {}

  /** Sends `request` to the given shards (default: all) and resolves with their replies, in shard order. */
  send(request: AdminRequest, timeoutMs: number, shards?: readonly number[]): Promise<AdminReply[]> {
    const workers = this.workers();
    const targets = shards ?? workers.map((_, i) => i);
    if (workers.length === 0) return Promise.reject(new CharybdisError(ShardRequestErrorCodes.UNAVAILABLE, 'the node has no running shards'));
    if (this.pending.size >= MAX_ADMIN_REQUESTS_IN_FLIGHT) {
      return Promise.reject(new CharybdisError(ShardRequestErrorCodes.UNAVAILABLE, `too many admin requests in flight (${MAX_ADMIN_REQUESTS_IN_FLIGHT}); try again later`));
    }
    const requestId = this.nextId++;
    return new Promise<AdminReply[]>((resolve, reject) => {
      const replies: (AdminReply | null)[] = workers.map(() => null);
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        const silent = targets.filter((i) => replies[i] === null);
        reject(new CharybdisError(ShardRequestErrorCodes.TIMEOUT, `'${request.op}' timed out after ${timeoutMs} ms: shard(s) ${silent.join(', ')} did not answer`));
      }, timeoutMs);
      this.pending.set(requestId, {
        replies,
        missing: targets.length,
        resolve: () => resolve(targets.map((i) => replies[i]!)),
        reject,
        timer,
      });
      for (const i of targets) workers[i]!.postMessage({ kind: 'admin', requestId, request } satisfies SupervisorToShard);
    });
  }

  /** Takes shard `shardId`'s reply to request `requestId` (from the worker's message handler). */
  onReply(shardId: number, requestId: number, reply: AdminReply): void {
    const p = this.pending.get(requestId);
    if (p === undefined || p.replies[shardId] !== null) return;
    p.replies[shardId] = reply;
    if (--p.missing > 0) return;
    clearTimeout(p.timer);
    this.pending.delete(requestId);
    p.resolve();
  }

  /** Fails every request in flight (the node is stopping). */
  failAll(reason: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new CharybdisError(ShardRequestErrorCodes.UNAVAILABLE, reason));
    }
  }
}
