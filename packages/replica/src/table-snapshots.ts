import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Table } from './table';

/** One snapshot of one table on one shard (what `nodetool listsnapshots` shows per line). */
export interface TableSnapshotInfo {
  readonly tag: string;
  readonly tableId: string;
  readonly keyspace: string;
  readonly table: string;
  /** Bytes of the snapshot's files on this shard (what they would take if the live SSTables were gone). */
  readonly sizeBytes: number;
  /**
   * Bytes only the snapshot holds: files with no other hard link (their SSTable was
   * compacted or truncated away since). Cassandra's "true size".
   */
  readonly trueSizeBytes: number;
  /** When the snapshot folder of this shard was created (ms since the epoch). */
  readonly createdAtMs: number;
}

/** The snapshots of `table` on its shard (the `snapshots/<tag>/shard-<n>` folders), by tag. */
export async function listTableSnapshots(table: Table): Promise<TableSnapshotInfo[]> {
  const tags = await readDirOrEmpty(table.directories.snapshots);
  const out: TableSnapshotInfo[] = [];
  for (const tag of tags.sort()) {
    const dir = table.directories.snapshot(tag);
    const files = await readDirOrEmpty(dir);
    let stat;
    try {
      stat = await fs.stat(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // another shard's snapshot only
      throw err;
    }
    let sizeBytes = 0;
    let trueSizeBytes = 0;
    for (const f of files) {
      const s = await fs.stat(path.join(dir, f));
      sizeBytes += s.size;
      if (s.nlink <= 1) trueSizeBytes += s.size;
    }
    out.push({ tag, tableId: table.id, keyspace: table.definition.keyspace, table: table.definition.name, sizeBytes, trueSizeBytes, createdAtMs: stat.birthtimeMs || stat.mtimeMs });
  }
  return out;
}

/**
 * Removes this shard's folder of snapshot `tag` of `table` (every tag when null), then the
 * tag folder once no shard has anything left in it. Returns how many folders were removed.
 */
export async function clearTableSnapshots(table: Table, tag: string | null): Promise<number> {
  const tags = tag === null ? await readDirOrEmpty(table.directories.snapshots) : [tag];
  let removed = 0;
  for (const t of tags) {
    const dir = table.directories.snapshot(t);
    try {
      await fs.access(dir);
    } catch {
      continue;
    }
    await fs.rm(dir, { recursive: true, force: true });
    removed++;
    // Other shards remove their own folders concurrently: the last one out removes the tag folder.
    await rmdirIfEmpty(path.dirname(dir));
  }
  await rmdirIfEmpty(table.directories.snapshots);
  return removed;
}

async function readDirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function rmdirIfEmpty(dir: string): Promise<void> {
  try {
    await fs.rmdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'ENOENT' && code !== 'EEXIST') throw err;
  }
}
