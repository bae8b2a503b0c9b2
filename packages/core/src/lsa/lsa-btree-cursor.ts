import { CharybdisError } from '../errors';
import { LsaErrorCode } from './lsa-errors';

/** Deepest B-tree a cursor can walk: with t ≥ 2 and < 2^31 entries the depth is ≤ 31. */
const MAX_DEPTH = 40;

/**
 * What a cursor reads of its tree; implemented by LsaBTree.
 * @internal
 */
export interface BTreeAccess {
  readonly root: number;
  readonly version: number;
  isLeaf(node: number): boolean;
  keyCount(node: number): number;
  keyAt(node: number, i: number): number;
  childAt(node: number, i: number): number;
  /** (first index with key ≥ probe) × 2, + 1 if that key equals the probe. */
  searchProbe(node: number, probe: Uint8Array): number;
}

/**
 * An in-order position in an {@link LsaBTree}: `seekFirst()` or `seek(probe)` (the first
 * entry ≥ probe), then `handle` and `next()` until `valid` is false. The path from the
 * root is kept in two small typed arrays, so walking allocates nothing.
 *
 * A cursor is invalidated by any change to its tree: `handle` and `next()` then throw
 * LSA_INDEX_MODIFIED; seek again (e.g. just after the last key seen) to continue.
 * Thread: the tree's.
 */
export class LsaBTreeCursor {
  readonly #tree: BTreeAccess;
  /** nodes[d], idx[d]: at the top, the current key; below, "inside child idx, next key idx". */
  readonly #nodes = new Uint32Array(MAX_DEPTH);
  readonly #idx = new Int32Array(MAX_DEPTH);
  #depth = 0;
  #version: number;

  /** @internal Use LsaBTree.cursor(). */
  constructor(tree: BTreeAccess) {
    this.#tree = tree;
    this.#version = tree.version;
  }

  /** Whether the cursor is on an entry (false past the end or before a seek). */
  get valid(): boolean {
    return this.#depth > 0;
  }

  /** The handle of the current entry. */
  get handle(): number {
    this.#checkVersion();
    if (this.#depth === 0) throw new CharybdisError(LsaErrorCode.INVALID_STATE, 'cursor is not on an entry');
    const d = this.#depth - 1;
    return this.#tree.keyAt(this.#nodes[d]!, this.#idx[d]!);
  }

  /** Moves to the first entry. */
  seekFirst(): this {
    this.#reset();
    this.#descendLeft(this.#tree.root);
    this.#settle();
    return this;
  }

  /** Moves to the first entry whose key is ≥ `probe` (invalid if there is none). */
  seek(probe: Uint8Array): this {
    this.#reset();
    const tree = this.#tree;
    let x = tree.root;
    for (;;) {
      const r = tree.searchProbe(x, probe);
      this.#push(x, r >>> 1);
      if ((r & 1) !== 0) return this;
      if (tree.isLeaf(x)) break;
      x = tree.childAt(x, r >>> 1);
    }
    this.#settle();
    return this;
  }

  /** Advances to the next entry; returns `valid`. */
  next(): boolean {
    this.#checkVersion();
    if (this.#depth === 0) return false;
    const tree = this.#tree;
    const d = this.#depth - 1;
    const x = this.#nodes[d]!;
    const i = this.#idx[d]!;
    this.#idx[d] = i + 1;
    if (!tree.isLeaf(x)) this.#descendLeft(tree.childAt(x, i + 1));
    this.#settle();
    return this.#depth > 0;
  }

  #reset(): void {
    this.#depth = 0;
    this.#version = this.#tree.version;
  }

  #descendLeft(node: number): void {
    const tree = this.#tree;
    let x = node;
    this.#push(x, 0);
    while (!tree.isLeaf(x)) {
      x = tree.childAt(x, 0);
      this.#push(x, 0);
    }
  }

  /** Pops finished nodes until the top is on a key (or the stack is empty: past the end). */
  #settle(): void {
    while (this.#depth > 0) {
      const d = this.#depth - 1;
      if (this.#idx[d]! < this.#tree.keyCount(this.#nodes[d]!)) return;
      this.#depth--;
    }
  }

  #push(node: number, i: number): void {
    if (this.#depth === MAX_DEPTH) throw new CharybdisError(LsaErrorCode.LIMIT_EXCEEDED, 'B-tree deeper than a cursor can walk');
    this.#nodes[this.#depth] = node;
    this.#idx[this.#depth] = i;
    this.#depth++;
  }

  #checkVersion(): void {
    if (this.#version !== this.#tree.version) {
      throw new CharybdisError(LsaErrorCode.INDEX_MODIFIED, 'the B-tree changed since this cursor was positioned; seek again');
    }
  }
}
