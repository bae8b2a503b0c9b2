import { murmur3Token } from '../partitioner/murmur3-partitioner';
import type { DeletionTime } from './deletion-time';
import type { RangeTombstone } from './range-tombstone';
import type { Row, StaticRow } from './row';

/**
 * Every change to one partition of one table (Cassandra's PartitionUpdate): plain data,
 * the unit applied to a memtable, written to the commitlog and sent between shards and
 * nodes. A Cassandra `Mutation` (several tables, one partition key) is a list of these.
 *
 * Normalized form (what `mergePartitionUpdates` and `normalizePartitionUpdate` return
 * and what the codec writes): rows sorted by the table's clustering comparator with no
 * two equal; columns sorted by name; complex cells sorted by path; range tombstones
 * sorted, disjoint and joined; and nothing that a deletion shadows.
 */
export interface PartitionUpdate {
  /** The table's id (a UUID string). */
  readonly tableId: string;
  /** The serialized partition key (compound keys in their composite form). */
  readonly partitionKey: Uint8Array;
  /** The key's token (Murmur3). */
  readonly token: bigint;
  readonly partitionDeletion?: DeletionTime;
  readonly staticRow?: StaticRow;
  readonly rows: readonly Row[];
  readonly rangeTombstones: readonly RangeTombstone[];
}

/** An update that changes nothing yet, for `partitionKey` of table `tableId` (token by Murmur3 unless given). */
export function emptyPartitionUpdate(tableId: string, partitionKey: Uint8Array, token: bigint = murmur3Token(partitionKey)): PartitionUpdate {
  return { tableId, partitionKey, token, rows: [], rangeTombstones: [] };
}

/** True when the update holds nothing (no deletion, no static row, no rows, no range tombstones). */
export function isEmptyPartitionUpdate(update: PartitionUpdate): boolean {
  return (
    update.partitionDeletion === undefined &&
    update.staticRow === undefined &&
    update.rows.length === 0 &&
    update.rangeTombstones.length === 0
  );
}
