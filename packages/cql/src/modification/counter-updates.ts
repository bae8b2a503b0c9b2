import { BOTTOM_BOUND, TOP_BOUND, counterCell } from '@charybdis/schema';
import type { ClusteringPrefix, ColumnData, PartitionUpdate, TableMetadata } from '@charybdis/schema';
import type { ReadCommand, ResultRow } from '@charybdis/storage';
import type { DataAccess } from '../execution/execution-types';
import type { EncodedPartitionKey } from './partition-key';
import type { CounterIncrement } from './write-params';

/**
 * Counter updates turned into counter cells by read-before-write (Cassandra's
 * CounterMutation on the leader, for a single node): read the counter's current total,
 * write this node's shard with count = total + delta and a clock above the previous one.
 *
 * The read returns totals, not shards, so the clock is tied to the write time: every
 * update writes clock = timestamp = max(previous write time + 1, the statement's
 * timestamp). The merged cell keeps the highest timestamp and the shard with the highest
 * clock, so the newest total always wins a merge and never loses to an older one. This
 * holds while this node is the only counter id (single node): with more, the total read
 * would include other nodes' shards.
 */

/** The increments of one row (or static row: clustering null) of one partition. */
export interface CounterTarget {
  readonly table: TableMetadata;
  readonly key: EncodedPartitionKey;
  readonly clustering: ClusteringPrefix | null;
  readonly increments: readonly CounterIncrement[];
  readonly timestampUs: bigint;
}

/** The lock key of a target: one lock per row (static rows apart). */
export function counterLockKey(t: CounterTarget): string {
  const c = t.clustering === null ? 'static' : t.clustering.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')).join('.');
  return `${t.table.id}:${Buffer.from(t.key.key.buffer, t.key.key.byteOffset, t.key.key.byteLength).toString('hex')}:${c}`;
}

function readCommand(t: CounterTarget, columns: string[], nowSeconds: number): ReadCommand {
  if (t.clustering === null) {
    return { slices: [{ start: BOTTOM_BOUND, end: TOP_BOUND }], reversed: false, rowLimit: 1, columns, nowSeconds, staticRow: 'full' };
  }
  const slice = { start: { kind: 'inclStart' as const, prefix: t.clustering }, end: { kind: 'inclEnd' as const, prefix: t.clustering } };
  return { slices: [slice], reversed: false, rowLimit: 1, columns, nowSeconds, staticRow: 'none' };
}

/** The partition update writing `t`'s new counter cells, after reading their current totals. */
export async function counterUpdate(t: CounterTarget, data: DataAccess, counterId: string, nowSeconds: number): Promise<PartitionUpdate> {
  const deltas = new Map<string, bigint>();
  for (const inc of t.increments) deltas.set(inc.column, (deltas.get(inc.column) ?? 0n) + inc.delta);
  const columns = [...deltas.keys()];
  const result = await data.read(t.table.id, t.key.key, t.key.token, readCommand(t, columns, nowSeconds));
  const row: ResultRow | undefined = t.clustering === null ? result.partition?.staticRow : result.partition?.rows[0];
  const cells: ColumnData[] = columns.map((column) => {
    const current = row?.cells.find((c) => c.column === column);
    const total = current?.kind === 'counter' ? current.total : 0n;
    const previous = current?.kind === 'counter' ? current.writetimeUs : -1n;
    const clock = previous + 1n > t.timestampUs ? previous + 1n : t.timestampUs;
    const count = BigInt.asIntN(64, total + deltas.get(column)!);
    return { kind: 'simple', column, cell: counterCell(clock, [{ counterId, clock, count }]) };
  });
  const base = { tableId: t.table.id, partitionKey: t.key.key, token: t.key.token, rangeTombstones: [] };
  return t.clustering === null ? { ...base, staticRow: { columns: cells }, rows: [] } : { ...base, rows: [{ clustering: t.clustering, columns: cells }] };
}
