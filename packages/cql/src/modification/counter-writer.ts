import { shardOf } from '@charybdis/core';
import type { Smp } from '@charybdis/core';
import { TableComparators, mergeManyPartitionUpdates, tableMutationSchema } from '@charybdis/schema';
import type { ClusteringPrefix, PartitionUpdate, Schema, TableMetadata } from '@charybdis/schema';
import { CharybdisError } from '@charybdis/core';
import { ExecutionErrorCodes } from '../execution/execution-types';
import type { CounterWriteState, DataAccess } from '../execution/execution-types';
import { CounterLocks } from './counter-locks';
import { counterLockKey, counterUpdate } from './counter-updates';
import type { CounterTarget } from './counter-updates';
import type { CounterIncrement } from './write-params';

/** The smp verb that runs counter updates on the shard owning their partition. */
export const COUNTER_APPLY_VERB = 'cql.counter-apply';

/** A counter target as it travels between shards: the table by id (every shard has the same schema). */
interface WireCounterTarget {
  readonly tableId: string;
  readonly key: Uint8Array;
  readonly token: bigint;
  readonly clustering: ClusteringPrefix | null;
  readonly increments: readonly CounterIncrement[];
  readonly timestampUs: bigint;
}

interface CounterApplyRequest {
  readonly targets: readonly WireCounterTarget[];
  readonly nowSeconds: number;
}

/** What the writer needs of its shard. */
export interface CounterWriterShard {
  readonly id: number;
  readonly count: number;
  readonly smp: Pick<Smp, 'registerVerb' | 'invokeOn'>;
}

/** Options of {@link ShardCounterWriter}. */
export interface ShardCounterWriterOptions {
  /** This node's counter id (its host id). */
  readonly counterId: string;
  readonly shard: CounterWriterShard;
  /** Reads and writes of this shard (a partition this shard owns is read and written here). */
  readonly data: DataAccess;
  /** The shard's current schema (to find a forwarded target's table). */
  readonly schema: () => Schema;
}

/**
 * Counter updates of one shard. An update is a read-before-write (see counterUpdate), so two
 * updates of the same counter must never interleave — on the whole node, not just on one
 * shard. Every counter update therefore runs on the shard that owns its partition (as
 * ScyllaDB runs a counter mutation on its leader), under that shard's per-row locks: a
 * statement coordinated by another shard forwards its targets there over smp.
 */
export class ShardCounterWriter implements CounterWriteState {
  readonly counterId: string;
  readonly #locks: CounterLocks;
  readonly #shard: CounterWriterShard;
  readonly #data: DataAccess;
  readonly #schema: () => Schema;
  readonly #comparators = new WeakMap<TableMetadata, TableComparators>();

  constructor(options: ShardCounterWriterOptions) {
    this.counterId = options.counterId;
    this.#locks = new CounterLocks(options.counterId);
    this.#shard = options.shard;
    this.#data = options.data;
    this.#schema = options.schema;
    this.#shard.smp.registerVerb<CounterApplyRequest>(COUNTER_APPLY_VERB, (r) => this.#applyLocal(r.targets.map((t) => this.#target(t)), r.nowSeconds));
  }

  withLocks<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    return this.#locks.withLocks(keys, fn);
  }

  /** Applies the targets' increments, each partition on its owning shard; resolves when all are written. */
  async applyCounters(targets: readonly CounterTarget[], nowSeconds: number): Promise<void> {
    const byOwner = new Map<number, CounterTarget[]>();
    for (const t of targets) {
      const owner = shardOf(t.key.token, this.#shard.count);
      const list = byOwner.get(owner);
      if (list === undefined) byOwner.set(owner, [t]);
      else list.push(t);
    }
    await Promise.all(
      [...byOwner].map(([owner, list]) => {
        if (owner === this.#shard.id) return this.#applyLocal(list, nowSeconds);
        const request: CounterApplyRequest = { targets: list.map(wireTarget), nowSeconds };
        return this.#shard.smp.invokeOn<void>(owner, COUNTER_APPLY_VERB, request);
      }),
    );
  }

  #applyLocal(targets: readonly CounterTarget[], nowSeconds: number): Promise<void> {
    return applyCountersHere(this, targets, this.#data, nowSeconds, (t) => this.#comparatorsOf(t));
  }

  #target(t: WireCounterTarget): CounterTarget {
    const table = this.#schema().tableById(t.tableId);
    if (table === undefined) throw new CharybdisError(ExecutionErrorCodes.INVALID, `Table ${t.tableId} was dropped while a counter update on it was in flight`);
    return { table, key: { key: t.key, token: t.token }, clustering: t.clustering, increments: t.increments, timestampUs: t.timestampUs };
  }

  #comparatorsOf(table: TableMetadata): TableComparators {
    let c = this.#comparators.get(table);
    if (c === undefined) {
      c = new TableComparators(tableMutationSchema(table));
      this.#comparators.set(table, c);
    }
    return c;
  }
}

function wireTarget(t: CounterTarget): WireCounterTarget {
  return { tableId: t.table.id, key: t.key.key, token: t.key.token, clustering: t.clustering, increments: t.increments, timestampUs: t.timestampUs };
}

/**
 * Reads the targets' current totals and writes the new ones on this shard, holding the rows'
 * locks (`state.withLocks`); one mutation per partition. The one read-before-write of
 * counters: ShardCounterWriter runs it on the owning shard, a context without a writer
 * (single shard, tests) runs it in place.
 */
export async function applyCountersHere(
  state: CounterWriteState,
  targets: readonly CounterTarget[],
  data: DataAccess,
  nowSeconds: number,
  comparatorsOf: (table: TableMetadata) => TableComparators,
): Promise<void> {
  await state.withLocks(targets.map(counterLockKey), async () => {
    const written = await Promise.all(targets.map((t) => counterUpdate(t, data, state.counterId, nowSeconds)));
    const byPartition = new Map<string, { table: TableMetadata; parts: PartitionUpdate[] }>();
    written.forEach((u, i) => {
      const id = `${u.tableId}:${Buffer.from(u.partitionKey.buffer, u.partitionKey.byteOffset, u.partitionKey.byteLength).toString('hex')}`;
      const entry = byPartition.get(id);
      if (entry === undefined) byPartition.set(id, { table: targets[i]!.table, parts: [u] });
      else entry.parts.push(u);
    });
    await data.mutateAll([...byPartition.values()].map(({ table, parts }) => mergeManyPartitionUpdates(parts, comparatorsOf(table))));
  });
}
