import { CharybdisError } from '../errors';
import { LsaErrorCode } from './lsa-errors';
import { PagedWords } from './paged-words';

const PAGE_BITS = 10;
const INITIAL_SLOTS = 4;
/** Node indexes stay below 2^31: bit 31 of a node reference marks a leaf. */
const MAX_NODES = 0x7fff_ffff;

/**
 * Fixed-size B-tree nodes of one kind (leaves or inner nodes) in paged u32 arrays: a node
 * is an index, not a JS object. Freed nodes are reused (a free list threaded through
 * word 0). Allocating may replace page 0 (while it grows), so callers re-fetch `page()`
 * after `alloc()`. Owned by one LsaBTree.
 */
export class BTreeNodeStore {
  readonly #words: PagedWords;
  #freeHead = -1;
  #next = 0;
  #live = 0;

  constructor(slotWords: number) {
    this.#words = new PagedWords(slotWords, PAGE_BITS, INITIAL_SLOTS);
  }

  /** Nodes in use. */
  get count(): number {
    return this.#live;
  }

  get bytes(): number {
    return this.#words.bytes;
  }

  /** A new node with word 0 (its key count) set to 0. */
  alloc(): number {
    let i = this.#freeHead;
    if (i >= 0) {
      this.#freeHead = this.#words.get(i) - 1;
    } else {
      if (this.#next >= MAX_NODES) throw new CharybdisError(LsaErrorCode.LIMIT_EXCEEDED, 'B-tree node store is full');
      i = this.#next++;
      this.#words.ensure(i);
    }
    this.#words.set(i, 0);
    this.#live++;
    return i;
  }

  free(i: number): void {
    this.#words.set(i, this.#freeHead + 1);
    this.#freeHead = i;
    this.#live--;
  }

  page(i: number): Uint32Array {
    return this.#words.page(i);
  }

  base(i: number): number {
    return this.#words.base(i);
  }

  reset(): void {
    this.#words.reset();
    this.#freeHead = -1;
    this.#next = 0;
    this.#live = 0;
  }
}
