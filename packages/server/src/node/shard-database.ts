import { SegmentPool } from '@charybdis/core';
import type { Shard } from '@charybdis/core';
import { ReplicaDatabase } from '@charybdis/replica';
import type { ShardStorage, WorkGroup } from '@charybdis/replica';
import type { NodeConfig } from '../config';

/** Share of a shard's memory given to its LSA (memtables now, the row cache later). */
export const LSA_MEMORY_FRACTION = 0.5;
/**
 * LSA segment size. A memtable keeps each partition as one LSA object, so this bounds the
 * largest partition a memtable holds (a 4 MiB cell must fit, with its row and key).
 */
export const LSA_SEGMENT_BYTES = 8 * 1024 * 1024;

/**
 * Opens this shard's database: the LSA pool its memtables live in (a fixed part of the
 * shard's memory, metrics registered), its commitlog in `<commitlog_directory>/shard-<n>`,
 * flushes in the `memtable` group and compactions in the `compaction` group, disk I/O
 * through the shard's I/O queue. The caller adds tables and then replays.
 */
export async function openShardDatabase(shard: Shard, config: NodeConfig): Promise<ReplicaDatabase> {
  const shardMemory = Math.floor(config.memory / config.smp);
  const budget = Math.max(LSA_SEGMENT_BYTES * 4, Math.floor((shardMemory * LSA_MEMORY_FRACTION) / LSA_SEGMENT_BYTES) * LSA_SEGMENT_BYTES);
  const storage: ShardStorage = {
    shardId: shard.id,
    dataDirectory: config.data_file_directories[0]!,
    shardIo: shard.io,
    pool: new SegmentPool({ budgetBytes: budget, segmentSizeBytes: LSA_SEGMENT_BYTES, chunkSizeBytes: LSA_SEGMENT_BYTES, metrics: shard.metrics }),
    logger: shard.logger.child({ subsystem: 'database' }),
    memtableGroup: schedulingGroup(shard, 'memtable'),
    compactionGroup: schedulingGroup(shard, 'compaction'),
    metrics: shard.metrics,
    nowMs: () => Date.now(),
  };
  return ReplicaDatabase.open(storage, {
    directory: config.commitlog_directory,
    syncMode: config.commitlog_sync,
    syncPeriodMs: config.commitlog_sync_period_in_ms,
    segmentSizeBytes: config.commitlog_segment_size_in_mb * 1024 * 1024,
  });
}

function schedulingGroup(shard: Shard, name: string): WorkGroup {
  const group = shard.scheduler.group(name);
  if (group === undefined) throw new Error(`shard ${shard.id} has no '${name}' scheduling group`);
  return group;
}
