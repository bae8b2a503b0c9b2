import { CharybdisError } from '../errors';
import { BTreeNodeStore } from './btree-node-store';
import { LsaBTreeCursor } from './lsa-btree-cursor';
import type { BTreeAccess } from './lsa-btree-cursor';
import { LsaErrorCode } from './lsa-errors';
import { NULL_HANDLE } from './lsa-layout';
import type { LsaRegion } from './lsa-region';
import type { LsaComparator } from './lsa-region-types';

/** Bit 31 of a node reference: the node is a leaf (its index is in the leaf store). */
const LEAF_BIT = 0x8000_0000;
const INDEX_MASK = 0x7fff_ffff;
/** Default minimum degree t: nodes hold t−1..2t−1 = 31..63 keys (a leaf is 256 bytes). */
export const DEFAULT_BTREE_MIN_DEGREE = 32;
const MIN_DEGREE_RANGE: readonly [number, number] = [2, 512];
const EMPTY = new Uint8Array(0);

/** Options of {@link LsaBTree}. */
export interface LsaBTreeOptions {
  /** Minimum degree t (2..512): nodes hold t−1..2t−1 keys; default 32. */
  minDegree?: number;
}

/**
 * The sorted index of a memtable or cache partition: a B-tree (CLRS: every key in exactly
 * one node, single-pass insert and delete) whose keys are handles of objects in one
 * {@link LsaRegion}, ordered by `comparator` applied to the objects' bytes — e.g. token,
 * then partition key, then clustering key. An entry *is* its object: the comparator sees
 * the whole object (typically a key prefix followed by the value), and a probe passed to
 * `get`/`remove`/`cursor().seek` is compared the same way, so it is the key encoded like
 * the objects' prefix.
 *
 * Memory: nodes are slots in paged Uint32Arrays (a leaf with t = 32 is 256 bytes for up to
 * 63 entries), so the index adds about 4–8 bytes per entry and no JS object per entry or
 * per node. Compaction moving objects does not touch the tree (it holds handles). The
 * tree's memory is JS-side metadata, outside the pool's budget (`memoryBytes`).
 *
 * The tree does not own the objects: `insert` returns the handle it replaced and
 * `remove` the handle it removed, and the caller frees them — only after they left the
 * tree (the tree reads its keys' bytes; a freed key makes operations throw
 * LSA_INVALID_HANDLE). Operations never allocate in the region, so they never trigger
 * compaction, and they may run inside an `onEvict` callback (a cache removing the victim
 * from its index). Cursors are invalidated by any change.
 *
 * Thread: owned by the shard that owns the region.
 */
export class LsaBTree implements BTreeAccess {
  readonly region: LsaRegion;
  readonly comparator: LsaComparator;
  readonly #t: number;
  readonly #maxKeys: number;
  readonly #leaves: BTreeNodeStore;
  readonly #inner: BTreeNodeStore;
  #root: number;
  #size = 0;
  #version = 0;
  // The key being looked for, as a byte range (a probe, or an object's bytes).
  #tBuf: Uint8Array = EMPTY;
  #tOff = 0;
  #tLen = 0;

  constructor(region: LsaRegion, comparator: LsaComparator, options: LsaBTreeOptions = {}) {
    const t = options.minDegree ?? DEFAULT_BTREE_MIN_DEGREE;
    if (!Number.isInteger(t) || t < MIN_DEGREE_RANGE[0] || t > MIN_DEGREE_RANGE[1]) {
      throw new CharybdisError(LsaErrorCode.INVALID_OPTION, `LsaBTree: minDegree must be an integer in [2, 512], got ${String(t)}`);
    }
    this.region = region;
    this.comparator = comparator;
    this.#t = t;
    this.#maxKeys = 2 * t - 1;
    this.#leaves = new BTreeNodeStore(1 + this.#maxKeys);
    this.#inner = new BTreeNodeStore(2 + 2 * this.#maxKeys);
    this.#root = this.#newLeaf();
  }

  /** Entries in the tree. */
  get size(): number {
    return this.#size;
  }

  /** Bytes of the node arrays. */
  get memoryBytes(): number {
    return this.#leaves.bytes + this.#inner.bytes;
  }

  /** Changes so far; cursors compare it to detect that the tree changed under them. */
  get version(): number {
    return this.#version;
  }

  /** @internal */
  get root(): number {
    return this.#root;
  }

  /** @internal Max keys per node (2t − 1). */
  get maxKeys(): number {
    return this.#maxKeys;
  }

