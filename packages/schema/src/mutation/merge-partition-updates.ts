import { bytesEqual } from '../types/compare-bytes';
import { ClusteringComparator } from '../types/clustering-comparator';
import { maxDeletion } from './deletion-time';
import type { DeletionTime } from './deletion-time';
import { invalidMutationError } from './invalid-mutation-error';
import type { PartitionUpdate } from './partition-update';
import { RangeTombstoneCursor, normalizeRangeTombstones } from './range-tombstone-list';
import type { Row, StaticRow } from './row';
import { isPlainNormalizedRow, mergeColumnLists, mergeRowGroup, shadowColumns, shadowRow } from './row-merger';
import type { TableComparators } from './table-comparators';

function checkSamePartition(updates: readonly PartitionUpdate[]): void {
  const first = updates[0]!;
  for (const u of updates) {
    if (u.tableId !== first.tableId) throw invalidMutationError(`cannot merge updates of tables ${first.tableId} and ${u.tableId}`);
    if (!bytesEqual(u.partitionKey, first.partitionKey)) {
      throw invalidMutationError(
        `cannot merge updates of partition keys ${Buffer.from(first.partitionKey).toString('hex')} and ${Buffer.from(u.partitionKey).toString('hex')}`,
      );
    }
    if (u.token !== first.token) throw invalidMutationError(`same partition key with tokens ${first.token} and ${u.token}`);
  }
}

function mergeRows(updates: readonly PartitionUpdate[], comparators: TableComparators): Row[] {
  const clustering = comparators.clustering;
  if (updates.length === 1 && updates[0]!.rows.length <= 1) {
    const rows = updates[0]!.rows;
    if (rows.length === 0) return [];
    clustering.validate(rows[0]!.clustering, true);
    return [mergeRowGroup(rows, comparators)];
  }
  const all = updates.flatMap((u) => u.rows);
  for (const r of all) clustering.validate(r.clustering, true);
  const sorted = all.slice().sort((a, b) => clustering.compare(a.clustering, b.clustering) || ClusteringComparator.compareBytes(a.clustering, b.clustering));
  const out: Row[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i + 1;
    while (j < sorted.length && clustering.compare(sorted[i]!.clustering, sorted[j]!.clustering) === 0) j++;
    out.push(j === i + 1 ? mergeRowGroup([sorted[i]!], comparators) : mergeRowGroup(sorted.slice(i, j), comparators));
    i = j;
  }
  return out;
}

function mergeStatic(updates: readonly PartitionUpdate[], partitionDeletion: DeletionTime | undefined, comparators: TableComparators): StaticRow | undefined {
  const lists = updates.flatMap((u) => (u.staticRow === undefined ? [] : [u.staticRow.columns]));
  if (lists.length === 0) return undefined;
  const columns = shadowColumns(mergeColumnLists(lists, comparators), partitionDeletion, comparators);
  return columns.length === 0 ? undefined : { columns };
}

/**
 * Merges any number of updates of one partition into the normalized update holding
 * everything they hold, with Cassandra's rules: deletions supersede by (timestamp, local
 * deletion time); cells reconcile by `reconcileCells`; row markers by `livenessSupersedes`;
 * then everything a deletion shadows is dropped (a partition deletion shadows the whole
 * partition, a range tombstone its slice, a row deletion its row, a collection tombstone
 * its elements; a deletion shadows data written at or before its timestamp).
 *
 * The result depends only on the union of the inputs, never on their order or grouping:
 * merging is commutative, associative and idempotent, so replicas, memtables and
 * compactions that see the same writes in any order converge on the same data.
 *
 * Throws `SCHEMA_INVALID_MUTATION` if the updates are for different partitions or do not
 * fit the table.
 */
export function mergeManyPartitionUpdates(updates: readonly PartitionUpdate[], comparators: TableComparators): PartitionUpdate {
  if (updates.length === 0) throw invalidMutationError('nothing to merge');
  const first = updates[0]!;
  // The shape of almost every statement's write (one live row, nothing deleted), already
  // normalized: merging it alone gives it back, so it is returned as it is (after the checks).
  if (
    updates.length === 1 &&
    first.partitionDeletion === undefined &&
    first.staticRow === undefined &&
    first.rangeTombstones.length === 0 &&
    first.rows.length === 1 &&
    isPlainNormalizedRow(first.rows[0]!, comparators)
  ) {
    return first;
  }
  checkSamePartition(updates);
  let partitionDeletion: DeletionTime | undefined;
  for (const u of updates) partitionDeletion = maxDeletion(partitionDeletion, u.partitionDeletion);

  for (const u of updates) for (const rt of u.rangeTombstones) {
    comparators.clustering.validate(rt.start.prefix, false);
    comparators.clustering.validate(rt.end.prefix, false);
  }
  const rangeTombstones = normalizeRangeTombstones(
    updates.flatMap((u) => u.rangeTombstones),
    partitionDeletion,
    comparators.clustering,
  );
  const cursor = new RangeTombstoneCursor(rangeTombstones, comparators.clustering);
  const rows: Row[] = [];
  for (const row of mergeRows(updates, comparators)) {
    const shadowed = shadowRow(row, maxDeletion(partitionDeletion, cursor.coveringDeletion(row.clustering)), comparators);
    if (shadowed !== undefined) rows.push(shadowed);
  }
  const staticRow = mergeStatic(updates, partitionDeletion, comparators);

  const result: {
    tableId: string;
    partitionKey: Uint8Array;
    token: bigint;
    partitionDeletion?: DeletionTime;
    staticRow?: StaticRow;
    rows: Row[];
    rangeTombstones: typeof rangeTombstones;
  } = { tableId: first.tableId, partitionKey: first.partitionKey, token: first.token, rows, rangeTombstones };
  if (partitionDeletion !== undefined) result.partitionDeletion = partitionDeletion;
  if (staticRow !== undefined) result.staticRow = staticRow;
  return result;
}

/** `merge(a, b)`: see {@link mergeManyPartitionUpdates}. */
export function mergePartitionUpdates(a: PartitionUpdate, b: PartitionUpdate, comparators: TableComparators): PartitionUpdate {
  return mergeManyPartitionUpdates([a, b], comparators);
}

/**
 * The normalized form of one update (sorted, deduplicated, shadowed data dropped): what
 * a statement's update should go through before it is applied or encoded.
 */
export function normalizePartitionUpdate(update: PartitionUpdate, comparators: TableComparators): PartitionUpdate {
  return mergeManyPartitionUpdates([update], comparators);
}
