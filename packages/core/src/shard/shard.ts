import type { Logger } from '../log/logger';
import type { MetricsRegistry, MetricsSnapshot } from '../metrics';
import type { CpuScheduler } from '../scheduler';
import type { Smp } from '../smp';
import type { ShardIo } from './shard-io';

/** What a {@link Shard} is made of; built by `bootShard` in the shard's own thread. */
export interface ShardParts {
  id: number;
  count: number;
  logger: Logger;
  smp: Smp;
  scheduler: CpuScheduler;
  metrics: MetricsRegistry;
  io: ShardIo;
  /** Refreshes metrics kept elsewhere as plain numbers (scheduler, smp) before a collect. */
  refreshMetrics?: () => void;
}

/**
 * Everything shard-local hangs off the `Shard` context, passed explicitly (no module-level
 * state). One exists per shard worker; code running on shard `id` only touches objects
 * reachable from its own `Shard`, and reaches other shards only through `smp`.
 */
export class Shard {
  /** This shard's index, 0 ≤ id < count. */
  readonly id: number;
  /** Number of shards of the node (smp). */
  readonly count: number;
  readonly logger: Logger;
  /** Cross-shard messaging: rings to and from every other shard. */
  readonly smp: Smp;
  /** The CPU scheduler and its scheduling groups (statement, compaction, …). */
  readonly scheduler: CpuScheduler;
  /** This shard's metrics; the node aggregates all shards' on the Prometheus endpoint. */
  readonly metrics: MetricsRegistry;
  /** Disk I/O: the backend and the I/O queue with its classes (commitlog, query, …). */
  readonly io: ShardIo;
  private readonly refreshMetrics: () => void;

  constructor(parts: ShardParts) {
    const { id, count } = parts;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard count must be >= 1, got ${count}`);
    if (!Number.isInteger(id) || id < 0 || id >= count) throw new RangeError(`shard id ${id} out of range [0, ${count})`);
    this.id = id;
    this.count = count;
    this.logger = parts.logger;
    this.smp = parts.smp;
    this.scheduler = parts.scheduler;
    this.metrics = parts.metrics;
    this.io = parts.io;
    this.refreshMetrics = parts.refreshMetrics ?? (() => undefined);
  }

  /** A plain-data snapshot of this shard's metrics, fresh from their sources. */
  collectMetrics(): MetricsSnapshot {
    this.refreshMetrics();
    return this.metrics.collect();
  }

  /** Stops the runtime: no new tasks, messages or I/O; queued work completes or fails. */
  async stop(): Promise<void> {
    await this.scheduler.stop();
    await this.io.close();
    await this.smp.stop();
  }
}