  /**
   * Inserts the object `handle` at its place. If an entry with an equal key exists it is
   * replaced and its handle returned (the caller frees it); otherwise NULL_HANDLE
   * (also when `handle` itself was already there).
   */
  insert(handle: number): number {
    this.#targetHandle(handle);
    this.#version++;
    const M = this.#maxKeys;
    if (this.#count(this.#root) === M) {
      const r = this.#inner.alloc();
      this.#inner.page(r)[this.#inner.base(r) + 1 + M] = this.#root;
      this.#root = r;
      this.#split(r, 0);
    }
    let x = this.#root;
    for (;;) {
      let a = this.#arr(x);
      let b = this.#base(x);
      const r = this.#search(a, b);
      let i = r >>> 1;
      if ((r & 1) !== 0) return this.#replace(a, b + 1 + i, handle);
      if (x >>> 31 !== 0) {
        const n = a[b]!;
        a.copyWithin(b + 2 + i, b + 1 + i, b + 1 + n);
        a[b + 1 + i] = handle;
        a[b] = n + 1;
        this.#size++;
        return NULL_HANDLE;
      }
      if (this.#count(a[b + 1 + M + i]!) === M) {
        this.#split(x, i);
        a = this.#arr(x);
        b = this.#base(x);
        const c = this.#cmpTarget(a[b + 1 + i]!);
        if (c === 0) return this.#replace(a, b + 1 + i, handle);
        if (c > 0) i++;
      }
      x = a[b + 1 + M + i]!;
    }
  }

  /** The handle of the entry whose key equals `probe`, or NULL_HANDLE. */
  get(probe: Uint8Array): number {
    this.#targetProbe(probe);
    return this.#find();
  }

  /** Whether `handle` itself is in the tree (not just an equal key). */
  has(handle: number): boolean {
    if (!this.region.isLive(handle)) return false;
    this.#targetHandle(handle);
    return this.#find() === handle;
  }

  /** Removes the entry whose key equals `probe`; returns its handle (caller frees it) or NULL_HANDLE. */
  remove(probe: Uint8Array): number {
    this.#targetProbe(probe);
    return this.#delete();
  }

  /** Removes `handle` itself if it is in the tree (an equal key held by another handle stays). */
  removeHandle(handle: number): boolean {
    if (!this.has(handle)) return false;
    this.#targetHandle(handle);
    this.#delete();
    return true;
  }

  /** A cursor over the entries in order; position it with `seek`/`seekFirst`. */
  cursor(): LsaBTreeCursor {
    return new LsaBTreeCursor(this);
  }

  /** Every handle in order (a cursor underneath; do not change the tree meanwhile). */
  *[Symbol.iterator](): IterableIterator<number> {
    const c = this.cursor();
    for (c.seekFirst(); c.valid; c.next()) yield c.handle;
  }

  /** Drops every entry (the objects are the caller's to free, e.g. by destroying the region). */
  clear(): void {
    this.#leaves.reset();
    this.#inner.reset();
    this.#root = this.#newLeaf();
    this.#size = 0;
    this.#version++;
  }

  // ---- BTreeAccess (for cursors and the invariant checker) ----

  /** @internal */
  isLeaf(node: number): boolean {
    return node >>> 31 !== 0;
  }

  /** @internal Keys in `node`. */
  keyCount(node: number): number {
    return this.#arr(node)[this.#base(node)]!;
  }

  /** @internal Key `i` of `node`. */
  keyAt(node: number, i: number): number {
    return this.#arr(node)[this.#base(node) + 1 + i]!;
  }

  /** @internal Child `i` of inner `node`. */
  childAt(node: number, i: number): number {
    return this.#arr(node)[this.#base(node) + 1 + this.#maxKeys + i]!;
  }

  /** @internal First index in `node` whose key is ≥ probe, ×2, +1 if equal. */
  searchProbe(node: number, probe: Uint8Array): number {
    this.#targetProbe(probe);
    return this.#search(this.#arr(node), this.#base(node));
  }

  // ---- private ----

  #newLeaf(): number {
    return (this.#leaves.alloc() | LEAF_BIT) >>> 0;
  }

