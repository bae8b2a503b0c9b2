import { LatencyHistogram } from '../../scheduler/latency-histogram';
import type { FairQueueClassId } from './fair-queue';
import type { IoQueueRequestKind } from './io-cost-model';
import type { IoClassMetrics } from './io-queue-metrics';

/** Plain-data snapshot of one I/O class (`ioQueue.stats().classes`). */
export interface IoClassStats {
  name: string;
  shares: number;
  /** Requests waiting in the class queue, and its bound. */
  queueLength: number;
  maxQueueLength: number;
  /** Requests of the class dispatched and not completed. */
  inFlight: number;
  /** Requests dispatched, and their bytes, by direction. */
  readRequests: number;
  writeRequests: number;
  readBytes: number;
  writeBytes: number;
  /** Modelled device time of the dispatched requests, µs: what fairness is measured in. */
  dispatchedCostUs: number;
  /** Requests completed (successfully or not), and those that completed with an error. */
  completed: number;
  errors: number;
  /** `submit()` calls refused with IO_QUEUE_FULL. */
  rejected: number;
  /** Dispatched cost / shares, with idle clamping: the fair queue picks the least. */
  accumulated: number;
  /** Queue wait (submit → dispatch) of the dispatched requests, ms; percentiles ≤ 12.5% high. */
  waitMsTotal: number;
  waitMsMax: number;
  waitMsP50: number;
  waitMsP99: number;
  /** Total latency (submit → completion) of the completed requests, ms. */
  latencyMsMax: number;
  latencyMsP50: number;
  latencyMsP99: number;
}

/**
 * The I/O queue's private per-class counters (the fair queue holds the queue itself).
 *
 * Thread: created and mutated only by the owning shard's IoQueue, on that thread.
 */
export class IoClassState {
  readonly name: string;
  readonly fqClass: FairQueueClassId;
  readonly waits = new LatencyHistogram();
  readonly latencies = new LatencyHistogram();
  metrics: IoClassMetrics | undefined;
  inFlight = 0;
  readRequests = 0;
  writeRequests = 0;
  readBytes = 0;
  writeBytes = 0;
  dispatchedCostUs = 0;
  completed = 0;
  errors = 0;
  rejected = 0;

  constructor(name: string, fqClass: FairQueueClassId) {
    this.name = name;
    this.fqClass = fqClass;
  }

  /** A request of the class enters the device after waiting `waitMs`. */
  onDispatch(kind: IoQueueRequestKind, sizeBytes: number, costUs: number, waitMs: number): void {
    this.inFlight++;
    this.dispatchedCostUs += costUs;
    this.waits.record(waitMs);
    const m = this.metrics;
    if (kind === 'read') {
      this.readRequests++;
      this.readBytes += sizeBytes;
      m?.readRequests.inc();
      m?.readBytes.inc(sizeBytes);
    } else {
      this.writeRequests++;
      this.writeBytes += sizeBytes;
      m?.writeRequests.inc();
      m?.writeBytes.inc(sizeBytes);
    }
    m?.dispatchedCostUs.inc(costUs);
    m?.waitMs.observe(Math.max(0, waitMs));
  }

  /** A request of the class completed, `latencyMs` after its submission. */
  onComplete(latencyMs: number, failed: boolean): void {
    this.inFlight--;
    this.completed++;
    this.latencies.record(latencyMs);
    this.metrics?.latencyMs.observe(Math.max(0, latencyMs));
    if (failed) {
      this.errors++;
      this.metrics?.errors.inc();
    }
  }

  /** A submission was refused because the class queue was full. */
  onRejected(): void {
    this.rejected++;
    this.metrics?.rejected.inc();
  }
}
