import { CharybdisError, shardOf } from '@charybdis/core';
import type { Smp } from '@charybdis/core';
import { encodePartitionUpdate, normalizePartitionUpdate } from '@charybdis/schema';
import type { PartitionUpdate } from '@charybdis/schema';
import type { ReplicaDatabase } from '@charybdis/replica';
import type { PagingState, RangeReadCommand, ReadCommand, ResultPartition, SinglePartitionReadResult } from '@charybdis/storage';
import { mergeShardPages } from './merge-shard-pages';

/** smp verbs the proxy serves on every shard (payloads are plain data). */
export const StorageProxyVerbs = {
  /** A write for the owning shard: the update normalized and encoded (encodePartitionUpdate) by the sender. */
  APPLY: 'storage_proxy.apply',
  READ: 'storage_proxy.read',
  RANGE: 'storage_proxy.range',
} as const;

/** Default time a shard waits for another shard's answer. */
export const DEFAULT_SHARD_TIMEOUT_MS = 10_000;

/** Stable codes of the proxy's errors. */
export const StorageProxyErrorCodes = {
  INVALID_REQUEST: 'COORDINATOR_INVALID_REQUEST',
} as const;

/** What the proxy needs of its shard. */
export interface ProxyShard {
  readonly id: number;
  readonly count: number;
  readonly smp: Pick<Smp, 'registerVerb' | 'invokeOn' | 'invokeOnAll'>;
}

interface ReadRequest {
  readonly tableId: string;
  readonly partitionKey: Uint8Array;
  readonly token: bigint;
  readonly command: ReadCommand;
}

interface RangeRequest {
  readonly tableId: string;
  readonly command: RangeReadCommand;
}

/** A page of a range read as the CQL layer sees it: the rows in partition order and where to resume. */
export interface RangePage {
  readonly partitions: ResultPartition[];
  readonly pagingState: PagingState | null;
}

/**
 * The single-node coordinator of one shard (ScyllaDB's storage_proxy, before replication):
 * every partition lives on the shard its token maps to (core's `shardOf`), so a write or a
 * single-partition read runs on that shard — directly when it is this one, over smp
 * otherwise — and a range read asks every shard for a page and merges them in partition
 * order. Replication, consistency levels and timeouts across nodes come with the cluster.
 */
export class StorageProxy {
  readonly #shard: ProxyShard;
  readonly #db: ReplicaDatabase;
  readonly #timeoutMs: number;

  constructor(shard: ProxyShard, db: ReplicaDatabase, options: { timeoutMs?: number } = {}) {
    this.#shard = shard;
    this.#db = db;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_SHARD_TIMEOUT_MS;
    shard.smp.registerVerb<Uint8Array>(StorageProxyVerbs.APPLY, (encoded) => this.#db.applyEncoded(encoded));
    shard.smp.registerVerb<ReadRequest>(StorageProxyVerbs.READ, (r) => this.#db.table(r.tableId).read(r.partitionKey, r.token, r.command));
    shard.smp.registerVerb<RangeRequest>(StorageProxyVerbs.RANGE, (r) => this.#localRange(r));
  }

  /** The shard that owns `token`. */
  ownerOf(token: bigint): number {
    return shardOf(token, this.#shard.count);
  }

  /** Applies one partition's update on its owning shard. */
  async mutate(update: PartitionUpdate): Promise<void> {
    const owner = this.ownerOf(update.token);
    if (owner === this.#shard.id) return this.#db.apply(update);
    // The owner gets the mutation's binary form: smaller than the object graph over smp, and
    // the very bytes it appends to its commitlog (every shard has every table's schema).
    const encoded = encodePartitionUpdate(normalizePartitionUpdate(update, this.#db.table(update.tableId).comparators));
    return this.#shard.smp.invokeOn<void>(owner, StorageProxyVerbs.APPLY, encoded, { timeoutMs: this.#timeoutMs });
  }

  /** Applies several updates (a batch), each on its owner, concurrently; rejects with the first failure. */
  async mutateAll(updates: readonly PartitionUpdate[]): Promise<void> {
    if (updates.length === 1) return this.mutate(updates[0]!);
    await Promise.all(updates.map((u) => this.mutate(u)));
  }

  /** A single-partition read on the owning shard. */
  read(tableId: string, partitionKey: Uint8Array, token: bigint, command: ReadCommand): Promise<SinglePartitionReadResult> {
    const owner = this.ownerOf(token);
    if (owner === this.#shard.id) return this.#db.table(tableId).read(partitionKey, token, command);
    return this.#shard.smp.invokeOn<SinglePartitionReadResult>(owner, StorageProxyVerbs.READ, { tableId, partitionKey, token, command }, { timeoutMs: this.#timeoutMs });
  }

  /**
   * One page of a token-range read over every shard: each shard reads up to `rowLimit`
   * rows from the same position, and the pages are merged in partition order and cut at
   * `rowLimit` (see mergeShardPages for the paging state).
   */
  async readRange(tableId: string, command: RangeReadCommand): Promise<RangePage> {
    if (!(command.rowLimit >= 1)) throw new CharybdisError(StorageProxyErrorCodes.INVALID_REQUEST, `rowLimit must be at least 1, got ${command.rowLimit}`);
    const pages = await this.#shard.smp.invokeOnAll<RangePage>(StorageProxyVerbs.RANGE, { tableId, command }, { timeoutMs: this.#timeoutMs });
    return mergeShardPages(pages, command);
  }

  async #localRange(r: RangeRequest): Promise<RangePage> {
    const result = await this.#db.table(r.tableId).readRange(r.command);
    return { partitions: result.partitions, pagingState: result.pagingState };
  }
}
