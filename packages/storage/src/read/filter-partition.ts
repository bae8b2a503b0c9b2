import { maxDeletion, rangeTombstoneDeletionAt, rowHasLiveData } from '@charybdis/schema';
import type { ClusteringPrefix, DeletionTime, PartitionUpdate, Row, TableComparators } from '@charybdis/schema';
import { comparePartitionPositions } from '../partition-stream/partition-order';
import { sliceRowRanges, slicesAfter } from './clustering-slices';
import { planRead } from './read-command';
import type { PagingState, ReadCommand, ReadPlan } from './read-command';
import type { ResultPartition, ResultRow } from './read-result';
import { buildResultRow, buildStaticResultRow } from './result-row-builder';

/** What filtering one partition gave. */
export interface FilterPartitionResult {
  /** Null when nothing of the partition is returned. */
  readonly partition: ResultPartition | null;
  /** Rows counted against the limits: the rows returned, or 1 for a static-only partition (StaticRowMode 'full'). */
  readonly rowsReturned: number;
  /** The clustering of the last row returned (in the read's order); null when no row was returned. */
  readonly lastClustering: ClusteringPrefix | null;
  /** True when the read will return nothing more from this partition (all its live rows in the slices returned, or its per-partition limit reached). */
  readonly exhausted: boolean;
}

const NOTHING: FilterPartitionResult = Object.freeze({ partition: null, rowsReturned: 0, lastClustering: null, exhausted: true });

/** The deletion covering a row before its own: the partition deletion and the range tombstone containing it. */
function activeDeletion(update: PartitionUpdate, clustering: ClusteringPrefix, comparators: TableComparators): DeletionTime | undefined {
  const pd = update.partitionDeletion;
  if (update.rangeTombstones.length === 0) return pd;
  return maxDeletion(pd, rangeTombstoneDeletionAt(update.rangeTombstones, clustering, comparators.clustering));
}

/** True when a row after position (k, i) of the ranges, in the read's direction, has live data. */
function hasLiveRowAfter(update: PartitionUpdate, ranges: readonly number[], k: number, i: number, plan: ReadPlan): boolean {
  const { reversed, nowSeconds } = plan.command;
  const n = ranges.length / 2;
  const rows = update.rows;
  const live = (row: Row): boolean => rowHasLiveData(row, nowSeconds, activeDeletion(update, row.clustering, plan.comparators));
  for (; k < n; k++) {
    const r = reversed ? n - 1 - k : k;
    const lo = ranges[2 * r]!;
    const hi = ranges[2 * r + 1]!;
    if (!reversed) {
      for (let j = i < 0 ? lo : i + 1; j < hi; j++) if (live(rows[j]!)) return true;
    } else {
      for (let j = i < 0 ? hi - 1 : i - 1; j >= lo; j--) if (live(rows[j]!)) return true;
    }
    i = -1;
  }
  return false;
}

/**
 * Collects up to `limit` live rows of `slices` in the read's order. Returns the rows and,
 * when it stopped at the limit, the position (range k, row index i) it stopped at.
 */
function collectRows(update: PartitionUpdate, ranges: readonly number[], limit: number, plan: ReadPlan): { rows: ResultRow[]; stopK: number; stopI: number } {
  const { reversed, nowSeconds } = plan.command;
  const n = ranges.length / 2;
  const rows = update.rows;
  const out: ResultRow[] = [];
  for (let k = 0; k < n; k++) {
    const r = reversed ? n - 1 - k : k;
    const lo = ranges[2 * r]!;
    const hi = ranges[2 * r + 1]!;
    const step = reversed ? -1 : 1;
    for (let j = reversed ? hi - 1 : lo; reversed ? j >= lo : j < hi; j += step) {
      const row = rows[j]!;
      const result = buildResultRow(row, activeDeletion(update, row.clustering, plan.comparators), nowSeconds, plan.columnSet, plan.comparators.droppedColumnDeletions);
      if (result === null) continue;
      out.push(result);
      if (out.length >= limit) return { rows: out, stopK: k, stopI: j };
    }
  }
  return { rows: out, stopK: -1, stopI: -1 };
}

/**
 * Filters one partition with a precomputed plan: at most `rowBudget` rows (≥ 1), resuming
 * inside the partition when `resume` is a paging state on this very partition. Used by
 * `filterPartition`, `readSinglePartition` and `readRange`.
 */
