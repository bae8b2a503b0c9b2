/** @charybdis/replica — the node-local database of a shard. See README.md. */
export { ReplicaDatabase } from './replica-database';
export type { ReplicaCommitlogOptions, ReplayReport } from './replica-database';
export { Table } from './table';
export type { TableStats } from './table';
export type { TableDefinition } from './table-definition';
export type { TableSnapshotInfo } from './table-snapshots';
export type { RunningCompaction } from './compaction-manager';
export { tableDirectories, isValidSnapshotTag } from './table-directories';
export type { TableDirectories } from './table-directories';
export { ReplicaErrorCodes } from './replica-error-codes';
export type { ReplicaErrorCode } from './replica-error-codes';
export { DIRECT_WORK_GROUP, IoClasses } from './replica-types';
export type { ReplicaLogger, ShardStorage, WorkGroup } from './replica-types';
