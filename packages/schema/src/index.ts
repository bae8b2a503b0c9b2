/**
 * @charybdis/schema — CQL types, schema model, partitioner, mutation model. See README.md.
 */
export { murmur3Token, murmur3Hash64, MURMUR3_MIN_TOKEN, MURMUR3_MAX_TOKEN } from './partitioner/murmur3-partitioner';
export * from './types';
export * from './mutation';
export * from './catalog';
export * from './describe';
