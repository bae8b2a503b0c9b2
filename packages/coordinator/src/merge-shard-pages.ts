import type { PagingState, RangeReadCommand, ResultPartition } from '@charybdis/storage';
import { comparePartitionPositions } from '@charybdis/storage';

/** Rows a partition counts for toward the row limit: its rows, or 1 for a partition shown by its static row alone. */
function rowsOf(p: ResultPartition): number {
  return p.rows.length > 0 ? p.rows.length : 1;
}

/**
 * Merges the pages that every shard returned for the same range read position into one
 * page: partitions in partition order (each partition lives on exactly one shard, so
 * there is nothing to reconcile), cut at the command's row limit. The paging state is the
 * last row returned (or the last partition, when it ended with its static row) whenever
 * the page was cut or some shard has more; null when every shard finished.
 */
export function mergeShardPages(pages: readonly { partitions: ResultPartition[]; pagingState: PagingState | null }[], command: RangeReadCommand): {
  partitions: ResultPartition[];
  pagingState: PagingState | null;
} {
  let all = pages.flatMap((p) => p.partitions);
  all.sort((a, b) => comparePartitionPositions(a.token, a.partitionKey, b.token, b.partitionKey));
  // A shard that stopped early (row limit, or its dead-partition bound) has not looked past
  // its paging position: nothing after the earliest such position may be returned yet, or
  // the next page, starting after the last returned row, would skip that shard's rest.
  let stop: PagingState | null = null;
  for (const p of pages) {
    const s = p.pagingState;
    if (s !== null && (stop === null || comparePartitionPositions(s.token, s.partitionKey, stop.token, stop.partitionKey) < 0)) stop = s;
  }
  let truncated = false;
  if (stop !== null) {
    const limit = stop;
    const before = all.length;
    all = all.filter((p) => comparePartitionPositions(p.token, p.partitionKey, limit.token, limit.partitionKey) <= 0);
    truncated = all.length < before;
  }
  const out: ResultPartition[] = [];
  let budget = command.rowLimit;
  let cut = false;
  for (const p of all) {
    if (budget <= 0) {
      cut = true;
      break;
    }
    const n = rowsOf(p);
    if (n <= budget) {
      out.push(p);
      budget -= n;
    } else {
      out.push({ ...p, rows: p.rows.slice(0, budget) });
      cut = true;
      break;
    }
  }
  const more = cut || truncated || stop !== null;
  const last = out[out.length - 1];
  if (!more) return { partitions: out, pagingState: null };
  // Nothing returned but a shard stopped early (dead partitions): resume where it stopped.
  if (last === undefined) return { partitions: out, pagingState: stop };
  return { partitions: out, pagingState: positionAfter(last, command) };
}

function positionAfter(last: ResultPartition, command: RangeReadCommand): PagingState {
  const lastRow = last.rows[last.rows.length - 1];
  if (lastRow === undefined) return { partitionKey: last.partitionKey, token: last.token, lastClustering: null, remainingInPartition: null };
  let remainingInPartition: number | null = null;
  if (command.perPartitionLimit !== undefined) {
    const resumed = command.pagingState;
    const sameAsResumed = resumed !== undefined && comparePartitionPositions(resumed.token, resumed.partitionKey, last.token, last.partitionKey) === 0;
    const base = sameAsResumed && resumed.remainingInPartition !== null ? resumed.remainingInPartition : command.perPartitionLimit;
    remainingInPartition = base - last.rows.length;
    // The per-partition limit is used up: the partition is finished.
    if (remainingInPartition <= 0) return { partitionKey: last.partitionKey, token: last.token, lastClustering: null, remainingInPartition: null };
  }
  return { partitionKey: last.partitionKey, token: last.token, lastClustering: lastRow.clustering, remainingInPartition };
}
