import { CharybdisError } from '../../errors';
import type { IoDiskProperties } from './io-properties';
import { IoQueueErrorCode } from './io-queue-errors';

/** Direction of a disk request. */
export type IoQueueRequestKind = 'read' | 'write';

/** What the I/O queue needs to know of a request to charge it. */
export interface IoQueueRequest {
  readonly kind: IoQueueRequestKind;
  /** Bytes transferred; 0 for requests that move no data (e.g. an fdatasync, charged as a write). */
  readonly sizeBytes: number;
}

/**
 * Seastar's default I/O latency goal is 1.5 task quotas (0.75 ms); we round up to 1 ms
 * because a JS shard polls completions less promptly than a Seastar reactor.
 */
export const DEFAULT_IO_LATENCY_GOAL_MS = 1;
/** Request sizes {@link IoCostModel.maxRequestSizeBytes} returns are multiples of this. */
export const IO_REQUEST_ALIGNMENT_BYTES = 4096;
/** Upper bound of {@link IoCostModel.maxRequestSizeBytes}, whatever the disk (as Seastar's 128 MiB). */
export const IO_MAX_REQUEST_SIZE_BYTES = 128 * 1024 * 1024;

/**
 * The disk model turned into costs (see README.md, "Cost model"). A request costs the
 * device time it takes at the measured rates, in microseconds:
 *
 *     costUs(read,  n) = 1e6 / read_iops  + 1e6 · n / read_bandwidth
 *     costUs(write, n) = 1e6 / write_iops + 1e6 · n / write_bandwidth
 *
 * which is Seastar's normalised ticket (1/iops + bytes/bandwidth, with writes scaled by
 * the read/write ratios) expressed in time. The device is saturated when the costs of the
 * requests it completes add up to one second per second, whatever their mix.
 *
 * The in-flight window is the device time of one latency goal, `maxInFlightCostUs =
 * latencyGoalMs · 1000`: a request that enters the device finds at most that much work
 * ahead of it.
 */
export class IoCostModel {
  readonly disk: IoDiskProperties;
  readonly latencyGoalMs: number;
  /** The window on the total cost of requests in the device, µs of device time. */
  readonly maxInFlightCostUs: number;
  readonly #readPerRequestUs: number;
  readonly #readPerByteUs: number;
  readonly #writePerRequestUs: number;
  readonly #writePerByteUs: number;

  constructor(disk: IoDiskProperties, latencyGoalMs = DEFAULT_IO_LATENCY_GOAL_MS) {
    if (typeof latencyGoalMs !== 'number' || !Number.isFinite(latencyGoalMs) || latencyGoalMs <= 0) {
      throw new CharybdisError(IoQueueErrorCode.invalidOption, `latencyGoalMs must be a positive number, got ${String(latencyGoalMs)}`);
    }
    for (const [name, rate] of [
      ['readIops', disk.readIops],
      ['readBandwidthBytesPerSec', disk.readBandwidthBytesPerSec],
      ['writeIops', disk.writeIops],
      ['writeBandwidthBytesPerSec', disk.writeBandwidthBytesPerSec],
    ] as const) {
      if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
        throw new CharybdisError(IoQueueErrorCode.invalidOption, `disk model: ${name} must be a positive number, got ${String(rate)}`);
      }
    }
    this.disk = disk;
    this.latencyGoalMs = latencyGoalMs;
    this.maxInFlightCostUs = latencyGoalMs * 1000;
    this.#readPerRequestUs = 1e6 / disk.readIops;
    this.#readPerByteUs = 1e6 / disk.readBandwidthBytesPerSec;
    this.#writePerRequestUs = 1e6 / disk.writeIops;
    this.#writePerByteUs = 1e6 / disk.writeBandwidthBytesPerSec;
  }

  /** Device time of one request, µs (> 0). Throws IO_INVALID_REQUEST for a malformed request. */
  costUs(request: IoQueueRequest): number {
    const problem = requestProblem(request);
    if (problem !== undefined) throw new CharybdisError(IoQueueErrorCode.invalidRequest, problem);
    return this.costOfUs(request.kind, request.sizeBytes);
  }

  /** {@link costUs} without validation, for callers that checked with {@link requestProblem}. */
  costOfUs(kind: IoQueueRequestKind, sizeBytes: number): number {
    return kind === 'read'
      ? this.#readPerRequestUs + sizeBytes * this.#readPerByteUs
      : this.#writePerRequestUs + sizeBytes * this.#writePerByteUs;
  }

  /**
   * The largest request of `kind` (a multiple of 4 KiB, between 4 KiB and 128 MiB) whose cost fits in
   * the in-flight window. Larger requests still work, but each waits for an idle device and
   * then holds it alone for longer than the latency goal: callers that can split (the file
   * layer, compaction writers) should split to this size (Seastar splits requests the same way).
   */
  maxRequestSizeBytes(kind: IoQueueRequestKind): number {
    const perRequestUs = kind === 'read' ? this.#readPerRequestUs : this.#writePerRequestUs;
    const perByteUs = kind === 'read' ? this.#readPerByteUs : this.#writePerByteUs;
    const bytes = (this.maxInFlightCostUs - perRequestUs) / perByteUs;
    const aligned = Math.floor(bytes / IO_REQUEST_ALIGNMENT_BYTES) * IO_REQUEST_ALIGNMENT_BYTES;
    return Math.min(IO_MAX_REQUEST_SIZE_BYTES, Math.max(IO_REQUEST_ALIGNMENT_BYTES, aligned));
  }
}

/**
 * Why `request` is not `{ kind: 'read' | 'write', sizeBytes: safe integer >= 0 }`, or
 * undefined when it is.
 */
export function requestProblem(request: IoQueueRequest): string | undefined {
  if (typeof request !== 'object' || request === null) return `I/O request must be an object, got ${String(request)}`;
  if (request.kind !== 'read' && request.kind !== 'write') return `I/O request kind must be 'read' or 'write', got ${String(request.kind)}`;
  if (!Number.isSafeInteger(request.sizeBytes) || request.sizeBytes < 0) {
    return `I/O request sizeBytes must be an integer >= 0, got ${String(request.sizeBytes)}`;
  }
  return undefined;
}
