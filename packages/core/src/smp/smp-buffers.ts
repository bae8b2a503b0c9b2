import { CharybdisError } from '../errors';
import { controlBlockBytes } from './doorbells';
import { SmpErrorCode } from './smp-errors';
import { checkRingCapacity, createRingBuffer } from './spsc-ring';

/** Default size of each ring's data area: 1 MiB. */
export const DEFAULT_RING_CAPACITY_BYTES = 1 << 20;

/** Options of {@link createSmpBuffers}. */
export interface SmpBuffersOptions {
  /**
   * Data-area size of each ring, a power of two (default 1 MiB). A node allocates
   * `shardCount * (shardCount - 1)` rings; pages are committed as they are first used.
   */
  ringCapacityBytes?: number;
}

/**
 * The shared memory of a node's smp layer: plain data (SharedArrayBuffers and numbers), so
 * it crosses `workerData` as is and every shard sees the same memory.
 */
export interface SmpBuffers {
  readonly shardCount: number;
  readonly ringCapacityBytes: number;
  /** Doorbell and state words of every shard (see doorbells.ts). */
  readonly control: SharedArrayBuffer;
  /** `rings[from * shardCount + to]`: the ring `from` produces into and `to` consumes; null when from === to. */
  readonly rings: readonly (SharedArrayBuffer | null)[];
}

/**
 * Main thread, before the shards start: allocates the control block and one ring per
 * ordered pair of distinct shards. Pass the result to every shard worker (workerData).
 */
export function createSmpBuffers(shardCount: number, options: SmpBuffersOptions = {}): SmpBuffers {
  if (!Number.isInteger(shardCount) || shardCount < 1) {
    throw new CharybdisError(SmpErrorCode.BAD_CONFIG, `shard count must be an integer >= 1, got ${shardCount}`);
  }
  const ringCapacityBytes = options.ringCapacityBytes ?? DEFAULT_RING_CAPACITY_BYTES;
  checkRingCapacity(ringCapacityBytes);
  const rings: (SharedArrayBuffer | null)[] = [];
  for (let from = 0; from < shardCount; from++) {
    for (let to = 0; to < shardCount; to++) {
      rings.push(from === to ? null : createRingBuffer(ringCapacityBytes));
    }
  }
  return { shardCount, ringCapacityBytes, control: new SharedArrayBuffer(controlBlockBytes(shardCount)), rings };
}

/** Throws a BAD_CONFIG error unless `buffers` has the shape {@link createSmpBuffers} gives. */
export function checkSmpBuffers(buffers: SmpBuffers): void {
  const n = buffers.shardCount;
  const bad = (why: string): never => {
    throw new CharybdisError(SmpErrorCode.BAD_CONFIG, `invalid SmpBuffers: ${why}`);
  };
  if (!Number.isInteger(n) || n < 1) bad(`shardCount ${n}`);
  if (!(buffers.control instanceof SharedArrayBuffer)) bad('control is not a SharedArrayBuffer');
  if (!Array.isArray(buffers.rings) || buffers.rings.length !== n * n) bad(`expected ${n * n} ring slots`);
  for (let from = 0; from < n; from++) {
    for (let to = 0; to < n; to++) {
      const ring = buffers.rings[from * n + to];
      if (from === to ? ring != null : !(ring instanceof SharedArrayBuffer)) bad(`ring ${from}->${to}`);
    }
  }
}
