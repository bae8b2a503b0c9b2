import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';
import { checkShardingArgs } from './check-sharding-args';

/** ScyllaDB's default `murmur3_partitioner_ignore_msb_bits`. */
export const DEFAULT_SHARDING_IGNORE_MSB = 12;

const MASK64 = (1n << 64n) - 1n;
const BIAS = 1n << 63n;
const MIN_TOKEN = -(1n << 63n);
const MAX_TOKEN = (1n << 63n) - 1n;

/**
 * The shard of this node that owns a Murmur3 token, exactly as ScyllaDB computes it
 * (`dht::shard_of`, sharding algorithm "biased-token-round-robin", which shard-aware
 * drivers reproduce): unbias the signed 64-bit token to unsigned (add 2^63), shift left by
 * `shardingIgnoreMsb` keeping 64 bits, multiply by `shardCount` as a 128-bit product and
 * keep the high 64 bits. Reading the shifted token as a fraction of 2^64, this is
 * floor(fraction · shardCount): consecutive token ranges go round-robin over the shards,
 * 2^shardingIgnoreMsb times around the ring.
 *
 * The reference implementation, in BigInt; `shardOfHalves` is the allocation-free
 * equivalent for hot paths. Throws INVALID_ARGUMENT for a token outside the signed 64-bit
 * range, `shardCount` outside [1, 65535] or `shardingIgnoreMsb` outside [0, 63].
 */
export function shardOf(token: bigint, shardCount: number, shardingIgnoreMsb = DEFAULT_SHARDING_IGNORE_MSB): number {
  checkShardingArgs(shardCount, shardingIgnoreMsb);
  if (typeof token !== 'bigint' || token < MIN_TOKEN || token > MAX_TOKEN) {
    throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `token must be a signed 64-bit bigint, got ${String(token)}`);
  }
  const unbiased = (token + BIAS) & MASK64;
  const shifted = (unbiased << BigInt(shardingIgnoreMsb)) & MASK64;
  return Number((shifted * BigInt(shardCount)) >> 64n);
}
