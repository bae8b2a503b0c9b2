/**
 * Lexicographic comparison of byte strings. Unsigned is Cassandra's `BYTE_ORDER`
 * (ascii, text, blob, inet, date, time, duration) and what `Cells.reconcile` uses on a
 * value tie; signed per-byte is what TimeUUIDType keeps for the low 8 bytes (CASSANDRA-8730).
 */
export function compareBytesUnsigned(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Lexicographic comparison with every byte read as a signed (Java) byte. */
export function compareBytesSigned(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = ((a[i]! << 24) >> 24) - ((b[i]! << 24) >> 24);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** True when both byte strings have the same length and contents. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** -1, 0 or 1 from any number (so comparators return canonical signs). */
export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
