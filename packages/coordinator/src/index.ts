/** @charybdis/coordinator — routes reads and writes to the owning shards (and, later, replicas). See README.md. */
export { StorageProxy, StorageProxyVerbs, StorageProxyErrorCodes, DEFAULT_SHARD_TIMEOUT_MS } from './storage-proxy';
export type { ProxyShard, RangePage } from './storage-proxy';
export { mergeShardPages } from './merge-shard-pages';
