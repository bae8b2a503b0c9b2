import { PagedWords } from './paged-words';

const PAGE_BITS = 16;
const INITIAL_SLOTS = 256;
const PREV = 0;
const NEXT = 1;

/**
 * The LRU order of an evictable region: an intrusive circular doubly linked list over
 * handles, two u32 words (prev, next) per handle in paged typed arrays, with handle 0 as
 * the sentinel. The front is the most recently used object, the back the next victim.
 *
 * Invariant: exactly the region's live, unpinned handles are linked (pinned objects are
 * unlinked while pinned, so eviction never meets them). Owned by its region.
 */
export class LruList {
  readonly #links = new PagedWords(2, PAGE_BITS, INITIAL_SLOTS);
  #length = 0;

  constructor() {
    this.reset();
  }

  get length(): number {
    return this.#length;
  }

  get bytes(): number {
    return this.#links.bytes;
  }

  /** Links `h` at the front (most recently used). */
  pushFront(h: number): void {
    const links = this.#links;
    links.ensure(h);
    const first = links.get(0, NEXT);
    links.set(h, 0, PREV);
    links.set(h, first, NEXT);
    links.set(first, h, PREV);
    links.set(0, h, NEXT);
    this.#length++;
  }

  /** Unlinks `h` (which must be linked). */
  remove(h: number): void {
    const links = this.#links;
    const prev = links.get(h, PREV);
    const next = links.get(h, NEXT);
    links.set(prev, next, NEXT);
    links.set(next, prev, PREV);
    this.#length--;
  }

  /** Moves linked `h` to the front. */
  moveToFront(h: number): void {
    if (this.#links.get(0, NEXT) === h) return;
    this.remove(h);
    this.pushFront(h);
  }

  /** The least recently used handle, or 0 when empty. */
  back(): number {
    return this.#links.get(0, PREV);
  }

  /** The handle after `h` towards the back (0 past the end); for checks and tests. */
  nextOf(h: number): number {
    return this.#links.get(h, NEXT);
  }

  /** The most recently used handle, or 0 when empty. */
  front(): number {
    return this.#links.get(0, NEXT);
  }

  reset(): void {
    this.#links.reset();
    this.#length = 0;
  }
}
