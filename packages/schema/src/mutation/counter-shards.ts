/**
 * One replica's contribution to a counter (a "global shard" of Cassandra's CounterContext):
 * the replica's counter id, a logical clock it increments on every update it leads, and
 * its running count. A counter's value is the sum of its shards' counts.
 *
 * Only global shards are modelled (Cassandra 2.1+ writes no other kind); the counter write
 * path (read-before-write on the leader, clock increments) comes later.
 */
export interface CounterShard {
  /** The replica's counter id, a lowercase UUID string. */
  readonly counterId: string;
  readonly clock: bigint;
  readonly count: bigint;
}

/**
 * Merges two shard lists (each sorted by counter id, ids unique), as Cassandra's
 * `CounterContext.merge` does for global shards: for each counter id the shard with the
 * higher clock wins; on equal clocks the higher count (Cassandra logs this case as an
 * "invalid global counter shard" and picks the highest to self-heal).
 */
export function mergeCounterShards(a: readonly CounterShard[], b: readonly CounterShard[]): CounterShard[] {
  const out: CounterShard[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.counterId < y.counterId)) {
      out.push(x!);
      i++;
    } else if (x === undefined || y.counterId < x.counterId) {
      out.push(y);
      j++;
    } else {
      const xWins = x.clock !== y.clock ? x.clock > y.clock : x.count >= y.count;
      out.push(xWins ? x : y);
      i++;
      j++;
    }
  }
  return out;
}

/** The value of a counter: the sum of its shards' counts, wrapped to a signed 64-bit value as Java's long arithmetic does. */
export function counterTotal(shards: readonly CounterShard[]): bigint {
  let total = 0n;
  for (const s of shards) total += s.count;
  return BigInt.asIntN(64, total);
}
