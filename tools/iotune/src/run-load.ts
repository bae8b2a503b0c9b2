import { randomFillSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DmaFile } from '@charybdis/core';
import { allocateAligned, CharybdisError } from '@charybdis/core';
import { IotuneErrorCode } from './iotune-error-codes';
import { LatencyHistogram } from './latency-histogram';

/** How often a running load reports live numbers to its `onProgress` callback. */
export const LOAD_PROGRESS_INTERVAL_MS = 200;

/** One load: `parallelism` loops, each issuing one request at a time, for `durationMs`. */
export interface LoadSpec {
  kind: 'read' | 'write';
  /** Bytes per request; position and size are multiples of it (and of 4096). */
  requestSizeBytes: number;
  /** 'sequential': one shared cursor walks the region (wrapping at its end); 'random': uniform positions. */
  pattern: 'sequential' | 'random';
  /** Requests kept in flight. */
  parallelism: number;
  /** Length of the step, warm-up included. */
  durationMs: number;
  /** Start of the step not measured (the device's queues and caches settle). */
  warmupMs: number;
  /** Requests fall in [0, regionBytes) of the file. */
  regionBytes: number;
  /** For writes: end with fdatasync and count its time, so a volatile device cache cannot flatter the number. */
  syncAtEnd: boolean;
  /** Seed of the random positions (xorshift32, one stream per loop). */
  seed: number;
  /** Stops issuing; the load then waits for its requests and rejects with IOTUNE_INTERRUPTED. */
  signal: AbortSignal;
  /** Live numbers while the load runs, every {@link LOAD_PROGRESS_INTERVAL_MS}. */
  onProgress?: (live: LoadProgress) => void;
}

/** Live numbers of a running load. */
export interface LoadProgress {
  elapsedMs: number;
  /** Requests per second over the last progress interval. */
  recentIops: number;
  /** Bytes per second over the last progress interval. */
  recentBandwidthBytesPerSec: number;
}

/** What one load measured (the warm-up excluded). */
export interface LoadResult {
  /** Requests completed inside the measured window. */
  requests: number;
  /** Measured time: the window after warm-up, plus the final fdatasync for writes. */
  windowMs: number;
  iops: number;
  bandwidthBytesPerSec: number;
  latencyUsP50: number;
  latencyUsP99: number;
  latencyUsMean: number;
  /** Process CPU time / wall time over the step: near 1 means the tool, not the disk, may be the limit. */
  cpuFraction: number;
  /** Sequential loads: bytes from the start of the region known written/read (the whole region once wrapped). */
  coveredBytes: number;
}

/**
 * Runs one load against `file` and measures it. Each of the `parallelism` loops owns one
 * aligned buffer (random bytes for writes, so compressing or deduplicating devices see
 * real data) and issues its next request when the previous one completes, until the
 * deadline; then the load waits for every request in flight (and the final fdatasync of
 * a write load). A failing request stops the whole load, which rejects with the first
 * error once the others have settled, so no buffer is in use when it returns.
 */
export async function runLoad(file: DmaFile, spec: LoadSpec): Promise<LoadResult> {
  const blocks = Math.floor(spec.regionBytes / spec.requestSizeBytes);
  if (blocks < 1) throw new Error(`region of ${spec.regionBytes} bytes holds no ${spec.requestSizeBytes}-byte request`);
  const histogram = new LatencyHistogram();
  const startMs = performance.now();
  const cpuStart = process.cpuUsage();
  const windowStartMs = startMs + spec.warmupMs;
  const deadlineMs = startMs + spec.durationMs;
  let counted = 0;
  let completed = 0;
  let cursor = 0;
  let wrapped = false;
  // The first failure of any loop; set once, rethrown after every loop has stopped.
  const failure: { error: Error | null } = { error: null };

  const nextSequential = (): number => {
    const position = cursor * spec.requestSizeBytes;
    cursor++;
    if (cursor >= blocks) {
      cursor = 0;
      wrapped = true;
    }
    return position;
  };

  const loop = async (index: number): Promise<void> => {
    const buf = allocateAligned(spec.requestSizeBytes);
    if (spec.kind === 'write') randomFillSync(buf);
    let state = (spec.seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0 || 1;
    while (failure.error === null && !spec.signal.aborted && performance.now() < deadlineMs) {
      let position: number;
      if (spec.pattern === 'sequential') {
        position = nextSequential();
      } else {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        state >>>= 0;
        position = Math.floor((state / 2 ** 32) * blocks) * spec.requestSizeBytes;
      }
      const issuedMs = performance.now();
      if (spec.kind === 'write') await file.write(position, buf);
      else await file.readInto(position, buf);
      const doneMs = performance.now();
      completed++;
      if (doneMs >= windowStartMs && doneMs <= deadlineMs) {
        counted++;
        histogram.record((doneMs - issuedMs) * 1000);
      }
    }
  };

  let lastTick = { atMs: startMs, completed: 0 };
  const timer =
    spec.onProgress === undefined
      ? undefined
      : setInterval(() => {
          const now = performance.now();
          const seconds = (now - lastTick.atMs) / 1000;
          const iops = seconds > 0 ? (completed - lastTick.completed) / seconds : 0;
          lastTick = { atMs: now, completed };
          spec.onProgress!({ elapsedMs: now - startMs, recentIops: iops, recentBandwidthBytesPerSec: iops * spec.requestSizeBytes });
        }, LOAD_PROGRESS_INTERVAL_MS);

  let syncMs = 0;
  try {
    await Promise.all(
      Array.from({ length: spec.parallelism }, (_, i) =>
        loop(i).catch((err: unknown) => {
          failure.error ??= err instanceof Error ? err : new Error(String(err));
        }),
      ),
    );
    if (failure.error === null && !spec.signal.aborted && spec.kind === 'write' && spec.syncAtEnd) {
      const syncStartMs = performance.now();
      await file.fdatasync();
      syncMs = performance.now() - syncStartMs;
    }
  } finally {
    if (timer !== undefined) clearInterval(timer);
  }
  if (failure.error !== null) throw failure.error;
  if (spec.signal.aborted) throw new CharybdisError(IotuneErrorCode.interrupted, 'interrupted', { cause: spec.signal.reason });

  const wallMs = performance.now() - startMs;
  const cpu = process.cpuUsage(cpuStart);
  const windowMs = Math.max(0, deadlineMs - windowStartMs) + syncMs;
  const iops = windowMs > 0 ? counted / (windowMs / 1000) : 0;
  return {
    requests: counted,
    windowMs,
    iops,
    bandwidthBytesPerSec: iops * spec.requestSizeBytes,
    latencyUsP50: histogram.quantileUs(0.5),
    latencyUsP99: histogram.quantileUs(0.99),
    latencyUsMean: histogram.meanUs(),
    cpuFraction: wallMs > 0 ? (cpu.user + cpu.system) / 1000 / wallMs : 0,
    coveredBytes: wrapped ? blocks * spec.requestSizeBytes : cursor * spec.requestSizeBytes,
  };
}
