import { CharybdisError } from '../errors';
import { SmpErrorCode } from './smp-errors';

/*
 * The control block: for each shard two int32 words, each on its own 64-byte cache line:
 *
 *   word shard*32 + 0   doorbell  AWAKE (0) or SLEEPING (1)
 *   word shard*32 + 16  state     RUNNING (0) or STOPPED (1); written once, by the shard
 */
const WORDS_PER_SHARD = 32;
const DOORBELL_OFFSET = 0;
const STATE_OFFSET = 16;
const AWAKE = 0;
const SLEEPING = 1;
const STOPPED = 1;

/** Bytes of the control block for `shardCount` shards. */
export function controlBlockBytes(shardCount: number): number {
  return shardCount * WORDS_PER_SHARD * 4;
}

type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
type WaitAsync = (array: Int32Array, index: number, value: number) => WaitAsyncResult;

/**
 * The doorbell words of every shard of the node, over the shared control block.
 *
 * Protocol (every access is a sequentially consistent atomic): a shard with nothing to do
 * stores SLEEPING in its own doorbell, checks all its sources of work once more, and only
 * then waits on the word with `Atomics.waitAsync`. A producer first publishes (stores a
 * ring's tail, a stop state…), then {@link ring}s: if the word reads SLEEPING it swaps it to
 * AWAKE and notifies. Either the sleeper's re-check sees the publication or the producer
 * sees SLEEPING, so no wake-up is lost; and since only the producer that wins the swap
 * notifies, a sleeping shard gets at most one notify however many producers publish.
 * A shard never waits with a timeout, so an idle shard costs no CPU.
 */
export class Doorbells {
  readonly shardCount: number;
  private readonly words: Int32Array;
  private readonly waitAsync: WaitAsync;

  constructor(control: SharedArrayBuffer, shardCount: number) {
    if (control.byteLength < controlBlockBytes(shardCount)) {
      throw new CharybdisError(SmpErrorCode.BAD_CONFIG, `control block too small for ${shardCount} shards`);
    }
    const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
    if (typeof waitAsync !== 'function') {
      throw new CharybdisError(SmpErrorCode.BAD_CONFIG, 'Atomics.waitAsync is not available in this runtime');
    }
    this.shardCount = shardCount;
    this.words = new Int32Array(control, 0, shardCount * WORDS_PER_SHARD);
    this.waitAsync = waitAsync;
  }

  /** Any thread: wakes `shard` if it sleeps (or is about to). True when it notified. */
  ring(shard: number): boolean {
    const index = shard * WORDS_PER_SHARD + DOORBELL_OFFSET;
    if (Atomics.load(this.words, index) !== SLEEPING) return false;
    if (Atomics.compareExchange(this.words, index, SLEEPING, AWAKE) !== SLEEPING) return false;
    Atomics.notify(this.words, index);
    return true;
  }

  /** Owner shard only: announces it is going to sleep; re-check for work afterwards. */
  prepareSleep(self: number): void {
    Atomics.store(this.words, self * WORDS_PER_SHARD + DOORBELL_OFFSET, SLEEPING);
  }

  /** Owner shard only: marks itself awake (after a wake-up, or when the re-check found work). */
  markAwake(self: number): void {
    Atomics.store(this.words, self * WORDS_PER_SHARD + DOORBELL_OFFSET, AWAKE);
  }

  /**
   * Owner shard only, after {@link prepareSleep}: a promise that settles when the doorbell
   * is rung, or null when it already was. The pending wait does not keep the thread's event
   * loop alive.
   */
  wait(self: number): Promise<unknown> | null {
    const result = this.waitAsync(this.words, self * WORDS_PER_SHARD + DOORBELL_OFFSET, SLEEPING);
    return result.async ? result.value : null;
  }

  /** Owner shard only: records that its `Smp` stopped (never undone). */
  setStopped(self: number): void {
    Atomics.store(this.words, self * WORDS_PER_SHARD + STATE_OFFSET, STOPPED);
  }

  /** Any thread: true once `shard`'s `Smp` has stopped. */
  isStopped(shard: number): boolean {
    return Atomics.load(this.words, shard * WORDS_PER_SHARD + STATE_OFFSET) === STOPPED;
  }

  /** Owner shard only: forces its own pending wait to settle (used by stop()). */
  wakeSelf(self: number): void {
    const index = self * WORDS_PER_SHARD + DOORBELL_OFFSET;
    Atomics.store(this.words, index, AWAKE);
    Atomics.notify(this.words, index);
  }
}
