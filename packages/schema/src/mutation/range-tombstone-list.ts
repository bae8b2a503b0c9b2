import type { BoundKind, ClusteringBound, ClusteringComparator, ClusteringPrefix } from '../types/clustering-comparator';
import { ClusteringComparator as Comparator } from '../types/clustering-comparator';
import { deletionSupersedes, deletionsEqual, maxDeletion } from './deletion-time';
import type { DeletionTime } from './deletion-time';
import { invalidMutationError } from './invalid-mutation-error';
import type { RangeTombstone } from './range-tombstone';

/**
 * A position between clusterings: just before (`side` -1) or just after (+1) every
 * clustering that starts with `prefix`. Every slice bound is one; a start and an end bound
 * can share a position (the end of one slice and the start of the next).
 */
interface Position {
  readonly prefix: ClusteringPrefix;
  readonly side: -1 | 1;
}

function positionOf(bound: ClusteringBound): Position {
  const before = bound.kind === 'inclStart' || bound.kind === 'exclEnd';
  return { prefix: bound.prefix, side: before ? -1 : 1 };
}

function startBound(p: Position): ClusteringBound {
  const kind: BoundKind = p.side < 0 ? 'inclStart' : 'exclStart';
  return { kind, prefix: p.prefix };
}

function endBound(p: Position): ClusteringBound {
  const kind: BoundKind = p.side < 0 ? 'exclEnd' : 'inclEnd';
  return { kind, prefix: p.prefix };
}

function comparePositions(comparator: ClusteringComparator, a: Position, b: Position): number {
  return comparator.compareBounds(startBound(a), startBound(b));
}

function checkRoles(rt: RangeTombstone): void {
  if (rt.start.kind !== 'inclStart' && rt.start.kind !== 'exclStart') {
    throw invalidMutationError(`range tombstone start bound has kind ${rt.start.kind}`);
  }
  if (rt.end.kind !== 'inclEnd' && rt.end.kind !== 'exclEnd') {
    throw invalidMutationError(`range tombstone end bound has kind ${rt.end.kind}`);
  }
}

/** Index of the first position in `sorted` that is not before `p` (binary search). */
function lowerBound(comparator: ClusteringComparator, sorted: readonly Position[], p: Position): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePositions(comparator, sorted[mid]!, p) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The normalized form of any set of range tombstones under a partition deletion: the
 * pointwise maximum deletion over the clustering order, as sorted disjoint slices with
 * adjacent equal slices joined, leaving out slices whose deletion the partition deletion
 * already covers and empty slices. It depends only on that pointwise maximum, so it is
 * the same whatever order or grouping the tombstones arrived in. When two bounds are at
 * the same position but spelled with different bytes (comparator-equal values such as
 * decimal 1.0 and 1.00), the smallest bytes are kept, for the same reason.
 *
 * Cost: O((n + k) log n + n·k) for n tombstones over k distinct positions; range
 * tombstones per partition update are few.
 */
export function normalizeRangeTombstones(
  tombstones: readonly RangeTombstone[],
  partitionDeletion: DeletionTime | undefined,
  comparator: ClusteringComparator,
): RangeTombstone[] {
  if (tombstones.length === 0) return [];
  const live: RangeTombstone[] = [];
  for (const rt of tombstones) {
    checkRoles(rt);
    if (partitionDeletion !== undefined && !deletionSupersedes(rt.deletion, partitionDeletion)) continue;
    if (comparePositions(comparator, positionOf(rt.start), positionOf(rt.end)) >= 0) continue;
    live.push(rt);
  }
  if (live.length === 0) return [];

  // Distinct positions in order, each spelled with its smallest bytes.
  const all = live.flatMap((rt) => [positionOf(rt.start), positionOf(rt.end)]);
  all.sort((a, b) => comparePositions(comparator, a, b) || Comparator.compareBytes(a.prefix, b.prefix));
  const positions: Position[] = [];
  for (const p of all) {
    const last = positions[positions.length - 1];
    if (last === undefined || comparePositions(comparator, last, p) !== 0) positions.push(p);
  }

  // The maximum deletion over each elementary slice (positions[i], positions[i + 1]).
  const pieces: (DeletionTime | undefined)[] = new Array<DeletionTime | undefined>(positions.length - 1).fill(undefined);
  for (const rt of live) {
    const from = lowerBound(comparator, positions, positionOf(rt.start));
    const to = lowerBound(comparator, positions, positionOf(rt.end));
    for (let i = from; i < to; i++) pieces[i] = maxDeletion(pieces[i], rt.deletion);
  }

  const out: RangeTombstone[] = [];
  let i = 0;
  while (i < pieces.length) {
    const deletion = pieces[i];
    if (deletion === undefined) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < pieces.length && deletionsEqual(pieces[j], deletion)) j++;
    out.push({ start: startBound(positions[i]!), end: endBound(positions[j]!), deletion });
    i = j;
  }
  return out;
}

/**
 * Walks normalized range tombstones alongside rows in clustering order and answers "which
 * range tombstone deletion covers this row?" in amortized O(1). Rows must be asked in
 * increasing clustering order.
 */
export class RangeTombstoneCursor {
  private index = 0;

  constructor(
    private readonly tombstones: readonly RangeTombstone[],
    private readonly comparator: ClusteringComparator,
  ) {}

  /** The deletion of the range tombstone covering `clustering`, if any. */
  coveringDeletion(clustering: ClusteringPrefix): DeletionTime | undefined {
    while (this.index < this.tombstones.length && this.comparator.compareToBound(clustering, this.tombstones[this.index]!.end) > 0) {
      this.index++;
    }
    const rt = this.tombstones[this.index];
    if (rt === undefined) return undefined;
    return this.comparator.sliceContains(rt.start, rt.end, clustering) ? rt.deletion : undefined;
  }
}

/** The deletion covering `clustering` among normalized range tombstones (binary search). */
export function rangeTombstoneDeletionAt(
  tombstones: readonly RangeTombstone[],
  clustering: ClusteringPrefix,
  comparator: ClusteringComparator,
): DeletionTime | undefined {
  let lo = 0;
  let hi = tombstones.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparator.compareToBound(clustering, tombstones[mid]!.end) > 0) lo = mid + 1;
    else hi = mid;
  }
  const rt = tombstones[lo];
  return rt !== undefined && comparator.sliceContains(rt.start, rt.end, clustering) ? rt.deletion : undefined;
}
