import type { LsaComparator } from './lsa-region-types';

/**
 * The bytewise comparator: unsigned lexicographic order, a proper prefix first (memcmp
 * then length, like ScyllaDB's `compare_unsigned`). Allocation-free.
 */
export const compareBytes: LsaComparator = (a, aOffset, aLength, b, bOffset, bLength) => {
  const n = aLength < bLength ? aLength : bLength;
  for (let i = 0; i < n; i++) {
    const d = a[aOffset + i]! - b[bOffset + i]!;
    if (d !== 0) return d;
  }
  return aLength - bLength;
};

/** `cmp` with the order reversed (e.g. a clustering column declared DESC). */
export function reverseComparator(cmp: LsaComparator): LsaComparator {
  return (a, aOffset, aLength, b, bOffset, bLength) => cmp(b, bOffset, bLength, a, aOffset, aLength);
}
