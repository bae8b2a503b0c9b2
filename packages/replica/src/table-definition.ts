import type { MutationSchema } from '@charybdis/schema';

/**
 * What the replica needs to know about a table: its identity, the mutation schema (column
 * types, clustering), and the storage options of CREATE TABLE … WITH. Plain data, the same
 * on every shard.
 */
export interface TableDefinition {
  readonly keyspace: string;
  readonly name: string;
  /** The table id, a UUID string (also the id inside every PartitionUpdate of the table). */
  readonly id: string;
  readonly schema: MutationSchema;
  /** The `compaction = {…}` option map (strings); default size-tiered. */
  readonly compaction?: Readonly<Record<string, string>>;
  /** Tombstones older than this may be purged by compaction (default 864000). */
  readonly gcGraceSeconds?: number;
}
