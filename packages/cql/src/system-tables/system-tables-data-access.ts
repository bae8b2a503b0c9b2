import { CharybdisError } from '@charybdis/core';
import { SYSTEM_KEYSPACE_NAME, SYSTEM_SCHEMA_COMPARATORS, SYSTEM_SCHEMA_TABLES, SYSTEM_TABLES, bytesEqual } from '@charybdis/schema';
import type { PartitionUpdate, Schema, TableComparators } from '@charybdis/schema';
import { readRange } from '@charybdis/storage';
import type { RangeReadCommand, ReadCommand, SinglePartitionReadResult } from '@charybdis/storage';
import type { RangePage } from '@charybdis/coordinator';
import type { DataAccess } from '../execution/execution-types';
import { ExecutionErrorCodes } from '../execution/execution-types';
import type { LocalNodeInfo } from './local-node-info';
import { localPartition, systemSchemaPartitions, systemTableComparators } from './virtual-partitions';
import { sizeEstimatePartitions } from './size-estimates';
import type { TableSizeEstimate } from './size-estimates';

/** The node's SSTable partition counts and bytes per table id (every shard summed). */
export type SizeEstimatesSource = () => Promise<ReadonlyMap<string, TableSizeEstimate>>;

/** Where the current schema comes from (the shard's SchemaService). */
export interface SchemaSource {
  readonly schema: Schema;
}

type VirtualTable =
  | { readonly kind: 'local' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'unavailable'; readonly name: string }
  | { readonly kind: 'schema' }
  | { readonly kind: 'sizeEstimates' };

const NO_SSTABLES = { sstablesConsidered: 0, sstablesRead: 0, skippedByBloom: 0, skippedByClustering: 0, skippedByTimestamp: 0 } as const;

/** The partitions as the async stream readRange takes (they are already in memory). */
function iterate(updates: readonly PartitionUpdate[]): AsyncIterable<PartitionUpdate> {
  return {
    [Symbol.asyncIterator]: () => {
      let i = 0;
      return { next: () => Promise.resolve(i < updates.length ? { done: false, value: updates[i++]! } : { done: true, value: undefined }) };
    },
  };
}

function virtualTables(): Map<string, VirtualTable> {
  const out = new Map<string, VirtualTable>();
  for (const [name, t] of SYSTEM_TABLES) {
    // peers_v2 answers Invalid until the cluster work: the Python driver then falls back to
    // system.peers, and cassandra-driver never reads it.
    out.set(
      t.id,
      name === 'local' ? { kind: 'local' } : name === 'peers_v2' ? { kind: 'unavailable', name } : name === 'size_estimates' ? { kind: 'sizeEstimates' } : { kind: 'empty' },
    );
  }
  for (const t of SYSTEM_SCHEMA_TABLES.values()) out.set(t.id, { kind: 'schema' });
  return out;
}

/**
 * A DataAccess that serves the node-local virtual tables and passes every other table to
 * the real one: system.local (this node, the current schema version), system.peers and
 * table_estimates (empty on a single node), size_estimates (the node's SSTable partition
 * counts per table and token range, gathered from every shard on each read), system.peers_v2 (Invalid
 * for now) and system_schema.* generated from the in-memory schema (every keyspace,
 * system ones included). Reads go through storage's readRange over the generated
 * partitions, so SELECT works on them unchanged (restrictions, projections, paging).
 * The generated content is cached for the current schema snapshot only. Writes to these
 * tables are refused as Cassandra refuses them.
 */
export class SystemTablesDataAccess implements DataAccess {
  readonly #inner: DataAccess;
  readonly #schemaSource: SchemaSource;
  readonly #node: LocalNodeInfo;
  readonly #sizeEstimates: SizeEstimatesSource | null;
  readonly #virtual = virtualTables();
  readonly #comparators = systemTableComparators();
  #cachedFor: Schema | null = null;
  #cached = new Map<string, PartitionUpdate[]>();

