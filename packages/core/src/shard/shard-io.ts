import type { MetricsRegistry } from '../metrics';
import { createIoBackend } from '../io/backend';
import type { IoBackend, IoBackendKind } from '../io/backend';
import { DmaFile } from '../io/file';
import type { DmaFileOptions, IoDispatch } from '../io/file';
import { IoQueue, perShardDisk } from '../io/queue';
import type { IoDiskProperties } from '../io/queue';

/**
 * A `DmaFile` dispatch wrapper that sends every request through `queue` in `ioClass`.
 * Reads are charged as reads of their buffer's size; writes, syncs and fallocate as writes
 * of the bytes they move (0 for syncs and fallocate, which move no data).
 */
export function ioQueueDispatch(queue: IoQueue, ioClass: string): IoDispatch {
  return (request, execute) =>
    queue.submit(ioClass, { kind: request.kind === 'read' ? 'read' : 'write', sizeBytes: request.buf?.length ?? 0 }, () =>
      execute(request),
    );
}

/** Options of {@link ShardIo.create}. */
export interface ShardIoOptions {
  shardCount: number;
  /** The node's disk model for its data directory (from io_properties.yaml or the defaults). */
  disk: IoDiskProperties;
  metrics?: MetricsRegistry;
  /** 'auto' (default) picks io_uring when it works in this thread. */
  backend?: 'auto' | IoBackendKind;
}

/**
 * A shard's disk I/O: its backend (io_uring ring or thread pool) and its I/O queue, which
 * every file opened through {@link ShardIo.open} goes through in the given I/O class.
 *
 * Each shard has its own queue over 1/N of the disk's capacity (`perShardDisk`), so the N
 * shards together never keep more in the device than the latency goal allows. The price:
 * a shard alone on an idle disk gets 1/N of it. Seastar shares one budget between shards;
 * doing that here needs a cross-shard token bucket (see src/io/README.md).
 *
 * Owned by the shard's thread; closed by `Shard.stop()`.
 */
export class ShardIo {
  private constructor(
    readonly backend: IoBackend,
    readonly backendKind: IoBackendKind,
    /** Why this backend: for the node's start-up log. */
    readonly backendReason: string,
    readonly queue: IoQueue,
  ) {}

  static create(opts: ShardIoOptions): ShardIo {
    const selection = createIoBackend({ prefer: opts.backend ?? 'auto' });
    const queue = new IoQueue({
      disk: perShardDisk(opts.disk, opts.shardCount),
      ...(opts.metrics !== undefined ? { metrics: opts.metrics } : {}),
    });
    return new ShardIo(selection.backend, selection.kind, selection.reason, queue);
  }

  /** The dispatch wrapper that sends a file's requests through the queue in `ioClass`. */
  dispatchFor(ioClass: string): IoDispatch {
    return ioQueueDispatch(this.queue, ioClass);
  }

  /** Opens a file whose every request goes through the I/O queue in `ioClass`. */
  open(path: string, ioClass: string, options: Omit<DmaFileOptions, 'dispatch'> = {}): Promise<DmaFile> {
    return DmaFile.open(this.backend, path, { ...options, dispatch: this.dispatchFor(ioClass) });
  }

  /** Stops the queue (queued requests fail with IO_QUEUE_STOPPED) and closes the backend. */
  async close(): Promise<void> {
    await this.queue.stop({ abortQueued: true });
    await this.backend.close();
  }
}
