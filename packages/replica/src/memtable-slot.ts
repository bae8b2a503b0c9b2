import type { Memtable, ReplayPosition } from '@charybdis/storage';
import { compareReplayPositions } from '@charybdis/storage';

/**
 * A memtable with what its table needs to know about it: the first commitlog position of
 * its data (the commitlog may recycle segments only below the oldest such position of all
 * unflushed memtables), and a reference count so a read or range scan still walking it
 * when its flush completes does not see it destroyed underneath (the memtable's memory is
 * given back when the last reader lets go).
 */
export class MemtableSlot {
  readonly memtable: Memtable;
  #firstPosition: ReplayPosition | null = null;
  #refs = 1;
  #retired = false;

  constructor(memtable: Memtable) {
    this.memtable = memtable;
  }

  get firstPosition(): ReplayPosition | null {
    return this.#firstPosition;
  }

  /** Notes that data logged at `position` went into this memtable. */
  noteLogged(position: ReplayPosition): void {
    if (this.#firstPosition === null || compareReplayPositions(position, this.#firstPosition) < 0) this.#firstPosition = position;
  }

  acquire(): void {
    this.#refs++;
  }

  release(): void {
    this.#refs--;
    if (this.#refs === 0) this.memtable.destroy();
  }

  /** The table is done with it (flushed or truncated); destroyed once unreferenced. */
  retire(): void {
    if (this.#retired) return;
    this.#retired = true;
    this.release();
  }
}
