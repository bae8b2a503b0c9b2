import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ReplayPosition } from '@charybdis/storage';
import { writeFileDurably } from './durable-files';

const FILE = 'truncated.json';

/**
 * A table's truncation record on one shard: the commitlog position at the last TRUNCATE.
 * Replay skips the table's entries before it, so truncated data never comes back from the
 * commitlog (Cassandra keeps the same fact in system.local's truncated_at).
 */
export async function writeTruncationRecord(shardDirectory: string, position: ReplayPosition, atMs: number): Promise<void> {
  await writeFileDurably(path.join(shardDirectory, FILE), JSON.stringify({ version: 1, segmentId: position.segmentId, offset: position.offset, atMs }) + '\n');
}

/** The recorded position, or null when the table was never truncated. */
export async function readTruncationRecord(shardDirectory: string): Promise<ReplayPosition | null> {
  const file = path.join(shardDirectory, FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = JSON.parse(text) as { segmentId?: unknown; offset?: unknown };
  if (!Number.isSafeInteger(parsed.segmentId) || !Number.isSafeInteger(parsed.offset)) {
    throw new Error(`truncation record ${file} is damaged; delete it only if no TRUNCATE of this table must be honoured at replay`);
  }
  return { segmentId: parsed.segmentId as number, offset: parsed.offset as number };
}
