/**
 * A deletion (Cassandra's DeletionTime): everything written at or before
 * `markedForDeleteAtUs` (client timestamp, microseconds) under it is deleted;
 * `localDeletionTimeSeconds` is the server time of the deletion, used only to decide when
 * the tombstone can be purged (after gc_grace_seconds). "No deletion" is represented by an
 * absent (undefined) DeletionTime, never by a sentinel value.
 */
export interface DeletionTime {
  readonly markedForDeleteAtUs: bigint;
  readonly localDeletionTimeSeconds: number;
}

/**
 * Cassandra's `DeletionTime.supersedes`: a later `markedForDeleteAt` wins; on a tie the
 * later `localDeletionTime`. Together this is a total order, so merges are deterministic.
 */
export function deletionSupersedes(a: DeletionTime, b: DeletionTime): boolean {
  return (
    a.markedForDeleteAtUs > b.markedForDeleteAtUs ||
    (a.markedForDeleteAtUs === b.markedForDeleteAtUs && a.localDeletionTimeSeconds > b.localDeletionTimeSeconds)
  );
}

/** The superseding one of two optional deletions (`a` when they are equal). */
export function maxDeletion(a: DeletionTime | undefined, b: DeletionTime | undefined): DeletionTime | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return deletionSupersedes(b, a) ? b : a;
}

/**
 * Cassandra's `DeletionTime.deletes(timestamp)`: data written at `timestampUs` is deleted
 * when `timestampUs <= markedForDeleteAt` (a tie goes to the deletion).
 */
export function deletionDeletes(deletion: DeletionTime | undefined, timestampUs: bigint): boolean {
  return deletion !== undefined && timestampUs <= deletion.markedForDeleteAtUs;
}

/** True when both deletions are the same (or both absent). */
export function deletionsEqual(a: DeletionTime | undefined, b: DeletionTime | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.markedForDeleteAtUs === b.markedForDeleteAtUs && a.localDeletionTimeSeconds === b.localDeletionTimeSeconds;
}

/**
 * Cassandra's `DeletionTime.isPurgeable`/`DeletionPurger.shouldPurge`: a tombstone can be
 * dropped once it is older than `gcBeforeSeconds` (now - gc_grace_seconds) and shadows no
 * data that might still exist elsewhere (timestamp below `maxPurgeableTimestampUs`).
 */
export function isPurgeable(
  timestampUs: bigint,
  localDeletionTimeSeconds: number,
  gcBeforeSeconds: number,
  maxPurgeableTimestampUs: bigint | undefined,
): boolean {
  return (maxPurgeableTimestampUs === undefined || timestampUs < maxPurgeableTimestampUs) && localDeletionTimeSeconds < gcBeforeSeconds;
}
