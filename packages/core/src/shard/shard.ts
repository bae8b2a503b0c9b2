import type { Logger } from '../log/logger';

/**
 * Everything shard-local hangs off the `Shard` context, passed explicitly (no module-level
 * state). One exists per shard worker; code running on shard `id` only touches objects
 * reachable from its own `Shard`. It grows with the runtime: scheduler, I/O queue,
 * metrics, smp.
 */
export class Shard {
  /** This shard's index, 0 ≤ id < count. */
  readonly id: number;
  /** Number of shards of the node (smp). */
  readonly count: number;
  readonly logger: Logger;

  constructor(id: number, count: number, logger: Logger) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard count must be >= 1, got ${count}`);
    if (!Number.isInteger(id) || id < 0 || id >= count) throw new RangeError(`shard id ${id} out of range [0, ${count})`);
    this.id = id;
    this.count = count;
    this.logger = logger;
  }
}
