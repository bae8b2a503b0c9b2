/**
 * A least-recently-used cache bounded by entry count and by a byte budget (each entry's
 * weight given at insertion). A get refreshes the entry; inserting past either bound
 * evicts the least recently used entries. Map insertion order is the recency order.
 * Counts hits, misses and evictions (for the statement cache metrics).
 */
export class BoundedLru<K, V> {
  readonly #entries = new Map<K, { value: V; weightBytes: number }>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(maxEntries: number, maxBytes: number = Number.POSITIVE_INFINITY) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be an integer ≥ 1, got ${maxEntries}`);
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Bytes of the entries held (sum of their weights). */
  get bytes(): number {
    return this.#bytes;
  }

  /** `get` calls that found their key. */
  get hits(): number {
    return this.#hits;
  }

  /** `get` calls that did not. */
  get misses(): number {
    return this.#misses;
  }

  /** Entries dropped to stay within the bounds (explicit deletes not included). */
  get evictions(): number {
    return this.#evictions;
  }

  get(key: K): V | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e.value;
  }

  set(key: K, value: V, weightBytes = 0): void {
    this.delete(key);
    this.#entries.set(key, { value, weightBytes });
    this.#bytes += weightBytes;
    while (this.#entries.size > this.#maxEntries || (this.#bytes > this.#maxBytes && this.#entries.size > 1)) {
      const oldest = this.#entries.keys().next().value as K;
      this.delete(oldest);
      this.#evictions++;
    }
  }

  delete(key: K): void {
    const e = this.#entries.get(key);
    if (e === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= e.weightBytes;
  }
}
