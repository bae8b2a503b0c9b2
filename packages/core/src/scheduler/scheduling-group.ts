import type { GroupState, SchedulingGroupStats } from './group-state';
import { checkShares } from './group-state';

/** What a SchedulingGroup asks of its scheduler (implemented privately by CpuScheduler). */
export interface GroupHost {
  run(group: GroupState, fn: () => unknown): Promise<unknown>;
  yield(group: GroupState): Promise<void>;
  shouldYield(group: GroupState): boolean;
}

/**
 * A scheduling group (Seastar's `scheduling_group`): a class of work with a share of the
 * shard's CPU. `run(fn)` queues a task; the shard's CpuScheduler starts it when this group
 * has the least vruntime among groups with queued work. Long work calls `await
 * group.yield()` between bounded chunks: it returns at once while the current task quota
 * lasts, otherwise the task re-enters this group's queue and resumes when the group is
 * picked again.
 *
 * Thread: a group belongs to one shard's scheduler and must be used only on that shard's
 * thread. Create groups with {@link CpuScheduler.createGroup}.
 */
export class SchedulingGroup {
  /** @internal Use CpuScheduler.createGroup. */
  constructor(
    private readonly host: GroupHost,
    private readonly state: GroupState,
  ) {}

  get name(): string {
    return this.state.name;
  }

  get shares(): number {
    return this.state.shares;
  }

  /**
   * Changes the group's shares (1..1000) from now on; the runtime already charged keeps
   * its old weight. Throws SCHED_INVALID_SHARES. Used e.g. by a backlog controller.
   */
  setShares(shares: number): void {
    this.state.shares = checkShares(this.state.name, shares);
  }

  /**
   * Queues `fn` and returns a promise of its result. `fn` is called synchronously by the
   * run loop when this group is picked; if it returns a promise, the result settles with
   * it. Only the part of `fn` that runs until it awaits something outside the scheduler
   * is accounted to this group, see README.md. Rejects with SCHED_QUEUE_FULL when the
   * queue is at its bound, SCHED_STOPPED after stop(); an error thrown by `fn` rejects
   * only this promise.
   */
  run<T>(fn: () => T | PromiseLike<T>): Promise<Awaited<T>> {
    return this.host.run(this.state, fn) as Promise<Awaited<T>>;
  }

  /**
   * A preemption point for long work: resolves (after one microtask) while this group's
   * current segment has quota left; otherwise re-queues the caller in this group and
   * resolves when the group is picked again. Called outside this group's running segment
   * (e.g. right after awaiting I/O), it always re-queues: that is how a continuation gets
   * back under the scheduler's control. Rejects with SCHED_STOPPED once the scheduler is
   * stopped (drain finished, or abort).
   */
  yield(): Promise<void> {
    return this.host.yield(this.state);
  }

  /** Whether `yield()` would really suspend now; lets hot loops skip the await. */
  shouldYield(): boolean {
    return this.host.shouldYield(this.state);
  }

  stats(): SchedulingGroupStats {
    return this.state.stats();
  }
}
