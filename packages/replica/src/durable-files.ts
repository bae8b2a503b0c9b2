import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Small metadata files written atomically and durably: write a temporary file, fdatasync
 * it, rename it over the target, fsync the directory. A crash leaves the old file or the
 * new one, never a torn one.
 */
export async function writeFileDurably(file: string, contents: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(contents);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
  await syncDirectory(path.dirname(file));
}

/** Makes a directory's entries (created, renamed, deleted files) durable. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Deletes a file; a missing one is fine. */
export async function unlinkIfExists(file: string): Promise<void> {
  try {
    await fs.unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
