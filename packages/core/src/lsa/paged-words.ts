/**
 * A growable array of fixed-size slots of u32 words (handle locations, LRU links, B-tree
 * nodes), kept in pages so growth never copies more than the first page and never leaves
 * more than one page unused. Page 0 starts small and doubles up to a full page, so a
 * region or index with a few entries costs a few hundred bytes, not a page.
 *
 * Slot `i` lives in `pages[i >>> pageBits]` at word `(i & pageMask) * slotWords`. Callers
 * on hot paths fetch the page and base once and index the words directly.
 *
 * Owned by one region or index of one shard; not shared across threads.
 */
export class PagedWords {
  readonly slotWords: number;
  readonly pageBits: number;
  readonly pageMask: number;
  readonly pages: Uint32Array[] = [];
  #capacitySlots = 0;
  readonly #initialSlots: number;

  constructor(slotWords: number, pageBits: number, initialSlots: number) {
    this.slotWords = slotWords;
    this.pageBits = pageBits;
    this.pageMask = (1 << pageBits) - 1;
    this.#initialSlots = Math.min(initialSlots, 1 << pageBits);
    this.reset();
  }

  /** Slots addressable without growing. */
  get capacitySlots(): number {
    return this.#capacitySlots;
  }

  /** Bytes of the typed arrays held. */
  get bytes(): number {
    let total = 0;
    for (const p of this.pages) total += p.byteLength;
    return total;
  }

  /** Makes slot `slot` addressable (grows page 0 by doubling, then adds pages). */
  ensure(slot: number): void {
    while (slot >= this.#capacitySlots) this.#grow();
  }

  /** The page holding `slot`. */
  page(slot: number): Uint32Array {
    return this.pages[slot >>> this.pageBits]!;
  }

  /** Index of `slot`'s first word in its page. */
  base(slot: number): number {
    return (slot & this.pageMask) * this.slotWords;
  }

  /** Word `word` of `slot`. */
  get(slot: number, word = 0): number {
    return this.pages[slot >>> this.pageBits]![(slot & this.pageMask) * this.slotWords + word]!;
  }

  /** Sets word `word` of `slot`. */
  set(slot: number, value: number, word = 0): void {
    this.pages[slot >>> this.pageBits]![(slot & this.pageMask) * this.slotWords + word] = value;
  }

  /** Drops every page and starts again with a small page 0. */
  reset(): void {
    this.pages.length = 0;
    this.pages.push(new Uint32Array(this.#initialSlots * this.slotWords));
    this.#capacitySlots = this.#initialSlots;
  }

  #grow(): void {
    const pageSlots = 1 << this.pageBits;
    if (this.#capacitySlots < pageSlots) {
      const next = Math.min(pageSlots, this.#capacitySlots * 2);
      const grown = new Uint32Array(next * this.slotWords);
      grown.set(this.pages[0]!);
      this.pages[0] = grown;
      this.#capacitySlots = next;
      return;
    }
    this.pages.push(new Uint32Array(pageSlots * this.slotWords));
    this.#capacitySlots += pageSlots;
  }
}
