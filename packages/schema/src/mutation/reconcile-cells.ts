import { compareBytesUnsigned } from '../types/compare-bytes';
import type { Cell } from './cell';
import { mergeCounterShards } from './counter-shards';
import { invalidMutationError } from './invalid-mutation-error';

function hasDeletionTime(cell: Cell): boolean {
  return cell.kind === 'expiring' || cell.kind === 'tombstone';
}

function localDeletionTime(cell: Cell): number {
  return cell.kind === 'expiring' || cell.kind === 'tombstone' ? cell.localDeletionTimeSeconds : Number.MAX_SAFE_INTEGER;
}

function valueOf(cell: Cell): Uint8Array {
  return cell.kind === 'live' || cell.kind === 'expiring' ? cell.value : EMPTY;
}

const EMPTY = new Uint8Array(0);

/**
 * Cassandra 4's `Cells.resolveRegular` (db/rows/Cells.java), which every replica applies
 * so that they all converge on the same cell:
 *
 * 1. the higher timestamp wins;
 * 2. on equal timestamps, a cell with a local deletion time (a tombstone or an expiring
 *    cell) beats a regular live cell (CASSANDRA-14592: an expiring cell is a future
 *    tombstone, and the choice must not depend on the clock at reconciliation);
 * 3. then a tombstone beats an expiring cell;
 * 4. then (both tombstones, or both expiring) the later local deletion time wins;
 * 5. then the greater value, comparing bytes unsigned (ValueAccessor.compare).
 *
 * Cassandra stops there and keeps the left cell on a full tie; the only full tie with
 * different contents is two expiring cells with the same timestamp, expiry and value but
 * different TTLs, which we give to the larger TTL so that the result never depends on
 * argument order.
 */
function resolveRegular(a: Cell, b: Cell): Cell {
  if (a.timestampUs !== b.timestampUs) return a.timestampUs > b.timestampUs ? a : b;
  const aDel = hasDeletionTime(a);
  const bDel = hasDeletionTime(b);
  if (aDel || bDel) {
    if (aDel !== bDel) return aDel ? a : b;
    const aTomb = a.kind === 'tombstone';
    const bTomb = b.kind === 'tombstone';
    if (aTomb !== bTomb) return aTomb ? a : b;
    const aLdt = localDeletionTime(a);
    const bLdt = localDeletionTime(b);
    if (aLdt !== bLdt) return aLdt > bLdt ? a : b;
  }
  const c = compareBytesUnsigned(valueOf(a), valueOf(b));
  if (c !== 0) return c > 0 ? a : b;
  if (a.kind === 'expiring' && b.kind === 'expiring' && a.ttlSeconds !== b.ttlSeconds) {
    return a.ttlSeconds > b.ttlSeconds ? a : b;
  }
  return a;
}

/**
 * Cassandra's `Cells.resolveCounter`: a tombstone always beats a counter cell, whatever
 * the timestamps (CASSANDRA-7346: a deleted counter cannot be brought back); two counter
 * cells merge their shards and keep the higher timestamp.
 */
function resolveCounter(a: Cell, b: Cell): Cell {
  if (a.kind === 'tombstone' || b.kind === 'tombstone') {
    return a.kind === 'tombstone' && b.kind === 'tombstone' ? resolveRegular(a, b) : a.kind === 'tombstone' ? a : b;
  }
  if (a.kind !== 'counter' || b.kind !== 'counter') {
    throw invalidMutationError(`cannot reconcile a counter cell with a ${a.kind === 'counter' ? b.kind : a.kind} cell of the same column`);
  }
  return {
    kind: 'counter',
    timestampUs: a.timestampUs > b.timestampUs ? a.timestampUs : b.timestampUs,
    shards: mergeCounterShards(a.shards, b.shards),
  };
}

/**
 * Reconciles two versions of the same cell (same row, column and cell path) into the one
 * that wins, as Cassandra does (see resolveRegular and resolveCounter above). Commutative,
 * associative and idempotent: it is the maximum of a total order on regular cells, and a
 * merge of shard maps on counters.
 */
export function reconcileCells(a: Cell, b: Cell): Cell {
  if (a.kind === 'counter' || b.kind === 'counter') return resolveCounter(a, b);
  return resolveRegular(a, b);
}