  #arr(node: number): Uint32Array {
    return node >>> 31 !== 0 ? this.#leaves.page(node & INDEX_MASK) : this.#inner.page(node);
  }

  #base(node: number): number {
    return node >>> 31 !== 0 ? this.#leaves.base(node & INDEX_MASK) : this.#inner.base(node);
  }

  #count(node: number): number {
    return this.#arr(node)[this.#base(node)]!;
  }

  #free(node: number): void {
    if (node >>> 31 !== 0) this.#leaves.free(node & INDEX_MASK);
    else this.#inner.free(node);
  }

  #replace(a: Uint32Array, at: number, handle: number): number {
    const old = a[at]!;
    a[at] = handle;
    return old === handle ? NULL_HANDLE : old;
  }

  #targetProbe(probe: Uint8Array): void {
    this.#tBuf = probe;
    this.#tOff = 0;
    this.#tLen = probe.length;
  }

  #targetHandle(handle: number): void {
    this.#tBuf = this.region.bufferOf(handle);
    this.#tOff = this.region.offsetOf(handle);
    this.#tLen = this.region.sizeOf(handle);
  }

  /** comparator(target, key): > 0 when the target sorts after the key. */
  #cmpTarget(key: number): number {
    return this.region.compareProbe(this.comparator, this.#tBuf, this.#tOff, this.#tLen, key);
  }

  /** Binary search of the target in a node: (first index with key ≥ target) × 2, + 1 if equal. */
  #search(a: Uint32Array, b: number): number {
    let lo = 0;
    let hi = a[b]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.#cmpTarget(a[b + 1 + mid]!);
      if (c > 0) lo = mid + 1;
      else if (c < 0) hi = mid;
      else return (mid << 1) | 1;
    }
    return lo << 1;
  }

  #find(): number {
    let x = this.#root;
    for (;;) {
      const a = this.#arr(x);
      const b = this.#base(x);
      const r = this.#search(a, b);
      if ((r & 1) !== 0) return a[b + 1 + (r >>> 1)]!;
      if (x >>> 31 !== 0) return NULL_HANDLE;
      x = a[b + 1 + this.#maxKeys + (r >>> 1)]!;
    }
  }

  /** Splits the full child `i` of `x` around its median, which moves up into `x`. */
  #split(x: number, i: number): void {
    const t = this.#t;
    const M = this.#maxKeys;
    const y = this.childAt(x, i);
    const leaf = y >>> 31 !== 0;
    const z = leaf ? this.#newLeaf() : this.#inner.alloc();
    const ya = this.#arr(y);
    const yb = this.#base(y);
    const za = this.#arr(z);
    const zb = this.#base(z);
    copyWords(ya, yb + 1 + t, za, zb + 1, t - 1);
    if (!leaf) copyWords(ya, yb + 1 + M + t, za, zb + 1 + M, t);
    za[zb] = t - 1;
    ya[yb] = t - 1;
    const median = ya[yb + t]!;
    const xa = this.#arr(x);
    const xb = this.#base(x);
    const n = xa[xb]!;
    xa.copyWithin(xb + 2 + i, xb + 1 + i, xb + 1 + n);
    xa.copyWithin(xb + 1 + M + i + 2, xb + 1 + M + i + 1, xb + 1 + M + n + 1);
    xa[xb + 1 + i] = median;
    xa[xb + 1 + M + i + 1] = z;
    xa[xb] = n + 1;
  }

  /** Removes the target; returns the removed handle or NULL_HANDLE. */
  #delete(): number {
    this.#version++;
    const M = this.#maxKeys;
    let removed = NULL_HANDLE;
    let x = this.#root;
    for (;;) {
      const a = this.#arr(x);
      const b = this.#base(x);
      const r = this.#search(a, b);
      let i = r >>> 1;
      if (x >>> 31 !== 0) {
        if ((r & 1) !== 0) {
          removed = a[b + 1 + i]!;
          removeAt(a, b, i);
          this.#size--;
        }
        break;
      }
      if ((r & 1) !== 0) {
        const y = a[b + 1 + M + i]!;
        const z = a[b + 1 + M + i + 1]!;
        if (this.#count(y) >= this.#t || this.#count(z) >= this.#t) {
          removed = a[b + 1 + i]!;
          a[b + 1 + i] = this.#count(y) >= this.#t ? this.#removeExtreme(y, true) : this.#removeExtreme(z, false);
          this.#size--;
          break;
        }
        this.#merge(x, i); // the target moves down into y, at index t − 1
        x = y;
        continue;
      }
      i = this.#fixChild(x, i);
      x = this.childAt(x, i);
    }
    this.#shrinkRoot();
    return removed;
  }

  /** Removes and returns the largest (max) or smallest key of the subtree at `x` (which has ≥ t keys). */
  #removeExtreme(x: number, max: boolean): number {
    for (;;) {
      const a = this.#arr(x);
      const b = this.#base(x);
      const n = a[b]!;
      if (x >>> 31 !== 0) {
        const k = a[b + 1 + (max ? n - 1 : 0)]!;
        removeAt(a, b, max ? n - 1 : 0);
        return k;
      }
      const i = this.#fixChild(x, max ? n : 0);
      x = this.childAt(x, i);
    }
  }

  /**
   * Makes child `i` of `x` hold at least t keys before descending into it (borrowing from
   * a sibling or merging with one); returns the index of the child to descend into.
   */
  #fixChild(x: number, i: number): number {
    const t = this.#t;
    if (this.#count(this.childAt(x, i)) >= t) return i;
    const n = this.keyCount(x);
    if (i > 0 && this.#count(this.childAt(x, i - 1)) >= t) {
      this.#rotateRight(x, i - 1);
      return i;
    }
    if (i < n && this.#count(this.childAt(x, i + 1)) >= t) {
      this.#rotateLeft(x, i);
      return i;
    }
    if (i < n) {
      this.#merge(x, i);
      return i;
    }
    this.#merge(x, i - 1);
    return i - 1;
  }

  /** Moves the last key of child j up into x's key j, and x's key j down to the front of child j+1. */
  #rotateRight(x: number, j: number): void {
    const M = this.#maxKeys;
    const l = this.childAt(x, j);
    const c = this.childAt(x, j + 1);
    const xa = this.#arr(x);
    const xb = this.#base(x);
    const la = this.#arr(l);
    const lb = this.#base(l);
    const ca = this.#arr(c);
    const cb = this.#base(c);
    const nl = la[lb]!;
    const nc = ca[cb]!;
    ca.copyWithin(cb + 2, cb + 1, cb + 1 + nc);
    ca[cb + 1] = xa[xb + 1 + j]!;
    xa[xb + 1 + j] = la[lb + nl]!;
    if (c >>> 31 === 0) {
      ca.copyWithin(cb + 1 + M + 1, cb + 1 + M, cb + 1 + M + nc + 1);
      ca[cb + 1 + M] = la[lb + 1 + M + nl]!;
    }
    la[lb] = nl - 1;
    ca[cb] = nc + 1;
  }

  /** Moves x's key j down to the end of child j, and the first key of child j+1 up into x. */
  #rotateLeft(x: number, j: number): void {
    const M = this.#maxKeys;
    const c = this.childAt(x, j);
    const r = this.childAt(x, j + 1);
    const xa = this.#arr(x);
    const xb = this.#base(x);
    const ca = this.#arr(c);
    const cb = this.#base(c);
    const ra = this.#arr(r);
    const rb = this.#base(r);
    const nc = ca[cb]!;
    const nr = ra[rb]!;
    ca[cb + 1 + nc] = xa[xb + 1 + j]!;
    xa[xb + 1 + j] = ra[rb + 1]!;
    ra.copyWithin(rb + 1, rb + 2, rb + 1 + nr);
    if (c >>> 31 === 0) {
      ca[cb + 1 + M + nc + 1] = ra[rb + 1 + M]!;
      ra.copyWithin(rb + 1 + M, rb + 1 + M + 1, rb + 1 + M + nr + 1);
    }
    ca[cb] = nc + 1;
    ra[rb] = nr - 1;
  }

  /** Merges child j+1 and x's key j into child j; child j+1 is freed. */
  #merge(x: number, j: number): void {
    const M = this.#maxKeys;
    const y = this.childAt(x, j);
    const z = this.childAt(x, j + 1);
    const xa = this.#arr(x);
    const xb = this.#base(x);
    const ya = this.#arr(y);
    const yb = this.#base(y);
    const za = this.#arr(z);
    const zb = this.#base(z);
    const ny = ya[yb]!;
    const nz = za[zb]!;
    ya[yb + 1 + ny] = xa[xb + 1 + j]!;
    copyWords(za, zb + 1, ya, yb + 2 + ny, nz);
    if (y >>> 31 === 0) copyWords(za, zb + 1 + M, ya, yb + 1 + M + ny + 1, nz + 1);
    ya[yb] = ny + 1 + nz;
    const n = xa[xb]!;
    xa.copyWithin(xb + 1 + j, xb + 2 + j, xb + 1 + n);
    xa.copyWithin(xb + 1 + M + j + 1, xb + 1 + M + j + 2, xb + 1 + M + n + 1);
    xa[xb] = n - 1;
    this.#free(z);
  }

  #shrinkRoot(): void {
    while (this.#root >>> 31 === 0 && this.#count(this.#root) === 0) {
      const old = this.#root;
      this.#root = this.childAt(old, 0);
      this.#free(old);
    }
  }
}

/** Removes key `i` of a node (keys shift left). */
function removeAt(a: Uint32Array, b: number, i: number): void {
  const n = a[b]!;
  a.copyWithin(b + 1 + i, b + 2 + i, b + 1 + n);
  a[b] = n - 1;
}

/** Copies `count` words between two distinct nodes (possibly in the same page). */
function copyWords(src: Uint32Array, from: number, dst: Uint32Array, to: number, count: number): void {
  for (let k = 0; k < count; k++) dst[to + k] = src[from + k]!;
}
