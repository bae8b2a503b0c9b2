/**
 * A row marker (Cassandra's LivenessInfo): the timestamp of the row's primary key, written
 * by INSERT (not UPDATE), which keeps a row alive with no live regular cell. It can have a
 * TTL, in which case it expires at `localExpirationTimeSeconds`. No marker is an absent
 * (undefined) LivenessInfo. Cassandra's "expired liveness" variant, used only by
 * materialized views, is not modelled.
 */
export interface LivenessInfo {
  readonly timestampUs: bigint;
  /** Present (with `localExpirationTimeSeconds`) when the marker has a TTL. */
  readonly ttlSeconds?: number;
  /** When the marker expires, in seconds since the epoch; present iff `ttlSeconds` is. */
  readonly localExpirationTimeSeconds?: number;
}

/**
 * Cassandra's `LivenessInfo.supersedes`: the later timestamp wins; on a tie a marker with a
 * TTL beats one without, and of two with TTLs the one expiring later wins. Cassandra leaves
 * a remaining tie (same timestamp and expiry, different TTL) to argument order; we give
 * it to the larger TTL so that merging is commutative.
 */
export function livenessSupersedes(a: LivenessInfo, b: LivenessInfo): boolean {
  if (a.timestampUs !== b.timestampUs) return a.timestampUs > b.timestampUs;
  const aExpiring = a.ttlSeconds !== undefined;
  const bExpiring = b.ttlSeconds !== undefined;
  if (aExpiring !== bExpiring) return aExpiring;
  if (!aExpiring) return false;
  if (a.localExpirationTimeSeconds !== b.localExpirationTimeSeconds) {
    return a.localExpirationTimeSeconds! > b.localExpirationTimeSeconds!;
  }
  return a.ttlSeconds > b.ttlSeconds!;
}

/** The superseding one of two optional markers (`a` when they are equal). */
export function mergeLiveness(a: LivenessInfo | undefined, b: LivenessInfo | undefined): LivenessInfo | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return livenessSupersedes(b, a) ? b : a;
}

/** True while the marker keeps its row alive: no TTL, or `nowSeconds` before its expiry. */
export function isLivenessLive(info: LivenessInfo | undefined, nowSeconds: number): boolean {
  if (info === undefined) return false;
  return info.localExpirationTimeSeconds === undefined || nowSeconds < info.localExpirationTimeSeconds;
}
