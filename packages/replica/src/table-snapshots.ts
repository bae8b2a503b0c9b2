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
  /** When the snapshot was taken (ms since the epoch): from its manifest, else the folder's time. */
  readonly createdAtMs: number;
  /** When it expires (snapshot with a TTL), or null. */
  readonly expiresAtMs: number | null;
}

/** The file in each snapshot folder saying when it was taken and when it expires (Cassandra writes one too). */
export const SNAPSHOT_MANIFEST = 'manifest.json';

/** Times of a snapshot, as its manifest stores them (ISO-8601 strings). */
export interface SnapshotTimes {
  readonly createdAtMs: number;
  readonly expiresAtMs: number | null;
}

/** Writes `dir`/manifest.json: the snapshot's creation and expiry times. */
export async function writeSnapshotManifest(dir: string, times: SnapshotTimes): Promise<void> {
  const body = { created_at: new Date(times.createdAtMs).toISOString(), expires_at: times.expiresAtMs === null ? null : new Date(times.expiresAtMs).toISOString() };
  await fs.writeFile(path.join(dir, SNAPSHOT_MANIFEST), JSON.stringify(body, null, 2) + '\n');
}

/** The manifest's times; null when absent or unreadable (snapshots taken before manifests existed). */
async function readSnapshotManifest(dir: string): Promise<SnapshotTimes | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, SNAPSHOT_MANIFEST), 'utf8');
  } catch {
    return null;
  }
  try {
    const m = JSON.parse(text) as { created_at?: unknown; expires_at?: unknown };
    const created = typeof m.created_at === 'string' ? Date.parse(m.created_at) : NaN;
    const expires = typeof m.expires_at === 'string' ? Date.parse(m.expires_at) : null;
    if (Number.isNaN(created) || (expires !== null && Number.isNaN(expires))) return null;
    return { createdAtMs: created, expiresAtMs: expires };
  } catch {
    return null;
  }
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
      if (f === SNAPSHOT_MANIFEST) continue;
      const s = await fs.stat(path.join(dir, f));
      sizeBytes += s.size;
      if (s.nlink <= 1) trueSizeBytes += s.size;
    }
    const times = await readSnapshotManifest(dir);
    out.push({
      tag,
      tableId: table.id,
      keyspace: table.definition.keyspace,
      table: table.definition.name,
      sizeBytes,
      trueSizeBytes,
      createdAtMs: times?.createdAtMs ?? Math.round(stat.mtimeMs),
      expiresAtMs: times?.expiresAtMs ?? null,
    });
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
