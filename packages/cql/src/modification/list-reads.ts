import { BOTTOM_BOUND, TOP_BOUND } from '@charybdis/schema';
import type { ClusteringPrefix, TableMetadata } from '@charybdis/schema';
import type { ResultElement } from '@charybdis/storage';
import type { DataAccess } from '../execution/execution-types';
import type { EncodedPartitionKey } from './partition-key';
import type { ExistingLists } from './write-params';

/**
 * Read-before-write for list operations by index or value (`l[i] = v`, `DELETE l[i]`,
 * `l = l - [...]`), as Cassandra's Lists.SetterByIndex/Discarder: the row's current list
 * elements with their cell paths (timeuuids), in list order.
 */
export async function readLists(
  data: DataAccess,
  table: TableMetadata,
  key: EncodedPartitionKey,
  clustering: ClusteringPrefix | null,
  columns: readonly string[],
  nowSeconds: number,
): Promise<ExistingLists> {
  const slices =
    clustering === null ? [{ start: BOTTOM_BOUND, end: TOP_BOUND }] : [{ start: { kind: 'inclStart' as const, prefix: clustering }, end: { kind: 'inclEnd' as const, prefix: clustering } }];
  const result = await data.read(table.id, key.key, key.token, {
    slices,
    reversed: false,
    rowLimit: 1,
    columns: [...columns],
    nowSeconds,
    staticRow: clustering === null ? 'full' : 'none',
  });
  const row = clustering === null ? result.partition?.staticRow : result.partition?.rows[0];
  const out = new Map<string, readonly ResultElement[]>();
  for (const c of row?.cells ?? []) if (c.kind === 'collection') out.set(c.column, c.elements);
  return out;
}