  constructor(inner: DataAccess, schemaSource: SchemaSource, node: LocalNodeInfo, sizeEstimates: SizeEstimatesSource | null = null) {
    this.#inner = inner;
    this.#schemaSource = schemaSource;
    this.#node = node;
    this.#sizeEstimates = sizeEstimates;
  }

  /** True when `tableId` is served here rather than by the real tables. */
  isVirtual(tableId: string): boolean {
    return this.#virtual.has(tableId);
  }

  mutateAll(updates: readonly PartitionUpdate[]): Promise<void> {
    for (const u of updates) {
      if (this.#virtual.has(u.tableId)) {
        const keyspace = this.#schemaSource.schema.tableById(u.tableId)?.keyspace ?? SYSTEM_KEYSPACE_NAME;
        return Promise.reject(new CharybdisError(ExecutionErrorCodes.UNAUTHORIZED, `${keyspace} keyspace is not user-modifiable.`));
      }
    }
    return this.#inner.mutateAll(updates);
  }

  async read(tableId: string, partitionKey: Uint8Array, token: bigint, command: ReadCommand): Promise<SinglePartitionReadResult> {
    if (!this.#virtual.has(tableId)) return this.#inner.read(tableId, partitionKey, token, command);
    const partition = (await this.#partitions(tableId)).find((p) => p.token === token && bytesEqual(p.partitionKey, partitionKey));
    const page = await readRange(iterate(partition === undefined ? [] : [partition]), command, this.#comparatorsOf(tableId));
    const result = page.partitions[0] ?? null;
    const rowsReturned = result === null ? 0 : Math.max(result.rows.length, result.staticRow !== undefined ? 1 : 0);
    // A page that stopped after the partition (no clustering to resume from) finished it.
    const pagingState = page.pagingState === null || page.pagingState.lastClustering === null ? null : page.pagingState;
    const lastRow = result?.rows[result.rows.length - 1];
    return { partition: result, rowsReturned, lastClustering: lastRow?.clustering ?? null, exhausted: pagingState === null, pagingState, ...NO_SSTABLES };
  }

  async readRange(tableId: string, command: RangeReadCommand): Promise<RangePage> {
    if (!this.#virtual.has(tableId)) return this.#inner.readRange(tableId, command);
    const page = await readRange(iterate(await this.#partitions(tableId)), command, this.#comparatorsOf(tableId));
    return { partitions: page.partitions, pagingState: page.pagingState };
  }

  #comparatorsOf(tableId: string): TableComparators {
    return this.#comparators.get(tableId) ?? SYSTEM_SCHEMA_COMPARATORS.get(this.#schemaSource.schema.tableById(tableId)!.name)!;
  }

  async #partitions(tableId: string): Promise<readonly PartitionUpdate[]> {
    const table = this.#virtual.get(tableId)!;
    switch (table.kind) {
      case 'empty':
        return [];
      case 'sizeEstimates': {
        if (this.#sizeEstimates === null) return [];
        const estimates = await this.#sizeEstimates();
        return sizeEstimatePartitions(this.#schemaSource.schema, this.#node.tokens, estimates, this.#comparatorsOf(tableId));
      }
      case 'unavailable':
        throw new CharybdisError(ExecutionErrorCodes.INVALID, `unconfigured table ${table.name}`);
      case 'local':
      case 'schema':
        return this.#generated(tableId);
    }
  }

  #generated(tableId: string): readonly PartitionUpdate[] {
    const schema = this.#schemaSource.schema;
    if (this.#cachedFor !== schema) {
      const tables = systemSchemaPartitions(schema);
      const local = SYSTEM_TABLES.get('local')!.id;
      tables.set(local, [localPartition(this.#node, schema, this.#comparators.get(local)!)]);
      this.#cached = tables;
      this.#cachedFor = schema;
    }
    return this.#cached.get(tableId) ?? [];
  }
}
