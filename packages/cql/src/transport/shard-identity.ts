/** What a connection tells clients about the shard that accepted it (SUPPORTED's SCYLLA_* keys). */
export interface ShardIdentity {
  shardId: number;
  shardCount: number;
  /** Advertised to shard-aware drivers; null when the node has no shard-aware listener. */
  shardAwarePort: number | null;
}