export function filterPartitionWithPlan(update: PartitionUpdate, plan: ReadPlan, rowBudget: number, resume: PagingState | undefined): FilterPartitionResult {
  const cmd = plan.command;
  const last = resume?.lastClustering ?? null;
  const perLimit = last !== null && resume!.remainingInPartition !== null ? resume!.remainingInPartition : (cmd.perPartitionLimit ?? Infinity);
  const limit = Math.min(rowBudget, perLimit);
  const slices = last === null ? cmd.slices : slicesAfter(cmd.slices, last, cmd.reversed, plan.comparators.clustering);
  const ranges = sliceRowRanges(update.rows, slices, plan.comparators.clustering);
  const { rows, stopK, stopI } = collectRows(update, ranges, limit, plan);

  const staticMode = plan.staticMode;
  let staticRow: ResultRow | null = null;
  if (update.staticRow !== undefined && (staticMode === 'full' || (staticMode === 'withRows' && rows.length > 0))) {
    staticRow = buildStaticResultRow(update.staticRow, update.partitionDeletion, cmd.nowSeconds, plan.columnSet, plan.comparators.droppedColumnDeletions);
  }
  if (rows.length === 0) {
    // A partition with only static data is one result row, except when a paged read
    // resumes inside it: its static row was returned (and counted) on an earlier page.
    if (staticRow === null || staticMode !== 'full' || last !== null) return NOTHING;
    return { partition: { partitionKey: update.partitionKey, token: update.token, staticRow, rows }, rowsReturned: 1, lastClustering: null, exhausted: true };
  }
  const partition: ResultPartition =
    staticRow === null
      ? { partitionKey: update.partitionKey, token: update.token, rows }
      : { partitionKey: update.partitionKey, token: update.token, staticRow, rows };
  const exhausted = stopK < 0 || rows.length >= perLimit || !hasLiveRowAfter(update, ranges, stopK, stopI, plan);
  return { partition, rowsReturned: rows.length, lastClustering: rows[rows.length - 1]!.clustering, exhausted };
}

/**
 * Where `update` stands against a paging state: 'before' (already returned, skip it),
 * 'inside' (resume inside it), or 'after' (read it from its start).
 */
export function pagingPosition(update: PartitionUpdate, state: PagingState | undefined): 'before' | 'inside' | 'after' {
  if (state === undefined) return 'after';
  const c = comparePartitionPositions(update.token, update.partitionKey, state.token, state.partitionKey);
  if (c < 0) return 'before';
  if (c > 0) return 'after';
  return state.lastClustering === null ? 'before' : 'inside';
}

/**
 * Filters one merged, normalized partition for `command`: its slices in the read's order,
 * live data only at `nowSeconds` (TTL expiry, tombstones of every level applied), at most
 * `rowLimit` and `perPartitionLimit` rows, resuming after the command's paging state (a
 * partition at or before a paging state that finished it gives nothing). Throws
 * READ_INVALID_COMMAND for an invalid command.
 */
export function filterPartition(update: PartitionUpdate, command: ReadCommand, comparators: TableComparators): FilterPartitionResult {
  const plan = planRead(command, comparators);
  const position = pagingPosition(update, command.pagingState);
  if (position === 'before') return NOTHING;
  return filterPartitionWithPlan(update, plan, command.rowLimit, position === 'inside' ? command.pagingState : undefined);
}

/**
 * The paging state after `result` used up the read's row budget on partition
 * (`partitionKey`, `token`): inside the partition when it still has rows to give, else
 * after it. `resume` is the paging state the partition was resumed from, if any.
 */
export function pagingStateAfter(
  partitionKey: Uint8Array,
  token: bigint,
  result: FilterPartitionResult,
  command: ReadCommand,
  resume: PagingState | undefined,
): PagingState {
  if (result.exhausted || result.lastClustering === null) return { partitionKey, token, lastClustering: null, remainingInPartition: null };
  const perLimit = resume?.lastClustering != null && resume.remainingInPartition !== null ? resume.remainingInPartition : command.perPartitionLimit;
  return {
    partitionKey,
    token,
    lastClustering: result.lastClustering,
    remainingInPartition: perLimit === undefined ? null : perLimit - result.rowsReturned,
  };
}
