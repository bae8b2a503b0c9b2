import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';

/** Largest shard count: ScyllaDB carries it as an unsigned 16-bit value (SCYLLA_NR_SHARDS). */
export const MAX_SHARD_COUNT = 65535;
/** Largest sharding_ignore_msb: the shift must leave at least one bit of the 64-bit token. */
export const MAX_SHARDING_IGNORE_MSB = 63;

/**
 * Throws INVALID_ARGUMENT unless `shardCount` is an integer in [1, 65535] and
 * `shardingIgnoreMsb` an integer in [0, 63]. Internal to sharding.
 */
export function checkShardingArgs(shardCount: number, shardingIgnoreMsb: number): void {
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > MAX_SHARD_COUNT) {
    throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `shardCount must be an integer in [1, ${MAX_SHARD_COUNT}], got ${String(shardCount)}`);
  }
  if (!Number.isInteger(shardingIgnoreMsb) || shardingIgnoreMsb < 0 || shardingIgnoreMsb > MAX_SHARDING_IGNORE_MSB) {
    throw new CharybdisError(
      ErrorCodes.INVALID_ARGUMENT,
      `shardingIgnoreMsb must be an integer in [0, ${MAX_SHARDING_IGNORE_MSB}], got ${String(shardingIgnoreMsb)}`,
    );
  }
}
