import { CharybdisError } from '@charybdis/core';
import { ExecutionErrorCodes } from '../execution/execution-types';
import type { CounterWriteState } from '../execution/execution-types';
import { MAX_PENDING_COUNTER_UPDATES } from './modification-limits';

/**
 * A keyed mutex for counter read-before-write: an update reads a counter's current value,
 * adds its delta and writes the new total with a higher clock, so two updates of the same
 * counter must not interleave. Locks are taken in sorted key order (no deadlock between
 * updates of several counters) and chained per key (FIFO). At most
 * MAX_PENDING_COUNTER_UPDATES updates hold or wait for locks; more are Overloaded.
 *
 * The lock only serializes updates run by this instance: the server gives one per shard
 * and runs every counter update on the shard owning its partition (ShardCounterWriter),
 * so updates of one counter never interleave on a node. Across nodes, the counter write
 * path moves to the leader replica with the cluster work (Cassandra's CounterMutation).
 */
export class CounterLocks implements CounterWriteState {
  private readonly tails = new Map<string, Promise<void>>();
  private pending = 0;

  /** `counterId`: this node's counter id (its host id in Cassandra). */
  constructor(readonly counterId: string, private readonly maxPending: number = MAX_PENDING_COUNTER_UPDATES) {}

  async withLocks<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    if (this.pending >= this.maxPending) {
      throw new CharybdisError(ExecutionErrorCodes.OVERLOADED, `Too many concurrent counter updates (${this.pending} pending, maximum ${this.maxPending})`);
    }
    this.pending++;
    const held: { key: string; tail: Promise<void>; release: () => void }[] = [];
    try {
      for (const key of [...new Set(keys)].sort()) {
        const previous = this.tails.get(key);
        let release!: () => void;
        const mine = new Promise<void>((resolve) => (release = resolve));
        const tail = previous === undefined ? mine : previous.then(() => mine);
        this.tails.set(key, tail);
        held.push({ key, tail, release });
        if (previous !== undefined) await previous;
      }
      return await fn();
    } finally {
      for (const h of held) {
        h.release();
        if (this.tails.get(h.key) === h.tail) this.tails.delete(h.key);
      }
      this.pending--;
    }
  }

  /** Updates holding or waiting for locks (for tests and metrics). */
  get pendingUpdates(): number {
    return this.pending;
  }
}

/** The counter id used when the context brings no CounterWriteState: a fixed, documented id for a single node. */
export const SINGLE_NODE_COUNTER_ID = '00000000-0000-1000-8000-000000000001';
