import * as path from 'node:path';
import type { TableDefinition } from './table-definition';

/**
 * Where a table's files live. Each shard owns its own SSTables, so each has its own folder
 * under the table's (Cassandra's `<keyspace>/<table>-<id>` layout with a `shard-<n>` level
 * added): no two shards ever list, create or delete files in the same directory.
 *
 *     <data_dir>/<keyspace>/<table>-<id without dashes>/shard-<n>/cha-<gen>-Data.db …
 *     <data_dir>/<keyspace>/<table>-<id without dashes>/snapshots/<tag>/shard-<n>/…
 */
export interface TableDirectories {
  /** The table's folder shared by the shards (holds shard-<n>/ and snapshots/). */
  readonly table: string;
  /** This shard's SSTables. */
  readonly shard: string;
  /** The folder a snapshot `tag` of this shard's SSTables goes to. */
  snapshot(tag: string): string;
  /** The folder of all snapshots of the table. */
  readonly snapshots: string;
}

/** The directories of `table` on shard `shardId` under `dataDirectory`. */
export function tableDirectories(dataDirectory: string, table: TableDefinition, shardId: number): TableDirectories {
  const tableDir = path.join(dataDirectory, table.keyspace, `${table.name}-${table.id.replace(/-/g, '')}`);
  const snapshots = path.join(tableDir, 'snapshots');
  const shardName = `shard-${shardId}`;
  return {
    table: tableDir,
    shard: path.join(tableDir, shardName),
    snapshots,
    snapshot: (tag) => path.join(snapshots, tag, shardName),
  };
}

/** Snapshot tags become folder names: letters, digits, '-', '_' and '.', not starting with '.'. */
export function isValidSnapshotTag(tag: string): boolean {
  return /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/.test(tag);
}
