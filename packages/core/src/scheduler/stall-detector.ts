import type { GroupState } from './group-state';
import type { SchedulerLogger } from './scheduler-options';

/**
 * Reports task segments that kept the shard's thread busy for too long without yielding
 * (Seastar's "Reactor stalled for N ms"): every such segment counts as a stall of its
 * group, and a warning naming the group and the duration is logged at most once per
 * group per `logIntervalMs` (the next warning says how many were not logged).
 *
 * Thread: called by the shard's CpuScheduler after each segment, on the shard's thread.
 * It can only see a stall after it ended: JS cannot interrupt a running callback.
 */
export class StallDetector {
  constructor(
    private readonly logger: SchedulerLogger,
    readonly thresholdMs: number,
    private readonly logIntervalMs: number,
  ) {}

  observe(group: GroupState, durationMs: number, nowMs: number): void {
    if (durationMs < this.thresholdMs) return;
    group.stalls++;
    if (nowMs - group.lastStallLogMs < this.logIntervalMs) {
      group.suppressedStallLogs++;
      return;
    }
    this.logger.warn(
      {
        group: group.name,
        durationMs: Math.round(durationMs * 100) / 100,
        thresholdMs: this.thresholdMs,
        stalls: group.stalls,
        notLogged: group.suppressedStallLogs,
      },
      `scheduling group ${group.name} ran ${durationMs.toFixed(1)} ms without yielding (threshold ${this.thresholdMs} ms)`,
    );
    group.lastStallLogMs = nowMs;
    group.suppressedStallLogs = 0;
  }
}
