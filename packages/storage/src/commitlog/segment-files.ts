import fs from 'node:fs/promises';
import path from 'node:path';

// File naming of segments (see docs/commitlog-format.md): live segments are
// `commitlog-<id>.log`, recycled files waiting for reuse `commitlog-recycled-<n>.log`
// (never replayed).

const SEGMENT_RE = /^commitlog-(\d+)\.log$/;
const RECYCLED_RE = /^commitlog-recycled-(\d+)\.log$/;

export function segmentFileName(segmentId: number): string {
  return `commitlog-${segmentId}.log`;
}

export function recycledFileName(n: number): string {
  return `commitlog-recycled-${n}.log`;
}

export interface SegmentFile {
  id: number;
  path: string;
}

export interface DirectoryListing {
  /** Live segments in increasing id order. */
  segments: SegmentFile[];
  /** Recycled files, with their sequence numbers. */
  recycled: SegmentFile[];
}

/** Lists the commitlog files of `directory` (which must exist). */
export async function listCommitlogDirectory(directory: string): Promise<DirectoryListing> {
  const names = await fs.readdir(directory);
  const segments: SegmentFile[] = [];
  const recycled: SegmentFile[] = [];
  for (const name of names) {
    const s = SEGMENT_RE.exec(name);
    if (s !== null) segments.push({ id: Number(s[1]), path: path.join(directory, name) });
    const r = RECYCLED_RE.exec(name);
    if (r !== null) recycled.push({ id: Number(r[1]), path: path.join(directory, name) });
  }
  segments.sort((a, b) => a.id - b.id);
  recycled.sort((a, b) => a.id - b.id);
  return { segments, recycled };
}

/** fsync of the directory: makes creations, renames and unlinks in it durable. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
