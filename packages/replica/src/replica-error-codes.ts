/** Stable codes of the replica's errors (checked with `hasErrorCode`). */
export const ReplicaErrorCodes = {
  /** No table with that id (or keyspace.name) on this shard. */
  UNKNOWN_TABLE: 'REPLICA_UNKNOWN_TABLE',
  /** A table with that id or name already exists. */
  TABLE_EXISTS: 'REPLICA_TABLE_EXISTS',
  /** The table's data failed a check (e.g. an SSTable checksum); it serves no reads or writes until repaired. */
  TABLE_FAILED: 'REPLICA_TABLE_FAILED',
  /** The database or table is stopping or stopped. */
  STOPPED: 'REPLICA_STOPPED',
  /** A bad argument (snapshot tag, option). */
  INVALID_ARGUMENT: 'REPLICA_INVALID_ARGUMENT',
  /** Writes are refused: memory stays full because flushes keep failing. */
  OVERLOADED: 'REPLICA_OVERLOADED',
} as const;

export type ReplicaErrorCode = (typeof ReplicaErrorCodes)[keyof typeof ReplicaErrorCodes];
