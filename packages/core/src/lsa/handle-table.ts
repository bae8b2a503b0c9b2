import { CharybdisError } from '../errors';
import { LsaErrorCode } from './lsa-errors';
import { MAX_HANDLES } from './lsa-layout';
import { PagedWords } from './paged-words';

/** Bit 31 of a slot marks it free; the other bits are then the next free handle (0 = none). */
export const HANDLE_FREE_BIT = 0x8000_0000;
const PAGE_BITS = 16;
const INITIAL_SLOTS = 256;

/**
 * The handle table of one region: handle `h` (1..2^31-1) → the u32 word address of its
 * object's header, `(segment << segmentWordBits) | (offset / 4)`. 4 bytes per handle,
 * paged, no JS object per handle.
 *
 * Invariants (checked by `SegmentPool.checkInvariants`):
 * - a live handle's slot has bit 31 clear and addresses a header whose word 0 is `h`;
 *   compaction rewrites the slot when it moves the object, nobody else does;
 * - a free slot has bit 31 set and links to the next free handle (LIFO reuse);
 * - handle 0 is never allocated (it is `NULL_HANDLE`, and the LRU list's sentinel).
 *
 * A handle freed and reused refers to the new object: holders must drop handles they
 * free (no generation counter; that would cost a word per handle). Owned by its region.
 */
export class HandleTable {
  readonly #slots = new PagedWords(1, PAGE_BITS, INITIAL_SLOTS);
  #freeHead = 0;
  /** Next never-used handle. */
  #next = 1;
  #live = 0;

  /** Live handles. */
  get count(): number {
    return this.#live;
  }

  /** One past the highest handle ever allocated. */
  get limit(): number {
    return this.#next;
  }

  /** Bytes of the table's typed arrays. */
  get bytes(): number {
    return this.#slots.bytes;
  }

  /** A new handle addressing `loc` (a header word address). */
  allocate(loc: number): number {
    let h = this.#freeHead;
    if (h !== 0) {
      this.#freeHead = this.#slots.get(h) & ~HANDLE_FREE_BIT;
    } else {
      if (this.#next > MAX_HANDLES) {
        throw new CharybdisError(LsaErrorCode.LIMIT_EXCEEDED, `a region holds at most ${MAX_HANDLES} handles`);
      }
      h = this.#next++;
      this.#slots.ensure(h);
    }
    this.#slots.set(h, loc);
    this.#live++;
    return h;
  }

  /** Returns `h` to the free list (the caller checked it is live). */
  release(h: number): void {
    this.#slots.set(h, (HANDLE_FREE_BIT | this.#freeHead) >>> 0);
    this.#freeHead = h;
    this.#live--;
  }

  /**
   * The location of live handle `h`, or -1 when `h` is not a live handle (out of range,
   * free, not an integer).
   */
  locate(h: number): number {
    if (!(h >= 1 && h < this.#next) || h !== (h | 0)) return -1;
    const loc = this.#slots.get(h);
    return (loc & HANDLE_FREE_BIT) !== 0 ? -1 : loc;
  }

  /** Points live handle `h` at `loc` (compaction moved the object). */
  relocate(h: number, loc: number): void {
    this.#slots.set(h, loc);
  }

  /** Forgets every handle. */
  reset(): void {
    this.#slots.reset();
    this.#freeHead = 0;
    this.#next = 1;
    this.#live = 0;
  }
}
