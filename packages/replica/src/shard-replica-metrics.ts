import type { MetricsRegistry } from '@charybdis/core';
import { registerCommitlogMetrics } from '@charybdis/storage';
import type { Commitlog } from '@charybdis/storage';
import type { Table } from './table';

/** What the shard-wide replica metrics read (a `ReplicaDatabase` fits). */
export interface ShardReplicaMetricsSource {
  readonly commitlog: Commitlog;
  readonly tables: readonly Table[];
}

/**
 * The shard-wide (unlabeled) metrics of the replica: the commitlog's (see
 * `registerCommitlogMetrics`) and `memtable_dirty_bytes`, the LSA bytes of every table's
 * memtables on the shard. The flush counters are fed by each table (see TableMetrics).
 * Once per registry.
 */
export function registerShardReplicaMetrics(registry: MetricsRegistry, source: ShardReplicaMetricsSource): void {
  registerCommitlogMetrics(registry, source.commitlog);
  registry.gauge({
    name: 'memtable_dirty_bytes',
    help: 'LSA bytes held by the memtables of every table on this shard (not yet flushed)',
    collect: () => {
      let n = 0;
      for (const t of source.tables) n += t.stats().memtableBytes;
      return n;
    },
  });
}
