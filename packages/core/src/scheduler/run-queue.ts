/**
 * A FIFO of one scheduling group's runnable entries: a growable ring buffer, so that
 * `shift()` is O(1) even for deep queues (Array.prototype.shift moves every element).
 *
 * Thread: owned by one shard's {@link CpuScheduler}; used only on that shard's thread.
 * The bound on its length is enforced by the caller (the scheduler), not here.
 */
export class RunQueue<T> {
  private slots: Array<T | undefined>;
  private head = 0;
  private count = 0;

  constructor(initialCapacity = 16) {
    this.slots = new Array<T | undefined>(Math.max(2, initialCapacity));
  }

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.slots.length) this.grow();
    this.slots[(this.head + this.count) % this.slots.length] = item;
    this.count++;
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    this.slots[this.head] = undefined; // drop the reference: the entry may hold closures
    this.head = (this.head + 1) % this.slots.length;
    this.count--;
    return item;
  }

  /** Removes every item and returns them oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.slots.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.slots[(this.head + i) % this.slots.length];
    this.slots = next;
    this.head = 0;
  }
}
