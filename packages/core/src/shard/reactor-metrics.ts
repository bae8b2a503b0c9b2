import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventLoopUtilization } from 'node:perf_hooks';
import type { Counter, MetricsRegistry } from '../metrics';
import type { CpuScheduler } from '../scheduler';
import type { Smp } from '../smp';

/**
 * Copies counters that components keep as plain numbers (scheduler and smp stats) into
 * registry counters: each sync adds what grew since the last one, so the exported
 * counters stay monotonic.
 */
class CounterSync {
  private readonly last = new Map<string, number>();

  add(counter: Counter<string>, labels: Record<string, string>, key: string, value: number): void {
    const seen = this.last.get(key) ?? 0;
    if (value > seen) counter.labels(labels).inc(value - seen);
    this.last.set(key, value);
  }
}

/**
 * Registers the reactor's metrics of one shard (scheduling groups, smp traffic per peer,
 * event-loop utilization) and returns the function that refreshes them from their
 * sources; call it right before `registry.collect()`. Runs on the shard's own thread.
 */
export function registerReactorMetrics(registry: MetricsRegistry, scheduler: CpuScheduler, smp: Smp): () => void {
  const sync = new CounterSync();
  const g = ['group'];
  const p = ['peer'];
  const m = {
    runtime: registry.counter({ name: 'scheduler_runtime_ms_total', help: 'CPU time charged to the scheduling group, ms', labelNames: g }),
    tasks: registry.counter({ name: 'scheduler_tasks_processed_total', help: 'Tasks the scheduling group started', labelNames: g }),
    waitMs: registry.counter({ name: 'scheduler_waittime_ms_total', help: 'Time tasks of the group waited in its run queue, ms', labelNames: g }),
    stalls: registry.counter({ name: 'reactor_stalls_total', help: 'Task segments longer than the stall threshold', labelNames: g }),
    rejected: registry.counter({ name: 'scheduler_tasks_rejected_total', help: 'Tasks refused because the run queue was full', labelNames: g }),
    queue: registry.gauge({ name: 'scheduler_queue_length', help: 'Tasks waiting in the group run queue', labelNames: g }),
    shares: registry.gauge({ name: 'scheduler_shares', help: 'Shares of the scheduling group', labelNames: g }),
    waitP99: registry.gauge({ name: 'scheduler_waittime_p99_ms', help: 'p99 of run-queue waiting time since start, ms', labelNames: g }),
    sent: registry.counter({ name: 'smp_messages_sent_total', help: 'Messages sent to the peer shard', labelNames: p }),
    received: registry.counter({ name: 'smp_messages_received_total', help: 'Messages received from the peer shard', labelNames: p }),
    bytesSent: registry.counter({ name: 'smp_bytes_sent_total', help: 'Encoded bytes sent to the peer shard', labelNames: p }),
    batches: registry.counter({ name: 'smp_batches_sent_total', help: 'Ring publications to the peer shard', labelNames: p }),
    fullWaits: registry.counter({ name: 'smp_full_ring_waits_total', help: 'Times the ring to the peer was full', labelNames: p }),
    timeouts: registry.counter({ name: 'smp_timeouts_total', help: 'Requests to the peer shard that timed out', labelNames: p }),
    inFlight: registry.gauge({ name: 'smp_requests_in_flight', help: 'Requests to the peer awaiting an answer', labelNames: p }),
    utilization: registry.gauge({ name: 'reactor_utilization', help: 'Event-loop utilization since the previous scrape, 0..1' }),
    delayP99: registry.gauge({
      name: 'reactor_loop_delay_p99_ms',
      help: 'p99 of the event-loop delay since the previous scrape, ms (a timer every 10 ms, how late it ran)',
    }),
    delayMax: registry.gauge({ name: 'reactor_loop_delay_max_ms', help: 'Longest event-loop delay since the previous scrape, ms' }),
  };
  let lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  // How late the loop runs a timer: what a request that arrives now waits before this
  // shard even reads it (GC pauses, long tasks, the thread not scheduled), which the CQL
  // request latency (decode to response) cannot see. One libuv timer per shard.
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loopDelay.enable();

  return () => {
    for (const s of scheduler.stats().groups) {
      const labels = { group: s.name };
      sync.add(m.runtime, labels, `rt:${s.name}`, s.runtimeMs);
      sync.add(m.tasks, labels, `tasks:${s.name}`, s.tasksRun);
      sync.add(m.waitMs, labels, `wait:${s.name}`, s.waitMsTotal);
      sync.add(m.stalls, labels, `stalls:${s.name}`, s.stalls);
      sync.add(m.rejected, labels, `rej:${s.name}`, s.tasksRejected);
      m.queue.labels(labels).set(s.queueLength);
      m.shares.labels(labels).set(s.shares);
      m.waitP99.labels(labels).set(s.waitMsP99);
    }
    for (const peer of smp.stats().peers) {
      const labels = { peer: String(peer.shard) };
      sync.add(m.sent, labels, `sent:${peer.shard}`, peer.messagesSent);
      sync.add(m.received, labels, `recv:${peer.shard}`, peer.messagesReceived);
      sync.add(m.bytesSent, labels, `bytes:${peer.shard}`, peer.bytesSent);
      sync.add(m.batches, labels, `batches:${peer.shard}`, peer.batchesSent);
      sync.add(m.fullWaits, labels, `full:${peer.shard}`, peer.fullRingWaits);
      sync.add(m.timeouts, labels, `to:${peer.shard}`, peer.timeouts);
      m.inFlight.labels(labels).set(peer.inFlightRequests);
    }
    const elu = performance.eventLoopUtilization(lastElu);
    lastElu = performance.eventLoopUtilization();
    m.utilization.set(elu.utilization);
    // The histogram holds whole intervals between the probe's runs, in ns: the delay is
    // what exceeds the period. An interval without a sample (count 0) reports 0.
    const lateMs = (ns: number): number => Math.max(0, ns / 1e6 - LOOP_DELAY_RESOLUTION_MS);
    m.delayP99.set(loopDelay.count === 0 ? 0 : lateMs(loopDelay.percentile(99)));
    m.delayMax.set(loopDelay.count === 0 ? 0 : lateMs(loopDelay.max));
    loopDelay.reset();
  };
}

/** Period of the event-loop delay probe, ms (Node's default; each is a timer callback). */
const LOOP_DELAY_RESOLUTION_MS = 10;
