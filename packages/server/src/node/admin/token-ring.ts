/** The Murmur3 token space: 2^64 tokens from -2^63 to 2^63-1. */
const RING_SIZE = 1n << 64n;

/** One range of the ring: (start, end], owned by `endpoint` (the owner of `end`). */
export interface TokenRange {
  readonly start: string;
  readonly end: string;
  readonly endpoint: string;
}

/**
 * The ring's ranges given every node's tokens: sorted by end token, each range starting
 * after the previous token (the first one wraps around from the last token). With one
 * token in all, that range is the whole ring.
 */
export function tokenRanges(owners: ReadonlyMap<string, readonly string[]>): TokenRange[] {
  const all: { token: bigint; endpoint: string }[] = [];
  for (const [endpoint, tokens] of owners) for (const t of tokens) all.push({ token: BigInt(t), endpoint });
  all.sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  return all.map((x, i) => ({ start: String(all[(i + all.length - 1) % all.length]!.token), end: String(x.token), endpoint: x.endpoint }));
}

/** Fraction of the ring (0..1) each endpoint owns as primary replica, from the ranges' widths. */
export function ownership(owners: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const ranges = tokenRanges(owners);
  const owned = new Map<string, bigint>([...owners.keys()].map((e) => [e, 0n]));
  for (const r of ranges) {
    let width = (BigInt(r.end) - BigInt(r.start) + RING_SIZE) % RING_SIZE;
    if (width === 0n) width = RING_SIZE; // a single token owns everything
    owned.set(r.endpoint, owned.get(r.endpoint)! + width);
  }
  // Scaled to 1e-9 before dividing, so the bigint division keeps precision.
  return new Map([...owned].map(([e, w]) => [e, Number((w * 1_000_000_000n) / RING_SIZE) / 1e9]));
}
