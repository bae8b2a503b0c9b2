/**
 * Token → shard: which shard of a node owns a Murmur3 token, bit-exact with ScyllaDB's
 * "biased-token-round-robin" and the shard-aware drivers.
 */
export { shardOf, DEFAULT_SHARDING_IGNORE_MSB } from './shard-of';
export { shardOfHalves } from './shard-of-halves';
export { MAX_SHARD_COUNT, MAX_SHARDING_IGNORE_MSB } from './check-sharding-args';
