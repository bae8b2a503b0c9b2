/**
 * Modification statements: INSERT, UPDATE, DELETE and BATCH prepared against a schema and
 * executed into PartitionUpdates. See README.md.
 */
export { prepareModification, resolveTable } from './prepare-modification';
export { PreparedModification } from './prepared-modification';
export { prepareBatch, executeBatch, checkBatchStatements, PreparedBatch } from './batch';
export type { BatchEntry, BatchType } from './batch';
export { CounterLocks, SINGLE_NODE_COUNTER_ID } from './counter-locks';
export { encodePartitionKey } from './partition-key';
export type { EncodedPartitionKey } from './partition-key';
export { MAX_CARTESIAN_PRODUCT_SIZE, MAX_KEY_LENGTH_BYTES, MAX_PENDING_COUNTER_UPDATES } from './modification-limits';
