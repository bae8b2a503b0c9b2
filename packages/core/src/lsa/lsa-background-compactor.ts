import { CharybdisError, hasErrorCode } from '../errors';
import type { SchedulingGroup } from '../scheduler';
import { SchedErrorCode } from '../scheduler';
import { LsaErrorCode } from './lsa-errors';
import { DEFAULT_COMPACTION_STEP_BYTES } from './lsa-layout';
import type { SegmentPool } from './segment-pool';

/** Options of {@link LsaBackgroundCompactor}. */
export interface LsaBackgroundCompactorOptions {
  pool: SegmentPool;
  /** The scheduling group compaction steps run in (the shard's `compaction` or `memtable` group). */
  group: SchedulingGroup;
  /** Bytes one step moves at most (one segment at least); default 64 KiB. */
  stepBytes?: number;
  /** Told at once if the loop fails (a bug); `stop()` then rejects with the same error. */
  onError?: (err: unknown) => void;
}

/**
 * Keeps a pool's occupancy at its `targetOccupancy` in the background: a loop, run as one
 * task of `group`, that calls `pool.compactStep(stepBytes)` and awaits `group.yield()`
 * between steps, so compaction gets the group's share of the CPU and never holds the
 * thread for more than one step. When there is nothing to do it parks on
 * `pool.whenCompactionWanted()` (no timer, no CPU) and re-enters the scheduler when woken.
 *
 * Owner: the shard's composition root; `start()` once, `stop()` before the pool is
 * dropped. One compactor per pool. Thread: the shard's.
 */
export class LsaBackgroundCompactor {
  readonly #pool: SegmentPool;
  readonly #group: SchedulingGroup;
  readonly #stepBytes: number;
  readonly #onError: ((err: unknown) => void) | undefined;
  readonly #abort = new AbortController();
  #loop: Promise<void> | null = null;
  #steps = 0;
  #movedBytes = 0;

  constructor(options: LsaBackgroundCompactorOptions) {
    const stepBytes = options.stepBytes ?? DEFAULT_COMPACTION_STEP_BYTES;
    if (!Number.isSafeInteger(stepBytes) || stepBytes < 1) {
      throw new CharybdisError(LsaErrorCode.INVALID_OPTION, `LsaBackgroundCompactor: stepBytes must be a positive integer, got ${String(stepBytes)}`);
    }
    this.#pool = options.pool;
    this.#group = options.group;
    this.#stepBytes = stepBytes;
    this.#onError = options.onError;
  }

  /** Steps that moved something, and the bytes they moved. */
  stats(): { steps: number; movedBytes: number; running: boolean } {
    return { steps: this.#steps, movedBytes: this.#movedBytes, running: this.#loop !== null && !this.#abort.signal.aborted };
  }

  /** Starts the loop in the group. LSA_INVALID_STATE if started before. */
  start(): void {
    if (this.#loop !== null) throw new CharybdisError(LsaErrorCode.INVALID_STATE, 'LsaBackgroundCompactor already started');
    this.#loop = this.#group.run(() => this.#run()).catch((err: unknown) => {
      if (hasErrorCode(err, SchedErrorCode.stopped)) return; // the shard is stopping
      this.#onError?.(err);
      throw err;
    });
    // stop() reports the failure; keep an early failure from being an unhandled rejection.
    this.#loop.catch(() => undefined);
  }

  /** Stops after the current step; resolves when the loop has ended (rejects if it failed). */
  async stop(): Promise<void> {
    this.#abort.abort();
    if (this.#loop !== null) await this.#loop;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      const moved = this.#pool.compactStep(this.#stepBytes);
      if (moved > 0) {
        this.#steps++;
        this.#movedBytes += moved;
      } else {
        await this.#pool.whenCompactionWanted(signal);
        if (signal.aborted) return;
      }
      await this.#group.yield();
    }
  }
}
