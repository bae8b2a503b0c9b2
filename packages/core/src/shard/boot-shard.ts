import type { Logger } from '../log/logger';
import { MetricsRegistry } from '../metrics';
import { CpuScheduler } from '../scheduler';
import { Smp } from '../smp';
import type { SmpBuffers } from '../smp';
import { DEFAULT_IO_DISK } from '../io/queue';
import type { IoDiskProperties } from '../io/queue';
import { registerReactorMetrics } from './reactor-metrics';
import { ShardIo } from './shard-io';
import { Shard } from './shard';

/** The scheduling groups every shard has, with their initial shares (as in ScyllaDB). */
export const DEFAULT_SCHEDULING_GROUPS: ReadonlyArray<{ name: string; shares: number }> = [
  { name: 'statement', shares: 1000 },
  { name: 'memtable', shares: 1000 },
  { name: 'compaction', shares: 1000 },
  { name: 'streaming', shares: 200 },
  { name: 'gossip', shares: 1000 },
  { name: 'maintenance', shares: 200 },
];

/** Options of {@link bootShard}. */
export interface BootShardOptions {
  id: number;
  count: number;
  /** The shard's logger (already a child carrying `shard`). */
  logger: Logger;
  /** The node's smp rings, created once by the main thread (`createSmpBuffers`). */
  smpBuffers: SmpBuffers;
  /** The disk model of the data directory (io_properties.yaml); default DEFAULT_IO_DISK. */
  ioDisk?: IoDiskProperties;
  /** Disk I/O backend: 'auto' (io_uring when it works here) or forced. */
  ioBackend?: 'auto' | 'io_uring' | 'threadpool';
  taskQuotaMs?: number;
  stallThresholdMs?: number;
}

/**
 * Builds a shard's runtime in the shard's own thread: its CPU scheduler with the default
 * scheduling groups, its smp endpoint, its disk I/O (backend and I/O queue with the default
 * I/O classes), its metrics registry with the reactor and I/O-queue metrics, and the
 * `reactor.ping` verb (answers the shard id) that the node uses to check every ring.
 */
export function bootShard(opts: BootShardOptions): Shard {
  const scheduler = new CpuScheduler({
    logger: opts.logger,
    ...(opts.taskQuotaMs !== undefined ? { taskQuotaMs: opts.taskQuotaMs } : {}),
    ...(opts.stallThresholdMs !== undefined ? { stallThresholdMs: opts.stallThresholdMs } : {}),
  });
  for (const g of DEFAULT_SCHEDULING_GROUPS) scheduler.createGroup(g.name, g.shares);
  const smp = new Smp(opts.id, opts.smpBuffers, {
    onError: (err, context) => opts.logger.error({ err, ...context }, 'smp one-way message failed'),
  });
  smp.registerVerb('reactor.ping', () => opts.id);
  const metrics = new MetricsRegistry();
  const refreshMetrics = registerReactorMetrics(metrics, scheduler, smp);
  const io = ShardIo.create({ shardCount: opts.count, disk: opts.ioDisk ?? DEFAULT_IO_DISK, metrics, backend: opts.ioBackend ?? 'auto' });
  return new Shard({ id: opts.id, count: opts.count, logger: opts.logger, smp, scheduler, metrics, io, refreshMetrics });
}
