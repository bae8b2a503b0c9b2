import type { PartitionUpdate } from '@charybdis/schema';

/**
 * The order of partitions everywhere in the engine (memtables, SSTables, scans): by token
 * (signed 64-bit), then by the serialized partition key compared bytewise unsigned, a
 * prefix before the longer key. Negative, zero or positive like a comparator.
 */
export function comparePartitionPositions(tokenA: bigint, keyA: Uint8Array, tokenB: bigint, keyB: Uint8Array): number {
  if (tokenA !== tokenB) return tokenA < tokenB ? -1 : 1;
  return compareKeyBytes(keyA, keyB);
}

/** {@link comparePartitionPositions} of two updates. */
export function comparePartitionUpdates(a: PartitionUpdate, b: PartitionUpdate): number {
  return comparePartitionPositions(a.token, a.partitionKey, b.token, b.partitionKey);
}

/** Bytewise unsigned comparison; a prefix sorts first. */
export function compareKeyBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
