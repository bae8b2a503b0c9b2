import { SYSTEM_TABLES, codecFor, liveCell, murmur3Token, nativeType, normalizePartitionUpdate } from '@charybdis/schema';
import type { PartitionUpdate, Schema, TableComparators } from '@charybdis/schema';
import { sortPartitions } from './virtual-partitions';

/** One table's SSTable content on one shard (memtables are not counted, as in Cassandra). */
export interface TableSizeEstimate {
  readonly tableId: string;
  readonly partitions: number;
  readonly bytes: number;
}

const TEXT = codecFor(nativeType('text'));
const BIGINT = codecFor(nativeType('bigint'));
const MIN_TOKEN = -(2n ** 63n);
const RING = 2n ** 64n;

/** Sums the shards' estimates per table. */
export function sumSizeEstimates(perShard: readonly (readonly TableSizeEstimate[])[]): Map<string, TableSizeEstimate> {
  const out = new Map<string, TableSizeEstimate>();
  for (const shard of perShard) {
    for (const e of shard) {
      const seen = out.get(e.tableId);
      out.set(e.tableId, seen === undefined ? e : { tableId: e.tableId, partitions: seen.partitions + e.partitions, bytes: seen.bytes + e.bytes });
    }
  }
  return out;
}

/**
 * The node's token ranges as (start, end]: between consecutive tokens, and the wrapping
 * range split at the minimum token, as Cassandra normalises it (a single token owns the
 * whole ring: (t, min] and (min, t]).
 */
export function tokenRanges(tokens: readonly string[]): [bigint, bigint][] {
  const sorted = [...new Set(tokens.map((t) => BigInt(t)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 0) return [[MIN_TOKEN, MIN_TOKEN]];
  const out: [bigint, bigint][] = [];
  for (let i = 1; i < sorted.length; i++) out.push([sorted[i - 1]!, sorted[i]!]);
  const last = sorted[sorted.length - 1]!;
  if (last !== MIN_TOKEN) out.push([last, MIN_TOKEN]);
  if (sorted[0]! !== MIN_TOKEN) out.push([MIN_TOKEN, sorted[0]!]);
  return out.length > 0 ? out : [[MIN_TOKEN, MIN_TOKEN]]; // the minimum token alone owns the whole ring
}

/** The share of the ring in (start, end] (end = min token means the ring's end). */
function ringFraction(start: bigint, end: bigint): number {
  const width = end === MIN_TOKEN ? RING / 2n - 1n - start + 1n : end - start;
  return Number(width) / Number(RING);
}

/**
 * Splits `total` into whole numbers in proportion to `fractions` (largest remainders), so
 * they add up to `total` exactly: rounding each share alone would lose a small table's
 * partitions over hundreds of ranges.
 */
export function apportion(total: number, fractions: readonly number[]): number[] {
  const ideal = fractions.map((f) => total * f);
  const out = ideal.map((x) => Math.floor(x));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = ideal.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest);
  for (let k = 0; left > 0 && order.length > 0; k = (k + 1) % order.length, left--) out[order[k]!.i]!++;
  return out;
}

/**
 * system.size_estimates: for every table of a user keyspace, one row per token range
 * of this node with the table's partition count spread over the ranges by their share of
 * the ring, and its mean partition size (SSTable bytes / partitions). A single node owns
 * every range, so the rows of a table add up to its estimate.
 */
export function sizeEstimatePartitions(
  schema: Schema,
  tokens: readonly string[],
  estimates: ReadonlyMap<string, TableSizeEstimate>,
  comparators: TableComparators,
): PartitionUpdate[] {
  const table = SYSTEM_TABLES.get('size_estimates')!;
  const ranges = tokenRanges(tokens).map(([start, end]) => ({ start: TEXT.serialize(String(start)), end: TEXT.serialize(String(end)), fraction: ringFraction(start, end) }));
  const byKeyspace = new Map<string, PartitionUpdate['rows'][number][]>();
  for (const def of schema.userKeyspaces()) {
    const rows: PartitionUpdate['rows'][number][] = [];
    for (const t of def.tables) {
      const e = estimates.get(t.id);
      const mean = e === undefined || e.partitions === 0 ? 0 : Math.round(e.bytes / e.partitions);
      const counts = apportion(e?.partitions ?? 0, ranges.map((r) => r.fraction));
      ranges.forEach((r, i) => {
        rows.push({
          clustering: [TEXT.serialize(t.name), r.start, r.end],
          columns: [
            { kind: 'simple', column: 'mean_partition_size', cell: liveCell(0n, BIGINT.serialize(BigInt(mean))) },
            { kind: 'simple', column: 'partitions_count', cell: liveCell(0n, BIGINT.serialize(BigInt(counts[i]!))) },
          ],
        });
      });
    }
    if (rows.length > 0) byKeyspace.set(def.keyspace.name, rows);
  }
  const out: PartitionUpdate[] = [];
  for (const [keyspace, rows] of byKeyspace) {
    const key = TEXT.serialize(keyspace);
    out.push(normalizePartitionUpdate({ tableId: table.id, partitionKey: key, token: murmur3Token(key), rows, rangeTombstones: [] }, comparators));
  }
  return sortPartitions(out);
}
