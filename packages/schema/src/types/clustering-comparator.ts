import { CharybdisError } from '@charybdis/core';
import { codecFor } from './codec-for';
import { compareBytesUnsigned } from './compare-bytes';
import type { CqlType } from './cql-type';
import { TypeErrorCodes } from './type-error-codes';
import type { ValueCodec } from './value-codec';

/** A clustering prefix: the encoded values of the first N clustering columns (N may be 0). */
export type ClusteringPrefix = readonly Uint8Array[];

/**
 * Where a slice bound sits relative to the clusterings that start with its prefix:
 * `inclStart` and `exclEnd` sit just before all of them, `exclStart` and `inclEnd` just
 * after all of them (Cassandra's ClusteringPrefix.Kind).
 */
export type BoundKind = 'inclStart' | 'exclStart' | 'inclEnd' | 'exclEnd';

/** A slice bound: a prefix and which side of it the bound sits on. */
export interface ClusteringBound {
  readonly kind: BoundKind;
  readonly prefix: ClusteringPrefix;
}

/** The bottom of a partition's clustering order (before every row). */
export const BOTTOM_BOUND: ClusteringBound = Object.freeze({ kind: 'inclStart', prefix: Object.freeze([]) });
/** The top of a partition's clustering order (after every row). */
export const TOP_BOUND: ClusteringBound = Object.freeze({ kind: 'inclEnd', prefix: Object.freeze([]) });

/**
 * -1 for kinds that sit before the clusterings they prefix, +1 for those after
 * (Cassandra's `comparedToClustering`). Two bounds on the same prefix and the same side
 * are the same position.
 */
function boundSide(kind: BoundKind): -1 | 1 {
  return kind === 'inclStart' || kind === 'exclEnd' ? -1 : 1;
}

/** True for a start bound. */
export function isStartBound(kind: BoundKind): boolean {
  return kind === 'inclStart' || kind === 'exclStart';
}

/**
 * Orders clusterings, clustering prefixes and slice bounds of one table, with one
 * comparator per clustering column (a `reversed` type for a DESC column), as Cassandra's
 * ClusteringComparator does:
 *
 * - component by component with the column's type;
 * - when one is a prefix of the other: a bound on the shorter prefix sits before or after
 *   all the longer ones by its kind; a plain shorter prefix sorts first;
 * - two bounds on the same prefix: the "before" side first.
 *
 * Immutable; build one per table schema.
 */
export class ClusteringComparator {
  /** The codec of each clustering column. */
  readonly codecs: readonly ValueCodec[];

  constructor(readonly types: readonly CqlType[]) {
    this.codecs = types.map(codecFor);
  }

  /** The number of clustering columns. */
  get size(): number {
    return this.codecs.length;
  }

  /** Compares the values of clustering column `index`. */
  compareComponent(index: number, a: Uint8Array, b: Uint8Array): number {
    const codec = this.codecs[index];
    if (codec === undefined) {
      throw new CharybdisError(TypeErrorCodes.INVALID_VALUE, `Invalid clustering: component ${index} but the table has ${this.size} clustering columns`);
    }
    return codec.compare(a, b);
  }

  private comparePrefixes(a: ClusteringPrefix, b: ClusteringPrefix): number {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = this.compareComponent(i, a[i]!, b[i]!);
      if (c !== 0) return c < 0 ? -1 : 1;
    }
    return 0;
  }

  /** Orders two clusterings or plain prefixes (a shorter prefix sorts before its extensions). */
  compare(a: ClusteringPrefix, b: ClusteringPrefix): number {
    const c = this.comparePrefixes(a, b);
    if (c !== 0) return c;
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }

  /** Orders two slice bounds by position (an end bound and a start bound may be at the same position). */
  compareBounds(a: ClusteringBound, b: ClusteringBound): number {
    const c = this.comparePrefixes(a.prefix, b.prefix);
    if (c !== 0) return c;
    if (a.prefix.length === b.prefix.length) {
      const sa = boundSide(a.kind);
      const sb = boundSide(b.kind);
      return sa === sb ? 0 : sa < sb ? -1 : 1;
    }
    return a.prefix.length < b.prefix.length ? boundSide(a.kind) : -boundSide(b.kind);
  }

  /**
   * Orders a clustering against a slice bound: negative when the clustering comes before
   * the bound. Never 0 for a full clustering (a bound sits between clusterings).
   */
  compareToBound(clustering: ClusteringPrefix, bound: ClusteringBound): number {
    const c = this.comparePrefixes(clustering, bound.prefix);
    if (c !== 0) return c;
    if (clustering.length <= bound.prefix.length) {
      // The bound is on this clustering itself (or a longer prefix of a shorter one).
      return clustering.length === bound.prefix.length ? -boundSide(bound.kind) : -1;
    }
    return -boundSide(bound.kind);
  }

  /** True when `clustering` is inside the slice [start, end] (each bound inclusive or not by its kind). */
  sliceContains(start: ClusteringBound, end: ClusteringBound, clustering: ClusteringPrefix): boolean {
    return this.compareToBound(clustering, start) > 0 && this.compareToBound(clustering, end) < 0;
  }

  /**
   * A total order for deterministic choices between prefixes the comparator finds equal
   * but whose bytes differ (decimal 1.0 vs 1.00, a non-minimal varint, NaN payloads):
   * component-wise unsigned bytes, then length.
   */
  static compareBytes(a: ClusteringPrefix, b: ClusteringPrefix): number {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compareBytesUnsigned(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }

  /**
   * Validates a clustering or prefix: at most one component per clustering column (exactly
   * one per column when `full`), each valid for its type. Throws `SCHEMA_INVALID_VALUE`.
   */
  validate(prefix: ClusteringPrefix, full: boolean): void {
    if (prefix.length > this.size || (full && prefix.length !== this.size)) {
      throw new CharybdisError(
        TypeErrorCodes.INVALID_VALUE,
        `Invalid clustering: ${prefix.length} components for ${this.size} clustering columns`,
      );
    }
    prefix.forEach((component, i) => this.codecs[i]!.validate(component));
  }
}
